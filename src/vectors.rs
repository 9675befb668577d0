//! Test vectors: trace files that together fire every row of a machine's table (or every
//! edge of a composed model's reachable graph), each as short as possible and each with
//! full expectations on every step, for teams that test their own implementation in any
//! language (CONTRACT section 4).
//!
//! # How vectors are chosen
//! 1. [`explore`] walks the model breadth-first from its initial state, trying every
//!    stimulus in every state, so the first edge found that fires a row lies on a
//!    shortest path to it.
//! 2. Each target (a row, or an edge) gets one candidate: the shortest path to its first
//!    edge's source state, then that edge.
//! 3. Candidates are taken longest first; one is kept only if its target is not already
//!    fired somewhere along a kept path. Longer paths fire their prefixes' rows, so this
//!    drops the vectors that would repeat a prefix of another, and no vector is longer
//!    than the shortest way to its own target.
//! 4. With several parameter sets, they are taken in order and a later set only targets
//!    the rows no earlier set has covered (rows guarded for other parameters are only
//!    coverable there).
//!
//! Files are named after their target, e.g. `registration-017-Registered-RefreshDue.json`
//! (machine, row index, source state, stimulus), so the output is deterministic.
//!
//! # Examples
//! ```
//! use ucma_ha::vectors::{generate, Options};
//! let generated = generate("registration", &[serde_json::Value::Null], &Options::default())?;
//! let coverage = &generated.coverage.machines[0];
//! assert_eq!(coverage.covered, coverage.reachable);
//! for vector in &generated.vectors {
//!     ucma_ha::replay::replay(&vector.trace).expect("vectors agree with the model");
//! }
//! # Ok::<(), ucma_ha::vectors::VectorError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;

use serde_json::Value;
use thiserror::Error;

use crate::catalog::{self, CatalogError, DynModel, Reaction, Snapshot};
use crate::coverage::rows_of;
use crate::trace::{Expect, Step, Trace};

/// What the vectors must cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cover {
    /// Every row that fires somewhere in the reachable graph.
    #[default]
    Rows,
    /// Every edge (state, stimulus) of the reachable graph.
    Edges,
}

/// Options of [`generate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Rows or edges.
    pub cover: Cover,
    /// Explore at most this many states per parameter set.
    pub max_states: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cover: Cover::Rows,
            max_states: 100_000,
        }
    }
}

/// Why vectors could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VectorError {
    /// The machine or its config is not valid.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// One edge of the explored graph: a stimulus in a state and what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The source state's index in [`Explored::states`].
    pub from: usize,
    /// The stimulus.
    pub stimulus: &'static str,
    /// The target state's index; `None` when the state limit kept it out.
    pub to: Option<usize>,
    /// What the model did.
    pub reaction: Reaction,
}

/// The reachable graph of a model, breadth-first.
#[derive(Debug, Clone, PartialEq)]
pub struct Explored {
    /// The states, in breadth-first order (the initial state first).
    pub states: Vec<Snapshot>,
    /// For each state, the edge that first reached it (`None` for the initial state).
    pub parent: Vec<Option<usize>>,
    /// Every edge, grouped by source state in state order, stimuli in model order.
    pub edges: Vec<Edge>,
    /// Whether every reachable state was explored (false when `max_states` cut it short).
    pub complete: bool,
}

impl Explored {
    /// The edges of a shortest path from the initial state to `state`; `None` for an
    /// index out of range.
    pub fn path_to(&self, state: usize) -> Option<Vec<usize>> {
        let mut path = Vec::new();
        let mut parent = *self.parent.get(state)?;
        while let Some(edge) = parent {
            path.push(edge);
            parent = *self.parent.get(self.edges.get(edge)?.from)?;
        }
        path.reverse();
        Some(path)
    }

    /// The edges of a shortest path that ends with `edge`; `None` for an index out of
    /// range.
    pub fn path_through(&self, edge: usize) -> Option<Vec<usize>> {
        let mut path = self.path_to(self.edges.get(edge)?.from)?;
        path.push(edge);
        Some(path)
    }
}

