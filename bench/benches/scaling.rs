//! The scaling curve with symmetry reduction: states, time and peak memory per number of
//! remote views, for both endpoint kinds.
//!
//! Each configuration runs in its own child process of this bench binary, so its peak
//! resident set size (`VmHWM` of `/proc/self/status`, which includes the binary and the
//! allocator's retained memory) is that configuration's alone. Per configuration:
//! - `reach`: the lean count-only search ([`reach_keys`]) over the
//!   [`CompiledSystem`] in its counts layout (compiling included), best of
//!   `UCMA_BENCH_RUNS` (default 3) runs, with its own peak RSS;
//! - `check`: the full `ucma-ha check` work ([`properties::check`]: graph, every property,
//!   liveness) in another child, one run, with its peak RSS.
//!
//! Views: `UCMA_BENCH_VIEWS` (comma-separated, default 1, 2, 4, 8, 12, ..., 32; at most
//! `MAX_VIEWS`).
//! Run: `cargo bench -p ucma-ha-bench --bench scaling`. Not a criterion benchmark: each figure is one
//! exhaustive search, timed with `Instant`.

use std::process::Command;
use std::time::Instant;

use fsm::explore::Limits;
use ucma_ha::checker as properties;
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig, MAX_VIEWS};

use ucma_ha_bench::peak_rss::peak_rss_kib;
use ucma_ha_bench::reach::reach_keys;

const CHILD: &str = "UCMA_BENCH_CHILD";

fn config(endpoint: &str, views: usize) -> SystemConfig {
    SystemConfig {
        endpoint: if endpoint == "application" {
            EndpointKind::Application
        } else {
            EndpointKind::User
        },
        remote_views: views,
        ..SystemConfig::default()
    }
}

/// In a child: `MODE:ENDPOINT:VIEWS`; prints `states transitions depth secs kib passed`.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let views: usize = parts[2].parse().expect("views");
    let system = System::new(config(parts[1], views)).expect("builds");
    let limits = Limits {
        symmetry: true,
        ..Limits::default()
    };
    let started = Instant::now();
    let (states, transitions, depth, passed) = if parts[0] == "reach" {
        let compiled = CompiledSystem::new(&system, Layout::Counts).expect("compiles");
        let found = reach_keys(&compiled, compiled.key_bits(), limits, |_| {});
        (found.states, found.transitions, found.depth, true)
    } else {
        let report = properties::check(&system, limits, |_| {});
        (
            report.states,
            report.transitions,
            report.depth,
            report.passed(),
        )
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{states} {transitions} {depth} {secs} {} {passed}",
        peak_rss_kib()
    );
}

struct Run {
    states: usize,
    transitions: usize,
    depth: usize,
    secs: f64,
    kib: u64,
    passed: bool,
}

fn spawn(spec: &str, runs: usize) -> Run {
    let exe = std::env::current_exe().expect("the bench binary");
    let mut best: Option<Run> = None;
    for _ in 0..runs {
        let output = Command::new(&exe)
            .env(CHILD, spec)
            .output()
            .expect("the child runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let f: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(f.len(), 6, "child output for {spec}: {text}");
        let run = Run {
            states: f[0].parse().expect("states"),
            transitions: f[1].parse().expect("transitions"),
            depth: f[2].parse().expect("depth"),
            secs: f[3].parse().expect("seconds"),
            kib: f[4].parse().expect("kib"),
            passed: f[5] == "true",
        };
        if best.as_ref().is_none_or(|b| run.secs < b.secs) {
            best = Some(run);
        }
    }
    best.expect("one run")
}

/// The views the default run times (the largest check takes a few seconds); other
/// counts, up to `MAX_VIEWS`, through `UCMA_BENCH_VIEWS`.
const DEFAULT_VIEWS: [usize; 10] = [1, 2, 4, 8, 12, 16, 20, 24, 28, 32];

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let views: Vec<usize> = match std::env::var("UCMA_BENCH_VIEWS") {
        Ok(list) => list
            .split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect(),
        Err(_) => DEFAULT_VIEWS
            .into_iter()
            .filter(|&v| v <= MAX_VIEWS)
            .collect(),
    };
    let runs: usize = std::env::var("UCMA_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    println!("scaling with symmetry reduction, 1 thread (reach: best of {runs}; check: 1 run)");
    println!(
        "| endpoint | views | states | transitions | depth | reach (s) | states/s | reach peak RSS (MiB) | bytes/state | check (s) | check peak RSS (MiB) | check |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for endpoint in ["user", "application"] {
        for &v in &views {
            let lean = spawn(&format!("reach:{endpoint}:{v}"), runs);
            let full = spawn(&format!("check:{endpoint}:{v}"), 1);
            assert_eq!(
                lean.states, full.states,
                "{endpoint} views={v}: same states"
            );
            assert_eq!(lean.transitions, full.transitions, "{endpoint} views={v}");
            assert_eq!(lean.depth, full.depth, "{endpoint} views={v}");
            println!(
                "| {endpoint} | {v} | {} | {} | {} | {:.3} | {:.0} | {:.1} | {:.1} | {:.3} | {:.1} | {} |",
                lean.states,
                lean.transitions,
                lean.depth,
                lean.secs,
                lean.states as f64 / lean.secs,
                lean.kib as f64 / 1024.0,
                lean.kib as f64 * 1024.0 / lean.states as f64,
                full.secs,
                full.kib as f64 / 1024.0,
                if full.passed { "passed" } else { "FAILED" },
            );
        }
    }
}
