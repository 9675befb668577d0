//! Machines as data: rows, outcomes, guards, and the compiled [`Table`] that `step`s.

use std::borrow::Cow;
use std::fmt::{self, Debug, Display};

use serde::de::DeserializeOwned;
use serde::Serialize;

use strum::EnumCount;
use thiserror::Error;

use crate::Symbol;

/// The parameters a machine is instantiated with (a plain struct with a [`Default`]).
///
/// Guards of rows read them. Checks that must hold for every instance iterate
/// [`Parameters::all`], so a parameter space has to be finite (booleans and small enums).
pub trait Parameters:
    Clone + Debug + Default + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// Every distinct instance, the default among them.
    fn all() -> Vec<Self>;
}

/// Parameters of a machine that has none; serialises as `{}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParameters {}

impl Parameters for NoParameters {
    fn all() -> Vec<Self> {
        vec![NoParameters {}]
    }
}

/// A condition on the parameters under which a row applies.
///
/// Rows with the same `(from, on)` pair must have guards that split the parameter space:
/// for every instance exactly one of them holds (the table check `check::check_rows`
/// verifies it).
pub struct RowGuard<P: 'static> {
    /// How the guard reads in tables and diagrams, e.g. `kind = user`; empty for the
    /// guard of a row that applies to every instance (the one [`Row::moves`],
    /// [`Row::ignores`] and [`Row::rejects`] give).
    pub label: &'static str,
    /// Whether the guard holds for an instance.
    pub holds: fn(&P) -> bool,
}

fn always<P>(_: &P) -> bool {
    true
}

impl<P: 'static> RowGuard<P> {
    /// The guard of a row that applies to every instance.
    pub(crate) const ALWAYS: RowGuard<P> = RowGuard {
        label: "",
        holds: always::<P>,
    };

    /// A guard with a label and a predicate.
    pub const fn new(label: &'static str, holds: fn(&P) -> bool) -> Self {
        RowGuard { label, holds }
    }

    /// Whether this guard applies to every instance (judged by its empty label).
    pub fn is_always(&self) -> bool {
        self.label.is_empty()
    }
}

impl<P> Clone for RowGuard<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P> Copy for RowGuard<P> {}
impl<P> Debug for RowGuard<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_always() {
            f.write_str("always")
        } else {
            f.write_str(self.label)
        }
    }
}

/// What a row does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowOutcome<S: 'static, E: 'static, X> {
    /// The stimulus is accepted: the machine goes to `to` (possibly the same state) and
    /// raises `emits`, in order.
    Move {
        /// The state after the step.
        to: S,
        /// The effects raised, in order.
        emits: &'static [E],
    },
    /// The stimulus is accepted and changes nothing: no state change, nothing raised
    /// (a stale response, a timer that has nothing to do). Diagrams leave these out.
    Ignore,
    /// The stimulus is refused with an error; nothing changes and nothing is raised.
    Reject(X),
}

/// A machine: a finite set of states and stimuli and a table of rows over them.
///
/// The table is data ([`Machine::rows`]), so checks, diagrams and documentation read the
/// same rows that [`Table::step`] executes.
pub trait Machine: Sized + 'static {
    /// A short, stable id (`snake_case`), used on the command line and in trace files.
    const ID: &'static str;
    /// The states the table is written over.
    type State: Symbol;
    /// The stimuli the machine accepts.
    type Stimulus: Symbol;
    /// What a row raises (turned into an [`Machine::Event`] by [`Machine::raise`]).
    type Effect: Copy + Debug + PartialEq + Serialize + Send + Sync + 'static;
    /// The events the machine reports.
    type Event: Clone + Debug + PartialEq + Serialize + Send + Sync + 'static;
    /// The error of a rejected stimulus.
    type Error: Copy + Debug + Display + Eq + Serialize + Into<&'static str> + Send + Sync + 'static;
    /// The parameters an instance is built with.
    type Parameters: Parameters;

    /// The rows of the table, in reading order.
    fn rows() -> &'static [Row<Self>];

    /// The initial state of an instance.
    fn initial(parameters: &Self::Parameters) -> Self::State;

    /// Whether a state is final: nothing but ignored or rejected stimuli leave it as it is.
    fn is_final(state: Self::State) -> bool;

    /// The name users observe for a state: its own name unless the table's states fold in
    /// knowledge that the real object does not show, in which case the visible value's.
    fn observed(state: Self::State) -> &'static str {
        state.name()
    }

    /// Turns a row's effect, fired from `from` to `to`, into the event users see.
    fn raise(from: Self::State, to: Self::State, effect: &Self::Effect) -> Self::Event;
}

