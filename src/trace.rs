//! Trace files (CONTRACT section 4): a machine, its config, and a list of steps, each a
//! stimulus with optional expectations. Replay and test vectors use this format.
//!
//! [`parse`] and [`read_file`] read a trace from text and check every name in it against
//! the model (machine, config keys, stimuli, states, exceptions, event fields), so that a
//! bad file is reported with its line and column and, where one is close, the valid name
//! the author probably meant. [`Trace::validate`] runs the same checks on a trace built in
//! memory. Replaying a valid trace is the business of `ucma_ha::replay`.
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

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::catalog::{self, nearest, CatalogError, DynModel};
use crate::config::{self, bad_config, type_name};

pub mod json;
pub(crate) mod names;
pub mod spans;

use json::shorten;
use names::FieldType;
use spans::{display_path, Position, Segment, Span, Spans};

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
    #[error("{0}")]
    Io(String),
    /// The text is not JSON.
    #[error("invalid JSON: {0}")]
    Syntax(String),
    /// A key that the place does not allow.
    #[error("unknown field `{}` in {place}{}", shorten(name), hint(suggestion))]
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
    #[error(
        "wrong type for `{}`: expected {expected}, found {found}",
        shorten(path)
    )]
    WrongType {
        /// The value's path.
        path: String,
        /// The type required.
        expected: &'static str,
        /// The type given.
        found: &'static str,
    },
    /// No machine has this id.
    #[error("unknown machine `{}`{}", shorten(name), hint(suggestion))]
    UnknownMachine {
        /// The id given.
        name: String,
        /// The nearest valid id, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The machine has no such parameter.
    #[error(
        "unknown config key `{}` for `{machine}`{}",
        shorten(name),
        hint(suggestion)
    )]
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
    #[error(
        "unknown stimulus `{}` for `{machine}`{}",
        shorten(name),
        hint(suggestion)
    )]
    UnknownStimulus {
        /// The machine id.
        machine: &'static str,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The component has no state of this name.
    #[error(
        "unknown state `{}` for `{component}`{}",
        shorten(name),
        hint(suggestion)
    )]
    UnknownState {
        /// The component.
        component: String,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The model has no component of this name.
    #[error(
        "unknown component `{}` of `{machine}`{}",
        shorten(name),
        hint(suggestion)
    )]
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
    #[error("unknown event `{}`{}", shorten(name), hint(suggestion))]
    UnknownEvent {
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// No exception has this name.
    #[error("unknown exception `{}`{}", shorten(name), hint(suggestion))]
    UnknownException {
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A name that the event field does not take.
    #[error(
        "`{}` is not a value of `{}.{field}`{}",
        shorten(value),
        shorten(event),
        hint(suggestion)
    )]
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
    collect(file, bytes, models)
}

/// Reads a whole trace with [`read_steps`], keeping its steps.
fn collect<R: BufRead>(
    file: Option<&str>,
    reader: R,
    models: &Models,
) -> Result<Trace, TraceError> {
    let mut steps = Vec::new();
    let header = read_steps(file, reader, models, &mut |_, _, step| steps.push(step))?;
    Ok(Trace {
        machine: header.machine,
        config: header.config.unwrap_or_else(empty_object),
        steps,
    })
}

/// The name [`open`] gives standard input in messages.
pub const STDIN: &str = "<stdin>";

/// Opens a trace file for [`read_steps`]; `-` is standard input.
///
/// # Returns
/// The name to use in messages, and a buffered reader.
///
/// # Errors
/// [`Problem::Io`] when the file cannot be opened.
pub fn open(path: &Path) -> Result<(String, Box<dyn BufRead>), TraceError> {
    if path.as_os_str() == "-" {
        return Ok((STDIN.to_owned(), Box::new(io::stdin().lock())));
    }
    let name = path.display().to_string();
    match File::open(path) {
        Ok(file) => Ok((name, Box::new(BufReader::new(file)))),
        Err(error) => Err(TraceError {
            file: Some(name),
            position: None,
            path: String::new(),
            problem: Box::new(Problem::Io(crate::files::reason(&error))),
        }),
    }
}

/// Reads and checks a trace file (see [`parse`]); `-` reads standard input.
///
/// # Errors
/// As [`parse`], plus [`Problem::Io`] when the file cannot be read.
pub fn read_file(path: &Path) -> Result<Trace, TraceError> {
    let (name, reader) = open(path)?;
    collect(Some(&name), reader, &catalog::model)
}

/// The head of a trace that [`read_steps`] read.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The machine id.
    pub machine: String,
    /// The config as written (`None` when absent).
    pub config: Option<Value>,
    /// How many steps were read.
    pub steps: usize,
}

