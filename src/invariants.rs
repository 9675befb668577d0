//! The documented behaviour of every machine, as properties of single steps and as
//! documented paths, each citing the clauses and facts it rests on.
//!
//! These properties are written from the seed page and the API facts, not from the tables:
//! they say what a stimulus means (a 200 OK completes a pending request, a NOTIFY of an
//! outage reports `Unavailable`, a call is the only thing that can be refused, ...), so a
//! table that contradicts the documentation breaks one of them. The property tests check
//! them along random runs, [`check_table`] checks them on every reachable step of a table,
//! and the mutation test uses them to judge mutated tables.
//!
//! # Examples
//! ```
//! use ucma_ha::invariants::{check_rows, Documented};
//! use ucma_ha::LocalOwnerPresence;
//!
//! // The model's own table keeps every documented property, for every parameter set.
//! let report = check_rows::<LocalOwnerPresence>(<LocalOwnerPresence as fsm::Machine>::rows());
//! assert!(report.is_ok());
//! ```

use std::collections::VecDeque;
use std::fmt;

use fsm::{Machine, Parameters, Row, Symbol, Table};
use strum::EnumCount;

use crate::events::Event;
use crate::local_endpoint::{EndpointKind, LocalEndpointStimulus};
use crate::presence::Session;
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::remote_presence::RemotePresenceStimulus;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::vocabulary::{
    CollaborationSubscriptionState, LocalEndpointState, LocalEndpointStateTransitionReason,
    RegistrationState, RegistrationTransitionReason, RemotePresentitySubscriptionState,
    RemotePresentitySubscriptionStateTransitionReason, ServiceState, SubscriptionSignalingState,
    SubscriptionStateTransitionReason, TransitionReason,
};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};

/// A documented property that a step broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property's name, e.g. `outage-notify-args`.
    pub property: &'static str,
    /// The clause and fact IDs it rests on.
    pub clauses: &'static [&'static str],
    /// What happened, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.property,
            self.clauses.join(", "),
            self.detail
        )
    }
}

impl std::error::Error for Violation {}

/// One observed step of a machine: where it was, what happened, and what it did.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a, M: Machine> {
    /// The parameters of the instance.
    pub parameters: &'a M::Parameters,
    /// The state before the step.
    pub from: M::State,
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state after the step (equal to `from` when rejected).
    pub to: M::State,
    /// The error, when the stimulus was rejected.
    pub rejected: Option<M::Error>,
    /// The events raised, in order.
    pub events: &'a [Event],
}

impl<M: Machine> Step<'_, M> {
    /// Whether the (table) state changed.
    pub fn changed(&self) -> bool {
        self.from != self.to
    }

    /// Whether the stimulus was accepted.
    pub fn accepted(&self) -> bool {
        self.rejected.is_none()
    }

    fn describe(&self) -> String {
        match self.rejected {
            Some(error) => format!("{} in {} was rejected with {error}", self.on, self.from),
            None => format!(
                "{} in {} led to {} raising {}",
                self.on,
                self.from,
                self.to,
                events_text(self.events)
            ),
        }
    }
}

fn events_text(events: &[Event]) -> String {
    serde_json::to_string(events).unwrap_or_else(|error| error.to_string())
}

/// A documented path: from the initial state, every stimulus is accepted and the machine
/// ends in the given state.
#[derive(Debug, Clone)]
pub struct Scenario<M: Machine> {
    /// The property's name.
    pub property: &'static str,
    /// The clause and fact IDs that document the path.
    pub clauses: &'static [&'static str],
    /// The parameter sets the path is documented for.
    pub when: fn(&M::Parameters) -> bool,
    /// The stimuli, in order.
    pub steps: Vec<M::Stimulus>,
    /// The table state the path ends in.
    pub ends_in: M::State,
}

/// A machine whose documented behaviour is stated as properties.
pub trait Documented: Machine<Event = Event> {
    /// The .NET event name every event of this machine has.
    const EVENT: &'static str;

