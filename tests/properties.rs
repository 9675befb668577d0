//! The properties' own judgements (`ucma_ha::system::properties`), one rule at a time:
//! each judgement is given one delivery (or one application call) and must find exactly
//! the premise and the violation its clauses describe, no more and no less; the liveness
//! parts (premise, goal, excluded and fair stimuli) are asked state by state. What the
//! checker does with these findings is tested in `tests/checker.rs`.

#[path = "../proptests/system_mutants.rs"]
mod system_mutants;

use fsm::{Row, RowOutcome, Symbol};
use ucma_ha::checker::{self, Status};
use ucma_ha::local_endpoint::{EndpointKind, LocalEndpointStimulus as Lep};
use ucma_ha::presence::{ContactGroupServicesStimulus as Cgs, LocalOwnerPresenceStimulus as Lop};
use ucma_ha::registration::{RegistrationEffect, RegistrationStatus, RegistrationStimulus as Reg};
use ucma_ha::remote_presence::RemotePresenceStimulus as Rp;
use ucma_ha::sip_subscription::SipSubscriptionStimulus as Sub;
use ucma_ha::system::properties::{
    self, excluded_after_recovery, fair, property, recovering, stable_world, step_violations,
    Finding, Judgement, MacroStep, Property, PROPERTIES,
};
use ucma_ha::system::view::ComponentStates;
use ucma_ha::system::{
    Delivery, DeliveryOutcome, Kind, Packed, StepResult, System, SystemConfig, SystemStimulus,
    Tables,
};
use ucma_ha::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState as Les,
    RegistrationTransitionReason as Why, RemotePresentitySubscriptionState as Rpss, ServiceState,
    SubscriptionSignalingState as Sss,
};

use system_mutants::{mutate, with};

/// Slots of the packed state (the engine's layout): the registration, the endpoint,
/// LocalOwnerPresence and its SipSubscription, ContactGroupServices and its
/// SipSubscription, then the first remote view and its SipSubscription.
const REGISTRATION: usize = 0;
const ENDPOINT: usize = 1;
const LOP: usize = 2;
const LOP_SUBSCRIPTION: usize = 3;
const CGS: usize = 4;
const VIEW: usize = 6;
const VIEW_SUBSCRIPTION: usize = 7;

fn system(config: SystemConfig) -> System {
    System::new(config).expect("builds")
}

fn shipped() -> System {
    system(SystemConfig::default())
}

fn application() -> System {
    system(SystemConfig {
        endpoint: EndpointKind::Application,
        ..SystemConfig::default()
    })
}

fn views_elsewhere() -> System {
    system(SystemConfig {
        remote_home_pool: false,
        ..SystemConfig::default()
    })
}

fn step_judgement(name: &str) -> fn(&MacroStep<'_>) -> Finding {
    match property(name).map(|p| p.judgement) {
        Some(Judgement::Step(judge)) => judge,
        _ => panic!("{name} is a step property"),
    }
}

/// The initial state of `system` with the given slots set.
fn state(system: &System, slots: &[(usize, usize)]) -> Packed {
    let mut state = system.initial();
    for &(slot, value) in slots {
        state.set(slot, u8::try_from(value).expect("a small index"));
    }
    state
}

/// One delivery to a component of `kind` in `slot`, made from the initial state.
fn delivery(
    system: &System,
    kind: Kind,
    slot: usize,
    on: impl Symbol,
    (from, to): (impl Symbol, impl Symbol),
    outcome: DeliveryOutcome,
) -> Delivery {
    Delivery {
        slot,
        kind,
        on: u8::try_from(on.index()).expect("small"),
        from: u8::try_from(from.index()).expect("small"),
        to: u8::try_from(to.index()).expect("small"),
        outcome,
        row: 0,
        before: system.initial(),
    }
}

/// What `name` finds on a macro-step of `stimulus` from `before` that made `log` and
/// was rejected or not.
fn finding(
    name: &str,
    system: &System,
    before: Packed,
    stimulus: SystemStimulus,
    rejected: bool,
    log: &[Delivery],
) -> Finding {
    let result = StepResult {
        next: before,
        rejected: rejected.then_some("InvalidOperationException"),
        diverged: false,
    };
    step_judgement(name)(&MacroStep {
        system,
        before,
        stimulus,
        result: &result,
        log,
    })
}

/// What `name` finds on one delivery inside an otherwise uneventful step.
fn on_delivery(name: &str, system: &System, d: Delivery) -> Finding {
    finding(
        name,
        system,
        system.initial(),
        SystemStimulus::PoolFails,
        false,
        &[d],
    )
}

