//! The vocabulary and the events: `Vocabulary.cs` (the .NET enums an event carries, with
//! their members' names and values) and `Events.cs` (one event-args class per event).

use std::fmt::Write as _;

use fsm::Symbol;

use super::{camel, header, xml, NAMESPACE};
use crate::events::Event;

/// A .NET enum: its name and its members with their numeric values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EnumSpec {
    pub(super) name: &'static str,
    pub(super) members: Vec<(&'static str, usize)>,
}

/// The last path segment of a Rust type name, which the vocabulary keeps equal to the
/// .NET type name.
pub(super) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// A vocabulary enum: [`Symbol`] discriminants run from 0 in declaration order and are
/// the .NET values (`crate::vocabulary`'s `dotnet_value`).
pub(super) fn enum_spec<T: Symbol>() -> EnumSpec {
    EnumSpec {
        name: short_type_name::<T>(),
        members: T::all()
            .map(|value| (value.name(), value.index()))
            .collect(),
    }
}

/// Where each .NET enum lives and the facts it rests on, for the doc comments.
pub(super) const ENUM_SOURCES: &[(&str, &str, &str)] = &[
    ("RegistrationState", "Microsoft.Rtc.Signaling", "AF-RS"),
    (
        "RegistrationTransitionReason",
        "Microsoft.Rtc.Signaling",
        "AF-RTR, D2, D4",
    ),
    ("ServiceState", "Microsoft.Rtc.Signaling", "AF-SVC, SVC-1"),
    (
        "LocalEndpointState",
        "Microsoft.Rtc.Collaboration",
        "AF-LES, D5",
    ),
    (
        "LocalEndpointStateTransitionReason",
        "Microsoft.Rtc.Collaboration",
        "AF-LESR, LARG-4, D1, D5",
    ),
    (
        "SubscriptionSignalingState",
        "Microsoft.Rtc.Signaling",
        "AF-SSS",
    ),
    ("TransitionReason", "Microsoft.Rtc.Signaling", "AF-TR"),
    (
        "SubscriptionStateTransitionReason",
        "Microsoft.Rtc.Collaboration.Presence",
        "AF-TR",
    ),
    (
        "CollaborationSubscriptionState",
        "Microsoft.Rtc.Collaboration.Presence",
        "AF-CSS, D3",
    ),
    (
        "RemotePresentitySubscriptionState",
        "Microsoft.Rtc.Collaboration.Presence",
        "AF-RPSS",
    ),
    (
        "RemotePresentitySubscriptionStateTransitionReason",
        "Microsoft.Rtc.Collaboration.Presence",
        "AF-RPSS",
    ),
];

/// .NET property names that differ from the trace files' field names (docs/CONTRACT.md section
/// 3 keeps `State` and `Reason` for every event): `(event, field, property, fact)`.
pub(super) const PROPERTY_NAMES: &[(&str, &str, &str, &str)] = &[
    ("SubscriptionStateChanged", "State", "NewState", "AF-SIPSUB"),
    (
        "SubscriptionStateChanged",
        "Reason",
        "ReasonForChange",
        "AF-SIPSUB",
    ),
    (
        "SubscriptionStateChange",
        "Reason",
        "ReasonForChange",
        "AF-CSS",
    ),
];

/// C# event members named otherwise than the trace's event name: `(event, member)`.
/// `LocalEndpoint` raises `StateChanged` (AF-LARGS).
pub(super) const EVENT_MEMBERS: &[(&str, &str)] = &[("LocalEndpointStateChanged", "StateChanged")];

/// The .NET property for a trace field of an event.
pub(super) fn property_name(event: &str, field: &str) -> String {
    PROPERTY_NAMES
        .iter()
        .find(|(e, f, _, _)| *e == event && *f == field)
        .map_or_else(
            || field.to_owned(),
            |(_, _, property, _)| (*property).into(),
        )
}

/// The C# event member that raises `event`.
pub(super) fn event_member(event: &str) -> &str {
    EVENT_MEMBERS
        .iter()
        .find(|(e, _)| *e == event)
        .map_or(event, |(_, member)| member)
}

/// One argument's value in a raised event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ArgValue {
    /// A member of a .NET enum.
    Enum {
        spec: EnumSpec,
        member: &'static str,
    },
    /// `MessageData`: whether a SIP message came with the change.
    Message(bool),
}

