//! Tests of the composed system: behaviour of single macro-steps, one mutant per property
//! (each changes exactly one row and must be caught with a replayable counterexample),
//! and symmetry reduction against full exploration.

use std::borrow::Cow;

use fsm::explore::{explore, Completeness, Limits};
use fsm::{Machine, Outcome as RowOutcome, Row, Symbol, Table};

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
    ServiceState, SubscriptionSignalingState as Sss,
};
use crate::Event;
use crate::LocalEndpoint;

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
        .map(|n| n.component)
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
    move |row| Row {
        outcome: RowOutcome::Move { to, emits: &[] },
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

#[test]
fn mutant_publishing_in_waiting_for_retry_is_caught_pres_2() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::BeginPublishPresence,
        moves_to(Css::WaitingForRetry),
    );
    let s = mutant(t);
    let cx = caught(&s, "no_publish_in_waiting_for_retry");
    assert_eq!(
        cx.trace.steps.last().map(|s| s.on.as_str()),
        Some("PublishPresence")
    );
}

#[test]
fn mutant_publishing_before_subscribing_is_caught_af_pub() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| {
            r.from == Css::Idle
                && r.on == Lop::BeginPublishPresence
                && r.when.label == "endpoint = user"
        },
        moves_to(Css::Idle),
    );
    let cx = caught(&mutant(t), "operations_need_subscription_and_registration");
    // Shortest: establish, then publish.
    assert_eq!(cx.trace.steps.len(), 2);
}

#[test]
fn mutant_terminating_on_an_unresponsive_pool_is_caught_sub_3() {
    let mut t = tables();
    t.session_subscription = mutate(
        Default::default(),
        |r| {
            r.from == Sss::Subscribed
                && r.on == Sub::RefreshFailedPoolUnresponsive
                && r.when.label == "platform && home_pool"
        },
        moves_to(Sss::Terminated),
    );
    caught(&mutant(t), "home_subscription_survives_unresponsive_pool");
}

#[test]
fn mutant_idling_on_underlying_termination_is_caught_pres_3() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::Subscribed && r.on == Lop::UnderlyingSubscriptionTerminated,
        moves_to(Css::Idle),
    );
    let cx = caught(&mutant(t), "underlying_termination_never_idles_owner");
    assert_eq!(
        cx.trace.steps.last().map(|s| s.on.as_str()),
        Some("OwnerDisabled")
    );
}

static WRONG_REASON: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: RegistrationTransitionReason::UserServicesUnavailable,
    message_data: true,
    user_services_state: ServiceState::Unavailable,
}];

#[test]
fn mutant_outage_reason_is_caught_reg_2() {
    let mut t = tables();
    t.registration = mutate(
        Default::default(),
        |r| {
            r.from == RegistrationStatus::Registered
                && r.on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable
        },
        |row| Row {
            outcome: RowOutcome::Move {
                to: RegistrationStatus::RegisteredUserServicesUnavailable,
                emits: &WRONG_REASON,
            },
            ..row
        },
    );
    let cx = caught(&mutant(t), "outage_and_healing_event_args");
    assert_eq!(
        cx.trace.steps.last().map(|s| s.on.as_str()),
        Some("PoolFails")
    );
}

static REGISTER_SAYS_AVAILABLE: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: RegistrationTransitionReason::None,
    message_data: true,
    user_services_state: ServiceState::Available,
}];

#[test]
fn mutant_register_claiming_available_is_caught_svc_1_af_svc() {
    // SVC-1, AF-SVC: a REGISTER's 200 OK tells nothing of the pool; a row that reports
    // Available there (as the model once did) breaks `outage_and_healing_event_args`.
    let mut t = tables();
    t.registration = mutate(
        Default::default(),
        |r| r.from == RegistrationStatus::Registering && r.on == RegistrationStimulus::RegisterOk,
        |row| Row {
            outcome: RowOutcome::Move {
                to: RegistrationStatus::RegisteredUserServicesUnknown,
                emits: &REGISTER_SAYS_AVAILABLE,
            },
            ..row
        },
    );
    let cx = caught(&mutant(t), "outage_and_healing_event_args");
    assert_eq!(
        cx.trace
            .steps
            .iter()
            .map(|s| s.on.as_str())
            .collect::<Vec<_>>(),
        ["BeginEstablish"]
    );
}

