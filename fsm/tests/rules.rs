//! One test per table rule, on a toy machine: a door that can be opened, closed and
//! locked. Each test breaks the table in exactly one way.

use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr};
use ucma_ha_fsm::check::{check_rows, TableError};
use ucma_ha_fsm::{Machine, Parameters, Row, RowGuard, RowOutcome, Table};

ucma_ha_fsm::symbol_enum! {
    enum Door {
        Closed,
        Open,
        Locked,
    }
}
ucma_ha_fsm::symbol_enum! {
    enum Push {
        Open,
        Close,
        Lock,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Display, IntoStaticStr)]
enum Refusal {
    Locked,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Lockable {
    has_lock: bool,
}
impl Parameters for Lockable {
    fn all() -> Vec<Self> {
        vec![Lockable { has_lock: false }, Lockable { has_lock: true }]
    }
}

struct DoorMachine;
impl Machine for DoorMachine {
    const ID: &'static str = "door";
    type State = Door;
    type Stimulus = Push;
    type Effect = ();
    type Event = ();
    type Error = Refusal;
    type Parameters = Lockable;
    fn rows() -> &'static [Row<Self>] {
        &ROWS
    }
    fn initial(_: &Lockable) -> Door {
        Door::Closed
    }
    fn is_final(_: Door) -> bool {
        false
    }
    fn raise(_: Door, _: Door, _: &()) {}
}

const HAS_LOCK: RowGuard<Lockable> = RowGuard::new("has_lock", |p| p.has_lock);
const NO_LOCK: RowGuard<Lockable> = RowGuard::new("!has_lock", |p| !p.has_lock);
type R = Row<DoorMachine>;

static ROWS: [R; 10] = [
    R::moves(Door::Closed, Push::Open, Door::Open, &[], &["D-1"]),
    R::ignores(Door::Closed, Push::Close, &["D-1"]),
    R::moves(Door::Closed, Push::Lock, Door::Locked, &[()], &["D-2"]).when(HAS_LOCK),
    R::ignores(Door::Closed, Push::Lock, &["D-2"]).when(NO_LOCK),
    R::ignores(Door::Open, Push::Open, &["D-1"]),
    R::moves(Door::Open, Push::Close, Door::Closed, &[], &["D-1"]),
    R::ignores(Door::Open, Push::Lock, &["D-2"]),
    R::rejects(Door::Locked, Push::Open, Refusal::Locked, &["D-3"]),
    R::ignores(Door::Locked, Push::Close, &["D-3"]),
    R::ignores(Door::Locked, Push::Lock, &["D-3"]),
];

#[test]
fn the_toy_table_is_well_formed() {
    let report = check_rows::<DoorMachine>(&ROWS).expect("well formed");
    assert_eq!(
        (
            report.states,
            report.stimuli,
            report.rows,
            report.parameter_sets
        ),
        (3, 3, 10, 2)
    );
}

#[test]
fn rule_missing_pair() {
    let rows: Vec<R> = ROWS
        .iter()
        .copied()
        .filter(|r| !(r.from == Door::Open && r.on == Push::Lock))
        .collect();
    let errors = check_rows::<DoorMachine>(&rows).expect_err("missing");
    assert_eq!(errors.len(), 2, "once per parameter set: {errors:#?}");
    assert!(errors.iter().all(|e| matches!(
        e,
        TableError::Missing {
            state: "Open",
            stimulus: "Lock",
            ..
        }
    )));
}

#[test]
fn rule_missing_pair_under_one_parameter_set_only() {
    let rows: Vec<R> = ROWS
        .iter()
        .copied()
        .filter(|r| r.when.label != "!has_lock")
        .collect();
    let errors = check_rows::<DoorMachine>(&rows).expect_err("missing without a lock");
    assert_eq!(
        errors,
        [TableError::Missing {
            machine: "door",
            state: "Closed",
            stimulus: "Lock",
            parameters: r#"{"has_lock":false}"#.into()
        }]
    );
}

