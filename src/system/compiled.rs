//! The system compiled for exhaustive search: each macro-step as a few table look-ups on
//! a 64-bit key.
//!
//! # Why it is exact
//! A system state splits into a *shared part* (the world, the registration, the endpoint
//! and both sessions with their SipSubscriptions: the low 20 bits of a [`Packed`] state)
//! and one *(view, subscription) pair* per remote view. When the wiring is pair-local
//! (every reaction to an owner's or subscription's change stays inside its pair and reads
//! only the pair and the shared part; [`CompileError::NotPairLocal`] otherwise), a
//! macro-step decomposes:
//! - whether it is rejected, and the shared part afterwards, depend only on the stimulus
//!   and the shared part before, except that `SubscribeRemotePresence` is rejected when
//!   no view accepts `BeginSubscribe` (AF-RPSS);
//! - every view's pair afterwards depends only on the stimulus, the shared part and its
//!   own pair, with a separate function for the *free view* (the view with the least
//!   pair among those that accept `BeginSubscribe`, the lowest index among equals; the
//!   least pair when none accepts), the one `SubscribeRemotePresence` subscribes.
//!
//! [`CompiledSystem::new`] learns those functions by running the system's own
//! macro-step ([`System::step`]) on probe states, over the closure of shared parts and
//! pairs reachable from the initial state, and checks what it relies on as it goes: a
//! probe whose shared part afterwards depends on the views, or that diverges, fails the
//! compilation. `bench/tests/compiled.rs` checks the compiled step against [`System::step`] on
//! every reachable state of many configurations.
//!
//! # Keys
//! Shared parts and pairs get dense ids (pairs numbered in the order of their bits, so
//! "least pair" is "least id"). A key holds the shared id in its low bits, then either
//! - [`Layout::Lanes`] (no symmetry reduction): one bit-plane per bit of a pair id, each
//!   plane holding that bit of every view, so a stimulus that moves every view in pair
//!   `p` to `q` is a handful of word operations for all views at once; or
//! - [`Layout::Counts`] (symmetry reduction): how many views hold each pair, which is the
//!   canonical form of [`System::canonical`] (views sorted by pair) in other words.
//!
//! # Limitations
//! At most 16 distinct pairs; the key must fit 64 bits (with the shipped
//! tables: 19 views in lanes, every [`super::MAX_VIEWS`] in counts). It answers `next`
//! only: for deliveries, events and properties use [`System`].
//!
//! # Examples
//! ```
//! use ucma_ha::system::compiled::{CompiledSystem, Layout};
//! use ucma_ha::system::{System, SystemConfig, SystemStimulus::*};
//! let system = System::new(SystemConfig { remote_views: 3, ..SystemConfig::default() })?;
//! let compiled = CompiledSystem::new(&system, Layout::Lanes)?;
//! let mut packed = system.initial();
//! let mut key = compiled.initial();
//! for stimulus in [BeginEstablish, SubscribeRemotePresence, PoolFails] {
//!     packed = system.step(packed, stimulus).next;
//!     key = compiled.step(key, stimulus);
//! }
//! assert_eq!(compiled.decode(key), packed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use fsm::Symbol;
use thiserror::Error;

use super::engine::{Engine, FIRST_VIEW};
use super::{Packed, System, SystemStimulus, STIMULI};

mod learn;
mod numbered;

pub use numbered::{NumberError, RankedSystem};

/// The most distinct (view, subscription) pairs a compiled system handles.
pub(crate) const MAX_PAIRS: usize = 16;
/// Bits of the shared part in a [`Packed`] state (world and the first six slots).
const SHARED_BITS: u32 = 20;
const SHARED_MASK: u64 = (1 << SHARED_BITS) - 1;
/// Marks a free-view move that is rejected ([`Effect::free`]).
pub(crate) const REJECT: u8 = u8::MAX;
const STIMULUS_COUNT: usize = <SystemStimulus as strum::EnumCount>::COUNT;

/// How a key holds the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every view in its own lane (no symmetry reduction).
    Lanes,
    /// How many views hold each pair (symmetry reduction).
    Counts,
}