static RETRY_ALWAYS: [Reaction; 1] = [Reaction {
    target: Target::Subscriptions,
    action: Action::Deliver("RetryTimerFired"),
    when: wiring::Guard::Always,
}];

#[test]
fn mutant_wiring_that_retries_during_the_outage_is_caught_sub_2() {
    let mut rows = wiring::STIMULUS_ROWS.to_vec();
    let i = rows
        .iter()
        .position(|r| r.on == RetryTimerFires)
        .expect("a row");
    rows[i] = StimulusRow {
        then: &RETRY_ALWAYS,
        ..rows[i]
    };
    let s = System::with(
        SystemConfig::default(),
        tables(),
        Cow::Owned(rows),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("builds");
    let cx = caught(&s, "no_retry_while_user_services_unavailable");
    assert_eq!(
        cx.trace.steps.last().map(|s| s.on.as_str()),
        Some("RetryTimerFires")
    );
}

#[test]
fn mutant_reviving_a_terminated_endpoint_is_caught_af_les() {
    let mut t = tables();
    t.endpoint = mutate(
        Default::default(),
        |r: &Row<LocalEndpoint>| {
            r.from == Les::Terminated
                && r.on == crate::local_endpoint::LocalEndpointStimulus::BeginEstablish
        },
        moves_to(Les::Establishing),
    );
    caught(&mutant(t), "terminated_is_final");
}

#[test]
fn mutant_stuck_in_terminating_is_caught_as_deadlock() {
    let mut t = tables();
    t.endpoint = mutate(
        Default::default(),
        |r: &Row<LocalEndpoint>| {
            r.from == Les::Terminating
                && r.on == crate::local_endpoint::LocalEndpointStimulus::TerminateCompleted
        },
        ignores,
    );
    let s = mutant(t);
    let cx = caught(&s, "no_deadlock");
    let stimuli: Vec<SystemStimulus> = cx
        .trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on).expect("known"))
        .collect();
    let end = run(&s, &stimuli);
    for &stimulus in System::stimuli() {
        if !stimulus.is_world_toggle() {
            assert_eq!(
                s.canonical(s.step(end, stimulus).next),
                s.canonical(end),
                "{stimulus}"
            );
        }
    }
    let last = cx
        .trace
        .steps
        .last()
        .and_then(|s| s.expect.clone())
        .expect("expectations");
    assert_eq!(
        last.states.and_then(|s| s.get("local_endpoint").cloned()),
        Some("Terminating".to_owned())
    );
}

#[test]
fn mutant_that_never_resubscribes_is_caught_pres_4() {
    let mut t = tables();
    t.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::PoolRecovered,
        ignores,
    );
    let s = mutant(t);
    let cx = caught(&s, "recovery_after_outage");
    // The lasso ends where recovery is pending, with the pool and connection up.
    let stimuli: Vec<SystemStimulus> = cx
        .trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on).expect("known"))
        .collect();
    let end = run(&s, &stimuli);
    assert!(properties::stable_world(&s, end));
    assert!(properties::recovering(&s, end));
    assert_eq!(
        s.state_name(end, "local_owner_presence"),
        Some("WaitingForRetry")
    );
}

#[test]
fn each_property_has_a_mutant_test() {
    // The mutants above cover these names; a new property needs a new mutant.
    let covered = [
        "no_publish_in_waiting_for_retry",
        "operations_need_subscription_and_registration",
        "home_subscription_survives_unresponsive_pool",
        "underlying_termination_never_idles_owner",
        "outage_and_healing_event_args",
        "no_retry_while_user_services_unavailable",
        "terminated_is_final",
        "no_deadlock",
        "recovery_after_outage",
    ];
    let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name).collect();
    assert_eq!(names, covered);
    for property in PROPERTIES {
        assert!(
            !property.clauses.is_empty(),
            "{} cites a clause",
            property.name
        );
    }
}

// ---------------------------------------------------------------------------------------
// An independent engine agrees; symmetry changes no verdict
// ---------------------------------------------------------------------------------------

/// Every macro-step of every reachable state, run silently (broadcasts to the owners from
/// the memo) and with a log (every reaction run in full): the same result. The broadcasts
/// are those of PRES-1 (PoolOffline), PRES-4 and SUB-2 (PoolRecovered) and AF-SIPSUB (the
/// subscription timers).
fn memo_agrees(system: &System) {
    let graph = explore(system, Limits::default(), |_| {});
    assert_eq!(graph.completeness, Completeness::Complete);
    let mut log = Vec::new();
    for &state in graph.graph.node_weights() {
        for &stimulus in System::stimuli() {
            log.clear();
            let full = system.step_observed(state, stimulus, &mut log);
            assert_eq!(
                system.step(state, stimulus),
                full,
                "{stimulus} from {state:#x}"
            );
        }
    }
}

