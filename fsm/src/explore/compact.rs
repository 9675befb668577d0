//! The compact search: breadth-first, states only, no stored edges.
//!
//! [`search`] numbers states in discovery order exactly as [`super::explore`] does (the
//! same node indices, the same parents, so the same shortest paths), but keeps per state
//! only the state itself, its parent's number (4 bytes) and the index of the action that
//! reached it (1 byte), plus a slot in an open-addressing index holding the number (a control byte and
//! 4 bytes, at most 7/8 of the slots full): about 8 + `size_of::<State>()` bytes a state.
//! (A slot holding the state too saves a read per look-up but triples the index: measured,
//! no faster at 3 million states.) Edges are not stored: whoever needs them asks again
//! ([`Compact::fair_trap`] recomputes a state's successors with [`Model::next`] and looks
//! them up in the index). What is judged on a state or on its steps is judged while the
//! search expands it, through the `visit` callback.
//!
//! # Cut searches
//! As in [`super::explore`], states are expanded in number order, so the expanded ones are
//! a prefix ([`Compact::expanded_count`]) and the rest is the frontier; `visit` is called for
//! expanded states only.

use std::fmt::Debug;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use petgraph::graph::NodeIndex;

use super::liveness::{self, Edges, Lasso};
use super::{Completeness, FastHash, Limits, Model, SearchProgress};

/// The states a [`search`] reached, numbered breadth first, with a parent per state.
#[derive(Debug)]
pub struct Compact<'m, M: Model> {
    model: &'m M,
    symmetry: bool,
    states: Vec<M::State>,
    /// The number of each state's parent (`u32::MAX` for the initial state).
    parent: Vec<u32>,
    /// The index in [`Model::actions`] of the action from the parent.
    via: Vec<u8>,
    /// `levels[d]`: the number of the first state at depth `d`.
    levels: Vec<u32>,
    /// The numbers of the states, hashed by state.
    index: HashTable<u32>,
    expanded: usize,
    /// Whether the search was exhaustive.
    pub completeness: Completeness,
    /// Steps that changed the state, from expanded states (the edges of
    /// [`super::Exploration`]).
    pub transitions: usize,
}

/// Explores every state reachable from the model's initial state, breadth first, keeping
/// states and parents only.
///
/// # Arguments
/// * `model` - the model; at most 64 actions (`None` otherwise).
/// * `limits` - bounds and symmetry reduction, as in [`super::explore`].
/// * `visit` - called once per expanded state, in number order, after every action was
///   tried: its number, the state, and a mask with bit `i` set when action `i` changed it.
/// * `progress` - called every 65 536 states.
///
/// # Returns
/// The numbered states; `None` when the model has more than 64 actions.
///
/// # Complexity
/// O(states x actions) calls of [`Model::next`]; per state `size_of::<State>()` + 5
/// bytes, and 5 bytes per slot of the index.
///
/// # Examples
/// ```
/// use ucma_ha_fsm::explore::{compact, explore, Limits, Model};
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
/// let mut stuck = Vec::new();
/// let found = compact::search(&Ring, Limits::default(), |id, _, moved| {
///     if moved == 0 { stuck.push(id) }
/// }, |_| {}).expect("two actions");
/// assert_eq!((found.len(), found.transitions), (4, 4));
/// assert_eq!(stuck, [3]);
/// let exit = found.number(&3).expect("reachable");
/// assert_eq!(found.path(exit), ['s', 's', 'x']);
/// // The same numbering, the same paths as the stored graph.
/// let graph = explore(&Ring, Limits::default(), |_| {});
/// assert_eq!(graph.path(graph.first(|&s| s == 3).expect("reachable")), found.path(exit));
/// ```
pub fn search<M: Model>(
    model: &M,
    limits: Limits,
    mut visit: impl FnMut(u32, &M::State, u64),
    mut progress: impl FnMut(SearchProgress),
) -> Option<Compact<'_, M>> {
    let actions = model.actions();
    if actions.len() > 64 {
        return None;
    }
    let canonical = |state: M::State| {
        if limits.symmetry {
            model.canonical(state)
        } else {
            state
        }
    };
    let hasher = FastHash;
    let initial = canonical(model.initial());
    let mut found = Compact {
        model,
        symmetry: limits.symmetry,
        states: vec![initial],
        parent: vec![u32::MAX],
        via: vec![0],
        levels: vec![0],
        index: HashTable::new(),
        expanded: 0,
        completeness: Completeness::Complete,
        transitions: 0,
    };
    found
        .index
        .insert_unique(hasher.hash_one(initial), 0, |_| 0);
    // Numbers are u32, the last one kept as the parent of the initial state.
    let max_states = limits.max_states.min(u32::MAX as usize);
    let mut level = 0usize;
    'search: while found.expanded < found.states.len() {
        let id = found.expanded;
        while found
            .levels
            .get(level + 1)
            .is_some_and(|&start| id >= start as usize)
        {
            level += 1;
        }
        if level >= limits.max_depth {
            // Every state after this one is as deep: none is expanded.
            found.completeness = Completeness::DepthLimit;
            break;
        }
        if found.bytes_if_grown(actions.len()) > limits.max_memory {
            found.completeness = Completeness::MemoryLimit;
            break;
        }
        let Some(&state) = found.states.get(id) else {
            break;
        };
        let mut moved = 0u64;
        for (a, &action) in actions.iter().enumerate() {
            let next = canonical(model.next(&state, action));
            if next == state {
                continue;
            }
            moved |= 1 << a;
            let hash = hasher.hash_one(next);
            let states = &found.states;
            if found
                .index
                .find(hash, |&k| states.get(k as usize) == Some(&next))
                .is_none()
            {
                if found.states.len() >= max_states {
                    found.completeness = Completeness::StateLimit;
                    break 'search;
                }
                let fresh = found.states.len() as u32;
                found.index.insert_unique(hash, fresh, |&k| {
                    states.get(k as usize).map_or(0, |s| hasher.hash_one(s))
                });
                found.states.push(next);
                found.parent.push(id as u32);
                found.via.push(a as u8);
                if found.levels.len() == level + 1 {
                    found.levels.push(fresh);
                }
                if found.states.len().is_multiple_of(65_536) {
                    progress(SearchProgress {
                        states: found.states.len(),
                        transitions: found.transitions,
                        depth: level,
                    });
                }
            }
            found.transitions += 1;
        }
        visit(id as u32, &state, moved);
        found.expanded += 1;
    }
    Some(found)
}

