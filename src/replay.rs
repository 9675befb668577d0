//! Replaying a trace against the model (docs/CONTRACT.md section 4): every step's stimulus is
//! executed and its expectations compared with what the model did; the first step that
//! differs is reported as a [`Divergence`], with the path that led there.
//!
//! Matching is partial, as the contract says: an absent key is not checked; `state`
//! matches a component's observed .NET name or its table name (so `Registered` and
//! `RegisteredUserServicesUnavailable` both match a registration whose User Services are
//! down); an expected event matches when each field it lists equals the raised event's
//! field (unlisted fields are ignored); `emits` must match in order and length,
//! `emits_include` only as an ordered subsequence.
//!
//! # Examples
//! ```
//! use ucma_ha::trace::parse;
//! let trace = parse(None, br#"{"machine": "registration", "steps": [
//!     {"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null}},
//!     {"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null}}]}"#)?;
//! let diverged = ucma_ha::replay::replay(&trace).unwrap_err();
//! let ucma_ha::replay::ReplayError::Diverged(divergence) = diverged else { panic!() };
//! assert_eq!(divergence.step, 1);
//! assert_eq!(divergence.actual.rejected, Some("InvalidOperationException"));
//! assert!(divergence.to_string().contains("path so far: BeginRegister"));
//! # Ok::<(), ucma_ha::trace::TraceError>(())
//! ```

use std::fmt;

use serde_json::{json, Map, Value};
use thiserror::Error;

use crate::catalog::{self, DynModel, Fired, Snapshot, StateName};
use crate::trace::{Expect, Problem, Step, Trace, TraceError};

/// What a successful replay did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The machine id.
    pub machine: String,
    /// How many steps ran.
    pub steps: usize,
    /// The rows that fired, per step (for coverage).
    pub fired: Vec<Vec<Fired>>,
}

impl Report {
    /// Every row that fired, in order.
    pub fn fired_rows(&self) -> impl Iterator<Item = &Fired> {
        self.fired.iter().flatten()
    }
}

/// What the model did at a step, by names.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// The state of every component afterwards.
    pub states: Vec<StateName>,
    /// The exception when the stimulus was rejected.
    pub rejected: Option<&'static str>,
    /// The raised events, as JSON (docs/CONTRACT.md section 3).
    pub events: Vec<Value>,
}

impl Actual {
    /// The same, as a JSON object shaped like an expectation (with table names where
    /// they differ from the observed ones, under `table_states`).
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        if let [only] = self.states.as_slice() {
            object.insert("state".into(), json!(only.observed));
        } else {
            let states: Map<String, Value> = self
                .states
                .iter()
                .map(|s| (s.component.to_string(), json!(s.observed)))
                .collect();
            object.insert("states".into(), Value::Object(states));
        }
        let hidden: Map<String, Value> = self
            .states
            .iter()
            .filter(|s| s.internal != s.observed)
            .map(|s| (s.component.to_string(), json!(s.internal)))
            .collect();
        if !hidden.is_empty() {
            object.insert("table_states".into(), Value::Object(hidden));
        }
        object.insert("rejected".into(), json!(self.rejected));
        object.insert("emits".into(), Value::Array(self.events.clone()));
        Value::Object(object)
    }
}

/// The first step whose expectations the model does not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// The trace file, when known.
    pub file: Option<String>,
    /// The machine id.
    pub machine: String,
    /// The step's index in `steps` (from 0).
    pub step: usize,
    /// The step's stimulus.
    pub stimulus: String,
    /// The step's expectations, as written.
    pub expected: Value,
    /// What the model did.
    pub actual: Actual,
    /// The stimuli of the steps before this one: the path that led here.
    pub path: Vec<String>,
    /// Each expectation that failed, in words.
    pub mismatches: Vec<String>,
    /// The rows that fired at this step.
    pub fired: Vec<Fired>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        writeln!(
            f,
            "`{}` diverges at steps[{}] (`{}`)",
            self.machine, self.step, self.stimulus
        )?;
        let path = if self.path.is_empty() {
            "(none: it is the first step)".to_owned()
        } else {
            self.path.join(", ")
        };
        writeln!(f, "  path so far: {path}")?;
        writeln!(f, "  expected: {}", self.expected)?;
        writeln!(f, "  actual:   {}", self.actual.to_json())?;
        for (i, mismatch) in self.mismatches.iter().enumerate() {
            if i + 1 < self.mismatches.len() {
                writeln!(f, "  - {mismatch}")?;
            } else {
                write!(f, "  - {mismatch}")?;
            }
        }
        Ok(())
    }
}

