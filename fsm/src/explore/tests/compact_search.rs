//! The compact search (`compact.rs`): the same numbering, paths, edges, limits and
//! progress as the stored graph, and a memory estimate that holds its tables.

use super::*;

/// A fan of `n` actions: action `a` moves state 0 to state `a + 1`, nothing else moves.
struct Fan(Vec<u8>);
impl Model for Fan {
    type State = u8;
    type Action = u8;
    fn initial(&self) -> u8 {
        0
    }
    fn actions(&self) -> &[u8] {
        &self.0
    }
    fn next(&self, s: &u8, action: u8) -> u8 {
        if *s == 0 {
            action + 1
        } else {
            *s
        }
    }
}

/// A line of `n` states, 0 -> 1 -> ... -> n - 1, on its only action.
struct Line(u32);
impl Model for Line {
    type State = u32;
    type Action = ();
    fn initial(&self) -> u32 {
        0
    }
    fn actions(&self) -> &[()] {
        &[()]
    }
    fn next(&self, s: &u32, (): ()) -> u32 {
        if s + 1 < self.0 {
            s + 1
        } else {
            *s
        }
    }
}

#[test]
fn the_compact_search_takes_up_to_64_actions_and_marks_each_one_that_moves() {
    let mut masks = Vec::new();
    let fan = Fan((0..64).collect());
    let found = compact::search(
        &fan,
        Limits::default(),
        |id, _, moved| masks.push((id, moved)),
        |_| {},
    )
    .expect("64 actions");
    assert_eq!(found.len(), 65);
    assert!(!found.is_empty());
    // Every action moves the initial state; nothing moves the others.
    assert_eq!(masks[0], (0, u64::MAX));
    assert!(masks[1..].iter().all(|&(_, moved)| moved == 0));
    assert_eq!(
        masks.iter().map(|&(id, _)| id).collect::<Vec<_>>(),
        (0..65).collect::<Vec<u32>>()
    );
    // One more action cannot be marked in a 64-bit mask: no search.
    assert!(compact::search(
        &Fan((0..65).collect()),
        Limits::default(),
        |_, _, _| {},
        |_| {}
    )
    .is_none());
}

/// Checks a compact search against the stored graph's search of the same model and
/// limits: the same states in the same order, parents, paths, depths, edges, cut, and a
/// visit per expanded state, in order, with the actions that moved it.
fn agrees<M>(model: &M, limits: Limits, what: &str)
where
    M: Model,
    M::State: Copy + Eq + std::hash::Hash + Debug,
    M::Action: Copy + Eq + Debug,
{
    use crate::explore::liveness::Edges as _;
    let graph = explore(model, limits, |_| {});
    let mut visits = Vec::new();
    let found = compact::search(
        model,
        limits,
        |id, &state, moved| visits.push((id, state, moved)),
        |_| {},
    )
    .expect("few actions");
    let stored: Vec<M::State> = graph.graph.node_weights().copied().collect();
    assert_eq!(found.states(), &stored[..], "{what}");
    assert_eq!(found.len(), stored.len(), "{what}");
    assert_eq!(
        (
            found.completeness,
            found.transitions,
            found.max_depth(),
            found.expanded_count()
        ),
        (
            graph.completeness,
            graph.graph.edge_count(),
            graph.max_depth(),
            graph.expanded_count()
        ),
        "{what}"
    );
    assert_eq!(visits.len(), found.expanded_count(), "{what}");
    let canonical = |s| {
        if limits.symmetry {
            model.canonical(s)
        } else {
            s
        }
    };
    for (n, &(id, state, moved)) in visits.iter().enumerate() {
        assert_eq!((id as usize, state), (n, stored[n]), "{what}");
        let expected = model
            .actions()
            .iter()
            .enumerate()
            .filter(|&(_, &a)| canonical(model.next(&state, a)) != state)
            .fold(0u64, |mask, (i, _)| mask | 1 << i);
        assert_eq!(moved, expected, "{what}: state {n}");
    }
    for (n, state) in stored.iter().enumerate() {
        let node = NodeIndex::new(n);
        assert_eq!(found.number(state), Some(n as u32), "{what}");
        assert_eq!(found.path(n as u32), graph.path(node), "{what}: state {n}");
        assert_eq!(found.path_to(node), graph.path(node), "{what}: state {n}");
        if !graph.expanded(node) {
            continue;
        }
        // The recomputed edges of an expanded state are the stored ones, in their order;
        // those of unreached states are left out (a cut search).
        for first in [true, false] {
            let allowed = |a: &M::Action| first || model.actions().first() != Some(a);
            let stored_edges: Vec<(NodeIndex, M::Action)> = graph
                .graph
                .edges(node)
                .filter(|e| allowed(e.weight()))
                .map(|e| (e.target(), *e.weight()))
                .collect();
            assert_eq!(
                found.out_edges(node, &allowed),
                stored_edges,
                "{what}: state {n}"
            );
        }
    }
}

