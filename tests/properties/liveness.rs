//! The state-by-state parts of the liveness rules: which state is final for
//! `no_deadlock` (AF-LES, AF-LEP-T), and the premise, goal, excluded and fair stimuli of
//! `recovery_after_outage` (PRES-4, REG-3, SUB-2, RP-1).

use super::*;

#[test]
fn no_deadlock_counts_only_a_terminated_endpoint_as_final_af_les() {
    // AF-LES, AF-LEP-T: the system's end is the endpoint Terminated.
    let Some(Judgement::Settles { is_final }) = property("no_deadlock").map(|p| p.judgement) else {
        panic!("no_deadlock is the deadlock rule");
    };
    let s = shipped();
    for endpoint in Les::all() {
        let states = ComponentStates::new(&s, state(&s, &[(ENDPOINT, endpoint.index())]));
        assert_eq!(is_final(&states), endpoint == Les::Terminated, "{endpoint}");
    }
}

#[test]
fn recovery_speaks_of_a_world_with_pool_and_connection_up_pres_4() {
    // PRES-4, REG-3: the premise of recovery_after_outage is the pool and the connection
    // both up; either one down leaves it unsaid.
    let s = shipped();
    let start = s.initial();
    assert!(stable_world(&s, start));
    let pool_down = s.step(start, SystemStimulus::PoolFails).next;
    assert!(!stable_world(&s, pool_down));
    let dropped = s.step(start, SystemStimulus::ConnectionDrops).next;
    assert!(!stable_world(&s, dropped));
    assert!(stable_world(
        &s,
        s.step(pool_down, SystemStimulus::PoolRecovers).next
    ));
}

#[test]
fn recovery_is_pending_while_unavailable_or_an_owner_or_protected_subscription_retries() {
    // PRES-4, RP-1, REG-3, SUB-2: the goal is pending while the registration reports User
    // Services Unavailable, or a home-pool owner or a protected SipSubscription is
    // WaitingForRetry or Subscribing.
    let s = shipped();
    let pending =
        |system: &System, slots: &[(usize, usize)]| recovering(system, state(system, slots));
    assert!(!pending(&s, &[]));
    let down = RegistrationStatus::RegisteredUserServicesUnavailable.index();
    assert!(pending(&s, &[(REGISTRATION, down)]));
    assert!(!pending(
        &s,
        &[(REGISTRATION, RegistrationStatus::Registered.index())]
    ));
    for (slot, name) in [(LOP, "LocalOwnerPresence"), (CGS, "ContactGroupServices")] {
        for owner in [Css::WaitingForRetry, Css::Subscribing] {
            assert!(pending(&s, &[(slot, owner.index())]), "{name} {owner}");
        }
        for owner in [Css::Subscribed, Css::Idle, Css::Terminated] {
            assert!(!pending(&s, &[(slot, owner.index())]), "{name} {owner}");
        }
    }
    let elsewhere = views_elsewhere();
    for view in [Rpss::WaitingForRetry, Rpss::Subscribing] {
        assert!(pending(&s, &[(VIEW, view.index())]), "view {view}");
        assert!(
            !pending(&elsewhere, &[(VIEW, view.index())]),
            "view {view}, other pool"
        );
    }
    assert!(!pending(&s, &[(VIEW, Rpss::Subscribed.index())]));
    for sub in [Sss::WaitingForRetry, Sss::Subscribing] {
        assert!(
            pending(&s, &[(LOP_SUBSCRIPTION, sub.index())]),
            "session {sub}"
        );
        assert!(
            pending(&s, &[(VIEW_SUBSCRIPTION, sub.index())]),
            "view's {sub}"
        );
        assert!(
            !pending(&elsewhere, &[(VIEW_SUBSCRIPTION, sub.index())]),
            "unprotected view's {sub}"
        );
    }
    assert!(!pending(&s, &[(LOP_SUBSCRIPTION, Sss::Subscribed.index())]));
}

#[test]
fn recovery_rules_out_new_failures_and_termination_and_is_fair_to_recovery_and_timers() {
    // PRES-4: after the outage the world's failures, the server's refusals and the
    // application's terminate no longer happen; the world's recovery and the timers are
    // taken when enabled.
    use SystemStimulus::*;
    for &stimulus in System::stimuli() {
        let excluded = matches!(
            stimulus,
            PoolFails | ConnectionDrops | OwnerDisabled | TooManyEndpoints | BeginTerminate
        );
        assert_eq!(excluded_after_recovery(stimulus), excluded, "{stimulus}");
        let fair_one = matches!(
            stimulus,
            PoolRecovers
                | ConnectionRestores
                | RegistrationRefreshDue
                | SubscriptionRefreshDue
                | RetryTimerFires
        );
        assert_eq!(fair(stimulus), fair_one, "{stimulus}");
    }
}
