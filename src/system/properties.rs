//! The system's properties, each named and citing its clauses, and the exhaustive check
//! that decides them on the reachable graph.
//!
//! - *Safety* properties are judged on every transition (every state x every stimulus),
//!   with the macro-step's deliveries in view, or on every state. A violation comes with a
//!   shortest path from the initial state.
//! - The *liveness* property is decided on strongly connected components: a fair run that
//!   stays forever where the goal does not hold is a counterexample, printed as a path to
//!   the component plus a cycle in it ([`fsm::explore::Exploration::fair_trap`]).
//! - Every property also has a *reachability* ("sometimes") check: the situation its
//!   premise talks about must occur, or the property is reported vacuous.
//!
//! Counterexamples are trace files (CONTRACT section 4) for machine `system`: replaying
//! the stimuli from the initial state reaches the violation; the last step lists the
//! states of every component.
//!
//! # Cut searches
//! Under a limit ([`Limits`]) the explored graph has a frontier: states stored but never
//! expanded. A transition property is judged on every stored state's macro-steps (each one
//! really computed), so a violation met before the cut is real. `no_deadlock`'s "nothing
//! but the world moves it" and the liveness property's traps are judged only on expanded
//! states ([`Exploration::expanded`]); what the explored part cannot decide is
//! [`Status::Unknown`].
//!
//! Every counterexample is confirmed ([`confirm::confirm`]) before it becomes a
//! [`Status::Violated`]: stepped through [`System::step`] and judged again. One that fails
//! is a checker fault: the verdict is [`Status::Unknown`] and the fault is listed in
//! [`Report::internal_errors`].

use std::time::{Duration, Instant};

use std::collections::HashMap;

use fsm::explore::{explore, Completeness, Exploration, FastHash, Limits, SearchProgress};
use fsm::Symbol;
use petgraph::graph::NodeIndex;
use serde::Serialize;

use super::compiled::{CompiledSystem, Layout};
use super::engine::{get, ENDPOINT, FIRST_VIEW, REGISTRATION};
use super::{Delivery, Kind, Outcome, Packed, StepResult, System, SystemConfig, SystemStimulus};
use crate::local_endpoint::EndpointKind;
use crate::presence::{ContactGroupServicesStimulus, LocalOwnerPresenceStimulus};
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::remote_presence::RemotePresenceStimulus;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::trace::{Expect, Step, Trace};
use crate::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState, RegistrationTransitionReason,
    RemotePresentitySubscriptionState as Rpss, ServiceState, SubscriptionSignalingState as Sss,
};
use crate::Event;
use confirm::Witness;

pub mod confirm;

/// Safety or liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PropertyKind {
    /// Nothing bad happens (judged on transitions or states).
    Safety,
    /// Something good eventually happens (judged on components under fairness).
    Liveness,
}

/// A named property of the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Property {
    /// A stable name (`snake_case`).
    pub name: &'static str,
    /// The clause and fact IDs it checks.
    pub clauses: &'static [&'static str],
    /// Safety or liveness.
    pub kind: PropertyKind,
    /// What it says.
    pub statement: &'static str,
}

