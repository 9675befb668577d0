//! The exhaustive check of the system's properties ([`PROPERTIES`]): explores the reachable
//! graph and decides every property on it, with confirmed counterexamples.
//!
//! - *Safety* properties are judged on every transition (every state x every stimulus),
//!   with the macro-step's deliveries in view, or on every state. A violation comes with a
//!   shortest path from the initial state.
//! - The *liveness* property is decided on strongly connected components: a fair run that
//!   stays forever where the goal does not hold is a counterexample, printed as a path to
//!   the component plus a cycle in it ([`fsm::explore::Exploration::fair_trap`]).
//! - Every property also has a *reachability* ("sometimes") check: the situation its
//!   premise talks about must occur, or the property is reported vacuous.
//!
//! Counterexamples are trace files (docs/CONTRACT.md section 4) for machine `system`: replaying
//! the stimuli from the initial state reaches the violation; the last step lists the
//! states of every component.
//!
//! # Engines
//! With symmetry on, a system that compiles ([`CompiledSystem`], [`Layout::Counts`]) is
//! checked on the compact search (`compact.rs`: states and parents, no stored edges, every
//! property judged while a state is expanded, successors recomputed for liveness). The
//! stored graph ([`fsm::explore::explore`]) serves the rest and [`check_uncompiled`], the
//! reference the compact search is tested against (`tests/compact.rs`): the same states,
//! numbering, verdicts and counterexamples.
//!
//! # Cut searches
//! Under a limit ([`Limits`]) the explored graph has a frontier: states stored but never
//! expanded. A transition property is judged on every stored state's macro-steps (each one
//! really computed), so a violation met before the cut is real. `no_deadlock`'s "nothing
//! but the world moves it" and the liveness property's traps are judged only on expanded
//! states ([`Exploration::expanded`]); what the explored part cannot decide is
//! [`Status::Unknown`].
//!
//! Every counterexample is confirmed ([`confirm()`], from `verdicts.rs`, which turns
//! what a search found into verdicts) before it becomes a
//! [`Status::Violated`]: stepped through [`System::step`] and judged again. One that fails
//! is a checker fault: the verdict is [`Status::Unknown`] and the fault is listed in
//! [`Report::internal_errors`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fsm::explore::{explore, Completeness, Exploration, FastHash, Lasso, Limits, SearchProgress};
use fsm::Symbol;
use petgraph::graph::NodeIndex;

use crate::system::compiled::{CompiledSystem, Layout};
use crate::system::properties::{Judgement, MacroStep, Property, PROPERTIES};
use crate::system::ComponentStates;
use crate::system::{Delivery, Observer, Packed, System, SystemConfig, SystemStimulus};
use crate::trace::{Expect, Step, Trace};

mod compact;
mod confirm;
pub mod lanes;
mod verdicts;

pub use confirm::{close_cycle, confirm, Refuted, Witness};
use verdicts::{verdicts, Confirmer};

/// How a property fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It holds in every reachable state and its premise occurs.
    Held,
    /// It is violated; a shortest counterexample.
    Violated(Box<Counterexample>),
    /// It holds, but the situation it talks about never occurs.
    Vacuous,
    /// No violation was found, but the exploration was not exhaustive.
    Unknown,
}

/// A counterexample: a trace file and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterexample {
    /// The trace (docs/CONTRACT.md section 4); replaying it reaches the violation.
    pub trace: Trace,
    /// What goes wrong, in words.
    pub summary: String,
}

/// The verdict on one property.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The property.
    pub property: &'static Property,
    /// The outcome.
    pub status: Status,
}

/// The result of checking one system configuration.
#[derive(Debug, Clone)]
pub struct Report {
    /// The configuration.
    pub config: SystemConfig,
    /// Whether symmetry reduction was on.
    pub symmetry: bool,
    /// Reachable states stored.
    pub states: usize,
    /// Transitions stored (steps that change the state).
    pub transitions: usize,
    /// The longest shortest path.
    pub depth: usize,
    /// Whether the exploration was exhaustive.
    pub completeness: Completeness,
    /// The exploration's estimate of the bytes its tables held
    /// ([`Exploration::bytes`]).
    pub memory: usize,
    /// One verdict per property, in [`PROPERTIES`] order.
    pub verdicts: Vec<Verdict>,
    /// Wall-clock time of the check.
    pub elapsed: Duration,
    /// For each wiring row, whether it fired in some reachable macro-step.
    pub wiring_fired: Vec<bool>,
    /// Counterexamples the checker built but could not confirm, in words: a fault of the
    /// checker, never shown as a violation (the property is then [`Status::Unknown`]).
    pub internal_errors: Vec<String>,
}

