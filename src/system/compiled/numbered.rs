//! The compiled system numbered densely, for [`fsm::explore::ranked::reach_ranked`]: the
//! search `check` runs without symmetry reduction (`crate::checker::lanes`).
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
//! use ucma_ha::system::compiled::numbered::RankedSystem;
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
use std::collections::HashSet;

use fsm::explore::ranked::{Located, Place, Ranked, Sink, Target};
use fsm::explore::FastHash;
use strum::EnumCount;
use thiserror::Error;

use super::{CompiledSystem, Effect, Layout, MAX_PAIRS, REJECT};
use crate::system::SystemStimulus;

/// Stimuli of the system.
const STIMULUS_COUNT: usize = SystemStimulus::COUNT;

/// Why a compiled system cannot be numbered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// Numbering states needs a [`Layout::Lanes`] system.
    #[error("only a system compiled in lanes can be numbered")]
    NeedsLanes,
    /// More distinct pairs than [`MAX_RANKED_PAIRS`].
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

/// A node of a series-parallel order on the pairs held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One pair.
    Leaf(u8),
    /// Children in order, each wholly before the next.
    Series,
    /// Children interleaved freely.
    Parallel,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    kind: Kind,
    /// Every pair id under the node.
    pairs: u16,
    /// Children, as node indices.
    children: [u8; MAX_PAIRS],
    child_count: u8,
}

impl Node {
    fn children(&self) -> &[u8] {
        &self.children[..usize::from(self.child_count)]
    }
}

/// The series-parallel decomposition of the order on one set of pairs (root first).
#[derive(Debug, Clone, Default)]
struct Plan {
    nodes: Vec<Node>,
    /// `before[x]`: the pairs every `x` must precede (transitively closed).
    before: [u16; MAX_PAIRS],
}

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

/// What one stimulus does to every state of one block (a stimulus that changes no state
/// of the block has none).
#[derive(Debug, Clone, Copy)]
enum Move {
    /// Same rank, another block.
    Same(Target),
    /// Every state goes to the one state of a block of length 1.
    Only(Target),
    /// The word changes: rebuild it and rank it in the target block, or report the key
    /// when the target cannot be numbered (`target` is `None`).
    Remap {
        target: Option<Target>,
        target_block: u64,
        /// The stimulus's effect, as an index into the compiled system's active effects.
        effect: u16,
        /// The free view's pair id, when the stimulus subscribes one.
        pick: Option<u8>,
        same_block: bool,
    },
}

/// What [`Move::Remap`] needs while a block is expanded: the target's shape resolved.
#[derive(Debug, Clone, Copy)]
struct Remap<'e, 'p> {
    target: Option<(Target, Shape<'p>)>,
    /// The pair ids the block holds.
    held: u16,
    next_shared: u64,
    same_block: bool,
    effect: &'e Effect,
    pick: Option<usize>,
}

/// Where each stimulus leads from one block: worked out once per block and kept by the
/// search ([`Ranked::Prepared`]); 24 bytes a stimulus that moves the block.
#[derive(Debug, Clone, Default)]
pub struct BlockMoves {
    moves: Box<[Move]>,
}

const _: () = assert!(std::mem::size_of::<Move>() <= 24);

/// A [`CompiledSystem`] in [`Layout::Lanes`] with its states numbered block by block
/// (see the module docs); implements [`Ranked`].
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
    /// [`NumberError::TooManyPairs`] above [`MAX_RANKED_PAIRS`] pairs; more than
    /// [`MAX_RANKED_VIEWS`] views cannot be compiled in lanes anyway.
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
    /// changing how many hold each pair); counted by [`Ranked::expand`] and
    /// [`Ranked::expand_unranked`].
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

