//! Tests of the replay report.

use super::*;
use crate::system::System;

const OUTAGE: &str = r#"{"machine": "system", "config": {"remote_views": 2}, "steps": [
    {"on": "BeginEstablish"}, {"on": "SubscribePresence"}, {"on": "PoolFails"},
    {"on": "PublishPresence", "expect": {"rejected": "InvalidOperationException"}}]}"#;

#[test]
fn outage_report_names_components_clauses_and_the_rejecting_row_reg_2_pres_2() {
    let report = trace_report(None, OUTAGE.as_bytes(), Options { next: true });
    assert_eq!(report.result, TraceOutcome::Ok, "{report:?}");
    assert_eq!(report.steps.len(), 4);
    let outage = &report.steps[2];
    assert_eq!(
        outage.after.states.get("local_owner_presence"),
        Some("WaitingForRetry")
    );
    assert_eq!(
        outage.after.table_states.get("registration"),
        Some("RegisteredUserServicesUnavailable")
    );
    let changed = outage
        .events
        .iter()
        .map(|event| (event, serde_json::to_value(event).unwrap_or_default()))
        .find(|(_, json)| json["event"] == "RegistrationStateChanged")
        .expect("the registration reports the outage");
    assert_eq!(changed.0.component, "registration");
    assert_eq!(changed.1["Reason"], "None");
    assert_eq!(changed.1["UserServicesState"], "Unavailable");
    assert_eq!(changed.1["component"], "registration");
    assert!(
        changed.0.clauses.contains(&"REG-2"),
        "{:?}",
        changed.0.clauses
    );
    assert!(!outage.wiring.is_empty());
    let publish = report.steps[3].rejected.as_ref().expect("rejected");
    assert_eq!(publish.exception, "InvalidOperationException");
    assert_eq!(publish.component.as_deref(), Some("local_owner_presence"));
    assert!(
        publish.reason.ends_with("in WaitingForRetry"),
        "{}",
        publish.reason
    );
    let next = report.next.expect("asked for");
    assert_eq!(next.len(), System::stimuli().len());
    let publish = next
        .iter()
        .find(|n| n.on == "PublishPresence")
        .expect("listed");
    assert!(publish.rejected.is_some() && !publish.changes);
    let recovers = next
        .iter()
        .find(|n| n.on == "PoolRecovers")
        .expect("listed");
    assert!(recovers.rejected.is_none() && recovers.changes);
    let fails = next.iter().find(|n| n.on == "PoolFails").expect("listed");
    assert!(fails.rejected.is_none() && !fails.changes);
    assert_eq!(report.components[0].machine, "world");
    assert!(report
        .components
        .iter()
        .any(|c| c.component == "remote_presence[1]" && c.machine == "remote_presence"));
}

#[test]
fn a_precondition_rejection_names_the_system_row_af_pub() {
    let text = r#"{"machine": "system", "steps": [{"on": "PublishPresence"}]}"#;
    let report = trace_report(None, text.as_bytes(), Options::default());
    let rejected = report.steps[0].rejected.as_ref().expect("rejected");
    assert_eq!(rejected.component, None);
    assert!(rejected.clauses.contains(&"AF-PUB"));
    assert!(rejected.reason.contains("PublishPresence"));
    assert!(report.next.is_none());
}

#[test]
fn a_divergent_trace_stops_at_the_divergence() {
    let text = r#"{"machine": "registration", "steps": [
        {"on": "BeginRegister"}, {"on": "RegisterOk", "expect": {"state": "Unregistered"}},
        {"on": "BeginUnregister"}]}"#;
    let report = trace_report(Some("t.json"), text.as_bytes(), Options::default());
    assert_eq!(report.result, TraceOutcome::Diverged);
    assert_eq!(report.steps.len(), 2);
    assert!(report.steps[0].matched && !report.steps[1].matched);
    let divergence = report.divergence.expect("diverged");
    assert_eq!(divergence.step, 1);
    assert_eq!(divergence.path, ["BeginRegister"]);
    assert!(divergence
        .message
        .starts_with("t.json: `registration` diverges at steps[1]"));
}

#[test]
fn an_invalid_trace_has_the_cli_message() {
    let report = trace_report(
        Some("t.json"),
        b"{\"machine\": \"registration\",\n \"steps\": [}",
        Options::default(),
    );
    assert_eq!(report.result, TraceOutcome::Invalid);
    let error = report.error.expect("invalid");
    assert_eq!((error.line, error.column), (Some(2), Some(12)));
    assert!(
        error.message.starts_with("t.json:2:12: invalid JSON"),
        "{}",
        error.message
    );
}

#[test]
fn a_report_is_a_versioned_json_document() {
    let report = ReplayReport::new(vec![trace_report(
        None,
        trace::EXAMPLE.as_bytes(),
        Options::default(),
    )]);
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(json["format_version"], 1);
    assert_eq!(
        json["traces"][0]["steps"][0]["states"]["registration"],
        "Registering"
    );
    assert_eq!(
        json["traces"][0]["steps"][2]["events"][0]["event"],
        "RegistrationStateChanged"
    );
    assert_eq!(
        json["traces"][0]["steps"][2]["events"][0]["component"],
        "registration"
    );
    assert!(json["traces"][0]["steps"][0]["rejected"].is_null());
}