#[test]
fn rule_duplicate_pair() {
    let mut rows = ROWS.to_vec();
    rows.push(R::ignores(Door::Open, Push::Open, &["D-1"]));
    let errors = check_rows::<DoorMachine>(&rows).expect_err("duplicate");
    assert!(
        errors.iter().all(|e| matches!(
            e,
            TableError::Duplicate {
                first: 4,
                second: 10,
                ..
            }
        )),
        "{errors:#?}"
    );
}

#[test]
fn rule_overlapping_guards_are_duplicates() {
    let mut rows = ROWS.to_vec();
    rows[3] = rows[3].when(RowGuard::new("", |_| true));
    let errors = check_rows::<DoorMachine>(&rows).expect_err("both rows apply with a lock");
    assert_eq!(errors.len(), 1);
    assert!(matches!(
        errors[0],
        TableError::Duplicate {
            first: 2,
            second: 3,
            ..
        }
    ));
}

#[test]
fn rule_unreachable_state() {
    let mut rows = ROWS.to_vec();
    rows[2] = R::ignores(Door::Closed, Push::Lock, &["D-2"]).when(HAS_LOCK);
    let errors = check_rows::<DoorMachine>(&rows).expect_err("Locked is cut off");
    assert_eq!(
        errors,
        [TableError::Unreachable {
            machine: "door",
            state: "Locked"
        }]
    );
}

#[test]
fn rule_dead_row() {
    // A guard that never holds where its state is reachable: the row can never fire.
    let mut rows = ROWS.to_vec();
    rows[4] = R::ignores(Door::Open, Push::Open, &["D-1"]).when(HAS_LOCK);
    rows.push(R::ignores(Door::Open, Push::Open, &["D-1"]).when(NO_LOCK));
    assert!(
        check_rows::<DoorMachine>(&rows).is_ok(),
        "split by guard is fine"
    );
    let never: RowGuard<Lockable> = RowGuard::new("never", |_| false);
    let always_open = R::ignores(Door::Open, Push::Open, &["D-1"]);
    let mut rows = ROWS.to_vec();
    rows[4] = always_open;
    rows.push(always_open.when(never));
    let errors = check_rows::<DoorMachine>(&rows).expect_err("the guarded copy never fires");
    assert_eq!(
        errors,
        [TableError::DeadRow {
            machine: "door",
            row: 10,
            state: "Open",
            stimulus: "Open"
        }]
    );
}

#[test]
fn rule_every_row_cites_a_clause() {
    let mut rows = ROWS.to_vec();
    rows[0] = R::moves(Door::Closed, Push::Open, Door::Open, &[], &[]);
    let errors = check_rows::<DoorMachine>(&rows).expect_err("uncited");
    assert_eq!(
        errors,
        [TableError::Uncited {
            machine: "door",
            row: 0,
            state: "Closed",
            stimulus: "Open"
        }]
    );
}

#[test]
fn step_is_one_lookup_and_reports_the_row() {
    let table = Table::<DoorMachine>::new(Lockable { has_lock: true }).expect("total");
    let locked = table.step(Door::Closed, Push::Lock).expect("accepted");
    assert_eq!(
        (locked.to, locked.row, locked.emits.len()),
        (Door::Locked, 2, 1)
    );
    let refused = table.step(Door::Locked, Push::Open).expect_err("locked");
    assert_eq!((refused.error, refused.row), (Refusal::Locked, 7));
    assert_eq!(
        refused.to_string(),
        "door: Open is rejected in Locked with Locked"
    );
    let plain = Table::<DoorMachine>::new(Lockable { has_lock: false }).expect("total");
    assert_eq!(
        plain.step(Door::Closed, Push::Lock).map(|t| t.to),
        Ok(Door::Closed)
    );
    assert_eq!(plain.reachable(), [true, true, false]);
}

