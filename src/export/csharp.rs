//! `ucma-ha export csharp`: C# 7 sources for Mono's `mcs` (and any .NET compiler),
//! generated from the tables at run time (docs/CONTRACT.md section 7).
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

use fsm::{Machine, Symbol};
use serde_json::Value;
use thiserror::Error;

use crate::catalog::{for_each_machine, MachineVisitor};
use crate::events::Event;

mod enums;
mod simulators;
mod system;

use enums::{events_file, vocabulary_file, ArgValue, EnumSpec, EventSpec};
use simulators::{simulators_file, Exporter};
use system::system_file;

/// The response file that builds the runner: `mcs @runner.rsp -out:runner.exe`.
pub const RUNNER_RSP: &str = "runner.rsp";
/// The response file that builds a library: `mcs @library.rsp -out:UcmaHa.dll`.
pub const LIBRARY_RSP: &str = "library.rsp";
/// The C# namespace of every generated type.
pub(crate) const NAMESPACE: &str = "UcmaHa";

/// The fixed row type, table compiler and parameter helpers.
const SIMULATION_CS: &str = include_str!("csharp/Simulation.cs");
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
    #[error("{}", crate::files::cannot_write(path, source))]
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
/// not valid, or its reachable graph has more than 20 000 states.
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
// C# text, shared by the generated files
// ---------------------------------------------------------------------------------------

/// The comment every generated source starts with.
fn header(out: &mut String, what: &str) {
    let _ = writeln!(
        out,
        "// {what}\n// Generated by `ucma-ha export csharp` from the model's tables; do not edit.\n// C# 7: `mcs @{RUNNER_RSP} -out:runner.exe` builds the vector runner.\n"
    );
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
    use super::enums::ENUM_SOURCES;
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
