//! RemotePresence: a remote presentity's subscription in a RemotePresenceView and its
//! `RemotePresentitySubscriptionState` (RP-1, AF-RPSS, SUB-4).
//!
//! A home-pool subscription behaves as LocalOwnerPresence's (RP-1 with PRES-1..PRES-4):
//! the pool going offline or the subscription underneath ending leads to WaitingForRetry,
//! and the pool's recovery sets it up again. A subscription to another pool is not
//! covered by the high-availability rules (SUB-4): an ended subscription underneath
//! leaves it Idle.
//!
//! # Diagram
//! Every move of the table, generated from its rows by `ucma-ha docs` (`docs/remote_presence.svg`;
//! `docs/SPEC.md` also lists the rows that ignore or reject a stimulus):
//!
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/remote_presence.svg"), "</div>\n")]

use fsm::{Machine, Row, RowGuard};
use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::vocabulary::{
    Exception, RemotePresentitySubscriptionState, RemotePresentitySubscriptionStateTransitionReason,
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
        /// What can happen to a remote presentity's subscription (docs/CONTRACT.md section 2).
        pub enum RemotePresenceStimulus {
            /// The application starts subscribing to the presentity (AF-RPSS).
            BeginSubscribe,
            /// The SUBSCRIBE is answered with 200 OK (AF-RPSS).
            SubscribeOk,
            /// The server allows no more subscriptions; the view polls instead (AF-RPSS).
            SubscriptionLimitReached,
            /// The platform learns that the User Services pool is offline (RP-1, PRES-1).
            PoolOffline,
            /// The SipSubscription underneath becomes Terminated (RP-1, PRES-3).
            UnderlyingSubscriptionTerminated,
            /// The platform learns that the User Services pool is back (RP-1, PRES-4).
            PoolRecovered,
            /// The application stops subscribing to the presentity (AF-RPSS).
            BeginUnsubscribe,
            /// The unsubscribe is answered (AF-RPSS).
            UnsubscribeOk,
        }
    }
}

pub use symbols::RemotePresenceStimulus;

/// Parameters of a remote presence subscription (docs/CONTRACT.md section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemotePresenceParameters {
    /// The subscription goes to the owner's home pool (RP-1, SUB-4). Default true.
    pub home_pool: bool,
}

impl Default for RemotePresenceParameters {
    fn default() -> Self {
        RemotePresenceParameters { home_pool: true }
    }
}

impl fsm::Parameters for RemotePresenceParameters {
    fn all() -> Vec<Self> {
        vec![
            RemotePresenceParameters { home_pool: true },
            RemotePresenceParameters { home_pool: false },
        ]
    }
}

/// The argument a row gives its `RemoteSubscriptionStateChanged` (AF-RPSS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename = "RemoteSubscriptionStateChanged",
    rename_all = "PascalCase"
)]
pub struct RemotePresenceEffect {
    /// `Reason` (AF-RPSS).
    pub reason: RemotePresentitySubscriptionStateTransitionReason,
}

/// The remote presence machine, id `remote_presence`.
#[derive(Debug, Clone, Copy)]
pub struct RemotePresence;

impl Machine for RemotePresence {
    const ID: &'static str = "remote_presence";
    type State = RemotePresentitySubscriptionState;
    type Stimulus = RemotePresenceStimulus;
    type Effect = RemotePresenceEffect;
    type Event = Event;
    type Error = Exception;
    type Parameters = RemotePresenceParameters;

