//! The lean breadth-first search: reachable states counted level by level, with no graph,
//! no parents and no per-successor allocation.
//!
//! [`reach`] visits the same states as [`super::explore`] (same [`Limits`], same symmetry
//! reduction, same counts of states and state-changing transitions) but keeps only what a
//! count needs:
//! - a [`StateSet`]: open addressing with linear probing over a flat `Vec` of states and a
//!   one-bit-per-slot occupancy bitmap, hashed by a multiply-rotate hasher ([`FastHasher`])
//!   instead of SipHash;
//! - two frontiers (the level being expanded and the next one) as flat `Vec`s of states;
//!   a level is dropped once expanded.
//!
//! Use it when no property needs the graph (reachability counts, benchmarks, inline state
//! checks through the `visit` callback); use [`super::explore`] for paths, liveness and
//! exports.
//!
//! # Examples
//! ```
//! use fsm::explore::{reach, Limits, Model};
//! struct Counter;
//! impl Model for Counter {
//!     type State = u32;
//!     type Action = u8;
//!     fn initial(&self) -> u32 { 0 }
//!     fn actions(&self) -> &[u8] { &[1, 2] }
//!     fn next(&self, s: &u32, step: u8) -> u32 { (s + u32::from(step)) % 10 }
//! }
//! let mut seen = 0;
//! let counted = reach(&Counter, Limits::default(), |_| seen += 1);
//! assert_eq!((counted.states, seen), (10, 10));
//! assert_eq!(counted.transitions, 20);
//! ```

use std::hash::{BuildHasher, Hash, Hasher};

use super::{Completeness, Limits, Model};

/// A fast, non-cryptographic hasher for small fixed-size keys (a multiply-rotate mix of
/// each word written, finished by a 64-bit avalanche). Not DoS resistant: meant for
/// states, not for untrusted input.
#[derive(Debug, Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

impl FastHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(26) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.hash;
        h ^= h >> 32;
        h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^ (h >> 32)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.mix(i as u64);
        self.mix((i >> 64) as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
}

/// Builds [`FastHasher`]s (for `HashMap::with_hasher`).
#[derive(Debug, Clone, Copy, Default)]
pub struct FastHash;

impl BuildHasher for FastHash {
    type Hasher = FastHasher;
    #[inline]
    fn build_hasher(&self) -> FastHasher {
        FastHasher::default()
    }
}

/// A set of small `Copy` states: open addressing, linear probing, power-of-two capacity,
/// grown at 7/8 load. Memory is `capacity x (size_of::<S>() + 1/8)` bytes.
#[derive(Debug, Clone)]
pub struct StateSet<S> {
    slots: Vec<S>,
    occupied: Vec<u64>,
    len: usize,
    mask: usize,
}

impl<S: Copy + Eq + Hash + Default> Default for StateSet<S> {
    fn default() -> Self {
        Self::with_capacity(16)
    }
}

