//! `--format json` of `check`, `coverage` and `vectors --coverage` (docs/CONTRACT.md section 6):
//! each command prints one JSON document with `format_version`, whose content agrees with
//! the text output and with the files it was given.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_json")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// Runs `ucma-ha ARGS`: exit code and stdout.
fn run(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8(output.stdout).expect("utf-8"),
    )
}

/// Runs `ucma-ha ARGS` and parses its stdout as one JSON document.
fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout) = run(args);
    let document: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("not one JSON document ({error}): {stdout}"));
    assert_eq!(document["format_version"], 1, "{document}");
    (code, document)
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

#[test]
fn check_json_has_a_verdict_per_property_and_agrees_with_the_summary_line() {
    let (code, report) = json(&["check", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(report["passed"], true);
    let tables = report["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), ucma_ha::catalog::MACHINES.len());
    assert!(tables.iter().all(|t| t["errors"] == Value::Array(vec![])));
    assert!(tables.iter().any(|t| t["machine"] == "registration"));
    let configurations = report["configurations"].as_array().expect("configurations");
    assert_eq!(configurations.len(), 1);
    let config = &configurations[0];
    assert_eq!(config["completeness"], "complete");
    assert_eq!(config["config"]["remote_views"], 1);
    assert!(config["states"].as_u64().expect("a count") > 100);
    let properties = config["properties"].as_array().expect("properties");
    assert_eq!(
        properties.len(),
        ucma_ha::system::properties::PROPERTIES.len()
    );
    for property in properties {
        assert_eq!(property["verdict"], "held", "{property}");
        assert!(["safety", "liveness"].contains(&property["kind"].as_str().expect("kind")));
        assert!(!strings(&property["clauses"]).is_empty(), "{property}");
        assert!(property.get("counterexample").is_none());
    }
    let names: Vec<&str> = properties
        .iter()
        .map(|p| p["name"].as_str().expect("a name"))
        .collect();
    assert!(
        names.contains(&"no_publish_in_waiting_for_retry"),
        "{names:?}"
    );
    assert_eq!(report["verdicts"]["held"], properties.len());
    // The text output of the same check ends with the same counts.
    let (code, text) = run(&["check"]);
    assert_eq!(code, 0);
    assert_eq!(
        text.lines().last(),
        Some(
            format!(
                "{n} tables: {n} ok; {p} properties: {p} held",
                n = tables.len(),
                p = properties.len()
            )
            .as_str()
        )
    );
}

#[test]
fn check_json_of_a_cut_search_fails_with_no_held_verdict() {
    let (code, report) = json(&["check", "--format", "json", "--max-states", "50"]);
    assert_eq!(code, 1);
    assert_eq!(report["passed"], false);
    let config = &report["configurations"][0];
    assert_eq!(config["completeness"], "state_limit");
    assert!(config["states"].as_u64().expect("a count") <= 50);
    let verdicts: Vec<&str> = config["properties"]
        .as_array()
        .expect("properties")
        .iter()
        .map(|p| p["verdict"].as_str().expect("a verdict"))
        .collect();
    assert!(!verdicts.contains(&"held"), "{verdicts:?}");
    assert!(verdicts.contains(&"unknown"), "{verdicts:?}");
    assert_eq!(report["verdicts"]["unknown"], verdicts.len());
}

#[test]
fn check_json_tables_only_has_no_configuration() {
    let (code, report) = json(&["check", "--format", "json", "--tables-only"]);
    assert_eq!(code, 0);
    assert_eq!(report["configurations"], Value::Array(vec![]));
    let rows: u64 = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["rows"].as_u64().expect("rows"))
        .sum();
    assert!(rows > 100);
}

#[test]
fn coverage_json_reports_each_file_and_the_rows_fired_and_never_fired() {
    let dir = dir("coverage");
    let example = dir.join("example.json");
    std::fs::write(&example, ucma_ha::trace::EXAMPLE).expect("writes");
    let diverges = dir.join("diverges.json");
    std::fs::write(
        &diverges,
        r#"{"machine": "registration", "steps": [{"on": "BeginRegister"},
            {"on": "RegisterOk", "expect": {"state": "Unregistered"}}, {"on": "BeginUnregister"}]}"#,
    )
    .expect("writes");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"machine\": \"registration\",\n \"steps\": [}").expect("writes");
    let files = [&example, &diverges, &broken].map(|p| p.display().to_string());
    let (code, report) = json(&[
        "coverage", "--format", "json", &files[0], &files[1], &files[2],
    ]);
    assert_eq!(code, 2);
    let results: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["result"].as_str().expect("a result"))
        .collect();
    assert_eq!(results, ["ok", "diverged", "invalid"]);
    assert_eq!(report["files"][1]["divergence"]["step"], 1);
    assert_eq!(report["files"][1]["divergence"]["on"], "RegisterOk");
    assert_eq!(report["files"][2]["error"]["line"], 2);
    assert_eq!(report["files"][2]["error"]["column"], 12);
    // The example's four steps and the divergent trace's two count; the broken file not.
    assert_eq!(report["traces"], 2);
    assert_eq!(report["steps"], 6);
    let machines = report["machines"].as_array().expect("machines");
    assert_eq!(machines.len(), 1);
    let registration = &machines[0];
    assert_eq!(registration["machine"], "registration");
    let rows = registration["rows"].as_u64().expect("rows");
    let fired = registration["fired"].as_array().expect("fired").len() as u64;
    let never = registration["never"].as_array().expect("never");
    assert_eq!(fired, 4, "{registration}");
    assert_eq!(fired + never.len() as u64, rows);
    assert!(never.iter().all(|row| row["clauses"].is_array()));
    // The text output counts the same rows.
    let (_, text) = run(&["coverage", "--summary", &files[0], &files[1]]);
    let line: Vec<&str> = text
        .lines()
        .find(|line| line.starts_with("registration "))
        .expect("a line for registration")
        .split_whitespace()
        .collect();
    assert_eq!(
        line[1..4],
        [fired.to_string(), "/".into(), rows.to_string()]
    );
}

