//! The shared machinery of the property tests: a weighted, state-aware stimulus strategy,
//! running a table along a generated run, and turning a failure into a trace file.
//!
//! A generated run is a parameter set and a list of choices. A choice picks among every
//! stimulus (so stray answers, refused calls and rare world events keep occurring), among
//! the moves (so runs go somewhere), or explores: new states and rows not yet fired in
//! this run, away from states on the way out such as Terminating (so deep states such as
//! Draining or a healed outage are reached and examined). Shrinking removes choices and turns them
//! into plain picks, whose stimulus does not depend on the state, which keeps shrunk runs
//! short and readable.

use fsm::{Machine, Parameters, Symbol, Table};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRng, TestRunner};
use ucma_ha::invariants::{self, Documented, Step};
use ucma_ha::Event;

use crate::traces;

/// The longest generated run.
pub const MAX_STEPS: usize = 64;

/// How a choice picks its stimulus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Among every stimulus (stray answers, refused calls, rare world events).
    Any,
    /// Among the stimuli that move the machine to a state that is not final, preferring
    /// states that are not on the way out (see `doomed`).
    Move,
    /// Towards what this run has not seen: an unvisited state not on the way out, then a
    /// row not fired yet, then any unvisited state (deep states such as Draining or a
    /// healed outage, and what happens there).
    Explore,
}

/// One generated decision.
#[derive(Debug, Clone)]
pub struct Choice {
    /// How to pick.
    pub mode: Mode,
    /// Which one.
    pub pick: Index,
}

/// A generated run: the parameter set (an index into `Parameters::all()`) and the choices.
pub type Plan = (usize, Vec<Choice>);

/// The strategy of runs over `parameter_sets` parameter sets.
pub fn plans(parameter_sets: usize, steps: std::ops::RangeInclusive<usize>) -> BoxedStrategy<Plan> {
    // Weights: a third plain picks, the rest moves, mostly exploring. Shrinking goes
    // towards plain picks, whose stimulus does not depend on the state.
    let mode = prop_oneof![
        35 => Just(Mode::Any),
        20 => Just(Mode::Move),
        45 => Just(Mode::Explore),
    ];
    let choice = (mode, any::<Index>()).prop_map(|(mode, pick)| Choice { mode, pick });
    (0..parameter_sets, prop::collection::vec(choice, steps)).boxed()
}

/// One observed step, owned.
#[derive(Debug, Clone)]
pub struct Observed<M: Machine> {
    /// The state before.
    pub from: M::State,
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state after.
    pub to: M::State,
    /// The error when rejected.
    pub rejected: Option<M::Error>,
    /// The events raised.
    pub events: Vec<Event>,
}

impl<M: Machine> Observed<M> {
    /// As an `invariants::Step`.
    pub fn step<'a>(&'a self, parameters: &'a M::Parameters) -> Step<'a, M> {
        Step {
            parameters,
            from: self.from,
            on: self.on,
            to: self.to,
            rejected: self.rejected,
            events: &self.events,
        }
    }
}

/// Steps `table` once.
pub fn step<M: Machine<Event = Event>>(
    table: &Table<M>,
    from: M::State,
    on: M::Stimulus,
) -> Observed<M> {
    match table.step(from, on) {
        Ok(transition) => Observed {
            from,
            on,
            to: transition.to,
            rejected: None,
            events: transition.events().collect(),
        },
        Err(rejected) => Observed {
            from,
            on,
            to: from,
            rejected: Some(rejected.error),
            events: Vec::new(),
        },
    }
}

/// Turns the choices into stimuli, in the states the table reaches.
pub fn interpret<M: Machine<Event = Event>>(
    table: &Table<M>,
    choices: &[Choice],
) -> Vec<Observed<M>> {
    let all: Vec<M::Stimulus> = M::Stimulus::all().collect();
    let doomed = doomed(table);
    let mut state = table.initial();
    let mut visited = vec![false; doomed.len()];
    visited[state.index()] = true;
    let mut fired = vec![false; table.rows().len()];
    let mut run = Vec::with_capacity(choices.len());
    for choice in choices {
        let at = state;
        // Which stimuli qualify, by what each does from here.
        let pick = |qualifies: &dyn Fn(M::Stimulus, M::State) -> bool| -> Vec<M::Stimulus> {
            all.iter()
                .copied()
                .filter(|&on| qualifies(on, table.row(at, on).target()))
                .collect()
        };
        let moves = |to: M::State| to != at && !M::is_final(to);
        let open = |to: M::State| !doomed[to.index()];
        let tiers: Vec<Vec<M::Stimulus>> = match choice.mode {
            Mode::Any => Vec::new(),
            Mode::Move => vec![
                pick(&|_, to| moves(to) && open(to)),
                pick(&|_, to| moves(to)),
            ],
            // Exploring: an unvisited state that is not on the way out; then a row this
            // run has not fired yet that stays here or goes to such a state; then any
            // unvisited state; then any move.
            Mode::Explore => vec![
                pick(&|_, to| moves(to) && open(to) && !visited[to.index()]),
                pick(&|on, to| (to == at || open(to)) && !fired[table.row_index(at, on)]),
                pick(&|_, to| moves(to) && !visited[to.index()]),
                pick(&|_, to| moves(to)),
            ],
        };
        let on = tiers
            .iter()
            .find(|candidates| !candidates.is_empty())
            .map_or(*choice.pick.get(&all), |candidates| {
                *choice.pick.get(candidates)
            });
        fired[table.row_index(at, on)] = true;
        let observed = step(table, at, on);
        state = observed.to;
        visited[state.index()] = true;
        run.push(observed);
    }
    run
}

