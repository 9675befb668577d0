//! Test vectors: trace files that together fire every row of a machine's table (or every
//! edge of a composed model's reachable graph), each as short as possible and each with
//! full expectations on every step, for teams that test their own implementation in any
//! language (docs/CONTRACT.md section 4).
//!
//! # How vectors are chosen
//! 1. The model is walked breadth-first from its initial state, trying every stimulus in
//!    every state, so the first edge found that fires a row lies on a shortest path to
//!    it. Only the states are kept (each with the edge that first reached it), never the
//!    edges, so memory grows with the states alone and stays within
//!    [`Options::max_states`] and [`Options::max_memory`].
//! 2. Rows: each row gets one candidate, the shortest path through the first edge that
//!    fires it. Candidates are taken longest first; one is kept only if its row is not
//!    already fired along a kept path, so no vector repeats a prefix of another and none
//!    is longer than the shortest way to its own target. With several parameter sets, a
//!    later set only targets the rows no earlier set has covered (rows guarded for other
//!    parameters are only coverable there). Row vectors are handed over when the walk of
//!    their parameter set ends.
//! 3. Edges: every edge that does not first reach a new state gets a vector (the
//!    shortest path to its source, then the edge), handed over as soon as it is found.
//!    The edges that do reach a new state lie on those paths, so every edge is covered;
//!    this is what keeping candidates longest first yields, without holding the edges.
//! 4. A walk stopped by a limit leaves the cover incomplete
//!    ([`VectorCoverage::stopped`] says why).
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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde_json::Value;
use thiserror::Error;

use crate::catalog::{self, CatalogError, DynModel, Snapshot};
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
    /// Hand over at most this many vectors in all.
    pub max_vectors: usize,
    /// The memory the explored states may take, in bytes (an estimate per state; see
    /// `state_bytes`).
    pub max_memory: usize,
}

/// The default [`Options::max_memory`]: 1 GiB.
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

impl Default for Options {
    fn default() -> Self {
        Options {
            cover: Cover::Rows,
            max_states: 100_000,
            max_vectors: 25_000,
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

/// Why vectors could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VectorError {
    /// The machine or its config is not valid.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The state limit asked for cannot fit the memory budget.
    #[error(
        "--max-states {max_states} would take about {needed} MiB for `{machine}`, more than \
         the {budget} MiB budget: lower --max-states (at most {fits} fit)"
    )]
    TooLarge {
        /// The model.
        machine: String,
        /// The state limit asked for.
        max_states: usize,
        /// The estimate, in MiB.
        needed: usize,
        /// The budget, in MiB.
        budget: usize,
        /// How many states fit.
        fits: usize,
    },
    /// Whoever took the vectors refused one (e.g. a file could not be written).
    #[error("{0}")]
    Sink(String),
}

/// The estimated memory one explored state takes, in bytes, for snapshots of `words`
/// 64-bit words: the snapshot twice (the state list and the index), allocator overhead,
/// the index entry and the edge that first reached it.
pub(crate) fn state_bytes(words: usize) -> usize {
    let snapshot = 24 + 8 * words.max(1) + 16;
    2 * snapshot + 16 + 16
}

/// The states of a model's reachable graph, breadth-first, each with the edge (source
/// state, stimulus index) that first reached it; no edges are kept.
#[derive(Debug, Clone, PartialEq, Default)]
struct Graph {
    states: Vec<Snapshot>,
    index: HashMap<Snapshot, usize>,
    parent: Vec<Option<(usize, usize)>>,
}

impl Graph {
    /// The edges (source state, stimulus index) of a shortest path from the initial
    /// state to `state`.
    fn path_to(&self, state: usize) -> Vec<(usize, usize)> {
        let mut path = Vec::new();
        let mut at = state;
        while let Some(&Some((from, stimulus))) = self.parent.get(at) {
            path.push((from, stimulus));
            at = from;
        }
        path.reverse();
        path
    }
}

/// A row, by machine id and index.
pub(crate) type RowId = (&'static str, usize);

/// What a vector was made for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Goal {
    /// A row of a machine's table.
    Row(RowId),
    /// An edge of the explored graph of the parameter set with this index.
    Edge {
        /// The parameter set's index in the sweep.
        config: usize,
        /// The edge's index: source state (breadth-first) times stimuli plus the
        /// stimulus's index.
        edge: usize,
    },
}

