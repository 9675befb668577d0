//! The speed layers of `ucma-ha`, kept out of the published crates: what `check` does not
//! use but the benches and the cross-checks against other engines do.
//!
//! - [`reach`]: count-only breadth-first searches (no graph, no paths) over compact
//!   visited sets;
//! - [`ranked`]: the engine's count over a dense numbering of the states (a bitmap
//!   visited set), reporting as [`reach`] does, and [`numbered`], that numbering for the
//!   compiled system (both are what `check` runs without symmetry; they live in the
//!   published crates and are re-exported here);
//! - [`stateright_adapter`]: the composed system as a `stateright` model, and [`spin`]:
//!   SPIN's `pan` on the exported Promela model, the two other engines of the explore
//!   bench;
//! - [`peak_rss`]: the peak memory of a bench's child process.
//!
//! The benches (`cargo bench -p ucma-ha-bench --bench NAME`) and the tests that compare
//! these searches with the one `check` runs live beside this library.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod numbered;
pub mod peak_rss;
pub mod ranked;
pub mod reach;
pub mod spin;
pub mod stateright_adapter;

use ucma_ha::system::compiled::CompiledSystem;
use ucma_ha::system::System;

/// Only the stimuli that can change a key are tried ([`CompiledSystem::successors`]).
impl reach::Successors for CompiledSystem {
    #[inline]
    fn successors(&self, state: &u64, out: &mut Vec<u64>) {
        CompiledSystem::successors(self, *state, out);
    }
}

/// Every stimulus, one macro-step each.
impl reach::Successors for System {}
