//! The .NET enums themselves, declared with `vocabulary!`; the parent re-exports each
//! enum (strum's iterator types stay here, reached through `IntoEnumIterator::iter`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocabulary! {
    /// `Microsoft.Rtc.Signaling.RegistrationState`: where a SipEndpoint's registration
    /// stands (AF-RS).
    pub enum RegistrationState {
        /// Not registered: before the first register, after an unregister, or after the
        /// server dropped the registration (AF-RS).
        Unregistered = 0,
        /// A REGISTER is on its way and unanswered (AF-RS).
        Registering = 1,
        /// The registrar accepted the registration (AF-RS).
        Registered = 2,
        /// An un-REGISTER is on its way and unanswered (AF-RS).
        Unregistering = 3,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Signaling.RegistrationTransitionReason`: why a registration changed
    /// (AF-RTR). The seed names only `None` (REG-2) and "Refreshed" (REG-3, see D2).
    pub enum RegistrationTransitionReason {
        /// No particular reason known; the seed's reason for the User Services outage
        /// NOTIFY (REG-2, D4).
        None = 0,
        /// The registrar refused: the owner has too many endpoints (AF-RTR).
        TooManyActiveEndpoint = 1,
        /// The user changed (AF-RTR).
        UserChanged = 2,
        /// The user moved to another pool (AF-RTR).
        UserMoved = 3,
        /// A request timed out (AF-RTR).
        Timeout = 4,
        /// The server refused access (AF-RTR).
        UnauthorizedAccess = 5,
        /// The credentials were refused (AF-RTR).
        Credentials = 6,
        /// Authentication failed (AF-RTR).
        Authentication = 7,
        /// The connection to the registrar failed (AF-RTR).
        ConnectionFailure = 8,
        /// A registration refresh succeeded; the seed calls it "Refreshed" (REG-3, D2).
        /// The .NET spelling has the extra `e`.
        #[strum(serialize = "RegisterationRefresh")]
        RegistrationRefresh = 9,
        /// The connection to the registrar dropped (AF-RTR, AF-DROP).
        ConnectionDropped = 10,
        /// The preferred registrar changed (AF-RTR).
        PreferredRegistrarChanged = 11,
        /// The User Services cluster became unavailable; only in the 6.0 reference, not
        /// used by the default 4.0 model (AF-RTR, D4).
        UserServicesUnavailable = 12,
    }
}

vocabulary! {
    /// `ServiceState`: what the registration knows of the User Services pool (SVC-1,
    /// AF-SVC). Only the event args carry it (REG-4).
    pub enum ServiceState {
        /// Nothing is known of the pool (SVC-1).
        Unknown = 0,
        /// The pool serves requests (SVC-1).
        Available = 1,
        /// The pool does not serve requests (SVC-1).
        Unavailable = 2,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.LocalEndpointState` (AF-LES, D5).
    pub enum LocalEndpointState {
        /// Created, not yet established (AF-LES).
        Idle = 0,
        /// Establishment is under way (AF-LES).
        Establishing = 1,
        /// Established and usable (AF-LES).
        Established = 2,
        /// Recovering after its connection or registrar failed (AF-LES, AF-LEP-T).
        Reestablishing = 3,
        /// Draining: turns away invitations to new conversations (AF-LES, AF-DRAIN, D5).
        Draining = 4,
        /// Termination is under way (AF-LES).
        Terminating = 5,
        /// Terminated for good (AF-LES).
        Terminated = 6,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.LocalEndpointStateTransitionReason` (LARG-4, AF-LESR,
    /// D1, D5).
    pub enum LocalEndpointStateTransitionReason {
        /// No NOTIFY behind the change, a NOTIFY of a kind not listed here, or the
        /// application's own call succeeding (LARG-4, AF-LESR, D1).
        None = 0,
        /// The registrar counts too many active endpoints for the owner (LARG-4, AF-LESR).
        TooManyActiveEndpoints = 1,
        /// The owner of the endpoint was disabled or removed (LARG-4, AF-LESR).
        OwnerDisabledOrRemoved = 2,
        /// A registration refresh went through (LARG-4, AF-LESR).
        RegistrationRefreshSucceeded = 3,
        /// A registration refresh did not go through; retries follow (LARG-4, AF-LESR).
        RegistrationRefreshFailed = 4,
        /// No server could be found to establish with (AF-LESR, D5).
        ServerDiscoveryFailed = 5,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Signaling.SubscriptionSignalingState`, the type of
    /// `SipSubscription.CurrentState` (AF-SSS).
    pub enum SubscriptionSignalingState {
        /// `Subscribe` has not been called (AF-SSS).
        Idle = 0,
        /// A SUBSCRIBE waits for its 200 OK (AF-SSS).
        Subscribing = 1,
        /// The subscription is active (AF-SSS).
        Subscribed = 2,
        /// An attempt failed; another will follow (AF-SSS, SUB-3).
        WaitingForRetry = 3,
        /// An unsubscribe is on its way (AF-SSS).
        Terminating = 4,
        /// Ended; the instance cannot be used again (AF-SSS, AF-SIPSUB).
        Terminated = 5,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Signaling.TransitionReason`: who caused a SipSubscription's change
    /// (AF-TR).
    pub enum TransitionReason {
        /// Something from the network or the server (AF-TR).
        ServerEvent = 0,
        /// The client's own call or timer (AF-TR).
        ClientEvent = 1,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.Presence.SubscriptionStateTransitionReason`: who caused
    /// a PublishSubscribeSession's change (AF-TR, PRES-1).
    pub enum SubscriptionStateTransitionReason {
        /// Something from the network or the server, the pool going offline among them
        /// (AF-TR, PRES-1).
        ServerEvent = 0,
        /// The application's own call (AF-TR).
        ClientEvent = 1,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.Presence.CollaborationSubscriptionState`, the type of
    /// `CurrentState` of LocalOwnerPresence and ContactGroupServices (AF-CSS, D3).
    pub enum CollaborationSubscriptionState {
        /// No subscription (AF-CSS).
        Idle = 0,
        /// The subscription is being set up (AF-CSS).
        Subscribing = 1,
        /// The subscription is active (AF-CSS).
        Subscribed = 2,
        /// The subscription is down and will be set up again (AF-CSS, PRES-1, PRES-3).
        WaitingForRetry = 3,
        /// The application's unsubscribe is under way (AF-CSS).
        Unsubscribing = 4,
        /// The subscription failed for good (AF-CSS).
        Terminated = 5,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.Presence.RemotePresentitySubscriptionState`: a remote
    /// presentity's subscription in a RemotePresenceView (AF-RPSS).
    pub enum RemotePresentitySubscriptionState {
        /// Not subscribed (AF-RPSS).
        Idle = 0,
        /// The subscription is being set up (AF-RPSS).
        Subscribing = 1,
        /// Presence is fetched by polling instead of a subscription (AF-RPSS).
        Polling = 2,
        /// The subscription is active (AF-RPSS).
        Subscribed = 3,
        /// The subscription is down and will be set up again (AF-RPSS, RP-1).
        WaitingForRetry = 4,
        /// The unsubscribe is under way (AF-RPSS).
        Terminating = 5,
        /// The subscription ended (AF-RPSS).
        Terminated = 6,
    }
}

vocabulary! {
    /// `Microsoft.Rtc.Collaboration.Presence.RemotePresentitySubscriptionStateTransitionReason`
    /// (AF-RPSS).
    pub enum RemotePresentitySubscriptionStateTransitionReason {
        /// No particular reason (AF-RPSS).
        None = 0,
        /// The server allows no more subscriptions; the view polls instead (AF-RPSS).
        SubscriptionLimitReached = 1,
        /// The presentity is an automated service (AF-RPSS).
        AutomatedService = 2,
    }
}

vocabulary! {
    /// The .NET exceptions a rejected stimulus reports (docs/CONTRACT.md section 3).
    pub enum Exception {
        /// The call is not valid in the object's current state (PRES-2, AF-PUB, AF-PSS,
        /// AF-SIPSUB, AF-DRAIN).
        InvalidOperationException = 0,
    }
}
