//! The `ucma-ha` command line; see `ucma-ha --help`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    ucma_ha::cli::main()
}
