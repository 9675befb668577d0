//! The composed system: one SipEndpoint registration, one LocalEndpoint, LocalOwnerPresence,
//! ContactGroupServices and `remote_views` remote presence views, each of the last three
//! kinds over its own SipSubscription, in a world with the User Services pool, the
//! registrar connection and the timers (docs/CONTRACT.md section 2).
//!
//! # Vocabulary
//! A [`SystemStimulus`] is one thing the application, the world or a timer does. Each is
//! one *macro-step*: the stimulus and every internal reaction it causes run to completion
//! (depth first, in the order the wiring lists them), and every event raised on the way
//! is reported in order. The servers answer by themselves inside the macro-step, as the
//! world decides (`world`).
//!
//! Components are addressed as `registration`, `local_endpoint`, `local_owner_presence`,
//! `contact_group_services`, `remote_presence[i]`, each owner's SipSubscription as
//! `OWNER.subscription`, and the world as `pool` (`Up` / `Unresponsive`) and `connection`
//! (`Up` / `Dropped`).
//!
//! # Wiring
//! The wiring is data ([`wiring`]): a [`wiring::StimulusRow`] per system stimulus says
//! what it does first, and [`wiring::WiringRow`]s say which component reacts to which
//! change of another (a row of the source's table that *moved* it). For example the
//! registrar's NOTIFY moving the registration to `RegisteredUserServicesUnavailable`
//! sends `PoolOffline` to every owner (PRES-1), and a SipSubscription reaching
//! `Terminated` sends `UnderlyingSubscriptionTerminated` to its owner (PRES-3). Both
//! the component tables ([`Tables`]) and the wiring can be replaced, so a test can change
//! exactly one row and watch a property fail.
//!
//! # Decisions where the sources are silent
//! What the system does where the UCMA documentation is silent (the registrar during an
//! outage, a dropped connection, the timers, which view `SubscribeRemotePresence`
//! subscribes, ...) is recorded once, in `docs/DECISIONS.md` (section "The composed
//! system"); the wiring rows cite the clauses they rest on.
//!
//! # State
//! The whole state is one [`Packed`] (a fixed array of words): two world bits and three
//! bits per component (its state index in its table). With symmetry on, the remote
//! views' (view, subscription) pairs are sorted. At most [`MAX_VIEWS`] views fit.
//!
//! For exhaustive search, [`compiled::CompiledSystem`] learns every macro-step into
//! look-ups on a 64-bit key (a shared part, then the views as bit-planes or as counts
//! per pair) and steps exactly like [`System::step`]; `ucma_ha::checker::check` searches
//! through it.
//!
//! # Properties
//! [`properties`] names the safety, liveness and reachability properties, each citing its
//! clauses, with the judgement that decides it; `ucma_ha::checker::check` decides them on the
//! reachable graph.
//!
//! # Examples
//! ```
//! use ucma_ha::system::{System, SystemConfig, SystemStimulus::*};
//! let system = System::new(SystemConfig::default())?;
//! let mut state = system.initial();
//! for stimulus in [BeginEstablish, SubscribePresence, PoolFails] {
//!     state = system.step(state, stimulus).next;
//! }
//! assert_eq!(
//!     system.state_name(state, "registration"),
//!     Some("RegisteredUserServicesUnavailable")
//! );
//! assert_eq!(system.state_name(state, "local_owner_presence"), Some("WaitingForRetry"));
//! assert_eq!(system.step(state, PublishPresence).rejected, Some("InvalidOperationException"));
//! # Ok::<(), ucma_ha::system::SystemError>(())
//! ```

use std::borrow::Cow;
use std::sync::OnceLock;

use fsm::{Symbol, Table};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::local_endpoint::{EndpointKind, LocalEndpointParameters};
use crate::presence::LocalOwnerPresenceParameters;
use crate::registration::RegistrationParameters;
use crate::remote_presence::RemotePresenceParameters;
use crate::sip_subscription::SipSubscriptionParameters;
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};

pub mod compiled;
mod engine;
mod layout;
// The properties (`properties.rs`, `properties/`) and, compiled into the `proptests` test,
// the random runs that check them (`proptests.rs`).
pub mod properties;
mod reaction;
#[cfg(test)]
mod tests;
mod view;
pub mod wiring;
pub(crate) mod world;

