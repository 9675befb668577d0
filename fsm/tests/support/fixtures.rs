//! Small tables for the diagram tests and the `graph_samples` example: a door (golden
//! files) and a table whose names hold every character the writers must escape.

use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr};
use ucma_ha_fsm::{Machine, Parameters, Row, RowGuard};

ucma_ha_fsm::symbol_enum! {
    /// Door states.
    pub enum DoorState {
        Closed,
        Open,
        Locked,
        Broken,
    }
}
ucma_ha_fsm::symbol_enum! {
    /// Door stimuli.
    pub enum DoorInput {
        Push,
        Pull,
        Lock,
        Unlock,
        Kick,
    }
}

/// Door errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Display, IntoStaticStr)]
pub enum DoorError {
    Jammed,
}

/// Whether the door has a spring that closes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorParameters {
    pub spring: bool,
}
impl Parameters for DoorParameters {
    fn all() -> Vec<Self> {
        vec![
            DoorParameters { spring: false },
            DoorParameters { spring: true },
        ]
    }
}

/// A door, id `door`.
pub struct Door;
impl Machine for Door {
    const ID: &'static str = "door";
    type State = DoorState;
    type Stimulus = DoorInput;
    type Effect = &'static str;
    type Event = String;
    type Error = DoorError;
    type Parameters = DoorParameters;
    fn rows() -> &'static [Row<Self>] {
        &DOOR_ROWS
    }
    fn initial(_: &DoorParameters) -> DoorState {
        DoorState::Closed
    }
    fn is_final(state: DoorState) -> bool {
        state == DoorState::Broken
    }
    fn raise(from: DoorState, to: DoorState, effect: &&'static str) -> String {
        format!("{effect}: {from} -> {to}")
    }
}

const SPRING: RowGuard<DoorParameters> = RowGuard::new("spring", |p| p.spring);
const NO_SPRING: RowGuard<DoorParameters> = RowGuard::new("no spring", |p| !p.spring);

use DoorInput::*;
use DoorState::*;
type D = Row<Door>;
static DOOR_ROWS: [D; 20] = [
    D::moves(Closed, Push, Open, &["creak"], &["D-1"]),
    D::ignores(Closed, Pull, &["D-1"]),
    D::moves(Closed, Lock, Locked, &["click"], &["D-2"]),
    D::ignores(Closed, Unlock, &["D-2"]),
    D::moves(Closed, Kick, Broken, &["crash"], &["D-3"]),
    D::ignores(Open, Push, &["D-1"]),
    D::moves(Open, Pull, Closed, &[], &["D-1"]).when(NO_SPRING),
    D::ignores(Open, Pull, &["D-1", "D-4"]).when(SPRING),
    D::rejects(Open, Lock, DoorError::Jammed, &["D-2"]),
    D::ignores(Open, Unlock, &["D-2"]),
    D::moves(Open, Kick, Closed, &["slam"], &["D-3"]).when(NO_SPRING),
    D::moves(Open, Kick, Closed, &["slam"], &["D-3", "D-4"]).when(SPRING),
    D::rejects(Locked, Push, DoorError::Jammed, &["D-2"]),
    D::rejects(Locked, Pull, DoorError::Jammed, &["D-2"]),
    D::moves(Locked, Lock, Locked, &[], &["D-2"]),
    D::moves(Locked, Unlock, Closed, &["click"], &["D-2"]),
    D::moves(Locked, Kick, Broken, &["crash"], &["D-3"]),
    D::ignores(Broken, Push, &["D-3"]),
    D::rejects(Broken, Lock, DoorError::Jammed, &["D-3"]),
    D::ignores(Broken, Kick, &["D-3"]),
];

ucma_ha_fsm::symbol_enum! {
    /// States whose names need escaping in every output language.
    pub enum Odd {
        #[strum(serialize = "Say \"hi\"")]
        Quoted,
        #[strum(serialize = "C:\\dir\\")]
        Backslashed,
        #[strum(serialize = "two\nlines")]
        TwoLines,
        #[strum(serialize = "a;b <i>c</i> & d %% e #59; #quot;")]
        Markup,
        Plain,
    }
}
ucma_ha_fsm::symbol_enum! {
    /// Stimuli whose names need escaping.
    pub enum OddInput {
        #[strum(serialize = "go \"now\"")]
        Go,
        #[strum(serialize = "back\\slash")]
        Back,
        #[strum(serialize = "x;y")]
        Semicolon,
        #[strum(serialize = "<b>bold</b> & &lt;")]
        Html,
        #[strum(serialize = "#name; and #123;")]
        Entity,
        #[strum(serialize = "a: b: [c] (e)")]
        Punctuation,
        #[strum(serialize = "line\nbreak")]
        Newline,
    }
}

/// The odd table's error: its name needs escaping too.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Display, IntoStaticStr)]
pub enum OddError {
    #[strum(serialize = "No \"way\"; <never>")]
    Refused,
}

/// A machine with odd names, id `odd`.
pub struct OddMachine;
impl Machine for OddMachine {
    const ID: &'static str = "odd \"names\"";
    type State = Odd;
    type Stimulus = OddInput;
    type Effect = &'static str;
    type Event = String;
    type Error = OddError;
    type Parameters = ucma_ha_fsm::NoParameters;
    fn rows() -> &'static [Row<Self>] {
        &ODD_ROWS
    }
    fn initial(_: &ucma_ha_fsm::NoParameters) -> Odd {
        Odd::Quoted
    }
    fn is_final(state: Odd) -> bool {
        state == Odd::Plain
    }
    fn raise(from: Odd, to: Odd, effect: &&'static str) -> String {
        format!("{effect}: {from} -> {to}")
    }
}

/// Every stimulus moves `from` to `to`, except in `Plain` where all are rejected.
const fn odd_rows(from: Odd, to: Odd) -> [Row<OddMachine>; 7] {
    [
        Row::moves(from, OddInput::Go, to, &["say \"x\""], &["O-1"]),
        Row::moves(from, OddInput::Back, to, &["\\"], &["O-2"]),
        Row::moves(from, OddInput::Semicolon, to, &[";"], &["O-3"]),
        Row::moves(from, OddInput::Html, to, &["<br>"], &["O-4"]),
        Row::moves(from, OddInput::Entity, to, &["#lt;"], &["O-5"]),
        Row::moves(from, OddInput::Punctuation, to, &["{d}: [x]"], &["O-6"]),
        Row::moves(from, OddInput::Newline, to, &["\n"], &["O-7"]),
    ]
}
const fn odd_rejections() -> [Row<OddMachine>; 7] {
    let mut rows = odd_rows(Odd::Plain, Odd::Plain);
    let mut i = 0;
    while i < rows.len() {
        rows[i] = Row::rejects(Odd::Plain, rows[i].on, OddError::Refused, &["O-8"]);
        i += 1;
    }
    rows
}

static ODD_ROWS: [Row<OddMachine>; 35] = {
    let chain = [
        odd_rows(Odd::Quoted, Odd::Backslashed),
        odd_rows(Odd::Backslashed, Odd::TwoLines),
        odd_rows(Odd::TwoLines, Odd::Markup),
        odd_rows(Odd::Markup, Odd::Plain),
        odd_rejections(),
    ];
    let mut rows = [chain[0][0]; 35];
    let mut i = 0;
    while i < 35 {
        rows[i] = chain[i / 7][i % 7];
        i += 1;
    }
    rows
};

/// How the fixtures' effects read on edges: the effect's text itself.
pub fn effect_text(effect: &&'static str) -> Option<String> {
    Some((*effect).to_owned())
}
