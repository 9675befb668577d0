//! SipEndpoint registration and what it learns of the User Services pool (REG-1..REG-4,
//! SVC-1, RARG-1..RARG-3, AF-RS, AF-RTR, AF-RARGS, AF-SVC, AF-DROP).
//!
//! The observable state is a [`RegistrationState`]. The registration also knows the
//! pool's [`ServiceState`], which SipEndpoint does not expose (REG-4) but which decides
//! whether a refresh heals an outage (REG-3). The table therefore runs over
//! [`RegistrationStatus`], which is `RegistrationState` with that knowledge folded in;
//! [`RegistrationStatus::registration_state`] and [`RegistrationStatus::user_services`]
//! project it back.
//!
//! # Diagram
//! Every move of the table, generated from its rows by `ucma-ha docs` (`docs/registration.svg`;
//! `docs/SPEC.md` also lists the rows that ignore or reject a stimulus):
//!
#![doc = concat!("<div class=\"diagram\" style=\"overflow-x: auto\">\n", include_str!("../../docs/registration.svg"), "</div>\n")]

use fsm::{Machine, Row, RowGuard};
use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::vocabulary::{
    Exception::InvalidOperationException, RegistrationState, RegistrationTransitionReason,
    ServiceState,
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
        /// A registration's state together with what it knows of the User Services pool.
        pub enum RegistrationStatus {
            /// `Unregistered`; nothing known of the pool (AF-RS, SVC-1).
            Unregistered,
            /// `Registering`; nothing known of the pool yet (AF-RS).
            Registering,
            /// `Registered`; the registrar accepted the endpoint but nothing is known of the
            /// pool yet: a 200 OK does not say whether User Services is up (AF-RS, SVC-1).
            RegisteredUserServicesUnknown,
            /// `Registered`, User Services `Available`: a refresh healed an outage (AF-RS, REG-3).
            Registered,
            /// `Registered`, but the registrar said User Services is `Unavailable` (REG-1, REG-2).
            RegisteredUserServicesUnavailable,
            /// `Unregistering` (AF-RS).
            Unregistering,
        }
    }

    impl RegistrationStatus {
        /// The .NET `RegistrationState` users observe (AF-RS).
        pub const fn registration_state(self) -> RegistrationState {
            match self {
                RegistrationStatus::Unregistered => RegistrationState::Unregistered,
                RegistrationStatus::Registering => RegistrationState::Registering,
                RegistrationStatus::RegisteredUserServicesUnknown
                | RegistrationStatus::Registered
                | RegistrationStatus::RegisteredUserServicesUnavailable => {
                    RegistrationState::Registered
                }
                RegistrationStatus::Unregistering => RegistrationState::Unregistering,
            }
        }

        /// What the registration knows of the User Services pool (REG-4: only event args and
        /// this model show it; SipEndpoint has no such property).
        pub const fn user_services(self) -> ServiceState {
            match self {
                RegistrationStatus::Registered => ServiceState::Available,
                RegistrationStatus::RegisteredUserServicesUnavailable => ServiceState::Unavailable,
                _ => ServiceState::Unknown,
            }
        }
    }

    fsm::symbol_enum! {
        /// What can happen to a registration: SipEndpoint calls, registrar answers and NOTIFYs,
        /// the refresh timer and the connection (docs/CONTRACT.md section 2).
        pub enum RegistrationStimulus {
            /// The application calls `BeginRegister` (AF-RS).
            BeginRegister,
            /// The registrar answers the REGISTER with 200 OK (AF-RS).
            RegisterOk,
            /// The registrar answers the REGISTER with a final error (AF-RS, AF-RTR).
            RegisterFailed,
            /// The registrar refuses the REGISTER: the owner has too many active endpoints
            /// (AF-RTR `TooManyActiveEndpoint`, LARG-4).
            RegisterFailedTooManyActiveEndpoints,
            /// A registrar NOTIFY says User Services is unavailable (REG-1).
            RegistrarNotifyUserServicesUnavailable,
            /// The refresh timer fires and a REGISTER refresh is sent (AF-DROP).
            RefreshDue,
            /// A REGISTER refresh is answered with 200 OK (REG-3).
            RefreshOk,
            /// A REGISTER refresh gets no answer: the registrar cannot be reached (AF-RTR).
            RefreshFailed,
            /// The connection to the registrar drops (AF-DROP).
            ConnectionDropped,
            /// The application calls `BeginUnregister` (AF-RS).
            BeginUnregister,
            /// The registrar answers the un-REGISTER with 200 OK (AF-RS).
            UnregisterOk,
            /// A registrar NOTIFY deregisters the endpoint: its owner was disabled or removed
            /// (AF-RS: "after the server disconnects"; LARG-4).
            RegistrarNotifyDeregistered,
            /// A registrar NOTIFY deregisters the endpoint: the owner has too many endpoints
            /// (AF-RTR, LARG-4).
            RegistrarNotifyTooManyActiveEndpoints,
        }
    }
}

