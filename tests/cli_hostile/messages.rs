//! Messages in the user's words: one config reader with the same rules and words for
//! check, graph and vectors; no Rust types in messages; long names and arguments quoted
//! and cut short; missing files and folders named in plain words.

use super::*;

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
