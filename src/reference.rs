//! The model as a reference for your own implementation: proptest-state-machine's
//! [`ReferenceStateMachine`] for every machine (feature `reference`).
//!
//! [`Reference<M>`] generates runs of machine `M`: a parameter set (every one of
//! [`fsm::Parameters::all`], the default first, so shrinking goes towards it) and a
//! sequence of stimuli, weighted towards those that move the machine from where it is, so
//! that deep states are reached, while every stimulus keeps occurring. Every stimulus is
//! total (a row answers it in every state), so there are no preconditions. After each
//! stimulus the reference state holds what the model did ([`ModelState::last`]), and
//! [`ModelState::expect`] compares your implementation's observable behaviour with it.
//!
//! # Examples
//! Your implementation is driven by stimulus names and reports its state, exception and
//! events; here `ucma_ha::catalog` stands in for it. `examples/reference_local_owner_presence.rs`
//! tests a hand-written LocalOwnerPresence the same way.
//! ```
//! use fsm::Symbol;
//! use proptest_state_machine::{prop_state_machine, StateMachineTest};
//! use ucma_ha::catalog::{machine, DynModel, Snapshot};
//! use ucma_ha::presence::LocalOwnerPresenceStimulus;
//! use ucma_ha::reference::{ModelState, Reference};
//! use ucma_ha::LocalOwnerPresence;
//!
//! struct Driver {
//!     model: Box<dyn DynModel>,
//!     at: Snapshot,
//! }
//!
//! struct Test;
//! impl StateMachineTest for Test {
//!     type SystemUnderTest = Driver;
//!     type Reference = Reference<LocalOwnerPresence>;
//!
//!     fn init_test(reference: &ModelState<LocalOwnerPresence>) -> Driver {
//!         let config = serde_json::to_value(reference.parameters()).unwrap();
//!         let model = machine("local_owner_presence", &config).unwrap();
//!         Driver { at: model.initial(), model }
//!     }
//!
//!     fn apply(
//!         mut sut: Driver,
//!         reference: &ModelState<LocalOwnerPresence>,
//!         on: LocalOwnerPresenceStimulus,
//!     ) -> Driver {
//!         let reaction = sut.model.step(&sut.at, on.name()).unwrap();
//!         sut.at = reaction.next;
//!         let state = sut.model.states(&sut.at)[0].observed;
//!         if let Err(divergence) = reference.expect(state, reaction.rejected, &reaction.events) {
//!             panic!("{divergence}");
//!         }
//!         sut
//!     }
//! }
//!
//! prop_state_machine! {
//!     #![proptest_config(proptest::test_runner::Config::with_cases(32))]
//!     fn agrees_with_the_model(sequential 1..30 => Test);
//! }
//! agrees_with_the_model();
//! ```
//!
//! The composed `system` has its own adapter, [`SystemReference`], whose transitions are
//! system stimuli and whose [`SystemModelState::expect`] compares the components your
//! implementation reports.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use fsm::{Machine, Parameters, Symbol, Table};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use proptest_state_machine::ReferenceStateMachine;
use serde::Serialize;

/// The reference model of machine `M` for proptest-state-machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reference<M>(PhantomData<M>);

/// What the model did on the last stimulus.
pub struct LastStep<M: Machine> {
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state before it.
    pub from: M::State,
    /// The error, when the model refused it.
    pub rejected: Option<M::Error>,
    /// The events the model raised, in order.
    pub events: Vec<M::Event>,
}

impl<M: Machine> Clone for LastStep<M> {
    fn clone(&self) -> Self {
        LastStep {
            on: self.on,
            from: self.from,
            rejected: self.rejected,
            events: self.events.clone(),
        }
    }
}

impl<M: Machine> fmt::Debug for LastStep<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LastStep")
            .field("on", &self.on)
            .field("from", &self.from)
            .field("rejected", &self.rejected)
            .field("events", &self.events)
            .finish()
    }
}

/// The reference state: the model's table for the generated parameters, its current
/// state, and what the last stimulus did.
pub struct ModelState<M: Machine> {
    table: Arc<Table<M>>,
    state: M::State,
    last: Option<LastStep<M>>,
    history: Vec<M::Stimulus>,
}

