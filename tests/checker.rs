//! The checker's confirmation of counterexamples (`checker::confirm`): what the search
//! finds in the mutants is confirmed by stepping the system alone, and forged witnesses
//! (a step that breaks nothing, a state something moves, a lasso that does not return, is
//! unfair, reaches its goal or takes a stimulus the property rules out) are refused.

#[path = "../proptests/system_mutants.rs"]
mod system_mutants;

use fsm::explore::{explore, Exploration, Limits};
use fsm::Symbol;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use ucma_ha::checker::confirm::{close_cycle, confirm, Refuted, Witness};
use ucma_ha::checker::{self, Status};
use ucma_ha::system::properties::{excluded_after_recovery, fair, recovering, stable_world};
use ucma_ha::system::{Packed, System, SystemConfig, SystemStimulus};

use system_mutants::{ignores, moves_to, mutate, with, MUTANTS};
use SystemStimulus::*;

const RECOVERY: &str = "recovery_after_outage";

fn shipped() -> System {
    System::new(SystemConfig::default()).expect("builds")
}

fn graph(system: &System) -> Exploration<Packed, SystemStimulus> {
    explore(system, Limits::default(), |_| {})
}

fn pending(system: &System, state: Packed) -> bool {
    stable_world(system, state) && recovering(system, state)
}

fn stimuli_of(trace: &ucma_ha::trace::Trace) -> Vec<SystemStimulus> {
    trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on).expect("a known stimulus"))
        .collect()
}

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

#[test]
fn every_mutant_counterexample_confirms_by_stepping_the_system_alone() {
    // PRES-2, AF-PUB, SUB-3, PRES-3, REG-2, SUB-2, AF-LES: the last step violates;
    // AF-LES/AF-LEP-T: the run ends stuck; PRES-4: a closed, fair lasso.
    for mutant in &MUTANTS {
        let system = (mutant.build)(SystemConfig::default());
        for symmetry in [false, true] {
            let report = checker::check(
                &system,
                Limits {
                    symmetry,
                    ..Limits::default()
                },
                |_| {},
            );
            assert!(
                report.internal_errors.is_empty(),
                "{:?}",
                report.internal_errors
            );
            let verdict = report.verdict(mutant.property).expect("known");
            let Status::Violated(counterexample) = &verdict.status else {
                panic!("{}: {:?}", mutant.change, verdict.status);
            };
            let stimuli = stimuli_of(&counterexample.trace);
            let witness = match mutant.property {
                "no_deadlock" => Witness::Stuck(stimuli),
                RECOVERY => continue,
                _ => Witness::Step(stimuli),
            };
            assert_eq!(
                confirm(&system, mutant.property, &witness, symmetry),
                Ok(()),
                "{}",
                mutant.change
            );
        }
    }
}

#[test]
fn a_lasso_is_confirmed_only_when_it_returns_stays_pending_and_is_fair_pres_4() {
    let mutant = MUTANTS
        .iter()
        .find(|m| m.property == RECOVERY)
        .expect("a recovery mutant");
    let system = (mutant.build)(SystemConfig::default());
    let found = graph(&system);
    let lasso = found
        .fair_trap(
            |node| pending(&system, found.graph[node]),
            |s| !excluded_after_recovery(*s),
            |s| fair(*s),
        )
        .expect("the mutant never resubscribes");
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
    let found = graph(&system);
    let lasso = found
        .fair_trap(
            |node| pending(&system, found.graph[node]),
            |s| !excluded_after_recovery(*s),
            |s| fair(*s),
        )
        .expect("a trap");
    assert_eq!(check(&lasso.prefix, &lasso.cycle), Ok(()));
}

