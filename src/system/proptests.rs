//! `system`: the composed model along long random runs with many remote views (beyond what
//! exhaustive search without symmetry reduction covers), checked at every macro-step
//! against the checker's own transition properties (`ucma_ha::system::properties`:
//! PRES-2, AF-PUB, SUB-3/SUB-4, PRES-3/RP-1, REG-1..REG-3, SUB-2, AF-SIPSUB), plus the
//! finality of a terminated endpoint (AF-LES). A failing run is shrunk and kept as a
//! trace file for `ucma-ha replay`.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};
use serde_json::json;
use ucma_ha::checker::trace;
use ucma_ha::system::properties::step_violations;
use ucma_ha::system::{System, SystemStimulus, MAX_VIEWS};

use crate::harness;
use crate::systems::{shaped_system, shapes, stimuli};

/// How many remote views the long runs use: 20, or as many as the system holds.
const REMOTE_VIEWS: usize = if MAX_VIEWS < 20 { MAX_VIEWS } else { 20 };

/// The longest run.
const MAX_STEPS: usize = 200;

/// The first violated property along a run, as `step i (stimulus): names`.
fn first_violation(system: &System, run: &[SystemStimulus]) -> Option<(usize, String)> {
    let mut state = system.initial();
    for (i, &stimulus) in run.iter().enumerate() {
        let violated = step_violations(system, state, stimulus);
        if !violated.is_empty() {
            let names: Vec<String> = violated
                .iter()
                .map(|p| format!("{} ({})", p.name, p.clauses.join(", ")))
                .collect();
            return Some((i, format!("step {i} ({stimulus}): {}", names.join("; "))));
        }
        let next = system.step(state, stimulus).next;
        // AF-LES: a terminated endpoint stays terminated.
        if system.state_name(state, "local_endpoint") == Some("Terminated")
            && system.state_name(next, "local_endpoint") != Some("Terminated")
        {
            return Some((
                i,
                format!("step {i} ({stimulus}): local_endpoint left Terminated (AF-LES)"),
            ));
        }
        state = next;
    }
    None
}

fn check(config: serde_json::Value) {
    let config = System::config_from_json(&config).expect("a valid configuration");
    let system = System::new(config).expect("the system builds");
    let mut runner = TestRunner::new(harness::config());
    let strategy = prop::collection::vec(stimuli(), MAX_STEPS / 2..=MAX_STEPS);
    let result = runner.run(&strategy, |run| match first_violation(&system, &run) {
        Some((_, reason)) => Err(TestCaseError::fail(reason)),
        None => Ok(()),
    });
    if let Err(TestError::Fail(reason, run)) = result {
        let upto = first_violation(&system, &run).map_or(run.len(), |(i, _)| i + 1);
        let shrunk = &run[..upto];
        let directory = crate::traces::directory();
        std::fs::create_dir_all(&directory).expect("trace directory");
        let path = directory.join("system_safety.json");
        let text =
            serde_json::to_string_pretty(&trace(&system, shrunk, &[upto - 1])).expect("serialises");
        std::fs::write(&path, text).expect("trace written");
        panic!(
            "{reason}\nshrunk to {shrunk:?}\ntrace file: {}",
            path.display()
        );
    }
}

#[test]
fn safety_holds_along_long_runs_with_many_remote_views_user_endpoint() {
    check(json!({ "remote_views": REMOTE_VIEWS }));
}

#[test]
fn safety_holds_along_long_runs_with_many_remote_views_application_endpoint() {
    check(json!({ "remote_views": REMOTE_VIEWS, "endpoint": "application" }));
}

#[test]
fn the_runs_reach_outages_and_recoveries() {
    // Not vacuous: random runs of this strategy do reach an outage reported by the
    // registrar (REG-1) and its healing (REG-3).
    let config = System::config_from_json(&json!({ "remote_views": REMOTE_VIEWS })).expect("valid");
    let system = System::new(config).expect("builds");
    let mut runner = TestRunner::deterministic();
    let strategy = prop::collection::vec(stimuli(), MAX_STEPS);
    let (mut down, mut healed) = (false, false);
    for _ in 0..64 {
        let run = strategy.new_tree(&mut runner).expect("a run").current();
        let mut state = system.initial();
        for stimulus in run {
            let before = system.state_name(state, "registration");
            state = system.step(state, stimulus).next;
            let after = system.state_name(state, "registration");
            down |= after == Some("RegisteredUserServicesUnavailable");
            healed |=
                before == Some("RegisteredUserServicesUnavailable") && after == Some("Registered");
        }
    }
    assert!(down && healed, "outage reached: {down}, healed: {healed}");
}

/// The compiled system (`ucma_ha::system::compiled`) steps like the system along random
/// runs in random configurations, up to [`MAX_VIEWS`] views: lanes (where a key holds
/// them) decode to the system's next state, counts to its canonical form. This reaches
/// far more views than the exhaustive comparison in `bench/tests/compiled.rs` (AF-RPSS for the
/// free view, and every clause the system's macro-steps cite).
#[test]
fn compiled_steps_like_the_system_along_random_runs() {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use ucma_ha::system::compiled::{CompiledSystem, Layout};

    type Compiled = (System, Option<CompiledSystem>, CompiledSystem);
    let cache: RefCell<HashMap<(bool, bool, bool, usize), Compiled>> = RefCell::default();
    let shape = shapes(prop::sample::select(vec![1usize, 2, 7, 19, MAX_VIEWS]));
    let strategy = (shape, prop::collection::vec(stimuli(), 1..=MAX_STEPS));
    let mut runner = TestRunner::new(harness::config());
    let result = runner.run(&strategy, |(shape, run)| {
        let mut cache = cache.borrow_mut();
        let (system, lanes, counts) = cache.entry(shape).or_insert_with(|| {
            let system = shaped_system(shape);
            let lanes = CompiledSystem::new(&system, Layout::Lanes).ok();
            let counts = CompiledSystem::new(&system, Layout::Counts).expect("counts compile");
            (system, lanes, counts)
        });
        prop_assert!(
            lanes.is_some() || system.views() > 19,
            "lanes hold 19 views"
        );
        let mut state = system.initial();
        let mut lane_key = lanes.as_ref().map(CompiledSystem::initial);
        let mut count_key = counts.initial();
        for (i, &stimulus) in run.iter().enumerate() {
            state = system.step(state, stimulus).next;
            if let (Some(compiled), Some(key)) = (lanes.as_ref(), lane_key.as_mut()) {
                *key = compiled.step(*key, stimulus);
                prop_assert_eq!(
                    compiled.decode(*key),
                    state,
                    "step {} ({}), lanes",
                    i,
                    stimulus
                );
            }
            count_key = counts.step(count_key, stimulus);
            prop_assert_eq!(
                counts.decode(count_key),
                system.canonical(state),
                "step {} ({}), counts",
                i,
                stimulus
            );
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
