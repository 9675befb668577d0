//! Each property's judgement as a condition in the Promela model: the same rule as its
//! function in the parent module, in the model's codes (see
//! [`crate::system::properties::spin`]). The cross-check with SPIN
//! (`examples/spin_cross_check.rs`) holds the two to the same verdicts.

use fsm::{RowOutcome, Symbol};

use super::registration_events_wrong;
use crate::presence::{ContactGroupServicesStimulus, LocalOwnerPresenceStimulus};
use crate::registration::{RegistrationStatus, RegistrationStimulus};
use crate::remote_presence::RemotePresenceStimulus;
use crate::sip_subscription::SipSubscriptionStimulus;
use crate::system::properties::spin::{any_kind, state, stimulus, SpinCondition, SpinModel};
use crate::system::{DeliveryOutcome, Kind, SystemError, SystemStimulus};
use crate::vocabulary::{
    CollaborationSubscriptionState as Css, LocalEndpointState, RegistrationState,
    RemotePresentitySubscriptionState as Rpss, SubscriptionSignalingState as Sss,
};

type Spin = Result<Option<SpinCondition>, SystemError>;

const SUBSCRIPTIONS: [Kind; 2] = [Kind::SessionSubscription, Kind::ViewSubscription];

fn slot(model: &dyn SpinModel, kind: Kind) -> Result<usize, SystemError> {
    model
        .slot(kind)
        .ok_or_else(|| SystemError::Wiring(format!("the model has no {kind:?} slot")))
}

/// `kd == K || ...` for the protected SipSubscription kinds.
fn protected(model: &dyn SpinModel) -> Option<String> {
    any_kind(SUBSCRIPTIONS.into_iter().filter(|&k| model.protected(k)))
}

