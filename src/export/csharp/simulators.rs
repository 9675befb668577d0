//! The machines: one file per machine with its stimuli, parameters and a table-driven
//! simulator (`Registration.cs`, ...), and `Simulators.cs`, which builds any of them by
//! machine id and trace `config`.

use std::fmt::Write as _;

use fsm::{Machine, Parameters, RowOutcome, Symbol};
use serde_json::Value;

use super::enums::{event_member, ArgValue, EventValue};
use super::{
    cited, fill, header, literal, pascal, raise_event, xml, ExportError, SourceFile, NAMESPACE,
    RESERVED_MEMBERS,
};
use crate::catalog::MachineVisitor;
use crate::events::Event;

/// A machine's simulator class, with `$NAME$` placeholders for what its table decides.
const SIMULATOR_CS: &str = include_str!("Simulator.cs.in");

/// One machine's generated file and what the shared files need from it.
#[derive(Debug, Clone)]
pub(super) struct MachineFile {
    pub(super) id: &'static str,
    pub(super) class: String,
    pub(super) file: SourceFile,
    pub(super) events: Vec<EventValue>,
}

/// A parameter of a machine: its JSON key, C# property and type, default and values.
#[derive(Debug, Clone)]
pub(super) struct ParameterField {
    pub(super) key: String,
    pub(super) property: String,
    /// `bool` or `string`.
    pub(super) ty: &'static str,
    pub(super) default: String,
    /// The C# literals of the values the parameter sets use, in order of appearance.
    pub(super) values: Vec<String>,
}

pub(super) fn cs_scalar(value: &Value) -> Option<(&'static str, String)> {
    match value {
        Value::Bool(b) => Some(("bool", b.to_string())),
        Value::String(s) => Some(("string", literal(s))),
        _ => None,
    }
}

pub(super) struct Exporter;

impl MachineVisitor for Exporter {
    type Output = Result<MachineFile, ExportError>;

    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        machine_file::<M>().map_err(|message| ExportError::Model {
            machine: M::ID,
            message,
        })
    }
}

pub(super) fn machine_file<M: Machine<Event = Event>>() -> Result<MachineFile, String> {
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

pub(super) fn parameter_fields(
    default: &Value,
    sets: &[Value],
) -> Result<Vec<ParameterField>, String> {
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

pub(super) fn parameters_code(
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

pub(super) fn simulators_file(machines: &[MachineFile]) -> String {
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
