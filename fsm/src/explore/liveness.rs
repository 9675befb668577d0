//! Liveness on the explored graph: fair traps (strongly connected components refined
//! under strong fairness) and the lassos that show them.

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::Exploration;

/// A lasso: a path from the initial state into a set of states, and a cycle in that set
/// that a fair run can repeat forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lasso<A> {
    /// Actions from the initial state to `entry`.
    pub prefix: Vec<A>,
    /// The first state of the cycle.
    pub entry: NodeIndex,
    /// Actions from `entry` back to `entry` (empty when the run stays in `entry` because
    /// no fair action can move it).
    pub cycle: Vec<A>,
    /// Every state of the trap.
    pub states: Vec<NodeIndex>,
}

impl<S: Copy + Eq + Hash, A: Copy + Eq + Debug> Exploration<S, A> {
    /// Looks for a fair run that stays in `region` forever: a counterexample to "from
    /// every state, a state outside `region` is eventually reached".
    ///
    /// Only expanded nodes ([`Exploration::expanded`]) take part: a frontier node's
    /// successors are unknown, so it can be neither a trap nor part of one. A lasso found
    /// in a cut search is therefore a lasso of the complete graph too; `None` from a cut
    /// search decides nothing.
    ///
    /// Only edges whose action satisfies `allowed` are followed (the actions assumed not
    /// to happen any more are left out). A run is fair when every action satisfying
    /// `fair` that is enabled (changes the state) infinitely often is taken infinitely
    /// often (strong fairness). The search refines strongly connected components: an
    /// action enabled in a component but never staying in it cannot be avoided forever, so
    /// the states enabling it are removed and the rest is decomposed again.
    ///
    /// # Arguments
    /// * `region` - the nodes a run must not stay in for ever.
    /// * `allowed` - the actions that may still happen (others are left out).
    /// * `fair` - the actions taken under strong fairness.
    ///
    /// # Returns
    /// A [`Lasso`] into the first trap found (the one nearest to the initial state), or
    /// `None` when every fair run leaves `region`.
    ///
    /// # Complexity
    /// O(k x (states + edges)) where k is the number of refinement rounds (at most the
    /// number of fair actions per component).
    ///
    /// # Examples
    /// ```
    /// use ucma_ha_fsm::explore::{explore, Completeness, Limits, Model};
    /// /// A ring 0 -> 1 -> 2 -> 0 on `s`, and `x` from 2 to the exit, 3.
    /// struct Ring;
    /// impl Model for Ring {
    ///     type State = u8;
    ///     type Action = char;
    ///     fn initial(&self) -> u8 { 0 }
    ///     fn actions(&self) -> &[char] { &['s', 'x'] }
    ///     fn next(&self, s: &u8, action: char) -> u8 {
    ///         match (action, *s) {
    ///             (_, 3) => 3,
    ///             ('s', s) => (s + 1) % 3,
    ///             ('x', 2) => 3,
    ///             (_, s) => s,
    ///         }
    ///     }
    /// }
    /// let found = explore(&Ring, Limits::default(), |_| {});
    /// let in_ring = |node| found.graph[node] != 3;
    /// // Both actions fair: `x` is enabled on every lap, so every fair run leaves.
    /// assert!(found.fair_trap(in_ring, |_| true, |_| true).is_none());
    /// // Only `s` fair: lapping for ever, never taking `x`, is a fair run that stays.
    /// let lasso = found.fair_trap(in_ring, |_| true, |&a| a == 's').expect("a trap");
    /// assert_eq!((lasso.states.len(), lasso.cycle.len()), (3, 3));
    /// ```
    pub fn fair_trap(
        &self,
        region: impl Fn(NodeIndex) -> bool,
        allowed: impl Fn(&A) -> bool,
        fair: impl Fn(&A) -> bool,
    ) -> Option<Lasso<A>> {
        let members: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|&node| self.expanded(node) && region(node))
            .collect();
        fair_trap(self, members, &allowed, &fair)
    }
}

impl<S: Copy + Eq + Hash, A: Copy + Eq + Debug> Edges<A> for Exploration<S, A> {
    fn out_edges(&self, node: NodeIndex, allowed: &dyn Fn(&A) -> bool) -> Vec<(NodeIndex, A)> {
        self.graph
            .edges_directed(node, Direction::Outgoing)
            .filter(|edge| allowed(edge.weight()))
            .map(|edge| (edge.target(), *edge.weight()))
            .collect()
    }

    fn path_to(&self, node: NodeIndex) -> Vec<A> {
        self.path(node)
    }
}