/// What [`read_steps`] hands each step to: the model the trace names, the step's index
/// and the step.
pub type OnStep<'f> = dyn FnMut(&dyn DynModel, usize, Step) + 'f;

/// Reads a trace step by step without holding more than one step in memory: each step
/// is checked like [`parse`] checks it and handed to `on_step` with the model the
/// trace's machine and config name, and its index; then it is dropped.
///
/// The steps are streamed when `machine` (and `config`, if given) come before `steps`,
/// as in every file this crate writes. If `machine` comes after `steps`, the steps are
/// held until it is read (memory then grows with the trace). A `config` after `steps`
/// is accepted only when it changes nothing (the steps were checked with the defaults).
///
/// # Errors
/// The first problem, as [`parse`] reports it; the steps before it were already handed
/// over.
///
/// # Complexity
/// O(n) in the text length; memory O(longest step) plus what `on_step` keeps.
pub fn read_steps<R: BufRead>(
    file: Option<&str>,
    reader: R,
    models: &Models,
    on_step: &mut OnStep<'_>,
) -> Result<Header, TraceError> {
    let tracker = RefCell::new(json::Tracker::default());
    let reading = Reading {
        file,
        models,
        tracker: &tracker,
        failure: RefCell::new(None),
        on_step: RefCell::new(on_step),
    };
    let mut deserializer =
        serde_json::Deserializer::from_reader(json::Tracked::new(reader, &tracker));
    tracker.borrow_mut().arm();
    let result = (&mut deserializer)
        .deserialize_any(Root(&reading))
        .and_then(|header| deserializer.end().map(|()| header));
    match result {
        Ok(header) => Ok(header),
        Err(error) => Err(match reading.failure.into_inner() {
            Some(failure) => failure,
            None => {
                let message = json::message(&error);
                let mut position = tracker.borrow().error_position(&error);
                if let Some(name) = json::duplicated(&message) {
                    // serde_json stops just after the key: point at its opening quote.
                    let width = name.chars().count() + 2;
                    if position.column > width {
                        position.column -= width;
                    }
                }
                if let Some(kind) = error.io_error_kind() {
                    // A read that failed (a directory, a device error) has no position
                    // in the text: name the file and say why, as when it cannot be opened.
                    return Err(TraceError {
                        file: file.map(str::to_owned),
                        position: None,
                        path: String::new(),
                        problem: Box::new(Problem::Io(crate::files::reason(
                            &std::io::Error::from(kind),
                        ))),
                    });
                }
                TraceError {
                    file: file.map(str::to_owned),
                    position: Some(position),
                    path: String::new(),
                    problem: Box::new(if message.starts_with("duplicate key") {
                        Problem::Invalid(message)
                    } else {
                        Problem::Syntax(message)
                    }),
                }
            }
        }),
    }
}

/// The state of one [`read_steps`] call, shared by its serde visitors.
struct Reading<'a, 'f> {
    file: Option<&'a str>,
    models: &'a Models,
    tracker: &'a RefCell<json::Tracker>,
    /// The problem that stopped the reading (serde only carries its own errors).
    failure: RefCell<Option<TraceError>>,
    on_step: RefCell<&'f mut OnStep<'f>>,
}

/// A checked model and its components.
struct Ready {
    model: Box<dyn DynModel>,
    components: Vec<Component>,
}

/// A step read before its machine was known: its value, start and text.
type Pending = (Value, Position, Vec<u8>);

impl Reading<'_, '_> {
    fn checker<'s>(&'s self, spans: Option<&'s Spans>) -> Checker<'s> {
        Checker {
            file: self.file,
            spans,
            models: self.models,
        }
    }

    /// Stops with a wrong type for the value at `path` (a top-level key, or `""` for the
    /// document) that the tracker recorded last.
    fn wrong<E: de::Error>(&self, path: &str, found: &'static str) -> E {
        self.tracker.borrow_mut().stop();
        let at = self.tracker.borrow().start();
        let path: Vec<Segment> = if path.is_empty() {
            Vec::new()
        } else {
            vec![key(path)]
        };
        let mut spans = Spans::default();
        spans.insert(
            path.clone(),
            Span {
                key: None,
                value: at,
            },
        );
        let expected = if path.is_empty() {
            "an object"
        } else {
            "an array"
        };
        let error = self.checker(Some(&spans)).fail(
            &path,
            At::Value,
            Problem::WrongType {
                path: display_path(&path),
                expected,
                found,
            },
        );
        self.stop(error)
    }

    /// Keeps `error` and returns a serde error that stops the reading.
    fn stop<E: de::Error>(&self, error: TraceError) -> E {
        *self.failure.borrow_mut() = Some(error);
        E::custom("stopped")
    }

