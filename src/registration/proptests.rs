//! `registration`: REG-1..REG-4, RARG-1..RARG-3, SVC-1, AF-RS, AF-RTR, AF-DROP.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use ucma_ha::registration::RegistrationStimulus as S;
use ucma_ha::vocabulary::{RegistrationState, RegistrationTransitionReason, ServiceState};
use ucma_ha::{Event, Registration};

use crate::harness::{self, Observed};

/// Every documented property at every step; `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<Registration, _>(
        "registration_documented",
        harness::documented::<Registration>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<Registration>();
}

/// Over a whole run, what the application learns of the pool follows REG-2 and REG-3: the
/// first report of an outage has Reason None and comes with the NOTIFY (REG-1, REG-2, D4),
/// and while the endpoint stays registered, the pool is reported Available again only by
/// the healing refresh, with Reason RegisterationRefresh (REG-3, D2).
#[test]
fn outage_and_healing_reports_reg_2_reg_3() {
    harness::check::<Registration, _>(
        "registration_outage_reports",
        |_, run: &[Observed<Registration>]| {
            let mut reported = ServiceState::Unknown;
            for (i, observed) in run.iter().enumerate() {
                for event in &observed.events {
                    let Event::RegistrationStateChanged {
                        previous_state,
                        state,
                        reason,
                        message_data,
                        user_services_state,
                    } = *event
                    else {
                        return Err(format!(
                            "step {i}: not a RegistrationStateChanged: {event:?}"
                        ));
                    };
                    let registered = previous_state == RegistrationState::Registered
                        && state == RegistrationState::Registered;
                    let what = (reason, message_data, observed.on);
                    let first_outage = user_services_state == ServiceState::Unavailable
                        && reported != ServiceState::Unavailable;
                    let outage = (
                        RegistrationTransitionReason::None,
                        true,
                        S::RegistrarNotifyUserServicesUnavailable,
                    );
                    if first_outage && what != outage {
                        return Err(format!("step {i}: outage reported as {event:?} (REG-2)"));
                    }
                    let healed = registered
                        && reported == ServiceState::Unavailable
                        && user_services_state == ServiceState::Available;
                    let healing = (
                        RegistrationTransitionReason::RegistrationRefresh,
                        true,
                        S::RefreshOk,
                    );
                    if healed && what != healing {
                        return Err(format!("step {i}: healing reported as {event:?} (REG-3)"));
                    }
                    reported = user_services_state;
                }
            }
            Ok(())
        },
    );
}
