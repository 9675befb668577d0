//! The dense numbered search of the engine ([`fsm::explore::ranked`]) reporting as the
//! count-only searches of [`crate::reach`] do, for the benches and the cross-checks.
//!
//! The search itself (bitmaps over a model's numbering, block by block) is the one
//! `check` runs without symmetry reduction; see [`fsm::explore::ranked`].

use fsm::explore::Limits;

pub use fsm::explore::ranked::{Located, Place, Ranked, Sink, Target};

use crate::reach::Reach;

/// What [`reach_ranked`] found: the counts, and how well the numbering fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankedReach {
    /// The counts, as [`crate::reach::reach`] reports them.
    pub reach: Reach,
    /// Slots of the blocks met (bits of each bitmap): `states - unranked` when every
    /// slot of every block met is a reachable state.
    pub slots: u64,
    /// Blocks met.
    pub blocks: usize,
    /// States kept in the side set.
    pub unranked: usize,
}

/// [`fsm::explore::ranked::reach_ranked`] without progress reports, its counts as a
/// [`Reach`] (`set_bytes`: the index's bytes).
pub fn reach_ranked<R: Ranked>(model: &R, limits: Limits) -> RankedReach {
    let found = fsm::explore::ranked::reach_ranked(model, limits, |_| {});
    RankedReach {
        reach: Reach {
            states: found.states,
            transitions: found.transitions,
            unchanged: found.unchanged,
            depth: found.depth,
            completeness: found.completeness,
            widest_level: found.widest_level,
            set_bytes: found.bytes,
        },
        slots: found.slots,
        blocks: found.blocks.len(),
        unranked: found.unranked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach::{reach, Successors};
    use fsm::explore::Completeness;
    use fsm::explore::Model;

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

    impl Successors for Tokens {}

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

    fn counts(found: &Reach) -> (usize, usize, usize, usize, usize, Completeness) {
        (
            found.states,
            found.transitions,
            found.unchanged,
            found.depth,
            found.widest_level,
            found.completeness,
        )
    }

    #[test]
    fn counts_like_the_hashing_search() {
        let model = Tokens {
            cells: 5,
            unranked: None,
        };
        let ranked = reach_ranked(&model, Limits::default());
        let hashed = reach(&model, Limits::default(), |_| {});
        assert_eq!(counts(&ranked.reach), counts(&hashed));
        assert_eq!(ranked.reach.completeness, Completeness::Complete);
        // 3 tokens on 5 cells: 35 multisets of 3 ranks each, every slot a state.
        assert_eq!(ranked.reach.states, 35 * 3);
        assert_eq!((ranked.slots, ranked.blocks, ranked.unranked), (105, 35, 0));
    }

    #[test]
    fn states_outside_the_numbering_are_counted_once_in_the_side_set() {
        for cell in [0, 2, 4] {
            let model = Tokens {
                cells: 5,
                unranked: Some(cell),
            };
            let ranked = reach_ranked(&model, Limits::default());
            let hashed = reach(&model, Limits::default(), |_| {});
            assert_eq!(counts(&ranked.reach), counts(&hashed), "cell {cell}");
            // The multisets with a token in `cell`: all 35 but the 20 on the other 4 cells.
            assert_eq!(ranked.unranked, (35 - 20) * 3, "cell {cell}");
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
                let ranked = reach_ranked(&model, limits);
                assert_eq!(ranked.reach.states, max_states, "limit {max_states}");
                assert_eq!(ranked.reach.completeness, Completeness::StateLimit);
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
            let ranked = reach_ranked(&model, limits);
            let hashed = reach(&model, limits, |_| {});
            assert_eq!(counts(&ranked.reach), counts(&hashed), "depth {max_depth}");
        }
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
        let single = reach_ranked(&Batched { batched: false }, Limits::default());
        let batched = reach_ranked(&Batched { batched: true }, Limits::default());
        assert_eq!(single, batched);
        assert_eq!(single.reach.states, 10_000 + 10_001 + 10_002 + 1);
        assert_eq!(single.reach.completeness, Completeness::Complete);
    }

    #[test]
    fn expands_blocks_longer_than_one_call() {
        let found = reach_ranked(&Long, Limits::default());
        assert_eq!(found.reach.completeness, Completeness::Complete);
        assert_eq!(found.reach.states, 10_000 + 10_001 + 10_002);
        assert_eq!(found.reach.transitions, 2 * found.reach.states);
        assert_eq!(found.slots, found.reach.states as u64);
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
            let found = reach_ranked(&Broken { past_end }, Limits::default());
            assert_eq!(found.reach.completeness, Completeness::StateLimit);
            assert_eq!(found.reach.states, 1);
        }
    }
}
