//! The JSON writer.

use serde::Serialize;

use super::{Diagram, EdgeKind, EdgeLine, Node};

/// Writes a diagram as pretty-printed JSON: `{"name", "nodes": [{"id", "label",
/// "initial", "final", "terminal", "group"?}], "edges": [{"from", "to", "kind", "lines":
/// [{"text", "clauses"}], "clauses"}]}`, with a trailing newline.
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
        name: &'a str,
        nodes: &'a [Node],
        edges: Vec<JsonEdge<'a>>,
    }
    let json = JsonDiagram {
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
