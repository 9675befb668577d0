//! The composed system follows the documents: each test names the clauses it rests on.

use super::*;

// ---------------------------------------------------------------------------------------
// The composed system follows the documents (each test names the clauses it rests on)
// ---------------------------------------------------------------------------------------

/// The events one component raised in a macro-step.
fn raised_by(
    system: &System,
    state: Packed,
    stimulus: SystemStimulus,
    component: &str,
) -> Vec<Event> {
    let mut log = Vec::new();
    let result = system.step_observed(state, stimulus, &mut log);
    assert!(result.rejected.is_none(), "{stimulus} rejected");
    let mut out = Vec::new();
    for delivery in log.iter().filter(|d| slot_name(d.slot) == component) {
        system.events_of(delivery, &mut out);
    }
    out
}

fn application(views: usize) -> System {
    system(SystemConfig {
        endpoint: EndpointKind::Application,
        remote_views: views,
        ..SystemConfig::default()
    })
}

#[test]
fn establishing_without_a_connection_is_server_discovery_failed_larg_1_af_lesr_d5() {
    // LARG-1: no message arrived, so no MessageData; the time-out without a server is
    // ServerDiscoveryFailed (AF-LESR, D5), as the registration's ConnectionDropped says.
    let s = system(SystemConfig::default());
    let dropped = run(&s, &[ConnectionDrops]);
    assert_eq!(
        raised_by(&s, dropped, BeginEstablish, "local_endpoint"),
        [
            Event::LocalEndpointStateChanged {
                previous_state: Les::Idle,
                state: Les::Establishing,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: false,
            },
            Event::LocalEndpointStateChanged {
                previous_state: Les::Establishing,
                state: Les::Idle,
                reason:
                    crate::vocabulary::LocalEndpointStateTransitionReason::ServerDiscoveryFailed,
                message_data: false,
            }
        ]
    );
}

#[test]
fn the_outage_notify_reaches_the_endpoint_as_a_notify_of_unknown_kind_reg_1_larg_3_larg_4_d1() {
    // REG-1: the outage is a registrar NOTIFY; LARG-3, LARG-4 and D1: the endpoint reports
    // it with Reason None, the NOTIFY as MessageData, and keeps its state.
    for s in [system(SystemConfig::default()), application(1)] {
        let up = run(&s, &[BeginEstablish]);
        assert_eq!(
            raised_by(&s, up, PoolFails, "local_endpoint"),
            [Event::LocalEndpointStateChanged {
                previous_state: Les::Established,
                state: Les::Established,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: true,
            }]
        );
        assert_eq!(
            s.state_name(s.step(up, PoolFails).next, "local_endpoint"),
            Some("Established")
        );
    }
}

#[test]
fn an_application_endpoint_publishes_before_subscribing_af_pub_pres_2_d6() {
    // AF-PUB: only user endpoints must subscribe before publishing; a registered
    // application endpoint publishes from Idle. PRES-2 still refuses WaitingForRetry.
    let app = application(1);
    let up = run(&app, &[BeginEstablish]);
    assert_eq!(app.state_name(up, "local_owner_presence"), Some("Idle"));
    assert_eq!(app.step(up, PublishPresence).rejected, None);
    assert_eq!(
        app.step(app.initial(), PublishPresence).rejected,
        Some("InvalidOperationException")
    );
    let waiting = run(&app, &[BeginEstablish, SubscribePresence, PoolFails]);
    assert_eq!(
        app.state_name(waiting, "local_owner_presence"),
        Some("WaitingForRetry")
    );
    assert_eq!(
        app.step(waiting, PublishPresence).rejected,
        Some("InvalidOperationException")
    );
    let user = system(SystemConfig::default());
    let up = run(&user, &[BeginEstablish]);
    assert_eq!(
        user.step(up, PublishPresence).rejected,
        Some("InvalidOperationException")
    );
}

#[test]
fn a_draining_endpoint_that_loses_its_connection_registers_again_af_drain_af_les_af_lep_t_af_drop()
{
    // AF-DRAIN: the endpoint keeps draining; AF-LES, AF-LEP-T, AF-DROP: the failed refresh
    // is reported and the registration comes back when the connection does, so the
    // liveness property needs no exemption for Draining.
    for refresh_on_connection_drop in [true, false] {
        let s = system(SystemConfig {
            endpoint: EndpointKind::Application,
            refresh_on_connection_drop,
            ..SystemConfig::default()
        });
        let draining = run(&s, &[BeginEstablish, SubscribePresence, BeginDrain]);
        let reason = if refresh_on_connection_drop {
            crate::vocabulary::LocalEndpointStateTransitionReason::RegistrationRefreshFailed
        } else {
            crate::vocabulary::LocalEndpointStateTransitionReason::None
        };
        assert_eq!(
            raised_by(&s, draining, ConnectionDrops, "local_endpoint"),
            [Event::LocalEndpointStateChanged {
                previous_state: Les::Draining,
                state: Les::Draining,
                reason,
                message_data: false,
            }]
        );
        let lost = s.step(draining, ConnectionDrops).next;
        assert_eq!(s.state_name(lost, "registration"), Some("Unregistered"));
        let back = s.step(lost, ConnectionRestores).next;
        assert_eq!(s.state_name(back, "local_endpoint"), Some("Draining"));
        assert_eq!(
            s.state_name(back, "registration"),
            Some("RegisteredUserServicesUnknown")
        );
        assert_eq!(
            s.state_name(back, "local_owner_presence"),
            Some("Subscribed")
        );
        assert!(!properties::recovering(&s, back));
    }
}

