//! The generated documentation folder, `docs/`: what `ucma-ha docs` writes and
//! `ucma-ha docs --check` compares.
//!
//! For each machine: `ID.dot`, `ID.svg` (rendered by graphviz `dot`), `ID.mmd` (Mermaid)
//! and `ID.json` (the diagram description, which the Mermaid check in CI also reads);
//! `SPEC.md`, one section per machine with its diagram, its table and its properties;
//! `TRACEABILITY.md`, every clause ID with the rows, properties and tests that cite it,
//! and the gaps. The reachable `system` graph (`remote_views = 1`) is written as data and
//! drawing (`system.*`) and, to be read, as one projection per component
//! (`system-COMPONENT.*`, see [`crate::diagrams::system_projections`]). SPEC.md embeds
//! every diagram but the full system graph as a `mermaid` block.
//!
//! Generation is deterministic: the same tables, properties and test sources give the
//! same bytes. The SVGs also depend on the graphviz version; the XML prolog and
//! graphviz's version comment are stripped, so only the layout itself is compared.
//! Files in `docs/` that are not generated (e.g. `DECISIONS.md`) are left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fsm::graph::{self, Diagram};
use fsm::{Machine, Parameters, RowOutcome, Symbol};
use serde_json::Value;
use thiserror::Error;

use crate::catalog::{for_each_machine, MachineVisitor};
use crate::clauses::{self, Clause};
use crate::diagrams::{self, DiagramsError};
use crate::events::Event;
use crate::invariants::{self, Property};
#[cfg(test)]
use scan::{cites, scan_tests};
use scan::{known_ids, scan_root, TestCitation};

mod scan;

/// Why `docs/` could not be generated.
#[derive(Debug, Error)]
pub enum DocsError {
    /// A diagram could not be built.
    #[error(transparent)]
    Diagram(#[from] DiagramsError),
    /// graphviz `dot` is missing, failed, or complained.
    #[error("graphviz `dot` failed on {name}: {message}")]
    Graphviz {
        /// The diagram.
        name: String,
        /// What went wrong (dot's stderr, or why it could not run).
        message: String,
    },
    /// Reading a file or folder failed.
    #[error("{}", crate::files::cannot_read(path, source))]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Writing a file or creating the folder failed.
    #[error("{}", crate::files::cannot_write(path, source))]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DocsError + '_ {
    move |source| DocsError::Read {
        path: path.to_owned(),
        source,
    }
}

fn io_write(path: &Path) -> impl FnOnce(std::io::Error) -> DocsError + '_ {
    move |source| DocsError::Write {
        path: path.to_owned(),
        source,
    }
}

/// The generated files: name inside `docs/` to content.
pub type Files = BTreeMap<String, String>;

