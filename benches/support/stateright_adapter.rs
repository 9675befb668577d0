//! stateright over our own `System::step`, so both engines do identical model work: the
//! same successors, and a step that leaves the state as it is (rejected or unchanged)
//! is no successor (stateright drops `None`; our explorers count it as unchanged).
//!
//! Shared by `benches/explore.rs` and `tests/stateright.rs`.

use ucma_ha::system::{Packed, System, SystemStimulus};

/// The composed system as a `stateright::Model`.
pub struct Adapter(pub System);

impl stateright::Model for Adapter {
    type State = Packed;
    type Action = SystemStimulus;

    fn init_states(&self) -> Vec<Packed> {
        vec![self.0.initial()]
    }

    fn actions(&self, _: &Packed, actions: &mut Vec<SystemStimulus>) {
        actions.extend_from_slice(System::stimuli());
    }

    fn next_state(&self, state: &Packed, action: SystemStimulus) -> Option<Packed> {
        let next = self.0.step(*state, action).next;
        (next != *state).then_some(next)
    }

    // stateright stops once every property has a discovery, and at once with none; this
    // property never fails (every packed state the system produces is valid), so it
    // explores everything.
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always(
            "the packed state is valid",
            |model: &Adapter, state: &Packed| model.0.is_valid(*state),
        )]
    }
}
