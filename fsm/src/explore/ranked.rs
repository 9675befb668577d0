//! Breadth-first search over a perfect index: one bit per state, no hashing of states.
//!
//! Some models can number most of their states densely. [`Ranked`] is the shape this
//! module asks for: states fall into *blocks* named by a `u64` key, and a block of length
//! `n` numbers its states `0..n` (their *ranks*). Given that, the visited set is a bitmap
//! over the concatenated blocks, and a look-up is a shift and a mask. Blocks get their
//! place in the bitmap when a successor first lands in them, so the model need not know
//! in advance which blocks are reachable. A state the model cannot number goes, as
//! itself, into a hashed side set ([`Sink::unranked`]), so the search stays exact
//! whatever the numbering covers.
//!
//! Levels are bitmaps too: the search expands a level block by block, handing the model
//! the ranks of that block's states in ascending order ([`Ranked::expand`]) with what it
//! worked out for the block the first time ([`Ranked::prepare`]: which block each action
//! leads to, say), so per-state work is left only where a state's successor depends on
//! more than its block.
//!
//! The counts ([`RankedReach`]) are those [`super::explore`] reports for the same state
//! space (states, transitions, depth, completeness), provided the model reports every
//! step: each one that changes the state with [`Sink::successor`],
//! [`Sink::successors_at_same_ranks`], [`Sink::successors_into`] or [`Sink::unranked`],
//! the others with [`Sink::unchanged`]. The search also lists the blocks that hold a
//! numbered state with the first level one was met at ([`RankedReach::blocks`]): the
//! states of a model's quotient by its blocks, when the block of a successor is a
//! function of the block of its state.
//!
//! # Memory
//! Three bitmaps (visited, this level, the next one), each one bit a slot; one entry
//! (key, offset, length) and one [`Ranked::Prepared`] per block; and the side set. The
//! slots are the sum of the lengths of the blocks met, so the index is as dense as the
//! model's blocks are full: exactly one bit a state when every state of a block met is
//! reachable ([`RankedReach::slots`] tells).
//!
//! # Limitations
//! No symmetry reduction and no state callback: the model's numbering defines the space.
//! A search that would need more than 2^34 slots stops with
//! [`Completeness::StateLimit`]. The memory limit counts the index, not the data the
//! model keeps in its [`Ranked::Prepared`] values.
//!
//! # Examples
//! A grid of `8 x 8` cells where block `row` holds the cells of one row, ranked by
//! column; stepping right or down.
//! ```
//! use ucma_ha_fsm::explore::{Completeness, Limits};
//! use ucma_ha_fsm::explore::ranked::{reach_ranked, Located, Place, Ranked, Sink, Target};
//! struct Grid;
//! impl Ranked for Grid {
//!     type State = u64;
//!     /// The row itself and the next one.
//!     type Prepared = (Target, Target);
//!     fn initial(&self) -> Located<u64> { Located::Ranked(Place { block: 0, rank: 0 }) }
//!     fn block_len(&self, _row: u64) -> Option<u64> { Some(8) }
//!     fn prepare(&self, row: u64, sink: &mut Sink<'_, u64>) -> (Target, Target) {
//!         (sink.target(row), sink.target((row + 1) % 8))
//!     }
//!     fn expand(&self, _row: u64, rows: &(Target, Target), columns: &[u64], sink: &mut Sink<'_, u64>) {
//!         let (same_row, next_row) = *rows;
//!         for &column in columns {
//!             sink.successor(same_row, (column + 1) % 8);
//!             sink.successor(next_row, column);
//!         }
//!     }
//!     fn expand_unranked(&self, _cell: &u64, _sink: &mut Sink<'_, u64>) {}
//! }
//! let found = reach_ranked(&Grid, Limits::default(), |_| {});
//! assert_eq!((found.states, found.transitions, found.depth), (64, 128, 14));
//! assert_eq!((found.slots, found.unranked), (64, 0));
//! assert_eq!(found.completeness, Completeness::Complete);
//! // Row `r` is first met at level `r`.
//! assert_eq!(found.blocks.len(), 8);
//! assert!(found.blocks.iter().all(|&(row, level)| row as usize == level));
//! ```

use std::hash::Hash;

use super::{Completeness, Limits, SearchProgress};

