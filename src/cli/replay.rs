//! `ucma-ha replay FILE...`: replays trace files against the model (CONTRACT section 4).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::replay::{replay, ReplayError};
use crate::report::{error_report, replay_report, Options, Outcome, ReplayReport};
use crate::trace::read_file;

/// Arguments of `ucma-ha replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Trace files (JSON, CONTRACT section 4).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// `text` (a line per file, the divergence in words) or `json` (one report document
    /// on stdout, `schemas/replay-report.schema.json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The output format of `replay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable lines.
    Text,
    /// The JSON replay report (`format_version` 1).
    Json,
}

/// Replays every file; exit 0 when all match, 1 on a divergence, 2 on a bad file (bad
/// input wins over a divergence when both occur).
pub fn run(args: &ReplayArgs) -> u8 {
    if args.format == Format::Json {
        return run_json(args);
    }
    let mut code = super::SUCCESS;
    for file in &args.files {
        let trace = match read_file(file) {
            Ok(trace) => trace,
            Err(error) => {
                eprintln!("error: {error}");
                code = super::BAD_INPUT;
                continue;
            }
        };
        match replay(&trace) {
            Ok(report) => println!("{}: ok ({} steps)", file.display(), report.steps),
            Err(ReplayError::Diverged(mut divergence)) => {
                divergence.file = Some(file.display().to_string());
                println!("{divergence}");
                code = code.max(super::FAILED);
            }
            Err(ReplayError::Invalid(error)) => {
                eprintln!("error: {}: {error}", file.display());
                code = super::BAD_INPUT;
            }
        }
    }
    code
}

/// `--format json`: one report document for all files, the same exit codes.
fn run_json(args: &ReplayArgs) -> u8 {
    let mut code = super::SUCCESS;
    let mut traces = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let name = file.display().to_string();
        let report = match read_file(file) {
            Ok(trace) => replay_report(Some(&name), &trace, Options::default()),
            Err(error) => error_report(Some(&name), &error),
        };
        code = match report.result {
            Outcome::Ok => code,
            Outcome::Diverged => code.max(super::FAILED),
            Outcome::Invalid => super::BAD_INPUT,
        };
        traces.push(report);
    }
    let document = ReplayReport::new(traces);
    let mut out = std::io::stdout().lock();
    // A closed stdout (`| head`) ends the command quietly.
    let _ = serde_json::to_writer_pretty(&mut out, &document)
        .and_then(|()| writeln!(out).map_err(serde_json::Error::io));
    code
}