#[test]
fn the_compact_search_numbers_visits_and_cuts_like_the_stored_graph() {
    for exit_from in 0..4 {
        let ring = Ring { exit_from };
        for limits in [
            Limits::default(),
            Limits {
                max_states: 2,
                ..Limits::default()
            },
            Limits {
                max_states: 3,
                ..Limits::default()
            },
            Limits {
                max_depth: 0,
                ..Limits::default()
            },
            Limits {
                max_depth: 1,
                ..Limits::default()
            },
            Limits {
                max_depth: 2,
                ..Limits::default()
            },
        ] {
            agrees(&ring, limits, &format!("ring exit {exit_from}, {limits:?}"));
        }
    }
    for symmetry in [false, true] {
        for (max_states, max_depth) in [
            (usize::MAX, usize::MAX),
            (5, usize::MAX),
            (usize::MAX, 2),
            (usize::MAX, 0),
        ] {
            let limits = Limits {
                symmetry,
                max_states,
                max_depth,
                ..Limits::default()
            };
            agrees(&Triple, limits, &format!("triple, {limits:?}"));
        }
    }
    // An unreached state has no number.
    let no_exit = Ring { exit_from: 9 };
    let found =
        compact::search(&no_exit, Limits::default(), |_, _, _| {}, |_| {}).expect("2 actions");
    assert_eq!(found.number(&3), None);
    assert_eq!(found.len(), 3);
}

#[test]
fn the_compact_search_reports_its_progress_every_65_536_states() {
    let mut seen = Vec::new();
    let found = compact::search(
        &Line(140_000),
        Limits::default(),
        |_, _, _| {},
        |p| {
            seen.push((p.states, p.transitions, p.depth));
        },
    )
    .expect("one action");
    assert_eq!(found.len(), 140_000);
    assert_eq!(found.max_depth(), 139_999);
    // State number k is found from state k - 1, at depth k - 1, before its step is
    // counted.
    assert_eq!(
        seen,
        [(65_536, 65_534, 65_534), (131_072, 131_070, 131_070)]
    );
}

/// The bytes `Vec` holds after the pushes that make `len` elements of `T` from one.
fn vec_bytes<T: Default + Clone>(len: usize) -> usize {
    let mut v = vec![T::default()];
    for _ in 1..len {
        v.push(T::default());
    }
    v.capacity() * std::mem::size_of::<T>()
}

#[test]
fn the_compact_memory_estimate_counts_every_table_and_the_index_buckets() {
    // A line of n states has n states, parents, actions and depths, and n index
    // entries; a hash table of capacity c holds the power of two at or above 8c/7
    // buckets (at least 4), each a number and a control byte: the estimate counts each
    // vector by its capacity and the index at least at its buckets, at most one more.
    for n in [1, 2, 3, 4, 5, 7, 8, 9, 14, 15, 28, 29, 100, 1_000, 10_000] {
        let line = Line(n as u32);
        let found =
            compact::search(&line, Limits::default(), |_, _, _| {}, |_| {}).expect("one action");
        assert_eq!(found.len(), n);
        let vectors = vec_bytes::<u32>(n) * 3 + vec_bytes::<u8>(n);
        let mut index = hashbrown::HashTable::new();
        for k in 0..n as u32 {
            index.insert_unique(u64::from(k), k, |&k| u64::from(k));
        }
        let buckets = (index.capacity() * 8 / 7).next_power_of_two().max(4);
        let estimate = found.bytes();
        assert!(
            (vectors + buckets * 5..=vectors + (buckets + 1) * 5).contains(&estimate),
            "{n} states: {vectors} bytes of vectors and {buckets} buckets, estimate {estimate}"
        );
    }
}

/// A compact search of `model` within `max_memory` bytes.
fn within<M: Model>(model: &M, max_memory: usize) -> compact::Compact<'_, M> {
    let limits = Limits {
        max_memory,
        ..Limits::default()
    };
    compact::search(model, limits, |_, _, _| {}, |_| {}).expect("few actions")
}

