//! `local_owner_presence`: PRES-1..PRES-4, AF-CSS, AF-PSS, AF-PUB, D3, D6.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use ucma_ha::presence::LocalOwnerPresenceStimulus as S;
use ucma_ha::vocabulary::CollaborationSubscriptionState as St;
use ucma_ha::vocabulary::Exception;
use ucma_ha::LocalOwnerPresence;

use crate::harness::{self, Observed};

/// Every documented property at every step; `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<LocalOwnerPresence, _>(
        "local_owner_presence_documented",
        harness::documented::<LocalOwnerPresence>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<LocalOwnerPresence>();
}

/// Publishing in WaitingForRetry fails with InvalidOperationException (PRES-2); the
/// subscription underneath terminating never leaves the session Idle (PRES-3); Terminated
/// is final (AF-CSS).
#[test]
fn publish_refused_while_waiting_and_never_idle_on_terminated_pres_2_pres_3() {
    harness::check::<LocalOwnerPresence, _>(
        "local_owner_presence_pres_2_3",
        |_, run: &[Observed<LocalOwnerPresence>]| {
            for (i, o) in run.iter().enumerate() {
                if o.from == St::WaitingForRetry
                    && o.on == S::BeginPublishPresence
                    && o.rejected != Some(Exception::InvalidOperationException)
                {
                    return Err(format!(
                        "step {i}: publish not refused in WaitingForRetry (PRES-2)"
                    ));
                }
                if o.on == S::UnderlyingSubscriptionTerminated
                    && o.from != St::Idle
                    && o.to == St::Idle
                {
                    return Err(format!(
                        "step {i}: Idle after the subscription underneath ended (PRES-3)"
                    ));
                }
                if o.from == St::Terminated && o.to != St::Terminated {
                    return Err(format!("step {i}: left Terminated (AF-CSS)"));
                }
            }
            Ok(())
        },
    );
}
