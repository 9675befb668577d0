//! Hostile input and bounded resources, end to end: every command on a closed pipe, bad
//! configs and traces, vectors' limits and output directory. Each test checks the exit
//! code, the stream and the message of one rule.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ucma-ha");

fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

fn ucma_ha(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    child.wait_with_output().expect("the binary ends")
}

/// Runs with standard output a pipe whose reading end is closed before the command
/// starts, so its first write fails with a broken pipe.
fn closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(BIN)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code, not a signal")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes a trace file and replays it.
fn replay_text(test: &str, text: &[u8]) -> (Output, String) {
    let file = dir(test).join("trace.json");
    std::fs::write(&file, text).expect("writes");
    let name = file.display().to_string();
    (ucma_ha(&["replay", &name]), name)
}

// 1. A closed standard output ends every command quietly with exit 0.

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_exit_0() {
    let trace = dir("closed_pipe").join("t.json");
    std::fs::write(&trace, ucma_ha::trace::EXAMPLE).expect("writes");
    let trace = trace.display().to_string();
    for args in [
        &["tables"][..],
        &["check", "--tables-only"],
        &["check"],
        &["graph", "system"],
        &["graph", "registration", "--format", "mermaid"],
        &["replay", &trace],
        &["coverage", &trace],
        &["vectors", "registration", "--coverage"],
    ] {
        let output = closed_stdout(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

// 7. A byte order mark at the start of a trace is accepted.

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut text = b"\xef\xbb\xbf".to_vec();
    text.extend_from_slice(ucma_ha::trace::EXAMPLE.as_bytes());
    let (output, name) = replay_text("bom", &text);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{name}: ok (4 steps)\n"));
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let (output, name) = replay_text(
        "bom_column",
        b"\xef\xbb\xbf{\"machine\": \"registraton\", \"steps\": []}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {name}:1:13: unknown machine `registraton` (did you mean `registration`?)\n"
        )
    );
}

// 8. A key given twice is refused with its position, exit 2.

#[test]
fn a_duplicate_top_level_key_is_refused_with_its_position() {
    let (output, name) = replay_text(
        "dup_machine",
        b"{\"machine\": \"registration\",\n \"machine\": \"registration\", \"steps\": []}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: {name}:2:2: duplicate key `machine`: each key may appear once\n")
    );
}

#[test]
fn a_duplicate_key_in_a_step_is_refused_with_its_position() {
    let (output, name) = replay_text(
        "dup_on",
        b"{\"machine\": \"registration\", \"steps\": [\n  {\"on\": \"BeginRegister\", \"on\": \"RegisterOk\"}]}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: {name}:2:27: duplicate key `on`: each key may appear once\n")
    );
}

#[test]
fn a_duplicate_event_field_is_refused_with_its_position() {
    let (output, name) = replay_text(
        "dup_field",
        b"{\"machine\": \"registration\", \"steps\": [{\"on\": \"BeginRegister\", \"expect\": {\"emits\": [\n {\"event\": \"RegistrationStateChanged\", \"State\": \"Registering\", \"State\": \"Registered\"}]}}]}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: {name}:2:64: duplicate key `State`: each key may appear once\n")
    );
}

#[test]
fn a_duplicate_config_key_is_refused() {
    let output = ucma_ha(&[
        "graph",
        "system",
        "--config",
        r#"{"remote_views": 1, "remote_views": 2}"#,
    ]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "error: --config:1:21: duplicate key `remote_views`: each key may appear once\n"
    );
}

// 9. One config reader: the same rules for check, graph and vectors.

#[test]
fn every_command_refuses_a_config_that_is_not_an_object() {
    let expected = |found: &str| {
        format!(
            "--config must be a JSON object such as {{\"remote_views\": 1}}, not {found} \
             (leave it out for the defaults)"
        )
    };
    for (text, found) in [("[]", "an array"), ("null", "null"), ("1", "a number")] {
        for args in [
            &["check", "--tables-only", "--config", text][..],
            &["graph", "system", "--config", text],
            &["vectors", "system", "--coverage", "--config", text],
        ] {
            let output = ucma_ha(args);
            assert_eq!(code(&output), 2, "{args:?}");
            assert!(
                stderr(&output).contains(&expected(found)),
                "{args:?}: {}",
                stderr(&output)
            );
        }
    }
}