    fn ready(&self, model: Box<dyn DynModel>) -> Ready {
        let components = model
            .states(&model.initial())
            .into_iter()
            .map(|state| Component {
                states: names::state_names(names::component_machine(&state.component)),
                name: state.component.into_owned(),
            })
            .collect();
        Ready { model, components }
    }

    /// Checks one step and hands it over; on a problem, scans the step's text (`raw`,
    /// starting at `start`) for the position.
    fn step(
        &self,
        ready: &Ready,
        index: usize,
        value: Value,
        start: Position,
        raw: &[u8],
    ) -> Result<(), TraceError> {
        let path = [key("steps"), Segment::Index(index)];
        let checked = self
            .checker(None)
            .step(&*ready.model, &ready.components, &value, &path);
        if let Err(unplaced) = checked {
            let spans = Spans::scan_at(&String::from_utf8_lossy(raw), &path, start);
            let placed =
                self.checker(Some(&spans))
                    .step(&*ready.model, &ready.components, &value, &path);
            return Err(placed.err().unwrap_or(unplaced));
        }
        let step: Step = serde_json::from_value(value).map_err(|error| {
            self.checker(None)
                .fail(&path, At::Value, Problem::Invalid(error.to_string()))
        })?;
        (self.on_step.borrow_mut())(&*ready.model, index, step);
        Ok(())
    }
}

/// The visitor methods of a value that must be an array or object: any other kind is a
/// wrong type at the path `$path`.
macro_rules! refuse_other_kinds {
    ($path:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "null"))
        }
    };
}

/// The document's visitor.
struct Root<'r, 'a, 'f>(&'r Reading<'a, 'f>);

impl<'de> Visitor<'de> for Root<'_, '_, '_> {
    type Value = Header;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a trace object")
    }
    refuse_other_kinds!("");
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Header, A::Error> {
        Err(self.0.wrong("", "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
        let reading = self.0;
        let tracker = reading.tracker;
        let mut spans = Spans::default();
        tracker.borrow_mut().stop();
        let root = tracker.borrow().start();
        spans.insert(
            Vec::new(),
            Span {
                key: None,
                value: root,
            },
        );
        let mut seen: Vec<String> = Vec::new();
        let mut machine: Option<Value> = None;
        let mut config: Option<Value> = None;
        let mut ready: Option<Ready> = None;
        let mut pending: Vec<Pending> = Vec::new();
        let mut steps: Option<usize> = None;
        loop {
            tracker.borrow_mut().arm();
            let Some(name) = map.next_key::<String>()? else {
                break;
            };
            tracker.borrow_mut().stop();
            let key_at = tracker.borrow().start();
            let path = vec![key(&name)];
            let place = |spans: &mut Spans, value: Position| {
                spans.insert(
                    path.clone(),
                    Span {
                        key: Some(key_at),
                        value,
                    },
                );
            };
            if seen.contains(&name) || !TRACE_FIELDS.contains(&name.as_str()) {
                place(&mut spans, key_at);
                let problem = if seen.contains(&name) {
                    Problem::Invalid(json::duplicate(&name))
                } else {
                    Problem::UnknownField {
                        suggestion: nearest(&name, TRACE_FIELDS.iter().copied()),
                        name,
                        place: "the trace",
                    }
                };
                let error = reading.checker(Some(&spans)).fail(&path, At::Key, problem);
                return Err(reading.stop(error));
            }
            seen.push(name.clone());
            if name == "steps" {
                if ready.is_none() {
                    if let Some(machine) = &machine {
                        let built = reading
                            .checker(Some(&spans))
                            .header(machine, config.as_ref())
                            .map_err(|error| reading.stop::<A::Error>(error))?;
                        ready = Some(reading.ready(built));
                    }
                }
                tracker.borrow_mut().arm();
                let seed = Steps(reading, ready.as_ref(), &mut pending);
                let (at, count) = map.next_value_seed(seed)?;
                place(&mut spans, at);
                steps = Some(count);
                continue;
            }
            tracker.borrow_mut().arm();
            let value = map.next_value_seed(json::StrictSeed)?;
            tracker.borrow_mut().stop();
            let at = tracker.borrow().start();
            if name == "config" {
                let raw = String::from_utf8_lossy(tracker.borrow().raw()).into_owned();
                spans.extend(Spans::scan_at(&raw, &path, at));
                place(&mut spans, at);
                if let (Some(ready), Some(machine)) = (&ready, &machine) {
                    // The steps were read with the defaults: a late config must not
                    // change them.
                    let late = reading
                        .checker(Some(&spans))
                        .header(machine, Some(&value))
                        .map_err(|error| reading.stop::<A::Error>(error))?;
                    if late.parameters() != ready.model.parameters() {
                        let problem = Problem::Invalid(
                            "`config` comes after `steps` and changes the defaults the steps \
                             were read with: put `config` before `steps`"
                                .to_owned(),
                        );
                        let error = reading.checker(Some(&spans)).fail(&path, At::Key, problem);
                        return Err(reading.stop(error));
                    }
                }
                config = Some(value);
            } else {
                place(&mut spans, at);
                machine = Some(value);
            }
        }
        let checker = reading.checker(Some(&spans));
        let fail = |error: TraceError| reading.stop::<A::Error>(error);
        let missing = |name: &'static str| {
            checker.fail(
                &[],
                At::Value,
                Problem::MissingField {
                    name,
                    place: "the trace",
                },
            )
        };
        let machine = machine.ok_or_else(|| fail(missing("machine")))?;
        let ready = match ready {
            Some(ready) => ready,
            None => reading.ready(checker.header(&machine, config.as_ref()).map_err(fail)?),
        };
        let Some(mut count) = steps else {
            return Err(fail(missing("steps")));
        };
        if !pending.is_empty() {
            count = pending.len();
            for (index, (value, start, raw)) in pending.into_iter().enumerate() {
                reading
                    .step(&ready, index, value, start, &raw)
                    .map_err(fail)?;
            }
        }
        Ok(Header {
            machine: ready.model.id().to_owned(),
            config,
            steps: count,
        })
    }
}

