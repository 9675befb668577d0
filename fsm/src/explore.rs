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
//! [`compact::search`] is the same search keeping only states and a parent per state (no
//! edges, no petgraph graph), for checks that judge what they need while it runs.
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

use petgraph::graph::{DiGraph, NodeIndex};

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
}

pub mod compact;
mod liveness;
pub mod ranked;
pub use liveness::Lasso;

#[cfg(test)]
mod tests;
