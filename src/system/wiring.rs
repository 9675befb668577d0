//! The wiring as data: what each system stimulus does first ([`StimulusRow`]s) and which
//! component reacts to which internal change ([`WiringRow`]s).
//!
//! Names of states and stimuli are the machines' own (strum) names; [`super::System::new`]
//! resolves them against every component kind they can apply to (a trigger's source
//! kinds, a reaction's target kinds, a guard's target or source kinds) and refuses a name
//! that one of them lacks, so a typo cannot silently disconnect a reaction for some kinds.
//! A guard on the target's or source's state where there is none (a precondition, a
//! stimulus row's source) is refused too.

use serde::Serialize;

use super::SystemStimulus;

/// Which component changed (the source of a [`WiringRow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// The SipEndpoint registration.
    Registration,
    /// The LocalEndpoint.
    Endpoint,
    /// An owner of a subscription: LocalOwnerPresence, ContactGroupServices or a remote
    /// presence view (matched by state and stimulus name, which they share).
    Owner,
    /// A SipSubscription under an owner.
    Subscription,
}

/// The change that fires a [`WiringRow`]: a row of the source's table that moved it
/// (ignored and rejected stimuli fire nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// The kind of component.
    pub source: Source,
    /// The stimulus that moved it; `None` for any.
    pub on: Option<&'static str>,
    /// The state it moved to; `None` for any.
    pub to: Option<&'static str>,
}

/// Who receives a reaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    /// The registration.
    Registration,
    /// The endpoint.
    Endpoint,
    /// LocalOwnerPresence.
    LocalOwnerPresence,
    /// ContactGroupServices (absent for application endpoints, AF-CGS).
    ContactGroupServices,
    /// The remote view that can subscribe: among the views whose table accepts
    /// `BeginSubscribe`, the one with the least (view, subscription) state pair; if none
    /// accepts, the least pair (which then rejects). Invariant under permuting views.
    FreeView,
    /// The owner of the source subscription.
    Owner,
    /// The subscription of the source owner.
    Subscription,
    /// Every owner, in order: LocalOwnerPresence, ContactGroupServices, the views.
    Owners,
    /// Every owner's subscription, in the same order.
    Subscriptions,
}

// Declared in a private module and re-exported, so that strum's iterator type is not
// named API: iterate with `IntoEnumIterator::iter` (docs/DECISIONS.md, "Code layout").
mod symbols {
    #[allow(unused_imports)]
    use super::*;

    /// A request the world answers (see `super::world::reply`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter, strum::EnumCount)]
    pub enum Request {
        /// A REGISTER to the registrar.
        Register,
        /// A REGISTER refresh.
        Refresh,
        /// An un-REGISTER.
        Unregister,
        /// The registrar's view of User Services: a NOTIFY when the pool is unresponsive.
        UserServicesStatus,
        /// A SUBSCRIBE.
        Subscribe,
        /// A SUBSCRIBE refresh.
        SubscriptionRefresh,
        /// An un-SUBSCRIBE.
        Unsubscribe,
    }
}

pub use symbols::Request;

