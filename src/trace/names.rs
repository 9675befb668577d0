//! The names a trace may use besides machines and stimuli (which [`crate::catalog`]
//! knows): state names per machine, exception names, and each event's fields with the
//! values they take (docs/CONTRACT.md sections 3 and 4).

use fsm::{Machine, Symbol};

use crate::catalog::{for_each_machine, MachineVisitor};
use crate::vocabulary::{
    CollaborationSubscriptionState, Exception, LocalEndpointState,
    LocalEndpointStateTransitionReason, RegistrationState, RegistrationTransitionReason,
    RemotePresentitySubscriptionState, RemotePresentitySubscriptionStateTransitionReason,
    ServiceState, SubscriptionSignalingState, SubscriptionStateTransitionReason, TransitionReason,
};
use crate::Event;

struct StateNames;

impl MachineVisitor for StateNames {
    type Output = (&'static str, Vec<&'static str>);
    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        let mut names: Vec<&'static str> = Vec::new();
        for state in M::State::all() {
            for name in [M::observed(state), state.name()] {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        (M::ID, names)
    }
}

/// The machine a component is an instance of: `remote_presence[0]` is a `remote_presence`.
pub(crate) fn component_machine(component: &str) -> &str {
    component.split('[').next().unwrap_or(component)
}

/// Every state name a trace may expect of a machine: the observed .NET names and the
/// table's own names (which may fold in hidden knowledge); `None` for an id that is not a
/// single machine.
pub(crate) fn state_names(machine: &str) -> Option<Vec<&'static str>> {
    for_each_machine(&mut StateNames)
        .into_iter()
        .find(|(id, _)| *id == machine)
        .map(|(_, names)| names)
}

/// The exception names a rejection reports (docs/CONTRACT.md section 3).
pub(crate) fn exception_names() -> Vec<&'static str> {
    Exception::all().map(Symbol::name).collect()
}

/// What values an event field takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldType {
    /// A JSON boolean (`MessageData`, docs/CONTRACT.md section 3).
    Bool,
    /// One of the names of a vocabulary enum.
    Names(fn() -> Vec<&'static str>),
}

fn names<S: Symbol>() -> Vec<&'static str> {
    S::all().map(Symbol::name).collect()
}

type Fields = &'static [(&'static str, FieldType)];

/// Each event's fields, as [`Event`] serialises them (a test holds the two together).
const EVENTS: &[(&str, Fields)] = &[
    (
        "RegistrationStateChanged",
        &[
            (
                "PreviousState",
                FieldType::Names(names::<RegistrationState>),
            ),
            ("State", FieldType::Names(names::<RegistrationState>)),
            (
                "Reason",
                FieldType::Names(names::<RegistrationTransitionReason>),
            ),
            ("MessageData", FieldType::Bool),
            ("UserServicesState", FieldType::Names(names::<ServiceState>)),
        ],
    ),
    (
        "LocalEndpointStateChanged",
        &[
            (
                "PreviousState",
                FieldType::Names(names::<LocalEndpointState>),
            ),
            ("State", FieldType::Names(names::<LocalEndpointState>)),
            (
                "Reason",
                FieldType::Names(names::<LocalEndpointStateTransitionReason>),
            ),
            ("MessageData", FieldType::Bool),
        ],
    ),
    (
        "SubscriptionStateChanged",
        &[
            (
                "PreviousState",
                FieldType::Names(names::<SubscriptionSignalingState>),
            ),
            (
                "State",
                FieldType::Names(names::<SubscriptionSignalingState>),
            ),
            ("Reason", FieldType::Names(names::<TransitionReason>)),
        ],
    ),
    (
        "SubscriptionStateChange",
        &[
            (
                "PreviousState",
                FieldType::Names(names::<CollaborationSubscriptionState>),
            ),
            (
                "State",
                FieldType::Names(names::<CollaborationSubscriptionState>),
            ),
            (
                "Reason",
                FieldType::Names(names::<SubscriptionStateTransitionReason>),
            ),
        ],
    ),
    (
        "RemoteSubscriptionStateChanged",
        &[
            (
                "PreviousState",
                FieldType::Names(names::<RemotePresentitySubscriptionState>),
            ),
            (
                "State",
                FieldType::Names(names::<RemotePresentitySubscriptionState>),
            ),
            (
                "Reason",
                FieldType::Names(names::<RemotePresentitySubscriptionStateTransitionReason>),
            ),
        ],
    ),
];

