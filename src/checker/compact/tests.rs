//! The memo keys of both checks against what they stand for. A situation groups the
//! states whose transitions the checks judge once: the shared part (every component but
//! the remote views, and the world), the pair of the *free* view (the one `BeginSubscribe`
//! reaches: the least pair whose view accepts it, else the least pair; SUB-1, AF-RP), and
//! the pairs held by the other views. A key that forgot any of these would judge one state
//! for another; a finer key would judge the same situation again. Both are checked here
//! field by field on every reachable state, with two views in one pair and a third apart,
//! and with no view at all.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::hash::Hash;

use fsm::explore::{explore, Completeness, Limits};

use super::super::{situation as stored_situation, Situation};
use super::situation;
use crate::system::compiled::{CompiledSystem, Layout};
use crate::system::world::World;
use crate::system::{Packed, System, SystemConfig};

/// Every component's state but the remote views', and the world.
type Shared = (World, Vec<u8>);

/// What a state's situation stands for, from its definition (the module's doc).
struct Meaning {
    shared: Shared,
    free: Option<u8>,
    others: BTreeSet<u8>,
}

fn meaning(system: &System, state: Packed) -> Meaning {
    let mut held: Vec<u8> = (0..system.views())
        .map(|view| system.view_pair(state, view))
        .collect();
    held.sort_unstable();
    let free = held
        .iter()
        .copied()
        .find(|&pair| system.accepts_subscribe(pair & 0b111))
        .or_else(|| held.first().copied());
    if let Some(at) = free.and_then(|free| held.iter().position(|&pair| pair == free)) {
        held.remove(at);
    }
    let shared = system
        .components()
        .into_iter()
        .filter(|(_, name)| !name.starts_with("remote_presence"))
        .map(|(slot, _)| system.slot_state(state, slot))
        .collect();
    Meaning {
        shared: (system.world(state), shared),
        free,
        others: held.into_iter().collect(),
    }
}

/// Asserts that `key` tells two items apart exactly when `meant` does.
fn same_grouping<K: Hash + Eq + Copy + Debug, M: Hash + Eq + Clone + Debug>(
    items: &[(K, M)],
    what: &str,
) {
    let mut by_key: HashMap<K, M> = HashMap::new();
    let mut by_meaning: HashMap<M, K> = HashMap::new();
    for (key, meant) in items {
        let first = by_key.entry(*key).or_insert_with(|| meant.clone());
        assert_eq!(first, meant, "{what}: one key {key:?} for two meanings");
        let first = by_meaning.entry(meant.clone()).or_insert(*key);
        assert_eq!(first, key, "{what}: two keys for one meaning {meant:?}");
    }
}

/// The configurations: three views in and out of the home pool (two views may share a
/// pair while the third holds another), and none.
fn systems() -> Vec<System> {
    [(3, true), (3, false), (0, true)]
        .into_iter()
        .map(|(remote_views, remote_home_pool)| {
            System::new(SystemConfig {
                remote_views,
                remote_home_pool,
                ..SystemConfig::default()
            })
            .expect("builds")
        })
        .collect()
}

/// The keys judged: every reachable state's, and, since a situation is read from any
/// key, every spread of the views over the pairs under the first shared ids met (where
/// the free view need not hold the least pair).
fn keys(system: &System, compiled: &CompiledSystem) -> Vec<u64> {
    let limits = Limits {
        symmetry: true,
        ..Limits::default()
    };
    let found = explore(system, limits, |_| {});
    assert_eq!(found.completeness, Completeness::Complete);
    let mut keys: Vec<u64> = found
        .graph
        .node_weights()
        .map(|&state| compiled.encode(state).expect("in the closure"))
        .collect();
    let mut spreads = vec![0u64];
    for _ in 0..system.views() {
        spreads = spreads
            .iter()
            .flat_map(|&spread| {
                // Views in ascending pair id: each adds one to a plane from the last on.
                let last = (0..compiled.planes())
                    .rev()
                    .find(|&id| spread >> compiled.plane_shift(id) & compiled.lane_mask() > 0)
                    .unwrap_or(0);
                (last..compiled.planes()).map(move |id| spread + (1 << compiled.plane_shift(id)))
            })
            .collect();
    }
    let mut shared: Vec<u64> = keys
        .iter()
        .map(|key| key & compiled.shared_id_mask())
        .collect();
    shared.sort_unstable();
    shared.dedup();
    for id in shared.into_iter().take(6) {
        keys.extend(spreads.iter().map(|spread| id | spread));
    }
    keys
}

#[test]
fn the_stored_graphs_situation_is_the_shared_part_the_free_views_pair_and_the_others_sub_1() {
    let mut two_in_the_free_pair = false;
    let mut free_not_least = false;
    for system in systems() {
        let compiled = CompiledSystem::new(&system, Layout::Counts).expect("compiles");
        let mut shared = Vec::new();
        for key in keys(&system, &compiled) {
            let state = compiled.decode(key);
            let meant = meaning(&system, state);
            let found: Situation = stored_situation(&system, state);
            let others = meant
                .others
                .iter()
                .fold(0u64, |mask, &pair| mask | 1 << pair);
            assert_eq!(found.free, meant.free.unwrap_or(u8::MAX), "{state:?}");
            assert_eq!(found.others, others, "{state:?}");
            assert_eq!(found.stimulus, 0);
            two_in_the_free_pair |= meant.free.is_some_and(|free| meant.others.contains(&free));
            free_not_least |= meant
                .free
                .is_some_and(|free| meant.others.iter().any(|&o| o < free));
            shared.push((found.shared, meant.shared));
        }
        same_grouping(&shared, "shared part");
    }
    // The states that tell a key apart from its variants occur.
    assert!(
        two_in_the_free_pair && free_not_least,
        "{two_in_the_free_pair} {free_not_least}"
    );
}

#[test]
fn the_compact_situation_packs_the_same_fields_by_pair_id_sub_1() {
    for system in systems() {
        let compiled = CompiledSystem::new(&system, Layout::Counts).expect("compiles");
        let views = system.views() as u64;
        // Pair id to pair: all views in the one pair.
        let ids: HashMap<u8, u64> = (0..compiled.planes())
            .filter(|_| views > 0)
            .map(|id| {
                let state = compiled.decode(views << compiled.plane_shift(id));
                (system.view_pair(state, 0), u64::from(id))
            })
            .collect();
        let shift = compiled.shared_bits();
        let mut shared = Vec::new();
        for key in keys(&system, &compiled) {
            let state = compiled.decode(key);
            let meant = meaning(&system, state);
            let found = situation(&compiled, key);
            let free = meant.free.map_or(16, |pair| ids[&pair]);
            let others = meant
                .others
                .iter()
                .fold(0, |mask, pair| mask | 1 << ids[pair]);
            assert_eq!(found >> (shift + 16), free, "{state:?}");
            assert_eq!(found >> shift & 0xffff, others, "{state:?}");
            shared.push((found & compiled.shared_id_mask(), meant.shared));
        }
        same_grouping(&shared, "shared id");
    }
}
