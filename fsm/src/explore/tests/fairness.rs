//! Liveness under fairness: the fair traps agree with a brute force on random graphs,
//! a lasso takes the fair actions and only the steps it needs, fairness forces an exit
//! always enabled in a cycle, and a state no fair action moves is a trap.

use super::*;

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
