//! `ucma-ha docs`: regenerates `docs/`, or with `--check` reports whether it is stale.

use std::path::PathBuf;

use clap::Args;

use crate::docs;

/// Arguments of `ucma-ha docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Do not write: exit 1 when any generated file in `docs/` is missing or differs.
    #[arg(long)]
    pub check: bool,
    /// The repository root: `docs/` is written there and its Rust sources are scanned
    /// for tests (TRACEABILITY.md).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Generates (or checks) `docs/`; exit 1 when `--check` finds it stale, 2 when the root
/// is not the repository or graphviz is missing.
pub fn run(args: &DocsArgs) -> u8 {
    if !args.root.join("Cargo.toml").is_file() {
        errln!(
            "error: {} is not the repository root (no Cargo.toml); run from the root or pass --root",
            args.root.display()
        );
        return super::BAD_INPUT;
    }
    let folder = args.root.join("docs");
    // A folder that cannot be written is refused before graphviz runs.
    if !args.check {
        if let Err(message) = crate::files::create_dir("", &folder) {
            errln!("error: {message}");
            return super::BAD_INPUT;
        }
    }
    let files = match docs::generate(&args.root) {
        Ok(files) => files,
        Err(error) => {
            errln!("error: {error}");
            return super::BAD_INPUT;
        }
    };
    if args.check {
        match docs::stale(&folder, &files) {
            Ok(stale) if stale.is_empty() => {
                outln!("docs/ is up to date ({} generated files)", files.len());
                super::SUCCESS
            }
            Ok(stale) => {
                for line in &stale {
                    errln!("docs/{line}");
                }
                errln!("docs/ is stale: run `cargo run -- docs` and commit the result");
                super::FAILED
            }
            Err(error) => {
                errln!("error: {error}");
                super::BAD_INPUT
            }
        }
    } else {
        match docs::write(&folder, &files) {
            Ok(written) => {
                for name in &written {
                    outln!("wrote docs/{name}");
                }
                outln!(
                    "docs/: {} generated files, {} changed",
                    files.len(),
                    written.len()
                );
                super::SUCCESS
            }
            Err(error) => {
                errln!("error: {error}");
                super::BAD_INPUT
            }
        }
    }
}
