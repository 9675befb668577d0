//! `remote_presence`: RP-1 (with PRES-1..PRES-4), SUB-4, AF-RPSS.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use fsm::Table;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use ucma_ha::presence::LocalOwnerPresenceStimulus as L;
use ucma_ha::remote_presence::{RemotePresenceParameters, RemotePresenceStimulus as R};
use ucma_ha::vocabulary::{CollaborationSubscriptionState, RemotePresentitySubscriptionState};
use ucma_ha::{LocalOwnerPresence, RemotePresence};

use crate::harness;

/// Every documented property at every step; `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<RemotePresence, _>(
        "remote_presence_documented",
        harness::documented::<RemotePresence>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<RemotePresence>();
}

/// The stimuli RemotePresence shares with LocalOwnerPresence.
const SHARED: [(R, L); 7] = [
    (R::BeginSubscribe, L::BeginSubscribe),
    (R::SubscribeOk, L::SubscribeOk),
    (R::PoolOffline, L::PoolOffline),
    (
        R::UnderlyingSubscriptionTerminated,
        L::UnderlyingSubscriptionTerminated,
    ),
    (R::PoolRecovered, L::PoolRecovered),
    (R::BeginUnsubscribe, L::BeginUnsubscribe),
    (R::UnsubscribeOk, L::UnsubscribeOk),
];

/// RP-1: driven by the same stimuli, a home-pool remote presence subscription waits for
/// retry exactly when LocalOwnerPresence does, and is subscribed exactly when it is.
#[test]
fn home_pool_remote_presence_behaves_as_local_owner_presence_rp_1() {
    let remote = Table::<RemotePresence>::new(RemotePresenceParameters { home_pool: true })
        .expect("compiles");
    let local = Table::<LocalOwnerPresence>::new(Default::default()).expect("compiles");
    let mut runner = TestRunner::new(harness::config());
    let result = runner.run(
        &prop::collection::vec(
            prop::sample::select(SHARED.to_vec()),
            0..=harness::MAX_STEPS,
        ),
        |run| {
            let (mut r, mut l) = (remote.initial(), local.initial());
            for (i, (on_r, on_l)) in run.iter().enumerate() {
                r = harness::step(&remote, r, *on_r).to;
                l = harness::step(&local, l, *on_l).to;
                let waiting = (
                    r == RemotePresentitySubscriptionState::WaitingForRetry,
                    l == CollaborationSubscriptionState::WaitingForRetry,
                );
                let subscribed = (
                    r == RemotePresentitySubscriptionState::Subscribed,
                    l == CollaborationSubscriptionState::Subscribed,
                );
                if waiting.0 != waiting.1 || subscribed.0 != subscribed.1 {
                    return Err(TestCaseError::fail(format!(
                        "step {i} ({on_r}): remote {r}, local {l}"
                    )));
                }
            }
            Ok(())
        },
    );
    if let Err(proptest::test_runner::TestError::Fail(reason, run)) = result {
        let stimuli: Vec<R> = run.iter().map(|(on, _)| *on).collect();
        let path =
            crate::traces::write("remote_presence_rp_1", &remote, &stimuli).expect("written");
        panic!("{reason}\ntrace file: {}", path.display());
    }
}

/// A subscription to another pool is not covered by the high-availability rules (SUB-4):
/// it never waits for retry.
#[test]
fn other_pools_never_wait_sub_4() {
    harness::check::<RemotePresence, _>("remote_presence_sub_4", |p, run| {
        for (i, o) in run.iter().enumerate() {
            if !p.home_pool && o.to == RemotePresentitySubscriptionState::WaitingForRetry {
                return Err(format!(
                    "step {i}: WaitingForRetry off the home pool (SUB-4)"
                ));
            }
        }
        Ok(())
    });
}
