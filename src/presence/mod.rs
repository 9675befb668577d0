//! LocalOwnerPresence and ContactGroupServices: the two PublishSubscribeSessions of a user
//! endpoint, each over a SipSubscription to the owner's home pool (PRES-1..PRES-4,
//! AF-CSS, AF-PSS, AF-PUB, AF-CGS, D3, D6).
//!
//! Both follow one table; they differ only in their operation (`BeginPublishPresence`,
//! `BeginAddContact`) and in where that operation is accepted (D6). The table is written
//! once, generic over the [`Session`], and instantiated for each.
//!
//! # Diagrams
//! Every move of each table, generated from its rows by `ucma-ha docs`
//! (`docs/local_owner_presence.svg`, `docs/contact_group_services.svg`; `docs/SPEC.md` also lists the rows that ignore or
//! reject a stimulus):
//!
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/local_owner_presence.svg"), "</div>\n")]
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/contact_group_services.svg"), "</div>\n")]

use fsm::{Machine, NoParameters, Row, RowGuard};
use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::local_endpoint::EndpointKind;
use crate::vocabulary::{
    CollaborationSubscriptionState, Exception, SubscriptionStateTransitionReason,
};

// ---------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------

// Declared in a private module and re-exported, so that strum's iterator type is not
// named API: iterate with `IntoEnumIterator::iter` (docs/DECISIONS.md, "Code layout").
mod symbols {
    #[allow(unused_imports)]
    use super::*;

    fsm::symbol_enum! {
        /// What can happen to LocalOwnerPresence (docs/CONTRACT.md section 2).
        pub enum LocalOwnerPresenceStimulus {
            /// The application calls `BeginSubscribe` (AF-PSS).
            BeginSubscribe,
            /// The underlying SUBSCRIBE is answered with 200 OK (AF-CSS).
            SubscribeOk,
            /// The underlying SUBSCRIBE is refused for good (AF-CSS: "failed irrevocably").
            SubscribeRejected,
            /// The platform learns that the User Services pool is offline (PRES-1).
            PoolOffline,
            /// The underlying SipSubscription's `CurrentState` becomes Terminated (PRES-3).
            UnderlyingSubscriptionTerminated,
            /// The platform learns that the User Services pool is back (PRES-4).
            PoolRecovered,
            /// The application calls `BeginPublishPresence` (PRES-2, AF-PUB).
            BeginPublishPresence,
            /// The application calls `BeginUnsubscribe` (AF-PSS).
            BeginUnsubscribe,
            /// The unsubscribe is answered (AF-PSS).
            UnsubscribeOk,
        }
    }

    fsm::symbol_enum! {
        /// What can happen to ContactGroupServices (docs/CONTRACT.md section 2).
        pub enum ContactGroupServicesStimulus {
            /// The application calls `BeginSubscribe` (AF-PSS).
            BeginSubscribe,
            /// The underlying SUBSCRIBE is answered with 200 OK (AF-CSS).
            SubscribeOk,
            /// The underlying SUBSCRIBE is refused for good (AF-CSS).
            SubscribeRejected,
            /// The platform learns that the User Services pool is offline (PRES-1).
            PoolOffline,
            /// The underlying SipSubscription's `CurrentState` becomes Terminated (PRES-3).
            UnderlyingSubscriptionTerminated,
            /// The platform learns that the User Services pool is back (PRES-4).
            PoolRecovered,
            /// The application calls `BeginAddContact`, a contact operation (AF-CGS, D6).
            BeginAddContact,
            /// The application calls `BeginUnsubscribe` (AF-PSS).
            BeginUnsubscribe,
            /// The unsubscribe is answered (AF-PSS).
            UnsubscribeOk,
        }
    }
}

pub use symbols::{ContactGroupServicesStimulus, LocalOwnerPresenceStimulus};

/// Parameters of LocalOwnerPresence (docs/CONTRACT.md section 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalOwnerPresenceParameters {
    /// The kind of endpoint that owns the presence: `user` (default) or `application`.
    /// AF-PUB asks only user endpoints to subscribe before publishing.
    pub endpoint: EndpointKind,
}

impl fsm::Parameters for LocalOwnerPresenceParameters {
    fn all() -> Vec<Self> {
        vec![
            LocalOwnerPresenceParameters {
                endpoint: EndpointKind::User,
            },
            LocalOwnerPresenceParameters {
                endpoint: EndpointKind::Application,
            },
        ]
    }
}

/// The argument a row gives its `SubscriptionStateChange` (AF-CSS, AF-TR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename = "SubscriptionStateChange",
    rename_all = "PascalCase"
)]
pub struct SessionEffect {
    /// `Reason` (AF-TR, PRES-1).
    pub reason: SubscriptionStateTransitionReason,
}

