//! SipSubscription: a SIP SUBSCRIBE dialog and its `SubscriptionSignalingState`, with the
//! platform's high-availability retry rules (SUB-1..SUB-4, AF-SSS, AF-SIPSUB, AF-TR,
//! AF-6665).
//!
//! With `platform` and `home_pool` both set (the subscription belongs to the UCMA platform
//! and goes to the owner's home pool), a refresh that fails because the pool does not
//! answer leaves the subscription waiting to retry instead of terminating it (SUB-3,
//! SUB-4), the retry timer is held back while User Services is known to be unavailable,
//! and the pool's recovery drives the retry instead (SUB-2).
//!
//! # Diagram
//! Every move of the table, generated from its rows by `ucma-ha docs` (`docs/sip_subscription.svg`;
//! `docs/SPEC.md` also lists the rows that ignore or reject a stimulus):
//!
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/sip_subscription.svg"), "</div>\n")]

use fsm::{Machine, Row, RowGuard};
use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::vocabulary::{
    Exception::{self, InvalidOperationException},
    SubscriptionSignalingState, TransitionReason,
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
        /// What can happen to a SipSubscription (docs/CONTRACT.md section 2).
        pub enum SipSubscriptionStimulus {
            /// The owner calls `BeginSubscribe` (AF-SIPSUB).
            BeginSubscribe,
            /// The SUBSCRIBE is answered with 200 OK (AF-SSS).
            SubscribeOk,
            /// The SUBSCRIBE fails for now: a time-out or a 5xx answer (AF-SIPSUB).
            SubscribeFailed,
            /// The SUBSCRIBE is refused for good: a 4xx answer (AF-6665).
            SubscribeRejected,
            /// The subscription's own refresh timer fires and a refresh is sent (AF-SIPSUB).
            RefreshDue,
            /// The refresh is answered with 200 OK (AF-SIPSUB).
            RefreshOk,
            /// The refresh fails because the pool does not answer (SUB-3).
            RefreshFailedPoolUnresponsive,
            /// The refresh is refused for good (AF-6665).
            RefreshFailedFinal,
            /// A NOTIFY says the subscription is terminated (AF-6665, PRES-3).
            NotifyTerminated,
            /// The retry timer of a waiting subscription fires (AF-SIPSUB).
            RetryTimerFired,
            /// The retry timer fires while the platform knows User Services is unavailable
            /// (the registration reports it, REG-2): a protected subscription holds its retry
            /// back (SUB-2, SUB-4); any other one retries as usual.
            RetryTimerFiredUserServicesUnavailable,
            /// The platform learns that the User Services pool is back (SUB-2, PRES-4).
            PoolRecovered,
            /// The owner calls `BeginTerminate` (AF-SIPSUB).
            BeginTerminate,
            /// The unsubscribe is answered (AF-SSS).
            TerminateCompleted,
            /// The owner calls `Refresh` (AF-SIPSUB: only valid while Subscribed).
            BeginRefresh,
        }
    }
}

pub use symbols::SipSubscriptionStimulus;

/// Parameters of a SipSubscription (docs/CONTRACT.md section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipSubscriptionParameters {
    /// Used as part of the UCMA platform (SUB-1). Default true.
    pub platform: bool,
    /// Tied to the User Services pool the owner is homed on (SUB-4). Default true.
    pub home_pool: bool,
    /// A query (Expires: 0): fetched once, never refreshed nor retried (AF-SIPSUB).
    /// Default false.
    pub query_only: bool,
}

impl Default for SipSubscriptionParameters {
    fn default() -> Self {
        SipSubscriptionParameters {
            platform: true,
            home_pool: true,
            query_only: false,
        }
    }
}

impl SipSubscriptionParameters {
    /// Whether the high-availability rules apply: platform and home pool (SUB-1, SUB-4).
    pub const fn protected(&self) -> bool {
        self.platform && self.home_pool
    }
}

impl fsm::Parameters for SipSubscriptionParameters {
    fn all() -> Vec<Self> {
        let mut all = Vec::with_capacity(8);
        for platform in [true, false] {
            for home_pool in [true, false] {
                for query_only in [false, true] {
                    all.push(SipSubscriptionParameters {
                        platform,
                        home_pool,
                        query_only,
                    });
                }
            }
        }
        all
    }
}

/// The argument a row gives its `SubscriptionStateChanged` (AF-SIPSUB, AF-TR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename = "SubscriptionStateChanged",
    rename_all = "PascalCase"
)]
pub struct SipSubscriptionEffect {
    /// `Reason` (AF-TR).
    pub reason: TransitionReason,
}

/// The SipSubscription machine, id `sip_subscription`.
#[derive(Debug, Clone, Copy)]
pub struct SipSubscription;

impl Machine for SipSubscription {
    const ID: &'static str = "sip_subscription";
    type State = SubscriptionSignalingState;
    type Stimulus = SipSubscriptionStimulus;
    type Effect = SipSubscriptionEffect;
    type Event = Event;
    type Error = Exception;
    type Parameters = SipSubscriptionParameters;

