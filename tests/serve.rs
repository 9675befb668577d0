//! The explorer's HTTP API (`ucma-ha serve`, docs/CONTRACT.md section 8), driven through its
//! router: the replay report of a known trace, the positioned 400 for bad JSON, the size
//! limits, and the embedded assets.
#![cfg(feature = "serve")]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use ucma_ha::serve::{router, BODY_LIMIT, MAX_STEPS};

/// Sends one request and returns the status, the content type and the body.
fn send(request: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let response = router().oneshot(request).await.expect("answers");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        (status, content_type, body.to_vec())
    })
}

fn post(uri: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let (status, content_type, body) = send(
        Request::post(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .expect("a request"),
    );
    let json = if content_type == "application/json" {
        serde_json::from_slice(&body).expect("a JSON answer")
    } else {
        Value::String(String::from_utf8_lossy(&body).into_owned())
    };
    (status, json)
}

fn get(uri: &str) -> (StatusCode, String, String) {
    let (status, content_type, body) =
        send(Request::get(uri).body(Body::empty()).expect("a request"));
    (
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[test]
fn a_known_trace_is_replayed_step_by_step_contract_4() {
    let (status, json) = post("/api/replay", ucma_ha::trace::EXAMPLE);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["format_version"], 1);
    let trace = &json["traces"][0];
    assert_eq!(trace["result"], "ok");
    assert_eq!(trace["machine"], "registration");
    assert!(trace["file"].is_null());
    let steps = trace["steps"].as_array().expect("steps");
    let states: Vec<&str> = steps
        .iter()
        .map(|step| step["states"]["registration"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        states,
        ["Registering", "Registered", "Unregistering", "Unregistered"]
    );
    assert_eq!(steps[2]["events"][0]["event"], "RegistrationStateChanged");
    assert_eq!(steps[2]["events"][0]["component"], "registration");
    assert!(trace.get("next").is_none(), "only on request");
}

#[test]
fn the_outage_and_what_each_button_would_do_reg_2_pres_2() {
    let body = r#"{"machine": "system", "config": {"remote_views": 2}, "steps": [
        {"on": "BeginEstablish"}, {"on": "SubscribePresence"}, {"on": "PoolFails"}]}"#;
    let (status, json) = post("/api/replay?next=true", body);
    assert_eq!(status, StatusCode::OK);
    let trace = &json["traces"][0];
    assert_eq!(trace["config"]["remote_views"], 2);
    let outage = &trace["steps"][2];
    assert_eq!(outage["states"]["local_owner_presence"], "WaitingForRetry");
    assert_eq!(outage["states"]["pool"], "Unresponsive");
    let events = outage["events"].as_array().expect("events");
    assert!(events
        .iter()
        .any(|event| event["event"] == "RegistrationStateChanged"
            && event["component"] == "registration"
            && event["Reason"] == "None"
            && event["UserServicesState"] == "Unavailable"));
    let next = trace["next"].as_array().expect("next");
    let publish = next
        .iter()
        .find(|entry| entry["on"] == "PublishPresence")
        .expect("every stimulus");
    assert_eq!(publish["kind"], "call");
    assert_eq!(
        publish["rejected"]["exception"],
        "InvalidOperationException"
    );
    assert_eq!(publish["rejected"]["component"], "local_owner_presence");
}

#[test]
fn a_divergence_is_an_answer_not_an_error() {
    let body = r#"{"machine": "registration", "steps": [
        {"on": "BeginRegister", "expect": {"state": "Registered"}}, {"on": "RegisterOk"}]}"#;
    let (status, json) = post("/api/replay", body);
    assert_eq!(status, StatusCode::OK);
    let trace = &json["traces"][0];
    assert_eq!(trace["result"], "diverged");
    assert_eq!(trace["divergence"]["step"], 0);
    assert_eq!(trace["steps"].as_array().map(Vec::len), Some(1));
    assert_eq!(trace["steps"][0]["matched"], false);
}

#[test]
fn bad_json_is_400_with_the_positioned_message_of_the_cli() {
    let (status, json) = post(
        "/api/replay",
        "{\"machine\": \"registration\",\n \"steps\": [}\n",
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let trace = &json["traces"][0];
    assert_eq!(trace["result"], "invalid");
    let error = &trace["error"];
    assert_eq!(
        (error["line"].clone(), error["column"].clone()),
        (2.into(), 12.into())
    );
    // The command line prints `error: FILE:2:12: ...` for the same text in a file.
    let message = error["message"].as_str().expect("a message");
    assert!(message.starts_with("2:12: invalid JSON: "), "{message}");

    let (status, json) = post(
        "/api/replay",
        r#"{"machine": "registration", "steps": [{"on": "BeginRegistr"}]}"#,
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["traces"][0]["error"]["message"],
        "1:46: unknown stimulus `BeginRegistr` for `registration` (did you mean `BeginRegister`?)"
    );
}

#[test]
fn bodies_and_traces_are_size_limited() {
    let padding = " ".repeat(BODY_LIMIT + 1);
    let (status, _) = post(
        "/api/replay",
        format!("{}{padding}", ucma_ha::trace::EXAMPLE),
    );
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let steps = vec![r#"{"on": "PoolFails"}"#; MAX_STEPS + 1].join(",");
    let (status, json) = post(
        "/api/replay",
        format!(r#"{{"machine": "system", "steps": [{steps}]}}"#),
    );
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json["traces"][0]["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("at most 5000")));

    let steps = vec![r#"{"on": "PoolFails"}"#; MAX_STEPS].join(",");
    let (status, _) = post(
        "/api/replay",
        format!(r#"{{"machine": "system", "steps": [{steps}]}}"#),
    );
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn the_page_its_assets_and_the_diagrams_are_embedded() {
    let (status, content_type, page) = get("/");
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("<title>ucma-ha explorer</title>"));
    assert!(page.contains(r#"src="/app.js""#) && page.contains(r#"href="/style.css""#));
    assert!(!page.contains("http://") && !page.contains("https://"));
    let (status, _, script) = get("/app.js");
    assert_eq!(status, StatusCode::OK);
    assert!(script.contains("/api/replay"));
    assert!(!script.contains("http://") && !script.contains("https://"));
    for machine in ucma_ha::catalog::MACHINES {
        let (status, content_type, svg) = get(&format!("/diagrams/{machine}"));
        assert_eq!(status, StatusCode::OK, "{machine}");
        assert_eq!(content_type, "image/svg+xml");
        assert!(
            svg.contains(&format!("<title>{machine}</title>")),
            "{machine}"
        );
    }
    assert_eq!(get("/diagrams/system").0, StatusCode::NOT_FOUND);
    assert_eq!(get("/nothing").0, StatusCode::NOT_FOUND);
}
