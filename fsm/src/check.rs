//! Table checks: totality, determinism, reachability of every state and every row.
//!
//! Each rule has its own [`TableError`] variant, so a test can break a table in one way and
//! assert that exactly that rule reports it.

use serde::Serialize;
use strum::EnumCount;

use crate::table::{Machine, Parameters, Row, Table};
pub use crate::table::{TableError, TableErrors};
use crate::Symbol;

/// What a successful check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableReport {
    /// The machine id.
    pub machine: &'static str,
    /// Number of states.
    pub states: usize,
    /// Number of stimuli.
    pub stimuli: usize,
    /// Number of rows.
    pub rows: usize,
    /// Number of parameter sets checked.
    pub parameter_sets: usize,
}

fn symbol_order<S: Symbol>(machine: &'static str, errors: &mut Vec<TableError>) {
    for (position, symbol) in S::all().enumerate() {
        if symbol.index() != position {
            errors.push(TableError::SymbolOrder {
                machine,
                symbol: symbol.name(),
                index: symbol.index(),
                position,
            });
        }
    }
}

/// Checks every rule on a machine's own rows.
///
/// # Returns
/// A [`TableReport`] when every rule holds, else every [`TableError`] found.
///
/// # Complexity
/// O(P x (R + S x I)) for P parameter sets, R rows, S states and I stimuli.
pub fn check<M: Machine>() -> Result<TableReport, Vec<TableError>> {
    check_rows::<M>(M::rows())
}

/// Checks every rule on any rows over a machine's vocabulary.
///
/// The rules: vocabulary indices in order; for every parameter set, exactly one row per
/// `(state, stimulus)` pair (totality and determinism); every state reachable from the
/// initial state under some parameter set; every row able to fire under some parameter
/// set; every row citing at least one clause.
///
/// # Arguments
/// * `rows` - the table to check, e.g. a deliberately broken copy of [`Machine::rows`].
///
/// # Returns
/// A [`TableReport`] when every rule holds, else every [`TableError`] found, in rule order.
///
/// # Complexity
/// O(P x (R + S x I)) for P parameter sets, R rows, S states and I stimuli.
pub fn check_rows<M: Machine>(rows: &[Row<M>]) -> Result<TableReport, Vec<TableError>> {
    let mut errors = Vec::new();
    symbol_order::<M::State>(M::ID, &mut errors);
    symbol_order::<M::Stimulus>(M::ID, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let all = M::Parameters::all();
    let mut reached = vec![false; M::State::COUNT];
    let mut fires = vec![false; rows.len()];
    for parameters in &all {
        let table = match Table::<M>::from_rows(rows.to_vec().into(), parameters.clone()) {
            Ok(table) => table,
            Err(found) => {
                errors.extend(found);
                continue;
            }
        };
        let here = table.reachable();
        for state in M::State::all() {
            if here[state.index()] {
                reached[state.index()] = true;
                for on in M::Stimulus::all() {
                    fires[table.row_index(state, on)] = true;
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for state in M::State::all() {
        if !reached[state.index()] {
            errors.push(TableError::Unreachable {
                machine: M::ID,
                state: state.name(),
            });
        }
    }
    for (i, row) in rows.iter().enumerate() {
        if !fires[i] && reached[row.from.index()] {
            errors.push(TableError::DeadRow {
                machine: M::ID,
                row: i,
                state: row.from.name(),
                stimulus: row.on.name(),
            });
        }
        if row.clauses.is_empty() {
            errors.push(TableError::Uncited {
                machine: M::ID,
                row: i,
                state: row.from.name(),
                stimulus: row.on.name(),
            });
        }
    }
    if errors.is_empty() {
        Ok(TableReport {
            machine: M::ID,
            states: M::State::COUNT,
            stimuli: M::Stimulus::COUNT,
            rows: rows.len(),
            parameter_sets: all.len(),
        })
    } else {
        Err(errors)
    }
}
