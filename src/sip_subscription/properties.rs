//! The documented properties of `sip_subscription` (SUB-1..SUB-4, AF-SSS, AF-SIPSUB,
//! AF-TR, AF-6665).

use crate::events::Event;
use crate::invariants::*;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::vocabulary::{SubscriptionSignalingState, TransitionReason};
use crate::SipSubscription;

property_catalogue! {
    PROPERTIES = [
        REASON: "reason-is-who-caused-it", ["AF-TR", "AF-SIPSUB"],
            "Reason is ClientEvent for the owner's calls and the subscription's own retry \
             timer, ServerEvent for everything else";
        POOL_UNRESPONSIVE: "pool-unresponsive-never-terminates",
            ["SUB-3", "SUB-2", "SUB-1", "SUB-4"],
            "a platform home-pool subscription whose refresh finds the pool unresponsive \
             waits to retry and never terminates; any other subscription terminates (the \
             change applies only under the platform, on the home pool)";
        NO_RETRY_IN_OUTAGE: "no-retry-while-user-services-unavailable",
            ["SUB-2", "SUB-4", "SUB-1"],
            "a platform home-pool subscription does not retry on its timer while User \
             Services is known to be unavailable; any other subscription does";
        RECOVERY_RETRIES: "recovery-retries", ["SUB-2", "PRES-4", "SUB-1", "SUB-4"],
            "the pool's recovery re-subscribes a waiting platform home-pool subscription and \
             changes nothing else";
        CALL_VALIDITY: "call-validity", ["AF-SIPSUB"],
            "Subscribe is accepted only once, from Idle; Refresh only when Subscribed, and it \
             changes no state";
        QUERY_NEVER_RETRIED: "query-never-retried", ["AF-SIPSUB"],
            "a query-only subscription never waits to retry";
        MOVES: "subscription-moves", ["AF-SSS", "AF-SIPSUB", "AF-6665"],
            "each stimulus, when it changes the state, leads where its meaning says: a final \
             refusal or a terminating NOTIFY ends a live dialog, terminating a waiting \
             subscription stops its retries";
        SUBSCRIBE: "subscribe", ["AF-SSS"],
            "documented path: Subscribe answered, then refreshed, stays Subscribed";
        OUTAGE_SURVIVED: "outage-is-survived", ["SUB-2", "SUB-3", "PRES-4"],
            "documented path: a platform home-pool subscription survives an unresponsive \
             pool and is Subscribed again after the recovery";
        TEMPORARY_FAILURE: "temporary-failure-retried", ["AF-SIPSUB"],
            "documented path: a temporary failure is retried on the retry timer";
        UNSUBSCRIBE: "unsubscribe", ["AF-SSS"],
            "documented path: Subscribe, then BeginTerminate completed ends Terminated";
    ]
}

impl Documented for SipSubscription {
    const EVENT: &'static str = "SubscriptionStateChanged";

