//! The rules of subscriptions through an outage: a time-out may not terminate a
//! protected SipSubscription (SUB-3, SUB-4), an underlying termination may not idle an
//! owner (PRES-3, RP-1), no retry while User Services is reported unavailable (SUB-2,
//! SUB-4), and nothing leaves Terminated but a new subscription (AF-SIPSUB, AF-LES).

use super::*;

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
