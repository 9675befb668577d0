//! What one macro-step did, by component: the events each component raised and the rows
//! that fired, for replay, vectors and the exports (CONTRACT sections 3 and 6).

use serde_json::Value;

use super::engine::Outcome;
use super::{pack, slot_name, Packed, System, SystemStimulus};
use crate::catalog::{Fired, Reaction};

impl System {
    /// The events one macro-step raises, in order, as JSON objects with a `component`
    /// key naming the component that raised each (CONTRACT section 6); none when the
    /// stimulus is rejected.
    ///
    /// # Examples
    /// ```
    /// use ucma_ha::system::{System, SystemConfig, SystemStimulus};
    /// let system = System::new(SystemConfig::default())?;
    /// let events = system.labelled_events(system.initial(), SystemStimulus::BeginEstablish);
    /// assert_eq!(events[0]["component"], "local_endpoint");
    /// assert_eq!(events[0]["event"], "LocalEndpointStateChanged");
    /// # Ok::<(), ucma_ha::system::SystemError>(())
    /// ```
    pub fn labelled_events(&self, state: Packed, stimulus: SystemStimulus) -> Vec<Value> {
        self.reaction(state, stimulus).event_values()
    }

    /// The component tables' reaction to a macro-step: the events with the component
    /// that raised each, and the rows that fired.
    pub(super) fn reaction(&self, state: Packed, stimulus: SystemStimulus) -> Reaction {
        let mut log = Vec::new();
        let result = self.engine.step(state, stimulus, &mut log);
        let mut events = Vec::new();
        let mut raised_by = Vec::new();
        let mut fired = Vec::new();
        for delivery in &log {
            if result.rejected.is_none() {
                self.events_of(delivery, &mut events);
                raised_by.resize(events.len(), slot_name(delivery.slot));
            }
            if delivery.outcome != Outcome::Renewed {
                fired.push(Fired {
                    component: slot_name(delivery.slot),
                    machine: self.engine.parts[delivery.kind as usize].machine(),
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
}
