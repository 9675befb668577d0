//! [`rows!`](crate::rows): a table's rows as written, with one line for a state and several
//! stimuli that share an outcome and citations.

/// Writes a table's rows, where one line may answer several stimuli in one state.
///
/// Each entry is a row constructor called on a type (usually an alias of [`Row`](crate::Row),
/// such as `type R = Row<MyMachine>`), `R::moves`, `R::ignores` or `R::rejects`, or any
/// associated function whose first two arguments are the state and the stimulus, optionally
/// followed by `.when(GUARD)`. In place of the stimulus an entry may name several, separated
/// by `|`:
///
/// ```text
/// R::ignores(Idle, Ack | Nack | Timeout, &["C-1"]),
/// ```
///
/// is the same as the three rows
///
/// ```text
/// R::ignores(Idle, Ack, &["C-1"]),
/// R::ignores(Idle, Nack, &["C-1"]),
/// R::ignores(Idle, Timeout, &["C-1"]),
/// ```
///
/// The macro expands at build time into an array with one [`Row`](crate::Row) per (state,
/// stimulus) in the order written, so the table, its checks, exports, diagrams and row
/// numbers see exactly the rows written out one by one: each keeps the outcome, guard and
/// citations of the line it came from. A stimulus named twice, in one line or in two, is two
/// rows for one pair, which the table check reports as
/// [`TableError::Duplicate`](crate::check::TableError::Duplicate).
///
/// # Examples
/// ```
/// use ucma_ha_fsm::{check, Machine, NoParameters, Row};
///
/// ucma_ha_fsm::symbol_enum! {
///     /// A bell's states.
///     enum Bell { Quiet, Ringing }
/// }
/// ucma_ha_fsm::symbol_enum! {
///     /// What happens to it.
///     enum Hit { Press, Release, Wind }
/// }
/// # #[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, strum::Display, strum::IntoStaticStr)]
/// # enum Never {}
/// struct BellMachine;
/// impl Machine for BellMachine {
///     const ID: &'static str = "bell";
///     type State = Bell;
///     type Stimulus = Hit;
///     type Effect = ();
///     type Event = ();
///     type Error = Never;
///     type Parameters = NoParameters;
///     fn rows() -> &'static [Row<Self>] { ROWS }
///     fn initial(_: &NoParameters) -> Bell { Bell::Quiet }
///     fn is_final(_: Bell) -> bool { false }
///     fn raise(_: Bell, _: Bell, _: &()) {}
/// }
///
/// type R = Row<BellMachine>;
/// static ROWS: &[R] = &ucma_ha_fsm::rows![
///     R::moves(Bell::Quiet, Hit::Press, Bell::Ringing, &[()], &["B-1"]),
///     R::ignores(Bell::Quiet, Hit::Release | Hit::Wind, &["B-2"]),
///     R::moves(Bell::Ringing, Hit::Release, Bell::Quiet, &[], &["B-1"]),
///     R::ignores(Bell::Ringing, Hit::Press | Hit::Wind, &["B-2"]),
/// ];
///
/// // Six rows, one per pair, each with its line's citations.
/// assert_eq!(ROWS.len(), 6);
/// assert_eq!((ROWS[2].from, ROWS[2].on, ROWS[2].clauses), (Bell::Quiet, Hit::Wind, &["B-2"][..]));
/// assert!(check::check_rows::<BellMachine>(ROWS).is_ok());
/// ```
#[macro_export]
macro_rules! rows {
    // One row: the constructor called with one stimulus, guarded if the line was.
    (@one $ty:ident $ctor:ident ($from:expr) ($on:path) [$($arg:tt)*] []) => {
        $ty::$ctor($from, $on, $($arg)*)
    };
    (@one $ty:ident $ctor:ident ($from:expr) ($on:path) [$($arg:tt)*] [$guard:expr]) => {
        $ty::$ctor($from, $on, $($arg)*).when($guard)
    };
    // Every line with its stimuli listed: one row per stimulus, in the order written.
    (@flat $([$ty:ident $ctor:ident ($from:expr) [$($on:path),+] $args:tt $guard:tt])*) => {
        [$($($crate::rows!(@one $ty $ctor ($from) ($on) $args $guard),)+)*]
    };
    ($($ty:ident :: $ctor:ident ($from:expr, $($on:path)|+, $($arg:tt)*) $(.when($guard:expr))?),* $(,)?) => {
        $crate::rows!(@flat $([$ty $ctor ($from) [$($on),+] [$($arg)*] [$($guard)?]])*)
    };
}
