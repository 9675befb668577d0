//! The check without symmetry on the numbered search (`checker::lanes`) against the graph
//! search over the system's own macro-steps (`checker::check_uncompiled`): the same
//! states, transitions, depth and completeness, the same wiring rows fired, the same
//! verdicts and the same counterexample lengths, over configurations (user and
//! application endpoints, home pool or not, refresh on connection drop or not, 0 to 6
//! views) and over the mutants that break a property (AF-RPSS for the order views are
//! subscribed in, which the numbering and the blocks rest on).

#[path = "../proptests/system_mutants.rs"]
mod system_mutants;

#[path = "support/row_mutants.rs"]
mod row_mutants;

use std::borrow::Cow;

use fsm::explore::{Completeness, Limits};
use fsm::{Machine, Row, Table};
use ucma_ha::checker::lanes::{self, Fallback};
use ucma_ha::checker::{self, Report, Status};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::wiring::{self, Action, Guard, Reaction, Source, Target, Trigger, WiringRow};
use ucma_ha::system::{System, SystemConfig, Tables};
use ucma_ha::vocabulary::Exception;

use system_mutants::MUTANTS;

/// A verdict in short: its kind and, for a violation, the counterexample's length.
fn outcome(status: &Status) -> (&'static str, usize) {
    match status {
        Status::Held => ("held", 0),
        Status::Vacuous => ("vacuous", 0),
        Status::Unknown => ("unknown", 0),
        Status::Violated(counterexample) => ("violated", counterexample.trace.steps.len()),
    }
}

/// What the two checks must agree on.
type Summary = (
    usize,
    usize,
    usize,
    Completeness,
    Vec<bool>,
    Vec<(&'static str, (&'static str, usize))>,
    Vec<String>,
);

fn summary(report: &Report) -> Summary {
    (
        report.states,
        report.transitions,
        report.depth,
        report.completeness,
        report.wiring_fired.clone(),
        report
            .verdicts
            .iter()
            .map(|verdict| (verdict.property.name, outcome(&verdict.status)))
            .collect(),
        report.internal_errors.clone(),
    )
}

/// The numbered check of `system`, which must not fall back, and the graph search's
/// report; asserts they agree and returns the graph search's.
fn agree(system: &System, what: &str) -> Report {
    let fast = lanes::check(system, Limits::default(), |_| {})
        .unwrap_or_else(|fallback| panic!("{what}: fell back: {fallback}"));
    let slow = checker::check_uncompiled(system, Limits::default(), |_| {});
    assert_eq!(summary(&fast), summary(&slow), "{what}");
    assert!(!fast.symmetry, "{what}");
    slow
}

fn configs(views: std::ops::RangeInclusive<usize>) -> Vec<SystemConfig> {
    let mut out = Vec::new();
    for endpoint in [EndpointKind::User, EndpointKind::Application] {
        for remote_home_pool in [true, false] {
            for refresh_on_connection_drop in [true, false] {
                for remote_views in views.clone() {
                    out.push(SystemConfig {
                        endpoint,
                        remote_views,
                        remote_home_pool,
                        refresh_on_connection_drop,
                    });
                }
            }
        }
    }
    out
}

#[test]
fn the_numbered_check_reports_what_the_graph_search_reports_in_every_configuration() {
    for config in configs(0..=6) {
        let system = System::new(config).expect("the shipped system builds");
        let report = agree(&system, &format!("{config:?}"));
        assert_eq!(report.completeness, Completeness::Complete, "{config:?}");
        assert!(report.passed(), "{config:?}");
        if config.remote_views <= 2 {
            // `check` itself takes the numbered path without symmetry: its memory is the
            // numbered search's and the symmetric check's, not the lanes graph's.
            let dispatched = checker::check(&system, Limits::default(), |_| {});
            let numbered = lanes::check(&system, Limits::default(), |_| {}).expect("numbered");
            assert_eq!(dispatched.memory, numbered.memory, "{config:?}");
            assert_eq!(summary(&dispatched), summary(&report), "{config:?}");
        }
    }
}

#[test]
fn each_mutant_is_caught_with_the_same_verdicts_and_counterexample_lengths() {
    for mutant in &MUTANTS {
        for config in configs(1..=3) {
            let system = (mutant.build)(config);
            let what = format!("{} ({}) {config:?}", mutant.property, mutant.change);
            let report = agree(&system, &what);
            let caught = report
                .verdict(mutant.property)
                .is_some_and(|verdict| matches!(verdict.status, Status::Violated(_)));
            if config == SystemConfig::default() {
                assert!(caught, "{what}");
            }
        }
    }
}

/// The single-row mutants of one machine's table, as systems of `config` (those that
/// build).
fn row_mutants<M: Machine<Error = Exception>>(
    config: SystemConfig,
    table: impl Fn(&mut Tables) -> &mut Table<M>,
) -> Vec<(String, System)> {
    let mut out = Vec::new();
    let Ok(shipped) = Tables::for_config(&config) else {
        return out;
    };
    let mut original = shipped.clone();
    let rows: Vec<Row<M>> = table(&mut original).rows().to_vec();
    for (i, row) in rows.iter().enumerate() {
        for replacement in row_mutants::replacements(row) {
            let mut changed = rows.clone();
            changed[i] = replacement;
            let mut tables = shipped.clone();
            let slot = table(&mut tables);
            let Ok(mutated) = Table::from_rows(Cow::Owned(changed), slot.parameters().clone())
            else {
                continue;
            };
            *slot = mutated;
            let Ok(system) = System::with(
                config,
                tables,
                Cow::Borrowed(wiring::STIMULUS_ROWS),
                Cow::Borrowed(wiring::WIRING_ROWS),
            ) else {
                continue;
            };
            out.push((
                format!("{} row {i} -> {:?}", M::ID, replacement.outcome),
                system,
            ));
        }
    }
    out
}

