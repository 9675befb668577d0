//! The breadth-first search, its limits, and liveness under fairness. This file holds
//! the models the tests share; the tests are grouped by topic:
//! - `search`: the breadth-first search, its limits and its memory estimate;
//! - `fairness`: fair traps and lassos;
//! - `compact_search`: the compact search against the stored graph's.

mod compact_search;
mod fairness;
mod search;

use petgraph::visit::EdgeRef;

use super::*;

/// `Triple` and `Cube`, shared with the speed layers' tests (`bench/tests/reach.rs`).
mod models;
use models::{Cube, Triple};

/// A ring 0 -> 1 -> 2 -> 0 on `Step`, plus `Exit` from 2 to 3 (absorbing).
struct Ring {
    exit_from: u8,
}
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Act {
    Step,
    Exit,
}
impl Model for Ring {
    type State = u8;
    type Action = Act;
    fn initial(&self) -> u8 {
        0
    }
    fn actions(&self) -> &[Act] {
        &[Act::Step, Act::Exit]
    }
    fn next(&self, s: &u8, action: Act) -> u8 {
        match (action, *s) {
            (Act::Step, 3) => 3,
            (Act::Step, s) => (s + 1) % 3,
            (Act::Exit, s) if s == self.exit_from => 3,
            (Act::Exit, s) => s,
        }
    }
}
