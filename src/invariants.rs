//! The documented behaviour of every machine, as properties of single steps and as
//! documented paths, each citing the clauses and facts it rests on.
//!
//! These properties are written from the seed page and the API facts, not from the tables:
//! they say what a stimulus means (a 200 OK completes a pending request, a NOTIFY of an
//! outage reports `Unavailable`, a call is the only thing that can be refused, ...), so a
//! table that contradicts the documentation breaks one of them. The property tests check
//! them along random runs, [`check_table`] checks them on every reachable step of a table,
//! and the mutation test uses them to judge mutated tables.
//!
//! # Examples
//! ```
//! use ucma_ha::invariants::{check_rows, Documented};
//! use ucma_ha::LocalOwnerPresence;
//!
//! // The model's own table keeps every documented property, for every parameter set.
//! let report = check_rows::<LocalOwnerPresence>(<LocalOwnerPresence as fsm::Machine>::rows());
//! assert!(report.is_ok());
//! ```

use std::collections::VecDeque;
use std::fmt;

use fsm::{Machine, Parameters, Row, Symbol, Table};
use strum::EnumCount;

use crate::events::Event;
use crate::local_endpoint::{EndpointKind, LocalEndpointStimulus};
use crate::presence::Session;
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::remote_presence::RemotePresenceStimulus;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::vocabulary::{
    CollaborationSubscriptionState, LocalEndpointState, LocalEndpointStateTransitionReason,
    RegistrationState, RegistrationTransitionReason, RemotePresentitySubscriptionState,
    RemotePresentitySubscriptionStateTransitionReason, ServiceState, SubscriptionSignalingState,
    SubscriptionStateTransitionReason, TransitionReason,
};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};

/// A documented property that a step broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property's name, e.g. `outage-notify-args`.
    pub property: &'static str,
    /// The clause and fact IDs it rests on.
    pub clauses: &'static [&'static str],
    /// What happened, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.property,
            self.clauses.join(", "),
            self.detail
        )
    }
}

impl std::error::Error for Violation {}

/// One observed step of a machine: where it was, what happened, and what it did.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a, M: Machine> {
    /// The parameters of the instance.
    pub parameters: &'a M::Parameters,
    /// The state before the step.
    pub from: M::State,
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state after the step (equal to `from` when rejected).
    pub to: M::State,
    /// The error, when the stimulus was rejected.
    pub rejected: Option<M::Error>,
    /// The events raised, in order.
    pub events: &'a [Event],
}

impl<M: Machine> Step<'_, M> {
    /// Whether the (table) state changed.
    pub fn changed(&self) -> bool {
        self.from != self.to
    }

    /// Whether the stimulus was accepted.
    pub fn accepted(&self) -> bool {
        self.rejected.is_none()
    }

    fn describe(&self) -> String {
        match self.rejected {
            Some(error) => format!("{} in {} was rejected with {error}", self.on, self.from),
            None => format!(
                "{} in {} led to {} raising {}",
                self.on,
                self.from,
                self.to,
                events_text(self.events)
            ),
        }
    }
}

fn events_text(events: &[Event]) -> String {
    serde_json::to_string(events).unwrap_or_else(|error| error.to_string())
}

/// A documented path: from the initial state, every stimulus is accepted and the machine
/// ends in the given state.
#[derive(Debug, Clone)]
pub struct Scenario<M: Machine> {
    /// The property's name.
    pub property: &'static str,
    /// The clause and fact IDs that document the path.
    pub clauses: &'static [&'static str],
    /// The parameter sets the path is documented for.
    pub when: fn(&M::Parameters) -> bool,
    /// The stimuli, in order.
    pub steps: Vec<M::Stimulus>,
    /// The table state the path ends in.
    pub ends_in: M::State,
}

/// A machine whose documented behaviour is stated as properties.
pub trait Documented: Machine<Event = Event> {
    /// The .NET event name every event of this machine has.
    const EVENT: &'static str;

    /// The machine's own step properties (the generic ones are in [`check_step`]).
    ///
    /// # Errors
    /// The first property the step breaks.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation>;

    /// The documented paths.
    fn scenarios() -> Vec<Scenario<Self>>;

    /// Whether the stimulus is documented to raise an event without changing the
    /// observable state (the outage NOTIFY of REG-1, the healing refresh of REG-3, an
    /// unknown NOTIFY of LARG-3).
    fn reports_without_change(on: Self::Stimulus) -> bool {
        let _ = on;
        false
    }
}

fn rule(
    holds: bool,
    property: &'static str,
    clauses: &'static [&'static str],
    detail: impl FnOnce() -> String,
) -> Result<(), Violation> {
    if holds {
        Ok(())
    } else {
        Err(Violation {
            property,
            clauses,
            detail: detail(),
        })
    }
}

/// A stimulus named after a UCMA method (`Begin...`) is an application call; every other
/// stimulus comes from the world (CONTRACT section 2).
pub fn is_call<S: Symbol>(on: S) -> bool {
    on.name().starts_with("Begin")
}