#[test]
fn rows_steps_and_refusals_are_equal_only_when_every_field_is() {
    // Rows: each field tells two rows apart (a mutated table must not compare equal).
    let row = ROWS[2];
    assert_eq!(row, ROWS[2]);
    assert_ne!(
        row,
        R {
            from: Door::Open,
            ..row
        }
    );
    assert_ne!(
        row,
        R {
            on: Push::Open,
            ..row
        }
    );
    assert_ne!(row, row.when(NO_LOCK));
    assert_ne!(
        row,
        R::moves(Door::Closed, Push::Lock, Door::Open, &[()], &["D-2"]).when(HAS_LOCK)
    );
    assert_ne!(
        row,
        R::moves(Door::Closed, Push::Lock, Door::Locked, &[()], &["D-9"]).when(HAS_LOCK)
    );
    // Transitions: from, stimulus, target, effects and row.
    let table = Table::<DoorMachine>::new(Lockable { has_lock: true }).expect("total");
    let lock = table.step(Door::Closed, Push::Lock).expect("accepted");
    assert_eq!(
        lock,
        table.step(Door::Closed, Push::Lock).expect("accepted")
    );
    let open = table.step(Door::Closed, Push::Open).expect("accepted");
    let stay = table.step(Door::Closed, Push::Close).expect("accepted");
    assert_ne!(lock, open);
    assert_ne!(open, stay);
    for changed in [
        ucma_ha_fsm::Transition {
            from: Door::Open,
            ..lock
        },
        ucma_ha_fsm::Transition {
            on: Push::Open,
            ..lock
        },
        ucma_ha_fsm::Transition {
            to: Door::Open,
            ..lock
        },
        ucma_ha_fsm::Transition { emits: &[], ..lock },
        ucma_ha_fsm::Transition { row: 3, ..lock },
    ] {
        assert_ne!(lock, changed, "{changed:?}");
    }
    // Refusals: state, stimulus, error and row.
    let refused = table.step(Door::Locked, Push::Open).expect_err("locked");
    assert_eq!(
        refused,
        table.step(Door::Locked, Push::Open).expect_err("locked")
    );
    for changed in [
        ucma_ha_fsm::Rejected {
            state: Door::Open,
            ..refused
        },
        ucma_ha_fsm::Rejected {
            on: Push::Close,
            ..refused
        },
        ucma_ha_fsm::Rejected { row: 8, ..refused },
    ] {
        assert_ne!(refused, changed, "{changed:?}");
    }
}

/// States whose discriminants do not follow declaration order.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Debug,
    Display,
    strum::EnumCount,
    strum::EnumIter,
    strum::EnumString,
    IntoStaticStr,
)]
enum Shuffled {
    Second = 1,
    First = 0,
}
impl ucma_ha_fsm::Symbol for Shuffled {
    fn index(self) -> usize {
        self as usize
    }
}

struct ShuffledMachine;
impl Machine for ShuffledMachine {
    const ID: &'static str = "shuffled";
    type State = Shuffled;
    type Stimulus = Push;
    type Effect = ();
    type Event = ();
    type Error = Refusal;
    type Parameters = ucma_ha_fsm::NoParameters;
    fn rows() -> &'static [Row<Self>] {
        &[]
    }
    fn initial(_: &ucma_ha_fsm::NoParameters) -> Shuffled {
        Shuffled::First
    }
    fn is_final(_: Shuffled) -> bool {
        false
    }
    fn raise(_: Shuffled, _: Shuffled, _: &()) {}
}

#[test]
fn rule_symbol_order() {
    let errors = check_rows::<ShuffledMachine>(&[]).expect_err("out of order");
    assert_eq!(
        errors,
        [
            TableError::SymbolOrder {
                machine: "shuffled",
                symbol: "Second",
                index: 1,
                position: 0
            },
            TableError::SymbolOrder {
                machine: "shuffled",
                symbol: "First",
                index: 0,
                position: 1
            }
        ]
    );
}

