//! Trace files (CONTRACT section 4): a machine, its config, and a list of steps, each a
//! stimulus with optional expectations. Replay and test vectors use this format.
//!
//! [`parse`] and [`read_file`] read a trace from text and check every name in it against
//! the model (machine, config keys, stimuli, states, exceptions, event fields), so that a
//! bad file is reported with its line and column and, where one is close, the valid name
//! the author probably meant. [`Trace::validate`] runs the same checks on a trace built in
//! memory. Replaying a valid trace is [`crate::replay`]'s business.
//!
//! # Examples
//! ```
//! let text = br#"{"machine": "registration", "steps": [{"on": "BeginRegistr"}]}"#;
//! let error = ucma_ha::trace::parse(Some("t.json"), text).unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "t.json:1:46: unknown stimulus `BeginRegistr` for `registration` (did you mean `BeginRegister`?)"
//! );
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::catalog::{self, nearest, CatalogError, DynModel};

pub(crate) mod names;
pub mod spans;

use names::FieldType;
use spans::{display_path, Position, Segment, Spans};

/// The example trace of CONTRACT section 4: the application unregisters a healthy
/// endpoint. Valid, and consistent with the model.
pub const EXAMPLE: &str = r#"{"machine": "registration", "config": {"refresh_on_connection_drop": true},
 "steps": [
  {"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null}},
  {"on": "RegisterOk", "expect": {"state": "Registered"}},
  {"on": "BeginUnregister", "expect": {"state": "Unregistering",
     "emits": [{"event": "RegistrationStateChanged", "PreviousState": "Registered",
                "State": "Unregistering", "MessageData": false}]}},
  {"on": "UnregisterOk", "expect": {"state": "Unregistered"}}
 ]}"#;

/// One trace document: `{"machine": ID, "config": {...}, "steps": [STEP, ...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    /// The machine id (`registration`, ..., `system`).
    pub machine: String,
    /// The machine's parameters; absent keys take their defaults.
    #[serde(default = "empty_object", skip_serializing_if = "is_empty_object")]
    pub config: Value,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

fn is_empty_object(value: &Value) -> bool {
    value.as_object().is_some_and(serde_json::Map::is_empty)
}

/// One step: a stimulus and what to expect of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The stimulus name.
    pub on: String,
    /// What must hold after it; absent means nothing is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

/// What a step expects. A key that is absent is not checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The state name afterwards (single machines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The state names afterwards, by component (`system`); only listed components are
    /// checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<BTreeMap<String, String>>,
    /// `Some(Some(name))`: rejected with that exception; `Some(None)` (JSON `null`): must be
    /// accepted; `None` (absent): not checked.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub rejected: Option<Option<String>>,
    /// The raised events, matched in order and length; each listed field must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emits: Option<Vec<Value>>,
    /// Events that must appear in this order among the raised ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emits_include: Option<Vec<Value>>,
}

/// Reads a present key as `Some(value)`, so that `"rejected": null` is `Some(None)`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

impl Trace {
    /// Checks every name in an in-memory trace against the model, as [`parse`] does for
    /// a file (without positions: errors name the path, e.g. `steps[2].on`).
    ///
    /// # Errors
    /// The first problem found, as a [`TraceError`].
    pub fn validate(&self) -> Result<(), TraceError> {
        self.validate_with(&catalog::model)
    }

    /// As [`Trace::validate`], against the models `models` builds (see [`parse_with`]).
    ///
    /// # Errors
    /// The first problem found, as a [`TraceError`].
    pub fn validate_with(&self, models: &Models) -> Result<(), TraceError> {
        let value = serde_json::to_value(self).map_err(|error| TraceError {
            file: None,
            position: None,
            path: String::new(),
            problem: Box::new(Problem::Invalid(error.to_string())),
        })?;
        Checker {
            file: None,
            spans: None,
            models,
        }
        .document(&value)
        .map(drop)
    }