    /// The machine's own step properties (the generic ones are in [`check_step`]).
    ///
    /// # Errors
    /// The first property the step breaks.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation>;

    /// The documented paths.
    fn scenarios() -> Vec<Scenario<Self>>;

    /// Whether the stimulus is documented to raise an event without changing the
    /// observable state (the outage NOTIFY of REG-1, the healing refresh of REG-3, an
    /// unknown NOTIFY of LARG-3).
    fn reports_without_change(on: Self::Stimulus) -> bool {
        let _ = on;
        false
    }
}

fn rule(
    holds: bool,
    property: &'static str,
    clauses: &'static [&'static str],
    detail: impl FnOnce() -> String,
) -> Result<(), Violation> {
    if holds {
        Ok(())
    } else {
        Err(Violation {
            property,
            clauses,
            detail: detail(),
        })
    }
}

/// A stimulus named after a UCMA method (`Begin...`) is an application call; every other
/// stimulus comes from the world (CONTRACT section 2).
pub fn is_call<S: Symbol>(on: S) -> bool {
    on.name().starts_with("Begin")
}

fn event_states(event: &Event) -> (&'static str, &'static str) {
    match *event {
        Event::RegistrationStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::LocalEndpointStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChange {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::RemoteSubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
    }
}

const STATE_EVENTS: &[&str] = &["AF-RARGS", "AF-LARGS", "AF-SIPSUB", "AF-CSS", "AF-RPSS"];

/// Checks one step against every documented property: the generic ones (below), then the
/// machine's own ([`Documented::rules`]).
///
/// Generic properties:
/// - `rejection-changes-nothing`: a rejected stimulus (a call that throws) leaves the
///   state and raises nothing (CONTRACT section 3; AF-PSS, AF-SIPSUB, AF-PUB).
/// - `only-calls-are-rejected`: only an application call can be refused; a response, a
///   NOTIFY, a timer or the pool cannot be (CONTRACT section 2, AF-PUB, AF-PSS, AF-SIPSUB,
///   AF-DRAIN).
/// - `state-change-raises-one-event`: when the observable state changes, exactly one
///   state-changed event is raised, of the machine's kind, naming the old and the new
///   state (AF-RARGS, AF-LARGS, AF-SIPSUB, AF-CSS, AF-RPSS).
/// - `events-report-changes`: when it does not change, nothing is raised, except for the
///   NOTIFYs documented to be reported anyway ([`Documented::reports_without_change`]).
/// - `final-is-final`: a final state is never left and raises nothing (AF-LES, AF-SIPSUB,
///   AF-CSS).
///
/// # Errors
/// The first property the step breaks.
///
/// # Complexity
/// O(events).
pub fn check_step<M: Documented>(step: &Step<'_, M>) -> Result<(), Violation> {
    if step.rejected.is_some() {
        rule(
            !step.changed() && step.events.is_empty(),
            "rejection-changes-nothing",
            &["AF-PSS", "AF-SIPSUB", "AF-PUB"],
            || step.describe(),
        )?;
        rule(
            is_call(step.on),
            "only-calls-are-rejected",
            &["AF-PUB", "AF-PSS", "AF-SIPSUB", "AF-DRAIN"],
            || step.describe(),
        )?;
    }
    let (before, after) = (M::observed(step.from), M::observed(step.to));
    if before != after {
        rule(
            step.events.len() == 1,
            "state-change-raises-one-event",
            STATE_EVENTS,
            || step.describe(),
        )?;
    } else {
        rule(
            step.events.is_empty() || M::reports_without_change(step.on),
            "events-report-changes",
            STATE_EVENTS,
            || step.describe(),
        )?;
    }
    for event in step.events {
        rule(
            event.name() == M::EVENT && event_states(event) == (before, after),
            "event-names-its-states",
            STATE_EVENTS,
            || step.describe(),
        )?;
    }
    if M::is_final(step.from) {
        rule(
            !step.changed() && step.events.is_empty(),
            "final-is-final",
            &["AF-LES", "AF-SIPSUB", "AF-CSS"],
            || step.describe(),
        )?;
    }
    M::rules(step)
}

// ---------------------------------------------------------------------------------------
// Helpers for the machines' rules
// ---------------------------------------------------------------------------------------

/// When the step changes the state, it must lead to one of `targets`.
fn lands_in<M: Machine>(
    step: &Step<'_, M>,
    targets: &[M::State],
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(
        !step.changed() || targets.contains(&step.to),
        property,
        clauses,
        || format!("{} (documented targets: {targets:?})", step.describe()),
    )
}

/// The step must be accepted and lead to `target`.
fn must_reach<M: Machine>(
    step: &Step<'_, M>,
    target: M::State,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(
        step.accepted() && step.to == target,
        property,
        clauses,
        || format!("{} (documented: {target})", step.describe()),
    )
}

/// The step must not change the state.
fn unchanged<M: Machine>(
    step: &Step<'_, M>,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(!step.changed(), property, clauses, || step.describe())
}

/// A call must be accepted exactly where `valid` holds.
fn accepted_iff<M: Machine>(
    step: &Step<'_, M>,
    valid: bool,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(step.accepted() == valid, property, clauses, || {
        format!(
            "{} (documented: {})",
            step.describe(),
            if valid { "accepted" } else { "rejected" }
        )
    })
}

mod local_endpoint;
mod presence;
mod registration;
mod remote_presence;
mod sip_subscription;

// ---------------------------------------------------------------------------------------
// Checking whole tables
// ---------------------------------------------------------------------------------------

/// A documented property broken by a table, with a shortest path that shows it.
#[derive(Debug, Clone)]
pub struct Counterexample<M: Machine> {
    /// The parameters of the instance.
    pub parameters: M::Parameters,
    /// The stimuli from the initial state; the last one breaks the property.
    pub path: Vec<M::Stimulus>,
    /// The property broken.
    pub violation: Violation,
}

impl<M: Machine> fmt::Display for Counterexample<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<&str> = self.path.iter().map(|on| on.name()).collect();
        write!(
            f,
            "{} with {}: [{}]: {}",
            M::ID,
            serde_json::to_string(&self.parameters).unwrap_or_default(),
            path.join(", "),
            self.violation
        )
    }
}

