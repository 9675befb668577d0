//! `ucma-ha export csharp`: C# 7 sources for Mono's `mcs` (and any .NET compiler),
//! generated from the tables at run time (CONTRACT section 7).
//!
//! What is written:
//! - `Vocabulary.cs`: every .NET enum an event carries, with its exact .NET member names
//!   and numeric values (taken from [`crate::vocabulary`] through [`Symbol`]).
//! - `Events.cs`: one event-args class per event the machines raise, with the .NET
//!   property names (the trace files' field names where the reference gives no other).
//! - One file per machine (`Registration.cs`, `LocalEndpoint.cs`, ...): its stimuli, its
//!   parameters, and a table-driven simulator whose rows are the Rust rows, each with its
//!   guard, outcome, raised events and clause IDs. `Step` raises the .NET-named C# events
//!   and throws `InvalidOperationException` where the row rejects.
//! - `ComposedSystem.cs`: the composed `system` for one configuration, as its reachable
//!   graph. The wiring rows are not translated: a macro-step is the engine in
//!   [`crate::system`] interpreting them (resolving targets, answering requests as the
//!   world decides, running reactions to completion), and translating them would mean
//!   writing that engine again in C#. Instead the export runs the engine on every
//!   reachable state and every stimulus and writes what each macro-step does: the next
//!   state, the rejection, the events with their components. `docs/dotnet.md` and
//!   `docs/DECISIONS.md` say more.
//! - `Simulators.cs`: builds any generated simulator by machine id and trace `config`.
//! - `Simulation.cs` (the row type and the table compiler) and `Runner.cs` (a vector
//!   runner over a small adapter interface, with a `Main`): fixed C# that holds no table
//!   content.
//! - `runner.rsp` and `library.rsp`: `mcs @runner.rsp -out:runner.exe` builds the runner,
//!   `mcs @library.rsp -out:UcmaHa.dll` a library for your own tests.
//!
//! The fixed shape of a machine's simulator class and of the system's is a template
//! (`csharp/Simulator.cs.in`, `csharp/ComposedSystem.cs.in`) whose `$NAME$` placeholders
//! this module fills from the tables.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use fsm::{Machine, Parameters, RowOutcome, Symbol};
use serde_json::Value;
use thiserror::Error;

use crate::catalog::{for_each_machine, MachineVisitor};
use crate::events::Event;

/// The response file that builds the runner: `mcs @runner.rsp -out:runner.exe`.
pub const RUNNER_RSP: &str = "runner.rsp";
/// The response file that builds a library: `mcs @library.rsp -out:UcmaHa.dll`.
pub const LIBRARY_RSP: &str = "library.rsp";
/// The C# namespace of every generated type.
pub const NAMESPACE: &str = "UcmaHa";

/// The fixed row type, table compiler and parameter helpers.
const SIMULATION_CS: &str = include_str!("csharp/Simulation.cs");
/// A machine's simulator class, with `$NAME$` placeholders for what its table decides.
const SIMULATOR_CS: &str = include_str!("csharp/Simulator.cs.in");
/// The composed system's simulator, with `$NAME$` placeholders for its graph.
const SYSTEM_CS: &str = include_str!("csharp/ComposedSystem.cs.in");
/// The fixed vector runner.
const RUNNER_CS: &str = include_str!("csharp/Runner.cs");

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file name, relative to the output directory.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Why the export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// A table cannot be expressed in C# (e.g. a parameter that is neither a boolean nor a
    /// string).
    #[error("cannot export `{machine}`: {message}")]
    Model {
        /// The machine id.
        machine: &'static str,
        /// What does not fit.
        message: String,
    },
    /// A file could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error from the file system.
        source: std::io::Error,
    },
}

/// Generates every C# source and the response files, in a fixed order.
///
/// # Errors
/// [`ExportError::Model`] when a table does not fit the C# shapes.
///
/// # Examples
/// ```
/// let files = ucma_ha::export::csharp::generate()?;
/// assert!(files.iter().any(|file| file.name == "Registration.cs"));
/// assert!(files.iter().any(|file| file.text.contains("RegisterationRefresh = 9")));
/// # Ok::<(), ucma_ha::export::csharp::ExportError>(())
/// ```
pub fn generate() -> Result<Vec<SourceFile>, ExportError> {
    generate_with(&Value::Null)
}

