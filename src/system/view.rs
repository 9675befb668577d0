//! The system's state read by component and type: what the properties see. Only this
//! module and the engine know how a [`Packed`] state lays the components out, so the
//! layout can change without touching a property.

use std::marker::PhantomData;

use fsm::Symbol;

use super::engine::{
    kind_of, CONTACT_GROUP_SERVICES, ENDPOINT, LOCAL_OWNER_PRESENCE, REGISTRATION,
};
use super::world::World;
use super::{Delivery, Kind, Packed, System};
use crate::registration::RegistrationStatus;
use crate::vocabulary::{
    CollaborationSubscriptionState, LocalEndpointState, RegistrationState,
    RemotePresentitySubscriptionState, SubscriptionSignalingState,
};

/// A value of a table's state or stimulus enum `S`, as the packed state holds it: its
/// index. Compares with values of `S` by `==`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Coded<S> {
    index: u8,
    symbol: PhantomData<S>,
}

impl<S: Symbol> Coded<S> {
    fn new(index: u8) -> Self {
        Coded {
            index,
            symbol: PhantomData,
        }
    }

    /// The value; `None` only for an index no table value has.
    pub(crate) fn get(self) -> Option<S> {
        S::iter().nth(usize::from(self.index))
    }

    /// Whether it is one of `values`.
    pub(crate) fn is_any(self, values: &[S]) -> bool {
        values.iter().any(|&value| self == value)
    }
}

impl<S: Symbol> PartialEq<S> for Coded<S> {
    fn eq(&self, value: &S) -> bool {
        usize::from(self.index) == value.index()
    }
}

impl<S: Symbol> std::fmt::Debug for Coded<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(value) => write!(f, "{value:?}"),
            None => write!(f, "#{}", self.index),
        }
    }
}

/// The components of one system state, by name and type.
#[derive(Clone, Copy)]
pub struct ComponentStates<'a> {
    system: &'a System,
    packed: Packed,
}

/// The state of a component that owns a SipSubscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnerState {
    /// LocalOwnerPresence.
    LocalOwnerPresence(Coded<CollaborationSubscriptionState>),
    /// ContactGroupServices.
    ContactGroupServices(Coded<CollaborationSubscriptionState>),
    /// A remote presence view.
    RemotePresence(Coded<RemotePresentitySubscriptionState>),
}

/// An owner with its SipSubscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owned {
    /// The owner's state.
    pub owner: OwnerState,
    /// Its SipSubscription's state.
    pub subscription: Coded<SubscriptionSignalingState>,
    /// Whether that SipSubscription is protected by the high-availability rules.
    pub protected: bool,
}

impl<'a> ComponentStates<'a> {
    /// Reads `packed`, a state of `system`.
    pub fn new(system: &'a System, packed: Packed) -> Self {
        ComponentStates { system, packed }
    }

    /// The system the state belongs to.
    pub(crate) fn system(&self) -> &'a System {
        self.system
    }

    /// The registration.
    pub fn registration(&self) -> Coded<RegistrationStatus> {
        Coded::new(self.packed.get(REGISTRATION))
    }

    /// Whether the registration is `Registered` (whatever it knows of User Services).
    pub(crate) fn registered(&self) -> bool {
        self.registration()
            .get()
            .is_some_and(|r| r.registration_state() == RegistrationState::Registered)
    }

    /// Whether the registration reports User Services `Unavailable`.
    pub(crate) fn user_services_unavailable(&self) -> bool {
        self.registration() == RegistrationStatus::RegisteredUserServicesUnavailable
    }

    /// The LocalEndpoint.
    pub(crate) fn endpoint(&self) -> Coded<LocalEndpointState> {
        Coded::new(self.packed.get(ENDPOINT))
    }

    /// LocalOwnerPresence.
    pub(crate) fn local_owner_presence(&self) -> Coded<CollaborationSubscriptionState> {
        Coded::new(self.packed.get(LOCAL_OWNER_PRESENCE))
    }

    /// ContactGroupServices; `None` when the system has none (application endpoint).
    pub(crate) fn contact_group_services(&self) -> Option<Coded<CollaborationSubscriptionState>> {
        self.system
            .engine
            .present(CONTACT_GROUP_SERVICES)
            .then(|| Coded::new(self.packed.get(CONTACT_GROUP_SERVICES)))
    }

    /// The pool and the connection.
    pub(crate) fn world(&self) -> World {
        self.system.world(self.packed)
    }

    /// Every owner present with its SipSubscription: LocalOwnerPresence,
    /// ContactGroupServices (when present), then the remote views in order.
    pub(crate) fn owners(&self) -> impl Iterator<Item = Owned> + '_ {
        let engine = &self.system.engine;
        (LOCAL_OWNER_PRESENCE..engine.slots())
            .step_by(2)
            .filter(|&slot| engine.present(slot))
            .map(move |slot| {
                let value = self.packed.get(slot);
                let owner = match kind_of(slot) {
                    Kind::LocalOwnerPresence => OwnerState::LocalOwnerPresence(Coded::new(value)),
                    Kind::ContactGroupServices => {
                        OwnerState::ContactGroupServices(Coded::new(value))
                    }
                    _ => OwnerState::RemotePresence(Coded::new(value)),
                };
                let subscription = slot + 1;
                Owned {
                    owner,
                    subscription: Coded::new(self.packed.get(subscription)),
                    protected: engine.protected(kind_of(subscription)),
                }
            })
    }
}

impl std::fmt::Debug for ComponentStates<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentStates")
            .field("packed", &format_args!("{:x}", self.packed))
            .finish()
    }
}

impl Delivery {
    /// The stimulus delivered, as a value of the receiving kind's stimulus enum.
    pub(crate) fn stimulus<S: Symbol>(&self) -> Coded<S> {
        Coded::new(self.on)
    }

    /// The state before the delivery, as a value of the receiving kind's state enum.
    pub fn from_state<S: Symbol>(&self) -> Coded<S> {
        Coded::new(self.from)
    }

    /// The state after the delivery.
    pub fn to_state<S: Symbol>(&self) -> Coded<S> {
        Coded::new(self.to)
    }

    /// Whether the receiver is a SipSubscription (a session's or a view's).
    pub fn to_subscription(&self) -> bool {
        matches!(
            self.kind,
            Kind::SessionSubscription | Kind::ViewSubscription
        )
    }
}
