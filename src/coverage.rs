//! Row coverage: which rows of each machine's table a set of traces fires, and which it
//! never reaches, so a team sees what its own test suite leaves out.
//!
//! Rows are identified as the model reports them when they fire ([`Fired`]: machine and
//! row index), so the count works the same for a single machine and for the components of
//! a composed model.
//!
//! # Examples
//! ```
//! use ucma_ha::coverage::Tally;
//! let trace = ucma_ha::trace::parse(None, br#"{"machine": "registration",
//!     "steps": [{"on": "BeginRegister"}, {"on": "RegisterOk"}]}"#)?;
//! let report = ucma_ha::replay::replay(&trace).expect("matches");
//! let mut tally = Tally::default();
//! tally.add(report.fired_rows());
//! let coverage = tally.machines();
//! assert_eq!(coverage[0].machine, "registration");
//! assert_eq!(coverage[0].fired.len(), 2);
//! assert_eq!(coverage[0].missing().len(), coverage[0].rows.len() - 2);
//! # Ok::<(), ucma_ha::trace::TraceError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use fsm::{export, Machine};
use serde::Serialize;

use crate::catalog::{for_each_machine, Fired, MachineVisitor};
use crate::Event;

/// One row of a table, by names, for coverage listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowInfo {
    /// The row's index in its table.
    pub index: usize,
    /// The state it applies in.
    pub from: &'static str,
    /// The stimulus.
    pub on: &'static str,
    /// The guard's label, when the row applies to some parameter sets only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<&'static str>,
    /// `move`, `ignore` or `reject`.
    pub outcome: &'static str,
    /// The state after it.
    pub to: &'static str,
    /// The clause and fact IDs it cites.
    pub clauses: &'static [&'static str],
}

impl fmt::Display for RowInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {:>3}: {} --{}-->", self.index, self.from, self.on)?;
        match self.outcome {
            "move" => write!(f, " {}", self.to)?,
            other => write!(f, " ({other})")?,
        }
        if let Some(when) = self.when {
            write!(f, " when {when}")?;
        }
        write!(f, " [{}]", self.clauses.join(", "))
    }
}

struct Rows;

impl MachineVisitor for Rows {
    type Output = (&'static str, Vec<RowInfo>);
    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        let rows = M::rows()
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let view = export::row_view::<M>(index, row);
                RowInfo {
                    index,
                    from: view.from,
                    on: view.on,
                    when: view.when,
                    outcome: view.outcome,
                    to: view.to,
                    clauses: view.clauses,
                }
            })
            .collect();
        (M::ID, rows)
    }
}

/// The rows of a single machine's table, by names; `None` for an unknown id.
pub fn rows_of(machine: &str) -> Option<Vec<RowInfo>> {
    for_each_machine(&mut Rows)
        .into_iter()
        .find(|(id, _)| *id == machine)
        .map(|(_, rows)| rows)
}

/// The rows fired so far, per machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    fired: BTreeMap<&'static str, BTreeSet<usize>>,
}

impl Tally {
    /// Counts fired rows.
    pub fn add<'a>(&mut self, fired: impl IntoIterator<Item = &'a Fired>) {
        for fired in fired {
            self.fired
                .entry(fired.machine)
                .or_default()
                .insert(fired.row);
        }
    }

    /// Counts every row another tally counted.
    pub fn merge(&mut self, other: Tally) {
        for (machine, rows) in other.fired {
            self.fired.entry(machine).or_default().extend(rows);
        }
    }

    /// Whether a row has fired.
    pub fn contains(&self, fired: &Fired) -> bool {
        self.fired
            .get(fired.machine)
            .is_some_and(|rows| rows.contains(&fired.row))
    }

    /// The coverage of every machine that fired at least one row, in id order.
    pub fn machines(&self) -> Vec<MachineCoverage> {
        self.fired
            .iter()
            .map(|(machine, fired)| MachineCoverage {
                machine,
                rows: rows_of(machine).unwrap_or_default(),
                fired: fired.clone(),
            })
            .collect()
    }
}

/// How much of one machine's table fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineCoverage {
    /// The machine id.
    pub machine: &'static str,
    /// Every row of its table.
    pub rows: Vec<RowInfo>,
    /// The indices of the rows that fired.
    pub fired: BTreeSet<usize>,
}

impl MachineCoverage {
    /// The rows that never fired.
    pub fn missing(&self) -> Vec<&RowInfo> {
        self.rows
            .iter()
            .filter(|row| !self.fired.contains(&row.index))
            .collect()
    }

    /// The share of rows fired, in percent.
    pub fn percent(&self) -> f64 {
        if self.rows.is_empty() {
            return 100.0;
        }
        // Row counts are far below 2^52, so the conversion is exact.
        self.fired.len() as f64 * 100.0 / self.rows.len() as f64
    }
}

impl fmt::Display for MachineCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<24} {:>4} / {:<4} rows ({:.1}%)",
            self.machine,
            self.fired.len(),
            self.rows.len(),
            self.percent()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fired(machine: &'static str, row: usize) -> Fired {
        Fired {
            component: machine.into(),
            machine,
            row,
        }
    }

    #[test]
    fn tally_counts_each_row_once_and_lists_the_rest() {
        let mut tally = Tally::default();
        tally.add(&[fired("registration", 0), fired("registration", 0)]);
        tally.add(&[fired("remote_presence", 3)]);
        let machines = tally.machines();
        assert_eq!(machines.len(), 2);
        assert_eq!(machines[0].machine, "registration");
        assert_eq!(machines[0].fired.len(), 1);
        assert_eq!(machines[0].missing().len(), machines[0].rows.len() - 1);
        assert!(machines[0].missing().iter().all(|row| row.index != 0));
        assert!(tally.contains(&fired("remote_presence", 3)));
        assert!(!tally.contains(&fired("remote_presence", 4)));
    }

    #[test]
    fn rows_are_described_by_names() {
        let rows = rows_of("registration").expect("a machine");
        let first = rows[0].to_string();
        assert!(
            first.starts_with("row   0: Unregistered --BeginRegister--> Registering"),
            "{first}"
        );
        assert!(rows_of("nothing").is_none());
    }
}