/// Why a system cannot be compiled (explore it with [`System`] instead).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompileError {
    /// Some wiring reaction leaves an owner's (view, subscription) pair.
    #[error("the wiring is not pair-local, so a view's move may depend on other views")]
    NotPairLocal,
    /// No state of the remote presence table accepts `BeginSubscribe`.
    #[error("no remote view state accepts BeginSubscribe")]
    NoFreeView,
    /// More distinct pairs are reachable than 16.
    #[error("{pairs} distinct (view, subscription) pairs; at most {max} compile")]
    TooManyPairs {
        /// Found.
        pairs: usize,
        /// The limit.
        max: usize,
    },
    /// The key needs more than 64 bits.
    #[error("a key needs {bits} bits; at most 64 fit")]
    TooWide {
        /// Needed.
        bits: u32,
    },
    /// A probe showed a dependency the compiled form cannot express.
    #[error("{stimulus} from shared part {shared:#x}: {what}")]
    Inexpressible {
        /// The stimulus.
        stimulus: SystemStimulus,
        /// The raw shared part.
        shared: u64,
        /// What went wrong.
        what: &'static str,
    },
}

/// What one stimulus does from one shared part, as learned; read through
/// [`CompiledSystem::active_effects`] by searches that work on the tables themselves.
#[derive(Debug, Clone, Copy)]
pub struct Effect {
    /// Rejected whatever the views hold.
    rejected: bool,
    /// The shared id afterwards.
    pub next: u64,
    /// Pair id afterwards of every view but the free one, by pair id before.
    pub other: [u8; MAX_PAIRS],
    /// Pair id afterwards of the free view, or `u8::MAX` when the stimulus rejects.
    pub free: [u8; MAX_PAIRS],
    /// Pair ids `p` with `other[p] != p`.
    changed: u16,
    /// Whether the free view must be found (`free` differs from `other` somewhere).
    pub picks_free: bool,
}

/// The system compiled into look-up tables over 64-bit keys (see the module docs).
#[derive(Debug, Clone)]
pub struct CompiledSystem {
    layout: Layout,
    views: usize,
    /// Raw shared parts by id, ascending.
    shared: Vec<u64>,
    /// Raw pairs by id, ascending.
    pairs: Vec<u8>,
    /// Pair ids whose view accepts `BeginSubscribe`, as a bit mask.
    accepts: u16,
    /// `effects[shared id * STIMULUS_COUNT + stimulus]`.
    effects: Vec<Effect>,
    /// Per shared id, the effects that can change a key (`active[starts[s]..starts[s + 1]]`).
    active: Vec<Effect>,
    starts: Vec<usize>,
    shared_bits: u32,
    /// Bits per field: one per view (lanes) or those of a count (counts).
    field_bits: u32,
    /// Number of fields after the shared id: planes (lanes) or pairs (counts).
    fields: u32,
    /// A field's bits, in place.
    mask: u64,
    /// Where each field starts.
    shifts: [u32; MAX_PAIRS],
    /// The shared id's bits in a key.
    shared_id_mask: u64,
    /// Every pair id, as a mask.
    all_pairs: u16,
    /// `spread[delta]`: multiplying a lane mask (at plane 0) by it copies the mask into
    /// every plane whose bit is set in `delta`.
    spread: [u64; MAX_PAIRS],
    initial: u64,
}

/// `spread[delta]` for [`CompiledSystem::spread`].
fn spread(fields: u32, field_bits: u32) -> [u64; MAX_PAIRS] {
    std::array::from_fn(|delta| {
        (0..fields.min(4))
            .filter(|bit| delta >> bit & 1 == 1)
            .map(|bit| 1u64 << (bit * field_bits).min(63))
            .sum()
    })
}

/// Bits needed to tell `n` values apart (at least one).
fn bits_for(n: usize) -> u32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1)
}

impl CompiledSystem {
    /// The same system over `views` views, every view starting in the pair the first
    /// view starts in; [`Layout::Lanes`] only, and from 2 views on (where a pair's
    /// effects no longer depend on the number of views); `None` otherwise or when the
    /// key would not fit.
    pub fn with_views(&self, views: usize) -> Option<Self> {
        let field_bits = u32::try_from(views).ok()?;
        if self.layout != Layout::Lanes
            || views < 2
            || self.views < 2
            || self.shared_bits + field_bits * self.fields > 64
        {
            return None;
        }
        let mut resized = self.clone();
        resized.views = views;
        resized.field_bits = field_bits;
        resized.mask = (1u64 << field_bits) - 1;
        resized.shifts =
            std::array::from_fn(|i| (self.shared_bits + i as u32 * field_bits).min(63));
        resized.spread = spread(self.fields, field_bits);
        let mut initial = self.initial & self.shared_id_mask;
        for bit in 0..self.fields {
            if self.field(self.initial, bit) & 1 == 1 {
                initial |= resized.mask << resized.shifts[bit as usize % MAX_PAIRS];
            }
        }
        resized.initial = initial;
        Some(resized)
    }

