//! Diagrams of the UCMA machines, built with [`fsm::graph`] from the very rows that
//! [`fsm::Table::step`] executes: what `ucma-ha graph` prints and `ucma-ha docs` writes.
//!
//! An edge label reads `Stimulus [guard] / arguments`: the stimulus, the guard of a row
//! that holds only for some parameters, and the key arguments of the event the row
//! raises (its `Reason` and, for a registration, its `UserServicesState`; `MessageData`
//! is left out). Rows that ignore their stimulus are never drawn; rejections only on
//! request.
//!
//! This module is the binary's (the library leaves drawing to [`fsm::graph`]); the test
//! `an_edge_label_reads_stimulus_guard_and_arguments` shows a label.

use fsm::graph::{self, Diagram, DiagramError, EdgeKind, EdgeLine, TableOptions};
use fsm::Machine;
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::catalog::nearest;
use crate::invariants::Documented;
use crate::machines::{visit_machine, MachineVisitor, MACHINES};

/// The id of the composed model (docs/CONTRACT.md section 2).
pub const SYSTEM: &str = "system";

/// Why a diagram cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiagramsError {
    /// No machine has this id.
    #[error("unknown machine `{}`{}", crate::trace::shorten(name), suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
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
    /// The reachable `system` graph is too large to draw (more than 2 000 nodes).
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
pub(crate) fn effect_label<E: Serialize>(effect: &E) -> Option<String> {
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
    struct Draw<'a> {
        with_rejections: bool,
        config: &'a Value,
    }
    impl MachineVisitor for Draw<'_> {
        type Output = Result<Diagram, DiagramsError>;
        fn visit<M: Documented>(&mut self) -> Result<Diagram, DiagramsError> {
            table_diagram::<M>(self.with_rejections, self.config)
        }
    }
    if id == SYSTEM {
        return system_diagram(with_rejections, config);
    }
    let mut draw = Draw {
        with_rejections,
        config,
    };
    visit_machine(id, &mut draw).unwrap_or_else(|| {
        Err(DiagramsError::UnknownMachine {
            name: id.to_owned(),
            suggestion: nearest(id, MACHINES.iter().copied().chain([SYSTEM])),
        })
    })
}

/// The most states a `system` diagram draws; a larger reachable graph is refused rather
/// than drawn as an unreadable mass.
pub(crate) const MAX_SYSTEM_NODES: usize = 2_000;

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
/// [`DiagramsError::SystemTooLarge`] above 2 000 reachable states.
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

/// Each component's view of a `system` diagram, as `(component, diagram)` in the order
/// of the node labels: its states, and the system stimuli that
/// move it from one to another, read from the reachable graph.
///
/// A system node's label lists `component: state` lines ([`system_diagram`]); the
/// projection onto `component` has one node per state that component takes in some
/// reachable system state, and an edge `a -> b` labelled with every system stimulus that
/// takes some reachable system state where the component is in `a` to one where it is in
/// `b`, with the clause IDs of that stimulus. Stimuli that leave the component where it
/// is are not drawn. The initial node is the component's state in the system's initial
/// state. A projection over-approximates: an edge says that *some* reachable system state
/// takes it, not that every one does; the full graph (`system.json`) says which.
///
/// # Errors
/// [`DiagramsError::Diagram`] only on a bug (the ids are made by [`graph::from_graph`]).
///
/// # Complexity
/// O(components x (n + e) log(n + e)) for a system diagram of n nodes and e edges.
pub fn system_projections(system: &Diagram) -> Result<Vec<(String, Diagram)>, DiagramsError> {
    use petgraph::graph::{Graph, NodeIndex};
    use std::collections::BTreeMap;

    let parse = |label: &str| -> Vec<(String, String)> {
        label
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(component, state)| (component.to_owned(), state.to_owned()))
            .collect()
    };
    let states: BTreeMap<&str, Vec<(String, String)>> = system
        .nodes
        .iter()
        .map(|node| (node.id.as_str(), parse(&node.label)))
        .collect();
    let components: Vec<String> = system
        .nodes
        .first()
        .map(|node| parse(&node.label).into_iter().map(|(c, _)| c).collect())
        .unwrap_or_default();
    let mut projections = Vec::new();
    for (position, component) in components.iter().enumerate() {
        let state_of = |id: &str| -> Option<&str> {
            states
                .get(id)
                .and_then(|s| s.get(position))
                .filter(|(c, _)| c == component)
                .map(|(_, state)| state.as_str())
        };
        let mut graph: Graph<String, EdgeLine> = Graph::new();
        let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
        let mut initial: Vec<NodeIndex> = Vec::new();
        let mut node_for = |graph: &mut Graph<String, EdgeLine>, state: &str| {
            *index
                .entry(state.to_owned())
                .or_insert_with(|| graph.add_node(state.to_owned()))
        };
        for node in &system.nodes {
            if let Some(state) = state_of(&node.id) {
                let at = node_for(&mut graph, state);
                if node.initial {
                    initial.push(at);
                }
            }
        }
        for edge in &system.edges {
            let (Some(from), Some(to)) = (state_of(&edge.from), state_of(&edge.to)) else {
                continue;
            };
            if from == to {
                continue;
            }
            let (a, b) = (node_for(&mut graph, from), node_for(&mut graph, to));
            for line in &edge.lines {
                graph.add_edge(a, b, line.clone());
            }
        }
        let node = |state: &String| state.clone();
        let edge = |line: &EdgeLine| Some((EdgeKind::Move, line.clone()));
        let is_initial = |at: NodeIndex, _: &String| initial.contains(&at);
        let is_final = |_: &String| false;
        let labels = graph::GraphLabels {
            node: &node,
            edge: &edge,
            initial: &is_initial,
            is_final: &is_final,
        };
        let diagram = graph::from_graph(&format!("{SYSTEM}: {component}"), &graph, &labels)?;
        projections.push((component.clone(), diagram));
    }
    Ok(projections)
}

