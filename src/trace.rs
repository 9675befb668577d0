//! Trace files (CONTRACT section 4): a machine, its config, and a list of steps, each a
//! stimulus with optional expectations. Replay and test vectors use this format.
//!
//! These are the data types; reading files with positions, replaying and reporting
//! divergences build on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
        let text = r#"{"machine": "registration", "config": {"refresh_on_connection_drop": true},
          "steps": [
            {"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null}},
            {"on": "RegisterOk", "expect": {"state": "Registered"}},
            {"on": "BeginUnregister", "expect": {"state": "Unregistering",
               "emits": [{"event": "RegistrationStateChanged", "PreviousState": "Registered",
                          "State": "Unregistering", "MessageData": false}]}},
            {"on": "UnregisterOk", "expect": {"state": "Unregistered"}}
          ]}"#;
        let trace: Trace = serde_json::from_str(text).expect("the contract's example");
        assert_eq!(trace.steps.len(), 4);
        let again: Trace =
            serde_json::from_str(&serde_json::to_string(&trace).expect("serialises"))
                .expect("round trip");
        assert_eq!(again, trace);
    }
}
