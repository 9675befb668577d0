//! Exhaustive exploration throughput of the composed system, ours against stateright's
//! breadth-first checker on the identical model.
//!
//! Two models, each explored by both engines through the very same step function, from
//! the same initial state, trying the same 17 stimuli in every state and storing a state
//! only when it is new; the bench asserts that every engine counts the same states.
//! Symmetry is off (stateright has no symmetry reduction here). User endpoint.
//! - *compiled*: the [`CompiledSystem`] (lanes layout, 64-bit keys). `ours` is
//!   [`reach_ranked`] over the [`RankedSystem`] numbering (a bitmap visited
//!   set), `ours-hashed` is [`reach_keys`] (a hashed visited set of keys),
//!   `graph` is [`fsm::explore::explore`] (the search `check` uses), `stateright` is
//!   `checker().threads(1).spawn_bfs()` over `CompiledSystem::step`. Our times include
//!   compiling the system (and, for `ours`, learning the numbering).
//! - *interpreted*: `System::step` on the packed 40-byte state: `ours (interpreted)` is
//!   [`reach`], `stateright (interpreted)` the same checker over it.
//!
//! Two parts:
//! 1. criterion groups `explore/views=N` for `remote_views` 1..=6;
//! 2. a headline table (printed, not a criterion group): every configuration of
//!    `UCMA_BENCH_VIEWS` (default `8,10,12,14`), each engine run in its own child process
//!    of this bench binary, so the peak RSS (`VmHWM` of `/proc/self/status`) belongs to
//!    that engine alone; best of `UCMA_BENCH_RUNS` (default 3) wall-clock runs.
//!
//! The headline table also runs SPIN (`pan` on the model `ucma-ha export promela` writes,
//! one core, breadth first and depth first, safety only) and asserts it stores as many
//! states; without `spin` or `gcc` on the PATH its rows say so and the rest runs.
//!
//! Run: `cargo bench -p ucma-ha-bench --bench explore` (`-- --skip-criterion` prints only the table).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use fsm::explore::{explore, Limits};
use stateright::{Checker, Model as _};
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig};
use ucma_ha_bench::numbered::RankedSystem;
use ucma_ha_bench::peak_rss::peak_rss_kib;
use ucma_ha_bench::ranked::reach_ranked;
use ucma_ha_bench::reach::{reach, reach_keys};
use ucma_ha_bench::spin::{self, SpinSearch};
use ucma_ha_bench::stateright_adapter::{Adapter, Compiled};

fn system(views: usize) -> System {
    System::new(SystemConfig {
        remote_views: views,
        ..SystemConfig::default()
    })
    .expect("the shipped system builds")
}

fn compiled(views: usize) -> CompiledSystem {
    CompiledSystem::new(&system(views), Layout::Lanes).expect("the shipped system compiles")
}

/// The engines, by the name a child is asked to run.
const ENGINES: [&str; 6] = [
    "ours",
    "ours-hashed",
    "graph",
    "stateright",
    "ours-interpreted",
    "stateright-interpreted",
];

/// Runs one engine on one configuration: `(states, transitions)`.
fn run(engine: &str, views: usize) -> (usize, usize) {
    match engine {
        "ours" => {
            let model = compiled(views);
            let ranked = RankedSystem::new(&model).expect("the shipped system is numbered");
            let found = reach_ranked(&ranked, Limits::default()).reach;
            (found.states, found.transitions)
        }
        "ours-hashed" => {
            let model = compiled(views);
            let found = reach_keys(&model, model.key_bits(), Limits::default(), |_| {});
            (found.states, found.transitions)
        }
        "graph" => {
            let found = explore(&compiled(views), Limits::default(), |_| {});
            (found.graph.node_count(), found.graph.edge_count())
        }
        "stateright" => {
            let checker = Compiled(compiled(views))
                .checker()
                .threads(1)
                .spawn_bfs()
                .join();
            (checker.unique_state_count(), checker.state_count())
        }
        "ours-interpreted" => {
            let found = reach(&system(views), Limits::default(), |_| {});
            (found.states, found.transitions)
        }
        _ => {
            let checker = Adapter(system(views))
                .checker()
                .threads(1)
                .spawn_bfs()
                .join();
            (checker.unique_state_count(), checker.state_count())
        }
    }
}