/// The `steps` array's seed: checks and hands over each step as it is read.
struct Steps<'s, 'r, 'a, 'f>(&'r Reading<'a, 'f>, Option<&'s Ready>, &'s mut Vec<Pending>);

impl<'de> DeserializeSeed<'de> for Steps<'_, '_, '_, '_> {
    /// Where the array starts, and how many steps it has.
    type Value = (Position, usize);
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Steps<'_, '_, '_, '_> {
    type Value = (Position, usize);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of steps")
    }
    refuse_other_kinds!("steps");
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.0.wrong("steps", "an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let tracker = self.0.tracker;
        tracker.borrow_mut().stop();
        let at = tracker.borrow().start();
        let mut index = 0;
        loop {
            tracker.borrow_mut().arm();
            let Some(value) = seq.next_element_seed(json::StrictSeed)? else {
                break;
            };
            tracker.borrow_mut().stop();
            let tracked = tracker.borrow();
            let (start, raw) = (tracked.start(), tracked.raw());
            match self.1 {
                Some(ready) => {
                    let stepped = self.0.step(ready, index, value, start, raw);
                    drop(tracked);
                    stepped.map_err(|error| self.0.stop::<A::Error>(error))?;
                }
                None => self.2.push((value, start, raw.to_vec())),
            }
            index += 1;
        }
        tracker.borrow_mut().stop();
        Ok((at, index))
    }
}

const TRACE_FIELDS: &[&str] = &["machine", "config", "steps"];
const STEP_FIELDS: &[&str] = &["on", "expect"];
const EXPECT_FIELDS: &[&str] = &["state", "states", "rejected", "emits", "emits_include"];

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
                name: state.component.into_owned(),
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

    /// Checks the machine id and config and builds the model.
    fn header(
        &self,
        machine: &Value,
        config: Option<&Value>,
    ) -> Result<Box<dyn DynModel>, TraceError> {
        let machine = self.string(machine, &[key("machine")])?;
        self.model(machine, config)
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
        let build = |config: &Value| (self.models)(machine, config);
        for (name, value) in object {
            let path = join(&config_path, key(name));
            let shown = display_path(&path);
            if let Err(problem) =
                config::check_key(defaults.id(), &known, name, value, &shown, &build)
            {
                let at = match problem {
                    Problem::UnknownConfigKey { .. } => At::Key,
                    _ => At::Value,
                };
                return Err(self.fail(&path, at, problem));
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
                "1:50: bad config for `local_endpoint`: unknown value `usr`, expected `user` or `application`",
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
            problem(
                "{\"machine\": \"registration\", \"steps\": [\n{\"on\": \"\u{e9}\u{e9}\", x}]}"
            ),
            "2:14: invalid JSON: key must be a string"
        );
        assert_eq!(problem(""), "1:1: invalid JSON: EOF while parsing a value");
    }

    #[test]
    fn a_missing_file_is_an_io_problem() {
        let error = read_file(Path::new("/nonexistent/trace.json")).unwrap_err();
        assert!(matches!(*error.problem, Problem::Io(_)));
        assert_eq!(
            error.to_string(),
            "/nonexistent/trace.json: no such file or directory"
        );
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
