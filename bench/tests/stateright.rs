//! An independent engine agrees with ours: stateright's breadth-first checker, stepping the
//! composed system through the same `System::step`, finds exactly the reachable states our
//! explorer finds, for three configurations (issue: exhaustive checking of the system);
//! and over the compiled system it finds what `reach_keys` finds (the pair the
//! performance bench times); and stateright checking our safety properties
//! (`stateright-properties`, [`Judged`]) finds the violations `check` finds, on the shipped
//! system and on single-row mutants of the component tables.

use std::collections::BTreeSet;

use fsm::explore::{explore, Completeness, Limits};
use fsm::{Machine, RowOutcome, Table};
use stateright::{Checker, Model as _};
use ucma_ha::checker::{check, Status};
use ucma_ha::local_endpoint::EndpointKind;
use ucma_ha::system::compiled::{CompiledSystem, Layout};
use ucma_ha::system::wiring::{STIMULUS_ROWS, WIRING_ROWS};
use ucma_ha::system::{System, SystemConfig, Tables};
use ucma_ha::vocabulary::Exception;
use ucma_ha_bench::reach::reach_keys;
use ucma_ha_bench::stateright_adapter::{Adapter, Compiled, Judged};

#[path = "../../tests/support/row_mutants.rs"]
mod row_mutants;

fn system(config: SystemConfig) -> System {
    System::new(config).expect("the shipped system builds")
}

#[test]
fn stateright_finds_the_same_reachable_states() {
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
        SystemConfig {
            remote_views: 3,
            remote_home_pool: false,
            ..SystemConfig::default()
        },
    ] {
        let ours = explore(&system(config), Limits::default(), |_| {});
        assert_eq!(ours.completeness, Completeness::Complete);
        let theirs = Adapter(system(config)).checker().spawn_bfs().join();
        assert_eq!(
            theirs.unique_state_count(),
            ours.graph.node_count(),
            "{config:?}"
        );
    }
}

#[test]
fn stateright_over_the_compiled_system_finds_the_same_states() {
    for config in [
        SystemConfig {
            remote_views: 4,
            ..SystemConfig::default()
        },
        SystemConfig {
            endpoint: EndpointKind::Application,
            remote_views: 3,
            ..SystemConfig::default()
        },
    ] {
        let compiled = CompiledSystem::new(&system(config), Layout::Lanes).expect("compiles");
        let ours = reach_keys(&compiled, compiled.key_bits(), Limits::default(), |_| {});
        let theirs = Compiled(compiled).checker().spawn_bfs().join();
        assert_eq!(theirs.unique_state_count(), ours.states, "{config:?}");
    }
}

/// What `check` and stateright with our safety properties say of one system: the
/// violated safety properties and the vacuous ones, by name (liveness is `check`'s
/// alone).
fn verdicts(system: System) -> (Verdicts, Verdicts) {
    let report = check(&system, Limits::default(), |_| {});
    let compiled = CompiledSystem::new(&system, Layout::Lanes).expect("compiles");
    let judged = Judged::new(system, compiled);
    let safety: Vec<&'static str> = judged.safety().map(|(_, name)| name).collect();
    let ours = Verdicts {
        violated: report
            .verdicts
            .iter()
            .filter(|v| matches!(v.status, Status::Violated(_)))
            .map(|v| v.property.name)
            .filter(|name| safety.contains(name))
            .collect(),
        vacuous: report
            .verdicts
            .iter()
            .filter(|v| v.status == Status::Vacuous)
            .map(|v| v.property.name)
            .filter(|name| safety.contains(name))
            .collect(),
    };
    let checker = judged.checker().threads(1).spawn_bfs().join();
    let discoveries = checker.discoveries();
    let theirs = Verdicts {
        violated: safety
            .iter()
            .copied()
            .filter(|name| discoveries.contains_key(name))
            .collect(),
        vacuous: safety
            .iter()
            .copied()
            .filter(|name| {
                !discoveries.contains_key(name)
                    && !discoveries.contains_key(format!("{name}: premise occurs").as_str())
            })
            .collect(),
    };
    (ours, theirs)
}

#[derive(Debug, PartialEq, Eq)]
struct Verdicts {
    violated: BTreeSet<&'static str>,
    vacuous: BTreeSet<&'static str>,
}

#[test]
fn stateright_with_our_properties_agrees_on_the_shipped_system() {
    for views in [0, 1, 3] {
        let system = System::new(SystemConfig {
            remote_views: views,
            ..SystemConfig::default()
        })
        .expect("builds");
        let (ours, theirs) = verdicts(system);
        assert!(ours.violated.is_empty(), "{ours:?}");
        assert_eq!(ours, theirs, "{views} views");
    }
}

/// The single-row mutants of `table` that build and compile, each as the system it gives.
fn mutants<M: Machine<Error = Exception, Parameters: Copy>>(
    config: SystemConfig,
    table: &Table<M>,
    install: impl Fn(&mut Tables, Table<M>),
) -> Vec<(String, System)> {
    let original = table.rows().to_vec();
    let mut out = Vec::new();
    for (i, row) in original.iter().enumerate() {
        for replacement in row_mutants::replacements(row) {
            let mut rows = original.clone();
            rows[i] = replacement;
            let Ok(mutated) = Table::from_rows(std::borrow::Cow::Owned(rows), *table.parameters())
            else {
                continue;
            };
            let mut tables = Tables::for_config(&config).expect("tables");
            install(&mut tables, mutated);
            let Ok(system) = System::with(config, tables, STIMULUS_ROWS.into(), WIRING_ROWS.into())
            else {
                continue;
            };
            if CompiledSystem::new(&system, Layout::Lanes).is_ok() {
                let what = match replacement.outcome {
                    RowOutcome::Move { to, .. } => format!("move to {to}"),
                    RowOutcome::Ignore => "ignore".into(),
                    RowOutcome::Reject(_) => "reject".into(),
                };
                out.push((format!("{} {}: {what}", row.from, row.on), system));
            }
        }
    }
    out
}

/// Single-row mutants of three component tables (one view; every fifth one, to keep the
/// debug test short): stateright's `always` finds exactly the safety properties `check`
/// finds violated, self-loop violations and deadlocks included, and the same vacuous ones;
/// and the mutants violate several properties between them, so the comparison is not
/// between empty sets.
#[test]
fn stateright_with_our_properties_agrees_on_mutants() {
    let config = SystemConfig::default();
    let base = Tables::for_config(&config).expect("tables");
    let mut systems = mutants(config, &base.endpoint, |t, m| t.endpoint = m);
    systems.extend(mutants(config, &base.local_owner_presence, |t, m| {
        t.local_owner_presence = m
    }));
    systems.extend(mutants(config, &base.registration, |t, m| {
        t.registration = m
    }));
    let mut violated = BTreeSet::new();
    let count = systems.len();
    for (what, system) in systems.into_iter().step_by(5) {
        let (ours, theirs) = verdicts(system);
        assert_eq!(ours, theirs, "{what}");
        violated.extend(ours.violated);
    }
    assert!(violated.len() >= 5, "{violated:?} over {count} mutants");
}
