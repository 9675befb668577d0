//! The events the machines raise, named after the .NET events and carrying the .NET
//! argument names (docs/CONTRACT.md section 3).

use serde::{Deserialize, Serialize};

use crate::vocabulary::{
    CollaborationSubscriptionState, LocalEndpointState, LocalEndpointStateTransitionReason,
    RegistrationState, RegistrationTransitionReason, RemotePresentitySubscriptionState,
    RemotePresentitySubscriptionStateTransitionReason, ServiceState, SubscriptionSignalingState,
    SubscriptionStateTransitionReason, TransitionReason,
};

/// One raised event. In JSON it is an object whose `event` key names the .NET event and
/// whose other keys are the .NET argument names, e.g.
/// `{"event": "RegistrationStateChanged", "PreviousState": "Registered", ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all_fields = "PascalCase", deny_unknown_fields)]
pub enum Event {
    /// `SipEndpoint.RegistrationStateChanged` (REG-1, REG-3, RARG-1..3, AF-RARGS).
    RegistrationStateChanged {
        /// The registration state before the change.
        previous_state: RegistrationState,
        /// The registration state after the change.
        state: RegistrationState,
        /// Why it changed, where known (RARG-1).
        reason: RegistrationTransitionReason,
        /// Whether a SIP message came with the change (RARG-2: null otherwise).
        message_data: bool,
        /// What is known of the User Services pool (RARG-3, REG-4).
        user_services_state: ServiceState,
    },
    /// `LocalEndpoint.StateChanged` with `LocalEndpointStateChangedEventArgs` (LARG-1,
    /// LARG-2, AF-LARGS).
    LocalEndpointStateChanged {
        /// The endpoint state before the change.
        previous_state: LocalEndpointState,
        /// The endpoint state after the change.
        state: LocalEndpointState,
        /// Why it changed (LARG-2, LARG-4).
        reason: LocalEndpointStateTransitionReason,
        /// Whether a SIP message came with the change (LARG-1).
        message_data: bool,
    },
    /// `ISipSubscriptionProcessor.SubscriptionStateChanged` of a SipSubscription
    /// (AF-SIPSUB).
    SubscriptionStateChanged {
        /// The state before the change.
        previous_state: SubscriptionSignalingState,
        /// The state after the change.
        state: SubscriptionSignalingState,
        /// Who caused it (AF-TR).
        reason: TransitionReason,
    },
    /// `PublishSubscribeSession.SubscriptionStateChange` of LocalOwnerPresence or
    /// ContactGroupServices (AF-CSS).
    SubscriptionStateChange {
        /// The state before the change.
        previous_state: CollaborationSubscriptionState,
        /// The state after the change.
        state: CollaborationSubscriptionState,
        /// Who caused it (AF-TR, PRES-1).
        reason: SubscriptionStateTransitionReason,
    },
    /// A remote presentity's subscription changed in a RemotePresenceView (AF-RPSS).
    RemoteSubscriptionStateChanged {
        /// The state before the change.
        previous_state: RemotePresentitySubscriptionState,
        /// The state after the change.
        state: RemotePresentitySubscriptionState,
        /// Why it changed (AF-RPSS).
        reason: RemotePresentitySubscriptionStateTransitionReason,
    },
}

impl Event {
    /// The .NET event name, as in the JSON `event` key.
    pub fn name(&self) -> &'static str {
        match self {
            Event::RegistrationStateChanged { .. } => "RegistrationStateChanged",
            Event::LocalEndpointStateChanged { .. } => "LocalEndpointStateChanged",
            Event::SubscriptionStateChanged { .. } => "SubscriptionStateChanged",
            Event::SubscriptionStateChange { .. } => "SubscriptionStateChange",
            Event::RemoteSubscriptionStateChanged { .. } => "RemoteSubscriptionStateChanged",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The args of RegistrationStateChangedEventArgs, by their .NET names (AF-RARGS).
    #[test]
    fn json_shape_uses_dotnet_argument_names_rarg_2() {
        let event = Event::RegistrationStateChanged {
            previous_state: RegistrationState::Registered,
            state: RegistrationState::Registered,
            reason: RegistrationTransitionReason::None,
            message_data: true,
            user_services_state: ServiceState::Unavailable,
        };
        let json = serde_json::to_value(event).ok();
        let expected = serde_json::json!({
            "event": "RegistrationStateChanged",
            "PreviousState": "Registered",
            "State": "Registered",
            "Reason": "None",
            "MessageData": true,
            "UserServicesState": "Unavailable",
        });
        assert_eq!(json, Some(expected));
        assert_eq!(event.name(), "RegistrationStateChanged");
    }

    /// LocalEndpointStateChangedEventArgs: PreviousState, State, Reason, MessageData and no
    /// Notification member (AF-LARGS, D1).
    #[test]
    fn local_endpoint_args_have_no_notification_member() {
        let event = Event::LocalEndpointStateChanged {
            previous_state: LocalEndpointState::Established,
            state: LocalEndpointState::Established,
            reason: LocalEndpointStateTransitionReason::None,
            message_data: true,
        };
        let json = serde_json::to_value(event).ok();
        let keys: Vec<String> = json
            .as_ref()
            .and_then(|value| value.as_object())
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["event", "PreviousState", "State", "Reason", "MessageData"]
        );
        // D1: a trace may not name the page's Notification member.
        let with_notification = serde_json::json!({
            "event": "LocalEndpointStateChanged", "PreviousState": "Idle", "State": "Idle",
            "Reason": "None", "MessageData": false, "Notification": "Unknown"
        });
        assert!(serde_json::from_value::<Event>(with_notification).is_err());
    }
}