#[test]
fn a_table_that_does_not_compile_lists_every_broken_rule() {
    let rows: Vec<R> = ROWS
        .iter()
        .copied()
        .filter(|r| r.on != Push::Close)
        .collect();
    let errors = Table::<DoorMachine>::from_rows(rows.into(), Lockable { has_lock: true })
        .expect_err("three pairs missing");
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| matches!(
        e,
        TableError::Missing {
            stimulus: "Close",
            ..
        }
    )));
    assert_eq!(errors.to_string().matches("; ").count(), 2);
    assert_eq!(errors.into_iter().count(), 3);
}

#[test]
fn a_table_keeps_its_parameters_and_all_its_rows_and_shows_them_when_debugged() {
    // The compiled table answers with the parameters it was built for (not the default)
    // and every row, the guarded-out ones too (`Table::rows`).
    let table = Table::<DoorMachine>::new(Lockable { has_lock: true }).expect("total");
    assert_eq!(table.parameters(), &Lockable { has_lock: true });
    assert_eq!(table.rows(), &ROWS[..]);
    assert_eq!(
        format!("{table:?}"),
        "Table { machine: \"door\", parameters: Lockable { has_lock: true }, rows: 10 }"
    );
}

#[test]
fn rows_steps_and_refusals_read_in_debug_output_with_every_field() {
    // What a failed assertion on a mutated table shows: a guard by its label, "always"
    // for a row that applies everywhere; each field of a row, a step and a refusal.
    assert_eq!(format!("{:?}", ROWS[2].when), "has_lock");
    assert_eq!(format!("{:?}", ROWS[0].when), "always");
    assert_eq!(
        format!("{:?}", ROWS[2]),
        "Row { from: Closed, on: Lock, when: has_lock, outcome: Move { to: Locked, \
         emits: [()] }, clauses: [\"D-2\"] }"
    );
    let table = Table::<DoorMachine>::new(Lockable { has_lock: true }).expect("total");
    let lock = table.step(Door::Closed, Push::Lock).expect("accepted");
    assert_eq!(
        format!("{lock:?}"),
        "Transition { from: Closed, on: Lock, to: Locked, emits: [()], row: 2 }"
    );
    let refused = table.step(Door::Locked, Push::Open).expect_err("locked");
    assert_eq!(
        format!("{refused:?}"),
        "Rejected { state: Locked, on: Open, error: Locked, row: 7 }"
    );
}

#[test]
fn a_step_raises_one_event_per_effect_of_its_row_and_an_ignore_none() {
    // D-2: locking raises the row's one effect as an event; opening (a move with no
    // effects) and an ignored stimulus raise none.
    let table = Table::<DoorMachine>::new(Lockable { has_lock: true }).expect("total");
    let lock = table.step(Door::Closed, Push::Lock).expect("accepted");
    assert_eq!(lock.events().count(), 1);
    let open = table.step(Door::Closed, Push::Open).expect("accepted");
    assert_eq!(open.events().count(), 0);
    let ignored = table.step(Door::Open, Push::Open).expect("accepted");
    assert_eq!((ignored.to, ignored.events().count()), (Door::Open, 0));
}

#[test]
fn a_machine_that_folds_nothing_is_observed_by_its_states_own_names() {
    // `Machine::observed` defaults to the state's own name.
    for (state, name) in [
        (Door::Closed, "Closed"),
        (Door::Open, "Open"),
        (Door::Locked, "Locked"),
    ] {
        assert_eq!(DoorMachine::observed(state), name);
    }
}

