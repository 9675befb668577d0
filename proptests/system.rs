//! `system`: the composed model along long random runs with many remote views (20, beyond
//! what the exhaustive checker covers without symmetry reduction), checked at every
//! macro-step against the cross-object properties (ARCHITECTURE.md, "system").
//!
//! Not compiled yet: enable it with `mod system;` in `main.rs` once the composed model is
//! merged (branch `system`). It drives the model through `ucma_ha::catalog::model("system",
//! ..)` by names only, as CONTRACT sections 2-4 fix them, so it needs nothing else from
//! that branch. TODO(lead): also assert the checker's own named safety predicates here
//! once their names are known (e.g. a `system::SAFETY` list), next to these.

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};
use serde_json::{json, Value};
use ucma_ha::catalog::{model, DynModel, Reaction, Snapshot};
use ucma_ha::trace::{Expect, Step, Trace};
use ucma_ha::Event;

use crate::harness;

/// How many remote views the long runs use.
const REMOTE_VIEWS: usize = 20;

/// The longest run.
const MAX_STEPS: usize = 200;

/// The system stimuli (CONTRACT section 2), weighted: the world and the timers, which
/// drive outages and recoveries, more often than the application's calls.
fn stimuli() -> BoxedStrategy<&'static str> {
    let calls = prop::sample::select(vec![
        "BeginEstablish",
        "BeginTerminate",
        "BeginDrain",
        "SubscribePresence",
        "PublishPresence",
        "SubscribeContactGroups",
        "AddContact",
        "SubscribeRemotePresence",
    ]);
    let world = prop::sample::select(vec![
        "PoolFails",
        "PoolRecovers",
        "ConnectionDrops",
        "ConnectionRestores",
        "OwnerDisabled",
        "TooManyEndpoints",
    ]);
    let timers = prop::sample::select(vec![
        "RegistrationRefreshDue",
        "SubscriptionRefreshDue",
        "RetryTimerFires",
    ]);
    prop_oneof![3 => calls, 2 => world, 3 => timers].boxed()
}

/// One macro-step as observed by names.
struct Observed {
    on: &'static str,
    before: Vec<(String, &'static str)>,
    reaction: Reaction,
    after: Vec<(String, &'static str)>,
}

fn states(model: &dyn DynModel, at: &Snapshot) -> Vec<(String, &'static str)> {
    model
        .states(at)
        .into_iter()
        .map(|name| (name.component, name.observed))
        .collect()
}

fn state_of<'a>(states: &'a [(String, &'static str)], component: &str) -> Option<&'a str> {
    states
        .iter()
        .find(|(name, _)| name == component)
        .map(|(_, state)| *state)
}

/// The sessions over a home-pool subscription: local presence, contacts, remote views.
fn sessions<'a>(
    states: &'a [(String, &'static str)],
) -> impl Iterator<Item = &'a (String, &'static str)> {
    states.iter().filter(|(name, _)| {
        name == "local_owner_presence"
            || name == "contact_group_services"
            || name.starts_with("remote_presence[")
    })
}

