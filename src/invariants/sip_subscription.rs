//! The documented properties of `sip_subscription` (SUB-1..SUB-4, AF-SSS, AF-SIPSUB,
//! AF-TR, AF-6665).

use super::*;

catalogue! {
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
