//! The compiled system (`ucma_ha::system::compiled`) steps exactly like the system it was
//! compiled from: on every reachable state of every configuration shape, for every
//! stimulus, in both layouts (AF-RPSS for the free view; every clause the system cites,
//! since the compiled tables are learned from its macro-steps). That a wiring which is
//! not pair-local does not compile is a unit test next to the memo's (`src/system/tests.rs`).

use fsm::explore::{explore, reach, reach_keys, Limits, Reach};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompileError, CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig, MAX_VIEWS};

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