/// Why a replay did not succeed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReplayError {
    /// The trace names something the model does not have.
    #[error(transparent)]
    Invalid(Box<TraceError>),
    /// The model did something other than the trace expects.
    #[error("{0}")]
    Diverged(Box<Divergence>),
}

impl From<TraceError> for ReplayError {
    fn from(error: TraceError) -> Self {
        ReplayError::Invalid(Box::new(error))
    }
}

/// A replay that ran to its end or to its first divergence: the rows fired so far and the
/// divergence, if any. [`coverage`](crate::coverage) uses it to count rows of traces that
/// diverge.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// The steps run, up to and including a divergent one.
    pub report: Report,
    /// The first divergence.
    pub divergence: Option<Box<Divergence>>,
}

/// Replays a trace against the model its `machine` and `config` name.
///
/// # Returns
/// The [`Report`] when every step matches.
///
/// # Errors
/// [`ReplayError::Invalid`] when the trace names something the model lacks (see
/// [`Trace::validate`]); [`ReplayError::Diverged`] with the first divergence.
///
/// # Complexity
/// O(steps x (events + components)).
pub fn replay(trace: &Trace) -> Result<Report, ReplayError> {
    trace.validate()?;
    let model = catalog::model(&trace.machine, &trace.config).map_err(|error| TraceError {
        file: None,
        position: None,
        path: "machine".into(),
        problem: Box::new(Problem::Invalid(error.to_string())),
    })?;
    replay_on(&*model, trace)
}

/// Replays a trace against any model, e.g. a deliberately mutated table; the trace's
/// `machine` and `config` are not consulted.
///
/// # Errors
/// As [`replay`]; an unknown stimulus is [`ReplayError::Invalid`].
pub fn replay_on(model: &dyn DynModel, trace: &Trace) -> Result<Report, ReplayError> {
    let replayed = run(model, trace)?;
    match replayed.divergence {
        None => Ok(replayed.report),
        Some(divergence) => Err(ReplayError::Diverged(divergence)),
    }
}

/// Replays a trace against a model up to its end or its first divergence.
///
/// # Errors
/// [`ReplayError::Invalid`] for a stimulus the model does not have.
pub fn run(model: &dyn DynModel, trace: &Trace) -> Result<Replayed, ReplayError> {
    let mut replayer = Replayer::default();
    let mut report = Report {
        machine: trace.machine.clone(),
        steps: 0,
        fired: Vec::new(),
    };
    for (i, step) in trace.steps.iter().enumerate() {
        let fired = replayer.step(model, i, step)?;
        report.steps = replayer.steps();
        report.fired.push(fired);
        if replayer.divergence.is_some() {
            break;
        }
    }
    Ok(Replayed {
        report,
        divergence: replayer.divergence,
    })
}

/// Replays a trace one step at a time, so that a trace read with
/// [`crate::trace::read_steps`] never has to be held whole: it keeps the current state,
/// the stimuli so far (for a divergence's path) and the first divergence.
#[derive(Debug, Default)]
pub struct Replayer {
    at: Option<Snapshot>,
    stimuli: Vec<&'static str>,
    path: Vec<&'static str>,
    divergence: Option<Box<Divergence>>,
}