pub use engine::{Delivery, DeliveryOutcome, Kind, Observer, Packed, StepResult, MAX_VIEWS};
use engine::{Engine, CONTACT_GROUP_SERVICES, ENDPOINT, FIRST_VIEW, LOCAL_OWNER_PRESENCE};
pub use view::{Coded, ComponentStates};

/// The machine id of the composed system.
pub const ID: &str = "system";

// Declared in a private module and re-exported, so that strum's iterator type is not
// named API: iterate with `IntoEnumIterator::iter` (docs/DECISIONS.md, "Code layout").
mod symbols {
    #[allow(unused_imports)]
    use super::*;

    /// What can happen to the system (docs/CONTRACT.md section 2).
    #[derive(
        Clone,
        Copy,
        PartialEq,
        Eq,
        PartialOrd,
        Ord,
        Hash,
        Debug,
        Serialize,
        strum::Display,
        strum::EnumCount,
        strum::EnumIter,
        strum::EnumString,
        strum::IntoStaticStr,
        strum::VariantArray,
    )]
    pub enum SystemStimulus {
        /// The application calls `LocalEndpoint.BeginEstablish` (AF-LEP-T).
        BeginEstablish,
        /// The application calls `LocalEndpoint.BeginTerminate` (AF-LEP-T).
        BeginTerminate,
        /// The application calls `ApplicationEndpoint.BeginDrain` (AF-DRAIN).
        BeginDrain,
        /// The application calls `LocalOwnerPresence.BeginSubscribe` (AF-PSS).
        SubscribePresence,
        /// The application calls `LocalOwnerPresence.BeginPublishPresence` (AF-PUB).
        PublishPresence,
        /// The application calls `ContactGroupServices.BeginSubscribe` (AF-CGS).
        SubscribeContactGroups,
        /// The application calls a contact operation of ContactGroupServices (AF-CGS).
        AddContact,
        /// The application subscribes a remote presentity in a view (AF-RPSS).
        SubscribeRemotePresence,
        /// The User Services pool stops answering (REG-1, PRES-1).
        PoolFails,
        /// The User Services pool answers again (REG-3, PRES-4).
        PoolRecovers,
        /// The connection to the registrar drops (AF-DROP).
        ConnectionDrops,
        /// The connection to the registrar comes back (AF-LEP-T).
        ConnectionRestores,
        /// The server disables or removes the owner (LARG-4).
        OwnerDisabled,
        /// The server counts too many endpoints for the owner (LARG-4).
        TooManyEndpoints,
        /// The registration's refresh timer fires (REG-3).
        RegistrationRefreshDue,
        /// The SipSubscriptions' refresh timer fires (AF-SIPSUB).
        SubscriptionRefreshDue,
        /// The SipSubscriptions' retry timer fires (AF-SIPSUB, SUB-2).
        RetryTimerFires,
    }
}

pub use symbols::SystemStimulus;
impl fsm::Symbol for SystemStimulus {
    fn index(self) -> usize {
        self as usize
    }
}

impl SystemStimulus {
    /// Whether this is an application call (a rejection is reported for it).
    pub fn is_application(self) -> bool {
        self.index() <= SystemStimulus::SubscribeRemotePresence.index()
    }

    /// Whether this is a timer.
    pub fn is_timer(self) -> bool {
        matches!(
            self,
            SystemStimulus::RegistrationRefreshDue
                | SystemStimulus::SubscriptionRefreshDue
                | SystemStimulus::RetryTimerFires
        )
    }

    /// Whether this changes only the world (pool or connection).
    pub fn is_world_toggle(self) -> bool {
        matches!(
            self,
            SystemStimulus::PoolFails
                | SystemStimulus::PoolRecovers
                | SystemStimulus::ConnectionDrops
                | SystemStimulus::ConnectionRestores
        )
    }
}

/// Parameters of the system (docs/CONTRACT.md section 2); a JSON object, every key optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SystemConfig {
    /// `"user"` (default) or `"application"`.
    pub endpoint: EndpointKind,
    /// Number of remote presence views (default 1, at most [`MAX_VIEWS`]).
    pub remote_views: usize,
    /// The remote presentities are homed on the owner's pool (default true; RP-1, SUB-4).
    pub remote_home_pool: bool,
    /// A dropped connection triggers a register refresh (default true; AF-DROP).
    pub refresh_on_connection_drop: bool,
}

