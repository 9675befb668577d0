//! The Mermaid writer (`stateDiagram-v2`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Diagram, Edge, GROUP_FILLS};

/// Escapes text for a Mermaid state diagram label (a transition label or a state
/// description), as Mermaid 11 reads them: `;` would end the statement (`#59;`), quotes
/// are not delimiters (`#quot;`), `<` and `>` would be read as HTML (`#lt;`, `#gt;`), `#`
/// starts an entity code (`#35;`), `&` starts an HTML entity (`#amp;`) and `%%` a comment
/// (`%` becomes `#37;`); a newline becomes `<br/>`, a carriage return is dropped. Colons,
/// brackets, braces and parentheses pass unchanged.
pub(crate) fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ';' => out.push_str("#59;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '%' => out.push_str("#37;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The line text of an edge label: the lines joined by newlines.
fn edge_label(edge: &Edge) -> String {
    edge.lines
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes a diagram as a Mermaid `stateDiagram-v2`.
///
/// A node whose label differs from its id is declared `state "label" as id`; initial
/// states get an arrow from `[*]`, final states one to `[*]`; each edge is one
/// transition whose label holds its lines separated by `<br/>`, rejections reading
/// `... rejected: Error`, with a `%%` comment above it listing its clause IDs (Mermaid
/// has no tooltips). Strongly connected groups and terminal states get a class
/// (`component0`, ..., `terminal`) with a fill colour.
///
/// # Complexity
/// O(n + e) after the diagram is built; the output is the same bytes on every run.
pub fn to_mermaid(diagram: &Diagram) -> String {
    let mut out = String::from("stateDiagram-v2\n");
    let _ = writeln!(out, "    %% {}", diagram.name.replace(['\n', '\r'], " "));
    for node in &diagram.nodes {
        if node.label != node.id {
            let _ = writeln!(
                out,
                "    state \"{}\" as {}",
                mermaid_escape(&node.label),
                node.id
            );
        }
    }
    for node in diagram.nodes.iter().filter(|node| node.initial) {
        let _ = writeln!(out, "    [*] --> {}", node.id);
    }
    for edge in &diagram.edges {
        // Mermaid has no tooltips: the clause IDs go in a comment above the transition.
        let clauses = edge.clauses().join(", ").replace(['\n', '\r'], " ");
        if !clauses.is_empty() {
            let _ = writeln!(out, "    %% {clauses}");
        }
        let _ = writeln!(
            out,
            "    {} --> {} : {}",
            edge.from,
            edge.to,
            mermaid_escape(&edge_label(edge))
        );
    }
    for node in diagram.nodes.iter().filter(|node| node.is_final) {
        let _ = writeln!(out, "    {} --> [*]", node.id);
    }
    // Strongly connected groups by number, then the terminal states.
    let mut classes: BTreeMap<(bool, usize), Vec<&str>> = BTreeMap::new();
    for node in &diagram.nodes {
        if node.terminal {
            classes.entry((true, 0)).or_default().push(&node.id);
        } else if let Some(group) = node.group {
            classes.entry((false, group)).or_default().push(&node.id);
        }
    }
    for ((terminal, group), members) in &classes {
        let (class, fill) = if *terminal {
            ("terminal".to_owned(), "#d0d0d0")
        } else {
            (
                format!("component{group}"),
                GROUP_FILLS[group % GROUP_FILLS.len()],
            )
        };
        let _ = writeln!(out, "    classDef {class} fill:{fill}");
        let _ = writeln!(out, "    class {} {class}", members.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_semicolon_ends_a_statement() {
        assert_eq!(mermaid_escape("x;y"), "x#59;y");
    }

    #[test]
    fn mermaid_quotes_are_entities() {
        assert_eq!(mermaid_escape(r#"go "now""#), "go #quot;now#quot;");
    }

    #[test]
    fn mermaid_angle_brackets_are_entities() {
        assert_eq!(mermaid_escape("<b>x</b>"), "#lt;b#gt;x#lt;/b#gt;");
    }

    #[test]
    fn mermaid_entity_codes_in_text_are_escaped() {
        // `#name;` and `#123;` would be read as entity codes.
        assert_eq!(mermaid_escape("#quot;"), "#35;quot#59;");
        assert_eq!(mermaid_escape("#123;"), "#35;123#59;");
        assert_eq!(mermaid_escape("a & b %% c"), "a #amp; b #37;#37; c");
    }

    #[test]
    fn mermaid_colons_brackets_braces_parentheses_pass() {
        assert_eq!(mermaid_escape("a: b: [c] {d} (e)"), "a: b: [c] {d} (e)");
        assert_eq!(mermaid_escape("line\nbreak"), "line<br/>break");
    }
}
