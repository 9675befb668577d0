//! The types of the replay report: what each trace, step, event and divergence says.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use super::FORMAT_VERSION;
use crate::catalog::StateName;
use crate::trace::{Expect, TraceError};

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
pub enum TraceOutcome {
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
    pub result: TraceOutcome,
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
    pub(crate) fn of(names: Vec<StateName>) -> Self {
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

/// One raised event: the event object of docs/CONTRACT.md section 3, with the component that
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