#[test]
fn memoised_broadcasts_give_the_same_steps_as_full_runs_pres_1_pres_4() {
    // The broadcasts: PoolOffline to every owner (PRES-1), PoolRecovered (PRES-4, SUB-2),
    // the subscription timers (AF-SIPSUB).
    for config in [
        SystemConfig {
            remote_views: 3,
            ..SystemConfig::default()
        },
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 3,
            ..SystemConfig::default()
        },
        SystemConfig {
            remote_views: 2,
            remote_home_pool: false,
            refresh_on_connection_drop: false,
            ..SystemConfig::default()
        },
    ] {
        memo_agrees(&system(config));
    }
    // A wiring where a view's subscription reaches beyond its pair (here: terminating
    // sends every owner PoolOffline) must still step exactly like the full run, and the
    // compiled system, which needs pair-local wiring, refuses it.
    let mut rows = wiring::WIRING_ROWS.to_vec();
    let last = rows.len() - 1;
    rows[last].then = &[Reaction {
        target: Target::Owners,
        action: Action::Deliver("PoolOffline"),
        when: wiring::Guard::Always,
    }];
    let config = SystemConfig {
        remote_views: 2,
        ..SystemConfig::default()
    };
    let escaping = System::with(
        config,
        Tables::for_config(&config).expect("tables"),
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Owned(rows),
    )
    .expect("builds");
    memo_agrees(&escaping);
    assert_eq!(
        super::compiled::CompiledSystem::new(&escaping, super::compiled::Layout::Lanes).map(|_| ()),
        Err(super::compiled::CompileError::NotPairLocal)
    );
}

fn statuses(report: &Report) -> Vec<(&'static str, &'static str)> {
    report
        .verdicts
        .iter()
        .map(|v| {
            let status = match v.status {
                Status::Held => "held",
                Status::Violated(_) => "violated",
                Status::Vacuous => "vacuous",
                Status::Unknown => "unknown",
            };
            (v.property.name, status)
        })
        .collect()
}

#[test]
fn symmetry_reduction_gives_the_same_verdicts() {
    let mut mutated = tables();
    mutated.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::PoolRecovered,
        ignores,
    );
    let configs = [
        SystemConfig {
            remote_views: 2,
            ..SystemConfig::default()
        },
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 3,
            ..SystemConfig::default()
        },
    ];
    for config in configs {
        let plain = system(config);
        let full = check(&plain, false);
        let reduced = check(&plain, true);
        assert!(reduced.states < full.states, "{config:?}: symmetry reduces");
        assert_eq!(statuses(&full), statuses(&reduced), "{config:?}");
    }
    let bad = System::with(
        configs[0],
        {
            let mut t = Tables::for_config(&configs[0]).expect("tables");
            t.local_owner_presence = mutated.local_owner_presence;
            t
        },
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("builds");
    assert_eq!(statuses(&check(&bad, false)), statuses(&check(&bad, true)));
}

/// Records which wiring rows fire.
#[derive(Default)]
struct Coverage {
    wired: Vec<bool>,
}

impl Observer for Coverage {
    fn delivered(&mut self, _: &Delivery) {}
    fn wired(&mut self, row: usize) {
        if let Some(seen) = self.wired.get_mut(row) {
            *seen = true;
        }
    }
}

#[test]
fn every_wiring_row_fires_somewhere_and_cites_a_clause() {
    let mut coverage = Coverage {
        wired: vec![false; wiring::WIRING_ROWS.len()],
    };
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            ..SystemConfig::default()
        },
    ] {
        let s = system(config);
        let graph = explore(&s, Limits::default(), |_| {});
        for state in graph.graph.node_weights() {
            for &stimulus in System::stimuli() {
                s.step_observed(*state, stimulus, &mut coverage);
            }
        }
    }
    let dead: Vec<usize> = (0..coverage.wired.len())
        .filter(|&i| !coverage.wired[i])
        .collect();
    assert!(dead.is_empty(), "wiring rows that never fire: {dead:?}");
    for row in wiring::WIRING_ROWS {
        assert!(!row.clauses.is_empty(), "{row:?}");
    }
    for row in wiring::STIMULUS_ROWS {
        assert!(!row.clauses.is_empty(), "{row:?}");
    }
}