impl ArgValue {
    pub(super) fn of<T: Symbol>(value: T) -> Self {
        ArgValue::Enum {
            spec: enum_spec::<T>(),
            member: value.name(),
        }
    }

    pub(super) fn cs_type(&self) -> &str {
        match self {
            ArgValue::Enum { spec, .. } => spec.name,
            ArgValue::Message(_) => "SipMessageData",
        }
    }

    pub(super) fn cs_value(&self) -> String {
        match self {
            ArgValue::Enum { spec, member } => format!("{}.{member}", spec.name),
            ArgValue::Message(true) => "SipMessageData.Simulated".into(),
            ArgValue::Message(false) => "null".into(),
        }
    }
}

/// One argument: its trace field name and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Arg {
    pub(super) field: String,
    pub(super) value: ArgValue,
}

/// A raised event, typed for C#.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EventValue {
    pub(super) event: &'static str,
    pub(super) origin: &'static str,
    pub(super) clauses: &'static str,
    pub(super) args: Vec<Arg>,
}

/// An event-args class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EventSpec {
    pub(super) event: &'static str,
    pub(super) origin: &'static str,
    pub(super) clauses: &'static str,
    /// `(trace field, .NET property, C# type)`.
    pub(super) properties: Vec<(String, String, String)>,
}

