//! The check with symmetry runs on the compact search (`checker::check`, no stored
//! edges); the stored graph's check (`checker::check_uncompiled`) is its reference. On
//! the shipped system and on every killed mutant (`proptests/system_mutants.rs`), over
//! many configurations and cut searches, both give the same report: states, transitions,
//! depth, completeness, every verdict with its counterexample trace and summary (so the
//! same shortest lengths), the wiring rows fired and no unconfirmed counterexample.

#[path = "support/row_mutants.rs"]
mod row_mutants;
#[path = "../proptests/system_mutants.rs"]
mod system_mutants;

use std::borrow::Cow;

use fsm::explore::{Completeness, Limits};
use fsm::{Machine, Table};
use ucma_ha::checker::{self, Report, Status};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::{wiring, System, SystemConfig, Tables};
use ucma_ha::vocabulary::Exception;

use system_mutants::MUTANTS;

/// Every configuration shape with `views` remote views.
fn configs(views: usize) -> Vec<SystemConfig> {
    let mut out = Vec::new();
    for user in [false, true] {
        for remote_home_pool in [false, true] {
            for refresh_on_connection_drop in [false, true] {
                out.push(SystemConfig {
                    endpoint: if user {
                        EndpointKind::User
                    } else {
                        EndpointKind::Application
                    },
                    remote_views: views,
                    remote_home_pool,
                    refresh_on_connection_drop,
                });
            }
        }
    }
    out
}

/// What must agree between the two searches (the memory estimate is each search's own).
fn same(compact: &Report, stored: &Report) -> Vec<String> {
    let mut differ = Vec::new();
    let mut field = |name: &str, a: String, b: String| {
        if a != b {
            differ.push(format!("{name}: compact {a}, stored {b}"));
        }
    };
    field(
        "states",
        compact.states.to_string(),
        stored.states.to_string(),
    );
    field(
        "transitions",
        compact.transitions.to_string(),
        stored.transitions.to_string(),
    );
    field("depth", compact.depth.to_string(), stored.depth.to_string());
    field(
        "completeness",
        format!("{:?}", compact.completeness),
        format!("{:?}", stored.completeness),
    );
    field(
        "wiring fired",
        format!("{:?}", compact.wiring_fired),
        format!("{:?}", stored.wiring_fired),
    );
    field(
        "internal errors",
        format!("{:?}", compact.internal_errors),
        format!("{:?}", stored.internal_errors),
    );
    for (a, b) in compact.verdicts.iter().zip(&stored.verdicts) {
        field(
            a.property.name,
            format!("{:?}", a.status),
            format!("{:?}", b.status),
        );
    }
    differ
}

fn systems(config: SystemConfig) -> Vec<(String, System)> {
    let mut out = vec![(
        "shipped".to_owned(),
        System::new(config).expect("the shipped system builds"),
    )];
    for mutant in &MUTANTS {
        let what = format!("{} (breaks {})", mutant.change, mutant.property);
        out.push((what, (mutant.build)(config)));
    }
    out
}

/// Every `every`-th single-row mutant of `table` that still builds, counting from
/// `*counter`.
fn sampled<M: Machine<Error = Exception>>(
    table: &Table<M>,
    every: usize,
    counter: &mut usize,
) -> Vec<(String, Table<M>)> {
    let rows = table.rows();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        for replacement in row_mutants::replacements(row) {
            *counter += 1;
            if !counter.is_multiple_of(every) {
                continue;
            }
            let mut changed = rows.to_vec();
            changed[i] = replacement;
            if let Ok(mutant) = Table::from_rows(Cow::Owned(changed), table.parameters().clone()) {
                out.push((
                    format!("{} row {i} -> {:?}", M::ID, replacement.outcome),
                    mutant,
                ));
            }
        }
    }
    out
}

/// A sample of the system's single-row mutants (every `every`-th of each table's).
fn row_mutant_systems(config: SystemConfig, every: usize) -> Vec<(String, System)> {
    let shipped = Tables::for_config(&config).expect("tables");
    let mut changes: Vec<(String, Tables)> = Vec::new();
    let mut counter = 0;
    macro_rules! sample {
        ($field:ident) => {
            for (what, table) in sampled(&shipped.$field, every, &mut counter) {
                let mut tables = Tables::for_config(&config).expect("tables");
                tables.$field = table;
                changes.push((what, tables));
            }
        };
    }
    sample!(registration);
    sample!(endpoint);
    sample!(local_owner_presence);
    sample!(contact_group_services);
    sample!(remote_presence);
    sample!(session_subscription);
    sample!(view_subscription);
    changes
        .into_iter()
        .filter_map(|(what, tables)| {
            let system = System::with(
                config,
                tables,
                Cow::Borrowed(wiring::STIMULUS_ROWS),
                Cow::Borrowed(wiring::WIRING_ROWS),
            )
            .ok()?;
            Some((what, system))
        })
        .collect()
}

