//! Exhaustive exploration of a model's reachable states, with shortest counterexamples and
//! liveness decided on strongly connected components under fairness.
//!
//! A [`Model`] is anything with an initial state, a fixed set of actions and a total
//! successor function. [`explore`] runs a breadth-first search into a petgraph
//! [`DiGraph`] whose node indices follow discovery order, so the first node that
//! satisfies a predicate (by index) is one of the nearest to the initial state and
//! [`Exploration::path`] gives a shortest path to it.
//!
//! Steps that leave the state unchanged (a rejected call, an ignored stimulus) are counted
//! but not stored as edges: an edge always changes the state.
//!
//! # Symmetry
//! [`Model::canonical`] maps a state to the representative of its symmetry class (for
//! example by sorting interchangeable components). With [`Limits::symmetry`] on, only
//! representatives are stored. This is sound when every action commutes with the
//! symmetry (a permuted state steps to the permuted successor): then a path of actions in
//! the reduced graph, replayed from the initial state, reaches a state in the same class.
//!
//! # Limits
//! [`Limits::max_states`], [`Limits::max_depth`] and [`Limits::max_memory`] bound the
//! search; a bounded search reports [`Completeness::StateLimit`],
//! [`Completeness::DepthLimit`] or [`Completeness::MemoryLimit`] and never claims to be
//! exhaustive.
//!
//! A cut search stores states it never expanded (the frontier). Breadth-first order
//! expands nodes in index order, so the expanded nodes are a prefix of the node indices
//! ([`Exploration::expanded`]): only those have every successor recorded. Whatever is
//! decided from the absence of an edge (a state nothing moves, a component no fair action
//! leaves) must be decided on expanded nodes only: a frontier node has no edges because
//! nobody looked, not because it has none. [`Exploration::fair_trap`] does so itself.
//!
//! # Examples
//! ```
//! use ucma_ha_fsm::explore::{explore, Completeness, Limits, Model};
//!
//! /// Two counters modulo 3; `Swap` makes them interchangeable.
//! struct Counters;
//! impl Model for Counters {
//!     type State = (u8, u8);
//!     type Action = char;
//!     fn initial(&self) -> (u8, u8) { (0, 0) }
//!     fn actions(&self) -> &[char] { &['a', 'b'] }
//!     fn next(&self, s: &(u8, u8), action: char) -> (u8, u8) {
//!         match action { 'a' => ((s.0 + 1) % 3, s.1), _ => (s.0, (s.1 + 1) % 3) }
//!     }
//!     fn canonical(&self, s: (u8, u8)) -> (u8, u8) { (s.0.min(s.1), s.0.max(s.1)) }
//! }
//! let full = explore(&Counters, Limits::default(), |_| {});
//! assert_eq!(full.graph.node_count(), 9);
//! assert_eq!(full.completeness, Completeness::Complete);
//! let reduced = explore(&Counters, Limits { symmetry: true, ..Limits::default() }, |_| {});
//! assert_eq!(reduced.graph.node_count(), 6);
//! let far = reduced.first(|s| *s == (2, 2)).expect("reachable");
//! assert_eq!(reduced.path(far).len(), 4);
//! ```

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

mod hash;
pub use hash::{FastHash, FastHasher};

/// A model to explore: an initial state, a fixed list of actions, a total successor
/// function, and optionally a canonical form for symmetry reduction.
pub trait Model {
    /// A state; small and cheap to copy and hash.
    type State: Copy + Eq + Hash + Debug;
    /// An action (a stimulus); every action is tried in every state.
    type Action: Copy + Eq + Debug;

    /// The initial state.
    fn initial(&self) -> Self::State;
    /// Every action, in a fixed order.
    fn actions(&self) -> &[Self::Action];
    /// The state after `action` in `state`; `*state` when the action changes nothing.
    fn next(&self, state: &Self::State, action: Self::Action) -> Self::State;
    /// The representative of the state's symmetry class (identity by default).
    fn canonical(&self, state: Self::State) -> Self::State {
        state
    }
}

