//! Tests of the composed system: behaviour of single macro-steps, one mutant per property
//! (each changes exactly one row and must be caught with a replayable counterexample),
//! and symmetry reduction against full exploration.

use std::borrow::Cow;

use fsm::explore::{explore, Completeness, Limits};
use fsm::{Machine, Row, RowOutcome, Symbol, Table};

use super::properties::{self, PROPERTIES};
use super::wiring::{self, Action, Reaction, StimulusRow, Target};
use super::SystemStimulus::*;
use super::*;
use crate::catalog::{DynModel, Snapshot};
use crate::checker::{self, Report, Status};
use crate::presence::LocalOwnerPresenceStimulus as Lop;
use crate::registration::{RegistrationEffect, RegistrationStatus, RegistrationStimulus};
use crate::sip_subscription::SipSubscriptionStimulus as Sub;
use crate::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState as Les, RegistrationTransitionReason,
    ServiceState,
};
use crate::Event;

mod agreement;
mod documents;
mod mutants;
mod wiring_names;

fn system(config: SystemConfig) -> System {
    System::new(config).expect("the shipped system builds")
}

fn run(system: &System, stimuli: &[SystemStimulus]) -> Packed {
    stimuli
        .iter()
        .fold(system.initial(), |state, &s| system.step(state, s).next)
}

fn events(system: &System, state: Packed, stimulus: SystemStimulus) -> Vec<Event> {
    let reaction = DynModel::step(system, &Snapshot(state.0.to_vec()), stimulus.name())
        .expect("known stimulus");
    reaction.events
}

// ---------------------------------------------------------------------------------------
// Macro-steps
// ---------------------------------------------------------------------------------------

#[test]
fn establish_in_a_healthy_world_ends_established_and_registered_af_lep_t() {
    let s = system(SystemConfig::default());
    let state = run(&s, &[BeginEstablish]);
    assert_eq!(s.state_name(state, "local_endpoint"), Some("Established"));
    // Registered; the 200 OK says nothing of User Services (SVC-1).
    assert_eq!(
        s.state_name(state, "registration"),
        Some("RegisteredUserServicesUnknown")
    );
}

#[test]
fn pool_failure_delivers_the_notify_and_pool_offline_reg_1_pres_1() {
    let s = system(SystemConfig::default());
    let state = run(
        &s,
        &[
            BeginEstablish,
            SubscribePresence,
            SubscribeContactGroups,
            SubscribeRemotePresence,
        ],
    );
    assert_eq!(
        s.state_name(state, "local_owner_presence"),
        Some("Subscribed")
    );
    assert_eq!(
        s.state_name(state, "remote_presence[0]"),
        Some("Subscribed")
    );
    let raised = events(&s, state, PoolFails);
    assert_eq!(
        raised.first(),
        Some(&Event::RegistrationStateChanged {
            previous_state: crate::vocabulary::RegistrationState::Registered,
            state: crate::vocabulary::RegistrationState::Registered,
            reason: RegistrationTransitionReason::None,
            message_data: true,
            user_services_state: ServiceState::Unavailable,
        })
    );
    let down = s.step(state, PoolFails).next;
    for owner in [
        "local_owner_presence",
        "contact_group_services",
        "remote_presence[0]",
    ] {
        assert_eq!(
            s.state_name(down, owner),
            Some("WaitingForRetry"),
            "{owner}"
        );
    }
    // The SipSubscriptions stay up until their refresh times out, then wait (SUB-3).
    let refreshed = s.step(down, SubscriptionRefreshDue).next;
    assert_eq!(
        s.state_name(refreshed, "local_owner_presence.subscription"),
        Some("WaitingForRetry")
    );
    // SUB-2: the retry timer is held back while User Services is Unavailable.
    assert_eq!(s.step(refreshed, RetryTimerFires).next, refreshed);
}

