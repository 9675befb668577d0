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
    /// The configuration of the composed `system` to simulate, as a JSON object like a
    /// `system` trace's `config` (absent keys take their defaults).
    #[arg(long)]
    pub system_config: Option<String>,
}

/// Runs the export; exit 2 for a bad `--system-config` (or a table that does not fit
/// C#), 1 when a file cannot be written.
pub fn run(args: &ExportArgs) -> u8 {
    match &args.format {
        ExportFormat::Csharp(args) => {
            // The one config reader (`crate::config`), named after this option.
            let config = match &args.system_config {
                None => serde_json::Value::Null,
                Some(text) => match crate::config::model(crate::system::ID, text)
                    .and_then(|_| crate::config::from_arg(text))
                {
                    Ok(object) => serde_json::Value::Object(object),
                    Err(message) => {
                        errln!(
                            "error: {}",
                            message.replacen("--config", "--system-config", 1)
                        );
                        return super::BAD_INPUT;
                    }
                },
            };
            write(args, &config)
        }
    }
}

fn write(args: &CsharpArgs, config: &serde_json::Value) -> u8 {
    match csharp::write(&args.out, config) {
        Ok(written) => {
            outln!(
                "wrote {} file(s) to {}; there, `mcs @{} -out:runner.exe` builds the runner",
                written.len(),
                args.out.display(),
                csharp::RUNNER_RSP
            );
            super::SUCCESS
        }
        Err(error @ csharp::ExportError::Model { .. }) => {
            errln!("error: {error}");
            super::BAD_INPUT
        }
        Err(error) => {
            errln!("error: {error}");
            super::FAILED
        }
    }
}