const NOTHING: Finding = Finding {
    premise: false,
    violated: false,
};
const MET: Finding = Finding {
    premise: true,
    violated: false,
};
const VIOLATED: Finding = Finding {
    premise: true,
    violated: true,
};

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

#[test]
fn a_time_out_may_not_terminate_a_protected_subscription_sub_3() {
    // SUB-3, SUB-4, SUB-1: an unresponsive pool or a failed SUBSCRIBE never terminates a
    // protected (home-pool, platform) SipSubscription that was Subscribed or Subscribing.
    const NAME: &str = "home_subscription_survives_unresponsive_pool";
    let s = shipped();
    let judge = |system: &System, kind, slot, on, states, outcome| {
        on_delivery(
            NAME,
            system,
            delivery(system, kind, slot, on, states, outcome),
        )
    };
    let session = |on, states, outcome| {
        judge(
            &s,
            Kind::SessionSubscription,
            LOP_SUBSCRIPTION,
            on,
            states,
            outcome,
        )
    };
    let unresponsive = Sub::RefreshFailedPoolUnresponsive;
    let ended = (Sss::Subscribed, Sss::Terminated);
    assert_eq!(
        session(unresponsive, ended, DeliveryOutcome::Moved),
        VIOLATED
    );
    assert_eq!(
        session(
            Sub::SubscribeFailed,
            (Sss::Subscribing, Sss::Terminated),
            DeliveryOutcome::Moved
        ),
        VIOLATED
    );
    assert_eq!(
        session(
            unresponsive,
            (Sss::Subscribed, Sss::WaitingForRetry),
            DeliveryOutcome::Moved
        ),
        MET
    );
    assert_eq!(session(unresponsive, ended, DeliveryOutcome::Ignored), MET);
    // A renewed instance, another state before, or another stimulus: nothing to judge.
    assert_eq!(
        session(unresponsive, ended, DeliveryOutcome::Renewed),
        NOTHING
    );
    assert_eq!(
        session(
            unresponsive,
            (Sss::WaitingForRetry, Sss::Terminated),
            DeliveryOutcome::Moved
        ),
        NOTHING
    );
    assert_eq!(
        session(Sub::RefreshFailedFinal, ended, DeliveryOutcome::Moved),
        NOTHING
    );
    // A view's SipSubscription is protected only when the views go to the home pool
    // (SUB-4); an owner is no SipSubscription.
    let view = |system: &System| {
        judge(
            system,
            Kind::ViewSubscription,
            VIEW_SUBSCRIPTION,
            unresponsive,
            ended,
            DeliveryOutcome::Moved,
        )
    };
    assert_eq!(view(&s), VIOLATED);
    assert_eq!(view(&views_elsewhere()), NOTHING);
    assert_eq!(
        judge(
            &s,
            Kind::LocalOwnerPresence,
            LOP,
            unresponsive,
            ended,
            DeliveryOutcome::Moved
        ),
        NOTHING
    );
}

