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
pub use hash::FastHash;

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
pub struct SearchProgress {
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
/// assert_eq!((found.graph.node_count(), found.completeness), (4, Completeness::Complete));
/// let exit = found.first(|&s| s == 3).expect("reachable");
/// assert_eq!(found.path(exit), ['s', 's', 'x']);
/// assert_eq!(found.unchanged, 4); // `x` in 0 and 1, and both actions in 3
/// ```
pub fn explore<M: Model>(
    model: &M,
    limits: Limits,
    mut progress: impl FnMut(SearchProgress),
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
                        progress(SearchProgress {
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
    #[cfg(test)]
    pub(crate) fn node(&self, state: &S) -> Option<NodeIndex> {
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
    #[cfg(test)]
    pub(crate) fn expanded_count(&self) -> usize {
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
mod tests;