impl Report {
    /// Whether the check passed: exhaustive, every property held.
    pub fn passed(&self) -> bool {
        self.completeness == Completeness::Complete
            && self.verdicts.iter().all(|v| v.status == Status::Held)
    }

    /// The verdict on a property by name.
    pub fn verdict(&self, name: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.property.name == name)
    }
}

/// Replays stimuli from the initial state and writes the trace; the steps at the indices
/// in `expect_at` list every component's state and whether the step was rejected.
pub fn trace(system: &System, stimuli: &[SystemStimulus], expect_at: &[usize]) -> Trace {
    let mut state = system.initial();
    let mut steps = Vec::with_capacity(stimuli.len());
    for (i, &stimulus) in stimuli.iter().enumerate() {
        let result = system.step(state, stimulus);
        state = result.next;
        let expect = expect_at.contains(&i).then(|| Expect {
            states: Some(
                system
                    .state_names(state)
                    .into_iter()
                    .map(|name| (name.component.into_owned(), name.observed.to_owned()))
                    .collect(),
            ),
            rejected: Some(result.rejected.map(str::to_owned)),
            ..Expect::default()
        });
        steps.push(Step {
            on: stimulus.name().to_owned(),
            expect,
        });
    }
    Trace {
        machine: crate::system::ID.to_owned(),
        config: serde_json::to_value(system.config()).unwrap_or(serde_json::Value::Null),
        steps,
    }
}

/// Replays a trace's stimuli and tells whether its last step violates the transition
/// property `name` (the check a counterexample must pass).
///
/// # Returns
/// `None` when `name` is not a transition property or a stimulus name is unknown.
#[cfg(test)]
pub(crate) fn last_step_violates(system: &System, name: &str, trace: &Trace) -> Option<bool> {
    let (_, judge) =
        crate::system::properties::step_properties().find(|(property, _)| property.name == name)?;
    let stimuli: Vec<SystemStimulus> = trace
        .steps
        .iter()
        .map(|step| SystemStimulus::parse(&step.on))
        .collect::<Option<_>>()?;
    let (last, prefix) = stimuli.split_last()?;
    let mut state = system.initial();
    for &stimulus in prefix {
        state = system.step(state, stimulus).next;
    }
    let mut log = Vec::new();
    let result = system.step_observed(state, *last, &mut log);
    let edge = MacroStep {
        system,
        before: state,
        stimulus: *last,
        result: &result,
        log: &log,
    };
    Some(judge(&edge).violated)
}

/// Explores the system and decides every property.
///
/// Without symmetry the states are counted by the numbered search and the verdicts come
/// from the symmetric check, cross-checked ([`lanes::check`]); when that search cannot
/// vouch for the system ([`lanes::Fallback`]), and with symmetry, the search runs on the
/// [`CompiledSystem`] (counts with symmetry on, lanes without)
/// when the system compiles, else on the system's own macro-steps
/// ([`check_uncompiled`]); all give the same counts and verdicts. With symmetry on it is
/// the compact search, which stores no edges (see the module docs), else the stored graph.
/// Transition properties are judged once per distinct *situation* of a transition (the
/// stimulus, the shared part, the pairs of the views and the free view's pair): with a
/// pair-local wiring every delivery, and so every judgement, is a function of those.
///
/// # Arguments
/// * `system` - the system (possibly a mutant).
/// * `limits` - bounds and symmetry. `max_memory` bounds the whole check: the
///   exploration gets half of it ([`explore_limits`]), the rest is for deciding the
///   properties on the graph (the liveness decomposition builds a subgraph that can be as
///   large as the graph's own edges and nodes).
/// * `progress` - called periodically during exploration.
///
/// # Returns
/// A [`Report`] with one verdict per property.
///
/// # Complexity
/// Exploration is O(states x stimuli) compiled steps (macro-steps when not compiled);
/// transition properties replay one macro-step with a log per distinct situation;
/// liveness is linear in the graph per refinement round.
pub fn check(system: &System, limits: Limits, mut progress: impl FnMut(SearchProgress)) -> Report {
    if !limits.symmetry {
        if let Ok(report) = lanes::check(system, limits, &mut progress) {
            return report;
        }
    }
    check_graph(system, limits, progress)
}

