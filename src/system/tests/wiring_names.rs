//! A wiring name resolves for every kind it can meet, or the system is refused: one test
//! per rule, each with a control that the same row with a name every kind has builds.

use std::borrow::Cow;

use crate::system::wiring::{
    self, Action, Guard, Reaction, Source, StimulusRow, Target, Trigger, WiringRow,
};
use crate::system::{System, SystemConfig, SystemError, SystemStimulus, Tables};

/// Builds the shipped system with one more wiring row, or with the first stimulus row
/// replaced.
fn build(extra: Option<WiringRow>, first: Option<StimulusRow>) -> Result<System, SystemError> {
    let mut stimulus_rows = wiring::STIMULUS_ROWS.to_vec();
    if let Some(row) = first {
        stimulus_rows[0] = row;
    }
    let mut wiring_rows = wiring::WIRING_ROWS.to_vec();
    wiring_rows.extend(extra);
    System::with(
        SystemConfig::default(),
        Tables::for_config(&SystemConfig::default()).expect("tables"),
        Cow::Owned(stimulus_rows),
        Cow::Owned(wiring_rows),
    )
}

fn row(trigger: Trigger, then: &'static [Reaction]) -> WiringRow {
    WiringRow {
        on: trigger,
        then,
        clauses: &["AF-PUB"],
    }
}

fn from_owner(on: Option<&'static str>, to: Option<&'static str>) -> Trigger {
    Trigger {
        source: Source::Owner,
        on,
        to,
    }
}

/// The error names the kind that lacks the name.
fn refused(built: Result<System, SystemError>, kind: &str) {
    match built {
        Err(SystemError::Wiring(message)) => {
            assert!(message.contains(kind), "{message} should name {kind}");
        }
        other => panic!(
            "expected a wiring error naming {kind}, got {:?}",
            other.err()
        ),
    }
}

#[test]
fn a_trigger_stimulus_must_be_one_of_every_source_kind_af_pub() {
    // BeginPublishPresence is LocalOwnerPresence's only; an owner trigger meets all three.
    refused(
        build(
            Some(row(from_owner(Some("BeginPublishPresence"), None), &[])),
            None,
        ),
        "ContactGroupServices",
    );
    assert!(build(
        Some(row(from_owner(Some("BeginSubscribe"), None), &[])),
        None
    )
    .is_ok());
}

#[test]
fn a_trigger_state_must_be_one_of_every_source_kind_af_rpss() {
    // Polling is a remote view's only.
    refused(
        build(Some(row(from_owner(None, Some("Polling")), &[])), None),
        "LocalOwnerPresence",
    );
    assert!(build(Some(row(from_owner(None, Some("Subscribed")), &[])), None).is_ok());
}

#[test]
fn a_delivered_stimulus_must_be_one_of_every_target_kind_af_pub() {
    const PUBLISH: &[Reaction] = &[Reaction {
        target: Target::Owners,
        action: Action::Deliver("BeginPublishPresence"),
        when: Guard::Always,
    }];
    const SUBSCRIBE: &[Reaction] = &[Reaction {
        target: Target::Owners,
        action: Action::Deliver("BeginSubscribe"),
        when: Guard::Always,
    }];
    refused(
        build(
            Some(row(from_owner(None, Some("Terminated")), PUBLISH)),
            None,
        ),
        "ContactGroupServices",
    );
    assert!(build(
        Some(row(from_owner(None, Some("Terminated")), SUBSCRIBE)),
        None
    )
    .is_ok());
}

#[test]
fn a_target_guard_state_must_be_one_of_every_target_kind_af_rpss() {
    const POLLING: &[Reaction] = &[Reaction {
        target: Target::Owner,
        action: Action::Renew,
        when: Guard::Target("Polling"),
    }];
    const IDLE: &[Reaction] = &[Reaction {
        target: Target::Owner,
        action: Action::Renew,
        when: Guard::Target("Idle"),
    }];
    let trigger = Trigger {
        source: Source::Subscription,
        on: None,
        to: Some("Terminated"),
    };
    refused(
        build(Some(row(trigger, POLLING)), None),
        "LocalOwnerPresence",
    );
    assert!(build(Some(row(trigger, IDLE)), None).is_ok());
}

#[test]
fn a_source_guard_state_must_be_one_of_every_source_kind_af_rpss() {
    const POLLING: &[Reaction] = &[Reaction {
        target: Target::Subscription,
        action: Action::Renew,
        when: Guard::Source("Polling"),
    }];
    const IDLE: &[Reaction] = &[Reaction {
        target: Target::Subscription,
        action: Action::Renew,
        when: Guard::Source("Idle"),
    }];
    let trigger = from_owner(None, Some("Terminated"));
    refused(
        build(Some(row(trigger, POLLING)), None),
        "LocalOwnerPresence",
    );
    assert!(build(Some(row(trigger, IDLE)), None).is_ok());
}

#[test]
fn a_state_guard_where_there_is_no_target_or_source_is_refused_af_pub() {
    let shipped = wiring::STIMULUS_ROWS[0];
    assert_eq!(shipped.on, SystemStimulus::BeginEstablish);
    let precondition = StimulusRow {
        requires: Guard::Target("Idle"),
        ..shipped
    };
    refused(build(None, Some(precondition)), "no target");
    const SOURCE: &[Reaction] = &[Reaction {
        target: Target::Endpoint,
        action: Action::Call("BeginEstablish"),
        when: Guard::Source("Idle"),
    }];
    let reaction = StimulusRow {
        then: SOURCE,
        ..shipped
    };
    refused(build(None, Some(reaction)), "no source");
    assert!(build(None, Some(shipped)).is_ok());
}