    /// What the effect at `index` of the compiled system's active effects does to every
    /// state of a block with `counts` (see [`Move`]); `None` when it changes none.
    fn classify(
        &self,
        block: u64,
        counts: &[u32; MAX_PAIRS],
        source: &Plan,
        index: usize,
        sink: &mut Sink<'_, u64>,
    ) -> Option<Move> {
        let effect = self.compiled.active_effects().get(index)?;
        let held = ids(held(counts));
        let pick = if effect.picks_free {
            let first = |among: u16| held.clone().find(|&id| among >> id & 1 == 1);
            first(self.compiled.accepting_pairs()).or_else(|| first(u16::MAX))
        } else {
            None
        };
        let mut after = [0u32; MAX_PAIRS];
        for id in held.clone() {
            after[usize::from(effect.other[id]) % MAX_PAIRS] += counts[id];
        }
        if let Some(id) = pick {
            let free = effect.free[id];
            if free == REJECT {
                return None;
            }
            after[usize::from(effect.other[id]) % MAX_PAIRS] -= 1;
            after[usize::from(free) % MAX_PAIRS] += 1;
        }
        let next = self.block_key(effect.next, &after);
        let still_views = pick.is_none_or(|id| effect.free[id] == effect.other[id])
            && held.clone().all(|id| usize::from(effect.other[id]) == id);
        if still_views {
            // The same counts under another shared id: the same plan, so the same rank.
            return (next != block).then(|| Move::Same(sink.target(next)));
        }
        let target = self.shape_of(&after);
        if let Some(target) = target.filter(|t| pick.is_none() && next != block && t.len == 1) {
            if keeps_order(source, target.plan, held.clone(), effect) {
                return Some(Move::Only(sink.target(next)));
            }
        }
        if let (Some(id), Some(target)) = (pick, target) {
            let relabels = held.clone().any(|id| usize::from(effect.other[id]) != id);
            let q = usize::from(effect.free[id]);
            if !relabels && subscribes_in_place(source, target.plan, id, q, counts[id] == 1) {
                return Some(Move::Same(sink.target(next)));
            }
        }
        Some(Move::Remap {
            target: target.map(|_| sink.target(next)),
            target_block: next,
            effect: u16::try_from(index).ok()?,
            pick: pick.and_then(|id| u8::try_from(id).ok()),
            same_block: next == block,
        })
    }

    /// Reports the successor of the word `masks` under a [`Move::Remap`]; whether the
    /// state changed.
    #[inline]
    fn remap(
        &self,
        masks: &[u64; MAX_PAIRS],
        step: &Remap<'_, '_>,
        sink: &mut Sink<'_, u64>,
    ) -> bool {
        let effect = step.effect;
        let mut after = [0u64; MAX_PAIRS];
        for id in ids(step.held) {
            after[usize::from(effect.other[id]) % MAX_PAIRS] |= masks[id];
        }
        if let Some(id) = step.pick {
            let lane = masks[id] & masks[id].wrapping_neg();
            after[usize::from(effect.other[id]) % MAX_PAIRS] &= !lane;
            after[usize::from(effect.free[id]) % MAX_PAIRS] |= lane;
        }
        if step.same_block {
            if after == *masks {
                return false;
            }
            self.in_block.set(self.in_block.get() + 1);
        }
        let ranked = step
            .target
            .as_ref()
            .and_then(|(t, shape)| self.rank(&after, shape).map(|rank| (*t, rank)));
        match ranked {
            Some((t, rank)) => sink.successor(t, rank),
            None => sink.unranked(self.key_of(step.next_shared, &after)),
        }
        true
    }
}

/// Where `lanes` starts when it is one run of consecutive lanes (or empty).
#[inline]
fn run_start(lanes: u64) -> Option<u32> {
    let from = lanes.trailing_zeros() % 64;
    let run = lanes >> from;
    (run & run.wrapping_add(1) == 0).then_some(from)
}

/// The children of a plan's root read as a series (a single pair is a series of one);
/// `None` for a parallel root.
fn series_children(plan: &Plan) -> Option<Vec<usize>> {
    match plan.nodes.first()?.kind {
        Kind::Leaf(_) => Some(vec![0]),
        Kind::Series => Some(
            plan.nodes[0]
                .children()
                .iter()
                .map(|&c| usize::from(c))
                .collect(),
        ),
        Kind::Parallel => None,
    }
}

