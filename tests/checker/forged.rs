//! Forged witnesses are refused: a safety step that breaks nothing (AF-PUB), a divergence
//! or a stuck state where every macro-step settles and a terminated endpoint is final
//! (AF-LES, AF-LEP-T), a witness of the wrong kind or for no property, and the reason
//! names what was offered.

use super::*;

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
