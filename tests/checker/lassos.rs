//! Liveness witnesses (PRES-4): a lasso is confirmed only when it returns, stays pending
//! and is fair; the shipped system's pending states are refused as unfair; a cycle is
//! repeated until it returns to its first state; a cycle that takes a timer is reported
//! with its summary and two checked steps (AF-DROP).

use super::*;

/// A shortest cycle from `from` back to it through pending states, by stimuli the
/// recovery property does not rule out.
fn cycle_from(
    graph: &Exploration<Packed, SystemStimulus>,
    system: &System,
    from: NodeIndex,
) -> Option<Vec<SystemStimulus>> {
    let mut back = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        for edge in graph.graph.edges(node) {
            let (target, stimulus) = (edge.target(), *edge.weight());
            if excluded_after_recovery(stimulus) || !pending(system, graph.graph[target]) {
                continue;
            }
            if target == from {
                let mut cycle = vec![stimulus];
                let mut at = node;
                while at != from {
                    let (previous, step) = back[&at];
                    cycle.push(step);
                    at = previous;
                }
                cycle.reverse();
                return Some(cycle);
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = back.entry(target) {
                slot.insert((node, stimulus));
                queue.push_back(target);
            }
        }
    }
    None
}

/// A fair trap of `recovery_after_outage` in the system's stored graph: states where
/// recovery is pending, left only by stimuli the property does not rule out (PRES-4).
fn recovery_trap(system: &System) -> Option<fsm::explore::Lasso<SystemStimulus>> {
    let found = graph(system);
    found.fair_trap(
        |node| pending(system, found.graph[node]),
        |s| !excluded_after_recovery(*s),
        |s| fair(*s),
    )
}

#[test]
fn a_lasso_is_confirmed_only_when_it_returns_stays_pending_and_is_fair_pres_4() {
    let mutant = MUTANTS
        .iter()
        .find(|m| m.property == RECOVERY)
        .expect("a recovery mutant");
    let system = (mutant.build)(SystemConfig::default());
    let lasso = recovery_trap(&system).expect("the mutant never resubscribes");
    let (stem, cycle) = (lasso.prefix.clone(), lasso.cycle.clone());
    let check = |stem: &[SystemStimulus], cycle: &[SystemStimulus]| {
        confirm(
            &system,
            RECOVERY,
            &Witness::Lasso {
                stem: stem.to_vec(),
                cycle: cycle.to_vec(),
            },
            false,
        )
    };
    assert_eq!(check(&stem, &cycle), Ok(()));
    assert_eq!(close_cycle(&system, &stem, &cycle, 1), Some(cycle.clone()));
    // Taken twice round, it is the same lasso.
    let twice: Vec<SystemStimulus> = cycle.iter().chain(&cycle).copied().collect();
    assert_eq!(check(&stem, &twice), Ok(()));
    // A stimulus the property rules out (the pool failing again).
    let mut excluded = vec![PoolFails, PoolRecovers];
    excluded.extend(&cycle);
    assert_eq!(check(&stem, &excluded), Err(Refuted::Excluded(PoolFails)));
    // From the initial state nothing is pending: the goal holds there.
    assert_eq!(check(&[], &[]), Err(Refuted::GoalReached { step: 0 }));
    assert_eq!(
        check(&[], &[BeginEstablish]),
        Err(Refuted::GoalReached { step: 0 })
    );
    if let Some((_, open)) = cycle.split_last().filter(|(_, rest)| !rest.is_empty()) {
        assert_eq!(check(&stem, open), Err(Refuted::Open));
    }
    // A stimulus that changes nothing there is no step of any cycle.
    assert!(matches!(
        check(&stem, &[BeginDrain]),
        Err(Refuted::Idle { step: 0, .. } | Refuted::Excluded(BeginDrain))
    ));
}