#[test]
fn a_drop_without_refresh_reports_no_refresh_failure_af_drop_af_lesr() {
    // AF-DROP: with the refresh disabled no refresh is sent, so the endpoint does not say
    // RegistrationRefreshFailed; Reason None (AF-LESR: unknown reason), no message.
    for (endpoint, after) in [
        (EndpointKind::User, Les::Terminating),
        (EndpointKind::Application, Les::Reestablishing),
    ] {
        let s = system(SystemConfig {
            endpoint,
            refresh_on_connection_drop: false,
            ..SystemConfig::default()
        });
        let up = run(&s, &[BeginEstablish]);
        let raised = raised_by(&s, up, ConnectionDrops, "local_endpoint");
        assert_eq!(
            raised.first(),
            Some(&Event::LocalEndpointStateChanged {
                previous_state: Les::Established,
                state: after,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: false,
            })
        );
    }
}

#[test]
fn a_register_during_an_outage_reports_unknown_then_unavailable_svc_1_af_svc_reg_2() {
    // SVC-1, AF-SVC: the REGISTER's 200 OK tells nothing of the pool (Unknown); the NOTIFY
    // that follows says Unavailable (REG-1, REG-2). Never Available then Unavailable.
    let s = application(1);
    let state = run(&s, &[BeginEstablish, ConnectionDrops, PoolFails]);
    assert_eq!(
        s.state_name(state, "local_endpoint"),
        Some("Reestablishing")
    );
    let reported: Vec<ServiceState> = raised_by(&s, state, ConnectionRestores, "registration")
        .iter()
        .filter_map(|event| match event {
            Event::RegistrationStateChanged {
                user_services_state,
                ..
            } => Some(*user_services_state),
            _ => None,
        })
        .collect();
    assert_eq!(
        reported,
        [
            ServiceState::Unknown,
            ServiceState::Unknown,
            ServiceState::Unavailable
        ]
    );
}

#[test]
fn a_refresh_during_the_outage_changes_nothing_reg_3() {
    // REG-3 heals only with the pool back. The model gives a refresh sent during the
    // outage no answer within the step: no healing, no failure, nothing raised (the text
    // in DECISIONS.md and `world` says the same).
    let s = system(SystemConfig::default());
    let down = run(&s, &[BeginEstablish, PoolFails]);
    let mut log = Vec::new();
    let result = s.step_observed(down, RegistrationRefreshDue, &mut log);
    assert_eq!(result.next, down);
    assert!(log
        .iter()
        .all(|d| d.kind != Kind::Registration
            || d.on == RegistrationStimulus::RefreshDue.index() as u8));
    assert!(events(&s, down, RegistrationRefreshDue).is_empty());
    assert_eq!(
        world::reply(wiring::Request::Refresh, s.world(down), true),
        None
    );
}

#[test]
fn no_reachable_step_refuses_a_subscribe_or_a_register_for_good_pres_3_af_css_af_6665_af_rtr() {
    // The decisions for SubscribeRejected (PRES-3, AF-CSS, AF-6665) and for a REGISTER
    // refused for too many endpoints (AF-RTR) rest on this: the world never answers with
    // either, so the system has no wiring for them and the tables alone carry them.
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
    ] {
        let s = system(config);
        let graph = explore(&s, Limits::default(), |_| {});
        let mut log = Vec::new();
        for state in graph.graph.node_weights() {
            for &stimulus in System::stimuli() {
                log.clear();
                s.step_observed(*state, stimulus, &mut log);
                for d in &log {
                    let refused = match d.kind {
                        Kind::SessionSubscription | Kind::ViewSubscription => {
                            d.on == Sub::SubscribeRejected.index() as u8
                        }
                        Kind::Registration => {
                            d.on == RegistrationStimulus::RegisterFailedTooManyActiveEndpoints
                                .index() as u8
                        }
                        _ => false,
                    };
                    assert!(!refused, "{stimulus} delivers a refusal: {d:?}");
                }
            }
        }
    }
}

#[test]
fn the_retry_timer_during_an_outage_is_the_subscriptions_own_rule_sub_2_sub_4() {
    // SUB-2 lives in the SipSubscription table: the platform tells the timer's firing
    // apart during a known outage, and the protected subscription's own row holds it.
    let s = system(SystemConfig::default());
    let waiting = run(
        &s,
        &[
            BeginEstablish,
            SubscribePresence,
            PoolFails,
            SubscriptionRefreshDue,
        ],
    );
    let mut log = Vec::new();
    let result = s.step_observed(waiting, RetryTimerFires, &mut log);
    assert_eq!(result.next, waiting);
    let held = log.iter().filter(|d| {
        d.kind == Kind::SessionSubscription
            && d.on == Sub::RetryTimerFiredUserServicesUnavailable.index() as u8
            && d.outcome == DeliveryOutcome::Ignored
    });
    assert!(held.count() > 0, "{log:?}");
}
