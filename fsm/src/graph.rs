//! Diagrams of tables and of explored state graphs: DOT, Mermaid and JSON.
//!
//! Everything goes through one neutral description, [`Diagram`]: nodes (id, label,
//! initial, final, terminal, strongly connected group) and edges (from, to, kind, one
//! label line per stimulus with its clause IDs). Two builders make one:
//! [`from_table`] reads a machine's rows, [`from_graph`] reads any petgraph
//! [`Graph`], e.g. the reachable states found by an explorer.
//! Three writers print one: [`to_dot`], [`to_mermaid`] and [`to_json`].
//!
//! The output is deterministic: nodes are sorted by id, edges by `(from, to, kind)`, the
//! lines of an edge by their text, so the same diagram gives the same bytes on every run.
//! Every label is escaped for its target language (DOT's quoted strings; Mermaid's
//! entity codes for what it would read as syntax); node ids are restricted to plain identifiers, so they never need
//! escaping.
//!
//! # Examples
//! ```
//! use ucma_ha_fsm::graph::{self, Diagram, Edge, EdgeKind, EdgeLine, Node};
//!
//! let diagram = Diagram::new(
//!     "door",
//!     vec![Node::new("Open").initial(), Node::new("Shut")],
//!     vec![
//!         Edge::new("Open", "Shut", EdgeKind::Move, EdgeLine::new("Push", &["D-1"])),
//!         Edge::new("Shut", "Open", EdgeKind::Move, EdgeLine::new("Pull \"hard\"", &["D-2"])),
//!     ],
//! )?;
//! let dot = graph::to_dot(&diagram);
//! assert!(dot.contains(r#""Shut" -> "Open" [label="Pull \"hard\"\l""#));
//! let mermaid = graph::to_mermaid(&diagram);
//! assert!(mermaid.contains("Shut --> Open : Pull #quot;hard#quot;"));
//! # Ok::<(), ucma_ha_fsm::graph::DiagramError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{Graph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use thiserror::Error;

use crate::table::{Machine, Parameters, RowOutcome};
use crate::Symbol;

/// A state in a diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// A plain identifier (`[A-Za-z][A-Za-z0-9_]*`, not a Mermaid keyword), unique in the
    /// diagram; used as the node's id in DOT, Mermaid and JSON.
    pub id: String,
    /// What the reader sees; may hold any text, newlines included.
    pub label: String,
    /// An initial state (an arrow from the start marker points at it).
    pub initial: bool,
    /// A final state of the machine (drawn with a double border).
    #[serde(rename = "final")]
    pub is_final: bool,
    /// A state with no way out to another state (drawn filled); set by [`from_graph`].
    pub terminal: bool,
    /// The strongly connected component the node belongs to, when that component has
    /// more than one node or a self-loop; numbered from 0 in node order. Set by
    /// [`from_graph`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
}

impl Node {
    /// A node whose label is its id.
    pub fn new(id: &str) -> Self {
        Node {
            id: id.to_owned(),
            label: id.to_owned(),
            initial: false,
            is_final: false,
            terminal: false,
            group: None,
        }
    }

    /// The same node with another label.
    pub(crate) fn labelled(mut self, label: &str) -> Self {
        label.clone_into(&mut self.label);
        self
    }

    /// The same node, marked initial.
    pub fn initial(mut self) -> Self {
        self.initial = true;
        self
    }
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// Accepted stimuli that move the machine (possibly to the same state).
    Move,
    /// Refused stimuli: the machine stays and reports an error (drawn dashed).
    Reject,
}

/// One stimulus on an edge: its text and the clause IDs of the row behind it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EdgeLine {
    /// The text, e.g. `RefreshOk / RegisterationRefresh, Available`.
    pub text: String,
    /// The clause IDs, as the row cites them.
    pub clauses: Vec<String>,
}

impl EdgeLine {
    /// A line with its text and clause IDs.
    pub fn new(text: &str, clauses: &[&str]) -> Self {
        EdgeLine {
            text: text.to_owned(),
            clauses: clauses.iter().map(|&c| c.to_owned()).collect(),
        }
    }
}

/// A transition in a diagram: every stimulus leading from `from` to `to` with this kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The source node's id.
    pub from: String,
    /// The target node's id.
    pub to: String,
    /// Move or rejection.
    pub kind: EdgeKind,
    /// One line per stimulus, sorted by text.
    pub lines: Vec<EdgeLine>,
}

