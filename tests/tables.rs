//! Table checks for every machine: each real table passes, and each rule catches a table
//! broken in exactly its way (missing pair, duplicate pair, unreachable state).

use std::borrow::Cow;

use fsm::check::{check, check_rows, TableError};
use fsm::{Machine, Row, RowOutcome, Symbol};

/// The real table passes every rule.
fn passes<M: Machine>() {
    let report = check::<M>().unwrap_or_else(|errors| panic!("{}: {errors:#?}", M::ID));
    assert_eq!(report.rows, M::rows().len());
}

/// Dropping the first row leaves its pair unanswered.
fn missing_pair<M: Machine>() {
    let rows = &M::rows()[1..];
    let first = M::rows()[0];
    let errors = check_rows::<M>(rows).expect_err("a pair is missing");
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TableError::Missing { state, stimulus, .. }
            if *state == first.from.name() && *stimulus == first.on.name())),
        "{errors:#?}"
    );
}

/// Repeating a row answers its pair twice.
fn duplicate_pair<M: Machine>() {
    let mut rows: Vec<Row<M>> = M::rows().to_vec();
    let last = rows.len() - 1;
    rows.push(rows[last]);
    let errors = check_rows::<M>(&rows).expect_err("a pair is answered twice");
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TableError::Duplicate { first, second, .. }
            if *first == last && *second == last + 1)),
        "{errors:#?}"
    );
}

/// Turning every move into a state into a self-loop makes that state unreachable.
fn unreachable_state<M: Machine>() {
    let initial = M::initial(&Default::default());
    let victim = M::State::all()
        .find(|&s| s != initial)
        .expect("machines have more than one state");
    let rows: Vec<Row<M>> = M::rows()
        .iter()
        .map(|row| match row.outcome {
            RowOutcome::Move { to, .. } if to == victim && row.from != victim => Row {
                outcome: RowOutcome::Move {
                    to: row.from,
                    emits: &[],
                },
                ..*row
            },
            _ => *row,
        })
        .collect();
    let errors = check_rows::<M>(&Cow::from(rows)).expect_err("a state is cut off");
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TableError::Unreachable { state, .. } if *state == victim.name())),
        "{errors:#?}"
    );
}

// The four rules for every machine of the list of machines (`src/machines/list.rs`), as
// `folder::Machine::rule`.
macro_rules! table_rules {
    ($($module:ident :: {$($machine:ident = $id:literal),+ $(,)?}),+ $(,)?) => {$(
        mod $module {$(
            #[allow(non_snake_case)]
            mod $machine {
                use super::super::*;
                type M = ucma_ha::$module::$machine;
                #[test]
                fn table_checks_pass() { passes::<M>() }
                #[test]
                fn missing_pair_is_reported() { missing_pair::<M>() }
                #[test]
                fn duplicate_pair_is_reported() { duplicate_pair::<M>() }
                #[test]
                fn unreachable_state_is_reported() { unreachable_state::<M>() }
            }
        )+}
    )+};
}

include!("../src/machines/list.rs");
machines!(table_rules);
