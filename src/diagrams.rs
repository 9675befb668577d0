//! Diagrams of the UCMA machines, built with [`fsm::graph`] from the very rows that
//! [`fsm::Table::step`] executes: what `ucma-ha graph` prints and `ucma-ha docs` writes.
//!
//! An edge label reads `Stimulus [guard] / arguments`: the stimulus, the guard of a row
//! that holds only for some parameters, and the key arguments of the event the row
//! raises (its `Reason` and, for a registration, its `UserServicesState`; `MessageData`
//! is left out). Rows that ignore their stimulus are never drawn; rejections only on
//! request.
//!
//! # Examples
//! ```
//! let diagram = ucma_ha::diagrams::machine_diagram("registration", false, &serde_json::Value::Null)?;
//! let mermaid = fsm::graph::to_mermaid(&diagram);
//! assert!(mermaid.contains(
//!     "Registered --> RegisteredUserServicesUnavailable : RegistrarNotifyUserServicesUnavailable / None, Unavailable"
//! ));
//! # Ok::<(), ucma_ha::diagrams::DiagramsError>(())
//! ```

use fsm::graph::{self, Diagram, DiagramError, TableOptions};
use fsm::Machine;
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::catalog::{nearest, MACHINES};
use crate::{
    ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
    SipSubscription,
};

/// The id of the composed model (CONTRACT section 2).
pub const SYSTEM: &str = "system";

/// Why a diagram cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiagramsError {
    /// No machine has this id.
    #[error("unknown machine `{}`{}", crate::trace::json::shorten(name), suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownMachine {
        /// The name given.
        name: String,
        /// The nearest id, when one is close.
        suggestion: Option<&'static str>,
    },
    /// The configuration does not fit the machine.
    #[error("bad config for `{machine}`: {message}")]
    BadConfig {
        /// The machine id.
        machine: &'static str,
        /// What the JSON reader said.
        message: String,
    },
    /// The reachable `system` graph is too large to draw (see [`MAX_SYSTEM_NODES`]).
    #[error(
        "the reachable `system` graph has more than {limit} states; draw a smaller configuration"
    )]
    SystemTooLarge {
        /// The largest number of states drawn.
        limit: usize,
    },
    /// The diagram description was refused (a bug: state names are plain identifiers).
    #[error(transparent)]
    Diagram(#[from] DiagramError),
}