#[test]
fn an_underlying_termination_may_not_idle_an_owner_pres_3_rp_1() {
    // PRES-3, RP-1: UnderlyingSubscriptionTerminated never moves LocalOwnerPresence,
    // ContactGroupServices or (views in the home pool) a remote view to Idle.
    const NAME: &str = "underlying_termination_never_idles_owner";
    let s = shipped();
    let judge = |system: &System, d| on_delivery(NAME, system, d);
    let idled = (Css::Subscribed, Css::Idle);
    let retry = (Css::Subscribed, Css::WaitingForRetry);
    let lop =
        |on, states, outcome| delivery(&s, Kind::LocalOwnerPresence, LOP, on, states, outcome);
    let cgs =
        |on, states, outcome| delivery(&s, Kind::ContactGroupServices, CGS, on, states, outcome);
    let terminated = Lop::UnderlyingSubscriptionTerminated;
    assert_eq!(
        judge(&s, lop(terminated, idled, DeliveryOutcome::Moved)),
        VIOLATED
    );
    assert_eq!(
        judge(&s, lop(terminated, retry, DeliveryOutcome::Moved)),
        MET
    );
    assert_eq!(
        judge(&s, lop(terminated, idled, DeliveryOutcome::Ignored)),
        MET
    );
    assert_eq!(
        judge(
            &s,
            lop(terminated, (Css::Idle, Css::Idle), DeliveryOutcome::Moved)
        ),
        NOTHING
    );
    assert_eq!(
        judge(
            &s,
            lop(Lop::BeginUnsubscribe, idled, DeliveryOutcome::Moved)
        ),
        NOTHING
    );
    let cgs_terminated = Cgs::UnderlyingSubscriptionTerminated;
    assert_eq!(
        judge(&s, cgs(cgs_terminated, idled, DeliveryOutcome::Moved)),
        VIOLATED
    );
    assert_eq!(
        judge(&s, cgs(cgs_terminated, retry, DeliveryOutcome::Moved)),
        MET
    );
    assert_eq!(
        judge(
            &s,
            cgs(
                cgs_terminated,
                (Css::Idle, Css::Idle),
                DeliveryOutcome::Moved
            )
        ),
        NOTHING
    );
    assert_eq!(
        judge(
            &s,
            cgs(Cgs::BeginUnsubscribe, idled, DeliveryOutcome::Moved)
        ),
        NOTHING
    );
    let view = |system: &System, on: Rp, states: (Rpss, Rpss)| {
        judge(
            system,
            delivery(
                system,
                Kind::RemotePresence,
                VIEW,
                on,
                states,
                DeliveryOutcome::Moved,
            ),
        )
    };
    let view_idled = (Rpss::Subscribed, Rpss::Idle);
    let terminated = Rp::UnderlyingSubscriptionTerminated;
    assert_eq!(view(&s, terminated, view_idled), VIOLATED);
    assert_eq!(
        view(&s, terminated, (Rpss::Subscribed, Rpss::WaitingForRetry)),
        MET
    );
    assert_eq!(view(&s, terminated, (Rpss::Idle, Rpss::Idle)), NOTHING);
    assert_eq!(view(&s, Rp::BeginUnsubscribe, view_idled), NOTHING);
    // Views in another pool may go Idle (RP-1 speaks of the home pool).
    assert_eq!(view(&views_elsewhere(), terminated, view_idled), NOTHING);
    // A SipSubscription is no owner.
    let sub = delivery(
        &s,
        Kind::SessionSubscription,
        LOP_SUBSCRIPTION,
        terminated,
        view_idled,
        DeliveryOutcome::Moved,
    );
    assert_eq!(judge(&s, sub), NOTHING);
}

#[test]
fn no_retry_while_user_services_are_reported_unavailable_sub_2() {
    // SUB-2, SUB-4: with the registration reporting User Services Unavailable, the retry
    // timer meeting a waiting protected SipSubscription is the premise; a protected
    // SipSubscription moving from WaitingForRetry to Subscribing is the violation.
    const NAME: &str = "no_retry_while_user_services_unavailable";
    let s = shipped();
    let down = RegistrationStatus::RegisteredUserServicesUnavailable.index();
    let up = RegistrationStatus::Registered.index();
    let waiting = Sss::WaitingForRetry.index();
    let retry = SystemStimulus::RetryTimerFires;
    let timer = |system: &System, stimulus, slots: &[(usize, usize)]| {
        finding(NAME, system, state(system, slots), stimulus, false, &[])
    };
    assert_eq!(
        timer(
            &s,
            retry,
            &[(REGISTRATION, down), (LOP_SUBSCRIPTION, waiting)]
        ),
        MET
    );
    assert_eq!(
        timer(
            &s,
            retry,
            &[(REGISTRATION, up), (LOP_SUBSCRIPTION, waiting)]
        ),
        NOTHING
    );
    assert_eq!(timer(&s, retry, &[(REGISTRATION, down)]), NOTHING);
    assert_eq!(
        timer(
            &s,
            SystemStimulus::SubscriptionRefreshDue,
            &[(REGISTRATION, down), (LOP_SUBSCRIPTION, waiting)]
        ),
        NOTHING
    );
    // A view's SipSubscription waiting counts only where it is protected (home pool).
    let view = [(REGISTRATION, down), (VIEW_SUBSCRIPTION, waiting)];
    assert_eq!(timer(&s, retry, &view), MET);
    assert_eq!(timer(&views_elsewhere(), retry, &view), NOTHING);

    let retried = |system: &System, kind, slot, states, outcome, registration| {
        let mut d = delivery(system, kind, slot, Sub::BeginSubscribe, states, outcome);
        d.before = state(system, &[(REGISTRATION, registration)]);
        finding(NAME, system, system.initial(), retry, false, &[d])
    };
    let again = (Sss::WaitingForRetry, Sss::Subscribing);
    let session = Kind::SessionSubscription;
    assert_eq!(
        retried(
            &s,
            session,
            LOP_SUBSCRIPTION,
            again,
            DeliveryOutcome::Moved,
            down
        ),
        VIOLATED
    );
    // Judged on the state just before that delivery, not the step's first state.
    assert_eq!(
        retried(
            &s,
            session,
            LOP_SUBSCRIPTION,
            again,
            DeliveryOutcome::Moved,
            up
        ),
        NOTHING
    );
    assert_eq!(
        retried(
            &s,
            session,
            LOP_SUBSCRIPTION,
            again,
            DeliveryOutcome::Ignored,
            down
        ),
        NOTHING
    );
    assert_eq!(
        retried(
            &s,
            session,
            LOP_SUBSCRIPTION,
            (Sss::Idle, Sss::Subscribing),
            DeliveryOutcome::Moved,
            down
        ),
        NOTHING
    );
    assert_eq!(
        retried(
            &s,
            session,
            LOP_SUBSCRIPTION,
            (Sss::WaitingForRetry, Sss::Terminated),
            DeliveryOutcome::Moved,
            down
        ),
        NOTHING
    );
    let view_kind = Kind::ViewSubscription;
    assert_eq!(
        retried(
            &s,
            view_kind,
            VIEW_SUBSCRIPTION,
            again,
            DeliveryOutcome::Moved,
            down
        ),
        VIOLATED
    );
    let elsewhere = views_elsewhere();
    assert_eq!(
        retried(
            &elsewhere,
            view_kind,
            VIEW_SUBSCRIPTION,
            again,
            DeliveryOutcome::Moved,
            down
        ),
        NOTHING
    );
}