/// The event names (the JSON `event` key).
pub(crate) fn event_names() -> impl Iterator<Item = &'static str> {
    EVENTS.iter().map(|(name, _)| *name)
}

/// The fields of an event, `None` for an unknown event.
pub(crate) fn event_fields(event: &str) -> Option<Fields> {
    EVENTS
        .iter()
        .find(|(name, _)| *name == event)
        .map(|(_, fields)| *fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsm::RowOutcome;
    use serde_json::Value;

    /// Every event any row raises has exactly the listed fields, with listed values.
    struct RaisedFitSchema;

    impl MachineVisitor for RaisedFitSchema {
        type Output = usize;
        fn visit<M: Machine<Event = Event>>(&mut self) -> usize {
            let mut seen = 0;
            for row in M::rows() {
                if let RowOutcome::Move { to, emits } = row.outcome {
                    for effect in emits {
                        let json = serde_json::to_value(M::raise(row.from, to, effect))
                            .expect("events serialise");
                        let object = json.as_object().expect("an object");
                        let name = object["event"].as_str().expect("a name");
                        let fields = event_fields(name).expect("a listed event");
                        assert_eq!(object.len(), fields.len() + 1, "{name}: {json}");
                        for (field, kind) in fields {
                            match (kind, &object[*field]) {
                                (FieldType::Bool, Value::Bool(_)) => {}
                                (FieldType::Names(values), Value::String(value)) => {
                                    assert!(values().contains(&value.as_str()), "{json}");
                                }
                                (_, other) => panic!("{name}.{field} = {other}"),
                            }
                        }
                        seen += 1;
                    }
                }
            }
            seen
        }
    }

    #[test]
    fn schema_matches_what_the_rows_raise_contract_3() {
        let raised: usize = for_each_machine(&mut RaisedFitSchema).into_iter().sum();
        assert!(raised > 100, "only {raised} events checked");
    }

    #[test]
    fn every_listed_value_deserialises_as_an_event_contract_3() {
        for (event, fields) in EVENTS {
            // A full event with the first value of every field, then each value in turn.
            let mut base = serde_json::Map::new();
            base.insert("event".into(), Value::from(*event));
            for (field, kind) in *fields {
                let first = match kind {
                    FieldType::Bool => Value::Bool(false),
                    FieldType::Names(values) => Value::from(values()[0]),
                };
                base.insert((*field).into(), first);
            }
            for (field, kind) in *fields {
                let values: Vec<Value> = match kind {
                    FieldType::Bool => vec![Value::Bool(true), Value::Bool(false)],
                    FieldType::Names(values) => values().into_iter().map(Value::from).collect(),
                };
                for value in values {
                    let mut object = base.clone();
                    object.insert((*field).into(), value.clone());
                    let parsed: Result<Event, _> = serde_json::from_value(Value::Object(object));
                    assert!(parsed.is_ok(), "{event}.{field} = {value}");
                }
            }
        }
    }

    #[test]
    fn state_names_hold_observed_and_internal_names() {
        let names = state_names("registration").expect("a machine");
        assert!(names.contains(&"Registered"));
        assert!(names.contains(&"RegisteredUserServicesUnavailable"));
        assert_eq!(state_names("system"), None);
        assert_eq!(component_machine("remote_presence[3]"), "remote_presence");
    }
}
