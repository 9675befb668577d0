//! `ucma-ha replay`, `vectors` and `coverage` end to end: exit codes and messages
//! (docs/CONTRACT.md sections 4 and 5).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_replay")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

fn ucma_ha(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Writes `text` to a file and replays it: (exit code, stdout, stderr, file name).
fn replay_text(test: &str, text: &str) -> (i32, String, String, String) {
    let file = dir(test).join("trace.json");
    std::fs::write(&file, text).expect("writes");
    let name = file.display().to_string();
    let output = ucma_ha(&["replay", &name]);
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        name,
    )
}

/// Asserts exit 2 and exactly this one error line.
fn assert_bad_input(test: &str, text: &str, message: &str) {
    let (code, stdout, stderr, file) = replay_text(test, text);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stderr, format!("error: {file}:{message}\n"));
}

#[test]
fn a_matching_trace_exits_0_contract_4() {
    let (code, stdout, stderr, file) = replay_text("matching", ucma_ha::trace::EXAMPLE);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, format!("{file}: ok (4 steps)\n"));
}

#[test]
fn a_divergence_exits_1_with_step_stimulus_expected_actual_and_path_reg_2() {
    let (code, stdout, _, file) = replay_text(
        "divergence",
        r#"{"machine": "registration", "steps": [
  {"on": "BeginRegister"}, {"on": "RegisterOk"},
  {"on": "RegistrarNotifyUserServicesUnavailable",
   "expect": {"emits": [{"event": "RegistrationStateChanged", "Reason": "UserServicesUnavailable"}]}},
  {"on": "RefreshOk"}]}"#,
    );
    assert_eq!(code, 1);
    let expected = format!(
        "{file}: `registration` diverges at steps[2] (`RegistrarNotifyUserServicesUnavailable`)\n  \
         path so far: BeginRegister, RegisterOk\n  \
         expected: {{\"emits\":[{{\"event\":\"RegistrationStateChanged\",\"Reason\":\"UserServicesUnavailable\"}}]}}\n  \
         actual:   {{\"state\":\"Registered\",\"table_states\":{{\"registration\":\"RegisteredUserServicesUnavailable\"}},\"rejected\":null,\
         \"emits\":[{{\"event\":\"RegistrationStateChanged\",\"PreviousState\":\"Registered\",\"State\":\"Registered\",\"Reason\":\"None\",\
         \"MessageData\":true,\"UserServicesState\":\"Unavailable\"}}]}}\n  \
         - emits[0]: expected {{\"event\":\"RegistrationStateChanged\",\"Reason\":\"UserServicesUnavailable\"}}, found \
         {{\"event\":\"RegistrationStateChanged\",\"PreviousState\":\"Registered\",\"State\":\"Registered\",\"Reason\":\"None\",\
         \"MessageData\":true,\"UserServicesState\":\"Unavailable\"}} (differs in Reason)\n"
    );
    assert_eq!(stdout, expected);
}

#[test]
fn invalid_json_exits_2_with_position() {
    assert_bad_input(
        "invalid_json",
        "{\"machine\": \"registration\",\n \"steps\": [}\n",
        "2:12: invalid JSON: expected value",
    );
}

#[test]
fn unknown_machine_exits_2_with_suggestion() {
    assert_bad_input(
        "unknown_machine",
        r#"{"machine": "registraton", "steps": []}"#,
        "1:13: unknown machine `registraton` (did you mean `registration`?)",
    );
}

#[test]
fn unknown_stimulus_exits_2_with_suggestion() {
    assert_bad_input(
        "unknown_stimulus",
        "{\"machine\": \"registration\",\n \"steps\": [\n  {\"on\": \"BeginRegister\"},\n  {\"on\": \"RegisterOK\"}]}",
        "4:10: unknown stimulus `RegisterOK` for `registration` (did you mean `RegisterOk`?)",
    );
}

#[test]
fn unknown_state_exits_2_with_suggestion() {
    assert_bad_input(
        "unknown_state",
        "{\"machine\": \"sip_subscription\", \"steps\": [\n  {\"on\": \"BeginSubscribe\", \"expect\": {\"state\": \"Subscribng\"}}]}",
        "2:48: unknown state `Subscribng` for `sip_subscription` (did you mean `Subscribing`?)",
    );
}

