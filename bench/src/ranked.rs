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