impl Default for SystemConfig {
    fn default() -> Self {
        SystemConfig {
            endpoint: EndpointKind::User,
            remote_views: 1,
            remote_home_pool: true,
            refresh_on_connection_drop: true,
        }
    }
}

/// The component tables a system is built from; replace one to build a mutant.
#[derive(Debug, Clone)]
pub struct Tables {
    /// The registration.
    pub registration: Table<Registration>,
    /// The endpoint.
    pub endpoint: Table<LocalEndpoint>,
    /// LocalOwnerPresence.
    pub local_owner_presence: Table<LocalOwnerPresence>,
    /// ContactGroupServices.
    pub contact_group_services: Table<ContactGroupServices>,
    /// Every remote presence view.
    pub remote_presence: Table<RemotePresence>,
    /// The SipSubscriptions of the two sessions (platform, home pool).
    pub session_subscription: Table<SipSubscription>,
    /// The SipSubscriptions of the views (platform; home pool as configured).
    pub view_subscription: Table<SipSubscription>,
}

impl Tables {
    /// The machines' own tables for a configuration.
    ///
    /// # Errors
    /// [`SystemError::Table`] if a table does not compile (it always does for the
    /// shipped rows).
    pub fn for_config(config: &SystemConfig) -> Result<Self, SystemError> {
        Ok(Tables {
            registration: engine::compile(
                Cow::Borrowed(<Registration as fsm::Machine>::rows()),
                RegistrationParameters {
                    refresh_on_connection_drop: config.refresh_on_connection_drop,
                },
            )?,
            endpoint: engine::compile(
                Cow::Borrowed(<LocalEndpoint as fsm::Machine>::rows()),
                LocalEndpointParameters {
                    kind: config.endpoint,
                },
            )?,
            local_owner_presence: engine::compile(
                Cow::Borrowed(<LocalOwnerPresence as fsm::Machine>::rows()),
                LocalOwnerPresenceParameters {
                    endpoint: config.endpoint,
                },
            )?,
            contact_group_services: engine::compile(
                Cow::Borrowed(<ContactGroupServices as fsm::Machine>::rows()),
                fsm::NoParameters {},
            )?,
            remote_presence: engine::compile(
                Cow::Borrowed(<RemotePresence as fsm::Machine>::rows()),
                RemotePresenceParameters {
                    home_pool: config.remote_home_pool,
                },
            )?,
            session_subscription: engine::compile(
                Cow::Borrowed(<SipSubscription as fsm::Machine>::rows()),
                SipSubscriptionParameters::default(),
            )?,
            view_subscription: engine::compile(
                Cow::Borrowed(<SipSubscription as fsm::Machine>::rows()),
                SipSubscriptionParameters {
                    home_pool: config.remote_home_pool,
                    ..SipSubscriptionParameters::default()
                },
            )?,
        })
    }
}

/// Why a system could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SystemError {
    /// More remote views than the packed state holds.
    #[error("{views} remote views requested; at most {max} fit")]
    TooManyViews {
        /// Requested.
        views: usize,
        /// The limit.
        max: usize,
    },
    /// A component table does not compile.
    #[error("bad table: {0}")]
    Table(String),
    /// A wiring or stimulus row names something that does not exist.
    #[error("bad wiring: {0}")]
    Wiring(String),
    /// The configuration JSON does not fit.
    #[error("bad config: {0}")]
    Config(String),
}

/// The composed system, ready to step and explore.
pub struct System {
    config: SystemConfig,
    engine: Engine,
    stimulus_rows: Cow<'static, [wiring::StimulusRow]>,
    wiring_rows: Cow<'static, [wiring::WiringRow]>,
}

impl std::fmt::Debug for System {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("System")
            .field("config", &self.config)
            .finish()
    }
}

/// Every system stimulus in order, as a static slice (the explorer's action list).
/// Every system stimulus, in declaration order.
pub(crate) static STIMULI: &[SystemStimulus] = <SystemStimulus as strum::VariantArray>::VARIANTS;

impl System {
    /// The system with the machines' own tables and the shipped wiring.
    ///
    /// # Errors
    /// [`SystemError::TooManyViews`] above [`MAX_VIEWS`].
    pub fn new(config: SystemConfig) -> Result<Self, SystemError> {
        Self::with(
            config,
            Tables::for_config(&config)?,
            Cow::Borrowed(wiring::STIMULUS_ROWS),
            Cow::Borrowed(wiring::WIRING_ROWS),
        )
    }

