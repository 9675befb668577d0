//! The documented properties of `local_owner_presence` and `contact_group_services`
//! (PRES-1..PRES-4, AF-CSS, AF-PSS, AF-PUB, AF-CGS, D3, D6).

use crate::events::Event;
use crate::invariants::*;
use crate::local_endpoint::EndpointKind;
use crate::presence::Session;
use crate::vocabulary::{CollaborationSubscriptionState, SubscriptionStateTransitionReason};
use crate::{ContactGroupServices, LocalOwnerPresence};

property_catalogue! {
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

property_catalogue! {
    PUBLISH = [
        PUBLISH_VALIDITY: "operation-validity", ["PRES-2", "AF-PUB", "D6"],
            "BeginPublishPresence is accepted while Subscribed, and for an application \
             endpoint also in Idle (in WaitingForRetry, as everywhere else, it throws \
             InvalidOperationException); it changes no subscription state";
    ]
}

property_catalogue! {
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

// ---------------------------------------------------------------------------------------
// Clause tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::test_support::{drive, events, table};
    use fsm::{Symbol, Table};
    use strum::IntoEnumIterator;
    use SubscriptionStateTransitionReason::ServerEvent;

    fn subscribed<M: Session>(table: &Table<M>) -> CollaborationSubscriptionState {
        drive(table, &[M::BEGIN_SUBSCRIBE, M::SUBSCRIBE_OK])
    }

    fn pool_offline_waits<M: Session>() {
        let table = table::<M>();
        for from in [Subscribing, Subscribed] {
            let (to, raised) = events(&table, from, M::POOL_OFFLINE);
            assert_eq!(to, WaitingForRetry);
            assert_eq!(
                raised,
                [Event::SubscriptionStateChange {
                    previous_state: from,
                    state: WaitingForRetry,
                    reason: ServerEvent
                }]
            );
        }
    }

    #[test]
    fn pres_1_pool_offline_waits_for_retry_with_server_event() {
        pool_offline_waits::<LocalOwnerPresence>();
        pool_offline_waits::<ContactGroupServices>();
    }

    #[test]
    fn pres_2_publish_and_contact_operations_rejected_in_waiting_for_retry() {
        let lop = table::<LocalOwnerPresence>();
        let waiting = drive(
            &lop,
            &[
                LocalOwnerPresenceStimulus::BeginSubscribe,
                LocalOwnerPresenceStimulus::PoolOffline,
            ],
        );
        let rejected = lop
            .step(waiting, LocalOwnerPresenceStimulus::BeginPublishPresence)
            .map(|t| t.to);
        assert_eq!(
            rejected.map_err(|r| (r.state, r.error)),
            Err((WaitingForRetry, NO))
        );
        let cgs = table::<ContactGroupServices>();
        let rejected = cgs
            .step(
                WaitingForRetry,
                ContactGroupServicesStimulus::BeginAddContact,
            )
            .map(|t| t.to);
        assert_eq!(rejected.map_err(|r| r.error), Err(NO));
    }

    fn underlying_terminated_never_idle<M: Session>() {
        let table = table::<M>();
        for state in CollaborationSubscriptionState::iter() {
            let to = table
                .step(state, M::UNDERLYING_TERMINATED)
                .map_or(state, |t| t.to);
            if state != Idle {
                assert_ne!(to, Idle, "{} {state}", M::ID);
            }
        }
        assert_eq!(
            events(&table, subscribed(&table), M::UNDERLYING_TERMINATED).0,
            WaitingForRetry
        );
    }

    #[test]
    fn pres_3_underlying_terminated_maps_to_waiting_for_retry_not_idle() {
        underlying_terminated_never_idle::<LocalOwnerPresence>();
        underlying_terminated_never_idle::<ContactGroupServices>();
    }

    fn recovery_resubscribes<M: Session>() {
        let table = table::<M>();
        let waiting = drive(
            &table,
            &[M::BEGIN_SUBSCRIBE, M::SUBSCRIBE_OK, M::POOL_OFFLINE],
        );
        let back = drive_from(&table, waiting, &[M::POOL_RECOVERED, M::SUBSCRIBE_OK]);
        assert_eq!(back, Subscribed);
    }

    fn drive_from<M: Session>(
        table: &Table<M>,
        from: CollaborationSubscriptionState,
        stimuli: &[M::Stimulus],
    ) -> CollaborationSubscriptionState {
        stimuli
            .iter()
            .fold(from, |state, &on| events(table, state, on).0)
    }

    #[test]
    fn pres_4_pool_recovery_reestablishes_the_subscription() {
        recovery_resubscribes::<LocalOwnerPresence>();
        recovery_resubscribes::<ContactGroupServices>();
    }

    #[test]
    fn d6_publish_only_when_subscribed_contacts_also_when_idle() {
        let lop = table::<LocalOwnerPresence>();
        let cgs = table::<ContactGroupServices>();
        for state in CollaborationSubscriptionState::iter() {
            let publish = lop
                .step(state, LocalOwnerPresenceStimulus::BeginPublishPresence)
                .is_ok();
            assert_eq!(publish, state == Subscribed, "AF-PUB {state}");
            let contact = cgs
                .step(state, ContactGroupServicesStimulus::BeginAddContact)
                .is_ok();
            assert_eq!(
                contact,
                matches!(state, Idle | Subscribed),
                "AF-CGS {state}"
            );
        }
        assert_eq!(
            events(
                &lop,
                subscribed(&lop),
                LocalOwnerPresenceStimulus::BeginPublishPresence
            )
            .0,
            Subscribed
        );
    }

    #[test]
    fn af_pub_d6_an_application_endpoint_may_publish_before_subscribing() {
        // AF-PUB asks only user endpoints to subscribe before publishing; PRES-2 still
        // refuses publishing in WaitingForRetry, whatever the endpoint.
        let app = Table::<LocalOwnerPresence>::new(LocalOwnerPresenceParameters {
            endpoint: EndpointKind::Application,
        })
        .expect("total");
        for state in CollaborationSubscriptionState::iter() {
            let publish = app
                .step(state, LocalOwnerPresenceStimulus::BeginPublishPresence)
                .map(|t| t.to);
            if matches!(state, Idle | Subscribed) {
                assert_eq!(publish, Ok(state), "AF-PUB {state}");
            } else {
                assert_eq!(publish.map_err(|r| r.error), Err(NO), "AF-PUB {state}");
            }
        }
        let user = table::<LocalOwnerPresence>();
        assert!(user
            .step(Idle, LocalOwnerPresenceStimulus::BeginPublishPresence)
            .is_err());
    }

    #[test]
    fn d3_waiting_for_retry_is_the_collaboration_subscription_state() {
        // D3: the page links SubscriptionSignalingState, but the sessions' CurrentState is a
        // CollaborationSubscriptionState (AF-CSS), whose WaitingForRetry is 3, as the
        // SipSubscription's own WaitingForRetry is in its enum (AF-SSS).
        use crate::vocabulary::SubscriptionSignalingState;
        let (to, raised) = events(
            &table::<LocalOwnerPresence>(),
            Subscribed,
            LocalOwnerPresenceStimulus::PoolOffline,
        );
        assert_eq!(to, CollaborationSubscriptionState::WaitingForRetry);
        assert_eq!(to.index(), 3);
        assert_eq!(SubscriptionSignalingState::WaitingForRetry.index(), 3);
        assert!(matches!(
            raised[..],
            [Event::SubscriptionStateChange {
                state: CollaborationSubscriptionState::WaitingForRetry,
                ..
            }]
        ));
    }

    #[test]
    fn pres_3_af_css_af_6665_a_refused_subscribe_fails_for_good_an_ended_one_waits() {
        // The decision on SubscribeRejected: PRES-3 puts WaitingForRetry in place of Idle
        // for a subscription that ended underneath; a final refusal (AF-6665 "rejected":
        // do not subscribe again) is the failure AF-CSS calls irrevocable, Terminated.
        for (rejected, ended) in [
            (
                events(
                    &table::<LocalOwnerPresence>(),
                    Subscribing,
                    LocalOwnerPresenceStimulus::SubscribeRejected,
                ),
                events(
                    &table::<LocalOwnerPresence>(),
                    Subscribing,
                    LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated,
                ),
            ),
            (
                events(
                    &table::<ContactGroupServices>(),
                    Subscribing,
                    ContactGroupServicesStimulus::SubscribeRejected,
                ),
                events(
                    &table::<ContactGroupServices>(),
                    Subscribing,
                    ContactGroupServicesStimulus::UnderlyingSubscriptionTerminated,
                ),
            ),
        ] {
            assert_eq!(rejected.0, Terminated);
            assert_eq!(ended.0, WaitingForRetry);
        }
    }

    #[test]
    fn af_pss_resubscribe_after_unsubscribe() {
        let table = table::<LocalOwnerPresence>();
        use LocalOwnerPresenceStimulus::*;
        let idle = drive(
            &table,
            &[BeginSubscribe, SubscribeOk, BeginUnsubscribe, UnsubscribeOk],
        );
        assert_eq!(idle, Idle);
        assert_eq!(events(&table, idle, BeginSubscribe).0, Subscribing);
        assert!(table.step(Terminated, BeginSubscribe).is_err());
    }
}
