//! `ucma-ha coverage FILE...`: which rows of each machine a set of traces fires, and which
//! it never reaches.

use std::path::PathBuf;

use clap::Args;

use crate::catalog;
use crate::coverage::Tally;
use crate::replay::{run as replay_run, ReplayError};
use crate::trace::read_file;

/// Arguments of `ucma-ha coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Trace files (JSON, CONTRACT section 4).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also list the rows that fired.
    #[arg(long)]
    pub fired: bool,
    /// Only print the counts, not the rows never fired.
    #[arg(long)]
    pub summary: bool,
}

/// Replays the files and prints the coverage; exit 0, or 1 when a trace diverges (its rows
/// are counted up to the divergence), or 2 on a bad file.
pub fn run(args: &CoverageArgs) -> u8 {
    let mut code = super::SUCCESS;
    let mut tally = Tally::default();
    let (mut traces, mut steps) = (0, 0);
    for file in &args.files {
        let trace = match read_file(file) {
            Ok(trace) => trace,
            Err(error) => {
                eprintln!("error: {error}");
                code = super::BAD_INPUT;
                continue;
            }
        };
        let replayed = catalog::model(&trace.machine, &trace.config)
            .map_err(|error| error.to_string())
            .and_then(|model| {
                replay_run(&*model, &trace).map_err(|error| match error {
                    ReplayError::Invalid(error) => error.to_string(),
                    ReplayError::Diverged(divergence) => divergence.to_string(),
                })
            });
        match replayed {
            Ok(replayed) => {
                traces += 1;
                steps += replayed.report.steps;
                tally.add(replayed.report.fired_rows());
                if let Some(divergence) = replayed.divergence {
                    println!(
                        "{}: diverges at steps[{}] (`{}`); rows counted up to there",
                        file.display(),
                        divergence.step,
                        divergence.stimulus
                    );
                    code = code.max(super::FAILED);
                }
            }
            Err(message) => {
                eprintln!("error: {}: {message}", file.display());
                code = super::BAD_INPUT;
            }
        }
    }
    println!("{traces} trace(s), {steps} step(s)");
    for machine in tally.machines() {
        println!("{machine}");
        if args.fired {
            for row in machine
                .rows
                .iter()
                .filter(|r| machine.fired.contains(&r.index))
            {
                println!("    fired  {row}");
            }
        }
        if !args.summary {
            for row in machine.missing() {
                println!("    never  {row}");
            }
        }
    }
    code
}
