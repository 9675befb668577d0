//! Findings and lookup: a finding keeps a premise or a violation once seen, every
//! property is found by its name alone, and `step_violations` names exactly the
//! properties one step breaks (PRES-2, AF-PUB).

use super::*;

#[test]
fn a_finding_keeps_a_premise_or_a_violation_once_seen() {
    let mut found = Finding::default();
    found.add(true, false);
    found.add(false, false);
    assert_eq!(found, MET);
    found.add(true, true);
    found.add(true, true);
    found.add(false, false);
    assert_eq!(found, VIOLATED);
}

#[test]
fn every_property_is_found_by_its_name_and_no_other_name_finds_one() {
    for p in PROPERTIES {
        assert_eq!(property(p.name).map(|found| found.name), Some(p.name));
    }
    assert!(property("no_such_property").is_none());
    // A property is the same property exactly when it has the same name.
    for (i, a) in PROPERTIES.iter().enumerate() {
        for (j, b) in PROPERTIES.iter().enumerate() {
            assert_eq!(a == b, i == j, "{} and {}", a.name, b.name);
        }
        let reworded = Property {
            statement: "said otherwise",
            ..*a
        };
        assert_eq!(&reworded, a);
    }
}

#[test]
fn step_violations_names_exactly_the_properties_a_step_breaks() {
    // PRES-2, AF-PUB: the mutant accepting a publish in WaitingForRetry breaks, on that
    // step, the rule of WaitingForRetry and the rule that a publish needs a subscription,
    // and no other; the same step of the shipped system breaks none.
    let s = shipped();
    let before = state(
        &s,
        &[
            (REGISTRATION, RegistrationStatus::Registered.index()),
            (ENDPOINT, Les::Established.index()),
            (LOP, Css::WaitingForRetry.index()),
            (LOP_SUBSCRIPTION, Sss::WaitingForRetry.index()),
        ],
    );
    assert!(step_violations(&s, before, SystemStimulus::PublishPresence).is_empty());
    let publish = &system_mutants::MUTANTS[0];
    let mutant = (publish.build)(SystemConfig::default());
    let names: Vec<_> = step_violations(&mutant, before, SystemStimulus::PublishPresence)
        .iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        [
            publish.property,
            "operations_need_subscription_and_registration"
        ],
        "{}",
        publish.change
    );
    assert!(properties::step_violations(&mutant, before, SystemStimulus::PoolFails).is_empty());
}