/// For every state, whether it is on the way out: every state it can reach, other than
/// itself, is final or on the way out too (e.g. Terminating, which only completes).
fn doomed<M: Machine>(table: &Table<M>) -> Vec<bool> {
    let states: Vec<M::State> = M::State::all().collect();
    let mut doomed: Vec<bool> = states.iter().map(|&s| M::is_final(s)).collect();
    loop {
        let mut changed = false;
        for &state in &states {
            if doomed[state.index()] {
                continue;
            }
            let out = M::Stimulus::all().all(|on| {
                let to = table.row(state, on).target();
                to == state || doomed[to.index()]
            });
            if out {
                doomed[state.index()] = true;
                changed = true;
            }
        }
        if !changed {
            return doomed;
        }
    }
}

/// Every table of `M`, one per parameter set.
pub fn tables<M: Machine>() -> Vec<Table<M>> {
    M::Parameters::all()
        .into_iter()
        .map(|parameters| Table::new(parameters).expect("the model's tables compile"))
        .collect()
}

/// The configuration of the property tests: proptest's defaults (256 cases unless
/// `PROPTEST_CASES` says otherwise), no regression files (failures are kept as traces).
pub fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

/// A property that failed, shrunk, with its trace file.
#[derive(Debug)]
pub struct Failure {
    /// Why it failed.
    pub reason: String,
    /// The shrunk stimuli.
    pub stimuli: Vec<&'static str>,
    /// Where the trace file was written.
    pub trace: std::path::PathBuf,
}

/// Runs `property` on generated runs of `M` with `runner`; on failure writes the shrunk
/// run as the trace file `name.json`.
pub fn run_property<M, P>(name: &str, runner: &mut TestRunner, property: P) -> Result<(), Failure>
where
    M: Machine<Event = Event>,
    P: Fn(&M::Parameters, &[Observed<M>]) -> Result<(), String>,
{
    let tables = tables::<M>();
    let result = runner.run(&plans(tables.len(), 0..=MAX_STEPS), |(set, choices)| {
        let table = &tables[set];
        let run = interpret(table, &choices);
        property(table.parameters(), &run).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Abort(reason)) => Err(Failure {
            reason: format!("aborted: {reason}"),
            stimuli: Vec::new(),
            trace: std::path::PathBuf::new(),
        }),
        Err(TestError::Fail(reason, (set, choices))) => {
            let table = &tables[set];
            let stimuli: Vec<M::Stimulus> =
                interpret(table, &choices).iter().map(|o| o.on).collect();
            let trace = traces::write(name, table, &stimuli).expect("the trace file is written");
            Err(Failure {
                reason: reason.to_string(),
                stimuli: stimuli.iter().map(|on| on.name()).collect(),
                trace,
            })
        }
    }
}

/// Runs `property` with the configured case count and fails the test with the shrunk run
/// and the path of its trace file.
pub fn check<M, P>(name: &str, property: P)
where
    M: Machine<Event = Event>,
    P: Fn(&M::Parameters, &[Observed<M>]) -> Result<(), String>,
{
    let mut runner = TestRunner::new(config());
    if let Err(failure) = run_property::<M, P>(name, &mut runner, property) {
        panic!(
            "{name}: {}\nshrunk to {:?}\ntrace file: {} (reproduce with `ucma-ha replay`)",
            failure.reason,
            failure.stimuli,
            failure.trace.display()
        );
    }
}

/// Every documented property of `M` (`ucma_ha::invariants::check_step`) at every step.
pub fn documented<M: Documented>(
    parameters: &M::Parameters,
    run: &[Observed<M>],
) -> Result<(), String> {
    for (i, observed) in run.iter().enumerate() {
        invariants::check_step(&observed.step(parameters))
            .map_err(|violation| format!("step {i}: {violation}"))?;
    }
    Ok(())
}

/// Checks that the strategy, at the default case count and a fixed seed, fires every row
/// of `M`'s table: rare stimuli do occur.
pub fn fires_every_row<M: Machine<Event = Event>>() {
    let tables = tables::<M>();
    let mut fired = vec![false; M::rows().len()];
    let mut runner = TestRunner::new_with_rng(
        Config::with_cases(256),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let strategy = plans(tables.len(), 0..=MAX_STEPS);
    for _ in 0..256 {
        let (set, choices) = strategy.new_tree(&mut runner).expect("a plan").current();
        let table = &tables[set];
        for observed in interpret(table, &choices) {
            fired[table.row_index(observed.from, observed.on)] = true;
        }
    }
    let missed: Vec<String> = M::rows()
        .iter()
        .zip(&fired)
        .filter(|(_, fired)| !**fired)
        .map(|(row, _)| format!("{} {}", row.from, row.on))
        .collect();
    assert!(missed.is_empty(), "{}: rows never fired: {missed:?}", M::ID);
}

#[test]
fn the_case_count_follows_proptest_cases() {
    // CI's fuzz profile raises the count through the environment; the default is 256.
    let expected = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    assert_eq!(config().cases, expected);
}
