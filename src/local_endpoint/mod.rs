//! LocalEndpoint: a UserEndpoint or ApplicationEndpoint and its `LocalEndpointState`
//! (LARG-1..LARG-4, AF-LES, AF-LESR, AF-LARGS, AF-LEP-T, AF-DRAIN, D1, D5).
//!
//! # Diagram
//! Every move of the table, generated from its rows by `ucma-ha docs` (`docs/local_endpoint.svg`;
//! `docs/SPEC.md` also lists the rows that ignore or reject a stimulus):
//!
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/local_endpoint.svg"), "</div>\n")]

use fsm::{Machine, Row, RowGuard};
use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::vocabulary::{
    Exception::{self, InvalidOperationException},
    LocalEndpointState, LocalEndpointStateTransitionReason,
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
        /// What can happen to a LocalEndpoint (docs/CONTRACT.md section 2).
        pub enum LocalEndpointStimulus {
            /// The application calls `BeginEstablish` (AF-LEP-T).
            BeginEstablish,
            /// Establishment succeeded: the registrar accepted the REGISTER (AF-LEP-T).
            EstablishOk,
            /// Establishment failed: the registrar answered with an error (AF-LEP-T).
            EstablishFailed,
            /// A registration refresh failed (LARG-4, AF-LESR, AF-LEP-T).
            RegistrationRefreshFailed,
            /// A registration refresh succeeded (LARG-4, AF-LESR).
            RegistrationRefreshOk,
            /// The registrar connection dropped and the registration ended without a refresh
            /// being sent: `DisableRegisterRefreshForConnectionDrop` is set (AF-DROP).
            ConnectionDropped,
            /// The registrar says the owner was disabled or removed (LARG-4).
            OwnerDisabledOrRemoved,
            /// The registrar says the owner has too many active endpoints (LARG-4).
            TooManyActiveEndpoints,
            /// No server could be found to establish with (AF-LESR, D5).
            ServerDiscoveryFailed,
            /// A registrar NOTIFY of a kind the endpoint does not know (LARG-3, LARG-4, D1).
            RegistrarNotifyUnknown,
            /// The application calls `BeginDrain` (AF-DRAIN).
            BeginDrain,
            /// Every conversation on a draining endpoint has ended (AF-DRAIN).
            DrainCompleted,
            /// The application calls `BeginTerminate` (AF-LEP-T).
            BeginTerminate,
            /// Termination finished (AF-LEP-T).
            TerminateCompleted,
        }
    }
}

pub use symbols::LocalEndpointStimulus;

/// Which kind of endpoint: `UserEndpoint` or `ApplicationEndpoint` (AF-LEP-T, AF-DRAIN).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointKind {
    /// A `UserEndpoint`: a failed registration refresh terminates it (AF-LEP-T).
    #[default]
    User,
    /// An `ApplicationEndpoint`: a failed refresh re-establishes it, and it can drain
    /// (AF-LEP-T, AF-DRAIN).
    Application,
}

impl EndpointKind {
    /// The name in configs and output: `user` or `application`.
    pub const fn name(self) -> &'static str {
        match self {
            EndpointKind::User => "user",
            EndpointKind::Application => "application",
        }
    }
}

/// Parameters of a LocalEndpoint (docs/CONTRACT.md section 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalEndpointParameters {
    /// `user` (default) or `application`.
    pub kind: EndpointKind,
}

impl fsm::Parameters for LocalEndpointParameters {
    fn all() -> Vec<Self> {
        vec![
            LocalEndpointParameters {
                kind: EndpointKind::User,
            },
            LocalEndpointParameters {
                kind: EndpointKind::Application,
            },
        ]
    }
}

/// The arguments a row gives its `LocalEndpointStateChanged` (LARG-1, LARG-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename = "LocalEndpointStateChanged",
    rename_all = "PascalCase"
)]
pub struct LocalEndpointEffect {
    /// `Reason` (LARG-2).
    pub reason: LocalEndpointStateTransitionReason,
    /// `MessageData` is present (LARG-1).
    pub message_data: bool,
}

/// The LocalEndpoint machine, id `local_endpoint`.
#[derive(Debug, Clone, Copy)]
pub struct LocalEndpoint;