/// A graph the fair-trap search walks: the edges out of an expanded node, and a shortest
/// path from the initial state. The stored graph ([`Exploration`]) and the compact search
/// ([`super::compact::Compact`], successors recomputed) both are one.
pub(super) trait Edges<A> {
    /// The edges out of `node` whose action is allowed, as (target, action), in the order
    /// the stored graph lists them (last action first).
    fn out_edges(&self, node: NodeIndex, allowed: &dyn Fn(&A) -> bool) -> Vec<(NodeIndex, A)>;
    /// The actions of a shortest path from the initial state to `node`.
    fn path_to(&self, node: NodeIndex) -> Vec<A>;
}

/// [`Exploration::fair_trap`] on any [`Edges`], `members` being the expanded nodes of
/// the region in ascending order.
pub(super) fn fair_trap<A: Copy + Eq + Debug>(
    graph: &impl Edges<A>,
    members: Vec<NodeIndex>,
    allowed: &dyn Fn(&A) -> bool,
    fair: &dyn Fn(&A) -> bool,
) -> Option<Lasso<A>> {
    let mut work: Vec<Vec<NodeIndex>> = vec![members];
    let mut traps: Vec<Vec<NodeIndex>> = Vec::new();
    while let Some(set) = work.pop() {
        let edges = SetEdges::new(graph, set, allowed);
        let set = &edges.set;
        let mut sub = DiGraph::<NodeIndex, (), u32>::with_capacity(set.len(), edges.len());
        for &node in set {
            sub.add_node(node);
        }
        for (i, &node) in set.iter().enumerate() {
            for &(target, _) in edges.of(node) {
                if let Some(j) = edges.position(target) {
                    sub.add_edge(NodeIndex::new(i), NodeIndex::new(j), ());
                }
            }
        }
        let components: Vec<Vec<NodeIndex>> = tarjan_scc(&sub)
            .into_iter()
            .map(|component| component.into_iter().map(|local| sub[local]).collect())
            .collect();
        for component in components {
            match refine(&edges, &component, fair) {
                Refined::Trap => traps.push(component),
                Refined::Smaller(rest) => {
                    if !rest.is_empty() {
                        work.push(rest);
                    }
                }
                Refined::Empty => {}
            }
        }
    }
    let trap = traps
        .into_iter()
        .min_by_key(|trap| trap.iter().map(|node| node.index()).min())?;
    Some(lasso(graph, trap, allowed, fair))
}

fn refine<A: Copy + Eq + Debug>(
    edges: &SetEdges<A>,
    component: &[NodeIndex],
    fair: &dyn Fn(&A) -> bool,
) -> Refined {
    let set: std::collections::HashSet<NodeIndex> = component.iter().copied().collect();
    // Fair actions enabled somewhere, and those that also have an edge staying inside.
    let mut enabled: Vec<A> = Vec::new();
    let mut stays: Vec<A> = Vec::new();
    let mut internal_edge = false;
    for &node in component {
        for &(target, action) in edges.of(node) {
            let within = set.contains(&target);
            internal_edge |= within;
            if fair(&action) {
                if !enabled.contains(&action) {
                    enabled.push(action);
                }
                if within && !stays.contains(&action) {
                    stays.push(action);
                }
            }
        }
    }
    let escaping: Vec<A> = enabled
        .into_iter()
        .filter(|action| !stays.contains(action))
        .collect();
    if escaping.is_empty() {
        // A component with an internal cycle is a trap; so is a single state no fair
        // action moves (none stays in it: the graph has no edge from a state to
        // itself), since the run may stay there.
        let stutters = component.len() == 1;
        return if internal_edge || stutters {
            Refined::Trap
        } else {
            Refined::Empty
        };
    }
    let rest: Vec<NodeIndex> = component
        .iter()
        .copied()
        .filter(|&node| {
            !edges
                .of(node)
                .iter()
                .any(|(_, action)| escaping.contains(action))
        })
        .collect();
    if rest.is_empty() {
        Refined::Empty
    } else {
        Refined::Smaller(rest)
    }
}

/// A shortest path inside `set` from `from` to a node satisfying `goal`, as actions and
/// the node reached.
fn walk<A: Copy + Eq + Debug>(
    graph: &impl Edges<A>,
    set: &std::collections::HashSet<NodeIndex>,
    from: NodeIndex,
    allowed: &dyn Fn(&A) -> bool,
    goal: impl Fn(NodeIndex) -> bool,
) -> Option<(Vec<A>, NodeIndex)> {
    let mut back: HashMap<NodeIndex, (NodeIndex, A)> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = std::collections::HashSet::from([from]);
    while let Some(node) = queue.pop_front() {
        if goal(node) {
            let mut actions = Vec::new();
            let mut at = node;
            while at != from {
                let Some(&(previous, action)) = back.get(&at) else {
                    break;
                };
                actions.push(action);
                at = previous;
            }
            actions.reverse();
            return Some((actions, node));
        }
        for (target, action) in graph.out_edges(node, allowed) {
            if set.contains(&target) && seen.insert(target) {
                back.insert(target, (node, action));
                queue.push_back(target);
            }
        }
    }
    None
}

