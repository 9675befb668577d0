//! One mutant per property: each changes exactly one row and must be caught with a
//! replayable, confirmed counterexample.

use super::*;

#[test]
fn mutant_publishing_in_waiting_for_retry_is_caught_pres_2() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::BeginPublishPresence,
        moves_to(Css::WaitingForRetry),
    );
    let s = mutant(t);
    let cx = caught(&s, "no_publish_in_waiting_for_retry");
    assert_eq!(last_stimulus(&cx), Some("PublishPresence"));
}

#[test]
fn mutant_publishing_before_subscribing_is_caught_af_pub() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| {
            r.from == Css::Idle
                && r.on == Lop::BeginPublishPresence
                && r.when.label == "endpoint = user"
        },
        moves_to(Css::Idle),
    );
    let cx = caught(&mutant(t), "operations_need_subscription_and_registration");
    // Shortest: establish, then publish.
    assert_eq!(cx.trace.steps.len(), 2);
}

#[test]
fn mutant_terminating_on_an_unresponsive_pool_is_caught_sub_3() {
    let mut t = tables();
    t.session_subscription = mutate(
        Default::default(),
        |r| {
            r.from == Sss::Subscribed
                && r.on == Sub::RefreshFailedPoolUnresponsive
                && r.when.label == "platform && home_pool"
        },
        moves_to(Sss::Terminated),
    );
    caught(&mutant(t), "home_subscription_survives_unresponsive_pool");
}

#[test]
fn mutant_idling_on_underlying_termination_is_caught_pres_3() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::Subscribed && r.on == Lop::UnderlyingSubscriptionTerminated,
        moves_to(Css::Idle),
    );
    let cx = caught(&mutant(t), "underlying_termination_never_idles_owner");
    assert_eq!(last_stimulus(&cx), Some("OwnerDisabled"));
}

static WRONG_REASON: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: RegistrationTransitionReason::UserServicesUnavailable,
    message_data: true,
    user_services_state: ServiceState::Unavailable,
}];

#[test]
fn mutant_outage_reason_is_caught_reg_2() {
    let mut t = tables();
    t.registration = mutate(
        Default::default(),
        |r| {
            r.from == RegistrationStatus::Registered
                && r.on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable
        },
        moves_emitting(
            RegistrationStatus::RegisteredUserServicesUnavailable,
            &WRONG_REASON,
        ),
    );
    let cx = caught(&mutant(t), "outage_and_healing_event_args");
    assert_eq!(last_stimulus(&cx), Some("PoolFails"));
}

static REGISTER_SAYS_AVAILABLE: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: RegistrationTransitionReason::None,
    message_data: true,
    user_services_state: ServiceState::Available,
}];

#[test]
fn mutant_register_claiming_available_is_caught_svc_1_af_svc() {
    // SVC-1, AF-SVC: a REGISTER's 200 OK tells nothing of the pool; a row that reports
    // Available there (as the model once did) breaks `outage_and_healing_event_args`.
    let mut t = tables();
    t.registration = mutate(
        Default::default(),
        |r| r.from == RegistrationStatus::Registering && r.on == RegistrationStimulus::RegisterOk,
        moves_emitting(
            RegistrationStatus::RegisteredUserServicesUnknown,
            &REGISTER_SAYS_AVAILABLE,
        ),
    );
    let cx = caught(&mutant(t), "outage_and_healing_event_args");
    assert_eq!(
        cx.trace
            .steps
            .iter()
            .map(|s| s.on.as_str())
            .collect::<Vec<_>>(),
        ["BeginEstablish"]
    );
}

static RETRY_ALWAYS: [Reaction; 1] = [Reaction {
    target: Target::Subscriptions,
    action: Action::Deliver("RetryTimerFired"),
    when: wiring::Guard::Always,
}];

#[test]
fn mutant_wiring_that_retries_during_the_outage_is_caught_sub_2() {
    let s = with_stimulus_row(RetryTimerFires, |row| StimulusRow {
        then: &RETRY_ALWAYS,
        ..row
    });
    let cx = caught(&s, "no_retry_while_user_services_unavailable");
    assert_eq!(last_stimulus(&cx), Some("RetryTimerFires"));
}

#[test]
fn mutant_reviving_a_terminated_endpoint_is_caught_af_les() {
    let mut t = tables();
    t.endpoint = mutate(
        Default::default(),
        |r: &Row<LocalEndpoint>| {
            r.from == Les::Terminated
                && r.on == crate::local_endpoint::LocalEndpointStimulus::BeginEstablish
        },
        moves_to(Les::Establishing),
    );
    caught(&mutant(t), "terminated_is_final");
}

#[test]
fn mutant_stuck_in_terminating_is_caught_as_deadlock() {
    let mut t = tables();
    t.endpoint = mutate(
        Default::default(),
        |r: &Row<LocalEndpoint>| {
            r.from == Les::Terminating
                && r.on == crate::local_endpoint::LocalEndpointStimulus::TerminateCompleted
        },
        ignores,
    );
    let s = mutant(t);
    let cx = caught(&s, "no_deadlock");
    let end = end_of(&s, &cx);
    for &stimulus in System::stimuli() {
        if !stimulus.is_world_toggle() {
            assert_eq!(
                s.canonical(s.step(end, stimulus).next),
                s.canonical(end),
                "{stimulus}"
            );
        }
    }
    let last = cx
        .trace
        .steps
        .last()
        .and_then(|s| s.expect.clone())
        .expect("expectations");
    assert_eq!(
        last.states.and_then(|s| s.get("local_endpoint").cloned()),
        Some("Terminating".to_owned())
    );
}

#[test]
fn mutant_that_never_resubscribes_is_caught_pres_4() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::PoolRecovered,
        ignores,
    );
    let s = mutant(t);
    let cx = caught(&s, "recovery_after_outage");
    // The lasso ends where recovery is pending, with the pool and connection up.
    let end = end_of(&s, &cx);
    assert!(properties::stable_world(&s, end));
    assert!(properties::recovering(&s, end));
    assert_eq!(
        s.state_name(end, "local_owner_presence"),
        Some("WaitingForRetry")
    );
}

#[test]
fn each_property_has_a_mutant_test() {
    // The mutants above cover these names; a new property needs a new mutant.
    let covered = [
        "no_publish_in_waiting_for_retry",
        "operations_need_subscription_and_registration",
        "home_subscription_survives_unresponsive_pool",
        "underlying_termination_never_idles_owner",
        "outage_and_healing_event_args",
        "no_retry_while_user_services_unavailable",
        "terminated_is_final",
        "no_deadlock",
        "recovery_after_outage",
    ];
    let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name).collect();
    assert_eq!(names, covered);
    for property in PROPERTIES {
        assert!(
            !property.clauses.is_empty(),
            "{} cites a clause",
            property.name
        );
    }
}