#[test]
fn unknown_field_exits_2_with_suggestion() {
    assert_bad_input(
        "unknown_field",
        "{\"machine\": \"registration\", \"steps\": [\n  {\"on\": \"BeginRegister\", \"expect\": {\"stat\": \"Registering\"}}]}",
        "2:38: unknown field `stat` in an expectation (did you mean `state`?)",
    );
}

#[test]
fn unknown_config_key_exits_2_with_suggestion() {
    assert_bad_input(
        "unknown_config_key",
        r#"{"machine": "registration", "config": {"refresh_on_conection_drop": false}, "steps": []}"#,
        "1:40: unknown config key `refresh_on_conection_drop` for `registration` (did you mean `refresh_on_connection_drop`?)",
    );
}

#[test]
fn wrong_type_exits_2() {
    assert_bad_input(
        "wrong_type_step",
        "{\"machine\": \"registration\", \"steps\": [\n  {\"on\": 7}]}",
        "2:10: wrong type for `steps[0].on`: expected a string, found a number",
    );
    assert_bad_input(
        "wrong_type_config",
        r#"{"machine": "local_endpoint", "config": {"kind": true}, "steps": []}"#,
        "1:50: wrong type for `config.kind`: expected a string, found a boolean",
    );
}

#[test]
fn bad_input_wins_over_a_divergence_and_every_file_is_reported() {
    let dir = dir("mixed");
    let good = dir.join("good.json");
    let diverging = dir.join("diverging.json");
    let bad = dir.join("bad.json");
    std::fs::write(
        &good,
        r#"{"machine": "remote_presence", "steps": [{"on": "BeginSubscribe"}]}"#,
    )
    .expect("writes");
    std::fs::write(
        &diverging,
        r#"{"machine": "remote_presence", "steps": [{"on": "BeginSubscribe", "expect": {"rejected": "InvalidOperationException"}}]}"#,
    )
    .expect("writes");
    std::fs::write(&bad, "[]").expect("writes");
    let names: Vec<String> = [&good, &diverging, &bad]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let output = ucma_ha(&["replay", &names[0], &names[1]]);
    assert_eq!(output.status.code(), Some(1));
    let output = ucma_ha(&["replay", &names[0], &names[1], &names[2]]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("{}: ok (1 steps)", names[0])));
    assert!(stdout.contains(&format!(
        "{}: `remote_presence` diverges at steps[0]",
        names[1]
    )));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: {}:1:1: wrong type for `(document)`: expected an object, found an array\n",
            names[2]
        )
    );
}

#[test]
fn vectors_written_by_the_cli_replay_with_full_coverage_contract_5() {
    let out = dir("vectors");
    let out_name = out.display().to_string();
    let output = ucma_ha(&[
        "vectors",
        "local_endpoint",
        "--out",
        &out_name,
        "--coverage",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let files: Vec<String> = std::fs::read_dir(&out)
        .expect("the directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(stdout.starts_with(&format!(
        "wrote {} vector(s) for `local_endpoint` (2 parameter set(s))",
        files.len()
    )));
    let rows = ucma_ha::coverage::rows_of("local_endpoint")
        .expect("a machine")
        .len();
    assert!(
        stdout.contains(&format!("rows {rows:>4} / {rows:<4} reachable")),
        "{stdout}"
    );
    let mut args = vec!["replay"];
    args.extend(files.iter().map(String::as_str));
    let replayed = ucma_ha(&args);
    assert_eq!(replayed.status.code(), Some(0));
    args[0] = "coverage";
    args.push("--summary");
    let covered = ucma_ha(&args);
    assert_eq!(covered.status.code(), Some(0));
    let report = String::from_utf8_lossy(&covered.stdout);
    assert!(
        report.contains(&format!("{rows:>4} / {rows:<4} rows (100.0%)")),
        "{report}"
    );
}

