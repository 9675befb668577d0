//! `step` allocates nothing: a counting global allocator watches 10 000 steps of every
//! machine (issue: step latency without allocation).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use fsm::{Machine, Symbol, Table};
use ucma_ha::machines::{for_each_machine, MachineVisitor};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY-free: this delegates to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn steps_without_allocating<M: Machine>() {
    let table = Table::<M>::new(M::Parameters::default()).expect("total");
    let stimuli: Vec<M::Stimulus> = M::Stimulus::all().collect();
    let mut state = table.initial();
    let mut seed: u32 = 7;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let on = stimuli[(seed >> 16) as usize % stimuli.len()];
        state = match table.step(state, on) {
            Ok(transition) => transition.to,
            Err(rejected) => rejected.state,
        };
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "{} allocated while stepping", M::ID);
    std::hint::black_box(state);
}

// One test, so no other test thread allocates while the counter is read.
#[test]
fn step_never_allocates() {
    struct Steps;
    impl MachineVisitor for Steps {
        type Output = ();
        fn visit<M: Machine>(&mut self) {
            steps_without_allocating::<M>();
        }
    }
    for_each_machine(&mut Steps);
    system_steps_without_allocating();
}

/// The composed system's macro-step (memoised broadcasts included, filled on first use)
/// allocates nothing either: a pseudo-random walk of 10 000 system stimuli.
fn system_steps_without_allocating() {
    use ucma_ha::system::{System as Composed, SystemConfig};
    let system = Composed::new(SystemConfig {
        remote_views: 4,
        ..SystemConfig::default()
    })
    .expect("builds");
    let stimuli = Composed::stimuli();
    let mut state = system.initial();
    let mut seed: u32 = 11;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let on = stimuli[(seed >> 16) as usize % stimuli.len()];
        state = system.step(state, on).next;
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "the system allocated while stepping");
    std::hint::black_box(state);
    compiled_steps_without_allocating(&system);
}

/// The compiled system's step, in both layouts, allocates nothing; nor do its successors
/// once the output buffer has room.
fn compiled_steps_without_allocating(system: &ucma_ha::system::System) {
    use ucma_ha::system::compiled::{CompiledSystem, Layout as KeyLayout};
    for layout in [KeyLayout::Lanes, KeyLayout::Counts] {
        let compiled = CompiledSystem::new(system, layout).expect("compiles");
        let stimuli = ucma_ha::system::System::stimuli();
        let mut key = compiled.initial();
        let mut out = Vec::with_capacity(stimuli.len());
        let mut seed: u32 = 7;
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..10_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            key = compiled.step(key, stimuli[(seed >> 16) as usize % stimuli.len()]);
            out.clear();
            compiled.successors(key, &mut out);
        }
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(
            after - before,
            0,
            "the compiled system allocated ({layout:?})"
        );
        std::hint::black_box((key, out.len()));
    }
}