/// A PublishSubscribeSession machine: what LocalOwnerPresence and ContactGroupServices
/// share, and the few constants in which they differ.
pub trait Session:
    Machine<
    State = CollaborationSubscriptionState,
    Effect = SessionEffect,
    Error = Exception,
    Event = Event,
>
{
    /// `BeginSubscribe`.
    const BEGIN_SUBSCRIBE: Self::Stimulus;
    /// `SubscribeOk`.
    const SUBSCRIBE_OK: Self::Stimulus;
    /// `SubscribeRejected`.
    const SUBSCRIBE_REJECTED: Self::Stimulus;
    /// `PoolOffline`.
    const POOL_OFFLINE: Self::Stimulus;
    /// `UnderlyingSubscriptionTerminated`.
    const UNDERLYING_TERMINATED: Self::Stimulus;
    /// `PoolRecovered`.
    const POOL_RECOVERED: Self::Stimulus;
    /// The session's operation: publishing or a contact operation.
    const OPERATION: Self::Stimulus;
    /// `BeginUnsubscribe`.
    const BEGIN_UNSUBSCRIBE: Self::Stimulus;
    /// `UnsubscribeOk`.
    const UNSUBSCRIBE_OK: Self::Stimulus;
    /// Whether the operation is accepted in Idle for every parameter set (D6: contact
    /// operations are; publishing is by an application endpoint only, see
    /// [`LocalOwnerPresence`]'s rows).
    const OPERATION_IN_IDLE: bool;
    /// The facts that say where the operation is accepted.
    const OPERATION_CLAUSES: &'static [&'static str];
}

/// The LocalOwnerPresence machine, id `local_owner_presence`.
#[derive(Debug, Clone, Copy)]
pub struct LocalOwnerPresence;

/// The ContactGroupServices machine, id `contact_group_services`.
#[derive(Debug, Clone, Copy)]
pub struct ContactGroupServices;

macro_rules! session_machine {
    ($machine:ident, $id:literal, $stimulus:ident, $parameters:ty, $operation:ident, $in_idle:literal, $clauses:expr, $rows:ident: $count:literal = $table:expr) => {
        impl Machine for $machine {
            const ID: &'static str = $id;
            type State = CollaborationSubscriptionState;
            type Stimulus = $stimulus;
            type Effect = SessionEffect;
            type Event = Event;
            type Error = Exception;
            type Parameters = $parameters;

            fn rows() -> &'static [Row<Self>] {
                &$rows
            }

            fn initial(_: &$parameters) -> CollaborationSubscriptionState {
                CollaborationSubscriptionState::Idle
            }

            /// Terminated means the session failed irrevocably (AF-CSS).
            fn is_final(state: CollaborationSubscriptionState) -> bool {
                state == CollaborationSubscriptionState::Terminated
            }

            fn raise(
                from: CollaborationSubscriptionState,
                to: CollaborationSubscriptionState,
                effect: &SessionEffect,
            ) -> Event {
                Event::SubscriptionStateChange {
                    previous_state: from,
                    state: to,
                    reason: effect.reason,
                }
            }
        }

        impl Session for $machine {
            const BEGIN_SUBSCRIBE: $stimulus = $stimulus::BeginSubscribe;
            const SUBSCRIBE_OK: $stimulus = $stimulus::SubscribeOk;
            const SUBSCRIBE_REJECTED: $stimulus = $stimulus::SubscribeRejected;
            const POOL_OFFLINE: $stimulus = $stimulus::PoolOffline;
            const UNDERLYING_TERMINATED: $stimulus = $stimulus::UnderlyingSubscriptionTerminated;
            const POOL_RECOVERED: $stimulus = $stimulus::PoolRecovered;
            const OPERATION: $stimulus = $stimulus::$operation;
            const BEGIN_UNSUBSCRIBE: $stimulus = $stimulus::BeginUnsubscribe;
            const UNSUBSCRIBE_OK: $stimulus = $stimulus::UnsubscribeOk;
            const OPERATION_IN_IDLE: bool = $in_idle;
            const OPERATION_CLAUSES: &'static [&'static str] = $clauses;
        }

        static $rows: [Row<$machine>; $count] = $table;
    };
}

session_machine!(
    LocalOwnerPresence,
    "local_owner_presence",
    LocalOwnerPresenceStimulus,
    LocalOwnerPresenceParameters,
    BeginPublishPresence,
    false,
    &["AF-PUB", "D6"],
    LOCAL_OWNER_PRESENCE_ROWS: 55 = local_owner_presence_rows()
);
session_machine!(
    ContactGroupServices,
    "contact_group_services",
    ContactGroupServicesStimulus,
    NoParameters,
    BeginAddContact,
    true,
    &["AF-CGS", "D6"],
    CONTACT_GROUP_SERVICES_ROWS: 54 = session_rows::<ContactGroupServices>()
);