    /// A system from any tables and wiring (e.g. a mutant with one row changed).
    ///
    /// # Errors
    /// [`SystemError`] when the wiring names something the tables do not have.
    pub fn with(
        config: SystemConfig,
        tables: Tables,
        stimulus_rows: Cow<'static, [wiring::StimulusRow]>,
        wiring_rows: Cow<'static, [wiring::WiringRow]>,
    ) -> Result<Self, SystemError> {
        let engine = Engine::new(&config, tables, &stimulus_rows, &wiring_rows)?;
        Ok(System {
            config,
            engine,
            stimulus_rows,
            wiring_rows,
        })
    }

    /// Parses a JSON config (`null` for the defaults).
    ///
    /// # Errors
    /// [`SystemError::Config`] for unknown keys or wrong types.
    pub fn config_from_json(config: &Value) -> Result<SystemConfig, SystemError> {
        if config.is_null() {
            return Ok(SystemConfig::default());
        }
        serde_json::from_value(config.clone()).map_err(|e| SystemError::Config(e.to_string()))
    }

    /// The configuration.
    pub fn config(&self) -> &SystemConfig {
        &self.config
    }

    /// The stimulus rows in force.
    pub fn stimulus_rows(&self) -> &[wiring::StimulusRow] {
        &self.stimulus_rows
    }

    /// The wiring rows in force.
    pub(crate) fn wiring_rows(&self) -> &[wiring::WiringRow] {
        &self.wiring_rows
    }

    /// The wiring in force as a Mermaid flowchart ([`wiring::mermaid`]).
    pub fn wiring_chart(&self) -> String {
        wiring::mermaid(&self.stimulus_rows, &self.wiring_rows)
    }

    /// Every system stimulus, in order.
    pub fn stimuli() -> &'static [SystemStimulus] {
        STIMULI
    }

    /// The initial state: everything Idle or Unregistered, pool and connection up.
    pub fn initial(&self) -> Packed {
        self.engine.initial
    }

    /// Runs one macro-step. `state` must be a state of this system (one it produced, see
    /// [`System::is_valid`]).
    ///
    /// # Complexity
    /// Proportional to the number of reactions (bounded by a budget); allocates nothing.
    pub fn step(&self, state: Packed, stimulus: SystemStimulus) -> StepResult {
        self.engine.step(state, stimulus, &mut ())
    }

    /// Runs one macro-step and reports every delivery to `observer`.
    pub fn step_observed<O: Observer>(
        &self,
        state: Packed,
        stimulus: SystemStimulus,
        observer: &mut O,
    ) -> StepResult {
        self.engine.step(state, stimulus, observer)
    }

    /// The canonical form of a state under permutation of the remote views.
    pub fn canonical(&self, state: Packed) -> Packed {
        self.engine.canonical(state)
    }

    /// Number of remote views.
    pub fn views(&self) -> usize {
        self.engine.views
    }

    /// The slots of the components present, with their names, in display order.
    pub fn components(&self) -> Vec<(usize, &'static str)> {
        (0..self.engine.slots())
            .filter(|&slot| self.engine.present(slot))
            .map(|slot| (slot, slot_name(slot)))
            .collect()
    }

    /// The table-state index of a slot.
    pub fn slot_state(&self, state: Packed, slot: usize) -> u8 {
        engine::get(state, slot)
    }

    /// The world in a state.
    pub(crate) fn world(&self, state: Packed) -> world::World {
        engine::world(state)
    }

    /// Whether a slot's SipSubscription is protected by the high-availability rules.
    pub fn protected(&self, kind: Kind) -> bool {
        self.engine.protected(kind)
    }

    /// Whether the remote views go to the home pool.
    pub(crate) fn views_home(&self) -> bool {
        self.config.remote_home_pool
    }

    /// The table state name of a component by name (`registration`, ...,
    /// `remote_presence[0].subscription`, `pool`, `connection`).
    pub fn state_name(&self, state: Packed, component: &str) -> Option<&'static str> {
        self.state_names(state)
            .into_iter()
            .find(|name| name.component == component)
            .map(|name| name.internal)
    }

    /// The events a delivery raised.
    pub(crate) fn events_of(&self, delivery: &Delivery, out: &mut Vec<crate::Event>) {
        if delivery.outcome == DeliveryOutcome::Moved {
            self.engine.parts[delivery.kind as usize].events(delivery.from, delivery.on, out);
        }
    }

    /// The state of every component, by name.
    pub fn state_names(&self, state: Packed) -> Vec<StateName> {
        let world = engine::world(state);
        let mut names = Vec::with_capacity(2 + self.engine.slots());
        names.push(StateName {
            component: Cow::Borrowed("pool"),
            observed: if world.pool_up { "Up" } else { "Unresponsive" },
            internal: if world.pool_up { "Up" } else { "Unresponsive" },
        });
        names.push(StateName {
            component: Cow::Borrowed("connection"),
            observed: if world.connection_up { "Up" } else { "Dropped" },
            internal: if world.connection_up { "Up" } else { "Dropped" },
        });
        for slot in (0..self.engine.slots()).filter(|&slot| self.engine.present(slot)) {
            let part = &self.engine.parts[engine::kind_of(slot) as usize];
            let index = engine::get(state, slot);
            names.push(StateName {
                component: Cow::Borrowed(slot_name(slot)),
                observed: part.observed(index),
                internal: part.state_name(index),
            });
        }
        names
    }

    /// Whether every reaction stays within an (owner, subscription) pair, so a step's
    /// effect on a view is a function of the shared part and that pair.
    pub(crate) fn pair_local(&self) -> bool {
        self.engine.pair_local
    }

    /// Whether a remote view in state `view` (its table index) accepts `BeginSubscribe`.
    pub(crate) fn accepts_subscribe(&self, view: u8) -> bool {
        self.engine.accepts_subscribe(view)
    }

    /// The six bits of remote view `view`'s (view, subscription) pair.
    pub(crate) fn view_pair(&self, state: Packed, view: usize) -> u8 {
        state.pair(FIRST_VIEW + 2 * view)
    }

    /// The machine id of a component kind's table.
    pub fn machine_of(&self, kind: Kind) -> &'static str {
        self.engine.parts[kind as usize].machine()
    }
}