    fn rows() -> &'static [Row<Self>] {
        ROWS
    }

    fn initial(_: &RemotePresenceParameters) -> RemotePresentitySubscriptionState {
        RemotePresentitySubscriptionState::Idle
    }

    /// A view can subscribe to a presentity again after it ended: no state is final.
    fn is_final(_: RemotePresentitySubscriptionState) -> bool {
        false
    }

    fn raise(
        from: RemotePresentitySubscriptionState,
        to: RemotePresentitySubscriptionState,
        effect: &RemotePresenceEffect,
    ) -> Event {
        Event::RemoteSubscriptionStateChanged {
            previous_state: from,
            state: to,
            reason: effect.reason,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------

use RemotePresenceStimulus::*;
use RemotePresentitySubscriptionState::{
    Idle, Polling, Subscribed, Subscribing, Terminated, Terminating, WaitingForRetry,
};
use RemotePresentitySubscriptionStateTransitionReason as Why;

const CHANGED: &[RemotePresenceEffect] = &[RemotePresenceEffect { reason: Why::None }];
const LIMIT: &[RemotePresenceEffect] = &[RemotePresenceEffect {
    reason: Why::SubscriptionLimitReached,
}];

const HOME: RowGuard<RemotePresenceParameters> = RowGuard::new("home_pool", |p| p.home_pool);
const ELSEWHERE: RowGuard<RemotePresenceParameters> = RowGuard::new("!home_pool", |p| !p.home_pool);

type R = Row<RemotePresence>;
const NO: Exception = Exception::InvalidOperationException;

#[rustfmt::skip]
static ROWS: &[R] = &fsm::rows![
    // Idle.
    R::moves(Idle, BeginSubscribe, Subscribing, CHANGED, &["AF-RPSS"]),
    R::ignores(Idle, SubscribeOk | SubscriptionLimitReached, &["AF-RPSS"]),
    R::ignores(Idle, PoolOffline, &["RP-1", "PRES-1"]),
    R::ignores(Idle, UnderlyingSubscriptionTerminated | PoolRecovered, &["RP-1"]),
    R::ignores(Idle, BeginUnsubscribe | UnsubscribeOk, &["AF-RPSS"]),
    // Subscribing.
    R::rejects(Subscribing, BeginSubscribe, NO, &["AF-RPSS", "AF-PSS"]),
    R::moves(Subscribing, SubscribeOk, Subscribed, CHANGED, &["AF-RPSS", "RP-1", "PRES-4"]),
    R::moves(Subscribing, SubscriptionLimitReached, Polling, LIMIT, &["AF-RPSS"]),
    R::moves(Subscribing, PoolOffline, WaitingForRetry, CHANGED, &["RP-1", "PRES-1"])
    .when(HOME),
    R::ignores(Subscribing, PoolOffline, &["RP-1", "SUB-4"]).when(ELSEWHERE),
    R::moves(Subscribing, UnderlyingSubscriptionTerminated, WaitingForRetry, CHANGED, &["RP-1", "PRES-3"])
    .when(HOME),
    R::moves(Subscribing, UnderlyingSubscriptionTerminated, Idle, CHANGED, &["RP-1", "SUB-4"])
    .when(ELSEWHERE),
    R::ignores(Subscribing, PoolRecovered, &["RP-1"]),
    R::moves(Subscribing, BeginUnsubscribe, Terminating, CHANGED, &["AF-RPSS"]),
    R::ignores(Subscribing, UnsubscribeOk, &["AF-RPSS"]),
    // Polling: no subscription; presence is fetched by queries.
    R::rejects(Polling, BeginSubscribe, NO, &["AF-RPSS"]),
    R::ignores(Polling, SubscribeOk | SubscriptionLimitReached, &["AF-RPSS"]),
    R::ignores(Polling, PoolOffline | UnderlyingSubscriptionTerminated | PoolRecovered, &["RP-1"]),
    R::moves(Polling, BeginUnsubscribe, Terminating, CHANGED, &["AF-RPSS"]),
    R::ignores(Polling, UnsubscribeOk, &["AF-RPSS"]),
    // Subscribed.
    R::rejects(Subscribed, BeginSubscribe, NO, &["AF-RPSS", "AF-PSS"]),
    R::ignores(Subscribed, SubscribeOk | SubscriptionLimitReached, &["AF-RPSS"]),
    R::moves(Subscribed, PoolOffline, WaitingForRetry, CHANGED, &["RP-1", "PRES-1"])
    .when(HOME),
    R::ignores(Subscribed, PoolOffline, &["RP-1", "SUB-4"]).when(ELSEWHERE),
    R::moves(Subscribed, UnderlyingSubscriptionTerminated, WaitingForRetry, CHANGED, &["RP-1", "PRES-3"])
    .when(HOME),
    R::moves(Subscribed, UnderlyingSubscriptionTerminated, Idle, CHANGED, &["RP-1", "SUB-4"])
    .when(ELSEWHERE),
    R::ignores(Subscribed, PoolRecovered, &["RP-1"]),
    R::moves(Subscribed, BeginUnsubscribe, Terminating, CHANGED, &["AF-RPSS"]),
    R::ignores(Subscribed, UnsubscribeOk, &["AF-RPSS"]),
    // WaitingForRetry: a home-pool subscription waiting for the pool.
    R::rejects(WaitingForRetry, BeginSubscribe, NO, &["AF-RPSS", "AF-PSS"]),
    R::ignores(WaitingForRetry, SubscribeOk | SubscriptionLimitReached, &["AF-RPSS"]),
    R::ignores(WaitingForRetry, PoolOffline, &["RP-1", "PRES-1"]),
    R::ignores(WaitingForRetry, UnderlyingSubscriptionTerminated, &["RP-1", "PRES-3"]),
    R::moves(WaitingForRetry, PoolRecovered, Subscribing, CHANGED, &["RP-1", "PRES-4"]),
    R::moves(WaitingForRetry, BeginUnsubscribe, Terminated, CHANGED, &["AF-RPSS"]),
    R::ignores(WaitingForRetry, UnsubscribeOk, &["AF-RPSS"]),
    // Terminating.
    R::rejects(Terminating, BeginSubscribe, NO, &["AF-RPSS"]),
    R::ignores(Terminating,
        SubscribeOk | SubscriptionLimitReached | PoolOffline | UnderlyingSubscriptionTerminated
        | PoolRecovered | BeginUnsubscribe, &["AF-RPSS"]),
    R::moves(Terminating, UnsubscribeOk, Terminated, CHANGED, &["AF-RPSS"]),
    // Terminated: the view may subscribe to the presentity again.
    R::moves(Terminated, BeginSubscribe, Subscribing, CHANGED, &["AF-RPSS"]),
    R::ignores(Terminated,
        SubscribeOk | SubscriptionLimitReached | PoolOffline | UnderlyingSubscriptionTerminated
        | PoolRecovered | BeginUnsubscribe | UnsubscribeOk, &["AF-RPSS"]),
];

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

// The documented properties (`invariants::Documented`) and the clause tests are in
// `properties.rs`; the random runs that check them are in `proptests.rs` (compiled into
// the `proptests` test, not into the library).
mod properties;