// ---------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------

use CollaborationSubscriptionState::{
    Idle, Subscribed, Subscribing, Terminated, Unsubscribing, WaitingForRetry,
};

/// The application's own call (AF-TR).
const CLIENT: &[SessionEffect] = &[SessionEffect {
    reason: SubscriptionStateTransitionReason::ClientEvent,
}];
/// The server, the network or the pool (AF-TR, PRES-1).
const SERVER: &[SessionEffect] = &[SessionEffect {
    reason: SubscriptionStateTransitionReason::ServerEvent,
}];
const NO: Exception = Exception::InvalidOperationException;

/// The table every PublishSubscribeSession follows, for the session `M`.
///
/// # Returns
/// 54 rows: the 6 states of `CollaborationSubscriptionState` times the 9 stimuli.
#[rustfmt::skip]
const fn session_rows<M: Session>() -> [Row<M>; 54] {
    fsm::rows![
        // Idle: no subscription.
        Row::moves(Idle, M::BEGIN_SUBSCRIBE, Subscribing, CLIENT, &["AF-PSS", "AF-CSS", "AF-TR"]),
        Row::ignores(Idle, M::SUBSCRIBE_OK | M::SUBSCRIBE_REJECTED, &["AF-CSS"]),
        Row::ignores(Idle, M::POOL_OFFLINE, &["PRES-1"]),
        Row::ignores(Idle, M::UNDERLYING_TERMINATED, &["PRES-3"]),
        Row::ignores(Idle, M::POOL_RECOVERED, &["PRES-4"]),
        Operation::in_idle(Idle, M::OPERATION, M::OPERATION_CLAUSES),
        Row::ignores(Idle, M::BEGIN_UNSUBSCRIBE | M::UNSUBSCRIBE_OK, &["AF-PSS"]),
        // Subscribing.
        Row::rejects(Subscribing, M::BEGIN_SUBSCRIBE, NO, &["AF-PSS"]),
        Row::moves(Subscribing, M::SUBSCRIBE_OK, Subscribed, SERVER, &["AF-CSS", "PRES-4", "AF-TR"]),
        Row::moves(Subscribing, M::SUBSCRIBE_REJECTED, Terminated, SERVER, &["AF-CSS"]),
        Row::moves(Subscribing, M::POOL_OFFLINE, WaitingForRetry, SERVER, &["PRES-1", "D3"]),
        Row::moves(Subscribing, M::UNDERLYING_TERMINATED, WaitingForRetry, SERVER, &["PRES-3", "D3"]),
        Row::ignores(Subscribing, M::POOL_RECOVERED, &["PRES-4"]),
        Row::rejects(Subscribing, M::OPERATION, NO, M::OPERATION_CLAUSES),
        Row::moves(Subscribing, M::BEGIN_UNSUBSCRIBE, Unsubscribing, CLIENT, &["AF-PSS", "AF-TR"]),
        Row::ignores(Subscribing, M::UNSUBSCRIBE_OK, &["AF-PSS"]),
        // Subscribed.
        Row::rejects(Subscribed, M::BEGIN_SUBSCRIBE, NO, &["AF-PSS"]),
        Row::ignores(Subscribed, M::SUBSCRIBE_OK | M::SUBSCRIBE_REJECTED, &["AF-CSS"]),
        Row::moves(Subscribed, M::POOL_OFFLINE, WaitingForRetry, SERVER, &["PRES-1", "D3", "AF-TR"]),
        Row::moves(Subscribed, M::UNDERLYING_TERMINATED, WaitingForRetry, SERVER, &["PRES-3", "D3"]),
        Row::ignores(Subscribed, M::POOL_RECOVERED, &["PRES-4"]),
        Row::moves(Subscribed, M::OPERATION, Subscribed, &[], M::OPERATION_CLAUSES),
        Row::moves(Subscribed, M::BEGIN_UNSUBSCRIBE, Unsubscribing, CLIENT, &["AF-PSS", "AF-TR"]),
        Row::ignores(Subscribed, M::UNSUBSCRIBE_OK, &["AF-PSS"]),
        // WaitingForRetry: the pool is offline or the subscription underneath ended.
        Row::rejects(WaitingForRetry, M::BEGIN_SUBSCRIBE, NO, &["AF-PSS"]),
        Row::ignores(WaitingForRetry, M::SUBSCRIBE_OK | M::SUBSCRIBE_REJECTED, &["AF-CSS"]),
        Row::ignores(WaitingForRetry, M::POOL_OFFLINE, &["PRES-1"]),
        Row::ignores(WaitingForRetry, M::UNDERLYING_TERMINATED, &["PRES-3"]),
        Row::moves(WaitingForRetry, M::POOL_RECOVERED, Subscribing, SERVER, &["PRES-4", "AF-TR"]),
        Row::rejects(WaitingForRetry, M::OPERATION, NO, &["PRES-2", "AF-PUB", "AF-CGS", "D6"]),
        Row::moves(WaitingForRetry, M::BEGIN_UNSUBSCRIBE, Idle, CLIENT, &["AF-PSS"]),
        Row::ignores(WaitingForRetry, M::UNSUBSCRIBE_OK, &["AF-PSS"]),
        // Unsubscribing.
        Row::rejects(Unsubscribing, M::BEGIN_SUBSCRIBE, NO, &["AF-PSS"]),
        Row::ignores(Unsubscribing, M::SUBSCRIBE_OK | M::SUBSCRIBE_REJECTED, &["AF-CSS"]),
        Row::ignores(Unsubscribing, M::POOL_OFFLINE, &["PRES-1"]),
        Row::ignores(Unsubscribing, M::UNDERLYING_TERMINATED, &["PRES-3"]),
        Row::ignores(Unsubscribing, M::POOL_RECOVERED, &["PRES-4"]),
        Row::rejects(Unsubscribing, M::OPERATION, NO, M::OPERATION_CLAUSES),
        Row::ignores(Unsubscribing, M::BEGIN_UNSUBSCRIBE, &["AF-PSS"]),
        Row::moves(Unsubscribing, M::UNSUBSCRIBE_OK, Idle, SERVER, &["AF-PSS", "AF-TR"]),
        // Terminated: failed for good.
        Row::rejects(Terminated, M::BEGIN_SUBSCRIBE, NO, &["AF-CSS", "AF-PSS"]),
        Row::ignores(Terminated,
            M::SUBSCRIBE_OK | M::SUBSCRIBE_REJECTED | M::POOL_OFFLINE | M::UNDERLYING_TERMINATED
            | M::POOL_RECOVERED, &["AF-CSS"]),
        Row::rejects(Terminated, M::OPERATION, NO, M::OPERATION_CLAUSES),
        Row::ignores(Terminated, M::BEGIN_UNSUBSCRIBE, &["AF-PSS"]),
        Row::ignores(Terminated, M::UNSUBSCRIBE_OK, &["AF-CSS"]),
    ]
}

