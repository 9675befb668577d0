//! The trace and config readers on hostile text: a byte order mark is accepted without
//! shifting columns, a key given twice is refused with its position, `-` reads standard
//! input, and steps are streamed (a divergence early in a long trace is found, a bad
//! step after it still makes the file bad input).

use super::*;

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