/// Every property, in the order they are reported.
pub static PROPERTIES: [Property; 9] = [
    Property {
        name: "no_publish_in_waiting_for_retry",
        clauses: &["PRES-2", "AF-PUB", "AF-CGS", "D6"],
        kind: PropertyKind::Safety,
        statement: "LocalOwnerPresence and ContactGroupServices never accept a publish or \
                    contact operation while in WaitingForRetry",
    },
    Property {
        name: "operations_need_subscription_and_registration",
        clauses: &["AF-PUB", "AF-CGS", "D6"],
        kind: PropertyKind::Safety,
        statement: "PublishPresence is accepted only when LocalOwnerPresence is Subscribed \
                    (or, for an application endpoint, Idle) and the endpoint registered; \
                    AddContact only in Idle or Subscribed and registered",
    },
    Property {
        name: "home_subscription_survives_unresponsive_pool",
        clauses: &["SUB-3", "SUB-4", "SUB-1"],
        kind: PropertyKind::Safety,
        statement: "a time-out never terminates a platform SipSubscription to the home pool",
    },
    Property {
        name: "underlying_termination_never_idles_owner",
        clauses: &["PRES-3", "RP-1"],
        kind: PropertyKind::Safety,
        statement: "an underlying SipSubscription's Terminated never moves LocalOwnerPresence, \
                    ContactGroupServices or a home-pool view to Idle",
    },
    Property {
        name: "outage_and_healing_event_args",
        clauses: &["REG-1", "REG-2", "REG-3", "D2", "D4", "SVC-1", "AF-SVC"],
        kind: PropertyKind::Safety,
        statement: "the outage NOTIFY raises RegistrationStateChanged, and every such event for \
                    an outage has Reason None and UserServicesState Unavailable; the healing \
                    refresh raises Reason RegisterationRefresh and Available; a REGISTER's \
                    200 OK, which tells nothing of the pool, reports Unknown",
    },
    Property {
        name: "no_retry_while_user_services_unavailable",
        clauses: &["SUB-2", "SUB-4"],
        kind: PropertyKind::Safety,
        statement: "no protected SipSubscription retries while the registration reports User \
                    Services Unavailable",
    },
    Property {
        name: "terminated_is_final",
        clauses: &["AF-SIPSUB", "AF-LES"],
        kind: PropertyKind::Safety,
        statement: "nothing moves the endpoint or a SipSubscription out of Terminated (a new \
                    SipSubscription instance may replace a terminated one)",
    },
    Property {
        name: "no_deadlock",
        clauses: &["AF-LES", "AF-LEP-T"],
        kind: PropertyKind::Safety,
        statement: "every macro-step settles, and a state that only the world's pool and \
                    connection changes can move is final (endpoint Terminated)",
    },
    Property {
        name: "recovery_after_outage",
        clauses: &["PRES-4", "RP-1", "REG-3", "SUB-2"],
        kind: PropertyKind::Liveness,
        statement: "with the pool back and the connection up, and the application not \
                    terminating, every home-pool subscription returns to Subscribed and the \
                    registration stops reporting User Services Unavailable, draining or not, \
                    under fairness of the world's recovery and the timers",
    },
];

/// How a property fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It holds in every reachable state and its premise occurs.
    Held,
    /// It is violated; a shortest counterexample.
    Violated(Box<Counterexample>),
    /// It holds, but the situation it talks about never occurs.
    Vacuous,
    /// No violation was found, but the exploration was not exhaustive.
    Unknown,
}

/// A counterexample: a trace file and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterexample {
    /// The trace (CONTRACT section 4); replaying it reaches the violation.
    pub trace: Trace,
    /// What goes wrong, in words.
    pub summary: String,
}

/// The verdict on one property.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The property.
    pub property: &'static Property,
    /// The outcome.
    pub status: Status,
}

/// The result of checking one system configuration.
#[derive(Debug, Clone)]
pub struct Report {
    /// The configuration.
    pub config: SystemConfig,
    /// Whether symmetry reduction was on.
    pub symmetry: bool,
    /// Reachable states stored.
    pub states: usize,
    /// Transitions stored (steps that change the state).
    pub transitions: usize,
    /// The longest shortest path.
    pub depth: usize,
    /// Whether the exploration was exhaustive.
    pub completeness: Completeness,
    /// The exploration's estimate of the bytes its tables held
    /// ([`Exploration::bytes`]).
    pub memory: usize,
    /// One verdict per property, in [`PROPERTIES`] order.
    pub verdicts: Vec<Verdict>,
    /// Wall-clock time of the check.
    pub elapsed: Duration,
    /// For each wiring row, whether it fired in some reachable macro-step.
    pub wiring_fired: Vec<bool>,
    /// Counterexamples the checker built but could not confirm, in words: a fault of the
    /// checker, never shown as a violation (the property is then [`Status::Unknown`]).
    pub internal_errors: Vec<String>,
}

impl Report {
    /// Whether the check passed: exhaustive, every property held.
    pub fn passed(&self) -> bool {
        self.completeness == Completeness::Complete
            && self.verdicts.iter().all(|v| v.status == Status::Held)
    }