impl Replayer {
    /// Runs step `index` of a trace against `model` (the same model every call) and
    /// compares it with its expectations. After a divergence, further steps are not run.
    ///
    /// # Returns
    /// The rows the step fired (none when it was not run).
    ///
    /// # Errors
    /// [`ReplayError::Invalid`] for a stimulus the model does not have.
    pub fn step(
        &mut self,
        model: &dyn DynModel,
        index: usize,
        step: &Step,
    ) -> Result<Vec<Fired>, ReplayError> {
        if self.divergence.is_some() {
            return Ok(Vec::new());
        }
        if self.stimuli.is_empty() {
            self.stimuli = model.stimuli();
        }
        let at = self.at.get_or_insert_with(|| model.initial());
        let reaction = model.step(&*at, &step.on).map_err(|error| TraceError {
            file: None,
            position: None,
            path: format!("steps[{index}].on"),
            problem: Box::new(Problem::Invalid(error.to_string())),
        })?;
        // What the model did is described by names only for a step that expects
        // something: a step without expectations cannot diverge, and in a long trace of
        // bare stimuli describing each one would be most of the work.
        if let Some(expect) = &step.expect {
            let actual = Actual {
                states: model.states(&reaction.next),
                rejected: reaction.rejected,
                events: reaction.event_values(),
            };
            let mismatches = compare(expect, &actual);
            if !mismatches.is_empty() {
                self.divergence = Some(Box::new(Divergence {
                    file: None,
                    machine: model.id().to_owned(),
                    step: index,
                    stimulus: step.on.clone(),
                    expected: serde_json::to_value(expect).unwrap_or(Value::Null),
                    actual,
                    path: self.path.iter().map(|&s| s.to_owned()).collect(),
                    mismatches,
                    fired: reaction.fired.clone(),
                }));
                self.path.push(self.stimulus(&step.on));
                return Ok(reaction.fired);
            }
        }
        self.at = Some(reaction.next);
        self.path.push(self.stimulus(&step.on));
        Ok(reaction.fired)
    }

    /// The model's own name for a stimulus it accepted.
    fn stimulus(&self, name: &str) -> &'static str {
        self.stimuli
            .iter()
            .find(|&&s| s == name)
            .copied()
            .unwrap_or_default()
    }

    /// How many steps ran (a divergent one included).
    pub fn steps(&self) -> usize {
        self.path.len()
    }

    /// The first divergence, if any.
    pub fn divergence(&self) -> Option<&Divergence> {
        self.divergence.as_deref()
    }

    /// Ends the replay: the first divergence, if any.
    pub fn finish(self) -> Option<Box<Divergence>> {
        self.divergence
    }
}

/// Whether a state name matches a component's observed or table name.
fn state_matches(expected: &str, actual: &StateName) -> bool {
    expected == actual.observed || expected == actual.internal
}

fn show_state(state: &StateName) -> String {
    if state.internal == state.observed {
        format!("`{}`", state.observed)
    } else {
        format!("`{}` (table state `{}`)", state.observed, state.internal)
    }
}

/// Whether every field the expected event lists equals the actual event's field.
pub(crate) fn event_matches(expected: &Value, actual: &Value) -> bool {
    match (expected.as_object(), actual.as_object()) {
        (Some(expected), Some(actual)) => expected
            .iter()
            .all(|(field, value)| actual.get(field) == Some(value)),
        _ => expected == actual,
    }
}