pub use symbols::{RegistrationStatus, RegistrationStimulus};

/// Parameters of a registration (docs/CONTRACT.md section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationParameters {
    /// A dropped connection triggers a register refresh (true, UCMA's default:
    /// `DisableRegisterRefreshForConnectionDrop = false`), or moves straight to
    /// Unregistered (false) (AF-DROP).
    pub refresh_on_connection_drop: bool,
}

impl Default for RegistrationParameters {
    fn default() -> Self {
        RegistrationParameters {
            refresh_on_connection_drop: true,
        }
    }
}

impl fsm::Parameters for RegistrationParameters {
    fn all() -> Vec<Self> {
        [true, false]
            .into_iter()
            .map(|refresh_on_connection_drop| RegistrationParameters {
                refresh_on_connection_drop,
            })
            .collect()
    }
}

/// The arguments a row gives its `RegistrationStateChanged` (RARG-1..RARG-3); the
/// previous and new state come from the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename = "RegistrationStateChanged",
    rename_all = "PascalCase"
)]
pub struct RegistrationEffect {
    /// `Reason` (RARG-1).
    pub reason: RegistrationTransitionReason,
    /// `MessageData` is present (RARG-2).
    pub message_data: bool,
    /// `UserServicesState` (RARG-3).
    pub user_services_state: ServiceState,
}

/// The SipEndpoint registration machine, id `registration`.
#[derive(Debug, Clone, Copy)]
pub struct Registration;

impl Machine for Registration {
    const ID: &'static str = "registration";
    type State = RegistrationStatus;
    type Stimulus = RegistrationStimulus;
    type Effect = RegistrationEffect;
    type Event = Event;
    type Error = crate::vocabulary::Exception;
    type Parameters = RegistrationParameters;

