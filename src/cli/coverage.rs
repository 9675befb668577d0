//! `ucma-ha coverage FILE...`: which rows of each machine a set of traces fires, and which
//! it never reaches.

use std::path::PathBuf;

use clap::Args;

use super::out::Format;
use super::replay::{replay_file, FileReplay};
use crate::coverage::Tally;
use crate::report::TraceOutcome;
use crate::report::{CoverageReport, DivergenceAt, FileResult};

/// Arguments of `ucma-ha coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Trace files (JSON, docs/CONTRACT.md section 4); `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also list the rows that fired.
    #[arg(long)]
    pub fired: bool,
    /// Only print the counts, not the rows never fired.
    #[arg(long)]
    pub summary: bool,
    /// `text` (lines) or `json` (one report document on stdout, every file's result and
    /// every machine's fired and never-fired rows; `schemas/coverage-report.schema.json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Replays the files and prints the coverage; exit 0, or 1 when a trace diverges (its rows
/// are counted up to the divergence), or 2 on a bad file (none of its rows count).
pub fn run(args: &CoverageArgs) -> u8 {
    let text = args.format == Format::Text;
    let mut code = super::SUCCESS;
    let mut tally = Tally::default();
    let mut files = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let mut this = Tally::default();
        let mut ran = 0;
        let outcome = replay_file(file, &mut |fired| {
            ran += 1;
            this.add(fired);
        });
        let mut result = FileResult {
            file: file.display().to_string(),
            result: TraceOutcome::Ok,
            steps: ran,
            divergence: None,
            error: None,
        };
        match outcome {
            FileReplay::Matched { name, .. } => result.file = name,
            FileReplay::Diverged(divergence) => {
                let name = divergence.file.clone().unwrap_or_default();
                if text {
                    outln!(
                        "{name}: diverges at steps[{}] (`{}`); rows counted up to there",
                        divergence.step,
                        divergence.stimulus
                    );
                }
                result.result = TraceOutcome::Diverged;
                result.divergence = Some(DivergenceAt {
                    step: divergence.step,
                    on: divergence.stimulus.clone(),
                    message: divergence.to_string(),
                });
                result.file = name;
                code = code.max(super::FAILED);
            }
            FileReplay::Bad(error) => {
                if text {
                    errln!("error: {}", error.message);
                }
                result.result = TraceOutcome::Invalid;
                result.steps = 0;
                result.error = Some(error);
                code = super::BAD_INPUT;
                files.push(result);
                continue;
            }
        }
        files.push(result);
        tally.merge(this);
    }
    let report = CoverageReport::new(files, &tally);
    if !text {
        super::out::json(&report);
        return code;
    }
    outln!("{} trace(s), {} step(s)", report.traces, report.steps);
    for machine in tally.machines() {
        outln!("{machine}");
        if args.fired {
            for row in machine
                .rows
                .iter()
                .filter(|r| machine.fired.contains(&r.index))
            {
                outln!("    fired  {row}");
            }
        }
        if !args.summary {
            for row in machine.missing() {
                outln!("    never  {row}");
            }
        }
    }
    code
}