/// One generated trace file.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// The file name (deterministic, e.g. `registration-017-Registered-RefreshDue.json`).
    pub name: String,
    /// What it was made for.
    pub goal: Goal,
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
    /// Whether every parameter set was explored completely and every vector handed
    /// over.
    pub complete: bool,
    /// Why the walk stopped early, when it did.
    pub stopped: Option<String>,
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
            match (&self.stopped, self.complete) {
                (Some(reason), _) => format!(" (stopped: {reason}; the cover is incomplete)"),
                (None, true) => String::new(),
                (None, false) => " (the cover is incomplete)".to_owned(),
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
/// * `options` - rows or edges, and the limits.
///
/// # Errors
/// [`VectorError::Catalog`] for an unknown machine or a bad config,
/// [`VectorError::TooLarge`] when the state limit cannot fit the memory budget.
///
/// # Complexity
/// Per parameter set: O(states x stimuli) steps of the model, plus O(path length) per
/// vector; memory O(states) plus the vectors returned.
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
/// As [`generate_with`].
pub fn generate_for(models: &[&dyn DynModel], options: &Options) -> Result<Generated, VectorError> {
    let mut vectors = Vec::new();
    let coverage = generate_with(
        models,
        options,
        &mut |vector| {
            vectors.push(vector);
            Ok(())
        },
        &mut |_| {},
    )?;
    Ok(Generated { vectors, coverage })
}

/// How far a [`generate_with`] walk has come, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkProgress {
    /// The parameter set being walked (from 0).
    pub config: usize,
    /// States found in it so far.
    pub states: usize,
    /// Vectors handed over so far, in all.
    pub vectors: usize,
}

/// Generates vectors and hands each to `sink` as soon as it is chosen (edge vectors
/// while the walk goes on, row vectors when a parameter set's walk ends), so a caller
/// can write them as they are found and memory stays bounded by the states.
///
/// # Arguments
/// * `models` - one model per parameter set.
/// * `options` - rows or edges, and the limits.
/// * `sink` - takes each vector; an `Err` stops the generation with that message.
/// * `progress` - called now and then while walking.
///
/// # Errors
/// [`VectorError::TooLarge`] before any work when [`Options::max_states`] cannot fit
/// [`Options::max_memory`]; [`VectorError::Catalog`] if a model refuses one of its own
/// stimuli; [`VectorError::Sink`] when `sink` refuses.
pub fn generate_with(
    models: &[&dyn DynModel],
    options: &Options,
    sink: &mut dyn FnMut(Vector) -> Result<(), String>,
    progress: &mut dyn FnMut(WalkProgress),
) -> Result<VectorCoverage, VectorError> {
    check_budget(models, options)?;
    let mut walk = Walk {
        options,
        sink,
        progress,
        covered: BTreeSet::new(),
        reachable: BTreeSet::new(),
        edges_covered: 0,
        edges_total: 0,
        states: 0,
        handed: 0,
        complete: true,
        stopped: None,
    };
    let sweep = models.len() > 1;
    for (config, &model) in models.iter().enumerate() {
        if walk.stopped.is_some() {
            break;
        }
        walk.config(config, model, sweep)?;
    }
    Ok(VectorCoverage {
        machines: per_machine(&walk.covered, &walk.reachable),
        edges_covered: walk.edges_covered,
        edges_total: walk.edges_total,
        states: walk.states,
        complete: walk.complete,
        stopped: walk.stopped,
    })
}

/// Refuses, before any work, a state limit whose states cannot fit the memory budget.
///
/// # Errors
/// [`VectorError::TooLarge`] with the estimate and how many states would fit.
pub fn check_budget(models: &[&dyn DynModel], options: &Options) -> Result<(), VectorError> {
    for &model in models {
        let per_state = state_bytes(model.initial().0.len());
        let needed = options.max_states.saturating_mul(per_state);
        if needed > options.max_memory {
            return Err(VectorError::TooLarge {
                machine: model.id().to_owned(),
                max_states: options.max_states,
                needed: needed >> 20,
                budget: options.max_memory >> 20,
                fits: options.max_memory / per_state,
            });
        }
    }
    Ok(())
}

