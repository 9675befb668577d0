//! `ucma-ha completions SHELL` and `ucma-ha man`: shell completions (clap_complete) and a
//! roff man page (clap_mangen), both generated from the command line's own definition so
//! they cannot drift from it.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, BAD_INPUT, FAILED, SUCCESS};

/// Arguments of `ucma-ha completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, elvish, fish, powershell or zsh.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `ucma-ha man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `ucma-ha.1` and one page per subcommand (`ucma-ha-check.1`, ...) into this
    /// folder instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints the completion script for a shell on stdout.
pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ucma-ha", &mut out);
    print(&out)
}

/// Prints the man page (roff, section 1) on stdout, or writes every page into a folder.
pub fn man(args: &ManArgs) -> u8 {
    if let Some(dir) = &args.out {
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), dir));
        return match written {
            Ok(()) => SUCCESS,
            Err(error) => {
                eprintln!("error: {}: {error}", dir.display());
                BAD_INPUT
            }
        };
    }
    let mut out = Vec::new();
    if let Err(error) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("error: cannot render the man page: {error}");
        return FAILED;
    }
    print(&out)
}

/// Writes to stdout; a closed pipe (`ucma-ha man | head`) ends the run quietly.
fn print(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write to stdout: {error}");
            BAD_INPUT
        }
    }
}
