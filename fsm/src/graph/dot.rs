//! The DOT writer (graphviz).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Diagram, EdgeKind, GROUP_FILLS};

/// Escapes text for a double-quoted DOT string (an `escString` such as `label` or
/// `tooltip`): `"` and `\` get a backslash, a newline becomes `\n` (a centred line
/// break), a carriage return is dropped, and `&` becomes `&amp;` so that graphviz does
/// not read `&lt;` and the like as entities.
pub(crate) fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// The start marker's node id: not a plain identifier, so never a node's.
const DOT_START: &str = "[*]";

/// Writes a diagram as a graphviz DOT digraph.
///
/// Nodes are rounded boxes; the start marker is a point with an arrow to each initial
/// state; final states have a double border; terminal states are filled grey; nodes of
/// one strongly connected group share a fill colour and sit in a dashed cluster; rejected
/// stimuli are dashed red self-loops. An edge label has one left-justified line per
/// stimulus; its tooltip lists those lines with their clause IDs.
///
/// # Complexity
/// O(n + e) after the diagram is built; the output is the same bytes on every run.
pub fn to_dot(diagram: &Diagram) -> String {
    let mut out = String::new();
    let name = dot_escape(&diagram.name);
    let _ = writeln!(out, "digraph \"{name}\" {{");
    let _ = writeln!(
        out,
        "  graph [label=\"{name}\", labelloc=t, fontname=\"Helvetica\", fontsize=14, \
         rankdir=TB, newrank=true, nodesep=0.5, ranksep=0.7];"
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=11];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
    if diagram.nodes.iter().any(|node| node.initial) {
        let _ = writeln!(
            out,
            "  \"{DOT_START}\" [shape=point, width=0.15, label=\"\", tooltip=\"start\"];"
        );
    }
    for node in &diagram.nodes {
        let mut attributes = vec![format!("label=\"{}\"", dot_escape(&node.label))];
        let mut notes = Vec::new();
        let mut styles = vec!["rounded"];
        if node.initial {
            notes.push("initial");
        }
        if node.is_final {
            attributes.push("peripheries=2".to_owned());
            notes.push("final");
        }
        if node.terminal {
            styles.push("filled");
            attributes.push("fillcolor=\"#d0d0d0\"".to_owned());
            attributes.push("penwidth=2".to_owned());
            notes.push("terminal");
        } else if let Some(group) = node.group {
            styles.push("filled");
            let fill = GROUP_FILLS[group % GROUP_FILLS.len()];
            attributes.push(format!("fillcolor=\"{fill}\""));
        }
        let component = node.group.map(|group| format!("component {group}"));
        if let Some(text) = &component {
            notes.push(text);
        }
        if !notes.is_empty() {
            attributes.push(format!("tooltip=\"{}\"", notes.join(", ")));
        }
        if styles.len() > 1 {
            attributes.push(format!("style=\"{}\"", styles.join(",")));
        }
        let _ = writeln!(out, "  \"{}\" [{}];", node.id, attributes.join(", "));
    }
    let mut groups: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for node in &diagram.nodes {
        if let Some(group) = node.group {
            groups.entry(group).or_default().push(&node.id);
        }
    }
    for (group, members) in &groups {
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{group}\" {{ label=\"component {group}\"; style=dashed; \
             color=\"#909090\"; fontsize=10; {} }}",
            members
                .iter()
                .map(|id| format!("\"{id}\";"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    for node in diagram.nodes.iter().filter(|node| node.initial) {
        let _ = writeln!(out, "  \"{DOT_START}\" -> \"{}\";", node.id);
    }
    for edge in &diagram.edges {
        // One left-justified line (`\l`) per stimulus.
        let label: String = edge
            .lines
            .iter()
            .map(|line| format!("{}\\l", dot_escape(&line.text)))
            .collect();
        let mut attributes = vec![
            format!("label=\"{label}\""),
            format!("tooltip=\"{}\"", dot_escape(&edge.tooltip())),
        ];
        if edge.kind == EdgeKind::Reject {
            attributes.push(
                "style=dashed, color=\"#b03030\", fontcolor=\"#b03030\", arrowhead=empty"
                    .to_owned(),
            );
        }
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [{}];",
            edge.from,
            edge.to,
            attributes.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_escapes_quotes_backslashes_and_newlines() {
        assert_eq!(dot_escape(r#"say "hi""#), r#"say \"hi\""#);
        assert_eq!(dot_escape(r"C:\dir\"), r"C:\\dir\\");
        assert_eq!(dot_escape("two\nlines\r"), r"two\nlines");
        assert_eq!(dot_escape("&lt;"), "&amp;lt;");
    }
}
