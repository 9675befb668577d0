//! The lean breadth-first search: reachable states counted level by level, with no graph,
//! no parents and no per-successor allocation.
//!
//! [`reach`] visits the same states as [`fsm::explore::explore`] (same [`Limits`], same symmetry
//! reduction, same counts of states and state-changing transitions) but keeps only what a
//! count needs:
//! - a [`StateSet`]: open addressing with linear probing over a flat `Vec` of states and a
//!   one-bit-per-slot occupancy bitmap, hashed by a multiply-rotate hasher (`fsm::explore::FastHash`)
//!   instead of SipHash;
//! - two frontiers (the level being expanded and the next one) as flat `Vec`s of states;
//!   a level is dropped once expanded;
//! - successors inserted in chunks grouped by the part of the visited set they fall in
//!   (a counting sort), so that a chunk's look-ups stay within cache instead of
//!   missing it one by one. The states of a level are therefore visited in another
//!   order than [`fsm::explore::explore`] stores them once the set outgrows a part, but level by
//!   level all the same.
//!
//! [`reach_keys`] is the same search for models whose states are keys of a known width,
//! over [`CompactKeys`]: a [`KeySet`] (flat `u64` slots) while small, then a
//! [`QuotientSet`] (4-byte slots holding only the bits a slot's position does not imply).
//!
//! Use it when no property needs the graph (reachability counts, benchmarks, inline state
//! checks through the `visit` callback); use [`fsm::explore::explore`] for paths, liveness and
//! exports.
//!
//! # Examples
//! ```
//! use fsm::explore::{Limits, Model};
//! use ucma_ha_bench::reach::{reach, Successors};
//! struct Counter;
//! impl Model for Counter {
//!     type State = u32;
//!     type Action = u8;
//!     fn initial(&self) -> u32 { 0 }
//!     fn actions(&self) -> &[u8] { &[1, 2] }
//!     fn next(&self, s: &u32, step: u8) -> u32 { (s + u32::from(step)) % 10 }
//! }
//! impl Successors for Counter {}
//! let mut seen = 0;
//! let counted = reach(&Counter, Limits::default(), |_| seen += 1);
//! assert_eq!((counted.states, seen), (10, 10));
//! assert_eq!(counted.transitions, 20);
//! ```

use std::hash::{BuildHasher, Hash};

use fsm::explore::{Completeness, FastHash, Limits, Model};