/// Whether the subtrees at `a` of `left` and `b` of `right` are the same.
fn same_tree(left: &Plan, a: usize, right: &Plan, b: usize) -> bool {
    let (Some(x), Some(y)) = (left.nodes.get(a), right.nodes.get(b)) else {
        return false;
    };
    x.kind == y.kind
        && x.pairs == y.pairs
        && x.children().len() == y.children().len()
        && x.children()
            .iter()
            .zip(y.children())
            .all(|(&c, &d)| same_tree(left, usize::from(c), right, usize::from(d)))
}

/// Whether moving the first view in pair `p` to pair `q` keeps every word's rank: `p`
/// is a part of the source's top-level series, and the target's series is the source's
/// with `q` grown (or added) just before `p` and `p` shrunk (or gone, when `last`).
/// Then `p`'s views are consecutive, its first one is the lowest, and every part that
/// carries digits keeps its lanes and sizes.
fn subscribes_in_place(source: &Plan, target: &Plan, p: usize, q: usize, last: bool) -> bool {
    let (Some(before), Some(after)) = (series_children(source), series_children(target)) else {
        return false;
    };
    let leaf = |plan: &Plan, node: usize, id: usize| {
        plan.nodes.get(node).map(|n| n.kind) == Some(Kind::Leaf(id as u8))
    };
    let Some(at) = before.iter().position(|&node| leaf(source, node, p)) else {
        return false;
    };
    let q_before = at > 0 && leaf(source, before[at - 1], q);
    if p == q || (!q_before && source.nodes.iter().any(|n| n.pairs >> q & 1 == 1)) {
        return false;
    }
    // The target's parts, as (plan, node) of the source, or the new `q`.
    let mut expected: Vec<Option<usize>> = before.iter().map(|&node| Some(node)).collect();
    if !q_before {
        expected.insert(at, None);
    }
    if last {
        let p_at = if q_before { at } else { at + 1 };
        expected.remove(p_at);
    }
    expected.len() == after.len()
        && expected.iter().zip(&after).all(|(want, &got)| match want {
            Some(node) => same_tree(source, *node, target, got),
            None => leaf(target, got, q),
        })
}

/// Whether relabelling every held pair `x` as `effect.other[x]` takes each word that
/// keeps `source`'s order to one that keeps `target`'s: when `u` must precede `v` in
/// the target, every pair relabelled `u` must precede every pair relabelled `v` in the
/// source.
fn keeps_order(
    source: &Plan,
    target: &Plan,
    held: impl Iterator<Item = usize> + Clone,
    effect: &Effect,
) -> bool {
    let image = |x: usize| usize::from(effect.other[x]) % MAX_PAIRS;
    held.clone().all(|x| {
        held.clone()
            .filter(|&y| target.before[image(x)] >> image(y) & 1 == 1)
            .all(|y| source.before[x] >> y & 1 == 1)
    })
}

/// The pair ids with a view, as a set.
#[inline]
fn held(counts: &[u32; MAX_PAIRS]) -> u16 {
    (0..MAX_PAIRS)
        .filter(|&id| counts[id] > 0)
        .fold(0, |set, id| set | 1 << id)
}

/// The lanes holding any of `pairs`.
#[inline]
fn union(masks: &[u64; MAX_PAIRS], pairs: u16) -> u64 {
    ids(pairs).fold(0, |held, id| held | masks[id])
}

/// The ids in a set of pair ids, ascending.
#[inline]
fn ids(set: u16) -> Ids {
    Ids(set)
}

/// The iterator of [`ids`]: the lowest id left, cleared as it is taken (every id is
/// below [`MAX_PAIRS`], so it indexes per-pair arrays without a check failing).
#[derive(Debug, Clone)]
struct Ids(u16);

impl Iterator for Ids {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let id = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(id)
    }
}