/// Every expectation that the actual outcome does not meet, in words.
fn compare(expect: &Expect, actual: &Actual) -> Vec<String> {
    let mut mismatches = Vec::new();
    if let Some(state) = &expect.state {
        match actual.states.as_slice() {
            [only] if state_matches(state, only) => {}
            [only] => mismatches.push(format!(
                "state: expected `{state}`, found {}",
                show_state(only)
            )),
            _ => mismatches.push(format!(
                "state: expected `{state}`, but the model has {} components",
                actual.states.len()
            )),
        }
    }
    for (component, state) in expect.states.iter().flatten() {
        match actual.states.iter().find(|s| &s.component == component) {
            Some(found) if state_matches(state, found) => {}
            Some(found) => mismatches.push(format!(
                "states.{component}: expected `{state}`, found {}",
                show_state(found)
            )),
            None => mismatches.push(format!("states.{component}: no such component")),
        }
    }
    match (&expect.rejected, actual.rejected) {
        (None, _) => {}
        (Some(None), None) => {}
        (Some(Some(expected)), Some(found)) if expected == found => {}
        (Some(None), Some(found)) => {
            mismatches.push(format!("rejected: expected accepted, found `{found}`"));
        }
        (Some(Some(expected)), found) => mismatches.push(format!(
            "rejected: expected `{expected}`, found {}",
            found.map_or("accepted".to_owned(), |name| format!("`{name}`"))
        )),
    }
    if let Some(emits) = &expect.emits {
        if emits.len() != actual.events.len() {
            mismatches.push(format!(
                "emits: expected {} event(s), found {}: {}",
                emits.len(),
                actual.events.len(),
                Value::Array(actual.events.clone())
            ));
        } else {
            for (i, (expected, found)) in emits.iter().zip(&actual.events).enumerate() {
                if !event_matches(expected, found) {
                    mismatches.push(format!(
                        "emits[{i}]: expected {expected}, found {found}{}",
                        differing_fields(expected, found)
                    ));
                }
            }
        }
    }
    if let Some(include) = &expect.emits_include {
        let mut found = actual.events.iter();
        for (i, expected) in include.iter().enumerate() {
            if !found.any(|event| event_matches(expected, event)) {
                mismatches.push(format!(
                    "emits_include[{i}]: {expected} is not among the raised events (in order): {}",
                    Value::Array(actual.events.clone())
                ));
                break;
            }
        }
    }
    mismatches
}