fn run(model: &dyn DynModel, stimuli: &[&'static str]) -> Result<Vec<Observed>, String> {
    let mut at = model.initial();
    let mut observed = Vec::with_capacity(stimuli.len());
    for &on in stimuli {
        let before = states(model, &at);
        let reaction = model.step(&at, on).map_err(|error| error.to_string())?;
        at = reaction.next.clone();
        observed.push(Observed {
            on,
            before,
            after: states(model, &at),
            reaction,
        });
    }
    Ok(observed)
}

/// The cross-object safety properties, at every macro-step.
fn safety(run: &[Observed]) -> Result<(), String> {
    let mut pool_down = false;
    for (i, step) in run.iter().enumerate() {
        let fail = |what: &str| Err(format!("step {i} ({}): {what}", step.on));
        pool_down = match step.on {
            "PoolFails" => true,
            "PoolRecovers" => false,
            _ => pool_down,
        };
        // PRES-2, AF-PUB, AF-CGS: no publish or contact operation is accepted while the
        // session waits for retry.
        for (on, component) in [
            ("PublishPresence", "local_owner_presence"),
            ("AddContact", "contact_group_services"),
        ] {
            if step.on == on
                && state_of(&step.before, component) == Some("WaitingForRetry")
                && step.reaction.rejected != Some("InvalidOperationException")
            {
                return fail(&format!("{on} accepted while {component} waits (PRES-2)"));
            }
        }
        let application = matches!(
            step.on,
            "BeginEstablish"
                | "BeginTerminate"
                | "BeginDrain"
                | "SubscribePresence"
                | "PublishPresence"
                | "SubscribeContactGroups"
                | "AddContact"
                | "SubscribeRemotePresence"
        );
        for (component, before) in sessions(&step.before) {
            let after = state_of(&step.after, component).unwrap_or("?");
            // PRES-3, RP-1: without the application asking, a live session never falls
            // back to Idle; it waits for retry instead.
            if !application
                && matches!(*before, "Subscribing" | "Subscribed" | "WaitingForRetry")
                && after == "Idle"
            {
                return fail(&format!("{component} {before} -> Idle (PRES-3)"));
            }
            // SUB-3, SUB-4: an unresponsive pool never terminates a home-pool subscription.
            if pool_down && !application && *before != "Terminated" && after == "Terminated" {
                return fail(&format!(
                    "{component} terminated while the pool is down (SUB-3)"
                ));
            }
        }
        // Terminated is final for the endpoint (AF-LES).
        if state_of(&step.before, "local_endpoint") == Some("Terminated")
            && state_of(&step.after, "local_endpoint") != Some("Terminated")
        {
            return fail("local_endpoint left Terminated (AF-LES)");
        }
        for event in &step.reaction.events {
            if let Event::RegistrationStateChanged {
                reason,
                user_services_state,
                ..
            } = event
            {
                let (reason, services): (&str, &str) =
                    ((*reason).into(), (*user_services_state).into());
                // REG-2, D4: the outage is reported with Reason None.
                if services == "Unavailable" && step.on == "PoolFails" && reason != "None" {
                    return fail(&format!("outage reported with Reason {reason} (REG-2)"));
                }
                // REG-3, D2: healing is reported as RegisterationRefresh, Available.
                if reason == "RegisterationRefresh" && services != "Available" {
                    return fail(&format!("refresh reported with {services} (REG-3)"));
                }
            }
        }
    }
    Ok(())
}

fn trace(config: &Value, run: &[Observed]) -> Trace {
    Trace {
        machine: "system".to_owned(),
        config: config.clone(),
        steps: run
            .iter()
            .map(|step| Step {
                on: step.on.to_owned(),
                expect: Some(Expect {
                    states: Some(
                        step.after
                            .iter()
                            .map(|(component, state)| (component.clone(), (*state).to_owned()))
                            .collect(),
                    ),
                    rejected: Some(step.reaction.rejected.map(str::to_owned)),
                    emits: Some(
                        step.reaction
                            .events
                            .iter()
                            .filter_map(|event| serde_json::to_value(event).ok())
                            .collect(),
                    ),
                    ..Expect::default()
                }),
            })
            .collect(),
    }
}

#[test]
fn safety_holds_along_long_runs_with_many_remote_views() {
    let config = json!({ "remote_views": REMOTE_VIEWS });
    let model = model("system", &config).expect("the system model is built");
    let mut runner = TestRunner::new(harness::config());
    let strategy = prop::collection::vec(stimuli(), MAX_STEPS / 2..=MAX_STEPS);
    let result = runner.run(&strategy, |stimuli| {
        let observed = run(model.as_ref(), &stimuli).map_err(TestCaseError::fail)?;
        safety(&observed).map_err(TestCaseError::fail)
    });
    if let Err(TestError::Fail(reason, stimuli)) = result {
        let observed = run(model.as_ref(), &stimuli).expect("replays");
        let directory = crate::traces::directory();
        std::fs::create_dir_all(&directory).expect("trace directory");
        let path = directory.join("system_safety.json");
        let text = serde_json::to_string_pretty(&trace(&config, &observed)).expect("serialises");
        std::fs::write(&path, text).expect("trace written");
        panic!(
            "{reason}\nshrunk to {stimuli:?}\ntrace file: {}",
            path.display()
        );
    }
}
