//! The composed system: `ComposedSystem.cs`, the reachable graph of one configuration
//! with what every macro-step does (next state, rejection, events with their components).

use fsm::Symbol;
use serde_json::Value;

use super::enums::EventValue;
use super::{cited, fill, literal, raise_event, SourceFile, RESERVED_MEMBERS};
use crate::events::Event;

/// The composed system's simulator, with `$NAME$` placeholders for its graph.
const SYSTEM_CS: &str = include_str!("ComposedSystem.cs.in");

/// The most states the composed system's reachable graph may have in an export (the
/// default configuration has 135; `endpoint: "application"` with 3 views about 2,300).
pub const MAX_SYSTEM_STATES: usize = 20_000;

/// The generated system file and the events it raises.
pub(super) struct SystemFile {
    pub(super) file: SourceFile,
    pub(super) events: Vec<EventValue>,
}

/// A JSON scalar as a C# literal of the type the runner reads it as (numbers as doubles).
pub(super) fn config_literal(value: &Value) -> Result<String, String> {
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
pub(super) fn intern<T: PartialEq>(table: &mut Vec<T>, value: T) -> usize {
    match table.iter().position(|known| *known == value) {
        Some(index) => index,
        None => {
            table.push(value);
            table.len() - 1
        }
    }
}

/// Writes a list of numbers, twenty to a line.
pub(super) fn numbers(values: impl IntoIterator<Item = usize>) -> String {
    let values: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
    values
        .chunks(20)
        .map(|chunk| format!("            {},", chunk.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn system_file(config: &Value) -> Result<SystemFile, String> {
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
                    .and_then(|object| object.remove("component"))
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
        .map(|name| name.component.into_owned())
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
