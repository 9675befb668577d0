//! An independent engine agrees with ours: stateright's breadth-first checker, stepping the
//! composed system through the same `System::step`, finds exactly the reachable states our
//! explorer finds, for three configurations (issue: exhaustive checking of the system).

#[path = "../benches/support/stateright_adapter.rs"]
mod stateright_adapter;

use fsm::explore::{explore, Completeness, Limits};
use stateright::{Checker, Model as _};
use stateright_adapter::Adapter;
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::{System, SystemConfig};

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