/// Explores a model breadth-first.
///
/// # Arguments
/// * `model` - any model.
/// * `max_states` - stop adding states beyond this many (edges into the rest are kept,
///   with `to: None`).
///
/// # Returns
/// The [`Explored`] graph.
///
/// # Errors
/// A [`CatalogError`] if the model refuses one of its own stimuli.
///
/// # Complexity
/// O(states x stimuli) steps of the model, plus hashing of snapshots.
pub fn explore(model: &dyn DynModel, max_states: usize) -> Result<Explored, CatalogError> {
    let stimuli = model.stimuli();
    let initial = model.initial();
    let mut index: HashMap<Snapshot, usize> = HashMap::new();
    index.insert(initial.clone(), 0);
    let mut explored = Explored {
        states: vec![initial],
        parent: vec![None],
        edges: Vec::new(),
        complete: true,
    };
    let mut queue = VecDeque::from([0]);
    while let Some(from) = queue.pop_front() {
        for &stimulus in &stimuli {
            let reaction = model.step(&explored.states[from], stimulus)?;
            let to = match index.get(&reaction.next) {
                Some(&to) => Some(to),
                None if explored.states.len() < max_states => {
                    let to = explored.states.len();
                    index.insert(reaction.next.clone(), to);
                    explored.states.push(reaction.next.clone());
                    explored.parent.push(Some(explored.edges.len()));
                    queue.push_back(to);
                    Some(to)
                }
                None => {
                    explored.complete = false;
                    None
                }
            };
            explored.edges.push(Edge {
                from,
                stimulus,
                to,
                reaction,
            });
        }
    }
    Ok(explored)
}

/// A row, by machine id and index.
pub type RowId = (&'static str, usize);

/// What a vector was made for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A row of a machine's table.
    Row(RowId),
    /// An edge of the explored graph of the parameter set with this index.
    Edge {
        /// The parameter set's index in the sweep.
        config: usize,
        /// The edge's index in [`Explored::edges`].
        edge: usize,
    },
}

/// One generated trace file.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// The file name (deterministic, e.g. `registration-017-Registered-RefreshDue.json`).
    pub name: String,
    /// What it was made for.
    pub target: Target,
    /// The trace, with full expectations on every step.
    pub trace: Trace,
}

/// How much one machine's table the vectors cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCoverage {
    /// The machine id.
    pub machine: &'static str,
    /// Rows fired by the vectors.
    pub covered: usize,
    /// Rows that fire somewhere in the explored graphs of the parameter sets used.
    pub reachable: usize,
    /// Rows in the table.
    pub total: usize,
}

/// What the generated vectors cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorCoverage {
    /// Per machine (components of a composed model included), in id order.
    pub machines: Vec<RowCoverage>,
    /// Edges on the vectors' paths.
    pub edges_covered: usize,
    /// Edges explored, over all parameter sets.
    pub edges_total: usize,
    /// States explored, over all parameter sets.
    pub states: usize,
    /// Whether every parameter set was explored completely.
    pub complete: bool,
}

impl fmt::Display for VectorCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in &self.machines {
            writeln!(
                f,
                "{:<24} rows {:>4} / {:<4} reachable, {:>4} in the table",
                row.machine, row.covered, row.reachable, row.total
            )?;
        }
        write!(
            f,
            "edges {} / {} of {} states{}",
            self.edges_covered,
            self.edges_total,
            self.states,
            if self.complete {
                ""
            } else {
                " (state limit reached: the graph is incomplete)"
            }
        )
    }
}

/// The generated vectors and what they cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The vectors, in target order.
    pub vectors: Vec<Vector>,
    /// Their coverage.
    pub coverage: VectorCoverage,
}

/// Generates vectors for a model over one or more parameter sets.
///
/// # Arguments
/// * `machine` - the model's id (any id [`catalog::model`] knows).
/// * `configs` - the parameter sets, as JSON (`Value::Null` for the defaults).
/// * `options` - rows or edges, and the state limit.
///
/// # Errors
/// [`VectorError::Catalog`] for an unknown machine or a bad config.
///
/// # Complexity
/// Per parameter set: exploration (see [`explore`]), then O(targets x path length).
pub fn generate(
    machine: &str,
    configs: &[Value],
    options: &Options,
) -> Result<Generated, VectorError> {
    let models = configs
        .iter()
        .map(|config| catalog::model(machine, config))
        .collect::<Result<Vec<_>, _>>()?;
    let models: Vec<&dyn DynModel> = models.iter().map(|model| &**model).collect();
    generate_for(&models, options)
}