    /// Writes the trace as JSON with one step per line: stable, diff-friendly output for
    /// test vectors and counterexamples.
    pub fn to_json_lines(&self) -> String {
        let mut out = format!("{{\"machine\": {}", to_json(&self.machine));
        if !is_empty_object(&self.config) {
            out.push_str(&format!(", \"config\": {}", to_json(&self.config)));
        }
        out.push_str(",\n \"steps\": [");
        for (i, step) in self.steps.iter().enumerate() {
            out.push_str(if i == 0 { "\n  " } else { ",\n  " });
            out.push_str(&to_json(step));
        }
        out.push_str("\n ]}\n");
        out
    }
}

/// Serialises a piece of [`Trace::to_json_lines`]; this cannot fail for these types
/// (string keys, no non-finite floats), and an empty string stands in if it ever did.
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// What is wrong with a trace.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
    /// The text is not JSON.
    #[error("invalid JSON: {0}")]
    Syntax(String),
    /// A key that the place does not allow.
    #[error("unknown field `{name}` in {place}{}", hint(suggestion))]
    UnknownField {
        /// The key given.
        name: String,
        /// Where it was (`the trace`, `a step`, `an expectation`, `an event`).
        place: &'static str,
        /// The nearest valid key, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A required key is absent.
    #[error("missing field `{name}` in {place}")]
    MissingField {
        /// The key.
        name: &'static str,
        /// Where it is required.
        place: &'static str,
    },
    /// A value of the wrong JSON type.
    #[error("wrong type for `{path}`: expected {expected}, found {found}")]
    WrongType {
        /// The value's path.
        path: String,
        /// The type required.
        expected: &'static str,
        /// The type given.
        found: &'static str,
    },
    /// No machine has this id.
    #[error("unknown machine `{name}`{}", hint(suggestion))]
    UnknownMachine {
        /// The id given.
        name: String,
        /// The nearest valid id, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The machine has no such parameter.
    #[error("unknown config key `{name}` for `{machine}`{}", hint(suggestion))]
    UnknownConfigKey {
        /// The machine id.
        machine: &'static str,
        /// The key given.
        name: String,
        /// The nearest valid key, when one is close.
        suggestion: Option<String>,
    },
    /// The parameters do not fit the machine (e.g. a value outside its range).
    #[error("bad config for `{machine}`: {message}")]
    BadConfig {
        /// The machine id.
        machine: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The machine has no such stimulus.
    #[error("unknown stimulus `{name}` for `{machine}`{}", hint(suggestion))]
    UnknownStimulus {
        /// The machine id.
        machine: &'static str,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The component has no state of this name.
    #[error("unknown state `{name}` for `{component}`{}", hint(suggestion))]
    UnknownState {
        /// The component.
        component: String,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The model has no component of this name.
    #[error("unknown component `{name}` of `{machine}`{}", hint(suggestion))]
    UnknownComponent {
        /// The machine id.
        machine: &'static str,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<String>,
    },
    /// `state` was used for a model with several components.
    #[error("`{machine}` has {components} components: expect `states` (component to state), not `state`")]
    StateOfComposite {
        /// The machine id.
        machine: &'static str,
        /// How many components it has.
        components: usize,
    },
    /// No event has this name.
    #[error("unknown event `{name}`{}", hint(suggestion))]
    UnknownEvent {
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// No exception has this name.
    #[error("unknown exception `{name}`{}", hint(suggestion))]
    UnknownException {
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A name that the event field does not take.
    #[error("`{value}` is not a value of `{event}.{field}`{}", hint(suggestion))]
    UnknownValue {
        /// The event.
        event: String,
        /// The field.
        field: &'static str,
        /// The value given.
        value: String,
        /// The nearest valid value, when one is close.
        suggestion: Option<&'static str>,
    },
    /// Anything else the trace reader refused.
    #[error("{0}")]
    Invalid(String),
}

fn hint<S: AsRef<str>>(suggestion: &Option<S>) -> String {
    suggestion
        .as_ref()
        .map(|name| format!(" (did you mean `{}`?)", name.as_ref()))
        .unwrap_or_default()
}

/// A trace that cannot be used, with where the problem is.
///
/// Its `Display` is `FILE:LINE:COL: problem` when file and position are known.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct TraceError {
    /// The file, when the trace came from one.
    pub file: Option<String>,
    /// The line and column of the offending key or value, when known.
    pub position: Option<Position>,
    /// The path of the offending value (`steps[3].on`; empty for the document or syntax).
    pub path: String,
    /// What is wrong.
    pub problem: Box<Problem>,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.position) {
            (Some(file), Some(position)) => write!(f, "{file}:{position}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(position)) => write!(f, "{position}: ")?,
            (None, None) => {}
        }
        if self.position.is_none() && !self.path.is_empty() {
            write!(f, "at `{}`: ", self.path)?;
        }
        write!(f, "{}", self.problem)
    }
}

/// Reads a trace from the bytes of a file and checks it against the model.
///
/// # Arguments
/// * `file` - the file's name, for messages (`None` for text from elsewhere).
/// * `bytes` - the text.
///
/// # Returns
/// The trace, or the first problem with its file, line and column.
///
/// # Errors
/// [`TraceError`]: invalid JSON (serde_json's position), then a wrong shape, an unknown
/// field, machine, config key, stimulus, state, component, exception, event or event
/// value, a wrong type (positions from [`spans::Spans`]).
///
/// # Complexity
/// O(n log n) in the text length, plus one model instance per config key.
pub fn parse(file: Option<&str>, bytes: &[u8]) -> Result<Trace, TraceError> {
    parse_with(file, bytes, &catalog::model)
}

/// Builds a model by id and JSON config, as [`catalog::model`] does.
pub type Models = dyn Fn(&str, &Value) -> Result<Box<dyn DynModel>, CatalogError>;

/// As [`parse`], checking names against the models `models` builds instead of the
/// catalog's (e.g. a composed model assembled by hand).
///
/// # Errors
/// As [`parse`].
pub fn parse_with(file: Option<&str>, bytes: &[u8], models: &Models) -> Result<Trace, TraceError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| TraceError {
        file: file.map(str::to_owned),
        position: Some(Position {
            line: error.line().max(1),
            column: char_column(bytes, error.line(), error.column()),
        }),
        path: String::new(),
        problem: Box::new(Problem::Syntax(syntax_message(&error))),
    })?;
    // serde_json accepted it, so it is UTF-8; an error here would be a serde_json bug.
    let text = String::from_utf8_lossy(bytes);
    let spans = Spans::scan(&text);
    Checker {
        file,
        spans: Some(&spans),
        models,
    }
    .document(&value)
}

/// Reads and checks a trace file (see [`parse`]).
///
/// # Errors
/// As [`parse`], plus [`Problem::Io`] when the file cannot be read.
pub fn read_file(path: &Path) -> Result<Trace, TraceError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| TraceError {
        file: Some(name.clone()),
        position: None,
        path: String::new(),
        problem: Box::new(Problem::Io(error.to_string())),
    })?;
    parse(Some(&name), &bytes)
}