#[test]
fn healing_refresh_recovers_every_subscription_reg_3_pres_4() {
    let s = system(SystemConfig::default());
    let state = run(
        &s,
        &[
            BeginEstablish,
            SubscribePresence,
            SubscribeRemotePresence,
            PoolFails,
            SubscriptionRefreshDue,
            PoolRecovers,
        ],
    );
    let raised = events(&s, state, RegistrationRefreshDue);
    assert!(raised.contains(&Event::RegistrationStateChanged {
        previous_state: crate::vocabulary::RegistrationState::Registered,
        state: crate::vocabulary::RegistrationState::Registered,
        reason: RegistrationTransitionReason::RegistrationRefresh,
        message_data: true,
        user_services_state: ServiceState::Available,
    }));
    let healed = s.step(state, RegistrationRefreshDue).next;
    for component in [
        "local_owner_presence",
        "local_owner_presence.subscription",
        "remote_presence[0]",
        "remote_presence[0].subscription",
    ] {
        assert_eq!(
            s.state_name(healed, component),
            Some("Subscribed"),
            "{component}"
        );
    }
    assert!(!properties::recovering(&s, healed));
}

#[test]
fn a_rejected_call_reports_invalid_operation_and_changes_nothing_pres_2() {
    let s = system(SystemConfig::default());
    let state = run(&s, &[BeginEstablish, SubscribePresence, PoolFails]);
    let result = s.step(state, PublishPresence);
    assert_eq!(result.rejected, Some("InvalidOperationException"));
    assert_eq!(result.next, state);
    // Not yet established: sessions cannot subscribe.
    let idle = s.initial();
    assert_eq!(
        s.step(idle, SubscribePresence).rejected,
        Some("InvalidOperationException")
    );
}

#[test]
fn application_endpoints_have_no_contact_group_services_af_cgs() {
    let s = system(SystemConfig {
        endpoint: EndpointKind::Application,
        ..SystemConfig::default()
    });
    let state = run(&s, &[BeginEstablish]);
    assert_eq!(
        s.step(state, SubscribeContactGroups).rejected,
        Some("InvalidOperationException")
    );
    assert!(s.state_name(state, "contact_group_services").is_none());
    // A dropped connection re-establishes an application endpoint (AF-LEP-T).
    let dropped = s.step(state, ConnectionDrops).next;
    assert_eq!(
        s.state_name(dropped, "local_endpoint"),
        Some("Reestablishing")
    );
    let restored = s.step(dropped, ConnectionRestores).next;
    assert_eq!(
        s.state_name(restored, "local_endpoint"),
        Some("Established")
    );
}

#[test]
fn the_catalog_builds_the_system_and_refuses_unknown_keys() {
    let model = crate::catalog::model("system", &serde_json::json!({"remote_views": 2}))
        .expect("valid config");
    let names: Vec<String> = model
        .states(&model.initial())
        .into_iter()
        .map(|n| n.component.into_owned())
        .collect();
    assert!(names.contains(&"remote_presence[1].subscription".to_owned()));
    assert!(crate::catalog::model("system", &serde_json::json!({"views": 2})).is_err());
    assert!(System::new(SystemConfig {
        remote_views: MAX_VIEWS + 1,
        ..SystemConfig::default()
    })
    .is_err());
}

#[test]
fn snapshots_that_are_no_state_fall_back_to_the_initial_state() {
    let s = system(SystemConfig::default());
    let bogus = Snapshot(vec![u64::MAX, u64::MAX]);
    let reaction = DynModel::step(&s, &bogus, "BeginEstablish").expect("known stimulus");
    assert_eq!(reaction.rejected, None);
    let established = run(&s, &[BeginEstablish]);
    assert_eq!(reaction.next, Snapshot(established.0.to_vec()));
    assert!(!s.is_valid(Packed::MAX));
    assert!(s.is_valid(established));
    assert_eq!(
        System::stimuli().to_vec(),
        SystemStimulus::all().collect::<Vec<_>>()
    );
}

