//! The compiled system (`ucma_ha::system::compiled`) steps exactly like the system it was
//! compiled from: on every reachable state of every configuration shape, for every
//! stimulus, in both layouts (AF-RPSS for the free view; every clause the system cites,
//! since the compiled tables are learned from its macro-steps). That a wiring which is
//! not pair-local does not compile is a unit test next to the memo's (`src/system/tests.rs`).
//!
//! Its numbering ([`RankedSystem`]) gives every reachable state its own place: the
//! numbered search counts what the hashing search counts, one bit a state, and a
//! numbering that fits badly still counts exactly through the side set. It stays exact
//! on a mutant (AF-RPSS changed).

use fsm::explore::{explore, Completeness, Limits};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompileError, CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig, MAX_VIEWS};
use ucma_ha_bench::numbered::{NumberError, RankedSystem};
use ucma_ha_bench::ranked::{reach_ranked, Located, Ranked};
use ucma_ha_bench::reach::{reach, reach_keys, Reach};

fn every_shape(views: impl Iterator<Item = usize> + Clone) -> Vec<SystemConfig> {
    let mut configs = Vec::new();
    for endpoint in [EndpointKind::User, EndpointKind::Application] {
        for remote_home_pool in [true, false] {
            for refresh_on_connection_drop in [true, false] {
                for remote_views in views.clone() {
                    configs.push(SystemConfig {
                        endpoint,
                        remote_views,
                        remote_home_pool,
                        refresh_on_connection_drop,
                    });
                }
            }
        }
    }
    configs
}

fn counts(found: Reach) -> (usize, usize, usize, usize) {
    (
        found.states,
        found.transitions,
        found.unchanged,
        found.depth,
    )
}

/// The lean search over a compiled system's keys.
fn compiled_search(compiled: &CompiledSystem, limits: Limits) -> (usize, usize, usize, usize) {
    counts(reach_keys(compiled, compiled.key_bits(), limits, |_| {}))
}

/// Lanes without symmetry and counts with it count what the system's own search counts.
fn searches_agree(system: &System, lanes: &CompiledSystem, counted: &CompiledSystem) {
    let config = system.config();
    let symmetric = Limits {
        symmetry: true,
        ..Limits::default()
    };
    assert_eq!(
        compiled_search(lanes, Limits::default()),
        counts(reach(system, Limits::default(), |_| {})),
        "{config:?}: lanes search"
    );
    assert_eq!(
        compiled_search(counted, symmetric),
        counts(reach(system, symmetric, |_| {})),
        "{config:?}: counts search"
    );
}

/// Every reachable state, every stimulus: the compiled step decodes to the system's step
/// (its canonical form under counts), and the searches count the same.
fn agrees(system: &System) {
    let config = system.config();
    let lanes = CompiledSystem::new(system, Layout::Lanes).expect("lanes compile");
    let full = explore(system, Limits::default(), |_| {});
    for &state in full.graph.node_weights() {
        let key = lanes
            .encode(state)
            .expect("reachable states are in the closure");
        assert_eq!(lanes.decode(key), state, "{config:?}: lanes round trip");
        assert_eq!(
            lanes.decode(lanes.canonical(key)),
            system.canonical(state),
            "{config:?}: lanes canonical form"
        );
        for &stimulus in System::stimuli() {
            assert_eq!(
                lanes.decode(lanes.step(key, stimulus)),
                system.step(state, stimulus).next,
                "{config:?}: {stimulus} from {state:x}"
            );
        }
    }
    let symmetric = Limits {
        symmetry: true,
        ..Limits::default()
    };
    let counted = CompiledSystem::new(system, Layout::Counts).expect("counts compile");
    let reduced = explore(system, symmetric, |_| {});
    for &state in reduced.graph.node_weights() {
        let key = counted.encode(state).expect("in the closure");
        assert_eq!(counted.decode(key), state, "{config:?}: counts round trip");
        for &stimulus in System::stimuli() {
            assert_eq!(
                counted.decode(counted.step(key, stimulus)),
                system.canonical(system.step(state, stimulus).next),
                "{config:?}: {stimulus} from {state:x} (counts)"
            );
        }
    }
    searches_agree(system, &lanes, &counted);
    assert_eq!(
        compiled_search(&lanes, symmetric),
        counts(reach(system, symmetric, |_| {})),
        "{config:?}: lanes search with symmetry"
    );
}

#[test]
fn compiled_steps_like_the_system_in_every_configuration_shape() {
    for config in every_shape(0..=3) {
        agrees(&System::new(config).expect("builds"));
    }
}

#[test]
fn compiled_counts_agree_with_more_views() {
    for config in every_shape([6].into_iter()) {
        let system = System::new(config).expect("builds");
        let lanes = CompiledSystem::new(&system, Layout::Lanes).expect("lanes compile");
        let counted = CompiledSystem::new(&system, Layout::Counts).expect("counts compile");
        searches_agree(&system, &lanes, &counted);
    }
}

