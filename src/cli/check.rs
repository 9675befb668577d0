//! `ucma-ha check`: table checks of every machine, printed as a table.

use std::time::Instant;

use clap::Args;
use fsm::{check, Machine};

use crate::catalog::{for_each_machine, MachineVisitor};
use crate::Event;

/// Arguments of `ucma-ha check`.
#[derive(Debug, Args)]
pub struct CheckArgs {}

/// One line of the result table.
struct Line {
    machine: &'static str,
    states: usize,
    stimuli: usize,
    rows: usize,
    errors: Vec<String>,
}

struct TableChecks;

impl MachineVisitor for TableChecks {
    type Output = Line;
    fn visit<M: Machine<Event = Event>>(&mut self) -> Line {
        use strum::EnumCount;
        Line {
            machine: M::ID,
            states: M::State::COUNT,
            stimuli: M::Stimulus::COUNT,
            rows: M::rows().len(),
            errors: match check::check::<M>() {
                Ok(_) => Vec::new(),
                Err(errors) => errors.iter().map(ToString::to_string).collect(),
            },
        }
    }
}

/// Runs the checks and prints the table; exit 1 when any machine fails.
pub fn run(_: &CheckArgs) -> u8 {
    let started = Instant::now();
    let lines = for_each_machine(&mut TableChecks);
    println!(
        "{:<24} {:>6} {:>8} {:>5}  result",
        "machine", "states", "stimuli", "rows"
    );
    let mut failed = false;
    for line in &lines {
        let result = if line.errors.is_empty() {
            "ok"
        } else {
            "FAILED"
        };
        println!(
            "{:<24} {:>6} {:>8} {:>5}  {}",
            line.machine, line.states, line.stimuli, line.rows, result
        );
        for error in &line.errors {
            println!("    {error}");
            failed = true;
        }
    }
    println!(
        "table checks: totality, determinism, reachable states, live rows, citations ({} ms)",
        started.elapsed().as_millis()
    );
    if failed {
        super::FAILED
    } else {
        super::SUCCESS
    }
}
