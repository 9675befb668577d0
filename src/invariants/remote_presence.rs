//! The documented properties of `remote_presence` (RP-1, SUB-4, AF-RPSS).

use super::*;

impl Documented for RemotePresence {
    const EVENT: &'static str = "RemoteSubscriptionStateChanged";

    /// - `reason-names-the-cause` (AF-RPSS): SubscriptionLimitReached exactly when the
    ///   server refuses more subscriptions; never AutomatedService.
    /// - `home-pool-like-local-owner-presence` (RP-1, PRES-1, PRES-3, PRES-4): a home-pool
    ///   subscription waits for the pool when it goes offline or the subscription
    ///   underneath ends (never Idle), and re-subscribes on recovery.
    /// - `other-pools-unprotected` (SUB-4, PRES-3): a subscription to another pool never
    ///   waits for retry; the subscription underneath ending leaves it Idle.
    /// - `remote-moves` (AF-RPSS): answers lead where their meaning says.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use RemotePresenceStimulus as S;
        use RemotePresentitySubscriptionState as St;
        use RemotePresentitySubscriptionStateTransitionReason as Why;
        for event in step.events {
            if let Event::RemoteSubscriptionStateChanged { reason, .. } = *event {
                let expected = if step.on == S::SubscriptionLimitReached {
                    Why::SubscriptionLimitReached
                } else {
                    Why::None
                };
                rule(
                    reason == expected,
                    "reason-names-the-cause",
                    &["AF-RPSS"],
                    || step.describe(),
                )?;
            }
        }
        let home = step.parameters.home_pool;
        let live = matches!(step.from, St::Subscribing | St::Subscribed);
        if !home {
            rule(
                step.to != St::WaitingForRetry,
                "other-pools-unprotected",
                &["SUB-4"],
                || step.describe(),
            )?;
        }
        let name = "remote-moves";
        const M: &[&str] = &["AF-RPSS"];
        const HOME: &str = "home-pool-like-local-owner-presence";
        match step.on {
            S::BeginSubscribe => lands_in(step, &[St::Subscribing], name, M),
            S::SubscribeOk => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Subscribed, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::SubscriptionLimitReached => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Polling, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
            S::PoolOffline => {
                if live && home {
                    must_reach(step, St::WaitingForRetry, HOME, &["RP-1", "PRES-1"])
                } else {
                    unchanged(step, HOME, &["RP-1", "PRES-1", "SUB-4"])
                }
            }
            S::UnderlyingSubscriptionTerminated => match (live, home) {
                (true, true) => must_reach(step, St::WaitingForRetry, HOME, &["RP-1", "PRES-3"]),
                (true, false) => must_reach(
                    step,
                    St::Idle,
                    "other-pools-unprotected",
                    &["SUB-4", "PRES-3"],
                ),
                _ => unchanged(step, HOME, &["RP-1", "PRES-3"]),
            },
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, HOME, &["RP-1", "PRES-4"])
                } else {
                    unchanged(step, HOME, &["RP-1", "PRES-4"])
                }
            }
            S::BeginUnsubscribe => {
                // Unsubscribing ends whatever subscription the view has (AF-RPSS).
                if matches!(
                    step.from,
                    St::Subscribing | St::Polling | St::Subscribed | St::WaitingForRetry
                ) {
                    rule(
                        step.accepted() && matches!(step.to, St::Terminating | St::Terminated),
                        name,
                        M,
                        || step.describe(),
                    )
                } else {
                    lands_in(step, &[St::Terminating, St::Terminated], name, M)
                }
            }
            S::UnsubscribeOk => {
                if step.from == St::Terminating {
                    must_reach(step, St::Terminated, name, M)
                } else {
                    unchanged(step, name, M)
                }
            }
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use RemotePresenceStimulus as S;
        use RemotePresentitySubscriptionState as St;
        vec![
            Scenario {
                property: "subscribe",
                clauses: &["AF-RPSS"],
                when: |_| true,
                steps: vec![S::BeginSubscribe, S::SubscribeOk],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "home-pool-outage-and-recovery",
                clauses: &["RP-1", "PRES-1", "PRES-4"],
                when: |p| p.home_pool,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::PoolOffline,
                    S::PoolRecovered,
                    S::SubscribeOk,
                ],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: "unsubscribe-and-again",
                clauses: &["AF-RPSS"],
                when: |_| true,
                steps: vec![
                    S::BeginSubscribe,
                    S::SubscribeOk,
                    S::BeginUnsubscribe,
                    S::UnsubscribeOk,
                    S::BeginSubscribe,
                ],
                ends_in: St::Subscribing,
            },
        ]
    }
}
