//! The JSON reports the tool prints (`format_version` [`FORMAT_VERSION`]): here the report
//! of a replay, step by step, which `ucma-ha replay --format json` prints and the
//! explorer's `POST /api/replay` answers (`schemas/replay-report.schema.json`,
//! `docs/REPLAY-REPORT.md`); [`CheckReport`], the report of `ucma-ha check --format json`;
//! [`CoverageReport`] and [`VectorsCoverage`], those of `coverage` and `vectors --coverage`.
//!
//! A report holds one [`TraceReport`] per trace. Each replayed step lists the state of
//! every component afterwards, the events raised (each with the component that raised it
//! and the clause IDs of the row that fired), every row that fired, the rejection with its
//! reason, and the step's expectations; the first step whose expectations fail carries
//! the [`DivergenceReport`]. The replay itself, and what counts as a match, is
//! [`crate::replay::run`]'s; this module only describes what the model did at each step.
//!
//! # Examples
//! ```
//! use ucma_ha::report::{trace_report, Options, TraceOutcome};
//! let report = trace_report(None, ucma_ha::trace::EXAMPLE.as_bytes(), Options::default());
//! assert_eq!(report.result, TraceOutcome::Ok);
//! assert_eq!(report.steps[2].after.states.get("registration"), Some("Unregistering"));
//! assert_eq!(report.steps[2].events[0].component, "registration");
//! assert!(report.steps[2].events[0].clauses.contains(&"AF-RS"));
//! ```

mod check;
mod coverage;
mod driver;
#[cfg(test)]
mod tests;
mod types;

use serde_json::Value;

use crate::replay::{self, ReplayError};
use crate::trace::{self, Trace, TraceError};
pub use check::{
    CheckReport, ConfigurationCheck, CounterexampleReport, PropertyCheck, TableCheck, Verdict,
    VerdictCounts,
};
pub use coverage::{
    CoverageReport, DivergenceAt, FileResult, MachineRows, VectorRows, VectorsCoverage,
};
pub use driver::models;
use driver::Driver;
pub use types::*;

/// The version of the report formats (the replay report, [`CheckReport`],
/// [`CoverageReport`] and [`VectorsCoverage`]); raised on a breaking change.
pub const FORMAT_VERSION: u32 = 1;

/// Reads, checks and replays a trace from the bytes of a file.
///
/// # Arguments
/// * `file` - the file's name, for messages (`None` for a request body).
/// * `bytes` - the trace document (docs/CONTRACT.md section 4).
/// * `options` - what to add to the report.
///
/// # Returns
/// The report; a trace that cannot be used gives an `invalid` report with the positioned
/// message [`trace::parse`] gives.
pub fn trace_report(file: Option<&str>, bytes: &[u8], options: Options) -> TraceReport {
    match trace::parse_with(file, bytes, &models) {
        Ok(trace) => replay_report(file, &trace, options),
        Err(error) => invalid(file, None, &error),
    }
}

/// Replays a parsed trace and describes every step.
///
/// # Complexity
/// O(steps x (deliveries + components)), plus one step per stimulus with
/// [`Options::next`].
pub fn replay_report(file: Option<&str>, trace: &Trace, options: Options) -> TraceReport {
    let driver = match Driver::new(trace) {
        Ok(driver) => driver,
        Err(error) => return invalid(file, Some(trace), &error),
    };
    // Whether each step matches, and the first divergence, are the replay's (what
    // `ucma-ha replay` says); a trace that expects nothing (the explorer's clicks) cannot
    // diverge, so that replay is left out and only the one below, which describes each
    // step, runs.
    let expects = trace.steps.iter().any(|step| step.expect.is_some());
    let replayed = if expects {
        match replay::run(driver.model(), trace) {
            Ok(replayed) => Some(replayed),
            Err(ReplayError::Invalid(error)) => return invalid(file, Some(trace), &error),
            Err(ReplayError::Diverged(divergence)) => Some(replay::Replayed {
                report: replay::Report {
                    machine: trace.machine.clone(),
                    steps: divergence.step + 1,
                    fired: Vec::new(),
                },
                divergence: Some(divergence),
            }),
        }
    } else {
        None
    };
    let divergence = replayed.and_then(|replayed| replayed.divergence);
    let ran = divergence
        .as_ref()
        .map_or(trace.steps.len(), |divergence| divergence.step + 1);
    let mut at = driver.initial();
    let initial = States::of(driver.states(&at));
    let mut steps = Vec::with_capacity(ran);
    for (index, step) in trace.steps.iter().take(ran).enumerate() {
        let Some((next, report)) = driver.step(&at, &step.on, index) else {
            // A stimulus the model lacks (in a trace that was not read and checked):
            // the replay's error names it.
            if let Err(ReplayError::Invalid(error)) = replay::run(driver.model(), trace) {
                return invalid(file, Some(trace), &error);
            }
            break;
        };
        let matched = divergence
            .as_ref()
            .is_none_or(|divergence| divergence.step != index);
        steps.push(StepReport {
            expect: step.expect.clone(),
            matched,
            ..report
        });
        at = next;
    }
    let next = options.next.then(|| driver.next(&at));
    let divergence = divergence.map(|divergence| {
        let mut divergence = *divergence;
        divergence.file = file.map(str::to_owned);
        DivergenceReport {
            step: divergence.step,
            on: divergence.stimulus.clone(),
            expected: divergence.expected.clone(),
            actual: divergence.actual.to_json(),
            path: divergence.path.clone(),
            mismatches: divergence.mismatches.clone(),
            message: divergence.to_string(),
        }
    });
    TraceReport {
        file: file.map(str::to_owned),
        result: if divergence.is_some() {
            TraceOutcome::Diverged
        } else {
            TraceOutcome::Ok
        },
        error: None,
        machine: Some(trace.machine.clone()),
        config: driver.model().parameters(),
        components: driver.components(),
        initial,
        steps,
        divergence,
        next,
    }
}

/// The report of a trace that cannot be used (e.g. a file that cannot be read).
pub fn error_report(file: Option<&str>, error: &TraceError) -> TraceReport {
    invalid(file, None, error)
}

fn invalid(file: Option<&str>, trace: Option<&Trace>, error: &TraceError) -> TraceReport {
    let mut error = error.clone();
    if error.file.is_none() {
        error.file = file.map(str::to_owned);
    }
    TraceReport {
        file: file.map(str::to_owned),
        result: TraceOutcome::Invalid,
        error: Some(InputError::from(&error)),
        machine: trace.map(|trace| trace.machine.clone()),
        config: Value::Null,
        components: Vec::new(),
        initial: States::of(Vec::new()),
        steps: Vec::new(),
        divergence: None,
        next: None,
    }
}
