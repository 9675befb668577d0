//! Stepping a trace's model with every delivery attributed to its component and row:
//! the composed system (kept by configuration) or a single machine.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::types::{
    Component, EventReport, FiredRow, NextReport, Rejection, States, StepReport, WiredRow,
};
use crate::catalog::{self, DynModel, Fired, Snapshot, StateName};
use crate::coverage::{rows_of, RowInfo};
use crate::system::{self, Delivery, DeliveryOutcome, Kind, Observer, Packed, System};
use crate::system::{SystemStimulus, MAX_VIEWS};
use crate::trace::{self, Trace, TraceError};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};
use fsm::{Machine, Symbol};

/// The composed systems built lately, by configuration: building one takes longer than
/// replaying a short trace, and the explorer sends the same configuration with every
/// click. Holds at most [`SYSTEMS_KEPT`]; the answers do not depend on it.
static SYSTEMS: Mutex<Vec<(system::SystemConfig, Arc<System>)>> = Mutex::new(Vec::new());

/// How many systems [`SYSTEMS`] keeps.
const SYSTEMS_KEPT: usize = 32;

fn shared_system(config: system::SystemConfig) -> Result<Arc<System>, system::SystemError> {
    let mut kept = SYSTEMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, system)) = kept.iter().find(|(c, _)| *c == config) {
        return Ok(Arc::clone(system));
    }
    let system = Arc::new(System::new(config)?);
    if kept.len() >= SYSTEMS_KEPT {
        kept.remove(0);
    }
    kept.push((config, Arc::clone(&system)));
    Ok(system)
}

/// A kept system behind [`DynModel`].
struct Shared(Arc<System>);

impl DynModel for Shared {
    fn id(&self) -> &'static str {
        self.0.id()
    }
    fn parameters(&self) -> Value {
        DynModel::parameters(&*self.0)
    }
    fn stimuli(&self) -> Vec<&'static str> {
        DynModel::stimuli(&*self.0)
    }
    fn initial(&self) -> Snapshot {
        DynModel::initial(&*self.0)
    }
    fn step(
        &self,
        at: &Snapshot,
        stimulus: &str,
    ) -> Result<catalog::Reaction, catalog::CatalogError> {
        DynModel::step(&*self.0, at, stimulus)
    }
    fn states(&self, at: &Snapshot) -> Vec<StateName> {
        DynModel::states(&*self.0, at)
    }
}

/// Builds models as [`catalog::model`] does, taking composed systems from the ones kept
/// (see [`trace::parse_with`]).
///
/// # Errors
/// As [`catalog::model`].
pub fn models(id: &str, parameters: &Value) -> Result<Box<dyn DynModel>, catalog::CatalogError> {
    if id != system::ID {
        return catalog::model(id, parameters);
    }
    let bad = |error: system::SystemError| catalog::CatalogError::BadParameters {
        machine: system::ID,
        message: error.to_string(),
    };
    let config = System::config_from_json(parameters).map_err(bad)?;
    Ok(Box::new(Shared(shared_system(config).map_err(bad)?)))
}

/// The rows of every single machine, by id, built once.
fn rows(machine: &str) -> &'static [RowInfo] {
    static ROWS: OnceLock<Vec<(&'static str, Vec<RowInfo>)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        catalog::MACHINES
            .iter()
            .map(|id| (*id, rows_of(id).unwrap_or_default()))
            .collect()
    })
    .iter()
    .find(|(id, _)| *id == machine)
    .map_or(&[], |(_, rows)| rows.as_slice())
}

fn fired_row(component: Cow<'static, str>, machine: &'static str, row: usize) -> FiredRow {
    match rows(machine).get(row) {
        Some(info) => FiredRow {
            component,
            machine,
            row,
            from: info.from,
            on: info.on,
            outcome: info.outcome,
            to: if info.outcome == "move" {
                info.to
            } else {
                info.from
            },
            clauses: info.clauses,
        },
        None => FiredRow {
            component,
            machine,
            row,
            from: "",
            on: "",
            outcome: "",
            to: "",
            clauses: &[],
        },
    }
}

fn rejection_by(row: &FiredRow, exception: &'static str) -> Rejection {
    Rejection {
        exception,
        component: Some(row.component.clone()),
        clauses: row.clauses,
        reason: format!("{} rejects {} in {}", row.component, row.on, row.from),
    }
}

