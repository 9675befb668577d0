//! The JSON report of a replay, step by step: what `ucma-ha replay --format json` prints
//! and what the explorer's `POST /api/replay` answers (`schemas/replay-report.schema.json`,
//! `docs/REPLAY-REPORT.md`).
//!
//! A report holds one [`TraceReport`] per trace. Each replayed step lists the state of
//! every component afterwards, the events raised (each with the component that raised it
//! and the clause IDs of the row that fired), every row that fired, the rejection with its
//! reason, and the step's expectations; the first step whose expectations fail carries
//! the [`DivergenceReport`]. The replay itself, and what counts as a match, is
//! [`crate::replay::run`]'s; this module only describes what the model did at each step.
//!
//! # Examples
//! ```
//! use ucma_ha::report::{trace_report, Options, Outcome};
//! let report = trace_report(None, ucma_ha::trace::EXAMPLE.as_bytes(), Options::default());
//! assert_eq!(report.result, Outcome::Ok);
//! assert_eq!(report.steps[2].after.states.get("registration"), Some("Unregistering"));
//! assert_eq!(report.steps[2].events[0].component, "registration");
//! assert!(report.steps[2].events[0].clauses.contains(&"AF-RS"));
//! ```

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::catalog::{self, DynModel, Fired, Snapshot, StateName};
use crate::coverage::{rows_of, RowInfo};
use crate::replay::{self, ReplayError};
use crate::system::{self, Delivery, Kind, Observer, Outcome as DeliveryOutcome, Packed, System};
use crate::system::{SystemStimulus, MAX_VIEWS};
use crate::trace::{self, Expect, Trace, TraceError};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};
use fsm::{Machine, Symbol};

/// The version of this report format; raised on a breaking change.
pub const FORMAT_VERSION: u32 = 1;

/// The whole report: one entry per trace, in the order given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplayReport {
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// One entry per trace file.
    pub traces: Vec<TraceReport>,
}

impl ReplayReport {
    /// A report of these traces.
    pub fn new(traces: Vec<TraceReport>) -> Self {
        ReplayReport {
            format_version: FORMAT_VERSION,
            traces,
        }
    }
}

/// How a trace's replay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every step met its expectations (CLI exit 0).
    Ok,
    /// A step did not ([`TraceReport::divergence`]; CLI exit 1).
    Diverged,
    /// The trace could not be used ([`TraceReport::error`]; CLI exit 2).
    Invalid,
}

/// What to add to a report beyond the replay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Also report, for the state after the last replayed step, what every stimulus
    /// would do ([`TraceReport::next`]); the explorer marks its buttons with it.
    pub next: bool,
}

/// The replay of one trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceReport {
    /// The file, when the trace came from one.
    pub file: Option<String>,
    /// How the replay ended.
    pub result: Outcome,
    /// Why the trace could not be used (only when `result` is `invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<InputError>,
    /// The machine id (absent when the trace could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// The parameters in force, every key with its value (defaults filled in).
    pub config: Value,
    /// The components, in display order, with the machine each is an instance of
    /// (`world` for the pool and the connection).
    pub components: Vec<Component>,
    /// The states before the first step.
    pub initial: States,
    /// The replayed steps: every step of a matching trace; up to and including the
    /// divergent one otherwise.
    pub steps: Vec<StepReport>,
    /// The first divergence, when there is one.
    pub divergence: Option<DivergenceReport>,
    /// What every stimulus would do after the last replayed step (only on request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Vec<NextReport>>,
}

/// A trace that cannot be used, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The message the command line prints (`FILE:LINE:COL: problem`).
    pub message: String,
    /// The line (from 1), when known.
    pub line: Option<usize>,
    /// The column (from 1, in characters), when known.
    pub column: Option<usize>,
    /// The path of the offending value (`steps[3].on`), empty for the document.
    pub path: String,
}