fn criterion_groups(c: &mut Criterion) {
    for views in 1..=6 {
        let states: Vec<usize> = ENGINES.iter().map(|e| run(e, views).0).collect();
        assert!(
            states.iter().all(|&n| n == states[0]),
            "views={views}: every engine finds the same states: {states:?}"
        );
        let mut group = c.benchmark_group(format!("explore/views={views}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for engine in ENGINES {
            group.bench_function(engine, |b| b.iter(|| black_box(run(engine, views))));
        }
        group.finish();
    }
}

criterion_group!(groups, criterion_groups);

const CHILD: &str = "UCMA_BENCH_CHILD";

/// In a child: run one engine on one configuration and print `states transitions secs kib`.
fn child(spec: &str) {
    let (engine, views) = spec.split_once(':').expect("ENGINE:VIEWS");
    let views: usize = views.parse().expect("a number of views");
    let started = Instant::now();
    let (states, transitions) = run(engine, views);
    let secs = started.elapsed().as_secs_f64();
    println!("{states} {transitions} {secs} {}", peak_rss_kib());
}

struct Run {
    states: usize,
    transitions: usize,
    secs: f64,
    kib: u64,
}

fn spawn(engine: &str, views: usize, runs: usize) -> Run {
    let exe = std::env::current_exe().expect("the bench binary");
    let mut best: Option<Run> = None;
    for _ in 0..runs {
        let output = Command::new(&exe)
            .env(CHILD, format!("{engine}:{views}"))
            .output()
            .expect("the child runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(fields.len(), 4, "child output: {text}");
        let run = Run {
            states: fields[0].parse().expect("states"),
            transitions: fields[1].parse().expect("transitions"),
            secs: fields[2].parse().expect("seconds"),
            kib: fields[3].parse().expect("kib"),
        };
        if best.as_ref().is_none_or(|b| run.secs < b.secs) {
            best = Some(run);
        }
    }
    best.expect("at least one run")
}

fn headline() {
    let views: Vec<usize> = std::env::var("UCMA_BENCH_VIEWS")
        .unwrap_or_else(|_| "8,10,12,14".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("UCMA_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    println!("\nexhaustive exploration, user endpoint, no symmetry, 1 thread, best of {runs}");
    println!(
        "| views | engine | states | transitions | time (s) | states/s | transitions/s | peak RSS (MiB) | bytes/state | ratio |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &v in &views {
        let runs: Vec<(&str, Run)> = ENGINES.iter().map(|e| (*e, spawn(e, v, runs))).collect();
        for (engine, run) in &runs {
            assert_eq!(
                run.states, runs[0].1.states,
                "views={v}: {engine} finds the same states"
            );
        }
        let time = |name: &str| {
            runs.iter()
                .find(|(engine, _)| *engine == name)
                .map_or(f64::NAN, |(_, run)| run.secs)
        };
        for (engine, run) in &runs {
            let baseline = if engine.ends_with("interpreted") {
                time("stateright-interpreted")
            } else {
                time("stateright")
            };
            println!(
                "| {v} | {engine} | {} | {} | {:.3} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1}x |",
                run.states,
                run.transitions,
                run.secs,
                run.states as f64 / run.secs,
                run.transitions as f64 / run.secs,
                run.kib as f64 / 1024.0,
                run.kib as f64 * 1024.0 / run.states as f64,
                baseline / run.secs,
            );
        }
        println!(
            "| {v} | ours against stateright (interpreted) | | | | | | | | {:.1}x |",
            time("stateright-interpreted") / time("ours")
        );
        spin_rows(v, runs[0].1.states, time("stateright"));
    }
    println!(
        "(ratio = stateright's time on the same model / this engine's time; stateright's \
         transitions count every successor it generated)"
    );
}

/// SPIN's rows of the headline table: `pan` on the exported model, breadth first and
/// depth first, its state count asserted equal to ours and no error found. The time is
/// pan's run alone (not `spin -a` and `gcc`), the memory pan's own report (it runs in a
/// process of its own). Skipped, with the reason, when `spin` or `gcc` is missing.
fn spin_rows(views: usize, states: usize, stateright_secs: f64) {
    if let Some(reason) = spin::missing() {
        println!("| {views} | SPIN skipped: {reason} | | | | | | | | |");
        return;
    }
    let config = SystemConfig {
        remote_views: views,
        ..SystemConfig::default()
    };
    for (name, search) in [
        ("spin-bfs", SpinSearch::BreadthFirst),
        ("spin-dfs", SpinSearch::DepthFirst),
    ] {
        let run = spin::run(config, search).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (run.states, run.errors),
            (states as u64, 0),
            "views={views}: {name} finds the same states and no error"
        );
        println!(
            "| {views} | {name} | {} | {} | {:.3} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1}x |",
            run.states,
            run.transitions,
            run.secs,
            run.states as f64 / run.secs,
            run.transitions as f64 / run.secs,
            run.memory_mb,
            run.memory_mb * 1024.0 * 1024.0 / run.states as f64,
            stateright_secs / run.secs,
        );
    }
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let skip = std::env::args().any(|a| a == "--skip-criterion");
    if !skip {
        groups();
        Criterion::default().configure_from_args().final_summary();
    }
    headline();
}