    /// The verdict on a property by name.
    pub fn verdict(&self, name: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.property.name == name)
    }
}

/// One macro-step as the transition properties see it.
pub struct Edge<'a> {
    /// The state before.
    pub before: Packed,
    /// The stimulus.
    pub stimulus: SystemStimulus,
    /// What the step did.
    pub result: &'a StepResult,
    /// Every delivery, in order.
    pub log: &'a [Delivery],
}

/// What a transition property found on one edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Judgement {
    premise: bool,
    violated: bool,
}

impl Judgement {
    fn add(&mut self, premise: bool, violated: bool) {
        self.premise |= premise;
        self.violated |= violated;
    }
}

fn idx<S: Symbol>(symbol: S) -> u8 {
    u8::try_from(symbol.index()).unwrap_or(u8::MAX)
}

fn is_sub(kind: Kind) -> bool {
    matches!(kind, Kind::SessionSubscription | Kind::ViewSubscription)
}

fn registered(state: Packed) -> bool {
    let reg = get(state, REGISTRATION);
    reg == idx(RegistrationStatus::RegisteredUserServicesUnknown)
        || reg == idx(RegistrationStatus::Registered)
        || reg == idx(RegistrationStatus::RegisteredUserServicesUnavailable)
}

fn unavailable(state: Packed) -> bool {
    get(state, REGISTRATION) == idx(RegistrationStatus::RegisteredUserServicesUnavailable)
}