impl EventValue {
    /// Types an event. The match is exhaustive, so a new event or field cannot be left
    /// out; the field names come from the event's own JSON form.
    pub(super) fn of(event: &Event) -> Result<Self, String> {
        let (origin, clauses, values) = match *event {
            Event::RegistrationStateChanged {
                previous_state,
                state,
                reason,
                message_data,
                user_services_state,
            } => (
                "SipEndpoint.RegistrationStateChanged",
                "AF-RARGS, RARG-1, RARG-2, RARG-3",
                vec![
                    ArgValue::of(previous_state),
                    ArgValue::of(state),
                    ArgValue::of(reason),
                    ArgValue::Message(message_data),
                    ArgValue::of(user_services_state),
                ],
            ),
            Event::LocalEndpointStateChanged {
                previous_state,
                state,
                reason,
                message_data,
            } => (
                "LocalEndpoint.StateChanged",
                "AF-LARGS, LARG-1, LARG-2, D1",
                vec![
                    ArgValue::of(previous_state),
                    ArgValue::of(state),
                    ArgValue::of(reason),
                    ArgValue::Message(message_data),
                ],
            ),
            Event::SubscriptionStateChanged {
                previous_state,
                state,
                reason,
            } => (
                "ISipSubscriptionProcessor.SubscriptionStateChanged",
                "AF-SIPSUB, AF-TR",
                vec![
                    ArgValue::of(previous_state),
                    ArgValue::of(state),
                    ArgValue::of(reason),
                ],
            ),
            Event::SubscriptionStateChange {
                previous_state,
                state,
                reason,
            } => (
                "PublishSubscribeSession.SubscriptionStateChange",
                "AF-CSS, AF-TR",
                vec![
                    ArgValue::of(previous_state),
                    ArgValue::of(state),
                    ArgValue::of(reason),
                ],
            ),
            Event::RemoteSubscriptionStateChanged {
                previous_state,
                state,
                reason,
            } => (
                "a remote presentity's subscription in a RemotePresenceView",
                "AF-RPSS",
                vec![
                    ArgValue::of(previous_state),
                    ArgValue::of(state),
                    ArgValue::of(reason),
                ],
            ),
        };
        let json = serde_json::to_value(event).map_err(|error| error.to_string())?;
        let fields: Vec<String> = json
            .as_object()
            .map(|object| {
                object
                    .keys()
                    .filter(|key| key.as_str() != "event")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if fields.len() != values.len() {
            return Err(format!(
                "event {} has fields {fields:?} but {} typed values",
                event.name(),
                values.len()
            ));
        }
        Ok(EventValue {
            event: event.name(),
            origin,
            clauses,
            args: fields
                .into_iter()
                .zip(values)
                .map(|(field, value)| Arg { field, value })
                .collect(),
        })
    }

    pub(super) fn spec(&self) -> EventSpec {
        EventSpec {
            event: self.event,
            origin: self.origin,
            clauses: self.clauses,
            properties: self
                .args
                .iter()
                .map(|arg| {
                    (
                        arg.field.clone(),
                        property_name(self.event, &arg.field),
                        arg.value.cs_type().to_owned(),
                    )
                })
                .collect(),
        }
    }

    /// `new XEventArgs(a, b, ...)`.
    pub(super) fn construct(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|arg| arg.value.cs_value()).collect();
        format!("new {}EventArgs({})", self.event, args.join(", "))
    }
}

pub(super) fn vocabulary_file(enums: &[EnumSpec]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "The .NET enums the simulators and their events use.",
    );
    let _ = writeln!(out, "namespace {NAMESPACE}\n{{");
    for (i, spec) in enums.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (namespace, facts) = ENUM_SOURCES
            .iter()
            .find(|(name, _, _)| *name == spec.name)
            .map_or(("", ""), |(_, namespace, facts)| (*namespace, *facts));
        let full = if namespace.is_empty() {
            spec.name.to_owned()
        } else {
            format!("{namespace}.{}", spec.name)
        };
        let cites = if facts.is_empty() {
            String::new()
        } else {
            format!(" ({facts})")
        };
        let _ = writeln!(
            out,
            "    /// <summary>\n    /// <c>{full}</c>, with the exact .NET member names and values{cites}.\n    /// </summary>\n    public enum {}\n    {{",
            spec.name
        );
        for (member, value) in &spec.members {
            let _ = writeln!(
                out,
                "        /// <summary><c>{member}</c> = {value}.</summary>\n        {member} = {value},"
            );
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

pub(super) fn events_file(events: &[EventSpec]) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "The event-args classes of the events the simulators raise.",
    );
    let _ = writeln!(
        out,
        "using System.Collections.Generic;\n\nnamespace {NAMESPACE}\n{{"
    );
    for (i, spec) in events.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let class = format!("{}EventArgs", spec.event);
        let renamed: Vec<String> = spec
            .properties
            .iter()
            .filter(|(field, property, _)| field != property)
            .map(|(field, property, _)| format!("<c>{property}</c> is <c>{field}</c>"))
            .collect();
        let renamed = if renamed.is_empty() {
            String::new()
        } else {
            format!("\n    /// In trace files {}.", renamed.join(", "))
        };
        let _ = writeln!(
            out,
            "    /// <summary>\n    /// The arguments of {} ({}): trace event <c>{}</c>.{renamed}\n    /// </summary>\n    public sealed class {class} : SimulatedEventArgs\n    {{",
            xml(spec.origin),
            spec.clauses,
            spec.event
        );
        let parameters: Vec<String> = spec
            .properties
            .iter()
            .map(|(_, property, ty)| format!("{ty} {}", camel(property)))
            .collect();
        let _ = writeln!(
            out,
            "        /// <summary>Creates the arguments.</summary>\n        public {class}({})\n        {{",
            parameters.join(", ")
        );
        for (_, property, _) in &spec.properties {
            let _ = writeln!(out, "            {property} = {};", camel(property));
        }
        out.push_str("        }\n\n");
        for (field, property, ty) in &spec.properties {
            let meaning = if ty == "SipMessageData" {
                " (null when no SIP message caused the change)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "        /// <summary>Trace field <c>{field}</c>{meaning}.</summary>\n        public {ty} {property} {{ get; private set; }}\n"
            );
        }
        let _ = writeln!(
            out,
            "        /// <inheritdoc/>\n        public override string EventName {{ get {{ return \"{}\"; }} }}\n",
            spec.event
        );
        out.push_str("        /// <inheritdoc/>\n        public override IList<KeyValuePair<string, object>> TraceFields()\n        {\n            return new List<KeyValuePair<string, object>>\n            {\n");
        for (field, property, ty) in &spec.properties {
            let value = if ty == "SipMessageData" {
                format!("{property} != null")
            } else {
                format!("{property}.ToString()")
            };
            let _ = writeln!(
                out,
                "                new KeyValuePair<string, object>(\"{field}\", {value}),"
            );
        }
        out.push_str("            };\n        }\n    }\n");
    }
    out.push_str("}\n");
    out
}
