//! Diagrams: golden files, determinism, escaping, and what a table diagram shows.
//! (The door's rules are cited as D-1..D-4 in its rows; these tests cite the issue's
//! requirements by what they check.)

mod support;

use std::path::PathBuf;

use petgraph::graph::Graph;
use support::fixtures::{effect_text, Door, DoorParameters, OddMachine};
use ucma_ha_fsm::graph::{
    self, from_graph, from_table, Diagram, DiagramError, Edge, EdgeKind, EdgeLine, GraphLabels,
    Node, TableOptions,
};

fn door(with_rejections: bool) -> Diagram {
    let options = TableOptions {
        with_rejections,
        parameters: None,
    };
    from_table::<Door>(&options, effect_text).expect("door diagram")
}

/// Compares with `tests/golden/NAME`; `BLESS=1 cargo test` rewrites the file.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
    }
    let expected = std::fs::read_to_string(&path).expect("golden file");
    assert_eq!(
        actual,
        expected,
        "{} differs; BLESS=1 rewrites it",
        path.display()
    );
}

#[test]
fn golden_door_dot() {
    golden("door.dot", &graph::to_dot(&door(false)));
    golden("door-rejections.dot", &graph::to_dot(&door(true)));
}

#[test]
fn golden_door_mermaid() {
    golden("door.mmd", &graph::to_mermaid(&door(false)));
    golden("door-rejections.mmd", &graph::to_mermaid(&door(true)));
}

#[test]
fn golden_door_json() {
    golden("door.json", &graph::to_json(&door(false)));
}

#[test]
fn two_runs_give_the_same_bytes() {
    for with_rejections in [false, true] {
        let (a, b) = (door(with_rejections), door(with_rejections));
        assert_eq!(graph::to_dot(&a), graph::to_dot(&b));
        assert_eq!(graph::to_mermaid(&a), graph::to_mermaid(&b));
        assert_eq!(graph::to_json(&a), graph::to_json(&b));
    }
}

/// The same graph built in two insertion orders gives the same diagram: ids come from
/// the sorted labels, not from petgraph's indices.
#[test]
fn graph_ids_do_not_depend_on_insertion_order() {
    let build = |names: &[&'static str]| {
        let mut g = Graph::<&str, &str>::new();
        let nodes: Vec<_> = names.iter().map(|n| g.add_node(*n)).collect();
        let find = |name: &str| nodes[names.iter().position(|n| *n == name).expect("node")];
        g.add_edge(find("a"), find("b"), "ab");
        g.add_edge(find("b"), find("c"), "bc");
        g.add_edge(find("c"), find("a"), "ca");
        g.add_edge(find("c"), find("d"), "cd");
        let start = find("a");
        let diagram = from_graph(
            "g",
            &g,
            &GraphLabels {
                node: &|n: &&str| n.to_string(),
                edge: &|e: &&str| Some((EdgeKind::Move, EdgeLine::new(e, &["X-1"]))),
                initial: &|i, _| i == start,
                is_final: &|n: &&str| *n == "d",
            },
        )
        .expect("diagram");
        (
            graph::to_dot(&diagram),
            graph::to_mermaid(&diagram),
            diagram,
        )
    };
    let (dot1, mmd1, d1) = build(&["a", "b", "c", "d"]);
    let (dot2, mmd2, _) = build(&["d", "c", "b", "a"]);
    assert_eq!(dot1, dot2);
    assert_eq!(mmd1, mmd2);
    // a, b, c form one component; d is terminal and final.
    let groups: Vec<_> = d1.nodes.iter().map(|n| n.group).collect();
    assert_eq!(groups, [Some(0), Some(0), Some(0), None]);
    let terminal: Vec<_> = d1.nodes.iter().map(|n| n.terminal).collect();
    assert_eq!(terminal, [false, false, false, true]);
    assert!(dot1.contains("subgraph \"cluster_0\""));
    assert!(mmd1.contains("class n0,n1,n2 component0"));
    assert!(mmd1.contains("class n3 terminal"));
    assert!(mmd1.contains("n3 --> [*]"));
}

#[test]
fn a_self_loop_is_a_component_and_not_terminal() {
    let mut g = Graph::<&str, &str>::new();
    let (a, b) = (g.add_node("a"), g.add_node("b"));
    g.add_edge(a, b, "go");
    g.add_edge(b, b, "stay");
    let diagram = from_graph(
        "loop",
        &g,
        &GraphLabels {
            node: &|n: &&str| n.to_string(),
            edge: &|e: &&str| Some((EdgeKind::Move, EdgeLine::new(e, &[]))),
            initial: &|i, _| i == a,
            is_final: &|_| false,
        },
    )
    .expect("diagram");
    assert_eq!(diagram.nodes[0].group, None);
    assert_eq!(diagram.nodes[1].group, Some(0));
    // Only a self-loop leads out of b: it is terminal (no way to another state).
    assert!(diagram.nodes[1].terminal);
    assert!(!diagram.nodes[0].terminal);
}

#[test]
fn rejections_are_left_out_by_default() {
    let plain = door(false);
    assert!(plain.edges.iter().all(|e| e.kind == EdgeKind::Move));
    assert!(!graph::to_dot(&plain).contains("Jammed"));
    assert!(!graph::to_mermaid(&plain).contains("Jammed"));
    let with = door(true);
    let rejections: Vec<_> = with
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Reject)
        .map(|e| (e.from.as_str(), e.lines.len()))
        .collect();
    // Door rows: Open/Lock, Locked/Push, Locked/Pull, Broken/Lock are rejected.
    assert_eq!(rejections, [("Broken", 1), ("Locked", 2), ("Open", 1)]);
    assert!(graph::to_dot(&with).contains("Push rejected: Jammed"));
}