#[test]
fn the_free_view_is_the_least_accepting_one() {
    // AF-RPSS: SubscribeRemotePresence subscribes one view, the least (view,
    // subscription) pair that accepts; with views in different pairs the compiled step
    // must pick the same lane as the system.
    use ucma_ha::system::SystemStimulus::*;
    let system = System::new(SystemConfig {
        remote_views: 4,
        ..SystemConfig::default()
    })
    .expect("builds");
    let lanes = CompiledSystem::new(&system, Layout::Lanes).expect("compiles");
    let mut state = system.initial();
    let mut key = lanes.initial();
    let walk = [
        BeginEstablish,
        SubscribeRemotePresence,
        PoolFails,
        SubscribeRemotePresence,
        RetryTimerFires,
        PoolRecovers,
        RegistrationRefreshDue,
        SubscribeRemotePresence,
        SubscribeRemotePresence,
        SubscribeRemotePresence,
        OwnerDisabled,
        SubscribeRemotePresence,
    ];
    for stimulus in walk {
        state = system.step(state, stimulus).next;
        key = lanes.step(key, stimulus);
        assert_eq!(lanes.decode(key), state, "after {stimulus}");
    }
}

#[test]
fn the_largest_configurations_fit_their_layouts() {
    let views = |remote_views| {
        System::new(SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views,
            ..SystemConfig::default()
        })
        .expect("builds")
    };
    let counted = CompiledSystem::new(&views(MAX_VIEWS), Layout::Counts).expect("compiles");
    assert!(counted.key_bits() <= 64);
    let lanes = CompiledSystem::new(&views(14), Layout::Lanes).expect("compiles");
    assert!(lanes.key_bits() <= 64);
    assert!(matches!(
        CompiledSystem::new(&views(MAX_VIEWS), Layout::Lanes),
        Err(CompileError::TooWide { .. })
    ));
}

/// The numbered search of a configuration against the hashing one: same counts (under a
/// state limit, the same states and depth: which steps are counted before the search
/// stops depends on the order a level is visited in). Every state is numbered, and a
/// complete search has exactly one slot a state except for the application endpoint subscribing outside its
/// home pool, whose views also keep runs the precedence does not capture.
fn numbered_search_agrees(config: SystemConfig, limits: Limits) {
    let system = System::new(config).expect("builds");
    let lanes = CompiledSystem::new(&system, Layout::Lanes).expect("lanes compile");
    let ranked = RankedSystem::new(&lanes).expect("numbers");
    let dense = reach_ranked(&ranked, limits);
    let hashed = reach_keys(&lanes, lanes.key_bits(), limits, |_| {});
    let levels = |found: Reach| (found.states, found.depth, found.completeness);
    assert_eq!(levels(dense.reach), levels(hashed), "{config:?}: levels");
    if hashed.completeness == Completeness::StateLimit {
        return;
    }
    assert_eq!(counts(dense.reach), counts(hashed), "{config:?}: counts");
    assert_eq!(dense.reach.widest_level, hashed.widest_level, "{config:?}");
    assert_eq!(dense.unranked, 0, "{config:?}: every state numbered");
    if hashed.completeness != Completeness::Complete {
        return; // a block met at the last level may hold words deeper down
    }
    let slots = dense.slots as f64 / hashed.states as f64;
    if config.endpoint == EndpointKind::Application && !config.remote_home_pool {
        assert!(
            (1.0..3.0).contains(&slots),
            "{config:?}: {slots} slots a state"
        );
    } else {
        assert_eq!(
            dense.slots, hashed.states as u64,
            "{config:?}: one slot a state"
        );
    }
}

#[test]
fn the_numbered_search_counts_every_configuration_shape() {
    for config in every_shape(0..=6) {
        numbered_search_agrees(config, Limits::default());
    }
    numbered_search_agrees(
        SystemConfig {
            remote_views: 10,
            ..SystemConfig::default()
        },
        Limits::default(),
    );
}

#[test]
fn the_numbered_search_stops_where_the_hashing_search_stops() {
    let config = SystemConfig {
        remote_views: 5,
        ..SystemConfig::default()
    };
    for limits in [
        Limits {
            max_states: 1000,
            ..Limits::default()
        },
        Limits {
            max_depth: 4,
            ..Limits::default()
        },
    ] {
        numbered_search_agrees(config, limits);
    }
}