impl<M: Machine> Clone for ModelState<M> {
    fn clone(&self) -> Self {
        ModelState {
            table: Arc::clone(&self.table),
            state: self.state,
            last: self.last.clone(),
            history: self.history.clone(),
        }
    }
}

/// Shows the parameters, the state and the stimuli so far (what a shrunk failure prints).
impl<M: Machine> fmt::Debug for ModelState<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelState")
            .field("machine", &M::ID)
            .field("parameters", self.parameters())
            .field("state", &self.state)
            .field("history", &self.history)
            .finish()
    }
}

/// Where an implementation's behaviour differs from the model's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The machine id.
    pub machine: &'static str,
    /// The stimuli so far, the last one included.
    pub path: Vec<&'static str>,
    /// What differs: `state`, `rejected` or `events`.
    pub field: &'static str,
    /// What the model did.
    pub expected: String,
    /// What the implementation did.
    pub actual: String,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} after [{}]: {} expected {}, got {}",
            self.machine,
            self.path.join(", "),
            self.field,
            self.expected,
            self.actual
        )
    }
}

impl std::error::Error for Divergence {}

impl<M: Machine> ModelState<M> {
    /// A model instance with `parameters`, in its initial state.
    ///
    /// # Errors
    /// The table errors when the rows do not compile for these parameters (the model's
    /// own never fail; see `fsm::check`).
    pub fn new(parameters: M::Parameters) -> Result<Self, fsm::TableErrors> {
        let table = Table::new(parameters)?;
        Ok(ModelState {
            state: table.initial(),
            table: Arc::new(table),
            last: None,
            history: Vec::new(),
        })
    }

    /// The parameters of this instance (build your implementation with the same).
    pub fn parameters(&self) -> &M::Parameters {
        self.table.parameters()
    }

    /// The model's current (table) state.
    pub fn state(&self) -> M::State {
        self.state
    }

    /// The model's current state by its observable .NET name.
    pub fn observed(&self) -> &'static str {
        M::observed(self.state)
    }

    /// What the last stimulus did; `None` before the first.
    pub fn last(&self) -> Option<&LastStep<M>> {
        self.last.as_ref()
    }

    /// The stimuli applied so far.
    pub fn history(&self) -> &[M::Stimulus] {
        &self.history
    }

    /// Applies one stimulus to the model.
    ///
    /// # Complexity
    /// O(1) plus the events raised.
    pub fn step(&mut self, on: M::Stimulus) {
        let from = self.state;
        let (rejected, events) = match self.table.step(from, on) {
            Ok(transition) => {
                self.state = transition.to;
                (None, transition.events().collect())
            }
            Err(rejected) => (Some(rejected.error), Vec::new()),
        };
        self.history.push(on);
        self.last = Some(LastStep {
            on,
            from,
            rejected,
            events,
        });
    }

    /// Compares an implementation's behaviour on the last stimulus with the model's.
    ///
    /// # Arguments
    /// * `state` - the implementation's state, by its .NET name (e.g. `WaitingForRetry`).
    /// * `rejected` - the exception it threw, by name, or `None` when it accepted.
    /// * `events` - the events it raised, in order.
    ///
    /// # Errors
    /// The first [`Divergence`]: state, then rejection, then events.
    pub fn expect(
        &self,
        state: &str,
        rejected: Option<&str>,
        events: &[M::Event],
    ) -> Result<(), Divergence> {
        let diverge = |field, expected: String, actual: String| Divergence {
            machine: M::ID,
            path: self.history.iter().map(|on| on.name()).collect(),
            field,
            expected,
            actual,
        };
        if state != self.observed() {
            return Err(diverge(
                "state",
                self.observed().to_owned(),
                state.to_owned(),
            ));
        }
        let model_rejected: Option<&'static str> = self
            .last
            .as_ref()
            .and_then(|last| last.rejected)
            .map(Into::into);
        let model_events = self.last.as_ref().map_or(&[][..], |last| &last.events);
        compare_outcome(diverge, (model_rejected, model_events), (rejected, events))
    }
}

