//! Table checks: totality, determinism, reachability of every state and every row.
//!
//! Each rule has its own [`TableError`] variant, so a test can break a table in one way and
//! assert that exactly that rule reports it.

use serde::Serialize;
use strum::EnumCount;
use thiserror::Error;

use crate::table::{Machine, Parameters, Row, Table};
use crate::Symbol;

/// A rule of a well-formed table, broken.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "rule")]
pub enum TableError {
    /// A vocabulary enum whose discriminants are not `0..COUNT` in declaration order.
    #[error("{machine}: {symbol} has index {index}, but is at position {position}")]
    SymbolOrder {
        /// The machine id.
        machine: &'static str,
        /// The value out of place.
        symbol: &'static str,
        /// What [`Symbol::index`] says.
        index: usize,
        /// Its position in declaration order.
        position: usize,
    },
    /// No row answers a stimulus in a state (for some parameters).
    #[error("{machine}: no row answers {stimulus} in {state} (parameters {parameters})")]
    Missing {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
        /// The stimulus.
        stimulus: &'static str,
        /// The parameters, as JSON.
        parameters: String,
    },
    /// Two rows answer the same stimulus in the same state (for some parameters).
    #[error("{machine}: rows {first} and {second} both answer {stimulus} in {state} (parameters {parameters})")]
    Duplicate {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
        /// The stimulus.
        stimulus: &'static str,
        /// The parameters, as JSON.
        parameters: String,
        /// The first row's index.
        first: usize,
        /// The second row's index.
        second: usize,
    },
    /// A state that no instance reaches from its initial state.
    #[error(
        "{machine}: state {state} is unreachable from the initial state for every parameter set"
    )]
    Unreachable {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
    },
    /// A row that never fires: its guard never holds where its state is reachable.
    #[error("{machine}: row {row} ({state}, {stimulus}) can never fire")]
    DeadRow {
        /// The machine id.
        machine: &'static str,
        /// The row's index.
        row: usize,
        /// The row's state.
        state: &'static str,
        /// The row's stimulus.
        stimulus: &'static str,
    },
    /// A row that cites no clause or fact.
    #[error("{machine}: row {row} ({state}, {stimulus}) cites no clause")]
    Uncited {
        /// The machine id.
        machine: &'static str,
        /// The row's index.
        row: usize,
        /// The row's state.
        state: &'static str,
        /// The row's stimulus.
        stimulus: &'static str,
    },
}

/// The rules a table broke when it was compiled ([`Table::new`]): a list of
/// [`TableError`]s that is itself an error.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct TableErrors(pub Vec<TableError>);

impl std::ops::Deref for TableErrors {
    type Target = Vec<TableError>;
    fn deref(&self) -> &Vec<TableError> {
        &self.0
    }
}

impl IntoIterator for TableErrors {
    type Item = TableError;
    type IntoIter = std::vec::IntoIter<TableError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

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

fn json<P: Serialize>(parameters: &P) -> String {
    serde_json::to_string(parameters).unwrap_or_else(|error| error.to_string())
}

/// Checks totality and determinism of `rows` for one parameter set and builds the index
/// that [`Table::step`] uses (`index[state * stimuli + stimulus]` = row).
pub(crate) fn check_parameters<M: Machine>(
    rows: &[Row<M>],
    parameters: &M::Parameters,
) -> Result<Box<[u16]>, Vec<TableError>> {
    let stimuli = M::Stimulus::COUNT;
    let mut index: Vec<Option<usize>> = vec![None; M::State::COUNT * stimuli];
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !(row.when.holds)(parameters) {
            continue;
        }
        let slot = &mut index[row.from.index() * stimuli + row.on.index()];
        match *slot {
            None => *slot = Some(i),
            Some(first) => errors.push(TableError::Duplicate {
                machine: M::ID,
                state: row.from.name(),
                stimulus: row.on.name(),
                parameters: json(parameters),
                first,
                second: i,
            }),
        }
    }
    let mut compiled = Vec::with_capacity(index.len());
    for state in M::State::all() {
        for on in M::Stimulus::all() {
            match index[state.index() * stimuli + on.index()] {
                Some(row) => compiled.push(u16::try_from(row).unwrap_or(u16::MAX)),
                None => errors.push(TableError::Missing {
                    machine: M::ID,
                    state: state.name(),
                    stimulus: on.name(),
                    parameters: json(parameters),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(compiled.into_boxed_slice())
    } else {
        Err(errors)
    }
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