/// [`check`] on the explored graph of the [`CompiledSystem`] (counts with symmetry on,
/// lanes without), or of the system itself when it does not compile: what `check` does
/// with symmetry, and without it when the numbered search cannot vouch for the system.
pub(crate) fn check_graph(
    system: &System,
    limits: Limits,
    progress: impl FnMut(SearchProgress),
) -> Report {
    let layout = if limits.symmetry {
        Layout::Counts
    } else {
        Layout::Lanes
    };
    match CompiledSystem::new(system, layout) {
        Ok(compiled) => {
            let started = Instant::now();
            let mut progress = progress;
            if let Some(report) = compact::check(system, &compiled, limits, &mut progress, started)
            {
                return report;
            }
            let graph = explore(&compiled, explore_limits(limits), progress);
            decide(system, limits, &graph, |key| compiled.decode(key), started)
        }
        Err(_) => check_uncompiled(system, limits, progress),
    }
}

/// [`check`] on the system's own macro-steps, every transition judged from its own
/// delivery log: what `check` does when the system does not compile, and the reference
/// the compiled check is tested against.
pub fn check_uncompiled(
    system: &System,
    limits: Limits,
    progress: impl FnMut(SearchProgress),
) -> Report {
    let started = Instant::now();
    let graph = explore(system, explore_limits(limits), progress);
    decide(system, limits, &graph, |state| state, started)
}

/// The exploration's share of a check's limits: half of `max_memory`, the rest left for
/// deciding the properties on the explored graph.
pub fn explore_limits(limits: Limits) -> Limits {
    Limits {
        max_memory: limits.max_memory / 2,
        ..limits
    }
}

/// Everything a transition's judgements depend on when the wiring is pair-local: the
/// stimulus, the shared part, the pairs of the views other than the free one, and the
/// free view's pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Situation {
    stimulus: u8,
    shared: u64,
    others: u64,
    free: u8,
}

/// What one transition showed: per step property (bit = its position in [`PROPERTIES`]),
/// premise and violation bits;
/// whether it diverged. (The wiring rows it fired are added to the log's, which
/// accumulate over the whole check: a situation seen again fires nothing new.)
#[derive(Debug, Clone, Copy)]
struct Seen {
    premise: u64,
    violated: u64,
    diverged: bool,
}

/// The situation of a state's transitions, but for the stimulus: O(views), once per
/// state.
fn situation(system: &System, state: Packed) -> Situation {
    let mut held = [0u16; 64];
    let mut present = 0u64;
    for view in 0..system.views() {
        let pair = system.view_pair(state, view);
        held[usize::from(pair)] += 1;
        present |= 1 << pair;
    }
    let accepting = (0..64u8)
        .filter(|&pair| present >> pair & 1 == 1)
        .find(|&pair| system.accepts_subscribe(pair & 0b111));
    let free = accepting.or_else(|| (0..64u8).find(|&pair| present >> pair & 1 == 1));
    let mut others = present;
    if let Some(pair) = free {
        if held[usize::from(pair)] == 1 {
            others &= !(1 << pair);
        }
    }
    Situation {
        stimulus: 0,
        shared: state.0[0] & ((1 << 20) - 1),
        others,
        free: free.unwrap_or(u8::MAX),
    }
}

fn look(system: &System, before: Packed, stimulus: SystemStimulus, log: &mut Log) -> Seen {
    log.deliveries.clear();
    let result = system.step_observed(before, stimulus, log);
    let edge = MacroStep {
        system,
        before,
        stimulus,
        result: &result,
        log: &log.deliveries,
    };
    let mut seen = Seen {
        premise: 0,
        violated: 0,
        diverged: result.diverged,
    };
    for (p, property) in PROPERTIES.iter().enumerate() {
        if let Judgement::Step(judge) = property.judgement {
            let found = judge(&edge);
            seen.premise |= u64::from(found.premise) << p;
            seen.violated |= u64::from(found.violated) << p;
        }
    }
    seen
}

/// What a search found, property by property (indices in [`PROPERTIES`] order), with
/// states named by their number in breadth-first order: everything the verdicts need
/// besides shortest paths.
struct Findings {
    /// Per transition property, its first violation: (state, stimulus).
    first: Vec<Option<(usize, SystemStimulus)>>,
    /// Per transition property, whether its premise occurred.
    premise: Vec<bool>,
    /// The first macro-step that does not settle.
    diverged: Option<(usize, SystemStimulus)>,
    /// Per deadlock property, the first expanded state that only the world moves and
    /// that is not final.
    stuck: Vec<Option<usize>>,
    /// Per deadlock property, whether some stored state is final.
    finals: Vec<bool>,
    /// Per liveness property, whether some stored state is in its region.
    witnessed: Vec<bool>,
    /// Per liveness property, a fair trap in its region as a lasso.
    lassos: Vec<Option<Lasso<SystemStimulus>>>,
}

