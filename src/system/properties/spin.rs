//! What a property's condition in the Promela model (`ucma-ha export promela`) may name.
//! Each property writes its own condition next to its Rust judgement
//! ([`super::Property::spin`]); the Promela exporter only places it.

use fsm::{Symbol, Table};

use crate::system::{DeliveryOutcome, Kind, SystemError};
use crate::Registration;

/// The model a condition is written for: its codes for table values, and the
/// configuration. A kind's code in the model (`kd`) is its [`Kind`] discriminant.
pub trait SpinModel {
    /// The model's code of the state `name` of `kind`'s table.
    ///
    /// # Errors
    /// [`SystemError::Wiring`] when the table has no such state.
    fn state_code(&self, kind: Kind, name: &'static str) -> Result<u8, SystemError>;
    /// The model's code of the stimulus `name` of `kind`'s table, if it has one.
    fn stimulus_code(&self, kind: Kind, name: &'static str) -> Option<u8>;
    /// The model's code of a delivery's outcome (`oc`).
    fn outcome_code(&self, outcome: DeliveryOutcome) -> u8;
    /// Whether `kind`'s SipSubscriptions are protected by the high-availability rules.
    fn protected(&self, kind: Kind) -> bool;
    /// Whether the remote views go to the home pool.
    fn views_home(&self) -> bool;
    /// The slot (`st[SLOT]`) of the one component of `kind`, if present
    /// (registration, endpoint, LocalOwnerPresence, ContactGroupServices).
    fn slot(&self, kind: Kind) -> Option<usize>;
    /// Every slot present, with its kind, in slot order.
    fn slots(&self) -> Vec<(usize, Kind)>;
    /// The registration's table (its cells' events are judged once, at export).
    fn registration(&self) -> &Table<Registration>;
}

/// A property's condition in the Promela model: when it holds, the property is violated
/// (safety), or it names the parts of the liveness formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpinCondition {
    /// A C condition on one delivery, over `kd`, `stim`, `from`, `oc`, `to` (codes) and
    /// `now.st[SLOT]` (the state as the delivery finds it).
    Delivery(String),
    /// A C condition on one macro-step, over `k` (the system stimulus), `rejected` and
    /// `saved[SLOT]` (the state before the step).
    Step(String),
    /// The deadlock rule: a step that does not settle violates it, and so does a state,
    /// not final by this C condition over `now.st[SLOT]`, that no stimulus but the
    /// world's toggles moves.
    Settles {
        /// Whether the state is final.
        is_final: String,
    },
    /// A liveness formula's parts, as Promela expressions over `st[SLOT]`, `pool_down`
    /// and `connection_dropped`.
    Eventually {
        /// Where the property speaks.
        premise: String,
        /// The goal is still pending.
        pending: String,
    },
}

/// The model's code of a typed state of `kind`'s table.
///
/// # Errors
/// As [`SpinModel::state_code`].
pub(crate) fn state<S: Symbol>(
    model: &dyn SpinModel,
    kind: Kind,
    state: S,
) -> Result<u8, SystemError> {
    model.state_code(kind, state.name())
}

/// The model's code of a typed stimulus of `kind`'s table, if it has it.
pub(crate) fn stimulus<S: Symbol>(model: &dyn SpinModel, kind: Kind, stimulus: S) -> Option<u8> {
    model.stimulus_code(kind, stimulus.name())
}

/// `kd == K || ...` for the kinds given; `None` when there are none.
pub(crate) fn any_kind(kinds: impl IntoIterator<Item = Kind>) -> Option<String> {
    let tests: Vec<String> = kinds
        .into_iter()
        .map(|kind| format!("kd == {}", kind as u8))
        .collect();
    (!tests.is_empty()).then(|| tests.join(" || "))
}