#[test]
fn a_world_without_outages_makes_the_outage_properties_vacuous() {
    // One stimulus row changed: the pool never fails. Nothing is violated, but the
    // properties about outages are reported vacuous, and the check does not pass.
    let mut rows = wiring::STIMULUS_ROWS.to_vec();
    let i = rows.iter().position(|r| r.on == PoolFails).expect("a row");
    rows[i] = StimulusRow {
        requires: wiring::Guard::Not(&wiring::Guard::Always),
        ..rows[i]
    };
    let s = System::with(
        SystemConfig::default(),
        tables(),
        Cow::Owned(rows),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("builds");
    let report = check(&s, true);
    assert!(!report.passed());
    for name in [
        "no_publish_in_waiting_for_retry",
        "no_retry_while_user_services_unavailable",
        "recovery_after_outage",
    ] {
        let verdict = report.verdict(name).expect("known");
        assert_eq!(verdict.status, Status::Vacuous, "{name}");
    }
    assert!(report
        .verdicts
        .iter()
        .all(|v| !matches!(v.status, Status::Violated(_))));
}

#[test]
fn the_wiring_chart_draws_one_edge_per_reaction() {
    let chart = wiring::mermaid(wiring::STIMULUS_ROWS, wiring::WIRING_ROWS);
    let reactions: usize = wiring::STIMULUS_ROWS
        .iter()
        .map(|r| r.then.len())
        .chain(wiring::WIRING_ROWS.iter().map(|r| r.then.len()))
        .sum();
    assert_eq!(
        chart.lines().filter(|l| l.contains("-->")).count(),
        reactions
    );
    assert!(chart.contains(
        "subscription -->|\"any to Terminated: UnderlyingSubscriptionTerminated\"| owner"
    ));
    assert_eq!(
        chart,
        wiring::mermaid(wiring::STIMULUS_ROWS, wiring::WIRING_ROWS)
    );
}

#[test]
fn a_stimulus_without_exactly_one_row_is_refused() {
    let mut rows = wiring::STIMULUS_ROWS.to_vec();
    rows.push(rows[0]);
    let built = System::with(
        SystemConfig::default(),
        tables(),
        Cow::Owned(rows),
        Cow::Borrowed(wiring::WIRING_ROWS),
    );
    assert!(matches!(built, Err(SystemError::Wiring(_))));
    let mut wiring_rows = wiring::WIRING_ROWS.to_vec();
    wiring_rows[0].on.to = Some("Registred");
    let built = System::with(
        SystemConfig::default(),
        tables(),
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Owned(wiring_rows),
    );
    assert!(matches!(built, Err(SystemError::Wiring(_))));
}

/// The compiled check and the check on the system's own macro-steps decide alike: same
/// graph, same verdicts, same counterexamples, same wiring coverage.
fn decides_like_the_uncompiled_check(system: &System) {
    for symmetry in [false, true] {
        let limits = Limits {
            symmetry,
            ..Limits::default()
        };
        let fast = checker::check(system, limits, |_| {});
        let slow = checker::check_uncompiled(system, limits, |_| {});
        let config = system.config();
        assert_eq!(
            (fast.states, fast.transitions, fast.depth, fast.completeness),
            (slow.states, slow.transitions, slow.depth, slow.completeness),
            "{config:?} symmetry {symmetry}"
        );
        assert_eq!(statuses(&fast), statuses(&slow), "{config:?}");
        assert_eq!(fast.wiring_fired, slow.wiring_fired, "{config:?}");
        for (a, b) in fast.verdicts.iter().zip(&slow.verdicts) {
            if let (Status::Violated(a), Status::Violated(b)) = (&a.status, &b.status) {
                assert_eq!(a.summary, b.summary);
                assert_eq!(a.trace, b.trace);
            }
        }
    }
}

#[test]
fn the_compiled_check_decides_like_the_macro_steps() {
    for config in [
        SystemConfig::default(),
        SystemConfig {
            remote_views: 3,
            ..SystemConfig::default()
        },
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            remote_home_pool: false,
            ..SystemConfig::default()
        },
        SystemConfig {
            remote_views: 2,
            refresh_on_connection_drop: false,
            ..SystemConfig::default()
        },
    ] {
        decides_like_the_uncompiled_check(&system(config));
    }
    // Mutants whose violations involve the sessions, a view's subscription and the
    // registration.
    let mut lop = tables();
    lop.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::BeginPublishPresence,
        moves_to(Css::WaitingForRetry),
    );
    decides_like_the_uncompiled_check(&mutant(lop));
    let mut recovering = tables();
    recovering.local_owner_presence = mutate(
        crate::presence::LocalOwnerPresenceParameters::default(),
        |r| r.from == Css::WaitingForRetry && r.on == Lop::PoolRecovered,
        ignores,
    );
    decides_like_the_uncompiled_check(&mutant(recovering));
}