#[test]
fn views_spread_over_every_word_of_the_packed_state() {
    // AF-RPSS: each SubscribeRemotePresence subscribes one more free view; with every
    // view present, the subscribed ones reach the last word of the packed state.
    let s = system(SystemConfig {
        remote_views: MAX_VIEWS,
        ..SystemConfig::default()
    });
    let subscribed = MAX_VIEWS - 1;
    let mut stimuli = vec![BeginEstablish];
    stimuli.extend(std::iter::repeat_n(SubscribeRemotePresence, subscribed));
    let state = run(&s, &stimuli);
    assert!(s.is_valid(state));
    let initial = s.initial();
    let view_slots: Vec<usize> = (0..MAX_VIEWS).map(|i| engine::FIRST_VIEW + 2 * i).collect();
    let moved = view_slots
        .iter()
        .filter(|&&slot| s.slot_state(state, slot) != s.slot_state(initial, slot))
        .count();
    assert_eq!(moved, subscribed);
    let last = *view_slots.last().expect("views");
    assert_eq!(s.slot_state(state, last), s.slot_state(initial, last));
    // Moving the one idle view to the front is the same state up to symmetry.
    let mut permuted = state;
    for (i, &slot) in view_slots.iter().enumerate().rev() {
        let from = if i == 0 { last } else { view_slots[i - 1] };
        permuted.set(slot, state.get(from));
        permuted.set(slot + 1, state.get(from + 1));
    }
    assert_ne!(permuted, state);
    assert!(s.is_valid(permuted));
    assert_eq!(s.canonical(permuted), s.canonical(state));
    // A snapshot round-trips every word; a stray bit outside the slots is no state.
    let snapshot = Snapshot(state.0.to_vec());
    assert_eq!(DynModel::states(&s, &snapshot), s.state_names(state));
    assert_eq!(
        DynModel::step(&s, &snapshot, "PoolFails")
            .expect("known stimulus")
            .next,
        Snapshot(s.step(state, PoolFails).next.0.to_vec())
    );
    let mut stray = state;
    stray.0[layout::WORDS - 1] |= 1 << 63;
    assert!(!s.is_valid(stray));
}

