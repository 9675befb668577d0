//! `ucma-ha coverage FILE...`: which rows of each machine a set of traces fires, and which
//! it never reaches.

use std::path::PathBuf;

use clap::Args;

use super::replay::{replay_file, Outcome};
use crate::coverage::Tally;

/// Arguments of `ucma-ha coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Trace files (JSON, CONTRACT section 4); `-` reads standard input.
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
/// are counted up to the divergence), or 2 on a bad file (none of its rows count).
pub fn run(args: &CoverageArgs) -> u8 {
    let mut code = super::SUCCESS;
    let mut tally = Tally::default();
    let (mut traces, mut steps) = (0, 0);
    for file in &args.files {
        let mut this = Tally::default();
        let mut ran = 0;
        let outcome = replay_file(file, &mut |fired| {
            ran += 1;
            this.add(fired);
        });
        match outcome {
            Outcome::Matched { .. } => {}
            Outcome::Diverged(divergence) => {
                outln!(
                    "{}: diverges at steps[{}] (`{}`); rows counted up to there",
                    divergence.file.as_deref().unwrap_or_default(),
                    divergence.step,
                    divergence.stimulus
                );
                code = code.max(super::FAILED);
            }
            Outcome::Bad => {
                code = super::BAD_INPUT;
                continue;
            }
        }
        traces += 1;
        steps += ran;
        tally.merge(this);
    }
    outln!("{traces} trace(s), {steps} step(s)");
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
