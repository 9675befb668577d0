//! The compiled system numbered densely, for [`fsm::explore::ranked::reach_ranked`]: the
//! search `check` runs without symmetry reduction.
//!
//! # Blocks and words
//! A [`Layout::Lanes`] key says which pair every view holds: read the views in order and
//! it is a *word* over the pair ids. Keep the shared id and how many views hold each pair,
//! forget the order: that is the state's *block*, whose key is the [`Layout::Counts`] key
//! of the state.
//!
//! The views are not interchangeable: `SubscribeRemotePresence` subscribes the
//! lowest-numbered free view (AF-RPSS), so views are taken in order, and every other
//! stimulus moves all views holding a pair alike. Reachable words are therefore ordered:
//! for two pairs `x` and `y`, either both orders occur, or every `y` comes before every
//! `x`, or the two never meet. [`RankedSystem::new`] learns this *precedence* (which pair
//! may stand before which) by searching the same system with 3 views.
//!
//! # The numbering
//! Within a block, the words that keep the precedence are numbered: the pairs held, with
//! "must come before" between them, form a small partial order. When it is
//! series-parallel (built from single pairs by "all of A before all of B" and "A and B
//! interleaved freely"), its words are numbered by a mixed-radix number: each free
//! interleaving contributes the colexicographic rank of the views one side takes among
//! those the two sides share, and an ordered part contributes nothing. A block whose
//! order is not series-parallel, and a word that breaks the precedence, are not
//! numbered: such states go to the search's side set as keys ([`Located::Unranked`]),
//! so the search is exact whatever the precedence learned.
//!
//! For the shipped tables every reachable state is numbered and, for the user endpoint
//! and for the application endpoint in its home pool, every word that keeps the
//! precedence is reachable: one slot a state. An application endpoint subscribing
//! outside its home pool also keeps its views in runs, which the precedence does not
//! capture, so some slots stay empty (1.3 slots a state at 6 views, 2.8 at 10).
//! The bench crate's `tests/compiled.rs` checks both, and that the counts equal the
//! hashing search's.
//!
//! # Per-block work
//! The per-block work decides, once per stimulus, whether every state of the block has
//! a successor whose rank follows from its own: a stimulus that moves no view (the
//! same rank in another block), one that merges pairs into a block with a single word
//! and provably keeps the order (rank 0), and a subscription of the first view of a
//! part that the target's order only grows another part in front of (the same rank).
//! The others unrank the state once and rank each successor, with table look-ups over
//! 7 lanes at a time (a shift where the lanes form one run).
//!
//! # Examples
//! ```
//! use fsm::explore::{explore, Limits};
//! use fsm::explore::ranked::{reach_ranked, Located};
//! use ucma_ha::system::compiled::{CompiledSystem, Layout};
//! use ucma_ha::system::compiled::RankedSystem;
//! use ucma_ha::system::{System, SystemConfig};
//! let system = System::new(SystemConfig { remote_views: 5, ..SystemConfig::default() })?;
//! let compiled = CompiledSystem::new(&system, Layout::Lanes)?;
//! let ranked = RankedSystem::new(&compiled)?;
//! let dense = reach_ranked(&ranked, Limits::default(), |_| {});
//! let hashed = explore(&compiled, Limits::default(), |_| {});
//! assert_eq!(dense.states, hashed.graph.node_count());
//! assert_eq!(dense.transitions, hashed.graph.edge_count());
//! assert_eq!(dense.unranked, 0); // every state numbered
//! assert_eq!(dense.slots, dense.states as u64); // one bit a state
//! if let Located::Ranked(place) = ranked.locate(compiled.initial()) {
//!     assert_eq!(ranked.key(place), Some(compiled.initial()));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::Cell;

use fsm::explore::ranked::{Located, Place};
use strum::EnumCount;
use thiserror::Error;

use super::{CompiledSystem, Effect, Layout, MAX_PAIRS, REJECT};
use crate::system::SystemStimulus;

mod moves;
mod plan;

use plan::{held, ids, learn_precedence, plan, union, Kind, Plan};

