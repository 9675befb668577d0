//! The single-row mutants of a table row, shared by the table mutation test
//! (`tests/mutants.rs`) and the SPIN cross-check (`examples/spin_cross_check.rs`), which
//! each include this file with `#[path]`.

use fsm::{Machine, Row, RowOutcome, Symbol};
use ucma_ha::vocabulary::Exception;

/// The rows that may replace `row`, in a fixed order: an ignore, a rejection
/// (InvalidOperationException), a move to each state keeping the row's events, and, for
/// a move with events, the same move without them. Some behave as `row` itself does; each
/// caller drops those by its own measure of sameness.
pub fn replacements<M: Machine<Error = Exception>>(row: &Row<M>) -> Vec<Row<M>> {
    let emits = match row.outcome {
        RowOutcome::Move { emits, .. } => emits,
        _ => &[],
    };
    let mut outcomes: Vec<RowOutcome<M::State, M::Effect, Exception>> = vec![
        RowOutcome::Ignore,
        RowOutcome::Reject(Exception::InvalidOperationException),
    ];
    outcomes.extend(M::State::all().map(|to| RowOutcome::Move { to, emits }));
    if !emits.is_empty() {
        if let RowOutcome::Move { to, .. } = row.outcome {
            outcomes.push(RowOutcome::Move { to, emits: &[] });
        }
    }
    outcomes
        .into_iter()
        .map(|outcome| Row { outcome, ..*row })
        .collect()
}
