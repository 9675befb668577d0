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
        "{\"format_version\": 1, \"machine\": \"registration\",\n \"steps\": [\n  {\"on\":\"BeginRegister\",\"expect\":{}}\n ]}\n"
    );
    assert_eq!(parse(None, text.as_bytes()).expect("reads back"), trace);
}

#[test]
fn format_version_is_written_first_and_read_when_known() {
    let trace = parse(None, EXAMPLE.as_bytes()).expect("a trace without a version is version 1");
    let written = serde_json::to_string(&trace).expect("serialises");
    assert!(
        written.starts_with(r#"{"format_version":1,"machine":"registration""#),
        "{written}"
    );
    assert_eq!(parse(None, written.as_bytes()).expect("reads back"), trace);
    let read: Trace = serde_json::from_str(&written).expect("serde reads it too");
    assert_eq!(read, trace);
    let versioned = EXAMPLE.replacen('{', r#"{"format_version": 1, "#, 1);
    assert_eq!(parse(None, versioned.as_bytes()).expect("version 1"), trace);
    trace.validate().expect("an in-memory trace validates");
}

#[test]
fn an_unknown_format_version_is_refused_at_its_value() {
    let text = |version: &str| {
        format!("{{\"machine\": \"registration\",\n \"format_version\": {version}, \"steps\": []}}")
    };
    assert_eq!(
        problem(&text("2")),
        "2:20: unsupported format_version 2: this ucma-ha reads trace files of version 1 \
         (a newer release wrote this file?)"
    );
    assert_eq!(
        problem(&text("0")),
        "2:20: unsupported format_version 0: this ucma-ha reads trace files of version 1 \
         (a newer release wrote this file?)"
    );
    assert_eq!(
        problem(&text("\"1\"")),
        "2:20: wrong type for `format_version`: expected an integer, found a string"
    );
    assert_eq!(
        problem(&text("1.0")),
        "2:20: wrong type for `format_version`: expected an integer, found a number"
    );
    // serde alone refuses it too, and the in-memory checker places it by path.
    let refused = serde_json::from_str::<Trace>(&text("2")).expect_err("refused");
    assert!(
        refused.to_string().contains("unsupported format_version 2"),
        "{refused}"
    );
    let value: serde_json::Value = serde_json::from_str(&text("7")).expect("JSON");
    let error = Checker {
        file: None,
        spans: None,
        models: &crate::catalog::model,
    }
    .document(&value)
    .expect_err("refused");
    assert_eq!(error.path, "format_version");
}

/// A system trace whose last step expects `event` raised by `component`.
fn remote_trace(component: &str) -> String {
    format!(
        r#"{{"machine": "system", "config": {{"remote_views": 2}}, "steps": [
  {{"on": "BeginEstablish"}}, {{"on": "SubscribeRemotePresence"}},
  {{"on": "SubscribeRemotePresence", "expect": {{"emits_include": [
    {{"event": "RemoteSubscriptionStateChanged", "State": "Subscribed", "component": "{component}"}}]}}}}]}}"#
    )
}

#[test]
fn system_events_name_their_component_and_the_replay_checks_it_rp_1() {
    let trace = parse(None, remote_trace("remote_presence[1]").as_bytes()).expect("valid");
    crate::replay::replay(&trace).expect("the second view raised it");
    let trace = parse(None, remote_trace("remote_presence[0]").as_bytes()).expect("valid");
    let Err(crate::replay::ReplayError::Diverged(divergence)) = crate::replay::replay(&trace)
    else {
        panic!("the first view did not raise it at that step");
    };
    assert_eq!(divergence.step, 2);
    // What the model did names the component of every event.
    let emitted = divergence.actual.to_json()["emits"].clone();
    assert!(
        emitted
            .as_array()
            .expect("events")
            .iter()
            .all(|event| event["component"]
                .as_str()
                .is_some_and(|c| c.starts_with("remote_presence[1]"))),
        "{emitted}"
    );
    assert_eq!(
        problem(&remote_trace("remote_presense[1]")),
        "4:85: unknown component `remote_presense[1]` of `system` (did you mean `remote_presence[1]`?)"
    );
    // A single machine's events have no component to name.
    assert_eq!(
        problem(&format!(
            r#"{HEAD}{{"emits": [{{"event": "RegistrationStateChanged", "component": "registration"}}]}}}}]}}"#
        )),
        "1:122: unknown field `component` in an event"
    );
}
