//! The per-block work: what each stimulus does to every state of a block, worked out
//! once per block ([`BlockMoves`]), and the expansion of a block's states with it.

use super::plan::{keeps_order, subscribes_in_place};
use fsm::explore::ranked::{Located, Ranked, Sink, Target};

use super::plan::{held, ids, Plan};
use super::{Effect, RankedSystem, Shape, MAX_PAIRS, REJECT, STIMULUS_COUNT};

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

impl RankedSystem<'_> {
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
