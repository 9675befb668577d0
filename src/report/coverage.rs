//! The JSON reports of `ucma-ha coverage --format json`
//! (`schemas/coverage-report.schema.json`) and `ucma-ha vectors --coverage --format json`
//! (`schemas/vectors-coverage.schema.json`).
//!
//! # Examples
//! ```
//! use ucma_ha::coverage::Tally;
//! use ucma_ha::report::{CoverageReport, FileResult};
//! use ucma_ha::report::TraceOutcome;
//! let trace = ucma_ha::trace::parse(None, ucma_ha::trace::EXAMPLE.as_bytes())?;
//! let replayed = ucma_ha::replay::replay(&trace).expect("matches");
//! let mut tally = Tally::default();
//! tally.add(replayed.fired_rows());
//! let file = FileResult { file: "example.json".into(), result: TraceOutcome::Ok, steps: 4,
//!                         divergence: None, error: None };
//! let report = CoverageReport::new(vec![file], &tally);
//! assert_eq!(report.machines[0].machine, "registration");
//! assert_eq!(report.machines[0].fired.len(), 4);
//! # Ok::<(), ucma_ha::trace::TraceError>(())
//! ```

use serde::Serialize;

use super::{InputError, TraceOutcome, FORMAT_VERSION};
use crate::coverage::{RowInfo, Tally};
use crate::vectors::VectorCoverage;

/// The whole `coverage` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// How many traces counted (every file but the invalid ones).
    pub traces: usize,
    /// How many steps ran in them.
    pub steps: usize,
    /// One entry per file, in the order given.
    pub files: Vec<FileResult>,
    /// Per machine that fired at least one row, in id order.
    pub machines: Vec<MachineRows>,
}

impl CoverageReport {
    /// The report of these files and the rows they fired.
    pub fn new(files: Vec<FileResult>, tally: &Tally) -> Self {
        let counted = files.iter().filter(|f| f.result != TraceOutcome::Invalid);
        CoverageReport {
            format_version: FORMAT_VERSION,
            traces: counted.clone().count(),
            steps: counted.map(|f| f.steps).sum(),
            machines: tally
                .machines()
                .into_iter()
                .map(|machine| MachineRows {
                    machine: machine.machine,
                    rows: machine.rows.len(),
                    percent: machine.percent(),
                    never: machine.missing().into_iter().cloned().collect(),
                    fired: machine.fired.into_iter().collect(),
                })
                .collect(),
            files,
        }
    }
}

/// How one file went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileResult {
    /// The file (`<stdin>` for `-`).
    pub file: String,
    /// `ok`, `diverged` (rows count up to the divergence) or `invalid` (none count).
    pub result: TraceOutcome,
    /// How many steps ran (the divergent one included).
    pub steps: usize,
    /// Where it diverged, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divergence: Option<DivergenceAt>,
    /// Why it is not a usable trace, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<InputError>,
}

/// Where a trace diverged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DivergenceAt {
    /// The step's index.
    pub step: usize,
    /// Its stimulus.
    pub on: String,
    /// The divergence as the text output prints it.
    pub message: String,
}

/// The rows of one machine the traces fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineRows {
    /// The machine id.
    pub machine: &'static str,
    /// How many rows its table has.
    pub rows: usize,
    /// The indices of the rows that fired.
    pub fired: Vec<usize>,
    /// The share of rows fired, in percent.
    pub percent: f64,
    /// The rows that never fired.
    pub never: Vec<RowInfo>,
}

/// The `vectors --coverage` report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorsCoverage {
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The model the vectors are for.
    pub machine: String,
    /// How many parameter sets were swept.
    pub parameter_sets: usize,
    /// How many vectors were generated (and written, with `--out`).
    pub vectors: usize,
    /// The directory written to, when there is one.
    pub out: Option<String>,
    /// Whether every parameter set was explored completely and every vector handed
    /// over.
    pub complete: bool,
    /// Why the walk stopped early, when it did.
    pub stopped: Option<String>,
    /// Rows per machine (components of a composed model included), in id order.
    pub machines: Vec<VectorRows>,
    /// Edges on the vectors' paths.
    pub edges_covered: usize,
    /// Edges explored, over all parameter sets.
    pub edges_total: usize,
    /// States explored, over all parameter sets.
    pub states: usize,
}

/// How much of one machine's table the vectors cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorRows {
    /// The machine id.
    pub machine: &'static str,
    /// Rows the vectors fire.
    pub covered: usize,
    /// Rows that fire somewhere in the explored graphs.
    pub reachable: usize,
    /// Rows in the table.
    pub total: usize,
}

impl VectorsCoverage {
    /// The report of a generation's coverage.
    pub fn new(
        machine: &str,
        parameter_sets: usize,
        vectors: usize,
        out: Option<String>,
        coverage: &VectorCoverage,
    ) -> Self {
        VectorsCoverage {
            format_version: FORMAT_VERSION,
            machine: machine.to_owned(),
            parameter_sets,
            vectors,
            out,
            complete: coverage.complete,
            stopped: coverage.stopped.clone(),
            machines: coverage
                .machines
                .iter()
                .map(|row| VectorRows {
                    machine: row.machine,
                    covered: row.covered,
                    reachable: row.reachable,
                    total: row.total,
                })
                .collect(),
            edges_covered: coverage.edges_covered,
            edges_total: coverage.edges_total,
            states: coverage.states,
        }
    }
}