impl From<&TraceError> for InputError {
    fn from(error: &TraceError) -> Self {
        InputError {
            message: error.to_string(),
            line: error.position.map(|p| p.line),
            column: error.position.map(|p| p.column),
            path: error.path.clone(),
        }
    }
}

/// A component and the machine it is an instance of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Its name (`registration`, `remote_presence[1]`, `pool`, ...).
    pub component: String,
    /// Its machine id (`registration`, `sip_subscription`, ...; `world` for the pool and
    /// the connection).
    pub machine: &'static str,
}

/// The state of every component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct States {
    /// Component to observed .NET state name, in component order (what `expect.states`
    /// compares).
    pub states: Names,
    /// Component to table state name, only where it differs from the observed name (e.g.
    /// `RegisteredUserServicesUnavailable`); the diagrams' node names.
    pub table_states: Names,
}

impl States {
    fn of(names: Vec<StateName>) -> Self {
        let table_states = names
            .iter()
            .filter(|name| name.internal != name.observed)
            .map(|name| (name.component.clone(), name.internal))
            .collect();
        let states = names
            .into_iter()
            .map(|name| (name.component, name.observed))
            .collect();
        States {
            states: Names(states),
            table_states: Names(table_states),
        }
    }
}

/// Component names to state names, in component order; written as a JSON object. The
/// names are the models' own, borrowed, so a report of many steps copies no text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names(Vec<(Cow<'static, str>, &'static str)>);

impl Names {
    /// The state name of a component, if it is listed.
    pub fn get(&self, component: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(name, _)| name == component)
            .map(|&(_, state)| state)
    }

    /// Every (component, state name), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.0.iter().map(|(name, state)| (name.as_ref(), *state))
    }

    /// How many components are listed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Names {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, state) in &self.0 {
            map.serialize_entry(name.as_ref(), state)?;
        }
        map.end()
    }
}

/// One replayed step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    /// The step's index in `steps` (from 0).
    pub index: usize,
    /// The stimulus.
    pub on: String,
    /// The rejection, or `null` when the stimulus was accepted.
    pub rejected: Option<Rejection>,
    /// The states afterwards (unchanged when rejected).
    #[serde(flatten)]
    pub after: States,
    /// The events raised, in order.
    pub events: Vec<EventReport>,
    /// Every row that fired, in order (a composed model's macro-step fires several).
    pub fired: Vec<FiredRow>,
    /// The wiring rows of the composed system that fired (empty for a single machine).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wiring: Vec<WiredRow>,
    /// The step's expectations, as written (absent when it has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Whether the expectations held (true when there are none).
    pub matched: bool,
}

/// Why a stimulus was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The .NET exception (`InvalidOperationException`).
    pub exception: &'static str,
    /// The component whose row rejected it; absent when the system's precondition for
    /// the call failed before any component saw it.
    pub component: Option<Cow<'static, str>>,
    /// The clause and fact IDs of the rejecting row (or of the system stimulus row).
    pub clauses: &'static [&'static str],
    /// In words, e.g. `local_owner_presence rejects BeginPublishPresence in WaitingForRetry`.
    pub reason: String,
}

/// One raised event: the event object of CONTRACT section 3, with the component that
/// raised it and the clauses of the row that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventReport {
    /// The event, written as in a trace's `emits`: `event` and the .NET argument names.
    #[serde(flatten)]
    pub event: crate::Event,
    /// The component that raised it.
    pub component: Cow<'static, str>,
    /// The clause and fact IDs of the row that fired.
    pub clauses: &'static [&'static str],
}

/// A row of a component's table that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredRow {
    /// The component.
    pub component: Cow<'static, str>,
    /// Its machine id.
    pub machine: &'static str,
    /// The row's index in that machine's table.
    pub row: usize,
    /// The (table) state it applied in.
    pub from: &'static str,
    /// The machine's stimulus.
    pub on: &'static str,
    /// `move`, `ignore` or `reject`.
    pub outcome: &'static str,
    /// The (table) state after it.
    pub to: &'static str,
    /// Its clause and fact IDs.
    pub clauses: &'static [&'static str],
}

