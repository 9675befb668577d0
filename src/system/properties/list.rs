//! Every property of the system, each with the judgement that decides it: read one entry
//! of [`PROPERTIES`] to know what the checker checks. A property reads the system through
//! [`ComponentStates`] and typed deliveries ([`Delivery::stimulus`], ...), never through
//! the packed layout.

use serde::Serialize;

use super::spin::{SpinCondition, SpinModel};
use super::{Finding, MacroStep};
use crate::local_endpoint::EndpointKind;
use crate::presence::{ContactGroupServicesStimulus, LocalOwnerPresenceStimulus};
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::remote_presence::RemotePresenceStimulus;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::system::view::{ComponentStates, OwnerState};
use crate::system::{Delivery, DeliveryOutcome, Kind, SystemError, SystemStimulus};
use crate::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState, RegistrationTransitionReason,
    RemotePresentitySubscriptionState as Rpss, ServiceState, SubscriptionSignalingState as Sss,
};
use crate::Event;

mod spin;

/// Safety or liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PropertyKind {
    /// Nothing bad happens (judged on transitions or states).
    Safety,
    /// Something good eventually happens (judged on components under fairness).
    Liveness,
}

/// How a property is decided on the explored graph.
#[derive(Debug, Clone, Copy)]
pub enum Judgement {
    /// A safety property judged on every macro-step (every stored state x every
    /// stimulus), with the step's deliveries in view.
    Step(fn(&MacroStep<'_>) -> Finding),
    /// Every macro-step settles, and an expanded state that only the world's toggles move
    /// is final.
    Settles {
        /// Whether a state is final (nothing is expected to move it).
        is_final: fn(&ComponentStates<'_>) -> bool,
    },
    /// Under fairness, the goal is not pending forever where the premise holds: decided
    /// on the strongly connected components of the expanded states.
    Eventually(Liveness),
}

/// The parts of a liveness property.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    /// Where the property speaks (the world it assumes).
    pub premise: fn(&ComponentStates<'_>) -> bool,
    /// Whether the goal is still pending in a state.
    pub pending: fn(&ComponentStates<'_>) -> bool,
    /// The stimuli assumed not to happen any more.
    pub excluded: fn(SystemStimulus) -> bool,
    /// The stimuli taken infinitely often when enabled infinitely often.
    pub fair: fn(SystemStimulus) -> bool,
}

/// A named property of the system, with its judgement.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Property {
    /// A stable name (`snake_case`).
    pub name: &'static str,
    /// The clause and fact IDs it checks.
    pub clauses: &'static [&'static str],
    /// Safety or liveness.
    pub kind: PropertyKind,
    /// What it says.
    pub statement: &'static str,
    /// How it is decided.
    #[serde(skip)]
    pub judgement: Judgement,
    /// The same judgement as a condition in the Promela model (`export promela`); `None`
    /// when the configuration leaves nothing to check.
    #[serde(skip)]
    pub spin: fn(&dyn SpinModel) -> Result<Option<SpinCondition>, SystemError>,
}

impl PartialEq for Property {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Property {}

/// Every property, in the order they are reported.
pub static PROPERTIES: &[Property] = &[
    Property {
        name: "no_publish_in_waiting_for_retry",
        clauses: &["PRES-2", "AF-PUB", "AF-CGS", "D6"],
        kind: PropertyKind::Safety,
        statement: "LocalOwnerPresence and ContactGroupServices never accept a publish or \
                    contact operation while in WaitingForRetry",
        judgement: Judgement::Step(no_publish_in_waiting_for_retry),
        spin: spin::no_publish_in_waiting_for_retry,
    },
    Property {
        name: "operations_need_subscription_and_registration",
        clauses: &["AF-PUB", "AF-CGS", "D6"],
        kind: PropertyKind::Safety,
        statement: "PublishPresence is accepted only when LocalOwnerPresence is Subscribed \
                    (or, for an application endpoint, Idle) and the endpoint registered; \
                    AddContact only in Idle or Subscribed and registered",
        judgement: Judgement::Step(operations_need_subscription_and_registration),
        spin: spin::operations_need_subscription_and_registration,
    },
    Property {
        name: "home_subscription_survives_unresponsive_pool",
        clauses: &["SUB-3", "SUB-4", "SUB-1"],
        kind: PropertyKind::Safety,
        statement: "a time-out never terminates a platform SipSubscription to the home pool",
        judgement: Judgement::Step(home_subscription_survives_unresponsive_pool),
        spin: spin::home_subscription_survives_unresponsive_pool,
    },
    Property {
        name: "underlying_termination_never_idles_owner",
        clauses: &["PRES-3", "RP-1"],
        kind: PropertyKind::Safety,
        statement: "an underlying SipSubscription's Terminated never moves LocalOwnerPresence, \
                    ContactGroupServices or a home-pool view to Idle",
        judgement: Judgement::Step(underlying_termination_never_idles_owner),
        spin: spin::underlying_termination_never_idles_owner,
    },
    Property {
        name: "outage_and_healing_event_args",
        clauses: &["REG-1", "REG-2", "REG-3", "D2", "D4", "SVC-1", "AF-SVC"],
        kind: PropertyKind::Safety,
        statement: "the outage NOTIFY raises RegistrationStateChanged, and every such event for \
                    an outage has Reason None and UserServicesState Unavailable; the healing \
                    refresh raises Reason RegisterationRefresh and Available; a REGISTER's \
                    200 OK, which tells nothing of the pool, reports Unknown",
        judgement: Judgement::Step(outage_and_healing_event_args),
        spin: spin::outage_and_healing_event_args,
    },
    Property {
        name: "no_retry_while_user_services_unavailable",
        clauses: &["SUB-2", "SUB-4"],
        kind: PropertyKind::Safety,
        statement: "no protected SipSubscription retries while the registration reports User \
                    Services Unavailable",
        judgement: Judgement::Step(no_retry_while_user_services_unavailable),
        spin: spin::no_retry_while_user_services_unavailable,
    },
    Property {
        name: "terminated_is_final",
        clauses: &["AF-SIPSUB", "AF-LES"],
        kind: PropertyKind::Safety,
        statement: "nothing moves the endpoint or a SipSubscription out of Terminated (a new \
                    SipSubscription instance may replace a terminated one)",
        judgement: Judgement::Step(terminated_is_final),
        spin: spin::terminated_is_final,
    },
    Property {
        name: "no_deadlock",
        clauses: &["AF-LES", "AF-LEP-T"],
        kind: PropertyKind::Safety,
        statement: "every macro-step settles, and a state that only the world's pool and \
                    connection changes can move is final (endpoint Terminated)",
        judgement: Judgement::Settles {
            is_final: endpoint_terminated,
        },
        spin: spin::endpoint_terminated,
    },
    Property {
        name: "recovery_after_outage",
        clauses: &["PRES-4", "RP-1", "REG-3", "SUB-2"],
        kind: PropertyKind::Liveness,
        statement: "with the pool back and the connection up, and the application not \
                    terminating, every home-pool subscription returns to Subscribed and the \
                    registration stops reporting User Services Unavailable, draining or not, \
                    under fairness of the world's recovery and the timers",
        judgement: Judgement::Eventually(Liveness {
            premise: world_up,
            pending: recovery_pending,
            excluded: excluded_after_recovery,
            fair: fair_after_recovery,
        }),
        spin: spin::recovery_after_outage,
    },
];

/// The property named `name`.
pub fn property(name: &str) -> Option<&'static Property> {
    PROPERTIES.iter().find(|property| property.name == name)
}

/// PRES-2, AF-PUB, AF-CGS, D6: a publish or contact operation delivered in
/// WaitingForRetry is rejected.
fn no_publish_in_waiting_for_retry(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    for d in edge.log {
        let operation = match d.kind {
            Kind::LocalOwnerPresence => {
                d.stimulus() == LocalOwnerPresenceStimulus::BeginPublishPresence
            }
            Kind::ContactGroupServices => {
                d.stimulus() == ContactGroupServicesStimulus::BeginAddContact
            }
            _ => false,
        };
        if operation && d.from_state() == Css::WaitingForRetry {
            found.add(true, d.outcome != DeliveryOutcome::Rejected);
        }
    }
    found
}

/// AF-PUB, AF-CGS, D6: the application's publish and contact calls are accepted only in
/// the states that allow them.
fn operations_need_subscription_and_registration(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    let accepted = edge.result.rejected.is_none();
    let before = edge.before();
    match edge.stimulus {
        SystemStimulus::PublishPresence => {
            // AF-PUB: only a user endpoint must subscribe before publishing.
            let lop = before.local_owner_presence();
            let application = edge.system.config().endpoint == EndpointKind::Application;
            let allowed = (lop == Css::Subscribed || (application && lop == Css::Idle))
                && before.registered();
            found.add(!allowed, !allowed && accepted);
        }
        SystemStimulus::AddContact => {
            let allowed = before
                .contact_group_services()
                .is_some_and(|cgs| cgs.is_any(&[Css::Subscribed, Css::Idle]))
                && before.registered();
            found.add(!allowed, !allowed && accepted);
        }
        _ => {}
    }
    found
}

/// Whether a delivery goes to a SipSubscription the high-availability rules protect.
fn to_protected_subscription(edge: &MacroStep<'_>, d: &Delivery) -> bool {
    d.to_subscription() && edge.system.protected(d.kind)
}

/// SUB-3, SUB-4, SUB-1: a time-out does not terminate a protected SipSubscription.
fn home_subscription_survives_unresponsive_pool(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    for d in edge.log {
        let timeout = d.stimulus::<SipSubscriptionStimulus>().is_any(&[
            SipSubscriptionStimulus::RefreshFailedPoolUnresponsive,
            SipSubscriptionStimulus::SubscribeFailed,
        ]);
        if to_protected_subscription(edge, d)
            && timeout
            && d.outcome != DeliveryOutcome::Renewed
            && d.from_state().is_any(&[Sss::Subscribed, Sss::Subscribing])
        {
            found.add(
                true,
                d.outcome == DeliveryOutcome::Moved && d.to_state() == Sss::Terminated,
            );
        }
    }
    found
}

/// PRES-3, RP-1: an underlying Terminated never idles an owner (a remote view only when
/// the views go to the home pool).
fn underlying_termination_never_idles_owner(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    for d in edge.log {
        let (underlying, idle, left_idle) = match d.kind {
            Kind::LocalOwnerPresence => (
                d.stimulus() == LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated,
                d.to_state() == Css::Idle,
                d.from_state() != Css::Idle,
            ),
            Kind::ContactGroupServices => (
                d.stimulus() == ContactGroupServicesStimulus::UnderlyingSubscriptionTerminated,
                d.to_state() == Css::Idle,
                d.from_state() != Css::Idle,
            ),
            Kind::RemotePresence if edge.system.views_home() => (
                d.stimulus() == RemotePresenceStimulus::UnderlyingSubscriptionTerminated,
                d.to_state() == Rpss::Idle,
                d.from_state() != Rpss::Idle,
            ),
            _ => (false, false, false),
        };
        if underlying && left_idle {
            found.add(true, d.outcome == DeliveryOutcome::Moved && idle);
        }
    }
    found
}

/// REG-1, REG-2, REG-3, D2, D4, SVC-1, AF-SVC: the arguments of the registration's events
/// around an outage.
fn outage_and_healing_event_args(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    let mut events = Vec::new();
    for d in edge.log {
        if d.kind != Kind::Registration || d.outcome != DeliveryOutcome::Moved {
            continue;
        }
        events.clear();
        edge.system.events_of(d, &mut events);
        let (Some(from), Some(on), Some(to)) =
            (d.from_state().get(), d.stimulus().get(), d.to_state().get())
        else {
            continue;
        };
        if let Some(wrong) = registration_events_wrong(from, on, to, &events) {
            found.add(true, wrong);
        }
    }
    found
}

/// Whether the events of a registration row that moves `from` on `on` to `to` have the
/// wrong arguments (`None` when the row is none the property speaks of): a REGISTER's
/// 200 OK reports Unknown (SVC-1, AF-SVC); an outage reports Reason None and
/// Unavailable, and the outage NOTIFY raises an event (REG-1, REG-2, D2); the healing
/// refresh raises RegisterationRefresh and Available (REG-3, D4).
pub(super) fn registration_events_wrong(
    from: RegistrationStatus,
    on: RegistrationStimulus,
    to: RegistrationStatus,
    events: &[Event],
) -> Option<bool> {
    let down = RegistrationStatus::RegisteredUserServicesUnavailable;
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
    if on == RegistrationStimulus::RegisterOk {
        Some(!args(
            RegistrationTransitionReason::None,
            ServiceState::Unknown,
        ))
    } else if to == down {
        let notify = on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable;
        let ok = args(
            RegistrationTransitionReason::None,
            ServiceState::Unavailable,
        ) && (!notify || !events.is_empty());
        Some(!ok)
    } else if from == down && to == RegistrationStatus::Registered {
        let ok = !events.is_empty()
            && args(
                RegistrationTransitionReason::RegistrationRefresh,
                ServiceState::Available,
            );
        Some(!ok)
    } else {
        None
    }
}

/// SUB-2, SUB-4: no protected SipSubscription moves from WaitingForRetry to Subscribing
/// while the registration reports User Services Unavailable.
fn no_retry_while_user_services_unavailable(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    let before = edge.before();
    if edge.stimulus == SystemStimulus::RetryTimerFires && before.user_services_unavailable() {
        let waiting = before
            .owners()
            .any(|owned| owned.protected && owned.subscription == Sss::WaitingForRetry);
        found.add(waiting, false);
    }
    for d in edge.log {
        if to_protected_subscription(edge, d)
            && d.outcome == DeliveryOutcome::Moved
            && d.from_state() == Sss::WaitingForRetry
            && d.to_state() == Sss::Subscribing
            && edge.states(d.before).user_services_unavailable()
        {
            found.add(true, true);
        }
    }
    found
}

/// AF-SIPSUB, AF-LES: nothing leaves Terminated (but a new SipSubscription instance).
fn terminated_is_final(edge: &MacroStep<'_>) -> Finding {
    let mut found = Finding::default();
    for d in edge.log {
        let (was, stays) = match d.kind {
            Kind::Endpoint => (
                d.from_state() == LocalEndpointState::Terminated,
                d.to_state() == LocalEndpointState::Terminated,
            ),
            _ if d.to_subscription() => (
                d.from_state() == Sss::Terminated,
                d.to_state() == Sss::Terminated,
            ),
            _ => continue,
        };
        if was && d.outcome != DeliveryOutcome::Renewed {
            found.add(true, d.outcome == DeliveryOutcome::Moved && !stays);
        }
    }
    found
}

/// AF-LES, AF-LEP-T: a terminated endpoint is the system's end.
fn endpoint_terminated(states: &ComponentStates<'_>) -> bool {
    states.endpoint() == LocalEndpointState::Terminated
}

/// The premise of `recovery_after_outage`: pool and connection up (draining or not).
pub(super) fn world_up(states: &ComponentStates<'_>) -> bool {
    let world = states.world();
    world.pool_up && world.connection_up
}

/// Whether the goal of `recovery_after_outage` fails: the registration reports User
/// Services Unavailable, or a home-pool owner or protected SipSubscription is waiting or
/// subscribing.
pub(super) fn recovery_pending(states: &ComponentStates<'_>) -> bool {
    let views_home = states.system().views_home();
    states.user_services_unavailable()
        || states.owners().any(|owned| {
            let owner = match owned.owner {
                OwnerState::LocalOwnerPresence(s) | OwnerState::ContactGroupServices(s) => {
                    s.is_any(&[Css::WaitingForRetry, Css::Subscribing])
                }
                OwnerState::RemotePresence(s) => {
                    views_home && s.is_any(&[Rpss::WaitingForRetry, Rpss::Subscribing])
                }
            };
            owner
                || (owned.protected
                    && owned
                        .subscription
                        .is_any(&[Sss::WaitingForRetry, Sss::Subscribing]))
        })
}

/// The stimuli `recovery_after_outage` assumes no longer happen.
pub(super) fn excluded_after_recovery(stimulus: SystemStimulus) -> bool {
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
pub(super) fn fair_after_recovery(stimulus: SystemStimulus) -> bool {
    stimulus.is_timer()
        || matches!(
            stimulus,
            SystemStimulus::PoolRecovers | SystemStimulus::ConnectionRestores
        )
}