/// One row of a table: in state `from`, on stimulus `on`, where `when` holds, do `outcome`.
pub struct Row<M: Machine> {
    /// The state the row applies in.
    pub from: M::State,
    /// The stimulus the row answers.
    pub on: M::Stimulus,
    /// The parameters the row applies under.
    pub when: RowGuard<M::Parameters>,
    /// What happens.
    pub outcome: RowOutcome<M::State, M::Effect, M::Error>,
    /// The clause and fact IDs the row implements (e.g. `REG-2`, `AF-PUB`).
    pub clauses: &'static [&'static str],
}

impl<M: Machine> Clone for Row<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: Machine> Copy for Row<M> {}

impl<M: Machine> Debug for Row<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field("from", &self.from)
            .field("on", &self.on)
            .field("when", &self.when)
            .field("outcome", &self.outcome)
            .field("clauses", &self.clauses)
            .finish()
    }
}

impl<M: Machine> PartialEq for Row<M> {
    fn eq(&self, other: &Self) -> bool {
        self.from == other.from
            && self.on == other.on
            && self.when.label == other.when.label
            && self.outcome == other.outcome
            && self.clauses == other.clauses
    }
}

impl<M: Machine> Row<M> {
    /// A row that moves to `to` and raises `emits`.
    pub const fn moves(
        from: M::State,
        on: M::Stimulus,
        to: M::State,
        emits: &'static [M::Effect],
        clauses: &'static [&'static str],
    ) -> Self {
        Row {
            from,
            on,
            when: RowGuard::ALWAYS,
            outcome: RowOutcome::Move { to, emits },
            clauses,
        }
    }

    /// A row that accepts the stimulus and changes nothing.
    pub const fn ignores(
        from: M::State,
        on: M::Stimulus,
        clauses: &'static [&'static str],
    ) -> Self {
        Row {
            from,
            on,
            when: RowGuard::ALWAYS,
            outcome: RowOutcome::Ignore,
            clauses,
        }
    }

    /// A row that refuses the stimulus with `error`.
    pub const fn rejects(
        from: M::State,
        on: M::Stimulus,
        error: M::Error,
        clauses: &'static [&'static str],
    ) -> Self {
        Row {
            from,
            on,
            when: RowGuard::ALWAYS,
            outcome: RowOutcome::Reject(error),
            clauses,
        }
    }

    /// The same row, applying only where `guard` holds.
    pub const fn when(self, guard: RowGuard<M::Parameters>) -> Self {
        Row {
            from: self.from,
            on: self.on,
            when: guard,
            outcome: self.outcome,
            clauses: self.clauses,
        }
    }

    /// The state the row leads to: `to` for a move, `from` otherwise.
    pub fn target(&self) -> M::State {
        match self.outcome {
            RowOutcome::Move { to, .. } => to,
            RowOutcome::Ignore | RowOutcome::Reject(_) => self.from,
        }
    }
}

/// An accepted step: which row fired and where it led.
pub struct Transition<M: Machine> {
    /// The state before the step.
    pub from: M::State,
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state after the step (equal to `from` for an ignored stimulus).
    pub to: M::State,
    /// The effects raised, in order (empty for an ignored stimulus).
    pub emits: &'static [M::Effect],
    /// The index of the row that fired, in the table's rows.
    pub row: usize,
}

impl<M: Machine> Clone for Transition<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: Machine> Copy for Transition<M> {}
impl<M: Machine> PartialEq for Transition<M> {
    fn eq(&self, other: &Self) -> bool {
        (self.from, self.on, self.to, self.emits, self.row)
            == (other.from, other.on, other.to, other.emits, other.row)
    }
}
impl<M: Machine> Debug for Transition<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transition")
            .field("from", &self.from)
            .field("on", &self.on)
            .field("to", &self.to)
            .field("emits", &self.emits)
            .field("row", &self.row)
            .finish()
    }
}

impl<M: Machine> Transition<M> {
    /// The events this step raised, in order.
    pub fn events(&self) -> impl Iterator<Item = M::Event> + '_ {
        self.emits
            .iter()
            .map(move |effect| M::raise(self.from, self.to, effect))
    }
}

/// A rejected step: the stimulus was refused in that state.
pub struct Rejected<M: Machine> {
    /// The state the machine stays in.
    pub state: M::State,
    /// The stimulus that was refused.
    pub on: M::Stimulus,
    /// The error.
    pub error: M::Error,
    /// The index of the row that fired, in the table's rows.
    pub row: usize,
}

