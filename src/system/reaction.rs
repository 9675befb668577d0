//! What one macro-step raised, by component: the events each component raised, named
//! with the component, for the exports and the system's own output (docs/CONTRACT.md sections 3
//! and 6).

use serde_json::Value;

use super::{slot_name, Packed, System, SystemStimulus};

impl System {
    /// The events one macro-step raises, in order, as JSON objects with a `component`
    /// key naming the component that raised each (docs/CONTRACT.md section 6); none when the
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
        let mut log = Vec::new();
        let result = self.step_observed(state, stimulus, &mut log);
        let mut out = Vec::new();
        if result.rejected.is_some() {
            return out;
        }
        let mut events = Vec::new();
        for delivery in &log {
            events.clear();
            self.events_of(delivery, &mut events);
            for event in &events {
                if let Ok(Value::Object(mut object)) = serde_json::to_value(event) {
                    object.insert("component".into(), Value::from(slot_name(delivery.slot)));
                    out.push(Value::Object(object));
                }
            }
        }
        out
    }
}
