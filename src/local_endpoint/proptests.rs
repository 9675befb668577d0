//! `local_endpoint`: LARG-1..LARG-4, AF-LES, AF-LESR, AF-LEP-T, AF-DRAIN, D1, D5.
//!
//! Compiled into the `proptests` test (`proptests/main.rs`), which holds the harness these
//! runs share; it sits here so the object reads in one place.

use ucma_ha::local_endpoint::LocalEndpointStimulus as S;
use ucma_ha::vocabulary::LocalEndpointState;
use ucma_ha::LocalEndpoint;

use crate::harness::{self, Observed};

/// Every documented property at every step (LARG-1 MessageData, LARG-4 reasons, AF-DRAIN,
/// AF-LEP-T moves); `step` never panics (a panic fails the run).
#[test]
fn documented_properties_hold_at_every_step() {
    harness::check::<LocalEndpoint, _>(
        "local_endpoint_documented",
        harness::documented::<LocalEndpoint>,
    );
}

#[test]
fn random_runs_fire_every_row() {
    harness::fires_every_row::<LocalEndpoint>();
}

/// Terminated is final for the endpoint (AF-LES): once reached, every later stimulus leaves
/// it Terminated and raises nothing, and BeginEstablish is refused.
#[test]
fn terminated_is_final_af_les() {
    harness::check::<LocalEndpoint, _>(
        "local_endpoint_terminated_final",
        |_, run: &[Observed<LocalEndpoint>]| {
            let mut terminated = false;
            for (i, observed) in run.iter().enumerate() {
                if terminated {
                    if observed.to != LocalEndpointState::Terminated || !observed.events.is_empty()
                    {
                        return Err(format!("step {i}: left Terminated: {observed:?}"));
                    }
                    if observed.on == S::BeginEstablish && observed.rejected.is_none() {
                        return Err(format!(
                            "step {i}: BeginEstablish accepted after termination"
                        ));
                    }
                }
                terminated |= observed.to == LocalEndpointState::Terminated;
            }
            Ok(())
        },
    );
}