/// Steps `table` once and checks the step (see [`check_step`]).
///
/// # Errors
/// The first property the step breaks.
pub fn check_table_step<M: Documented>(
    table: &Table<M>,
    from: M::State,
    on: M::Stimulus,
) -> Result<M::State, Violation> {
    let (to, rejected, events) = match table.step(from, on) {
        Ok(transition) => (transition.to, None, transition.events().collect::<Vec<_>>()),
        Err(rejected) => (from, Some(rejected.error), Vec::new()),
    };
    check_step(&Step::<M> {
        parameters: table.parameters(),
        from,
        on,
        to,
        rejected,
        events: &events,
    })?;
    Ok(to)
}

/// Checks every documented property on every step reachable in `table`, breadth first,
/// and then the documented paths.
///
/// # Returns
/// The number of reachable states.
///
/// # Errors
/// The first broken property, with a shortest path from the initial state.
///
/// # Complexity
/// O(states x stimuli) steps plus the documented paths.
pub fn check_table<M: Documented>(table: &Table<M>) -> Result<usize, Box<Counterexample<M>>> {
    let fail = |path: Vec<M::Stimulus>, violation| {
        Box::new(Counterexample {
            parameters: table.parameters().clone(),
            path,
            violation,
        })
    };
    let mut parent: Vec<Option<(M::State, M::Stimulus)>> = vec![None; M::State::COUNT];
    let mut seen = vec![false; M::State::COUNT];
    let initial = table.initial();
    seen[initial.index()] = true;
    let mut queue = VecDeque::from([initial]);
    let path_to = |parent: &[Option<(M::State, M::Stimulus)>], mut state: M::State| {
        let mut path = Vec::new();
        while let Some((before, on)) = parent[state.index()] {
            path.push(on);
            state = before;
        }
        path.reverse();
        path
    };
    let mut count = 0;
    while let Some(state) = queue.pop_front() {
        count += 1;
        for on in M::Stimulus::all() {
            match check_table_step(table, state, on) {
                Ok(to) => {
                    if !seen[to.index()] {
                        seen[to.index()] = true;
                        parent[to.index()] = Some((state, on));
                        queue.push_back(to);
                    }
                }
                Err(violation) => {
                    let mut path = path_to(&parent, state);
                    path.push(on);
                    return Err(fail(path, violation));
                }
            }
        }
    }
    for scenario in M::scenarios() {
        if !(scenario.when)(table.parameters()) {
            continue;
        }
        let mut state = initial;
        for (i, on) in scenario.steps.iter().enumerate() {
            match table.step(state, *on) {
                Ok(transition) => state = transition.to,
                Err(rejected) => {
                    return Err(fail(
                        scenario.steps[..=i].to_vec(),
                        Violation {
                            property: scenario.property,
                            clauses: scenario.clauses,
                            detail: format!("documented path refused: {rejected}"),
                        },
                    ))
                }
            }
        }
        if state != scenario.ends_in {
            return Err(fail(
                scenario.steps.clone(),
                Violation {
                    property: scenario.property,
                    clauses: scenario.clauses,
                    detail: format!("documented path ends in {state}, not {}", scenario.ends_in),
                },
            ));
        }
    }
    Ok(count)
}