/// Renders DOT text to SVG with graphviz `dot -Tsvg`, failing on any output to stderr
/// (graphviz reports an unknown shape, colour or arrow as a warning with exit 0).
///
/// The XML prolog and comments before the `<svg>` element are dropped, so the result can
/// be inlined in HTML (rustdoc) and does not name the graphviz version.
///
/// # Errors
/// [`DocsError::Graphviz`] when `dot` is missing, exits with an error, or writes to
/// stderr.
pub fn render_svg(name: &str, dot: &str) -> Result<String, DocsError> {
    let failed = |message: String| DocsError::Graphviz {
        name: name.to_owned(),
        message,
    };
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| failed(format!("cannot run `dot` ({error}); install graphviz")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot.as_bytes())
            .map_err(|error| failed(error.to_string()))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| failed(error.to_string()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stderr.trim().is_empty() {
        return Err(failed(format!("{} {}", output.status, stderr.trim())));
    }
    let svg = String::from_utf8_lossy(&output.stdout);
    let start = svg
        .find("<svg")
        .ok_or_else(|| failed("no <svg> element in the output".to_owned()))?;
    // No blank lines: rustdoc's Markdown ends an HTML block at a blank line.
    let mut body: String = svg[start..]
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    body.push('\n');
    Ok(body)
}

/// One machine's part of the docs.
struct MachineDocs {
    id: &'static str,
    diagram: Diagram,
    parameters: String,
    initial: Vec<&'static str>,
    finals: Vec<&'static str>,
    /// `(index, from, stimulus, when, outcome, events, clauses)`.
    rows: Vec<[String; 7]>,
    /// `(clause, row index)`.
    citations: Vec<(&'static str, usize)>,
}

struct Collect;

impl MachineVisitor for Collect {
    type Output = Result<MachineDocs, DocsError>;
    fn visit<M: Machine<Event = Event>>(&mut self) -> Self::Output {
        let diagram = diagrams::machine_diagram(M::ID, false, &Value::Null)?;
        let initial: BTreeSet<&'static str> = M::Parameters::all()
            .iter()
            .map(|p| M::initial(p).name())
            .collect();
        let mut rows = Vec::new();
        let mut citations = Vec::new();
        for (index, row) in M::rows().iter().enumerate() {
            let (outcome, events) = match row.outcome {
                RowOutcome::Move { to, emits } => (
                    format!("→ {}", to.name()),
                    emits.iter().map(event_text).collect::<Vec<_>>().join("; "),
                ),
                RowOutcome::Ignore => ("ignored".to_owned(), String::new()),
                RowOutcome::Reject(error) => (
                    format!("rejected: {}", Into::<&str>::into(error)),
                    String::new(),
                ),
            };
            rows.push([
                index.to_string(),
                row.from.name().to_owned(),
                row.on.name().to_owned(),
                row.when.label.to_owned(),
                outcome,
                events,
                row.clauses.join(", "),
            ]);
            citations.extend(row.clauses.iter().map(|&clause| (clause, index)));
        }
        Ok(MachineDocs {
            id: M::ID,
            diagram,
            parameters: serde_json::to_string(&M::Parameters::default()).unwrap_or_default(),
            initial: initial.into_iter().collect(),
            finals: M::State::all()
                .filter(|s| M::is_final(*s))
                .map(Symbol::name)
                .collect(),
            rows,
            citations,
        })
    }
}

/// An effect as the table shows it: `EventName(Arg=Value, ...)`.
fn event_text<E: serde::Serialize>(effect: &E) -> String {
    match serde_json::to_value(effect) {
        Ok(Value::Object(fields)) => {
            let name = fields
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or("event")
                .to_owned();
            let args: Vec<String> = fields
                .iter()
                .filter(|(key, _)| key.as_str() != "event")
                .map(|(key, value)| match value {
                    Value::String(text) => format!("{key}={text}"),
                    other => format!("{key}={other}"),
                })
                .collect();
            format!("{name}({})", args.join(", "))
        }
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

const HEADER: &str = "<!-- Generated by `ucma-ha docs`; do not edit. `ucma-ha docs --check` fails when this file is stale. -->\n";

fn spec_md(
    machines: &[MachineDocs],
    system: Option<&Diagram>,
    projections: &[(String, Diagram)],
) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\n# Specification\n\n");
    out.push_str(
        "One section per machine: its diagram, its transition table and its properties, all \
         read from the rows that the model executes.\n\n\
         **Reading the diagrams.** A box is a state; the dot points at the initial state; a \
         double border marks a final state. An edge label reads `Stimulus [guard] / \
         arguments`: the stimulus, the parameters under which the row applies (when it \
         does not always), and the key arguments of the event raised (its `Reason`, and for \
         the registration its `UserServicesState`). Parallel rows between two states share \
         one edge, one line each. Rows that ignore their stimulus and rows that reject it \
         are left out of the diagrams (`ucma-ha graph ID --with-rejections` draws \
         rejections); the tables list every row. Hover over an edge in the SVG for the \
         clause IDs of each line.\n\n",
    );
    out.push_str("## Contents\n\n");
    for machine in machines {
        out.push_str(&format!("- [`{0}`](#{0})\n", machine.id));
    }
    out.push_str("- [`system`](#system)\n\n");
    for machine in machines {
        let id = machine.id;
        out.push_str(&format!("## {id}\n\n"));
        out.push_str(&format!(
            "Parameters (defaults): `{}`. Initial state: {}. Final states: {}.\n\n",
            machine.parameters,
            machine
                .initial
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if machine.finals.is_empty() {
                "none".to_owned()
            } else {
                machine
                    .finals
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
        out.push_str(&mermaid_block(&machine.diagram));
        out.push_str(&format!(
            "![{id}]({id}.svg)\n\nSources: [DOT]({id}.dot), [Mermaid]({id}.mmd), \
             [JSON]({id}.json). {} states, {} edges drawn, {} rows.\n\n",
            machine.diagram.nodes.len(),
            machine.diagram.edges.len(),
            machine.rows.len()
        ));
        out.push_str(&format!("### {id}: table\n\n"));
        out.push_str("| # | from | stimulus | when | to / rejection | raised events | clauses |\n");
        out.push_str("|---:|---|---|---|---|---|---|\n");
        for row in &machine.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out.push_str(&format!("\n### {id}: properties\n\n"));
        out.push_str(
            "The documented properties (`ucma_ha::invariants`): each step property is \
             checked on every reachable step and each documented path is run, for every \
             parameter set (`ucma-ha check`); the property tests check them along random \
             runs and the mutation test judges mutated tables by them.\n\n",
        );
        out.push_str("| property | clauses | statement |\n|---|---|---|\n");
        for property in ucma_ha::machines::documented_properties(id) {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                property.name,
                if property.clauses.is_empty() {
                    "–".to_owned()
                } else {
                    property.clauses.join(", ")
                },
                cell(property.statement)
            ));
        }
        out.push('\n');
    }
    out.push_str("## system\n\n");
    match system {
        Some(diagram) => {
            out.push_str(&format!(
                "The reachable graph of the composed model for `{}` has {} states and {} \
                 edges: too many to read as one picture. Below, one view per component: \
                 the states that component takes in some reachable system state, and the \
                 system stimuli that move it from one to another (stimuli that leave it \
                 where it is are not drawn). A view over-approximates: an edge means that \
                 the stimulus moves the component so from *some* reachable system state, \
                 not from every one; the full graph says from which.\n\n",
                diagrams::docs_system_config(),
                diagram.nodes.len(),
                diagram.edges.len()
            ));
            for (component, projection) in projections {
                let stem = diagrams::projection_stem(component);
                out.push_str(&format!("### system: {component}\n\n"));
                out.push_str(&mermaid_block(projection));
                out.push_str(&format!(
                    "[SVG]({stem}.svg), [DOT]({stem}.dot), [Mermaid]({stem}.mmd), \
                     [JSON]({stem}.json). {} states, {} edges.\n\n",
                    projection.nodes.len(),
                    projection.edges.len()
                ));
            }
            out.push_str(
                "### system: the full graph\n\nEvery reachable system state, as data: \
                 [JSON](system.json) (nodes list every component's state, edges the \
                 stimuli with their clause IDs), [DOT](system.dot), [Mermaid](system.mmd), \
                 and drawn: [SVG](system.svg). Nodes of one strongly connected component \
                 share a colour and a dashed frame; terminal states are grey.\n",
            );
        }
        None => out.push_str(&format!(
            "The reachable graph of the composed model (`{}`) is not generated yet: the \
             composed model is not part of this build.\n",
            diagrams::docs_system_config()
        )),
    }
    out
}

/// A diagram as a fenced `mermaid` block, which GitHub and other Markdown viewers draw.
fn mermaid_block(diagram: &Diagram) -> String {
    format!("```mermaid\n{}```\n\n", graph::to_mermaid(diagram))
}

fn traceability_md(machines: &[MachineDocs], tests: &[TestCitation]) -> String {
    // The generic properties hold for every machine: listed once, as `all/NAME`.
    let mut properties: Vec<(&str, &Property)> =
        invariants::GENERIC.iter().map(|p| ("all", *p)).collect();
    for machine in machines {
        for property in ucma_ha::machines::documented_properties(machine.id) {
            if !invariants::GENERIC
                .iter()
                .any(|g| std::ptr::eq(*g, property))
            {
                properties.push((machine.id, property));
            }
        }
    }
    let mut out = String::from(HEADER);
    out.push_str("\n# Traceability\n\n");
    out.push_str(
        "Every clause of the seed page, fact of the API reference and disagreement between \
         them, with the table rows (`machine #index`, see SPEC.md), the properties and the \
         tests that cite it. Tests are found by scanning the crate's Rust sources for \
         `#[test]` functions whose name (`..._pres_2`) or comments name the ID. An ID \
         that nothing cites is a **gap**.\n\n",
    );
    let mut gaps = Vec::new();
    for (title, list) in [
        ("Seed clauses", clauses::SEED),
        ("API facts", clauses::FACTS),
        ("Disagreements", clauses::DISAGREEMENTS),
    ] {
        out.push_str(&format!("## {title}\n\n"));
        out.push_str("| ID | summary | rows | properties | tests |\n|---|---|---|---|---|\n");
        for clause in list {
            let rows: Vec<String> = machines
                .iter()
                .filter_map(|m| {
                    let indices: Vec<String> = m
                        .citations
                        .iter()
                        .filter(|(c, _)| *c == clause.id)
                        .map(|(_, i)| format!("#{i}"))
                        .collect();
                    (!indices.is_empty()).then(|| format!("`{}` {}", m.id, indices.join(" ")))
                })
                .collect();
            let props: Vec<String> = properties
                .iter()
                .filter(|(_, p)| p.clauses.contains(&clause.id))
                .map(|(machine, p)| format!("`{machine}/{}`", p.name))
                .collect();
            let mut by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for test in tests.iter().filter(|t| t.clauses.contains(&clause.id)) {
                by_file.entry(&test.file).or_default().push(&test.name);
            }
            let tests_cell: Vec<String> = by_file
                .iter()
                .map(|(file, names)| {
                    format!(
                        "`{file}`: {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            let gap = rows.is_empty() && props.is_empty() && tests_cell.is_empty();
            if gap {
                gaps.push(clause);
            }
            let or_dash = |v: Vec<String>, sep: &str| {
                if v.is_empty() {
                    "–".to_owned()
                } else {
                    v.join(sep)
                }
            };
            out.push_str(&format!(
                "| {}{} | {} | {} | {} | {} |\n",
                clause.id,
                if gap { " **gap**" } else { "" },
                cell(clause.summary),
                or_dash(rows, "; "),
                or_dash(props, ", "),
                or_dash(tests_cell, "; ")
            ));
        }
        out.push('\n');
    }
    out.push_str("## Gaps\n\n");
    if gaps.is_empty() {
        out.push_str("None: every ID is cited by a row, a property or a test.\n");
    } else {
        for clause in gaps {
            out.push_str(&format!("- {}: {}\n", clause.id, cell(clause.summary)));
        }
    }
    let known: BTreeSet<&str> = known_ids().map(|c| c.id).collect();
    let unknown: BTreeSet<(&str, &str)> = machines
        .iter()
        .flat_map(|m| m.citations.iter().map(move |(c, _)| (*c, m.id)))
        .chain(
            properties
                .iter()
                .flat_map(|(machine, p)| p.clauses.iter().map(move |c| (*c, *machine))),
        )
        .filter(|(c, _)| !known.contains(c))
        .collect();
    if !unknown.is_empty() {
        out.push_str("\n## Unknown IDs\n\n");
        for (clause, machine) in unknown {
            out.push_str(&format!("- `{clause}`, cited in `{machine}`\n"));
        }
    }
    out
}

/// The text files of `docs/` (everything but the SVGs), and the DOT sources to render,
/// from the tables, the properties and the test sources under `root`.
///
/// # Errors
/// [`DocsError`] when a diagram cannot be built or a source cannot be read.
pub fn generate_text(root: &Path) -> Result<(Files, Vec<(String, String)>), DocsError> {
    let machines = for_each_machine(&mut Collect)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let system = Some(diagrams::system_diagram(
        false,
        &diagrams::docs_system_config(),
    )?);
    let mut files = Files::new();
    let mut dots = Vec::new();
    let projections = match &system {
        Some(diagram) => diagrams::system_projections(diagram)?,
        None => Vec::new(),
    };
    let diagrams = machines
        .iter()
        .map(|m| (m.id.to_owned(), &m.diagram))
        .chain(system.as_ref().map(|d| (diagrams::SYSTEM.to_owned(), d)))
        .chain(
            projections
                .iter()
                .map(|(component, d)| (diagrams::projection_stem(component), d)),
        );
    for (id, diagram) in diagrams {
        let dot = graph::to_dot(diagram);
        files.insert(format!("{id}.dot"), dot.clone());
        files.insert(format!("{id}.mmd"), graph::to_mermaid(diagram));
        files.insert(format!("{id}.json"), graph::to_json(diagram));
        dots.push((id, dot));
    }
    files.insert(
        "SPEC.md".to_owned(),
        spec_md(&machines, system.as_ref(), &projections),
    );
    let tests = scan_root(root)?;
    files.insert(
        "TRACEABILITY.md".to_owned(),
        traceability_md(&machines, &tests),
    );
    Ok((files, dots))
}

/// Every file of `docs/`, SVGs rendered with graphviz.
///
/// # Errors
/// As [`generate_text`], and [`DocsError::Graphviz`] when `dot` is missing or complains.
pub fn generate(root: &Path) -> Result<Files, DocsError> {
    let (mut files, dots) = generate_text(root)?;
    for (id, dot) in dots {
        files.insert(format!("{id}.svg"), render_svg(&id, &dot)?);
    }
    Ok(files)
}

/// The generated files that `docs/` lacks or holds with other content, sorted.
///
/// # Errors
/// [`DocsError::Read`] when a file exists but cannot be read.
pub fn stale(docs: &Path, files: &Files) -> Result<Vec<String>, DocsError> {
    let mut found = Vec::new();
    for (name, content) in files {
        let path = docs.join(name);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *content => {}
            Ok(_) => found.push(format!("{name} differs")),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                found.push(format!("{name} is missing"))
            }
            Err(error) => return Err(io(&path)(error)),
        }
    }
    Ok(found)
}

/// Writes the files that are missing or differ; returns their names.
///
/// # Errors
/// [`DocsError::Write`] when the folder or a file cannot be written.
pub fn write(docs: &Path, files: &Files) -> Result<Vec<String>, DocsError> {
    std::fs::create_dir_all(docs).map_err(io_write(docs))?;
    let mut written = Vec::new();
    for (name, content) in files {
        let path = docs.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(&path, content).map_err(io_write(&path))?;
            written.push(name.clone());
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_scan_finds_ids_in_names_comments_and_bodies() {
        let source = include_str!("docs/scan_fixture.txt");
        let found = scan_tests("src/x.rs", source);
        let names: Vec<(&str, &[&str])> = found
            .iter()
            .map(|t| (t.name.as_str(), t.clauses.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                ("healing_reg_3", &["REG-3", "SUB-2", "AF-RS"][..]),
                ("names_pres_2_and_d2", &["PRES-2", "D2"][..]),
                ("nothing_here_reg_10_or_xreg_1", &["REG-1"][..]),
            ]
        );
    }

    #[test]
    fn cites_respects_word_boundaries() {
        // Made-up IDs, so that this test is not taken for a test of a clause.
        assert!(cites("see AB-2.", "AB-2"));
        assert!(!cites("AB-20", "AB-2"));
        assert!(!cites("XAB-2", "AB-2"));
        assert!(cites("a_ab_2", "ab_2"));
        assert!(!cites("a_ab_2x", "ab_2"));
    }

    #[test]
    fn cells_escape_pipes_and_markup() {
        assert_eq!(cell("a|b <c>\nd"), "a\\|b &lt;c&gt;<br>d");
    }

    #[test]
    fn spec_lists_every_row_and_property_of_every_machine() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (files, dots) = generate_text(root).expect("docs");
        let spec = &files["SPEC.md"];
        for id in crate::catalog::MACHINES {
            assert!(spec.contains(&format!("## {id}\n")), "{id}");
            assert!(spec.contains(&format!("![{id}]({id}.svg)")), "{id}");
            for property in ucma_ha::machines::documented_properties(id) {
                assert!(spec.contains(&format!("| `{}` |", property.name)));
            }
            assert!(files.contains_key(&format!("{id}.mmd")));
            assert!(dots.iter().any(|(name, _)| name == id));
        }
        // GitHub draws the diagrams: each is embedded as a mermaid block, the same text
        // as its .mmd file (which CI parses with Mermaid), the system as one view per
        // component.
        for (name, content) in &files {
            if let Some(stem) = name.strip_suffix(".mmd") {
                if stem != diagrams::SYSTEM {
                    assert!(
                        spec.contains(&format!("```mermaid\n{content}```\n")),
                        "{name}"
                    );
                }
            }
        }
        assert!(files.contains_key("system-registration.mmd"));
        assert!(spec.contains("### system: remote_presence[0]\n"));
        // The outage row of the registration: REG-2's event arguments.
        assert!(spec.contains(
            "RegistrationStateChanged(Reason=None, MessageData=true, UserServicesState=Unavailable)"
        ));
        let trace = &files["TRACEABILITY.md"];
        for clause in known_ids() {
            assert!(trace.contains(&format!("| {}", clause.id)), "{}", clause.id);
        }
        // The mutation tests of the properties name their clause: the scan sees them.
        assert!(trace.contains("`src/invariants.rs`: `outage_with_the_wrong_reason_breaks_reg_2`"));
    }

    #[test]
    fn generation_is_deterministic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let first = generate_text(root).expect("docs");
        let second = generate_text(root).expect("docs");
        assert_eq!(first, second);
    }

    #[test]
    fn stale_reports_missing_and_changed_files_and_write_fixes_them() {
        let folder = std::env::temp_dir().join(format!("ucma-ha-docs-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let mut files = Files::new();
        files.insert("a.md".to_owned(), "one\n".to_owned());
        files.insert("b.dot".to_owned(), "two\n".to_owned());
        assert_eq!(
            stale(&folder, &files).expect("stale"),
            ["a.md is missing", "b.dot is missing"]
        );
        assert_eq!(write(&folder, &files).expect("write"), ["a.md", "b.dot"]);
        assert!(stale(&folder, &files).expect("stale").is_empty());
        std::fs::write(folder.join("b.dot"), "changed\n").expect("edit");
        std::fs::write(folder.join("DECISIONS.md"), "not generated\n").expect("extra");
        assert_eq!(stale(&folder, &files).expect("stale"), ["b.dot differs"]);
        assert_eq!(write(&folder, &files).expect("write"), ["b.dot"]);
        assert!(stale(&folder, &files).expect("stale").is_empty());
        let _ = std::fs::remove_dir_all(&folder);
    }
}