/// The most slots (bits of each bitmap) a search may use: 2^34, 2 GiB a bitmap.
const MAX_SLOTS: u64 = 1 << 34;
/// New states between two progress reports.
const PROGRESS_EVERY: usize = 1 << 16;
/// Most ranks handed to [`Ranked::expand`] at once (bounds the rank buffer).
const RANKS_PER_CALL: usize = 1 << 12;

/// Where a numbered state sits in a [`Ranked`] model's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    /// The block's key.
    pub block: u64,
    /// The state's rank in its block (below the block's length).
    pub rank: u64,
}

/// A state as a [`Ranked`] model locates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Located<S> {
    /// Numbered.
    Ranked(Place),
    /// Outside the numbering: kept as itself.
    Unranked(S),
}

/// A model whose states are numbered block by block (see the module docs).
pub trait Ranked {
    /// A state the numbering does not cover, kept as itself in a hashed side set.
    type State: Copy + Eq + Hash + Default;

    /// The initial state.
    fn initial(&self) -> Located<Self::State>;

    /// The number of states a block numbers; `None` for a key that names no block (the
    /// search then stops as incomplete).
    fn block_len(&self, block: u64) -> Option<u64>;

    /// What the model works out once per block and reuses whenever the block is
    /// expanded again (typically where each action leads from it).
    type Prepared;