/// The multiplier of the key sets' hashes (the golden ratio in 64 bits).
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// A [`Model`] as the count-only searches expand it: all successors of a state at once.
pub trait Successors: Model {
    /// Appends to `out` every successor that differs from `state`, in action order: by
    /// default [`Model::next`] for each action. Override it when a model can skip actions
    /// that cannot change a state faster than it can try them; the result must be the
    /// same.
    fn successors(&self, state: &Self::State, out: &mut Vec<Self::State>) {
        for &action in self.actions() {
            let next = self.next(state, action);
            if next != *state {
                out.push(next);
            }
        }
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
        (FastHash.hash_one(state) as usize) & self.mask
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

/// A visited set for the lean search ([`reach_with`]).
pub trait Visited<S> {
    /// Inserts a state; `true` when it was not there before.
    fn insert(&mut self, state: S) -> bool;
    /// Whether a state is stored.
    fn contains(&self, state: &S) -> bool;
    /// Reads the memory where a look-up of `state` starts and returns something derived
    /// from it. The search touches a whole batch of successors before inserting them, so
    /// their cache misses overlap instead of following one another.
    fn touch(&self, state: &S) -> u64;
    /// Which of `1 << bits` equal parts of the table a look-up of `state` starts in
    /// (states inserted part by part stay within cache).
    fn part(&self, state: &S, bits: u32) -> usize;
    /// Number of states stored.
    fn len(&self) -> usize;
    /// Whether no state is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes held by the set.
    fn bytes(&self) -> usize;
}

impl<S: Copy + Eq + Hash + Default> Visited<S> for StateSet<S> {
    #[inline]
    fn insert(&mut self, state: S) -> bool {
        StateSet::insert(self, state)
    }
    fn contains(&self, state: &S) -> bool {
        StateSet::contains(self, state)
    }
    #[inline]
    fn touch(&self, state: &S) -> u64 {
        let slot = self.home(state);
        self.occupied[slot / 64]
    }
    #[inline]
    fn part(&self, state: &S, bits: u32) -> usize {
        self.home(state) >> (self.mask.count_ones().saturating_sub(bits))
    }
    fn len(&self) -> usize {
        self.len
    }
    fn bytes(&self) -> usize {
        StateSet::bytes(self)
    }
}

/// A set of 64-bit keys: open addressing with linear probing over one flat `Vec<u64>`,
/// `u64::MAX` marking an empty slot (the key `u64::MAX` itself is kept in a flag), grown
/// at 3/4 load. Memory is `capacity x 8` bytes; a look-up reads one cache line in the
/// common case.
#[derive(Debug, Clone)]
pub struct KeySet {
    slots: Vec<u64>,
    len: usize,
    shift: u32,
    has_max: bool,
}

const EMPTY: u64 = u64::MAX;

impl KeySet {
    #[inline]
    fn home(&self, key: u64) -> usize {
        let mut h = key.wrapping_mul(SEED);
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (h >> self.shift) as usize
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let capacity = old.len() * 2;
        self.slots = vec![EMPTY; capacity];
        self.shift -= 1;
        let mask = capacity - 1;
        for key in old.into_iter().filter(|&key| key != EMPTY) {
            let mut slot = self.home(key);
            while self.slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = key;
        }
    }
}

impl KeySet {
    /// Whether `len` keys are past the load at which the table doubles (3/4).
    #[inline]
    fn at_load_limit(&self, len: usize) -> bool {
        len * 4 > self.slots.len() * 3
    }

    /// Every key stored, in table order.
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        let max = self.has_max.then_some(u64::MAX);
        self.slots
            .iter()
            .copied()
            .filter(|&key| key != EMPTY)
            .chain(max)
    }

    /// An empty set with room for at least `capacity` keys before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        let slots = (capacity.max(8) * 4 / 3 + 1).next_power_of_two();
        KeySet {
            slots: vec![EMPTY; slots],
            len: 0,
            shift: 64 - slots.trailing_zeros(),
            has_max: false,
        }
    }
}