/// Judges a transition property (by index into [`PROPERTIES`]) on one edge.
fn judge(system: &System, property: usize, edge: &Edge<'_>) -> Judgement {
    let mut j = Judgement::default();
    match property {
        // no_publish_in_waiting_for_retry
        0 => {
            for d in edge.log {
                let operation = (d.kind == Kind::LocalOwnerPresence
                    && d.on == idx(LocalOwnerPresenceStimulus::BeginPublishPresence))
                    || (d.kind == Kind::ContactGroupServices
                        && d.on == idx(ContactGroupServicesStimulus::BeginAddContact));
                if operation && d.from == idx(Css::WaitingForRetry) {
                    j.add(true, d.outcome != Outcome::Rejected);
                }
            }
        }
        // operations_need_subscription_and_registration
        1 => {
            let accepted = edge.result.rejected.is_none();
            match edge.stimulus {
                SystemStimulus::PublishPresence => {
                    // AF-PUB: only a user endpoint must subscribe before publishing.
                    let lop = get(edge.before, super::engine::LOCAL_OWNER_PRESENCE);
                    let application = system.config().endpoint == EndpointKind::Application;
                    let allowed = (lop == idx(Css::Subscribed)
                        || (application && lop == idx(Css::Idle)))
                        && registered(edge.before);
                    j.add(!allowed, !allowed && accepted);
                }
                SystemStimulus::AddContact => {
                    let cgs = get(edge.before, super::engine::CONTACT_GROUP_SERVICES);
                    let allowed = (cgs == idx(Css::Subscribed) || cgs == idx(Css::Idle))
                        && registered(edge.before);
                    j.add(!allowed, !allowed && accepted);
                }
                _ => {}
            }
        }
        // home_subscription_survives_unresponsive_pool
        2 => {
            for d in edge.log {
                let timeout = d.on == idx(SipSubscriptionStimulus::RefreshFailedPoolUnresponsive)
                    || d.on == idx(SipSubscriptionStimulus::SubscribeFailed);
                if is_sub(d.kind)
                    && system.protected(d.kind)
                    && timeout
                    && d.outcome != Outcome::Renewed
                    && (d.from == idx(Sss::Subscribed) || d.from == idx(Sss::Subscribing))
                {
                    j.add(
                        true,
                        d.outcome == Outcome::Moved && d.to == idx(Sss::Terminated),
                    );
                }
            }
        }
        // underlying_termination_never_idles_owner
        3 => {
            for d in edge.log {
                let (underlying, idle) = match d.kind {
                    Kind::LocalOwnerPresence => (
                        d.on == idx(LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated),
                        idx(Css::Idle),
                    ),
                    Kind::ContactGroupServices => (
                        d.on == idx(ContactGroupServicesStimulus::UnderlyingSubscriptionTerminated),
                        idx(Css::Idle),
                    ),
                    Kind::RemotePresence if system.views_home() => (
                        d.on == idx(RemotePresenceStimulus::UnderlyingSubscriptionTerminated),
                        idx(Rpss::Idle),
                    ),
                    _ => (false, 0),
                };
                if underlying && d.from != idle {
                    j.add(true, d.outcome == Outcome::Moved && d.to == idle);
                }
            }
        }
        // outage_and_healing_event_args
        4 => {
            let mut events = Vec::new();
            for d in edge.log {
                if d.kind != Kind::Registration || d.outcome != Outcome::Moved {
                    continue;
                }
                let down = idx(RegistrationStatus::RegisteredUserServicesUnavailable);
                let up = idx(RegistrationStatus::Registered);
                events.clear();
                system.events_of(d, &mut events);
                let args = |reason, services| {
                    events.iter().all(|event| match event {
                        Event::RegistrationStateChanged {
                            reason: r,
                            user_services_state: s,
                            ..
                        } => *r == reason && *s == services,
                        _ => true,
                    })
                };
                if d.on == idx(RegistrationStimulus::RegisterOk) {
                    // SVC-1, AF-SVC: the 200 OK says nothing of the pool.
                    j.add(
                        true,
                        !args(RegistrationTransitionReason::None, ServiceState::Unknown),
                    );
                } else if d.to == down {
                    let notify =
                        d.on == idx(RegistrationStimulus::RegistrarNotifyUserServicesUnavailable);
                    let ok = args(
                        RegistrationTransitionReason::None,
                        ServiceState::Unavailable,
                    ) && (!notify || !events.is_empty());
                    j.add(true, !ok);
                } else if d.from == down && d.to == up {
                    let ok = !events.is_empty()
                        && args(
                            RegistrationTransitionReason::RegistrationRefresh,
                            ServiceState::Available,
                        );
                    j.add(true, !ok);
                }
            }
        }
        // no_retry_while_user_services_unavailable
        5 => {
            if edge.stimulus == SystemStimulus::RetryTimerFires && unavailable(edge.before) {
                let waiting = (super::engine::LOCAL_OWNER_PRESENCE
                    ..FIRST_VIEW + 2 * system.views())
                    .step_by(2)
                    .any(|owner| {
                        let sub = owner + 1;
                        system.protected(super::engine::kind_of(sub))
                            && get(edge.before, sub) == idx(Sss::WaitingForRetry)
                    });
                j.add(waiting, false);
            }
            for d in edge.log {
                if is_sub(d.kind)
                    && system.protected(d.kind)
                    && d.outcome == Outcome::Moved
                    && d.from == idx(Sss::WaitingForRetry)
                    && d.to == idx(Sss::Subscribing)
                    && unavailable(d.before)
                {
                    j.add(true, true);
                }
            }
        }
        // terminated_is_final
        6 => {
            for d in edge.log {
                let terminated = match d.kind {
                    Kind::Endpoint => idx(LocalEndpointState::Terminated),
                    k if is_sub(k) => idx(Sss::Terminated),
                    _ => continue,
                };
                if d.from == terminated && d.outcome != Outcome::Renewed {
                    j.add(true, d.outcome == Outcome::Moved && d.to != terminated);
                }
            }
        }
        _ => {}
    }
    j
}

/// Number of transition properties (the first entries of [`PROPERTIES`]).
const TRANSITION_PROPERTIES: usize = 7;
const NO_DEADLOCK: usize = 7;
const RECOVERY: usize = 8;

