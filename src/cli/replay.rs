//! `ucma-ha replay FILE...`: replays trace files against the model (CONTRACT section 4).

use std::path::PathBuf;

use clap::Args;

use crate::replay::{replay, ReplayError};
use crate::trace::read_file;

/// Arguments of `ucma-ha replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Trace files (JSON, CONTRACT section 4).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Replays every file; exit 0 when all match, 1 on a divergence, 2 on a bad file (bad
/// input wins over a divergence when both occur).
pub fn run(args: &ReplayArgs) -> u8 {
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
