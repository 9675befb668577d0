//! The checker itself: over random configurations, random limits (states, depth, memory)
//! and the shipped system or one single-row mutant per property (`system_mutants`), a cut
//! search never contradicts the complete one. `VIOLATED` under a limit is `VIOLATED` in
//! full (for a transition property with the same shortest counterexample); `held` and
//! `VACUOUS` only from a complete search; a cut search that happens to be complete says
//! exactly what the complete one says; and no counterexample ever fails its confirmation.
//!
//! Configurations are small (up to two remote views), each complete search is run once
//! per configuration, mutant and symmetry setting, and the test runs a quarter of the
//! harness's case count (64 by default, 6 400 in CI's fuzz profile), since every case
//! runs a whole check, so that CI's fuzz profile stays within its time.

use std::cell::RefCell;
use std::collections::HashMap;

use fsm::explore::{Completeness, Limits};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use ucma_ha::checker::{self, Report, Status};
use ucma_ha::system::properties::{self, PROPERTIES};
use ucma_ha::system::{System, SystemConfig};

use crate::harness;
use crate::system_mutants::MUTANTS;
use crate::systems::{config, shapes, Shape};

/// A case: the configuration's shape, the mutant (one past the last: the shipped
/// system), symmetry, and the limits.
type Case = (
    Shape,
    usize,
    bool,
    (Option<usize>, Option<usize>, Option<usize>),
);

fn build(shape: Shape, mutant: usize) -> System {
    let config = config(shape);
    match MUTANTS.get(mutant) {
        Some(mutant) => (mutant.build)(config),
        None => System::new(config).expect("the shipped system builds"),
    }
}

fn cases() -> impl Strategy<Value = Case> {
    let shape = shapes(0..=2usize);
    let limits = (
        prop::option::of(1..=1_200usize),
        prop::option::of(0..=16usize),
        prop::option::of(1..=256usize).prop_map(|kib| kib.map(|k| k << 10)),
    );
    (shape, 0..=MUTANTS.len(), any::<bool>(), limits)
}

/// Every way the cut report `cut` contradicts the complete report `full`.
fn contradictions(full: &Report, cut: &Report) -> Vec<String> {
    let mut found = Vec::new();
    for fault in full.internal_errors.iter().chain(&cut.internal_errors) {
        found.push(format!("a counterexample failed its confirmation: {fault}"));
    }
    if full.completeness != Completeness::Complete {
        found.push("the complete search was cut".to_owned());
    }
    let complete = cut.completeness == Completeness::Complete;
    for (i, (whole, part)) in full.verdicts.iter().zip(&cut.verdicts).enumerate() {
        let name = part.property.name;
        match (&whole.status, &part.status) {
            // A transition property's first violation in breadth-first order: the cut
            // search's states are a prefix of the complete search's.
            (Status::Violated(whole), Status::Violated(part))
                if PROPERTIES[i].kind == properties::PropertyKind::Safety
                    && name != "no_deadlock"
                    && whole.trace != part.trace =>
            {
                found.push(format!("{name}: another counterexample under the limit"));
            }
            (Status::Violated(_), Status::Violated(_)) => {}
            (_, Status::Violated(_)) => {
                found.push(format!("{name}: VIOLATED under the limit, not in full"));
            }
            (_, Status::Held | Status::Vacuous) if !complete => {
                found.push(format!("{name}: {:?} from a cut search", part.status));
            }
            _ => {}
        }
        if complete && whole.status != part.status {
            found.push(format!("{name}: a complete cut search differs"));
        }
    }
    found
}

#[test]
fn a_cut_search_never_contradicts_the_complete_one() {
    let full_reports: RefCell<HashMap<(String, usize, bool), Report>> = RefCell::default();
    let base = harness::config();
    let mut runner = TestRunner::new(proptest::test_runner::Config {
        cases: (base.cases / 4).max(1),
        ..base
    });
    let result = runner.run(&cases(), |(shape, mutant, symmetry, cut)| {
        let system = build(shape, mutant);
        let key = (format!("{shape:?}"), mutant, symmetry);
        let full = full_reports
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                checker::check(
                    &system,
                    Limits {
                        symmetry,
                        ..Limits::default()
                    },
                    |_| {},
                )
            })
            .clone();
        let (max_states, max_depth, max_memory) = cut;
        let limits = Limits {
            max_states: max_states.unwrap_or(usize::MAX),
            max_depth: max_depth.unwrap_or(usize::MAX),
            max_memory: max_memory.unwrap_or(usize::MAX),
            symmetry,
        };
        let report = checker::check(&system, limits, |_| {});
        let found = contradictions(&full, &report);
        prop_assert!(
            found.is_empty(),
            "{:?} mutant {mutant} symmetry {symmetry} limits {limits:?} ({:?}): {}",
            config(shape),
            report.completeness,
            found.join("; ")
        );
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn each_mutant_is_caught_by_its_property_in_the_default_configuration() {
    // The set covers every property (PRES-2, AF-PUB, SUB-3, PRES-3, REG-2, SUB-2, AF-LES,
    // AF-LEP-T, PRES-4), so the test above exercises a violation of each.
    let names: Vec<&str> = MUTANTS.iter().map(|m| m.property).collect();
    let all: Vec<&str> = PROPERTIES.iter().map(|p| p.name).collect();
    assert_eq!(names, all);
    for mutant in &MUTANTS {
        let system = (mutant.build)(SystemConfig::default());
        let report = checker::check(
            &system,
            Limits {
                symmetry: true,
                ..Limits::default()
            },
            |_| {},
        );
        let verdict = report.verdict(mutant.property).expect("a property");
        assert!(
            matches!(verdict.status, Status::Violated(_)),
            "{}: {:?}",
            mutant.change,
            verdict.status
        );
        assert!(
            report.internal_errors.is_empty(),
            "{:?}",
            report.internal_errors
        );
    }
}