    /// The layout chosen.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Number of remote views.
    pub fn views(&self) -> usize {
        self.views
    }

    /// Number of distinct shared parts in the closure (an over-approximation of the
    /// reachable ones).
    pub fn shared_parts(&self) -> usize {
        self.shared.len()
    }

    /// Number of distinct (view, subscription) pairs in the closure.
    pub fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// Bits a key uses.
    pub fn key_bits(&self) -> u32 {
        self.shared_bits + self.field_bits * self.fields
    }

    /// The initial state's key.
    pub fn initial(&self) -> u64 {
        self.initial
    }

    #[inline]
    fn field_mask(&self) -> u64 {
        self.mask
    }

    #[inline]
    fn field(&self, key: u64, index: u32) -> u64 {
        (key >> self.shifts[index as usize % MAX_PAIRS]) & self.mask
    }

    /// The key of a state, in this layout (for [`Layout::Counts`] the key of its
    /// canonical form); `None` when the state is outside the compiled closure.
    pub fn encode(&self, state: Packed) -> Option<u64> {
        let shared = self
            .shared
            .binary_search(&(state.0[0] & SHARED_MASK))
            .ok()? as u64;
        let mut key = shared;
        for view in 0..self.views {
            let pair = state.pair(FIRST_VIEW + 2 * view);
            let id = self.pairs.binary_search(&pair).ok()? as u32;
            match self.layout {
                Layout::Lanes => {
                    for bit in 0..self.fields {
                        if id >> bit & 1 == 1 {
                            key |= 1 << (self.shared_bits + bit * self.field_bits + view as u32);
                        }
                    }
                }
                Layout::Counts => key += 1 << (self.shared_bits + id * self.field_bits),
            }
        }
        Some(key)
    }

    /// The state of a key (for [`Layout::Counts`] the canonical one: views sorted by
    /// pair).
    pub fn decode(&self, key: u64) -> Packed {
        let mut state = Packed::default();
        let shared = (key & self.shared_id_mask) as usize;
        state.0[0] = self.shared.get(shared).copied().unwrap_or(0);
        let mut view = 0;
        match self.layout {
            Layout::Lanes => {
                for view in 0..self.views {
                    let mut id = 0usize;
                    for bit in 0..self.fields {
                        id |= (self.field(key, bit) as usize >> view & 1) << bit;
                    }
                    let pair = self.pairs.get(id).copied().unwrap_or(0);
                    state.set_pair(FIRST_VIEW + 2 * view, pair);
                }
            }
            Layout::Counts => {
                for (id, &pair) in self.pairs.iter().enumerate() {
                    for _ in 0..self.field(key, id as u32) {
                        state.set_pair(FIRST_VIEW + 2 * view, pair);
                        view += 1;
                    }
                }
            }
        }
        state
    }

    /// One macro-step on a key: the key afterwards (the same key when rejected).
    ///
    /// # Complexity
    /// O(pairs) word operations, whatever the number of views; allocates nothing.
    #[inline]
    pub fn step(&self, key: u64, stimulus: SystemStimulus) -> u64 {
        let shared = (key & self.shared_id_mask) as usize;
        match self.effects.get(shared * STIMULUS_COUNT + stimulus.index()) {
            Some(effect) => self.apply(key, effect),
            None => key,
        }
    }

    /// Pushes the key after each effect (all of them effects of the key's shared part
    /// that are not rejected), when it differs from the key.
    #[inline]
    fn push_all(
        &self,
        key: u64,
        effects: &[Effect],
        out: &mut Vec<u64>,
        views: impl Fn(&Self, u64, &Effect) -> u64,
    ) {
        out.reserve(effects.len());
        for effect in effects {
            let next = self.after(key, effect, &views);
            if next != key {
                out.push(next);
            }
        }
    }