/// As [`generate`], with the composed system in the configuration `system_config` (a
/// JSON object as in a `system` trace's `config`; `null` for the defaults).
///
/// # Errors
/// [`ExportError::Model`] when a table does not fit the C# shapes, the configuration is
/// not valid, or its reachable graph has more than [`MAX_SYSTEM_STATES`] states.
pub fn generate_with(system_config: &Value) -> Result<Vec<SourceFile>, ExportError> {
    let machines = for_each_machine(&mut Exporter)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let system = system_file(system_config).map_err(|message| ExportError::Model {
        machine: crate::system::ID,
        message,
    })?;
    let mut enums: Vec<EnumSpec> = Vec::new();
    let mut events: Vec<EventSpec> = Vec::new();
    for machine in &machines {
        for event in machine.events.iter().chain(&system.events) {
            if !events.iter().any(|known| known.event == event.event) {
                events.push(event.spec());
            }
            for arg in &event.args {
                if let ArgValue::Enum { spec, .. } = &arg.value {
                    if !enums.iter().any(|known| known.name == spec.name) {
                        enums.push(spec.clone());
                    }
                }
            }
        }
    }
    let mut files = vec![
        SourceFile {
            name: "Vocabulary.cs".into(),
            text: vocabulary_file(&enums),
        },
        SourceFile {
            name: "Events.cs".into(),
            text: events_file(&events),
        },
        SourceFile {
            name: "Simulation.cs".into(),
            text: SIMULATION_CS.to_owned(),
        },
    ];
    files.extend(machines.iter().map(|machine| machine.file.clone()));
    files.push(system.file);
    files.push(SourceFile {
        name: "Simulators.cs".into(),
        text: simulators_file(&machines),
    });
    files.push(SourceFile {
        name: "Runner.cs".into(),
        text: RUNNER_CS.to_owned(),
    });
    let sources: Vec<String> = files.iter().map(|file| file.name.clone()).collect();
    files.push(SourceFile {
        name: RUNNER_RSP.into(),
        text: response_file(&["-target:exe"], &sources),
    });
    files.push(SourceFile {
        name: LIBRARY_RSP.into(),
        text: response_file(&["-target:library", "-doc:UcmaHa.xml"], &sources),
    });
    Ok(files)
}

/// Generates the sources (the system in `system_config`, see [`generate_with`]) and
/// writes them into `dir` (created if missing); files of the same names are replaced,
/// other files are left alone.
///
/// # Returns
/// The paths written, in order.
///
/// # Errors
/// [`ExportError::Model`] as [`generate`]; [`ExportError::Io`] when a file cannot be
/// written.
pub fn write(dir: &Path, system_config: &Value) -> Result<Vec<PathBuf>, ExportError> {
    let files = generate_with(system_config)?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(&file.name);
        std::fs::write(&path, file.text).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

// ---------------------------------------------------------------------------------------
// The vocabulary and the events
// ---------------------------------------------------------------------------------------

/// A .NET enum: its name and its members with their numeric values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EnumSpec {
    name: &'static str,
    members: Vec<(&'static str, usize)>,
}

/// The last path segment of a Rust type name, which the vocabulary keeps equal to the
/// .NET type name.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// A vocabulary enum: [`Symbol`] discriminants run from 0 in declaration order and are
/// the .NET values (`crate::vocabulary`'s `dotnet_value`).
fn enum_spec<T: Symbol>() -> EnumSpec {
    EnumSpec {
        name: short_type_name::<T>(),
        members: T::all()
            .map(|value| (value.name(), value.index()))
            .collect(),
    }
}

/// Where each .NET enum lives and the facts it rests on, for the doc comments.
const ENUM_SOURCES: &[(&str, &str, &str)] = &[
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

/// .NET property names that differ from the trace files' field names (CONTRACT section
/// 3 keeps `State` and `Reason` for every event): `(event, field, property, fact)`.
const PROPERTY_NAMES: &[(&str, &str, &str, &str)] = &[
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
const EVENT_MEMBERS: &[(&str, &str)] = &[("LocalEndpointStateChanged", "StateChanged")];

/// The .NET property for a trace field of an event.
fn property_name(event: &str, field: &str) -> String {
    PROPERTY_NAMES
        .iter()
        .find(|(e, f, _, _)| *e == event && *f == field)
        .map_or_else(
            || field.to_owned(),
            |(_, _, property, _)| (*property).into(),
        )
}

/// The C# event member that raises `event`.
fn event_member(event: &str) -> &str {
    EVENT_MEMBERS
        .iter()
        .find(|(e, _)| *e == event)
        .map_or(event, |(_, member)| member)
}

/// One argument's value in a raised event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ArgValue {
    /// A member of a .NET enum.
    Enum {
        spec: EnumSpec,
        member: &'static str,
    },
    /// `MessageData`: whether a SIP message came with the change.
    Message(bool),
}

impl ArgValue {
    fn of<T: Symbol>(value: T) -> Self {
        ArgValue::Enum {
            spec: enum_spec::<T>(),
            member: value.name(),
        }
    }

    fn cs_type(&self) -> &str {
        match self {
            ArgValue::Enum { spec, .. } => spec.name,
            ArgValue::Message(_) => "SipMessageData",
        }
    }

    fn cs_value(&self) -> String {
        match self {
            ArgValue::Enum { spec, member } => format!("{}.{member}", spec.name),
            ArgValue::Message(true) => "SipMessageData.Simulated".into(),
            ArgValue::Message(false) => "null".into(),
        }
    }
}

/// One argument: its trace field name and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Arg {
    field: String,
    value: ArgValue,
}

/// A raised event, typed for C#.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EventValue {
    event: &'static str,
    origin: &'static str,
    clauses: &'static str,
    args: Vec<Arg>,
}

/// An event-args class.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EventSpec {
    event: &'static str,
    origin: &'static str,
    clauses: &'static str,
    /// `(trace field, .NET property, C# type)`.
    properties: Vec<(String, String, String)>,
}

