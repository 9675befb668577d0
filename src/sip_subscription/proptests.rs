//! `sip_subscription`: SUB-1..SUB-4, AF-SSS, AF-SIPSUB, AF-TR, AF-6665.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use ucma_ha::sip_subscription::SipSubscriptionStimulus as S;
use ucma_ha::vocabulary::SubscriptionSignalingState as St;
use ucma_ha::SipSubscription;

use crate::harness::{self, Observed};

/// Every documented property at every step; `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<SipSubscription, _>(
        "sip_subscription_documented",
        harness::documented::<SipSubscription>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<SipSubscription>();
}

/// A platform home-pool subscription never terminates on `RefreshFailedPoolUnresponsive`
/// (SUB-3, SUB-4); more: over a whole run it reaches Terminated only after a final refusal,
/// a terminating NOTIFY or the owner's BeginTerminate. And Terminated is final (AF-SIPSUB).
#[test]
fn home_pool_subscription_survives_an_unresponsive_pool_sub_3() {
    harness::check::<SipSubscription, _>(
        "sip_subscription_sub_3",
        |p, run: &[Observed<SipSubscription>]| {
            let mut ended_by = None;
            for (i, observed) in run.iter().enumerate() {
                if p.protected()
                    && observed.on == S::RefreshFailedPoolUnresponsive
                    && observed.from != St::Terminated
                    && observed.to == St::Terminated
                {
                    return Err(format!(
                        "step {i}: terminated on an unresponsive pool (SUB-3)"
                    ));
                }
                if matches!(
                    observed.on,
                    S::SubscribeRejected
                        | S::RefreshFailedFinal
                        | S::NotifyTerminated
                        | S::BeginTerminate
                ) && observed.from != observed.to
                {
                    ended_by.get_or_insert(observed.on);
                }
                if observed.from == St::Terminated
                    && (observed.to != St::Terminated || !observed.events.is_empty())
                {
                    return Err(format!("step {i}: left Terminated (AF-SIPSUB)"));
                }
                if p.protected()
                    && !p.query_only
                    && observed.to == St::Terminated
                    && ended_by.is_none()
                {
                    return Err(format!(
                        "step {i}: terminated without a final refusal or BeginTerminate (SUB-3)"
                    ));
                }
            }
            Ok(())
        },
    );
}
