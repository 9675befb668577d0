//! `ucma-ha vectors MACHINE --out DIR`: transition-covering trace files (docs/CONTRACT.md
//! sections 4 and 5).
//!
//! Files are written as they are found, each name appended to the manifest
//! [`MANIFEST`] in the directory, so a run that stops early leaves a record of what it
//! wrote. A directory that is not empty is refused unless `--replace` is given; then the
//! files a previous run listed in its manifest are removed first (nothing else is).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use fsm::Machine;
use serde_json::Value;

use super::out::Format;
use crate::catalog::{self, all_parameters, for_each_machine, MachineVisitor, MACHINES};
use crate::report::VectorsCoverage;
use crate::vectors::{
    check_budget, generate_with, Cover, Options, VectorError, WalkProgress, DEFAULT_MAX_MEMORY,
};
use crate::{files, Event};

/// The file in `--out` that lists the vectors written there, one name a line.
pub const MANIFEST: &str = ".ucma-ha-vectors";

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
    /// Write the trace files into this directory (created if missing; refused if not
    /// empty, see `--replace`).
    #[arg(long, required_unless_present = "coverage")]
    pub out: Option<PathBuf>,
    /// Remove the files a previous run wrote into `--out` (those its manifest
    /// `.ucma-ha-vectors` lists) before writing; other files are left alone.
    #[arg(long)]
    pub replace: bool,
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
    /// Write at most this many vectors.
    #[arg(long, default_value_t = 25_000)]
    pub max_vectors: usize,
    /// The memory the explored states may take, in MiB.
    #[arg(long, default_value_t = DEFAULT_MAX_MEMORY >> 20)]
    pub max_memory: usize,
    /// Accept an incomplete cover (a limit was reached) with exit 0 instead of 1.
    #[arg(long)]
    pub partial: bool,
    /// Print how many rows and edges the vectors cover.
    #[arg(long)]
    pub coverage: bool,
    /// No progress display (it is drawn on stderr only when stderr is a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// How `--coverage` is printed: `text` (lines) or `json` (one report document on
    /// stdout, `schemas/vectors-coverage.schema.json`).
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "coverage")]
    pub format: Format,
}

struct Sweep;

impl MachineVisitor for Sweep {
    type Output = (&'static str, Vec<Value>);
    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        (M::ID, all_parameters::<M>())
    }
}

/// Generates the vectors, writing each as it is found. Exit 2 on a bad machine or
/// config, a limit that cannot fit the memory budget, a directory that is not empty, or
/// a file that cannot be written; 1 when the cover is incomplete (a limit was reached)
/// and `--partial` was not given; 0 otherwise.
pub fn run(args: &VectorsArgs) -> u8 {
    let configs = match configs(args) {
        Ok(configs) => configs,
        Err(message) => {
            errln!("error: {message}");
            return super::BAD_INPUT;
        }
    };
    let models = match configs
        .iter()
        .map(|config| catalog::model(&args.machine, config))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(models) => models,
        Err(error) => {
            errln!("error: {error}");
            return super::BAD_INPUT;
        }
    };
    let models: Vec<&dyn catalog::DynModel> = models.iter().map(|model| &**model).collect();
    let single = MACHINES.contains(&args.machine.as_str());
    let options = Options {
        cover: match args.cover {
            Some(CoverArg::Rows) => Cover::Rows,
            Some(CoverArg::Edges) => Cover::Edges,
            None if single => Cover::Rows,
            None => Cover::Edges,
        },
        max_states: args.max_states,
        max_vectors: args.max_vectors,
        max_memory: args.max_memory.saturating_mul(1 << 20),
    };
    if let Err(error) = check_budget(&models, &options) {
        errln!("error: {error}");
        return super::BAD_INPUT;
    }
    let mut writer = match &args.out {
        Some(out) => match Writer::prepare(out, args.replace) {
            Ok(writer) => Some(writer),
            Err(message) => {
                errln!("error: {message}");
                return super::BAD_INPUT;
            }
        },
        None => None,
    };
    let display =
        super::progress::Progress::new(&format!("vectors `{}`", args.machine), args.quiet);
    let sets = configs.len();
    let mut progress = |at: WalkProgress| {
        display.say(&format!(
            "parameter set {} of {sets}, {} states, {} vectors",
            at.config + 1,
            at.states,
            at.vectors
        ));
    };
    let mut written = 0usize;
    let mut sink = |vector: crate::vectors::Vector| {
        written += 1;
        match &mut writer {
            Some(writer) => writer.write(&vector.name, &vector.trace.to_json_lines()),
            None => Ok(()),
        }
    };
    let generated = generate_with(&models, &options, &mut sink, &mut progress);
    display.finish();
    let coverage = match generated {
        Ok(coverage) => coverage,
        Err(VectorError::Sink(message)) => {
            errln!("error: {message}");
            if let Some(out) = &args.out {
                errln!(
                    "note: {} vector(s) were written to {} before that (listed in {})",
                    written.saturating_sub(1),
                    out.display(),
                    out.join(MANIFEST).display()
                );
            }
            return super::BAD_INPUT;
        }
        Err(error) => {
            errln!("error: {error}");
            return super::BAD_INPUT;
        }
    };
    if args.format == Format::Json {
        super::out::json(&VectorsCoverage::new(
            &args.machine,
            configs.len(),
            written,
            args.out.as_ref().map(|out| out.display().to_string()),
            &coverage,
        ));
    } else if let Some(out) = &args.out {
        outln!(
            "wrote {written} vector(s) for `{}` ({} parameter set(s)) to {}",
            args.machine,
            configs.len(),
            out.display()
        );
    }
    if args.coverage && args.format == Format::Text {
        outln!("{coverage}");
    }
    if coverage.complete {
        return super::SUCCESS;
    }
    let why = coverage
        .stopped
        .clone()
        .unwrap_or_else(|| "the state limit (--max-states or --max-memory) was reached".into());
    let wrote = match &args.out {
        Some(out) => format!(
            "; the {written} vector(s) written to {} (listed in {}) cover part of it",
            out.display(),
            out.join(MANIFEST).display()
        ),
        None => String::new(),
    };
    if args.partial {
        errln!("warning: the cover is incomplete: {why}{wrote}");
        super::SUCCESS
    } else {
        errln!(
            "error: the cover is incomplete: {why}{wrote}; raise the limit, or pass \
             --partial to accept a partial cover"
        );
        super::FAILED
    }
}

