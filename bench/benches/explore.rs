//! Exhaustive exploration of the composed system: `check` (what `ucma-ha check` runs, with
//! every property and liveness) against stateright and SPIN checking the same properties,
//! and against count-only searches, which check nothing and are named as such.
//!
//! Every engine explores the same model from the same initial state, trying the same 17
//! stimuli in every state and storing a state only when it is new; the bench asserts
//! that every engine counts the same states (SPIN's liveness model excepted: it stores
//! fairness bookkeeping besides the system state). Symmetry is off (stateright and the
//! SPIN model have none here). User endpoint. The engines:
//! - `check`: [`ucma_ha::checker::check`] on the system, exactly what `ucma-ha check
//!   --remote-views N --no-symmetry` runs (compiling, exploring, every safety property,
//!   liveness, vacuity, confirmed counterexamples); the bench asserts every verdict is
//!   `held`. Whatever engine `check` uses when the bench is built is what is measured.
//! - `stateright-properties`: stateright 0.31, `checker().threads(1).spawn_bfs()`, on the
//!   same compiled step, with a `Property::always` per safety property of ours and a
//!   `Property::sometimes` on its premise ([`Judged`]); it asserts them with
//!   `assert_properties`. Liveness is not given to stateright (its `eventually` misses
//!   cycles that never reach the goal).
//! - `stateright`: the same checker counting only (a property that always holds).
//! - `spin-bfs-safety`, `spin-dfs-safety`: SPIN's `pan` on the model `ucma-ha export
//!   promela --no-symmetry` writes, with every safety property as assertions; and
//!   `spin-liveness`: the acceptance-cycle search for `recovery_after_outage` on the
//!   liveness model (up to `UCMA_BENCH_SPIN_LIVENESS` views, default 8).
//! - count-only searches, which judge no property: `count-only-numbered`
//!   ([`reach_ranked`] over the [`RankedSystem`] numbering), `count-only-hashed`
//!   ([`reach_keys`]), `graph-only` (`fsm::explore::explore` of the compiled system: the
//!   graph the current `check` builds, without judging anything), and on the interpreted
//!   `System::step`: `count-only-interpreted` ([`reach`]) and `stateright-interpreted`.
//!
//! Two parts:
//! 1. criterion groups `explore/views=N` for `remote_views` 1..=6 (not SPIN);
//! 2. a headline table (printed, not a criterion group): every configuration of
//!    `UCMA_BENCH_VIEWS` (default `8,10,12,14`), each engine run in its own child process
//!    of this bench binary, so the peak RSS (`VmHWM` of `/proc/self/status`) belongs to
//!    that engine alone, with its CPU time (`/proc/self/stat`); best of `UCMA_BENCH_RUNS`
//!    (default 3) wall-clock runs (SPIN: `UCMA_BENCH_SPIN_RUNS`, default 1).
//!    `UCMA_BENCH_ENGINES` (comma-separated) limits the table to some engines; without
//!    `spin` or `gcc` on the PATH, or with `UCMA_BENCH_SPIN=0`, SPIN's rows say so.
//!
//! Run: `cargo bench -p ucma-ha-bench --bench explore` (`-- --skip-criterion` prints only
//! the table).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use fsm::explore::{explore, Limits};
use stateright::{Checker, Model as _};
use ucma_ha::checker::{self, Status};
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig};
use ucma_ha_bench::numbered::RankedSystem;
use ucma_ha_bench::peak_rss::{cpu_seconds, peak_rss_kib};
use ucma_ha_bench::ranked::reach_ranked;
use ucma_ha_bench::reach::{reach, reach_keys};
use ucma_ha_bench::spin::{self, SpinSearch};
use ucma_ha_bench::stateright_adapter::{Adapter, Compiled, Judged};

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

/// The engines, by the name a child is asked to run: first those that check the
/// properties, then the count-only ones.
const ENGINES: [&str; 8] = [
    "check",
    "stateright-properties",
    "stateright",
    "count-only-numbered",
    "count-only-hashed",
    "graph-only",
    "count-only-interpreted",
    "stateright-interpreted",
];