impl Machine for LocalEndpoint {
    const ID: &'static str = "local_endpoint";
    type State = LocalEndpointState;
    type Stimulus = LocalEndpointStimulus;
    type Effect = LocalEndpointEffect;
    type Event = Event;
    type Error = Exception;
    type Parameters = LocalEndpointParameters;

    fn rows() -> &'static [Row<Self>] {
        ROWS
    }

    fn initial(_: &LocalEndpointParameters) -> LocalEndpointState {
        LocalEndpointState::Idle
    }

    /// A terminated endpoint cannot be used again (AF-LES).
    fn is_final(state: LocalEndpointState) -> bool {
        state == LocalEndpointState::Terminated
    }

    fn raise(
        from: LocalEndpointState,
        to: LocalEndpointState,
        effect: &LocalEndpointEffect,
    ) -> Event {
        Event::LocalEndpointStateChanged {
            previous_state: from,
            state: to,
            reason: effect.reason,
            message_data: effect.message_data,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------

use LocalEndpointState::{
    Draining, Established, Establishing, Idle, Reestablishing, Terminated, Terminating,
};
use LocalEndpointStateTransitionReason as Why;
use LocalEndpointStimulus::*;

const fn raised(
    reason: LocalEndpointStateTransitionReason,
    message_data: bool,
) -> LocalEndpointEffect {
    LocalEndpointEffect {
        reason,
        message_data,
    }
}

/// The application's own call: Reason None, no message (AF-LESR, LARG-1).
const BY_CALL: &[LocalEndpointEffect] = &[raised(Why::None, false)];
/// A registrar response behind the change (LARG-1).
const BY_RESPONSE: &[LocalEndpointEffect] = &[raised(Why::None, true)];
const OWNER_GONE: &[LocalEndpointEffect] = &[raised(Why::OwnerDisabledOrRemoved, true)];
const TOO_MANY: &[LocalEndpointEffect] = &[raised(Why::TooManyActiveEndpoints, true)];
const REFRESH_FAILED: &[LocalEndpointEffect] = &[raised(Why::RegistrationRefreshFailed, false)];
const REFRESHED: &[LocalEndpointEffect] = &[raised(Why::RegistrationRefreshSucceeded, true)];
const NO_SERVER: &[LocalEndpointEffect] = &[raised(Why::ServerDiscoveryFailed, false)];
/// The registration ended with the connection, no refresh tried: no reason the enum
/// names applies, so None ("unknown reason", AF-LESR), and no message (LARG-1).
const DROPPED: &[LocalEndpointEffect] = &[raised(Why::None, false)];
/// A NOTIFY of an unknown kind: Reason None, with the NOTIFY (LARG-3, LARG-4, D1).
const UNKNOWN_NOTIFY: &[LocalEndpointEffect] = &[raised(Why::None, true)];

const USER: RowGuard<LocalEndpointParameters> =
    RowGuard::new("kind = user", |p| p.kind == EndpointKind::User);
const APPLICATION: RowGuard<LocalEndpointParameters> = RowGuard::new("kind = application", |p| {
    p.kind == EndpointKind::Application
});

type R = Row<LocalEndpoint>;
const NO: Exception = InvalidOperationException;

#[rustfmt::skip]
static ROWS: &[R] = &fsm::rows![
    // Idle: created, not established.
    R::moves(Idle, BeginEstablish, Establishing, BY_CALL, &["AF-LEP-T", "LARG-1"]),
    R::ignores(Idle, EstablishOk | EstablishFailed | RegistrationRefreshFailed | RegistrationRefreshOk, &["AF-LEP-T"]),
    R::ignores(Idle, ConnectionDropped, &["AF-DROP"]),
    R::ignores(Idle, OwnerDisabledOrRemoved | TooManyActiveEndpoints, &["AF-LEP-T"]),
    R::ignores(Idle, ServerDiscoveryFailed, &["AF-LESR"]),
    R::ignores(Idle, RegistrarNotifyUnknown, &["LARG-4"]),
    R::rejects(Idle, BeginDrain, NO, &["AF-DRAIN"]),
    R::ignores(Idle, DrainCompleted, &["AF-DRAIN"]),
    R::moves(Idle, BeginTerminate, Terminating, BY_CALL, &["AF-LEP-T"]),
    R::ignores(Idle, TerminateCompleted, &["AF-LEP-T"]),
    // Establishing: registering with the registrar.
    R::rejects(Establishing, BeginEstablish, NO, &["AF-LEP-T"]),
    R::moves(Establishing, EstablishOk, Established, BY_RESPONSE, &["AF-LEP-T", "LARG-1"]),
    R::moves(Establishing, EstablishFailed, Idle, BY_RESPONSE, &["AF-LEP-T", "LARG-1"]),
    R::ignores(Establishing, RegistrationRefreshFailed | RegistrationRefreshOk, &["AF-LEP-T"]),
    R::ignores(Establishing, ConnectionDropped, &["AF-DROP"]),
    R::moves(Establishing, OwnerDisabledOrRemoved, Idle, OWNER_GONE, &["LARG-4", "AF-LEP-T", "LARG-1"]),
    R::moves(Establishing, TooManyActiveEndpoints, Idle, TOO_MANY, &["LARG-4", "AF-LEP-T", "LARG-1"]),
    R::moves(Establishing, ServerDiscoveryFailed, Idle, NO_SERVER, &["AF-LESR", "AF-LEP-T", "D5"]),
    R::ignores(Establishing, RegistrarNotifyUnknown, &["LARG-4"]),
    R::rejects(Establishing, BeginDrain, NO, &["AF-DRAIN"]),
    R::ignores(Establishing, DrainCompleted, &["AF-DRAIN"]),
    R::moves(Establishing, BeginTerminate, Terminating, BY_CALL, &["AF-LEP-T"]),
    R::ignores(Establishing, TerminateCompleted, &["AF-LEP-T"]),
    // Established.
    R::rejects(Established, BeginEstablish, NO, &["AF-LEP-T"]),
    R::ignores(Established, EstablishOk | EstablishFailed, &["AF-LEP-T"]),
    R::moves(Established, RegistrationRefreshFailed, Terminating, REFRESH_FAILED, &["AF-LEP-T", "LARG-4", "LARG-2"])
    .when(USER),
    R::moves(Established, RegistrationRefreshFailed, Reestablishing, REFRESH_FAILED, &["AF-LEP-T", "AF-LESR", "LARG-4"])
    .when(APPLICATION),
    R::ignores(Established, RegistrationRefreshOk, &["LARG-4"]),
    R::moves(Established, ConnectionDropped, Terminating, DROPPED, &["AF-DROP", "AF-LEP-T", "AF-LESR", "LARG-1"])
    .when(USER),
    R::moves(Established, ConnectionDropped, Reestablishing, DROPPED, &["AF-DROP", "AF-LEP-T", "AF-LES", "AF-LESR"])
    .when(APPLICATION),
    R::moves(Established, OwnerDisabledOrRemoved, Terminating, OWNER_GONE, &["LARG-4", "AF-LEP-T", "LARG-1"]),
    R::moves(Established, TooManyActiveEndpoints, Terminating, TOO_MANY, &["LARG-4", "AF-LEP-T", "LARG-1"]),
    R::ignores(Established, ServerDiscoveryFailed, &["AF-LESR"]),
    R::moves(Established, RegistrarNotifyUnknown, Established, UNKNOWN_NOTIFY, &["LARG-3", "LARG-4", "D1", "LARG-1"]),
    R::moves(Established, BeginDrain, Draining, BY_CALL, &["AF-DRAIN", "D5"])
    .when(APPLICATION),
    R::rejects(Established, BeginDrain, NO, &["AF-DRAIN", "D5"]).when(USER),
    R::ignores(Established, DrainCompleted, &["AF-DRAIN"]),
    R::moves(Established, BeginTerminate, Terminating, BY_CALL, &["AF-LEP-T"]),
    R::ignores(Established, TerminateCompleted, &["AF-LEP-T"]),
    // Reestablishing: an application endpoint whose registration refresh failed.
    R::rejects(Reestablishing, BeginEstablish, NO, &["AF-LEP-T"]),
    R::ignores(Reestablishing, EstablishOk | EstablishFailed, &["AF-LEP-T"]),
    R::ignores(Reestablishing, RegistrationRefreshFailed, &["AF-LESR"]),
    R::moves(Reestablishing, RegistrationRefreshOk, Establishing, REFRESHED, &["AF-LEP-T", "LARG-4", "LARG-1"]),
    R::ignores(Reestablishing, ConnectionDropped, &["AF-DROP"]),
    R::moves(Reestablishing, OwnerDisabledOrRemoved, Terminating, OWNER_GONE, &["LARG-4", "AF-LEP-T"]),
    R::moves(Reestablishing, TooManyActiveEndpoints, Terminating, TOO_MANY, &["LARG-4", "AF-LEP-T"]),
    R::ignores(Reestablishing, ServerDiscoveryFailed, &["AF-LESR"]),
    R::ignores(Reestablishing, RegistrarNotifyUnknown, &["LARG-4"]),
    R::moves(Reestablishing, BeginDrain, Draining, BY_CALL, &["AF-DRAIN", "D5"]),
    R::ignores(Reestablishing, DrainCompleted, &["AF-DRAIN"]),
    R::moves(Reestablishing, BeginTerminate, Terminating, BY_CALL, &["AF-LEP-T"]),
    R::ignores(Reestablishing, TerminateCompleted, &["AF-LEP-T"]),
    // Draining: an application endpoint turning away new conversations.
    R::rejects(Draining, BeginEstablish, NO, &["AF-LEP-T"]),
    R::ignores(Draining, EstablishOk | EstablishFailed, &["AF-DRAIN"]),
    R::moves(Draining, RegistrationRefreshFailed, Draining, REFRESH_FAILED, &["AF-DRAIN", "AF-LESR", "LARG-4", "AF-LEP-T"]),
    R::ignores(Draining, RegistrationRefreshOk, &["AF-DRAIN"]),
    R::moves(Draining, ConnectionDropped, Draining, DROPPED, &["AF-DROP", "AF-DRAIN", "AF-LESR", "LARG-1"]),
    R::moves(Draining, OwnerDisabledOrRemoved, Terminating, OWNER_GONE, &["LARG-4", "AF-LEP-T"]),
    R::moves(Draining, TooManyActiveEndpoints, Terminating, TOO_MANY, &["LARG-4", "AF-LEP-T"]),
    R::ignores(Draining, ServerDiscoveryFailed, &["AF-LESR"]),
    R::moves(Draining, RegistrarNotifyUnknown, Draining, UNKNOWN_NOTIFY, &["LARG-3", "LARG-4", "D1"]),
    R::rejects(Draining, BeginDrain, NO, &["AF-DRAIN"]),
    R::moves(Draining, DrainCompleted, Draining, &[], &["AF-DRAIN"]),
    R::moves(Draining, BeginTerminate, Terminating, BY_CALL, &["AF-LEP-T"]),
    R::ignores(Draining, TerminateCompleted, &["AF-LEP-T"]),
    // Terminating: only completion moves on.
    R::rejects(Terminating, BeginEstablish, NO, &["AF-LES"]),
    R::ignores(Terminating, EstablishOk | EstablishFailed | RegistrationRefreshFailed | RegistrationRefreshOk, &["AF-LES"]),
    R::ignores(Terminating, ConnectionDropped, &["AF-DROP"]),
    R::ignores(Terminating,
        OwnerDisabledOrRemoved | TooManyActiveEndpoints | ServerDiscoveryFailed | RegistrarNotifyUnknown, &["AF-LES"]),
    R::rejects(Terminating, BeginDrain, NO, &["AF-DRAIN"]),
    R::ignores(Terminating, DrainCompleted, &["AF-LES"]),
    R::ignores(Terminating, BeginTerminate, &["AF-LEP-T"]),
    R::moves(Terminating, TerminateCompleted, Terminated, BY_CALL, &["AF-LEP-T"]),
    // Terminated: final; calls that would start anything are refused.
    R::rejects(Terminated, BeginEstablish, NO, &["AF-LES"]),
    R::ignores(Terminated, EstablishOk | EstablishFailed | RegistrationRefreshFailed | RegistrationRefreshOk, &["AF-LES"]),
    R::ignores(Terminated, ConnectionDropped, &["AF-DROP"]),
    R::ignores(Terminated,
        OwnerDisabledOrRemoved | TooManyActiveEndpoints | ServerDiscoveryFailed | RegistrarNotifyUnknown, &["AF-LES"]),
    R::rejects(Terminated, BeginDrain, NO, &["AF-DRAIN"]),
    R::ignores(Terminated, DrainCompleted | BeginTerminate | TerminateCompleted, &["AF-LES"]),
];

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

// The documented properties (`invariants::Documented`) and the clause tests are in
// `properties.rs`; the random runs that check them are in `proptests.rs` (compiled into
// the `proptests` test, not into the library).
mod properties;