fn event_states(event: &Event) -> (&'static str, &'static str) {
    match *event {
        Event::RegistrationStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::LocalEndpointStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChange {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::RemoteSubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
    }
}

const STATE_EVENTS: &[&str] = &["AF-RARGS", "AF-LARGS", "AF-SIPSUB", "AF-CSS", "AF-RPSS"];

/// Checks one step against every documented property: the generic ones (below), then the
/// machine's own ([`Documented::rules`]).
///
/// Generic properties:
/// - `rejection-changes-nothing`: a rejected stimulus (a call that throws) leaves the
///   state and raises nothing (CONTRACT section 3; AF-PSS, AF-SIPSUB, AF-PUB).
/// - `only-calls-are-rejected`: only an application call can be refused; a response, a
///   NOTIFY, a timer or the pool cannot be (CONTRACT section 2, AF-PUB, AF-PSS, AF-SIPSUB,
///   AF-DRAIN).
/// - `state-change-raises-one-event`: when the observable state changes, exactly one
///   state-changed event is raised, of the machine's kind, naming the old and the new
///   state (AF-RARGS, AF-LARGS, AF-SIPSUB, AF-CSS, AF-RPSS).
/// - `events-report-changes`: when it does not change, nothing is raised, except for the
///   NOTIFYs documented to be reported anyway ([`Documented::reports_without_change`]).
/// - `final-is-final`: a final state is never left and raises nothing (AF-LES, AF-SIPSUB,
///   AF-CSS).
///
/// # Errors
/// The first property the step breaks.
///
/// # Complexity
/// O(events).
pub fn check_step<M: Documented>(step: &Step<'_, M>) -> Result<(), Violation> {
    if step.rejected.is_some() {
        rule(
            !step.changed() && step.events.is_empty(),
            "rejection-changes-nothing",
            &["AF-PSS", "AF-SIPSUB", "AF-PUB"],
            || step.describe(),
        )?;
        rule(
            is_call(step.on),
            "only-calls-are-rejected",
            &["AF-PUB", "AF-PSS", "AF-SIPSUB", "AF-DRAIN"],
            || step.describe(),
        )?;
    }
    let (before, after) = (M::observed(step.from), M::observed(step.to));
    if before != after {
        rule(
            step.events.len() == 1,
            "state-change-raises-one-event",
            STATE_EVENTS,
            || step.describe(),
        )?;
    } else {
        rule(
            step.events.is_empty() || M::reports_without_change(step.on),
            "events-report-changes",
            STATE_EVENTS,
            || step.describe(),
        )?;
    }
    for event in step.events {
        rule(
            event.name() == M::EVENT && event_states(event) == (before, after),
            "event-names-its-states",
            STATE_EVENTS,
            || step.describe(),
        )?;
    }
    if M::is_final(step.from) {
        rule(
            !step.changed() && step.events.is_empty(),
            "final-is-final",
            &["AF-LES", "AF-SIPSUB", "AF-CSS"],
            || step.describe(),
        )?;
    }
    M::rules(step)
}

// ---------------------------------------------------------------------------------------
// Helpers for the machines' rules
// ---------------------------------------------------------------------------------------

/// When the step changes the state, it must lead to one of `targets`.
fn lands_in<M: Machine>(
    step: &Step<'_, M>,
    targets: &[M::State],
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(
        !step.changed() || targets.contains(&step.to),
        property,
        clauses,
        || format!("{} (documented targets: {targets:?})", step.describe()),
    )
}

/// The step must be accepted and lead to `target`.
fn must_reach<M: Machine>(
    step: &Step<'_, M>,
    target: M::State,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(
        step.accepted() && step.to == target,
        property,
        clauses,
        || format!("{} (documented: {target})", step.describe()),
    )
}

/// The step must not change the state.
fn unchanged<M: Machine>(
    step: &Step<'_, M>,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(!step.changed(), property, clauses, || step.describe())
}

/// A call must be accepted exactly where `valid` holds.
fn accepted_iff<M: Machine>(
    step: &Step<'_, M>,
    valid: bool,
    property: &'static str,
    clauses: &'static [&'static str],
) -> Result<(), Violation> {
    rule(step.accepted() == valid, property, clauses, || {
        format!(
            "{} (documented: {})",
            step.describe(),
            if valid { "accepted" } else { "rejected" }
        )
    })
}

// ---------------------------------------------------------------------------------------
// registration
// ---------------------------------------------------------------------------------------

impl Documented for Registration {
    const EVENT: &'static str = "RegistrationStateChanged";

