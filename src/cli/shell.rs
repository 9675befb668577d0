//! `ucma-ha completions SHELL` and `ucma-ha man`: shell completions (clap_complete) and a
//! roff man page (clap_mangen), both generated from the command line's own definition so
//! they cannot drift from it.

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

/// Prints the man page (roff, section 1) on stdout, or writes every page into a folder;
/// exit 2, naming the folder, when it cannot be written.
pub fn man(args: &ManArgs) -> u8 {
    if let Some(dir) = &args.out {
        if let Err(message) = crate::files::create_dir("--out", dir) {
            errln!("error: {message}");
            return BAD_INPUT;
        }
        return match clap_mangen::generate_to(Cli::command(), dir) {
            Ok(()) => SUCCESS,
            Err(error) => {
                errln!("error: {}", crate::files::cannot_write(dir, &error));
                BAD_INPUT
            }
        };
    }
    let mut out = Vec::new();
    if let Err(error) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        errln!("error: cannot render the man page: {error}");
        return FAILED;
    }
    print(&out)
}

/// Writes to stdout through [`super::out`]: a closed pipe (`ucma-ha man | head`) ends
/// the run quietly, another write error is exit 2.
fn print(bytes: &[u8]) -> u8 {
    out!("{}", String::from_utf8_lossy(bytes));
    SUCCESS
}
