//! The documented properties of `local_endpoint` (LARG-1..LARG-4, AF-LEP-T, AF-LES,
//! AF-LESR, AF-DRAIN).

use super::*;

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