/// The file stem of a projection in `docs/`: `system-` and the component's name with
/// every character but letters, digits and `_` replaced by `_` (`remote_presence[0]`
/// gives `system-remote_presence_0`).
pub fn projection_stem(component: &str) -> String {
    let mut stem: String = component
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while stem.ends_with('_') {
        stem.pop();
    }
    format!("{SYSTEM}-{}", stem.replace("__", "_"))
}

/// The configuration of the system graph in `docs/` (docs/CONTRACT.md: `remote_views = 1`).
pub fn docs_system_config() -> Value {
    serde_json::json!({ "remote_views": 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsm::graph::EdgeKind;

    #[test]
    fn an_edge_label_reads_stimulus_guard_and_arguments() {
        let diagram = machine_diagram("registration", false, &Value::Null).expect("draws");
        let mermaid = fsm::graph::to_mermaid(&diagram);
        assert!(mermaid.contains(
            "Registered --> RegisteredUserServicesUnavailable : RegistrarNotifyUserServicesUnavailable / None, Unavailable"
        ));
    }

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

    #[test]
    fn each_component_moves_in_its_projection_as_in_the_system_graph_reg_1() {
        let system = system_diagram(false, &docs_system_config()).expect("system");
        let projections = system_projections(&system).expect("projections");
        let names: Vec<&str> = projections.iter().map(|(c, _)| c.as_str()).collect();
        assert!(names.contains(&"registration") && names.contains(&"remote_presence[0]"));
        let label = |diagram: &Diagram, id: &str| {
            diagram
                .nodes
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.label.clone())
                .unwrap_or_default()
        };
        let state = |node: &str, component: &str| {
            let line = label(&system, node)
                .lines()
                .find(|l| l.starts_with(&format!("{component}: ")))
                .map(str::to_owned)
                .unwrap_or_default();
            line[component.len() + 2..].to_owned()
        };
        for (component, projection) in &projections {
            // Every state the component takes is a node, the initial one marked.
            for node in &system.nodes {
                let here = state(&node.id, component);
                let mine = projection.nodes.iter().find(|n| n.label == here);
                assert!(mine.is_some(), "{component}: {here}");
                if node.initial {
                    assert!(mine.is_some_and(|n| n.initial), "{component}: {here}");
                }
            }
            // Every system edge that moves the component is drawn with its stimulus, and
            // nothing else is.
            let mut expected = std::collections::BTreeSet::new();
            for edge in &system.edges {
                let (from, to) = (state(&edge.from, component), state(&edge.to, component));
                if from != to {
                    for line in &edge.lines {
                        expected.insert((from.clone(), to.clone(), line.text.clone()));
                    }
                }
            }
            let drawn: std::collections::BTreeSet<_> = projection
                .edges
                .iter()
                .flat_map(|e| {
                    let (from, to) = (label(projection, &e.from), label(projection, &e.to));
                    e.lines
                        .iter()
                        .map(move |l| (from.clone(), to.clone(), l.text.clone()))
                })
                .collect();
            assert_eq!(drawn, expected, "{component}");
        }
        // REG-1: the pool failing takes a registered endpoint to UserServices unavailable.
        let (_, registration) = projections
            .iter()
            .find(|(c, _)| c == "registration")
            .expect("registration");
        assert!(registration.edges.iter().any(|e| {
            label(registration, &e.from) == "Registered"
                && label(registration, &e.to) == "RegisteredUserServicesUnavailable"
                && e.lines.iter().any(|l| l.text == "PoolFails")
        }));
    }

    #[test]
    fn projection_stems_are_plain_file_names() {
        assert_eq!(projection_stem("registration"), "system-registration");
        assert_eq!(
            projection_stem("remote_presence[0]"),
            "system-remote_presence_0"
        );
        assert_eq!(
            projection_stem("remote_presence[0].subscription"),
            "system-remote_presence_0_subscription"
        );
    }
}