#[test]
fn one_config_covers_only_its_rows_af_drop() {
    let output = ucma_ha(&[
        "vectors",
        "registration",
        "--config",
        r#"{"refresh_on_connection_drop": false}"#,
        "--coverage",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows = ucma_ha::coverage::rows_of("registration").expect("a machine");
    let guarded_elsewhere = rows
        .iter()
        .filter(|row| row.when == Some("refresh_on_connection_drop"))
        .count();
    assert!(guarded_elsewhere > 0);
    let reachable = rows.len() - guarded_elsewhere;
    assert!(
        stdout.contains(&format!(
            "rows {reachable:>4} / {reachable:<4} reachable, {:>4} in the table",
            rows.len()
        )),
        "{stdout}"
    );
    let output = ucma_ha(&["vectors", "registration", "--config", "[1]", "--coverage"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --config must be a JSON object such as {\"remote_views\": 1}, not an array \
         (leave it out for the defaults)\n"
    );
}

#[test]
fn coverage_lists_the_rows_never_fired() {
    let (_, _, _, file) = replay_text(
        "coverage",
        r#"{"machine": "registration", "steps": [{"on": "BeginRegister"}]}"#,
    );
    let output = ucma_ha(&["coverage", &file]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows = ucma_ha::coverage::rows_of("registration").expect("a machine");
    assert!(
        stdout.contains(&format!("1 / {:<4} rows", rows.len())),
        "{stdout}"
    );
    assert!(!stdout.contains("never  row   0:"));
    assert!(stdout.contains("never  row   1: Unregistered --RegisterOk--> (ignore) [AF-RS]"));
    assert_eq!(stdout.matches("never  row").count(), rows.len() - 1);
}

#[test]
fn vectors_for_an_unknown_machine_exit_2() {
    let output = ucma_ha(&["vectors", "sip_subscriptoin", "--coverage"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: unknown machine `sip_subscriptoin` (did you mean `sip_subscription`?)\n"
    );
}

/// `replay --format json`: one report document for all files, with the exit code of the
/// worst outcome (docs/CONTRACT.md section 6).
#[test]
fn replay_format_json_reports_every_file_step_by_step() {
    let folder = dir("format_json");
    let ok = folder.join("ok.json");
    let diverges = folder.join("diverges.json");
    let broken = folder.join("broken.json");
    std::fs::write(&ok, ucma_ha::trace::EXAMPLE).expect("writes");
    std::fs::write(
        &diverges,
        r#"{"machine": "registration", "steps": [{"on": "BeginRegister", "expect": {"state": "Registered"}}]}"#,
    )
    .expect("writes");
    std::fs::write(&broken, "{\"machine\": \"registration\",\n \"steps\": [}\n").expect("writes");
    let names: Vec<String> = [&ok, &diverges, &broken]
        .iter()
        .map(|path| path.display().to_string())
        .collect();

    let output = ucma_ha(&["replay", "--format", "json", &names[0]]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["traces"][0]["result"], "ok");
    assert_eq!(
        report["traces"][0]["steps"].as_array().map(Vec::len),
        Some(4)
    );

    let output = ucma_ha(&["replay", "--format", "json", &names[0], &names[1]]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["traces"][1]["result"], "diverged");
    assert_eq!(report["traces"][1]["divergence"]["step"], 0);

    let output = ucma_ha(&[
        "replay", "--format", "json", &names[0], &names[1], &names[2],
    ]);
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let error = &report["traces"][2]["error"];
    assert_eq!(report["traces"][2]["result"], "invalid");
    assert!(error["message"]
        .as_str()
        .is_some_and(|message| message.starts_with(&format!("{}:2:12: invalid JSON", names[2]))));
    assert_eq!(output.stderr, b"");
}

#[test]
fn an_unknown_format_version_exits_2_at_its_value_and_version_1_is_read() {
    assert_bad_input(
        "format_version",
        "{\"format_version\": 2,\n \"machine\": \"registration\", \"steps\": []}",
        "1:20: unsupported format_version 2: this ucma-ha reads trace files of version 1 \
         (a newer release wrote this file?)",
    );
    let (code, stdout, stderr, file) = replay_text(
        "format_version_1",
        &ucma_ha::trace::EXAMPLE.replacen('{', "{\"format_version\": 1, ", 1),
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, format!("{file}: ok (4 steps)\n"));
}