/// The toy table written with one line for several stimuli: the same ten rows, in the same
/// order, each with its line's outcome and citations.
static GROUPED: [R; 10] = ucma_ha_fsm::rows![
    R::moves(Door::Closed, Push::Open, Door::Open, &[], &["D-1"]),
    R::ignores(Door::Closed, Push::Close, &["D-1"]),
    R::moves(Door::Closed, Push::Lock, Door::Locked, &[()], &["D-2"]).when(HAS_LOCK),
    R::ignores(Door::Closed, Push::Lock, &["D-2"]).when(NO_LOCK),
    R::ignores(Door::Open, Push::Open, &["D-1"]),
    R::moves(Door::Open, Push::Close, Door::Closed, &[], &["D-1"]),
    R::ignores(Door::Open, Push::Lock, &["D-2"]),
    R::rejects(Door::Locked, Push::Open, Refusal::Locked, &["D-3"]),
    R::ignores(Door::Locked, Push::Close | Push::Lock, &["D-3"]),
];

#[test]
fn a_line_for_several_stimuli_is_one_row_per_stimulus() {
    assert_eq!(GROUPED, ROWS);
    // Rejections and guards are spread over every stimulus of the line too.
    let rows: [R; 3] = ucma_ha_fsm::rows![
        R::rejects(
            Door::Locked,
            Push::Open | Push::Lock,
            Refusal::Locked,
            &["D-3"]
        ),
        R::ignores(Door::Closed, Push::Close, &["D-1"]).when(NO_LOCK),
    ];
    assert_eq!(
        rows.map(|r| (r.from, r.on, r.when.label, r.clauses)),
        [
            (Door::Locked, Push::Open, "", &["D-3"][..]),
            (Door::Locked, Push::Lock, "", &["D-3"][..]),
            (Door::Closed, Push::Close, "!has_lock", &["D-1"][..]),
        ]
    );
    assert!(rows[..2]
        .iter()
        .all(|r| r.outcome == RowOutcome::Reject(Refusal::Locked)));
}

/// The door's rows for Closed and Open, and Locked's refusal of Open, then one line that
/// ignores the given stimuli in Locked (D-3): the tables the duplicate rule's tests of
/// `rows!` take.
macro_rules! door_ending_in {
    ($($stimuli:tt)+) => {
        ucma_ha_fsm::rows![
            R::moves(Door::Closed, Push::Open, Door::Open, &[], &["D-1"]),
            R::ignores(Door::Closed, Push::Close, &["D-1"]),
            R::moves(Door::Closed, Push::Lock, Door::Locked, &[()], &["D-2"]).when(HAS_LOCK),
            R::ignores(Door::Closed, Push::Lock, &["D-2"]).when(NO_LOCK),
            R::ignores(Door::Open, Push::Open, &["D-1"]),
            R::moves(Door::Open, Push::Close, Door::Closed, &[], &["D-1"]),
            R::ignores(Door::Open, Push::Lock, &["D-2"]),
            R::rejects(Door::Locked, Push::Open, Refusal::Locked, &["D-3"]),
            R::ignores(Door::Locked, $($stimuli)+, &["D-3"]),
        ]
    };
}

#[test]
fn rule_duplicate_pair_a_line_naming_a_stimulus_twice() {
    let rows: [R; 11] = door_ending_in!(Push::Close | Push::Lock | Push::Close);
    let errors = check_rows::<DoorMachine>(&rows).expect_err("Close named twice");
    assert_eq!(errors.len(), 2, "once per parameter set: {errors:#?}");
    assert!(
        errors.iter().all(|e| matches!(
            e,
            TableError::Duplicate {
                state: "Locked",
                stimulus: "Close",
                first: 8,
                second: 10,
                ..
            }
        )),
        "{errors:#?}"
    );
}

#[test]
fn rule_duplicate_pair_a_line_repeating_a_stimulus_another_row_answers() {
    let rows: [R; 11] = door_ending_in!(Push::Open | Push::Close | Push::Lock);
    let errors = check_rows::<DoorMachine>(&rows).expect_err("Open answered twice");
    assert_eq!(errors.len(), 2, "once per parameter set: {errors:#?}");
    assert!(
        errors.iter().all(|e| matches!(
            e,
            TableError::Duplicate {
                state: "Locked",
                stimulus: "Open",
                first: 7,
                second: 8,
                ..
            }
        )),
        "{errors:#?}"
    );
}