/// What a reaction does to each target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    /// The application's call: delivered like [`Action::Deliver`], but a rejection
    /// rejects the whole macro-step (the system reports it and changes nothing).
    Call(&'static str),
    /// Delivers a stimulus (by name) to the target.
    Deliver(&'static str),
    /// Sends a request; the world's answer (if any) is delivered to the target.
    Reply(Request),
    /// Replaces a Terminated subscription by a new instance in Idle (AF-SIPSUB: a
    /// terminated instance is not reused).
    Renew,
    /// The pool becomes responsive (`true`) or unresponsive (`false`).
    SetPool(bool),
    /// The registrar connection comes up (`true`) or drops (`false`).
    SetConnection(bool),
}

/// A condition, evaluated when a reaction runs (on the state at that moment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Guard {
    /// Always holds.
    Always,
    /// The pool is responsive.
    PoolUp,
    /// The pool is unresponsive.
    PoolDown,
    /// The registrar connection is up.
    ConnectionUp,
    /// The registrar connection is dropped.
    ConnectionDown,
    /// The registration's (table) state is one of these.
    Registration(&'static [&'static str]),
    /// The endpoint's state is one of these.
    Endpoint(&'static [&'static str]),
    /// The target's state is this.
    Target(&'static str),
    /// The source's state is this.
    Source(&'static str),
    /// The target is a SipSubscription the high-availability rules protect
    /// (`platform && home_pool`, SUB-1, SUB-4).
    TargetProtected,
    /// The endpoint is a user endpoint.
    UserEndpoint,
    /// The guard does not hold.
    Not(&'static Guard),
    /// Every guard holds.
    All(&'static [Guard]),
}

/// One reaction: an action for each resolved target where the guard holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reaction {
    /// Who.
    pub target: Target,
    /// What.
    pub action: Action,
    /// When (per target).
    pub when: Guard,
}

/// What a system stimulus does, before any internal reaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StimulusRow {
    /// The system stimulus.
    pub on: SystemStimulus,
    /// A precondition. When it fails, an application call is rejected with
    /// `InvalidOperationException`; a world event or timer does nothing.
    pub requires: Guard,
    /// The reactions, in order.
    pub then: &'static [Reaction],
    /// The clause and fact IDs the row rests on.
    pub clauses: &'static [&'static str],
}

/// Which component reacts to which internal change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WiringRow {
    /// The change.
    pub on: Trigger,
    /// The reactions, in order; each runs to completion (depth first) before the next.
    pub then: &'static [Reaction],
    /// The clause and fact IDs the row rests on.
    pub clauses: &'static [&'static str],
}

const fn to(target: Target, action: Action) -> Reaction {
    Reaction {
        target,
        action,
        when: Guard::Always,
    }
}

const fn when(target: Target, action: Action, guard: Guard) -> Reaction {
    Reaction {
        target,
        action,
        when: guard,
    }
}

const fn on(
    source: Source,
    stimulus: Option<&'static str>,
    state: Option<&'static str>,
) -> Trigger {
    Trigger {
        source,
        on: stimulus,
        to: state,
    }
}

use Action::{Call, Deliver, Renew, Reply, SetConnection, SetPool};
use Target::*;

/// The registration's states that count as registered (AF-PUB).
pub(crate) const REGISTERED: &[&str] = &[
    "RegisteredUserServicesUnknown",
    "Registered",
    "RegisteredUserServicesUnavailable",
];
/// The endpoint states in which sessions may subscribe.
pub(crate) const USABLE: &[&str] = &["Established", "Draining"];
const USERVICES_DOWN: &[&str] = &["RegisteredUserServicesUnavailable"];
/// Registered, and no outage reported after the REGISTER (SVC-1: nothing known).
const NOT_REPORTED_DOWN: &[&str] = &["RegisteredUserServicesUnknown"];