impl<M: Machine> Clone for Rejected<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: Machine> Copy for Rejected<M> {}
impl<M: Machine> PartialEq for Rejected<M> {
    fn eq(&self, other: &Self) -> bool {
        (self.state, self.on, self.error, self.row)
            == (other.state, other.on, other.error, other.row)
    }
}
impl<M: Machine> Eq for Rejected<M> {}
impl<M: Machine> Debug for Rejected<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("state", &self.state)
            .field("on", &self.on)
            .field("error", &self.error)
            .field("row", &self.row)
            .finish()
    }
}

impl<M: Machine> Display for Rejected<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} is rejected in {} with {}",
            M::ID,
            self.on,
            self.state,
            self.error
        )
    }
}

impl<M: Machine> std::error::Error for Rejected<M> {}

/// A machine's table compiled for one instance of its parameters: `step` is one array
/// look-up.
///
/// Building it checks that the rows are total and deterministic for those parameters.
///
/// # Examples
/// See the crate-level example.
pub struct Table<M: Machine> {
    parameters: M::Parameters,
    rows: Cow<'static, [Row<M>]>,
    /// `index[state * STIMULI + stimulus]` is the row that answers the pair.
    index: Box<[u16]>,
}

impl<M: Machine> Clone for Table<M> {
    fn clone(&self) -> Self {
        Table {
            parameters: self.parameters.clone(),
            rows: self.rows.clone(),
            index: self.index.clone(),
        }
    }
}

impl<M: Machine> Debug for Table<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("machine", &M::ID)
            .field("parameters", &self.parameters)
            .field("rows", &self.rows.len())
            .finish()
    }
}

impl<M: Machine> Table<M> {
    /// Compiles the machine's own rows for `parameters`.
    ///
    /// # Errors
    /// Every missing or duplicated `(state, stimulus)` pair, as [`TableErrors`].
    pub fn new(parameters: M::Parameters) -> Result<Self, TableErrors> {
        Self::from_rows(Cow::Borrowed(M::rows()), parameters)
    }

    /// Compiles any rows over the machine's vocabulary, e.g. a deliberately mutated copy.
    ///
    /// # Errors
    /// Every missing or duplicated `(state, stimulus)` pair, as [`TableErrors`].
    pub fn from_rows(
        rows: Cow<'static, [Row<M>]>,
        parameters: M::Parameters,
    ) -> Result<Self, TableErrors> {
        let index = index_rows::<M>(&rows, &parameters).map_err(TableErrors)?;
        Ok(Table {
            parameters,
            rows,
            index,
        })
    }

    /// The parameters this table was compiled for.
    pub fn parameters(&self) -> &M::Parameters {
        &self.parameters
    }

    /// All rows, including those whose guard does not hold for these parameters.
    pub fn rows(&self) -> &[Row<M>] {
        &self.rows
    }

    /// The initial state for these parameters.
    pub fn initial(&self) -> M::State {
        M::initial(&self.parameters)
    }

    /// The index (into [`Table::rows`]) of the row that answers `on` in `state`.
    #[inline]
    pub fn row_index(&self, state: M::State, on: M::Stimulus) -> usize {
        usize::from(self.index[state.index() * M::Stimulus::COUNT + on.index()])
    }

    /// The row that answers `on` in `state`.
    #[inline]
    pub fn row(&self, state: M::State, on: M::Stimulus) -> &Row<M> {
        &self.rows[self.row_index(state, on)]
    }

    /// Executes one stimulus.
    ///
    /// # Arguments
    /// * `state` - the current state.
    /// * `on` - the stimulus.
    ///
    /// # Returns
    /// The [`Transition`] when the row accepts the stimulus (a move or an ignore), or the
    /// [`Rejected`] error when the row refuses it.
    ///
    /// # Complexity
    /// O(1): one array look-up; it allocates nothing.
    #[inline]
    pub fn step(&self, state: M::State, on: M::Stimulus) -> Result<Transition<M>, Rejected<M>> {
        let row = self.row_index(state, on);
        match self.rows[row].outcome {
            RowOutcome::Move { to, emits } => Ok(Transition {
                from: state,
                on,
                to,
                emits,
                row,
            }),
            RowOutcome::Ignore => Ok(Transition {
                from: state,
                on,
                to: state,
                emits: &[],
                row,
            }),
            RowOutcome::Reject(error) => Err(Rejected {
                state,
                on,
                error,
                row,
            }),
        }
    }