    fn rows() -> &'static [Row<Self>] {
        ROWS
    }

    fn initial(_: &SipSubscriptionParameters) -> SubscriptionSignalingState {
        SubscriptionSignalingState::Idle
    }

    /// A terminated SipSubscription cannot be used again (AF-SIPSUB).
    fn is_final(state: SubscriptionSignalingState) -> bool {
        state == SubscriptionSignalingState::Terminated
    }

    fn raise(
        from: SubscriptionSignalingState,
        to: SubscriptionSignalingState,
        effect: &SipSubscriptionEffect,
    ) -> Event {
        Event::SubscriptionStateChanged {
            previous_state: from,
            state: to,
            reason: effect.reason,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------

use SipSubscriptionStimulus::*;
use SubscriptionSignalingState::{
    Idle, Subscribed, Subscribing, Terminated, Terminating, WaitingForRetry,
};

/// Caused by the owner's call or its own timer (AF-TR).
const CLIENT: &[SipSubscriptionEffect] = &[SipSubscriptionEffect {
    reason: TransitionReason::ClientEvent,
}];
/// Caused by the network or the server (AF-TR).
const SERVER: &[SipSubscriptionEffect] = &[SipSubscriptionEffect {
    reason: TransitionReason::ServerEvent,
}];

const PROTECTED: RowGuard<SipSubscriptionParameters> = RowGuard::new(
    "platform && home_pool",
    SipSubscriptionParameters::protected,
);
const UNPROTECTED: RowGuard<SipSubscriptionParameters> =
    RowGuard::new("!(platform && home_pool)", |p| !p.protected());
const QUERY: RowGuard<SipSubscriptionParameters> = RowGuard::new("query_only", |p| p.query_only);
const NOT_QUERY: RowGuard<SipSubscriptionParameters> =
    RowGuard::new("!query_only", |p| !p.query_only);

type R = Row<SipSubscription>;
const NO: Exception = InvalidOperationException;

#[rustfmt::skip]
static ROWS: &[R] = &fsm::rows![
    // Idle: Subscribe not called yet.
    R::moves(Idle, BeginSubscribe, Subscribing, CLIENT, &["AF-SSS", "AF-TR"]),
    R::ignores(Idle,
        SubscribeOk | SubscribeFailed | SubscribeRejected | RefreshDue | RefreshOk
        | RefreshFailedPoolUnresponsive | RefreshFailedFinal | NotifyTerminated | RetryTimerFired
        | RetryTimerFiredUserServicesUnavailable, &["AF-SSS"]),
    R::ignores(Idle, PoolRecovered, &["SUB-1"]),
    R::moves(Idle, BeginTerminate, Terminated, CLIENT, &["AF-SIPSUB", "AF-TR"]),
    R::ignores(Idle, TerminateCompleted, &["AF-SSS"]),
    R::rejects(Idle, BeginRefresh, NO, &["AF-SIPSUB"]),
    // Subscribing: waiting for the 200 OK.
    R::rejects(Subscribing, BeginSubscribe, NO, &["AF-SIPSUB"]),
    R::moves(Subscribing, SubscribeOk, Subscribed, SERVER, &["AF-SSS", "AF-TR"])
    .when(NOT_QUERY),
    R::moves(Subscribing, SubscribeOk, Terminated, SERVER, &["AF-SIPSUB"]).when(QUERY),
    R::moves(Subscribing, SubscribeFailed, WaitingForRetry, SERVER, &["AF-SIPSUB", "AF-SSS"])
    .when(NOT_QUERY),
    R::moves(Subscribing, SubscribeFailed, Terminated, SERVER, &["AF-SIPSUB"])
    .when(QUERY),
    R::moves(Subscribing, SubscribeRejected, Terminated, SERVER, &["AF-6665", "AF-SSS"]),
    R::ignores(Subscribing, RefreshDue | RefreshOk | RefreshFailedPoolUnresponsive | RefreshFailedFinal, &["AF-SIPSUB"]),
    R::moves(Subscribing, NotifyTerminated, Terminated, SERVER, &["AF-6665", "PRES-3"]),
    R::ignores(Subscribing, RetryTimerFired | RetryTimerFiredUserServicesUnavailable, &["AF-SIPSUB"]),
    R::ignores(Subscribing, PoolRecovered, &["SUB-2"]),
    R::moves(Subscribing, BeginTerminate, Terminating, CLIENT, &["AF-SSS", "AF-TR"]),
    R::ignores(Subscribing, TerminateCompleted, &["AF-SSS"]),
    R::rejects(Subscribing, BeginRefresh, NO, &["AF-SIPSUB"]),
    // Subscribed: active; refreshes itself before expiry.
    R::rejects(Subscribed, BeginSubscribe, NO, &["AF-SIPSUB"]),
    R::ignores(Subscribed, SubscribeOk | SubscribeFailed | SubscribeRejected, &["AF-SSS"]),
    R::moves(Subscribed, RefreshDue, Subscribed, &[], &["AF-SIPSUB"]),
    R::ignores(Subscribed, RefreshOk, &["AF-SIPSUB"]),
    R::moves(Subscribed, RefreshFailedPoolUnresponsive, WaitingForRetry, SERVER, &["SUB-3", "SUB-4", "SUB-1"])
    .when(PROTECTED),
    R::moves(Subscribed, RefreshFailedPoolUnresponsive, Terminated, SERVER, &["SUB-1", "SUB-4", "AF-SIPSUB"])
    .when(UNPROTECTED),
    R::moves(Subscribed, RefreshFailedFinal, Terminated, SERVER, &["AF-6665", "AF-SIPSUB"]),
    R::moves(Subscribed, NotifyTerminated, Terminated, SERVER, &["AF-6665", "PRES-3"]),
    R::ignores(Subscribed, RetryTimerFired | RetryTimerFiredUserServicesUnavailable, &["AF-SIPSUB"]),
    R::ignores(Subscribed, PoolRecovered, &["SUB-2"]),
    R::moves(Subscribed, BeginTerminate, Terminating, CLIENT, &["AF-SSS", "AF-TR"]),
    R::ignores(Subscribed, TerminateCompleted, &["AF-SSS"]),
    R::moves(Subscribed, BeginRefresh, Subscribed, &[], &["AF-SIPSUB"]),
    // WaitingForRetry: down, to be tried again.
    R::rejects(WaitingForRetry, BeginSubscribe, NO, &["AF-SIPSUB"]),
    R::ignores(WaitingForRetry, SubscribeOk | SubscribeFailed | SubscribeRejected, &["AF-SSS"]),
    R::ignores(WaitingForRetry, RefreshDue | RefreshOk, &["AF-SIPSUB"]),
    R::ignores(WaitingForRetry, RefreshFailedPoolUnresponsive, &["SUB-3"]),
    R::ignores(WaitingForRetry, RefreshFailedFinal, &["AF-SIPSUB"]),
    R::ignores(WaitingForRetry, NotifyTerminated, &["AF-6665"]),
    R::moves(WaitingForRetry, RetryTimerFired, Subscribing, CLIENT, &["AF-SIPSUB", "AF-SSS"]),
    R::ignores(WaitingForRetry, RetryTimerFiredUserServicesUnavailable, &["SUB-2", "SUB-4", "SUB-1"])
    .when(PROTECTED),
    R::moves(WaitingForRetry, RetryTimerFiredUserServicesUnavailable, Subscribing, CLIENT, &["SUB-4", "SUB-1", "AF-SIPSUB"])
    .when(UNPROTECTED),
    R::moves(WaitingForRetry, PoolRecovered, Subscribing, SERVER, &["SUB-2", "PRES-4"])
    .when(PROTECTED),
    R::ignores(WaitingForRetry, PoolRecovered, &["SUB-1", "SUB-4"]).when(UNPROTECTED),
    R::moves(WaitingForRetry, BeginTerminate, Terminated, CLIENT, &["AF-SIPSUB"]),
    R::ignores(WaitingForRetry, TerminateCompleted, &["AF-SSS"]),
    R::rejects(WaitingForRetry, BeginRefresh, NO, &["AF-SIPSUB"]),
    // Terminating: the unsubscribe is on its way.
    R::rejects(Terminating, BeginSubscribe, NO, &["AF-SIPSUB"]),
    R::ignores(Terminating,
        SubscribeOk | SubscribeFailed | SubscribeRejected | RefreshDue | RefreshOk
        | RefreshFailedPoolUnresponsive | RefreshFailedFinal | NotifyTerminated | RetryTimerFired
        | RetryTimerFiredUserServicesUnavailable | PoolRecovered | BeginTerminate, &["AF-SSS"]),
    R::moves(Terminating, TerminateCompleted, Terminated, SERVER, &["AF-SSS", "AF-TR"]),
    R::rejects(Terminating, BeginRefresh, NO, &["AF-SIPSUB"]),
    // Terminated: final; the instance cannot be reused.
    R::rejects(Terminated, BeginSubscribe, NO, &["AF-SIPSUB"]),
    R::ignores(Terminated,
        SubscribeOk | SubscribeFailed | SubscribeRejected | RefreshDue | RefreshOk
        | RefreshFailedPoolUnresponsive | RefreshFailedFinal | NotifyTerminated | RetryTimerFired
        | RetryTimerFiredUserServicesUnavailable | PoolRecovered | BeginTerminate | TerminateCompleted, &["AF-SIPSUB"]),
    R::rejects(Terminated, BeginRefresh, NO, &["AF-SIPSUB"]),
];

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

// The documented properties (`invariants::Documented`) and the clause tests are in
// `properties.rs`; the random runs that check them are in `proptests.rs` (compiled into
// the `proptests` test, not into the library).
mod properties;
