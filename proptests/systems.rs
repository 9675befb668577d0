//! Strategies for the composed system, shared by the property tests of the system and of
//! the checker and by the speed layers' numbering test (`bench/tests/numbering.rs`
//! includes this file with `#[path]`).

use fsm::Symbol;
use proptest::prelude::*;
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::{System, SystemConfig, SystemStimulus};

/// The shape of a configuration: (user endpoint, subscribing in the home pool, refreshing
/// on a dropped connection, remote views). A tuple, so that a test can keep what it
/// builds per shape.
pub type Shape = (bool, bool, bool, usize);

/// Every shape with one of `views` remote views.
pub fn shapes(views: impl Strategy<Value = usize>) -> impl Strategy<Value = Shape> {
    (any::<bool>(), any::<bool>(), any::<bool>(), views)
}

/// The configuration of a shape.
pub fn config(shape: Shape) -> SystemConfig {
    let (user, remote_home_pool, refresh_on_connection_drop, remote_views) = shape;
    SystemConfig {
        endpoint: if user {
            EndpointKind::User
        } else {
            EndpointKind::Application
        },
        remote_views,
        remote_home_pool,
        refresh_on_connection_drop,
    }
}

/// The shipped system in a shape.
pub fn shaped_system(shape: Shape) -> System {
    System::new(config(shape)).expect("the shipped system builds")
}

/// The system stimuli (docs/CONTRACT.md section 2), weighted: the world and the timers, which
/// drive outages and recoveries, about as often as the application's calls.
pub fn stimuli() -> BoxedStrategy<SystemStimulus> {
    let of = |keep: fn(SystemStimulus) -> bool| {
        prop::sample::select(
            SystemStimulus::all()
                .filter(|&s| keep(s))
                .collect::<Vec<_>>(),
        )
    };
    prop_oneof![
        3 => of(SystemStimulus::is_application),
        2 => of(|s| !s.is_application() && !s.is_timer()),
        3 => of(SystemStimulus::is_timer),
    ]
    .boxed()
}