/// A wiring row of the composed system that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WiredRow {
    /// Its index in the system's wiring rows.
    pub row: usize,
    /// Its clause and fact IDs.
    pub clauses: &'static [&'static str],
}

/// The first step whose expectations failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivergenceReport {
    /// The step's index.
    pub step: usize,
    /// Its stimulus.
    pub on: String,
    /// Its expectations, as written.
    pub expected: Value,
    /// What the model did, shaped like an expectation.
    pub actual: Value,
    /// The stimuli before it.
    pub path: Vec<String>,
    /// Each failed expectation, in words.
    pub mismatches: Vec<String>,
    /// The whole divergence as the command line prints it.
    pub message: String,
}

/// What one stimulus would do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextReport {
    /// The stimulus.
    pub on: &'static str,
    /// For a system stimulus: `call` (an application call), `world` or `timer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The rejection, or `null` when it would be accepted.
    pub rejected: Option<Rejection>,
    /// Whether it would change a state or raise an event (a world event that finds the
    /// world already so changes nothing).
    pub changes: bool,
}

/// Reads, checks and replays a trace from the bytes of a file.
///
/// # Arguments
/// * `file` - the file's name, for messages (`None` for a request body).
/// * `bytes` - the trace document (CONTRACT section 4).
/// * `options` - what to add to the report.
///
/// # Returns
/// The report; a trace that cannot be used gives an `invalid` report with the positioned
/// message [`trace::parse`] gives.
pub fn trace_report(file: Option<&str>, bytes: &[u8], options: Options) -> TraceReport {
    match trace::parse_with(file, bytes, &models) {
        Ok(trace) => replay_report(file, &trace, options),
        Err(error) => invalid(file, None, &error),
    }
}

/// Replays a parsed trace and describes every step.
///
/// # Complexity
/// O(steps x (deliveries + components)), plus one step per stimulus with
/// [`Options::next`].
pub fn replay_report(file: Option<&str>, trace: &Trace, options: Options) -> TraceReport {
    let driver = match Driver::new(trace) {
        Ok(driver) => driver,
        Err(error) => return invalid(file, Some(trace), &error),
    };
    // Whether each step matches, and the first divergence, are the replay's (what
    // `ucma-ha replay` says); a trace that expects nothing (the explorer's clicks) cannot
    // diverge, so that replay is left out and only the one below, which describes each
    // step, runs.
    let expects = trace.steps.iter().any(|step| step.expect.is_some());
    let replayed = if expects {
        match replay::run(driver.model(), trace) {
            Ok(replayed) => Some(replayed),
            Err(ReplayError::Invalid(error)) => return invalid(file, Some(trace), &error),
            Err(ReplayError::Diverged(divergence)) => Some(replay::Replayed {
                report: replay::Report {
                    machine: trace.machine.clone(),
                    steps: divergence.step + 1,
                    fired: Vec::new(),
                },
                divergence: Some(divergence),
            }),
        }
    } else {
        None
    };
    let divergence = replayed.and_then(|replayed| replayed.divergence);
    let ran = divergence
        .as_ref()
        .map_or(trace.steps.len(), |divergence| divergence.step + 1);
    let mut at = driver.initial();
    let initial = States::of(driver.states(&at));
    let mut steps = Vec::with_capacity(ran);
    for (index, step) in trace.steps.iter().take(ran).enumerate() {
        let Some((next, report)) = driver.step(&at, &step.on, index) else {
            // A stimulus the model lacks (in a trace that was not read and checked):
            // the replay's error names it.
            if let Err(ReplayError::Invalid(error)) = replay::run(driver.model(), trace) {
                return invalid(file, Some(trace), &error);
            }
            break;
        };
        let matched = divergence
            .as_ref()
            .is_none_or(|divergence| divergence.step != index);
        steps.push(StepReport {
            expect: step.expect.clone(),
            matched,
            ..report
        });
        at = next;
    }
    let next = options.next.then(|| driver.next(&at));
    let divergence = divergence.map(|divergence| {
        let mut divergence = *divergence;
        divergence.file = file.map(str::to_owned);
        DivergenceReport {
            step: divergence.step,
            on: divergence.stimulus.clone(),
            expected: divergence.expected.clone(),
            actual: divergence.actual.to_json(),
            path: divergence.path.clone(),
            mismatches: divergence.mismatches.clone(),
            message: divergence.to_string(),
        }
    });
    TraceReport {
        file: file.map(str::to_owned),
        result: if divergence.is_some() {
            Outcome::Diverged
        } else {
            Outcome::Ok
        },
        error: None,
        machine: Some(trace.machine.clone()),
        config: driver.model().parameters(),
        components: driver.components(),
        initial,
        steps,
        divergence,
        next,
    }
}