/// serde_json counts columns in bytes; [`Position`] counts characters, as an editor does.
fn char_column(bytes: &[u8], line: usize, byte_column: usize) -> usize {
    let Some(text) = bytes.split(|&b| b == b'\n').nth(line.saturating_sub(1)) else {
        return byte_column.max(1);
    };
    let before = byte_column.saturating_sub(1).min(text.len());
    String::from_utf8_lossy(&text[..before]).chars().count() + 1
}

/// serde_json's message without its trailing " at line L column C".
fn syntax_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

const TRACE_FIELDS: &[&str] = &["machine", "config", "steps"];
const STEP_FIELDS: &[&str] = &["on", "expect"];
const EXPECT_FIELDS: &[&str] = &["state", "states", "rejected", "emits", "emits_include"];

/// The JSON type of a value, as messages say it.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn key(name: &str) -> Segment {
    Segment::Key(name.to_owned())
}

fn join(path: &[Segment], segment: Segment) -> Vec<Segment> {
    let mut path = path.to_vec();
    path.push(segment);
    path
}

/// Whether the position to report is the member's key or its value.
#[derive(Clone, Copy)]
enum At {
    Key,
    Value,
}

/// A component of the model and the state names it may be expected in (`None`: a kind
/// of component whose names this reader does not know, so any name passes).
struct Component {
    name: String,
    states: Option<Vec<&'static str>>,
}