    fn properties() -> Vec<&'static Property> {
        PROPERTIES.to_vec()
    }

    /// The step properties of the catalogue above (the paths are the scenarios).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        let p = step.parameters;
        let client = is_call(step.on)
            || matches!(
                step.on,
                S::RetryTimerFired | S::RetryTimerFiredUserServicesUnavailable
            );
        for event in step.events {
            if let Event::SubscriptionStateChanged { reason, .. } = *event {
                rule(
                    (reason == TransitionReason::ClientEvent) == client,
                    &REASON,
                    || step.describe(),
                )?;
            }
        }
        if p.query_only {
            rule(step.to != St::WaitingForRetry, &QUERY_NEVER_RETRIED, || {
                step.describe()
            })?;
        }
        let name = &MOVES;
        match step.on {
            S::BeginSubscribe => {
                accepted_iff(step, step.from == St::Idle, &CALL_VALIDITY)?;
                lands_in(step, &[St::Subscribing], name)
            }
            S::BeginRefresh => {
                accepted_iff(step, step.from == St::Subscribed, &CALL_VALIDITY)?;
                unchanged(step, &CALL_VALIDITY)
            }
            S::SubscribeOk => {
                let done = if p.query_only {
                    St::Terminated
                } else {
                    St::Subscribed
                };
                if step.from == St::Subscribing {
                    must_reach(step, done, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::SubscribeFailed => match (step.from, p.query_only) {
                (St::Subscribing, false) => must_reach(step, St::WaitingForRetry, name),
                (St::Subscribing, true) => must_reach(step, St::Terminated, name),
                _ => unchanged(step, name),
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
                    must_reach(step, St::Terminated, name)
                } else {
                    lands_in(step, &[St::Terminated], name)
                }
            }
            S::RefreshDue | S::RefreshOk => unchanged(step, name),
            S::RefreshFailedPoolUnresponsive => {
                let property = &POOL_UNRESPONSIVE;
                match (step.from, p.protected()) {
                    (St::Subscribed, true) => must_reach(step, St::WaitingForRetry, property),
                    (St::Subscribed, false) => must_reach(step, St::Terminated, property),
                    (_, true) => rule(
                        !matches!(step.to, St::Terminating | St::Terminated) || !step.changed(),
                        property,
                        || step.describe(),
                    ),
                    _ => unchanged(step, name),
                }
            }
            S::RetryTimerFired => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::RetryTimerFiredUserServicesUnavailable => {
                if step.from == St::WaitingForRetry && !p.protected() {
                    must_reach(step, St::Subscribing, &NO_RETRY_IN_OUTAGE)
                } else {
                    rule(
                        step.accepted() && !step.changed(),
                        &NO_RETRY_IN_OUTAGE,
                        || step.describe(),
                    )
                }
            }
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry && p.protected() {
                    must_reach(step, St::Subscribing, &RECOVERY_RETRIES)
                } else {
                    unchanged(step, &RECOVERY_RETRIES)
                }
            }
            S::BeginTerminate => match step.from {
                // Terminating a waiting subscription stops its retries (AF-SIPSUB).
                St::WaitingForRetry => must_reach(step, St::Terminated, name),
                // A live dialog sends its unsubscribe first (AF-SSS: Terminating).
                St::Subscribing | St::Subscribed => must_reach(step, St::Terminating, name),
                _ => lands_in(step, &[St::Terminating, St::Terminated], name),
            },
            S::TerminateCompleted => lands_in(step, &[St::Terminated], name),
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        vec![
            Scenario {
                property: &SUBSCRIBE,
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
                property: &OUTAGE_SURVIVED,
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
                property: &TEMPORARY_FAILURE,
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
                property: &UNSUBSCRIBE,
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
// Clause tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::test_support::{drive, events};
    use fsm::{Parameters, Table};
    use strum::IntoEnumIterator;

    fn with(platform: bool, home_pool: bool) -> Table<SipSubscription> {
        Table::new(SipSubscriptionParameters {
            platform,
            home_pool,
            query_only: false,
        })
        .expect("total")
    }

    fn subscribed(table: &Table<SipSubscription>) -> SubscriptionSignalingState {
        drive(table, &[BeginSubscribe, SubscribeOk])
    }

    #[test]
    fn sub_1_outside_the_platform_an_unresponsive_pool_terminates() {
        let table = with(false, true);
        let (to, raised) = events(&table, subscribed(&table), RefreshFailedPoolUnresponsive);
        assert_eq!(to, Terminated);
        assert!(matches!(
            raised[..],
            [Event::SubscriptionStateChanged {
                reason: TransitionReason::ServerEvent,
                ..
            }]
        ));
    }

    #[test]
    fn sub_2_protected_retry_follows_pool_recovery() {
        let protected = with(true, true);
        let waiting = drive(
            &protected,
            &[BeginSubscribe, SubscribeOk, RefreshFailedPoolUnresponsive],
        );
        assert_eq!(waiting, WaitingForRetry);
        let (to, raised) = events(&protected, waiting, PoolRecovered);
        assert_eq!(to, Subscribing);
        assert!(matches!(
            raised[..],
            [Event::SubscriptionStateChanged {
                reason: TransitionReason::ServerEvent,
                ..
            }]
        ));
        // Unprotected subscriptions do not follow the pool.
        let plain = with(true, false);
        assert_eq!(
            events(&plain, WaitingForRetry, PoolRecovered).0,
            WaitingForRetry
        );
    }

    #[test]
    fn sub_2_sub_4_no_protected_retry_while_user_services_is_unavailable() {
        // SUB-2 in the table itself: the retry timer that fires during a known outage
        // leaves a protected subscription waiting; outside the platform's home pool
        // (SUB-4, SUB-1) it retries as the plain timer does.
        let protected = with(true, true);
        assert_eq!(
            events(
                &protected,
                WaitingForRetry,
                RetryTimerFiredUserServicesUnavailable
            ),
            (WaitingForRetry, vec![])
        );
        assert_eq!(
            events(&protected, WaitingForRetry, RetryTimerFired).0,
            Subscribing
        );
        for (platform, home_pool) in [(true, false), (false, true), (false, false)] {
            let plain = with(platform, home_pool);
            let (to, raised) = events(
                &plain,
                WaitingForRetry,
                RetryTimerFiredUserServicesUnavailable,
            );
            assert_eq!(to, Subscribing);
            assert!(matches!(
                raised[..],
                [Event::SubscriptionStateChanged {
                    reason: TransitionReason::ClientEvent,
                    ..
                }]
            ));
        }
    }

    #[test]
    fn sub_3_unresponsive_pool_never_terminates_a_protected_subscription() {
        for parameters in SipSubscriptionParameters::all()
            .into_iter()
            .filter(|p| p.protected())
        {
            let table = Table::<SipSubscription>::new(parameters).expect("total");
            for state in SubscriptionSignalingState::iter().filter(|&s| s != Terminated) {
                let to = table
                    .step(state, RefreshFailedPoolUnresponsive)
                    .map_or(state, |t| t.to);
                assert_ne!(to, Terminated, "{parameters:?} {state}");
            }
        }
        let table = with(true, true);
        assert_eq!(
            events(&table, subscribed(&table), RefreshFailedPoolUnresponsive).0,
            WaitingForRetry
        );
    }

    #[test]
    fn sub_4_only_the_home_pool_is_protected() {
        let elsewhere = with(true, false);
        assert_eq!(
            events(
                &elsewhere,
                subscribed(&elsewhere),
                RefreshFailedPoolUnresponsive
            )
            .0,
            Terminated
        );
        let home = with(true, true);
        assert_eq!(
            events(&home, subscribed(&home), RefreshFailedPoolUnresponsive).0,
            WaitingForRetry
        );
    }

    #[test]
    fn af_sipsub_terminated_is_final_and_cannot_be_reused() {
        for parameters in SipSubscriptionParameters::all() {
            let table = Table::<SipSubscription>::new(parameters).expect("total");
            for on in SipSubscriptionStimulus::iter() {
                assert_eq!(
                    table.step(Terminated, on).map_or(Terminated, |t| t.to),
                    Terminated
                );
            }
            assert_eq!(
                table
                    .step(Terminated, BeginSubscribe)
                    .map(|t| t.to)
                    .err()
                    .map(|r| r.error),
                Some(InvalidOperationException)
            );
        }
    }

    #[test]
    fn af_sipsub_subscribe_twice_and_refresh_outside_subscribed_are_rejected() {
        let table = with(true, true);
        let subscribing = drive(&table, &[BeginSubscribe]);
        assert!(table.step(subscribing, BeginSubscribe).is_err());
        for state in SubscriptionSignalingState::iter() {
            assert_eq!(
                table.step(state, BeginRefresh).is_ok(),
                state == Subscribed,
                "{state}"
            );
        }
    }

    #[test]
    fn af_6665_refusals_and_terminating_notifies_end_the_dialog_for_good() {
        // AF-6665: a rejected SUBSCRIBE or refresh must not be retried, and a NOTIFY with
        // Subscription-State terminated ends the dialog; under every parameter set the
        // subscription ends Terminated, never WaitingForRetry.
        for parameters in SipSubscriptionParameters::all() {
            let table = Table::<SipSubscription>::new(parameters).expect("total");
            for (from, on) in [
                (Subscribing, SubscribeRejected),
                (Subscribed, RefreshFailedFinal),
                (Subscribing, NotifyTerminated),
                (Subscribed, NotifyTerminated),
            ] {
                let (to, raised) = events(&table, from, on);
                assert_eq!(to, Terminated, "{parameters:?} {from} {on}");
                assert!(matches!(
                    raised[..],
                    [Event::SubscriptionStateChanged {
                        reason: TransitionReason::ServerEvent,
                        ..
                    }]
                ));
            }
        }
    }

    #[test]
    fn af_sipsub_query_only_is_never_retried() {
        let table = Table::<SipSubscription>::new(SipSubscriptionParameters {
            query_only: true,
            ..Default::default()
        })
        .expect("total");
        assert_eq!(events(&table, Subscribing, SubscribeFailed).0, Terminated);
        assert_eq!(events(&table, Subscribing, SubscribeOk).0, Terminated);
    }
}
