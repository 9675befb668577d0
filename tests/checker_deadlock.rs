//! `no_deadlock` beyond a stuck state, the same whichever search the check runs on: a
//! macro-step that never settles is a violation (AF-LES: the endpoint must be able to go
//! on; a reaction chain that never ends leaves nothing to go on from), reported as the
//! shortest path to it with its last step, the one that does not settle, checked.

use std::borrow::Cow;

use fsm::explore::{Completeness, Limits};
use fsm::{Machine, Row, RowOutcome, Symbol, Table};
use ucma_ha::checker::{self, Report, Status};
use ucma_ha::sip_subscription::{SipSubscriptionEffect, SipSubscriptionStimulus as Sub};
use ucma_ha::system::{wiring, System, SystemConfig, SystemStimulus, Tables};
use ucma_ha::vocabulary::{SubscriptionSignalingState as Sss, TransitionReason};

/// `table` with every row `select` picks replaced by `change`.
fn mutated<M: Machine>(
    table: &Table<M>,
    select: impl Fn(&Row<M>) -> bool,
    change: impl Fn(Row<M>) -> Row<M>,
) -> Table<M> {
    let rows: Vec<Row<M>> = table
        .rows()
        .iter()
        .map(|&row| if select(&row) { change(row) } else { row })
        .collect();
    assert_ne!(rows, table.rows(), "{}: the mutation picks no row", M::ID);
    Table::from_rows(Cow::Owned(rows), table.parameters().clone()).expect("the mutant compiles")
}

/// The default system with its tables changed by `change`.
fn with(change: impl FnOnce(&mut Tables)) -> System {
    let config = SystemConfig::default();
    let mut tables = Tables::for_config(&config).expect("tables");
    change(&mut tables);
    let (stimuli, wired) = (wiring::STIMULUS_ROWS, wiring::WIRING_ROWS);
    System::with(config, tables, Cow::Borrowed(stimuli), Cow::Borrowed(wired))
        .expect("the mutant builds")
}

/// A mutant whose session SipSubscription, its SUBSCRIBE refused, stays Subscribing and
/// raises its state-change event again (SUB-3 has it wait for a retry): the event asks for
/// the SUBSCRIBE again, which is refused again, without end.
fn resubscribing_for_ever() -> System {
    static AGAIN: [SipSubscriptionEffect; 1] = [SipSubscriptionEffect {
        reason: TransitionReason::ServerEvent,
    }];
    with(|t| {
        t.session_subscription = mutated(
            &t.session_subscription,
            |row| (row.from, row.on) == (Sss::Subscribing, Sub::SubscribeFailed),
            |row| Row {
                outcome: RowOutcome::Move {
                    to: Sss::Subscribing,
                    emits: &AGAIN,
                },
                ..row
            },
        );
    })
}

/// Every report of `system`: with and without symmetry, on the check's own search and on
/// the stored graph of the system's macro-steps.
fn reports(system: &System) -> Vec<Report> {
    let mut out = Vec::new();
    for symmetry in [true, false] {
        let limits = Limits {
            symmetry,
            ..Limits::default()
        };
        out.push(checker::check(system, limits, |_| {}));
        out.push(checker::check_uncompiled(system, limits, |_| {}));
    }
    for report in &out {
        assert_eq!(report.completeness, Completeness::Complete);
        assert!(
            report.internal_errors.is_empty(),
            "{:?}",
            report.internal_errors
        );
    }
    out
}

fn stimuli(report: &Report) -> (String, Vec<SystemStimulus>, Vec<bool>) {
    let Status::Violated(counterexample) = &report.verdict("no_deadlock").expect("known").status
    else {
        panic!("{:?}", report.verdict("no_deadlock"));
    };
    let steps = &counterexample.trace.steps;
    (
        counterexample.summary.clone(),
        steps
            .iter()
            .map(|step| SystemStimulus::parse(&step.on).expect("a known stimulus"))
            .collect(),
        steps.iter().map(|step| step.expect.is_some()).collect(),
    )
}

#[test]
fn a_macro_step_that_does_not_settle_is_named_with_its_step_and_only_that_step_checked_af_les() {
    let system = resubscribing_for_ever();
    let seen: Vec<_> = reports(&system).iter().map(stimuli).collect();
    let (summary, path, checked) = &seen[0];
    assert_eq!(
        summary.as_str(),
        format!(
            "the macro-step of {} at step {} does not settle",
            path[path.len() - 1],
            path.len()
        )
    );
    // The presence subscription is asked for once the endpoint is established.
    assert!(path.len() >= 2, "{path:?}");
    assert_eq!(path.last(), Some(&SystemStimulus::SubscribePresence));
    let mut last_only = vec![false; path.len()];
    last_only[path.len() - 1] = true;
    assert_eq!(checked, &last_only);
    // The step really does not settle, and none before it fails to.
    let mut state = system.initial();
    for (i, &stimulus) in path.iter().enumerate() {
        let result = system.step(state, stimulus);
        assert_eq!(result.diverged, i == path.len() - 1, "step {}", i + 1);
        state = result.next;
    }
    assert!(seen.iter().all(|other| other == &seen[0]), "{seen:?}");
}
