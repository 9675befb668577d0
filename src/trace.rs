//! Trace files (docs/CONTRACT.md section 4): a machine, its config, and a list of steps, each a
//! stimulus with optional expectations. Replay and test vectors use this format.
//!
//! [`parse`] and [`read_file`] read a trace from text and check every name in it against
//! the model (machine, config keys, stimuli, states, exceptions, event fields), so that a
//! bad file is reported with its line and column and, where one is close, the valid name
//! the author probably meant. [`Trace::validate`] runs the same checks on a trace built in
//! memory. Replaying a valid trace is the business of `ucma_ha::replay`.
//!
//! A trace is written with `format_version` ([`FORMAT_VERSION`]) first; one read without
//! it is version 1, and another version is refused. In a composed model's trace each
//! expected event may name the `component` that raised it, which the reader checks
//! against the model's components (docs/FORMATS.md).
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
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::catalog::{self, CatalogError, DynModel};

mod check;
pub mod config;
pub(crate) mod json;
pub(crate) mod names;
mod read;
pub(crate) mod spans;
#[cfg(test)]
mod tests;

pub use crate::words::{shorten, MAX_NAME};
use check::Checker;
pub use read::read_steps;
use spans::Position;

/// The example trace of docs/CONTRACT.md section 4: the application unregisters a healthy
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

/// The version of the trace format this crate writes and reads; raised on a breaking
/// change. A trace without `format_version` is read as version 1; another version is
/// refused ([`Problem::UnsupportedVersion`]).
pub const FORMAT_VERSION: u32 = 1;

/// One trace document: `{"format_version": 1, "machine": ID, "config": {...}, "steps":
/// [STEP, ...]}`. It is written with `format_version` first ([`FORMAT_VERSION`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Document")]
pub struct Trace {
    /// The machine id (`registration`, ..., `system`).
    pub machine: String,
    /// The machine's parameters; absent keys take their defaults.
    pub config: Value,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A trace as written, with its version (read into a [`Trace`] once the version is
/// known).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    format_version: Option<Value>,
    machine: String,
    #[serde(default = "empty_object")]
    config: Value,
    steps: Vec<Step>,
}

impl TryFrom<Document> for Trace {
    type Error = Problem;
    fn try_from(document: Document) -> Result<Self, Problem> {
        if let Some(version) = &document.format_version {
            check_version(version)?;
        }
        Ok(Trace {
            machine: document.machine,
            config: document.config,
            steps: document.steps,
        })
    }
}

/// Whether a `format_version` value is one this crate reads.
///
/// # Errors
/// [`Problem::WrongType`] for a value that is not an integer,
/// [`Problem::UnsupportedVersion`] for another version than [`FORMAT_VERSION`].
pub(crate) fn check_version(version: &Value) -> Result<(), Problem> {
    if !(version.is_u64() || version.is_i64()) {
        return Err(Problem::WrongType {
            path: "format_version".into(),
            expected: "an integer",
            found: crate::trace::config::type_name(version),
        });
    }
    if version.as_u64() == Some(u64::from(FORMAT_VERSION)) {
        Ok(())
    } else {
        Err(Problem::UnsupportedVersion {
            found: version.to_string(),
        })
    }
}

impl Serialize for Trace {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("format_version", &FORMAT_VERSION)?;
        map.serialize_entry("machine", &self.machine)?;
        if !is_empty_object(&self.config) {
            map.serialize_entry("config", &self.config)?;
        }
        map.serialize_entry("steps", &self.steps)?;
        map.end()
    }
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
        let mut out = format!(
            "{{\"format_version\": {FORMAT_VERSION}, \"machine\": {}",
            to_json(&self.machine)
        );
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
    /// A `format_version` this reader does not know.
    #[error(
        "unsupported format_version {}: this ucma-ha reads trace files of version \
         {FORMAT_VERSION} (a newer release wrote this file?)",
        shorten(found)
    )]
    UnsupportedVersion {
        /// The version given, as written.
        found: String,
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
/// value, a wrong type (positions from `spans::Spans`).
///
/// # Complexity
/// O(n log n) in the text length, plus one model instance per config key.
pub fn parse(file: Option<&str>, bytes: &[u8]) -> Result<Trace, TraceError> {
    parse_with(file, bytes, &catalog::model)
}

/// Builds a model by id and JSON config, as [`catalog::model`] does.
pub(crate) type Models = dyn Fn(&str, &Value) -> Result<Box<dyn DynModel>, CatalogError>;

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
pub(crate) const STDIN: &str = "<stdin>";

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
pub(crate) type OnStep<'f> = dyn FnMut(&dyn DynModel, usize, Step) + 'f;