#[test]
fn staying_pending_in_the_shipped_system_is_refused_as_unfair_pres_4() {
    // recovery_after_outage holds in the shipped system, so a run that stays in a state
    // where recovery is pending is unfair: the confirmation says so, and for that reason.
    let mut stutters = 0;
    for config in [
        SystemConfig::default(),
        SystemConfig {
            endpoint: ucma_ha::local_endpoint::EndpointKind::Application,
            remote_views: 2,
            ..SystemConfig::default()
        },
    ] {
        let system = System::new(config).expect("builds");
        let found = graph(&system);
        for node in found.graph.node_indices() {
            if !pending(&system, found.graph[node]) {
                continue;
            }
            let stem = found.path(node);
            let lasso = Witness::Lasso {
                stem: stem.clone(),
                cycle: Vec::new(),
            };
            match confirm(&system, RECOVERY, &lasso, false) {
                Err(Refuted::Unfair(s)) if fair(s) => stutters += 1,
                other => panic!("{config:?} {stem:?}: {other:?}"),
            }
            // The shipped system has no cycle through pending states at all.
            assert_eq!(cycle_from(&found, &system, node), None, "{stem:?}");
        }
    }
    assert!(stutters > 0);
}

/// A mutant with a cycle through pending states (PRES-4): LocalOwnerPresence ignores the
/// pool's recovery, and a publish toggles it between WaitingForRetry and Subscribing.
fn toggling() -> System {
    use ucma_ha::presence::LocalOwnerPresenceStimulus as Lop;
    use ucma_ha::vocabulary::CollaborationSubscriptionState as Css;
    with(SystemConfig::default(), |t| {
        let lop = &mut t.local_owner_presence;
        let on = |from, stimulus| move |row: &fsm::Row<_>| (row.from, row.on) == (from, stimulus);
        *lop = mutate(lop, on(Css::WaitingForRetry, Lop::PoolRecovered), ignores);
        *lop = mutate(
            lop,
            on(Css::WaitingForRetry, Lop::BeginPublishPresence),
            moves_to(Css::Subscribing),
        );
        *lop = mutate(
            lop,
            on(Css::Subscribing, Lop::BeginPublishPresence),
            moves_to(Css::WaitingForRetry),
        );
    })
}

#[test]
fn a_cycle_is_fair_only_when_it_takes_every_fair_stimulus_it_enables_pres_4() {
    let system = toggling();
    let check = |stem: &[SystemStimulus], cycle: &[SystemStimulus]| {
        let lasso = Witness::Lasso {
            stem: stem.to_vec(),
            cycle: cycle.to_vec(),
        };
        confirm(&system, RECOVERY, &lasso, false)
    };
    let toggle = [PublishPresence, PublishPresence];
    // Before the registration's refresh heals it, the refresh timer is enabled in the
    // cycle and never taken: unfair.
    let early = [BeginEstablish, PoolFails, SubscribePresence, PoolRecovers];
    assert_eq!(
        check(&early, &toggle),
        Err(Refuted::Unfair(RegistrationRefreshDue))
    );
    // Taking it leaves the cycle's first state for good: not a cycle.
    let mut with_refresh = toggle.to_vec();
    with_refresh.push(RegistrationRefreshDue);
    assert_eq!(check(&early, &with_refresh), Err(Refuted::Open));
    // After the refresh no fair stimulus moves the state: staying put is a fair lasso
    // (the checker's own counterexample), while the publish now reaches the goal (the
    // subscription goes through with User Services back).
    let mut healed = early.to_vec();
    healed.push(RegistrationRefreshDue);
    assert_eq!(check(&healed, &[]), Ok(()));
    assert_eq!(
        check(&healed, &toggle),
        Err(Refuted::GoalReached { step: 1 })
    );
    assert_eq!(check(&healed, &toggle[..1]), Err(Refuted::Open));
    let lasso = recovery_trap(&system).expect("a trap");
    assert_eq!(check(&lasso.prefix, &lasso.cycle), Ok(()));
}

