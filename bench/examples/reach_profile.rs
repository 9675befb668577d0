//! Profiling aid: one configuration searched four ways (numbered, hashed keys,
//! interpreted), then the time of each stimulus's interpreted macro-step over every
//! reachable state.
//!
//! `cargo run --release -p ucma-ha-bench --example reach_profile -- VIEWS [sym] [application]`; for `perf`,
//! build with `CARGO_PROFILE_RELEASE_DEBUG=true`.
use std::time::Instant;

use fsm::explore::Limits;
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{Packed, System, SystemConfig};
use ucma_ha_bench::numbered::RankedSystem;
use ucma_ha_bench::ranked::reach_ranked;
use ucma_ha_bench::reach::{reach, reach_keys};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let views: usize = args.first().and_then(|v| v.parse().ok()).unwrap_or(10);
    let symmetry = args.iter().any(|a| a == "sym");
    let endpoint = if args.iter().any(|a| a == "application") {
        EndpointKind::Application
    } else {
        EndpointKind::User
    };
    let system = System::new(SystemConfig {
        remote_views: views,
        endpoint,
        ..SystemConfig::default()
    })?;
    let limits = Limits {
        symmetry,
        ..Limits::default()
    };
    let layout = if symmetry {
        Layout::Counts
    } else {
        Layout::Lanes
    };
    let started = Instant::now();
    let compiled = CompiledSystem::new(&system, layout)?;
    println!(
        "compiled in {:?}: {} shared parts, {} pairs, {}-bit keys",
        started.elapsed(),
        compiled.shared_parts(),
        compiled.pairs(),
        compiled.key_bits()
    );
    if layout == Layout::Lanes {
        let started = Instant::now();
        let ranked = RankedSystem::new(&compiled)?;
        let numbered = reach_ranked(&ranked, limits);
        println!("numbered search: {numbered:?} in {:?}", started.elapsed());
    }
    let started = Instant::now();
    let fast = reach_keys(&compiled, compiled.key_bits(), limits, |_| {});
    println!("compiled search: {fast:?} in {:?}", started.elapsed());
    let started = Instant::now();
    let slow = reach(&system, limits, |_| {});
    println!("interpreted search: {slow:?} in {:?}", started.elapsed());
    per_stimulus(&system, limits);
    Ok(())
}

/// Time per stimulus over every reachable state (printed after the searches).
fn per_stimulus(system: &System, limits: Limits) {
    let mut states: Vec<Packed> = Vec::new();
    reach(system, limits, |state| states.push(*state));
    for &stimulus in System::stimuli() {
        let started = Instant::now();
        let mut sink = Packed::default();
        for &state in &states {
            sink ^= system.step(state, stimulus).next;
        }
        let ns = started.elapsed().as_nanos() as f64 / states.len() as f64;
        println!("{stimulus:<24} {ns:>8.1} ns/step ({sink:x})");
    }
}
