//! The memoised judgements against a reference that judges every transition: each
//! transition property's verdict is the same with one or several views, with and without
//! symmetry, compiled or not (PRES-2, AF-PUB, AF-CGS, SUB-3, PRES-3, REG-2, SUB-2, AF-LES,
//! AF-SIPSUB); a property whose premise never occurs is VACUOUS (PRES-2, AF-PUB, AF-CGS).

use super::*;

/// Every transition property's verdict judged without memo: each transition of the
/// search stepped with its own delivery log and judged, in breadth-first order, the first
/// violation giving the counterexample's length and last stimulus (as the checker words
/// it), else `held` when its premise was met and `VACUOUS` when not.
fn unmemoised(system: &System, symmetry: bool) -> Vec<(&'static str, String)> {
    use ucma_ha::system::properties::{step_findings, Judgement, PROPERTIES};
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
            for (property, finding) in step_findings(system, before, stimulus) {
                let p = PROPERTIES
                    .iter()
                    .position(|listed| listed.name == property.name)
                    .expect("a listed property");
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
