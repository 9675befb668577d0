//! The composed system behind [`DynModel`], for the tools that work by names (trace
//! replay, vectors, coverage, the explorer): the system itself knows no catalog.

use std::borrow::Cow;

use fsm::Symbol;
use serde_json::Value;

use super::{nearest, CatalogError, DynModel, Fired, Reaction, Snapshot, StateName};
use crate::system::{slot_name, DeliveryOutcome, Packed, System, SystemError, SystemStimulus, ID};

/// The logged step as the catalog reports it: events, with the component that raised
/// each, and fired rows.
fn reaction(system: &System, state: Packed, stimulus: SystemStimulus) -> Reaction {
    let mut log = Vec::new();
    let result = system.step_observed(state, stimulus, &mut log);
    let mut events = Vec::new();
    let mut raised_by = Vec::new();
    let mut fired = Vec::new();
    for delivery in &log {
        if result.rejected.is_none() {
            system.events_of(delivery, &mut events);
            raised_by.resize(events.len(), Cow::Borrowed(slot_name(delivery.slot)));
        }
        if delivery.outcome != DeliveryOutcome::Renewed {
            fired.push(Fired {
                component: Cow::Borrowed(slot_name(delivery.slot)),
                machine: system.machine_of(delivery.kind),
                row: usize::from(delivery.row),
            });
        }
    }
    Reaction {
        next: pack(result.next),
        rejected: result.rejected,
        events,
        raised_by,
        fired,
    }
}

fn pack(state: Packed) -> Snapshot {
    Snapshot(state.0.to_vec())
}

/// The packed state of a snapshot; the initial state when the snapshot is not a state of
/// this system (so no input can index outside a table).
fn unpack(system: &System, snapshot: &Snapshot) -> Packed {
    let mut state = Packed::default();
    for (word, value) in state.0.iter_mut().zip(&snapshot.0) {
        *word = *value;
    }
    if snapshot.0.len() <= state.0.len() && system.is_valid(state) {
        state
    } else {
        system.initial()
    }
}

impl DynModel for System {
    fn id(&self) -> &'static str {
        ID
    }

    fn parameters(&self) -> Value {
        serde_json::to_value(self.config()).unwrap_or(Value::Null)
    }

    fn stimuli(&self) -> Vec<&'static str> {
        System::stimuli().iter().map(|s| s.name()).collect()
    }

    fn initial(&self) -> Snapshot {
        pack(System::initial(self))
    }

    fn step(&self, at: &Snapshot, stimulus: &str) -> Result<Reaction, CatalogError> {
        let on = SystemStimulus::parse(stimulus).ok_or_else(|| CatalogError::UnknownStimulus {
            machine: ID,
            name: stimulus.to_owned(),
            suggestion: nearest(stimulus, System::stimuli().iter().map(|s| s.name())),
        })?;
        Ok(reaction(self, unpack(self, at), on))
    }

    fn states(&self, at: &Snapshot) -> Vec<StateName> {
        self.state_names(unpack(self, at))
    }
}

/// Builds the system behind [`DynModel`] from JSON parameters (for [`super::model`]).
///
/// # Errors
/// [`CatalogError::BadParameters`] when the config does not fit.
pub fn model(parameters: &Value) -> Result<Box<dyn DynModel>, CatalogError> {
    let bad = |error: SystemError| CatalogError::BadParameters {
        machine: ID,
        message: match error {
            SystemError::Config(message) => crate::words::user_words(&message),
            other => other.to_string(),
        },
    };
    let config = System::config_from_json(parameters).map_err(bad)?;
    Ok(Box::new(System::new(config).map_err(bad)?))
}
