//! The check with symmetry reduction on the compact search
//! ([`fsm::explore::compact::search`]): states as [`Layout::Counts`] keys, a parent and a
//! stimulus per state, no stored edges, every property judged while the search expands a
//! state.
//!
//! # What is judged where
//! - Per state, its *situation* is read from the key (the shared id, the pair ids held by
//!   views other than the free one, the free view's pair id; the same grouping as the
//!   stored graph's [`super::Situation`], pair ids standing for pairs one to one). The
//!   first state of each situation, in breadth-first order, is decoded and judged on every
//!   stimulus with the system's own macro-step and delivery log, as the stored graph's
//!   check judges it; later states of the situation reuse what was found. The state
//!   predicates (the liveness region, `is_final` for the deadlock rule's vacuity) are read
//!   through the situation too, like the transition judgements: on the shipped properties
//!   they read the shared part and which pairs occur, never how many views hold one.
//! - `no_deadlock`'s "only the world moves it" comes from the search itself (which
//!   stimuli changed the key); such a state's `is_final` is computed on its own state.
//! - The liveness region (premise and pending, expanded states only) is kept as a list of
//!   state numbers, and [`fsm::explore::compact::Compact::fair_trap`] decomposes it with
//!   the successors recomputed by the compiled step.
//!
//! Expanded states are judged as the search expands them, the frontier of a cut search
//! afterwards, so the order (and so every first violation) is the stored graph's: the
//! states are numbered alike. The stored graph's check ([`super::check_uncompiled`])
//! stays the reference it is tested against (`tests/compact.rs`).

use std::collections::HashMap;
use std::time::Instant;

use fsm::explore::compact::{self, Compact};
use fsm::explore::{Completeness, FastHash, Limits, SearchProgress};

use super::{look, verdicts, Confirmer, Findings, Log, Report, Seen};
use crate::system::compiled::{CompiledSystem, Layout};
use crate::system::properties::{Judgement, PROPERTIES};
use crate::system::ComponentStates;
use crate::system::{System, SystemStimulus};

/// What the states of one situation show: each stimulus's judgements and the state
/// predicates.
struct Entry {
    /// By stimulus, in [`System::stimuli`] order.
    seen: Vec<Seen>,
    /// Union of the premise bits over the stimuli.
    premise: u64,
    /// Union of the violation bits over the stimuli.
    violated: u64,
    /// Whether some stimulus diverges.
    diverged: bool,
    /// Per deadlock property (bit = its position in [`PROPERTIES`]): final.
    finals: u64,
    /// Per liveness property: in the region (premise and pending).
    region: u64,
}

/// The situations met so far and the judging state.
struct Judge<'a> {
    system: &'a System,
    compiled: &'a CompiledSystem,
    index: HashMap<u64, u32, FastHash>,
    entries: Vec<Entry>,
    log: Log,
    findings: Findings,
    /// Bits of the transition properties already violated.
    violated: u64,
    /// Per liveness property, the expanded states of its region, ascending.
    regions: Vec<Vec<u32>>,
    /// Stimuli (bit = index) that are not world toggles.
    movers: u64,
}

/// A state's situation, packed: the shared id, then the mask of pair ids held by views
/// other than the free one (16 bits), then the free view's pair id (5 bits; 16 when there
/// is no view); the caller makes sure it fits 64 bits.
fn situation(compiled: &CompiledSystem, key: u64) -> u64 {
    let mask = compiled.lane_mask();
    let mut present = 0u16;
    let mut single = 0u16;
    for id in 0..compiled.planes().min(16) {
        let count = (key >> compiled.plane_shift(id)) & mask;
        present |= u16::from(count > 0) << id;
        single |= u16::from(count == 1) << id;
    }
    let accepting = present & compiled.accepting_pairs();
    let free = if accepting != 0 {
        accepting.trailing_zeros()
    } else {
        present.trailing_zeros()
    };
    let others = if free < 16 && single >> free & 1 == 1 {
        present & !(1 << free)
    } else {
        present
    };
    let shift = compiled.shared_bits();
    (key & compiled.shared_id_mask()) | u64::from(others) << shift | u64::from(free) << (shift + 16)
}