#[test]
fn ignored_rows_are_never_drawn() {
    // Closed/Pull and Open/Push are ignored rows: no edge out of those states has them.
    let diagram = door(true);
    let starting = |from: &str, stimulus: &str| {
        diagram
            .edges
            .iter()
            .filter(|e| e.from == from)
            .flat_map(|e| e.lines.iter())
            .any(|l| l.text.starts_with(stimulus))
    };
    assert!(!starting("Closed", "Pull"));
    assert!(!starting("Open", "Push"));
    // ...while moves and rejections of the same stimuli elsewhere are drawn.
    assert!(starting("Open", "Pull"));
    assert!(starting("Locked", "Push"));
}

#[test]
fn parallel_rows_merge_into_one_edge_with_guards_and_clauses() {
    let diagram = door(false);
    let open_closed: Vec<_> = diagram
        .edges
        .iter()
        .filter(|e| e.from == "Open" && e.to == "Closed")
        .collect();
    assert_eq!(open_closed.len(), 1);
    let edge = open_closed[0];
    let texts: Vec<&str> = edge.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Kick [no spring] / slam",
            "Kick [spring] / slam",
            "Pull [no spring]"
        ]
    );
    assert_eq!(edge.clauses(), ["D-1", "D-3", "D-4"]);
    let dot = graph::to_dot(&diagram);
    assert!(dot.contains("tooltip=\"Kick [no spring] / slam: D-3\\nKick [spring] / slam: D-3, D-4\\nPull [no spring]: D-1\""));
}

#[test]
fn parameters_keep_only_the_rows_whose_guard_holds() {
    let options = TableOptions {
        with_rejections: false,
        parameters: Some(DoorParameters { spring: true }),
    };
    let diagram = from_table::<Door>(&options, effect_text).expect("diagram");
    let edge = diagram
        .edges
        .iter()
        .find(|e| e.from == "Open" && e.to == "Closed")
        .expect("Open -> Closed");
    let texts: Vec<&str> = edge.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Kick / slam"]);
}

#[test]
fn initial_and_final_states_are_marked() {
    let diagram = door(false);
    let dot = graph::to_dot(&diagram);
    assert!(dot.contains("\"[*]\" -> \"Closed\";"));
    assert!(dot.contains("\"Broken\" [label=\"Broken\", peripheries=2"));
    let mermaid = graph::to_mermaid(&diagram);
    assert!(mermaid.contains("[*] --> Closed\n"));
    assert!(mermaid.contains("Broken --> [*]\n"));
}

#[test]
fn a_table_with_odd_names_renders_escaped() {
    let options = TableOptions {
        with_rejections: true,
        parameters: None,
    };
    let diagram = from_table::<OddMachine>(&options, effect_text).expect("diagram");
    // Names that are not plain identifiers get positional ids.
    let ids: Vec<&str> = diagram.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["Plain", "s0", "s1", "s2", "s3"]);
    let dot = graph::to_dot(&diagram);
    assert!(dot.contains(r#""s0" [label="Say \"hi\"""#));
    assert!(dot.contains(r#""s1" [label="C:\\dir\\""#));
    assert!(dot.contains(r#""s2" [label="two\nlines""#));
    assert!(dot.contains(r#"digraph "odd \"names\"" {"#));
    // No raw newline inside any DOT statement: every line ends a statement or a block.
    for line in dot.lines().skip(1) {
        let line = line.trim();
        assert!(
            line.ends_with(';') || line.ends_with('}') || line.ends_with('{'),
            "{line}"
        );
    }
    let mermaid = graph::to_mermaid(&diagram);
    assert!(mermaid.contains("state \"Say #quot;hi#quot;\" as s0\n"));
    assert!(mermaid.contains("state \"two<br/>lines\" as s2\n"));
    assert!(mermaid.contains("x#59;y rejected: No #quot;way#quot;#59; #lt;never#gt;"));
    // No label leaks a line break: header and title, 4 state declarations, the start,
    // a clause comment and a transition per edge, the end.
    let statements = 2 + 4 + 1 + 2 * diagram.edges.len() + 1;
    assert_eq!(mermaid.lines().count(), statements);
}

#[test]
fn diagram_rejects_bad_ids_duplicates_and_dangling_edges() {
    let edge = |from: &str, to: &str| Edge::new(from, to, EdgeKind::Move, EdgeLine::new("x", &[]));
    assert_eq!(
        Diagram::new("d", vec![Node::new("a;b")], vec![]),
        Err(DiagramError::BadId("a;b".into()))
    );
    assert_eq!(
        Diagram::new("d", vec![Node::new("end")], vec![]),
        Err(DiagramError::BadId("end".into()))
    );
    assert_eq!(
        Diagram::new("d", vec![Node::new("a"), Node::new("a")], vec![]),
        Err(DiagramError::DuplicateNode("a".into()))
    );
    assert_eq!(
        Diagram::new("d", vec![Node::new("a")], vec![edge("a", "b")]),
        Err(DiagramError::UnknownNode("b".into()))
    );
}
