//! The documented properties of `registration` (REG-1..REG-4, RARG-1..RARG-3, AF-RS,
//! AF-RTR, AF-DROP).

use super::*;

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
