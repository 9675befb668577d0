//! The registration's event arguments around an outage, judged by the check on
//! registration rows changed one at a time: REGISTER reports Unknown (SVC-1, AF-SVC), the
//! outage NOTIFY carries Reason None and Unavailable (REG-1, REG-2, D4), the healing
//! refresh RegisterationRefresh and Available (REG-3, D2).

use super::*;

/// The shipped system with the registration's row `from` x `on` raising `emits`.
fn registration_raising(
    from: RegistrationStatus,
    on: Reg,
    emits: &'static [RegistrationEffect],
) -> System {
    with(SystemConfig::default(), |t| {
        t.registration = mutate(
            &t.registration,
            |r| r.from == from && r.on == on,
            |row| Row {
                outcome: match row.outcome {
                    RowOutcome::Move { to, .. } => RowOutcome::Move { to, emits },
                    other => other,
                },
                ..row
            },
        );
    })
}

fn event_args_status(system: &System) -> Status {
    let report = checker::check(system, fsm::explore::Limits::default(), |_| {});
    report
        .verdicts
        .into_iter()
        .find(|v| v.property.name == "outage_and_healing_event_args")
        .expect("judged")
        .status
}

/// Reason None and Available: right for no registration row the property judges.
static AVAILABLE: [RegistrationEffect; 1] = [RegistrationEffect {
    reason: Why::None,
    message_data: true,
    user_services_state: ServiceState::Available,
}];

#[test]
fn the_registrations_events_around_an_outage_carry_the_documented_arguments_reg_1_reg_3() {
    // SVC-1, AF-SVC: a REGISTER's 200 OK reports Unknown, never Available.
    // REG-3, D4: the healing refresh raises an event with RegisterationRefresh and
    // Available. REG-1, REG-2, D2: the outage NOTIFY raises an event.
    use RegistrationStatus::{Registered, RegisteredUserServicesUnavailable as Down, Registering};
    assert!(matches!(event_args_status(&shipped()), Status::Held));
    for (change, mutant) in [
        (
            "200 OK reports Available",
            registration_raising(Registering, Reg::RegisterOk, &AVAILABLE),
        ),
        (
            "healing without its reason",
            registration_raising(Down, Reg::RefreshOk, &AVAILABLE),
        ),
        (
            "silent healing",
            registration_raising(Down, Reg::RefreshOk, &[]),
        ),
        (
            "silent outage NOTIFY",
            registration_raising(Registered, Reg::RegistrarNotifyUserServicesUnavailable, &[]),
        ),
    ] {
        assert!(
            matches!(event_args_status(&mutant), Status::Violated(_)),
            "{change}"
        );
    }
}

#[test]
fn only_the_registrations_moves_are_judged_for_their_event_arguments_svc_1_reg_2() {
    // SVC-1, AF-SVC, REG-2: the rule reads the events of a registration row that moved;
    // a REGISTER's 200 OK that moved the registration is its premise, the same stimulus
    // ignored is not, nor is another component's move.
    const NAME: &str = "outage_and_healing_event_args";
    let s = shipped();
    let registration = Tables::for_config(s.config()).expect("tables").registration;
    let from = RegistrationStatus::Registering;
    let mut ok = delivery(
        &s,
        Kind::Registration,
        REGISTRATION,
        Reg::RegisterOk,
        (from, RegistrationStatus::RegisteredUserServicesUnknown),
        DeliveryOutcome::Moved,
    );
    ok.row = u16::try_from(registration.row_index(from, Reg::RegisterOk)).expect("small");
    assert_eq!(on_delivery(NAME, &s, ok), MET);
    let ignored = Delivery {
        outcome: DeliveryOutcome::Ignored,
        to: ok.from,
        ..ok
    };
    assert_eq!(on_delivery(NAME, &s, ignored), NOTHING);
    let owner = Delivery {
        kind: Kind::LocalOwnerPresence,
        slot: LOP,
        ..ok
    };
    assert_eq!(on_delivery(NAME, &s, owner), NOTHING);
}