#[test]
fn every_command_reports_a_bad_config_value_in_the_same_words() {
    let message = "--config: `remote_views` must be a whole number, 0 or more, not -1";
    for args in [
        &[
            "check",
            "--tables-only",
            "--config",
            r#"{"remote_views": -1}"#,
        ][..],
        &["graph", "system", "--config", r#"{"remote_views": -1}"#],
        &[
            "vectors",
            "system",
            "--coverage",
            "--config",
            r#"{"remote_views": -1}"#,
        ],
    ] {
        let output = ucma_ha(args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

// 10. Messages in the user's words.

#[test]
fn messages_name_no_rust_types() {
    for config in [
        r#"{"remote_views": "x"}"#,
        r#"{"remote_views": 1.5}"#,
        r#"{"remote_views": 99999999999999999999}"#,
        r#"{"endpoint": 3}"#,
        r#"{"endpoint": "robot"}"#,
    ] {
        let output = ucma_ha(&["graph", "system", "--config", config]);
        assert_eq!(code(&output), 2, "{config}");
        let message = stderr(&output);
        for rust in [
            "usize",
            "u64",
            "struct",
            "SystemConfig",
            "variant",
            "bad config: bad config",
        ] {
            assert!(!message.contains(rust), "{config}: {message}");
        }
    }
}

#[test]
fn a_long_name_is_cut_with_an_ellipsis() {
    let long = "A".repeat(1_000_000);
    let text = format!(r#"{{"machine": "registration", "steps": [{{"on": "{long}"}}]}}"#);
    let (output, name) = replay_text("long_name", text.as_bytes());
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {name}:1:46: unknown stimulus `{}...` for `registration`\n",
            "A".repeat(64)
        )
    );
}

#[test]
fn tables_system_points_to_graph_system() {
    let output = ucma_ha(&["tables", "system"]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: `system` has no table of its own: it is composed of the machines' tables \
         (`ucma-ha tables` prints them all); for its reachable graph use `ucma-ha graph system`\n"
    );
}

// 11. `-` reads standard input.

#[test]
fn replay_dash_reads_standard_input() {
    let output = with_stdin(&["replay", "-"], ucma_ha::trace::EXAMPLE.as_bytes());
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "<stdin>: ok (4 steps)\n");
}

#[test]
fn coverage_dash_reads_standard_input() {
    let output = with_stdin(
        &["coverage", "--summary", "-"],
        ucma_ha::trace::EXAMPLE.as_bytes(),
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("1 trace(s), 4 step(s)\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_bad_trace_on_standard_input_is_located() {
    let output = with_stdin(
        &["replay", "-"],
        b"{\"machine\": \"registration\",\n \"steps\": [}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "error: <stdin>:2:12: invalid JSON: expected value\n"
    );
}

// 6. Steps are streamed: a divergence early in a long trace is still found, and a bad
// step after it still makes the file bad input.

#[test]
fn a_bad_step_after_a_divergence_is_still_bad_input() {
    let (output, name) = replay_text(
        "late_bad_step",
        b"{\"machine\": \"registration\", \"steps\": [\n {\"on\": \"BeginRegister\", \"expect\": {\"state\": \"Registered\"}},\n {\"on\": \"Nope\"}]}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: {name}:3:9: unknown stimulus `Nope` for `registration`\n")
    );
}

#[test]
fn a_config_after_the_steps_that_changes_them_is_refused() {
    let (output, name) = replay_text(
        "late_config",
        b"{\"machine\": \"registration\", \"steps\": [], \"config\": {\"refresh_on_connection_drop\": false}}",
    );
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {name}:1:42: `config` comes after `steps` and changes the defaults the \
             steps were read with: put `config` before `steps`\n"
        )
    );
}

// 2-5. vectors: limits, incomplete covers, output directory.

#[test]
fn an_incomplete_cover_exits_1_and_names_what_was_written() {
    let out = dir("incomplete");
    let name = out.display().to_string();
    let output = ucma_ha(&[
        "vectors",
        "registration",
        "--out",
        &name,
        "--max-states",
        "1",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let written = std::fs::read_to_string(out.join(".ucma-ha-vectors")).expect("a manifest");
    let count = written.lines().count();
    assert!(count > 0);
    assert_eq!(
        stderr(&output),
        format!(
            "error: the cover is incomplete: the state limit (--max-states or --max-memory) was \
             reached; the {count} vector(s) written to {name} (listed in {name}/.ucma-ha-vectors) \
             cover part of it; raise the limit, or pass --partial to accept a partial cover\n"
        )
    );
}

#[test]
fn partial_accepts_an_incomplete_cover_with_a_warning() {
    let output = ucma_ha(&[
        "vectors",
        "registration",
        "--coverage",
        "--max-states",
        "1",
        "--partial",
    ]);
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).starts_with("warning: the cover is incomplete"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_state_limit_beyond_the_memory_budget_is_refused_up_front() {
    let out = dir("too_large");
    let name = out.join("v").display().to_string();
    let output = ucma_ha(&[
        "vectors",
        "system",
        "--out",
        &name,
        "--max-states",
        "100000000",
        "--max-memory",
        "64",
    ]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with("error: --max-states 100000000 would take about"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("more than the 64 MiB budget"));
    assert!(!Path::new(&name).exists(), "nothing is written");
}

#[test]
fn the_vector_limit_stops_with_exit_1() {
    let output = ucma_ha(&[
        "vectors",
        "system",
        "--config",
        r#"{"remote_views": 8}"#,
        "--coverage",
        "--max-vectors",
        "100",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the limit of 100 vectors (--max-vectors) was reached"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn out_onto_a_file_is_bad_input_naming_the_path() {
    let file = dir("onto_file").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: --out {name}: exists and is not a directory\n")
    );
}

#[test]
fn an_unwritable_out_is_bad_input_naming_the_path() {
    let file = dir("unwritable").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.join("below").display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn a_non_empty_out_is_refused_without_replace() {
    let out = dir("non_empty");
    std::fs::write(out.join("notes.txt"), "mine").expect("writes");
    let name = out.display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {name} is not empty: pass --replace to remove the vectors a previous run \
             wrote there (those listed in .ucma-ha-vectors), or choose an empty directory\n"
        )
    );
}

#[test]
fn replace_removes_only_what_the_tool_wrote() {
    let out = dir("replace");
    let name = out.display().to_string();
    let sweep = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&sweep), 0);
    let before = std::fs::read_dir(&out).expect("a dir").count();
    std::fs::write(out.join("notes.txt"), "mine").expect("writes");
    let one = ucma_ha(&[
        "vectors",
        "registration",
        "--out",
        &name,
        "--replace",
        "--config",
        r#"{"refresh_on_connection_drop": false}"#,
    ]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let manifest = std::fs::read_to_string(out.join(".ucma-ha-vectors")).expect("a manifest");
    let mut listed: Vec<String> = manifest.lines().map(str::to_owned).collect();
    listed.push(".ucma-ha-vectors".into());
    listed.push("notes.txt".into());
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(&out)
        .expect("a dir")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    present.sort();
    assert_eq!(
        present, listed,
        "stale vectors of the sweep are gone, notes.txt stays"
    );
    assert!(present.len() < before + 1);
}

// Long arguments, missing files, and every command that writes files.

/// A path below a regular file: no one, not even root, can create it.
fn below_a_file(test: &str) -> String {
    let file = dir(test).join("a-file");
    std::fs::write(&file, "x").expect("writes");
    file.join("below").display().to_string()
}

#[test]
fn a_long_argument_is_quoted_cut_short_with_the_reason_and_position() {
    let long = format!("{{{}", "x".repeat(100_000));
    let cut = format!("'{{{}...'", "x".repeat(63));
    for args in [
        &["check", "--tables-only", "--config", &long][..],
        &["export", "promela", "--config", &long],
        &["graph", "system", "--config", &long],
    ] {
        let output = ucma_ha(args);
        assert_eq!(code(&output), 2, "{:?}", &args[..2]);
        let message = stderr(&output);
        assert!(
            message.len() < 400,
            "{:?}: {} bytes",
            &args[..2],
            message.len()
        );
        assert!(
            message.contains("--config:1:2: invalid JSON: key must be a string"),
            "{:?}: {message}",
            &args[..2]
        );
        if args[0] != "graph" {
            // clap quotes the value it refused; `graph` reads its own and quotes nothing.
            assert!(message.contains(&cut), "{:?}: {message}", &args[..2]);
        }
    }
    let output = ucma_ha(&["check", "--max-states", &"9".repeat(100_000)]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).len() < 400, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("'{}...'", "9".repeat(64))),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_long_unknown_argument_is_quoted_cut_short() {
    let output = ucma_ha(&["check", &format!("--{}", "x".repeat(100_000))]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).len() < 400, "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with(&format!(
            "error: unexpected argument '--{}...'",
            "x".repeat(62)
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_file_is_named_in_plain_words_by_every_reader() {
    let missing = dir("missing").join("no-such.json");
    let name = missing.display().to_string();
    for args in [&["replay", &name][..], &["coverage", &name]] {
        let output = ucma_ha(args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert_eq!(
            stderr(&output),
            format!("error: {name}: no such file or directory\n"),
            "{args:?}"
        );
    }
}

#[test]
fn a_directory_given_as_a_trace_is_named_without_a_position() {
    let folder = dir("folder_trace");
    let name = folder.display().to_string();
    let output = ucma_ha(&["replay", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: {name}: it is a directory, not a file\n")
    );
}

#[test]
fn export_csharp_into_an_unwritable_out_is_bad_input_naming_the_path() {
    let name = below_a_file("csharp_unwritable");
    let output = ucma_ha(&["export", "csharp", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
    let file = dir("csharp_onto_file").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.display().to_string();
    let output = ucma_ha(&["export", "csharp", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: --out {name}: exists and is not a directory\n")
    );
}

#[test]
fn export_csharp_onto_a_directory_in_the_way_of_a_file_is_bad_input_naming_it() {
    let out = dir("csharp_file_blocked");
    // A directory where the export writes its runner's source.
    std::fs::create_dir(out.join("Runner.cs")).expect("a dir");
    let output = ucma_ha(&["export", "csharp", "--out", &out.display().to_string()]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: cannot write {}: it is a directory, not a file\n",
            out.join("Runner.cs").display()
        )
    );
}

#[test]
fn an_unwritable_counterexamples_directory_is_refused_before_the_search() {
    let name = below_a_file("counterexamples");
    let output = ucma_ha(&["check", "--counterexamples", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "", "nothing runs");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn man_into_an_unwritable_out_is_bad_input_naming_the_path() {
    let name = below_a_file("man");
    let output = ucma_ha(&["man", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn docs_into_a_root_whose_docs_is_a_file_is_bad_input_naming_it() {
    let root = dir("docs_root");
    std::fs::write(root.join("Cargo.toml"), "").expect("writes");
    std::fs::write(root.join("docs"), "x").expect("writes");
    let output = ucma_ha(&["docs", "--root", &root.display().to_string()]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: exists and is not a directory\n",
            root.join("docs").display()
        )
    );
}

#[test]
fn a_closed_pipe_ends_every_writing_command_quietly_with_its_files_written() {
    let out = dir("closed_pipe_writers");
    let path = |name: &str| out.join(name).display().to_string();
    let cases: [(Vec<String>, &str); 6] = [
        (
            vec!["export".into(), "csharp".into(), "--out".into(), path("cs")],
            "cs/Runner.cs",
        ),
        (
            vec![
                "vectors".into(),
                "registration".into(),
                "--out".into(),
                path("v"),
            ],
            "v/.ucma-ha-vectors",
        ),
        (
            vec!["man".into(), "--out".into(), path("man")],
            "man/ucma-ha.1",
        ),
        (vec!["export".into(), "promela".into()], ""),
        (vec!["man".into()], ""),
        (vec!["completions".into(), "bash".into()], ""),
    ];
    for (args, written) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = closed_stdout(&args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
        if !written.is_empty() {
            assert!(out.join(written).is_file(), "{args:?}: {written}");
        }
    }
}