impl<M: Model> Compact<'_, M> {
    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether no state is stored (never: the initial state always is).
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The states, by number.
    pub fn states(&self) -> &[M::State] {
        &self.states
    }

    /// The number of a (canonical, when symmetry is on) state, when it was reached.
    pub fn number(&self, state: &M::State) -> Option<u32> {
        self.index
            .find(FastHash.hash_one(state), |&k| {
                self.states.get(k as usize) == Some(state)
            })
            .copied()
    }

    /// How many states were expanded (every action tried): states `0..expanded_count()`;
    /// the rest is the frontier of a cut search.
    pub fn expanded_count(&self) -> usize {
        self.expanded
    }

    fn expanded(&self, id: u32) -> bool {
        (id as usize) < self.expanded
    }

    /// The largest depth reached.
    pub fn max_depth(&self) -> usize {
        self.levels.len() - 1
    }

    /// The actions of a shortest path from the initial state to state `id`.
    ///
    /// # Complexity
    /// O(depth of `id`).
    pub fn path(&self, id: u32) -> Vec<M::Action> {
        let actions = self.model.actions();
        let mut path = Vec::new();
        let mut at = id as usize;
        while let (Some(&parent), Some(&via)) = (self.parent.get(at), self.via.get(at)) {
            if parent == u32::MAX {
                break;
            }
            if let Some(&action) = actions.get(usize::from(via)) {
                path.push(action);
            }
            at = parent as usize;
        }
        path.reverse();
        path
    }

    /// Each table as (bytes held, whether pushing `more` entries may make it grow).
    fn tables(&self, more: usize) -> [(usize, bool); 5] {
        use std::mem::size_of;
        let table = |len: usize, cap: usize, size: usize| (cap * size, len + more > cap);
        // A hash table holds a control byte a bucket and keeps 1/8 of its buckets free.
        let buckets = self.index.capacity() + self.index.capacity() / 7 + 1;
        [
            table(
                self.states.len(),
                self.states.capacity(),
                size_of::<M::State>(),
            ),
            table(self.parent.len(), self.parent.capacity(), 4),
            table(self.via.len(), self.via.capacity(), 1),
            table(self.levels.len(), self.levels.capacity(), 4),
            (
                buckets * (size_of::<u32>() + 1),
                self.index.len() + more > self.index.capacity(),
            ),
        ]
    }

    /// An estimate of the bytes the search's tables hold, the same estimate
    /// [`Limits::max_memory`] is compared with (by capacity, so above what is touched).
    pub fn bytes(&self) -> usize {
        self.tables(0).iter().map(|&(bytes, _)| bytes).sum()
    }

    /// The most the tables can hold while `more` entries are pushed to each: a table that
    /// may grow counts its doubled buffer besides the old one.
    fn bytes_if_grown(&self, more: usize) -> usize {
        self.tables(more)
            .iter()
            .map(|&(bytes, grows)| if grows { bytes * 3 } else { bytes })
            .sum()
    }

    /// [`super::Exploration::fair_trap`] on the compact search: the same traps and the
    /// same lasso, each expanded state's edges recomputed with [`Model::next`].
    ///
    /// # Arguments
    /// * `region` - the numbers of the states a run must not stay in for ever, ascending;
    ///   states not expanded are left out.
    /// * `allowed`, `fair` - as in [`super::Exploration::fair_trap`].
    ///
    /// # Complexity
    /// O(k x (region states x actions)) steps and look-ups, k the refinement rounds;
    /// memory in proportion to the region and its edges.
    pub fn fair_trap(
        &self,
        region: &[u32],
        allowed: impl Fn(&M::Action) -> bool,
        fair: impl Fn(&M::Action) -> bool,
    ) -> Option<Lasso<M::Action>> {
        let members = region
            .iter()
            .filter(|&&id| self.expanded(id))
            .map(|&id| NodeIndex::new(id as usize))
            .collect();
        liveness::fair_trap(self, members, &allowed, &fair)
    }
}

impl<M: Model> Edges<M::Action> for Compact<'_, M> {
    fn out_edges(
        &self,
        node: NodeIndex,
        allowed: &dyn Fn(&M::Action) -> bool,
    ) -> Vec<(NodeIndex, M::Action)> {
        let Some(&state) = self.states.get(node.index()) else {
            return Vec::new();
        };
        // The stored graph lists a node's edges last added first.
        let mut edges = Vec::new();
        for &action in self.model.actions().iter().rev() {
            if !allowed(&action) {
                continue;
            }
            let mut next = self.model.next(&state, action);
            if self.symmetry {
                next = self.model.canonical(next);
            }
            if next == state {
                continue;
            }
            if let Some(target) = self.number(&next) {
                edges.push((NodeIndex::new(target as usize), action));
            }
        }
        edges
    }

    fn path_to(&self, node: NodeIndex) -> Vec<M::Action> {
        self.path(node.index() as u32)
    }
}