/// Generates vectors for given models: one per parameter set, taken in order (see the
/// module documentation), e.g. a composed model built by hand.
///
/// # Errors
/// [`VectorError::Catalog`] if a model refuses one of its own stimuli.
pub fn generate_for(models: &[&dyn DynModel], options: &Options) -> Result<Generated, VectorError> {
    let mut vectors = Vec::new();
    let mut covered: BTreeSet<RowId> = BTreeSet::new();
    let mut reachable: BTreeSet<RowId> = BTreeSet::new();
    let (mut edges_covered, mut edges_total, mut states) = (0, 0, 0);
    let mut complete = true;
    for (config_index, &model) in models.iter().enumerate() {
        let explored = explore(model, options.max_states)?;
        states += explored.states.len();
        edges_total += explored.edges.len();
        complete &= explored.complete;
        let rows_of_edge = |edge: usize| -> Vec<RowId> {
            explored.edges[edge]
                .reaction
                .fired
                .iter()
                .map(|fired| (fired.machine, fired.row))
                .collect()
        };
        // One candidate per target: the first edge (in breadth-first order) that hits it.
        let mut candidates: Vec<(Target, usize)> = Vec::new();
        match options.cover {
            Cover::Rows => {
                let mut first: BTreeMap<RowId, usize> = BTreeMap::new();
                for edge in 0..explored.edges.len() {
                    for row in rows_of_edge(edge) {
                        reachable.insert(row);
                        first.entry(row).or_insert(edge);
                    }
                }
                candidates.extend(
                    first
                        .into_iter()
                        .filter(|(row, _)| !covered.contains(row))
                        .map(|(row, edge)| (Target::Row(row), edge)),
                );
            }
            Cover::Edges => {
                for edge in 0..explored.edges.len() {
                    reachable.extend(rows_of_edge(edge));
                    let target = Target::Edge {
                        config: config_index,
                        edge,
                    };
                    candidates.push((target, edge));
                }
            }
        }
        // Longest first; keep a candidate only if its target is not yet on a kept path.
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        let paths: Vec<Vec<usize>> = candidates
            .iter()
            .map(|(_, edge)| explored.path_through(*edge).unwrap_or_default())
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(paths[i].len()));
        let mut on_kept_paths: BTreeSet<usize> = BTreeSet::new();
        let mut kept: Vec<usize> = Vec::new();
        for i in order {
            let hit = match &candidates[i].0 {
                Target::Row(row) => covered.contains(row),
                Target::Edge { edge, .. } => on_kept_paths.contains(edge),
            };
            if hit {
                continue;
            }
            for &edge in &paths[i] {
                on_kept_paths.insert(edge);
                covered.extend(rows_of_edge(edge));
            }
            kept.push(i);
        }
        kept.sort_by(|&a, &b| candidates[a].0.cmp(&candidates[b].0));
        edges_covered += on_kept_paths.len();
        let sweep = models.len() > 1;
        for i in kept {
            let (target, edge) = &candidates[i];
            vectors.push(Vector {
                name: file_name(model, &explored, target, *edge, sweep),
                target: target.clone(),
                trace: trace_of(model, &explored, &paths[i]),
            });
        }
    }
    let machines = per_machine(&covered, &reachable);
    Ok(Generated {
        vectors,
        coverage: VectorCoverage {
            machines,
            edges_covered,
            edges_total,
            states,
            complete,
        },
    })
}

fn per_machine(covered: &BTreeSet<RowId>, reachable: &BTreeSet<RowId>) -> Vec<RowCoverage> {
    let machines: BTreeSet<&'static str> = reachable.iter().map(|(machine, _)| *machine).collect();
    machines
        .into_iter()
        .map(|machine| {
            let count = |set: &BTreeSet<RowId>| set.iter().filter(|(m, _)| *m == machine).count();
            RowCoverage {
                machine,
                covered: count(covered),
                reachable: count(reachable),
                total: rows_of(machine).map_or(0, |rows| rows.len()),
            }
        })
        .collect()
}

/// Keeps letters, digits, `_` and `-`, so component names like `remote_presence[0]` make
/// safe file names.
fn file_safe(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect()
}

