//! The `ucma-ha` command line (docs/CONTRACT.md section 5). Each subcommand lives in its own
//! module; exit codes: 0 success, 1 a failed check or replay, 2 bad input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[macro_use]
mod out;

mod check;
mod coverage;
mod docs;
mod export;
mod graph;
mod progress;
mod replay;
#[cfg(feature = "serve")]
mod serve;
mod shell;
mod tables;
mod vectors;

/// Exit code of a successful run.
pub const SUCCESS: u8 = 0;
/// Exit code of a failed check or replay.
pub const FAILED: u8 = 1;
/// Exit code of bad input (also clap's own usage errors).
pub const BAD_INPUT: u8 = 2;

/// Executable specification of UCMA 4.0 high availability and failover.
#[derive(Debug, Parser)]
#[command(name = "ucma-ha", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every machine's table (and, where built, the composed system) exhaustively.
    Check(check::CheckArgs),
    /// Print the transition tables as JSON.
    Tables(tables::TablesArgs),
    /// Replay trace files against the model; report the first divergence.
    Replay(replay::ReplayArgs),
    /// Write trace files that fire every row (or edge) of a machine.
    Vectors(vectors::VectorsArgs),
    /// Report which rows of each machine a set of traces fires and which it never reaches.
    Coverage(coverage::CoverageArgs),
    /// Print a machine's diagram (or the reachable `system` graph) as DOT, Mermaid or JSON.
    Graph(graph::GraphArgs),
    /// Regenerate `docs/` (diagrams, SPEC.md, TRACEABILITY.md); `--check` fails when stale.
    Docs(docs::DocsArgs),
    /// Export for other tools: `export csharp --out DIR` writes C# simulators and a vector
    /// runner for Mono/.NET; `export promela` writes a SPIN model of the composed system.
    Export(export::ExportArgs),
    /// Serve the explorer: a page to click through the system, and its JSON API.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script: `ucma-ha completions bash > ucma-ha.bash`.
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff): `ucma-ha man > ucma-ha.1`.
    Man(shell::ManArgs),
}

/// Parses the process arguments and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => shorten_echo(error).exit(),
    };
    ExitCode::from(run(cli))
}

/// A usage error that quotes the user's argument back (`invalid value '...' for
/// '--config <JSON>'`, an unknown argument) quotes at most
/// [`crate::trace::MAX_NAME`] characters of it, cut with `...`, so that a long
/// argument does not bury the reason; our own parsers' reasons, which follow, carry the
/// position (`--config:1:2: ...`).
fn shorten_echo(mut error: clap::Error) -> clap::Error {
    use crate::trace::shorten;
    use clap::error::{ContextKind, ContextValue};
    let quoted: Vec<(ContextKind, ContextValue)> = error
        .context()
        .filter_map(|(kind, value)| match value {
            ContextValue::String(text) if text.chars().count() > crate::trace::MAX_NAME => {
                Some((kind, ContextValue::String(shorten(text))))
            }
            ContextValue::Strings(texts)
                if texts
                    .iter()
                    .any(|text| text.chars().count() > crate::trace::MAX_NAME) =>
            {
                Some((
                    kind,
                    ContextValue::Strings(texts.iter().map(|text| shorten(text)).collect()),
                ))
            }
            _ => None,
        })
        .collect();
    for (kind, value) in quoted {
        error.insert(kind, value);
    }
    error
}

/// Runs a parsed command line and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Tables(args) => tables::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Vectors(args) => vectors::run(&args),
        Command::Coverage(args) => coverage::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Docs(args) => docs::run(&args),
        Command::Export(args) => export::run(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
    };
    out::flush();
    code
}
