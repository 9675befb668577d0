//! The documented properties of `local_owner_presence` and `contact_group_services`
//! (PRES-1..PRES-4, AF-CSS, AF-PSS, AF-PUB, AF-CGS, D3, D6).

use super::*;

catalogue! {
    SESSION = [
        REASON: "reason-is-who-caused-it", ["AF-TR", "PRES-1"],
            "Reason is ClientEvent for the application's calls and ServerEvent for \
             everything else (so the move to WaitingForRetry reports ServerEvent)";
        SUBSCRIBE_VALIDITY: "subscribe-validity", ["AF-PSS", "AF-SIPSUB"],
            "BeginSubscribe is accepted only from Idle, and leads to Subscribing";
        POOL_OFFLINE_WAITS: "pool-offline-waits", ["PRES-1", "D3"],
            "the pool going offline moves a Subscribing or Subscribed session to \
             WaitingForRetry and changes nothing else";
        TERMINATED_UNDERNEATH: "terminated-underneath-waits", ["PRES-3"],
            "the SipSubscription underneath terminating never leads to Idle; a Subscribing or \
             Subscribed session goes to WaitingForRetry";
        RECOVERY: "recovery-resubscribes", ["PRES-4"],
            "the pool's recovery re-subscribes a session waiting to retry and changes nothing \
             else";
        UNSUBSCRIBE: "unsubscribe", ["AF-PSS", "AF-CSS"],
            "BeginUnsubscribe is never refused; without a live subscription it completes at \
             once";
        MOVES: "session-moves", ["AF-CSS", "AF-PSS"],
            "the server's answers lead where their meaning says (200 OK to Subscribed, a \
             rejection to Terminated, the unsubscribe's answer to Idle)";
        SUBSCRIBE_AND_OPERATE: "subscribe-and-operate", ["AF-CSS", "AF-PUB", "AF-CGS"],
            "documented path: subscribe, then the operation is accepted while Subscribed";
        OUTAGE_AND_RECOVERY: "outage-and-recovery", ["PRES-1", "PRES-4"],
            "documented path: an outage and the recovery end Subscribed again";
        RESUBSCRIBE: "resubscribe-after-unsubscribe", ["AF-PSS"],
            "documented path: subscribe, unsubscribe, then subscribe again";
    ]
}

catalogue! {
    PUBLISH = [
        PUBLISH_VALIDITY: "operation-validity", ["PRES-2", "AF-PUB", "D6"],
            "BeginPublishPresence is accepted while Subscribed, and for an application \
             endpoint also in Idle (in WaitingForRetry, as everywhere else, it throws \
             InvalidOperationException); it changes no subscription state";
    ]
}

catalogue! {
    CONTACTS = [
        CONTACTS_VALIDITY: "operation-validity", ["PRES-2", "AF-CGS", "D6"],
            "contact operations are accepted only in Idle or Subscribed (in WaitingForRetry \
             they throw InvalidOperationException) and change no subscription state";
    ]
}

