//! The properties of each machine, as data: a name, the clause IDs it rests on, a
//! statement in a line, and a check over the compiled table.
//!
//! A property is a claim about every `(state, stimulus)` answer of a table, e.g. "publish
//! is rejected in WaitingForRetry" (PRES-2). [`check`] runs every property of a machine
//! against its table for every parameter set; `docs/SPEC.md` lists them per machine and
//! `docs/TRACEABILITY.md` by clause. Properties of the composed system live with the
//! system model.
//!
//! # Examples
//! ```
//! let listed = ucma_ha::spec::properties("local_owner_presence");
//! assert!(listed.iter().any(|p| p.clauses.contains(&"PRES-2")));
//! assert!(ucma_ha::spec::check("local_owner_presence").is_empty());
//! ```

use fsm::{Machine, Parameters, Rejected, Symbol, Table, Transition};

use crate::events::Event;
use crate::local_endpoint::EndpointKind;
use crate::presence::Session;
use crate::vocabulary::{
    CollaborationSubscriptionState as Css, Exception, LocalEndpointState as Les, RegistrationState,
    RegistrationTransitionReason as Why, RemotePresentitySubscriptionState as Rps, ServiceState,
    SubscriptionSignalingState as Sss, SubscriptionStateTransitionReason,
};
use crate::{
    local_endpoint::LocalEndpointStimulus as Le, registration::RegistrationStatus as Rs,
    registration::RegistrationStimulus as Rg, remote_presence::RemotePresenceStimulus as Rp,
    sip_subscription::SipSubscriptionStimulus as Ss,
};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};

/// A property of a machine's table.
pub struct Property<M: Machine> {
    /// A short, stable name (`kebab-case`).
    pub name: &'static str,
    /// The clause and fact IDs it rests on.
    pub clauses: &'static [&'static str],
    /// What it claims, in a line.
    pub statement: &'static str,
    /// The answers that break it (`State x Stimulus: what happened`); empty when it holds.
    pub check: fn(&Table<M>) -> Vec<String>,
}

/// A property without its check, by names: what the docs list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PropertyInfo {
    /// The machine id.
    pub machine: &'static str,
    /// The property's name.
    pub name: &'static str,
    /// The clause and fact IDs.
    pub clauses: &'static [&'static str],
    /// What it claims.
    pub statement: &'static str,
}

/// A machine with properties.
pub trait Specified: Machine {
    /// The machine's properties, in reading order.
    fn properties() -> Vec<Property<Self>>;
}

type Step<M> = Result<Transition<M>, Rejected<M>>;

/// Applies `verdict` to every `(state, stimulus)` answer of `table`; collects the
/// complaints it returns.
fn each<M: Machine>(
    table: &Table<M>,
    mut verdict: impl FnMut(M::State, M::Stimulus, &Step<M>) -> Option<String>,
) -> Vec<String> {
    let mut found = Vec::new();
    for state in M::State::all() {
        for on in M::Stimulus::all() {
            let step = table.step(state, on);
            if let Some(complaint) = verdict(state, on, &step) {
                found.push(format!("{} x {}: {complaint}", state.name(), on.name()));
            }
        }
    }
    found
}

/// A complaint describing what a step did.
fn did<M: Machine>(step: &Step<M>) -> String {
    match step {
        Ok(transition) => format!(
            "moves to {} raising {:?}",
            transition.to.name(),
            transition.events().collect::<Vec<_>>()
        ),
        Err(rejected) => format!("rejected with {}", rejected.error),
    }
}

/// Final states have no way out: every answer stays (AF-LES, AF-SIPSUB, AF-CSS).
fn final_states_stay<M: Machine>(table: &Table<M>) -> Vec<String> {
    each(table, |state, _, step| match step {
        Ok(transition) if M::is_final(state) && transition.to != state => Some(did(step)),
        _ => None,
    })
}

/// `on` is accepted only in `allowed` states; elsewhere it is rejected with
/// InvalidOperationException.
fn accepted_only_in<M: Machine<Error = Exception>>(
    table: &Table<M>,
    on: M::Stimulus,
    allowed: &[M::State],
) -> Vec<String> {
    each(table, |state, stimulus, step| {
        if stimulus != on {
            return None;
        }
        let fine = match step {
            Ok(_) => allowed.contains(&state),
            Err(rejected) => {
                !allowed.contains(&state) && rejected.error == Exception::InvalidOperationException
            }
        };
        (!fine).then(|| did(step))
    })
}

