//! The index a ranked search fills: the block table, the three bitmaps and the side set,
//! and the [`Sink`] a model reports its steps to.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::super::{FastHash, Limits};
use super::{MAX_SLOTS, RANKS_PER_CALL};

/// A block resolved by [`Sink::target`] (its index in the search's block table; 4 bytes,
/// so a model may keep many, e.g. in [`Ranked::Prepared`](super::Ranked::Prepared)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target(u32);

/// A resolved block that does not exist (its key named no block or did not fit).
pub(super) const NOWHERE: Target = Target(u32::MAX);

#[derive(Debug, Clone, Copy)]
pub(super) struct Block {
    pub(super) key: u64,
    pub(super) offset: u64,
    pub(super) len: u64,
    /// The depth of the level this block was last queued for, plus one (0: never).
    pub(super) queued: usize,
    /// The level of the first numbered state met in it (`usize::MAX`: none yet).
    pub(super) first: usize,
}

/// What [`Ranked::expand`](super::Ranked::expand) reports to: the visited bitmap, the side set, the next level
/// and the counts.
pub struct Sink<'a, S> {
    pub(super) index: &'a mut Index<S>,
    /// The model's [`Ranked::block_len`](super::Ranked::block_len).
    pub(super) block_len: &'a dyn Fn(u64) -> Option<u64>,
}

/// The search's state: blocks, bitmaps, the side set and counts.
#[derive(Debug)]
pub(super) struct Index<S> {
    pub(super) blocks: Vec<Block>,
    pub(super) ids: HashMap<u64, u32, FastHash>,
    pub(super) slots: u64,
    pub(super) seen: Vec<u64>,
    pub(super) current: Vec<u64>,
    pub(super) next: Vec<u64>,
    /// Blocks with a bit in `next`.
    pub(super) next_blocks: Vec<u32>,
    /// The depth `next` is for.
    pub(super) next_depth: usize,
    /// States outside the numbering: all seen, and those of the next level.
    pub(super) side: HashSet<S, FastHash>,
    pub(super) side_next: Vec<S>,
    pub(super) states: usize,
    pub(super) level_states: usize,
    pub(super) transitions: usize,
    pub(super) unchanged: usize,
    pub(super) max_states: usize,
    pub(super) max_memory: usize,
    /// Set when the state limit, [`MAX_SLOTS`] or a bad block stopped the search.
    pub(super) stopped: bool,
    /// Set when the memory limit stopped it.
    pub(super) out_of_memory: bool,
}

impl<S: Copy + Eq + Hash + Default> Index<S> {
    pub(super) fn new(limits: Limits) -> Self {
        Index {
            blocks: Vec::new(),
            ids: HashMap::default(),
            slots: 0,
            seen: Vec::new(),
            current: Vec::new(),
            next: Vec::new(),
            next_blocks: Vec::new(),
            next_depth: 0,
            side: HashSet::with_hasher(FastHash),
            side_next: Vec::new(),
            states: 0,
            level_states: 0,
            transitions: 0,
            unchanged: 0,
            max_states: limits.max_states.max(1),
            max_memory: limits.max_memory,
            stopped: false,
            out_of_memory: false,
        }
    }

    pub(super) fn target(&mut self, key: u64, block_len: &dyn Fn(u64) -> Option<u64>) -> Target {
        match self.ids.get(&key) {
            Some(&id) => Target(id),
            None => self.add(key, block_len(key)),
        }
    }

    fn add(&mut self, key: u64, len: Option<u64>) -> Target {
        let Some(len) = len else {
            self.stopped = true;
            return NOWHERE;
        };
        let Some(end) = self.slots.checked_add(len).filter(|&end| end <= MAX_SLOTS) else {
            self.stopped = true;
            return NOWHERE;
        };
        let Ok(id) = u32::try_from(self.blocks.len()) else {
            self.stopped = true;
            return NOWHERE;
        };
        let words = end.div_ceil(64) as usize;
        // The initial state's block is always stored, as [`super::explore`] always stores
        // the initial state.
        if !self.blocks.is_empty() && self.bytes_if_grown(words) > self.max_memory {
            self.stopped = true;
            self.out_of_memory = true;
            return NOWHERE;
        }
        let block = Block {
            key,
            offset: self.slots,
            len,
            queued: 0,
            first: usize::MAX,
        };
        self.blocks.push(block);
        self.ids.insert(key, id);
        self.slots = end;
        for bitmap in [&mut self.seen, &mut self.current, &mut self.next] {
            bitmap.resize(words, 0);
        }
        Target(id)
    }

    /// Counts a new state, unless the limit is reached (then stops and says no).
    #[inline]
    fn admit(&mut self) -> bool {
        if self.states >= self.max_states {
            self.stopped = true;
            return false;
        }
        self.transitions += 1;
        self.states += 1;
        self.level_states += 1;
        true
    }

    #[inline]
    pub(super) fn successor(&mut self, target: Target, rank: u64) {
        let Some(&block) = self.blocks.get(target.0 as usize) else {
            self.stopped = true;
            return;
        };
        self.step_into(&block, target.0, rank);
    }