impl Judge<'_> {
    /// Judges state `at` (key `key`) on every stimulus, through its situation.
    fn judge(&mut self, at: u32, key: u64, expanded: bool) {
        let here = situation(self.compiled, key);
        let entry = match self.index.get(&here) {
            Some(&entry) => entry,
            None => {
                let fresh = self.entries.len() as u32;
                let entry = self.learn(key);
                self.entries.push(entry);
                self.index.insert(here, fresh);
                fresh
            }
        };
        let Some(entry) = self.entries.get(entry as usize) else {
            return;
        };
        let findings = &mut self.findings;
        if entry.violated & !self.violated != 0 || (entry.diverged && findings.diverged.is_none()) {
            let steps = System::stimuli()
                .iter()
                .copied()
                .zip(entry.seen.iter().copied());
            findings.add_steps(at as usize, steps);
            self.violated |= entry.violated;
        } else {
            for (p, premise) in findings.premise.iter_mut().enumerate() {
                *premise |= entry.premise >> p & 1 == 1;
            }
        }
        for (p, final_) in findings.finals.iter_mut().enumerate() {
            *final_ |= entry.finals >> p & 1 == 1;
        }
        if entry.region != 0 {
            for (p, region) in self.regions.iter_mut().enumerate() {
                if entry.region >> p & 1 == 1 {
                    findings.witnessed[p] = true;
                    if expanded {
                        region.push(at);
                    }
                }
            }
        }
    }

    /// Judges the first state of a situation: every stimulus with a delivery log, and
    /// the state predicates.
    fn learn(&mut self, key: u64) -> Entry {
        let state = self.compiled.decode(key);
        let seen: Vec<Seen> = System::stimuli()
            .iter()
            .map(|&stimulus| look(self.system, state, stimulus, &mut self.log))
            .collect();
        let states = ComponentStates::new(self.system, state);
        let mut finals = 0;
        let mut region = 0;
        for (p, property) in PROPERTIES.iter().enumerate() {
            match property.judgement {
                Judgement::Step(_) => {}
                Judgement::Settles { is_final } => finals |= u64::from(is_final(&states)) << p,
                Judgement::Eventually(liveness) => {
                    let inside = (liveness.premise)(&states) && (liveness.pending)(&states);
                    region |= u64::from(inside) << p;
                }
            }
        }
        Entry {
            premise: seen.iter().fold(0, |all, seen| all | seen.premise),
            violated: seen.iter().fold(0, |all, seen| all | seen.violated),
            diverged: seen.iter().any(|seen| seen.diverged),
            seen,
            finals,
            region,
        }
    }

    /// The deadlock rule on an expanded state: `moved` has a bit per stimulus that
    /// changed it.
    fn settles(&mut self, at: u32, key: u64, moved: u64) {
        if moved & self.movers != 0 {
            return;
        }
        let mut states = None;
        for (p, property) in PROPERTIES.iter().enumerate() {
            if let Judgement::Settles { is_final } = property.judgement {
                if self.findings.stuck[p].is_some() {
                    continue;
                }
                let packed = *states.get_or_insert_with(|| self.compiled.decode(key));
                if !is_final(&ComponentStates::new(self.system, packed)) {
                    self.findings.stuck[p] = Some(at as usize);
                }
            }
        }
    }
}

/// [`super::check`] with symmetry on, on the compact search over `compiled` (which must
/// be in [`Layout::Counts`]); `None` when it does not apply (another layout, a wiring
/// that is not pair-local, or a situation that does not fit a word), and the caller
/// takes the stored graph.
pub(super) fn check(
    system: &System,
    compiled: &CompiledSystem,
    limits: Limits,
    progress: impl FnMut(SearchProgress),
    started: Instant,
) -> Option<Report> {
    if compiled.layout() != Layout::Counts
        || !system.pair_local()
        || compiled.shared_bits() > 64 - 21
        || PROPERTIES.len() > 64
    {
        return None;
    }
    let movers = System::stimuli()
        .iter()
        .enumerate()
        .filter(|(_, stimulus)| !stimulus.is_world_toggle())
        .fold(0u64, |mask, (i, _)| mask | 1 << i);
    let mut judge = Judge {
        system,
        compiled,
        index: HashMap::with_hasher(FastHash),
        entries: Vec::new(),
        log: Log::new(system),
        findings: Findings::new(),
        violated: 0,
        regions: vec![Vec::new(); PROPERTIES.len()],
        movers,
    };
    let found: Compact<'_, CompiledSystem> = compact::search(
        compiled,
        super::explore_limits(limits),
        |at, &key, moved| {
            judge.judge(at, key, true);
            judge.settles(at, key, moved);
        },
        progress,
    )?;
    // The frontier of a cut search: its steps are judged too (each really computed).
    for (at, &key) in found
        .states()
        .iter()
        .enumerate()
        .skip(found.expanded_count())
    {
        judge.judge(at as u32, key, false);
    }
    let Judge {
        mut findings,
        regions,
        log,
        ..
    } = judge;
    for (p, property) in PROPERTIES.iter().enumerate() {
        if let (Judgement::Eventually(liveness), Some(region)) =
            (property.judgement, regions.get(p))
        {
            findings.lassos[p] = found.fair_trap(
                region,
                |s: &SystemStimulus| !(liveness.excluded)(*s),
                |s: &SystemStimulus| (liveness.fair)(*s),
            );
        }
    }
    let mut confirmer = Confirmer::new(system, limits.symmetry);
    let complete = found.completeness == Completeness::Complete;
    let verdicts = verdicts(&mut confirmer, findings, complete, |at| {
        found.path(at as u32)
    });
    Some(Report {
        config: *system.config(),
        symmetry: limits.symmetry,
        states: found.len(),
        transitions: found.transitions,
        depth: found.max_depth(),
        completeness: found.completeness,
        memory: found.bytes(),
        verdicts,
        elapsed: started.elapsed(),
        wiring_fired: log.wired,
        internal_errors: confirmer.internal_errors,
    })
}

#[cfg(test)]
mod tests;