impl EventValue {
    /// Types an event. The match is exhaustive, so a new event or field cannot be left
    /// out; the field names come from the event's own JSON form.
    fn of(event: &Event) -> Result<Self, String> {
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

    fn spec(&self) -> EventSpec {
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
    fn construct(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|arg| arg.value.cs_value()).collect();
        format!("new {}EventArgs({})", self.event, args.join(", "))
    }
}

fn header(out: &mut String, what: &str) {
    let _ = writeln!(
        out,
        "// {what}\n// Generated by `ucma-ha export csharp` from the model's tables; do not edit.\n// C# 7: `mcs @{RUNNER_RSP} -out:runner.exe` builds the vector runner.\n"
    );
}

fn vocabulary_file(enums: &[EnumSpec]) -> String {
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

fn events_file(events: &[EventSpec]) -> String {
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

// ---------------------------------------------------------------------------------------
// The machines
// ---------------------------------------------------------------------------------------

/// One machine's generated file and what the shared files need from it.
#[derive(Debug, Clone)]
struct MachineFile {
    id: &'static str,
    class: String,
    file: SourceFile,
    events: Vec<EventValue>,
}

/// Replaces each `$NAME$` placeholder of a template by its text.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(name, value)
        })
}

/// The lines of a `Raise` method that pass `raised` to the C# event `member` when it is
/// a `kind` event.
fn raise_event(kind: &str, member: &str) -> String {
    let local = camel(kind);
    format!(
        "            var {local} = raised as {kind}EventArgs;\n            if ({local} != null)\n            {{\n                var handler = {member};\n                if (handler != null)\n                {{\n                    handler(this, {local});\n                }}\n            }}"
    )
}

/// Members every simulator has, which no stimulus method may be named.
const RESERVED_MEMBERS: &[&str] = &[
    "Id",
    "TableState",
    "Raised",
    "Parameters",
    "Current",
    "State",
    "LastRow",
    "TableRows",
    "Step",
    "Raise",
    "StateCount",
    "StimulusCount",
    "Initial",
    "Observed",
    "Emits",
    "Rows",
];

/// `; its rows cite A, B` for the clause lists of some rows (each ID once, in order).
fn cited<'a>(clauses: impl Iterator<Item = &'a [&'static str]>) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for id in clauses.flatten() {
        if !ids.contains(id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        String::new()
    } else {
        format!("; its rows cite {}", ids.join(", "))
    }
}

/// `local_endpoint` -> `LocalEndpoint`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// `PreviousState` -> `previousState`.
fn camel(pascal: &str) -> String {
    let mut chars = pascal.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Escapes text for an XML doc comment.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A C# string literal.
fn literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A parameter of a machine: its JSON key, C# property and type, default and values.
#[derive(Debug, Clone)]
struct ParameterField {
    key: String,
    property: String,
    /// `bool` or `string`.
    ty: &'static str,
    default: String,
    /// The C# literals of the values the parameter sets use, in order of appearance.
    values: Vec<String>,
}

fn cs_scalar(value: &Value) -> Option<(&'static str, String)> {
    match value {
        Value::Bool(b) => Some(("bool", b.to_string())),
        Value::String(s) => Some(("string", literal(s))),
        _ => None,
    }
}

struct Exporter;

impl MachineVisitor for Exporter {
    type Output = Result<MachineFile, ExportError>;

    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        machine_file::<M>().map_err(|message| ExportError::Model {
            machine: M::ID,
            message,
        })
    }
}

