//! The documented properties of `local_owner_presence` and `contact_group_services`
//! (PRES-1..PRES-4, AF-CSS, AF-PSS, AF-PUB, AF-CGS, D3, D6).

use super::*;

/// The PublishSubscribeSession properties, for a session whose operation is valid in
/// `operation_valid` states.
///
/// - `reason-is-who-caused-it` (AF-TR, PRES-1): ClientEvent for the application's calls,
///   ServerEvent for everything else (so PRES-1's WaitingForRetry has ServerEvent).
/// - `operation-validity` (PRES-2, AF-PUB, AF-CGS, D6): the operation is accepted exactly
///   in the documented states and changes no subscription state.
/// - `subscribe-validity` (AF-PSS, AF-SIPSUB): BeginSubscribe only from Idle, to
///   Subscribing.
/// - `pool-offline-waits` (PRES-1, D3): the pool going offline moves a live session to
///   WaitingForRetry and changes nothing else.
/// - `terminated-underneath-waits` (PRES-3): the SipSubscription underneath terminating
///   never leads to Idle; a live session goes to WaitingForRetry.
/// - `recovery-resubscribes` (PRES-4): the pool's recovery re-subscribes a waiting session
///   and changes nothing else.
/// - `unsubscribe` (AF-PSS): BeginUnsubscribe is never refused; it completes at once
///   without a live subscription.
/// - `session-moves` (AF-CSS, AF-PSS): answers lead where their meaning says.
fn session_rules<M: Session>(
    step: &Step<'_, M>,
    operation_valid: &[CollaborationSubscriptionState],
    operation_clauses: &'static [&'static str],
) -> Result<(), Violation> {
    use CollaborationSubscriptionState as St;
    for event in step.events {
        if let Event::SubscriptionStateChange { reason, .. } = *event {
            rule(
                (reason == SubscriptionStateTransitionReason::ClientEvent) == is_call(step.on),
                "reason-is-who-caused-it",
                &["AF-TR", "PRES-1"],
                || step.describe(),
            )?;
        }
    }
    let live = matches!(step.from, St::Subscribing | St::Subscribed);
    let on = step.on;
    let name = "session-moves";
    if on == M::OPERATION {
        accepted_iff(
            step,
            operation_valid.contains(&step.from),
            "operation-validity",
            operation_clauses,
        )?;
        rule(
            !step.changed() && step.events.is_empty(),
            "operation-validity",
            operation_clauses,
            || step.describe(),
        )
    } else if on == M::BEGIN_SUBSCRIBE {
        accepted_iff(
            step,
            step.from == St::Idle,
            "subscribe-validity",
            &["AF-PSS", "AF-SIPSUB"],
        )?;
        lands_in(step, &[St::Subscribing], "subscribe-validity", &["AF-PSS"])
    } else if on == M::POOL_OFFLINE {
        if live {
            must_reach(
                step,
                St::WaitingForRetry,
                "pool-offline-waits",
                &["PRES-1", "D3"],
            )
        } else {
            unchanged(step, "pool-offline-waits", &["PRES-1"])
        }
    } else if on == M::UNDERLYING_TERMINATED {
        rule(
            step.to != St::Idle || step.from == St::Idle,
            "terminated-underneath-waits",
            &["PRES-3"],
            || step.describe(),
        )?;
        if live {
            must_reach(
                step,
                St::WaitingForRetry,
                "terminated-underneath-waits",
                &["PRES-3"],
            )
        } else {
            unchanged(step, "terminated-underneath-waits", &["PRES-3"])
        }
    } else if on == M::POOL_RECOVERED {
        if step.from == St::WaitingForRetry {
            must_reach(step, St::Subscribing, "recovery-resubscribes", &["PRES-4"])
        } else {
            unchanged(step, "recovery-resubscribes", &["PRES-4"])
        }
    } else if on == M::BEGIN_UNSUBSCRIBE {
        match step.from {
            St::Subscribing | St::Subscribed => must_reach(
                step,
                St::Unsubscribing,
                "unsubscribe",
                &["AF-PSS", "AF-CSS"],
            ),
            St::WaitingForRetry => must_reach(step, St::Idle, "unsubscribe", &["AF-PSS"]),
            _ => rule(
                step.accepted() && !step.changed(),
                "unsubscribe",
                &["AF-PSS"],
                || step.describe(),
            ),
        }
    } else if on == M::SUBSCRIBE_OK {
        if step.from == St::Subscribing {
            must_reach(step, St::Subscribed, name, &["AF-CSS"])
        } else {
            unchanged(step, name, &["AF-CSS"])
        }
    } else if on == M::SUBSCRIBE_REJECTED {
        if step.from == St::Subscribing {
            must_reach(step, St::Terminated, name, &["AF-CSS"])
        } else {
            unchanged(step, name, &["AF-CSS"])
        }
    } else if on == M::UNSUBSCRIBE_OK {
        if step.from == St::Unsubscribing {
            must_reach(step, St::Idle, name, &["AF-PSS"])
        } else {
            unchanged(step, name, &["AF-PSS"])
        }
    } else {
        Ok(())
    }
}

fn session_scenarios<M: Session>() -> Vec<Scenario<M>> {
    use CollaborationSubscriptionState as St;
    vec![
        Scenario {
            property: "subscribe-and-operate",
            clauses: &["AF-CSS", "AF-PUB", "AF-CGS"],
            when: |_| true,
            steps: vec![M::BEGIN_SUBSCRIBE, M::SUBSCRIBE_OK, M::OPERATION],
            ends_in: St::Subscribed,
        },
        Scenario {
            property: "outage-and-recovery",
            clauses: &["PRES-1", "PRES-4"],
            when: |_| true,
            steps: vec![
                M::BEGIN_SUBSCRIBE,
                M::SUBSCRIBE_OK,
                M::POOL_OFFLINE,
                M::POOL_RECOVERED,
                M::SUBSCRIBE_OK,
            ],
            ends_in: St::Subscribed,
        },
        Scenario {
            property: "resubscribe-after-unsubscribe",
            clauses: &["AF-PSS"],
            when: |_| true,
            steps: vec![
                M::BEGIN_SUBSCRIBE,
                M::SUBSCRIBE_OK,
                M::BEGIN_UNSUBSCRIBE,
                M::UNSUBSCRIBE_OK,
                M::BEGIN_SUBSCRIBE,
            ],
            ends_in: St::Subscribing,
        },
    ]
}

impl Documented for LocalOwnerPresence {
    const EVENT: &'static str = "SubscriptionStateChange";

    /// The PublishSubscribeSession properties; publishing is accepted only when Subscribed
    /// (PRES-2, AF-PUB, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        session_rules(
            step,
            &[CollaborationSubscriptionState::Subscribed],
            &["PRES-2", "AF-PUB", "D6"],
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}

impl Documented for ContactGroupServices {
    const EVENT: &'static str = "SubscriptionStateChange";

    /// The PublishSubscribeSession properties; contact operations are accepted in Idle and
    /// Subscribed (PRES-2, AF-CGS, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        session_rules(
            step,
            &[
                CollaborationSubscriptionState::Idle,
                CollaborationSubscriptionState::Subscribed,
            ],
            &["PRES-2", "AF-CGS", "D6"],
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}