// ---------------------------------------------------------------------------------------
// The numbered search on a mutant: exact whatever the numbering covers
// ---------------------------------------------------------------------------------------

#[test]
fn the_numbered_search_counts_a_mutant_like_the_hashing_search() {
    // AF-RPSS mutated: a view waiting for retry accepts BeginSubscribe, so the free-view
    // choice and the order of views change; the precedence is learned from the mutant.
    use crate::remote_presence::{RemotePresenceParameters, RemotePresenceStimulus as Rps};
    use crate::vocabulary::RemotePresentitySubscriptionState as Rss;
    use compiled::{CompiledSystem, Layout, RankedSystem};
    use fsm::explore::{reach_keys, reach_ranked};
    let mut t = tables();
    t.remote_presence = mutate(
        RemotePresenceParameters {
            home_pool: SystemConfig::default().remote_home_pool,
        },
        |r| r.from == Rss::WaitingForRetry && r.on == Rps::BeginSubscribe,
        moves_to(Rss::Subscribing),
    );
    let config = SystemConfig {
        remote_views: 6,
        ..SystemConfig::default()
    };
    let system = System::with(
        config,
        t,
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Borrowed(wiring::WIRING_ROWS),
    )
    .expect("the mutant builds");
    let compiled = CompiledSystem::new(&system, Layout::Lanes).expect("compiles");
    let ranked = RankedSystem::new(&compiled).expect("numbers");
    let dense = reach_ranked(&ranked, Limits::default());
    let hashed = reach_keys(&compiled, compiled.key_bits(), Limits::default(), |_| {});
    let shipped = System::new(config).expect("builds");
    let shipped_states = reach_keys(
        &CompiledSystem::new(&shipped, Layout::Lanes).expect("compiles"),
        compiled.key_bits(),
        Limits::default(),
        |_| {},
    )
    .states;
    assert_ne!(
        hashed.states, shipped_states,
        "the mutant changes the space"
    );
    assert_eq!(
        (
            dense.reach.states,
            dense.reach.transitions,
            dense.reach.unchanged
        ),
        (hashed.states, hashed.transitions, hashed.unchanged)
    );
    assert_eq!(dense.reach.depth, hashed.depth);
}

// ---------------------------------------------------------------------------------------
// The composed system follows the documents (each test names the clauses it rests on)
// ---------------------------------------------------------------------------------------

/// The events one component raised in a macro-step.
fn raised_by(
    system: &System,
    state: Packed,
    stimulus: SystemStimulus,
    component: &str,
) -> Vec<Event> {
    let mut log = Vec::new();
    let result = system.step_observed(state, stimulus, &mut log);
    assert!(result.rejected.is_none(), "{stimulus} rejected");
    let mut out = Vec::new();
    for delivery in log.iter().filter(|d| slot_name(d.slot) == component) {
        system.events_of(delivery, &mut out);
    }
    out
}

fn application(views: usize) -> System {
    system(SystemConfig {
        endpoint: EndpointKind::Application,
        remote_views: views,
        ..SystemConfig::default()
    })
}

#[test]
fn establishing_without_a_connection_is_server_discovery_failed_larg_1_af_lesr_d5() {
    // LARG-1: no message arrived, so no MessageData; the time-out without a server is
    // ServerDiscoveryFailed (AF-LESR, D5), as the registration's ConnectionDropped says.
    let s = system(SystemConfig::default());
    let dropped = run(&s, &[ConnectionDrops]);
    assert_eq!(
        raised_by(&s, dropped, BeginEstablish, "local_endpoint"),
        [
            Event::LocalEndpointStateChanged {
                previous_state: Les::Idle,
                state: Les::Establishing,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: false,
            },
            Event::LocalEndpointStateChanged {
                previous_state: Les::Establishing,
                state: Les::Idle,
                reason:
                    crate::vocabulary::LocalEndpointStateTransitionReason::ServerDiscoveryFailed,
                message_data: false,
            }
        ]
    );
}