impl<S: Copy + Eq + Hash + Default> StateSet<S> {
    /// An empty set with room for at least `capacity` states before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        let slots = (capacity.max(8) * 8 / 7 + 1).next_power_of_two();
        StateSet {
            slots: vec![S::default(); slots],
            occupied: vec![0; slots.div_ceil(64)],
            len: 0,
            mask: slots - 1,
        }
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no state is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held by the table (slots and occupancy bitmap).
    pub fn bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<S>() + self.occupied.len() * 8
    }

    #[inline]
    fn home(&self, state: &S) -> usize {
        let mut hasher = FastHasher::default();
        state.hash(&mut hasher);
        (hasher.finish() as usize) & self.mask
    }

    #[inline]
    fn is_used(&self, slot: usize) -> bool {
        self.occupied[slot / 64] & (1 << (slot % 64)) != 0
    }

    /// Inserts a state; `true` when it was not there before.
    ///
    /// # Complexity
    /// Expected O(1); the table doubles (rehashing every state) at 7/8 load.
    #[inline]
    pub fn insert(&mut self, state: S) -> bool {
        let mut slot = self.home(&state);
        loop {
            if !self.is_used(slot) {
                break;
            }
            if self.slots[slot] == state {
                return false;
            }
            slot = (slot + 1) & self.mask;
        }
        self.slots[slot] = state;
        self.occupied[slot / 64] |= 1 << (slot % 64);
        self.len += 1;
        if self.len * 8 > self.slots.len() * 7 {
            self.grow();
        }
        true
    }

    /// Whether a state is stored.
    pub fn contains(&self, state: &S) -> bool {
        let mut slot = self.home(state);
        while self.is_used(slot) {
            if self.slots[slot] == *state {
                return true;
            }
            slot = (slot + 1) & self.mask;
        }
        false
    }

    fn grow(&mut self) {
        let old_slots = std::mem::take(&mut self.slots);
        let old_occupied = std::mem::take(&mut self.occupied);
        let capacity = old_slots.len() * 2;
        self.slots = vec![S::default(); capacity];
        self.occupied = vec![0; capacity.div_ceil(64)];
        self.mask = capacity - 1;
        for (i, state) in old_slots.into_iter().enumerate() {
            if old_occupied[i / 64] & (1 << (i % 64)) != 0 {
                let mut slot = self.home(&state);
                while self.is_used(slot) {
                    slot = (slot + 1) & self.mask;
                }
                self.slots[slot] = state;
                self.occupied[slot / 64] |= 1 << (slot % 64);
            }
        }
    }
}

/// What a lean search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Reachable states stored (canonical ones with symmetry on).
    pub states: usize,
    /// Steps that changed the state (the edges [`super::explore`] would store).
    pub transitions: usize,
    /// Steps that left the state unchanged.
    pub unchanged: usize,
    /// The largest depth reached (length of the longest shortest path).
    pub depth: usize,
    /// Whether the search was exhaustive.
    pub completeness: Completeness,
    /// Largest frontier (states of one level) held at once.
    pub widest_level: usize,
    /// Bytes held by the visited set at the end.
    pub set_bytes: usize,
}

/// Counts every state reachable from the model's initial state, breadth first, without
/// building a graph.
///
/// # Arguments
/// * `model` - the model.
/// * `limits` - bounds and symmetry reduction, as for [`super::explore`].
/// * `visit` - called once per stored state, in breadth-first order (for inline state
///   checks).
///
/// # Returns
/// The counts; equal to those of [`super::explore`] under the same limits.
///
/// # Complexity
/// O(states x actions) calls of `next`; memory O(states) for the visited set plus the two
/// widest consecutive levels.
pub fn reach<M: Model>(model: &M, limits: Limits, mut visit: impl FnMut(&M::State)) -> Reach
where
    M::State: Default,
{
    let canonical = |state: M::State| {
        if limits.symmetry {
            model.canonical(state)
        } else {
            state
        }
    };
    let actions = model.actions();
    let mut seen = StateSet::with_capacity(1024);
    let initial = canonical(model.initial());
    seen.insert(initial);
    visit(&initial);
    let mut level = vec![initial];
    let mut next_level: Vec<M::State> = Vec::new();
    let mut found = Reach {
        states: 1,
        transitions: 0,
        unchanged: 0,
        depth: 0,
        completeness: Completeness::Complete,
        widest_level: 1,
        set_bytes: 0,
    };
    let mut depth = 0usize;
    'search: while !level.is_empty() {
        if depth >= limits.max_depth {
            found.completeness = Completeness::DepthLimit;
            break;
        }
        for state in &level {
            for &action in actions {
                let next = canonical(model.next(state, action));
                if next == *state {
                    found.unchanged += 1;
                    continue;
                }
                if seen.len() >= limits.max_states && !seen.contains(&next) {
                    found.completeness = Completeness::StateLimit;
                    break 'search;
                }
                found.transitions += 1;
                if seen.insert(next) {
                    visit(&next);
                    next_level.push(next);
                    found.depth = depth + 1;
                }
            }
        }
        depth += 1;
        found.widest_level = found.widest_level.max(next_level.len());
        std::mem::swap(&mut level, &mut next_level);
        next_level.clear();
    }
    found.states = seen.len();
    found.set_bytes = seen.bytes();
    found
}