#[test]
fn nothing_leaves_terminated_but_a_new_subscription_af_sipsub_af_les() {
    // AF-SIPSUB, AF-LES: a Terminated endpoint or SipSubscription stays Terminated; a new
    // SipSubscription instance (Renewed) replaces a terminated one.
    const NAME: &str = "terminated_is_final";
    let s = shipped();
    let judge = |d| on_delivery(NAME, &s, d);
    let endpoint = |states, outcome| {
        judge(delivery(
            &s,
            Kind::Endpoint,
            ENDPOINT,
            Lep::BeginEstablish,
            states,
            outcome,
        ))
    };
    assert_eq!(
        endpoint((Les::Terminated, Les::Establishing), DeliveryOutcome::Moved),
        VIOLATED
    );
    assert_eq!(
        endpoint((Les::Terminated, Les::Terminated), DeliveryOutcome::Moved),
        MET
    );
    assert_eq!(
        endpoint(
            (Les::Terminated, Les::Establishing),
            DeliveryOutcome::Ignored
        ),
        MET
    );
    assert_eq!(
        endpoint((Les::Idle, Les::Establishing), DeliveryOutcome::Moved),
        NOTHING
    );
    let sub = |kind, slot, states, outcome| {
        judge(delivery(
            &s,
            kind,
            slot,
            Sub::BeginSubscribe,
            states,
            outcome,
        ))
    };
    let out = (Sss::Terminated, Sss::Subscribing);
    let session = Kind::SessionSubscription;
    assert_eq!(
        sub(session, LOP_SUBSCRIPTION, out, DeliveryOutcome::Moved),
        VIOLATED
    );
    assert_eq!(
        sub(
            Kind::ViewSubscription,
            VIEW_SUBSCRIPTION,
            out,
            DeliveryOutcome::Moved
        ),
        VIOLATED
    );
    assert_eq!(
        sub(
            session,
            LOP_SUBSCRIPTION,
            (Sss::Terminated, Sss::Terminated),
            DeliveryOutcome::Moved
        ),
        MET
    );
    assert_eq!(
        sub(session, LOP_SUBSCRIPTION, out, DeliveryOutcome::Renewed),
        NOTHING
    );
    assert_eq!(
        sub(
            session,
            LOP_SUBSCRIPTION,
            (Sss::Subscribed, Sss::Idle),
            DeliveryOutcome::Moved
        ),
        NOTHING
    );
    // An owner or the registration is neither: their Terminated-like indices mean nothing
    // here.
    assert_eq!(
        sub(Kind::LocalOwnerPresence, LOP, out, DeliveryOutcome::Moved),
        NOTHING
    );
    assert_eq!(
        sub(
            Kind::Registration,
            REGISTRATION,
            out,
            DeliveryOutcome::Moved
        ),
        NOTHING
    );
}