    /// The key after an effect that is not rejected: only the shared id changes when no
    /// view moves, else `views` (the layout's step) computes it.
    #[inline]
    fn after(&self, key: u64, effect: &Effect, views: impl Fn(&Self, u64, &Effect) -> u64) -> u64 {
        if effect.changed == 0 && !effect.picks_free {
            (key & !self.shared_id_mask) | effect.next
        } else {
            views(self, key, effect)
        }
    }

    /// The key after `effect` (which must be an effect of the key's shared part).
    #[inline]
    fn apply(&self, key: u64, effect: &Effect) -> u64 {
        if effect.rejected {
            return key;
        }
        match self.layout {
            Layout::Lanes => self.after(key, effect, Self::step_lanes),
            Layout::Counts => self.after(key, effect, Self::step_counts),
        }
    }

    #[inline]
    fn step_lanes(&self, key: u64, effect: &Effect) -> u64 {
        match self.fields {
            1 => self.lanes_step::<1>(key, effect),
            2 => self.lanes_step::<2>(key, effect),
            3 => self.lanes_step::<3>(key, effect),
            _ => self.lanes_step::<4>(key, effect),
        }
    }

    /// One step in [`Layout::Lanes`] with `PLANES` bit-planes: the lanes holding each
    /// moved pair id are found with `PLANES` word operations, and every plane bit that
    /// changes is flipped in place (one multiplication spreads a lane mask over the
    /// planes to flip).
    #[inline]
    fn lanes_step<const PLANES: usize>(&self, key: u64, effect: &Effect) -> u64 {
        let lanes = self.mask;
        let base = self.shifts[0];
        let planes: [u64; PLANES] = std::array::from_fn(|bit| (key >> self.shifts[bit]) & lanes);
        let holding = |id: usize| {
            let mut with = lanes;
            for (bit, plane) in planes.iter().enumerate() {
                with &= plane ^ ((id >> bit) as u64 & 1).wrapping_sub(1);
            }
            with
        };
        let mut flips = 0u64;
        let mut changed = effect.changed;
        while changed != 0 {
            let id = changed.trailing_zeros() as usize;
            changed &= changed - 1;
            let delta = id ^ usize::from(effect.other[id]);
            flips ^= (holding(id) << base).wrapping_mul(self.spread[delta % MAX_PAIRS]);
        }
        if effect.picks_free {
            let mut pick = None;
            for candidates in [self.accepts, u16::MAX] {
                let mut candidates = candidates & self.all_pairs;
                while candidates != 0 && pick.is_none() {
                    let id = candidates.trailing_zeros() as usize;
                    candidates &= candidates - 1;
                    let with = holding(id);
                    if with != 0 {
                        pick = Some((id, with & with.wrapping_neg()));
                    }
                }
            }
            if let Some((id, lane)) = pick {
                let free = effect.free[id];
                if free == REJECT {
                    return key;
                }
                let delta = usize::from(effect.other[id] ^ free);
                flips ^= (lane << base).wrapping_mul(self.spread[delta % MAX_PAIRS]);
            }
        }
        ((key & !self.shared_id_mask) | effect.next) ^ flips
    }

    #[inline]
    fn step_counts(&self, key: u64, effect: &Effect) -> u64 {
        let mut counts = [0u64; MAX_PAIRS];
        for (id, count) in counts.iter_mut().enumerate().take(self.pairs.len()) {
            *count = self.field(key, id as u32);
        }
        let mut free = None;
        if effect.picks_free {
            let pick = |candidates: u16| {
                (0..self.pairs.len()).find(|&id| candidates >> id & 1 == 1 && counts[id] > 0)
            };
            if let Some(id) = pick(self.accepts).or_else(|| pick(u16::MAX)) {
                if effect.free[id] == REJECT {
                    return key;
                }
                free = Some(id);
            }
        }
        let mut after = [0u64; MAX_PAIRS];
        for (id, &count) in counts.iter().enumerate().take(self.pairs.len()) {
            after[usize::from(effect.other[id])] += count;
        }
        if let Some(id) = free {
            after[usize::from(effect.other[id])] -= 1;
            after[usize::from(effect.free[id])] += 1;
        }
        let mut next = effect.next;
        for (id, &count) in after.iter().enumerate().take(self.pairs.len()) {
            next |= count << self.shifts[id];
        }
        next
    }

    /// The lanes (views) of a [`Layout::Lanes`] key that hold pair id `id`, as a mask.
    #[inline]
    pub fn lanes_holding(&self, key: u64, id: usize) -> u64 {
        let mut lanes = self.field_mask();
        for bit in 0..self.fields {
            let plane = self.field(key, bit);
            lanes &= if id >> bit & 1 == 1 { plane } else { !plane };
        }
        lanes
    }