impl Findings {
    fn new() -> Self {
        let n = PROPERTIES.len();
        Findings {
            first: vec![None; n],
            premise: vec![false; n],
            diverged: None,
            stuck: vec![None; n],
            finals: vec![false; n],
            witnessed: vec![false; n],
            lassos: vec![None; n],
        }
    }

    /// Adds what one state's steps showed (`at`: its number; `seen`: by stimulus).
    fn add_steps(&mut self, at: usize, seen: impl Iterator<Item = (SystemStimulus, Seen)>) {
        for (stimulus, found) in seen {
            if found.diverged && self.diverged.is_none() {
                self.diverged = Some((at, stimulus));
            }
            for (p, slot) in self.first.iter_mut().enumerate() {
                self.premise[p] |= found.premise >> p & 1 == 1;
                if found.violated >> p & 1 == 1 && slot.is_none() {
                    *slot = Some((at, stimulus));
                }
            }
        }
    }
}

/// Decides every property on an explored graph whose nodes decode to system states.
fn decide<S: Copy + Eq + std::hash::Hash + std::fmt::Debug>(
    system: &System,
    limits: Limits,
    graph: &Exploration<S, SystemStimulus>,
    state_of: impl Fn(S) -> Packed,
    started: Instant,
) -> Report {
    let memo = system.pair_local();
    let mut findings = Findings::new();
    // Step properties and divergence, in breadth-first order.
    let mut log = Log::new(system);
    let mut seen: HashMap<Situation, Seen, FastHash> = HashMap::with_hasher(FastHash);
    for node in graph.graph.node_indices() {
        let before = state_of(graph.graph[node]);
        let here = if memo {
            situation(system, before)
        } else {
            Situation {
                stimulus: 0,
                shared: 0,
                others: 0,
                free: 0,
            }
        };
        let steps = System::stimuli().iter().map(|&stimulus| {
            let found = if memo {
                let situation = Situation {
                    stimulus: stimulus.index() as u8,
                    ..here
                };
                *seen
                    .entry(situation)
                    .or_insert_with(|| look(system, before, stimulus, &mut log))
            } else {
                look(system, before, stimulus, &mut log)
            };
            (stimulus, found)
        });
        findings.add_steps(node.index(), steps);
    }
    for (p, property) in PROPERTIES.iter().enumerate() {
        match property.judgement {
            Judgement::Step(_) => {}
            Judgement::Settles { is_final } => {
                for node in graph.graph.node_indices() {
                    let is_final =
                        is_final(&ComponentStates::new(system, state_of(graph.graph[node])));
                    findings.finals[p] |= is_final;
                    if !graph.expanded(node) {
                        continue;
                    }
                    let moves = graph
                        .graph
                        .edges(node)
                        .any(|edge| !edge.weight().is_world_toggle());
                    if !moves && !is_final {
                        findings.stuck[p] = Some(node.index());
                        break;
                    }
                }
            }
            Judgement::Eventually(liveness) => {
                let region = |node: NodeIndex| {
                    let states = ComponentStates::new(system, state_of(graph.graph[node]));
                    (liveness.premise)(&states) && (liveness.pending)(&states)
                };
                findings.witnessed[p] = graph.graph.node_indices().any(region);
                findings.lassos[p] = graph.fair_trap(
                    region,
                    |s| !(liveness.excluded)(*s),
                    |s| (liveness.fair)(*s),
                );
            }
        }
    }
    let mut confirmer = Confirmer::new(system, limits.symmetry);
    let complete = graph.completeness == Completeness::Complete;
    let verdicts = verdicts(&mut confirmer, findings, complete, |at| {
        graph.path(NodeIndex::new(at))
    });
    Report {
        config: *system.config(),
        symmetry: limits.symmetry,
        states: graph.graph.node_count(),
        transitions: graph.graph.edge_count(),
        depth: graph.max_depth(),
        completeness: graph.completeness,
        memory: graph.bytes(),
        verdicts,
        elapsed: started.elapsed(),
        wiring_fired: log.wired,
        internal_errors: confirmer.internal_errors,
    }
}

/// The deliveries of one macro-step and the wiring rows fired so far.
struct Log {
    deliveries: Vec<Delivery>,
    wired: Vec<bool>,
}

impl Log {
    fn new(system: &System) -> Self {
        Log {
            deliveries: Vec::with_capacity(64),
            wired: vec![false; system.wiring_rows().len()],
        }
    }
}

impl Observer for Log {
    fn delivered(&mut self, delivery: &Delivery) {
        self.deliveries.push(*delivery);
    }
    fn wired(&mut self, row: usize) {
        if let Some(fired) = self.wired.get_mut(row) {
            *fired = true;
        }
    }
}
