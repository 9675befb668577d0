//! `ucma-ha replay FILE...`: replays trace files against the model (CONTRACT section 4).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::catalog::{self, Fired};
use crate::replay::{Divergence, ReplayError, Replayer};
use crate::report::{error_report, replay_report, InputError, Options, ReplayReport};
use crate::trace::{open, read_file, read_steps};

/// Arguments of `ucma-ha replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Trace files (JSON, CONTRACT section 4); `-` reads standard input.
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

/// How one trace file went.
pub(crate) enum Outcome {
    /// Every step matched.
    Matched {
        /// The file's name in messages.
        name: String,
        /// How many steps it has.
        steps: usize,
    },
    /// A step diverged (the steps after it were still checked).
    Diverged(Box<Divergence>),
    /// The file is not a usable trace: why, with its position.
    Bad(InputError),
}

/// Reads one trace file step by step and replays each step as it is read, so memory
/// stays bounded by one step however long the trace; `on_fired` sees the rows each step
/// fires. A bad file is not reported here: the caller prints or reports its error.
pub(crate) fn replay_file(file: &std::path::Path, on_fired: &mut dyn FnMut(&[Fired])) -> Outcome {
    let (name, reader) = match open(file) {
        Ok(opened) => opened,
        Err(error) => return Outcome::Bad(InputError::from(&error)),
    };
    let mut replayer = Replayer::default();
    let mut refused: Option<ReplayError> = None;
    let read = read_steps(
        Some(&name),
        reader,
        &catalog::model,
        &mut |model, index, step| {
            if refused.is_none() {
                let before = replayer.steps();
                match replayer.step(model, index, &step) {
                    Ok(fired) if replayer.steps() > before => on_fired(&fired),
                    Ok(_) => {}
                    Err(error) => refused = Some(error),
                }
            }
        },
    );
    match (read, refused) {
        (Err(error), _) => Outcome::Bad(InputError::from(&error)),
        (Ok(_), Some(error)) => Outcome::Bad(match error {
            ReplayError::Invalid(mut error) => {
                error.file = Some(name);
                InputError::from(&*error)
            }
            other => InputError {
                message: format!("{name}: {other}"),
                line: None,
                column: None,
                path: String::new(),
            },
        }),
        (Ok(header), None) => match replayer.finish() {
            None => Outcome::Matched {
                name,
                steps: header.steps,
            },
            Some(mut divergence) => {
                divergence.file = Some(name);
                Outcome::Diverged(divergence)
            }
        },
    }
}

/// Replays every file; exit 0 when all match, 1 on a divergence, 2 on a bad file (bad
/// input wins over a divergence when both occur).
pub fn run(args: &ReplayArgs) -> u8 {
    if args.format == Format::Json {
        return run_json(args);
    }
    let mut code = super::SUCCESS;
    for file in &args.files {
        match replay_file(file, &mut |_| {}) {
            Outcome::Matched { name, steps } => outln!("{name}: ok ({steps} steps)"),
            Outcome::Diverged(divergence) => {
                outln!("{divergence}");
                code = code.max(super::FAILED);
            }
            Outcome::Bad(error) => {
                errln!("error: {}", error.message);
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
            crate::report::Outcome::Ok => code,
            crate::report::Outcome::Diverged => code.max(super::FAILED),
            crate::report::Outcome::Invalid => super::BAD_INPUT,
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