/// Checks `rows` (the machine's own, or a mutated copy) with [`check_table`] for every
/// parameter set.
///
/// # Returns
/// The number of parameter sets checked.
///
/// # Errors
/// The first broken property with its path; a table that does not compile (not total or
/// not deterministic) is reported as the property `table-compiles`, citing nothing.
pub fn check_rows<M: Documented>(rows: &[Row<M>]) -> Result<usize, Box<Counterexample<M>>> {
    let all = M::Parameters::all();
    for parameters in &all {
        let table =
            Table::<M>::from_rows(rows.to_vec().into(), parameters.clone()).map_err(|errors| {
                Box::new(Counterexample {
                    parameters: parameters.clone(),
                    path: Vec::new(),
                    violation: Violation {
                        property: "table-compiles",
                        clauses: &[],
                        detail: errors
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    },
                })
            })?;
        check_table(&table)?;
    }
    Ok(all.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::LocalOwnerPresenceStimulus;

    #[test]
    fn every_machine_keeps_its_documented_properties() {
        fn sets<M: Documented>() -> Result<usize, String> {
            check_rows::<M>(M::rows()).map_err(|c| c.to_string())
        }
        assert_eq!(sets::<Registration>(), Ok(2));
        assert_eq!(sets::<LocalEndpoint>(), Ok(2));
        assert_eq!(sets::<SipSubscription>(), Ok(8));
        assert_eq!(sets::<LocalOwnerPresence>(), Ok(1));
        assert_eq!(sets::<ContactGroupServices>(), Ok(1));
        assert_eq!(sets::<RemotePresence>(), Ok(2));
    }

    #[test]
    fn idle_on_terminated_underneath_breaks_pres_3() {
        let mut rows = LocalOwnerPresence::rows().to_vec();
        for row in &mut rows {
            if row.from == CollaborationSubscriptionState::Subscribed
                && row.on == LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated
            {
                row.outcome = fsm::Outcome::Move {
                    to: CollaborationSubscriptionState::Idle,
                    emits: &[crate::presence::SessionEffect {
                        reason: SubscriptionStateTransitionReason::ServerEvent,
                    }],
                };
            }
        }
        let found = check_rows::<LocalOwnerPresence>(&rows).err();
        let found = found.map(|c| (c.violation.property, c.path.len()));
        assert_eq!(found, Some(("terminated-underneath-waits", 3)));
    }
}
