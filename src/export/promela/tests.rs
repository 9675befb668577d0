//! Tests of the Promela export.

use super::*;

#[test]
fn every_stimulus_is_one_d_step_guarded_by_its_precondition() {
    let model = export(SystemConfig::default(), false).expect("builds");
    for stimulus in SystemStimulus::all() {
        assert!(
            model.contains(&format!(
                "printf(\"{{\\\"on\\\": \\\"{}\\\"}},\\n\")",
                stimulus.name()
            )),
            "{stimulus} has no d_step"
        );
    }
    assert_eq!(
        model.matches(":: d_step {").count(),
        SystemStimulus::all().count() + 1
    );
    // PoolFails needs the pool up (REG-1): its guard is the precondition.
    assert!(model.contains("(pool_down == 0) ->\n       printf(\"{\\\"on\\\": \\\"PoolFails\\\"}"));
    // BFS refuses hidden variables; the model has none.
    assert!(!model.contains("hidden "));
}

#[test]
fn every_property_is_named_in_the_model() {
    let model = export(SystemConfig::default(), true).expect("builds");
    for property in PROPERTIES.iter() {
        assert!(model.contains(property.name), "{} missing", property.name);
    }
    assert!(model.contains("ltl recovery_after_outage"));
}

#[test]
fn cells_cite_their_rows_clauses() {
    let model = export(SystemConfig::default(), false).expect("builds");
    assert!(
        model.contains("registration Registered RegistrarNotifyUserServicesUnavailable: -> RegisteredUserServicesUnavailable (REG-1"),
        "the outage row is listed with its clause"
    );
}

#[test]
fn symmetry_sorts_views_only_when_asked() {
    let config = SystemConfig {
        remote_views: 2,
        ..SystemConfig::default()
    };
    let sorted = export(config, true).expect("builds");
    let plain = export(config, false).expect("builds");
    assert!(sorted.contains("for (c = 8; c < SLOTS; c += 2)"));
    assert!(!plain.contains("for (c = 8; c < SLOTS; c += 2)"));
}

#[test]
fn too_many_views_is_an_error_not_a_model() {
    let config = SystemConfig {
        remote_views: MAX_VIEWS + 1,
        ..SystemConfig::default()
    };
    assert!(matches!(
        export(config, false),
        Err(SystemError::TooManyViews { .. })
    ));
}
