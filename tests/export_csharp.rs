//! `ucma-ha export csharp` (docs/CONTRACT.md section 7): the export is deterministic and names
//! every machine, state and stimulus of the tables it is generated from; the response
//! file lists every source. Compiling and running it under Mono is CI's job
//! (`.ci/run`, step "C# export under Mono").

use ucma_ha::catalog::MACHINES;
use ucma_ha::export::csharp::{expected_names, generate, LIBRARY_RSP, RUNNER_RSP};

#[test]
fn export_is_deterministic() {
    let first = generate().expect("export");
    let second = generate().expect("export");
    assert_eq!(first, second);
    let mut names: Vec<&str> = first.iter().map(|file| file.name.as_str()).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "file names are unique");
}

#[test]
fn export_names_every_machine_state_and_stimulus() {
    let files = generate().expect("export");
    let machines = expected_names();
    assert_eq!(machines.len(), MACHINES.len());
    for (id, names) in machines {
        let class: String = id
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let file = files
            .iter()
            .find(|file| file.name == format!("{class}.cs"))
            .unwrap_or_else(|| panic!("no file for `{id}`"));
        assert!(file
            .text
            .contains(&format!("public const string Id = \"{id}\";")));
        assert!(file
            .text
            .contains(&format!("public sealed class {class}Simulator")));
        for name in names {
            assert!(
                file.text.contains(&format!(".{name}")),
                "{}: `{name}` is missing",
                file.name
            );
        }
    }
}

/// Every row of every table appears once, with its clause IDs (the simulators are the
/// tables, row for row).
#[test]
fn every_row_is_exported_with_its_clauses() {
    let files = generate().expect("export");
    for id in MACHINES {
        let rows = ucma_ha::coverage::rows_of(id).expect("a machine");
        let file = files
            .iter()
            .find(|file| {
                file.text
                    .contains(&format!("public const string Id = \"{id}\";"))
            })
            .expect("the machine's file");
        let exported: Vec<&str> = file
            .text
            .lines()
            .filter(|line| line.trim_start().starts_with("/* "))
            .collect();
        assert_eq!(exported.len(), rows.len(), "{id}");
        for (index, line) in exported.iter().enumerate() {
            assert!(line.contains(&format!("/* {index:>3} */")), "{id}: {line}");
        }
    }
}

#[test]
fn response_files_list_every_source() {
    let files = generate().expect("export");
    let sources: Vec<&str> = files
        .iter()
        .map(|file| file.name.as_str())
        .filter(|name| name.ends_with(".cs"))
        .collect();
    for rsp in [RUNNER_RSP, LIBRARY_RSP] {
        let text = &files
            .iter()
            .find(|file| file.name == rsp)
            .expect("response file")
            .text;
        let listed: Vec<&str> = text.lines().filter(|l| l.ends_with(".cs")).collect();
        assert_eq!(listed, sources, "{rsp}");
        assert!(text.contains("-warnaserror+"));
    }
}

/// The composed system is exported as its reachable graph: every system stimulus, every
/// component, and as many states as the model reaches (docs/CONTRACT.md section 2).
#[test]
fn system_is_exported_with_every_stimulus_and_component() {
    use fsm::Symbol;
    use ucma_ha::system::{System, SystemConfig};

    let files = generate().expect("export");
    let file = files
        .iter()
        .find(|file| file.name == "ComposedSystem.cs")
        .expect("ComposedSystem.cs");
    for stimulus in System::stimuli() {
        assert!(
            file.text
                .contains(&format!("        {} = ", stimulus.name())),
            "{stimulus}"
        );
    }
    let system = System::new(SystemConfig::default()).expect("system");
    for name in system.state_names(system.initial()) {
        assert!(file.text.contains(&format!("\"{}\"", name.component)));
    }
    let explored = ucma_ha::vectors::generate(
        "system",
        &[serde_json::Value::Null],
        &ucma_ha::vectors::Options::default(),
    )
    .expect("explore");
    assert!(explored.coverage.complete);
    assert!(file.text.contains(&format!(
        "configuration <see cref=\"Config\"/>: {} states",
        explored.coverage.states
    )));
    // Another configuration is another graph; a bad one is refused.
    let other = ucma_ha::export::csharp::generate_with(
        &serde_json::json!({"endpoint": "application", "remote_views": 2}),
    )
    .expect("export");
    let other = other
        .iter()
        .find(|file| file.name == "ComposedSystem.cs")
        .expect("ComposedSystem.cs");
    assert!(other.text.contains("remote_presence[1]"));
    assert_ne!(other.text, file.text);
    assert!(
        ucma_ha::export::csharp::generate_with(&serde_json::json!({"remote_views": "two"}))
            .is_err()
    );
}

/// The command writes the files `generate` makes; a bad `--system-config` is bad input
/// (exit 2) and writes nothing.
#[test]
fn command_writes_the_files_and_refuses_a_bad_system_config() {
    use std::process::Command;

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("export_csharp");
    let _ = std::fs::remove_dir_all(&dir);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let out = dir.join("cs");
    let written = run(&["export", "csharp", "--out", &out.display().to_string()]);
    assert_eq!(written.status.code(), Some(0));
    for file in generate().expect("export") {
        let text = std::fs::read_to_string(out.join(&file.name)).expect("written");
        assert_eq!(text, file.text, "{}", file.name);
    }
    let bad = dir.join("bad");
    for config in [
        "[1]",
        "{\"remote_views\": \"two\"}",
        "{\"views\": 1}",
        "not json",
    ] {
        let refused = run(&[
            "export",
            "csharp",
            "--out",
            &bad.display().to_string(),
            "--system-config",
            config,
        ]);
        assert_eq!(refused.status.code(), Some(2), "{config}");
        assert!(String::from_utf8_lossy(&refused.stderr).starts_with("error: "));
        assert!(!bad.exists(), "{config}: nothing is written");
    }
}
