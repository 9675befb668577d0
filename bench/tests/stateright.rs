//! An independent engine agrees with ours: stateright's breadth-first checker, stepping the
//! composed system through the same `System::step`, finds exactly the reachable states our
//! explorer finds, for three configurations (issue: exhaustive checking of the system);
//! and over the compiled system it finds what `reach_keys` finds (the pair the
//! performance bench times).

use fsm::explore::{explore, Completeness, Limits};
use stateright::{Checker, Model as _};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig};
use ucma_ha_bench::reach::reach_keys;
use ucma_ha_bench::stateright_adapter::{Adapter, Compiled};

fn system(config: SystemConfig) -> System {
    System::new(config).expect("the shipped system builds")
}

#[test]
fn stateright_finds_the_same_reachable_states() {
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
        SystemConfig {
            remote_views: 3,
            remote_home_pool: false,
            ..SystemConfig::default()
        },
    ] {
        let ours = explore(&system(config), Limits::default(), |_| {});
        assert_eq!(ours.completeness, Completeness::Complete);
        let theirs = Adapter(system(config)).checker().spawn_bfs().join();
        assert_eq!(
            theirs.unique_state_count(),
            ours.graph.node_count(),
            "{config:?}"
        );
    }
}

#[test]
fn stateright_over_the_compiled_system_finds_the_same_states() {
    for config in [
        SystemConfig {
            remote_views: 4,
            ..SystemConfig::default()
        },
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 3,
            ..SystemConfig::default()
        },
    ] {
        let compiled = CompiledSystem::new(&system(config), Layout::Lanes).expect("compiles");
        let ours = reach_keys(&compiled, compiled.key_bits(), Limits::default(), |_| {});
        let theirs = Compiled(compiled).checker().spawn_bfs().join();
        assert_eq!(theirs.unique_state_count(), ours.states, "{config:?}");
    }
}