/// Bounds of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Stop after this many states have been stored.
    pub max_states: usize,
    /// Do not expand states at this depth (the initial state has depth 0).
    pub max_depth: usize,
    /// Stop before the search's own tables could outgrow this many bytes: before a node
    /// is expanded, every table that may have to grow while expanding it is counted at
    /// its grown size plus the old buffer it is copied from.
    pub max_memory: usize,
    /// Store canonical representatives only ([`Model::canonical`]).
    pub symmetry: bool,
}

/// The built-in state cap: [`Limits::default`]'s `max_states`.
pub const DEFAULT_MAX_STATES: usize = 50_000_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_states: DEFAULT_MAX_STATES,
            max_depth: usize::MAX,
            max_memory: usize::MAX,
            symmetry: false,
        }
    }
}

/// Whether a search saw every reachable state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Every reachable state was visited.
    Complete,
    /// The search stopped at [`Limits::max_states`].
    StateLimit,
    /// Some states at [`Limits::max_depth`] were not expanded.
    DepthLimit,
    /// The search stopped before its tables could outgrow [`Limits::max_memory`].
    MemoryLimit,
}

/// How far a running search has got (for progress reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// States stored so far.
    pub states: usize,
    /// Edges stored so far.
    pub transitions: usize,
    /// Depth of the state being expanded.
    pub depth: usize,
}

/// The reachable graph of a model.
#[derive(Debug, Clone)]
pub struct Exploration<S, A> {
    /// Nodes are states in discovery (breadth-first) order, node 0 the initial state;
    /// edges are the actions that change the state.
    pub graph: DiGraph<S, A, u32>,
    /// Whether the search was exhaustive.
    pub completeness: Completeness,
    /// Steps that left the state unchanged (not stored as edges).
    pub unchanged: usize,
    /// Nodes `0..expanded` had every action tried (their edges are all there); the rest
    /// are the frontier of a cut search.
    expanded: usize,
    index: HashMap<S, NodeIndex, FastHash>,
    parent: Vec<Option<(NodeIndex, A)>>,
    depth: Vec<u32>,
}

/// Explores every state reachable from the model's initial state, breadth first.
///
/// # Arguments
/// * `model` - the model.
/// * `limits` - bounds and symmetry reduction.
/// * `progress` - called every 65 536 states (for progress lines).
///
/// # Returns
/// The reachable graph with a breadth-first tree for shortest paths.
///
/// # Complexity
/// O((states x actions) x cost of `next`) time, O(states + edges) memory.
pub fn explore<M: Model>(
    model: &M,
    limits: Limits,
    mut progress: impl FnMut(Progress),
) -> Exploration<M::State, M::Action> {
    let canonical = |state: M::State| {
        if limits.symmetry {
            model.canonical(state)
        } else {
            state
        }
    };
    let mut graph = DiGraph::<M::State, M::Action, u32>::default();
    let mut index = HashMap::with_hasher(FastHash);
    let mut parent = Vec::new();
    let mut depth = Vec::new();
    let initial = canonical(model.initial());
    let root = graph.add_node(initial);
    index.insert(initial, root);
    parent.push(None);
    depth.push(0u32);
    let mut completeness = Completeness::Complete;
    let mut unchanged = 0usize;
    let mut expanded = 0usize;
    let mut queue = VecDeque::from([root]);
    let actions = model.actions();
    'search: while let Some(node) = queue.pop_front() {
        let at = depth[node.index()] as usize;
        if at >= limits.max_depth {
            completeness = Completeness::DepthLimit;
            continue;
        }
        let tables = Tables {
            graph: &graph,
            index: &index,
            parent: &parent,
            depth: &depth,
            queue: &queue,
        };
        if tables.bytes_if_grown(actions.len()) > limits.max_memory {
            completeness = Completeness::MemoryLimit;
            break;
        }
        let state = graph[node];
        for &action in actions {
            let next = canonical(model.next(&state, action));
            if next == state {
                unchanged += 1;
                continue;
            }
            let target = match index.get(&next) {
                Some(&known) => known,
                None => {
                    if graph.node_count() >= limits.max_states {
                        completeness = Completeness::StateLimit;
                        break 'search;
                    }
                    let fresh = graph.add_node(next);
                    index.insert(next, fresh);
                    parent.push(Some((node, action)));
                    depth.push(depth[node.index()] + 1);
                    queue.push_back(fresh);
                    if graph.node_count() % 65_536 == 0 {
                        progress(Progress {
                            states: graph.node_count(),
                            transitions: graph.edge_count(),
                            depth: at,
                        });
                    }
                    fresh
                }
            };
            graph.add_edge(node, target, action);
        }
        // Breadth-first: nodes are expanded in index order, so the expanded ones are a
        // prefix of the indices.
        debug_assert_eq!(node.index(), expanded);
        expanded += 1;
    }
    Exploration {
        graph,
        completeness,
        unchanged,
        expanded,
        index,
        parent,
        depth,
    }
}

