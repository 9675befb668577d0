//! `contact_group_services`: PRES-1..PRES-4, AF-CSS, AF-PSS, AF-CGS, D3, D6.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use ucma_ha::presence::ContactGroupServicesStimulus as S;
use ucma_ha::vocabulary::CollaborationSubscriptionState as St;
use ucma_ha::vocabulary::Exception;
use ucma_ha::ContactGroupServices;

use crate::harness::{self, Observed};

/// Every documented property at every step; `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<ContactGroupServices, _>(
        "contact_group_services_documented",
        harness::documented::<ContactGroupServices>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<ContactGroupServices>();
}

/// Contact operations in WaitingForRetry fail with InvalidOperationException (PRES-2,
/// AF-CGS: allowed only in Idle and Subscribed); the subscription underneath terminating
/// never leaves the session Idle (PRES-3).
#[test]
fn contact_operations_refused_while_waiting_pres_2_af_cgs() {
    harness::check::<ContactGroupServices, _>(
        "contact_group_services_pres_2",
        |_, run: &[Observed<ContactGroupServices>]| {
            for (i, o) in run.iter().enumerate() {
                if o.on == S::BeginAddContact {
                    let allowed = matches!(o.from, St::Idle | St::Subscribed);
                    let refused = o.rejected == Some(Exception::InvalidOperationException);
                    if allowed == refused {
                        return Err(format!(
                            "step {i}: BeginAddContact in {} (PRES-2, AF-CGS)",
                            o.from
                        ));
                    }
                }
                if o.on == S::UnderlyingSubscriptionTerminated
                    && o.from != St::Idle
                    && o.to == St::Idle
                {
                    return Err(format!(
                        "step {i}: Idle after the subscription underneath ended (PRES-3)"
                    ));
                }
            }
            Ok(())
        },
    );
}
