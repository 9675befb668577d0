//! The documented properties of `registration` (REG-1..REG-4, RARG-1..RARG-3, AF-RS,
//! AF-RTR, AF-DROP).

use fsm::{Machine, Symbol};

use crate::events::Event;
use crate::invariants::*;
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::vocabulary::{RegistrationState, RegistrationTransitionReason, ServiceState};
use crate::Registration;

property_catalogue! {
    PROPERTIES = [
        MESSAGE_DATA: "message-data-iff-sip-message", ["RARG-2"],
            "MessageData is present exactly when a registrar response or NOTIFY caused the \
             change";
        OUTAGE_NOTIFY_ARGS: "outage-notify-args", ["REG-1", "REG-2", "RARG-3", "D4"],
            "while registered, the User Services outage NOTIFY raises one event with Reason \
             None, UserServicesState Unavailable and the NOTIFY as MessageData; the \
             registration stays Registered and now knows the pool is unavailable";
        HEALING_REFRESH_ARGS: "healing-refresh-args", ["REG-3", "D2"],
            "a refresh answered while the pool is known to be unavailable raises one event \
             with Reason RegisterationRefresh and UserServicesState Available, and heals the \
             registration";
        REFRESH_REASON: "refresh-reason-only-when-healed", ["REG-3", "D2"],
            "no other step reports Reason RegisterationRefresh";
        USER_SERVICES_TRUTHFUL: "user-services-truthful", ["RARG-3", "REG-4", "SVC-1", "AF-SVC"],
            "an event reports what the registration knew of User Services before or knows \
             after the step (exactly the latter when registered afterwards), and a change of \
             that knowledge while registered is reported";
        REGISTER_KNOWS_NOTHING: "register-reports-unknown", ["SVC-1", "AF-SVC", "RARG-3"],
            "a REGISTER's 200 OK says nothing of the pool: the registration reports \
             UserServicesState Unknown and knows nothing more until a NOTIFY or a healing \
             refresh tells it";
        TOO_MANY_REFUSED: "too-many-endpoints-refused", ["AF-RTR", "LARG-4", "RARG-1"],
            "a REGISTER refused for too many endpoints unregisters with Reason \
             TooManyActiveEndpoint";
        SERVICE_STATE_HIDDEN: "service-state-only-in-events", ["REG-4", "AF-RS"],
            "the state users observe is always a RegistrationState; what is known of User \
             Services shows only in the event arguments";
        MOVES: "registration-moves",
            ["AF-RS", "AF-RTR", "AF-DROP", "AF-LEP-T", "REG-1", "REG-3"],
            "each stimulus, when it changes the state, leads where its meaning says; a \
             registrar that ends the registration, a failed refresh or a lost connection \
             without refresh-on-drop unregisters";
        REGISTER: "register", ["AF-RS"],
            "documented path: BeginRegister answered by 200 OK ends Registered";
        REGISTER_REFUSED: "register-refused", ["AF-RS"],
            "documented path: BeginRegister answered by a failure ends Unregistered";
        OUTAGE_THEN_HEALING: "outage-then-healing", ["REG-1", "REG-2", "REG-3"],
            "documented path: registered, the outage NOTIFY, then a successful refresh ends \
             Registered with User Services available";
        UNREGISTER: "unregister", ["AF-RS"],
            "documented path: register, then BeginUnregister answered ends Unregistered";
        DROP_REFRESHES: "drop-refreshes", ["AF-DROP"],
            "documented path: with refresh-on-drop, a lost connection keeps the registration";
        DROP_UNREGISTERS: "drop-unregisters", ["AF-DROP", "AF-RS"],
            "documented path: without refresh-on-drop, a lost connection unregisters";
        SERVER_DISCONNECTS: "server-disconnects", ["AF-RS"],
            "documented path: the registrar's deregistering NOTIFY ends Unregistered";
    ]
}

impl Documented for Registration {
    const EVENT: &'static str = "RegistrationStateChanged";

