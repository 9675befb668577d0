//! Tests of the trace reader.

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
    let again: Trace = serde_json::from_str(&serde_json::to_string(&trace).expect("serialises"))
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

const HEAD: &str = r#"{"machine": "registration", "steps": [{"on": "BeginRegister", "expect": "#;

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
        problem("{\"machine\": \"registration\", \"steps\": [\n{\"on\": \"\u{e9}\u{e9}\", x}]}"),
        "2:14: invalid JSON: key must be a string"
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