    /// The canonical key of a key: in [`Layout::Lanes`] the views sorted by pair (the
    /// lanes of [`System::canonical`]); a [`Layout::Counts`] key is canonical already.
    pub fn canonical(&self, key: u64) -> u64 {
        if self.layout == Layout::Counts {
            return key;
        }
        let mut sorted = key & self.shared_id_mask;
        let mut view = 0;
        for id in 0..self.pairs.len() {
            let count = self.lanes_holding(key, id).count_ones();
            let lanes = ((1u64 << count) - 1) << view;
            for bit in 0..self.fields {
                if id >> bit & 1 == 1 {
                    sorted |= lanes << (self.shared_bits + bit * self.field_bits);
                }
            }
            view += count;
        }
        sorted
    }
}

impl fsm::explore::Model for CompiledSystem {
    type State = u64;
    type Action = SystemStimulus;

    fn initial(&self) -> u64 {
        self.initial
    }

    fn actions(&self) -> &[SystemStimulus] {
        STIMULI
    }

    #[inline]
    fn next(&self, state: &u64, action: SystemStimulus) -> u64 {
        self.step(*state, action)
    }

    fn canonical(&self, state: u64) -> u64 {
        CompiledSystem::canonical(self, state)
    }
}

/// The learned tables, read-only, for searches that work on them directly (a search that
/// numbers states densely is [`RankedSystem`]). The key's layout: the shared id in the
/// low [`CompiledSystem::shared_bits`] bits, then [`CompiledSystem::planes`] fields of
/// [`CompiledSystem::lane_mask`] bits each.
impl CompiledSystem {
    /// Appends to `out` every key after one stimulus that differs from `key`, in stimulus
    /// order (what [`fsm::explore::Model::next`] gives for each stimulus, without the
    /// unchanged ones); only the stimuli that can change a key with this shared part are
    /// tried.
    #[inline]
    pub fn successors(&self, key: u64, out: &mut Vec<u64>) {
        let state = &key;
        let shared = (*state & self.shared_id_mask) as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(shared), self.starts.get(shared + 1))
        else {
            return;
        };
        let Some(effects) = self.active.get(start..end) else {
            return;
        };
        match (self.layout, self.fields) {
            (Layout::Lanes, 1) => self.push_all(*state, effects, out, Self::lanes_step::<1>),
            (Layout::Lanes, 2) => self.push_all(*state, effects, out, Self::lanes_step::<2>),
            (Layout::Lanes, 3) => self.push_all(*state, effects, out, Self::lanes_step::<3>),
            (Layout::Lanes, _) => self.push_all(*state, effects, out, Self::lanes_step::<4>),
            (Layout::Counts, _) => self.push_all(*state, effects, out, Self::step_counts),
        }
    }

    /// Bits of the shared id at the bottom of a key.
    pub fn shared_bits(&self) -> u32 {
        self.shared_bits
    }

    /// The shared id's bits in a key.
    pub fn shared_id_mask(&self) -> u64 {
        self.shared_id_mask
    }

    /// Fields after the shared id: bit-planes ([`Layout::Lanes`]) or pairs
    /// ([`Layout::Counts`]).
    pub fn planes(&self) -> u32 {
        self.fields
    }

    /// Where field `index` starts in a key.
    pub fn plane_shift(&self, index: u32) -> u32 {
        self.shifts[index as usize % MAX_PAIRS]
    }

    /// A field's bits, at the bottom.
    pub fn lane_mask(&self) -> u64 {
        self.mask
    }

    /// The pair ids whose view accepts `BeginSubscribe`, as a bit mask.
    pub fn accepting_pairs(&self) -> u16 {
        self.accepts
    }

    /// Every effect that can change a key, grouped by shared id (see
    /// [`CompiledSystem::active_effects_of`]).
    pub fn active_effects(&self) -> &[Effect] {
        &self.active
    }

    /// The indices in [`CompiledSystem::active_effects`] of the effects of shared id `shared`;
    /// `None` for an id outside the closure.
    pub fn active_effects_of(&self, shared: usize) -> Option<std::ops::Range<usize>> {
        Some(*self.starts.get(shared)?..*self.starts.get(shared + 1)?)
    }
}
