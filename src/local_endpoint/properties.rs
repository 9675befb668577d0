//! The documented properties of `local_endpoint` (LARG-1..LARG-4, AF-LEP-T, AF-LES,
//! AF-LESR, AF-DRAIN).

use crate::events::Event;
use crate::invariants::*;
use crate::local_endpoint::{EndpointKind, LocalEndpointStimulus};
use crate::vocabulary::{LocalEndpointState, LocalEndpointStateTransitionReason};
use crate::LocalEndpoint;

property_catalogue! {
    PROPERTIES = [
        MESSAGE_DATA: "message-data-iff-sip-message", ["LARG-1", "AF-LARGS"],
            "MessageData is present exactly when a registrar response or NOTIFY caused the \
             change";
        REASON: "reason-names-the-cause", ["LARG-2", "LARG-4", "AF-LESR", "D1", "D5"],
            "Reason names the stimulus (owner disabled or removed, too many endpoints, \
             refresh failed or succeeded, server discovery failed) and is None for the \
             application's own calls, for unknown NOTIFYs and for a registration lost with \
             the connection when no refresh was sent";
        DRAIN_VALIDITY: "drain-validity", ["AF-DRAIN", "D5"],
            "BeginDrain is accepted exactly by an application endpoint that is Established \
             or Reestablishing";
        NO_REUSE: "no-reuse-after-termination", ["AF-LES"],
            "BeginEstablish is refused once the endpoint is Terminating or Terminated";
        DRAINING_LOSES_REGISTRATION: "draining-reports-lost-registration",
            ["AF-DRAIN", "AF-LESR", "AF-LEP-T", "AF-DROP"],
            "a draining endpoint whose registration is lost (a failed refresh, or a dropped \
             connection without refresh) stays Draining and reports it with one event";
        DROP_WITHOUT_REFRESH: "drop-without-refresh", ["AF-DROP", "AF-LEP-T", "AF-LESR"],
            "a registration lost with the connection, no refresh sent, ends an established \
             user endpoint and re-establishes an application endpoint, with Reason None";
        UNKNOWN_NOTIFY: "unknown-notify-reported", ["LARG-3", "LARG-4", "D1"],
            "an Established or Draining endpoint reports a registrar NOTIFY it does not know \
             with one event, and changes no state";
        MOVES: "endpoint-moves", ["AF-LEP-T", "AF-LESR", "LARG-3", "LARG-4", "AF-DRAIN", "D1"],
            "each stimulus, when it changes the state, leads where the documented \
             transitions say, and the documented ones happen: a failed refresh terminates a \
             user endpoint and re-establishes an application endpoint";
        ESTABLISH: "establish", ["AF-LEP-T"],
            "documented path: BeginEstablish answered by 200 OK ends Established";
        TERMINATE: "terminate", ["AF-LEP-T"],
            "documented path: establish, then BeginTerminate completed ends Terminated";
        APPLICATION_REESTABLISHES: "application-reestablishes", ["AF-LEP-T", "AF-LESR"],
            "documented path: an application endpoint whose refresh fails re-establishes \
             itself and ends Established again";
        APPLICATION_DRAINS: "application-drains", ["AF-DRAIN"],
            "documented path: an established application endpoint can drain";
    ]
}

impl Documented for LocalEndpoint {
    const EVENT: &'static str = "LocalEndpointStateChanged";

