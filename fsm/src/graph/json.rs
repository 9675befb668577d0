//! The JSON writer.

use serde::Serialize;

use super::{Diagram, EdgeKind, EdgeLine, Node};

/// The version of the JSON that [`to_json`] writes (its `format_version`); raised on a
/// breaking change.
pub const FORMAT_VERSION: u32 = 1;

/// Writes a diagram as pretty-printed JSON: `{"format_version", "name", "nodes": [{"id",
/// "label", "initial", "final", "terminal", "group"?}], "edges": [{"from", "to", "kind",
/// "lines": [{"text", "clauses"}], "clauses"}]}`, with a trailing newline;
/// `format_version` is [`FORMAT_VERSION`].
pub fn to_json(diagram: &Diagram) -> String {
    #[derive(Serialize)]
    struct JsonEdge<'a> {
        from: &'a str,
        to: &'a str,
        kind: EdgeKind,
        lines: &'a [EdgeLine],
        clauses: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct JsonDiagram<'a> {
        format_version: u32,
        name: &'a str,
        nodes: &'a [Node],
        edges: Vec<JsonEdge<'a>>,
    }
    let json = JsonDiagram {
        format_version: FORMAT_VERSION,
        name: &diagram.name,
        nodes: &diagram.nodes,
        edges: diagram
            .edges
            .iter()
            .map(|edge| JsonEdge {
                from: &edge.from,
                to: &edge.to,
                kind: edge.kind,
                lines: &edge.lines,
                clauses: edge.clauses(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}