#[test]
fn the_outage_notify_reaches_the_endpoint_as_a_notify_of_unknown_kind_reg_1_larg_3_larg_4_d1() {
    // REG-1: the outage is a registrar NOTIFY; LARG-3, LARG-4 and D1: the endpoint reports
    // it with Reason None, the NOTIFY as MessageData, and keeps its state.
    for s in [system(SystemConfig::default()), application(1)] {
        let up = run(&s, &[BeginEstablish]);
        assert_eq!(
            raised_by(&s, up, PoolFails, "local_endpoint"),
            [Event::LocalEndpointStateChanged {
                previous_state: Les::Established,
                state: Les::Established,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: true,
            }]
        );
        assert_eq!(
            s.state_name(s.step(up, PoolFails).next, "local_endpoint"),
            Some("Established")
        );
    }
}

#[test]
fn an_application_endpoint_publishes_before_subscribing_af_pub_pres_2_d6() {
    // AF-PUB: only user endpoints must subscribe before publishing; a registered
    // application endpoint publishes from Idle. PRES-2 still refuses WaitingForRetry.
    let app = application(1);
    let up = run(&app, &[BeginEstablish]);
    assert_eq!(app.state_name(up, "local_owner_presence"), Some("Idle"));
    assert_eq!(app.step(up, PublishPresence).rejected, None);
    assert_eq!(
        app.step(app.initial(), PublishPresence).rejected,
        Some("InvalidOperationException")
    );
    let waiting = run(&app, &[BeginEstablish, SubscribePresence, PoolFails]);
    assert_eq!(
        app.state_name(waiting, "local_owner_presence"),
        Some("WaitingForRetry")
    );
    assert_eq!(
        app.step(waiting, PublishPresence).rejected,
        Some("InvalidOperationException")
    );
    let user = system(SystemConfig::default());
    let up = run(&user, &[BeginEstablish]);
    assert_eq!(
        user.step(up, PublishPresence).rejected,
        Some("InvalidOperationException")
    );
}

#[test]
fn a_draining_endpoint_that_loses_its_connection_registers_again_af_drain_af_les_af_lep_t_af_drop()
{
    // AF-DRAIN: the endpoint keeps draining; AF-LES, AF-LEP-T, AF-DROP: the failed refresh
    // is reported and the registration comes back when the connection does, so the
    // liveness property needs no exemption for Draining.
    for refresh_on_connection_drop in [true, false] {
        let s = system(SystemConfig {
            endpoint: EndpointKind::Application,
            refresh_on_connection_drop,
            ..SystemConfig::default()
        });
        let draining = run(&s, &[BeginEstablish, SubscribePresence, BeginDrain]);
        let reason = if refresh_on_connection_drop {
            crate::vocabulary::LocalEndpointStateTransitionReason::RegistrationRefreshFailed
        } else {
            crate::vocabulary::LocalEndpointStateTransitionReason::None
        };
        assert_eq!(
            raised_by(&s, draining, ConnectionDrops, "local_endpoint"),
            [Event::LocalEndpointStateChanged {
                previous_state: Les::Draining,
                state: Les::Draining,
                reason,
                message_data: false,
            }]
        );
        let lost = s.step(draining, ConnectionDrops).next;
        assert_eq!(s.state_name(lost, "registration"), Some("Unregistered"));
        let back = s.step(lost, ConnectionRestores).next;
        assert_eq!(s.state_name(back, "local_endpoint"), Some("Draining"));
        assert_eq!(
            s.state_name(back, "registration"),
            Some("RegisteredUserServicesUnknown")
        );
        assert_eq!(
            s.state_name(back, "local_owner_presence"),
            Some("Subscribed")
        );
        assert!(!properties::recovering(&s, back));
    }
}

#[test]
fn a_drop_without_refresh_reports_no_refresh_failure_af_drop_af_lesr() {
    // AF-DROP: with the refresh disabled no refresh is sent, so the endpoint does not say
    // RegistrationRefreshFailed; Reason None (AF-LESR: unknown reason), no message.
    for (endpoint, after) in [
        (EndpointKind::User, Les::Terminating),
        (EndpointKind::Application, Les::Reestablishing),
    ] {
        let s = system(SystemConfig {
            endpoint,
            refresh_on_connection_drop: false,
            ..SystemConfig::default()
        });
        let up = run(&s, &[BeginEstablish]);
        let raised = raised_by(&s, up, ConnectionDrops, "local_endpoint");
        assert_eq!(
            raised.first(),
            Some(&Event::LocalEndpointStateChanged {
                previous_state: Les::Established,
                state: after,
                reason: crate::vocabulary::LocalEndpointStateTransitionReason::None,
                message_data: false,
            })
        );
    }
}

