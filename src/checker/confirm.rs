//! Confirmation of counterexamples: before a violation is reported, its witness is stepped
//! through [`System::step`] from the initial state and judged again by the property it
//! claims to break, without the explored graph. A witness that fails is a fault of the
//! checker, never a verdict.
//!
//! - A transition property (PRES-2, AF-PUB, SUB-3, PRES-3, REG-1..REG-3, SUB-2, AF-SIPSUB):
//!   the last macro-step of the run violates it.
//! - `no_deadlock` (AF-LES, AF-LEP-T): the last macro-step does not settle, or the run ends
//!   where the endpoint is not Terminated and no stimulus but the world's pool and
//!   connection changes the state.
//! - `recovery_after_outage` (PRES-4, RP-1, REG-3, SUB-2): a lasso. The stem leads to the
//!   cycle's first state; the cycle, of stimuli the property does not rule out, returns to
//!   exactly that state; the goal is pending in every state of the cycle, with the pool and
//!   connection up and the endpoint not draining; and the cycle is fair: every fair
//!   stimulus that changes some state of the cycle is taken in it (so it is taken whenever
//!   it is enabled infinitely often). An empty cycle is a run that stays in one state:
//!   then no fair stimulus may change that state.

use thiserror::Error;

use super::Log;
use crate::system::properties::{property, Judgement, Liveness, MacroStep};
use crate::system::ComponentStates;
use crate::system::{Packed, System, SystemStimulus};

/// What a counterexample claims, as stimuli from the initial state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// The last macro-step violates a transition property.
    Step(Vec<SystemStimulus>),
    /// The last macro-step does not settle (`no_deadlock`).
    Diverges(Vec<SystemStimulus>),
    /// The run ends where only the world can move the system and the endpoint is not
    /// Terminated (`no_deadlock`).
    Stuck(Vec<SystemStimulus>),
    /// A run that follows `stem`, then repeats `cycle` forever (`recovery_after_outage`).
    Lasso {
        /// Stimuli from the initial state to the cycle's first state.
        stem: Vec<SystemStimulus>,
        /// Stimuli from the cycle's first state back to it (empty: the run stays there).
        cycle: Vec<SystemStimulus>,
    },
}

/// Why a witness does not show the violation it claims.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refuted {
    /// The witness is of a kind the property is not judged by, or the property is unknown.
    #[error("a {kind} witness cannot show a violation of {property}")]
    WrongKind {
        /// The property.
        property: String,
        /// The witness's kind.
        kind: &'static str,
    },
    /// The run has no step to judge.
    #[error("the run is empty")]
    Empty,
    /// The last macro-step keeps the transition property.
    #[error("the last step ({stimulus}) does not violate {property}")]
    Kept {
        /// The property.
        property: &'static str,
        /// The last stimulus.
        stimulus: SystemStimulus,
    },
    /// The last macro-step settles.
    #[error("the macro-step of {0} settles")]
    Settles(SystemStimulus),
    /// The run ends with the endpoint Terminated (a final state, not a deadlock).
    #[error("the endpoint is Terminated at the end of the run")]
    Final,
    /// A stimulus other than the world's toggles moves the last state.
    #[error("{0} moves the last state")]
    Moves(SystemStimulus),
    /// A state of the cycle is outside the property's premise or has reached its goal.
    #[error("at step {step} of the cycle recovery is not pending with the world up")]
    GoalReached {
        /// The step of the cycle (0 is its first state).
        step: usize,
    },
    /// A stimulus of the cycle is one the property assumes no longer happens.
    #[error("the cycle takes {0}, which the property rules out")]
    Excluded(SystemStimulus),
    /// A stimulus of the cycle leaves the state unchanged (it is no step of the graph).
    #[error("step {step} of the cycle ({stimulus}) changes nothing")]
    Idle {
        /// The step of the cycle.
        step: usize,
        /// The stimulus.
        stimulus: SystemStimulus,
    },
    /// The cycle does not come back to its first state.
    #[error("the cycle does not return to its first state")]
    Open,
    /// A fair stimulus changes a state of the cycle but is never taken in it.
    #[error("the cycle is unfair: {0} is enabled in it but never taken")]
    Unfair(SystemStimulus),
}

