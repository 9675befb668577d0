//! Tables as JSON, for tools in other languages and for `ucma-ha tables`.

use serde::Serialize;

use crate::table::{Machine, Row, RowOutcome};
use crate::Symbol;

/// One row, by names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowView<E: Serialize, X: Serialize> {
    /// The row's index in the table.
    pub index: usize,
    /// The state the row applies in.
    pub from: &'static str,
    /// The stimulus.
    pub on: &'static str,
    /// The guard's label; absent when the row always applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<&'static str>,
    /// `move`, `ignore` or `reject`.
    pub outcome: &'static str,
    /// The state after the step.
    pub to: &'static str,
    /// The effects raised (moves only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emits: Vec<E>,
    /// The error (rejections only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejects: Option<X>,
    /// The clause and fact IDs.
    pub clauses: &'static [&'static str],
}

/// A whole table, by names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableView<E: Serialize, X: Serialize> {
    /// The machine id.
    pub machine: &'static str,
    /// The state names, in order.
    pub states: Vec<&'static str>,
    /// The stimulus names, in order.
    pub stimuli: Vec<&'static str>,
    /// The rows, in order.
    pub rows: Vec<RowView<E, X>>,
}

/// Describes one row by names.
pub fn row_view<M: Machine>(index: usize, row: &Row<M>) -> RowView<M::Effect, M::Error> {
    let (outcome, emits, rejects) = match row.outcome {
        RowOutcome::Move { emits, .. } => ("move", emits.to_vec(), None),
        RowOutcome::Ignore => ("ignore", Vec::new(), None),
        RowOutcome::Reject(error) => ("reject", Vec::new(), Some(error)),
    };
    RowView {
        index,
        from: row.from.name(),
        on: row.on.name(),
        when: (!row.when.is_always()).then_some(row.when.label),
        outcome,
        to: row.target().name(),
        emits,
        rejects,
        clauses: row.clauses,
    }
}

/// Describes a machine's table by names.
///
/// # Examples
/// See the crate-level example.
pub fn table_view<M: Machine>() -> TableView<M::Effect, M::Error> {
    TableView {
        machine: M::ID,
        states: M::State::all().map(Symbol::name).collect(),
        stimuli: M::Stimulus::all().map(Symbol::name).collect(),
        rows: M::rows()
            .iter()
            .enumerate()
            .map(|(i, row)| row_view(i, row))
            .collect(),
    }
}
