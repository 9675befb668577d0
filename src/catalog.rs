//! Every machine by its id, behind one object-safe interface that works with names:
//! what the command line, trace replay, test vectors and coverage use.
//!
//! A typed user steps a [`fsm::Table`] directly; a tool that reads a trace file names the
//! machine, its parameters and its stimuli as strings and gets a [`DynModel`] here.

use std::borrow::Cow;

use fsm::{Machine, Parameters, Symbol, Table};
use serde_json::Value;
use thiserror::Error;

use crate::events::Event;

pub use crate::machines::{for_each_machine, MachineVisitor, MACHINES};

/// A model state, opaque to tools: they compare, hash and store it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Snapshot(pub Vec<u64>);

pub use crate::system::StateName;

mod composed;

/// A row (or, for a composed model, an edge) that fired, for coverage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fired {
    /// The component whose table fired (borrowed as in [`StateName`]).
    pub component: Cow<'static, str>,
    /// The machine id of that component.
    pub machine: &'static str,
    /// The row's index in that machine's table.
    pub row: usize,
}

/// What one stimulus did.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    /// The state afterwards (unchanged when rejected).
    pub next: Snapshot,
    /// The exception name when the stimulus was rejected.
    pub rejected: Option<&'static str>,
    /// The events raised, in order.
    pub events: Vec<Event>,
    /// For a composed model, the component that raised each event (in the order of
    /// `events`, e.g. `remote_presence[1]`); empty for a single machine.
    pub raised_by: Vec<Cow<'static, str>>,
    /// The rows that fired, in order.
    pub fired: Vec<Fired>,
}

impl Reaction {
    /// The raised events as JSON objects (docs/CONTRACT.md section 3), each with the component
    /// that raised it under `component` when the model is composed (docs/CONTRACT.md section 6).
    pub fn event_values(&self) -> Vec<Value> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, event)| {
                let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
                if let (Some(component), Value::Object(object)) =
                    (self.raised_by.get(i), &mut value)
                {
                    object.insert("component".into(), Value::from(component.as_ref()));
                }
                value
            })
            .collect()
    }
}

/// Why a name could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogError {
    /// No machine has this id.
    #[error(
        "unknown machine `{}`{}",
        crate::words::shorten(name),
        hint(suggestion)
    )]
    UnknownMachine {
        /// The name given.
        name: String,
        /// The nearest valid id, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The machine has no stimulus of this name.
    #[error(
        "`{machine}` has no stimulus `{}`{}",
        crate::words::shorten(name),
        hint(suggestion)
    )]
    UnknownStimulus {
        /// The machine id.
        machine: &'static str,
        /// The name given.
        name: String,
        /// The nearest valid name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The parameters do not fit the machine.
    #[error("bad config for `{machine}`: {message}")]
    BadParameters {
        /// The machine id.
        machine: &'static str,
        /// What is wrong, from the JSON reader.
        message: String,
    },
}