fn kind(witness: &Witness) -> &'static str {
    match witness {
        Witness::Step(_) => "step",
        Witness::Diverges(_) => "divergence",
        Witness::Stuck(_) => "deadlock",
        Witness::Lasso { .. } => "lasso",
    }
}

/// Whether `stimulus` changes `state`; up to symmetry when `symmetry` is on, as the
/// explored graph counts a step.
fn changes(system: &System, symmetry: bool, state: Packed, stimulus: SystemStimulus) -> bool {
    let next = system.step(state, stimulus).next;
    if symmetry {
        system.canonical(next) != system.canonical(state)
    } else {
        next != state
    }
}

fn run(system: &System, stimuli: &[SystemStimulus]) -> Packed {
    stimuli.iter().fold(system.initial(), |state, &stimulus| {
        system.step(state, stimulus).next
    })
}

/// Confirms that `witness` shows a violation of the property `name` (a name of
/// [`PROPERTIES`](crate::system::properties::PROPERTIES)), using only [`System::step`] and the property's own judgement.
///
/// # Arguments
/// * `symmetry` - whether the check merged states that differ only by the order of the
///   views; a stimulus then changes a state when it changes its class.
///
/// # Errors
/// [`Refuted`] with the first reason the witness fails.
pub fn confirm(
    system: &System,
    name: &str,
    witness: &Witness,
    symmetry: bool,
) -> Result<(), Refuted> {
    let found = property(name);
    let judgement = found.map(|p| p.judgement);
    let wrong = || Refuted::WrongKind {
        property: name.to_owned(),
        kind: kind(witness),
    };
    match (judgement, witness) {
        (Some(Judgement::Step(judge)), Witness::Step(stimuli)) => {
            let (&last, stem) = stimuli.split_last().ok_or(Refuted::Empty)?;
            let before = run(system, stem);
            let mut log = Log {
                deliveries: Vec::new(),
                wired: Vec::new(),
            };
            let result = system.step_observed(before, last, &mut log);
            let edge = MacroStep {
                system,
                before,
                stimulus: last,
                result: &result,
                log: &log.deliveries,
            };
            if judge(&edge).violated {
                Ok(())
            } else {
                Err(Refuted::Kept {
                    property: found.map_or("", |p| p.name),
                    stimulus: last,
                })
            }
        }
        (Some(Judgement::Settles { .. }), Witness::Diverges(stimuli)) => {
            let (&last, stem) = stimuli.split_last().ok_or(Refuted::Empty)?;
            if system.step(run(system, stem), last).diverged {
                Ok(())
            } else {
                Err(Refuted::Settles(last))
            }
        }
        (Some(Judgement::Settles { is_final }), Witness::Stuck(stimuli)) => {
            let end = run(system, stimuli);
            if is_final(&ComponentStates::new(system, end)) {
                return Err(Refuted::Final);
            }
            match System::stimuli().iter().find(|&&stimulus| {
                !stimulus.is_world_toggle() && changes(system, symmetry, end, stimulus)
            }) {
                Some(&stimulus) => Err(Refuted::Moves(stimulus)),
                None => Ok(()),
            }
        }
        (Some(Judgement::Eventually(liveness)), Witness::Lasso { stem, cycle }) => {
            lasso(system, liveness, symmetry, stem, cycle)
        }
        _ => Err(wrong()),
    }
}