/// Stimuli of the system.
const STIMULUS_COUNT: usize = SystemStimulus::COUNT;

/// Why a compiled system cannot be numbered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// Numbering states needs a [`Layout::Lanes`] system.
    #[error("only a system compiled in lanes can be numbered")]
    NeedsLanes,
    /// More distinct pairs than `MAX_RANKED_PAIRS` (10).
    #[error("{pairs} distinct (view, subscription) pairs; at most {max} are numbered")]
    TooManyPairs {
        /// Found.
        pairs: usize,
        /// The limit.
        max: usize,
    },
    /// A block key needs more than 64 bits.
    #[error("a block key needs {bits} bits; at most 64 fit")]
    TooWide {
        /// Needed.
        bits: u32,
    },
}

/// Bits needed to tell `n` values apart (at least one).
fn bits_for(n: usize) -> u32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1)
}

/// Lanes handled by one look-up in the compress and deposit tables.
const CHUNK_BITS: u32 = 7;
const CHUNK_MASK: u64 = (1 << CHUNK_BITS) - 1;
/// Entries of the compress and deposit tables: a chunk of free lanes by a chunk of bits.
const CHUNK_TABLE: usize = 1 << (2 * CHUNK_BITS);
/// The most views numbered (the subset tables hold `2^views` entries).
pub const MAX_RANKED_VIEWS: usize = 20;
/// The most pairs numbered (a plan is kept for every set of pairs).
pub const MAX_RANKED_PAIRS: usize = 10;
/// Views of the system searched to learn the precedence.
const LEARNING_VIEWS: usize = 3;
/// Nodes of a plan: at most one leaf per pair and fewer inner nodes.
const MAX_NODES: usize = 2 * MAX_RANKED_PAIRS;

/// A block's plan with its sizes: what ranking and unranking need.
#[derive(Debug, Clone, Copy)]
struct Shape<'p> {
    plan: &'p Plan,
    /// Views under each node.
    sizes: [u8; MAX_NODES],
    /// The radix of each digit, in the order the digits are read.
    radices: [u64; MAX_RANKED_PAIRS],
    digits: usize,
    /// The number of words (the product of the radices).
    len: u64,
}

/// A [`CompiledSystem`] in [`Layout::Lanes`] with its states numbered block by block
/// (see the module docs); implements [`Ranked`](fsm::explore::ranked::Ranked).
#[derive(Debug, Clone)]
pub struct RankedSystem<'a> {
    compiled: &'a CompiledSystem,
    /// Every lane, as a mask.
    lanes: u64,
    /// Bits of one count in a block key.
    count_bits: u32,
    /// `may_precede[x]` has bit `y` when some reachable word has an `x` before a `y`.
    may_precede: [u16; MAX_PAIRS],
    /// The plan of every set of pairs (by its mask), `None` when not series-parallel.
    plans: Vec<Option<Plan>>,
    /// `binomial[n * (views + 1) + k]` = C(n, k).
    binomial: Vec<u64>,
    /// `rank_of[mask]`: the mask's colexicographic rank among masks with as many bits.
    rank_of: Vec<u32>,
    /// The masks with `k` bits in ascending (colexicographic) order, at
    /// `subsets[subset_starts[k]..]`.
    subsets: Vec<u32>,
    subset_starts: Vec<usize>,
    /// `compress[free << 7 | mask]`: the bits of `mask` at `free`'s positions, packed.
    compress: Box<[u8; CHUNK_TABLE]>,
    /// `deposit[free << 7 | packed]`: the inverse of `compress`.
    deposit: Box<[u8; CHUNK_TABLE]>,
    /// Steps reported that changed a state but not its block.
    in_block: Cell<usize>,
}