impl Edge {
    /// An edge with one line.
    pub fn new(from: &str, to: &str, kind: EdgeKind, line: EdgeLine) -> Self {
        Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            kind,
            lines: vec![line],
        }
    }

    /// Every clause ID of every line, sorted, without repeats.
    pub fn clauses(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .lines
            .iter()
            .flat_map(|line| line.clauses.iter().map(String::as_str))
            .collect();
        set.into_iter().collect()
    }

    /// The tooltip: one line per stimulus, `text: clause, clause`.
    pub(crate) fn tooltip(&self) -> String {
        self.lines
            .iter()
            .map(|line| format!("{}: {}", line.text, line.clauses.join(", ")))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A diagram: nodes sorted by id, edges sorted and merged (see [`Diagram::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagram {
    /// The diagram's name (the machine id); used as the graph's title.
    pub name: String,
    /// The nodes, sorted by id.
    pub nodes: Vec<Node>,
    /// The edges, sorted by `(from, to, kind)`.
    pub edges: Vec<Edge>,
}

/// Why a diagram cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiagramError {
    /// A node id that is not a plain identifier (or is a Mermaid keyword).
    #[error(
        "node id `{0}` is not a plain identifier (letters, digits, `_`; not a Mermaid keyword)"
    )]
    BadId(String),
    /// Two nodes with one id.
    #[error("two nodes have the id `{0}`")]
    DuplicateNode(String),
    /// An edge that names a node the diagram does not have.
    #[error("an edge names the unknown node `{0}`")]
    UnknownNode(String),
}

/// Words Mermaid's state diagram grammar reserves (compared case-insensitively), and the
/// ids it gives the start and end markers.
const MERMAID_RESERVED: &[&str] = &[
    "accdescr",
    "acctitle",
    "as",
    "class",
    "classdef",
    "click",
    "direction",
    "end",
    "hide",
    "left",
    "note",
    "of",
    "right",
    "root_end",
    "root_start",
    "state",
    "statediagram",
    "style",
];

/// Whether `id` can be used as a node id: `[A-Za-z][A-Za-z0-9_]*` and not reserved by
/// Mermaid.
pub(crate) fn is_plain_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !MERMAID_RESERVED.contains(&id.to_ascii_lowercase().as_str())
}

impl Diagram {
    /// Builds a diagram: checks the ids, sorts the nodes by id, merges edges with the same
    /// `(from, to, kind)` into one edge with several lines (sorted by text, repeats
    /// dropped) and sorts the edges.
    ///
    /// # Errors
    /// [`DiagramError`] for an id that is not plain, a repeated node id, or an edge to an
    /// unknown node.
    ///
    /// # Complexity
    /// O((n + e) log(n + e)) for n nodes and e edges.
    pub fn new(name: &str, mut nodes: Vec<Node>, edges: Vec<Edge>) -> Result<Self, DiagramError> {
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut ids = BTreeSet::new();
        for node in &nodes {
            if !is_plain_id(&node.id) {
                return Err(DiagramError::BadId(node.id.clone()));
            }
            if !ids.insert(node.id.as_str()) {
                return Err(DiagramError::DuplicateNode(node.id.clone()));
            }
        }
        let mut merged: BTreeMap<(String, String, EdgeKind), BTreeSet<EdgeLine>> = BTreeMap::new();
        for edge in edges {
            for end in [&edge.from, &edge.to] {
                if !ids.contains(end.as_str()) {
                    return Err(DiagramError::UnknownNode(end.clone()));
                }
            }
            merged
                .entry((edge.from, edge.to, edge.kind))
                .or_default()
                .extend(edge.lines);
        }
        let edges = merged
            .into_iter()
            .map(|((from, to, kind), lines)| Edge {
                from,
                to,
                kind,
                lines: lines.into_iter().collect(),
            })
            .collect();
        Ok(Diagram {
            name: name.to_owned(),
            nodes,
            edges,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

/// What a table diagram shows.
#[derive(Debug, Clone, Default)]
pub struct TableOptions<P> {
    /// Draw rejected stimuli as dashed self-loops (left out by default).
    pub with_rejections: bool,
    /// Only the rows whose guard holds for these parameters, and only the states that
    /// instance reaches; `None` draws every state and row, guarded rows labelled with
    /// their guard (`[kind = application]`).
    pub parameters: Option<P>,
}

/// The node id of a state: its name when that is a plain identifier, else `s` and its
/// index.
fn state_id<S: Symbol>(state: S) -> String {
    if is_plain_id(state.name()) {
        state.name().to_owned()
    } else {
        format!("s{}", state.index())
    }
}

/// Builds the diagram of a machine's table.
///
/// Every state is a node (with [`TableOptions::parameters`], every state that instance
/// reaches); the initial state (of every parameter set, or of the given one) is marked
/// initial and [`Machine::is_final`] states final. Each move row becomes
/// a line `Stimulus [guard] / effect` on the edge between its states; rows that ignore
/// their stimulus are left out, and so are rejections unless
/// [`TableOptions::with_rejections`] is set (then `Stimulus [guard] rejected: Error`).
///
/// # Arguments
/// * `options` - rejections and parameters, see [`TableOptions`].
/// * `effect` - how a raised effect reads on an edge (its key arguments), or `None` to
///   leave it out.
///
/// # Returns
/// The diagram, with parallel edges merged (see [`Diagram::new`]).
///
/// # Errors
/// [`DiagramError::DuplicateNode`] only when a state is named like the fallback id of
/// another (a state `s3` next to a fourth state whose name is not a plain identifier).
///
/// # Complexity
/// O(r log r) for r rows.
pub fn from_table<M: Machine>(
    options: &TableOptions<M::Parameters>,
    effect: impl Fn(&M::Effect) -> Option<String>,
) -> Result<Diagram, DiagramError> {
    let initials: BTreeSet<M::State> = match &options.parameters {
        Some(parameters) => std::iter::once(M::initial(parameters)).collect(),
        None => M::Parameters::all().iter().map(M::initial).collect(),
    };
    // For one instance, only the states it can reach; for the whole table, every state.
    let shown: BTreeSet<M::State> = match &options.parameters {
        None => M::State::all().collect(),
        Some(parameters) => {
            let mut seen: BTreeSet<M::State> = initials.clone();
            let mut stack: Vec<M::State> = seen.iter().copied().collect();
            while let Some(state) = stack.pop() {
                for row in M::rows() {
                    if row.from == state
                        && (row.when.holds)(parameters)
                        && seen.insert(row.target())
                    {
                        stack.push(row.target());
                    }
                }
            }
            seen
        }
    };
    let nodes = M::State::all()
        .filter(|state| shown.contains(state))
        .map(|state| {
            let mut node = Node::new(&state_id(state)).labelled(state.name());
            node.initial = initials.contains(&state);
            node.is_final = M::is_final(state);
            node
        })
        .collect();
    let mut edges = Vec::new();
    for row in M::rows() {
        if !shown.contains(&row.from) {
            continue;
        }
        if let Some(parameters) = &options.parameters {
            if !(row.when.holds)(parameters) {
                continue;
            }
        }
        let guard = if row.when.is_always() || options.parameters.is_some() {
            String::new()
        } else {
            format!(" [{}]", row.when.label)
        };
        let (kind, to, text) = match row.outcome {
            RowOutcome::Ignore => continue,
            RowOutcome::Reject(_) if !options.with_rejections => continue,
            RowOutcome::Reject(error) => (
                EdgeKind::Reject,
                row.from,
                format!(
                    "{}{guard} rejected: {}",
                    row.on.name(),
                    Into::<&str>::into(error)
                ),
            ),
            RowOutcome::Move { to, emits } => {
                let effects: Vec<String> = emits.iter().filter_map(&effect).collect();
                let text = if effects.is_empty() {
                    format!("{}{guard}", row.on.name())
                } else {
                    format!("{}{guard} / {}", row.on.name(), effects.join("; "))
                };
                (EdgeKind::Move, to, text)
            }
        };
        edges.push(Edge::new(
            &state_id(row.from),
            &state_id(to),
            kind,
            EdgeLine::new(&text, row.clauses),
        ));
    }
    Diagram::new(M::ID, nodes, edges)
}

/// How [`from_graph`] reads a graph's nodes and edges.
pub struct GraphLabels<'a, N, E> {
    /// The label of a node (any text).
    pub node: &'a dyn Fn(&N) -> String,
    /// The line an edge contributes, or `None` to leave the edge out.
    pub edge: &'a dyn Fn(&E) -> Option<(EdgeKind, EdgeLine)>,
    /// Whether a node is initial.
    pub initial: &'a dyn Fn(NodeIndex, &N) -> bool,
    /// Whether a node is final.
    pub is_final: &'a dyn Fn(&N) -> bool,
}

/// Builds the diagram of an explored state graph.
///
/// Nodes are sorted by label (ties by index) and get the ids `n0`, `n1`, ... in that
/// order, so the ids do not depend on the order in which the graph was built when the
/// labels are distinct. Strongly connected components with more than one node or a
/// self-loop (found with petgraph's [`tarjan_scc`]) are numbered in node order and set
/// [`Node::group`]; nodes without an edge to another node are [`Node::terminal`].
///
/// # Arguments
/// * `name` - the diagram's title.
/// * `graph` - the graph; parallel edges are merged.
/// * `labels` - how to read nodes and edges, see [`GraphLabels`].
///
/// # Errors
/// None in practice: the ids it makes are plain and distinct.
///
/// # Complexity
/// O((n + e) log(n + e)).
///
/// # Examples
/// ```
/// use ucma_ha_fsm::graph::{from_graph, EdgeKind, EdgeLine, GraphLabels};
/// use petgraph::graph::Graph;
///
/// let mut g = Graph::<&str, &str>::new();
/// let (a, b, c) = (g.add_node("A"), g.add_node("B"), g.add_node("C"));
/// g.add_edge(a, b, "go");
/// g.add_edge(b, a, "back");
/// g.add_edge(b, c, "stop");
/// let diagram = from_graph("demo", &g, &GraphLabels {
///     node: &|n: &&str| n.to_string(),
///     edge: &|e: &&str| Some((EdgeKind::Move, EdgeLine::new(e, &[]))),
///     initial: &|i, _| i == a,
///     is_final: &|_| false,
/// })?;
/// assert_eq!(diagram.nodes[0].group, Some(0)); // A and B form a cycle
/// assert!(diagram.nodes[2].terminal); // C has no way out
/// # Ok::<(), ucma_ha_fsm::graph::DiagramError>(())
/// ```
pub fn from_graph<N, E>(
    name: &str,
    graph: &Graph<N, E>,
    labels: &GraphLabels<'_, N, E>,
) -> Result<Diagram, DiagramError> {
    let mut order: Vec<(String, NodeIndex)> = graph
        .node_indices()
        .map(|index| ((labels.node)(&graph[index]), index))
        .collect();
    order.sort();
    let mut ids: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    for (position, (_, index)) in order.iter().enumerate() {
        ids.insert(*index, position);
    }
    let id = |index: NodeIndex| format!("n{}", ids.get(&index).copied().unwrap_or(0));

    // Non-trivial strongly connected components, numbered by their first node.
    let mut components: Vec<Vec<usize>> = tarjan_scc(graph)
        .into_iter()
        .filter(|component| {
            component.len() > 1
                || component
                    .first()
                    .is_some_and(|&n| graph.find_edge(n, n).is_some())
        })
        .map(|component| {
            let mut positions: Vec<usize> = component
                .iter()
                .filter_map(|index| ids.get(index).copied())
                .collect();
            positions.sort_unstable();
            positions
        })
        .collect();
    components.sort();
    let mut group: BTreeMap<usize, usize> = BTreeMap::new();
    for (number, component) in components.iter().enumerate() {
        for &position in component {
            group.insert(position, number);
        }
    }

    let nodes = order
        .iter()
        .enumerate()
        .map(|(position, (label, index))| {
            let weight = &graph[*index];
            Node {
                id: format!("n{position}"),
                label: label.clone(),
                initial: (labels.initial)(*index, weight),
                is_final: (labels.is_final)(weight),
                terminal: graph
                    .edges_directed(*index, Direction::Outgoing)
                    .all(|edge| edge.target() == *index),
                group: group.get(&position).copied(),
            }
        })
        .collect();
    let edges = graph
        .edge_references()
        .filter_map(|edge| {
            (labels.edge)(edge.weight()).map(|(kind, line)| Edge {
                from: id(edge.source()),
                to: id(edge.target()),
                kind,
                lines: vec![line],
            })
        })
        .collect();
    Diagram::new(name, nodes, edges)
}

// ---------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------

mod dot;
mod json;
mod mermaid;
pub use dot::to_dot;
pub use json::to_json;
pub use mermaid::to_mermaid;

/// Colours of strongly connected groups (light fills, readable with black text).
const GROUP_FILLS: &[&str] = &[
    "#e3f2fd", "#e8f5e9", "#fff3e0", "#f3e5f5", "#e0f7fa", "#fce4ec", "#f9fbe7", "#ede7f6",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_plain_identifiers_mermaid_does_not_reserve() {
        assert!(is_plain_id("WaitingForRetry"));
        assert!(!is_plain_id("a;b"));
        assert!(!is_plain_id("end"));
    }
}