fn agree(system: &System, limits: Limits, what: &str) {
    let compact = checker::check(system, limits, |_| {});
    let stored = checker::check_uncompiled(system, limits, |_| {});
    let differ = same(&compact, &stored);
    assert!(
        differ.is_empty(),
        "{what}, {:?}, {limits:?}: {}",
        system.config(),
        differ.join("; ")
    );
}

#[test]
fn the_compact_search_gives_the_stored_graphs_report_on_every_mutant_and_configuration() {
    let limits = Limits {
        symmetry: true,
        ..Limits::default()
    };
    for views in 0..=3 {
        for (i, config) in configs(views).into_iter().enumerate() {
            // Three views on two of the shapes only, to keep the test short.
            if views < 3 || i % 5 == 0 {
                for (what, system) in systems(config) {
                    agree(&system, limits, &what);
                }
            }
        }
    }
}

#[test]
fn on_a_sample_of_row_mutants_the_compact_search_gives_the_stored_graphs_report() {
    // A mutant whose macro-step diverges recurses until the step's budget runs out:
    // deeper than a test thread's stack in a debug build.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(row_mutants_agree)
        .expect("a thread")
        .join()
        .expect("the row mutants agree");
}

fn row_mutants_agree() {
    let limits = Limits {
        symmetry: true,
        ..Limits::default()
    };
    let mut violated = 0;
    for config in configs(2).into_iter().step_by(5) {
        for (what, system) in row_mutant_systems(config, 47) {
            let compact = checker::check(&system, limits, |_| {});
            let stored = checker::check_uncompiled(&system, limits, |_| {});
            let differ = same(&compact, &stored);
            assert!(
                differ.is_empty(),
                "{what}, {config:?}: {}",
                differ.join("; ")
            );
            violated += compact
                .verdicts
                .iter()
                .filter(|v| matches!(v.status, Status::Violated(_)))
                .count();
        }
    }
    // The sample kills mutants: the comparison covers counterexamples, not only `held`.
    assert!(violated > 10, "{violated} violations");
}

#[test]
fn cut_by_states_or_depth_the_compact_search_gives_the_stored_graphs_report() {
    for config in configs(2).into_iter().step_by(2) {
        for (what, system) in systems(config) {
            for max_states in [1, 2, 7, 40, 333] {
                let limits = Limits {
                    symmetry: true,
                    max_states,
                    ..Limits::default()
                };
                agree(&system, limits, &what);
            }
            for max_depth in [0, 1, 3, 6, 11] {
                let limits = Limits {
                    symmetry: true,
                    max_depth,
                    ..Limits::default()
                };
                agree(&system, limits, &what);
            }
        }
    }
}

#[test]
fn the_compact_search_reports_a_memory_cut_and_counts_its_tables() {
    let system = System::new(SystemConfig {
        remote_views: 3,
        ..SystemConfig::default()
    })
    .expect("builds");
    let full = checker::check(
        &system,
        Limits {
            symmetry: true,
            ..Limits::default()
        },
        |_| {},
    );
    assert!(full.memory >= full.states * 13, "{} bytes", full.memory);
    let cut = checker::check(
        &system,
        Limits {
            symmetry: true,
            max_memory: full.memory,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(cut.completeness, Completeness::MemoryLimit);
    assert!(
        cut.memory <= full.memory / 2,
        "{} of {}",
        cut.memory,
        full.memory
    );
}

#[test]
fn the_check_with_symmetry_keeps_no_edges() {
    // `check` with symmetry runs the compact search whenever the system compiles to
    // counts: per state a key, a parent, an action and an index slot (8 + 4 + 1 + 5
    // bytes, at most twice that by capacity), no edges. A check that fell back to the
    // stored graph (states, every edge, parents, depths) would report the graph's memory.
    let limits = Limits {
        symmetry: true,
        ..Limits::default()
    };
    for config in configs(2) {
        let system = System::new(config).expect("the shipped system builds");
        let compact = checker::check(&system, limits, |_| {});
        let stored = checker::check_uncompiled(&system, limits, |_| {});
        assert_eq!(compact.states, stored.states, "{config:?}");
        assert!(
            compact.memory < compact.states * 48 + 4_096 && 2 * compact.memory < stored.memory,
            "{config:?}: {} bytes for {} states, the stored graph's {}",
            compact.memory,
            compact.states,
            stored.memory
        );
    }
}