/// Which pair may stand before which, from every reachable word of the system with
/// [`LEARNING_VIEWS`] views (or the system itself when it has no more views).
fn learn_precedence(compiled: &CompiledSystem) -> [u16; MAX_PAIRS] {
    let small = compiled.with_views(LEARNING_VIEWS.min(compiled.views()));
    let system = small.as_ref().unwrap_or(compiled);
    let mut may_precede = [0u16; MAX_PAIRS];
    let pairs = system.pairs();
    let mut seen: HashSet<u64, FastHash> = HashSet::with_hasher(FastHash);
    let mut queue = vec![system.initial()];
    seen.insert(system.initial());
    let mut next = Vec::with_capacity(STIMULUS_COUNT);
    while let Some(key) = queue.pop() {
        let masks: Vec<u64> = (0..pairs).map(|id| system.lanes_holding(key, id)).collect();
        for (x, &mx) in masks.iter().enumerate() {
            for (y, &my) in masks.iter().enumerate() {
                // Some x before some y: x's first lane below y's last.
                if x != y && mx != 0 && my != 0 && mx.trailing_zeros() < 63 - my.leading_zeros() {
                    may_precede[x] |= 1 << y;
                }
            }
        }
        next.clear();
        system.successors(key, &mut next);
        queue.extend(next.iter().copied().filter(|&after| seen.insert(after)));
    }
    may_precede
}

/// The series-parallel plan of the order on a set of pairs, or `None` when two of them
/// never meet or the order is not series-parallel.
fn plan(set: u16, may_precede: &[u16; MAX_PAIRS]) -> Option<Plan> {
    // before[x]: the pairs every x must precede, closed transitively.
    let mut before = [0u16; MAX_PAIRS];
    for x in ids(set) {
        for y in ids(set).filter(|&y| y != x) {
            let (xy, yx) = (may_precede[x] >> y & 1 == 1, may_precede[y] >> x & 1 == 1);
            match (xy, yx) {
                (false, false) => return None,
                (true, false) => before[x] |= 1 << y,
                _ => {}
            }
        }
    }
    loop {
        let mut grew = false;
        for x in ids(set) {
            let reach = ids(before[x]).fold(before[x], |acc, y| acc | before[y]);
            grew |= reach != before[x];
            before[x] = reach;
        }
        if !grew {
            break;
        }
    }
    if ids(set).any(|x| before[x] >> x & 1 == 1) {
        return None;
    }
    let mut plan = Plan {
        nodes: Vec::new(),
        before,
    };
    if set != 0 {
        decompose(set, &before, &mut plan)?;
    }
    Some(plan)
}

/// Adds the node for `set` (and its subtree) to `plan`; its index, or `None` when the
/// order on `set` is not series-parallel.
fn decompose(set: u16, before: &[u16; MAX_PAIRS], plan: &mut Plan) -> Option<u8> {
    let at = plan.nodes.len();
    if at >= MAX_NODES {
        return None;
    }
    let comparable = |x: usize, y: usize| (before[x] | before[y]) & (1 << x | 1 << y) != 0;
    let mut node = Node {
        kind: Kind::Leaf(set.trailing_zeros() as u8),
        pairs: set,
        children: [0; MAX_PAIRS],
        child_count: 0,
    };
    plan.nodes.push(node);
    if set.count_ones() == 1 {
        return u8::try_from(at).ok();
    }
    // Parallel when the comparability graph falls apart, series when its complement does.
    let mut parts = components(set, &|x, y| comparable(x, y));
    node.kind = Kind::Parallel;
    if parts.len() == 1 {
        parts = components(set, &|x, y| !comparable(x, y));
        if parts.len() == 1 {
            return None;
        }
        // Each part wholly before the next: order by how many pairs must precede them.
        let preceded = |part: u16| ids(set).filter(|&y| before[y] & part != 0).count();
        parts.sort_by_key(|&part| preceded(part));
        for pair in parts.windows(2) {
            if ids(pair[0]).any(|x| before[x] & pair[1] != pair[1]) {
                return None;
            }
        }
        node.kind = Kind::Series;
    }
    for part in parts {
        let child = decompose(part, before, plan)?;
        node.children[usize::from(node.child_count) % MAX_PAIRS] = child;
        node.child_count += 1;
    }
    plan.nodes[at] = node;
    u8::try_from(at).ok()
}

