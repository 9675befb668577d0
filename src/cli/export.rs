//! `ucma-ha export csharp --out DIR`: the tables as C# sources for .NET and Mono;
//! `ucma-ha export promela`: the composed system as a Promela model for SPIN (docs/CONTRACT.md
//! section 7).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::export::csharp;
use crate::system::{System, SystemConfig};

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
    /// A Promela model of the composed system for SPIN, generated from the same tables and
    /// wiring the checker uses. `spin -a model.pml && gcc -O2 -DBFS -DNOCLAIM -DNOREDUCE
    /// -DSAFETY -o pan pan.c && ./pan -m100000000` stores as many states as `ucma-ha check`
    /// counts with the same configuration and symmetry; `spin -DLIVENESS -a` adds the LTL
    /// formula `recovery_after_outage` (`./pan -a -N recovery_after_outage`). See
    /// docs/SPIN.md.
    Promela(PromelaArgs),
}

/// Arguments of `ucma-ha export promela`.
#[derive(Debug, Args)]
pub struct PromelaArgs {
    /// The system configuration as a JSON object, e.g.
    /// `{"endpoint": "application", "remote_views": 2}` (default: the defaults).
    #[arg(long = "config", value_name = "JSON", value_parser = parse_config)]
    pub config: Option<SystemConfig>,
    /// Leave the remote views unsorted (compare with `check --no-symmetry`).
    #[arg(long = "no-symmetry")]
    pub no_symmetry: bool,
}

/// Reads `--config` with the rules every command shares (`crate::trace::config`).
fn parse_config(text: &str) -> Result<SystemConfig, String> {
    crate::trace::config::model(crate::system::ID, text)?;
    let object = crate::trace::config::from_arg(text)?;
    System::config_from_json(&serde_json::Value::Object(object)).map_err(|e| e.to_string())
}

/// Writes the model to standard output (a closed pipe ends it quietly, another write
/// error is exit 2, as every command's output); exit 2 for a configuration that cannot
/// be built.
fn promela(args: &PromelaArgs) -> u8 {
    let config = args.config.unwrap_or_default();
    match crate::export::promela::export(config, !args.no_symmetry) {
        Ok(model) => {
            out!("{model}");
            super::SUCCESS
        }
        Err(error) => {
            errln!("error: {error}");
            super::BAD_INPUT
        }
    }
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
/// C#) and when `--out` or a file in it cannot be written, with a message naming it.
pub fn run(args: &ExportArgs) -> u8 {
    match &args.format {
        ExportFormat::Csharp(args) => {
            // The one config reader (`crate::trace::config`), named after this option.
            let config = match &args.system_config {
                None => serde_json::Value::Null,
                Some(text) => match crate::trace::config::model(crate::system::ID, text)
                    .and_then(|_| crate::trace::config::from_arg(text))
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
        ExportFormat::Promela(args) => promela(args),
    }
}

fn write(args: &CsharpArgs, config: &serde_json::Value) -> u8 {
    if let Err(message) = crate::files::create_dir("--out", &args.out) {
        errln!("error: {message}");
        return super::BAD_INPUT;
    }
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
        Err(error) => {
            errln!("error: {error}");
            super::BAD_INPUT
        }
    }
}
