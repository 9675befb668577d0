//! A small engine for explicit, total state machines.
//!
//! A machine is a table of rows `(from, stimulus) -> outcome`, written as data. The same
//! rows are checked ([`check`]), executed ([`Table::step`]), exported ([`export`]) and
//! drawn ([`graph`]: DOT, Mermaid, JSON). The engine knows nothing of the domain it is used for.
//!
//! # Tutorial
//! A lamp with a switch and a fuse. States and stimuli are fieldless enums with strum
//! derives; the table is a `static` slice of rows, each citing the requirement it
//! implements. [`symbol_enum!`] declares such an enum and implements [`Symbol`].
//! [`rows!`] writes a table where one line answers several stimuli in one state alike.
//!
//! ```
//! use ucma_ha_fsm::{check, RowGuard, Machine, NoParameters, RowOutcome, Row, Table};
//! use strum::IntoStaticStr;
//!
//! ucma_ha_fsm::symbol_enum! {
//!     /// The lamp's states.
//!     enum Lamp { Off, On, Blown }
//! }
//! ucma_ha_fsm::symbol_enum! {
//!     /// What can happen to it.
//!     enum Input { Flip, Surge }
//! }
//!
//! /// The error of a refused stimulus.
//! #[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, strum::Display, IntoStaticStr)]
//! enum Refusal { NoPower }
//!
//! struct LampMachine;
//! impl Machine for LampMachine {
//!     const ID: &'static str = "lamp";
//!     type State = Lamp;
//!     type Stimulus = Input;
//!     type Effect = &'static str;
//!     type Event = String;
//!     type Error = Refusal;
//!     type Parameters = NoParameters;
//!     fn rows() -> &'static [Row<Self>] { &ROWS }
//!     fn initial(_: &NoParameters) -> Lamp { Lamp::Off }
//!     fn is_final(state: Lamp) -> bool { state == Lamp::Blown }
//!     fn raise(from: Lamp, to: Lamp, effect: &&'static str) -> String {
//!         format!("{effect}: {from} -> {to}")
//!     }
//! }
//!
//! static ROWS: [Row<LampMachine>; 6] = [
//!     Row::moves(Lamp::Off, Input::Flip, Lamp::On, &["lit"], &["L-1"]),
//!     Row::moves(Lamp::Off, Input::Surge, Lamp::Blown, &["blown"], &["L-2"]),
//!     Row::moves(Lamp::On, Input::Flip, Lamp::Off, &[], &["L-1"]),
//!     Row::moves(Lamp::On, Input::Surge, Lamp::Blown, &["blown"], &["L-2"]),
//!     Row::rejects(Lamp::Blown, Input::Flip, Refusal::NoPower, &["L-3"]),
//!     Row::ignores(Lamp::Blown, Input::Surge, &["L-3"]),
//! ];
//!
//! // Every rule holds: total, deterministic, every state and row reachable.
//! let report = check::check::<LampMachine>().expect("a well-formed table");
//! assert_eq!((report.states, report.stimuli, report.rows), (3, 2, 6));
//!
//! // Stepping is one look-up.
//! let table = Table::<LampMachine>::new(NoParameters {}).expect("total");
//! let lit = table.step(Lamp::Off, Input::Flip).expect("accepted");
//! assert_eq!(lit.to, Lamp::On);
//! assert_eq!(lit.events().collect::<Vec<_>>(), ["lit: Off -> On"]);
//! let refused = table.step(Lamp::Blown, Input::Flip).unwrap_err();
//! assert_eq!(refused.error, Refusal::NoPower);
//!
//! // A broken table is reported rule by rule.
//! let errors = check::check_rows::<LampMachine>(&ROWS[..5]).unwrap_err();
//! assert!(matches!(errors[0], check::TableError::Missing { state: "Blown", stimulus: "Surge", .. }));
//! ```
//!
//! # Limitations
//! - Parameter spaces must be small and finite: checks enumerate [`Parameters::all`].
//! - Vocabulary enums must have discriminants `0..COUNT` in order (checked).
//! - A table has at most 65 535 rows.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// What the exported macros name; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use strum as __ucma_ha_fsm_strum;
}

pub mod check;
pub mod explore;
pub mod export;
pub mod graph;
mod rows;
mod symbol;
mod table;

pub use check::{TableError, TableErrors, TableReport};
pub use symbol::Symbol;
pub use table::{
    Machine, NoParameters, Parameters, Rejected, Row, RowGuard, RowOutcome, Table, Transition,
};

#[doc(hidden)]
pub use strum;