/// The machine id of a system component kind.
fn kind_machine(kind: Kind) -> &'static str {
    match kind {
        Kind::Registration => Registration::ID,
        Kind::Endpoint => LocalEndpoint::ID,
        Kind::LocalOwnerPresence => LocalOwnerPresence::ID,
        Kind::ContactGroupServices => ContactGroupServices::ID,
        Kind::RemotePresence => RemotePresence::ID,
        Kind::SessionSubscription | Kind::ViewSubscription => SipSubscription::ID,
    }
}

/// The machine id of a system component by its name.
fn component_machine(component: &str) -> &'static str {
    if component == "pool" || component == "connection" {
        "world"
    } else if component.ends_with(".subscription") {
        SipSubscription::ID
    } else {
        let base = component.split('[').next().unwrap_or(component);
        catalog::MACHINES
            .iter()
            .copied()
            .find(|id| *id == base)
            .unwrap_or("world")
    }
}

/// Records a macro-step's deliveries and wiring rows in order.
#[derive(Default)]
struct Log {
    deliveries: Vec<Delivery>,
    wiring: Vec<usize>,
}

impl Observer for Log {
    fn delivered(&mut self, delivery: &Delivery) {
        self.deliveries.push(*delivery);
    }

    fn wired(&mut self, row: usize) {
        self.wiring.push(row);
    }
}

/// Steps either the composed system (with each delivery attributed) or a single machine.
pub(super) enum Driver {
    System(Arc<System>),
    Machine(Box<dyn DynModel>),
}

pub(super) enum At {
    System(Packed),
    Machine(Snapshot),
}

impl Driver {
    pub(super) fn new(trace: &Trace) -> Result<Self, TraceError> {
        let bad = |message: String| TraceError {
            file: None,
            position: None,
            path: "config".into(),
            problem: Box::new(trace::Problem::Invalid(message)),
        };
        if trace.machine == system::ID {
            let config =
                System::config_from_json(&trace.config).map_err(|error| bad(error.to_string()))?;
            if config.remote_views > MAX_VIEWS {
                return Err(bad(format!(
                    "{} remote views requested; at most {MAX_VIEWS} fit",
                    config.remote_views
                )));
            }
            let system = shared_system(config).map_err(|error| bad(error.to_string()))?;
            Ok(Driver::System(system))
        } else {
            catalog::machine(&trace.machine, &trace.config)
                .map(Driver::Machine)
                .map_err(|error| bad(error.to_string()))
        }
    }

    pub(super) fn model(&self) -> &dyn DynModel {
        match self {
            Driver::System(system) => &**system,
            Driver::Machine(model) => &**model,
        }
    }

    pub(super) fn initial(&self) -> At {
        match self {
            Driver::System(system) => At::System(system.initial()),
            Driver::Machine(model) => At::Machine(model.initial()),
        }
    }

    pub(super) fn states(&self, at: &At) -> Vec<StateName> {
        match (self, at) {
            (Driver::System(system), At::System(state)) => system.state_names(*state),
            (Driver::Machine(model), At::Machine(snapshot)) => model.states(snapshot),
            _ => Vec::new(),
        }
    }

    pub(super) fn components(&self) -> Vec<Component> {
        let names = self.states(&self.initial());
        names
            .into_iter()
            .map(|name| Component {
                machine: match self {
                    Driver::System(_) => component_machine(&name.component),
                    Driver::Machine(model) => model.id(),
                },
                component: name.component.into_owned(),
            })
            .collect()
    }

    /// One step: the state after it and its report (expectations not filled in); `None`
    /// for a stimulus the model does not have (the replay has reported it already).
    pub(super) fn step(&self, at: &At, on: &str, index: usize) -> Option<(At, StepReport)> {
        match (self, at) {
            (Driver::System(system), At::System(state)) => {
                let stimulus = SystemStimulus::parse(on)?;
                let (next, report) = system_step(system, *state, stimulus, index);
                Some((At::System(next), report))
            }
            (Driver::Machine(model), At::Machine(snapshot)) => {
                let reaction = model.step(snapshot, on).ok()?;
                let fired: Vec<FiredRow> = reaction
                    .fired
                    .iter()
                    .map(|fired: &Fired| {
                        fired_row(fired.component.clone(), fired.machine, fired.row)
                    })
                    .collect();
                let clauses = fired.first().map_or(&[][..], |row| row.clauses);
                let events = reaction
                    .events
                    .iter()
                    .map(|event| EventReport {
                        event: *event,
                        component: Cow::Borrowed(model.id()),
                        clauses,
                    })
                    .collect();
                let rejected = reaction.rejected.map(|exception| match fired.first() {
                    Some(row) => rejection_by(row, exception),
                    None => Rejection {
                        exception,
                        component: None,
                        clauses: &[],
                        reason: String::new(),
                    },
                });
                let report = StepReport {
                    index,
                    on: on.to_owned(),
                    rejected,
                    after: States::of(model.states(&reaction.next)),
                    events,
                    fired,
                    wiring: Vec::new(),
                    expect: None,
                    matched: true,
                };
                Some((At::Machine(reaction.next), report))
            }
            _ => None,
        }
    }