    fn properties() -> Vec<&'static Property> {
        PROPERTIES.to_vec()
    }

    /// The step properties of the catalogue above (the paths are the scenarios).
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
                rule(message_data == message, &MESSAGE_DATA, || step.describe())?;
                rule(reason == cause, &REASON, || step.describe())?;
            }
        }
        let application = step.parameters.kind == EndpointKind::Application;
        let name = &MOVES;
        match step.on {
            S::BeginEstablish => {
                if matches!(step.from, St::Terminating | St::Terminated) {
                    accepted_iff(step, false, &NO_REUSE)?;
                }
                if step.from == St::Idle {
                    must_reach(step, St::Establishing, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::EstablishOk => lands_in(step, &[St::Established], name),
            S::EstablishFailed | S::ServerDiscoveryFailed => {
                if step.from == St::Establishing {
                    must_reach(step, St::Idle, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::RegistrationRefreshFailed | S::ConnectionDropped => {
                let property = if step.on == S::ConnectionDropped {
                    &DROP_WITHOUT_REFRESH
                } else {
                    name
                };
                match (step.from, application) {
                    (St::Established, false) => must_reach(step, St::Terminating, property),
                    (St::Established, true) => must_reach(step, St::Reestablishing, property),
                    (St::Draining, _) => rule(
                        step.accepted() && !step.changed() && step.events.len() == 1,
                        &DRAINING_LOSES_REGISTRATION,
                        || step.describe(),
                    ),
                    _ => unchanged(step, name),
                }
            }
            S::RegistrationRefreshOk => {
                if step.from == St::Reestablishing {
                    must_reach(step, St::Establishing, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::OwnerDisabledOrRemoved | S::TooManyActiveEndpoints => match step.from {
                St::Establishing => must_reach(step, St::Idle, name),
                St::Established | St::Reestablishing | St::Draining => {
                    must_reach(step, St::Terminating, name)
                }
                _ => unchanged(step, name),
            },
            S::RegistrarNotifyUnknown => {
                // A registered endpoint reports a NOTIFY it does not know with Reason None
                // (LARG-3, LARG-4, D1); it changes no state.
                if matches!(step.from, St::Established | St::Draining) {
                    rule(step.events.len() == 1, &UNKNOWN_NOTIFY, || step.describe())?;
                }
                unchanged(step, name)
            }
            S::BeginDrain => {
                let valid =
                    application && matches!(step.from, St::Established | St::Reestablishing);
                accepted_iff(step, valid, &DRAIN_VALIDITY)?;
                if valid {
                    must_reach(step, St::Draining, name)
                } else {
                    Ok(())
                }
            }
            S::DrainCompleted => Ok(()),
            S::BeginTerminate => match step.from {
                St::Idle | St::Established | St::Reestablishing => {
                    must_reach(step, St::Terminating, name)
                }
                _ => lands_in(step, &[St::Terminating], name),
            },
            S::TerminateCompleted => {
                if step.from == St::Terminating {
                    must_reach(step, St::Terminated, name)
                } else {
                    unchanged(step, name)
                }
            }
        }
    }

    /// An unknown NOTIFY (LARG-3, D1), and a draining endpoint's lost registration.
    fn reports_without_change(from: LocalEndpointState, on: LocalEndpointStimulus) -> bool {
        use LocalEndpointStimulus as S;
        on == S::RegistrarNotifyUnknown
            || (from == LocalEndpointState::Draining
                && matches!(on, S::RegistrationRefreshFailed | S::ConnectionDropped))
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use LocalEndpointState as St;
        use LocalEndpointStimulus as S;
        vec![
            Scenario {
                property: &ESTABLISH,
                when: |_| true,
                steps: vec![S::BeginEstablish, S::EstablishOk],
                ends_in: St::Established,
            },
            Scenario {
                property: &TERMINATE,
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
                property: &APPLICATION_REESTABLISHES,
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
                property: &APPLICATION_DRAINS,
                when: |p| p.kind == EndpointKind::Application,
                steps: vec![S::BeginEstablish, S::EstablishOk, S::BeginDrain],
                ends_in: St::Draining,
            },
        ]
    }
}

// ---------------------------------------------------------------------------------------
// Clause tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::test_support::{drive, events, table};
    use fsm::{RowOutcome, Table};

    fn application() -> Table<LocalEndpoint> {
        Table::new(LocalEndpointParameters {
            kind: EndpointKind::Application,
        })
        .expect("total")
    }

    /// Stimuli that are SIP messages (registrar responses and NOTIFYs).
    fn is_sip_message(on: LocalEndpointStimulus) -> bool {
        matches!(
            on,
            EstablishOk
                | EstablishFailed
                | RegistrationRefreshOk
                | OwnerDisabledOrRemoved
                | TooManyActiveEndpoints
                | RegistrarNotifyUnknown
        )
    }

    #[test]
    fn larg_1_message_data_exactly_when_a_sip_message_caused_the_change() {
        for row in LocalEndpoint::rows() {
            if let RowOutcome::Move { emits, .. } = row.outcome {
                for effect in emits {
                    assert_eq!(effect.message_data, is_sip_message(row.on), "{row:?}");
                }
            }
        }
    }

    #[test]
    fn larg_2_reason_follows_the_registrar_notice() {
        let table = table::<LocalEndpoint>();
        let established = drive(&table, &[BeginEstablish, EstablishOk]);
        for (on, reason) in [
            (OwnerDisabledOrRemoved, Why::OwnerDisabledOrRemoved),
            (TooManyActiveEndpoints, Why::TooManyActiveEndpoints),
            (RegistrationRefreshFailed, Why::RegistrationRefreshFailed),
        ] {
            let (to, raised) = events(&table, established, on);
            assert_eq!(to, Terminating);
            assert!(
                matches!(raised[..], [Event::LocalEndpointStateChanged { reason: r, .. }] if r == reason),
                "{on}: {raised:?}"
            );
        }
    }

    #[test]
    fn larg_3_notify_of_unknown_kind_gives_reason_none_with_message_d1() {
        let table = table::<LocalEndpoint>();
        let established = drive(&table, &[BeginEstablish, EstablishOk]);
        let (to, raised) = events(&table, established, RegistrarNotifyUnknown);
        assert_eq!(to, Established);
        assert_eq!(
            raised,
            [Event::LocalEndpointStateChanged {
                previous_state: Established,
                state: Established,
                reason: Why::None,
                message_data: true,
            }]
        );
    }

    #[test]
    fn larg_4_each_reason_of_the_page_is_raised_somewhere() {
        let raised: Vec<LocalEndpointStateTransitionReason> = LocalEndpoint::rows()
            .iter()
            .filter_map(|row| match row.outcome {
                RowOutcome::Move { emits, .. } => Some(emits.iter().map(|e| e.reason)),
                _ => None,
            })
            .flatten()
            .collect();
        for reason in [
            Why::None,
            Why::OwnerDisabledOrRemoved,
            Why::RegistrationRefreshFailed,
            Why::RegistrationRefreshSucceeded,
            Why::TooManyActiveEndpoints,
            Why::ServerDiscoveryFailed,
        ] {
            assert!(raised.contains(&reason), "{reason} is never raised");
        }
    }

    #[test]
    fn af_lep_t_refresh_failure_terminates_users_and_reestablishes_applications() {
        let user = table::<LocalEndpoint>();
        let up = drive(&user, &[BeginEstablish, EstablishOk]);
        assert_eq!(events(&user, up, RegistrationRefreshFailed).0, Terminating);
        let app = application();
        let up = drive(&app, &[BeginEstablish, EstablishOk]);
        let (down, _) = events(&app, up, RegistrationRefreshFailed);
        assert_eq!(down, Reestablishing);
        let (back, raised) = events(&app, down, RegistrationRefreshOk);
        assert_eq!(back, Establishing);
        assert!(matches!(
            raised[..],
            [Event::LocalEndpointStateChanged {
                reason: Why::RegistrationRefreshSucceeded,
                ..
            }]
        ));
        assert_eq!(events(&app, back, EstablishOk).0, Established);
    }

    #[test]
    fn af_drain_only_from_established_or_reestablishing_d5() {
        let app = application();
        for state in LocalEndpointState::iter() {
            let accepted = app.step(state, BeginDrain).is_ok();
            assert_eq!(
                accepted,
                matches!(state, Established | Reestablishing),
                "{state}"
            );
        }
        let user = table::<LocalEndpoint>();
        let up = drive(&user, &[BeginEstablish, EstablishOk]);
        assert_eq!(
            user.step(up, BeginDrain).map(|t| t.to),
            Err(fsm::Rejected {
                state: Established,
                on: BeginDrain,
                error: InvalidOperationException,
                row: user.row_index(Established, BeginDrain),
            })
        );
    }

    #[test]
    fn af_lesr_server_discovery_failure_returns_to_idle_d5() {
        let table = table::<LocalEndpoint>();
        let (to, raised) = events(&table, Establishing, ServerDiscoveryFailed);
        assert_eq!(to, Idle);
        assert!(matches!(
            raised[..],
            [Event::LocalEndpointStateChanged {
                reason: Why::ServerDiscoveryFailed,
                message_data: false,
                ..
            }]
        ));
    }

    #[test]
    fn af_drop_a_registration_lost_without_refresh_reports_reason_none_af_lesr() {
        // AF-DROP: with the refresh disabled a drop just ends the registration; no refresh
        // was sent, so the reason is not RegistrationRefreshFailed but None (AF-LESR:
        // unknown reason), without a message (LARG-1). A user endpoint ends, an
        // application endpoint re-establishes (AF-LEP-T, AF-LES).
        for (table, after) in [
            (table::<LocalEndpoint>(), Terminating),
            (application(), Reestablishing),
        ] {
            let up = drive(&table, &[BeginEstablish, EstablishOk]);
            let (to, raised) = events(&table, up, ConnectionDropped);
            assert_eq!(to, after);
            assert_eq!(
                raised,
                [Event::LocalEndpointStateChanged {
                    previous_state: Established,
                    state: after,
                    reason: Why::None,
                    message_data: false,
                }]
            );
        }
    }

    #[test]
    fn af_drain_a_draining_endpoint_reports_its_lost_registration_and_stays_draining() {
        // AF-DRAIN: draining is the application's decision and outlives the registration;
        // the loss is reported (AF-LESR: RegistrationRefreshFailed, "subsequent retries"
        // follow; None when no refresh was sent, AF-DROP).
        let app = application();
        let draining = drive(&app, &[BeginEstablish, EstablishOk, BeginDrain]);
        for (on, reason) in [
            (RegistrationRefreshFailed, Why::RegistrationRefreshFailed),
            (ConnectionDropped, Why::None),
        ] {
            let (to, raised) = events(&app, draining, on);
            assert_eq!(to, Draining);
            assert_eq!(
                raised,
                [Event::LocalEndpointStateChanged {
                    previous_state: Draining,
                    state: Draining,
                    reason,
                    message_data: false,
                }]
            );
        }
        // The registration that comes back is reported by the registration itself.
        assert_eq!(
            events(&app, draining, RegistrationRefreshOk),
            (Draining, vec![])
        );
    }

    #[test]
    fn af_les_terminated_is_final() {
        for table in [table::<LocalEndpoint>(), application()] {
            for on in LocalEndpointStimulus::iter() {
                let stays = table.step(Terminated, on).map_or(Terminated, |t| t.to);
                assert_eq!(stays, Terminated, "{on}");
            }
        }
    }

    use strum::IntoEnumIterator;
}