/// Whether the goal of `recovery_after_outage` fails in a state: the registration reports
/// User Services Unavailable, or a home-pool owner or protected SipSubscription is
/// waiting or subscribing.
pub fn recovering(system: &System, state: Packed) -> bool {
    if unavailable(state) {
        return true;
    }
    for (slot, _) in system.components() {
        let kind = super::engine::kind_of(slot);
        let value = get(state, slot);
        let pending = match kind {
            Kind::LocalOwnerPresence | Kind::ContactGroupServices => {
                value == idx(Css::WaitingForRetry) || value == idx(Css::Subscribing)
            }
            Kind::RemotePresence if system.views_home() => {
                value == idx(Rpss::WaitingForRetry) || value == idx(Rpss::Subscribing)
            }
            k if is_sub(k) && system.protected(k) => {
                value == idx(Sss::WaitingForRetry) || value == idx(Sss::Subscribing)
            }
            _ => false,
        };
        if pending {
            return true;
        }
    }
    false
}

/// The premise of `recovery_after_outage`: pool and connection up (draining or not).
pub fn stable_world(system: &System, state: Packed) -> bool {
    let world = system.world(state);
    world.pool_up && world.connection_up
}

/// The stimuli assumed not to happen any more in `recovery_after_outage`.
pub fn excluded_after_recovery(stimulus: SystemStimulus) -> bool {
    matches!(
        stimulus,
        SystemStimulus::PoolFails
            | SystemStimulus::ConnectionDrops
            | SystemStimulus::OwnerDisabled
            | SystemStimulus::TooManyEndpoints
            | SystemStimulus::BeginTerminate
    )
}

/// The stimuli taken infinitely often when enabled: the world's recovery and the timers.
pub fn fair(stimulus: SystemStimulus) -> bool {
    stimulus.is_timer()
        || matches!(
            stimulus,
            SystemStimulus::PoolRecovers | SystemStimulus::ConnectionRestores
        )
}

/// Replays stimuli from the initial state and writes the trace; the steps at the indices
/// in `expect_at` list every component's state and whether the step was rejected.
pub fn trace(system: &System, stimuli: &[SystemStimulus], expect_at: &[usize]) -> Trace {
    let mut state = system.initial();
    let mut steps = Vec::with_capacity(stimuli.len());
    for (i, &stimulus) in stimuli.iter().enumerate() {
        let result = system.step(state, stimulus);
        state = result.next;
        let expect = expect_at.contains(&i).then(|| Expect {
            states: Some(
                system
                    .state_names(state)
                    .into_iter()
                    .map(|name| (name.component.into_owned(), name.observed.to_owned()))
                    .collect(),
            ),
            rejected: Some(result.rejected.map(str::to_owned)),
            ..Expect::default()
        });
        steps.push(Step {
            on: stimulus.name().to_owned(),
            expect,
        });
    }
    Trace {
        machine: super::ID.to_owned(),
        config: serde_json::to_value(system.config()).unwrap_or(serde_json::Value::Null),
        steps,
    }
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
    let mut log = Vec::new();
    let result = system.step_observed(before, stimulus, &mut log);
    let edge = Edge {
        before,
        stimulus,
        result: &result,
        log: &log,
    };
    (0..TRANSITION_PROPERTIES)
        .filter(|&property| judge(system, property, &edge).violated)
        .map(|property| &PROPERTIES[property])
        .collect()
}

/// Replays a trace's stimuli and tells whether its last step violates the transition
/// property `name` (the check a counterexample must pass).
///
/// # Returns
/// `None` when `name` is not a transition property or a stimulus name is unknown.
pub fn last_step_violates(system: &System, name: &str, trace: &Trace) -> Option<bool> {
    let property = PROPERTIES[..TRANSITION_PROPERTIES]
        .iter()
        .position(|p| p.name == name)?;
    let stimuli: Vec<SystemStimulus> = trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on))
        .collect::<Option<_>>()?;
    let (last, prefix) = stimuli.split_last()?;
    let mut state = system.initial();
    for &stimulus in prefix {
        state = system.step(state, stimulus).next;
    }
    let mut log = Vec::new();
    let result = system.step_observed(state, *last, &mut log);
    let edge = Edge {
        before: state,
        stimulus: *last,
        result: &result,
        log: &log,
    };
    Some(judge(system, property, &edge).violated)
}

