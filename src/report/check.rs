//! The JSON report of `ucma-ha check --format json` (`schemas/check-report.schema.json`):
//! the table checks of every machine, then one entry per system configuration with one
//! verdict per property and, for a violation, its counterexample as a trace file.
//!
//! # Examples
//! ```
//! use ucma_ha::report::{CheckReport, ConfigurationCheck, Verdict};
//! use ucma_ha::checker;
//! use ucma_ha::system::{System, SystemConfig};
//! let system = System::new(SystemConfig { remote_views: 0, ..SystemConfig::default() })?;
//! let report = checker::check(&system, Default::default(), |_| {});
//! let json = CheckReport::new(Vec::new(), vec![ConfigurationCheck::from(&report)]);
//! assert!(json.passed);
//! assert!(json.configurations[0].properties.iter().all(|p| p.verdict == Verdict::Held));
//! # Ok::<(), ucma_ha::system::SystemError>(())
//! ```

use fsm::explore::Completeness;
use serde::Serialize;
use serde_json::Value;

use super::FORMAT_VERSION;
use crate::checker::{Report, Status};
use crate::system::properties::PropertyKind;
use crate::trace::Trace;

/// The whole `check` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Whether everything passed: every table ok, every search complete, every property
    /// held (CLI exit 0).
    pub passed: bool,
    /// The table checks, one per machine.
    pub tables: Vec<TableCheck>,
    /// One entry per system configuration checked (none with `--tables-only`).
    pub configurations: Vec<ConfigurationCheck>,
    /// The counts of verdicts over every configuration.
    pub verdicts: VerdictCounts,
}

impl CheckReport {
    /// A report of these checks; `passed` and the counts are derived from them.
    pub fn new(tables: Vec<TableCheck>, configurations: Vec<ConfigurationCheck>) -> Self {
        let mut verdicts = VerdictCounts::default();
        for property in configurations.iter().flat_map(|c| &c.properties) {
            match property.verdict {
                Verdict::Held => verdicts.held += 1,
                Verdict::Violated => verdicts.violated += 1,
                Verdict::Vacuous => verdicts.vacuous += 1,
                Verdict::Unknown => verdicts.unknown += 1,
            }
        }
        let passed = tables.iter().all(|t| t.errors.is_empty())
            && configurations.iter().all(ConfigurationCheck::passed);
        CheckReport {
            format_version: FORMAT_VERSION,
            passed,
            tables,
            configurations,
            verdicts,
        }
    }
}

/// How many properties got each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    /// `held`.
    pub held: usize,
    /// `VIOLATED`.
    #[serde(rename = "VIOLATED")]
    pub violated: usize,
    /// `VACUOUS`.
    #[serde(rename = "VACUOUS")]
    pub vacuous: usize,
    /// `unknown`.
    pub unknown: usize,
}

/// The checks of one machine's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCheck {
    /// The machine id.
    pub machine: &'static str,
    /// How many states its vocabulary has.
    pub states: usize,
    /// How many stimuli.
    pub stimuli: usize,
    /// How many rows its table has.
    pub rows: usize,
    /// How many documented properties were checked on it.
    pub properties: usize,
    /// Every problem found (totality, determinism, reachability, live rows, citations,
    /// a documented property broken); empty when the table is ok.
    pub errors: Vec<String>,
}

/// A verdict (docs/CONTRACT.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// The property holds in the whole reachable graph (the search was complete).
    #[serde(rename = "held")]
    Held,
    /// A counterexample was found and confirmed against the model.
    #[serde(rename = "VIOLATED")]
    Violated,
    /// The situation the property talks about never occurs.
    #[serde(rename = "VACUOUS")]
    Vacuous,
    /// A limit cut the search before the explored part could decide.
    #[serde(rename = "unknown")]
    Unknown,
}

impl Verdict {
    /// The word the text output prints.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Held => "held",
            Verdict::Violated => "VIOLATED",
            Verdict::Vacuous => "VACUOUS",
            Verdict::Unknown => "unknown",
        }
    }
}

impl From<&Status> for Verdict {
    fn from(status: &Status) -> Self {
        match status {
            Status::Held => Verdict::Held,
            Status::Violated(_) => Verdict::Violated,
            Status::Vacuous => Verdict::Vacuous,
            Status::Unknown => Verdict::Unknown,
        }
    }
}

/// The check of one system configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigurationCheck {
    /// The configuration, every key with its value.
    pub config: Value,
    /// Whether symmetry reduction was on.
    pub symmetry: bool,
    /// Reachable states stored.
    pub states: usize,
    /// Transitions stored.
    pub transitions: usize,
    /// The longest shortest path from the initial state.
    pub depth: usize,
    /// `complete`, or the limit that cut the search: `state_limit`, `depth_limit`,
    /// `memory_limit`.
    pub completeness: &'static str,
    /// The search's estimate of the memory its tables held, in bytes.
    pub memory_bytes: usize,
    /// Wall-clock time of the check, in milliseconds.
    pub elapsed_ms: u64,
    /// The wiring rows of the system that never fired in a reachable macro-step.
    pub wiring_never_fired: Vec<usize>,
    /// How many wiring rows the system has.
    pub wiring_rows: usize,
    /// One verdict per property.
    pub properties: Vec<PropertyCheck>,
    /// Counterexamples the checker built but could not confirm (a fault of the
    /// checker; the property is then `unknown`).
    pub internal_errors: Vec<String>,
}