fn file_name(
    model: &dyn DynModel,
    explored: &Explored,
    target: &Target,
    edge: usize,
    sweep: bool,
) -> String {
    let step = &explored.edges[edge];
    let source = model.states(&explored.states[step.from]);
    match target {
        Target::Row((machine, row)) => {
            // The firing component's state names the row's source state.
            let component = step
                .reaction
                .fired
                .iter()
                .find(|fired| fired.machine == *machine && fired.row == *row)
                .map(|fired| fired.component.clone())
                .unwrap_or_default();
            let from = source
                .iter()
                .find(|state| state.component == component)
                .map_or("", |state| state.internal);
            if *machine == model.id() {
                format!("{machine}-{row:03}-{from}-{}.json", step.stimulus)
            } else {
                format!(
                    "{}-{}-{row:03}-{from}-{}.json",
                    model.id(),
                    file_safe(&component),
                    step.stimulus
                )
            }
        }
        Target::Edge { config, edge } => {
            let config = if sweep {
                format!("c{config}-")
            } else {
                String::new()
            };
            format!("{}-{config}e{edge:05}-{}.json", model.id(), step.stimulus)
        }
    }
}

/// The trace of a path, with full expectations: every component's observed state, the
/// rejection (or `null`), and every raised event.
fn trace_of(model: &dyn DynModel, explored: &Explored, path: &[usize]) -> Trace {
    let steps = path
        .iter()
        .map(|&edge| {
            let edge = &explored.edges[edge];
            let states = model.states(&edge.reaction.next);
            let (state, states) = match states.as_slice() {
                [only] => (Some(only.observed.to_owned()), None),
                _ => (
                    None,
                    Some(
                        states
                            .iter()
                            .map(|s| (s.component.clone(), s.observed.to_owned()))
                            .collect(),
                    ),
                ),
            };
            Step {
                on: edge.stimulus.to_owned(),
                expect: Some(Expect {
                    state,
                    states,
                    rejected: Some(edge.reaction.rejected.map(str::to_owned)),
                    emits: Some(
                        edge.reaction
                            .events
                            .iter()
                            .map(|event| serde_json::to_value(event).unwrap_or(Value::Null))
                            .collect(),
                    ),
                    emits_include: None,
                }),
            }
        })
        .collect();
    Trace {
        machine: model.id().to_owned(),
        config: model.parameters(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exploration_is_breadth_first_with_shortest_parents() {
        let model = catalog::model("registration", &Value::Null).expect("a machine");
        let explored = explore(&*model, 1000).expect("explores");
        assert!(explored.complete);
        assert_eq!(
            explored.edges.len(),
            explored.states.len() * model.stimuli().len()
        );
        // Depth never decreases along the state order.
        let depths: Vec<usize> = (0..explored.states.len())
            .map(|s| explored.path_to(s).expect("a state").len())
            .collect();
        assert!(depths.windows(2).all(|w| w[0] <= w[1]), "{depths:?}");
        assert_eq!(depths[0], 0);
        assert_eq!(explored.path_to(explored.states.len()), None);
        assert_eq!(explored.path_through(explored.edges.len()), None);
        let cut = explore(&*model, 2).expect("explores");
        assert!(!cut.complete);
        assert_eq!(cut.states.len(), 2);
    }

    #[test]
    fn vectors_fire_every_reachable_row_and_are_named_by_row() {
        let generated =
            generate("registration", &[Value::Null], &Options::default()).expect("generates");
        let coverage = &generated.coverage.machines[0];
        assert_eq!(coverage.covered, coverage.reachable);
        let names: BTreeSet<&str> = generated.vectors.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names.len(), generated.vectors.len(), "names are unique");
        assert!(
            names.contains("registration-009-Unregistered-BeginUnregister.json"),
            "{names:?}"
        );
    }

    #[test]
    fn a_sweep_covers_the_guarded_rows_af_drop() {
        let configs = [
            json!({"refresh_on_connection_drop": true}),
            json!({"refresh_on_connection_drop": false}),
        ];
        let one = generate("registration", &configs[..1], &Options::default()).expect("one");
        let both = generate("registration", &configs, &Options::default()).expect("both");
        let (one, both) = (&one.coverage.machines[0], &both.coverage.machines[0]);
        assert!(
            one.covered < one.total,
            "some rows are guarded for the other config"
        );
        assert_eq!(both.covered, both.total);
    }

    #[test]
    fn edge_cover_takes_every_edge() {
        let options = Options {
            cover: Cover::Edges,
            ..Options::default()
        };
        let generated = generate("remote_presence", &[Value::Null], &options).expect("generates");
        let coverage = &generated.coverage;
        assert_eq!(coverage.edges_covered, coverage.edges_total);
        assert!(generated.vectors.len() < coverage.edges_total);
    }
}