fn hint(suggestion: &Option<&'static str>) -> String {
    suggestion
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

pub use crate::words::nearest;

/// A model stepped by names.
pub trait DynModel: Send + Sync {
    /// The machine id.
    fn id(&self) -> &'static str;
    /// The parameters in force, as JSON (every key, defaults filled in).
    fn parameters(&self) -> Value;
    /// The stimulus names, in order.
    fn stimuli(&self) -> Vec<&'static str>;
    /// The initial state.
    fn initial(&self) -> Snapshot;
    /// Executes one stimulus by name.
    ///
    /// # Errors
    /// [`CatalogError::UnknownStimulus`] when the name is not a stimulus of this model.
    fn step(&self, at: &Snapshot, stimulus: &str) -> Result<Reaction, CatalogError>;
    /// The state of every component.
    fn states(&self, at: &Snapshot) -> Vec<StateName>;
}

/// A single machine's table behind [`DynModel`].
#[derive(Debug, Clone)]
pub struct TableModel<M: Machine> {
    table: Table<M>,
}

impl<M: Machine> TableModel<M> {
    /// Wraps a compiled table.
    pub fn new(table: Table<M>) -> Self {
        TableModel { table }
    }

    /// The compiled table.
    pub fn table(&self) -> &Table<M> {
        &self.table
    }

    fn state(&self, at: &Snapshot) -> M::State {
        let index = at.0.first().copied().unwrap_or(0);
        M::State::all()
            .nth(usize::try_from(index).unwrap_or(usize::MAX))
            .unwrap_or_else(|| self.table.initial())
    }
}

fn snapshot<S: Symbol>(state: S) -> Snapshot {
    Snapshot(vec![state.index() as u64])
}

impl<M: Machine<Event = Event>> DynModel for TableModel<M> {
    fn id(&self) -> &'static str {
        M::ID
    }

    fn parameters(&self) -> Value {
        serde_json::to_value(self.table.parameters()).unwrap_or(Value::Null)
    }

    fn stimuli(&self) -> Vec<&'static str> {
        M::Stimulus::all().map(Symbol::name).collect()
    }

    fn initial(&self) -> Snapshot {
        snapshot(self.table.initial())
    }

    fn step(&self, at: &Snapshot, stimulus: &str) -> Result<Reaction, CatalogError> {
        let on = M::Stimulus::parse(stimulus).ok_or_else(|| CatalogError::UnknownStimulus {
            machine: M::ID,
            name: stimulus.to_owned(),
            suggestion: nearest(stimulus, M::Stimulus::all().map(Symbol::name)),
        })?;
        let fired = |row| {
            vec![Fired {
                component: Cow::Borrowed(M::ID),
                machine: M::ID,
                row,
            }]
        };
        Ok(match self.table.step(self.state(at), on) {
            Ok(transition) => Reaction {
                next: snapshot(transition.to),
                rejected: None,
                events: transition.events().collect(),
                raised_by: Vec::new(),
                fired: fired(transition.row),
            },
            Err(rejected) => Reaction {
                next: at.clone(),
                rejected: Some(rejected.error.into()),
                events: Vec::new(),
                raised_by: Vec::new(),
                fired: fired(rejected.row),
            },
        })
    }

    fn states(&self, at: &Snapshot) -> Vec<StateName> {
        let state = self.state(at);
        vec![StateName {
            component: Cow::Borrowed(M::ID),
            observed: M::observed(state),
            internal: state.name(),
        }]
    }
}

fn table_model<M: Machine<Event = Event>>(
    parameters: &Value,
) -> Result<Box<dyn DynModel>, CatalogError> {
    let parameters: M::Parameters = if parameters.is_null() {
        M::Parameters::default()
    } else {
        serde_json::from_value(parameters.clone()).map_err(|error| CatalogError::BadParameters {
            machine: M::ID,
            message: error.to_string(),
        })?
    };
    let table = Table::<M>::new(parameters).map_err(|errors| CatalogError::BadParameters {
        machine: M::ID,
        message: errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    })?;
    Ok(Box::new(TableModel::new(table)))
}

/// Builds a single machine by id with JSON parameters (`null` or `{}` for the defaults).
///
/// # Errors
/// [`CatalogError::UnknownMachine`] for an unknown id, [`CatalogError::BadParameters`] for
/// parameters that do not fit (an unknown key, a wrong type).
///
/// # Examples
/// ```
/// let model = ucma_ha::catalog::machine("sip_subscription", &serde_json::json!({"home_pool": false}))?;
/// let subscribing = model.step(&model.initial(), "BeginSubscribe")?;
/// assert_eq!(model.states(&subscribing.next)[0].observed, "Subscribing");
/// # Ok::<(), ucma_ha::catalog::CatalogError>(())
/// ```
pub fn machine(id: &str, parameters: &Value) -> Result<Box<dyn DynModel>, CatalogError> {
    struct Build<'a>(&'a Value);
    impl MachineVisitor for Build<'_> {
        type Output = Result<Box<dyn DynModel>, CatalogError>;
        fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
            table_model::<M>(self.0)
        }
    }
    crate::machines::visit_machine(id, &mut Build(parameters)).unwrap_or_else(|| {
        Err(CatalogError::UnknownMachine {
            name: id.to_owned(),
            suggestion: nearest(id, MACHINES.iter().copied()),
        })
    })
}

/// Every parameter set of a machine, as JSON, for tools that sweep them.
pub fn all_parameters<M: Machine>() -> Vec<Value> {
    M::Parameters::all()
        .iter()
        .filter_map(|parameters| serde_json::to_value(parameters).ok())
        .collect()
}

/// Builds any model by id: a single machine (see [`machine`]) or a composed one.
///
/// # Errors
/// As [`machine`].
pub fn model(id: &str, parameters: &Value) -> Result<Box<dyn DynModel>, CatalogError> {
    match id {
        crate::system::ID => composed::model(parameters),
        _ => machine(id, parameters),
    }
}