/// The PublishSubscribeSession properties ([`SESSION`]), for a session whose operation is
/// valid in `operation_valid` states, as `operation` says.
fn session_rules<M: Session>(
    step: &Step<'_, M>,
    operation_valid: &[CollaborationSubscriptionState],
    operation: &'static Property,
) -> Result<(), Violation> {
    use CollaborationSubscriptionState as St;
    for event in step.events {
        if let Event::SubscriptionStateChange { reason, .. } = *event {
            rule(
                (reason == SubscriptionStateTransitionReason::ClientEvent) == is_call(step.on),
                &REASON,
                || step.describe(),
            )?;
        }
    }
    let live = matches!(step.from, St::Subscribing | St::Subscribed);
    let on = step.on;
    let name = &MOVES;
    if on == M::OPERATION {
        accepted_iff(step, operation_valid.contains(&step.from), operation)?;
        rule(!step.changed() && step.events.is_empty(), operation, || {
            step.describe()
        })
    } else if on == M::BEGIN_SUBSCRIBE {
        accepted_iff(step, step.from == St::Idle, &SUBSCRIBE_VALIDITY)?;
        lands_in(step, &[St::Subscribing], &SUBSCRIBE_VALIDITY)
    } else if on == M::POOL_OFFLINE {
        if live {
            must_reach(step, St::WaitingForRetry, &POOL_OFFLINE_WAITS)
        } else {
            unchanged(step, &POOL_OFFLINE_WAITS)
        }
    } else if on == M::UNDERLYING_TERMINATED {
        rule(
            step.to != St::Idle || step.from == St::Idle,
            &TERMINATED_UNDERNEATH,
            || step.describe(),
        )?;
        if live {
            must_reach(step, St::WaitingForRetry, &TERMINATED_UNDERNEATH)
        } else {
            unchanged(step, &TERMINATED_UNDERNEATH)
        }
    } else if on == M::POOL_RECOVERED {
        if step.from == St::WaitingForRetry {
            must_reach(step, St::Subscribing, &RECOVERY)
        } else {
            unchanged(step, &RECOVERY)
        }
    } else if on == M::BEGIN_UNSUBSCRIBE {
        match step.from {
            St::Subscribing | St::Subscribed => must_reach(step, St::Unsubscribing, &UNSUBSCRIBE),
            St::WaitingForRetry => must_reach(step, St::Idle, &UNSUBSCRIBE),
            _ => rule(step.accepted() && !step.changed(), &UNSUBSCRIBE, || {
                step.describe()
            }),
        }
    } else if on == M::SUBSCRIBE_OK {
        if step.from == St::Subscribing {
            must_reach(step, St::Subscribed, name)
        } else {
            unchanged(step, name)
        }
    } else if on == M::SUBSCRIBE_REJECTED {
        if step.from == St::Subscribing {
            must_reach(step, St::Terminated, name)
        } else {
            unchanged(step, name)
        }
    } else if on == M::UNSUBSCRIBE_OK {
        if step.from == St::Unsubscribing {
            must_reach(step, St::Idle, name)
        } else {
            unchanged(step, name)
        }
    } else {
        Ok(())
    }
}

fn session_scenarios<M: Session>() -> Vec<Scenario<M>> {
    use CollaborationSubscriptionState as St;
    vec![
        Scenario {
            property: &SUBSCRIBE_AND_OPERATE,
            when: |_| true,
            steps: vec![M::BEGIN_SUBSCRIBE, M::SUBSCRIBE_OK, M::OPERATION],
            ends_in: St::Subscribed,
        },
        Scenario {
            property: &OUTAGE_AND_RECOVERY,
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
            property: &RESUBSCRIBE,
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

    fn properties() -> Vec<&'static Property> {
        SESSION.iter().chain(PUBLISH).copied().collect()
    }

    /// The PublishSubscribeSession properties; publishing is accepted when Subscribed, and
    /// by an application endpoint also in Idle (PRES-2, AF-PUB, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        use CollaborationSubscriptionState as St;
        let valid: &[St] = match step.parameters.endpoint {
            EndpointKind::User => &[St::Subscribed],
            EndpointKind::Application => &[St::Idle, St::Subscribed],
        };
        session_rules(step, valid, &PUBLISH_VALIDITY)
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}

impl Documented for ContactGroupServices {
    const EVENT: &'static str = "SubscriptionStateChange";

    fn properties() -> Vec<&'static Property> {
        SESSION.iter().chain(CONTACTS).copied().collect()
    }

    /// The PublishSubscribeSession properties; contact operations are accepted in Idle and
    /// Subscribed (PRES-2, AF-CGS, D6).
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation> {
        session_rules(
            step,
            &[
                CollaborationSubscriptionState::Idle,
                CollaborationSubscriptionState::Subscribed,
            ],
            &CONTACTS_VALIDITY,
        )
    }

    fn scenarios() -> Vec<Scenario<Self>> {
        session_scenarios()
    }
}
