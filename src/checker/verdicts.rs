//! From what a search found to verdicts: every counterexample confirmed before it counts,
//! and the properties decided on the explored graph as a whole (`no_deadlock`'s stuck
//! states, the liveness property's fair traps).

use fsm::explore::Lasso;

use super::confirm::{self, Witness};
use super::{trace, Counterexample, Findings, Status, Verdict};
use crate::system::properties::{Judgement, Property, PROPERTIES};
use crate::system::{System, SystemStimulus};

/// One verdict per property from what a search found, every counterexample confirmed;
/// `path` gives a shortest path to a state by its number.
pub(super) fn verdicts(
    confirmer: &mut Confirmer<'_>,
    findings: Findings,
    complete: bool,
    path: impl Fn(usize) -> Vec<SystemStimulus>,
) -> Vec<Verdict> {
    let Findings {
        first,
        premise,
        diverged,
        stuck,
        finals,
        witnessed,
        mut lassos,
    } = findings;
    PROPERTIES
        .iter()
        .enumerate()
        .map(|(p, property)| {
            let status = match property.judgement {
                Judgement::Step(_) => match first[p] {
                    Some((at, stimulus)) => {
                        let mut stimuli = path(at);
                        stimuli.push(stimulus);
                        let last = stimuli.len() - 1;
                        let summary = format!(
                            "{} violated at step {} ({stimulus})",
                            property.name,
                            last + 1
                        );
                        confirmer.violated(property, Witness::Step(stimuli), summary, &[last])
                    }
                    None => settle(complete, premise[p]),
                },
                Judgement::Settles { .. } => deadlock(
                    confirmer,
                    property,
                    diverged.map(|(at, stimulus)| (path(at), stimulus)),
                    stuck[p].map(&path),
                    finals[p],
                    complete,
                ),
                Judgement::Eventually(_) => recovery(
                    confirmer,
                    property,
                    lassos[p].take(),
                    witnessed[p],
                    complete,
                ),
            };
            Verdict { property, status }
        })
        .collect()
}

/// Turns witnesses into verdicts, confirming each one first.
pub(super) struct Confirmer<'a> {
    pub(super) system: &'a System,
    pub(super) symmetry: bool,
    pub(super) internal_errors: Vec<String>,
}

impl<'a> Confirmer<'a> {
    pub(super) fn new(system: &'a System, symmetry: bool) -> Self {
        Confirmer {
            system,
            symmetry,
            internal_errors: Vec::new(),
        }
    }

    /// [`Status::Violated`] with the witness as a trace (expectations at the steps in
    /// `expect_at`) when [`confirm::confirm`] accepts it; else [`Status::Unknown`], and the
    /// fault is noted.
    pub(super) fn violated(
        &mut self,
        property: &'static Property,
        witness: Witness,
        summary: String,
        expect_at: &[usize],
    ) -> Status {
        let name = property.name;
        match confirm::confirm(self.system, name, &witness, self.symmetry) {
            Ok(()) => {
                let stimuli = match witness {
                    Witness::Step(stimuli)
                    | Witness::Diverges(stimuli)
                    | Witness::Stuck(stimuli) => stimuli,
                    Witness::Lasso { mut stem, cycle } => {
                        stem.extend(cycle);
                        stem
                    }
                };
                Status::Violated(Box::new(Counterexample {
                    summary,
                    trace: trace(self.system, &stimuli, expect_at),
                }))
            }
            Err(refuted) => {
                self.internal_errors.push(format!(
                    "{name}: the checker's counterexample does not confirm ({refuted}); \
                     {witness:?}"
                ));
                Status::Unknown
            }
        }
    }
}

pub(super) fn settle(complete: bool, premise: bool) -> Status {
    if !complete {
        Status::Unknown
    } else if premise {
        Status::Held
    } else {
        Status::Vacuous
    }
}

/// `no_deadlock`: a macro-step that does not settle (judged on every stored state, each
/// step really computed), or an expanded state that only the world moves and that is not
/// final (`stuck`: a shortest path to the first). A frontier state has no edges because it
/// was never expanded: it is no evidence.
pub(super) fn deadlock(
    confirmer: &mut Confirmer<'_>,
    property: &'static Property,
    diverged: Option<(Vec<SystemStimulus>, SystemStimulus)>,
    stuck: Option<Vec<SystemStimulus>>,
    finals: bool,
    complete: bool,
) -> Status {
    if let Some((mut stimuli, stimulus)) = diverged {
        stimuli.push(stimulus);
        let last = stimuli.len() - 1;
        let summary = format!(
            "the macro-step of {stimulus} at step {} does not settle",
            last + 1
        );
        return confirmer.violated(property, Witness::Diverges(stimuli), summary, &[last]);
    }
    if let Some(stimuli) = stuck {
        let at: Vec<usize> = stimuli.len().checked_sub(1).into_iter().collect();
        let summary = format!(
            "after {} steps only the world can move the system, and the endpoint is not \
             Terminated",
            stimuli.len()
        );
        return confirmer.violated(property, Witness::Stuck(stimuli), summary, &at);
    }
    settle(complete, finals)
}

/// How often a lasso's cycle is repeated at most to come back to exactly its first state
/// (with symmetry on it comes back to the same class; the views' permutation has an order
/// of at most a few hundred for the views a system holds).
pub(super) const CLOSE_CYCLE: usize = 10_000;

/// `recovery_after_outage`: a fair trap among expanded states where recovery is pending
/// (the search leaves the frontier out), as a confirmed lasso; `witnessed`: whether some
/// stored state is in the region.
pub(super) fn recovery(
    confirmer: &mut Confirmer<'_>,
    property: &'static Property,
    lasso: Option<Lasso<SystemStimulus>>,
    witnessed: bool,
    complete: bool,
) -> Status {
    let system = confirmer.system;
    match lasso {
        Some(lasso) => {
            let entry = lasso.prefix.len();
            let cycle = confirm::close_cycle(system, &lasso.prefix, &lasso.cycle, CLOSE_CYCLE)
                .unwrap_or(lasso.cycle);
            let mut at = Vec::new();
            if entry > 0 {
                at.push(entry - 1);
            }
            if !cycle.is_empty() {
                at.push(entry + cycle.len() - 1);
            }
            let summary = format!(
                "after step {entry} the system can stay among {} states where recovery is \
                 pending forever, under fairness (cycle of {} steps{})",
                lasso.states.len(),
                cycle.len(),
                if cycle.is_empty() {
                    ": no fair stimulus moves it"
                } else {
                    ""
                }
            );
            let witness = Witness::Lasso {
                stem: lasso.prefix,
                cycle,
            };
            confirmer.violated(property, witness, summary, &at)
        }
        None => settle(complete, witnessed),
    }
}