/// The key arguments of a raised event, as they read on an edge: the values of its
/// fields except the event name and `MessageData`, e.g. `None, Unavailable`.
pub fn effect_label<E: Serialize>(effect: &E) -> Option<String> {
    let Ok(Value::Object(fields)) = serde_json::to_value(effect) else {
        return None;
    };
    let values: Vec<String> = fields
        .iter()
        .filter(|(key, _)| key.as_str() != "event" && key.as_str() != "MessageData")
        .map(|(_, value)| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Builds the diagram of one machine's table.
fn table_diagram<M: Machine>(
    with_rejections: bool,
    config: &Value,
) -> Result<Diagram, DiagramsError> {
    let parameters = if config.is_null() {
        None
    } else {
        Some(
            serde_json::from_value::<M::Parameters>(config.clone()).map_err(|error| {
                DiagramsError::BadConfig {
                    machine: M::ID,
                    message: error.to_string(),
                }
            })?,
        )
    };
    let options = TableOptions {
        with_rejections,
        parameters,
    };
    Ok(graph::from_table::<M>(&options, effect_label)?)
}

/// The diagram of a single machine (every id of [`MACHINES`]) or of `system`.
///
/// # Arguments
/// * `id` - a machine id, or [`SYSTEM`].
/// * `with_rejections` - also draw rejected stimuli (dashed self-loops).
/// * `config` - `null` for every row of the table, guarded rows labelled with their
///   guard; a parameter object (e.g. `{"kind": "application"}`) for the rows of that
///   instance only. For `system`, its configuration.
///
/// # Errors
/// [`DiagramsError::UnknownMachine`], [`DiagramsError::BadConfig`], and
/// [`DiagramsError::SystemTooLarge`] for a `system` configuration too large to draw (see
/// [`system_diagram`]).
pub fn machine_diagram(
    id: &str,
    with_rejections: bool,
    config: &Value,
) -> Result<Diagram, DiagramsError> {
    match id {
        Registration::ID => table_diagram::<Registration>(with_rejections, config),
        LocalEndpoint::ID => table_diagram::<LocalEndpoint>(with_rejections, config),
        SipSubscription::ID => table_diagram::<SipSubscription>(with_rejections, config),
        LocalOwnerPresence::ID => table_diagram::<LocalOwnerPresence>(with_rejections, config),
        ContactGroupServices::ID => table_diagram::<ContactGroupServices>(with_rejections, config),
        RemotePresence::ID => table_diagram::<RemotePresence>(with_rejections, config),
        SYSTEM => system_diagram(with_rejections, config),
        _ => Err(DiagramsError::UnknownMachine {
            name: id.to_owned(),
            suggestion: nearest(id, MACHINES.iter().copied().chain([SYSTEM])),
        }),
    }
}

/// The most states a `system` diagram draws; a larger reachable graph is refused rather
/// than drawn as an unreadable mass.
pub const MAX_SYSTEM_NODES: usize = 2_000;

/// The reachable graph of the composed `system` model for a configuration (e.g.
/// `{"remote_views": 1}`), explored without symmetry reduction so every node is a real
/// state.
///
/// A node lists each component's state, one per line (`registration: Registered`, ...,
/// with the world's pool and connection first); an edge is a system stimulus that changes
/// the state, with the clause IDs of its stimulus row. Rejected calls and stimuli that
/// change nothing leave the state as it is and are not drawn, whatever `with_rejections`
/// says. Strongly connected components and terminal states are marked by
/// [`graph::from_graph`].
///
/// # Errors
/// [`DiagramsError::BadConfig`] for a configuration the system refuses,
/// [`DiagramsError::SystemTooLarge`] above [`MAX_SYSTEM_NODES`] reachable states.
pub fn system_diagram(_with_rejections: bool, config: &Value) -> Result<Diagram, DiagramsError> {
    use fsm::explore::{explore, Completeness, Limits};

    use crate::system::System;

    let bad = |message: String| DiagramsError::BadConfig {
        machine: SYSTEM,
        message,
    };
    let config = System::config_from_json(config).map_err(|e| bad(e.to_string()))?;
    let system = System::new(config).map_err(|e| bad(e.to_string()))?;
    let limits = Limits {
        max_states: MAX_SYSTEM_NODES,
        ..Limits::default()
    };
    let reachable = explore(&system, limits, |_| {});
    if reachable.completeness != Completeness::Complete {
        return Err(DiagramsError::SystemTooLarge {
            limit: MAX_SYSTEM_NODES,
        });
    }
    let node = |state: &_| {
        system
            .state_names(*state)
            .iter()
            .map(|name| format!("{}: {}", name.component, name.internal))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let edge = |stimulus: &crate::system::SystemStimulus| {
        let clauses: Vec<&str> = system
            .stimulus_rows()
            .iter()
            .filter(|row| row.on == *stimulus)
            .flat_map(|row| row.clauses.iter().copied())
            .collect();
        Some((
            graph::EdgeKind::Move,
            graph::EdgeLine::new(fsm::Symbol::name(*stimulus), &clauses),
        ))
    };
    let initial = |index: petgraph::graph::NodeIndex, _: &_| index.index() == 0;
    let is_final = |_: &_| false;
    let labels = graph::GraphLabels {
        node: &node,
        edge: &edge,
        initial: &initial,
        is_final: &is_final,
    };
    Ok(graph::from_graph(SYSTEM, &reachable.graph, &labels)?)
}

/// The configuration of the system graph in `docs/` (CONTRACT: `remote_views = 1`).
pub fn docs_system_config() -> Value {
    serde_json::json!({ "remote_views": 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsm::graph::EdgeKind;

    #[test]
    fn every_machine_has_a_diagram_with_every_state() {
        for id in MACHINES {
            let diagram = machine_diagram(id, false, &Value::Null).expect("diagram");
            assert_eq!(diagram.name, *id);
            assert!(
                diagram.nodes.iter().filter(|n| n.initial).count() == 1,
                "{id}"
            );
            assert!(!diagram.edges.is_empty(), "{id}");
        }
    }

    #[test]
    fn outage_edge_shows_reason_none_and_unavailable_reg_2() {
        let diagram = machine_diagram("registration", false, &Value::Null).expect("diagram");
        let edge = diagram
            .edges
            .iter()
            .find(|e| e.from == "Registered" && e.to == "RegisteredUserServicesUnavailable")
            .expect("outage edge");
        assert_eq!(
            edge.lines[0].text,
            "RegistrarNotifyUserServicesUnavailable / None, Unavailable"
        );
        assert!(edge.clauses().contains(&"REG-2"));
    }

    #[test]
    fn guards_label_rows_and_config_selects_them_af_lep_t() {
        let all = machine_diagram("local_endpoint", false, &Value::Null).expect("diagram");
        let texts: Vec<&str> = all
            .edges
            .iter()
            .flat_map(|e| e.lines.iter().map(|l| l.text.as_str()))
            .collect();
        assert!(texts.iter().any(|t| t.contains("[kind = application]")));
        let application = machine_diagram(
            "local_endpoint",
            false,
            &serde_json::json!({"kind": "application"}),
        )
        .expect("diagram");
        assert!(application
            .edges
            .iter()
            .flat_map(|e| e.lines.iter())
            .all(|l| !l.text.contains('[')));
        assert!(application.edges.iter().any(|e| e.to == "Draining"));
        let user = machine_diagram(
            "local_endpoint",
            false,
            &serde_json::json!({"kind": "user"}),
        )
        .expect("diagram");
        assert!(!user.edges.iter().any(|e| e.to == "Draining"));
    }

    #[test]
    fn rejections_on_request_pres_2() {
        let plain = machine_diagram("local_owner_presence", false, &Value::Null).expect("diagram");
        assert!(plain.edges.iter().all(|e| e.kind == EdgeKind::Move));
        let with = machine_diagram("local_owner_presence", true, &Value::Null).expect("diagram");
        let publish_in_waiting = with.edges.iter().any(|e| {
            e.kind == EdgeKind::Reject
                && e.from == "WaitingForRetry"
                && e.lines
                    .iter()
                    .any(|l| l.text == "BeginPublishPresence rejected: InvalidOperationException")
        });
        assert!(publish_in_waiting);
    }

    #[test]
    fn unknown_machines_and_bad_configs_are_reported() {
        assert!(matches!(
            machine_diagram("registraton", false, &Value::Null),
            Err(DiagramsError::UnknownMachine {
                suggestion: Some("registration"),
                ..
            })
        ));
        assert!(matches!(
            machine_diagram("registration", false, &serde_json::json!({"nope": 1})),
            Err(DiagramsError::BadConfig { .. })
        ));
        assert!(matches!(
            machine_diagram(SYSTEM, false, &serde_json::json!({"remote_views": "one"})),
            Err(DiagramsError::BadConfig {
                machine: SYSTEM,
                ..
            })
        ));
    }

    #[test]
    fn system_graph_is_the_reachable_graph() {
        let diagram = system_diagram(false, &docs_system_config()).expect("drawable");
        let mermaid = graph::to_mermaid(&diagram);
        // One node per reachable state of the default system with one view.
        assert_eq!(diagram.nodes.len(), 143, "{}", diagram.nodes.len());
        assert!(mermaid.contains("PoolFails"));
        assert_eq!(
            graph::to_dot(&diagram),
            graph::to_dot(&system_diagram(false, &docs_system_config()).expect("drawable"))
        );
        assert!(matches!(
            system_diagram(
                false,
                &serde_json::json!({"remote_views": 8, "endpoint": "application"})
            ),
            Err(DiagramsError::SystemTooLarge { .. })
        ));
    }
}
