//! The documented properties of `remote_presence` (RP-1, SUB-4, AF-RPSS).

use crate::events::Event;
use crate::invariants::*;
use crate::remote_presence::RemotePresenceStimulus;
use crate::vocabulary::{
    RemotePresentitySubscriptionState, RemotePresentitySubscriptionStateTransitionReason,
};
use crate::RemotePresence;

property_catalogue! {
    PROPERTIES = [
        REASON: "reason-names-the-cause", ["AF-RPSS"],
            "Reason is SubscriptionLimitReached exactly when the server refuses more \
             subscriptions, and never AutomatedService";
        HOME: "home-pool-like-local-owner-presence",
            ["RP-1", "PRES-1", "PRES-3", "PRES-4", "SUB-4"],
            "a home-pool subscription waits for the pool when it goes offline or the \
             subscription underneath ends (never Idle), and re-subscribes on recovery";
        OTHER_POOLS: "other-pools-unprotected", ["SUB-4", "PRES-3"],
            "a subscription to another pool never waits to retry: the subscription \
             underneath ending leaves it Idle";
        MOVES: "remote-moves", ["AF-RPSS"],
            "answers lead where their meaning says; unsubscribing ends whatever subscription \
             the view has";
        SUBSCRIBE: "subscribe", ["AF-RPSS"],
            "documented path: BeginSubscribe answered ends Subscribed";
        HOME_OUTAGE: "home-pool-outage-and-recovery", ["RP-1", "PRES-1", "PRES-4"],
            "documented path: on the home pool, an outage and the recovery end Subscribed \
             again";
        UNSUBSCRIBE_AND_AGAIN: "unsubscribe-and-again", ["AF-RPSS"],
            "documented path: subscribe, unsubscribe, then subscribe again";
    ]
}

impl Documented for RemotePresence {
    const EVENT: &'static str = "RemoteSubscriptionStateChanged";

    fn properties() -> Vec<&'static Property> {
        PROPERTIES.to_vec()
    }

    /// The step properties of the catalogue above (the paths are the scenarios).
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
                rule(reason == expected, &REASON, || step.describe())?;
            }
        }
        let home = step.parameters.home_pool;
        let live = matches!(step.from, St::Subscribing | St::Subscribed);
        if !home {
            rule(step.to != St::WaitingForRetry, &OTHER_POOLS, || {
                step.describe()
            })?;
        }
        let name = &MOVES;
        match step.on {
            S::BeginSubscribe => lands_in(step, &[St::Subscribing], name),
            S::SubscribeOk => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Subscribed, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::SubscriptionLimitReached => {
                if step.from == St::Subscribing {
                    must_reach(step, St::Polling, name)
                } else {
                    unchanged(step, name)
                }
            }
            S::PoolOffline => {
                if live && home {
                    must_reach(step, St::WaitingForRetry, &HOME)
                } else {
                    unchanged(step, &HOME)
                }
            }
            S::UnderlyingSubscriptionTerminated => match (live, home) {
                (true, true) => must_reach(step, St::WaitingForRetry, &HOME),
                (true, false) => must_reach(step, St::Idle, &OTHER_POOLS),
                _ => unchanged(step, &HOME),
            },
            S::PoolRecovered => {
                if step.from == St::WaitingForRetry {
                    must_reach(step, St::Subscribing, &HOME)
                } else {
                    unchanged(step, &HOME)
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
                        || step.describe(),
                    )
                } else {
                    lands_in(step, &[St::Terminating, St::Terminated], name)
                }
            }
            S::UnsubscribeOk => {
                if step.from == St::Terminating {
                    must_reach(step, St::Terminated, name)
                } else {
                    unchanged(step, name)
                }
            }
        }
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        use RemotePresenceStimulus as S;
        use RemotePresentitySubscriptionState as St;
        vec![
            Scenario {
                property: &SUBSCRIBE,
                when: |_| true,
                steps: vec![S::BeginSubscribe, S::SubscribeOk],
                ends_in: St::Subscribed,
            },
            Scenario {
                property: &HOME_OUTAGE,
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
                property: &UNSUBSCRIBE_AND_AGAIN,
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

// ---------------------------------------------------------------------------------------
// Clause tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::test_support::{drive, events, table};
    use fsm::Table;
    use strum::IntoEnumIterator;

    #[test]
    fn rp_1_home_pool_view_follows_local_owner_presence() {
        let table = table::<RemotePresence>();
        let subscribed = drive(&table, &[BeginSubscribe, SubscribeOk]);
        // PRES-1: offline -> WaitingForRetry; PRES-3: underlying Terminated -> WaitingForRetry.
        assert_eq!(events(&table, subscribed, PoolOffline).0, WaitingForRetry);
        assert_eq!(
            events(&table, subscribed, UnderlyingSubscriptionTerminated).0,
            WaitingForRetry
        );
        // PRES-4: recovery subscribes again.
        let back = [PoolRecovered, SubscribeOk]
            .iter()
            .fold(WaitingForRetry, |state, &on| events(&table, state, on).0);
        assert_eq!(back, Subscribed);
        // PRES-3 for every state: a home-pool view never drops to Idle underneath.
        for state in RemotePresentitySubscriptionState::iter().filter(|&s| s != Idle) {
            let to = table
                .step(state, UnderlyingSubscriptionTerminated)
                .map_or(state, |t| t.to);
            assert_ne!(to, Idle, "{state}");
        }
    }

    #[test]
    fn sub_4_other_pool_views_are_not_covered() {
        let table = Table::<RemotePresence>::new(RemotePresenceParameters { home_pool: false })
            .expect("total");
        let subscribed = drive(&table, &[BeginSubscribe, SubscribeOk]);
        assert_eq!(events(&table, subscribed, PoolOffline).0, Subscribed);
        assert_eq!(
            events(&table, subscribed, UnderlyingSubscriptionTerminated).0,
            Idle
        );
    }

    #[test]
    fn af_rpss_subscription_limit_means_polling() {
        let table = table::<RemotePresence>();
        let (to, raised) = events(&table, Subscribing, SubscriptionLimitReached);
        assert_eq!(to, Polling);
        assert!(matches!(
            raised[..],
            [Event::RemoteSubscriptionStateChanged {
                reason: Why::SubscriptionLimitReached,
                ..
            }]
        ));
    }
}