#[test]
fn every_reachable_state_has_its_own_place() {
    for config in every_shape([4].into_iter()) {
        let system = System::new(config).expect("builds");
        let lanes = CompiledSystem::new(&system, Layout::Lanes).expect("lanes compile");
        let counted = CompiledSystem::new(&system, Layout::Counts).expect("counts compile");
        let ranked = RankedSystem::new(&lanes).expect("numbers");
        let mut places = std::collections::HashSet::new();
        reach_keys(&lanes, lanes.key_bits(), Limits::default(), |&key| {
            let Located::Ranked(place) = ranked.locate(key) else {
                panic!("{config:?}: {key:#x} is not numbered");
            };
            let len = ranked.block_len(place.block).expect("a block");
            assert!(place.rank < len, "{config:?}: rank within the block");
            assert_eq!(ranked.key(place), Some(key), "{config:?}: round trip");
            // The block is the counts key of the same state.
            let state = lanes.decode(key);
            assert_eq!(
                counted.encode(state),
                Some(place.block),
                "{config:?}: block"
            );
            assert!(places.insert(place), "{config:?}: {key:#x} shares a place");
        });
    }
}

#[test]
fn a_precedence_that_fits_badly_still_counts_exactly() {
    // AF-RPSS orders the views; a numbering told otherwise either wastes slots (every
    // pair may precede every other: all arrangements numbered) or leaves states to the
    // side set (no pair may precede another: only words of one pair are numbered).
    let config = SystemConfig {
        remote_views: 5,
        ..SystemConfig::default()
    };
    let system = System::new(config).expect("builds");
    let lanes = CompiledSystem::new(&system, Layout::Lanes).expect("lanes compile");
    let hashed = reach_keys(&lanes, lanes.key_bits(), Limits::default(), |_| {});
    let loose = RankedSystem::with_precedence(&lanes, |_, _| true).expect("numbers");
    let found = reach_ranked(&loose, Limits::default());
    assert_eq!(counts(found.reach), counts(hashed));
    assert_eq!(found.unranked, 0);
    assert!(
        found.slots > hashed.states as u64,
        "every arrangement has a slot"
    );
    let strict = RankedSystem::with_precedence(&lanes, |_, _| false).expect("numbers");
    let found = reach_ranked(&strict, Limits::default());
    assert_eq!(counts(found.reach), counts(hashed));
    assert!(found.unranked > 0, "mixed words are left to the side set");
    assert_eq!(found.slots + found.unranked as u64, hashed.states as u64);
}

#[test]
fn only_a_lanes_system_is_numbered() {
    let system = System::new(SystemConfig::default()).expect("builds");
    let counted = CompiledSystem::new(&system, Layout::Counts).expect("compiles");
    assert_eq!(
        RankedSystem::new(&counted).map(|_| ()),
        Err(NumberError::NeedsLanes)
    );
}

// ---------------------------------------------------------------------------------------
// The numbered search on a mutant: exact whatever the numbering covers
// ---------------------------------------------------------------------------------------

#[test]
fn the_numbered_search_counts_a_mutant_like_the_hashing_search() {
    // AF-RPSS mutated: a view waiting for retry accepts BeginSubscribe, so the free-view
    // choice and the order of views change; the precedence is learned from the mutant.
    use std::borrow::Cow;
    use ucma_ha::remote_presence::{RemotePresenceParameters, RemotePresenceStimulus as Rps};
    use ucma_ha::system::{wiring, Tables};
    use ucma_ha::vocabulary::RemotePresentitySubscriptionState as Rss;
    let mut t = Tables::for_config(&SystemConfig::default()).expect("tables");
    let mut rows = <ucma_ha::remote_presence::RemotePresence as fsm::Machine>::rows().to_vec();
    let picked: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].from == Rss::WaitingForRetry && rows[i].on == Rps::BeginSubscribe)
        .collect();
    assert_eq!(picked.len(), 1, "the mutation picks exactly one row");
    rows[picked[0]].outcome = fsm::RowOutcome::Move {
        to: Rss::Subscribing,
        emits: &[],
    };
    t.remote_presence = fsm::Table::from_rows(
        Cow::Owned(rows),
        RemotePresenceParameters {
            home_pool: SystemConfig::default().remote_home_pool,
        },
    )
    .expect("the mutant compiles");
    let config = SystemConfig {
        remote_views: 6,
        ..SystemConfig::default()
    };
    let system = System::with(
        config,
        t,
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("the mutant builds");
    let compiled = CompiledSystem::new(&system, Layout::Lanes).expect("compiles");
    let ranked = RankedSystem::new(&compiled).expect("numbers");
    let dense = reach_ranked(&ranked, Limits::default());
    let hashed = reach_keys(&compiled, compiled.key_bits(), Limits::default(), |_| {});
    let shipped = System::new(config).expect("builds");
    let shipped_states = reach_keys(
        &CompiledSystem::new(&shipped, Layout::Lanes).expect("compiles"),
        compiled.key_bits(),
        Limits::default(),
        |_| {},
    )
    .states;
    assert_ne!(
        hashed.states, shipped_states,
        "the mutant changes the space"
    );
    assert_eq!(
        (
            dense.reach.states,
            dense.reach.transitions,
            dense.reach.unchanged
        ),
        (hashed.states, hashed.transitions, hashed.unchanged)
    );
    assert_eq!(dense.reach.depth, hashed.depth);
}