impl Visited<u64> for KeySet {
    #[inline]
    fn insert(&mut self, key: u64) -> bool {
        if key == EMPTY {
            let fresh = !self.has_max;
            self.has_max = true;
            self.len += usize::from(fresh);
            return fresh;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(key);
        loop {
            let held = self.slots[slot];
            if held == key {
                return false;
            }
            if held == EMPTY {
                break;
            }
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = key;
        self.len += 1;
        if self.at_load_limit(self.len) {
            self.grow();
        }
        true
    }

    fn contains(&self, key: &u64) -> bool {
        if *key == EMPTY {
            return self.has_max;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(*key);
        loop {
            match self.slots[slot] {
                held if held == *key => return true,
                EMPTY => return false,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    #[inline]
    fn touch(&self, key: &u64) -> u64 {
        self.slots[self.home(*key)]
    }
    #[inline]
    fn part(&self, key: &u64, bits: u32) -> usize {
        self.home(*key) >> (64 - self.shift).saturating_sub(bits)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn bytes(&self) -> usize {
        self.slots.len() * 8
    }
}

/// A set of keys of at most `bits` bits that stores in each 4-byte slot only what the
/// slot's position does not tell: the key is scrambled by a bijection of `bits`-bit
/// numbers, the top bits of the result choose the home slot and the rest (the
/// *remainder*, at most [`QuotientSet::REMAINDER_BITS`]) is stored with the slot's
/// distance from home. Linear probing in Robin Hood order keeps distances short; the
/// table doubles at 7/8 load, or when a distance would not fit.
///
/// Memory is `capacity x 4` bytes, half a [`KeySet`]'s; the table never has fewer than
/// `2^(bits - 27)` slots, so it is offered for keys up to 49 bits. A key that does not
/// fit the width (a caller's mistake) is kept whole in a side [`KeySet`]: answers stay
/// exact.
#[derive(Debug, Clone)]
pub struct QuotientSet {
    slots: Vec<u32>,
    bits: u32,
    /// log2 of the number of slots.
    order: u32,
    len: usize,
    /// Keys of `bits` bits or more, if a caller ever passes one: kept whole, so that a
    /// wrong width costs memory, never a wrong answer.
    wide: Option<Box<KeySet>>,
}

/// Bits of a slot that hold the distance from home, plus one (0 marks an empty slot).
const DISTANCE_BITS: u32 = 5;
const DISTANCE_MASK: u32 = (1 << DISTANCE_BITS) - 1;
/// The longest distance a slot can record.
const MAX_DISTANCE: u32 = DISTANCE_MASK - 1;

impl QuotientSet {
    /// Bits of a key a slot can hold besides its position.
    pub const REMAINDER_BITS: u32 = 32 - DISTANCE_BITS;

    /// The largest table a set starts with: 2^22 slots, 16 MiB.
    pub const MAX_START_ORDER: u32 = 22;

    /// An empty set for keys below `2^bits`, with room for `capacity` keys; `None` when
    /// the smallest table for such keys has more than 2^[`Self::MAX_START_ORDER`] slots
    /// (keys wider than 49 bits), where a [`KeySet`] is the better choice.
    pub fn new(bits: u32, capacity: usize) -> Option<Self> {
        let bits = bits.clamp(1, 64);
        let least = bits.saturating_sub(Self::REMAINDER_BITS);
        if least > Self::MAX_START_ORDER {
            return None;
        }
        let wanted = (capacity.max(8) * 8 / 7 + 1)
            .next_power_of_two()
            .trailing_zeros();
        let order = wanted.max(least).min(bits);
        Some(QuotientSet {
            slots: vec![0; 1 << order],
            bits,
            order,
            len: 0,
            wide: None,
        })
    }

    /// The key scrambled: a bijection of `bits`-bit numbers (two rounds of multiplying by
    /// an odd constant and folding the high half into the low half).
    #[inline]
    fn scramble(&self, key: u64) -> u64 {
        let mask = if self.bits >= 64 {
            u64::MAX
        } else {
            (1 << self.bits) - 1
        };
        let fold = self.bits.div_ceil(2);
        let mut h = key & mask;
        h = h.wrapping_mul(SEED) & mask;
        h ^= h >> fold;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9) & mask;
        h ^ (h >> fold)
    }

    /// Home slot and remainder of a scrambled key at the current order.
    #[inline]
    fn split(&self, h: u64) -> (usize, u32) {
        let low = self.bits - self.order;
        let remainder = if low == 0 {
            0
        } else {
            (h & ((1 << low) - 1)) as u32
        };
        ((h >> low) as usize, remainder)
    }

    /// Places a scrambled key known to be absent, Robin Hood style; `false` when some
    /// distance would not fit (the table must grow first; nothing was changed then).
    fn place(&mut self, h: u64) -> bool {
        let mask = self.slots.len() - 1;
        let (home, remainder) = self.split(h);
        // Dry run: find the empty slot that ends the run and check every shifted
        // entry's new distance fits.
        let mut pos = home;
        let mut distance = 0u32;
        let mut carrying = false;
        loop {
            let held = self.slots[pos];
            if held == 0 {
                break;
            }
            let theirs = (held & DISTANCE_MASK) - 1;
            if carrying || theirs < distance {
                carrying = true;
                if theirs + 1 > MAX_DISTANCE {
                    return false;
                }
            }
            distance += 1;
            if !carrying && distance > MAX_DISTANCE {
                return false;
            }
            pos = (pos + 1) & mask;
        }
        // Real run.
        let mut carry = (remainder << DISTANCE_BITS) | 1;
        let mut pos = home;
        loop {
            let held = self.slots[pos];
            if held == 0 {
                self.slots[pos] = carry;
                return true;
            }
            if (held & DISTANCE_MASK) < (carry & DISTANCE_MASK) {
                self.slots[pos] = carry;
                carry = held;
            }
            carry += 1;
            pos = (pos + 1) & mask;
        }
    }

    /// Doubles the table (more than once in the rare case where an entry's distance
    /// would not fit in the doubled one).
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let old_order = self.order;
        let old_mask = old.len() - 1;
        let low = self.bits - old_order;
        let scrambled = |(pos, &held): (usize, &u32)| {
            (held != 0).then(|| {
                let home = pos.wrapping_sub(((held & DISTANCE_MASK) - 1) as usize) & old_mask;
                ((home as u64) << low) | u64::from(held >> DISTANCE_BITS)
            })
        };
        let mut order = old_order;
        loop {
            order = (order + 1).min(self.bits);
            self.order = order;
            self.slots = vec![0; 1 << order];
            let mut placed = true;
            for h in old.iter().enumerate().filter_map(scrambled) {
                if !self.place(h) {
                    placed = false;
                    break;
                }
            }
            if placed || order == self.bits {
                return;
            }
        }
    }

    /// Whether a scrambled key is stored. Robin Hood order lets a miss stop at the first
    /// entry nearer its home than the probe is to the key's.
    #[inline]
    fn find(&self, h: u64) -> bool {
        let mask = self.slots.len() - 1;
        let (home, remainder) = self.split(h);
        let first = (remainder << DISTANCE_BITS) | 1;
        for distance in 0..=MAX_DISTANCE {
            // The slot at `distance` from home, as it would read holding this key.
            let probe = first + distance;
            let held = self.slots[(home + distance as usize) & mask];
            if held == probe {
                return true;
            }
            if (held & DISTANCE_MASK) < (probe & DISTANCE_MASK) {
                return false;
            }
        }
        false
    }
}

impl QuotientSet {
    /// Whether a key is wider than the set's width.
    #[inline]
    fn is_wide(&self, key: u64) -> bool {
        key.checked_shr(self.bits).is_some_and(|high| high != 0)
    }
}

impl Visited<u64> for QuotientSet {
    #[inline]
    fn insert(&mut self, key: u64) -> bool {
        if self.is_wide(key) {
            return self
                .wide
                .get_or_insert_with(|| Box::new(KeySet::with_capacity(8)))
                .insert(key);
        }
        let h = self.scramble(key);
        if self.find(h) {
            return false;
        }
        // At the largest order every key has a home of its own, so `place` succeeds.
        while !self.place(h) && self.order < self.bits {
            self.grow();
        }
        self.len += 1;
        if self.len * 8 > self.slots.len() * 7 && self.order < self.bits {
            self.grow();
        }
        true
    }

    fn contains(&self, key: &u64) -> bool {
        if self.is_wide(*key) {
            return self.wide.as_ref().is_some_and(|wide| wide.contains(key));
        }
        self.find(self.scramble(*key))
    }

    #[inline]
    fn touch(&self, key: &u64) -> u64 {
        let (home, _) = self.split(self.scramble(*key));
        u64::from(self.slots[home])
    }

    #[inline]
    fn part(&self, key: &u64, bits: u32) -> usize {
        let (home, _) = self.split(self.scramble(*key));
        home >> self.order.saturating_sub(bits)
    }

    fn len(&self) -> usize {
        self.len + self.wide.as_ref().map_or(0, |wide| wide.len())
    }

    fn bytes(&self) -> usize {
        self.slots.len() * 4 + self.wide.as_ref().map_or(0, |wide| wide.bytes())
    }
}

/// The visited set [`reach_keys`] uses for keys below `2^bits`: a [`KeySet`] while it is
/// small, moved into a [`QuotientSet`] once the key set's next table would be at least
/// as large as the quotient set's smallest one (never, for keys wider than 49 bits).
#[derive(Debug, Clone)]
pub enum CompactKeys {
    /// Still a plain key set.
    Plain {
        /// The keys.
        set: KeySet,
        /// The key width.
        bits: u32,
    },
    /// Moved into a quotient set.
    Quotient(QuotientSet),
}

impl CompactKeys {
    /// An empty set for keys below `2^bits`.
    pub fn new(bits: u32) -> Self {
        CompactKeys::Plain {
            set: KeySet::with_capacity(1024),
            bits,
        }
    }

    /// Moves the keys into a quotient set when that is now the smaller table.
    fn compact(&mut self) {
        let CompactKeys::Plain { set, bits } = self else {
            return;
        };
        let next_table = set.slots.len() * 2 * 8;
        let least = bits.saturating_sub(QuotientSet::REMAINDER_BITS);
        if least > QuotientSet::MAX_START_ORDER || next_table < (4usize << least) {
            return;
        }
        let Some(mut quotient) = QuotientSet::new(*bits, set.len() * 2) else {
            return;
        };
        for key in set.keys() {
            quotient.insert(key);
        }
        *self = CompactKeys::Quotient(quotient);
    }
}

impl Visited<u64> for CompactKeys {
    #[inline]
    fn insert(&mut self, key: u64) -> bool {
        match self {
            CompactKeys::Plain { set, .. } => {
                let fresh = set.insert(key);
                if fresh && set.at_load_limit(set.len() + 1) {
                    self.compact();
                }
                fresh
            }
            CompactKeys::Quotient(set) => set.insert(key),
        }
    }
    fn contains(&self, key: &u64) -> bool {
        match self {
            CompactKeys::Plain { set, .. } => set.contains(key),
            CompactKeys::Quotient(set) => set.contains(key),
        }
    }
    #[inline]
    fn touch(&self, key: &u64) -> u64 {
        match self {
            CompactKeys::Plain { set, .. } => set.touch(key),
            CompactKeys::Quotient(set) => set.touch(key),
        }
    }
    #[inline]
    fn part(&self, key: &u64, bits: u32) -> usize {
        match self {
            CompactKeys::Plain { set, .. } => set.part(key, bits),
            CompactKeys::Quotient(set) => set.part(key, bits),
        }
    }
    fn len(&self) -> usize {
        match self {
            CompactKeys::Plain { set, .. } => set.len(),
            CompactKeys::Quotient(set) => set.len(),
        }
    }
    fn bytes(&self) -> usize {
        match self {
            CompactKeys::Plain { set, .. } => set.bytes(),
            CompactKeys::Quotient(set) => set.bytes(),
        }
    }
}

/// What a lean search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Reachable states stored (canonical ones with symmetry on).
    pub states: usize,
    /// Steps that changed the state (the edges [`fsm::explore::explore`] would store).
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

impl Reach {
    /// The counts of a search that has stored its `states` initial states and done
    /// nothing else yet.
    pub(super) fn started(states: usize) -> Reach {
        Reach {
            states,
            transitions: 0,
            unchanged: 0,
            depth: 0,
            completeness: Completeness::Complete,
            widest_level: 1,
            set_bytes: 0,
        }
    }
}

/// Counts every state reachable from the model's initial state, breadth first, without
/// building a graph ([`reach_with`] with a [`StateSet`]).
///
/// # Arguments
/// * `model` - the model.
/// * `limits` - bounds and symmetry reduction, as for [`fsm::explore::explore`].
/// * `visit` - called once per stored state, level by level (for inline state checks).
///
/// # Returns
/// The counts; equal to those of [`fsm::explore::explore`] under the same limits.
///
/// # Complexity
/// O(states x actions) calls of `next`; memory O(states) for the visited set plus the two
/// widest consecutive levels and one chunk of successors.
pub fn reach<M: Successors>(model: &M, limits: Limits, visit: impl FnMut(&M::State)) -> Reach
where
    M::State: Default,
{
    reach_with(model, limits, StateSet::with_capacity(1024), visit)
}

/// [`reach`] for a model whose states are keys below `2^bits`, over [`CompactKeys`]: a
/// [`KeySet`] (8 bytes a slot, one memory read per look-up) while small, a
/// [`QuotientSet`] (4 bytes a slot) once that is smaller, for keys up to 49 bits.
///
/// # Examples
/// ```
/// use fsm::explore::{Limits, Model};
/// use ucma_ha_bench::reach::{reach, reach_keys, Successors};
/// struct Ring;
/// impl Model for Ring {
///     type State = u64;
///     type Action = u64;
///     fn initial(&self) -> u64 { 0 }
///     fn actions(&self) -> &[u64] { &[1, 7] }
///     fn next(&self, s: &u64, step: u64) -> u64 { (s + step) % 1000 }
/// }
/// impl Successors for Ring {}
/// let fast = reach_keys(&Ring, 10, Limits::default(), |_| {});
/// let plain = reach(&Ring, Limits::default(), |_| {});
/// assert_eq!((fast.states, fast.transitions), (plain.states, plain.transitions));
/// assert_eq!(fast.states, 1000);
/// ```
pub fn reach_keys<M: Successors<State = u64>>(
    model: &M,
    bits: u32,
    limits: Limits,
    visit: impl FnMut(&u64),
) -> Reach {
    reach_with(model, limits, CompactKeys::new(bits), visit)
}

/// States expanded together: their successors are grouped by the part of the visited set
/// they fall in before any is inserted.
const CHUNK: usize = 1 << 13;
/// Successors touched together before they are inserted (their look-ups' cache misses
/// overlap, as the loads do not wait on one another).
const WINDOW: usize = 64;
/// Bytes of the visited set one part should span (to stay within a core's cache).
const PART_BYTES: usize = 1 << 18;

/// The successors in the order to insert them: grouped by the part of `seen` where their
/// look-up starts (a counting sort into `parted`), when the set is larger than a part.
fn partition<'a, S: Copy, V: Visited<S>>(
    seen: &V,
    batch: &'a [S],
    parted: &'a mut Vec<S>,
) -> &'a [S] {
    let parts = (seen.bytes() / PART_BYTES).next_power_of_two();
    if parts < 2 || batch.len() < 4 * parts {
        return batch;
    }
    let bits = parts.trailing_zeros();
    let mut starts = vec![0usize; parts + 1];
    for state in batch.iter() {
        starts[seen.part(state, bits) + 1] += 1;
    }
    for i in 1..=parts {
        starts[i] += starts[i - 1];
    }
    parted.clear();
    parted.resize(batch.len(), batch[0]);
    for state in batch.iter() {
        let part = seen.part(state, bits);
        parted[starts[part]] = *state;
        starts[part] += 1;
    }
    parted
}

/// The lean breadth-first search over any [`Visited`] set.
///
/// Each level is expanded in batches of states: every successor of the batch
/// ([`Successors::successors`]) is made canonical, then touched in the set, then inserted in
/// order, so the visiting order is that of a plain breadth-first search.
///
/// # Returns
/// The counts; equal to those of [`fsm::explore::explore`] under the same limits.
///
/// # Complexity
/// As [`reach`].
pub fn reach_with<M: Successors, V: Visited<M::State>>(
    model: &M,
    limits: Limits,
    mut seen: V,
    mut visit: impl FnMut(&M::State),
) -> Reach {
    let canonical = |state: M::State| {
        if limits.symmetry {
            model.canonical(state)
        } else {
            state
        }
    };
    let actions = model.actions().len();
    let initial = canonical(model.initial());
    seen.insert(initial);
    visit(&initial);
    let mut level = vec![initial];
    let mut next_level: Vec<M::State> = Vec::new();
    let mut batch: Vec<M::State> = Vec::new();
    let mut parted: Vec<M::State> = Vec::new();
    let mut found = Reach::started(1);
    let mut depth = 0usize;
    'search: while !level.is_empty() {
        if depth >= limits.max_depth {
            found.completeness = Completeness::DepthLimit;
            break;
        }
        for states in level.chunks(CHUNK) {
            batch.clear();
            for state in states {
                let before = batch.len();
                model.successors(state, &mut batch);
                let mut kept = before;
                for i in before..batch.len() {
                    let next = canonical(batch[i]);
                    if next != *state {
                        batch[kept] = next;
                        kept += 1;
                    }
                }
                batch.truncate(kept);
                found.unchanged += actions - (kept - before);
            }
            let order = partition(&seen, &batch, &mut parted);
            for window in order.chunks(WINDOW) {
                let touched = window.iter().fold(0u64, |acc, next| acc ^ seen.touch(next));
                std::hint::black_box(touched);
                for &next in window {
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
