//! The breadth-first search and its limits: shortest paths, cuts by states, depth and
//! memory (the expanded prefix and its frontier, never a trap), a state's node, and the
//! memory estimate of the search's tables.

use super::*;

#[test]
fn breadth_first_paths_are_shortest() {
    let graph = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    assert_eq!(graph.graph.node_count(), 4);
    let exit = graph.first(|s| *s == 3).expect("reachable");
    assert_eq!(graph.path(exit), vec![Act::Step, Act::Step, Act::Exit]);
    assert_eq!(graph.depth(exit), 3);
}

#[test]
fn limits_report_incomplete() {
    let limited = explore(
        &Ring { exit_from: 2 },
        Limits {
            max_states: 2,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(limited.completeness, Completeness::StateLimit);
    let shallow = explore(
        &Ring { exit_from: 2 },
        Limits {
            max_depth: 1,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(shallow.completeness, Completeness::DepthLimit);
    assert_eq!(shallow.graph.node_count(), 2);
}

#[test]
fn the_expanded_nodes_are_the_prefix_whose_successors_were_all_tried() {
    let full = explore(&Triple, Limits::default(), |_| {});
    assert_eq!(full.expanded_count(), full.graph.node_count());
    // A state limit stops in the middle of a node: that node and the rest are the
    // frontier, and the last expanded node has all its edges.
    for max_states in [1, 2, 5, 10, 20] {
        let cut = explore(
            &Triple,
            Limits {
                max_states,
                ..Limits::default()
            },
            |_| {},
        );
        assert_eq!(cut.completeness, Completeness::StateLimit);
        assert!(
            cut.expanded_count() < cut.graph.node_count(),
            "{max_states}"
        );
        for node in cut.graph.node_indices() {
            let edges = cut.graph.edges(node).count();
            let want = full
                .graph
                .edges(full.node(&cut.graph[node]).expect("same state"))
                .count();
            assert_eq!(cut.expanded(node), node.index() < cut.expanded_count());
            if cut.expanded(node) {
                assert_eq!(edges, want, "{max_states}: node {node:?} has all its edges");
            } else {
                assert!(edges < want, "{max_states}: node {node:?} is the frontier");
            }
        }
    }
    // A depth limit: every node above the limit is expanded, none at it.
    let shallow = explore(
        &Triple,
        Limits {
            max_depth: 2,
            ..Limits::default()
        },
        |_| {},
    );
    for node in shallow.graph.node_indices() {
        assert_eq!(shallow.expanded(node), shallow.depth(node) < 2);
    }
    let none = explore(
        &Triple,
        Limits {
            max_depth: 0,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(none.expanded_count(), 0);
}

#[test]
fn the_frontier_is_never_a_trap() {
    // Cut after the first step: state 1 was stored but never expanded. It has no
    // edges, yet it is no state that nothing moves.
    for limits in [
        Limits {
            max_depth: 1,
            ..Limits::default()
        },
        Limits {
            max_states: 2,
            ..Limits::default()
        },
    ] {
        let cut = explore(&Ring { exit_from: 2 }, limits, |_| {});
        assert_eq!(cut.graph.node_count(), 2, "{limits:?}");
        assert!(!cut.expanded(NodeIndex::new(1)), "{limits:?}");
        assert_eq!(
            cut.fair_trap(|_| true, |_| true, |_| true),
            None,
            "{limits:?}"
        );
    }
    // Expanded states do count: with Exit excluded, {0, 1, 2} is a trap once the
    // whole ring was expanded, and the cut search cannot see it.
    let full = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    let region = |node: NodeIndex| full.graph[node] != 3;
    let lasso = full
        .fair_trap(region, |a| *a == Act::Step, |_| true)
        .expect("the ring");
    assert_eq!(lasso.cycle, vec![Act::Step; 3]);
    let cut = explore(
        &Ring { exit_from: 2 },
        Limits {
            max_depth: 2,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(cut.fair_trap(|_| true, |a| *a == Act::Step, |_| true), None);
}

#[test]
fn a_memory_budget_stops_the_search_before_its_tables_outgrow_it() {
    let full = explore(&Cube, Limits::default(), |_| {});
    let whole = full.bytes();
    // At least every stored node, edge, index entry and tree entry.
    let (nodes, edges) = (full.graph.node_count(), full.graph.edge_count());
    let least = nodes * std::mem::size_of::<petgraph::graph::Node<u64, u32>>()
        + edges * std::mem::size_of::<petgraph::graph::Edge<u64, u32>>()
        + nodes * std::mem::size_of::<(u64, NodeIndex)>()
        + nodes * std::mem::size_of::<Option<(NodeIndex, u64)>>()
        + nodes * std::mem::size_of::<u32>();
    assert!(whole >= least, "{whole} < {least}");
    assert!(whole < 4 * least, "{whole} is no estimate of {least}");
    for budget in [0, 1, 4_096, 1 << 20, whole / 2] {
        let cut = explore(
            &Cube,
            Limits {
                max_memory: budget,
                ..Limits::default()
            },
            |_| {},
        );
        assert_eq!(cut.completeness, Completeness::MemoryLimit, "{budget}");
        if budget < 4_096 {
            // Only the initial state, stored before anything is counted.
            assert_eq!(cut.graph.node_count(), 1, "{budget}");
            assert_eq!(cut.expanded_count(), 0, "{budget}");
        } else {
            assert!(cut.bytes() <= budget, "{budget}: {} bytes", cut.bytes());
            assert!(cut.expanded_count() > 0, "{budget}");
        }
        assert!(cut.graph.node_count() < full.graph.node_count());
    }
    // Whatever the budget, the tables never hold more than it when the search stops.
    for share in 1..=40 {
        let budget = whole * share / 40;
        let cut = explore(
            &Cube,
            Limits {
                max_memory: budget,
                ..Limits::default()
            },
            |_| {},
        );
        assert!(cut.bytes() <= budget, "{budget}: {} bytes", cut.bytes());
    }
    let roomy = explore(
        &Cube,
        Limits {
            max_memory: 4 * whole,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(roomy.completeness, Completeness::Complete);
}

#[test]
fn a_state_maps_to_its_own_node_and_an_unreached_one_to_none() {
    let graph = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    for node in graph.graph.node_indices() {
        assert_eq!(graph.node(&graph.graph[node]), Some(node));
    }
    assert_eq!(graph.node(&7), None);
}

/// The tables of a search, given one by one.
fn tables<'a>(
    graph: &'a DiGraph<u64, u64, u32>,
    index: &'a HashMap<u64, NodeIndex, FastHash>,
    parent: &'a Vec<Option<(NodeIndex, u64)>>,
    depth: &'a Vec<u32>,
    queue: &'a VecDeque<NodeIndex>,
) -> Tables<'a, u64, u64> {
    Tables {
        graph,
        index,
        parent,
        depth,
        queue,
    }
}

#[test]
fn the_memory_estimate_counts_a_table_three_times_exactly_when_it_must_grow() {
    let (graph, parent, queue) = (DiGraph::default(), Vec::new(), VecDeque::new());
    // A vector (the depths) with room for a few pushes: counted once while the pushes
    // fit, three times (its doubled buffer and the old one) once they do not.
    let no_index = HashMap::with_hasher(FastHash);
    let mut depth: Vec<u32> = Vec::with_capacity(8);
    depth.extend([0; 6]);
    let room = depth.capacity() - depth.len();
    let held = depth.capacity() * std::mem::size_of::<u32>();
    let empty = Vec::new();
    let without = tables(&graph, &no_index, &parent, &empty, &queue);
    let with = tables(&graph, &no_index, &parent, &depth, &queue);
    assert_eq!(with.bytes(), without.bytes() + held);
    for more in 1..room + 4 {
        let counted = if more <= room { held } else { 3 * held };
        assert_eq!(
            with.bytes_if_grown(more),
            without.bytes_if_grown(more) + counted,
            "{more} pushes into room for {room}"
        );
    }
    // The state index, alone: the same rule.
    let mut index = HashMap::with_capacity_and_hasher(7, FastHash);
    for state in 0..5u64 {
        index.insert(state, NodeIndex::new(0));
    }
    let room = index.capacity() - index.len();
    let alone = tables(&graph, &index, &parent, &empty, &queue);
    for more in 1..room + 4 {
        let times = if more <= room { 1 } else { 3 };
        assert_eq!(
            alone.bytes_if_grown(more),
            times * alone.bytes(),
            "{more} insertions into room for {room}"
        );
    }
}

#[test]
fn the_memory_estimate_of_the_state_index_covers_its_buckets() {
    // A hash table of capacity c keeps an eighth of its buckets free: it holds the
    // power of two at or above 8c/7 buckets (at least 4), each an entry and a control
    // byte. The estimate counts at least that, and at most one bucket more.
    let (graph, parent, depth, queue) =
        (DiGraph::default(), Vec::new(), Vec::new(), VecDeque::new());
    let bucket = std::mem::size_of::<(u64, NodeIndex)>() + 1;
    for wanted in [1, 3, 4, 7, 8, 14, 15, 28, 100, 1_000, 10_000] {
        let index = HashMap::with_capacity_and_hasher(wanted, FastHash);
        let capacity = index.capacity();
        let buckets = (capacity * 8 / 7).next_power_of_two().max(4);
        let estimate = tables(&graph, &index, &parent, &depth, &queue).bytes();
        assert!(
            (buckets * bucket..=(buckets + 1) * bucket).contains(&estimate),
            "capacity {capacity}: {buckets} buckets, estimate {estimate} bytes"
        );
    }
}

#[test]
fn a_memory_budget_the_tables_would_just_reach_is_enough() {
    // The estimate before the initial state is expanded, from the tables of a search
    // cut just before that expansion (its queue held the initial state, now taken).
    let root = explore(
        &Cube,
        Limits {
            max_depth: 0,
            ..Limits::default()
        },
        |_| {},
    );
    let mut queue = VecDeque::from([NodeIndex::new(0)]);
    queue.pop_front();
    let needed = Tables {
        graph: &root.graph,
        index: &root.index,
        parent: &root.parent,
        depth: &root.depth,
        queue: &queue,
    }
    .bytes_if_grown(Cube.actions().len());
    let search = |max_memory| {
        explore(
            &Cube,
            Limits {
                max_memory,
                ..Limits::default()
            },
            |_| {},
        )
    };
    assert!(
        search(needed).expanded_count() > 0,
        "{needed} bytes are enough"
    );
    let short = search(needed - 1);
    assert_eq!(
        (short.completeness, short.expanded_count()),
        (Completeness::MemoryLimit, 0)
    );
}