/// The report of a trace that cannot be used (e.g. a file that cannot be read).
pub fn error_report(file: Option<&str>, error: &TraceError) -> TraceReport {
    invalid(file, None, error)
}

fn invalid(file: Option<&str>, trace: Option<&Trace>, error: &TraceError) -> TraceReport {
    let mut error = error.clone();
    if error.file.is_none() {
        error.file = file.map(str::to_owned);
    }
    TraceReport {
        file: file.map(str::to_owned),
        result: Outcome::Invalid,
        error: Some(InputError::from(&error)),
        machine: trace.map(|trace| trace.machine.clone()),
        config: Value::Null,
        components: Vec::new(),
        initial: States::of(Vec::new()),
        steps: Vec::new(),
        divergence: None,
        next: None,
    }
}

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
enum Driver {
    System(Arc<System>),
    Machine(Box<dyn DynModel>),
}

enum At {
    System(Packed),
    Machine(Snapshot),
}

impl Driver {
    fn new(trace: &Trace) -> Result<Self, TraceError> {
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

    fn model(&self) -> &dyn DynModel {
        match self {
            Driver::System(system) => &**system,
            Driver::Machine(model) => &**model,
        }
    }

    fn initial(&self) -> At {
        match self {
            Driver::System(system) => At::System(system.initial()),
            Driver::Machine(model) => At::Machine(model.initial()),
        }
    }

    fn states(&self, at: &At) -> Vec<StateName> {
        match (self, at) {
            (Driver::System(system), At::System(state)) => system.state_names(*state),
            (Driver::Machine(model), At::Machine(snapshot)) => model.states(snapshot),
            _ => Vec::new(),
        }
    }

    fn components(&self) -> Vec<Component> {
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
    fn step(&self, at: &At, on: &str, index: usize) -> Option<(At, StepReport)> {
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
    fn next(&self, at: &At) -> Vec<NextReport> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const OUTAGE: &str = r#"{"machine": "system", "config": {"remote_views": 2}, "steps": [
        {"on": "BeginEstablish"}, {"on": "SubscribePresence"}, {"on": "PoolFails"},
        {"on": "PublishPresence", "expect": {"rejected": "InvalidOperationException"}}]}"#;

    #[test]
    fn outage_report_names_components_clauses_and_the_rejecting_row_reg_2_pres_2() {
        let report = trace_report(None, OUTAGE.as_bytes(), Options { next: true });
        assert_eq!(report.result, Outcome::Ok, "{report:?}");
        assert_eq!(report.steps.len(), 4);
        let outage = &report.steps[2];
        assert_eq!(
            outage.after.states.get("local_owner_presence"),
            Some("WaitingForRetry")
        );
        assert_eq!(
            outage.after.table_states.get("registration"),
            Some("RegisteredUserServicesUnavailable")
        );
        let changed = outage
            .events
            .iter()
            .map(|event| (event, serde_json::to_value(event).unwrap_or_default()))
            .find(|(_, json)| json["event"] == "RegistrationStateChanged")
            .expect("the registration reports the outage");
        assert_eq!(changed.0.component, "registration");
        assert_eq!(changed.1["Reason"], "None");
        assert_eq!(changed.1["UserServicesState"], "Unavailable");
        assert_eq!(changed.1["component"], "registration");
        assert!(
            changed.0.clauses.contains(&"REG-2"),
            "{:?}",
            changed.0.clauses
        );
        assert!(!outage.wiring.is_empty());
        let publish = report.steps[3].rejected.as_ref().expect("rejected");
        assert_eq!(publish.exception, "InvalidOperationException");
        assert_eq!(publish.component.as_deref(), Some("local_owner_presence"));
        assert!(
            publish.reason.ends_with("in WaitingForRetry"),
            "{}",
            publish.reason
        );
        let next = report.next.expect("asked for");
        assert_eq!(next.len(), System::stimuli().len());
        let publish = next
            .iter()
            .find(|n| n.on == "PublishPresence")
            .expect("listed");
        assert!(publish.rejected.is_some() && !publish.changes);
        let recovers = next
            .iter()
            .find(|n| n.on == "PoolRecovers")
            .expect("listed");
        assert!(recovers.rejected.is_none() && recovers.changes);
        let fails = next.iter().find(|n| n.on == "PoolFails").expect("listed");
        assert!(fails.rejected.is_none() && !fails.changes);
        assert_eq!(report.components[0].machine, "world");
        assert!(report
            .components
            .iter()
            .any(|c| c.component == "remote_presence[1]" && c.machine == "remote_presence"));
    }

    #[test]
    fn a_precondition_rejection_names_the_system_row_af_pub() {
        let text = r#"{"machine": "system", "steps": [{"on": "PublishPresence"}]}"#;
        let report = trace_report(None, text.as_bytes(), Options::default());
        let rejected = report.steps[0].rejected.as_ref().expect("rejected");
        assert_eq!(rejected.component, None);
        assert!(rejected.clauses.contains(&"AF-PUB"));
        assert!(rejected.reason.contains("PublishPresence"));
        assert!(report.next.is_none());
    }

    #[test]
    fn a_divergent_trace_stops_at_the_divergence() {
        let text = r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister"}, {"on": "RegisterOk", "expect": {"state": "Unregistered"}},
            {"on": "BeginUnregister"}]}"#;
        let report = trace_report(Some("t.json"), text.as_bytes(), Options::default());
        assert_eq!(report.result, Outcome::Diverged);
        assert_eq!(report.steps.len(), 2);
        assert!(report.steps[0].matched && !report.steps[1].matched);
        let divergence = report.divergence.expect("diverged");
        assert_eq!(divergence.step, 1);
        assert_eq!(divergence.path, ["BeginRegister"]);
        assert!(divergence
            .message
            .starts_with("t.json: `registration` diverges at steps[1]"));
    }

    #[test]
    fn an_invalid_trace_has_the_cli_message() {
        let report = trace_report(
            Some("t.json"),
            b"{\"machine\": \"registration\",\n \"steps\": [}",
            Options::default(),
        );
        assert_eq!(report.result, Outcome::Invalid);
        let error = report.error.expect("invalid");
        assert_eq!((error.line, error.column), (Some(2), Some(12)));
        assert!(
            error.message.starts_with("t.json:2:12: invalid JSON"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_report_is_a_versioned_json_document() {
        let report = ReplayReport::new(vec![trace_report(
            None,
            trace::EXAMPLE.as_bytes(),
            Options::default(),
        )]);
        let json = serde_json::to_value(&report).expect("serialises");
        assert_eq!(json["format_version"], 1);
        assert_eq!(
            json["traces"][0]["steps"][0]["states"]["registration"],
            "Registering"
        );
        assert_eq!(
            json["traces"][0]["steps"][2]["events"][0]["event"],
            "RegistrationStateChanged"
        );
        assert_eq!(
            json["traces"][0]["steps"][2]["events"][0]["component"],
            "registration"
        );
        assert!(json["traces"][0]["steps"][0]["rejected"].is_null());
    }
}