#[test]
fn a_register_during_an_outage_reports_unknown_then_unavailable_svc_1_af_svc_reg_2() {
    // SVC-1, AF-SVC: the REGISTER's 200 OK tells nothing of the pool (Unknown); the NOTIFY
    // that follows says Unavailable (REG-1, REG-2). Never Available then Unavailable.
    let s = application(1);
    let state = run(&s, &[BeginEstablish, ConnectionDrops, PoolFails]);
    assert_eq!(
        s.state_name(state, "local_endpoint"),
        Some("Reestablishing")
    );
    let reported: Vec<ServiceState> = raised_by(&s, state, ConnectionRestores, "registration")
        .iter()
        .filter_map(|event| match event {
            Event::RegistrationStateChanged {
                user_services_state,
                ..
            } => Some(*user_services_state),
            _ => None,
        })
        .collect();
    assert_eq!(
        reported,
        [
            ServiceState::Unknown,
            ServiceState::Unknown,
            ServiceState::Unavailable
        ]
    );
}

#[test]
fn a_refresh_during_the_outage_changes_nothing_reg_3() {
    // REG-3 heals only with the pool back. The model gives a refresh sent during the
    // outage no answer within the step: no healing, no failure, nothing raised (the text
    // in DECISIONS.md and `world` says the same).
    let s = system(SystemConfig::default());
    let down = run(&s, &[BeginEstablish, PoolFails]);
    let mut log = Vec::new();
    let result = s.step_observed(down, RegistrationRefreshDue, &mut log);
    assert_eq!(result.next, down);
    assert!(log
        .iter()
        .all(|d| d.kind != Kind::Registration
            || d.on == RegistrationStimulus::RefreshDue.index() as u8));
    assert!(events(&s, down, RegistrationRefreshDue).is_empty());
    assert_eq!(
        world::reply(wiring::Request::Refresh, s.world(down), true),
        None
    );
}

#[test]
fn no_reachable_step_refuses_a_subscribe_or_a_register_for_good_pres_3_af_css_af_6665_af_rtr() {
    // The decisions for SubscribeRejected (PRES-3, AF-CSS, AF-6665) and for a REGISTER
    // refused for too many endpoints (AF-RTR) rest on this: the world never answers with
    // either, so the system has no wiring for them and the tables alone carry them.
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
    ] {
        let s = system(config);
        let graph = explore(&s, Limits::default(), |_| {});
        let mut log = Vec::new();
        for state in graph.graph.node_weights() {
            for &stimulus in System::stimuli() {
                log.clear();
                s.step_observed(*state, stimulus, &mut log);
                for d in &log {
                    let refused = match d.kind {
                        Kind::SessionSubscription | Kind::ViewSubscription => {
                            d.on == Sub::SubscribeRejected.index() as u8
                        }
                        Kind::Registration => {
                            d.on == RegistrationStimulus::RegisterFailedTooManyActiveEndpoints
                                .index() as u8
                        }
                        _ => false,
                    };
                    assert!(!refused, "{stimulus} delivers a refusal: {d:?}");
                }
            }
        }
    }
}

#[test]
fn the_retry_timer_during_an_outage_is_the_subscriptions_own_rule_sub_2_sub_4() {
    // SUB-2 lives in the SipSubscription table: the platform tells the timer's firing
    // apart during a known outage, and the protected subscription's own row holds it.
    let s = system(SystemConfig::default());
    let waiting = run(
        &s,
        &[
            BeginEstablish,
            SubscribePresence,
            PoolFails,
            SubscriptionRefreshDue,
        ],
    );
    let mut log = Vec::new();
    let result = s.step_observed(waiting, RetryTimerFires, &mut log);
    assert_eq!(result.next, waiting);
    let held = log.iter().filter(|d| {
        d.kind == Kind::SessionSubscription
            && d.on == Sub::RetryTimerFiredUserServicesUnavailable.index() as u8
            && d.outcome == Outcome::Ignored
    });
    assert!(held.count() > 0, "{log:?}");
}