#[test]
fn symmetric_stimuli_commute_with_permuting_views() {
    // Subscribing "the free view" picks the same class whatever the order of the views.
    let s = system(SystemConfig {
        remote_views: 3,
        ..SystemConfig::default()
    });
    let graph = explore(&s, Limits::default(), |_| {});
    for node in graph.graph.node_indices().take(400) {
        let state = graph.graph[node];
        for &stimulus in System::stimuli() {
            let direct = s.canonical(s.step(state, stimulus).next);
            let via = s.canonical(s.step(s.canonical(state), stimulus).next);
            assert_eq!(direct, via, "{stimulus} from {state:#x}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The shipped model passes; limits are reported
// ---------------------------------------------------------------------------------------

fn check(system: &System, symmetry: bool) -> Report {
    checker::check(
        system,
        Limits {
            symmetry,
            ..Limits::default()
        },
        |_| {},
    )
}

#[test]
fn the_shipped_system_holds_every_property_in_several_configurations() {
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
        SystemConfig {
            remote_views: 2,
            remote_home_pool: false,
            ..SystemConfig::default()
        },
    ] {
        let report = check(&system(config), true);
        for verdict in &report.verdicts {
            assert_eq!(
                verdict.status,
                Status::Held,
                "{config:?}: {}",
                verdict.property.name
            );
        }
        assert!(report.passed());
    }
}

#[test]
fn limits_make_the_check_incomplete_not_passed() {
    let s = system(SystemConfig::default());
    let report = checker::check(
        &s,
        Limits {
            max_states: 10,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(report.completeness, Completeness::StateLimit);
    assert!(!report.passed());
    assert!(report.verdicts.iter().any(|v| v.status == Status::Unknown));
}

// ---------------------------------------------------------------------------------------
// Mutants: one row changed, one property caught, a counterexample that replays
// ---------------------------------------------------------------------------------------

/// The table of `M` with exactly one row (the one `select` picks) replaced by `change`.
fn mutate<M: Machine>(
    parameters: M::Parameters,
    select: impl Fn(&Row<M>) -> bool,
    change: impl FnOnce(Row<M>) -> Row<M>,
) -> Table<M> {
    let mut rows: Vec<Row<M>> = M::rows().to_vec();
    let picked: Vec<usize> = (0..rows.len()).filter(|&i| select(&rows[i])).collect();
    assert_eq!(
        picked.len(),
        1,
        "{}: the mutation must pick exactly one row",
        M::ID
    );
    let i = picked[0];
    rows[i] = change(rows[i]);
    Table::from_rows(Cow::Owned(rows), parameters).expect("the mutant compiles")
}

fn moves_to<M: Machine>(to: M::State) -> impl FnOnce(Row<M>) -> Row<M> {
    moves_emitting(to, &[])
}

/// A row changed into a move to `to` that emits `emits`.
fn moves_emitting<M: Machine>(
    to: M::State,
    emits: &'static [M::Effect],
) -> impl FnOnce(Row<M>) -> Row<M> {
    move |row| Row {
        outcome: RowOutcome::Move { to, emits },
        ..row
    }
}

fn ignores<M: Machine>(row: Row<M>) -> Row<M> {
    Row {
        outcome: RowOutcome::Ignore,
        ..row
    }
}

fn tables() -> Tables {
    Tables::for_config(&SystemConfig::default()).expect("tables")
}

fn mutant(tables: Tables) -> System {
    System::with(
        SystemConfig::default(),
        tables,
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("the mutant builds")
}

/// The shipped system (default configuration) with the stimulus row of `on` replaced
/// by `change`.
fn with_stimulus_row(
    on: SystemStimulus,
    change: impl FnOnce(StimulusRow) -> StimulusRow,
) -> System {
    let mut rows = wiring::STIMULUS_ROWS.to_vec();
    let i = rows.iter().position(|r| r.on == on).expect("a row");
    rows[i] = change(rows[i]);
    System::with(
        SystemConfig::default(),
        tables(),
        Cow::Owned(rows),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("builds")
}

/// The last stimulus of a counterexample.
fn last_stimulus(counterexample: &checker::Counterexample) -> Option<&str> {
    counterexample.trace.steps.last().map(|s| s.on.as_str())
}

/// The state a counterexample ends in.
fn end_of(system: &System, counterexample: &checker::Counterexample) -> Packed {
    let stimuli: Vec<SystemStimulus> = counterexample
        .trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on).expect("known"))
        .collect();
    run(system, &stimuli)
}

/// Checks `system`, expects `name` violated, and replays the counterexample through the
/// system's own `DynModel`.
fn caught(system: &System, name: &str) -> checker::Counterexample {
    let report = check(system, true);
    let verdict = report.verdict(name).expect("a known property");
    let Status::Violated(counterexample) = &verdict.status else {
        panic!("{name} not caught: {:?}", verdict.status);
    };
    let trace = &counterexample.trace;
    assert_eq!(trace.machine, "system");
    assert!(crate::catalog::model("system", &trace.config).is_ok());
    // Replay: every expectation written in the trace matches the model.
    let model: &dyn DynModel = system;
    let mut at = model.initial();
    for (i, step) in trace.steps.iter().enumerate() {
        let reaction = model.step(&at, &step.on).expect("a known stimulus");
        at = reaction.next.clone();
        if let Some(expect) = &step.expect {
            if let Some(rejected) = &expect.rejected {
                assert_eq!(reaction.rejected.map(str::to_owned), *rejected, "step {i}");
            }
            for (component, state) in expect.states.iter().flatten() {
                let actual = model
                    .states(&at)
                    .into_iter()
                    .find(|n| &n.component == component)
                    .map(|n| n.observed);
                assert_eq!(actual, Some(state.as_str()), "step {i}: {component}");
            }
        }
    }
    // A transition property: the last step violates it, and no earlier step does.
    if let Some(violates) = checker::last_step_violates(system, name, trace) {
        assert!(violates, "the last step of the trace violates {name}");
        for k in 1..trace.steps.len() {
            let prefix = crate::trace::Trace {
                steps: trace.steps[..k].to_vec(),
                ..trace.clone()
            };
            assert_eq!(
                checker::last_step_violates(system, name, &prefix),
                Some(false),
                "step {k} of the counterexample already violates {name}"
            );
        }
    }
    (**counterexample).clone()
}
