//! A component table with its types erased: names, cells and events by index.

use fsm::{Machine, RowOutcome, Symbol, Table};

use super::{Cell, DeliveryOutcome, NONE};
use crate::events::Event;

/// A component table with its types erased: names, cells and events by index.
pub(crate) trait Part: Send + Sync {
    fn machine(&self) -> &'static str;
    fn states(&self) -> usize;
    fn stimuli(&self) -> usize;
    fn initial(&self) -> u8;
    fn state_index(&self, name: &str) -> Option<u8>;
    fn stimulus_index(&self, name: &str) -> Option<u8>;
    fn state_name(&self, state: u8) -> &'static str;
    fn observed(&self, state: u8) -> &'static str;
    fn cell(&self, state: u8, stimulus: u8) -> Cell;
    fn events(&self, state: u8, stimulus: u8, out: &mut Vec<Event>);
}

fn nth<S: Symbol>(index: u8) -> Option<S> {
    S::all().nth(usize::from(index))
}

pub(super) fn small(index: usize) -> u8 {
    u8::try_from(index).unwrap_or(NONE)
}

impl<M: Machine<Event = Event>> Part for Table<M> {
    fn machine(&self) -> &'static str {
        M::ID
    }
    fn states(&self) -> usize {
        <M::State as strum::EnumCount>::COUNT
    }
    fn stimuli(&self) -> usize {
        <M::Stimulus as strum::EnumCount>::COUNT
    }
    fn initial(&self) -> u8 {
        small(Table::initial(self).index())
    }
    fn state_index(&self, name: &str) -> Option<u8> {
        M::State::parse(name).map(|s| small(s.index()))
    }
    fn stimulus_index(&self, name: &str) -> Option<u8> {
        M::Stimulus::parse(name).map(|s| small(s.index()))
    }
    fn state_name(&self, state: u8) -> &'static str {
        nth::<M::State>(state).map_or("?", Symbol::name)
    }
    fn observed(&self, state: u8) -> &'static str {
        nth::<M::State>(state).map_or("?", M::observed)
    }
    fn cell(&self, state: u8, stimulus: u8) -> Cell {
        let (Some(from), Some(on)) = (nth::<M::State>(state), nth::<M::Stimulus>(stimulus)) else {
            return Cell {
                outcome: DeliveryOutcome::Ignored,
                to: state,
                row: u16::MAX,
                error: "",
            };
        };
        let row = self.row_index(from, on);
        let row16 = u16::try_from(row).unwrap_or(u16::MAX);
        match self.rows()[row].outcome {
            RowOutcome::Move { to, .. } => Cell {
                outcome: DeliveryOutcome::Moved,
                to: small(to.index()),
                row: row16,
                error: "",
            },
            RowOutcome::Ignore => Cell {
                outcome: DeliveryOutcome::Ignored,
                to: state,
                row: row16,
                error: "",
            },
            RowOutcome::Reject(error) => Cell {
                outcome: DeliveryOutcome::Rejected,
                to: state,
                row: row16,
                error: error.into(),
            },
        }
    }
    fn events(&self, state: u8, stimulus: u8, out: &mut Vec<Event>) {
        if let (Some(from), Some(on)) = (nth::<M::State>(state), nth::<M::Stimulus>(stimulus)) {
            if let Ok(transition) = self.step(from, on) {
                out.extend(transition.events());
            }
        }
    }
}
