//! The count-only searches against the graph search `check` uses: the same states, in the
//! same breadth-first levels, the same transitions and depth, whatever visited set holds
//! them; and each visited set finds every state it was given.

use fsm::explore::{explore, Completeness, Limits, Model};
use ucma_ha_bench::reach::{
    reach, reach_with, CompactKeys, KeySet, QuotientSet, StateSet, Successors, Visited,
};

#[path = "../../fsm/src/explore/tests/models.rs"]
mod models;
use models::{Cube, Triple};

impl Successors for Triple {}
impl Successors for Cube {}

#[test]
fn the_lean_search_counts_what_the_graph_search_stores() {
    for limits in [
        Limits::default(),
        Limits {
            symmetry: true,
            ..Limits::default()
        },
        Limits {
            max_states: 10,
            ..Limits::default()
        },
        Limits {
            max_depth: 3,
            ..Limits::default()
        },
        Limits {
            max_depth: 0,
            ..Limits::default()
        },
    ] {
        let graph = explore(&Triple, limits, |_| {});
        let mut visited = Vec::new();
        let lean = reach(&Triple, limits, |s| visited.push(*s));
        assert_eq!(lean.states, graph.graph.node_count(), "{limits:?}");
        if graph.completeness == Completeness::Complete {
            // (A cut lean search tries a whole batch of states before it stops.)
            assert_eq!(lean.unchanged, graph.unchanged, "{limits:?}");
        }
        assert_eq!(lean.transitions, graph.graph.edge_count(), "{limits:?}");
        assert_eq!(lean.completeness, graph.completeness, "{limits:?}");
        assert_eq!(lean.depth, graph.max_depth(), "{limits:?}");
        let stored: Vec<u32> = graph.graph.node_weights().copied().collect();
        assert_eq!(visited, stored, "{limits:?}: same breadth-first order");
    }
    assert_eq!(reach(&Triple, Limits::default(), |_| {}).states, 64);
}

#[test]
fn the_state_set_grows_and_finds_every_state() {
    let mut set = StateSet::<u128>::with_capacity(4);
    for i in 0..10_000u128 {
        assert!(set.insert(i << 70 | i));
    }
    assert_eq!(set.len(), 10_000);
    for i in 0..10_000u128 {
        assert!(set.contains(&(i << 70 | i)));
        assert!(!set.insert(i << 70 | i));
    }
    assert!(!set.contains(&1));
    assert!(set.bytes() >= 10_000 * 16);
}

#[test]
fn the_key_set_grows_and_finds_every_key() {
    let mut set = KeySet::with_capacity(4);
    for i in 1..=10_000u64 {
        assert!(set.insert(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    }
    assert!(set.insert(u64::MAX), "the empty marker is a key too");
    assert!(!set.insert(u64::MAX));
    assert!(set.insert(0));
    assert_eq!(set.len(), 10_002);
    for i in 1..=10_000u64 {
        assert!(set.contains(&i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    }
    assert!(set.contains(&u64::MAX) && set.contains(&0));
    assert!(!set.contains(&1));
    assert!(set.bytes() >= 10_002 * 8);
}

#[test]
fn the_quotient_set_agrees_with_a_hash_set_at_every_key_width() {
    assert!(
        QuotientSet::new(50, 4).is_none(),
        "a 2^23-slot table is too large to start"
    );
    for bits in [1u32, 5, 12, 20, 33, 48, 49] {
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1 << bits) - 1
        };
        let mut set = QuotientSet::new(bits, 4).expect("up to 49 bits");
        let mut plain = std::collections::HashSet::new();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..40_000 {
            // Half the keys anywhere in the width, half from a small pool (repeats).
            let random = next() & mask;
            let key = if i % 2 == 0 { random } else { random & 0xFFF };
            assert_eq!(
                set.insert(key),
                plain.insert(key),
                "{bits} bits, key {key:#x}"
            );
        }
        assert_eq!(set.len(), plain.len(), "{bits} bits");
        for key in &plain {
            assert!(set.contains(key), "{bits} bits: {key:#x}");
        }
        for _ in 0..40_000 {
            let key = next() & mask;
            assert_eq!(
                set.contains(&key),
                plain.contains(&key),
                "{bits} bits: {key:#x}"
            );
        }
        assert!(set.bytes() >= set.len() * 4);
    }
}

#[test]
fn compact_keys_move_into_a_quotient_set_only_when_it_is_smaller() {
    let fill = |bits: u32| {
        let mut set = CompactKeys::new(bits);
        for key in 0..100_000u64 {
            assert!(set.insert(key.wrapping_mul(0x9E37_79B9) & ((1 << bits) - 1)));
        }
        assert_eq!(set.len(), 100_000);
        assert!((0..100_000u64)
            .all(|key| set.contains(&(key.wrapping_mul(0x9E37_79B9) & ((1 << bits) - 1)))));
        set
    };
    assert!(matches!(fill(40), CompactKeys::Quotient(_)));
    assert!(
        matches!(fill(48), CompactKeys::Plain { .. }),
        "2^21 slots is more"
    );
    assert!(
        matches!(fill(60), CompactKeys::Plain { .. }),
        "too wide to quotient"
    );
}

#[test]
fn grouped_insertion_keeps_the_levels_of_a_breadth_first_search() {
    let mut reported = Vec::new();
    let graph = explore(&Cube, Limits::default(), |p| reported.push(p.states));
    assert_eq!(
        reported,
        [1 << 16, 2 << 16, 3 << 16, 4 << 16],
        "every 65 536 states"
    );
    let mut levels: Vec<Vec<u64>> = Vec::new();
    for node in graph.graph.node_indices() {
        let depth = graph.depth(node);
        levels.resize(levels.len().max(depth + 1), Vec::new());
        levels[depth].push(graph.graph[node]);
    }
    let mut by_keys = Vec::new();
    let keys = reach_with(&Cube, Limits::default(), KeySet::with_capacity(8), |s| {
        by_keys.push(*s)
    });
    let mut by_quotients = Vec::new();
    let quotients = reach_with(
        &Cube,
        Limits::default(),
        QuotientSet::new(18, 8).expect("small"),
        |s| by_quotients.push(*s),
    );
    let mut by_compact = Vec::new();
    let compact = reach_with(&Cube, Limits::default(), CompactKeys::new(18), |s| {
        by_compact.push(*s)
    });
    let mut by_states = Vec::new();
    let states = reach_with(&Cube, Limits::default(), StateSet::with_capacity(8), |s| {
        by_states.push(*s)
    });
    for (found, visited) in [
        (keys, by_keys),
        (quotients, by_quotients),
        (compact, by_compact),
        (states, by_states),
    ] {
        assert_eq!(found.states, 1 << 18);
        assert_eq!(found.transitions, graph.graph.edge_count());
        assert_eq!(found.depth, graph.max_depth());
        let mut start = 0;
        for level in &levels {
            let mut got = visited[start..start + level.len()].to_vec();
            let mut want = level.clone();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "the same states at each depth");
            start += level.len();
        }
    }
}
