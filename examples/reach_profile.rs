//! Profiling aid: the lean search of one configuration, then the time of each stimulus's
//! macro-step over every reachable state (`cargo run --release --example reach_profile --
//! VIEWS [sym]`; for `perf`, build with `CARGO_PROFILE_RELEASE_DEBUG=true`).
use fsm::explore::{reach, Limits};
use ucma_ha::system::{Packed, System, SystemConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let views: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(10);
    let symmetry = args.next().is_some();
    let system = System::new(SystemConfig {
        remote_views: views,
        ..SystemConfig::default()
    })
    .expect("builds");
    let started = std::time::Instant::now();
    let found = reach(
        &system,
        Limits {
            symmetry,
            ..Limits::default()
        },
        |_| {},
    );
    println!("{found:?} in {:?}", started.elapsed());
    per_stimulus(&system);
}

/// Time per stimulus over every reachable state (printed after the search).
fn per_stimulus(system: &System) {
    let graph = fsm::explore::explore(system, Limits::default(), |_| {});
    let states: Vec<Packed> = graph.graph.node_weights().copied().collect();
    for &stimulus in System::stimuli() {
        let started = std::time::Instant::now();
        let mut sink = Packed::default();
        for &state in &states {
            sink ^= system.step(state, stimulus).next;
        }
        let ns = started.elapsed().as_nanos() as f64 / states.len() as f64;
        println!("{stimulus:<24} {ns:>8.1} ns/step ({sink:x})");
    }
}
