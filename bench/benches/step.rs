//! `step` latency of every machine, against a baseline in the same run: the same lookup done
//! by scanning the rows (what a table without a compiled index would do).
//!
//! Run: `cargo bench -p ucma-ha-bench --bench step`. Each benchmark steps a fixed pseudo-random walk of
//! 1 024 stimuli, so the reported time divided by 1 024 is the time per step.
//!
//! `step/system` does the same for one macro-step of the composed system (8 views):
//! `compiled` ([`CompiledSystem::step`], lanes) against `interpreted` (`System::step`,
//! the baseline), on the same walk.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fsm::{Machine, RowOutcome, Symbol, Table};
use ucma_ha::invariants::Documented;
use ucma_ha::machines::{for_each_machine, MachineVisitor};
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig, SystemStimulus};
use ucma_ha::vocabulary::Exception;

const WALK: usize = 1024;

/// A deterministic walk of a machine's stimuli, the same for both variants.
fn walk<M: Machine>() -> Vec<M::Stimulus> {
    walk_over(&M::Stimulus::all().collect::<Vec<_>>())
}

/// A deterministic walk (xorshift) over any list of stimuli.
fn walk_over<T: Copy>(all: &[T]) -> Vec<T> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..WALK)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            all[(seed % all.len() as u64) as usize]
        })
        .collect()
}

/// The baseline: find the row by scanning, as an uncompiled table would.
fn scan_step<M: Machine>(table: &Table<M>, state: M::State, on: M::Stimulus) -> M::State {
    let parameters = table.parameters();
    table
        .rows()
        .iter()
        .find(|row| row.from == state && row.on == on && (row.when.holds)(parameters))
        .map_or(state, |row| match row.outcome {
            RowOutcome::Move { to, .. } => to,
            RowOutcome::Ignore | RowOutcome::Reject(_) => state,
        })
}

fn bench_machine<M: Machine>(c: &mut Criterion) {
    let Ok(table) = Table::<M>::new(M::Parameters::default()) else {
        return;
    };
    let stimuli = walk::<M>();
    let mut group = c.benchmark_group(format!("step/{}", M::ID));
    group.throughput(Throughput::Elements(WALK as u64));
    group.bench_function("indexed", |b| {
        b.iter(|| {
            let mut state = table.initial();
            for &on in &stimuli {
                state = table.step(state, black_box(on)).map_or(state, |t| t.to);
            }
            black_box(state)
        })
    });
    group.bench_function("scan-baseline", |b| {
        b.iter(|| {
            let mut state = table.initial();
            for &on in &stimuli {
                state = scan_step(&table, state, black_box(on));
            }
            black_box(state)
        })
    });
    group.finish();
}

fn bench_system(c: &mut Criterion) {
    let Ok(system) = System::new(SystemConfig {
        remote_views: 8,
        ..SystemConfig::default()
    }) else {
        return;
    };
    let Ok(compiled) = CompiledSystem::new(&system, Layout::Lanes) else {
        return;
    };
    let stimuli: Vec<SystemStimulus> = walk_over(System::stimuli());
    let walked = stimuli
        .iter()
        .fold((compiled.initial(), system.initial()), |(k, s), &on| {
            (compiled.step(k, on), system.step(s, on).next)
        });
    assert_eq!(compiled.decode(walked.0), walked.1, "both walks end alike");
    let mut group = c.benchmark_group("step/system");
    group.throughput(Throughput::Elements(WALK as u64));
    group.bench_function("compiled", |b| {
        b.iter(|| {
            let mut key = compiled.initial();
            for &on in &stimuli {
                key = compiled.step(key, black_box(on));
            }
            black_box(key)
        })
    });
    group.bench_function("interpreted", |b| {
        b.iter(|| {
            let mut state = system.initial();
            for &on in &stimuli {
                state = system.step(state, black_box(on)).next;
            }
            black_box(state)
        })
    });
    group.finish();
}

fn steps(c: &mut Criterion) {
    /// Every machine of the registry, in its order.
    struct Each<'a>(&'a mut Criterion);
    impl MachineVisitor for Each<'_> {
        type Output = ();
        fn visit<M: Documented<Error = Exception>>(&mut self) {
            bench_machine::<M>(self.0);
        }
    }
    for_each_machine(&mut Each(c));
    bench_system(c);
}

criterion_group!(benches, steps);
criterion_main!(benches);
