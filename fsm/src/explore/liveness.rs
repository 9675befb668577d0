//! Liveness on the explored graph: fair traps (strongly connected components refined
//! under strong fairness) and the lassos that show them.

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
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
        let n = self.graph.node_count();
        let mut member = vec![false; n];
        for node in self.graph.node_indices() {
            member[node.index()] = self.expanded(node) && region(node);
        }
        let mut work: Vec<Vec<NodeIndex>> = vec![self
            .graph
            .node_indices()
            .filter(|node| member[node.index()])
            .collect()];
        let mut traps: Vec<Vec<NodeIndex>> = Vec::new();
        let mut local = vec![u32::MAX; n];
        while let Some(set) = work.pop() {
            let mut sub = DiGraph::<NodeIndex, (), u32>::with_capacity(set.len(), set.len());
            for &node in &set {
                local[node.index()] = sub.add_node(node).index() as u32;
            }
            for &node in &set {
                for (_, target, _) in self.out_edges(node, &allowed) {
                    let to = local[target.index()];
                    if to != u32::MAX {
                        sub.add_edge(
                            NodeIndex::new(local[node.index()] as usize),
                            NodeIndex::new(to as usize),
                            (),
                        );
                    }
                }
            }
            for &node in &set {
                local[node.index()] = u32::MAX;
            }
            let components: Vec<Vec<NodeIndex>> = tarjan_scc(&sub)
                .into_iter()
                .map(|component| component.into_iter().map(|local| sub[local]).collect())
                .collect();
            for component in components {
                match self.refine(&component, &allowed, &fair) {
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
        Some(self.lasso(trap, &allowed, &fair))
    }

    fn out_edges<'a>(
        &'a self,
        node: NodeIndex,
        allowed: &'a impl Fn(&A) -> bool,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, A)> + 'a {
        self.graph
            .edges_directed(node, Direction::Outgoing)
            .filter(move |edge| allowed(edge.weight()))
            .map(|edge| (edge.id(), edge.target(), *edge.weight()))
    }

    fn refine(
        &self,
        component: &[NodeIndex],
        allowed: &impl Fn(&A) -> bool,
        fair: &impl Fn(&A) -> bool,
    ) -> Refined {
        let set: std::collections::HashSet<NodeIndex> = component.iter().copied().collect();
        // Fair actions enabled somewhere, and those that also have an edge staying inside.
        let mut enabled: Vec<A> = Vec::new();
        let mut stays: Vec<A> = Vec::new();
        let mut internal_edge = false;
        for &node in component {
            for (_, target, action) in self.out_edges(node, allowed) {
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
                !self
                    .out_edges(node, allowed)
                    .any(|(_, _, action)| escaping.contains(&action))
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
    fn walk(
        &self,
        set: &std::collections::HashSet<NodeIndex>,
        from: NodeIndex,
        allowed: &impl Fn(&A) -> bool,
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
            for (_, target, action) in self.out_edges(node, allowed) {
                if set.contains(&target) && seen.insert(target) {
                    back.insert(target, (node, action));
                    queue.push_back(target);
                }
            }
        }
        None
    }

    fn lasso(
        &self,
        trap: Vec<NodeIndex>,
        allowed: &impl Fn(&A) -> bool,
        fair: &impl Fn(&A) -> bool,
    ) -> Lasso<A> {
        let set: std::collections::HashSet<NodeIndex> = trap.iter().copied().collect();
        let entry = trap.iter().copied().min().unwrap_or(NodeIndex::new(0));
        let mut cycle = Vec::new();
        let mut at = entry;
        // Take every fair action enabled in the trap once, then return to the entry.
        let mut pending: Vec<A> = Vec::new();
        for &node in &trap {
            for (_, target, action) in self.out_edges(node, allowed) {
                if fair(&action) && set.contains(&target) && !pending.contains(&action) {
                    pending.push(action);
                }
            }
        }
        for action in pending {
            let has_edge = |node: NodeIndex| {
                self.out_edges(node, allowed)
                    .any(|(_, target, a)| a == action && set.contains(&target))
            };
            if let Some((mut steps, reached)) = self.walk(&set, at, allowed, has_edge) {
                if let Some((_, target, _)) = self
                    .out_edges(reached, allowed)
                    .find(|(_, target, a)| *a == action && set.contains(target))
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
            if let Some((_, target, action)) = self
                .out_edges(entry, allowed)
                .find(|(_, target, _)| set.contains(target))
            {
                cycle.push(action);
                at = target;
            }
        }
        if at != entry {
            if let Some((steps, _)) = self.walk(&set, at, allowed, |node| node == entry) {
                cycle.extend(steps);
            }
        }
        Lasso {
            prefix: self.path(entry),
            entry,
            cycle,
            states: trap,
        }
    }
}

enum Refined {
    Trap,
    Smaller(Vec<NodeIndex>),
    Empty,
}