/// What each system stimulus does (one row per stimulus, in [`SystemStimulus`] order).
pub static STIMULUS_ROWS: &[StimulusRow] = &[
    StimulusRow {
        on: SystemStimulus::BeginEstablish,
        requires: Guard::Always,
        then: &[to(Endpoint, Call("BeginEstablish"))],
        clauses: &["AF-LEP-T"],
    },
    StimulusRow {
        on: SystemStimulus::BeginTerminate,
        requires: Guard::Always,
        then: &[to(Endpoint, Call("BeginTerminate"))],
        clauses: &["AF-LEP-T"],
    },
    StimulusRow {
        on: SystemStimulus::BeginDrain,
        requires: Guard::Always,
        then: &[to(Endpoint, Call("BeginDrain"))],
        clauses: &["AF-DRAIN"],
    },
    StimulusRow {
        on: SystemStimulus::SubscribePresence,
        requires: Guard::Endpoint(USABLE),
        then: &[to(LocalOwnerPresence, Call("BeginSubscribe"))],
        clauses: &["AF-PSS", "AF-PUB"],
    },
    StimulusRow {
        on: SystemStimulus::PublishPresence,
        requires: Guard::Registration(REGISTERED),
        then: &[to(LocalOwnerPresence, Call("BeginPublishPresence"))],
        clauses: &["AF-PUB", "PRES-2", "D6"],
    },
    StimulusRow {
        on: SystemStimulus::SubscribeContactGroups,
        requires: Guard::All(&[Guard::UserEndpoint, Guard::Endpoint(USABLE)]),
        then: &[to(ContactGroupServices, Call("BeginSubscribe"))],
        clauses: &["AF-CGS", "AF-PSS"],
    },
    StimulusRow {
        on: SystemStimulus::AddContact,
        requires: Guard::All(&[Guard::UserEndpoint, Guard::Registration(REGISTERED)]),
        then: &[to(ContactGroupServices, Call("BeginAddContact"))],
        clauses: &["AF-CGS", "PRES-2", "D6"],
    },
    StimulusRow {
        on: SystemStimulus::SubscribeRemotePresence,
        requires: Guard::Endpoint(USABLE),
        then: &[to(FreeView, Call("BeginSubscribe"))],
        clauses: &["AF-RPSS"],
    },
    StimulusRow {
        on: SystemStimulus::PoolFails,
        requires: Guard::PoolUp,
        then: &[
            to(Registration, SetPool(false)),
            to(Registration, Reply(Request::UserServicesStatus)),
        ],
        clauses: &["REG-1", "PRES-1"],
    },
    StimulusRow {
        on: SystemStimulus::PoolRecovers,
        requires: Guard::PoolDown,
        then: &[to(Registration, SetPool(true))],
        clauses: &["REG-3", "PRES-4"],
    },
    StimulusRow {
        on: SystemStimulus::ConnectionDrops,
        requires: Guard::ConnectionUp,
        then: &[
            to(Registration, SetConnection(false)),
            to(Registration, Deliver("ConnectionDropped")),
        ],
        clauses: &["AF-DROP"],
    },
    StimulusRow {
        on: SystemStimulus::ConnectionRestores,
        requires: Guard::ConnectionDown,
        then: &[
            to(Registration, SetConnection(true)),
            when(
                Registration,
                Deliver("BeginRegister"),
                Guard::All(&[
                    Guard::Registration(&["Unregistered"]),
                    Guard::Endpoint(&["Reestablishing", "Draining"]),
                ]),
            ),
        ],
        clauses: &["AF-LEP-T", "AF-DROP", "AF-DRAIN", "AF-LESR"],
    },
    StimulusRow {
        on: SystemStimulus::OwnerDisabled,
        requires: Guard::All(&[Guard::ConnectionUp, Guard::Registration(REGISTERED)]),
        then: &[
            to(Subscriptions, Deliver("NotifyTerminated")),
            to(Registration, Deliver("RegistrarNotifyDeregistered")),
        ],
        clauses: &["LARG-4", "AF-6665", "PRES-3"],
    },
    StimulusRow {
        on: SystemStimulus::TooManyEndpoints,
        requires: Guard::All(&[Guard::ConnectionUp, Guard::Registration(REGISTERED)]),
        then: &[to(
            Registration,
            Deliver("RegistrarNotifyTooManyActiveEndpoints"),
        )],
        clauses: &["LARG-4", "AF-RTR"],
    },
    StimulusRow {
        on: SystemStimulus::RegistrationRefreshDue,
        requires: Guard::Always,
        then: &[to(Registration, Deliver("RefreshDue"))],
        clauses: &["REG-3", "AF-DROP"],
    },
    StimulusRow {
        on: SystemStimulus::SubscriptionRefreshDue,
        requires: Guard::Always,
        then: &[to(Subscriptions, Deliver("RefreshDue"))],
        clauses: &["AF-SIPSUB", "SUB-3"],
    },
    StimulusRow {
        on: SystemStimulus::RetryTimerFires,
        requires: Guard::Always,
        then: &[
            when(
                Subscriptions,
                Deliver("RetryTimerFired"),
                Guard::Not(&Guard::Registration(USERVICES_DOWN)),
            ),
            when(
                Subscriptions,
                Deliver("RetryTimerFiredUserServicesUnavailable"),
                Guard::Registration(USERVICES_DOWN),
            ),
        ],
        clauses: &["SUB-2", "SUB-4", "AF-SIPSUB"],
    },
];

