//! `ucma-ha export csharp --out DIR`: the tables as C# sources for .NET and Mono
//! (CONTRACT section 7).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::export::csharp;

/// Arguments of `ucma-ha export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[command(subcommand)]
    pub format: ExportFormat,
}

/// The export formats.
#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// C# 7 sources: the .NET enums, event-args classes, a table-driven simulator per
    /// machine and a vector runner; in DIR, `mcs @runner.rsp -out:runner.exe` builds the
    /// runner and `mono runner.exe TRACE...` replays trace files (exit 0, 1 or 2 as
    /// `replay`). See docs/dotnet.md.
    Csharp(CsharpArgs),
}

/// Arguments of `ucma-ha export csharp`.
#[derive(Debug, Args)]
pub struct CsharpArgs {
    /// Write the sources and response files into this directory (created if missing;
    /// files of the same names are replaced).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs the export; exit 1 when a file cannot be written or a table does not fit C#.
pub fn run(args: &ExportArgs) -> u8 {
    match &args.format {
        ExportFormat::Csharp(args) => match csharp::write(&args.out) {
            Ok(written) => {
                println!(
                    "wrote {} file(s) to {}; there, `mcs @{} -out:runner.exe` builds the runner",
                    written.len(),
                    args.out.display(),
                    csharp::RUNNER_RSP
                );
                super::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                super::FAILED
            }
        },
    }
}
