//! The documented properties of `sip_subscription` (SUB-1..SUB-4, AF-SSS, AF-SIPSUB,
//! AF-TR, AF-6665).

use super::*;

impl Documented for SipSubscription {
    const EVENT: &'static str = "SubscriptionStateChanged";

    /// - `reason-is-who-caused-it` (AF-TR, AF-SIPSUB): ClientEvent for the owner's calls
    ///   and the subscription's own retry timer, ServerEvent otherwise.
    /// - `pool-unresponsive-never-terminates` (SUB-3, SUB-4): a platform home-pool
    ///   subscription whose refresh finds the pool unresponsive waits to retry and never
    ///   terminates; any other subscription terminates (the change applies only there).
    /// - `recovery-retries` (SUB-2, PRES-4): the pool's recovery re-subscribes a waiting
    ///   platform home-pool subscription and changes nothing else.
    /// - `call-validity` (AF-SIPSUB): Subscribe only once, from Idle; Refresh only when
    ///   Subscribed, changing no state.
    /// - `query-never-retried` (AF-SIPSUB): a query-only subscription never waits to retry.
    /// - `subscription-moves` (AF-SSS, AF-SIPSUB, AF-6665): each stimulus, when it changes
    ///   the state, leads where its meaning says.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        let p = step.parameters;
        let client = is_call(step.on) || step.on == S::RetryTimerFired;
        for event in step.events {
            if let Event::SubscriptionStateChanged { reason, .. } = *event {
                rule(
                    (reason == TransitionReason::ClientEvent) == client,
                    "reason-is-who-caused-it",
                    &["AF-TR", "AF-SIPSUB"],
                    || step.describe(),
                )?;
            }
        }
        if p.query_only {
            rule(
                step.to != St::WaitingForRetry,
                "query-never-retried",
                &["AF-SIPSUB"],
                || step.describe(),
            )?;
        }
        let name = "subscription-moves";
        const M: &[&str] = &["AF-SSS", "AF-SIPSUB", "AF-6665"];
        match step.on {
            S::BeginSubscribe => {
                accepted_iff(step, step.from == St::Idle, "call-validity", &["AF-SIPSUB"])?;
                lands_in(step, &[St::Subscribing], name, M)
            }
            S::BeginRefresh => {
                accepted_iff(
                    step,
                    step.from == St::Subscribed,
                    "call-validity",
                    &["AF-SIPSUB"],
                )?;
                unchanged(step, "call-validity", &["AF-SIPSUB"])
            }
            S::SubscribeOk => {
                let done = if p.query_only {
                    St::Terminated
                } else {
                    St::Subscribed
                };
                if step.from == St::Subscribing {
                    must_reach(step, done, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::SubscribeFailed => match (step.from, p.query_only) {
                (St::Subscribing, false) => must_reach(step, St::WaitingForRetry, name, M),
                (St::Subscribing, true) => must_reach(step, St::Terminated, name, M),
                _ => unchanged(step, name, M),
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
                    must_reach(step, St::Terminated, name, &["AF-6665", "AF-SIPSUB"])
                } else {
                    lands_in(step, &[St::Terminated], name, &["AF-6665", "AF-SIPSUB"])
                }
            }
            S::RefreshDue | S::RefreshOk => unchanged(step, name, M),
            S::RefreshFailedPoolUnresponsive => {
                let property = "pool-unresponsive-never-terminates";
                match (step.from, p.protected()) {
                    (St::Subscribed, true) => {
                        must_reach(step, St::WaitingForRetry, property, &["SUB-3", "SUB-2"])
                    }
                    (St::Subscribed, false) => {
                        must_reach(step, St::Terminated, property, &["SUB-1", "SUB-4"])
                    }
                    (_, true) => rule(
                        !matches!(step.to, St::Terminating | St::Terminated) || !step.changed(),
                        property,
                        &["SUB-3"],
                        || step.describe(),
                    ),
                    _ => unchanged(step, name, M),
                }
            }
            S::RetryTimerFired => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, name, &["AF-SIPSUB", "AF-SSS"])
                } else {
                    unchanged(step, name, M)
                }
            }
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry && p.protected() {
                    must_reach(
                        step,
                        St::Subscribing,
                        "recovery-retries",
                        &["SUB-2", "PRES-4"],
                    )
                } else {
                    unchanged(step, "recovery-retries", &["SUB-1", "SUB-4"])
                }
            }
            S::BeginTerminate => match step.from {
                // Terminating a waiting subscription stops its retries (AF-SIPSUB).
                St::WaitingForRetry => must_reach(step, St::Terminated, name, &["AF-SIPSUB"]),
                // A live dialog sends its unsubscribe first (AF-SSS: Terminating).
                St::Subscribing | St::Subscribed => {
                    must_reach(step, St::Terminating, name, &["AF-SSS"])
                }
                _ => lands_in(step, &[St::Terminating, St::Terminated], name, M),
            },
            S::TerminateCompleted => lands_in(step, &[St::Terminated], name, M),
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use SipSubscriptionStimulus as S;
        use SubscriptionSignalingState as St;
        vec![
            Scenario {
                property: "subscribe",
                clauses: &["AF-SSS"],
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
                property: "outage-is-survived",
                clauses: &["SUB-2", "SUB-3", "PRES-4"],
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
                property: "temporary-failure-retried",
                clauses: &["AF-SIPSUB"],
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
                property: "unsubscribe",
                clauses: &["AF-SSS"],
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