#[test]
fn no_deadlock_counts_only_a_terminated_endpoint_as_final_af_les() {
    // AF-LES, AF-LEP-T: the system's end is the endpoint Terminated.
    let Some(Judgement::Settles { is_final }) = property("no_deadlock").map(|p| p.judgement) else {
        panic!("no_deadlock is the deadlock rule");
    };
    let s = shipped();
    for endpoint in Les::all() {
        let states = ComponentStates::new(&s, state(&s, &[(ENDPOINT, endpoint.index())]));
        assert_eq!(is_final(&states), endpoint == Les::Terminated, "{endpoint}");
    }
}

#[test]
fn recovery_speaks_of_a_world_with_pool_and_connection_up_pres_4() {
    // PRES-4, REG-3: the premise of recovery_after_outage is the pool and the connection
    // both up; either one down leaves it unsaid.
    let s = shipped();
    let start = s.initial();
    assert!(stable_world(&s, start));
    let pool_down = s.step(start, SystemStimulus::PoolFails).next;
    assert!(!stable_world(&s, pool_down));
    let dropped = s.step(start, SystemStimulus::ConnectionDrops).next;
    assert!(!stable_world(&s, dropped));
    assert!(stable_world(
        &s,
        s.step(pool_down, SystemStimulus::PoolRecovers).next
    ));
}

#[test]
fn recovery_is_pending_while_unavailable_or_an_owner_or_protected_subscription_retries() {
    // PRES-4, RP-1, REG-3, SUB-2: the goal is pending while the registration reports User
    // Services Unavailable, or a home-pool owner or a protected SipSubscription is
    // WaitingForRetry or Subscribing.
    let s = shipped();
    let pending =
        |system: &System, slots: &[(usize, usize)]| recovering(system, state(system, slots));
    assert!(!pending(&s, &[]));
    let down = RegistrationStatus::RegisteredUserServicesUnavailable.index();
    assert!(pending(&s, &[(REGISTRATION, down)]));
    assert!(!pending(
        &s,
        &[(REGISTRATION, RegistrationStatus::Registered.index())]
    ));
    for (slot, name) in [(LOP, "LocalOwnerPresence"), (CGS, "ContactGroupServices")] {
        for owner in [Css::WaitingForRetry, Css::Subscribing] {
            assert!(pending(&s, &[(slot, owner.index())]), "{name} {owner}");
        }
        for owner in [Css::Subscribed, Css::Idle, Css::Terminated] {
            assert!(!pending(&s, &[(slot, owner.index())]), "{name} {owner}");
        }
    }
    let elsewhere = views_elsewhere();
    for view in [Rpss::WaitingForRetry, Rpss::Subscribing] {
        assert!(pending(&s, &[(VIEW, view.index())]), "view {view}");
        assert!(
            !pending(&elsewhere, &[(VIEW, view.index())]),
            "view {view}, other pool"
        );
    }
    assert!(!pending(&s, &[(VIEW, Rpss::Subscribed.index())]));
    for sub in [Sss::WaitingForRetry, Sss::Subscribing] {
        assert!(
            pending(&s, &[(LOP_SUBSCRIPTION, sub.index())]),
            "session {sub}"
        );
        assert!(
            pending(&s, &[(VIEW_SUBSCRIPTION, sub.index())]),
            "view's {sub}"
        );
        assert!(
            !pending(&elsewhere, &[(VIEW_SUBSCRIPTION, sub.index())]),
            "unprotected view's {sub}"
        );
    }
    assert!(!pending(&s, &[(LOP_SUBSCRIPTION, Sss::Subscribed.index())]));
}

#[test]
fn recovery_rules_out_new_failures_and_termination_and_is_fair_to_recovery_and_timers() {
    // PRES-4: after the outage the world's failures, the server's refusals and the
    // application's terminate no longer happen; the world's recovery and the timers are
    // taken when enabled.
    use SystemStimulus::*;
    for &stimulus in System::stimuli() {
        let excluded = matches!(
            stimulus,
            PoolFails | ConnectionDrops | OwnerDisabled | TooManyEndpoints | BeginTerminate
        );
        assert_eq!(excluded_after_recovery(stimulus), excluded, "{stimulus}");
        let fair_one = matches!(
            stimulus,
            PoolRecovers
                | ConnectionRestores
                | RegistrationRefreshDue
                | SubscriptionRefreshDue
                | RetryTimerFires
        );
        assert_eq!(fair(stimulus), fair_one, "{stimulus}");
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