impl<'a> RankedSystem<'a> {
    /// Numbers a compiled system's states, learning the precedence between pairs from a
    /// search of the same system with 3 views.
    ///
    /// # Errors
    /// [`NumberError::NeedsLanes`] for a [`Layout::Counts`] system (its keys are blocks
    /// already); [`NumberError::TooWide`] when a block key needs more than 64 bits;
    /// [`NumberError::TooManyPairs`] above `MAX_RANKED_PAIRS` (10) pairs; more than
    /// `MAX_RANKED_VIEWS` (20) views cannot be compiled in lanes anyway.
    ///
    /// # Complexity
    /// O(2^views) time and memory for the subset tables (64 KiB at 14 views), one plan
    /// per set of pairs, and a search of the 3-view system.
    pub fn new(compiled: &'a CompiledSystem) -> Result<Self, NumberError> {
        if compiled.layout() != Layout::Lanes {
            return Err(NumberError::NeedsLanes);
        }
        let learned = learn_precedence(compiled);
        Self::with_precedence(compiled, |x, y| learned[x % MAX_PAIRS] >> y & 1 == 1)
    }

    /// Numbers a compiled system's states with a given precedence: `may_precede(x, y)`
    /// says whether a view in pair id `x` may stand before one in pair id `y`. Any
    /// precedence gives exact counts; one that allows too much wastes slots, one that
    /// allows too little leaves states to the search's side set.
    ///
    /// # Errors
    /// As [`RankedSystem::new`].
    pub fn with_precedence(
        compiled: &'a CompiledSystem,
        may_precede: impl Fn(usize, usize) -> bool,
    ) -> Result<Self, NumberError> {
        if compiled.layout() != Layout::Lanes {
            return Err(NumberError::NeedsLanes);
        }
        let views = compiled.views();
        let pairs = compiled.pairs();
        if pairs > MAX_RANKED_PAIRS {
            return Err(NumberError::TooManyPairs {
                pairs,
                max: MAX_RANKED_PAIRS,
            });
        }
        let count_bits = bits_for(views + 1);
        let bits = compiled.shared_bits() + count_bits * pairs as u32;
        if bits > 64 || views > MAX_RANKED_VIEWS {
            return Err(NumberError::TooWide { bits });
        }
        let may_precede: [u16; MAX_PAIRS] = std::array::from_fn(|x| {
            (0..pairs)
                .filter(|&y| y != x && x < pairs && may_precede(x, y))
                .fold(0, |row, y| row | 1 << y)
        });
        let plans = (0..1usize << pairs)
            .map(|set| plan(set as u16, &may_precede))
            .collect();
        let row = views + 1;
        let mut binomial = vec![0u64; row * row];
        for n in 0..=views {
            binomial[n * row] = 1;
            for k in 1..=n {
                binomial[n * row + k] =
                    binomial[(n - 1) * row + k - 1] + binomial[(n - 1) * row + k];
            }
        }
        let masks = 1usize << views;
        let mut subset_starts = vec![0usize; views + 2];
        for mask in 0..masks {
            subset_starts[mask.count_ones() as usize + 1] += 1;
        }
        for k in 1..subset_starts.len() {
            subset_starts[k] += subset_starts[k - 1];
        }
        let mut rank_of = vec![0u32; masks];
        let mut subsets = vec![0u32; masks];
        let mut next = subset_starts.clone();
        for (mask, rank) in rank_of.iter_mut().enumerate() {
            let k = mask.count_ones() as usize;
            *rank = (next[k] - subset_starts[k]) as u32;
            subsets[next[k]] = mask as u32;
            next[k] += 1;
        }
        let table = |pack: bool| -> Box<[u8; CHUNK_TABLE]> {
            Box::new(std::array::from_fn(|i| {
                chunk_entry(i as u64 >> CHUNK_BITS, i as u64 & CHUNK_MASK, pack) as u8
            }))
        };
        Ok(RankedSystem {
            compiled,
            lanes: compiled.lane_mask(),
            count_bits,
            may_precede,
            plans,
            binomial,
            rank_of,
            subsets,
            subset_starts,
            compress: table(true),
            deposit: table(false),
            in_block: Cell::new(0),
        })
    }

    /// How many steps the searches of this numbering have reported that changed a
    /// state but left it in its block (a stimulus that reorders the views without
    /// changing how many hold each pair); counted by [`Ranked::expand`](fsm::explore::ranked::Ranked::expand) and
    /// [`Ranked::expand_unranked`](fsm::explore::ranked::Ranked::expand_unranked).
    pub fn steps_within_blocks(&self) -> usize {
        self.in_block.get()
    }

