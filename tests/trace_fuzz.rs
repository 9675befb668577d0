//! The trace reader never panics, whatever the bytes: arbitrary bytes, arbitrary JSON, and
//! trace-shaped documents with random names and values in every place (docs/CONTRACT.md
//! section 4: a bad file is reported, exit 2, never a crash). Case count honours
//! `PROPTEST_CASES`.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use ucma_ha::trace::parse;

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        name().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(name(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Names that are valid, near-valid or nonsense, so every check is reached.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "registration",
            "system",
            "sip_subscription",
            "local_endpoint",
            "steps",
            "on",
            "expect",
            "state",
            "states",
            "rejected",
            "emits",
            "emits_include",
            "event",
            "config",
            "machine",
            "BeginRegister",
            "RegisterOk",
            "Registered",
            "kind",
            "user",
            "refresh_on_connection_drop",
            "home_pool",
            "RegistrationStateChanged",
            "Reason",
            "None",
            "MessageData",
            "InvalidOperationException",
            "PreviousState",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z_\\[\\]0-9]{0,12}",
        any::<String>(),
    ]
}

/// A trace-shaped document whose parts are random.
fn trace_shaped() -> impl Strategy<Value = Value> {
    let event = || {
        (name(), any_json(), name(), any_json()).prop_map(
            |(event, field, key, value)| json!({"event": event, key: value, "State": field}),
        )
    };
    let expect = (
        prop::option::of(any_json()),
        prop::option::of(any_json()),
        prop::option::of(prop::collection::vec(event(), 0..3)),
        prop::option::of(prop::collection::vec(event(), 0..3)),
        prop::option::of(prop::collection::btree_map(name(), any_json(), 0..3)),
    )
        .prop_map(|(state, rejected, emits, include, states)| {
            let mut object = Map::new();
            for (key, value) in [
                ("state", state),
                ("rejected", rejected),
                ("emits", emits.map(Value::from)),
                ("emits_include", include.map(Value::from)),
                (
                    "states",
                    states.map(|s| Value::Object(s.into_iter().collect())),
                ),
            ] {
                if let Some(value) = value {
                    object.insert(key.into(), value);
                }
            }
            Value::Object(object)
        });
    let step = (name(), prop::option::of(expect)).prop_map(|(on, expect)| match expect {
        Some(expect) => json!({"on": on, "expect": expect}),
        None => json!({"on": on}),
    });
    (
        name(),
        prop::option::of(prop::collection::btree_map(name(), any_json(), 0..3)),
        prop::collection::vec(prop_oneof![step, any_json()], 0..4),
    )
        .prop_map(|(machine, config, steps)| {
            let mut object = Map::new();
            object.insert("machine".into(), Value::from(machine));
            if let Some(config) = config {
                object.insert("config".into(), Value::Object(config.into_iter().collect()));
            }
            object.insert("steps".into(), Value::from(steps));
            Value::Object(object)
        })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse(Some("fuzz.json"), &bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        let text = serde_json::to_string_pretty(&value).expect("serialises");
        let _ = parse(Some("fuzz.json"), text.as_bytes());
    }

    #[test]
    fn trace_shaped_documents_never_panic_and_errors_have_positions(value in trace_shaped()) {
        let text = serde_json::to_string_pretty(&value).expect("serialises");
        match parse(Some("fuzz.json"), text.as_bytes()) {
            Ok(trace) => {
                // What parses is a valid trace: it validates and replays without error
                // other than a divergence.
                prop_assert!(trace.validate().is_ok());
                let replayed = ucma_ha::replay::replay(&trace);
                prop_assert!(!matches!(replayed, Err(ucma_ha::replay::ReplayError::Invalid(_))));
            }
            Err(error) => {
                // Every problem in a JSON text is located.
                prop_assert!(error.position.is_some(), "{error}");
                prop_assert!(error.to_string().starts_with("fuzz.json:"));
            }
        }
    }

    #[test]
    fn truncated_valid_traces_never_panic(cut in 0usize..400) {
        let text = br#"{"machine": "registration", "config": {"refresh_on_connection_drop": true},
 "steps": [{"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null,
   "emits": [{"event": "RegistrationStateChanged", "State": "Registering"}]}}]}"#;
        let error = parse(Some("cut.json"), &text[..cut.min(text.len())]);
        prop_assert_eq!(error.is_ok(), cut >= text.len());
    }
}
