//! The checker's confirmation of counterexamples (`checker::confirm`): what the search
//! finds in the mutants is confirmed by stepping the system alone, and forged witnesses
//! (a step that breaks nothing, a state something moves, a lasso that does not return, is
//! unfair, reaches its goal or takes a stimulus the property rules out) are refused.
//!
//! This file holds the shared helpers; the tests are grouped by topic:
//! - `verdicts`: the check's verdicts and counterexamples on the mutants and the shipped
//!   system (PRES-2, AF-PUB, SUB-3, PRES-3, REG-2, SUB-2, AF-LES);
//! - `lassos`: liveness witnesses, confirmed only when they return, stay pending and
//!   are fair (PRES-4, AF-DROP);
//! - `forged`: forged safety and deadlock witnesses and witnesses of the wrong kind
//!   (AF-PUB, AF-LES, AF-LEP-T);
//! - `memo`: the memoised judgements against judging every transition (PRES-2, AF-PUB,
//!   AF-CGS, SUB-3, PRES-3, REG-2, SUB-2, AF-LES, AF-SIPSUB).

mod forged;
mod lassos;
mod memo;
mod verdicts;

#[path = "../../proptests/system_mutants.rs"]
mod system_mutants;

use fsm::explore::{explore, Exploration, Limits};
use fsm::Symbol;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use ucma_ha::checker::{self, Status};
use ucma_ha::checker::{close_cycle, confirm, Refuted, Witness};
use ucma_ha::system::properties::{excluded_after_recovery, fair, recovering, stable_world};
use ucma_ha::system::{Packed, System, SystemConfig, SystemStimulus};

use system_mutants::{ignores, moves_to, mutate, with, MUTANTS};
use SystemStimulus::*;

const RECOVERY: &str = "recovery_after_outage";

fn shipped() -> System {
    System::new(SystemConfig::default()).expect("builds")
}

fn graph(system: &System) -> Exploration<Packed, SystemStimulus> {
    explore(system, Limits::default(), |_| {})
}

fn pending(system: &System, state: Packed) -> bool {
    stable_world(system, state) && recovering(system, state)
}

fn stimuli_of(trace: &ucma_ha::trace::Trace) -> Vec<SystemStimulus> {
    trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on).expect("a known stimulus"))
        .collect()
}
