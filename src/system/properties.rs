//! The system's properties, each named and citing its clauses, with the judgement that
//! decides it ([`PROPERTIES`]): what the system must do, read through the typed view of
//! its components ([`ComponentStates`]). The exhaustive search that decides them on the
//! reachable graph is `ucma_ha::checker`.
//!
//! - *Safety* properties are judged on every transition (every state x every stimulus),
//!   with the macro-step's deliveries in view ([`Judgement::Step`]), or as the deadlock
//!   rule ([`Judgement::Settles`]).
//! - The *liveness* property is decided on strongly connected components under fairness
//!   ([`Judgement::Eventually`]).
//! - Every property also has a *reachability* ("sometimes") check: the situation its
//!   premise talks about must occur, or the property is reported vacuous.

use super::view::ComponentStates;
use super::{Delivery, Packed, StepResult, System, SystemStimulus};

mod list;
pub(crate) mod spin;

pub use list::{property, Judgement, Liveness, Property, PropertyKind, PROPERTIES};

/// One macro-step as the transition properties see it.
pub struct MacroStep<'a> {
    /// The system.
    pub system: &'a System,
    /// The state before.
    pub before: Packed,
    /// The stimulus.
    pub stimulus: SystemStimulus,
    /// What the step did.
    pub result: &'a StepResult,
    /// Every delivery, in order.
    pub log: &'a [Delivery],
}

impl MacroStep<'_> {
    /// The components before the step.
    pub(crate) fn before(&self) -> ComponentStates<'_> {
        ComponentStates::new(self.system, self.before)
    }

    /// The components of a state of this system (such as a delivery's `before`).
    pub(crate) fn states(&self, state: Packed) -> ComponentStates<'_> {
        ComponentStates::new(self.system, state)
    }
}

/// What a step property found on one edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Finding {
    /// The situation the property speaks about occurred.
    pub premise: bool,
    /// The property was violated.
    pub violated: bool,
}

impl Finding {
    /// Adds what one delivery (or the step as a whole) showed.
    pub fn add(&mut self, premise: bool, violated: bool) {
        self.premise |= premise;
        self.violated |= violated;
    }
}

/// Whether the goal of `recovery_after_outage` fails in a state: the registration reports
/// User Services Unavailable, or a home-pool owner or protected SipSubscription is
/// waiting or subscribing.
pub fn recovering(system: &System, state: Packed) -> bool {
    list::recovery_pending(&ComponentStates::new(system, state))
}

/// The premise of `recovery_after_outage`: pool and connection up (draining or not).
pub fn stable_world(system: &System, state: Packed) -> bool {
    list::world_up(&ComponentStates::new(system, state))
}

/// The stimuli assumed not to happen any more in `recovery_after_outage`.
pub fn excluded_after_recovery(stimulus: SystemStimulus) -> bool {
    list::excluded_after_recovery(stimulus)
}

/// The stimuli taken infinitely often when enabled: the world's recovery and the timers.
pub fn fair(stimulus: SystemStimulus) -> bool {
    list::fair_after_recovery(stimulus)
}

/// The properties judged on every macro-step, with their judgements.
pub(crate) fn step_properties(
) -> impl Iterator<Item = (&'static Property, fn(&MacroStep<'_>) -> Finding)> {
    PROPERTIES
        .iter()
        .filter_map(|property| match property.judgement {
            Judgement::Step(judge) => Some((property, judge)),
            _ => None,
        })
}

/// What every transition property (safety, judged on one macro-step) finds on the
/// macro-step `stimulus` from `before`: whether its premise occurred and whether it was
/// violated, for judging every transition without the checker's memo.
///
/// # Returns
/// Each transition property with its finding, in [`PROPERTIES`] order.
///
/// # Complexity
/// One macro-step with a delivery log, then each transition property once.
pub fn step_findings(
    system: &System,
    before: Packed,
    stimulus: SystemStimulus,
) -> Vec<(&'static Property, Finding)> {
    let mut log = Vec::new();
    let result = system.step_observed(before, stimulus, &mut log);
    let edge = MacroStep {
        system,
        before,
        stimulus,
        result: &result,
        log: &log,
    };
    step_properties()
        .map(|(property, judge)| (property, judge(&edge)))
        .collect()
}

/// The transition properties (safety, judged on one macro-step) that the macro-step
/// `stimulus` from `before` violates, for checking long random runs step by step.
///
/// # Returns
/// The violated properties, in [`PROPERTIES`] order; empty when every one holds.
///
/// # Complexity
/// One macro-step with a delivery log, then each transition property once.
pub fn step_violations(
    system: &System,
    before: Packed,
    stimulus: SystemStimulus,
) -> Vec<&'static Property> {
    step_findings(system, before, stimulus)
        .into_iter()
        .filter(|(_, finding)| finding.violated)
        .map(|(property, _)| property)
        .collect()
}
