//! `ucma-ha vectors MACHINE --out DIR`: transition-covering trace files (CONTRACT
//! sections 4 and 5).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use fsm::Machine;
use serde_json::Value;

use crate::catalog::{all_parameters, for_each_machine, MachineVisitor, MACHINES};
use crate::vectors::{generate, Cover, Options};
use crate::Event;

/// What to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoverArg {
    /// Every row that fires in the reachable graph (default for single machines).
    Rows,
    /// Every edge of the reachable graph (default for composed models such as `system`).
    Edges,
}

/// Arguments of `ucma-ha vectors`.
#[derive(Debug, Args)]
pub struct VectorsArgs {
    /// The machine id (`registration`, ..., `system`).
    pub machine: String,
    /// Write the trace files into this directory (created if missing).
    #[arg(long, required_unless_present = "coverage")]
    pub out: Option<PathBuf>,
    /// Only this parameter set, as a JSON object (absent keys take their defaults).
    /// Without it, a single machine's vectors sweep every parameter set, so rows guarded
    /// for other settings are covered too; a composed model uses its defaults.
    #[arg(long)]
    pub config: Option<String>,
    /// Cover rows or edges.
    #[arg(long, value_enum)]
    pub cover: Option<CoverArg>,
    /// Explore at most this many states per parameter set.
    #[arg(long, default_value_t = 100_000)]
    pub max_states: usize,
    /// Print how many rows and edges the vectors cover.
    #[arg(long)]
    pub coverage: bool,
}

struct Sweep;

impl MachineVisitor for Sweep {
    type Output = (&'static str, Vec<Value>);
    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        (M::ID, all_parameters::<M>())
    }
}

/// Generates and writes the vectors; exit 2 on a bad machine or config, 1 when a file
/// cannot be written.
pub fn run(args: &VectorsArgs) -> u8 {
    let configs = match configs(args) {
        Ok(configs) => configs,
        Err(message) => {
            errln!("error: {message}");
            return super::BAD_INPUT;
        }
    };
    let single = MACHINES.contains(&args.machine.as_str());
    let options = Options {
        cover: match args.cover {
            Some(CoverArg::Rows) => Cover::Rows,
            Some(CoverArg::Edges) => Cover::Edges,
            None if single => Cover::Rows,
            None => Cover::Edges,
        },
        max_states: args.max_states,
    };
    let generated = match generate(&args.machine, &configs, &options) {
        Ok(generated) => generated,
        Err(error) => {
            errln!("error: {error}");
            return super::BAD_INPUT;
        }
    };
    if let Some(out) = &args.out {
        if let Err(error) = std::fs::create_dir_all(out) {
            errln!("error: {}: {error}", out.display());
            return super::FAILED;
        }
        for vector in &generated.vectors {
            let path = out.join(&vector.name);
            if let Err(error) = std::fs::write(&path, vector.trace.to_json_lines()) {
                errln!("error: {}: {error}", path.display());
                return super::FAILED;
            }
        }
        outln!(
            "wrote {} vector(s) for `{}` ({} parameter set(s)) to {}",
            generated.vectors.len(),
            args.machine,
            configs.len(),
            out.display()
        );
    }
    if args.coverage {
        outln!("{}", generated.coverage);
    }
    super::SUCCESS
}

/// The parameter sets to generate for.
fn configs(args: &VectorsArgs) -> Result<Vec<Value>, String> {
    match &args.config {
        Some(text) => {
            crate::config::model(&args.machine, text)?;
            Ok(vec![Value::Object(crate::config::from_arg(text)?)])
        }
        None => Ok(for_each_machine(&mut Sweep)
            .into_iter()
            .find(|(id, _)| *id == args.machine)
            .map_or_else(|| vec![Value::Null], |(_, configs)| configs)),
    }
}