/// The state of one component, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateName {
    /// The component (`registration`, `remote_presence[0]`, ...; a machine's own id for a
    /// single machine); borrowed where the name is known in advance, as every name of
    /// the crate's own models is, so that naming states allocates nothing.
    pub component: Cow<'static, str>,
    /// The observable .NET state name (e.g. `Registered`).
    pub observed: &'static str,
    /// The table's state name, which may fold in hidden knowledge (e.g.
    /// `RegisteredUserServicesUnavailable`); equal to `observed` for most machines.
    pub internal: &'static str,
}

/// The name of a slot's component.
pub(crate) fn slot_name(slot: usize) -> &'static str {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        (0..FIRST_VIEW + 2 * MAX_VIEWS)
            .map(|slot| match slot {
                engine::REGISTRATION => "registration".into(),
                ENDPOINT => "local_endpoint".into(),
                LOCAL_OWNER_PRESENCE => "local_owner_presence".into(),
                3 => "local_owner_presence.subscription".into(),
                CONTACT_GROUP_SERVICES => "contact_group_services".into(),
                5 => "contact_group_services.subscription".into(),
                s if s % 2 == 0 => format!("remote_presence[{}]", (s - FIRST_VIEW) / 2),
                s => format!("remote_presence[{}].subscription", (s - FIRST_VIEW) / 2),
            })
            .collect()
    });
    names.get(slot).map_or("", String::as_str)
}

impl System {
    /// Whether a packed state is a state of this system (every slot within its table).
    pub fn is_valid(&self, state: Packed) -> bool {
        self.engine.valid(state)
    }
}

impl fsm::explore::Model for System {
    type State = Packed;
    type Action = SystemStimulus;

    fn initial(&self) -> Packed {
        self.engine.initial
    }

    fn actions(&self) -> &[SystemStimulus] {
        STIMULI
    }

    #[inline]
    fn next(&self, state: &Packed, action: SystemStimulus) -> Packed {
        self.engine.step(*state, action, &mut ()).next
    }

    fn canonical(&self, state: Packed) -> Packed {
        self.engine.canonical(state)
    }
}
