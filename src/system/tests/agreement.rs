//! Independent ways of computing the same thing agree: memoised broadcasts and full runs,
//! symmetry reduction and full exploration, the compiled and the interpreted check, the
//! numbered and the hashing search.

use super::*;

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
    let s = with_stimulus_row(PoolFails, |row| StimulusRow {
        requires: wiring::Guard::Not(&wiring::Guard::Always),
        ..row
    });
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