    /// [`Index::successor`] with the block looked up.
    #[inline]
    pub(super) fn step_into(&mut self, block: &Block, id: u32, rank: u64) {
        if rank >= block.len {
            self.stopped = true;
            return;
        }
        let slot = block.offset + rank;
        let (word, bit) = ((slot >> 6) as usize, 1u64 << (slot & 63));
        let Some(seen) = self.seen.get_mut(word) else {
            self.stopped = true;
            return;
        };
        if *seen & bit != 0 {
            self.transitions += 1;
            return;
        }
        if !self.admit() {
            return;
        }
        self.seen[word] |= bit;
        self.next[word] |= bit;
        let block = &mut self.blocks[id as usize];
        block.first = block.first.min(self.next_depth);
        if block.queued != self.next_depth + 1 {
            block.queued = self.next_depth + 1;
            self.next_blocks.push(id);
        }
    }

    pub(super) fn unranked(&mut self, state: S) {
        if self.side.contains(&state) {
            self.transitions += 1;
        } else if self.admit() {
            self.side.insert(state);
            self.side_next.push(state);
        }
    }

    pub(super) fn bytes(&self) -> usize {
        let words = self.seen.capacity() + self.current.capacity() + self.next.capacity();
        words * 8
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.ids.capacity() * (8 + 4 + 1)
            + self.side.capacity() * (std::mem::size_of::<S>() + 1)
            + self.side_next.capacity() * std::mem::size_of::<S>()
    }

    /// The most the index can hold while the bitmaps grow to `words` words: a bitmap that
    /// must grow counts its doubled buffer besides the old one it is copied from, and so
    /// do the block table and its look-up.
    pub(super) fn bytes_if_grown(&self, words: usize) -> usize {
        let now = self.bytes();
        let mut more = 0;
        if words > self.seen.capacity() {
            more += 3 * 8 * words.max(2 * self.seen.capacity());
        }
        if self.blocks.len() == self.blocks.capacity() {
            more += 2 * self.blocks.capacity().max(4) * std::mem::size_of::<Block>();
        }
        if self.ids.len() == self.ids.capacity() {
            more += 2 * self.ids.capacity().max(4) * (8 + 4 + 1);
        }
        now + more
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for Sink<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink").field("index", &self.index).finish()
    }
}

impl<S: Copy + Eq + Hash + Default> Sink<'_, S> {
    /// Resolves a block key (allocating the block's slots the first time it is met).
    ///
    /// # Complexity
    /// One hash look-up: resolve targets in [`Ranked::prepare`](super::Ranked::prepare) and keep them, rather than
    /// once per state.
    #[inline]
    pub fn target(&mut self, block: u64) -> Target {
        self.index.target(block, self.block_len)
    }

    /// Reports one step into the state at `rank` of `target` (a step that changed the
    /// state). A rank outside the block stops the search as incomplete.
    ///
    /// # Complexity
    /// O(1): one bitmap word read and, for a new state, two written.
    #[inline]
    pub fn successor(&mut self, target: Target, rank: u64) {
        self.index.successor(target, rank);
    }

    /// Reports one step from each of the states at `ranks` into the state at the same
    /// rank of `target` ([`Sink::successor`] for each, in one pass through `target`).
    #[inline]
    pub fn successors_at_same_ranks(&mut self, target: Target, ranks: &[u64]) {
        let Some(&block) = self.index.blocks.get(target.0 as usize) else {
            self.index.stopped = true;
            return;
        };
        for &rank in ranks {
            self.index.step_into(&block, target.0, rank);
        }
    }

    /// Reports `steps` steps into the one state at `rank` of `target`.
    #[inline]
    pub fn successors_into(&mut self, target: Target, rank: u64, steps: usize) {
        if steps > 0 {
            self.index.successor(target, rank);
            self.index.transitions += steps - 1;
        }
    }

    /// Reports one step into a state outside the numbering.
    ///
    /// # Complexity
    /// One look-up in the side set.
    pub fn unranked(&mut self, state: S) {
        self.index.unranked(state);
    }

    /// Reports `steps` steps that left a state unchanged.
    #[inline]
    pub fn unchanged(&mut self, steps: usize) {
        self.index.unchanged += steps;
    }
}

/// Pushes the ranks of `block` set in `bitmap` into `ranks` (clearing it first), from
/// rank `from` on, at most [`RANKS_PER_CALL`]; returns the rank to go on from, if any.
pub(super) fn gather(
    bitmap: &[u64],
    block: &Block,
    from: u64,
    ranks: &mut Vec<u64>,
) -> Option<u64> {
    ranks.clear();
    let (start, end) = (block.offset + from, block.offset + block.len);
    let mut word = (start >> 6) as usize;
    let mut bits = bitmap.get(word).copied().unwrap_or(0) & (u64::MAX << (start & 63));
    loop {
        while bits != 0 {
            let slot = ((word as u64) << 6) | u64::from(bits.trailing_zeros());
            if slot >= end {
                return None;
            }
            if ranks.len() == RANKS_PER_CALL {
                return Some(slot - block.offset);
            }
            ranks.push(slot - block.offset);
            bits &= bits - 1;
        }
        word += 1;
        if (word as u64) << 6 >= end {
            return None;
        }
        bits = bitmap.get(word).copied().unwrap_or(0);
    }
}