    /// Whether some reachable word has a view in pair id `x` before one in pair id `y`
    /// (as learned; `x != y`).
    pub fn may_precede(&self, x: usize, y: usize) -> bool {
        self.may_precede.get(x).is_some_and(|row| row >> y & 1 == 1)
    }

    fn binomial(&self, n: u32, k: u32) -> u64 {
        let row = self.compiled.views() + 1;
        self.binomial
            .get(n as usize * row + k as usize)
            .copied()
            .unwrap_or(0)
    }

    fn count_shift(&self, id: usize) -> u32 {
        self.compiled.shared_bits() + id as u32 * self.count_bits
    }

    /// The views holding each pair id in a block key; `None` when they do not add up to
    /// the views, or the key has bits beyond the counts or an unknown shared id.
    fn counts(&self, block: u64) -> Option<[u32; MAX_PAIRS]> {
        let pairs = self.compiled.pairs();
        let count_mask = (1u64 << self.count_bits) - 1;
        let counts: [u32; MAX_PAIRS] = std::array::from_fn(|id| {
            if id < pairs {
                (block >> self.count_shift(id) & count_mask) as u32
            } else {
                0
            }
        });
        let used = self.compiled.shared_bits() + self.count_bits * pairs as u32;
        let beyond = if used >= 64 { 0 } else { block >> used };
        let shared = block & self.compiled.shared_id_mask();
        let total: u32 = counts.iter().sum();
        (total as usize == self.compiled.views()
            && beyond == 0
            && (shared as usize) < self.compiled.shared_parts())
        .then_some(counts)
    }

