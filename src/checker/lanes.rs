//! The check without symmetry reduction on the numbered search: the states are counted
//! over a dense numbering (three bits a state), the verdicts come from the symmetric check
//! of the same system, and the two are cross-checked.
//!
//! # Why the quotient decides
//! A [`Layout::Lanes`] state is a shared part and the pair every view holds; its *block*
//! is the shared part and how many views hold each pair, which is the [`Layout::Counts`]
//! key of the same state. Every stimulus acts on a block as a function of the block
//! alone: each view's next pair depends on the stimulus, the shared part and its own
//! pair, and `SubscribeRemotePresence` subscribes the view with the least accepting pair,
//! the lowest index among equals (AF-RPSS), so which pair moves is known from the counts.
//! The block map is therefore a functional bisimulation from the lanes system onto the
//! counts system: from any state of a block, a stimulus leads into the block the counts
//! system reaches with it. Stimuli name no view, so a sequence of stimuli is a path in
//! both, and:
//! - the blocks met are the counts states, each first met at its breadth-first depth in
//!   the counts system (a shortest path to a block is a shortest path to some state of
//!   it, and back);
//! - every judgement the checker makes depends on the block only: the transition
//!   properties are memoised by the situation (stimulus, shared part, the pairs present,
//!   the free view's pair), all read off the counts when the wiring is pair-local;
//!   divergence likewise; `is_final` and the liveness premise, pending, fair and
//!   excluded judgements read the component states as a multiset of views;
//! - whether a stimulus changes a state equals whether it changes its block, unless a
//!   step reorders views without changing the counts. The numbered search counts such
//!   steps ([`RankedSystem::steps_within_blocks`]); with none, the "only the world moves
//!   it" of `no_deadlock` and the enabled stimuli of a fair cycle agree in both.
//!
//! So a transition property is violated first at the same breadth-first depth in both
//! (the same shortest counterexample length), a state is stuck in one when its block is
//! in the other, and a fair run that stays pending forever in one maps to one in the other
//! (a lasso of the counts system, replayed on the system, returns to its block and is
//! repeated until it returns to exactly its first state).
//!
//! # What is checked as it runs
//! The argument above rests on the compiled tables; the check does not take it on trust:
//! - both searches complete, the blocks met (with their first levels) must equal the
//!   counts system's states (with their breadth-first depths), and the symmetric check's
//!   states, transitions and depth must be those of the same counts system;
//! - no state outside the numbering and no step within a block;
//! - every counterexample of the symmetric check is confirmed again on the system with
//!   no symmetry ([`confirm()`](super::confirm()) with `symmetry` off).
//!
//! When any of these fails, or the system is not pair-local, does not compile or number,
//! [`check`] says why ([`Fallback`]) and [`super::check`] explores the graph instead.
//!
//! # Cut searches
//! `--max-states`, `--max-depth` and half of `--max-memory` bound the numbered search;
//! the symmetric check runs under the same state and depth limits and the other half of
//! the memory. `held` and `VACUOUS` need both complete; a cut report keeps only the
//! violations, each confirmed on the system, and says `unknown` for the rest.

use std::collections::HashMap;
use std::time::Instant;

use fsm::explore::ranked::{reach_ranked, Place};
use fsm::explore::{Completeness, FastHash, Limits, SearchProgress};
use fsm::Symbol;
use thiserror::Error;

use super::confirm::{self, Witness};
use super::{explore_limits, Report, Status, Verdict};
use crate::system::compiled::{CompileError, CompiledSystem, Layout};
use crate::system::compiled::{NumberError, RankedSystem};
use crate::system::properties::Judgement;
use crate::system::{System, SystemStimulus};