/// Which component reacts to which internal change.
pub static WIRING_ROWS: &[WiringRow] = &[
    // Registration: the registrar's answers and NOTIFYs, and what they mean for the rest.
    WiringRow {
        on: on(
            Source::Registration,
            Some("BeginRegister"),
            Some("Registering"),
        ),
        then: &[to(Registration, Reply(Request::Register))],
        clauses: &["AF-RS"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("RegisterOk"),
            Some("RegisteredUserServicesUnknown"),
        ),
        then: &[
            to(Endpoint, Deliver("RegistrationRefreshOk")),
            to(Endpoint, Deliver("EstablishOk")),
            to(Registration, Reply(Request::UserServicesStatus)),
            when(
                Owners,
                Deliver("PoolRecovered"),
                Guard::Registration(NOT_REPORTED_DOWN),
            ),
            when(
                Subscriptions,
                Deliver("PoolRecovered"),
                Guard::Registration(NOT_REPORTED_DOWN),
            ),
        ],
        clauses: &["AF-LEP-T", "REG-1", "PRES-4", "SUB-2", "SVC-1"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("ConnectionDropped"),
            Some("Unregistered"),
        ),
        then: &[
            to(Endpoint, Deliver("ServerDiscoveryFailed")),
            to(Endpoint, Deliver("ConnectionDropped")),
        ],
        clauses: &["AF-DROP", "AF-LEP-T", "AF-LESR", "D5", "LARG-1"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("ConnectionDropped"),
            Some("RegisteredUserServicesUnknown"),
        ),
        then: &[to(Registration, Reply(Request::Refresh))],
        clauses: &["AF-DROP"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("ConnectionDropped"),
            Some("Registered"),
        ),
        then: &[to(Registration, Reply(Request::Refresh))],
        clauses: &["AF-DROP"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("ConnectionDropped"),
            Some("RegisteredUserServicesUnavailable"),
        ),
        then: &[to(Registration, Reply(Request::Refresh))],
        clauses: &["AF-DROP"],
    },
    WiringRow {
        on: on(Source::Registration, Some("RefreshDue"), None),
        then: &[to(Registration, Reply(Request::Refresh))],
        clauses: &["REG-3", "AF-DROP"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("RefreshFailed"),
            Some("Unregistered"),
        ),
        then: &[to(Endpoint, Deliver("RegistrationRefreshFailed"))],
        clauses: &["LARG-4", "AF-LEP-T"],
    },
    WiringRow {
        on: on(Source::Registration, Some("RefreshOk"), Some("Registered")),
        then: &[
            to(Owners, Deliver("PoolRecovered")),
            to(Subscriptions, Deliver("PoolRecovered")),
        ],
        clauses: &["REG-3", "PRES-4", "RP-1", "SUB-2"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("RegistrarNotifyUserServicesUnavailable"),
            Some("RegisteredUserServicesUnavailable"),
        ),
        then: &[
            to(Endpoint, Deliver("RegistrarNotifyUnknown")),
            to(Owners, Deliver("PoolOffline")),
        ],
        clauses: &["PRES-1", "RP-1", "REG-1", "LARG-3", "LARG-4", "D1"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("RegistrarNotifyDeregistered"),
            Some("Unregistered"),
        ),
        then: &[to(Endpoint, Deliver("OwnerDisabledOrRemoved"))],
        clauses: &["LARG-4"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("RegistrarNotifyTooManyActiveEndpoints"),
            Some("Unregistered"),
        ),
        then: &[to(Endpoint, Deliver("TooManyActiveEndpoints"))],
        clauses: &["LARG-4"],
    },
    WiringRow {
        on: on(
            Source::Registration,
            Some("BeginUnregister"),
            Some("Unregistering"),
        ),
        then: &[to(Registration, Reply(Request::Unregister))],
        clauses: &["AF-RS"],
    },
    // Endpoint: establishing registers; terminating unregisters and ends every session.
    WiringRow {
        on: on(
            Source::Endpoint,
            Some("BeginEstablish"),
            Some("Establishing"),
        ),
        then: &[to(Registration, Deliver("BeginRegister"))],
        clauses: &["AF-LEP-T"],
    },
    WiringRow {
        on: on(Source::Endpoint, None, Some("Terminating")),
        then: &[
            to(Registration, Deliver("BeginUnregister")),
            to(Owners, Deliver("BeginUnsubscribe")),
            to(Endpoint, Deliver("TerminateCompleted")),
        ],
        clauses: &["AF-LEP-T", "AF-PSS"],
    },
    // Owners: subscribing drives the SipSubscription underneath; unsubscribing ends it.
    WiringRow {
        on: on(Source::Owner, None, Some("Subscribing")),
        then: &[
            when(Subscription, Renew, Guard::Target("Terminated")),
            when(
                Subscription,
                Deliver("BeginSubscribe"),
                Guard::Target("Idle"),
            ),
            when(
                Subscription,
                Deliver("BeginRefresh"),
                Guard::Target("Subscribed"),
            ),
        ],
        clauses: &["PRES-4", "AF-SIPSUB", "AF-PSS"],
    },
    WiringRow {
        on: on(Source::Owner, Some("BeginUnsubscribe"), None),
        then: &[to(Subscription, Deliver("BeginTerminate"))],
        clauses: &["AF-PSS", "AF-SIPSUB"],
    },
    // SipSubscriptions: the server answers; the owner hears of the outcome.
    WiringRow {
        on: on(Source::Subscription, None, Some("Subscribing")),
        then: &[to(Subscription, Reply(Request::Subscribe))],
        clauses: &["AF-SSS"],
    },
    WiringRow {
        on: on(
            Source::Subscription,
            Some("SubscribeOk"),
            Some("Subscribed"),
        ),
        then: &[to(Owner, Deliver("SubscribeOk"))],
        clauses: &["AF-CSS", "PRES-4"],
    },
    WiringRow {
        on: on(Source::Subscription, Some("RefreshDue"), Some("Subscribed")),
        then: &[to(Subscription, Reply(Request::SubscriptionRefresh))],
        clauses: &["AF-SIPSUB", "SUB-3"],
    },
    WiringRow {
        on: on(
            Source::Subscription,
            Some("BeginRefresh"),
            Some("Subscribed"),
        ),
        then: &[
            to(Subscription, Reply(Request::SubscriptionRefresh)),
            when(Owner, Deliver("SubscribeOk"), Guard::Source("Subscribed")),
        ],
        clauses: &["PRES-4", "AF-SIPSUB"],
    },
    WiringRow {
        on: on(
            Source::Subscription,
            Some("SubscribeFailed"),
            Some("WaitingForRetry"),
        ),
        then: &[when(
            Owner,
            Deliver("PoolOffline"),
            Guard::Registration(USERVICES_DOWN),
        )],
        clauses: &["PRES-1", "RP-1"],
    },
    WiringRow {
        on: on(Source::Subscription, None, Some("Terminating")),
        then: &[to(Subscription, Reply(Request::Unsubscribe))],
        clauses: &["AF-SSS"],
    },
    WiringRow {
        on: on(Source::Subscription, None, Some("Terminated")),
        then: &[to(Owner, Deliver("UnderlyingSubscriptionTerminated"))],
        clauses: &["PRES-3", "RP-1"],
    },
    WiringRow {
        on: on(
            Source::Subscription,
            Some("TerminateCompleted"),
            Some("Terminated"),
        ),
        then: &[to(Owner, Deliver("UnsubscribeOk"))],
        clauses: &["AF-PSS"],
    },
];

