//! The check's verdicts and counterexamples: every mutant's counterexample confirms by
//! stepping the system alone and names every component at its last step (PRES-2, AF-PUB,
//! SUB-3, PRES-3, REG-2, SUB-2, AF-LES), a cut check stays within its limits, two remote
//! views still catch every mutant, the shipped system holds every property with its
//! premise met, and a deadlock counterexample checks only its last step (AF-LES,
//! AF-LEP-T).

use super::*;

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
