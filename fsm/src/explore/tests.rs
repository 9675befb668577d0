//! The breadth-first search, its limits, and liveness under fairness.

use petgraph::visit::EdgeRef;

use super::*;

/// `Triple` and `Cube`, shared with the speed layers' tests (`bench/tests/reach.rs`).
mod models;
use models::{Cube, Triple};

/// A ring 0 -> 1 -> 2 -> 0 on `Step`, plus `Exit` from 2 to 3 (absorbing).
struct Ring {
    exit_from: u8,
}
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Act {
    Step,
    Exit,
}
impl Model for Ring {
    type State = u8;
    type Action = Act;
    fn initial(&self) -> u8 {
        0
    }
    fn actions(&self) -> &[Act] {
        &[Act::Step, Act::Exit]
    }
    fn next(&self, s: &u8, action: Act) -> u8 {
        match (action, *s) {
            (Act::Step, 3) => 3,
            (Act::Step, s) => (s + 1) % 3,
            (Act::Exit, s) if s == self.exit_from => 3,
            (Act::Exit, s) => s,
        }
    }
}

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

/// A model given by its edges: `(from, action, to)`; any other action changes nothing.
struct Edges(Vec<(u8, u8, u8)>);
impl Model for Edges {
    type State = u8;
    type Action = u8;
    fn initial(&self) -> u8 {
        0
    }
    fn actions(&self) -> &[u8] {
        &[0, 1, 2]
    }
    fn next(&self, s: &u8, action: u8) -> u8 {
        self.0
            .iter()
            .find(|&&(from, a, _)| from == *s && a == action)
            .map_or(*s, |&(_, _, to)| to)
    }
}

/// Whether a fair run can stay in `region` for ever, by brute force over sets of
/// states: a set strongly connected by allowed edges (or one state no fair allowed
/// action moves) in which every fair allowed action enabled somewhere has an edge
/// inside.
fn fair_set_exists(
    graph: &Exploration<u8, u8>,
    region: &dyn Fn(NodeIndex) -> bool,
    allowed: &dyn Fn(&u8) -> bool,
    fair: &dyn Fn(&u8) -> bool,
) -> bool {
    let nodes: Vec<NodeIndex> = graph
        .graph
        .node_indices()
        .filter(|&n| graph.expanded(n) && region(n))
        .collect();
    let edges = |n: NodeIndex| {
        graph
            .graph
            .edges(n)
            .filter(|e| allowed(e.weight()))
            .map(|e| (e.target(), *e.weight()))
            .collect::<Vec<_>>()
    };
    (1u32..1 << nodes.len()).any(|mask| {
        let set: Vec<NodeIndex> = (0..nodes.len())
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| nodes[i])
            .collect();
        let inside = |n: &NodeIndex| set.contains(n);
        let fair_ok = set.iter().all(|&n| {
            edges(n).iter().filter(|(_, a)| fair(a)).all(|&(_, a)| {
                set.iter()
                    .any(|&m| edges(m).iter().any(|(t, b)| *b == a && inside(t)))
            })
        });
        if !fair_ok {
            return false;
        }
        if set.len() == 1 {
            return edges(set[0]).iter().all(|(_, a)| !fair(a));
        }
        set.iter().all(|&from| {
            let mut seen = vec![from];
            let mut stack = vec![from];
            while let Some(n) = stack.pop() {
                for (t, _) in edges(n) {
                    if inside(&t) && !seen.contains(&t) {
                        seen.push(t);
                        stack.push(t);
                    }
                }
            }
            seen.len() == set.len()
        })
    })
}

/// Checks a lasso against the graph: the prefix leads from the initial state to the
/// entry, the cycle follows allowed edges inside `region` back to the entry, and it
/// takes every fair allowed action enabled in a state it visits.
fn valid_lasso(
    graph: &Exploration<u8, u8>,
    lasso: &Lasso<u8>,
    region: &dyn Fn(NodeIndex) -> bool,
    allowed: &dyn Fn(&u8) -> bool,
    fair: &dyn Fn(&u8) -> bool,
) -> Result<(), String> {
    let step = |n: NodeIndex, a: u8| {
        graph
            .graph
            .edges(n)
            .find(|e| *e.weight() == a)
            .map(|e| e.target())
    };
    let mut at = NodeIndex::new(0);
    for &a in &lasso.prefix {
        at = step(at, a).ok_or("the prefix leaves the graph")?;
    }
    if at != lasso.entry {
        return Err("the prefix misses the entry".into());
    }
    let mut visited = vec![at];
    for &a in &lasso.cycle {
        if !allowed(&a) || !region(at) || !graph.expanded(at) {
            return Err(format!("step {a} from {at:?} is not allowed here"));
        }
        at = step(at, a).ok_or("the cycle leaves the graph")?;
        visited.push(at);
    }
    if at != lasso.entry || !region(at) {
        return Err("the cycle does not return".into());
    }
    for &n in &visited {
        for e in graph.graph.edges(n) {
            let a = *e.weight();
            if allowed(&a) && fair(&a) && !lasso.cycle.contains(&a) {
                return Err(format!("fair action {a} enabled in {n:?}, never taken"));
            }
        }
    }
    Ok(())
}