    fn rows() -> &'static [Row<Self>] {
        ROWS
    }

    fn initial(_: &RegistrationParameters) -> RegistrationStatus {
        RegistrationStatus::Unregistered
    }

    /// A registration can always register again: no state is final.
    fn is_final(_: RegistrationStatus) -> bool {
        false
    }

    /// The observable `RegistrationState` (AF-RS, REG-4).
    fn observed(state: RegistrationStatus) -> &'static str {
        state.registration_state().into()
    }

    fn raise(
        from: RegistrationStatus,
        to: RegistrationStatus,
        effect: &RegistrationEffect,
    ) -> Event {
        Event::RegistrationStateChanged {
            previous_state: from.registration_state(),
            state: to.registration_state(),
            reason: effect.reason,
            message_data: effect.message_data,
            user_services_state: effect.user_services_state,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------

use RegistrationStatus::{
    Registered, RegisteredUserServicesUnavailable as RegisteredUsDown,
    RegisteredUserServicesUnknown as RegisteredUsUnknown, Registering, Unregistered, Unregistering,
};
use RegistrationStimulus::*;
use RegistrationTransitionReason as Why;
use ServiceState::{Available, Unavailable, Unknown};

const fn raised(
    reason: RegistrationTransitionReason,
    message_data: bool,
    user_services_state: ServiceState,
) -> RegistrationEffect {
    RegistrationEffect {
        reason,
        message_data,
        user_services_state,
    }
}

/// The outage NOTIFY's args: Reason None, Unavailable, with the NOTIFY (REG-2, D4).
const OUTAGE: &[RegistrationEffect] = &[raised(Why::None, true, Unavailable)];
/// The healing refresh's args: RegisterationRefresh, Available, with the 200 OK (REG-3, D2).
const HEALED: &[RegistrationEffect] = &[raised(Why::RegistrationRefresh, true, Available)];
/// Lost without a message: the connection dropped (AF-DROP).
const DROPPED: &[RegistrationEffect] = &[raised(Why::ConnectionDropped, false, Unknown)];
/// A refresh without answer (AF-RTR).
const NO_ANSWER: &[RegistrationEffect] = &[raised(Why::ConnectionFailure, false, Unknown)];
/// Deregistered by the registrar's NOTIFY (AF-RS, AF-RTR).
const DEREGISTERED: &[RegistrationEffect] = &[raised(Why::None, true, Unknown)];
const TOO_MANY: &[RegistrationEffect] = &[raised(Why::TooManyActiveEndpoint, true, Unknown)];

const DROP_REFRESHES: RowGuard<RegistrationParameters> =
    RowGuard::new("refresh_on_connection_drop", |p| {
        p.refresh_on_connection_drop
    });
const DROP_UNREGISTERS: RowGuard<RegistrationParameters> =
    RowGuard::new("!refresh_on_connection_drop", |p| {
        !p.refresh_on_connection_drop
    });

type R = Row<Registration>;

#[rustfmt::skip]
static ROWS: &[R] = &fsm::rows![
    // Unregistered: only the application's BeginRegister does anything.
    R::moves(Unregistered, BeginRegister, Registering, &[raised(Why::None, false, Unknown)], &["AF-RS", "RARG-2"]),
    R::ignores(Unregistered, RegisterOk | RegisterFailed | RegisterFailedTooManyActiveEndpoints, &["AF-RS"]),
    R::ignores(Unregistered, RegistrarNotifyUserServicesUnavailable, &["REG-1"]),
    R::ignores(Unregistered, RefreshDue | RefreshOk | RefreshFailed, &["AF-RS"]),
    R::ignores(Unregistered, ConnectionDropped, &["AF-DROP"]),
    R::rejects(Unregistered, BeginUnregister, InvalidOperationException, &["AF-RS"]),
    R::ignores(Unregistered, UnregisterOk | RegistrarNotifyDeregistered | RegistrarNotifyTooManyActiveEndpoints, &["AF-RS"]),
    // Registering: waiting for the registrar's answer.
    R::rejects(Registering, BeginRegister, InvalidOperationException, &["AF-RS"]),
    R::moves(Registering, RegisterOk, RegisteredUsUnknown, &[raised(Why::None, true, Unknown)], &["AF-RS", "RARG-2", "RARG-3", "SVC-1", "AF-SVC"]),
    R::moves(Registering, RegisterFailed, Unregistered, &[raised(Why::None, true, Unknown)], &["AF-RS", "RARG-1", "RARG-2"]),
    R::moves(Registering, RegisterFailedTooManyActiveEndpoints, Unregistered, TOO_MANY, &["AF-RTR", "RARG-1", "RARG-2", "LARG-4"]),
    R::ignores(Registering, RegistrarNotifyUserServicesUnavailable, &["REG-1"]),
    R::ignores(Registering, RefreshDue | RefreshOk | RefreshFailed, &["AF-RS"]),
    R::moves(Registering, ConnectionDropped, Unregistered, DROPPED, &["AF-DROP", "AF-RTR", "RARG-2"]),
    R::rejects(Registering, BeginUnregister, InvalidOperationException, &["AF-RS"]),
    R::ignores(Registering, UnregisterOk | RegistrarNotifyDeregistered | RegistrarNotifyTooManyActiveEndpoints, &["AF-RS"]),
    // Registered, nothing known of User Services: a 200 OK does not tell (SVC-1).
    R::rejects(RegisteredUsUnknown, BeginRegister, InvalidOperationException, &["AF-RS"]),
    R::ignores(RegisteredUsUnknown, RegisterOk | RegisterFailed | RegisterFailedTooManyActiveEndpoints, &["AF-RS"]),
    R::moves(RegisteredUsUnknown, RegistrarNotifyUserServicesUnavailable, RegisteredUsDown, OUTAGE, &["REG-1", "REG-2", "REG-4", "RARG-2", "RARG-3", "D4"]),
    R::moves(RegisteredUsUnknown, RefreshDue, RegisteredUsUnknown, &[], &["AF-DROP"]),
    R::ignores(RegisteredUsUnknown, RefreshOk, &["REG-3", "SVC-1"]),
    R::moves(RegisteredUsUnknown, RefreshFailed, Unregistered, NO_ANSWER, &["AF-RS", "AF-RTR", "RARG-2"]),
    R::moves(RegisteredUsUnknown, ConnectionDropped, RegisteredUsUnknown, &[], &["AF-DROP"]).when(DROP_REFRESHES),
    R::moves(RegisteredUsUnknown, ConnectionDropped, Unregistered, DROPPED, &["AF-DROP", "AF-RTR"])
    .when(DROP_UNREGISTERS),
    R::moves(RegisteredUsUnknown, BeginUnregister, Unregistering, &[raised(Why::None, false, Unknown)], &["AF-RS", "RARG-2", "RARG-3"]),
    R::ignores(RegisteredUsUnknown, UnregisterOk, &["AF-RS"]),
    R::moves(RegisteredUsUnknown, RegistrarNotifyDeregistered, Unregistered, DEREGISTERED, &["AF-RS", "RARG-2"]),
    R::moves(RegisteredUsUnknown, RegistrarNotifyTooManyActiveEndpoints, Unregistered, TOO_MANY, &["AF-RTR", "RARG-2"]),
    // Registered, User Services available: an outage was healed (REG-3).
    R::rejects(Registered, BeginRegister, InvalidOperationException, &["AF-RS"]),
    R::ignores(Registered, RegisterOk | RegisterFailed | RegisterFailedTooManyActiveEndpoints, &["AF-RS"]),
    R::moves(Registered, RegistrarNotifyUserServicesUnavailable, RegisteredUsDown, OUTAGE, &["REG-1", "REG-2", "REG-4", "RARG-2", "RARG-3", "D4"]),
    R::moves(Registered, RefreshDue, Registered, &[], &["AF-DROP"]),
    R::ignores(Registered, RefreshOk, &["REG-3"]),
    R::moves(Registered, RefreshFailed, Unregistered, NO_ANSWER, &["AF-RS", "AF-RTR", "RARG-2"]),
    R::moves(Registered, ConnectionDropped, Registered, &[], &["AF-DROP"]).when(DROP_REFRESHES),
    R::moves(Registered, ConnectionDropped, Unregistered, DROPPED, &["AF-DROP", "AF-RTR"])
    .when(DROP_UNREGISTERS),
    R::moves(Registered, BeginUnregister, Unregistering, &[raised(Why::None, false, Unknown)], &["AF-RS", "RARG-2", "RARG-3"]),
    R::ignores(Registered, UnregisterOk, &["AF-RS"]),
    R::moves(Registered, RegistrarNotifyDeregistered, Unregistered, DEREGISTERED, &["AF-RS", "RARG-2"]),
    R::moves(Registered, RegistrarNotifyTooManyActiveEndpoints, Unregistered, TOO_MANY, &["AF-RTR", "RARG-2"]),
    // Registered, but the registrar said User Services is unavailable.
    R::rejects(RegisteredUsDown, BeginRegister, InvalidOperationException, &["AF-RS"]),
    R::ignores(RegisteredUsDown, RegisterOk | RegisterFailed | RegisterFailedTooManyActiveEndpoints, &["AF-RS"]),
    R::moves(RegisteredUsDown, RegistrarNotifyUserServicesUnavailable, RegisteredUsDown, OUTAGE, &["REG-1", "REG-2", "D4"]),
    R::moves(RegisteredUsDown, RefreshDue, RegisteredUsDown, &[], &["AF-DROP", "REG-3"]),
    R::moves(RegisteredUsDown, RefreshOk, Registered, HEALED, &["REG-3", "REG-4", "RARG-1", "RARG-3", "D2"]),
    R::moves(RegisteredUsDown, RefreshFailed, Unregistered, NO_ANSWER, &["AF-RS", "AF-RTR", "RARG-2"]),
    R::moves(RegisteredUsDown, ConnectionDropped, RegisteredUsDown, &[], &["AF-DROP"])
    .when(DROP_REFRESHES),
    R::moves(RegisteredUsDown, ConnectionDropped, Unregistered, DROPPED, &["AF-DROP", "AF-RTR"])
    .when(DROP_UNREGISTERS),
    R::moves(RegisteredUsDown, BeginUnregister, Unregistering, &[raised(Why::None, false, Unknown)], &["AF-RS", "RARG-3"]),
    R::ignores(RegisteredUsDown, UnregisterOk, &["AF-RS"]),
    R::moves(RegisteredUsDown, RegistrarNotifyDeregistered, Unregistered, DEREGISTERED, &["AF-RS", "RARG-2"]),
    R::moves(RegisteredUsDown, RegistrarNotifyTooManyActiveEndpoints, Unregistered, TOO_MANY, &["AF-RTR", "RARG-2"]),
    // Unregistering: waiting for the registrar's answer.
    R::rejects(Unregistering, BeginRegister, InvalidOperationException, &["AF-RS"]),
    R::ignores(Unregistering, RegisterOk | RegisterFailed | RegisterFailedTooManyActiveEndpoints, &["AF-RS"]),
    R::ignores(Unregistering, RegistrarNotifyUserServicesUnavailable, &["REG-1"]),
    R::ignores(Unregistering, RefreshDue | RefreshOk | RefreshFailed, &["AF-RS"]),
    R::moves(Unregistering, ConnectionDropped, Unregistered, DROPPED, &["AF-DROP", "AF-RTR"]),
    R::rejects(Unregistering, BeginUnregister, InvalidOperationException, &["AF-RS"]),
    R::moves(Unregistering, UnregisterOk, Unregistered, &[raised(Why::None, true, Unknown)], &["AF-RS", "RARG-2"]),
    R::ignores(Unregistering, RegistrarNotifyDeregistered | RegistrarNotifyTooManyActiveEndpoints, &["AF-RS"]),
];

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

// The documented properties (`invariants::Documented`) and the clause tests are in
// `properties.rs`; the random runs that check them are in `proptests.rs` (compiled into
// the `proptests` test, not into the library).
mod properties;