/// Explores the system and decides every property.
///
/// The search runs on the [`CompiledSystem`] (counts with symmetry on, lanes without)
/// when the system compiles, else on the system's own macro-steps
/// ([`check_uncompiled`]); both give the same graph, node for node, and the same report.
/// Transition properties are judged once per distinct *situation* of a transition (the
/// stimulus, the shared part, the pairs of the views and the free view's pair): with a
/// pair-local wiring every delivery, and so every judgement, is a function of those.
///
/// # Arguments
/// * `system` - the system (possibly a mutant).
/// * `limits` - bounds and symmetry. `max_memory` bounds the whole check: the
///   exploration gets half of it ([`explore_limits`]), the rest is for deciding the
///   properties on the graph (the liveness decomposition builds a subgraph that can be as
///   large as the graph's own edges and nodes).
/// * `progress` - called periodically during exploration.
///
/// # Returns
/// A [`Report`] with one verdict per property.
///
/// # Complexity
/// Exploration is O(states x stimuli) compiled steps (macro-steps when not compiled);
/// transition properties replay one macro-step with a log per distinct situation;
/// liveness is linear in the graph per refinement round.
pub fn check(system: &System, limits: Limits, progress: impl FnMut(SearchProgress)) -> Report {
    let layout = if limits.symmetry {
        Layout::Counts
    } else {
        Layout::Lanes
    };
    match CompiledSystem::new(system, layout) {
        Ok(compiled) => {
            let started = Instant::now();
            let graph = explore(&compiled, explore_limits(limits), progress);
            decide(system, limits, &graph, |key| compiled.decode(key), started)
        }
        Err(_) => check_uncompiled(system, limits, progress),
    }
}

/// [`check`] on the system's own macro-steps, every transition judged from its own
/// delivery log: what `check` does when the system does not compile, and the reference
/// the compiled check is tested against.
pub fn check_uncompiled(
    system: &System,
    limits: Limits,
    progress: impl FnMut(SearchProgress),
) -> Report {
    let started = Instant::now();
    let graph = explore(system, explore_limits(limits), progress);
    decide(system, limits, &graph, |state| state, started)
}

/// The exploration's share of a check's limits: half of `max_memory`, the rest left for
/// deciding the properties on the explored graph.
pub fn explore_limits(limits: Limits) -> Limits {
    Limits {
        max_memory: limits.max_memory / 2,
        ..limits
    }
}

/// Everything a transition's judgements depend on when the wiring is pair-local: the
/// stimulus, the shared part, the pairs of the views other than the free one, and the
/// free view's pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Situation {
    stimulus: u8,
    shared: u64,
    others: u64,
    free: u8,
}

/// What one transition showed: per transition property, premise and violation bits;
/// whether it diverged. (The wiring rows it fired are added to the log's, which
/// accumulate over the whole check: a situation seen again fires nothing new.)
#[derive(Debug, Clone, Copy)]
struct Seen {
    premise: u32,
    violated: u32,
    diverged: bool,
}

/// The situation of a state's transitions, but for the stimulus: O(views), once per
/// state.
fn situation(system: &System, state: Packed) -> Situation {
    let mut held = [0u16; 64];
    let mut present = 0u64;
    for view in 0..system.views() {
        let pair = state.pair(FIRST_VIEW + 2 * view);
        held[usize::from(pair)] += 1;
        present |= 1 << pair;
    }
    let accepting = (0..64u8)
        .filter(|&pair| present >> pair & 1 == 1)
        .find(|&pair| system.engine.accepts_subscribe(pair & 0b111));
    let free = accepting.or_else(|| (0..64u8).find(|&pair| present >> pair & 1 == 1));
    let mut others = present;
    if let Some(pair) = free {
        if held[usize::from(pair)] == 1 {
            others &= !(1 << pair);
        }
    }
    Situation {
        stimulus: 0,
        shared: state.0[0] & ((1 << 20) - 1),
        others,
        free: free.unwrap_or(u8::MAX),
    }
}