/// Writes vector files into a directory and lists them in its manifest.
struct Writer {
    out: PathBuf,
    manifest: BufWriter<File>,
}

impl Writer {
    /// Checks and prepares the directory: created if missing; refused if it is not a
    /// directory, or not empty (unless `replace`: then the files of the old manifest go).
    fn prepare(out: &Path, replace: bool) -> Result<Writer, String> {
        files::create_dir("--out", out)?;
        let manifest = out.join(MANIFEST);
        let entries = fs::read_dir(out)
            .map_err(|error| files::cannot_read(out, &error))?
            .count();
        if entries > 0 {
            if !replace {
                return Err(format!(
                    "{} is not empty: pass --replace to remove the vectors a previous run \
                     wrote there (those listed in {MANIFEST}), or choose an empty directory",
                    out.display()
                ));
            }
            if let Ok(listed) = fs::read_to_string(&manifest) {
                for name in listed.lines() {
                    // Only plain names this tool writes: never a path out of the directory.
                    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                        continue;
                    }
                    let path = out.join(name);
                    if path.is_file() {
                        fs::remove_file(&path).map_err(|error| {
                            format!(
                                "cannot remove {}: {}",
                                path.display(),
                                files::reason(&error)
                            )
                        })?;
                    }
                }
            }
        }
        let file =
            File::create(&manifest).map_err(|error| files::cannot_write(&manifest, &error))?;
        Ok(Writer {
            out: out.to_owned(),
            manifest: BufWriter::new(file),
        })
    }

    /// Writes one file and lists it.
    fn write(&mut self, name: &str, text: &str) -> Result<(), String> {
        let path = self.out.join(name);
        fs::write(&path, text).map_err(|error| files::cannot_write(&path, &error))?;
        let manifest = self.out.join(MANIFEST);
        writeln!(self.manifest, "{name}")
            .and_then(|()| self.manifest.flush())
            .map_err(|error| files::cannot_write(&manifest, &error))
    }
}

/// The parameter sets to generate for.
fn configs(args: &VectorsArgs) -> Result<Vec<Value>, String> {
    match &args.config {
        Some(text) => {
            crate::trace::config::model(&args.machine, text)?;
            Ok(vec![Value::Object(crate::trace::config::from_arg(text)?)])
        }
        None => Ok(for_each_machine(&mut Sweep)
            .into_iter()
            .find(|(id, _)| *id == args.machine)
            .map_or_else(|| vec![Value::Null], |(_, configs)| configs)),
    }
}