    /// Works out a block's [`Ranked::Prepared`] (resolving target blocks with
    /// [`Sink::target`]); called once per block, before its first expansion.
    fn prepare(&self, block: u64, sink: &mut Sink<'_, Self::State>) -> Self::Prepared;

    /// Expands the states of `block` at `ranks` (ascending, each below the block's
    /// length): reports each state's successors that differ from it with
    /// [`Sink::successor`] (or [`Sink::unranked`]) and the steps that leave it unchanged
    /// with [`Sink::unchanged`].
    fn expand(
        &self,
        block: u64,
        prepared: &Self::Prepared,
        ranks: &[u64],
        sink: &mut Sink<'_, Self::State>,
    );

    /// Expands one state outside the numbering, reporting as [`Ranked::expand`] does.
    fn expand_unranked(&self, state: &Self::State, sink: &mut Sink<'_, Self::State>);
}

mod index;

use index::{gather, Index};
pub use index::{Sink, Target};

/// What [`reach_ranked`] found: the counts, the blocks met and how well the numbering
/// fitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedReach {
    /// Reachable states stored (numbered and not).
    pub states: usize,
    /// Steps that changed the state (the edges [`super::explore`] would store).
    pub transitions: usize,
    /// Steps that left the state unchanged.
    pub unchanged: usize,
    /// The largest depth reached (the length of the longest shortest path).
    pub depth: usize,
    /// Whether the search was exhaustive.
    pub completeness: Completeness,
    /// The most states of one level.
    pub widest_level: usize,
    /// Bytes held by the index at the end: the bitmaps, the block table and the side set,
    /// not the model's [`Ranked::Prepared`] data.
    pub bytes: usize,
    /// Slots of the blocks met (bits of each bitmap): `states - unranked` when every
    /// slot of every block met is a reachable state.
    pub slots: u64,
    /// Every block holding a numbered state met, with the first level (breadth-first
    /// depth) one of its states was met at, in the order the blocks were met.
    pub blocks: Vec<(u64, usize)>,
    /// States kept in the side set.
    pub unranked: usize,
}

/// Counts every state reachable from a [`Ranked`] model's initial state, breadth first,
/// over a bitmap visited set (and a side set for states outside the numbering).
///
/// # Arguments
/// * `model` - the model.
/// * `limits` - `max_states`, `max_depth` and `max_memory` (the index's bytes, checked
///   before a block's slots are added) as for [`super::explore`]; `symmetry` is the
///   model's business here (a ranked model numbers the states it means to search).
/// * `progress` - called after each level and every 65 536 new states.
///
/// # Returns
/// The counts, those of [`super::explore`] on the same state space and steps (a level is
/// visited block by block, so under a state limit the steps counted before the search
/// stops may differ), with the blocks met, the slots used and the states outside the
/// numbering.
///
/// # Complexity
/// O(states) calls of the model's per-state work plus O(slots / 64) per level to clear
/// a level's bitmap; memory three bits a slot plus one entry and one
/// [`Ranked::Prepared`] per block.
pub fn reach_ranked<R: Ranked>(
    model: &R,
    limits: Limits,
    mut progress: impl FnMut(SearchProgress),
) -> RankedReach {
    let mut index = Index::new(limits);
    let mut completeness = Completeness::Complete;
    let (mut found_depth, mut widest_level) = (0, 1);
    let mut reported = 0;
    let block_len = |key| model.block_len(key);
    match model.initial() {
        Located::Ranked(place) => {
            let start = index.target(place.block, &block_len);
            index.successor(start, place.rank);
        }
        Located::Unranked(state) => index.unranked(state),
    }
    index.transitions = 0;
    let mut level_blocks: Vec<u32> = Vec::new();
    let mut prepared: Vec<Option<R::Prepared>> = Vec::new();
    let mut side_level: Vec<R::State> = Vec::new();
    let mut ranks: Vec<u64> = Vec::with_capacity(RANKS_PER_CALL);
    let mut depth = 0;
    let more =
        |index: &Index<R::State>| !(index.next_blocks.is_empty() && index.side_next.is_empty());
    while !index.stopped && more(&index) {
        if depth >= limits.max_depth {
            completeness = Completeness::DepthLimit;
            break;
        }
        std::mem::swap(&mut index.current, &mut index.next);
        std::mem::swap(&mut level_blocks, &mut index.next_blocks);
        std::mem::swap(&mut side_level, &mut index.side_next);
        level_blocks.sort_unstable();
        index.next_blocks.clear();
        index.side_next.clear();
        index.next_depth = depth + 1;
        index.level_states = 0;
        for &id in &level_blocks {
            let block = index.blocks[id as usize];
            if prepared.len() <= id as usize {
                prepared.resize_with(index.blocks.len(), || None);
            }
            let mut sink = Sink {
                index: &mut index,
                block_len: &block_len,
            };
            let ready =
                prepared[id as usize].get_or_insert_with(|| model.prepare(block.key, &mut sink));
            let mut from = Some(0);
            while let Some(start) = from {
                from = gather(&index.current, &block, start, &mut ranks);
                let mut sink = Sink {
                    index: &mut index,
                    block_len: &block_len,
                };
                model.expand(block.key, ready, &ranks, &mut sink);
                if index.stopped {
                    break;
                }
            }
            if index.states - reported >= PROGRESS_EVERY {
                reported = index.states;
                progress(SearchProgress {
                    states: index.states,
                    transitions: index.transitions,
                    depth,
                });
            }
            if index.stopped {
                break;
            }
        }
        for state in &side_level {
            if index.stopped {
                break;
            }
            let mut sink = Sink {
                index: &mut index,
                block_len: &block_len,
            };
            model.expand_unranked(state, &mut sink);
        }
        index.current.fill(0);
        if index.level_states > 0 {
            found_depth = depth + 1;
        }
        widest_level = widest_level.max(index.level_states);
        depth += 1;
        reported = index.states;
        progress(SearchProgress {
            states: index.states,
            transitions: index.transitions,
            depth,
        });
    }
    if index.out_of_memory {
        completeness = Completeness::MemoryLimit;
    } else if index.stopped {
        completeness = Completeness::StateLimit;
    }
    let bytes = index.bytes() + prepared.capacity() * std::mem::size_of::<Option<R::Prepared>>();
    RankedReach {
        states: index.states,
        transitions: index.transitions,
        unchanged: index.unchanged,
        depth: found_depth,
        completeness,
        widest_level,
        bytes,
        slots: index.slots,
        blocks: index
            .blocks
            .iter()
            .filter(|block| block.first != usize::MAX)
            .map(|block| (block.key, block.first))
            .collect(),
        unranked: index.side.len(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::explore::{explore, Model};

    /// `3` tokens on a ring of `cells` cells, as a multiset: block = token count per cell
    /// (base 16 digits), rank = which of the tokens is "marked" (a second component so
    /// that blocks hold several states). Steps move the marked token on, or any cell's
    /// tokens one cell further. States with a token in the `unranked` cell (if any) are
    /// kept outside the numbering, as `block << 8 | rank`.
    struct Tokens {
        cells: u64,
        unranked: Option<u64>,
    }

    impl Tokens {
        fn digits(&self, block: u64) -> Vec<u64> {
            (0..self.cells).map(|c| block >> (4 * c) & 15).collect()
        }
        fn key(&self, digits: &[u64]) -> u64 {
            digits.iter().enumerate().map(|(c, d)| d << (4 * c)).sum()
        }
        /// All steps of the state (block, rank) as (block, rank).
        fn steps(&self, block: u64, rank: u64) -> Vec<(u64, u64)> {
            let digits = self.digits(block);
            let mut out = Vec::new();
            let total: u64 = digits.iter().sum();
            out.push((block, (rank + 1) % total));
            for cell in 0..self.cells as usize {
                let mut moved = digits.clone();
                let to = (cell + 1) % self.cells as usize;
                if moved[cell] > 0 {
                    moved[cell] -= 1;
                    moved[to] += 1;
                }
                out.push((self.key(&moved), rank));
            }
            out
        }
        fn located(&self, block: u64, rank: u64) -> Located<u64> {
            match self.unranked {
                Some(cell) if block >> (4 * cell) & 15 > 0 => Located::Unranked(block << 8 | rank),
                _ => Located::Ranked(Place { block, rank }),
            }
        }
        fn report(&self, block: u64, rank: u64, sink: &mut Sink<'_, u64>) {
            for (next, next_rank) in self.steps(block, rank) {
                if (next, next_rank) == (block, rank) {
                    sink.unchanged(1);
                    continue;
                }
                match self.located(next, next_rank) {
                    Located::Ranked(place) => {
                        let target = sink.target(place.block);
                        sink.successor(target, place.rank);
                    }
                    Located::Unranked(state) => sink.unranked(state),
                }
            }
        }
    }

    impl Ranked for Tokens {
        type State = u64;
        type Prepared = ();
        fn prepare(&self, _block: u64, _sink: &mut Sink<'_, u64>) {}
        fn initial(&self) -> Located<u64> {
            self.located(3, 0)
        }
        fn block_len(&self, block: u64) -> Option<u64> {
            Some(self.digits(block).iter().sum())
        }
        fn expand(&self, block: u64, _: &(), ranks: &[u64], sink: &mut Sink<'_, u64>) {
            for &rank in ranks {
                self.report(block, rank, sink);
            }
        }
        fn expand_unranked(&self, state: &u64, sink: &mut Sink<'_, u64>) {
            self.report(state >> 8, state & 255, sink);
        }
    }

    /// The same model over (block, rank) pairs, for the hashing search.
    impl Model for Tokens {
        type State = (u64, u64);
        type Action = usize;
        fn initial(&self) -> (u64, u64) {
            (3, 0)
        }
        fn actions(&self) -> &[usize] {
            &[0, 1, 2, 3, 4, 5]
        }
        fn next(&self, state: &(u64, u64), action: usize) -> (u64, u64) {
            self.steps(state.0, state.1)
                .get(action)
                .copied()
                .unwrap_or(*state)
        }
    }

    type Counts = (usize, usize, usize, usize, Completeness);

    fn counts(found: &RankedReach) -> Counts {
        (
            found.states,
            found.transitions,
            found.unchanged,
            found.depth,
            found.completeness,
        )
    }

    /// The same counts from the hashing search, and the least depth of each block's
    /// states.
    fn hashed(model: &Tokens, limits: Limits) -> (Counts, HashMap<u64, usize>) {
        let graph = explore(model, limits, |_| {});
        let mut levels = HashMap::new();
        for node in graph.graph.node_indices() {
            let (block, _) = graph.graph[node];
            let level = levels.entry(block).or_insert(usize::MAX);
            *level = graph.depth(node).min(*level);
        }
        let counts = (
            graph.graph.node_count(),
            graph.graph.edge_count(),
            graph.unchanged,
            graph.max_depth(),
            graph.completeness,
        );
        (counts, levels)
    }

    #[test]
    fn counts_like_the_hashing_search() {
        let model = Tokens {
            cells: 5,
            unranked: None,
        };
        let ranked = reach_ranked(&model, Limits::default(), |_| {});
        let (hashed, levels) = hashed(&model, Limits::default());
        assert_eq!(counts(&ranked), hashed);
        assert_eq!(ranked.completeness, Completeness::Complete);
        // 3 tokens on 5 cells: 35 multisets of 3 ranks each, every slot a state.
        assert_eq!(ranked.states, 35 * 3);
        assert_eq!(
            (ranked.slots, ranked.blocks.len(), ranked.unranked),
            (105, 35, 0)
        );
        // Each block first met at the least depth of its states.
        let met: HashMap<u64, usize> = ranked.blocks.iter().copied().collect();
        assert_eq!(met, levels);
    }

    #[test]
    fn states_outside_the_numbering_are_counted_once_in_the_side_set() {
        for cell in [0, 2, 4] {
            let model = Tokens {
                cells: 5,
                unranked: Some(cell),
            };
            let ranked = reach_ranked(&model, Limits::default(), |_| {});
            let (hashed, levels) = hashed(&model, Limits::default());
            assert_eq!(counts(&ranked), hashed, "cell {cell}");
            // The multisets with a token in `cell`: all 35 but the 20 on the other 4 cells.
            assert_eq!(ranked.unranked, (35 - 20) * 3, "cell {cell}");
            // Only blocks with a numbered state are listed.
            assert_eq!(ranked.blocks.len(), 20, "cell {cell}");
            assert!(ranked
                .blocks
                .iter()
                .all(|(block, level)| levels.get(block) == Some(level)));
        }
    }

    #[test]
    fn stops_at_the_state_limit_like_the_hashing_search() {
        for unranked in [None, Some(1)] {
            let model = Tokens { cells: 5, unranked };
            for max_states in [1, 2, 17, 104] {
                let limits = Limits {
                    max_states,
                    ..Limits::default()
                };
                let mut ticks = 0;
                let ranked = reach_ranked(&model, limits, |_| ticks += 1);
                assert_eq!(ranked.states, max_states, "limit {max_states}");
                assert_eq!(ranked.completeness, Completeness::StateLimit);
                assert!(ticks >= usize::from(max_states > 1), "limit {max_states}");
            }
        }
    }

    #[test]
    fn stops_at_the_depth_limit_like_the_hashing_search() {
        let model = Tokens {
            cells: 5,
            unranked: Some(1),
        };
        for max_depth in [0, 1, 3] {
            let limits = Limits {
                max_depth,
                ..Limits::default()
            };
            let ranked = reach_ranked(&model, limits, |_| {});
            let (hashed, _) = hashed(&model, limits);
            assert_eq!(counts(&ranked), hashed, "depth {max_depth}");
        }
    }

    #[test]
    fn stops_before_the_index_outgrows_the_memory_limit() {
        let whole = reach_ranked(&Long, Limits::default(), |_| {});
        for max_memory in [0, 64, 4096, whole.bytes / 2] {
            let limits = Limits {
                max_memory,
                ..Limits::default()
            };
            let cut = reach_ranked(&Long, limits, |_| {});
            assert_eq!(cut.completeness, Completeness::MemoryLimit, "{max_memory}");
            assert!(cut.states >= 1 && cut.states < whole.states, "{max_memory}");
        }
        let roomy = Limits {
            max_memory: 4 * whole.bytes,
            ..Limits::default()
        };
        assert_eq!(reach_ranked(&Long, roomy, |_| {}), whole);
    }

    /// Rank 0 of block 0, where the test models below start.
    const START: Located<u64> = Located::Ranked(Place { block: 0, rank: 0 });

    /// A model whose blocks are larger than one expand call and not word aligned.
    struct Long;
    impl Ranked for Long {
        type State = u64;
        type Prepared = (Target, Target);
        fn prepare(&self, block: u64, sink: &mut Sink<'_, u64>) -> (Target, Target) {
            (sink.target(block), sink.target((block + 1) % 3))
        }
        fn initial(&self) -> Located<u64> {
            START
        }
        fn block_len(&self, block: u64) -> Option<u64> {
            Some(10_000 + block)
        }
        fn expand(
            &self,
            block: u64,
            to: &(Target, Target),
            ranks: &[u64],
            sink: &mut Sink<'_, u64>,
        ) {
            let (here, there) = *to;
            for &rank in ranks {
                sink.successor(here, (rank + 1) % (10_000 + block));
                sink.successor(there, rank % (10_000 + (block + 1) % 3));
            }
        }
        fn expand_unranked(&self, _state: &u64, _sink: &mut Sink<'_, u64>) {}
    }

    /// [`Long`] reporting in batches, with a third step from every state into rank 0 of
    /// block 5 (a block of one state).
    struct Batched {
        batched: bool,
    }
    impl Ranked for Batched {
        type State = u64;
        type Prepared = ();
        fn prepare(&self, _block: u64, _sink: &mut Sink<'_, u64>) {}
        fn initial(&self) -> Located<u64> {
            START
        }
        fn block_len(&self, block: u64) -> Option<u64> {
            Some(if block == 5 { 1 } else { 10_000 + block })
        }
        fn expand(&self, block: u64, _: &(), ranks: &[u64], sink: &mut Sink<'_, u64>) {
            if block == 5 {
                return sink.unchanged(3 * ranks.len());
            }
            let there = sink.target((block + 1) % 3);
            let sink_block = sink.target(5);
            if self.batched {
                let fitting: Vec<u64> = ranks.iter().copied().filter(|&r| r < 10_000).collect();
                sink.successors_at_same_ranks(there, &fitting);
                sink.successors_into(sink_block, 0, ranks.len());
                sink.unchanged(2 * ranks.len() - fitting.len());
            } else {
                for &rank in ranks {
                    if rank < 10_000 {
                        sink.successor(there, rank);
                    } else {
                        sink.unchanged(1);
                    }
                    sink.successor(sink_block, 0);
                    sink.unchanged(1);
                }
            }
            let here = sink.target(block);
            for &rank in ranks {
                sink.successor(here, (rank + 1) % (10_000 + block));
            }
        }
        fn expand_unranked(&self, _state: &u64, _sink: &mut Sink<'_, u64>) {}
    }

    #[test]
    fn batched_reports_count_like_single_ones() {
        let single = reach_ranked(&Batched { batched: false }, Limits::default(), |_| {});
        let batched = reach_ranked(&Batched { batched: true }, Limits::default(), |_| {});
        assert_eq!(single, batched);
        assert_eq!(single.states, 10_000 + 10_001 + 10_002 + 1);
        assert_eq!(single.completeness, Completeness::Complete);
    }

    #[test]
    fn expands_blocks_longer_than_one_call() {
        let mut ticks = Vec::new();
        let found = reach_ranked(&Long, Limits::default(), |progress| ticks.push(progress));
        assert_eq!(found.completeness, Completeness::Complete);
        assert_eq!(found.states, 10_000 + 10_001 + 10_002);
        assert_eq!(found.transitions, 2 * found.states);
        assert_eq!(found.slots, found.states as u64);
        // One report a level at least, counting up to the whole.
        assert!(ticks.len() >= found.depth, "{} reports", ticks.len());
        assert!(ticks.windows(2).all(|w| w[0].states <= w[1].states));
        assert_eq!(ticks.last().map(|t| t.states), Some(found.states));
    }

    /// A model that names a block it cannot number, or ranks past a block's end.
    struct Broken {
        past_end: bool,
    }
    impl Ranked for Broken {
        type State = u64;
        type Prepared = ();
        fn prepare(&self, _block: u64, _sink: &mut Sink<'_, u64>) {}
        fn initial(&self) -> Located<u64> {
            START
        }
        fn block_len(&self, block: u64) -> Option<u64> {
            (block == 0).then_some(4)
        }
        fn expand(&self, _block: u64, _: &(), _ranks: &[u64], sink: &mut Sink<'_, u64>) {
            let (block, rank) = if self.past_end { (0, 4) } else { (1, 0) };
            let target = sink.target(block);
            sink.successor(target, rank);
        }
        fn expand_unranked(&self, _state: &u64, _sink: &mut Sink<'_, u64>) {}
    }

    #[test]
    fn a_bad_block_or_rank_stops_the_search_as_incomplete() {
        for past_end in [false, true] {
            let found = reach_ranked(&Broken { past_end }, Limits::default(), |_| {});
            assert_eq!(found.completeness, Completeness::StateLimit);
            assert_eq!(found.states, 1);
        }
    }
}