impl ConfigurationCheck {
    /// Whether this configuration passed: complete, every property held.
    pub fn passed(&self) -> bool {
        self.completeness == "complete"
            && self.properties.iter().all(|p| p.verdict == Verdict::Held)
    }
}

impl From<&Report> for ConfigurationCheck {
    fn from(report: &Report) -> Self {
        ConfigurationCheck {
            config: serde_json::to_value(report.config).unwrap_or(Value::Null),
            symmetry: report.symmetry,
            states: report.states,
            transitions: report.transitions,
            depth: report.depth,
            completeness: match report.completeness {
                Completeness::Complete => "complete",
                Completeness::StateLimit => "state_limit",
                Completeness::DepthLimit => "depth_limit",
                Completeness::MemoryLimit => "memory_limit",
            },
            memory_bytes: report.memory,
            elapsed_ms: u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
            wiring_never_fired: (0..report.wiring_fired.len())
                .filter(|&row| !report.wiring_fired[row])
                .collect(),
            wiring_rows: report.wiring_fired.len(),
            properties: report
                .verdicts
                .iter()
                .map(|verdict| PropertyCheck {
                    name: verdict.property.name,
                    kind: match verdict.property.kind {
                        PropertyKind::Safety => "safety",
                        PropertyKind::Liveness => "liveness",
                    },
                    clauses: verdict.property.clauses.to_vec(),
                    statement: verdict.property.statement,
                    verdict: Verdict::from(&verdict.status),
                    counterexample: match &verdict.status {
                        Status::Violated(counterexample) => Some(CounterexampleReport {
                            summary: counterexample.summary.clone(),
                            trace: counterexample.trace.clone(),
                        }),
                        _ => None,
                    },
                })
                .collect(),
            internal_errors: report.internal_errors.clone(),
        }
    }
}

/// The verdict on one property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyCheck {
    /// Its stable name.
    pub name: &'static str,
    /// `safety` or `liveness`.
    pub kind: &'static str,
    /// The clause and fact IDs it checks.
    pub clauses: Vec<&'static str>,
    /// What it says.
    pub statement: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// For `VIOLATED`: the shortest counterexample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<CounterexampleReport>,
}

/// A confirmed counterexample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CounterexampleReport {
    /// What goes wrong, in words.
    pub summary: String,
    /// The trace file that reaches the violation (`ucma-ha replay` reads it).
    pub trace: Trace,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::checker::{self, Counterexample};
    use crate::system::properties::PROPERTIES;
    use crate::system::SystemConfig;

    #[test]
    fn a_violation_carries_its_counterexample_as_a_trace_file_pres_2() {
        let trace = crate::trace::parse(
            None,
            br#"{"machine": "system", "steps": [{"on": "BeginEstablish"},
                {"on": "SubscribePresence"}, {"on": "PoolFails"}]}"#,
        )
        .expect("a valid trace");
        let verdicts = PROPERTIES
            .iter()
            .enumerate()
            .map(|(i, property)| checker::Verdict {
                property,
                status: if i == 0 {
                    Status::Violated(Box::new(Counterexample {
                        trace: trace.clone(),
                        summary: "published in WaitingForRetry".into(),
                    }))
                } else {
                    Status::Held
                },
            })
            .collect();
        let report = Report {
            config: SystemConfig::default(),
            symmetry: true,
            states: 10,
            transitions: 20,
            depth: 3,
            completeness: Completeness::Complete,
            memory: 1024,
            verdicts,
            elapsed: Duration::from_millis(5),
            wiring_fired: vec![true, false, true],
            internal_errors: Vec::new(),
        };
        let json = serde_json::to_value(CheckReport::new(
            Vec::new(),
            vec![ConfigurationCheck::from(&report)],
        ))
        .expect("serialises");
        assert_eq!(json["format_version"], 1);
        assert_eq!(json["passed"], false);
        assert_eq!(json["verdicts"]["VIOLATED"], 1);
        assert_eq!(json["verdicts"]["held"], PROPERTIES.len() - 1);
        let configuration = &json["configurations"][0];
        assert_eq!(configuration["wiring_never_fired"], serde_json::json!([1]));
        let violated = &configuration["properties"][0];
        assert_eq!(violated["name"], PROPERTIES[0].name);
        assert_eq!(violated["verdict"], "VIOLATED");
        let written = serde_json::to_vec(&violated["counterexample"]["trace"]).expect("bytes");
        let read = crate::trace::parse(None, &written).expect("the counterexample is a trace");
        assert_eq!(read.steps, trace.steps);
        assert!(configuration["properties"][1]
            .get("counterexample")
            .is_none());
    }
}
