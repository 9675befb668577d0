//! The rules of application calls: no publish or contact operation in WaitingForRetry
//! (PRES-2, AF-PUB, AF-CGS, D6), and operations need a subscription and a registration
//! per endpoint kind (AF-PUB, AF-CGS).

use super::*;

#[test]
fn no_publish_in_waiting_for_retry_judges_publish_and_contact_calls_in_waiting_for_retry_pres_2() {
    // PRES-2, AF-PUB, AF-CGS, D6: a publish (LocalOwnerPresence) or contact operation
    // (ContactGroupServices) met in WaitingForRetry must be rejected.
    const NAME: &str = "no_publish_in_waiting_for_retry";
    let s = shipped();
    let wait = (Css::WaitingForRetry, Css::WaitingForRetry);
    let lop = |on: Lop, states, outcome| {
        on_delivery(
            NAME,
            &s,
            delivery(&s, Kind::LocalOwnerPresence, LOP, on, states, outcome),
        )
    };
    let cgs = |on: Cgs, states, outcome| {
        on_delivery(
            NAME,
            &s,
            delivery(&s, Kind::ContactGroupServices, CGS, on, states, outcome),
        )
    };
    assert_eq!(
        lop(Lop::BeginPublishPresence, wait, DeliveryOutcome::Rejected),
        MET
    );
    assert_eq!(
        lop(Lop::BeginPublishPresence, wait, DeliveryOutcome::Moved),
        VIOLATED
    );
    assert_eq!(
        lop(Lop::BeginPublishPresence, wait, DeliveryOutcome::Ignored),
        VIOLATED
    );
    assert_eq!(
        cgs(Cgs::BeginAddContact, wait, DeliveryOutcome::Rejected),
        MET
    );
    assert_eq!(
        cgs(Cgs::BeginAddContact, wait, DeliveryOutcome::Moved),
        VIOLATED
    );
    // Not in WaitingForRetry, or not a publish or contact operation: nothing to judge.
    let subscribed = (Css::Subscribed, Css::Subscribed);
    assert_eq!(
        lop(
            Lop::BeginPublishPresence,
            subscribed,
            DeliveryOutcome::Moved
        ),
        NOTHING
    );
    assert_eq!(
        cgs(Cgs::BeginAddContact, subscribed, DeliveryOutcome::Moved),
        NOTHING
    );
    assert_eq!(
        lop(Lop::PoolRecovered, wait, DeliveryOutcome::Moved),
        NOTHING
    );
    assert_eq!(
        cgs(Cgs::PoolRecovered, wait, DeliveryOutcome::Moved),
        NOTHING
    );
    // A remote view is no publisher, whatever its state and stimulus indices.
    let view = delivery(
        &s,
        Kind::RemotePresence,
        VIEW,
        Lop::BeginPublishPresence,
        wait,
        DeliveryOutcome::Moved,
    );
    assert_eq!(on_delivery(NAME, &s, view), NOTHING);
}

#[test]
fn operations_need_subscription_and_registration_per_endpoint_kind_af_pub_af_cgs() {
    // AF-PUB, AF-CGS, D6: PublishPresence only with LocalOwnerPresence Subscribed (an
    // application endpoint also Idle) and the endpoint registered; AddContact only in
    // Idle or Subscribed, registered.
    const NAME: &str = "operations_need_subscription_and_registration";
    let registered = RegistrationStatus::Registered.index();
    let call = |system: &System, stimulus, slots: &[(usize, usize)], rejected| {
        finding(NAME, system, state(system, slots), stimulus, rejected, &[])
    };
    let (user, app) = (shipped(), application());
    let publish = SystemStimulus::PublishPresence;
    let subscribed = [(REGISTRATION, registered), (LOP, Css::Subscribed.index())];
    let idle = [(REGISTRATION, registered), (LOP, Css::Idle.index())];
    let waiting = [
        (REGISTRATION, registered),
        (LOP, Css::WaitingForRetry.index()),
    ];
    let unregistered = [(LOP, Css::Subscribed.index())];
    assert_eq!(call(&user, publish, &subscribed, false), NOTHING);
    assert_eq!(call(&user, publish, &idle, false), VIOLATED);
    assert_eq!(call(&user, publish, &idle, true), MET);
    assert_eq!(call(&user, publish, &unregistered, false), VIOLATED);
    assert_eq!(call(&user, publish, &unregistered, true), MET);
    assert_eq!(call(&app, publish, &idle, false), NOTHING);
    assert_eq!(call(&app, publish, &subscribed, false), NOTHING);
    assert_eq!(call(&app, publish, &waiting, false), VIOLATED);
    assert_eq!(
        call(&app, publish, &[(LOP, Css::Idle.index())], false),
        VIOLATED
    );

    let add = SystemStimulus::AddContact;
    for allowed in [Css::Idle, Css::Subscribed] {
        let slots = [(REGISTRATION, registered), (CGS, allowed.index())];
        assert_eq!(call(&user, add, &slots, false), NOTHING, "{allowed}");
        assert_eq!(
            call(&user, add, &[(CGS, allowed.index())], false),
            VIOLATED,
            "{allowed}, unregistered"
        );
    }
    let slots = [
        (REGISTRATION, registered),
        (CGS, Css::WaitingForRetry.index()),
    ];
    assert_eq!(call(&user, add, &slots, false), VIOLATED);
    assert_eq!(call(&user, add, &slots, true), MET);
    // An application endpoint has no ContactGroupServices: a contact call is never allowed.
    assert_eq!(call(&app, add, &subscribed, true), MET);
    // Other stimuli are not the application's publish or contact calls.
    assert_eq!(
        call(&user, SystemStimulus::SubscribePresence, &idle, false),
        NOTHING
    );
}