/// Compares what the last step did, the rejection first and then the events: the part of
/// `expect` that the machine and the system references share.
fn compare_outcome<E: PartialEq + Serialize>(
    diverge: impl Fn(&'static str, String, String) -> Divergence,
    (model_rejected, model_events): (Option<&str>, &[E]),
    (rejected, events): (Option<&str>, &[E]),
) -> Result<(), Divergence> {
    if rejected != model_rejected {
        return Err(diverge(
            "rejected",
            format!("{model_rejected:?}"),
            format!("{rejected:?}"),
        ));
    }
    if events != model_events {
        return Err(diverge("events", json(model_events), json(events)));
    }
    Ok(())
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|error| error.to_string())
}

impl<M: Machine> ReferenceStateMachine for Reference<M> {
    type State = ModelState<M>;
    type Transition = M::Stimulus;

    /// Every parameter set whose table compiles, the default first.
    fn init_state() -> BoxedStrategy<ModelState<M>> {
        let mut all = M::Parameters::all();
        let default = M::Parameters::default();
        all.sort_by_key(|parameters| *parameters != default);
        let states: Vec<ModelState<M>> = all
            .into_iter()
            .filter_map(|parameters| ModelState::new(parameters).ok())
            .collect();
        prop::sample::select(states).boxed()
    }

    /// Half the time a stimulus that moves the model from where it is, half the time any.
    fn transitions(state: &ModelState<M>) -> BoxedStrategy<M::Stimulus> {
        let all: Vec<M::Stimulus> = M::Stimulus::all().collect();
        let moving: Vec<M::Stimulus> = all
            .iter()
            .copied()
            .filter(|on| {
                state
                    .table
                    .step(state.state, *on)
                    .is_ok_and(|transition| transition.to != state.state)
            })
            .collect();
        if moving.is_empty() {
            prop::sample::select(all).boxed()
        } else {
            prop_oneof![prop::sample::select(all), prop::sample::select(moving)].boxed()
        }
    }

    fn apply(mut state: ModelState<M>, on: &M::Stimulus) -> ModelState<M> {
        state.step(*on);
        state
    }
}

// ---------------------------------------------------------------------------------------
// The composed system
// ---------------------------------------------------------------------------------------

use crate::catalog::{DynModel, Snapshot};
use crate::system::{System, SystemConfig, SystemError, SystemStimulus};
use crate::Event;

/// The reference model of the composed `system` (docs/CONTRACT.md section 2) for
/// proptest-state-machine: transitions are [`SystemStimulus`] macro-steps.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemReference;

/// What the system did on the last stimulus.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemLastStep {
    /// The stimulus.
    pub on: SystemStimulus,
    /// The exception, when the application's call was rejected.
    pub rejected: Option<&'static str>,
    /// Every event the macro-step raised, in order.
    pub events: Vec<Event>,
}

/// The system reference state: the system for the generated configuration, its current
/// state, and what the last stimulus did.
#[derive(Clone)]
pub struct SystemModelState {
    system: Arc<System>,
    at: Snapshot,
    last: Option<SystemLastStep>,
    history: Vec<SystemStimulus>,
}

impl fmt::Debug for SystemModelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SystemModelState")
            .field("config", self.system.config())
            .field("states", &self.states())
            .field("last", &self.last)
            .field("history", &self.history)
            .finish()
    }
}

impl SystemModelState {
    /// A system with `config`, in its initial state.
    ///
    /// # Errors
    /// [`SystemError`] when the configuration does not fit (e.g. too many views).
    pub fn new(config: SystemConfig) -> Result<Self, SystemError> {
        let system = System::new(config)?;
        Ok(SystemModelState {
            at: DynModel::initial(&system),
            system: Arc::new(system),
            last: None,
            history: Vec::new(),
        })
    }

    /// The configuration (build your implementation with the same).
    pub fn config(&self) -> &SystemConfig {
        self.system.config()
    }