    /// The shape of a block; `None` when it cannot be numbered.
    ///
    /// The digits are read node by node (the plan's nodes are in pre-order), and within
    /// a parallel node child by child, all but the last child: each is the rank of the
    /// views that child takes among those its siblings before it left.
    fn shape(&self, block: u64) -> Option<Shape<'_>> {
        self.shape_of(&self.counts(block)?)
    }

    /// The shape of a block with these counts (which must add up to the views).
    #[inline]
    fn shape_of(&self, counts: &[u32; MAX_PAIRS]) -> Option<Shape<'_>> {
        let plan = self.plans.get(usize::from(held(counts)))?.as_ref()?;
        let mut shape = Shape {
            plan,
            sizes: [0; MAX_NODES],
            radices: [1; MAX_RANKED_PAIRS],
            digits: 0,
            len: 1,
        };
        for (i, node) in plan.nodes.iter().enumerate() {
            let size: u32 = ids(node.pairs).map(|id| counts[id]).sum();
            shape.sizes[i % MAX_NODES] = u8::try_from(size).ok()?;
        }
        for (i, node) in plan.nodes.iter().enumerate() {
            if node.kind != Kind::Parallel {
                continue;
            }
            let mut free = u32::from(shape.sizes[i % MAX_NODES]);
            let (_, before_last) = node.children().split_last()?;
            for &child in before_last {
                let size = u32::from(shape.sizes[usize::from(child) % MAX_NODES]);
                let radix = self.binomial(free, size);
                *shape.radices.get_mut(shape.digits)? = radix;
                shape.digits += 1;
                shape.len = shape.len.checked_mul(radix)?;
                free -= size;
            }
        }
        Some(shape)
    }

    /// The bits of `mask` at the positions of `free`, packed towards bit 0.
    #[inline]
    fn compress(&self, mask: u64, free: u64) -> u64 {
        if let Some(from) = run_start(free) {
            return (mask & free) >> from;
        }
        let (mut packed, mut at, mut lane) = (0u64, 0u32, 0u32);
        while lane < self.compiled.views() as u32 {
            let f = free >> lane & CHUNK_MASK;
            let i = (f << CHUNK_BITS | (mask >> lane & CHUNK_MASK)) as usize;
            packed |= u64::from(self.compress[i % CHUNK_TABLE]) << at;
            at += f.count_ones();
            lane += CHUNK_BITS;
        }
        packed
    }

    /// The inverse of [`Self::compress`]: the packed bits spread over `free`'s positions.
    #[inline]
    fn deposit(&self, mut packed: u64, free: u64) -> u64 {
        if let Some(from) = run_start(free) {
            return (packed << from) & free;
        }
        let (mut mask, mut lane) = (0u64, 0u32);
        while lane < self.compiled.views() as u32 {
            let f = free >> lane & CHUNK_MASK;
            let n = f.count_ones();
            let i = (f << CHUNK_BITS | (packed & ((1 << n) - 1))) as usize;
            mask |= u64::from(self.deposit[i % CHUNK_TABLE]) << lane;
            packed >>= n;
            lane += CHUNK_BITS;
        }
        mask
    }

    /// The lowest `count` lanes of `lanes`.
    #[inline]
    fn lowest(&self, lanes: u64, count: u8) -> u64 {
        self.deposit((1u64 << count) - 1, lanes)
    }

    /// The rank of a word (`masks[id]`: the lanes holding pair `id`) in a block of
    /// `shape`; `None` when the word breaks the block's order.
    ///
    /// Each node's lanes are set by its parent: a series node hands each child the
    /// lowest lanes left (and checks that the child's pairs hold exactly those), a
    /// parallel node hands each child the lanes its pairs hold.
    #[inline]
    fn rank(&self, masks: &[u64; MAX_PAIRS], shape: &Shape<'_>) -> Option<u64> {
        let mut lanes = [0u64; MAX_NODES];
        lanes[0] = self.lanes;
        let mut rank = 0u64;
        let mut digit = 0;
        for (i, node) in shape.plan.nodes.iter().enumerate() {
            let mut rest = lanes[i % MAX_NODES];
            let children = node.children();
            match node.kind {
                Kind::Leaf(_) => {}
                Kind::Series => {
                    for &child in children {
                        let child = usize::from(child) % MAX_NODES;
                        let size = shape.sizes[child];
                        let part = self.lowest(rest, size);
                        if union(masks, shape.plan.nodes[child].pairs) != part {
                            return None;
                        }
                        lanes[child] = part;
                        rest &= !part;
                    }
                }
                Kind::Parallel => {
                    let last = children.len().saturating_sub(1);
                    for (j, &child) in children.iter().enumerate() {
                        let child = usize::from(child) % MAX_NODES;
                        let held = union(masks, shape.plan.nodes[child].pairs);
                        if j < last {
                            let packed = self.compress(held, rest) as usize;
                            let d = self.rank_of.get(packed).copied().unwrap_or(0);
                            rank = rank * shape.radices[digit % MAX_RANKED_PAIRS] + u64::from(d);
                            digit += 1;
                        }
                        lanes[child] = held;
                        rest &= !held;
                    }
                }
            }
        }
        Some(rank)
    }

    /// The word at `rank` in a block of `shape` (the inverse of [`Self::rank`]).
    #[inline]
    fn unrank(&self, shape: &Shape<'_>, mut rank: u64) -> [u64; MAX_PAIRS] {
        let mut digits = [0u64; MAX_RANKED_PAIRS];
        for i in (0..shape.digits.min(MAX_RANKED_PAIRS)).rev() {
            let radix = shape.radices[i].max(1);
            digits[i] = rank % radix;
            rank /= radix;
        }
        let mut masks = [0u64; MAX_PAIRS];
        let mut lanes = [0u64; MAX_NODES];
        lanes[0] = self.lanes;
        let mut digit = 0;
        for (i, node) in shape.plan.nodes.iter().enumerate() {
            let mut rest = lanes[i % MAX_NODES];
            let children = node.children();
            match node.kind {
                Kind::Leaf(id) => masks[usize::from(id) % MAX_PAIRS] = rest,
                Kind::Series => {
                    for &child in children {
                        let child = usize::from(child) % MAX_NODES;
                        let part = self.lowest(rest, shape.sizes[child]);
                        lanes[child] = part;
                        rest &= !part;
                    }
                }
                Kind::Parallel => {
                    let last = children.len().saturating_sub(1);
                    for (j, &child) in children.iter().enumerate() {
                        let child = usize::from(child) % MAX_NODES;
                        let held = if j < last {
                            let size = usize::from(shape.sizes[child]);
                            let start = self.subset_starts.get(size).copied().unwrap_or(0);
                            let at = start + digits[digit % MAX_RANKED_PAIRS] as usize;
                            digit += 1;
                            let packed = self.subsets.get(at).copied().unwrap_or(0);
                            self.deposit(u64::from(packed), rest)
                        } else {
                            rest
                        };
                        lanes[child] = held;
                        rest &= !held;
                    }
                }
            }
        }
        masks
    }

    /// The lanes holding each pair id in a lanes key.
    fn masks(&self, key: u64) -> [u64; MAX_PAIRS] {
        std::array::from_fn(|id| {
            if id < self.compiled.pairs() {
                self.compiled.lanes_holding(key, id)
            } else {
                0
            }
        })
    }

    /// The lanes key of a shared id and a word.
    fn key_of(&self, shared: u64, masks: &[u64; MAX_PAIRS]) -> u64 {
        let mut key = shared;
        for bit in 0..self.compiled.planes() {
            let mut plane = 0;
            for (id, mask) in masks.iter().enumerate() {
                if id >> bit & 1 == 1 {
                    plane |= mask;
                }
            }
            key |= plane << self.compiled.plane_shift(bit);
        }
        key
    }

    /// The block key of a shared id and the views holding each pair id.
    fn block_key(&self, shared: u64, counts: &[u32; MAX_PAIRS]) -> u64 {
        let pairs = self.compiled.pairs();
        (0..pairs).fold(shared, |block, id| {
            block | u64::from(counts[id]) << self.count_shift(id)
        })
    }

    /// Where a [`Layout::Lanes`] key of the compiled system sits: its block (the
    /// [`Layout::Counts`] key of the same state) and its rank, or the key itself when
    /// it is outside the numbering.
    ///
    /// # Complexity
    /// O(pairs) table look-ups.
    pub fn locate(&self, key: u64) -> Located<u64> {
        let masks = self.masks(key);
        let block = self.block_key(
            key & self.compiled.shared_id_mask(),
            &masks.map(|mask| mask.count_ones()),
        );
        match self
            .shape(block)
            .and_then(|shape| self.rank(&masks, &shape))
        {
            Some(rank) => Located::Ranked(Place { block, rank }),
            None => Located::Unranked(key),
        }
    }

    /// The block of a [`Layout::Lanes`] key: its shared id and how many views hold each
    /// pair.
    fn block_of(&self, key: u64) -> u64 {
        let masks = self.masks(key);
        self.block_key(
            key & self.compiled.shared_id_mask(),
            &masks.map(|mask| mask.count_ones()),
        )
    }

    /// The [`Layout::Lanes`] key at a place; `None` when the place is not one of a
    /// state.
    pub fn key(&self, place: Place) -> Option<u64> {
        let shape = self.shape(place.block)?;
        if place.rank >= shape.len {
            return None;
        }
        let masks = self.unrank(&shape, place.rank);
        Some(self.key_of(place.block & self.compiled.shared_id_mask(), &masks))
    }
}

/// Where `lanes` starts when it is one run of consecutive lanes (or empty).
#[inline]
fn run_start(lanes: u64) -> Option<u32> {
    let from = lanes.trailing_zeros() % 64;
    let run = lanes >> from;
    (run & run.wrapping_add(1) == 0).then_some(from)
}

/// One chunk of the compress (`pack`) or deposit table: the bits of `bits` at the
/// positions of `free` packed towards bit 0, or the low bits of `bits` spread over the
/// positions of `free`.
fn chunk_entry(free: u64, bits: u64, pack: bool) -> u64 {
    let mut moved = 0;
    for (at, lane) in (0..CHUNK_BITS)
        .filter(|lane| free >> lane & 1 == 1)
        .enumerate()
    {
        let (from, to) = if pack {
            (lane, at as u32)
        } else {
            (at as u32, lane)
        };
        moved |= (bits >> from & 1) << to;
    }
    moved
}