#[test]
fn vectors_coverage_json_counts_the_files_written() {
    let dir = dir("vectors");
    let out = dir.join("registration");
    let out_text = out.display().to_string();
    let (code, report) = json(&[
        "vectors",
        "registration",
        "--out",
        &out_text,
        "--coverage",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(report["machine"], "registration");
    assert_eq!(report["complete"], true);
    assert_eq!(report["out"], out_text.as_str());
    let written = std::fs::read_dir(&out)
        .expect("the directory")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(report["vectors"], written);
    let machine = &report["machines"][0];
    assert_eq!(machine["machine"], "registration");
    assert_eq!(machine["covered"], machine["total"]);
    assert!(report["edges_covered"].as_u64() <= report["edges_total"].as_u64());
    // --format asks how --coverage is printed: alone it is a usage error.
    let (code, _) = run(&["vectors", "registration", "--format", "json"]);
    assert_eq!(code, 2);
}

#[test]
fn tables_and_graph_json_carry_their_format_version() {
    let (code, stdout) = run(&["tables"]);
    assert_eq!(code, 0);
    let tables: Value = serde_json::from_str(&stdout).expect("JSON");
    let tables = tables.as_array().expect("an array of tables");
    assert_eq!(tables.len(), ucma_ha::catalog::MACHINES.len());
    for table in tables {
        assert_eq!(table["format_version"], 1, "{}", table["machine"]);
        assert!(!table["rows"].as_array().expect("rows").is_empty());
    }
    for machine in ["registration", "system"] {
        let (code, graph) = json(&["graph", machine, "--format", "json"]);
        assert_eq!(code, 0);
        assert_eq!(graph["name"], machine);
        assert!(!graph["nodes"].as_array().expect("nodes").is_empty());
    }
}

#[test]
fn vectors_off_a_terminal_write_no_progress_and_quiet_is_accepted() {
    // The system's vectors take long enough that progress lines used to appear.
    let out = dir("progress").join("system");
    let out = out.display().to_string();
    for quiet in [false, true] {
        let mut args = vec!["vectors", "system", "--out", &out, "--replace"];
        if quiet {
            args.push("--quiet");
        }
        let output = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
            .args(&args)
            .output()
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&output.stderr), "");
        assert!(String::from_utf8_lossy(&output.stdout).starts_with("wrote "));
    }
}