    /// Every component's observable state: `(component, .NET state name)`.
    pub fn states(&self) -> Vec<(String, &'static str)> {
        DynModel::states(self.system.as_ref(), &self.at)
            .into_iter()
            .map(|name| (name.component.into_owned(), name.observed))
            .collect()
    }

    /// What the last stimulus did; `None` before the first.
    pub fn last(&self) -> Option<&SystemLastStep> {
        self.last.as_ref()
    }

    /// The stimuli applied so far.
    pub fn history(&self) -> &[SystemStimulus] {
        &self.history
    }

    /// Applies one macro-step to the model.
    pub fn step(&mut self, on: SystemStimulus) {
        // Every system stimulus is known by name, so the step cannot fail; should it, the
        // model stays where it is and reports nothing.
        let reaction = DynModel::step(self.system.as_ref(), &self.at, on.name());
        let (rejected, events) = match reaction {
            Ok(reaction) => {
                self.at = reaction.next;
                (reaction.rejected, reaction.events)
            }
            Err(_) => (None, Vec::new()),
        };
        self.history.push(on);
        self.last = Some(SystemLastStep {
            on,
            rejected,
            events,
        });
    }

    /// Compares an implementation's behaviour on the last stimulus with the model's.
    ///
    /// # Arguments
    /// * `states` - `(component, .NET state name)` for the components the implementation
    ///   has (e.g. `("local_owner_presence", "WaitingForRetry")`); unlisted components are
    ///   not compared, an unknown component is a divergence.
    /// * `rejected` - the exception it threw, by name, or `None` when it accepted.
    /// * `events` - every event it raised, in order.
    ///
    /// # Errors
    /// The first [`Divergence`]: states, then rejection, then events.
    pub fn expect(
        &self,
        states: &[(&str, &str)],
        rejected: Option<&str>,
        events: &[Event],
    ) -> Result<(), Divergence> {
        let diverge = |field, expected: String, actual: String| Divergence {
            machine: crate::system::ID,
            path: self.history.iter().map(|on| on.name()).collect(),
            field,
            expected,
            actual,
        };
        let model = self.states();
        for &(component, state) in states {
            let expected = model
                .iter()
                .find(|(name, _)| name == component)
                .map(|(_, observed)| *observed);
            if expected != Some(state) {
                return Err(diverge(
                    "state",
                    format!("{component}: {}", expected.unwrap_or("(no such component)")),
                    format!("{component}: {state}"),
                ));
            }
        }
        let model_rejected = self.last.as_ref().and_then(|last| last.rejected);
        let model_events = self.last.as_ref().map_or(&[][..], |last| &last.events);
        compare_outcome(diverge, (model_rejected, model_events), (rejected, events))
    }
}

impl ReferenceStateMachine for SystemReference {
    type State = SystemModelState;
    type Transition = SystemStimulus;

    /// The default configuration first, then an application endpoint, two views, and views
    /// homed elsewhere.
    fn init_state() -> BoxedStrategy<SystemModelState> {
        let configs = [
            SystemConfig::default(),
            SystemConfig {
                endpoint: crate::local_endpoint::EndpointKind::Application,
                ..SystemConfig::default()
            },
            SystemConfig {
                remote_views: 2,
                ..SystemConfig::default()
            },
            SystemConfig {
                remote_home_pool: false,
                ..SystemConfig::default()
            },
        ];
        let states: Vec<SystemModelState> = configs
            .into_iter()
            .filter_map(|config| SystemModelState::new(config).ok())
            .collect();
        prop::sample::select(states).boxed()
    }

    /// Any system stimulus; the world and the timers as often as the application's calls.
    fn transitions(_: &SystemModelState) -> BoxedStrategy<SystemStimulus> {
        let calls: Vec<SystemStimulus> = SystemStimulus::all()
            .filter(|on| on.is_application())
            .collect();
        let world: Vec<SystemStimulus> = SystemStimulus::all()
            .filter(|on| !on.is_application())
            .collect();
        prop_oneof![prop::sample::select(calls), prop::sample::select(world)].boxed()
    }

    fn apply(mut state: SystemModelState, on: &SystemStimulus) -> SystemModelState {
        state.step(*on);
        state
    }
}