/// The connected components of `set` under `linked`, each by its least id first.
fn components(set: u16, linked: &dyn Fn(usize, usize) -> bool) -> Vec<u16> {
    let mut parts = Vec::new();
    let mut left = set;
    while left != 0 {
        let mut part = 1u16 << left.trailing_zeros();
        loop {
            let grown = ids(left)
                .filter(|&y| ids(part).any(|x| x == y || linked(x, y)))
                .fold(part, |acc, y| acc | 1 << y);
            if grown == part {
                break;
            }
            part = grown;
        }
        parts.push(part);
        left &= !part;
    }
    parts
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

impl Ranked for RankedSystem<'_> {
    type State = u64;
    type Prepared = BlockMoves;

    fn initial(&self) -> Located<u64> {
        self.locate(self.compiled.initial())
    }

    fn block_len(&self, block: u64) -> Option<u64> {
        self.shape(block).map(|shape| shape.len)
    }

    fn prepare(&self, block: u64, sink: &mut Sink<'_, u64>) -> BlockMoves {
        let compiled = self.compiled;
        let shared = (block & compiled.shared_id_mask()) as usize;
        let counts = self.counts(block);
        let (Some(counts), Some(shape), Some(effects)) = (
            counts,
            counts.as_ref().and_then(|counts| self.shape_of(counts)),
            compiled.active_effects_of(shared),
        ) else {
            return BlockMoves::default();
        };
        BlockMoves {
            moves: effects
                .filter_map(|index| self.classify(block, &counts, shape.plan, index, sink))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        }
    }

    fn expand(&self, block: u64, moves: &BlockMoves, ranks: &[u64], sink: &mut Sink<'_, u64>) {
        let mut unchanged = ranks.len() * (STIMULUS_COUNT - moves.moves.len());
        let mut remaps: Vec<Remap<'_, '_>> = Vec::new();
        let counts = self.counts(block);
        let shape = counts.as_ref().and_then(|counts| self.shape_of(counts));
        let held = counts.as_ref().map_or(0, held);
        for step in &moves.moves {
            match *step {
                Move::Same(target) => sink.successors_at_same_ranks(target, ranks),
                Move::Only(target) => sink.successors_into(target, 0, ranks.len()),
                Move::Remap {
                    target,
                    target_block,
                    effect,
                    pick,
                    same_block,
                } => {
                    let Some(effect) = self.compiled.active_effects().get(effect as usize) else {
                        unchanged += ranks.len();
                        continue;
                    };
                    remaps.push(Remap {
                        target: target.zip(self.shape(target_block)),
                        held,
                        next_shared: effect.next,
                        same_block,
                        effect,
                        pick: pick.map(usize::from),
                    });
                }
            }
        }
        if let (false, Some(shape)) = (remaps.is_empty(), shape) {
            for &rank in ranks {
                let masks = self.unrank(&shape, rank);
                for step in &remaps {
                    if !self.remap(&masks, step, sink) {
                        unchanged += 1;
                    }
                }
            }
        }
        sink.unchanged(unchanged);
    }

    fn expand_unranked(&self, key: &u64, sink: &mut Sink<'_, u64>) {
        let mut next = Vec::with_capacity(STIMULUS_COUNT);
        self.compiled.successors(*key, &mut next);
        for &after in &next {
            if self.block_of(after) == self.block_of(*key) {
                self.in_block.set(self.in_block.get() + 1);
            }
            match self.locate(after) {
                Located::Ranked(place) => {
                    let target = sink.target(place.block);
                    sink.successor(target, place.rank);
                }
                Located::Unranked(after) => sink.unranked(after),
            }
        }
        sink.unchanged(STIMULUS_COUNT - next.len());
    }
}