/// Why the numbered check handed the system back to the graph search.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Fallback {
    /// The wiring is not pair-local: judgements may depend on more than the block.
    #[error("the wiring is not pair-local")]
    NotPairLocal,
    /// The system does not compile in lanes or counts.
    #[error("the system does not compile: {0}")]
    NotCompiled(#[from] CompileError),
    /// The compiled system cannot be numbered.
    #[error("the compiled system is not numbered: {0}")]
    NotNumbered(#[from] NumberError),
    /// Some states fell outside the numbering: their blocks are not listed.
    #[error("{0} states outside the numbering")]
    Unranked(usize),
    /// Some steps reorder views without changing the counts: such a step moves a state
    /// but not its block.
    #[error("{0} steps change a state within its block")]
    WithinBlocks(usize),
    /// The blocks met and the counts system's states disagree.
    #[error("the blocks met and the symmetric search disagree: {0}")]
    Disagree(String),
    /// A counterexample of the symmetric check does not confirm without symmetry.
    #[error("{0}: the symmetric counterexample does not confirm without symmetry")]
    Unconfirmed(&'static str),
}

/// The check of [`super::check`] without symmetry reduction, on the numbered search
/// (see the module docs).
///
/// # Arguments
/// * `system` - the system (possibly a mutant).
/// * `limits` - bounds; `symmetry` is ignored (off).
/// * `progress` - called as the numbered search goes.
///
/// # Returns
/// The report: states, transitions, depth and completeness of the numbered search (those
/// the graph search reports when complete), the verdicts of the symmetric check, `memory`
/// the bytes of the numbered search's index, the symmetric check's tables and the
/// cross-check's table.
///
/// # Errors
/// [`Fallback`]: why this system is left to the graph search.
///
/// # Complexity
/// O(states) for the numbered search, plus the symmetric check (its states are the
/// blocks, a few thousand to a few hundred thousand).
pub fn check(
    system: &System,
    limits: Limits,
    progress: impl FnMut(SearchProgress),
) -> Result<Report, Fallback> {
    let started = Instant::now();
    if !system.pair_local() {
        return Err(Fallback::NotPairLocal);
    }
    let lanes = CompiledSystem::new(system, Layout::Lanes)?;
    let ranked = RankedSystem::new(&lanes)?;
    let found = reach_ranked(&ranked, explore_limits(limits), progress);
    if found.unranked > 0 {
        return Err(Fallback::Unranked(found.unranked));
    }
    if ranked.steps_within_blocks() > 0 {
        return Err(Fallback::WithinBlocks(ranked.steps_within_blocks()));
    }
    let quotient_limits = Limits {
        symmetry: true,
        max_memory: limits.max_memory / 2,
        ..limits
    };
    let quotient = symmetric(system, quotient_limits);
    let lanes_complete = found.completeness == Completeness::Complete;
    let quotient_complete = quotient.completeness == Completeness::Complete;
    let mut cross_bytes = 0;
    if lanes_complete && quotient_complete {
        let counts = CompiledSystem::new(system, Layout::Counts)?;
        let levels = breadth_first(&counts);
        cross_bytes = levels.depths.capacity() * (8 + 8 + 1);
        agree(&ranked, &lanes, &counts, &found.blocks, &levels, &quotient)
            .map_err(Fallback::Disagree)?;
    }
    let complete = lanes_complete && quotient_complete;
    let mut verdicts = Vec::with_capacity(quotient.verdicts.len());
    for verdict in &quotient.verdicts {
        let status = match &verdict.status {
            Status::Violated(counterexample) => {
                let stimuli = stimuli_of(&counterexample.trace)
                    .ok_or(Fallback::Unconfirmed(verdict.property.name))?;
                if !confirms(system, verdict.property.name, &stimuli) {
                    return Err(Fallback::Unconfirmed(verdict.property.name));
                }
                verdict.status.clone()
            }
            Status::Held | Status::Vacuous if !complete => Status::Unknown,
            other => other.clone(),
        };
        verdicts.push(Verdict {
            property: verdict.property,
            status,
        });
    }
    Ok(Report {
        config: *system.config(),
        symmetry: false,
        states: found.states,
        transitions: found.transitions,
        depth: found.depth,
        completeness: if lanes_complete {
            quotient.completeness
        } else {
            found.completeness
        },
        memory: found.bytes + quotient.memory + cross_bytes,
        verdicts,
        elapsed: started.elapsed(),
        wiring_fired: quotient.wiring_fired,
        internal_errors: quotient.internal_errors,
    })
}

/// The symmetric check of the same system: what decides the verdicts.
fn symmetric(system: &System, limits: Limits) -> Report {
    super::check(system, limits, |_| {})
}

/// The states of a counts system with their breadth-first depths, and its transitions.
struct Levels {
    depths: HashMap<u64, usize, FastHash>,
    transitions: usize,
    depth: usize,
}

/// Breadth-first search of a (small) counts system: every state with its depth.
fn breadth_first(counts: &CompiledSystem) -> Levels {
    let mut depths: HashMap<u64, usize, FastHash> = HashMap::with_hasher(FastHash);
    depths.insert(counts.initial(), 0);
    let (mut level, mut next, mut out) = (vec![counts.initial()], Vec::new(), Vec::new());
    let (mut transitions, mut depth) = (0, 0);
    while !level.is_empty() {
        for &key in &level {
            out.clear();
            counts.successors(key, &mut out);
            transitions += out.len();
            for &after in &out {
                if let std::collections::hash_map::Entry::Vacant(slot) = depths.entry(after) {
                    slot.insert(depth + 1);
                    next.push(after);
                }
            }
        }
        if !next.is_empty() {
            depth += 1;
        }
        std::mem::swap(&mut level, &mut next);
        next.clear();
    }
    Levels {
        depths,
        transitions,
        depth,
    }
}

/// Whether the blocks met by the numbered search (each named by its first state's counts
/// key) are the counts system's states at the same depths, and the symmetric check
/// searched that same counts system; the first difference, in words, when not.
fn agree(
    ranked: &RankedSystem<'_>,
    lanes: &CompiledSystem,
    counts: &CompiledSystem,
    blocks: &[(u64, usize)],
    levels: &Levels,
    quotient: &Report,
) -> Result<(), String> {
    if (quotient.states, quotient.transitions, quotient.depth)
        != (levels.depths.len(), levels.transitions, levels.depth)
    {
        return Err(format!(
            "the symmetric check found {} states, {} transitions, depth {}; the counts \
             system has {}, {}, {}",
            quotient.states,
            quotient.transitions,
            quotient.depth,
            levels.depths.len(),
            levels.transitions,
            levels.depth
        ));
    }
    if blocks.len() != levels.depths.len() {
        return Err(format!(
            "{} blocks met, {} counts states",
            blocks.len(),
            levels.depths.len()
        ));
    }
    for &(block, level) in blocks {
        let key = ranked
            .key(Place { block, rank: 0 })
            .and_then(|key| counts.encode(lanes.decode(key)));
        let Some(key) = key else {
            return Err(format!("block {block:#x} names no counts state"));
        };
        if levels.depths.get(&key) != Some(&level) {
            return Err(format!(
                "block {block:#x} first met at level {level}, counts state at depth {:?}",
                levels.depths.get(&key)
            ));
        }
    }
    Ok(())
}

/// The stimuli of a counterexample's trace.
fn stimuli_of(trace: &crate::trace::Trace) -> Option<Vec<SystemStimulus>> {
    trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on))
        .collect()
}

/// Whether the stimuli show a violation of the property `name` with no symmetry: as a
/// step, a divergence or a stuck state, or as a lasso split at some step.
fn confirms(system: &System, name: &'static str, stimuli: &[SystemStimulus]) -> bool {
    let judgement = super::PROPERTIES
        .iter()
        .find(|property| property.name == name)
        .map(|property| property.judgement);
    let holds = |witness: Witness| confirm::confirm(system, name, &witness, false).is_ok();
    match judgement {
        Some(Judgement::Step(_)) => holds(Witness::Step(stimuli.to_vec())),
        Some(Judgement::Settles { .. }) => {
            holds(Witness::Diverges(stimuli.to_vec())) || holds(Witness::Stuck(stimuli.to_vec()))
        }
        Some(Judgement::Eventually(_)) => (0..=stimuli.len()).any(|entry| {
            holds(Witness::Lasso {
                stem: stimuli[..entry].to_vec(),
                cycle: stimuli[entry..].to_vec(),
            })
        }),
        None => false,
    }
}