/// The tables of a running [`explore`], for its memory estimate.
struct Tables<'a, S, A> {
    graph: &'a DiGraph<S, A, u32>,
    index: &'a HashMap<S, NodeIndex, FastHash>,
    parent: &'a Vec<Option<(NodeIndex, A)>>,
    depth: &'a Vec<u32>,
    queue: &'a VecDeque<NodeIndex>,
}

impl<S, A> Tables<'_, S, A> {
    /// Each table as (bytes held, bytes if it doubles, whether `more` pushes may make it
    /// grow).
    fn each(&self, more: usize) -> [(usize, bool); 6] {
        use std::mem::size_of;
        let (node_cap, edge_cap) = self.graph.capacity();
        let table = |len: usize, cap: usize, size: usize| (cap * size, len + more > cap);
        // A hash table holds a control byte a bucket and keeps 1/8 of its buckets free.
        let buckets = self.index.capacity() + self.index.capacity() / 7 + 1;
        [
            table(
                self.graph.node_count(),
                node_cap,
                size_of::<petgraph::graph::Node<S, u32>>(),
            ),
            table(
                self.graph.edge_count(),
                edge_cap,
                size_of::<petgraph::graph::Edge<A, u32>>(),
            ),
            (
                buckets * (size_of::<(S, NodeIndex)>() + 1),
                self.index.len() + more > self.index.capacity(),
            ),
            table(
                self.parent.len(),
                self.parent.capacity(),
                size_of::<Option<(NodeIndex, A)>>(),
            ),
            table(self.depth.len(), self.depth.capacity(), size_of::<u32>()),
            table(
                self.queue.len(),
                self.queue.capacity(),
                size_of::<NodeIndex>(),
            ),
        ]
    }

    /// The bytes the tables hold now.
    fn bytes(&self) -> usize {
        self.each(0).iter().map(|&(bytes, _)| bytes).sum()
    }

    /// The most the tables can hold while `more` entries are pushed to each: a table that
    /// may grow counts its doubled buffer besides the old one it is copied from.
    fn bytes_if_grown(&self, more: usize) -> usize {
        self.each(more)
            .iter()
            .map(|&(bytes, grows)| if grows { bytes * 3 } else { bytes })
            .sum()
    }
}

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
    /// The node of a (canonical) state, when it was reached.
    pub fn node(&self, state: &S) -> Option<NodeIndex> {
        self.index.get(state).copied()
    }

    /// Whether every action was tried in `node`, so that its edges are all its
    /// successors. In a complete search every node is; in a cut search the frontier (the
    /// nodes stored but never expanded) is not.
    pub fn expanded(&self, node: NodeIndex) -> bool {
        node.index() < self.expanded
    }

    /// How many nodes were expanded: nodes `0..expanded_count()` (see
    /// [`Exploration::expanded`]).
    pub fn expanded_count(&self) -> usize {
        self.expanded
    }

    /// An estimate of the bytes the search's tables hold (the graph, the state index, the
    /// breadth-first tree), the same estimate [`Limits::max_memory`] is compared with.
    pub fn bytes(&self) -> usize {
        Tables {
            graph: &self.graph,
            index: &self.index,
            parent: &self.parent,
            depth: &self.depth,
            queue: &VecDeque::new(),
        }
        .bytes()
    }

    /// The depth of a node: the length of a shortest path to it.
    pub fn depth(&self, node: NodeIndex) -> usize {
        self.depth.get(node.index()).map_or(0, |&d| d as usize)
    }

    /// The largest depth reached.
    pub fn max_depth(&self) -> usize {
        self.depth.iter().max().map_or(0, |&d| d as usize)
    }

    /// The actions of a shortest path from the initial state to `node`.
    ///
    /// # Complexity
    /// O(depth of `node`).
    pub fn path(&self, node: NodeIndex) -> Vec<A> {
        let mut actions = Vec::new();
        let mut at = node;
        while let Some(Some((from, action))) = self.parent.get(at.index()) {
            actions.push(*action);
            at = *from;
        }
        actions.reverse();
        actions
    }

    /// The first node (in breadth-first order, so at minimal depth) whose state satisfies
    /// `predicate`.
    pub fn first(&self, predicate: impl Fn(&S) -> bool) -> Option<NodeIndex> {
        self.graph
            .node_indices()
            .find(|&node| predicate(&self.graph[node]))
    }

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
    /// # Returns
    /// A [`Lasso`] into the first trap found (the one nearest to the initial state), or
    /// `None` when every fair run leaves `region`.
    ///
    /// # Complexity
    /// O(k x (states + edges)) where k is the number of refinement rounds (at most the
    /// number of fair actions per component).
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
            // A component with an internal cycle is a trap; a single state is one when no
            // fair action can move it (the run may stay there).
            let stutters = component.len() == 1 && stays.is_empty();
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
        if cycle.is_empty() && trap.len() > 1 {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Three counters modulo 4 with a rotation symmetry-free canonical form (sorted).
    struct Triple;
    impl Model for Triple {
        type State = u32;
        type Action = u8;
        fn initial(&self) -> u32 {
            0
        }
        fn actions(&self) -> &[u8] {
            &[0, 1, 2, 3]
        }
        fn next(&self, s: &u32, action: u8) -> u32 {
            if action == 3 {
                return *s;
            }
            let shift = 2 * u32::from(action);
            let digit = ((s >> shift) + 1) & 3;
            (s & !(3 << shift)) | (digit << shift)
        }
        fn canonical(&self, s: u32) -> u32 {
            let mut digits = [s & 3, (s >> 2) & 3, (s >> 4) & 3];
            digits.sort_unstable();
            digits[0] | (digits[1] << 2) | (digits[2] << 4)
        }
    }

    /// Three counters modulo 64 in one key (262 144 states): enough for the lean search
    /// to group successors by the part of the visited set they fall in.
    struct Cube;
    impl Model for Cube {
        type State = u64;
        type Action = u64;
        fn initial(&self) -> u64 {
            0
        }
        fn actions(&self) -> &[u64] {
            &[0, 6, 12, 99]
        }
        fn next(&self, s: &u64, shift: u64) -> u64 {
            if shift == 99 {
                return 0;
            }
            let digit = ((s >> shift) + 1) & 63;
            (s & !(63 << shift)) | (digit << shift)
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
            let limits = if round % 4 == 0 {
                Limits {
                    max_depth: 1 + next(3) as usize,
                    ..Limits::default()
                }
            } else {
                Limits::default()
            };
            let graph = explore(&model, limits, |_| {});
            let region = |n: NodeIndex| region_mask >> graph.graph[n] & 1 == 0;
            let allowed = |a: &u8| allowed_mask >> a & 1 == 1;
            let fair = |a: &u8| fair_mask >> a & 1 == 1;
            let lasso = graph.fair_trap(region, allowed, fair);
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
}