#[test]
fn single_row_mutants_the_check_kills_are_killed_alike_with_the_same_counterexample_lengths() {
    // Some mutants' macro-steps react in deep chains before they are found to diverge:
    // more stack than a test thread's default in a debug build.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(killed_row_mutants_agree)
        .expect("a thread")
        .join()
        .expect("the comparison passes");
}

fn killed_row_mutants_agree() {
    let config = SystemConfig {
        remote_views: 2,
        ..SystemConfig::default()
    };
    let mut systems = row_mutants(config, |t| &mut t.registration);
    systems.extend(row_mutants(config, |t| &mut t.endpoint));
    systems.extend(row_mutants(config, |t| &mut t.local_owner_presence));
    systems.extend(row_mutants(config, |t| &mut t.contact_group_services));
    systems.extend(row_mutants(config, |t| &mut t.remote_presence));
    systems.extend(row_mutants(config, |t| &mut t.session_subscription));
    systems.extend(row_mutants(config, |t| &mut t.view_subscription));
    // One mutant in eight (every table's rows are spread over the list), to keep the
    // test's time modest in a debug build; all of them agreed when last run whole.
    let (mut killed, mut numbered) = (0, 0);
    for (what, system) in systems.iter().step_by(8) {
        let slow = checker::check_uncompiled(system, Limits::default(), |_| {});
        if slow.passed() {
            continue;
        }
        killed += 1;
        match lanes::check(system, Limits::default(), |_| {}) {
            Ok(fast) => {
                numbered += 1;
                assert_eq!(summary(&fast), summary(&slow), "{what}");
            }
            // A mutant the numbered search cannot vouch for is checked on the graph.
            Err(fallback) => {
                let fast = checker::check(system, Limits::default(), |_| {});
                assert_eq!(summary(&fast), summary(&slow), "{what}: {fallback}");
            }
        }
    }
    assert!(killed >= 10, "{killed} of {} mutants killed", systems.len());
    assert!(numbered * 2 > killed, "{numbered} of {killed} numbered");
}

/// A reaction of every subscription to a view's change: it reads more than the view's
/// own pair.
static EVERY_SUBSCRIPTION: [Reaction; 1] = [Reaction {
    target: Target::Subscriptions,
    action: Action::Deliver("RetryTimerFired"),
    when: Guard::Always,
}];

#[test]
fn a_system_whose_wiring_is_not_pair_local_falls_back_to_the_graph_search() {
    let config = SystemConfig {
        remote_views: 2,
        ..SystemConfig::default()
    };
    let mut rows = wiring::WIRING_ROWS.to_vec();
    rows.push(WiringRow {
        on: Trigger {
            source: Source::Owner,
            on: Some("BeginSubscribe"),
            to: None,
        },
        then: &EVERY_SUBSCRIPTION,
        clauses: &["AF-RPSS"],
    });
    let system = System::with(
        config,
        Tables::for_config(&config).expect("tables"),
        Cow::Borrowed(wiring::STIMULUS_ROWS),
        Cow::Owned(rows),
    )
    .expect("the rewired system builds");
    assert_eq!(
        lanes::check(&system, Limits::default(), |_| {}).err(),
        Some(Fallback::NotPairLocal)
    );
    let fast = checker::check(&system, Limits::default(), |_| {});
    let slow = checker::check_uncompiled(&system, Limits::default(), |_| {});
    assert_eq!(summary(&fast), summary(&slow));
    assert_eq!(fast.completeness, Completeness::Complete);
}

#[test]
fn under_limits_the_numbered_search_is_cut_and_decides_nothing_it_did_not_see_whole() {
    let system = System::new(SystemConfig {
        remote_views: 4,
        ..SystemConfig::default()
    })
    .expect("builds");
    let whole = lanes::check(&system, Limits::default(), |_| {}).expect("numbered");
    for limits in [
        Limits {
            max_states: 100,
            ..Limits::default()
        },
        Limits {
            max_depth: 3,
            ..Limits::default()
        },
        Limits {
            max_memory: 4 << 10,
            ..Limits::default()
        },
    ] {
        let mut ticks = 0;
        let cut = lanes::check(&system, limits, |_| ticks += 1).expect("numbered");
        assert_ne!(cut.completeness, Completeness::Complete, "{limits:?}");
        assert!(cut.states < whole.states, "{limits:?}");
        assert!(cut.states <= limits.max_states, "{limits:?}");
        assert!(cut.depth <= limits.max_depth, "{limits:?}");
        assert!(ticks > 0, "{limits:?}");
        for verdict in &cut.verdicts {
            assert!(
                matches!(verdict.status, Status::Unknown | Status::Violated(_)),
                "{limits:?} {}: {:?}",
                verdict.property.name,
                verdict.status
            );
        }
    }
}
