use fsm::explore::{reach, reach_keys, Limits};
use std::time::Instant;
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::{System, SystemConfig};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let views: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(14);
    let endpoint = if args.get(2).map(String::as_str) == Some("app") {
        EndpointKind::Application
    } else {
        EndpointKind::User
    };
    let sym = args.get(3).map(String::as_str) == Some("sym");
    let system = System::new(SystemConfig {
        remote_views: views,
        endpoint,
        ..SystemConfig::default()
    })
    .unwrap();
    let t = Instant::now();
    let compiled =
        CompiledSystem::new(&system, if sym { Layout::Counts } else { Layout::Lanes }).unwrap();
    println!(
        "compiled in {:?}: shared {} pairs {} bits {}",
        t.elapsed(),
        compiled.shared_parts(),
        compiled.pairs(),
        compiled.key_bits()
    );
    let t = Instant::now();
    let found = reach_keys(&compiled, Limits::default(), |_| {});
    let s = t.elapsed().as_secs_f64();
    println!(
        "compiled: {found:?} in {s:.3}s = {:.0} states/s",
        found.states as f64 / s
    );
    if args.get(5).is_some() {
        stepping(&compiled);
    }
    if args.get(7).is_some() {
        patterns(&system, &compiled);
    }
    if args.get(6).is_some() {
        sr(compiled.clone());
    }
    if args.get(4).is_some() {
        let t = Instant::now();
        let found = reach(
            &system,
            Limits {
                symmetry: sym,
                ..Limits::default()
            },
            |_| {},
        );
        println!("system: {found:?} in {:?}", t.elapsed());
    }
}

#[allow(dead_code)]
fn stepping(compiled: &CompiledSystem) {
    let mut states = Vec::new();
    reach(compiled, Limits::default(), |s| states.push(*s));
    if std::env::var("SORTED").is_ok() {
        states.sort_unstable_by_key(|k| k & 63);
    }
    let t = Instant::now();
    let mut sink = 0u64;
    let mut changed = 0usize;
    let mut buf = Vec::with_capacity(32);
    for &s in &states {
        buf.clear();
        fsm::explore::Model::successors(compiled, &s, &mut buf);
        changed += buf.len();
        for n in &buf {
            sink ^= n;
        }
    }
    let e = t.elapsed().as_secs_f64();
    println!(
        "stepping only: {:.1} ns/step, {:.0} states/s ({sink} {changed})",
        e * 1e9 / (states.len() * 17) as f64,
        states.len() as f64 / e
    );
}

struct Sr(CompiledSystem);
impl stateright::Model for Sr {
    type State = u64;
    type Action = ucma_ha::system::SystemStimulus;
    fn init_states(&self) -> Vec<u64> {
        vec![self.0.initial()]
    }
    fn actions(&self, _: &u64, actions: &mut Vec<Self::Action>) {
        actions.extend_from_slice(System::stimuli());
    }
    fn next_state(&self, state: &u64, action: Self::Action) -> Option<u64> {
        let next = self.0.step(*state, action);
        (next != *state).then_some(next)
    }
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always("valid", |_: &Sr, _: &u64| {
            true
        })]
    }
}

#[allow(dead_code)]
fn sr(compiled: CompiledSystem) {
    use stateright::{Checker, Model};
    let t = Instant::now();
    let n = Sr(compiled)
        .checker()
        .threads(1)
        .spawn_bfs()
        .join()
        .unique_state_count();
    let e = t.elapsed().as_secs_f64();
    println!(
        "stateright on compiled: {n} in {e:.3}s = {:.0} states/s",
        n as f64 / e
    );
}

#[allow(dead_code)]
fn patterns(system: &System, compiled: &CompiledSystem) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut segs: BTreeSet<(u64, BTreeSet<u8>)> = BTreeSet::new();
    let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
    reach_keys(compiled, Limits::default(), |k| {
        let p = compiled.decode(*k);
        let set: BTreeSet<u8> = (0..system.views())
            .map(|i| p.get(6 + 2 * i) | (p.get(7 + 2 * i) << 3))
            .collect();
        *hist.entry(set.len()).or_default() += 1;
        segs.insert((p.0[0] & ((1 << 20) - 1), set));
    });
    let space: f64 = segs
        .iter()
        .map(|(_, s)| (s.len() as f64).powi(system.views() as i32))
        .sum();
    let mut rh: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, s) in &segs {
        *rh.entry(s.len()).or_default() += 1;
    }
    println!(
        "distinct-pairs histogram {hist:?}; segments {} by radix {rh:?}; index space {space:.0}",
        segs.len()
    );
}
