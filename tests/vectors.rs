//! The generated test vectors agree with the model, cover every row of every table, and
//! catch a model that differs in any single row (docs/CONTRACT.md section 4).

use std::borrow::Cow;
use std::collections::BTreeSet;

use fsm::{Machine, RowOutcome, Table};
use ucma_ha::catalog::{all_parameters, for_each_machine, MachineVisitor, TableModel};
use ucma_ha::replay::{replay, replay_on, ReplayError};
use ucma_ha::vectors::{generate, Generated, Options};
use ucma_ha::Event;

fn sweep<M: Machine<Event = Event>>() -> Generated {
    generate(M::ID, &all_parameters::<M>(), &Options::default()).expect("vectors generate")
}

struct ReplayAndCover;

impl MachineVisitor for ReplayAndCover {
    type Output = ();
    fn visit<M: Machine<Event = Event>>(&mut self) {
        let generated = sweep::<M>();
        // Written, read back from text and replayed: the files are valid and agree.
        let mut fired = BTreeSet::new();
        for vector in &generated.vectors {
            let text = vector.trace.to_json_lines();
            let trace = ucma_ha::trace::parse(Some(&vector.name), text.as_bytes())
                .unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(trace, vector.trace);
            let report = replay(&trace).unwrap_or_else(|error| panic!("{}: {error}", vector.name));
            fired.extend(report.fired_rows().map(|f| (f.machine, f.row)));
        }
        let all: BTreeSet<_> = (0..M::rows().len()).map(|row| (M::ID, row)).collect();
        assert_eq!(fired, all, "{}: every row fires", M::ID);
        let coverage = &generated.coverage.machines;
        assert_eq!(coverage.len(), 1);
        assert_eq!(coverage[0].covered, M::rows().len());
        assert_eq!(coverage[0].total, M::rows().len());
        // Deterministic: the same vectors again.
        assert_eq!(sweep::<M>(), generated);
    }
}

#[test]
fn vectors_replay_and_cover_every_row_of_every_machine() {
    for_each_machine(&mut ReplayAndCover);
}

/// The same row with an observably different outcome: a move or an ignore becomes a
/// rejection, a rejection becomes an ignore.
fn mutate<M: Machine>(row: usize) -> Vec<fsm::Row<M>> {
    let error = M::rows()
        .iter()
        .find_map(|row| match row.outcome {
            RowOutcome::Reject(error) => Some(error),
            _ => None,
        })
        .expect("every machine rejects something");
    let mut rows = M::rows().to_vec();
    rows[row].outcome = match rows[row].outcome {
        RowOutcome::Move { .. } | RowOutcome::Ignore => RowOutcome::Reject(error),
        RowOutcome::Reject(_) => RowOutcome::Ignore,
    };
    rows
}

struct MutantsAreCaught;

impl MachineVisitor for MutantsAreCaught {
    type Output = usize;
    fn visit<M: Machine<Event = Event>>(&mut self) -> usize {
        let generated = sweep::<M>();
        // Where the real model first fires each row, per vector.
        let reports: Vec<_> = generated
            .vectors
            .iter()
            .map(|vector| replay(&vector.trace).expect("the real model agrees"))
            .collect();
        let mut caught = 0;
        for row in 0..M::rows().len() {
            let mut detected = false;
            for (vector, report) in generated.vectors.iter().zip(&reports) {
                let parameters: M::Parameters =
                    serde_json::from_value(vector.trace.config.clone()).expect("parameters");
                let table = Table::<M>::from_rows(Cow::Owned(mutate::<M>(row)), parameters)
                    .expect("a mutated row keeps the table total");
                let mutant = TableModel::new(table);
                let fires_at = report
                    .fired
                    .iter()
                    .position(|step| step.iter().any(|f| f.row == row));
                match (fires_at, replay_on(&mutant, &vector.trace)) {
                    (None, Ok(_)) => {}
                    (Some(step), Err(ReplayError::Diverged(divergence))) => {
                        assert_eq!(divergence.step, step, "{}: row {row}", vector.name);
                        assert_eq!(divergence.path.len(), step);
                        assert!(divergence.fired.iter().any(|f| f.row == row));
                        assert!(divergence
                            .mismatches
                            .iter()
                            .any(|m| m.starts_with("rejected: expected")));
                        detected = true;
                    }
                    (fires_at, outcome) => {
                        panic!(
                            "{}: row {row} fires at {fires_at:?}: {outcome:?}",
                            vector.name
                        )
                    }
                }
            }
            assert!(
                detected,
                "{}: a mutation of row {row} goes unnoticed",
                M::ID
            );
            caught += 1;
        }
        caught
    }
}

#[test]
fn a_mutated_row_diverges_exactly_where_it_fires() {
    let caught: usize = for_each_machine(&mut MutantsAreCaught).into_iter().sum();
    let rows: usize = ucma_ha::catalog::MACHINES
        .iter()
        .map(|id| ucma_ha::coverage::rows_of(id).expect("a machine").len())
        .sum();
    assert_eq!(caught, rows);
}