#[test]
fn forged_safety_and_deadlock_witnesses_are_refused_af_pub_af_les() {
    let system = shipped();
    let judge = |name: &str, witness: Witness| confirm(&system, name, &witness, true);
    // AF-PUB: the shipped system refuses a publish before subscribing.
    assert_eq!(
        judge(
            "operations_need_subscription_and_registration",
            Witness::Step(vec![BeginEstablish, PublishPresence])
        ),
        Err(Refuted::Kept {
            property: "operations_need_subscription_and_registration",
            stimulus: PublishPresence
        })
    );
    assert_eq!(
        judge("terminated_is_final", Witness::Step(Vec::new())),
        Err(Refuted::Empty)
    );
    // AF-LES, AF-LEP-T: every macro-step settles; the initial state is moved by the
    // application; a terminated endpoint is final, not stuck.
    assert_eq!(
        judge("no_deadlock", Witness::Diverges(vec![BeginEstablish])),
        Err(Refuted::Settles(BeginEstablish))
    );
    assert_eq!(
        judge("no_deadlock", Witness::Stuck(Vec::new())),
        Err(Refuted::Moves(BeginEstablish))
    );
    let found = graph(&system);
    let terminated = found
        .first(|&state| system.state_name(state, "local_endpoint") == Some("Terminated"))
        .expect("the endpoint terminates");
    assert_eq!(
        judge("no_deadlock", Witness::Stuck(found.path(terminated))),
        Err(Refuted::Final)
    );
    // A witness of the wrong kind, or for no property, shows nothing.
    for (name, witness) in [
        ("no_deadlock", Witness::Step(vec![BeginEstablish])),
        (
            "terminated_is_final",
            Witness::Lasso {
                stem: Vec::new(),
                cycle: Vec::new(),
            },
        ),
        (RECOVERY, Witness::Stuck(Vec::new())),
        ("no_such_property", Witness::Step(vec![BeginEstablish])),
    ] {
        assert!(
            matches!(judge(name, witness), Err(Refuted::WrongKind { .. })),
            "{name}"
        );
    }
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

#[test]
fn a_witness_of_the_wrong_kind_is_refused_naming_its_kind_and_the_property() {
    // `check` prints the reason as its internal error: it names what was offered.
    let system = shipped();
    for (name, witness, kind) in [
        ("no_deadlock", Witness::Step(vec![BeginEstablish]), "step"),
        (
            "terminated_is_final",
            Witness::Lasso {
                stem: Vec::new(),
                cycle: Vec::new(),
            },
            "lasso",
        ),
        (RECOVERY, Witness::Stuck(Vec::new()), "deadlock"),
        (
            RECOVERY,
            Witness::Diverges(vec![BeginEstablish]),
            "divergence",
        ),
    ] {
        let refuted = confirm(&system, name, &witness, false).expect_err("the wrong kind");
        assert_eq!(
            refuted,
            Refuted::WrongKind {
                property: name.to_owned(),
                kind
            }
        );
        assert_eq!(
            refuted.to_string(),
            format!("a {kind} witness cannot show a violation of {name}")
        );
    }
}

#[test]
fn a_counterexample_trace_lists_every_component_and_the_rejection_at_its_last_step() {
    // PRES-2, AF-PUB, SUB-3, PRES-3, REG-2, SUB-2, AF-LES: the violating step of a
    // counterexample names every component's state and whether the step was rejected,
    // so that replaying the trace checks the whole system there.
    for mutant in MUTANTS.iter().filter(|m| m.property != RECOVERY) {
        let system = (mutant.build)(SystemConfig::default());
        let report = checker::check(&system, Limits::default(), |_| {});
        let verdict = report.verdict(mutant.property).expect("known");
        let Status::Violated(counterexample) = &verdict.status else {
            panic!("{}: {:?}", mutant.change, verdict.status);
        };
        let steps = &counterexample.trace.steps;
        let (last, before) = steps.split_last().expect("a step");
        let expect = last.expect.as_ref().expect("the last step is checked");
        let end = stimuli_of(&counterexample.trace)
            .iter()
            .fold(system.initial(), |state, &s| system.step(state, s).next);
        let names = system.state_names(end);
        let states = expect.states.as_ref().expect("every component's state");
        assert_eq!(states.len(), names.len(), "{}", mutant.change);
        for name in &names {
            assert_eq!(
                states.get(&name.component.to_string()).map(String::as_str),
                Some(name.observed),
                "{}",
                mutant.change
            );
        }
        assert!(expect.rejected.is_some(), "{}", mutant.change);
        if mutant.property != "no_deadlock" {
            assert!(
                before.iter().all(|step| step.expect.is_none()),
                "{}",
                mutant.change
            );
        }
    }
}

#[test]
fn a_cut_check_explores_within_its_limits_and_gives_the_search_half_the_memory() {
    // A check keeps to the limits it is given: a state limit cuts the search (and what
    // the cut search cannot decide is unknown), and the search gets half the memory
    // budget, the rest being for deciding the properties on its graph.
    let system = shipped();
    let cut = checker::check(
        &system,
        Limits {
            max_states: 50,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(cut.completeness, fsm::explore::Completeness::StateLimit);
    assert!(cut.states <= 50, "{} states", cut.states);
    for name in ["no_deadlock", RECOVERY] {
        assert_eq!(
            cut.verdict(name).expect("known").status,
            Status::Unknown,
            "{name}"
        );
    }
    let limits = Limits {
        max_memory: 1 << 20,
        ..Limits::default()
    };
    assert_eq!(
        checker::explore_limits(limits),
        Limits {
            max_memory: 1 << 19,
            ..limits
        }
    );
}

#[test]
fn with_two_remote_views_each_mutant_is_caught_and_the_shipped_system_holds() {
    // The judgements are memoised by what they depend on, each view's pair included: with
    // two views in the home pool, every property still catches its mutant (confirmed)
    // and holds in the shipped system.
    let config = SystemConfig {
        remote_views: 2,
        remote_home_pool: true,
        ..SystemConfig::default()
    };
    let shipped = checker::check(
        &System::new(config).expect("builds"),
        Limits::default(),
        |_| {},
    );
    assert!(shipped.passed(), "{:?}", shipped.verdicts);
    assert!(
        shipped.internal_errors.is_empty(),
        "{:?}",
        shipped.internal_errors
    );
    for mutant in &MUTANTS {
        let report = checker::check(&(mutant.build)(config), Limits::default(), |_| {});
        assert!(
            report.internal_errors.is_empty(),
            "{:?}",
            report.internal_errors
        );
        let verdict = report.verdict(mutant.property).expect("known");
        assert!(
            matches!(verdict.status, Status::Violated(_)),
            "{}: {:?}",
            mutant.change,
            verdict.status
        );
    }
}

#[test]
fn a_complete_check_of_the_shipped_system_holds_every_property_with_its_premise_met() {
    // `held`, not `VACUOUS`: in the default configuration every property's premise
    // occurs (a publish, an outage, a terminate, ...) and the search is complete.
    for symmetry in [false, true] {
        let report = checker::check(
            &shipped(),
            Limits {
                symmetry,
                ..Limits::default()
            },
            |_| {},
        );
        assert_eq!(report.completeness, fsm::explore::Completeness::Complete);
        for verdict in &report.verdicts {
            assert_eq!(
                verdict.status,
                Status::Held,
                "{} (symmetry {symmetry})",
                verdict.property.name
            );
        }
    }
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

/// Every transition property's verdict judged without memo: each transition of the
/// search stepped with its own delivery log and judged, in breadth-first order, the first
/// violation giving the counterexample's length and last stimulus (as the checker words
/// it), else `held` when its premise was met and `VACUOUS` when not.
fn unmemoised(system: &System, symmetry: bool) -> Vec<(&'static str, String)> {
    use ucma_ha::system::properties::{Judgement, MacroStep, PROPERTIES};
    let found = explore(
        system,
        Limits {
            symmetry,
            ..Limits::default()
        },
        |_| {},
    );
    assert_eq!(found.completeness, fsm::explore::Completeness::Complete);
    let mut first: Vec<Option<String>> = vec![None; PROPERTIES.len()];
    let mut premise = vec![false; PROPERTIES.len()];
    for node in found.graph.node_indices() {
        let before = found.graph[node];
        for &stimulus in System::stimuli() {
            let mut log = Vec::new();
            let result = system.step_observed(before, stimulus, &mut log);
            let edge = MacroStep {
                system,
                before,
                stimulus,
                result: &result,
                log: &log,
            };
            for (p, property) in PROPERTIES.iter().enumerate() {
                let Judgement::Step(judge) = property.judgement else {
                    continue;
                };
                let finding = judge(&edge);
                premise[p] |= finding.premise;
                if finding.violated && first[p].is_none() {
                    first[p] = Some(format!(
                        "{} violated at step {} ({stimulus})",
                        property.name,
                        found.path(node).len() + 1
                    ));
                }
            }
        }
    }
    PROPERTIES
        .iter()
        .enumerate()
        .filter(|(_, property)| matches!(property.judgement, Judgement::Step(_)))
        .map(|(p, property)| {
            let verdict = match (&first[p], premise[p]) {
                (Some(summary), _) => summary.clone(),
                (None, true) => "held".to_owned(),
                (None, false) => "VACUOUS".to_owned(),
            };
            (property.name, verdict)
        })
        .collect()
}

/// The transition properties' verdicts of a report, worded as [`unmemoised`] does.
fn worded(report: &checker::Report) -> Vec<(&'static str, String)> {
    use ucma_ha::system::properties::Judgement;
    report
        .verdicts
        .iter()
        .filter(|verdict| matches!(verdict.property.judgement, Judgement::Step(_)))
        .map(|verdict| {
            let worded = match &verdict.status {
                Status::Violated(counterexample) => counterexample.summary.clone(),
                Status::Held => "held".to_owned(),
                Status::Vacuous => "VACUOUS".to_owned(),
                Status::Unknown => "unknown".to_owned(),
            };
            (verdict.property.name, worded)
        })
        .collect()
}

/// A mutant that breaks `terminated_is_final` (AF-SIPSUB) in the remote views alone: a
/// view's Terminated SipSubscription goes back to Subscribed on a refresh, so whether a
/// transition violates depends on the views' pairs, not only on the shared part.
fn renewing_terminated_views(config: SystemConfig) -> System {
    use ucma_ha::sip_subscription::SipSubscriptionStimulus as Sss;
    use ucma_ha::vocabulary::SubscriptionSignalingState as Ss;
    with(config, |t| {
        t.view_subscription = mutate(
            &t.view_subscription,
            |row| (row.from, row.on) == (Ss::Terminated, Sss::RefreshDue),
            moves_to(Ss::Subscribed),
        );
    })
}

#[test]
fn memoised_judgements_agree_with_judging_every_transition_with_several_views() {
    // PRES-2, AF-PUB, AF-CGS, SUB-3, PRES-3, REG-2, SUB-2, AF-LES, AF-SIPSUB: the
    // transition properties are judged once per situation of a transition (the stimulus,
    // the shared part, the views' pairs); with two and three remote views, in and out of
    // the home pool, whose pairs differ from state to state, the verdicts (which step first
    // violates, or whether the premise occurs) are those of judging every transition.
    let mut configs = Vec::new();
    for remote_views in [2, 3] {
        for remote_home_pool in [true, false] {
            configs.push(SystemConfig {
                remote_views,
                remote_home_pool,
                ..SystemConfig::default()
            });
        }
    }
    for config in configs {
        let mut systems = vec![("shipped", System::new(config).expect("builds"))];
        systems.push((
            "a remote view's Terminated SipSubscription is renewed by a refresh",
            renewing_terminated_views(config),
        ));
        if config.remote_views == 2 {
            systems.extend(MUTANTS.iter().map(|m| (m.change, (m.build)(config))));
        }
        for (name, system) in &systems {
            for symmetry in [false, true] {
                let limits = Limits {
                    symmetry,
                    ..Limits::default()
                };
                let expected = unmemoised(system, symmetry);
                let context = format!("{name}, {config:?}, symmetry {symmetry}");
                if name.starts_with("a remote view's") {
                    assert!(
                        expected
                            .iter()
                            .any(|(property, verdict)| *property == "terminated_is_final"
                                && verdict.starts_with("terminated_is_final violated")),
                        "{context}: {expected:?}"
                    );
                }
                let uncompiled = checker::check_uncompiled(system, limits, |_| {});
                assert_eq!(worded(&uncompiled), expected, "{context}");
                let compiled = checker::check(system, limits, |_| {});
                assert_eq!(worded(&compiled), expected, "{context}");
            }
        }
    }
}

#[test]
fn a_property_whose_premise_never_occurs_is_vacuous_and_one_whose_premise_occurs_is_not() {
    // PRES-2, AF-PUB, AF-CGS: with neither LocalOwnerPresence nor ContactGroupServices
    // ever reaching WaitingForRetry (every row into it ignored), no publish or contact call
    // meets WaitingForRetry: `no_publish_in_waiting_for_retry` is VACUOUS, while every
    // other property, its premise met, holds.
    use ucma_ha::vocabulary::CollaborationSubscriptionState as Css;
    fn to_retry<M: fsm::Machine<State = Css>>(row: &fsm::Row<M>) -> bool {
        matches!(
            row.outcome,
            fsm::RowOutcome::Move {
                to: Css::WaitingForRetry,
                ..
            }
        )
    }
    for remote_views in [0, 2] {
        let config = SystemConfig {
            remote_views,
            remote_home_pool: true,
            ..SystemConfig::default()
        };
        let system = with(config, |t| {
            t.local_owner_presence = mutate(&t.local_owner_presence, to_retry, ignores);
            t.contact_group_services = mutate(&t.contact_group_services, to_retry, ignores);
        });
        for symmetry in [false, true] {
            let limits = Limits {
                symmetry,
                ..Limits::default()
            };
            for report in [
                checker::check(&system, limits, |_| {}),
                checker::check_uncompiled(&system, limits, |_| {}),
            ] {
                for verdict in &report.verdicts {
                    let expected = if verdict.property.name == "no_publish_in_waiting_for_retry" {
                        Status::Vacuous
                    } else {
                        Status::Held
                    };
                    assert_eq!(
                        verdict.status, expected,
                        "{} ({remote_views} views, symmetry {symmetry})",
                        verdict.property.name
                    );
                }
            }
        }
    }
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

#[test]
fn a_deadlock_counterexample_names_its_length_and_checks_only_its_last_step_af_les() {
    // AF-LES, AF-LEP-T: the endpoint that stays Terminating is stuck after one step; the
    // summary says so, and only that step carries expectations.
    let mutant = MUTANTS
        .iter()
        .find(|m| m.property == "no_deadlock")
        .expect("a deadlock mutant");
    let system = (mutant.build)(SystemConfig::default());
    let report = checker::check(&system, Limits::default(), |_| {});
    let Status::Violated(counterexample) = &report.verdict("no_deadlock").expect("known").status
    else {
        panic!("{:?}", report.verdict("no_deadlock"));
    };
    assert_eq!(
        counterexample.summary,
        "after 1 steps only the world can move the system, and the endpoint is not Terminated"
    );
    let steps = &counterexample.trace.steps;
    assert_eq!(stimuli_of(&counterexample.trace), [BeginTerminate]);
    assert!(steps[0].expect.is_some());
}