/// The session's operation in Idle: accepted and changing nothing where
/// [`Session::OPERATION_IN_IDLE`] says so, refused otherwise.
struct Operation;

impl Operation {
    const fn in_idle<M: Session>(
        from: CollaborationSubscriptionState,
        on: M::Stimulus,
        clauses: &'static [&'static str],
    ) -> Row<M> {
        if M::OPERATION_IN_IDLE {
            Row::moves(from, on, from, &[], clauses)
        } else {
            Row::rejects(from, on, NO, clauses)
        }
    }
}

const USER: RowGuard<LocalOwnerPresenceParameters> =
    RowGuard::new("endpoint = user", |p| p.endpoint == EndpointKind::User);
const APPLICATION: RowGuard<LocalOwnerPresenceParameters> =
    RowGuard::new("endpoint = application", |p| {
        p.endpoint == EndpointKind::Application
    });

/// Where the session table's `BeginPublishPresence` row in Idle stands.
const PUBLISH_IN_IDLE: usize = 6;

/// LocalOwnerPresence's table: the [`session_rows`], where publishing in Idle is refused
/// for a user endpoint only; an application endpoint need not subscribe first (AF-PUB,
/// D6), so there publishing in Idle is accepted and changes nothing.
///
/// # Returns
/// 55 rows: the 54 session rows with the Idle publish row split by endpoint kind.
#[rustfmt::skip]
const fn local_owner_presence_rows() -> [Row<LocalOwnerPresence>; 55] {
    use LocalOwnerPresenceStimulus::BeginPublishPresence;
    let base = session_rows::<LocalOwnerPresence>();
    let mut out = [base[0]; 55];
    let mut i = 0;
    while i < 54 {
        out[if i > PUBLISH_IN_IDLE { i + 1 } else { i }] = base[i];
        i += 1;
    }
    out[PUBLISH_IN_IDLE] = Row::rejects(Idle, BeginPublishPresence, NO, &["AF-PUB", "D6"]).when(USER);
    out[PUBLISH_IN_IDLE + 1] =
        Row::moves(Idle, BeginPublishPresence, Idle, &[], &["AF-PUB", "D6"]).when(APPLICATION);
    out
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

// The documented properties (`invariants::Documented`) and the clause tests are in
// `properties.rs`; the random runs that check them are in `proptests.rs` (compiled into
// the `proptests` test, not into the library).
mod properties;
