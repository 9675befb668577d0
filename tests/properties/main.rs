//! The properties' own judgements (`ucma_ha::system::properties`), one rule at a time:
//! each judgement is given one delivery (or one application call) and must find exactly
//! the premise and the violation its clauses describe, no more and no less; the liveness
//! parts (premise, goal, excluded and fair stimuli) are asked state by state. What the
//! checker does with these findings is tested in `tests/checker/`.
//!
//! This file holds the shared helpers (the packed state's slots, one delivery, one
//! macro-step); the tests are grouped by family of rules:
//! - `findings`: findings, lookup by name and `step_violations` (PRES-2, AF-PUB);
//! - `calls`: the rules of application calls (PRES-2, AF-PUB, AF-CGS, D6);
//! - `subscriptions`: subscriptions through an outage (SUB-2, SUB-3, SUB-4, PRES-3,
//!   RP-1, AF-SIPSUB, AF-LES);
//! - `liveness`: the state-by-state parts of `no_deadlock` and `recovery_after_outage`
//!   (AF-LES, PRES-4, REG-3);
//! - `event_arguments`: the registration's event arguments (REG-1..3, SVC-1, D2, D4).

mod calls;
mod event_arguments;
mod findings;
mod liveness;
mod subscriptions;

#[path = "../../proptests/system_mutants.rs"]
mod system_mutants;

use fsm::{Row, RowOutcome, Symbol};
use ucma_ha::checker::{self, Status};
use ucma_ha::local_endpoint::{EndpointKind, LocalEndpointStimulus as Lep};
use ucma_ha::presence::{ContactGroupServicesStimulus as Cgs, LocalOwnerPresenceStimulus as Lop};
use ucma_ha::registration::{RegistrationEffect, RegistrationStatus, RegistrationStimulus as Reg};
use ucma_ha::remote_presence::RemotePresenceStimulus as Rp;
use ucma_ha::sip_subscription::SipSubscriptionStimulus as Sub;
use ucma_ha::system::properties::{
    self, excluded_after_recovery, fair, property, recovering, stable_world, step_violations,
    Finding, Judgement, MacroStep, Property, PROPERTIES,
};
use ucma_ha::system::ComponentStates;
use ucma_ha::system::{
    Delivery, DeliveryOutcome, Kind, Packed, StepResult, System, SystemConfig, SystemStimulus,
    Tables,
};
use ucma_ha::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState as Les,
    RegistrationTransitionReason as Why, RemotePresentitySubscriptionState as Rpss, ServiceState,
    SubscriptionSignalingState as Sss,
};

use system_mutants::{mutate, with};

/// Slots of the packed state (the engine's layout): the registration, the endpoint,
/// LocalOwnerPresence and its SipSubscription, ContactGroupServices and its
/// SipSubscription, then the first remote view and its SipSubscription.
const REGISTRATION: usize = 0;
const ENDPOINT: usize = 1;
const LOP: usize = 2;
const LOP_SUBSCRIPTION: usize = 3;
const CGS: usize = 4;
const VIEW: usize = 6;
const VIEW_SUBSCRIPTION: usize = 7;

fn system(config: SystemConfig) -> System {
    System::new(config).expect("builds")
}

fn shipped() -> System {
    system(SystemConfig::default())
}

fn application() -> System {
    system(SystemConfig {
        endpoint: EndpointKind::Application,
        ..SystemConfig::default()
    })
}

fn views_elsewhere() -> System {
    system(SystemConfig {
        remote_home_pool: false,
        ..SystemConfig::default()
    })
}

fn step_judgement(name: &str) -> fn(&MacroStep<'_>) -> Finding {
    match property(name).map(|p| p.judgement) {
        Some(Judgement::Step(judge)) => judge,
        _ => panic!("{name} is a step property"),
    }
}

/// The initial state of `system` with the given slots set.
fn state(system: &System, slots: &[(usize, usize)]) -> Packed {
    let mut state = system.initial();
    for &(slot, value) in slots {
        state.set(slot, u8::try_from(value).expect("a small index"));
    }
    state
}

/// One delivery to a component of `kind` in `slot`, made from the initial state.
fn delivery(
    system: &System,
    kind: Kind,
    slot: usize,
    on: impl Symbol,
    (from, to): (impl Symbol, impl Symbol),
    outcome: DeliveryOutcome,
) -> Delivery {
    Delivery {
        slot,
        kind,
        on: u8::try_from(on.index()).expect("small"),
        from: u8::try_from(from.index()).expect("small"),
        to: u8::try_from(to.index()).expect("small"),
        outcome,
        row: 0,
        before: system.initial(),
    }
}

/// What `name` finds on a macro-step of `stimulus` from `before` that made `log` and
/// was rejected or not.
fn finding(
    name: &str,
    system: &System,
    before: Packed,
    stimulus: SystemStimulus,
    rejected: bool,
    log: &[Delivery],
) -> Finding {
    let result = StepResult {
        next: before,
        rejected: rejected.then_some("InvalidOperationException"),
        diverged: false,
    };
    step_judgement(name)(&MacroStep {
        system,
        before,
        stimulus,
        result: &result,
        log,
    })
}

/// What `name` finds on one delivery inside an otherwise uneventful step.
fn on_delivery(name: &str, system: &System, d: Delivery) -> Finding {
    finding(
        name,
        system,
        system.initial(),
        SystemStimulus::PoolFails,
        false,
        &[d],
    )
}

const NOTHING: Finding = Finding {
    premise: false,
    violated: false,
};
const MET: Finding = Finding {
    premise: true,
    violated: false,
};
const VIOLATED: Finding = Finding {
    premise: true,
    violated: true,
};