fn look(system: &System, before: Packed, stimulus: SystemStimulus, log: &mut Log) -> Seen {
    log.deliveries.clear();
    let result = system.step_observed(before, stimulus, log);
    let edge = Edge {
        before,
        stimulus,
        result: &result,
        log: &log.deliveries,
    };
    let mut seen = Seen {
        premise: 0,
        violated: 0,
        diverged: result.diverged,
    };
    for p in 0..TRANSITION_PROPERTIES {
        let j = judge(system, p, &edge);
        seen.premise |= u32::from(j.premise) << p;
        seen.violated |= u32::from(j.violated) << p;
    }
    seen
}

/// Decides every property on an explored graph whose nodes decode to system states.
fn decide<S: Copy + Eq + std::hash::Hash + std::fmt::Debug>(
    system: &System,
    limits: Limits,
    graph: &Exploration<S, SystemStimulus>,
    state_of: impl Fn(S) -> Packed,
    started: Instant,
) -> Report {
    let mut verdicts = Vec::with_capacity(PROPERTIES.len());
    let complete = graph.completeness == Completeness::Complete;
    let memo = system.engine.pair_local;

    // Transition properties and divergence, in breadth-first order.
    let mut first: [Option<(NodeIndex, SystemStimulus)>; TRANSITION_PROPERTIES] =
        [None; TRANSITION_PROPERTIES];
    let mut premise = [false; TRANSITION_PROPERTIES];
    let mut diverged: Option<(NodeIndex, SystemStimulus)> = None;
    let mut log = Log {
        deliveries: Vec::with_capacity(64),
        wired: vec![false; system.wiring_rows().len()],
    };
    let mut seen: HashMap<Situation, Seen, FastHash> = HashMap::with_hasher(FastHash);
    for node in graph.graph.node_indices() {
        let before = state_of(graph.graph[node]);
        let here = if memo {
            situation(system, before)
        } else {
            Situation {
                stimulus: 0,
                shared: 0,
                others: 0,
                free: 0,
            }
        };
        for &stimulus in System::stimuli() {
            let found = if memo {
                let situation = Situation {
                    stimulus: stimulus.index() as u8,
                    ..here
                };
                *seen
                    .entry(situation)
                    .or_insert_with(|| look(system, before, stimulus, &mut log))
            } else {
                look(system, before, stimulus, &mut log)
            };
            if found.diverged && diverged.is_none() {
                diverged = Some((node, stimulus));
            }
            for (p, slot) in first.iter_mut().enumerate() {
                premise[p] |= found.premise >> p & 1 == 1;
                if found.violated >> p & 1 == 1 && slot.is_none() {
                    *slot = Some((node, stimulus));
                }
            }
        }
    }
    let mut confirmer = Confirmer {
        system,
        symmetry: limits.symmetry,
        internal_errors: Vec::new(),
    };
    for p in 0..TRANSITION_PROPERTIES {
        let status = match first[p] {
            Some((node, stimulus)) => {
                let mut stimuli = graph.path(node);
                stimuli.push(stimulus);
                let last = stimuli.len() - 1;
                let summary = format!(
                    "{} violated at step {} ({stimulus})",
                    PROPERTIES[p].name,
                    last + 1
                );
                confirmer.violated(p, Witness::Step(stimuli), summary, &[last])
            }
            None => settle(complete, premise[p]),
        };
        verdicts.push(Verdict {
            property: &PROPERTIES[p],
            status,
        });
    }
    verdicts.push(Verdict {
        property: &PROPERTIES[NO_DEADLOCK],
        status: deadlock(&mut confirmer, graph, &state_of, diverged, complete),
    });
    verdicts.push(Verdict {
        property: &PROPERTIES[RECOVERY],
        status: recovery(&mut confirmer, graph, &state_of, complete),
    });
    Report {
        config: *system.config(),
        symmetry: limits.symmetry,
        states: graph.graph.node_count(),
        transitions: graph.graph.edge_count(),
        depth: graph.max_depth(),
        completeness: graph.completeness,
        memory: graph.bytes(),
        verdicts,
        elapsed: started.elapsed(),
        wiring_fired: log.wired,
        internal_errors: confirmer.internal_errors,
    }
}