fn machine_file<M: Machine<Event = Event>>() -> Result<MachineFile, String> {
    let class = pascal(M::ID);
    let simulator = format!("{class}Simulator");
    let stimulus = format!("{class}Stimulus");
    let parameters_class = format!("{class}Parameters");
    let sets = M::Parameters::all();
    if sets.len() > 64 {
        return Err(format!("{} parameter sets (at most 64)", sets.len()));
    }
    let set_json: Vec<Value> = sets
        .iter()
        .map(|set| serde_json::to_value(set).map_err(|error| error.to_string()))
        .collect::<Result<_, _>>()?;
    let default = serde_json::to_value(M::Parameters::default()).map_err(|e| e.to_string())?;
    let fields = parameter_fields(&default, &set_json)?;

    // Rows, typed.
    let mut events: Vec<EventValue> = Vec::new();
    let mut rows = String::new();
    let mut clauses: Vec<&str> = Vec::new();
    let mut section: Option<M::State> = None;
    for (index, row) in M::rows().iter().enumerate() {
        if section != Some(row.from) {
            section = Some(row.from);
            let _ = writeln!(rows, "            // {}", row.from.name());
        }
        for clause in row.clauses {
            if !clauses.contains(clause) {
                clauses.push(clause);
            }
        }
        let cites: Vec<String> = row.clauses.iter().map(|c| literal(c)).collect();
        let head = format!(
            "TableState.{}, {stimulus}.{}",
            row.from.name(),
            row.on.name()
        );
        let mut line = match row.outcome {
            RowOutcome::Move { to, emits } => {
                let raised: Vec<String> = emits
                    .iter()
                    .map(|effect| {
                        let event = EventValue::of(&M::raise(row.from, to, effect))?;
                        let text = event.construct();
                        events.push(event);
                        Ok(text)
                    })
                    .collect::<Result<_, String>>()?;
                let emits = if raised.is_empty() {
                    "Emits()".to_owned()
                } else {
                    format!(
                        "Emits(\n                    {})",
                        raised.join(",\n                    ")
                    )
                };
                format!(
                    "Row.Move({head}, TableState.{}, {emits}, {})",
                    to.name(),
                    cites.join(", ")
                )
            }
            RowOutcome::Ignore => format!("Row.Ignore({head}, {})", cites.join(", ")),
            RowOutcome::Reject(error) => {
                let error: &'static str = error.into();
                format!(
                    "Row.Reject({head}, {}, {})",
                    literal(error),
                    cites.join(", ")
                )
            }
        };
        if !row.when.is_always() {
            let mask = sets
                .iter()
                .enumerate()
                .filter(|(_, set)| (row.when.holds)(set))
                .fold(0u64, |mask, (i, _)| mask | (1 << i));
            let _ = write!(
                line,
                "\n                .When({}, 0x{mask:x}UL)",
                literal(row.when.label)
            );
        }
        let _ = writeln!(rows, "            /* {index:>3} */ {line},");
    }

    // A stimulus becomes a method of the simulator: it must not take a member's name.
    for on in M::Stimulus::all() {
        let name = on.name();
        if RESERVED_MEMBERS.contains(&name)
            || events.iter().any(|event| event_member(event.event) == name)
        {
            return Err(format!(
                "stimulus `{name}` would clash with a member of the C# simulator"
            ));
        }
    }

    // The .NET type of the observed state: the `State` field of the machine's events.
    let state_enum = events
        .iter()
        .flat_map(|event| &event.args)
        .find_map(|arg| match &arg.value {
            ArgValue::Enum { spec, .. } if arg.field == "State" => Some(spec.clone()),
            _ => None,
        })
        .ok_or("no event names the machine's .NET state type")?;
    let observed: Vec<String> = M::State::all()
        .map(|state| {
            let name = M::observed(state);
            if state_enum.members.iter().any(|(member, _)| *member == name) {
                Ok(format!("{}.{name}", state_enum.name))
            } else {
                Err(format!("state `{name}` is not a {}", state_enum.name))
            }
        })
        .collect::<Result<_, String>>()?;
    let raised_kinds: Vec<&'static str> = events.iter().fold(Vec::new(), |mut kinds, event| {
        if !kinds.contains(&event.event) {
            kinds.push(event.event);
        }
        kinds
    });

    let mut out = String::new();
    header(
        &mut out,
        &format!("The `{}` table as a C# simulator.", M::ID),
    );
    let _ = writeln!(
        out,
        "using System;\nusing System.Collections.Generic;\nusing Row = {NAMESPACE}.TableRow<{NAMESPACE}.{simulator}.TableState, {NAMESPACE}.{stimulus}>;\n\nnamespace {NAMESPACE}\n{{"
    );

    // Stimuli.
    let _ = writeln!(
        out,
        "    /// <summary>What can happen to a <see cref=\"{simulator}\"/>: the application's calls and what the servers, the connection and the timers do.</summary>\n    public enum {stimulus}\n    {{"
    );
    for on in M::Stimulus::all() {
        let _ = writeln!(
            out,
            "        /// <summary>Stimulus <c>{0}</c>{2}.</summary>\n        {0} = {1},",
            on.name(),
            on.index(),
            cited(
                M::rows()
                    .iter()
                    .filter(|row| row.on == on)
                    .map(|row| row.clauses)
            )
        );
    }
    out.push_str("    }\n\n");

    parameters_code(&mut out, M::ID, &parameters_class, &fields, &set_json);

    // The simulator.
    let initial: Vec<String> = sets
        .iter()
        .map(|set| format!("TableState.{}", M::initial(set).name()))
        .collect();
    let table_states: Vec<String> = M::State::all()
        .map(|state| {
            format!(
                "            /// <summary>Table state <c>{0}</c>, .NET <c>{1}</c>{3}.</summary>\n            {0} = {2},",
                state.name(),
                M::observed(state),
                state.index(),
                cited(
                    M::rows()
                        .iter()
                        .filter(|row| row.from == state)
                        .map(|row| row.clauses)
                )
            )
        })
        .collect();
    let members = raised_kinds
        .iter()
        .map(|kind| {
            format!(
                "        /// <summary>Raised for trace event <c>{kind}</c>, after the state has changed.</summary>\n        public event EventHandler<{kind}EventArgs> {};",
                event_member(kind)
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let methods = M::Stimulus::all()
        .map(|on| {
            format!(
                "        /// <summary>Executes <see cref=\"{stimulus}.{0}\"/>.</summary>\n        public void {0}()\n        {{\n            Step({stimulus}.{0});\n        }}",
                on.name()
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let raise: Vec<String> = raised_kinds
        .iter()
        .map(|kind| raise_event(kind, event_member(kind)))
        .collect();
    out.push_str(&fill(
        SIMULATOR_CS,
        &[
            ("$ID$", M::ID),
            ("$ROW_COUNT$", &M::rows().len().to_string()),
            ("$CITES$", &xml(&clauses.join(", "))),
            ("$SIMULATOR$", &simulator),
            ("$PARAMETERS$", &parameters_class),
            ("$STATE_TYPE$", state_enum.name),
            ("$STIMULUS$", &stimulus),
            ("$STATE_COUNT$", &M::State::all().count().to_string()),
            ("$STIMULUS_COUNT$", &M::Stimulus::all().count().to_string()),
            ("$INITIAL$", &initial.join(", ")),
            ("$TABLE_STATES$", &table_states.join("\n")),
            ("$EVENTS$", &members),
            ("$STIMULUS_METHODS$", &methods),
            ("$RAISE$", &raise.join("\n")),
            (
                "$OBSERVED$",
                &format!("            {},", observed.join(",\n            ")),
            ),
            ("$ROWS$", rows.trim_end()),
        ],
    ));

    Ok(MachineFile {
        id: M::ID,
        class,
        file: SourceFile {
            name: format!("{}.cs", pascal(M::ID)),
            text: out,
        },
        events,
    })
}

fn parameter_fields(default: &Value, sets: &[Value]) -> Result<Vec<ParameterField>, String> {
    let Some(object) = default.as_object() else {
        return Err("parameters are not a JSON object".into());
    };
    object
        .iter()
        .map(|(key, value)| {
            let (ty, default) = cs_scalar(value)
                .ok_or_else(|| format!("parameter `{key}` is neither a boolean nor a string"))?;
            let mut values: Vec<String> = Vec::new();
            for set in sets {
                let (set_ty, literal) = set
                    .get(key)
                    .and_then(cs_scalar)
                    .ok_or_else(|| format!("a parameter set lacks `{key}`"))?;
                if set_ty != ty {
                    return Err(format!("parameter `{key}` changes type"));
                }
                if !values.contains(&literal) {
                    values.push(literal);
                }
            }
            Ok(ParameterField {
                key: key.clone(),
                property: pascal(key),
                ty,
                default,
                values,
            })
        })
        .collect()
}

fn parameters_code(
    out: &mut String,
    id: &str,
    class: &str,
    fields: &[ParameterField],
    sets: &[Value],
) {
    let _ = writeln!(
        out,
        "    /// <summary>The parameters of the <c>{id}</c> table: the <c>config</c> object of a trace file.</summary>\n    public sealed class {class}\n    {{"
    );
    for field in fields {
        let _ = writeln!(
            out,
            "        /// <summary>Config key <c>{}</c> (default <c>{}</c>).</summary>\n        public {} {} {{ get; set; }} = {};\n",
            field.key,
            xml(&field.default),
            field.ty,
            field.property,
            field.default
        );
    }
    let _ = writeln!(
        out,
        "        /// <summary>Sets a parameter by its config key.</summary>\n        /// <exception cref=\"ArgumentException\">An unknown key or a value of the wrong type.</exception>\n        public void Set(string key, object value)\n        {{\n            switch (key)\n            {{"
    );
    for field in fields {
        let reader = if field.ty == "bool" {
            format!("ParameterValues.Bool({}, key, value)", literal(id))
        } else {
            format!(
                "ParameterValues.OneOf({}, key, value, {})",
                literal(id),
                field.values.join(", ")
            )
        };
        let _ = writeln!(
            out,
            "                case {}:\n                    {} = {reader};\n                    return;",
            literal(&field.key),
            field.property
        );
    }
    let keys: Vec<String> = fields.iter().map(|f| literal(&f.key)).collect();
    let keys = if keys.is_empty() {
        "new string[0]".to_owned()
    } else {
        format!("new[] {{ {} }}", keys.join(", "))
    };
    let _ = writeln!(
        out,
        "                default:\n                    throw ParameterValues.Unknown({}, key, {keys});\n            }}\n        }}\n",
        literal(id),
    );
    // The parameter sets, in the model's order (rows' guards are masks over them).
    let _ = writeln!(
        out,
        "        /// <summary>The index of these parameters among the model's parameter sets.</summary>\n        /// <exception cref=\"ArgumentException\">No parameter set has these values.</exception>\n        public int SetIndex()\n        {{"
    );
    for (i, set) in sets.iter().enumerate() {
        let conditions: Vec<String> = fields
            .iter()
            .filter_map(|field| {
                set.get(&field.key)
                    .and_then(cs_scalar)
                    .map(|(_, value)| format!("{} == {value}", field.property))
            })
            .collect();
        if conditions.is_empty() {
            // A machine without parameters has one set, and every instance is it.
            let _ = writeln!(out, "            return {i};\n        }}\n");
            break;
        }
        let _ = writeln!(
            out,
            "            if ({})\n            {{\n                return {i};\n            }}",
            conditions.join(" && ")
        );
        if i + 1 == sets.len() {
            let _ = writeln!(
                out,
                "            throw new ArgumentException(\"no parameter set of `{id}` is \" + this);\n        }}\n"
            );
        }
    }
    let _ = writeln!(
        out,
        "        /// <summary>A copy.</summary>\n        public {class} Copy()\n        {{\n            return ({class})MemberwiseClone();\n        }}\n"
    );
    let shown: Vec<String> = fields
        .iter()
        .map(|field| {
            let value = if field.ty == "bool" {
                format!("({} ? \"true\" : \"false\")", field.property)
            } else {
                format!("\"\\\"\" + {} + \"\\\"\"", field.property)
            };
            format!("\"\\\"{}\\\": \" + {value}", field.key)
        })
        .collect();
    let body = if shown.is_empty() {
        "\"{}\"".to_owned()
    } else {
        format!("\"{{\" + {} + \"}}\"", shown.join(" + \", \" + "))
    };
    let _ = writeln!(
        out,
        "        /// <summary>The parameters as a JSON config object.</summary>\n        public override string ToString()\n        {{\n            return {body};\n        }}\n    }}\n"
    );
}

fn simulators_file(machines: &[MachineFile]) -> String {
    let mut out = String::new();
    header(&mut out, "Builds any generated simulator by machine id.");
    let _ = writeln!(
        out,
        "using System;\nusing System.Collections.Generic;\n\nnamespace {NAMESPACE}\n{{\n    /// <summary>Every generated simulator, by the machine id of trace files.</summary>\n    public static class Simulators\n    {{"
    );
    let ids: Vec<String> = machines
        .iter()
        .map(|m| literal(m.id))
        .chain([literal(crate::system::ID)])
        .collect();
    let _ = writeln!(
        out,
        "        /// <summary>The machine ids, in the model's order.</summary>\n        public static readonly string[] Machines = {{ {} }};\n",
        ids.join(", ")
    );
    let _ = writeln!(
        out,
        "        /// <summary>A fresh simulator of <paramref name=\"machine\"/> with a trace's config (absent keys take their defaults).</summary>\n        /// <exception cref=\"ArgumentException\">An unknown machine, config key or value.</exception>\n        public static ISimulator Create(string machine, IDictionary<string, object> config)\n        {{\n            switch (machine)\n            {{"
    );
    for machine in machines {
        let _ = writeln!(
            out,
            "                case {id}:\n                {{\n                    var parameters = new {class}Parameters();\n                    foreach (var entry in config)\n                    {{\n                        parameters.Set(entry.Key, entry.Value);\n                    }}\n                    return new {class}Simulator(parameters);\n                }}",
            id = literal(machine.id),
            class = machine.class
        );
    }
    let _ = writeln!(
        out,
        "                case SystemSimulator.Id:\n                    return SystemSimulator.Create(config);"
    );
    out.push_str("                default:\n                    throw new ArgumentException(\"unknown machine `\" + machine + \"` (the generated simulators are \" + string.Join(\", \", Machines) + \")\");\n            }\n        }\n    }\n}\n");
    out
}

// ---------------------------------------------------------------------------------------
// The composed system
// ---------------------------------------------------------------------------------------

/// The most states the composed system's reachable graph may have in an export (the
/// default configuration has 135; `endpoint: "application"` with 3 views about 2,300).
pub const MAX_SYSTEM_STATES: usize = 20_000;

/// The generated system file and the events it raises.
struct SystemFile {
    file: SourceFile,
    events: Vec<EventValue>,
}

/// A JSON scalar as a C# literal of the type the runner reads it as (numbers as doubles).
fn config_literal(value: &Value) -> Result<String, String> {
    match value {
        Value::Bool(b) => Ok(b.to_string()),
        Value::String(s) => Ok(literal(s)),
        Value::Number(n) => n
            .as_f64()
            .map(|n| format!("{n:?}"))
            .ok_or_else(|| format!("config value {n} is not a number C# reads")),
        other => Err(format!("config value {other} is not a scalar")),
    }
}

/// Interns a value in a table and returns its index.
fn intern<T: PartialEq>(table: &mut Vec<T>, value: T) -> usize {
    match table.iter().position(|known| *known == value) {
        Some(index) => index,
        None => {
            table.push(value);
            table.len() - 1
        }
    }
}

/// Writes a list of numbers, twenty to a line.
fn numbers(values: impl IntoIterator<Item = usize>) -> String {
    let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
    values
        .chunks(20)
        .map(|chunk| format!("            {},", chunk.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn system_file(config: &Value) -> Result<SystemFile, String> {
    use crate::system::{Packed, System, SystemConfig};
    use std::collections::HashMap;

    let parsed = System::config_from_json(config).map_err(|error| error.to_string())?;
    let system = System::new(parsed).map_err(|error| error.to_string())?;
    let exported = serde_json::to_value(system.config()).map_err(|e| e.to_string())?;
    let defaults = serde_json::to_value(SystemConfig::default()).map_err(|e| e.to_string())?;
    let stimuli = System::stimuli();
    for on in stimuli {
        let name = on.name();
        if RESERVED_MEMBERS.contains(&name)
            || [
                "Config",
                "Components",
                "StateOf",
                "TableStateOf",
                "Create",
                "ComponentRaised",
            ]
            .contains(&name)
        {
            return Err(format!(
                "stimulus `{name}` would clash with a member of the C# simulator"
            ));
        }
    }

    // Breadth first from the initial state, every stimulus in every state, exactly as the
    // engine steps (no symmetry reduction: the views keep their numbers).
    let mut number: HashMap<Packed, usize> = HashMap::new();
    let mut states: Vec<Packed> = vec![system.initial()];
    number.insert(system.initial(), 0);
    let mut next: Vec<usize> = Vec::new();
    let mut rejections: Vec<Option<&'static str>> = Vec::new();
    let mut edge_events: Vec<Vec<(String, EventValue)>> = Vec::new();
    let mut at = 0;
    while let Some(&state) = states.get(at) {
        for &on in stimuli {
            let result = system.step(state, on);
            if result.diverged {
                return Err(format!("{on} does not settle from state {at}"));
            }
            let to = match number.get(&result.next) {
                Some(&to) => to,
                None => {
                    if states.len() == MAX_SYSTEM_STATES {
                        return Err(format!(
                            "the reachable graph has more than {MAX_SYSTEM_STATES} states"
                        ));
                    }
                    number.insert(result.next, states.len());
                    states.push(result.next);
                    states.len() - 1
                }
            };
            let mut raised = Vec::new();
            for mut value in system.labelled_events(state, on) {
                let component = value
                    .as_object_mut()
                    .and_then(|object| object.remove("Component"))
                    .and_then(|component| component.as_str().map(str::to_owned))
                    .ok_or("an event without its component")?;
                let event: Event =
                    serde_json::from_value(value).map_err(|error| error.to_string())?;
                raised.push((component, EventValue::of(&event)?));
            }
            next.push(to);
            rejections.push(result.rejected);
            edge_events.push(raised);
        }
        at += 1;
    }

    // Component states, as indices into one table of names.
    let components: Vec<String> = system
        .state_names(system.initial())
        .into_iter()
        .map(|name| name.component)
        .collect();
    let mut names: Vec<&'static str> = Vec::new();
    let mut observed: Vec<Vec<usize>> = Vec::new();
    let mut internal: Vec<Vec<usize>> = Vec::new();
    for &state in &states {
        let state_names = system.state_names(state);
        if state_names
            .iter()
            .map(|n| &n.component)
            .ne(components.iter())
        {
            return Err("the components differ between states".into());
        }
        observed.push(
            state_names
                .iter()
                .map(|n| intern(&mut names, n.observed))
                .collect(),
        );
        internal.push(
            state_names
                .iter()
                .map(|n| intern(&mut names, n.internal))
                .collect(),
        );
    }

    // Events as (component, args) pairs, and each edge's list of them.
    let mut event_table: Vec<(String, EventValue)> = Vec::new();
    let mut sequences: Vec<Vec<usize>> = vec![Vec::new()];
    let mut edge_sequence: Vec<usize> = Vec::new();
    for raised in &edge_events {
        let sequence: Vec<usize> = raised
            .iter()
            .map(|pair| intern(&mut event_table, pair.clone()))
            .collect();
        edge_sequence.push(intern(&mut sequences, sequence));
    }
    let mut rejection_names: Vec<&'static str> = Vec::new();
    let edge_rejection: Vec<usize> = rejections
        .iter()
        .map(|rejected| rejected.map_or(0, |name| intern(&mut rejection_names, name) + 1))
        .collect();
    let events: Vec<EventValue> = event_table.iter().map(|(_, e)| e.clone()).collect();
    let kinds: Vec<&'static str> = events.iter().fold(Vec::new(), |mut kinds, event| {
        if !kinds.contains(&event.event) {
            kinds.push(event.event);
        }
        kinds
    });

    let exported_text = serde_json::to_string(&exported).map_err(|e| e.to_string())?;
    let mut config_entries = Vec::new();
    if let (Some(exported), Some(defaults)) = (exported.as_object(), defaults.as_object()) {
        for (key, value) in exported {
            let default = defaults
                .get(key)
                .ok_or_else(|| format!("config key `{key}` has no default"))?;
            config_entries.push(format!(
                "            {{ {}, new object[] {{ {}, {} }} }},",
                literal(key),
                config_literal(default)?,
                config_literal(value)?
            ));
        }
    }

    let stimulus_members: Vec<String> = stimuli
        .iter()
        .enumerate()
        .map(|(i, on)| {
            let wiring = system
                .stimulus_rows()
                .iter()
                .filter(|row| row.on == *on)
                .map(|row| row.clauses);
            format!(
                "        /// <summary>Stimulus <c>{0}</c>{1}.</summary>\n        {0} = {i},",
                on.name(),
                cited(wiring).replace("its rows cite", "its wiring row cites")
            )
        })
        .collect();
    // In the system, each event keeps its trace name (LocalEndpoint's too).
    let event_members: Vec<String> = kinds
        .iter()
        .map(|kind| {
            format!(
                "        /// <summary>Raised for trace event <c>{kind}</c> of any component, in order.</summary>\n        public event EventHandler<{kind}EventArgs> {kind};"
            )
        })
        .collect();
    let methods: Vec<String> = stimuli
        .iter()
        .map(|on| {
            format!(
                "        /// <summary>Executes <see cref=\"SystemStimulus.{0}\"/>.</summary>\n        public void {0}()\n        {{\n            Step(SystemStimulus.{0});\n        }}",
                on.name()
            )
        })
        .collect();
    let raise: Vec<String> = kinds.iter().map(|kind| raise_event(kind, kind)).collect();
    let state_rows = |table: &[Vec<usize>]| -> String {
        table
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let row: Vec<String> = row.iter().map(usize::to_string).collect();
                format!("            /* {i} */ new[] {{ {} }},", row.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let strings = |names: &[&str]| -> String {
        names
            .iter()
            .map(|name| literal(name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let event_args: Vec<String> = event_table
        .iter()
        .map(|(_, event)| format!("            {},", event.construct()))
        .collect();
    let event_components: Vec<String> = event_table
        .iter()
        .map(|(component, _)| literal(component))
        .collect();
    let sequence_rows: Vec<String> = sequences
        .iter()
        .map(|sequence| {
            let items: Vec<String> = sequence.iter().map(usize::to_string).collect();
            format!("            new int[] {{ {} }},", items.join(", "))
        })
        .collect();
    let component_names: Vec<&str> = components.iter().map(String::as_str).collect();
    let text = fill(
        SYSTEM_CS,
        &[
            ("$CONFIG_JSON$", &exported_text),
            ("$CONFIG_LITERAL$", &literal(&exported_text)),
            ("$STATE_COUNT$", &states.len().to_string()),
            ("$STIMULUS_COUNT$", &stimuli.len().to_string()),
            ("$COMPONENTS$", &strings(&component_names)),
            ("$NAMES$", &strings(&names)),
            ("$REJECTION_NAMES$", &strings(&rejection_names)),
            ("$STIMULI$", &stimulus_members.join("\n")),
            ("$EVENT_MEMBERS$", &event_members.join("\n\n")),
            ("$STIMULUS_METHODS$", &methods.join("\n\n")),
            ("$RAISE$", &raise.join("\n")),
            ("$CONFIG_KEYS$", &config_entries.join("\n")),
            ("$OBSERVED$", &state_rows(&observed)),
            ("$INTERNAL$", &state_rows(&internal)),
            ("$NEXT$", &numbers(next.iter().copied())),
            ("$REJECTIONS$", &numbers(edge_rejection.iter().copied())),
            ("$EVENT_ARGS$", &event_args.join("\n")),
            (
                "$EVENT_COMPONENTS$",
                &format!("            {},", event_components.join(", ")),
            ),
            ("$SEQUENCES$", &sequence_rows.join("\n")),
            ("$EDGE_SEQUENCE$", &numbers(edge_sequence.iter().copied())),
        ],
    );
    Ok(SystemFile {
        file: SourceFile {
            name: "ComposedSystem.cs".into(),
            text,
        },
        events,
    })
}

/// A response file: `options` first, then the compiler settings every build shares, then
/// the sources. mcs reads every word of it as an argument, so it has no comments.
fn response_file(options: &[&str], sources: &[String]) -> String {
    let mut out = String::new();
    for option in options.iter().chain(&[
        "-langversion:7",
        "-warnaserror+",
        "-r:System.dll",
        "-r:System.Xml.dll",
        "-r:System.Xml.Linq.dll",
        "-r:System.Runtime.Serialization.dll",
    ]) {
        out.push_str(option);
        out.push('\n');
    }
    for source in sources {
        out.push_str(source);
        out.push('\n');
    }
    out
}

/// The names every export must contain: each machine id, and its state, stimulus and
/// .NET state names (for tests and for readers checking an export by hand).
pub fn expected_names() -> Vec<(&'static str, Vec<&'static str>)> {
    struct Names;
    impl MachineVisitor for Names {
        type Output = (&'static str, Vec<&'static str>);
        fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
            let names: BTreeSet<&'static str> = M::State::all()
                .map(Symbol::name)
                .chain(M::State::all().map(M::observed))
                .chain(M::Stimulus::all().map(Symbol::name))
                .collect();
            (M::ID, names.into_iter().collect())
        }
    }
    for_each_machine(&mut Names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert() {
        assert_eq!(pascal("local_owner_presence"), "LocalOwnerPresence");
        assert_eq!(pascal("home_pool"), "HomePool");
        assert_eq!(camel("PreviousState"), "previousState");
        assert_eq!(literal("a \"b\" \\"), "\"a \\\"b\\\" \\\\\"");
        assert_eq!(xml("!(a && b) <"), "!(a &amp;&amp; b) &lt;");
    }

    /// Every enum an event carries has its namespace and facts (AF-RS ... AF-RPSS).
    #[test]
    fn every_exported_enum_cites_its_facts() {
        let files = generate().expect("export");
        let vocabulary = &files
            .iter()
            .find(|file| file.name == "Vocabulary.cs")
            .expect("Vocabulary.cs")
            .text;
        let enums: Vec<&str> = vocabulary
            .lines()
            .filter_map(|line| line.trim().strip_prefix("public enum "))
            .collect();
        assert!(enums.len() >= 10, "{enums:?}");
        for name in enums {
            assert!(
                ENUM_SOURCES.iter().any(|(known, _, _)| *known == name),
                "{name} has no namespace and facts in ENUM_SOURCES"
            );
        }
    }

    /// The .NET spellings and values: `RegisterationRefresh = 9` (AF-RTR, D2),
    /// `Draining = 4` (AF-LES, D5), `WaitingForRetry = 3` (AF-CSS).
    #[test]
    fn dotnet_values_af_rtr_af_les_af_css() {
        let files = generate().expect("export");
        let vocabulary = &files[0].text;
        for needle in [
            "RegisterationRefresh = 9,",
            "UserServicesUnavailable = 12,",
            "Draining = 4,",
            "ServerDiscoveryFailed = 5,",
        ] {
            assert!(vocabulary.contains(needle), "{needle}");
        }
        let collaboration = vocabulary
            .split("public enum CollaborationSubscriptionState")
            .nth(1)
            .expect("CollaborationSubscriptionState");
        assert!(collaboration
            .split('}')
            .next()
            .is_some_and(|body| body.contains("WaitingForRetry = 3,")));
    }

    /// SipSubscription's args use the .NET names NewState and ReasonForChange (AF-SIPSUB).
    #[test]
    fn dotnet_property_names_af_sipsub_af_css() {
        let files = generate().expect("export");
        let events = &files[1].text;
        let sip = events
            .split("public sealed class SubscriptionStateChangedEventArgs")
            .nth(1)
            .expect("SubscriptionStateChangedEventArgs");
        assert!(sip.contains("public SubscriptionSignalingState NewState"));
        assert!(sip.contains("public TransitionReason ReasonForChange"));
        assert!(sip.contains("\"State\", NewState.ToString()"));
    }
}