/// The fields that differ, e.g. ` (differs in Reason)`.
fn differing_fields(expected: &Value, found: &Value) -> String {
    let Some(expected) = expected.as_object() else {
        return String::new();
    };
    let fields: Vec<&str> = expected
        .iter()
        .filter(|(field, value)| found.get(field.as_str()) != Some(value))
        .map(|(field, _)| field.as_str())
        .collect();
    if fields.is_empty() {
        String::new()
    } else {
        format!(" (differs in {})", fields.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::parse;

    fn trace(text: &str) -> Trace {
        parse(None, text.as_bytes()).expect("a valid trace")
    }

    fn diverged(text: &str) -> Divergence {
        match replay(&trace(text)) {
            Err(ReplayError::Diverged(divergence)) => *divergence,
            other => panic!("expected a divergence, got {other:?}"),
        }
    }

    const CONTRACT_EXAMPLE: &str = crate::trace::EXAMPLE;

    #[test]
    fn contract_example_replays_contract_4() {
        let report = replay(&trace(CONTRACT_EXAMPLE)).expect("matches the model");
        assert_eq!(report.steps, 4);
        assert_eq!(report.fired.len(), 4);
        assert!(report
            .fired_rows()
            .all(|fired| fired.machine == "registration"));
    }

    #[test]
    fn state_matches_observed_or_table_name_reg_2() {
        let base = r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister"}, {"on": "RegisterOk"},
            {"on": "RegistrarNotifyUserServicesUnavailable", "expect": {"state": "STATE"}}]}"#;
        for name in ["Registered", "RegisteredUserServicesUnavailable"] {
            assert!(
                replay(&trace(&base.replace("STATE", name))).is_ok(),
                "{name}"
            );
        }
        let divergence = diverged(&base.replace("STATE", "Unregistered"));
        assert_eq!(divergence.step, 2);
        assert_eq!(divergence.path, ["BeginRegister", "RegisterOk"]);
        assert_eq!(
            divergence.mismatches,
            ["state: expected `Unregistered`, found `Registered` (table state `RegisteredUserServicesUnavailable`)"]
        );
    }

    #[test]
    fn emits_checks_listed_fields_order_and_length_reg_2() {
        let base = r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister"}, {"on": "RegisterOk"},
            {"on": "RegistrarNotifyUserServicesUnavailable", "expect": {"emits": EMITS}}]}"#;
        let ok = r#"[{"event": "RegistrationStateChanged", "Reason": "None", "UserServicesState": "Unavailable"}]"#;
        assert!(replay(&trace(&base.replace("EMITS", ok))).is_ok());
        let wrong_reason = ok.replace("\"None\"", "\"UserServicesUnavailable\"");
        let divergence = diverged(&base.replace("EMITS", &wrong_reason));
        assert_eq!(divergence.mismatches.len(), 1);
        assert!(divergence.mismatches[0].ends_with("(differs in Reason)"));
        let divergence = diverged(&base.replace("EMITS", "[]"));
        assert!(divergence.mismatches[0].starts_with("emits: expected 0 event(s), found 1"));
    }

    #[test]
    fn emits_include_is_an_ordered_subsequence() {
        let base = r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister", "expect": {"emits_include": LIST}}]}"#;
        let event = r#"{"event": "RegistrationStateChanged", "State": "Registering"}"#;
        assert!(replay(&trace(&base.replace("LIST", "[]"))).is_ok());
        assert!(replay(&trace(&base.replace("LIST", &format!("[{event}]")))).is_ok());
        let twice = format!("[{event}, {event}]");
        let divergence = diverged(&base.replace("LIST", &twice));
        assert!(divergence.mismatches[0].starts_with("emits_include[1]"));
    }

    #[test]
    fn rejection_expectations_af_rs() {
        let base = r#"{"machine": "registration", "steps": [
            {"on": "BeginUnregister", "expect": {"rejected": R}}]}"#;
        assert!(replay(&trace(&base.replace("R", "\"InvalidOperationException\""))).is_ok());
        let divergence = diverged(&base.replace("R", "null"));
        assert_eq!(
            divergence.mismatches,
            ["rejected: expected accepted, found `InvalidOperationException`"]
        );
        let divergence = diverged(
            r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister", "expect": {"rejected": "InvalidOperationException"}}]}"#,
        );
        assert_eq!(
            divergence.mismatches,
            ["rejected: expected `InvalidOperationException`, found accepted"]
        );
    }

    #[test]
    fn divergence_report_names_step_stimulus_expected_actual_and_path() {
        let mut divergence = diverged(
            r#"{"machine": "registration", "steps": [
            {"on": "BeginRegister"}, {"on": "RegisterOk", "expect": {"state": "Unregistered"}}]}"#,
        );
        divergence.file = Some("t.json".into());
        let text = divergence.to_string();
        assert!(text.starts_with("t.json: `registration` diverges at steps[1] (`RegisterOk`)"));
        assert!(text.contains("path so far: BeginRegister\n"));
        assert!(text.contains(r#"expected: {"state":"Unregistered"}"#));
        assert!(text.contains(r#"actual:   {"state":"Registered","table_states":{"registration":"RegisteredUserServicesUnknown"},"rejected":null,"emits":[{"event":"RegistrationStateChanged""#));
        assert!(text.ends_with(
            "- state: expected `Unregistered`, found `Registered` (table state \
             `RegisteredUserServicesUnknown`)"
        ));
    }

    #[test]
    fn in_memory_traces_are_validated() {
        let mut bad = trace(CONTRACT_EXAMPLE);
        bad.steps[2].on = "BeginUnregistr".into();
        match replay(&bad) {
            Err(ReplayError::Invalid(error)) => assert_eq!(
                error.to_string(),
                "at `steps[2].on`: unknown stimulus `BeginUnregistr` for `registration` (did you mean `BeginUnregister`?)"
            ),
            other => panic!("{other:?}"),
        }
    }
}