/// Turns witnesses into verdicts, confirming each one first.
struct Confirmer<'a> {
    system: &'a System,
    symmetry: bool,
    internal_errors: Vec<String>,
}

impl Confirmer<'_> {
    /// [`Status::Violated`] with the witness as a trace (expectations at the steps in
    /// `expect_at`) when [`confirm::confirm`] accepts it; else [`Status::Unknown`], and the
    /// fault is noted.
    fn violated(
        &mut self,
        property: usize,
        witness: Witness,
        summary: String,
        expect_at: &[usize],
    ) -> Status {
        let name = PROPERTIES[property].name;
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

/// The deliveries of one macro-step and the wiring rows fired so far.
struct Log {
    deliveries: Vec<Delivery>,
    wired: Vec<bool>,
}

impl super::Observer for Log {
    fn delivered(&mut self, delivery: &Delivery) {
        self.deliveries.push(*delivery);
    }
    fn wired(&mut self, row: usize) {
        if let Some(fired) = self.wired.get_mut(row) {
            *fired = true;
        }
    }
}

fn settle(complete: bool, premise: bool) -> Status {
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
/// final. A frontier state has no edges because it was never expanded: it is no evidence.
fn deadlock<S: Copy + Eq + std::hash::Hash + std::fmt::Debug>(
    confirmer: &mut Confirmer<'_>,
    graph: &Exploration<S, SystemStimulus>,
    state_of: &impl Fn(S) -> Packed,
    diverged: Option<(NodeIndex, SystemStimulus)>,
    complete: bool,
) -> Status {
    if let Some((node, stimulus)) = diverged {
        let mut stimuli = graph.path(node);
        stimuli.push(stimulus);
        let last = stimuli.len() - 1;
        let summary = format!(
            "the macro-step of {stimulus} at step {} does not settle",
            last + 1
        );
        return confirmer.violated(NO_DEADLOCK, Witness::Diverges(stimuli), summary, &[last]);
    }
    let terminated = idx(LocalEndpointState::Terminated);
    let mut finals = false;
    for node in graph.graph.node_indices() {
        let state = state_of(graph.graph[node]);
        let is_final = get(state, ENDPOINT) == terminated;
        finals |= is_final;
        if !graph.expanded(node) {
            continue;
        }
        let moves = graph
            .graph
            .edges(node)
            .any(|edge| !edge.weight().is_world_toggle());
        if !moves && !is_final {
            let stimuli = graph.path(node);
            let at: Vec<usize> = stimuli.len().checked_sub(1).into_iter().collect();
            let summary = format!(
                "after {} steps only the world can move the system, and the endpoint is not \
                 Terminated",
                stimuli.len()
            );
            return confirmer.violated(NO_DEADLOCK, Witness::Stuck(stimuli), summary, &at);
        }
    }
    settle(complete, finals)
}

/// How often a lasso's cycle is repeated at most to come back to exactly its first state
/// (with symmetry on it comes back to the same class; the views' permutation has an order
/// of at most a few hundred for the views a system holds).
const CLOSE_CYCLE: usize = 10_000;

/// `recovery_after_outage`: a fair trap among expanded states where recovery is pending
/// ([`Exploration::fair_trap`] leaves the frontier out), as a confirmed lasso.
fn recovery<S: Copy + Eq + std::hash::Hash + std::fmt::Debug>(
    confirmer: &mut Confirmer<'_>,
    graph: &Exploration<S, SystemStimulus>,
    state_of: &impl Fn(S) -> Packed,
    complete: bool,
) -> Status {
    let system = confirmer.system;
    let region = |node: NodeIndex| {
        let state = state_of(graph.graph[node]);
        stable_world(system, state) && recovering(system, state)
    };
    let witnessed = graph.graph.node_indices().any(region);
    match graph.fair_trap(region, |s| !excluded_after_recovery(*s), |s| fair(*s)) {
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
            confirmer.violated(RECOVERY, witness, summary, &at)
        }
        None => settle(complete, witnessed),
    }
}
