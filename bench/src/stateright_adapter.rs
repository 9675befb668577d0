//! stateright over our own steps, so both engines do identical model work: the same
//! successors, and a step that leaves the state as it is (rejected or unchanged) is no
//! successor (stateright drops `None`; our explorers count it as unchanged).
//! - [`Compiled`] steps the [`CompiledSystem`] (64-bit keys), the model our fastest
//!   search runs on;
//! - [`Adapter`] steps the interpreted `System::step` (the packed 40-byte state).
//!
//! Used by `benches/explore.rs` and `tests/stateright.rs`.

use ucma_ha::system::compiled::CompiledSystem;
use ucma_ha::system::{Packed, System, SystemStimulus};

/// The composed system as a `stateright::Model`, on the interpreted macro-steps.
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

/// The compiled system as a `stateright::Model`: the same `step` our `reach_keys` calls.
pub struct Compiled(pub CompiledSystem);

impl stateright::Model for Compiled {
    type State = u64;
    type Action = SystemStimulus;

    fn init_states(&self) -> Vec<u64> {
        vec![self.0.initial()]
    }

    fn actions(&self, _: &u64, actions: &mut Vec<SystemStimulus>) {
        actions.extend_from_slice(System::stimuli());
    }

    fn next_state(&self, state: &u64, action: SystemStimulus) -> Option<u64> {
        let next = self.0.step(*state, action);
        (next != *state).then_some(next)
    }

    // As for `Adapter`: a property that holds, so that stateright explores everything.
    fn properties(&self) -> Vec<stateright::Property<Self>> {
        vec![stateright::Property::always(
            "the key's shared part is known",
            |model: &Compiled, key: &u64| model.0.decode(*key) != Packed::MAX,
        )]
    }
}