fn node_of_source(source: Source) -> &'static str {
    match source {
        Source::Registration => "registration",
        Source::Endpoint => "local_endpoint",
        Source::Owner => "owner",
        Source::Subscription => "subscription",
    }
}

fn node_of_target(target: Target) -> &'static str {
    match target {
        Target::Registration => "registration",
        Target::Endpoint => "local_endpoint",
        Target::LocalOwnerPresence | Target::ContactGroupServices | Target::FreeView => "owner",
        Target::Owner | Target::Owners => "owner",
        Target::Subscription | Target::Subscriptions => "subscription",
    }
}

fn action_label(action: &Action) -> String {
    match action {
        Action::Call(name) => format!("call {name}"),
        Action::Deliver(name) => (*name).to_owned(),
        Action::Reply(request) => format!("{request:?} answered"),
        Action::Renew => "new instance".to_owned(),
        Action::SetPool(up) => format!("pool {}", if *up { "up" } else { "down" }),
        Action::SetConnection(up) => format!("connection {}", if *up { "up" } else { "down" }),
    }
}

fn guard_label(guard: &Guard) -> String {
    match guard {
        Guard::Always => String::new(),
        Guard::Not(inner) => format!("not({})", guard_label(inner)),
        Guard::All(inner) => inner
            .iter()
            .map(guard_label)
            .collect::<Vec<_>>()
            .join(" and "),
        other => format!("{other:?}"),
    }
}