/// The state of one [`generate_with`] call.
struct Walk<'o, 's> {
    options: &'o Options,
    sink: &'s mut dyn FnMut(Vector) -> Result<(), String>,
    progress: &'s mut dyn FnMut(WalkProgress),
    covered: BTreeSet<RowId>,
    reachable: BTreeSet<RowId>,
    edges_covered: usize,
    edges_total: usize,
    states: usize,
    handed: usize,
    complete: bool,
    stopped: Option<String>,
}

impl Walk<'_, '_> {
    /// Walks one parameter set.
    fn config(
        &mut self,
        config: usize,
        model: &dyn DynModel,
        sweep: bool,
    ) -> Result<(), VectorError> {
        let stimuli = model.stimuli();
        let initial = model.initial();
        let per_state = state_bytes(initial.0.len());
        let mut graph = Graph::default();
        graph.index.insert(initial.clone(), 0);
        graph.states.push(initial);
        graph.parent.push(None);
        // Rows: the first edge (source, stimulus) that fires each row.
        let mut first: BTreeMap<RowId, (usize, usize)> = BTreeMap::new();
        let mut on_paths: HashSet<(usize, usize)> = HashSet::new();
        let mut from = 0;
        'walk: while from < graph.states.len() {
            if from % 1024 == 0 {
                (self.progress)(WalkProgress {
                    config,
                    states: graph.states.len(),
                    vectors: self.handed,
                });
            }
            for (k, &stimulus) in stimuli.iter().enumerate() {
                let reaction = model.step(&graph.states[from], stimulus)?;
                self.edges_total += 1;
                for fired in &reaction.fired {
                    let row = (fired.machine, fired.row);
                    self.reachable.insert(row);
                    first.entry(row).or_insert((from, k));
                }
                let new = !graph.index.contains_key(&reaction.next);
                if new {
                    let room = graph.states.len() < self.options.max_states;
                    let memory = (graph.states.len() + 1).saturating_mul(per_state)
                        <= self.options.max_memory;
                    if room && memory {
                        let to = graph.states.len();
                        graph.index.insert(reaction.next.clone(), to);
                        graph.states.push(reaction.next);
                        graph.parent.push(Some((from, k)));
                        continue;
                    }
                    self.complete = false;
                }
                if self.options.cover == Cover::Edges {
                    let mut path = graph.path_to(from);
                    path.push((from, k));
                    let edge = from * stimuli.len() + k;
                    let goal = Goal::Edge { config, edge };
                    let name = edge_file_name(model, config, edge, stimulus, sweep);
                    self.hand(model, &stimuli, &path, name, goal, &mut on_paths)?;
                    if self.stopped.is_some() {
                        break 'walk;
                    }
                }
            }
            from += 1;
        }
        if from < graph.states.len() {
            self.complete = false;
        }
        self.states += graph.states.len();
        if self.options.cover == Cover::Rows && self.stopped.is_none() {
            self.rows(model, &stimuli, &graph, &first, &mut on_paths)?;
        }
        self.edges_covered += on_paths.len();
        Ok(())
    }

    /// Picks and hands over the row vectors of one walked parameter set.
    fn rows(
        &mut self,
        model: &dyn DynModel,
        stimuli: &[&'static str],
        graph: &Graph,
        first: &BTreeMap<RowId, (usize, usize)>,
        on_paths: &mut HashSet<(usize, usize)>,
    ) -> Result<(), VectorError> {
        let mut candidates: Vec<(RowId, Vec<(usize, usize)>)> = first
            .iter()
            .filter(|(row, _)| !self.covered.contains(row))
            .map(|(&row, &(from, k))| {
                let mut path = graph.path_to(from);
                path.push((from, k));
                (row, path)
            })
            .collect();
        // Longest first (stable: rows in order among equals).
        candidates.sort_by_key(|(_, path)| std::cmp::Reverse(path.len()));
        let mut kept = Vec::new();
        for (row, path) in candidates {
            if self.covered.contains(&row) {
                continue;
            }
            let (_, fired) = trace_of(model, stimuli, &path)?;
            self.covered.extend(fired);
            kept.push((row, path));
        }
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        for (row, path) in kept {
            let name = row_file_name(model, graph, stimuli, row, &path)?;
            self.hand(model, stimuli, &path, name, Goal::Row(row), on_paths)?;
            if self.stopped.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// Builds one vector's trace and hands it to the sink.
    fn hand(
        &mut self,
        model: &dyn DynModel,
        stimuli: &[&'static str],
        path: &[(usize, usize)],
        name: String,
        goal: Goal,
        on_paths: &mut HashSet<(usize, usize)>,
    ) -> Result<(), VectorError> {
        if self.handed >= self.options.max_vectors {
            self.complete = false;
            self.stopped = Some(format!(
                "the limit of {} vectors (--max-vectors) was reached",
                self.options.max_vectors
            ));
            return Ok(());
        }
        let (trace, fired) = trace_of(model, stimuli, path)?;
        self.covered.extend(fired);
        on_paths.extend(path.iter().copied());
        (self.sink)(Vector { name, goal, trace }).map_err(VectorError::Sink)?;
        self.handed += 1;
        Ok(())
    }
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

/// The file name of an edge vector, e.g. `system-e00042-PoolDown.json`.
fn edge_file_name(
    model: &dyn DynModel,
    config: usize,
    edge: usize,
    stimulus: &str,
    sweep: bool,
) -> String {
    let config = if sweep {
        format!("c{config}-")
    } else {
        String::new()
    };
    format!("{}-{config}e{edge:05}-{stimulus}.json", model.id())
}

/// The file name of a row vector: the firing component's state names the row's source
/// state, e.g. `registration-017-Registered-RefreshDue.json`.
fn row_file_name(
    model: &dyn DynModel,
    graph: &Graph,
    stimuli: &[&'static str],
    (machine, row): RowId,
    path: &[(usize, usize)],
) -> Result<String, VectorError> {
    let (from, k) = path.last().copied().unwrap_or_default();
    let stimulus = stimuli.get(k).copied().unwrap_or_default();
    let reaction = model.step(&graph.states[from], stimulus)?;
    let component = reaction
        .fired
        .iter()
        .find(|fired| fired.machine == machine && fired.row == row)
        .map(|fired| fired.component.clone())
        .unwrap_or_default();
    let source = model.states(&graph.states[from]);
    let state = source
        .iter()
        .find(|state| state.component == component)
        .map_or("", |state| state.internal);
    Ok(if machine == model.id() {
        format!("{machine}-{row:03}-{state}-{stimulus}.json")
    } else {
        format!(
            "{}-{}-{row:03}-{state}-{stimulus}.json",
            model.id(),
            file_safe(&component),
        )
    })
}

/// The trace of a path (stimulus indices from the initial state), with full
/// expectations: every component's observed state, the rejection (or `null`), and every
/// raised event; and the rows it fires.
fn trace_of(
    model: &dyn DynModel,
    stimuli: &[&'static str],
    path: &[(usize, usize)],
) -> Result<(Trace, Vec<RowId>), VectorError> {
    let mut at = model.initial();
    let mut steps = Vec::with_capacity(path.len());
    let mut fired = Vec::new();
    for &(_, k) in path {
        let stimulus = stimuli.get(k).copied().unwrap_or_default();
        let reaction = model.step(&at, stimulus)?;
        fired.extend(reaction.fired.iter().map(|f| (f.machine, f.row)));
        let states = model.states(&reaction.next);
        let (state, states) = match states.as_slice() {
            [only] => (Some(only.observed.to_owned()), None),
            _ => (
                None,
                Some(
                    states
                        .iter()
                        .map(|s| (s.component.to_string(), s.observed.to_owned()))
                        .collect(),
                ),
            ),
        };
        steps.push(Step {
            on: stimulus.to_owned(),
            expect: Some(Expect {
                state,
                states,
                rejected: Some(reaction.rejected.map(str::to_owned)),
                emits: Some(reaction.event_values()),
                emits_include: None,
            }),
        });
        at = reaction.next;
    }
    let trace = Trace {
        machine: model.id().to_owned(),
        config: model.parameters(),
        steps,
    };
    Ok((trace, fired))
}

#[cfg(test)]
mod tests;
