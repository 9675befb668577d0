//! Standard output and standard error of the commands.
//!
//! Every command writes through [`stdout`] (via `outln!`/`out!`) and [`stderr`] (via
//! `errln!`) instead of `println!`, which panics when the reader has gone away.
//! When standard output is a closed pipe (`ucma-ha tables | head -1`), the command ends
//! at once, quietly, with exit 0: whoever closed the pipe has read all it wanted, as with
//! other Unix tools. Any other failure to write standard output (a full disk) is reported
//! on standard error with exit 2. A failure to write standard error is ignored: there is
//! nowhere left to report it.

use std::fmt;
use std::io::{self, Write};

/// Writes to standard output; ends the process on a closed pipe (exit 0) or another
/// write error (exit 2, with a message on standard error).
pub fn stdout(args: fmt::Arguments<'_>) {
    let written = io::stdout().lock().write_fmt(args);
    if let Err(error) = written {
        closed(&error);
    }
}

/// Flushes standard output, with [`stdout`]'s handling of errors.
pub fn flush() {
    if let Err(error) = io::stdout().lock().flush() {
        closed(&error);
    }
}

fn closed(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(super::SUCCESS));
    }
    stderr(format_args!(
        "error: cannot write to standard output: {error}\n"
    ));
    std::process::exit(i32::from(super::BAD_INPUT));
}

/// Writes to standard error, ignoring failure.
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// The output format of the commands that report results (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable lines (the default).
    Text,
    /// One JSON document on standard output, with `format_version`.
    Json,
}

/// Writes a report as one pretty-printed JSON document and a newline, with [`stdout`]'s
/// handling of errors.
pub fn json<T: serde::Serialize>(document: &T) {
    match serde_json::to_string_pretty(document) {
        Ok(text) => stdout(format_args!("{text}\n")),
        // The reports hold only strings, numbers and maps with string keys.
        Err(error) => stderr(format_args!("error: cannot write the report: {error}\n")),
    }
}

/// `println!` through [`stdout`].
macro_rules! outln {
    () => { $crate::cli::out::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::out::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` through [`stdout`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::stdout(format_args!($($arg)*)) };
}

/// `eprintln!` through [`stderr`].
macro_rules! errln {
    () => { $crate::cli::out::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::out::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}
