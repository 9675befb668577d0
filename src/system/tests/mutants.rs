//! One mutant per property: each changes the behaviour of exactly one row and must be
//! caught with a replayable, confirmed counterexample. The mutants are the one list the checker's
//! integration and property tests use too (`proptests/system_mutants.rs`); a second
//! mutant of `outage_and_healing_event_args` (SVC-1) is built here.

use super::*;

/// The mutants, shared with `tests/` and `proptests/` (there the crate is `ucma_ha`,
/// here `extern crate self as ucma_ha` in `lib.rs` names it the same).
#[path = "../../../proptests/system_mutants.rs"]
mod system_mutants;

/// The mutant that breaks `property`, in the default configuration.
fn mutant_of(property: &str) -> System {
    let mutant = system_mutants::MUTANTS
        .iter()
        .find(|m| m.property == property)
        .expect("a mutant of every property");
    (mutant.build)(SystemConfig::default())
}

#[test]
fn mutant_publishing_in_waiting_for_retry_is_caught_pres_2() {
    let s = mutant_of("no_publish_in_waiting_for_retry");
    let cx = caught(&s, "no_publish_in_waiting_for_retry");
    assert_eq!(last_stimulus(&cx), Some("PublishPresence"));
}

#[test]
fn mutant_publishing_before_subscribing_is_caught_af_pub() {
    let s = mutant_of("operations_need_subscription_and_registration");
    let cx = caught(&s, "operations_need_subscription_and_registration");
    // Shortest: establish, then publish.
    assert_eq!(cx.trace.steps.len(), 2);
}

#[test]
fn mutant_terminating_on_an_unresponsive_pool_is_caught_sub_3() {
    let s = mutant_of("home_subscription_survives_unresponsive_pool");
    caught(&s, "home_subscription_survives_unresponsive_pool");
}

#[test]
fn mutant_idling_on_underlying_termination_is_caught_pres_3() {
    let s = mutant_of("underlying_termination_never_idles_owner");
    let cx = caught(&s, "underlying_termination_never_idles_owner");
    assert_eq!(last_stimulus(&cx), Some("OwnerDisabled"));
}

#[test]
fn mutant_outage_reason_is_caught_reg_2() {
    let s = mutant_of("outage_and_healing_event_args");
    let cx = caught(&s, "outage_and_healing_event_args");
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

#[test]
fn mutant_wiring_that_retries_during_the_outage_is_caught_sub_2() {
    let s = mutant_of("no_retry_while_user_services_unavailable");
    let cx = caught(&s, "no_retry_while_user_services_unavailable");
    assert_eq!(last_stimulus(&cx), Some("RetryTimerFires"));
}

#[test]
fn mutant_reviving_a_terminated_endpoint_is_caught_af_les() {
    let s = mutant_of("terminated_is_final");
    caught(&s, "terminated_is_final");
}

#[test]
fn mutant_stuck_in_terminating_is_caught_as_deadlock() {
    let s = mutant_of("no_deadlock");
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
    let s = mutant_of("recovery_after_outage");
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
    // The one list of mutants has one for each, in the same order.
    for (mutant, name) in system_mutants::MUTANTS.iter().zip(covered) {
        assert_eq!(mutant.property, name, "{}", mutant.change);
    }
    assert_eq!(system_mutants::MUTANTS.len(), covered.len());
    for property in PROPERTIES {
        assert!(
            !property.clauses.is_empty(),
            "{} cites a clause",
            property.name
        );
    }
}