fn lasso(
    system: &System,
    liveness: Liveness,
    symmetry: bool,
    stem: &[SystemStimulus],
    cycle: &[SystemStimulus],
) -> Result<(), Refuted> {
    let pending = |state| {
        let states = ComponentStates::new(system, state);
        (liveness.premise)(&states) && (liveness.pending)(&states)
    };
    let first = run(system, stem);
    let mut states = Vec::with_capacity(cycle.len().max(1));
    let mut at = first;
    for (step, &stimulus) in cycle.iter().enumerate() {
        if (liveness.excluded)(stimulus) {
            return Err(Refuted::Excluded(stimulus));
        }
        if !pending(at) {
            return Err(Refuted::GoalReached { step });
        }
        if !changes(system, symmetry, at, stimulus) {
            return Err(Refuted::Idle { step, stimulus });
        }
        states.push(at);
        at = system.step(at, stimulus).next;
    }
    if cycle.is_empty() {
        if !pending(first) {
            return Err(Refuted::GoalReached { step: 0 });
        }
        states.push(first);
    } else if at != first {
        return Err(Refuted::Open);
    }
    for &stimulus in System::stimuli() {
        if !(liveness.fair)(stimulus) || (liveness.excluded)(stimulus) || cycle.contains(&stimulus)
        {
            continue;
        }
        if states
            .iter()
            .any(|&state| changes(system, symmetry, state, stimulus))
        {
            return Err(Refuted::Unfair(stimulus));
        }
    }
    Ok(())
}

/// Repeats `cycle` from the state `stem` reaches until the run is back in exactly that
/// state. With symmetry on, the explored cycle returns to the same class, possibly with
/// the views permuted; repeating it as often as the permutation's order closes it.
///
/// # Returns
/// The closed cycle, or `None` when `limit` repetitions do not close it.
pub fn close_cycle(
    system: &System,
    stem: &[SystemStimulus],
    cycle: &[SystemStimulus],
    limit: usize,
) -> Option<Vec<SystemStimulus>> {
    let first = run(system, stem);
    let mut at = first;
    let mut closed = Vec::new();
    for _ in 0..limit {
        for &stimulus in cycle {
            at = system.step(at, stimulus).next;
        }
        closed.extend_from_slice(cycle);
        if at == first {
            return Some(closed);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Confirmer, Status};
    use super::*;
    use crate::system::SystemConfig;

    #[test]
    fn a_witness_that_fails_confirmation_is_unknown_and_an_internal_error_af_les_pres_4() {
        let system = System::new(SystemConfig::default()).expect("builds");
        let mut confirmer = Confirmer {
            system: &system,
            symmetry: true,
            internal_errors: Vec::new(),
        };
        // The initial state is no deadlock (the application can establish), and nothing
        // is pending there (no outage to recover from).
        let no_deadlock = property("no_deadlock").expect("a property");
        let recovery = property("recovery_after_outage").expect("a property");
        let stuck = confirmer.violated(no_deadlock, Witness::Stuck(Vec::new()), String::new(), &[]);
        let lasso = Witness::Lasso {
            stem: Vec::new(),
            cycle: Vec::new(),
        };
        let idle = confirmer.violated(recovery, lasso, String::new(), &[]);
        assert_eq!((stuck, idle), (Status::Unknown, Status::Unknown));
        assert_eq!(confirmer.internal_errors.len(), 2);
        assert!(
            confirmer.internal_errors[0].starts_with("no_deadlock: the checker's counterexample"),
            "{:?}",
            confirmer.internal_errors
        );
        // A step that breaks nothing (PRES-2 holds in the shipped system) is refused too.
        let mut good = Confirmer {
            system: &system,
            symmetry: true,
            internal_errors: Vec::new(),
        };
        let status = good.violated(
            property("no_publish_in_waiting_for_retry").expect("a property"),
            Witness::Step(vec![SystemStimulus::BeginEstablish]),
            String::new(),
            &[0],
        );
        assert_eq!(status, Status::Unknown, "the shipped system keeps PRES-2");
        assert_eq!(good.internal_errors.len(), 1);
    }
}
