//! The numbering of the compiled system along random runs (a property test; the
//! exhaustive comparisons are in `tests/compiled.rs`).

use std::cell::RefCell;
use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha_bench::numbered::RankedSystem;
use ucma_ha_bench::ranked::{Located, Ranked};

#[path = "../../proptests/systems.rs"]
mod systems;
use systems::{shaped_system, shapes, stimuli};

/// The longest run.
const MAX_STEPS: usize = 200;

/// proptest's defaults (256 cases unless `PROPTEST_CASES` says otherwise), no regression
/// files.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

/// The numbering of the compiled system (`RankedSystem`) along random runs in random
/// configurations, up to the 19 views lanes hold: every state met is numbered (the
/// precedence between pairs learned from 3 views holds with more; AF-RPSS orders the
/// views), its rank is within its block, its block is the counts key of the same state,
/// and the place leads back to the key.
#[test]
fn numbering_round_trips_along_random_runs() {
    type Numbered = (
        &'static CompiledSystem,
        CompiledSystem,
        RankedSystem<'static>,
    );
    let cache: RefCell<HashMap<(bool, bool, bool, usize), Numbered>> = RefCell::default();
    let shape = shapes(prop::sample::select(vec![1usize, 3, 8, 14, 19]));
    let strategy = (shape, prop::collection::vec(stimuli(), 1..=MAX_STEPS));
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |(shape, run)| {
        let mut cache = cache.borrow_mut();
        let (lanes, counts, ranked) = cache.entry(shape).or_insert_with(|| {
            let system = shaped_system(shape);
            // Leaked once per shape (at most 40), so the numbering can borrow it.
            let lanes: &'static CompiledSystem = Box::leak(Box::new(
                CompiledSystem::new(&system, Layout::Lanes).expect("lanes compile"),
            ));
            let counts = CompiledSystem::new(&system, Layout::Counts).expect("counts compile");
            (lanes, counts, RankedSystem::new(lanes).expect("numbers"))
        });
        let mut key = lanes.initial();
        for (i, &stimulus) in run.iter().enumerate() {
            key = lanes.step(key, stimulus);
            let Located::Ranked(place) = ranked.locate(key) else {
                return Err(TestCaseError::fail(format!(
                    "step {i} ({stimulus}): {key:#x} is not numbered"
                )));
            };
            let len = ranked.block_len(place.block);
            prop_assert!(len.is_some_and(|len| place.rank < len), "step {}: rank", i);
            prop_assert_eq!(ranked.key(place), Some(key), "step {}: round trip", i);
            prop_assert_eq!(
                counts.encode(lanes.decode(key)),
                Some(place.block),
                "step {}: block",
                i
            );
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