#[test]
fn fair_traps_agree_with_brute_force_on_random_graphs() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    let (mut found, mut none) = (0, 0);
    for round in 0..600 {
        let states = 2 + next(5) as u8;
        let mut edges = Vec::new();
        for from in 0..states {
            for action in 0..3u8 {
                let to = next(u64::from(states)) as u8;
                if to != from && next(3) > 0 {
                    edges.push((from, action, to));
                }
            }
        }
        let model = Edges(edges);
        let (fair_mask, allowed_mask, region_mask) = (next(8), 1 + next(7), next(64));
        let limits = match round % 4 {
            0 => Limits {
                max_depth: 1 + next(3) as usize,
                ..Limits::default()
            },
            1 => Limits {
                max_states: 1 + next(5) as usize,
                ..Limits::default()
            },
            _ => Limits::default(),
        };
        let graph = explore(&model, limits, |_| {});
        let region = |n: NodeIndex| region_mask >> graph.graph[n] & 1 == 0;
        let allowed = |a: &u8| allowed_mask >> a & 1 == 1;
        let fair = |a: &u8| fair_mask >> a & 1 == 1;
        let lasso = graph.fair_trap(region, allowed, fair);
        // The compact search numbers the states alike and finds the same lasso.
        let numbered = compact::search(&model, limits, |_, _, _| {}, |_| {}).expect("3 actions");
        let stored: Vec<u8> = graph.graph.node_weights().copied().collect();
        assert_eq!(numbered.states(), &stored[..], "round {round}");
        assert_eq!(
            (
                numbered.transitions,
                numbered.max_depth(),
                numbered.completeness
            ),
            (
                graph.graph.edge_count(),
                graph.max_depth(),
                graph.completeness
            ),
            "round {round}"
        );
        assert_eq!(
            numbered.expanded_count(),
            graph.expanded_count(),
            "round {round}"
        );
        let in_region: Vec<u32> = (0..numbered.len() as u32)
            .filter(|&id| region(NodeIndex::new(id as usize)))
            .collect();
        assert_eq!(
            numbered.fair_trap(&in_region, allowed, fair),
            lasso,
            "round {round}: {:?}",
            model.0
        );
        let exists = fair_set_exists(&graph, &region, &allowed, &fair);
        assert_eq!(lasso.is_some(), exists, "round {round}: {:?}", model.0);
        if let Some(lasso) = lasso {
            valid_lasso(&graph, &lasso, &region, &allowed, &fair)
                .unwrap_or_else(|e| panic!("round {round}: {e}: {lasso:?} {:?}", model.0));
            assert!(lasso.states.contains(&lasso.entry));
            found += 1;
        } else {
            none += 1;
        }
    }
    assert!(found > 50 && none > 50, "{found} traps, {none} without");
}

#[test]
fn a_lasso_takes_the_fair_actions_and_only_the_steps_it_needs() {
    // Two states, toggled by a fair action 0 and an unfair action 1: the cycle takes
    // the fair action first, then the shortest way back (here the unfair action, the
    // first edge petgraph lists); the unfair action is never a goal of its own.
    let toggles = Edges(vec![(0, 0, 1), (1, 0, 0), (0, 1, 1), (1, 1, 0)]);
    let graph = explore(&toggles, Limits::default(), |_| {});
    let lasso = graph
        .fair_trap(|_| true, |_| true, |a| *a == 0)
        .expect("a trap");
    assert_eq!(lasso.cycle, vec![0, 1]);
    assert_eq!((lasso.entry.index(), lasso.states.len()), (0, 2));
    let unfair_first = graph
        .fair_trap(|_| true, |_| true, |a| *a == 1)
        .expect("a trap");
    assert_eq!(unfair_first.cycle, vec![1, 1]);
    // With no fair action, a trap of several states still goes round; a run that
    // stays in one state needs a state of its own.
    let ring = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    let lasso = ring
        .fair_trap(|n| ring.graph[n] != 3, |_| true, |_| false)
        .expect("the ring");
    assert_eq!(lasso.cycle, vec![Act::Step; 3]);
    assert_eq!(lasso.states.len(), 3);
    let absorbing = ring
        .fair_trap(|n| ring.graph[n] == 3, |_| true, |_| true)
        .expect("state 3");
    assert_eq!((absorbing.cycle.len(), absorbing.states.len()), (0, 1));
    assert_eq!(absorbing.prefix, vec![Act::Step, Act::Step, Act::Exit]);
}

#[test]
fn fairness_forces_an_exit_that_is_always_enabled_in_the_cycle() {
    let graph = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    let region = |node: NodeIndex| graph.graph[node] != 3;
    // Both fair: the ring is left eventually.
    assert_eq!(graph.fair_trap(region, |_| true, |_| true), None);
    // Only Exit fair: the run may stay in 0 or 1, where Exit is not enabled.
    let idle = graph
        .fair_trap(region, |_| true, |a| *a == Act::Exit)
        .expect("a stuttering run");
    assert!(idle.cycle.is_empty());
    // Exit unfair: the ring can go round forever.
    let lasso = graph
        .fair_trap(region, |_| true, |a| *a == Act::Step)
        .expect("a fair cycle");
    assert_eq!(lasso.prefix, Vec::<Act>::new());
    assert_eq!(lasso.cycle, vec![Act::Step, Act::Step, Act::Step]);
    assert_eq!(lasso.states.len(), 3);
}

#[test]
fn a_state_no_fair_action_moves_is_a_trap() {
    let graph = explore(&Ring { exit_from: 2 }, Limits::default(), |_| {});
    // Without Step allowed, state 0 cannot move: the run stays there.
    let lasso = graph
        .fair_trap(|node| graph.graph[node] != 3, |a| *a == Act::Exit, |_| true)
        .expect("stuck");
    assert_eq!(graph.graph[lasso.entry], 0);
    assert!(lasso.cycle.is_empty());
    // Exit from 2 is enabled and fair: {2} alone is not a trap, but 0 and 1 are.
    assert_eq!(lasso.states.len(), 1);
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

// The compact search (`compact.rs`): the same numbering, paths, edges, limits and
// progress as the stored graph, and a memory estimate that holds its tables.

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
    use super::liveness::Edges as _;
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
