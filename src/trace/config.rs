//! The one reader of configurations: `--config` of every command (`check`, `graph`,
//! `vectors`) and the `config` of a trace follow the same rules.
//!
//! * The text is JSON read with the trace reader's rules (a byte order mark is skipped,
//!   a key given twice is refused).
//! * It must be an object; `null`, arrays and other values are refused (leave `--config`
//!   out for the defaults).
//! * Each key must be a parameter of the machine (a close name is suggested), of the
//!   parameter's JSON type (a count is a whole number of 0 or more), and a value the
//!   machine accepts; absent keys take their defaults.
//!
//! Messages use the words of the file, never the names of the Rust types behind it.
//!
//! # Examples
//! ```
//! let error = ucma_ha::config::model("system", r#"{"remote_views": -1}"#).err();
//! assert_eq!(
//!     error.as_deref(),
//!     Some("--config: `remote_views` must be a whole number, 0 or more, not -1")
//! );
//! ```

use serde_json::{Map, Value};

use crate::catalog::{self, nearest, CatalogError, DynModel};
use crate::trace::json::{self, shorten};
use crate::trace::Problem;

/// How the command line names the option in messages.
pub(crate) const OPTION: &str = "--config";

/// Reads the text of `--config`: JSON, with the shared rules, and an object.
///
/// # Errors
/// A message naming `--config` (with the line and column of a JSON error).
pub fn from_arg(text: &str) -> Result<Map<String, Value>, String> {
    let value = json::from_slice(text.as_bytes()).map_err(|error| {
        let mut message = json::message(&error);
        let mut column = error.column().max(1);
        if let Some(name) = json::duplicated(&message) {
            // serde_json stops just after the key: point at its opening quote.
            column = column.saturating_sub(name.chars().count() + 1).max(1);
        } else {
            message = format!("invalid JSON: {message}");
        }
        format!("{OPTION}:{}:{column}: {message}", error.line().max(1))
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(format!(
            "{OPTION} must be a JSON object such as {{\"remote_views\": 1}}, not {} \
             (leave it out for the defaults)",
            type_name(&other)
        )),
    }
}

/// Builds a machine's model from a config (e.g. `catalog::model` for one machine id).
pub(crate) type Build<'a> = dyn Fn(&Value) -> Result<Box<dyn DynModel>, CatalogError> + 'a;

/// Checks one key of a config against the machine's defaults (`known`: the parameters
/// of a model built with none) and, through `build`, against the machine itself.
///
/// # Errors
/// The [`Problem`]: an unknown key (with a close name), a wrong JSON type, a count
/// that is not a whole number, or a value the machine refuses.
pub(crate) fn check_key(
    machine: &'static str,
    known: &Map<String, Value>,
    name: &str,
    value: &Value,
    path: &str,
    build: &Build<'_>,
) -> Result<(), Problem> {
    let Some(default) = known.get(name) else {
        return Err(Problem::UnknownConfigKey {
            machine,
            name: name.to_owned(),
            suggestion: nearest(name, known.keys().map(String::as_str)).map(str::to_owned),
        });
    };
    if type_name(default) != type_name(value) {
        return Err(Problem::WrongType {
            path: path.to_owned(),
            expected: type_name(default),
            found: type_name(value),
        });
    }
    if default.is_u64() && !value.is_u64() {
        return Err(Problem::BadConfig {
            machine,
            message: format!(
                "`{}` must be a whole number, 0 or more, not {}",
                shorten(name),
                shorten(&value.to_string())
            ),
        });
    }
    let mut single = Map::new();
    single.insert(name.to_owned(), value.clone());
    build(&Value::Object(single))
        .map(drop)
        .map_err(|error| bad_config(machine, error))
}

/// A model's refusal as a [`Problem`].
pub(crate) fn bad_config(machine: &'static str, error: CatalogError) -> Problem {
    match error {
        CatalogError::BadParameters { message, .. } => Problem::BadConfig {
            machine,
            message: user_words(&message),
        },
        other => Problem::Invalid(other.to_string()),
    }
}

/// Reads `--config` text for `machine` and builds the model, with the shared rules.
///
/// # Errors
/// A message naming `--config`; an unknown machine is reported as the catalog does.
pub fn model(machine: &str, text: &str) -> Result<Box<dyn DynModel>, String> {
    let object = from_arg(text)?;
    let defaults = catalog::model(machine, &Value::Null).map_err(|error| error.to_string())?;
    let id = defaults.id();
    let known = defaults.parameters();
    let known = known.as_object().cloned().unwrap_or_default();
    let build = |config: &Value| catalog::model(machine, config);
    for (name, value) in &object {
        check_key(id, &known, name, value, name, &build)
            .map_err(|problem| format!("{OPTION}: {}", in_words(problem)))?;
    }
    build(&Value::Object(object))
        .map_err(|error| format!("{OPTION}: {}", in_words(bad_config(id, error))))
}

/// A problem as `--config` reports it: the machine is clear from the command line.
fn in_words(problem: Problem) -> String {
    match problem {
        Problem::BadConfig { message, .. } => message,
        other => other.to_string(),
    }
}

/// The JSON type of a value, in words.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) use crate::words::user_words;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_type_names_become_json_words() {
        assert_eq!(
            user_words("invalid type: sequence, expected struct SystemConfig"),
            "invalid type: an array, expected an object"
        );
        assert_eq!(
            user_words("invalid value: integer `-1`, expected usize"),
            "invalid value: integer `-1`, expected a whole number, 0 or more"
        );
    }
}