/// Runs one engine on one configuration: `(states, transitions)`. The engines that check
/// properties assert that every property holds.
fn run(engine: &str, views: usize) -> (usize, usize) {
    match engine {
        "check" => {
            let report = checker::check(&system(views), Limits::default(), |_| {});
            for verdict in &report.verdicts {
                assert_eq!(
                    verdict.status,
                    Status::Held,
                    "views={views}: {} holds",
                    verdict.property.name
                );
            }
            assert!(
                report.internal_errors.is_empty(),
                "{:?}",
                report.internal_errors
            );
            (report.states, report.transitions)
        }
        "stateright-properties" => {
            let checker = Judged::new(system(views), compiled(views))
                .checker()
                .threads(1)
                .spawn_bfs()
                .join();
            // Every `always` holds and every `sometimes` (premise) was met.
            checker.assert_properties();
            (checker.unique_state_count(), checker.state_count())
        }
        "stateright" => {
            let checker = Compiled(compiled(views))
                .checker()
                .threads(1)
                .spawn_bfs()
                .join();
            (checker.unique_state_count(), checker.state_count())
        }
        "count-only-numbered" => {
            let model = compiled(views);
            let ranked = RankedSystem::new(&model).expect("the shipped system is numbered");
            let found = reach_ranked(&ranked, Limits::default()).reach;
            (found.states, found.transitions)
        }
        "count-only-hashed" => {
            let model = compiled(views);
            let found = reach_keys(&model, model.key_bits(), Limits::default(), |_| {});
            (found.states, found.transitions)
        }
        "graph-only" => {
            let found = explore(&compiled(views), Limits::default(), |_| {});
            (found.graph.node_count(), found.graph.edge_count())
        }
        "count-only-interpreted" => {
            let found = reach(&system(views), Limits::default(), |_| {});
            (found.states, found.transitions)
        }
        "stateright-interpreted" => {
            let checker = Adapter(system(views))
                .checker()
                .threads(1)
                .spawn_bfs()
                .join();
            (checker.unique_state_count(), checker.state_count())
        }
        other => panic!("unknown engine {other}; the engines are {ENGINES:?}"),
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

/// In a child: run one engine on one configuration and print
/// `states transitions secs cpu_secs kib`.
fn child(spec: &str) {
    let (engine, views) = spec.split_once(':').expect("ENGINE:VIEWS");
    let views: usize = views.parse().expect("a number of views");
    let started = Instant::now();
    let cpu = cpu_seconds();
    let (states, transitions) = run(engine, views);
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!("{states} {transitions} {secs} {cpu} {}", peak_rss_kib());
}

/// One engine's best run on one configuration.
struct Run {
    states: usize,
    transitions: usize,
    secs: f64,
    cpu_secs: Option<f64>,
    kib: Option<u64>,
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
        assert!(
            output.status.success(),
            "{engine} at {views} views failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let fields: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(fields.len(), 5, "child output: {text}");
        let run = Run {
            states: fields[0].parse().expect("states"),
            transitions: fields[1].parse().expect("transitions"),
            secs: fields[2].parse().expect("seconds"),
            cpu_secs: fields[3].parse().ok(),
            kib: fields[4].parse().ok(),
        };
        if best.as_ref().is_none_or(|b| run.secs < b.secs) {
            best = Some(run);
        }
    }
    best.expect("at least one run")
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// Prints one row of the headline table; `check` is `check`'s run in the same
/// configuration, if it ran. The ratio is of CPU times where both are known (steadier on
/// a shared machine), else of wall times.
fn row(views: usize, engine: &str, run: &Run, check: Option<&Run>) {
    let ratio = match (check, run.cpu_secs, check.and_then(|c| c.cpu_secs)) {
        (Some(_), Some(cpu), Some(check_cpu)) if check_cpu > 0.0 => cpu / check_cpu,
        (Some(check), _, _) => run.secs / check.secs,
        (None, _, _) => f64::NAN,
    };
    let cpu = run.cpu_secs.map_or("".into(), |c| format!("{c:.2}"));
    let (mib, per_state) = run.kib.map_or(("".into(), "".into()), |kib| {
        (
            format!("{:.1}", kib as f64 / 1024.0),
            format!("{:.1}", kib as f64 * 1024.0 / run.states as f64),
        )
    });
    println!(
        "| {views} | {engine} | {} | {} | {:.3} | {cpu} | {:.0} | {mib} | {per_state} | {:.2} |",
        run.states,
        run.transitions,
        run.secs,
        run.states as f64 / run.secs,
        ratio,
    );
}

fn headline() {
    let views: Vec<usize> = std::env::var("UCMA_BENCH_VIEWS")
        .unwrap_or_else(|_| "8,10,12,14".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let runs = env_number("UCMA_BENCH_RUNS", 3);
    let engines: Vec<&str> = match std::env::var("UCMA_BENCH_ENGINES") {
        Ok(list) => ENGINES
            .iter()
            .copied()
            .filter(|engine| list.split(',').any(|e| e.trim() == *engine))
            .collect(),
        Err(_) => ENGINES.to_vec(),
    };
    println!(
        "\nexhaustive exploration, user endpoint, no symmetry, 1 thread, best of {runs} \
         (SPIN: {})",
        env_number("UCMA_BENCH_SPIN_RUNS", 1)
    );
    println!(
        "| views | engine | states | transitions | wall (s) | CPU (s) | states/s (wall) | peak RSS (MiB) | bytes/state | CPU / check's |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &v in &views {
        let results: Vec<(&str, Run)> = engines.iter().map(|e| (*e, spawn(e, v, runs))).collect();
        for (engine, run) in &results {
            assert_eq!(
                run.states, results[0].1.states,
                "views={v}: {engine} finds the same states as {}",
                results[0].0
            );
        }
        let check = results
            .iter()
            .find(|(engine, _)| *engine == "check")
            .map(|(_, run)| run);
        for (engine, run) in &results {
            row(v, engine, run, check);
        }
        if let Some((_, first)) = results.first() {
            spin_rows(v, first.states, check);
        }
    }
    println!(
        "(CPU / check's = this engine's CPU time / check's in the same configuration, wall \
         times where a CPU time is missing; stateright's transitions count every successor it generated, the edge into the \
         initial state included; SPIN's are pan's `transitions`, its memory GNU time's peak \
         RSS of pan)"
    );
}

/// SPIN's rows of the headline table: `pan` on the exported model with the safety
/// properties as assertions, breadth first and depth first, its state count asserted
/// equal to ours and no error found; and the acceptance-cycle search for the liveness
/// property (its own, larger count) up to `UCMA_BENCH_SPIN_LIVENESS` views (default 8).
/// The time is pan's run alone (not `spin -a` and `gcc`). Skipped, with the reason, when
/// `spin` or `gcc` is missing or `UCMA_BENCH_SPIN=0`.
fn spin_rows(views: usize, states: usize, check: Option<&Run>) {
    if std::env::var("UCMA_BENCH_SPIN").is_ok_and(|v| v == "0") {
        return;
    }
    if let Some(reason) = spin::missing() {
        println!("| {views} | SPIN skipped: {reason} | | | | | | | | |");
        return;
    }
    let config = SystemConfig {
        remote_views: views,
        ..SystemConfig::default()
    };
    // A hash table of about twice the states (pan's default is 2^19 slots).
    let hash_bits = (usize::BITS - states.leading_zeros() + 1).max(19);
    let mut searches = vec![
        ("spin-bfs-safety", SpinSearch::BreadthFirst),
        ("spin-dfs-safety", SpinSearch::DepthFirst),
    ];
    if views <= env_number("UCMA_BENCH_SPIN_LIVENESS", 8) {
        searches.push(("spin-liveness", SpinSearch::Liveness));
    }
    let runs = env_number("UCMA_BENCH_SPIN_RUNS", 1).max(1);
    for (name, search) in searches {
        let best = (0..runs)
            .map(|_| {
                spin::run(
                    config,
                    search,
                    hash_bits + u32::from(search == SpinSearch::Liveness) * 4,
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .min_by(|a, b| a.secs.total_cmp(&b.secs))
            .expect("at least one run");
        assert_eq!(best.errors, 0, "views={views}: {name} finds no error");
        if search != SpinSearch::Liveness {
            assert_eq!(
                best.states, states as u64,
                "views={views}: {name} finds the same states"
            );
        }
        let run = Run {
            states: best.states as usize,
            transitions: best.transitions as usize,
            secs: best.secs,
            cpu_secs: best.cpu_secs,
            kib: best.peak_rss_kib,
        };
        row(views, name, &run, check);
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