    /// What every stimulus would do from `at`.
    pub(super) fn next(&self, at: &At) -> Vec<NextReport> {
        if let (Driver::System(system), At::System(state)) = (self, at) {
            return System::stimuli()
                .iter()
                .map(|&stimulus| system_next(system, *state, stimulus))
                .collect();
        }
        let before = self.states(at);
        self.model()
            .stimuli()
            .into_iter()
            .filter_map(|on| {
                let (next, report) = self.step(at, on, 0)?;
                let changes = !report.events.is_empty() || self.states(&next) != before;
                Some(NextReport {
                    on,
                    kind: None,
                    rejected: report.rejected,
                    changes,
                })
            })
            .collect()
    }
}

/// What one system stimulus would do from `state`, without naming every state: the
/// rejection in full, otherwise only whether anything changes.
fn system_next(system: &System, state: Packed, stimulus: SystemStimulus) -> NextReport {
    let kind = if stimulus.is_application() {
        "call"
    } else if stimulus.is_timer() {
        "timer"
    } else {
        "world"
    };
    let mut log = Log::default();
    let result = system.step_observed(state, stimulus, &mut log);
    if result.rejected.is_some() {
        let (_, report) = system_step(system, state, stimulus, 0);
        return NextReport {
            on: stimulus.name(),
            kind: Some(kind),
            rejected: report.rejected,
            changes: false,
        };
    }
    let mut raised = Vec::new();
    let changes = result.next != state
        || log.deliveries.iter().any(|delivery| {
            raised.clear();
            system.events_of(delivery, &mut raised);
            !raised.is_empty()
        });
    NextReport {
        on: stimulus.name(),
        kind: Some(kind),
        rejected: None,
        changes,
    }
}

/// One macro-step of the system with every delivery attributed to its component.
fn system_step(
    system: &System,
    state: Packed,
    stimulus: SystemStimulus,
    index: usize,
) -> (Packed, StepReport) {
    let mut log = Log::default();
    let result = system.step_observed(state, stimulus, &mut log);
    let mut fired = Vec::new();
    let mut events = Vec::new();
    let mut raised = Vec::new();
    for delivery in &log.deliveries {
        if delivery.outcome == DeliveryOutcome::Renewed {
            continue;
        }
        let row = fired_row(
            Cow::Borrowed(system::slot_name(delivery.slot)),
            kind_machine(delivery.kind),
            usize::from(delivery.row),
        );
        if result.rejected.is_none() {
            raised.clear();
            system.events_of(delivery, &mut raised);
            for event in &raised {
                events.push(EventReport {
                    event: *event,
                    component: row.component.clone(),
                    clauses: row.clauses,
                });
            }
        }
        fired.push(row);
    }
    let rejected = result.rejected.map(|exception| {
        let by_row = log
            .deliveries
            .iter()
            .zip(&fired)
            .find(|(delivery, _)| delivery.outcome == DeliveryOutcome::Rejected)
            .map(|(_, row)| rejection_by(row, exception));
        by_row.unwrap_or_else(|| {
            let row = system.stimulus_rows().iter().find(|row| row.on == stimulus);
            Rejection {
                exception,
                component: None,
                clauses: row.map_or(&[][..], |row| row.clauses),
                reason: match row {
                    Some(row) => format!("the system requires {:?} for {stimulus}", row.requires),
                    None => String::new(),
                },
            }
        })
    });
    let wiring = log
        .wiring
        .iter()
        .map(|&row| WiredRow {
            row,
            clauses: system
                .wiring_rows()
                .get(row)
                .map_or(&[][..], |row| row.clauses),
        })
        .collect();
    let report = StepReport {
        index,
        on: stimulus.name().to_owned(),
        rejected,
        after: States::of(system.state_names(result.next)),
        events,
        fired,
        wiring,
        expect: None,
        matched: true,
    };
    (result.next, report)
}
