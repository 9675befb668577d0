//! `ucma-ha graph`: a machine's table, or the reachable `system` graph, as DOT, Mermaid
//! or JSON.

use clap::{Args, ValueEnum};
use fsm::graph;
use serde_json::Value;

use crate::catalog::MACHINES;
use crate::diagrams::machine_diagram;
use crate::trace::config::from_arg;

/// The output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// Mermaid `stateDiagram-v2`.
    Mermaid,
    /// The diagram description as JSON (nodes, edges, labels, clause IDs).
    Json,
}

/// Arguments of `ucma-ha graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// A machine id (`registration`, `local_endpoint`, `sip_subscription`,
    /// `local_owner_presence`, `contact_group_services`, `remote_presence`) or `system`.
    pub machine: String,
    /// The output language.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
    /// Also draw rejected stimuli (dashed self-loops); left out by default.
    #[arg(long)]
    pub with_rejections: bool,
    /// Parameters as a JSON object, e.g. `{"kind": "application"}`: only the rows of that
    /// instance. Without it, every row, guarded ones labelled with their guard. For
    /// `system`, its configuration (e.g. `{"remote_views": 1}`).
    #[arg(long)]
    pub config: Option<String>,
}

/// Prints the diagram; exit 2 for an unknown machine, a bad config, or a `system`
/// configuration too large to draw.
pub fn run(args: &GraphArgs) -> u8 {
    let known = MACHINES.contains(&args.machine.as_str()) || args.machine == crate::system::ID;
    let config: Value = match &args.config {
        None => Value::Null,
        Some(text) => {
            let read = if known {
                crate::trace::config::model(&args.machine, text).and_then(|_| from_arg(text))
            } else {
                from_arg(text)
            };
            match read {
                Ok(object) => Value::Object(object),
                Err(message) => {
                    errln!("error: {message}");
                    return super::BAD_INPUT;
                }
            }
        }
    };
    match machine_diagram(&args.machine, args.with_rejections, &config) {
        Ok(diagram) => {
            let text = match args.format {
                Format::Dot => graph::to_dot(&diagram),
                Format::Mermaid => graph::to_mermaid(&diagram),
                Format::Json => graph::to_json(&diagram),
            };
            out!("{text}");
            super::SUCCESS
        }
        Err(error) => {
            errln!("error: {error}");
            super::BAD_INPUT
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(machine: &str, config: Option<&str>) -> GraphArgs {
        GraphArgs {
            machine: machine.to_owned(),
            format: Format::Json,
            with_rejections: false,
            config: config.map(str::to_owned),
        }
    }

    #[test]
    fn exit_codes_of_graph() {
        assert_eq!(run(&args("registration", None)), crate::cli::SUCCESS);
        assert_eq!(
            run(&args("local_endpoint", Some(r#"{"kind": "application"}"#))),
            crate::cli::SUCCESS
        );
        assert_eq!(run(&args("registraton", None)), crate::cli::BAD_INPUT);
        assert_eq!(
            run(&args("registration", Some("{nope"))),
            crate::cli::BAD_INPUT
        );
        assert_eq!(
            run(&args("local_endpoint", Some(r#"{"kind": "robot"}"#))),
            crate::cli::BAD_INPUT
        );
        assert_eq!(run(&args("system", None)), crate::cli::SUCCESS);
        assert_eq!(
            run(&args("system", Some(r#"{"remote_views": -1}"#))),
            crate::cli::BAD_INPUT
        );
    }
}
