//! The `ucma-ha` command line; see `ucma-ha --help`. The command line and the docs
//! generator are the binary's own modules, not library API: they reach the library by
//! the names imported below.
#![forbid(unsafe_code)]

mod cli;
mod diagrams;
mod docs;

#[cfg(feature = "serve")]
use ucma_ha::serve;
use ucma_ha::{
    catalog, checker, clauses, coverage, events, export, files, invariants, local_endpoint,
    machines, replay, report, system, trace, vectors, Event,
};
#[cfg(test)]
use ucma_ha::{presence, vocabulary, LocalOwnerPresence};

fn main() -> std::process::ExitCode {
    cli::main()
}