#[test]
fn a_cycle_is_repeated_until_it_returns_to_exactly_its_first_state_pres_4() {
    // In the toggling mutant, two publishes bring LocalOwnerPresence back to where it was;
    // one does not, and is repeated.
    let system = toggling();
    let stem = [BeginEstablish, PoolFails, SubscribePresence, PoolRecovers];
    let toggle = [PublishPresence, PublishPresence];
    assert_eq!(
        close_cycle(&system, &stem, &toggle, 1),
        Some(toggle.to_vec())
    );
    assert_eq!(close_cycle(&system, &stem, &toggle[..1], 1), None);
    assert_eq!(
        close_cycle(&system, &stem, &toggle[..1], 2),
        Some(toggle.to_vec())
    );
    // A stimulus that leaves the state for good never closes.
    assert_eq!(
        close_cycle(&system, &stem, &[RegistrationRefreshDue], 5),
        None
    );
}

/// A mutant whose pending states all move on a timer (PRES-4, AF-DROP): LocalOwnerPresence
/// ignores the pool's recovery, and each registration refresh toggles the registration
/// between Registered and RegisteredUsUnknown, so the fair trap is a cycle through
/// `RegistrationRefreshDue`, never a state that stays put.
fn refresh_toggling() -> System {
    use ucma_ha::presence::LocalOwnerPresenceStimulus as Lop;
    use ucma_ha::registration::RegistrationStatus as Reg;
    use ucma_ha::registration::RegistrationStimulus as Rs;
    use ucma_ha::vocabulary::CollaborationSubscriptionState as Css;
    with(SystemConfig::default(), |t| {
        t.local_owner_presence = mutate(
            &t.local_owner_presence,
            |row| (row.from, row.on) == (Css::WaitingForRetry, Lop::PoolRecovered),
            ignores,
        );
        let reg = &mut t.registration;
        *reg = mutate(
            reg,
            |row| (row.from, row.on) == (Reg::Registered, Rs::RefreshDue),
            moves_to(Reg::RegisteredUserServicesUnknown),
        );
        *reg = mutate(
            reg,
            |row| (row.from, row.on) == (Reg::RegisteredUserServicesUnknown, Rs::RefreshDue),
            moves_to(Reg::Registered),
        );
    })
}

#[test]
fn a_lasso_whose_cycle_takes_a_timer_is_reported_with_its_summary_and_two_checked_steps_pres_4() {
    // PRES-4, AF-DROP: LocalOwnerPresence ignores the pool's recovery and each
    // registration refresh toggles the registration, so recovery stays pending on a cycle
    // that takes the (fair) refresh timer. The counterexample is that lasso: the summary
    // gives the stem's length and the cycle's, and only the stem's last step and the
    // cycle's last step carry expectations (every component's state there).
    let system = refresh_toggling();
    for symmetry in [false, true] {
        let limits = Limits {
            symmetry,
            ..Limits::default()
        };
        for report in [
            checker::check(&system, limits, |_| {}),
            checker::check_uncompiled(&system, limits, |_| {}),
        ] {
            assert!(
                report.internal_errors.is_empty(),
                "{:?}",
                report.internal_errors
            );
            let Status::Violated(counterexample) = &report.verdict(RECOVERY).expect("known").status
            else {
                panic!("{:?}", report.verdict(RECOVERY));
            };
            assert_eq!(
                counterexample.summary,
                "after step 5 the system can stay among 2 states where recovery is pending \
                 forever, under fairness (cycle of 2 steps)"
            );
            let stimuli = stimuli_of(&counterexample.trace);
            assert_eq!(
                stimuli,
                [
                    BeginEstablish,
                    SubscribePresence,
                    PoolFails,
                    PoolRecovers,
                    RegistrationRefreshDue,
                    RegistrationRefreshDue,
                    RegistrationRefreshDue
                ]
            );
            let checked: Vec<usize> = (counterexample.trace.steps.iter().enumerate())
                .filter(|(_, step)| step.expect.is_some())
                .map(|(i, _)| i)
                .collect();
            assert_eq!(checked, [4, 6]);
            // The cycle's last step returns to the state the stem ends in.
            let states = |i: usize| counterexample.trace.steps[i].expect.clone();
            assert_eq!(states(4), states(6));
            let (stem, cycle) = stimuli.split_at(5);
            let lasso = Witness::Lasso {
                stem: stem.to_vec(),
                cycle: cycle.to_vec(),
            };
            assert_eq!(confirm(&system, RECOVERY, &lasso, symmetry), Ok(()));
        }
    }
}