/// Checks a parsed document against the model, reporting positions from `spans`.
struct Checker<'a> {
    file: Option<&'a str>,
    spans: Option<&'a Spans>,
    models: &'a Models,
}

impl Checker<'_> {
    fn fail(&self, path: &[Segment], at: At, problem: Problem) -> TraceError {
        let position = self.spans.and_then(|spans| match at {
            At::Key => spans.key(path),
            At::Value => spans.value(path),
        });
        TraceError {
            file: self.file.map(str::to_owned),
            position,
            path: if path.is_empty() {
                String::new()
            } else {
                display_path(path)
            },
            problem: Box::new(problem),
        }
    }

    fn wrong_type(&self, path: &[Segment], expected: &'static str, found: &Value) -> TraceError {
        self.fail(
            path,
            At::Value,
            Problem::WrongType {
                path: display_path(path),
                expected,
                found: type_name(found),
            },
        )
    }

    /// An object whose keys are all in `fields`.
    fn object<'v>(
        &self,
        value: &'v Value,
        path: &[Segment],
        fields: &'static [&'static str],
        place: &'static str,
    ) -> Result<&'v Map<String, Value>, TraceError> {
        let object = value
            .as_object()
            .ok_or_else(|| self.wrong_type(path, "an object", value))?;
        for name in object.keys() {
            if !fields.contains(&name.as_str()) {
                return Err(self.fail(
                    &join(path, key(name)),
                    At::Key,
                    Problem::UnknownField {
                        name: name.clone(),
                        place,
                        suggestion: nearest(name, fields.iter().copied()),
                    },
                ));
            }
        }
        Ok(object)
    }

    fn string<'v>(&self, value: &'v Value, path: &[Segment]) -> Result<&'v str, TraceError> {
        value
            .as_str()
            .ok_or_else(|| self.wrong_type(path, "a string", value))
    }

    fn required<'v>(
        &self,
        object: &'v Map<String, Value>,
        path: &[Segment],
        name: &'static str,
        place: &'static str,
    ) -> Result<&'v Value, TraceError> {
        object
            .get(name)
            .ok_or_else(|| self.fail(path, At::Value, Problem::MissingField { name, place }))
    }

    fn document(&self, value: &Value) -> Result<Trace, TraceError> {
        let root = self.object(value, &[], TRACE_FIELDS, "the trace")?;
        let machine_path = [key("machine")];
        let machine = self.string(
            self.required(root, &[], "machine", "the trace")?,
            &machine_path,
        )?;
        let model = self.model(machine, root.get("config"))?;
        let steps_path = [key("steps")];
        let steps = self.required(root, &[], "steps", "the trace")?;
        let steps = steps
            .as_array()
            .ok_or_else(|| self.wrong_type(&steps_path, "an array", steps))?;
        let components: Vec<Component> = model
            .states(&model.initial())
            .into_iter()
            .map(|state| Component {
                states: names::state_names(names::component_machine(&state.component)),
                name: state.component,
            })
            .collect();
        for (i, step) in steps.iter().enumerate() {
            self.step(
                &*model,
                &components,
                step,
                &join(&steps_path, Segment::Index(i)),
            )?;
        }
        serde_json::from_value(value.clone())
            .map_err(|error| self.fail(&[], At::Value, Problem::Invalid(error.to_string())))
    }

    /// The model the trace names, with its config checked key by key.
    fn model(
        &self,
        machine: &str,
        config: Option<&Value>,
    ) -> Result<Box<dyn DynModel>, TraceError> {
        let machine_path = [key("machine")];
        let defaults = (self.models)(machine, &Value::Null).map_err(|error| {
            let problem = match error {
                CatalogError::UnknownMachine { name, suggestion } => {
                    Problem::UnknownMachine { name, suggestion }
                }
                other => Problem::Invalid(other.to_string()),
            };
            self.fail(&machine_path, At::Value, problem)
        })?;
        let Some(config) = config else {
            return Ok(defaults);
        };
        let config_path = [key("config")];
        let object = config
            .as_object()
            .ok_or_else(|| self.wrong_type(&config_path, "an object", config))?;
        let known = defaults.parameters();
        let known = known.as_object().cloned().unwrap_or_default();
        for (name, value) in object {
            let path = join(&config_path, key(name));
            let Some(default) = known.get(name) else {
                return Err(self.fail(
                    &path,
                    At::Key,
                    Problem::UnknownConfigKey {
                        machine: defaults.id(),
                        name: name.clone(),
                        suggestion: nearest(name, known.keys().map(String::as_str))
                            .map(str::to_owned),
                    },
                ));
            };
            if type_name(default) != type_name(value) {
                return Err(self.wrong_type(&path, type_name(default), value));
            }
            let mut single = Map::new();
            single.insert(name.clone(), value.clone());
            if let Err(error) = (self.models)(machine, &Value::Object(single)) {
                return Err(self.fail(&path, At::Value, bad_config(defaults.id(), error)));
            }
        }
        (self.models)(machine, config)
            .map_err(|error| self.fail(&config_path, At::Value, bad_config(defaults.id(), error)))
    }

    fn step(
        &self,
        model: &dyn DynModel,
        components: &[Component],
        step: &Value,
        path: &[Segment],
    ) -> Result<(), TraceError> {
        let object = self.object(step, path, STEP_FIELDS, "a step")?;
        let on_path = join(path, key("on"));
        let on = self.string(self.required(object, path, "on", "a step")?, &on_path)?;
        let stimuli = model.stimuli();
        if !stimuli.contains(&on) {
            return Err(self.fail(
                &on_path,
                At::Value,
                Problem::UnknownStimulus {
                    machine: model.id(),
                    name: on.to_owned(),
                    suggestion: nearest(on, stimuli.iter().copied()),
                },
            ));
        }
        let Some(expect) = object.get("expect") else {
            return Ok(());
        };
        let path = join(path, key("expect"));
        let expect = self.object(expect, &path, EXPECT_FIELDS, "an expectation")?;
        if let Some(state) = expect.get("state") {
            let state_path = join(&path, key("state"));
            let name = self.string(state, &state_path)?;
            match components {
                [only] => self.state_name(only, name, &state_path)?,
                _ => {
                    return Err(self.fail(
                        &state_path,
                        At::Key,
                        Problem::StateOfComposite {
                            machine: model.id(),
                            components: components.len(),
                        },
                    ))
                }
            }
        }
        if let Some(states) = expect.get("states") {
            let states_path = join(&path, key("states"));
            let states = states
                .as_object()
                .ok_or_else(|| self.wrong_type(&states_path, "an object", states))?;
            for (component, name) in states {
                let state_path = join(&states_path, key(component));
                let Some(found) = components.iter().find(|c| &c.name == component) else {
                    return Err(self.fail(
                        &state_path,
                        At::Key,
                        Problem::UnknownComponent {
                            machine: model.id(),
                            name: component.clone(),
                            suggestion: nearest(
                                component,
                                components.iter().map(|c| c.name.as_str()),
                            )
                            .map(str::to_owned),
                        },
                    ));
                };
                let name = self.string(name, &state_path)?;
                self.state_name(found, name, &state_path)?;
            }
        }
        if let Some(rejected) = expect.get("rejected") {
            let rejected_path = join(&path, key("rejected"));
            match rejected {
                Value::Null => {}
                Value::String(name) => {
                    let exceptions = names::exception_names();
                    if !exceptions.contains(&name.as_str()) {
                        return Err(self.fail(
                            &rejected_path,
                            At::Value,
                            Problem::UnknownException {
                                name: name.clone(),
                                suggestion: nearest(name, exceptions.iter().copied()),
                            },
                        ));
                    }
                }
                other => return Err(self.wrong_type(&rejected_path, "a string or null", other)),
            }
        }
        for list in ["emits", "emits_include"] {
            if let Some(events) = expect.get(list) {
                let list_path = join(&path, key(list));
                let events = events
                    .as_array()
                    .ok_or_else(|| self.wrong_type(&list_path, "an array", events))?;
                for (i, event) in events.iter().enumerate() {
                    self.event(event, &join(&list_path, Segment::Index(i)))?;
                }
            }
        }
        Ok(())
    }

    fn state_name(
        &self,
        component: &Component,
        name: &str,
        path: &[Segment],
    ) -> Result<(), TraceError> {
        let Some(valid) = &component.states else {
            // A component of a kind this reader does not know: nothing to check against.
            return Ok(());
        };
        if valid.contains(&name) {
            return Ok(());
        }
        Err(self.fail(
            path,
            At::Value,
            Problem::UnknownState {
                component: component.name.clone(),
                name: name.to_owned(),
                suggestion: nearest(name, valid.iter().copied()),
            },
        ))
    }

    fn event(&self, event: &Value, path: &[Segment]) -> Result<(), TraceError> {
        let object = event
            .as_object()
            .ok_or_else(|| self.wrong_type(path, "an object", event))?;
        let name_path = join(path, key("event"));
        let name = self.string(
            self.required(object, path, "event", "an event")?,
            &name_path,
        )?;
        let Some(fields) = names::event_fields(name) else {
            return Err(self.fail(
                &name_path,
                At::Value,
                Problem::UnknownEvent {
                    name: name.to_owned(),
                    suggestion: nearest(name, names::event_names()),
                },
            ));
        };
        for (field, value) in object {
            if field == "event" {
                continue;
            }
            let field_path = join(path, key(field));
            let Some((field, kind)) = fields.iter().find(|(known, _)| known == field) else {
                return Err(self.fail(
                    &field_path,
                    At::Key,
                    Problem::UnknownField {
                        name: field.clone(),
                        place: "an event",
                        suggestion: nearest(
                            field,
                            fields.iter().map(|(known, _)| *known).chain(["event"]),
                        ),
                    },
                ));
            };
            match (kind, value) {
                (FieldType::Bool, Value::Bool(_)) => {}
                (FieldType::Bool, other) => {
                    return Err(self.wrong_type(&field_path, "a boolean", other))
                }
                (FieldType::Names(values), Value::String(given)) => {
                    let values = values();
                    if !values.contains(&given.as_str()) {
                        return Err(self.fail(
                            &field_path,
                            At::Value,
                            Problem::UnknownValue {
                                event: name.to_owned(),
                                field,
                                value: given.clone(),
                                suggestion: nearest(given, values.iter().copied()),
                            },
                        ));
                    }
                }
                (FieldType::Names(_), other) => {
                    return Err(self.wrong_type(&field_path, "a string", other))
                }
            }
        }
        Ok(())
    }
}

