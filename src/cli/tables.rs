//! `ucma-ha tables`: the transition tables as JSON, every row with its clause IDs.

use clap::Args;
use fsm::{export, Machine};
use serde_json::Value;

use crate::catalog::{for_each_machine, nearest, MachineVisitor, MACHINES};
use crate::Event;

/// The version of the tables' JSON (each table's `format_version`); raised on a
/// breaking change.
pub const FORMAT_VERSION: u32 = 1;

/// Arguments of `ucma-ha tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// Only this machine (default: all).
    pub machine: Option<String>,
}

struct Export;

impl MachineVisitor for Export {
    type Output = (&'static str, Value);
    fn visit<M: Machine<Event = Event>>(&mut self) -> (&'static str, Value) {
        // Each table carries the format's version first (the output stays an array).
        let mut table = serde_json::Map::new();
        table.insert("format_version".into(), Value::from(FORMAT_VERSION));
        if let Ok(Value::Object(view)) = serde_json::to_value(export::table_view::<M>()) {
            table.extend(view);
        }
        (M::ID, Value::Object(table))
    }
}

/// Prints the tables; exit 2 for an unknown machine.
pub fn run(args: &TablesArgs) -> u8 {
    let tables = for_each_machine(&mut Export);
    let selected: Vec<Value> = match &args.machine {
        None => tables.into_iter().map(|(_, table)| table).collect(),
        Some(name) => {
            let found: Vec<Value> = tables
                .into_iter()
                .filter(|(id, _)| id == name)
                .map(|(_, table)| table)
                .collect();
            if name == crate::system::ID {
                errln!(
                    "error: `system` has no table of its own: it is composed of the machines' \
                     tables (`ucma-ha tables` prints them all); for its reachable graph use \
                     `ucma-ha graph system`"
                );
                return super::BAD_INPUT;
            }
            if found.is_empty() {
                let hint = nearest(name, MACHINES.iter().copied())
                    .map(|id| format!(" (did you mean `{id}`?)"))
                    .unwrap_or_default();
                errln!("error: unknown machine `{name}`{hint}");
                return super::BAD_INPUT;
            }
            found
        }
    };
    match serde_json::to_string_pretty(&selected) {
        Ok(text) => {
            outln!("{text}");
            super::SUCCESS
        }
        Err(error) => {
            errln!("error: {error}");
            super::FAILED
        }
    }
}