    /// - `message-data-iff-sip-message` (RARG-2): MessageData is present exactly when a
    ///   registrar response or NOTIFY caused the change.
    /// - `outage-notify-args` (REG-1, REG-2, D4): the outage NOTIFY to a registered
    ///   endpoint raises one event with Reason None, UserServicesState Unavailable and the
    ///   NOTIFY as MessageData, and the registration then knows the pool is unavailable.
    /// - `healing-refresh-args` (REG-3, D2): a refresh answered while the pool is known to
    ///   be unavailable raises one event with Reason RegisterationRefresh and
    ///   UserServicesState Available, and heals the registration.
    /// - `refresh-reason-only-when-healed` (REG-3): no other step uses that Reason.
    /// - `user-services-truthful` (RARG-3, REG-4, SVC-1): the event reports what the
    ///   registration knew before or knows after the step, exactly what it knows when it
    ///   is registered afterwards; a change of that knowledge while registered is reported.
    /// - `registration-moves` (AF-RS, AF-RTR, AF-DROP): each stimulus, when it changes the
    ///   state, leads where its meaning says.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use RegistrationStatus as St;
        use RegistrationStimulus as S;
        let message = matches!(
            step.on,
            S::RegisterOk
                | S::RegisterFailed
                | S::RegistrarNotifyUserServicesUnavailable
                | S::RefreshOk
                | S::UnregisterOk
                | S::RegistrarNotifyDeregistered
                | S::RegistrarNotifyTooManyActiveEndpoints
        );
        let (known_before, known_after) = (step.from.user_services(), step.to.user_services());
        let registered_after = step.to.registration_state() == RegistrationState::Registered;
        for event in step.events {
            let Event::RegistrationStateChanged {
                reason,
                message_data,
                user_services_state,
                ..
            } = *event
            else {
                continue;
            };
            rule(
                message_data == message,
                "message-data-iff-sip-message",
                &["RARG-2"],
                || step.describe(),
            )?;
            rule(
                user_services_state == known_before || user_services_state == known_after,
                "user-services-truthful",
                &["RARG-3", "REG-4", "SVC-1"],
                || step.describe(),
            )?;
            rule(
                !registered_after || user_services_state == known_after,
                "user-services-truthful",
                &["RARG-3", "REG-4"],
                || step.describe(),
            )?;
            rule(
                reason != RegistrationTransitionReason::RegistrationRefresh
                    || (step.on == S::RefreshOk && known_before == ServiceState::Unavailable),
                "refresh-reason-only-when-healed",
                &["REG-3", "D2"],
                || step.describe(),
            )?;
        }
        let registered_before = step.from.registration_state() == RegistrationState::Registered;
        rule(
            !(registered_before && registered_after && known_before != known_after)
                || step.events.len() == 1,
            "user-services-truthful",
            &["REG-4", "RARG-3"],
            || step.describe(),
        )?;
        if step.on == S::RegistrarNotifyUserServicesUnavailable && registered_before {
            let outage = Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registered,
                state: RegistrationState::Registered,
                reason: RegistrationTransitionReason::None,
                message_data: true,
                user_services_state: ServiceState::Unavailable,
            };
            rule(
                step.events == [outage] && step.to == St::RegisteredUserServicesUnavailable,
                "outage-notify-args",
                &["REG-1", "REG-2", "D4"],
                || step.describe(),
            )?;
        }
        if step.on == S::RefreshOk && known_before == ServiceState::Unavailable {
            let healed = Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registered,
                state: RegistrationState::Registered,
                reason: RegistrationTransitionReason::RegistrationRefresh,
                message_data: true,
                user_services_state: ServiceState::Available,
            };
            rule(
                step.events == [healed] && step.to == St::Registered,
                "healing-refresh-args",
                &["REG-3", "D2"],
                || step.describe(),
            )?;
        }
        const MOVES: &[&str] = &["AF-RS", "AF-RTR", "AF-DROP"];
        let name = "registration-moves";
        match step.on {
            S::BeginRegister => lands_in(step, &[St::Registering], name, MOVES),
            S::RegisterOk => lands_in(step, &[St::Registered], name, MOVES),
            S::RefreshFailed
            | S::RegistrarNotifyDeregistered
            | S::RegistrarNotifyTooManyActiveEndpoints
                if registered_before =>
            {
                // The registrar ended the registration, or a refresh found no registrar:
                // the registration is lost (AF-RS "after the server disconnects", AF-LEP-T
                // server-forced deregistration and refresh failure).
                must_reach(
                    step,
                    St::Unregistered,
                    name,
                    &["AF-RS", "AF-LEP-T", "AF-RTR"],
                )
            }
            S::RegisterFailed
            | S::RefreshFailed
            | S::UnregisterOk
            | S::RegistrarNotifyDeregistered
            | S::RegistrarNotifyTooManyActiveEndpoints => {
                lands_in(step, &[St::Unregistered], name, MOVES)
            }
            S::RegistrarNotifyUserServicesUnavailable => lands_in(
                step,
                &[St::RegisteredUserServicesUnavailable],
                name,
                &["REG-1"],
            ),
            S::RefreshDue => unchanged(step, name, MOVES),
            S::RefreshOk => lands_in(step, &[St::Registered], name, &["REG-3"]),
            S::ConnectionDropped => match step.from {
                // Registered: the drop triggers a register refresh, or with the refresh
                // disabled it unregisters (AF-DROP).
                St::Registered | St::RegisteredUserServicesUnavailable
                    if step.parameters.refresh_on_connection_drop =>
                {
                    unchanged(step, name, &["AF-DROP"])
                }
                St::Unregistered => unchanged(step, name, &["AF-DROP"]),
                // A request in flight is lost with the connection, and a registration
                // without refresh-on-drop ends (AF-DROP, AF-RS "after the server
                // disconnects").
                _ => must_reach(step, St::Unregistered, name, &["AF-DROP", "AF-RS"]),
            },
            S::BeginUnregister => {
                if registered_before {
                    must_reach(step, St::Unregistering, name, MOVES)
                } else {
                    lands_in(step, &[St::Unregistering], name, MOVES)
                }
            }
        }
    }

    /// The outage NOTIFY (REG-1) and the healing refresh (REG-3) are reported while the
    /// registration stays Registered.
    fn reports_without_change(on: RegistrationStimulus) -> bool {
        matches!(
            on,
            RegistrationStimulus::RegistrarNotifyUserServicesUnavailable
                | RegistrationStimulus::RefreshOk
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use RegistrationStatus as St;
        use RegistrationStimulus as S;
        vec![
            Scenario {
                property: "register",
                clauses: &["AF-RS"],
                when: |_| true,
                steps: vec![S::BeginRegister, S::RegisterOk],
                ends_in: St::Registered,
            },
            Scenario {
                property: "register-refused",
                clauses: &["AF-RS"],
                when: |_| true,
                steps: vec![S::BeginRegister, S::RegisterFailed],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: "outage-then-healing",
                clauses: &["REG-1", "REG-2", "REG-3"],
                when: |_| true,
                steps: vec![
                    S::BeginRegister,
                    S::RegisterOk,
                    S::RegistrarNotifyUserServicesUnavailable,
                    S::RefreshDue,
                    S::RefreshOk,
                ],
                ends_in: St::Registered,
            },
            Scenario {
                property: "unregister",
                clauses: &["AF-RS"],
                when: |_| true,
                steps: vec![
                    S::BeginRegister,
                    S::RegisterOk,
                    S::BeginUnregister,
                    S::UnregisterOk,
                ],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: "drop-refreshes",
                clauses: &["AF-DROP"],
                when: |p| p.refresh_on_connection_drop,
                steps: vec![S::BeginRegister, S::RegisterOk, S::ConnectionDropped],
                ends_in: St::Registered,
            },
            Scenario {
                property: "drop-unregisters",
                clauses: &["AF-DROP", "AF-RS"],
                when: |p| !p.refresh_on_connection_drop,
                steps: vec![S::BeginRegister, S::RegisterOk, S::ConnectionDropped],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: "server-disconnects",
                clauses: &["AF-RS"],
                when: |_| true,
                steps: vec![
                    S::BeginRegister,
                    S::RegisterOk,
                    S::RegistrarNotifyDeregistered,
                ],
                ends_in: St::Unregistered,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// local_endpoint
// ---------------------------------------------------------------------------------------

impl Documented for LocalEndpoint {
    const EVENT: &'static str = "LocalEndpointStateChanged";

    /// - `message-data-iff-sip-message` (LARG-1, AF-LARGS): MessageData is present exactly
    ///   when a registrar response or NOTIFY caused the change.
    /// - `reason-names-the-cause` (LARG-2, LARG-4, AF-LESR, D1, D5): Reason names the
    ///   stimulus (owner disabled, too many endpoints, refresh failed or succeeded, server
    ///   discovery failed), and is None for the application's own calls and unknown NOTIFYs.
    /// - `drain-validity` (AF-DRAIN, D5): BeginDrain is accepted exactly by an application
    ///   endpoint that is Established or Reestablishing.
    /// - `no-reuse-after-termination` (AF-LES): BeginEstablish is refused once terminating.
    /// - `endpoint-moves` (AF-LEP-T, AF-DRAIN, LARG-4): each stimulus, when it changes the
    ///   state, leads where the documented transitions say, and the documented ones happen.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use LocalEndpointState as St;
        use LocalEndpointStateTransitionReason as Why;
        use LocalEndpointStimulus as S;
        let message = matches!(
            step.on,
            S::EstablishOk
                | S::EstablishFailed
                | S::RegistrationRefreshOk
                | S::OwnerDisabledOrRemoved
                | S::TooManyActiveEndpoints
                | S::RegistrarNotifyUnknown
        );
        let cause = match step.on {
            S::OwnerDisabledOrRemoved => Why::OwnerDisabledOrRemoved,
            S::TooManyActiveEndpoints => Why::TooManyActiveEndpoints,
            S::RegistrationRefreshFailed => Why::RegistrationRefreshFailed,
            S::RegistrationRefreshOk => Why::RegistrationRefreshSucceeded,
            S::ServerDiscoveryFailed => Why::ServerDiscoveryFailed,
            _ => Why::None,
        };
        for event in step.events {
            if let Event::LocalEndpointStateChanged {
                reason,
                message_data,
                ..
            } = *event
            {
                rule(
                    message_data == message,
                    "message-data-iff-sip-message",
                    &["LARG-1", "AF-LARGS"],
                    || step.describe(),
                )?;
                rule(
                    reason == cause,
                    "reason-names-the-cause",
                    &["LARG-2", "LARG-4", "AF-LESR", "D1", "D5"],
                    || step.describe(),
                )?;
            }
        }
        let application = step.parameters.kind == EndpointKind::Application;
        let name = "endpoint-moves";
        const T: &[&str] = &["AF-LEP-T"];
        match step.on {
            S::BeginEstablish => {
                if matches!(step.from, St::Terminating | St::Terminated) {
                    accepted_iff(step, false, "no-reuse-after-termination", &["AF-LES"])?;
                }
                if step.from == St::Idle {
                    must_reach(step, St::Establishing, name, T)
                } else {
                    unchanged(step, name, T)
                }
            }
            S::EstablishOk => lands_in(step, &[St::Established], name, T),
            S::EstablishFailed | S::ServerDiscoveryFailed => {
                if step.from == St::Establishing {
                    must_reach(step, St::Idle, name, &["AF-LEP-T", "AF-LESR"])
                } else {
                    unchanged(step, name, T)
                }
            }
            S::RegistrationRefreshFailed => match (step.from, application) {
                (St::Established, false) => {
                    must_reach(step, St::Terminating, name, &["AF-LEP-T", "LARG-4"])
                }
                (St::Established, true) => {
                    must_reach(step, St::Reestablishing, name, &["AF-LEP-T", "AF-LESR"])
                }
                _ => unchanged(step, name, T),
            },
            S::RegistrationRefreshOk => {
                if step.from == St::Reestablishing {
                    must_reach(step, St::Establishing, name, T)
                } else {
                    unchanged(step, name, T)
                }
            }
            S::OwnerDisabledOrRemoved | S::TooManyActiveEndpoints => match step.from {
                St::Establishing => must_reach(step, St::Idle, name, &["AF-LEP-T", "LARG-4"]),
                St::Established | St::Reestablishing | St::Draining => {
                    must_reach(step, St::Terminating, name, &["AF-LEP-T", "LARG-4"])
                }
                _ => unchanged(step, name, T),
            },
            S::RegistrarNotifyUnknown => {
                // A registered endpoint reports a NOTIFY it does not know with Reason None
                // (LARG-3, LARG-4, D1); it changes no state.
                if matches!(step.from, St::Established | St::Draining) {
                    rule(
                        step.events.len() == 1,
                        "unknown-notify-reported",
                        &["LARG-3", "LARG-4", "D1"],
                        || step.describe(),
                    )?;
                }
                unchanged(step, name, &["LARG-3", "LARG-4", "D1"])
            }
            S::BeginDrain => {
                let valid =
                    application && matches!(step.from, St::Established | St::Reestablishing);
                accepted_iff(step, valid, "drain-validity", &["AF-DRAIN", "D5"])?;
                if valid {
                    must_reach(step, St::Draining, name, &["AF-DRAIN"])
                } else {
                    Ok(())
                }
            }
            S::DrainCompleted => Ok(()),
            S::BeginTerminate => match step.from {
                St::Idle | St::Established | St::Reestablishing => {
                    must_reach(step, St::Terminating, name, T)
                }
                _ => lands_in(step, &[St::Terminating], name, T),
            },
            S::TerminateCompleted => {
                if step.from == St::Terminating {
                    must_reach(step, St::Terminated, name, T)
                } else {
                    unchanged(step, name, T)
                }
            }
        }
    }

    fn reports_without_change(on: LocalEndpointStimulus) -> bool {
        on == LocalEndpointStimulus::RegistrarNotifyUnknown
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use LocalEndpointState as St;
        use LocalEndpointStimulus as S;
        vec![
            Scenario {
                property: "establish",
                clauses: &["AF-LEP-T"],
                when: |_| true,
                steps: vec![S::BeginEstablish, S::EstablishOk],
                ends_in: St::Established,
            },
            Scenario {
                property: "terminate",
                clauses: &["AF-LEP-T"],
                when: |_| true,
                steps: vec![
                    S::BeginEstablish,
                    S::EstablishOk,
                    S::BeginTerminate,
                    S::TerminateCompleted,
                ],
                ends_in: St::Terminated,
            },
            Scenario {
                property: "application-reestablishes",
                clauses: &["AF-LEP-T", "AF-LESR"],
                when: |p| p.kind == EndpointKind::Application,
                steps: vec![
                    S::BeginEstablish,
                    S::EstablishOk,
                    S::RegistrationRefreshFailed,
                    S::RegistrationRefreshOk,
                    S::EstablishOk,
                ],
                ends_in: St::Established,
            },
            Scenario {
                property: "application-drains",
                clauses: &["AF-DRAIN"],
                when: |p| p.kind == EndpointKind::Application,
                steps: vec![S::BeginEstablish, S::EstablishOk, S::BeginDrain],
                ends_in: St::Draining,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// sip_subscription
// ---------------------------------------------------------------------------------------

impl Documented for SipSubscription {
    const EVENT: &'static str = "SubscriptionStateChanged";

    /// - `reason-is-who-caused-it` (AF-TR, AF-SIPSUB): ClientEvent for the owner's calls
    ///   and the subscription's own retry timer, ServerEvent otherwise.
    /// - `pool-unresponsive-never-terminates` (SUB-3, SUB-4): a platform home-pool
    ///   subscription whose refresh finds the pool unresponsive waits to retry and never
    ///   terminates; any other subscription terminates (the change applies only there).
    /// - `recovery-retries` (SUB-2, PRES-4): the pool's recovery re-subscribes a waiting
    ///   platform home-pool subscription and changes nothing else.
    /// - `call-validity` (AF-SIPSUB): Subscribe only once, from Idle; Refresh only when
    ///   Subscribed, changing no state.
    /// - `query-never-retried` (AF-SIPSUB): a query-only subscription never waits to retry.
    /// - `subscription-moves` (AF-SSS, AF-SIPSUB, AF-6665): each stimulus, when it changes
    ///   the state, leads where its meaning says.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        let p = step.parameters;
        let client = is_call(step.on) || step.on == S::RetryTimerFired;
        for event in step.events {
            if let Event::SubscriptionStateChanged { reason, .. } = *event {
                rule(
                    (reason == TransitionReason::ClientEvent) == client,
                    "reason-is-who-caused-it",
                    &["AF-TR", "AF-SIPSUB"],
                    || step.describe(),
                )?;
            }
        }
        if p.query_only {
            rule(
                step.to != St::WaitingForRetry,
                "query-never-retried",
                &["AF-SIPSUB"],
                || step.describe(),
            )?;
        }
        let name = "subscription-moves";
        const M: &[&str] = &["AF-SSS", "AF-SIPSUB", "AF-6665"];
        match step.on {
            S::BeginSubscribe => {
                accepted_iff(step, step.from == St::Idle, "call-validity", &["AF-SIPSUB"])?;
                lands_in(step, &[St::Subscribing], name, M)
            }
            S::BeginRefresh => {
                accepted_iff(
                    step,
                    step.from == St::Subscribed,
                    "call-validity",
                    &["AF-SIPSUB"],
                )?;
                unchanged(step, "call-validity", &["AF-SIPSUB"])
            }
            S::SubscribeOk => {
                let done = if p.query_only {
                    St::Terminated
                } else {
                    St::Subscribed
                };
                if step.from == St::Subscribing {
                    must_reach(step, done, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::SubscribeFailed => match (step.from, p.query_only) {
                (St::Subscribing, false) => must_reach(step, St::WaitingForRetry, name, M),
                (St::Subscribing, true) => must_reach(step, St::Terminated, name, M),
                _ => unchanged(step, name, M),
            },
            S::SubscribeRejected | S::RefreshFailedFinal | S::NotifyTerminated => {
                // A final refusal or a terminating NOTIFY ends a live dialog for good
                // (AF-6665: rejected, noresource, terminated).
                let live = match step.on {
                    S::SubscribeRejected => step.from == St::Subscribing,
                    S::RefreshFailedFinal => step.from == St::Subscribed,
                    _ => matches!(step.from, St::Subscribing | St::Subscribed),
                };
                if live {
                    must_reach(step, St::Terminated, name, &["AF-6665", "AF-SIPSUB"])
                } else {
                    lands_in(step, &[St::Terminated], name, &["AF-6665", "AF-SIPSUB"])
                }
            }
            S::RefreshDue | S::RefreshOk => unchanged(step, name, M),
            S::RefreshFailedPoolUnresponsive => {
                let property = "pool-unresponsive-never-terminates";
                match (step.from, p.protected()) {
                    (St::Subscribed, true) => {
                        must_reach(step, St::WaitingForRetry, property, &["SUB-3", "SUB-2"])
                    }
                    (St::Subscribed, false) => {
                        must_reach(step, St::Terminated, property, &["SUB-1", "SUB-4"])
                    }
                    (_, true) => rule(
                        !matches!(step.to, St::Terminating | St::Terminated) || !step.changed(),
                        property,
                        &["SUB-3"],
                        || step.describe(),
                    ),
                    _ => unchanged(step, name, M),
                }
            }
            S::RetryTimerFired => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, name, &["AF-SIPSUB", "AF-SSS"])
                } else {
                    unchanged(step, name, M)
                }
            }
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry && p.protected() {
                    must_reach(
                        step,
                        St::Subscribing,
                        "recovery-retries",
                        &["SUB-2", "PRES-4"],
                    )
                } else {
                    unchanged(step, "recovery-retries", &["SUB-1", "SUB-4"])
                }
            }
            S::BeginTerminate => match step.from {
                // Terminating a waiting subscription stops its retries (AF-SIPSUB).
                St::WaitingForRetry => must_reach(step, St::Terminated, name, &["AF-SIPSUB"]),
                // A live dialog sends its unsubscribe first (AF-SSS: Terminating).
                St::Subscribing | St::Subscribed => {
                    must_reach(step, St::Terminating, name, &["AF-SSS"])
                }
                _ => lands_in(step, &[St::Terminating, St::Terminated], name, M),
            },
            S::TerminateCompleted => lands_in(step, &[St::Terminated], name, M),
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        vec![
            Scenario {
                property: "subscribe",
                clauses: &["AF-SSS"],
                when: |p| !p.query_only,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::RefreshDue,
                    S::RefreshOk,
                ],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "outage-is-survived",
                clauses: &["SUB-2", "SUB-3", "PRES-4"],
                when: |p| p.protected() && !p.query_only,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::RefreshDue,
                    S::RefreshFailedPoolUnresponsive,
                    S::PoolRecovered,
                    S::SubscribeOk,
                ],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "temporary-failure-retried",
                clauses: &["AF-SIPSUB"],
                when: |p| !p.query_only,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeFailed,
                    S::RetryTimerFired,
                    S::SubscribeOk,
                ],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "unsubscribe",
                clauses: &["AF-SSS"],
                when: |p| !p.query_only,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::BeginTerminate,
                    S::TerminateCompleted,
                ],
                ends_in: St::Terminated,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// local_owner_presence, contact_group_services
// ---------------------------------------------------------------------------------------

/// The PublishSubscribeSession properties, for a session whose operation is valid in
/// `operation_valid` states.
///
/// - `reason-is-who-caused-it` (AF-TR, PRES-1): ClientEvent for the application's calls,
///   ServerEvent for everything else (so PRES-1's WaitingForRetry has ServerEvent).
/// - `operation-validity` (PRES-2, AF-PUB, AF-CGS, D6): the operation is accepted exactly
///   in the documented states and changes no subscription state.
/// - `subscribe-validity` (AF-PSS, AF-SIPSUB): BeginSubscribe only from Idle, to
///   Subscribing.
/// - `pool-offline-waits` (PRES-1, D3): the pool going offline moves a live session to
///   WaitingForRetry and changes nothing else.
/// - `terminated-underneath-waits` (PRES-3): the SipSubscription underneath terminating
///   never leads to Idle; a live session goes to WaitingForRetry.
/// - `recovery-resubscribes` (PRES-4): the pool's recovery re-subscribes a waiting session
///   and changes nothing else.
/// - `unsubscribe` (AF-PSS): BeginUnsubscribe is never refused; it completes at once
///   without a live subscription.
/// - `session-moves` (AF-CSS, AF-PSS): answers lead where their meaning says.
fn session_rules<M: Session>(
    step: &Step<'_, M>,
    operation_valid: &[CollaborationSubscriptionState],
    operation_clauses: &'static [&'static str],
) -> Result<(), Violation> {
    use CollaborationSubscriptionState as St;
    for event in step.events {
        if let Event::SubscriptionStateChange { reason, .. } = *event {
            rule(
                (reason == SubscriptionStateTransitionReason::ClientEvent) == is_call(step.on),
                "reason-is-who-caused-it",
                &["AF-TR", "PRES-1"],
                || step.describe(),
            )?;
        }
    }
    let live = matches!(step.from, St::Subscribing | St::Subscribed);
    let on = step.on;
    let name = "session-moves";
    if on == M::OPERATION {
        accepted_iff(
            step,
            operation_valid.contains(&step.from),
            "operation-validity",
            operation_clauses,
        )?;
        rule(
            !step.changed() && step.events.is_empty(),
            "operation-validity",
            operation_clauses,
            || step.describe(),
        )
    } else if on == M::BEGIN_SUBSCRIBE {
        accepted_iff(
            step,
            step.from == St::Idle,
            "subscribe-validity",
            &["AF-PSS", "AF-SIPSUB"],
        )?;
        lands_in(step, &[St::Subscribing], "subscribe-validity", &["AF-PSS"])
    } else if on == M::POOL_OFFLINE {
        if live {
            must_reach(
                step,
                St::WaitingForRetry,
                "pool-offline-waits",
                &["PRES-1", "D3"],
            )
        } else {
            unchanged(step, "pool-offline-waits", &["PRES-1"])
        }
    } else if on == M::UNDERLYING_TERMINATED {
        rule(
            step.to != St::Idle || step.from == St::Idle,
            "terminated-underneath-waits",
            &["PRES-3"],
            || step.describe(),
        )?;
        if live {
            must_reach(
                step,
                St::WaitingForRetry,
                "terminated-underneath-waits",
                &["PRES-3"],
            )
        } else {
            unchanged(step, "terminated-underneath-waits", &["PRES-3"])
        }
    } else if on == M::POOL_RECOVERED {
        if step.from == St::WaitingForRetry {
            must_reach(step, St::Subscribing, "recovery-resubscribes", &["PRES-4"])
        } else {
            unchanged(step, "recovery-resubscribes", &["PRES-4"])
        }
    } else if on == M::BEGIN_UNSUBSCRIBE {
        match step.from {
            St::Subscribing | St::Subscribed => must_reach(
                step,
                St::Unsubscribing,
                "unsubscribe",
                &["AF-PSS", "AF-CSS"],
            ),
            St::WaitingForRetry => must_reach(step, St::Idle, "unsubscribe", &["AF-PSS"]),
            _ => rule(
                step.accepted() && !step.changed(),
                "unsubscribe",
                &["AF-PSS"],
                || step.describe(),
            ),
        }
    } else if on == M::SUBSCRIBE_OK {
        if step.from == St::Subscribing {
            must_reach(step, St::Subscribed, name, &["AF-CSS"])
        } else {
            unchanged(step, name, &["AF-CSS"])
        }
    } else if on == M::SUBSCRIBE_REJECTED {
        if step.from == St::Subscribing {
            must_reach(step, St::Terminated, name, &["AF-CSS"])
        } else {
            unchanged(step, name, &["AF-CSS"])
        }
    } else if on == M::UNSUBSCRIBE_OK {
        if step.from == St::Unsubscribing {
            must_reach(step, St::Idle, name, &["AF-PSS"])
        } else {
            unchanged(step, name, &["AF-PSS"])
        }
    } else {
        Ok(())
    }
}

fn session_scenarios<M: Session>() -> Vec<Scenario<M>> {
    use CollaborationSubscriptionState as St;
    vec![
        Scenario {
            property: "subscribe-and-operate",
            clauses: &["AF-CSS", "AF-PUB", "AF-CGS"],
            when: |_| true,
            steps: vec![M::BEGIN_SUBSCRIBE, M::SUBSCRIBE_OK, M::OPERATION],
            ends_in: St::Subscribed,
        },
        Scenario {
            property: "outage-and-recovery",
            clauses: &["PRES-1", "PRES-4"],
            when: |_| true,
            steps: vec![
                M::BEGIN_SUBSCRIBE,
                M::SUBSCRIBE_OK,
                M::POOL_OFFLINE,
                M::POOL_RECOVERED,
                M::SUBSCRIBE_OK,
            ],
            ends_in: St::Subscribed,
        },
        Scenario {
            property: "resubscribe-after-unsubscribe",
            clauses: &["AF-PSS"],
            when: |_| true,
            steps: vec![
                M::BEGIN_SUBSCRIBE,
                M::SUBSCRIBE_OK,
                M::BEGIN_UNSUBSCRIBE,
                M::UNSUBSCRIBE_OK,
                M::BEGIN_SUBSCRIBE,
            ],
            ends_in: St::Subscribing,
        },
    ]
}

impl Documented for LocalOwnerPresence {
    const EVENT: &'static str = "SubscriptionStateChange";

    /// The PublishSubscribeSession properties; publishing is accepted only when Subscribed
    /// (PRES-2, AF-PUB, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        session_rules(
            step,
            &[CollaborationSubscriptionState::Subscribed],
            &["PRES-2", "AF-PUB", "D6"],
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}

impl Documented for ContactGroupServices {
    const EVENT: &'static str = "SubscriptionStateChange";

    /// The PublishSubscribeSession properties; contact operations are accepted in Idle and
    /// Subscribed (PRES-2, AF-CGS, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        session_rules(
            step,
            &[
                CollaborationSubscriptionState::Idle,
                CollaborationSubscriptionState::Subscribed,
            ],
            &["PRES-2", "AF-CGS", "D6"],
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}

// ---------------------------------------------------------------------------------------
// remote_presence
// ---------------------------------------------------------------------------------------

impl Documented for RemotePresence {
    const EVENT: &'static str = "RemoteSubscriptionStateChanged";

    /// - `reason-names-the-cause` (AF-RPSS): SubscriptionLimitReached exactly when the
    ///   server refuses more subscriptions; never AutomatedService.
    /// - `home-pool-like-local-owner-presence` (RP-1, PRES-1, PRES-3, PRES-4): a home-pool
    ///   subscription waits for the pool when it goes offline or the subscription
    ///   underneath ends (never Idle), and re-subscribes on recovery.
    /// - `other-pools-unprotected` (SUB-4, PRES-3): a subscription to another pool never
    ///   waits for retry; the subscription underneath ending leaves it Idle.
    /// - `remote-moves` (AF-RPSS): answers lead where their meaning says.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use RemotePresenceStimulus as S;
        use RemotePresentitySubscriptionState as St;
        use RemotePresentitySubscriptionStateTransitionReason as Why;
        for event in step.events {
            if let Event::RemoteSubscriptionStateChanged { reason, .. } = *event {
                let expected = if step.on == S::SubscriptionLimitReached {
                    Why::SubscriptionLimitReached
                } else {
                    Why::None
                };
                rule(
                    reason == expected,
                    "reason-names-the-cause",
                    &["AF-RPSS"],
                    || step.describe(),
                )?;
            }
        }
        let home = step.parameters.home_pool;
        let live = matches!(step.from, St::Subscribing | St::Subscribed);
        if !home {
            rule(
                step.to != St::WaitingForRetry,
                "other-pools-unprotected",
                &["SUB-4"],
                || step.describe(),
            )?;
        }
        let name = "remote-moves";
        const M: &[&str] = &["AF-RPSS"];
        const HOME: &str = "home-pool-like-local-owner-presence";
        match step.on {
            S::BeginSubscribe => lands_in(step, &[St::Subscribing], name, M),
            S::SubscribeOk => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Subscribed, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::SubscriptionLimitReached => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Polling, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::PoolOffline => {
                if live && home {
                    must_reach(step, St::WaitingForRetry, HOME, &["RP-1", "PRES-1"])
                } else {
                    unchanged(step, HOME, &["RP-1", "PRES-1", "SUB-4"])
                }
            }
            S::UnderlyingSubscriptionTerminated => match (live, home) {
                (true, true) => must_reach(step, St::WaitingForRetry, HOME, &["RP-1", "PRES-3"]),
                (true, false) => must_reach(
                    step,
                    St::Idle,
                    "other-pools-unprotected",
                    &["SUB-4", "PRES-3"],
                ),
                _ => unchanged(step, HOME, &["RP-1", "PRES-3"]),
            },
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, HOME, &["RP-1", "PRES-4"])
                } else {
                    unchanged(step, HOME, &["RP-1", "PRES-4"])
                }
            }
            S::BeginUnsubscribe => {
                // Unsubscribing ends whatever subscription the view has (AF-RPSS).
                if matches!(
                    step.from,
                    St::Subscribing | St::Polling | St::Subscribed | St::WaitingForRetry
                ) {
                    rule(
                        step.accepted() && matches!(step.to, St::Terminating | St::Terminated),
                        name,
                        M,
                        || step.describe(),
                    )
                } else {
                    lands_in(step, &[St::Terminating, St::Terminated], name, M)
                }
            }
            S::UnsubscribeOk => {
                if step.from == St::Terminating {
                    must_reach(step, St::Terminated, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use RemotePresenceStimulus as S;
        use RemotePresentitySubscriptionState as St;
        vec![
            Scenario {
                property: "subscribe",
                clauses: &["AF-RPSS"],
                when: |_| true,
                steps: vec![S::BeginSubscribe, S::SubscribeOk],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "home-pool-outage-and-recovery",
                clauses: &["RP-1", "PRES-1", "PRES-4"],
                when: |p| p.home_pool,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::PoolOffline,
                    S::PoolRecovered,
                    S::SubscribeOk,
                ],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "unsubscribe-and-again",
                clauses: &["AF-RPSS"],
                when: |_| true,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::BeginUnsubscribe,
                    S::UnsubscribeOk,
                    S::BeginSubscribe,
                ],
                ends_in: St::Subscribing,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// Checking whole tables
// ---------------------------------------------------------------------------------------

/// A documented property broken by a table, with a shortest path that shows it.
#[derive(Debug, Clone)]
pub struct Counterexample<M: Machine> {
    /// The parameters of the instance.
    pub parameters: M::Parameters,
    /// The stimuli from the initial state; the last one breaks the property.
    pub path: Vec<M::Stimulus>,
    /// The property broken.
    pub violation: Violation,
}

impl<M: Machine> fmt::Display for Counterexample<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<&str> = self.path.iter().map(|on| on.name()).collect();
        write!(
            f,
            "{} with {}: [{}]: {}",
            M::ID,
            serde_json::to_string(&self.parameters).unwrap_or_default(),
            path.join(", "),
            self.violation
        )
    }
}

/// Steps `table` once and checks the step (see [`check_step`]).
///
/// # Errors
/// The first property the step breaks.
pub fn check_table_step<M: Documented>(
    table: &Table<M>,
    from: M::State,
    on: M::Stimulus,
) -> Result<M::State, Violation> {
    let (to, rejected, events) = match table.step(from, on) {
        Ok(transition) => (transition.to, None, transition.events().collect::<Vec<_>>()),
        Err(rejected) => (from, Some(rejected.error), Vec::new()),
    };
    check_step(&Step::<M> {
        parameters: table.parameters(),
        from,
        on,
        to,
        rejected,
        events: &events,
    })?;
    Ok(to)
}

/// Checks every documented property on every step reachable in `table`, breadth first,
/// and then the documented paths.
///
/// # Returns
/// The number of reachable states.
///
/// # Errors
/// The first broken property, with a shortest path from the initial state.
///
/// # Complexity
/// O(states x stimuli) steps plus the documented paths.
pub fn check_table<M: Documented>(table: &Table<M>) -> Result<usize, Box<Counterexample<M>>> {
    let fail = |path: Vec<M::Stimulus>, violation| {
        Box::new(Counterexample {
            parameters: table.parameters().clone(),
            path,
            violation,
        })
    };
    let mut parent: Vec<Option<(M::State, M::Stimulus)>> = vec![None; M::State::COUNT];
    let mut seen = vec![false; M::State::COUNT];
    let initial = table.initial();
    seen[initial.index()] = true;
    let mut queue = VecDeque::from([initial]);
    let path_to = |parent: &[Option<(M::State, M::Stimulus)>], mut state: M::State| {
        let mut path = Vec::new();
        while let Some((before, on)) = parent[state.index()] {
            path.push(on);
            state = before;
        }
        path.reverse();
        path
    };
    let mut count = 0;
    while let Some(state) = queue.pop_front() {
        count += 1;
        for on in M::Stimulus::all() {
            match check_table_step(table, state, on) {
                Ok(to) => {
                    if !seen[to.index()] {
                        seen[to.index()] = true;
                        parent[to.index()] = Some((state, on));
                        queue.push_back(to);
                    }
                }
                Err(violation) => {
                    let mut path = path_to(&parent, state);
                    path.push(on);
                    return Err(fail(path, violation));
                }
            }
        }
    }
    for scenario in M::scenarios() {
        if !(scenario.when)(table.parameters()) {
            continue;
        }
        let mut state = initial;
        for (i, on) in scenario.steps.iter().enumerate() {
            match table.step(state, *on) {
                Ok(transition) => state = transition.to,
                Err(rejected) => {
                    return Err(fail(
                        scenario.steps[..=i].to_vec(),
                        Violation {
                            property: scenario.property,
                            clauses: scenario.clauses,
                            detail: format!("documented path refused: {rejected}"),
                        },
                    ))
                }
            }
        }
        if state != scenario.ends_in {
            return Err(fail(
                scenario.steps.clone(),
                Violation {
                    property: scenario.property,
                    clauses: scenario.clauses,
                    detail: format!("documented path ends in {state}, not {}", scenario.ends_in),
                },
            ));
        }
    }
    Ok(count)
}

/// Checks `rows` (the machine's own, or a mutated copy) with [`check_table`] for every
/// parameter set.
///
/// # Returns
/// The number of parameter sets checked.
///
/// # Errors
/// The first broken property with its path; a table that does not compile (not total or
/// not deterministic) is reported as the property `table-compiles`, citing nothing.
pub fn check_rows<M: Documented>(rows: &[Row<M>]) -> Result<usize, Box<Counterexample<M>>> {
    let all = M::Parameters::all();
    for parameters in &all {
        let table =
            Table::<M>::from_rows(rows.to_vec().into(), parameters.clone()).map_err(|errors| {
                Box::new(Counterexample {
                    parameters: parameters.clone(),
                    path: Vec::new(),
                    violation: Violation {
                        property: "table-compiles",
                        clauses: &[],
                        detail: errors
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    },
                })
            })?;
        check_table(&table)?;
    }
    Ok(all.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::LocalOwnerPresenceStimulus;

    #[test]
    fn every_machine_keeps_its_documented_properties() {
        fn sets<M: Documented>() -> Result<usize, String> {
            check_rows::<M>(M::rows()).map_err(|c| c.to_string())
        }
        assert_eq!(sets::<Registration>(), Ok(2));
        assert_eq!(sets::<LocalEndpoint>(), Ok(2));
        assert_eq!(sets::<SipSubscription>(), Ok(8));
        assert_eq!(sets::<LocalOwnerPresence>(), Ok(1));
        assert_eq!(sets::<ContactGroupServices>(), Ok(1));
        assert_eq!(sets::<RemotePresence>(), Ok(2));
    }

    #[test]
    fn idle_on_terminated_underneath_breaks_pres_3() {
        let mut rows = LocalOwnerPresence::rows().to_vec();
        for row in &mut rows {
            if row.from == CollaborationSubscriptionState::Subscribed
                && row.on == LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated
            {
                row.outcome = fsm::Outcome::Move {
                    to: CollaborationSubscriptionState::Idle,
                    emits: &[crate::presence::SessionEffect {
                        reason: SubscriptionStateTransitionReason::ServerEvent,
                    }],
                };
            }
        }
        let found = check_rows::<LocalOwnerPresence>(&rows).err();
        let found = found.map(|c| (c.violation.property, c.path.len()));
        assert_eq!(found, Some(("terminated-underneath-waits", 3)));
    }
}