fn bad_config(machine: &'static str, error: CatalogError) -> Problem {
    match error {
        CatalogError::BadParameters { message, .. } => Problem::BadConfig { machine, message },
        other => Problem::Invalid(other.to_string()),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_null_means_must_be_accepted() {
        let step: Step =
            serde_json::from_str(r#"{"on": "BeginRegister", "expect": {"rejected": null}}"#)
                .expect("valid step");
        assert_eq!(step.expect.and_then(|e| e.rejected), Some(None));
        let step: Step =
            serde_json::from_str(r#"{"on": "BeginRegister", "expect": {}}"#).expect("valid step");
        assert_eq!(step.expect.and_then(|e| e.rejected), None);
    }

    #[test]
    fn contract_example_parses_and_round_trips() {
        let text = EXAMPLE;
        let trace: Trace = serde_json::from_str(text).expect("the contract's example");
        assert_eq!(trace.steps.len(), 4);
        let again: Trace =
            serde_json::from_str(&serde_json::to_string(&trace).expect("serialises"))
                .expect("round trip");
        assert_eq!(again, trace);
    }
    /// Parses `text` and returns the error's `LINE:COL: message`.
    fn problem(text: &str) -> String {
        match parse(Some("t"), text.as_bytes()) {
            Ok(trace) => panic!("accepted: {trace:?}"),
            Err(error) => error.to_string().trim_start_matches("t:").to_owned(),
        }
    }

    const HEAD: &str =
        r#"{"machine": "registration", "steps": [{"on": "BeginRegister", "expect": "#;

    #[test]
    fn every_problem_is_located_and_named() {
        let cases = [
            (
                r#"{"steps": []}"#.to_owned(),
                "1:1: missing field `machine` in the trace",
            ),
            (
                r#"{"machine": "registration"}"#.to_owned(),
                "1:1: missing field `steps` in the trace",
            ),
            (
                r#"{"machine": "registration", "steps": [{"expect": {}}]}"#.to_owned(),
                "1:39: missing field `on` in a step",
            ),
            (
                r#"{"machine": "registration", "step": []}"#.to_owned(),
                "1:29: unknown field `step` in the trace (did you mean `steps`?)",
            ),
            (
                r#"{"machine": "local_endpoint", "config": {"kind": "usr"}, "steps": []}"#
                    .to_owned(),
                "1:50: bad config for `local_endpoint`: unknown variant `usr`, expected `user` or `application`",
            ),
            (
                format!(r#"{HEAD}{{"rejected": "InvalidOperationExeption"}}}}]}}"#),
                "1:86: unknown exception `InvalidOperationExeption` (did you mean `InvalidOperationException`?)",
            ),
            (
                format!(r#"{HEAD}{{"rejected": false}}}}]}}"#),
                "1:86: wrong type for `steps[0].expect.rejected`: expected a string or null, found a boolean",
            ),
            (
                format!(r#"{HEAD}{{"states": {{"registraton": "Registered"}}}}}}]}}"#),
                "1:85: unknown component `registraton` of `registration` (did you mean `registration`?)",
            ),
            (
                format!(r#"{HEAD}{{"emits": [{{"event": "RegistrationStateChange"}}]}}}}]}}"#),
                "1:94: unknown event `RegistrationStateChange` (did you mean `RegistrationStateChanged`?)",
            ),
            (
                format!(r#"{HEAD}{{"emits": [{{"event": "RegistrationStateChanged", "Reasn": "None"}}]}}}}]}}"#),
                "1:122: unknown field `Reasn` in an event (did you mean `Reason`?)",
            ),
            (
                format!(r#"{HEAD}{{"emits_include": [{{"event": "RegistrationStateChanged", "Reason": "Refreshed"}}]}}}}]}}"#),
                "1:140: `Refreshed` is not a value of `RegistrationStateChanged.Reason`",
            ),
            (
                format!(r#"{HEAD}{{"emits": [{{"event": "RegistrationStateChanged", "MessageData": "null"}}]}}}}]}}"#),
                "1:137: wrong type for `steps[0].expect.emits[0].MessageData`: expected a boolean, found a string",
            ),
            (
                format!(r#"{HEAD}{{"emits": [{{"State": "Registering"}}]}}}}]}}"#),
                "1:84: missing field `event` in an event",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(problem(&text), expected, "{text}");
        }
    }

    #[test]
    fn syntax_errors_count_columns_in_characters() {
        assert_eq!(
            problem("{\"machine\": \"ab\", x}"),
            "1:19: invalid JSON: key must be a string"
        );
        assert_eq!(
            problem("{\"machine\": \"\u{e9}\u{e9}\",\n \"\u{e9}\": 1, x}"),
            "2:10: invalid JSON: key must be a string"
        );
        assert_eq!(problem(""), "1:1: invalid JSON: EOF while parsing a value");
    }

    #[test]
    fn a_missing_file_is_an_io_problem() {
        let error = read_file(Path::new("/nonexistent/trace.json")).unwrap_err();
        assert!(matches!(*error.problem, Problem::Io(_)));
        assert!(error
            .to_string()
            .starts_with("/nonexistent/trace.json: cannot read: "));
    }

    #[test]
    fn json_lines_keep_one_step_per_line_and_read_back() {
        let trace = parse(
            None,
            HEAD.replace("\"expect\": ", "\"expect\": {}}]}").as_bytes(),
        )
        .expect("valid");
        let text = trace.to_json_lines();
        assert_eq!(
            text,
            "{\"machine\": \"registration\",\n \"steps\": [\n  {\"on\":\"BeginRegister\",\"expect\":{}}\n ]}\n"
        );
        assert_eq!(parse(None, text.as_bytes()).expect("reads back"), trace);
    }
}
