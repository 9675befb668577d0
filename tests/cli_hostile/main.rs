//! Hostile input and bounded resources, end to end: every command on a closed pipe, bad
//! configs and traces, vectors' limits and output directory. Each test checks the exit
//! code, the stream and the message of one rule.
//!
//! This file holds the shared helpers (running the binary, on standard input or a
//! closed standard output); the tests are grouped by topic:
//! - `readers`: byte order marks, duplicate keys, `-` for standard input, streamed steps;
//! - `messages`: one config reader, messages in the user's words, long arguments,
//!   missing files;
//! - `vectors`: `vectors`' limits, incomplete covers and output directory;
//! - `writing`: closed pipes and every command that writes files.

mod messages;
mod readers;
mod vectors;
mod writing;

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