    fn properties() -> Vec<&'static Property> {
        PROPERTIES.to_vec()
    }

    /// The step properties of the catalogue above (the paths are the scenarios).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use RegistrationStatus as St;
        use RegistrationStimulus as S;
        let message = matches!(
            step.on,
            S::RegisterOk
                | S::RegisterFailed
                | S::RegisterFailedTooManyActiveEndpoints
                | S::RegistrarNotifyUserServicesUnavailable
                | S::RefreshOk
                | S::UnregisterOk
                | S::RegistrarNotifyDeregistered
                | S::RegistrarNotifyTooManyActiveEndpoints
        );
        let (known_before, known_after) = (step.from.user_services(), step.to.user_services());
        let registered_after = step.to.registration_state() == RegistrationState::Registered;
        rule(
            [step.from, step.to]
                .iter()
                .all(|state| RegistrationState::parse(Self::observed(*state)).is_some()),
            &SERVICE_STATE_HIDDEN,
            || step.describe(),
        )?;
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
            rule(message_data == message, &MESSAGE_DATA, || step.describe())?;
            rule(
                user_services_state == known_before || user_services_state == known_after,
                &USER_SERVICES_TRUTHFUL,
                || step.describe(),
            )?;
            rule(
                !registered_after || user_services_state == known_after,
                &USER_SERVICES_TRUTHFUL,
                || step.describe(),
            )?;
            rule(
                reason != RegistrationTransitionReason::RegistrationRefresh
                    || (step.on == S::RefreshOk && known_before == ServiceState::Unavailable),
                &REFRESH_REASON,
                || step.describe(),
            )?;
        }
        let registered_before = step.from.registration_state() == RegistrationState::Registered;
        rule(
            !(registered_before && registered_after && known_before != known_after)
                || step.events.len() == 1,
            &USER_SERVICES_TRUTHFUL,
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
                &OUTAGE_NOTIFY_ARGS,
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
                &HEALING_REFRESH_ARGS,
                || step.describe(),
            )?;
        }
        if step.on == S::RegisterOk && step.changed() {
            rule(
                step.to == St::RegisteredUserServicesUnknown
                    && step.events.iter().all(|event| {
                        matches!(
                            event,
                            Event::RegistrationStateChanged {
                                user_services_state: ServiceState::Unknown,
                                ..
                            }
                        )
                    }),
                &REGISTER_KNOWS_NOTHING,
                || step.describe(),
            )?;
        }
        if step.on == S::RefreshOk && known_before == ServiceState::Unknown {
            rule(!step.changed(), &REGISTER_KNOWS_NOTHING, || step.describe())?;
        }
        if step.on == S::RegisterFailedTooManyActiveEndpoints && step.from == St::Registering {
            rule(
                step.to == St::Unregistered
                    && step.events.iter().any(|event| {
                        matches!(
                            event,
                            Event::RegistrationStateChanged {
                                reason: RegistrationTransitionReason::TooManyActiveEndpoint,
                                ..
                            }
                        )
                    }),
                &TOO_MANY_REFUSED,
                || step.describe(),
            )?;
        }
        let name = &MOVES;
        match step.on {
            S::BeginRegister => lands_in(step, &[St::Registering], name),
            S::RegisterOk => lands_in(step, &[St::RegisteredUserServicesUnknown], name),
            S::RefreshFailed
            | S::RegistrarNotifyDeregistered
            | S::RegistrarNotifyTooManyActiveEndpoints
                if registered_before =>
            {
                // The registrar ended the registration, or a refresh found no registrar:
                // the registration is lost (AF-RS "after the server disconnects", AF-LEP-T
                // server-forced deregistration and refresh failure).
                must_reach(step, St::Unregistered, name)
            }
            S::RegisterFailed
            | S::RegisterFailedTooManyActiveEndpoints
            | S::RefreshFailed
            | S::UnregisterOk
            | S::RegistrarNotifyDeregistered
            | S::RegistrarNotifyTooManyActiveEndpoints => lands_in(step, &[St::Unregistered], name),
            S::RegistrarNotifyUserServicesUnavailable => {
                lands_in(step, &[St::RegisteredUserServicesUnavailable], name)
            }
            S::RefreshDue => unchanged(step, name),
            S::RefreshOk => lands_in(step, &[St::Registered], name),
            S::ConnectionDropped => match step.from {
                // Registered: the drop triggers a register refresh, or with the refresh
                // disabled it unregisters (AF-DROP).
                St::RegisteredUserServicesUnknown
                | St::Registered
                | St::RegisteredUserServicesUnavailable
                    if step.parameters.refresh_on_connection_drop =>
                {
                    unchanged(step, name)
                }
                St::Unregistered => unchanged(step, name),
                // A request in flight is lost with the connection, and a registration
                // without refresh-on-drop ends (AF-DROP, AF-RS "after the server
                // disconnects").
                _ => must_reach(step, St::Unregistered, name),
            },
            S::BeginUnregister => {
                if registered_before {
                    must_reach(step, St::Unregistering, name)
                } else {
                    lands_in(step, &[St::Unregistering], name)
                }
            }
        }
    }

    /// The outage NOTIFY (REG-1) and the healing refresh (REG-3) are reported while the
    /// registration stays Registered.
    fn reports_without_change(_: RegistrationStatus, on: RegistrationStimulus) -> bool {
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
                property: &REGISTER,
                when: |_| true,
                steps: vec![S::BeginRegister, S::RegisterOk],
                ends_in: St::RegisteredUserServicesUnknown,
            },
            Scenario {
                property: &TOO_MANY_REFUSED,
                when: |_| true,
                steps: vec![S::BeginRegister, S::RegisterFailedTooManyActiveEndpoints],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: &REGISTER_REFUSED,
                when: |_| true,
                steps: vec![S::BeginRegister, S::RegisterFailed],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: &OUTAGE_THEN_HEALING,
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
                property: &UNREGISTER,
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
                property: &DROP_REFRESHES,
                when: |p| p.refresh_on_connection_drop,
                steps: vec![S::BeginRegister, S::RegisterOk, S::ConnectionDropped],
                ends_in: St::RegisteredUserServicesUnknown,
            },
            Scenario {
                property: &DROP_UNREGISTERS,
                when: |p| !p.refresh_on_connection_drop,
                steps: vec![S::BeginRegister, S::RegisterOk, S::ConnectionDropped],
                ends_in: St::Unregistered,
            },
            Scenario {
                property: &SERVER_DISCONNECTS,
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
// Clause tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::test_support::{drive, events, table};
    use fsm::{Parameters, RowOutcome, Symbol, Table};

    fn registered(table: &Table<Registration>) -> RegistrationStatus {
        drive(table, &[BeginRegister, RegisterOk])
    }

    #[test]
    fn reg_1_outage_notify_raises_registration_state_changed() {
        let table = table::<Registration>();
        let (to, raised) = events(
            &table,
            registered(&table),
            RegistrarNotifyUserServicesUnavailable,
        );
        assert_eq!(to, RegisteredUsDown);
        assert_eq!(raised.len(), 1);
        assert!(matches!(
            raised[0],
            Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registered,
                state: RegistrationState::Registered,
                ..
            }
        ));
    }

    #[test]
    fn reg_2_outage_args() {
        for parameters in RegistrationParameters::all() {
            let table = Table::<Registration>::new(parameters).expect("total");
            for from in [RegisteredUsUnknown, Registered, RegisteredUsDown] {
                let (_, raised) = events(&table, from, RegistrarNotifyUserServicesUnavailable);
                assert_eq!(
                    raised,
                    [Event::RegistrationStateChanged {
                        previous_state: RegistrationState::Registered,
                        state: RegistrationState::Registered,
                        reason: Why::None,
                        message_data: true,
                        user_services_state: Unavailable,
                    }]
                );
            }
        }
    }

    #[test]
    fn reg_3_healing_refresh_args_and_only_once() {
        let table = table::<Registration>();
        let down = drive(
            &table,
            &[
                BeginRegister,
                RegisterOk,
                RegistrarNotifyUserServicesUnavailable,
                RefreshDue,
            ],
        );
        let (healed, raised) = events(&table, down, RefreshOk);
        assert_eq!(healed, Registered);
        assert_eq!(
            raised,
            [Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registered,
                state: RegistrationState::Registered,
                reason: Why::RegistrationRefresh,
                message_data: true,
                user_services_state: Available,
            }]
        );
        // A routine refresh after healing reports nothing new.
        let (_, again) = events(&table, healed, RefreshOk);
        assert!(again.is_empty());
    }

    #[test]
    fn reg_4_user_services_state_is_not_observable_state() {
        // Both table states show as the same RegistrationState; only event args differ.
        assert_eq!(Registration::observed(Registered), "Registered");
        assert_eq!(Registration::observed(RegisteredUsDown), "Registered");
        assert_eq!(RegisteredUsDown.user_services(), Unavailable);
    }

    #[test]
    fn svc_1_af_svc_a_register_reports_unknown_until_the_registrar_tells() {
        // SVC-1, AF-SVC: a REGISTER's 200 OK says nothing of the pool, so the event
        // reports Unknown; a routine refresh says nothing new either (REG-3 reports
        // Available only when it heals an outage), and the outage NOTIFY says Unavailable.
        let table = table::<Registration>();
        let (to, raised) = events(&table, Registering, RegisterOk);
        assert_eq!(to, RegisteredUsUnknown);
        assert_eq!(
            raised,
            [Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registering,
                state: RegistrationState::Registered,
                reason: Why::None,
                message_data: true,
                user_services_state: Unknown,
            }]
        );
        assert_eq!(events(&table, to, RefreshOk), (to, vec![]));
        let (down, _) = events(&table, to, RegistrarNotifyUserServicesUnavailable);
        assert_eq!(down.user_services(), Unavailable);
        assert_eq!(Registration::observed(RegisteredUsUnknown), "Registered");
    }

    #[test]
    fn af_rtr_a_register_refused_for_too_many_endpoints_reports_too_many_active_endpoint() {
        // AF-RTR has TooManyActiveEndpoint for a refused REGISTER; LARG-4 has the same
        // reason on the LocalEndpoint while it establishes.
        let table = table::<Registration>();
        let (to, raised) = events(&table, Registering, RegisterFailedTooManyActiveEndpoints);
        assert_eq!(to, Unregistered);
        assert_eq!(
            raised,
            [Event::RegistrationStateChanged {
                previous_state: RegistrationState::Registering,
                state: RegistrationState::Unregistered,
                reason: Why::TooManyActiveEndpoint,
                message_data: true,
                user_services_state: Unknown,
            }]
        );
        // Only a REGISTER in flight can be refused.
        for state in [Unregistered, RegisteredUsUnknown, Registered, Unregistering] {
            assert_eq!(
                events(&table, state, RegisterFailedTooManyActiveEndpoints),
                (state, vec![])
            );
        }
    }

    #[test]
    fn svc_1_service_state_has_three_values() {
        let names: Vec<&str> = ServiceState::all().map(Symbol::name).collect();
        assert_eq!(names, ["Unknown", "Available", "Unavailable"]);
    }

    #[test]
    fn rarg_1_reason_names_the_cause_where_known() {
        let table = Table::<Registration>::new(RegistrationParameters {
            refresh_on_connection_drop: false,
        })
        .expect("total");
        let (to, raised) = events(&table, registered(&table), ConnectionDropped);
        assert_eq!(to, Unregistered);
        assert!(matches!(
            raised[..],
            [Event::RegistrationStateChanged {
                reason: Why::ConnectionDropped,
                ..
            }]
        ));
        let (_, raised) = events(
            &table,
            registered(&table),
            RegistrarNotifyTooManyActiveEndpoints,
        );
        assert!(matches!(
            raised[..],
            [Event::RegistrationStateChanged {
                reason: Why::TooManyActiveEndpoint,
                ..
            }]
        ));
    }

    /// Stimuli that are SIP messages from the registrar.
    fn is_sip_message(on: RegistrationStimulus) -> bool {
        matches!(
            on,
            RegisterOk
                | RegisterFailed
                | RegisterFailedTooManyActiveEndpoints
                | RegistrarNotifyUserServicesUnavailable
                | RefreshOk
                | UnregisterOk
                | RegistrarNotifyDeregistered
                | RegistrarNotifyTooManyActiveEndpoints
        )
    }

    #[test]
    fn rarg_2_message_data_exactly_when_a_sip_message_caused_the_change() {
        for row in Registration::rows() {
            if let RowOutcome::Move { emits, .. } = row.outcome {
                for effect in emits {
                    assert_eq!(effect.message_data, is_sip_message(row.on), "{row:?}");
                }
            }
        }
    }

    #[test]
    fn rarg_3_user_services_state_is_what_is_known_after_the_change() {
        for row in Registration::rows() {
            if let RowOutcome::Move { to, emits } = row.outcome {
                for effect in emits {
                    assert_eq!(effect.user_services_state, to.user_services(), "{row:?}");
                }
            }
        }
    }

    #[test]
    fn af_drop_connection_drop_refreshes_or_unregisters() {
        let refreshes = table::<Registration>();
        let (to, raised) = events(&refreshes, registered(&refreshes), ConnectionDropped);
        assert_eq!((to, raised.len()), (RegisteredUsUnknown, 0));
        let (to, _) = events(&refreshes, to, RefreshFailed);
        assert_eq!(to, Unregistered);
    }

    #[test]
    fn af_rs_application_calls_in_the_wrong_state_are_rejected() {
        let table = table::<Registration>();
        let rejected = table
            .step(Unregistered, BeginUnregister)
            .expect_err("not registered");
        assert_eq!(rejected.error, InvalidOperationException);
        assert!(table.step(Registered, BeginRegister).is_err());
    }
}