pub(super) fn no_publish_in_waiting_for_retry(model: &dyn SpinModel) -> Spin {
    let mut ops = Vec::new();
    let operations: [(Kind, &'static str); 2] = [
        (
            Kind::LocalOwnerPresence,
            LocalOwnerPresenceStimulus::BeginPublishPresence.name(),
        ),
        (
            Kind::ContactGroupServices,
            ContactGroupServicesStimulus::BeginAddContact.name(),
        ),
    ];
    for (kind, name) in operations {
        if let Some(s) = model.stimulus_code(kind, name) {
            ops.push(format!(
                "(kd == {} && stim == {s} && from == {})",
                kind as u8,
                state(model, kind, Css::WaitingForRetry)?
            ));
        }
    }
    Ok((!ops.is_empty()).then(|| {
        SpinCondition::Delivery(format!(
            "({}) && oc != {}",
            ops.join(" || "),
            model.outcome_code(DeliveryOutcome::Rejected)
        ))
    }))
}

pub(super) fn operations_need_subscription_and_registration(model: &dyn SpinModel) -> Spin {
    let reg = slot(model, Kind::Registration)?;
    let lop = slot(model, Kind::LocalOwnerPresence)?;
    let registered = RegistrationStatus::all()
        .filter(|r| r.registration_state() == RegistrationState::Registered)
        .filter_map(|r| model.state_code(Kind::Registration, r.name()).ok())
        .map(|code| format!("saved[{reg}] == {code}"))
        .collect::<Vec<_>>()
        .join(" || ");
    let registered = format!("({registered})");
    let subscribed = state(model, Kind::LocalOwnerPresence, Css::Subscribed)?;
    // AF-PUB: only a user endpoint must subscribe before publishing.
    let cgs = model.slot(Kind::ContactGroupServices);
    let publish_states = if cgs.is_some() {
        format!("saved[{lop}] == {subscribed}")
    } else {
        format!(
            "(saved[{lop}] == {subscribed} || saved[{lop}] == {})",
            state(model, Kind::LocalOwnerPresence, Css::Idle)?
        )
    };
    let cgs_allowed = match cgs {
        Some(cgs) => format!(
            "((saved[{cgs}] == {} || saved[{cgs}] == {}) && {registered})",
            state(model, Kind::ContactGroupServices, Css::Subscribed)?,
            state(model, Kind::ContactGroupServices, Css::Idle)?
        ),
        None => "0".to_owned(),
    };
    Ok(Some(SpinCondition::Step(format!(
        "(k == SYS_{} && !rejected && !({publish_states} && {registered})) || \
         (k == SYS_{} && !rejected && !{cgs_allowed})",
        SystemStimulus::PublishPresence.name(),
        SystemStimulus::AddContact.name(),
    ))))
}

pub(super) fn home_subscription_survives_unresponsive_pool(model: &dyn SpinModel) -> Spin {
    let Some(protected) = protected(model) else {
        return Ok(None);
    };
    let sub = Kind::SessionSubscription;
    let timeouts: Vec<String> = [
        SipSubscriptionStimulus::RefreshFailedPoolUnresponsive,
        SipSubscriptionStimulus::SubscribeFailed,
    ]
    .into_iter()
    .filter_map(|s| stimulus(model, sub, s))
    .map(|s| format!("stim == {s}"))
    .collect();
    Ok(Some(SpinCondition::Delivery(format!(
        "({protected}) && ({}) && (from == {} || from == {}) && oc == {} && to == {}",
        if timeouts.is_empty() {
            "0".to_owned()
        } else {
            timeouts.join(" || ")
        },
        state(model, sub, Sss::Subscribed)?,
        state(model, sub, Sss::Subscribing)?,
        model.outcome_code(DeliveryOutcome::Moved),
        state(model, sub, Sss::Terminated)?
    ))))
}

pub(super) fn underlying_termination_never_idles_owner(model: &dyn SpinModel) -> Spin {
    let mut owners = Vec::new();
    let mut kinds = vec![
        (
            Kind::LocalOwnerPresence,
            LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated.name(),
            Css::Idle.name(),
        ),
        (
            Kind::ContactGroupServices,
            ContactGroupServicesStimulus::UnderlyingSubscriptionTerminated.name(),
            Css::Idle.name(),
        ),
    ];
    if model.views_home() {
        kinds.push((
            Kind::RemotePresence,
            RemotePresenceStimulus::UnderlyingSubscriptionTerminated.name(),
            Rpss::Idle.name(),
        ));
    }
    for (kind, underlying, idle) in kinds {
        if let Some(s) = model.stimulus_code(kind, underlying) {
            let idle = model.state_code(kind, idle)?;
            owners.push(format!(
                "(kd == {} && stim == {s} && from != {idle} && to == {idle})",
                kind as u8
            ));
        }
    }
    Ok((!owners.is_empty()).then(|| {
        SpinCondition::Delivery(format!(
            "oc == {} && ({})",
            model.outcome_code(DeliveryOutcome::Moved),
            owners.join(" || ")
        ))
    }))
}

pub(super) fn outage_and_healing_event_args(model: &dyn SpinModel) -> Spin {
    let table = model.registration();
    let mut cells = Vec::new();
    for from in RegistrationStatus::all() {
        for on in RegistrationStimulus::all() {
            let RowOutcome::Move { .. } = table.row(from, on).outcome else {
                continue;
            };
            let Ok(moved) = table.step(from, on) else {
                continue;
            };
            let events: Vec<_> = moved.events().collect();
            if registration_events_wrong(from, on, moved.to, &events) == Some(true) {
                cells.push((
                    state(model, Kind::Registration, from)?,
                    stimulus(model, Kind::Registration, on),
                ));
            }
        }
    }
    cells.sort_unstable();
    let cells: Vec<String> = cells
        .into_iter()
        .filter_map(|(code, on)| Some(format!("(from == {code} && stim == {})", on?)))
        .collect();
    Ok((!cells.is_empty()).then(|| {
        SpinCondition::Delivery(format!(
            "kd == {} && oc == {} && ({})",
            Kind::Registration as u8,
            model.outcome_code(DeliveryOutcome::Moved),
            cells.join(" || ")
        ))
    }))
}

pub(super) fn no_retry_while_user_services_unavailable(model: &dyn SpinModel) -> Spin {
    let Some(protected) = protected(model) else {
        return Ok(None);
    };
    let sub = Kind::SessionSubscription;
    Ok(Some(SpinCondition::Delivery(format!(
        "({protected}) && oc == {} && from == {} && to == {} && now.st[{}] == {}",
        model.outcome_code(DeliveryOutcome::Moved),
        state(model, sub, Sss::WaitingForRetry)?,
        state(model, sub, Sss::Subscribing)?,
        slot(model, Kind::Registration)?,
        state(
            model,
            Kind::Registration,
            RegistrationStatus::RegisteredUserServicesUnavailable
        )?
    ))))
}

pub(super) fn terminated_is_final(model: &dyn SpinModel) -> Spin {
    let endpoint = state(model, Kind::Endpoint, LocalEndpointState::Terminated)?;
    let subscription = state(model, Kind::SessionSubscription, Sss::Terminated)?;
    let subscriptions = any_kind(SUBSCRIPTIONS).unwrap_or_default();
    Ok(Some(SpinCondition::Delivery(format!(
        "oc == {} && ((kd == {} && from == {endpoint} && to != {endpoint}) || \
         (({subscriptions}) && from == {subscription} && to != {subscription}))",
        model.outcome_code(DeliveryOutcome::Moved),
        Kind::Endpoint as u8,
    ))))
}

pub(super) fn endpoint_terminated(model: &dyn SpinModel) -> Spin {
    Ok(Some(SpinCondition::Settles {
        is_final: format!(
            "now.st[{}] == {}",
            slot(model, Kind::Endpoint)?,
            state(model, Kind::Endpoint, LocalEndpointState::Terminated)?
        ),
    }))
}

pub(super) fn recovery_after_outage(model: &dyn SpinModel) -> Spin {
    let mut pending = vec![format!(
        "st[{}] == {}",
        slot(model, Kind::Registration)?,
        state(
            model,
            Kind::Registration,
            RegistrationStatus::RegisteredUserServicesUnavailable
        )?
    )];
    for (slot, kind) in model.slots() {
        let counts = match kind {
            Kind::LocalOwnerPresence | Kind::ContactGroupServices => true,
            Kind::RemotePresence => model.views_home(),
            Kind::SessionSubscription | Kind::ViewSubscription => model.protected(kind),
            Kind::Registration | Kind::Endpoint => false,
        };
        if counts {
            // The owners' and the SipSubscriptions' states share these names.
            pending.push(format!(
                "st[{slot}] == {} || st[{slot}] == {}",
                model.state_code(kind, Css::WaitingForRetry.name())?,
                model.state_code(kind, Css::Subscribing.name())?
            ));
        }
    }
    Ok(Some(SpinCondition::Eventually {
        premise: "pool_down == 0 && connection_dropped == 0".to_owned(),
        pending: pending
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" || "),
    }))
}