#[test]
fn a_memory_budget_stops_the_compact_search_before_its_tables_outgrow_it() {
    let line = Line(20_000);
    let full = within(&line, usize::MAX);
    let whole = full.bytes();
    assert_eq!(full.completeness, Completeness::Complete);
    for budget in [0, 1, whole / 3, whole / 2] {
        let cut = within(&line, budget);
        assert_eq!(cut.completeness, Completeness::MemoryLimit, "{budget}");
        assert!(cut.len() < full.len(), "{budget}");
        if budget < 2 {
            // Only the initial state, stored before anything is counted.
            assert_eq!((cut.len(), cut.expanded_count()), (1, 0), "{budget}");
        } else {
            assert!(cut.expanded_count() > 0, "{budget}");
        }
    }
    // Whatever the budget, the tables never hold more than it when the search stops,
    // and a search that stops has left a state unexpanded.
    for share in 1..=80 {
        let budget = whole * share / 40;
        let cut = within(&line, budget);
        assert!(cut.bytes() <= budget, "{budget}: {} bytes", cut.bytes());
        assert_eq!(
            cut.completeness == Completeness::Complete,
            cut.expanded_count() == cut.len(),
            "{budget}"
        );
    }
    let roomy = within(&line, 4 * whole);
    assert_eq!(roomy.completeness, Completeness::Complete);
    assert_eq!(roomy.len(), full.len());
}

#[test]
fn a_memory_budget_the_compact_tables_would_just_reach_is_enough() {
    // Before the initial state of a line is expanded its tables are four vectors of one
    // entry (a state and a parent number of 4 bytes, an action index of 1, a depth start
    // of 4: 13 bytes) and an index with room for 3 entries (4 buckets of 5 bytes). Its
    // one step may make each vector grow (its new buffer of 2 entries and the old one,
    // 3 x 13 bytes) but fits the index (20 bytes): 59 bytes.
    let line = Line(2);
    assert_eq!(within(&line, 59).expanded_count(), 1);
    let short = within(&line, 58);
    assert_eq!(
        (short.expanded_count(), short.completeness),
        (0, Completeness::MemoryLimit)
    );
    // The one state of a line of one holds the same tables without a step: 13 + 20.
    assert_eq!(within(&Line(1), usize::MAX).bytes(), 33);
}

#[test]
fn the_compact_memory_cut_counts_a_table_three_times_exactly_from_the_push_it_cannot_hold() {
    // Before each expansion of a line the search asks whether the tables, one push more
    // each, stay within the budget: a table full at that push counts its doubled buffer
    // besides the old one (three times its bytes), one with room counts once. Over a
    // line of 6 some vector is filled exactly by a push (counted once) and the index
    // grows at one (counted three times): the least budget of each expansion, computed
    // from tables built alike, is enough for it and one byte less stops the search
    // there.
    let n = 6;
    let line = Line(n);
    let (mut states, mut parent, mut via, mut levels) =
        (vec![0u32], vec![u32::MAX], vec![0u8], vec![0u32]);
    let mut index = hashbrown::HashTable::new();
    index.insert_unique(0, 0u32, |&k| u64::from(k));
    let mut needs = Vec::new();
    let (mut fits_exactly, mut index_grows) = (false, false);
    for k in 0..n as usize {
        // The tables before expansion `k`: those of a search cut at depth `k`.
        let cut = compact::search(
            &line,
            Limits {
                max_depth: k,
                ..Limits::default()
            },
            |_, _, _| {},
            |_| {},
        )
        .expect("one action");
        assert_eq!((cut.len(), cut.expanded_count()), (states.len(), k));
        let vectors = [
            (states.len(), states.capacity(), 4),
            (parent.len(), parent.capacity(), 4),
            (via.len(), via.capacity(), 1),
            (levels.len(), levels.capacity(), 4),
        ];
        let vector_bytes: usize = vectors.iter().map(|&(_, cap, size)| cap * size).sum();
        let index_bytes = cut.bytes() - vector_bytes;
        let grown: usize = vectors
            .iter()
            .filter(|&&(len, cap, _)| len + 1 > cap)
            .map(|&(_, cap, size)| cap * size)
            .sum::<usize>()
            + if index.len() + 1 > index.capacity() {
                index_bytes
            } else {
                0
            };
        needs.push(cut.bytes() + 2 * grown);
        fits_exactly |= vectors.iter().any(|&(len, cap, _)| len + 1 == cap);
        index_grows |= index.len() + 1 > index.capacity();
        // Expansion `k` pushes state `k + 1`, one level deeper, if there is one.
        if k + 1 < n as usize {
            let fresh = states.len() as u32;
            index.insert_unique(u64::from(fresh), fresh, |&k| u64::from(k));
            states.push(fresh);
            parent.push(k as u32);
            via.push(0);
            levels.push(fresh);
        }
    }
    // A push that exactly fills a vector and one that grows the index both occur.
    assert!(fits_exactly && index_grows);
    // Expansions stop at the first whose need exceeds the budget.
    let expanded = |budget: usize| needs.iter().take_while(|&&need| need <= budget).count();
    for (k, &need) in needs.iter().enumerate() {
        for budget in [need - 1, need] {
            let cut = within(&line, budget);
            assert_eq!(
                cut.expanded_count(),
                expanded(budget),
                "expansion {k} needs {need} bytes, budget {budget}: {needs:?}"
            );
        }
    }
}