fn lasso<A: Copy + Eq + Debug>(
    graph: &impl Edges<A>,
    trap: Vec<NodeIndex>,
    allowed: &dyn Fn(&A) -> bool,
    fair: &dyn Fn(&A) -> bool,
) -> Lasso<A> {
    let set: std::collections::HashSet<NodeIndex> = trap.iter().copied().collect();
    let entry = trap.iter().copied().min().unwrap_or(NodeIndex::new(0));
    let mut cycle = Vec::new();
    let mut at = entry;
    // Take every fair action enabled in the trap once, then return to the entry.
    let mut pending: Vec<A> = Vec::new();
    for &node in &trap {
        for (target, action) in graph.out_edges(node, allowed) {
            if fair(&action) && set.contains(&target) && !pending.contains(&action) {
                pending.push(action);
            }
        }
    }
    for action in pending {
        let has_edge = |node: NodeIndex| {
            graph
                .out_edges(node, allowed)
                .into_iter()
                .any(|(target, a)| a == action && set.contains(&target))
        };
        if let Some((mut steps, reached)) = walk(graph, &set, at, allowed, has_edge) {
            if let Some((target, _)) = graph
                .out_edges(reached, allowed)
                .into_iter()
                .find(|(target, a)| *a == action && set.contains(target))
            {
                steps.push(action);
                cycle.extend(steps);
                at = target;
            }
        }
    }
    // No fair action in the trap: go round it once by any edge (a trap of one state
    // has none, as no edge leads from a state to itself, and its cycle stays empty).
    if cycle.is_empty() {
        if let Some((target, action)) = graph
            .out_edges(entry, allowed)
            .into_iter()
            .find(|(target, _)| set.contains(target))
        {
            cycle.push(action);
            at = target;
        }
    }
    if at != entry {
        if let Some((steps, _)) = walk(graph, &set, at, allowed, |node| node == entry) {
            cycle.extend(steps);
        }
    }
    Lasso {
        prefix: graph.path_to(entry),
        entry,
        cycle,
        states: trap,
    }
}

/// The allowed edges out of the nodes of one set, computed once per set: what the
/// decomposition and the refinement of the set read.
struct SetEdges<A> {
    /// The nodes, in the order given.
    set: Vec<NodeIndex>,
    /// Each node with its position in `set`, by node.
    positions: Vec<(NodeIndex, usize)>,
    /// `edges[starts[i]..starts[i + 1]]`: the edges of `set[i]`.
    starts: Vec<usize>,
    edges: Vec<(NodeIndex, A)>,
}

impl<A: Copy> SetEdges<A> {
    fn new(graph: &impl Edges<A>, set: Vec<NodeIndex>, allowed: &dyn Fn(&A) -> bool) -> Self {
        let mut starts = Vec::with_capacity(set.len() + 1);
        let mut edges = Vec::new();
        starts.push(0);
        for &node in &set {
            edges.extend(graph.out_edges(node, allowed));
            starts.push(edges.len());
        }
        let mut positions: Vec<(NodeIndex, usize)> =
            set.iter().enumerate().map(|(i, &node)| (node, i)).collect();
        positions.sort_unstable();
        SetEdges {
            set,
            positions,
            starts,
            edges,
        }
    }

    fn len(&self) -> usize {
        self.edges.len()
    }

    /// Where `node` is in the set.
    fn position(&self, node: NodeIndex) -> Option<usize> {
        let at = self
            .positions
            .binary_search_by_key(&node, |&(node, _)| node)
            .ok()?;
        self.positions.get(at).map(|&(_, i)| i)
    }

    /// The edges out of `node` (none when it is not in the set).
    fn of(&self, node: NodeIndex) -> &[(NodeIndex, A)] {
        self.position(node)
            .and_then(|i| Some(*self.starts.get(i)?..*self.starts.get(i + 1)?))
            .and_then(|range| self.edges.get(range.start..range.end))
            .unwrap_or(&[])
    }
}

enum Refined {
    Trap,
    Smaller(Vec<NodeIndex>),
    Empty,
}