    /// The states reachable from the initial state, as a mask indexed by state.
    ///
    /// # Complexity
    /// O(states x stimuli).
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; M::State::COUNT];
        let mut stack = vec![self.initial()];
        seen[self.initial().index()] = true;
        while let Some(state) = stack.pop() {
            for on in M::Stimulus::all() {
                let to = self.row(state, on).target();
                if !seen[to.index()] {
                    seen[to.index()] = true;
                    stack.push(to);
                }
            }
        }
        seen
    }
}

/// A rule of a well-formed table, broken.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "rule")]
pub enum TableError {
    /// A vocabulary enum whose discriminants are not `0..COUNT` in declaration order.
    #[error("{machine}: {symbol} has index {index}, but is at position {position}")]
    SymbolOrder {
        /// The machine id.
        machine: &'static str,
        /// The value out of place.
        symbol: &'static str,
        /// What [`Symbol::index`] says.
        index: usize,
        /// Its position in declaration order.
        position: usize,
    },
    /// No row answers a stimulus in a state (for some parameters).
    #[error("{machine}: no row answers {stimulus} in {state} (parameters {parameters})")]
    Missing {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
        /// The stimulus.
        stimulus: &'static str,
        /// The parameters, as JSON.
        parameters: String,
    },
    /// Two rows answer the same stimulus in the same state (for some parameters).
    #[error("{machine}: rows {first} and {second} both answer {stimulus} in {state} (parameters {parameters})")]
    Duplicate {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
        /// The stimulus.
        stimulus: &'static str,
        /// The parameters, as JSON.
        parameters: String,
        /// The first row's index.
        first: usize,
        /// The second row's index.
        second: usize,
    },
    /// A state that no instance reaches from its initial state.
    #[error(
        "{machine}: state {state} is unreachable from the initial state for every parameter set"
    )]
    Unreachable {
        /// The machine id.
        machine: &'static str,
        /// The state.
        state: &'static str,
    },
    /// A row that never fires: its guard never holds where its state is reachable.
    #[error("{machine}: row {row} ({state}, {stimulus}) can never fire")]
    DeadRow {
        /// The machine id.
        machine: &'static str,
        /// The row's index.
        row: usize,
        /// The row's state.
        state: &'static str,
        /// The row's stimulus.
        stimulus: &'static str,
    },
    /// A row that cites no clause or fact.
    #[error("{machine}: row {row} ({state}, {stimulus}) cites no clause")]
    Uncited {
        /// The machine id.
        machine: &'static str,
        /// The row's index.
        row: usize,
        /// The row's state.
        state: &'static str,
        /// The row's stimulus.
        stimulus: &'static str,
    },
}

/// The rules a table broke when it was compiled ([`Table::new`]): a list of
/// [`TableError`]s that is itself an error.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct TableErrors(pub Vec<TableError>);

impl std::ops::Deref for TableErrors {
    type Target = Vec<TableError>;
    fn deref(&self) -> &Vec<TableError> {
        &self.0
    }
}

impl IntoIterator for TableErrors {
    type Item = TableError;
    type IntoIter = std::vec::IntoIter<TableError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

fn json<P: Serialize>(parameters: &P) -> String {
    serde_json::to_string(parameters).unwrap_or_else(|error| error.to_string())
}

/// Checks totality and determinism of `rows` for one parameter set and builds the index
/// that [`Table::step`] uses (`index[state * stimuli + stimulus]` = row).
pub(crate) fn index_rows<M: Machine>(
    rows: &[Row<M>],
    parameters: &M::Parameters,
) -> Result<Box<[u16]>, Vec<TableError>> {
    let stimuli = M::Stimulus::COUNT;
    let mut index: Vec<Option<usize>> = vec![None; M::State::COUNT * stimuli];
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !(row.when.holds)(parameters) {
            continue;
        }
        let slot = &mut index[row.from.index() * stimuli + row.on.index()];
        match *slot {
            None => *slot = Some(i),
            Some(first) => errors.push(TableError::Duplicate {
                machine: M::ID,
                state: row.from.name(),
                stimulus: row.on.name(),
                parameters: json(parameters),
                first,
                second: i,
            }),
        }
    }
    let mut compiled = Vec::with_capacity(index.len());
    for state in M::State::all() {
        for on in M::Stimulus::all() {
            match index[state.index() * stimuli + on.index()] {
                Some(row) => compiled.push(u16::try_from(row).unwrap_or(u16::MAX)),
                None => errors.push(TableError::Missing {
                    machine: M::ID,
                    state: state.name(),
                    stimulus: on.name(),
                    parameters: json(parameters),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(compiled.into_boxed_slice())
    } else {
        Err(errors)
    }
}