fn escape(text: &str) -> String {
    text.replace('"', "#quot;")
}

/// Draws the wiring as a Mermaid flowchart: one edge per reaction, from the stimulus or
/// changed component to the component that reacts, labelled with the trigger, the action
/// and its guard, in row order (so the output is stable).
///
/// # Examples
/// ```
/// use ucma_ha::system::wiring::{mermaid, STIMULUS_ROWS, WIRING_ROWS};
/// let chart = mermaid(&STIMULUS_ROWS, &WIRING_ROWS);
/// assert!(chart.starts_with("flowchart LR"));
/// assert!(chart.contains("registration -->|\"RegistrarNotifyUserServicesUnavailable"));
/// ```
pub fn mermaid(stimulus_rows: &[StimulusRow], wiring_rows: &[WiringRow]) -> String {
    let mut out = String::from("flowchart LR\n");
    for row in stimulus_rows {
        let from = if row.on.is_application() {
            "application"
        } else if row.on.is_timer() {
            "timers"
        } else {
            "world"
        };
        for reaction in row.then {
            let to = match reaction.action {
                Action::SetPool(_) | Action::SetConnection(_) => "world",
                _ => node_of_target(reaction.target),
            };
            let mut label = format!("{}: {}", row.on, action_label(&reaction.action));
            let guard = guard_label(&reaction.when);
            if !guard.is_empty() {
                label.push_str(&format!(" [{guard}]"));
            }
            out.push_str(&format!("    {from} -->|\"{}\"| {to}\n", escape(&label)));
        }
    }
    for row in wiring_rows {
        let from = node_of_source(row.on.source);
        for reaction in row.then {
            let to = node_of_target(reaction.target);
            let mut label = format!(
                "{} to {}: {}",
                row.on.on.unwrap_or("any"),
                row.on.to.unwrap_or("any"),
                action_label(&reaction.action)
            );
            let guard = guard_label(&reaction.when);
            if !guard.is_empty() {
                label.push_str(&format!(" [{guard}]"));
            }
            out.push_str(&format!("    {from} -->|\"{}\"| {to}\n", escape(&label)));
        }
    }
    out
}