/// In `state`, `on` moves to `to`.
fn moves_to<M: Machine>(
    table: &Table<M>,
    state: M::State,
    on: M::Stimulus,
    to: M::State,
) -> Vec<String> {
    each(table, |s, stimulus, step| {
        if s != state || stimulus != on {
            return None;
        }
        match step {
            Ok(transition) if transition.to == to => None,
            _ => Some(did(step)),
        }
    })
}

// ---------------------------------------------------------------------------------------
// registration
// ---------------------------------------------------------------------------------------

impl Specified for Registration {
    fn properties() -> Vec<Property<Self>> {
        vec![
            Property {
                name: "outage-event-args",
                clauses: &["REG-1", "REG-2", "RARG-3", "D4"],
                statement: "while registered, the registrar's User Services NOTIFY raises one RegistrationStateChanged with Reason None and UserServicesState Unavailable",
                check: |table| {
                    each(table, |state, on, step| {
                        if on != Rg::RegistrarNotifyUserServicesUnavailable
                            || state.registration_state() != RegistrationState::Registered
                        {
                            return None;
                        }
                        let fine = matches!(step, Ok(t) if t.to == Rs::RegisteredUserServicesUnavailable
                            && matches!(t.events().collect::<Vec<_>>()[..], [Event::RegistrationStateChanged {
                                reason: Why::None, user_services_state: ServiceState::Unavailable, .. }]));
                        (!fine).then(|| did(step))
                    })
                },
            },
            Property {
                name: "healing-refresh-args",
                clauses: &["REG-3", "D2"],
                statement: "after an outage, the refresh that succeeds raises RegistrationStateChanged with Reason RegisterationRefresh and UserServicesState Available",
                check: |table| {
                    each(table, |state, on, step| {
                        if state != Rs::RegisteredUserServicesUnavailable || on != Rg::RefreshOk {
                            return None;
                        }
                        let fine = matches!(step, Ok(t) if t.to == Rs::Registered
                            && matches!(t.events().collect::<Vec<_>>()[..], [Event::RegistrationStateChanged {
                                reason: Why::RegistrationRefresh, user_services_state: ServiceState::Available, .. }]));
                        (!fine).then(|| did(step))
                    })
                },
            },
            Property {
                name: "service-state-only-in-events",
                clauses: &["REG-4", "AF-RS"],
                statement: "the state users observe is a RegistrationState; what is known of User Services shows only in event arguments",
                check: |_| {
                    Rs::all()
                        .filter(|state| RegistrationState::parse(Registration::observed(*state)).is_none())
                        .map(|state| format!("{} is observed as {}", state.name(), Registration::observed(state)))
                        .collect()
                },
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// local_endpoint
// ---------------------------------------------------------------------------------------

impl Specified for LocalEndpoint {
    fn properties() -> Vec<Property<Self>> {
        vec![
            Property {
                name: "terminated-is-final",
                clauses: &["AF-LES", "AF-LEP-T"],
                statement: "a Terminated endpoint stays Terminated",
                check: final_states_stay::<LocalEndpoint>,
            },
            Property {
                name: "drain-only-when-established",
                clauses: &["AF-DRAIN", "D5"],
                statement: "BeginDrain is accepted only in Established or Reestablishing (application endpoints); elsewhere it throws InvalidOperationException",
                check: |table| {
                    let application = table.parameters().kind == EndpointKind::Application;
                    each(table, |state, on, step| {
                        if on != Le::BeginDrain {
                            return None;
                        }
                        let may = matches!(state, Les::Established | Les::Reestablishing);
                        let fine = match step {
                            Ok(_) => may,
                            Err(rejected) => {
                                rejected.error == Exception::InvalidOperationException
                                    && !(may && application)
                            }
                        };
                        (!fine).then(|| did(step))
                    })
                },
            },
            Property {
                name: "refresh-failure-by-kind",
                clauses: &["AF-LEP-T", "LARG-4"],
                statement: "a failed registration refresh terminates a user endpoint and re-establishes an application endpoint",
                check: |table| {
                    let to = match table.parameters().kind {
                        EndpointKind::User => Les::Terminating,
                        EndpointKind::Application => Les::Reestablishing,
                    };
                    moves_to(table, Les::Established, Le::RegistrationRefreshFailed, to)
                },
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// sip_subscription
// ---------------------------------------------------------------------------------------

impl Specified for SipSubscription {
    fn properties() -> Vec<Property<Self>> {
        vec![
            Property {
                name: "unresponsive-pool-never-terminates",
                clauses: &["SUB-3", "SUB-4", "SUB-1"],
                statement: "under the platform and on the home pool, a refresh that fails because the pool does not answer never terminates the subscription",
                check: |table| {
                    let protected = table.parameters().protected();
                    each(table, |_, on, step| match step {
                        Ok(t) if protected
                            && on == Ss::RefreshFailedPoolUnresponsive
                            && matches!(t.to, Sss::Terminating | Sss::Terminated)
                            && t.from != t.to =>
                        {
                            Some(did(step))
                        }
                        _ => None,
                    })
                },
            },
            Property {
                name: "recovery-resubscribes",
                clauses: &["SUB-2", "PRES-4"],
                statement: "under the platform and on the home pool, a subscription waiting to retry subscribes again when the pool recovers",
                check: |table| {
                    if table.parameters().protected() {
                        moves_to(table, Sss::WaitingForRetry, Ss::PoolRecovered, Sss::Subscribing)
                    } else {
                        Vec::new()
                    }
                },
            },
            Property {
                name: "refresh-only-when-subscribed",
                clauses: &["AF-SIPSUB"],
                statement: "Refresh throws InvalidOperationException unless the subscription is Subscribed",
                check: |table| accepted_only_in(table, Ss::BeginRefresh, &[Sss::Subscribed]),
            },
            Property {
                name: "terminated-is-final",
                clauses: &["AF-SIPSUB", "AF-SSS"],
                statement: "a Terminated SipSubscription cannot be used again",
                check: final_states_stay::<SipSubscription>,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// local_owner_presence, contact_group_services
// ---------------------------------------------------------------------------------------

fn session_properties<M: Session + Specified + Machine<Event = Event>>(
    operation_statement: &'static str,
) -> Vec<Property<M>> {
    vec![
        Property {
            name: "pool-offline-waits-for-retry",
            clauses: &["PRES-1", "D3", "AF-TR"],
            statement: "when the pool goes offline, a Subscribing or Subscribed session goes to WaitingForRetry with reason ServerEvent",
            check: |table| {
                each(table, |state, on, step| {
                    if on != M::POOL_OFFLINE || !matches!(state, Css::Subscribing | Css::Subscribed) {
                        return None;
                    }
                    let fine = matches!(step, Ok(t) if t.to == Css::WaitingForRetry
                        && matches!(t.events().collect::<Vec<_>>()[..], [Event::SubscriptionStateChange {
                            reason: SubscriptionStateTransitionReason::ServerEvent, .. }]));
                    (!fine).then(|| did(step))
                })
            },
        },
        Property {
            name: "operation-rejected-while-waiting",
            clauses: if M::OPERATION_IN_IDLE { &["PRES-2", "AF-CGS", "D6"] } else { &["PRES-2", "AF-PUB", "D6"] },
            statement: operation_statement,
            check: |table| {
                let allowed: &[Css] = if M::OPERATION_IN_IDLE {
                    &[Css::Idle, Css::Subscribed]
                } else {
                    &[Css::Subscribed]
                };
                accepted_only_in(table, M::OPERATION, allowed)
            },
        },
        Property {
            name: "terminated-underneath-never-idle",
            clauses: &["PRES-3"],
            statement: "when the SipSubscription underneath becomes Terminated, the session never falls back to Idle",
            check: |table| {
                each(table, |state, on, step| match step {
                    Ok(t) if on == M::UNDERLYING_TERMINATED && state != Css::Idle && t.to == Css::Idle => {
                        Some(did(step))
                    }
                    _ => None,
                })
            },
        },
        Property {
            name: "recovery-resubscribes",
            clauses: &["PRES-4"],
            statement: "a session waiting to retry subscribes again when the pool recovers",
            check: |table| moves_to(table, Css::WaitingForRetry, M::POOL_RECOVERED, Css::Subscribing),
        },
        Property {
            name: "terminated-is-final",
            clauses: &["AF-CSS"],
            statement: "Terminated means the session failed irrevocably: it stays Terminated",
            check: final_states_stay::<M>,
        },
    ]
}

impl Specified for LocalOwnerPresence {
    fn properties() -> Vec<Property<Self>> {
        session_properties::<Self>(
            "BeginPublishPresence is accepted only while Subscribed; in WaitingForRetry, as in every other state, it throws InvalidOperationException",
        )
    }
}

impl Specified for ContactGroupServices {
    fn properties() -> Vec<Property<Self>> {
        session_properties::<Self>(
            "contact operations are accepted only in Idle or Subscribed; in WaitingForRetry they throw InvalidOperationException",
        )
    }
}

// ---------------------------------------------------------------------------------------
// remote_presence
// ---------------------------------------------------------------------------------------

impl Specified for RemotePresence {
    fn properties() -> Vec<Property<Self>> {
        vec![
            Property {
                name: "home-pool-like-local-owner-presence",
                clauses: &["RP-1", "PRES-1", "PRES-3"],
                statement: "on the home pool, the pool going offline or the subscription underneath terminating leads a Subscribing or Subscribed view to WaitingForRetry",
                check: |table| {
                    if !table.parameters().home_pool {
                        return Vec::new();
                    }
                    each(table, |state, on, step| {
                        if !matches!(on, Rp::PoolOffline | Rp::UnderlyingSubscriptionTerminated)
                            || !matches!(state, Rps::Subscribing | Rps::Subscribed)
                        {
                            return None;
                        }
                        (!matches!(step, Ok(t) if t.to == Rps::WaitingForRetry)).then(|| did(step))
                    })
                },
            },
            Property {
                name: "recovery-resubscribes",
                clauses: &["RP-1", "PRES-4"],
                statement: "a view waiting to retry subscribes again when the pool recovers",
                check: |table| moves_to(table, Rps::WaitingForRetry, Rp::PoolRecovered, Rps::Subscribing),
            },
            Property {
                name: "other-pools-not-protected",
                clauses: &["SUB-4", "RP-1"],
                statement: "off the home pool, a subscription ending underneath leaves the view Idle (the high-availability rules do not apply)",
                check: |table| {
                    if table.parameters().home_pool {
                        return Vec::new();
                    }
                    moves_to(table, Rps::Subscribed, Rp::UnderlyingSubscriptionTerminated, Rps::Idle)
                },
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// By machine id
// ---------------------------------------------------------------------------------------

fn infos<M: Specified>() -> Vec<PropertyInfo> {
    M::properties()
        .iter()
        .map(|p| PropertyInfo {
            machine: M::ID,
            name: p.name,
            clauses: p.clauses,
            statement: p.statement,
        })
        .collect()
}

/// Checks every property of `M` against a table, for every parameter set; each
/// violation is `property (parameters): complaint`.
pub fn check_machine<M: Specified>(tables: &[Table<M>]) -> Vec<String> {
    let mut found = Vec::new();
    for table in tables {
        let parameters = serde_json::to_string(table.parameters()).unwrap_or_default();
        for property in M::properties() {
            for complaint in (property.check)(table) {
                found.push(format!("{} {parameters}: {complaint}", property.name));
            }
        }
    }
    found
}

fn check_all_parameters<M: Specified>() -> Vec<String> {
    let mut tables = Vec::new();
    let mut found = Vec::new();
    for parameters in M::Parameters::all() {
        match Table::<M>::new(parameters) {
            Ok(table) => tables.push(table),
            Err(errors) => found.extend(errors.iter().map(ToString::to_string)),
        }
    }
    found.extend(check_machine(&tables));
    found
}

/// The properties of a machine, by id (empty for an unknown id).
pub fn properties(machine: &str) -> Vec<PropertyInfo> {
    match machine {
        Registration::ID => infos::<Registration>(),
        LocalEndpoint::ID => infos::<LocalEndpoint>(),
        SipSubscription::ID => infos::<SipSubscription>(),
        LocalOwnerPresence::ID => infos::<LocalOwnerPresence>(),
        ContactGroupServices::ID => infos::<ContactGroupServices>(),
        RemotePresence::ID => infos::<RemotePresence>(),
        _ => Vec::new(),
    }
}

/// Checks every property of a machine, by id, for every parameter set; the violations
/// (empty when all hold, or for an unknown id).
pub fn check(machine: &str) -> Vec<String> {
    match machine {
        Registration::ID => check_all_parameters::<Registration>(),
        LocalEndpoint::ID => check_all_parameters::<LocalEndpoint>(),
        SipSubscription::ID => check_all_parameters::<SipSubscription>(),
        LocalOwnerPresence::ID => check_all_parameters::<LocalOwnerPresence>(),
        ContactGroupServices::ID => check_all_parameters::<ContactGroupServices>(),
        RemotePresence::ID => check_all_parameters::<RemotePresence>(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use fsm::Row;

    /// The rows of `M` with the rows answering `(state, on)` (one per guard) replaced by
    /// the single, unguarded `row`.
    fn mutated<M: Machine>(state: M::State, on: M::Stimulus, row: Row<M>) -> Vec<Row<M>> {
        let mut replaced = false;
        M::rows()
            .iter()
            .filter_map(|r| {
                if r.from != state || r.on != on {
                    Some(*r)
                } else if replaced {
                    None
                } else {
                    replaced = true;
                    Some(row)
                }
            })
            .collect()
    }

    fn violations<M: Specified>(rows: Vec<Row<M>>, parameters: M::Parameters) -> Vec<String> {
        let table = Table::from_rows(Cow::Owned(rows), parameters).expect("total table");
        check_machine(&[table])
    }

    #[test]
    fn every_property_of_every_machine_holds() {
        for id in crate::catalog::MACHINES {
            assert!(!properties(id).is_empty(), "{id} has no properties");
            assert_eq!(check(id), Vec::<String>::new(), "{id}");
        }
    }

    #[test]
    fn every_property_cites_known_clauses() {
        for id in crate::catalog::MACHINES {
            for property in properties(id) {
                for clause in property.clauses {
                    assert!(
                        crate::clauses::find(clause).is_some(),
                        "{id} {}: {clause}",
                        property.name
                    );
                }
            }
        }
    }

    #[test]
    fn publish_accepted_in_waiting_for_retry_breaks_pres_2() {
        let rows = mutated::<LocalOwnerPresence>(
            Css::WaitingForRetry,
            crate::presence::LocalOwnerPresenceStimulus::BeginPublishPresence,
            Row::moves(
                Css::WaitingForRetry,
                crate::presence::LocalOwnerPresenceStimulus::BeginPublishPresence,
                Css::WaitingForRetry,
                &[],
                &["PRES-2"],
            ),
        );
        let found = violations(rows, fsm::NoParameters {});
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("operation-rejected-while-waiting"));
    }

    #[test]
    fn terminated_underneath_to_idle_breaks_pres_3() {
        use crate::presence::ContactGroupServicesStimulus as Cg;
        let rows = mutated::<ContactGroupServices>(
            Css::Subscribed,
            Cg::UnderlyingSubscriptionTerminated,
            Row::moves(
                Css::Subscribed,
                Cg::UnderlyingSubscriptionTerminated,
                Css::Idle,
                &[],
                &["PRES-3"],
            ),
        );
        let found = violations(rows, fsm::NoParameters {});
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("terminated-underneath-never-idle")),
            "{found:?}"
        );
    }

    #[test]
    fn outage_without_unavailable_breaks_reg_2() {
        use crate::registration::RegistrationEffect;
        const WRONG: &[RegistrationEffect] = &[RegistrationEffect {
            reason: Why::UserServicesUnavailable,
            message_data: true,
            user_services_state: ServiceState::Unavailable,
        }];
        let rows = mutated::<Registration>(
            Rs::Registered,
            Rg::RegistrarNotifyUserServicesUnavailable,
            Row::moves(
                Rs::Registered,
                Rg::RegistrarNotifyUserServicesUnavailable,
                Rs::RegisteredUserServicesUnavailable,
                WRONG,
                &["REG-2"],
            ),
        );
        let found = violations(rows, Default::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("outage-event-args"));
    }

    #[test]
    fn unresponsive_pool_terminating_breaks_sub_3() {
        let rows = mutated::<SipSubscription>(
            Sss::Subscribed,
            Ss::RefreshFailedPoolUnresponsive,
            Row::moves(
                Sss::Subscribed,
                Ss::RefreshFailedPoolUnresponsive,
                Sss::Terminated,
                &[],
                &["SUB-3"],
            ),
        );
        let found = violations(rows, Default::default());
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("unresponsive-pool-never-terminates")),
            "{found:?}"
        );
    }

    #[test]
    fn drain_in_idle_breaks_af_drain() {
        let rows = mutated::<LocalEndpoint>(
            Les::Idle,
            Le::BeginDrain,
            Row::moves(Les::Idle, Le::BeginDrain, Les::Draining, &[], &["AF-DRAIN"]),
        );
        let found = violations(rows, Default::default());
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("drain-only-when-established")),
            "{found:?}"
        );
    }

    #[test]
    fn remote_view_falling_idle_on_home_pool_breaks_rp_1() {
        let rows = mutated::<RemotePresence>(
            Rps::Subscribed,
            Rp::PoolOffline,
            Row::moves(Rps::Subscribed, Rp::PoolOffline, Rps::Idle, &[], &["RP-1"]),
        );
        let found = violations(rows, Default::default());
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("home-pool-like-local-owner-presence")),
            "{found:?}"
        );
    }
}
