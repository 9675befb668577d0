//! Writes the diagrams of the test fixtures (a door, and a table of names that need
//! escaping) as DOT, Mermaid and JSON into a folder, so that CI can feed them to graphviz
//! and to Mermaid: `cargo run -p ucma-ha-fsm --example graph_samples -- DIR`.

#[path = "../tests/support/fixtures.rs"]
#[allow(dead_code, missing_docs)]
mod fixtures;

use std::path::PathBuf;
use std::process::ExitCode;

use petgraph::graph::Graph;
use ucma_ha_fsm::graph::{self, Diagram, EdgeKind, EdgeLine, GraphLabels, TableOptions};

/// An explored graph in miniature: two cycles (one a self-loop), a terminal state, a
/// final one, and labels that need escaping.
fn explored() -> Result<Diagram, graph::DiagramError> {
    let mut g = Graph::<&str, &str>::new();
    let start = g.add_node("start \"here\"");
    let busy = g.add_node("busy; <working>");
    let done = g.add_node("done\nfor good");
    let stuck = g.add_node("stuck #1");
    let spin = g.add_node("spin");
    g.add_edge(start, busy, "go");
    g.add_edge(busy, start, "back \\ again");
    g.add_edge(busy, done, "finish: ok");
    g.add_edge(busy, stuck, "jam; oops");
    g.add_edge(start, spin, "spin up");
    g.add_edge(spin, spin, "spin (again)");
    g.add_edge(spin, done, "stop");
    graph::from_graph(
        "explored",
        &g,
        &GraphLabels {
            node: &|n: &&str| (*n).to_owned(),
            edge: &|e: &&str| Some((EdgeKind::Move, EdgeLine::new(e, &["X-1"]))),
            initial: &|i, _| i == start,
            is_final: &|n: &&str| n.starts_with("done"),
        },
    )
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: graph_samples DIR");
        return ExitCode::from(2);
    };
    let diagrams: Vec<(&str, Result<Diagram, graph::DiagramError>)> = vec![
        (
            "door",
            graph::from_table::<fixtures::Door>(&TableOptions::default(), fixtures::effect_text),
        ),
        (
            "door-rejections",
            graph::from_table::<fixtures::Door>(
                &TableOptions {
                    with_rejections: true,
                    parameters: None,
                },
                fixtures::effect_text,
            ),
        ),
        ("explored", explored()),
        (
            "odd",
            graph::from_table::<fixtures::OddMachine>(
                &TableOptions {
                    with_rejections: true,
                    parameters: None,
                },
                fixtures::effect_text,
            ),
        ),
    ];
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("error: {}: {error}", dir.display());
        return ExitCode::from(1);
    }
    for (name, diagram) in diagrams {
        let diagram = match diagram {
            Ok(diagram) => diagram,
            Err(error) => {
                eprintln!("error: {name}: {error}");
                return ExitCode::from(1);
            }
        };
        for (extension, text) in [
            ("dot", graph::to_dot(&diagram)),
            ("mmd", graph::to_mermaid(&diagram)),
            ("json", graph::to_json(&diagram)),
        ] {
            let path = dir.join(format!("{name}.{extension}"));
            if let Err(error) = std::fs::write(&path, text) {
                eprintln!("error: {}: {error}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
