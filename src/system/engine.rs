//! The composed tables: component kinds, the packed state, the compiled wiring and the
//! macro-step that runs every internal reaction to completion.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use strum::{EnumCount, IntoEnumIterator};

use fsm::{Machine, Outcome as RowOutcome, Symbol, Table};

use super::wiring::{Action, Guard, Reaction, Request, Source, StimulusRow, Target, WiringRow};
use super::world::{reply, World};
use super::{SystemConfig, SystemError, SystemStimulus, Tables};
use crate::events::Event;
use crate::local_endpoint::EndpointKind;

/// The kind of a component: which table it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The SipEndpoint registration.
    Registration = 0,
    /// The LocalEndpoint.
    Endpoint = 1,
    /// LocalOwnerPresence.
    LocalOwnerPresence = 2,
    /// ContactGroupServices.
    ContactGroupServices = 3,
    /// A remote presence view.
    RemotePresence = 4,
    /// The SipSubscription of LocalOwnerPresence or ContactGroupServices (home pool).
    SessionSubscription = 5,
    /// The SipSubscription of a remote presence view.
    ViewSubscription = 6,
}

/// Number of [`Kind`]s.
pub const KINDS: usize = 7;
const ALL_KINDS: [Kind; KINDS] = [
    Kind::Registration,
    Kind::Endpoint,
    Kind::LocalOwnerPresence,
    Kind::ContactGroupServices,
    Kind::RemotePresence,
    Kind::SessionSubscription,
    Kind::ViewSubscription,
];
const NONE: u8 = u8::MAX;

/// Slot of the registration in the packed state.
pub const REGISTRATION: usize = 0;
/// Slot of the endpoint.
pub const ENDPOINT: usize = 1;
/// Slot of LocalOwnerPresence (its subscription is the next slot).
pub const LOCAL_OWNER_PRESENCE: usize = 2;
/// Slot of ContactGroupServices (its subscription is the next slot).
pub const CONTACT_GROUP_SERVICES: usize = 4;
/// Slot of the first remote view (view `i` is at `FIRST_VIEW + 2 i`, its subscription
/// right after it).
pub const FIRST_VIEW: usize = 6;
/// Bits per slot.
const WIDTH: u32 = 3;
/// Bits before the first slot of each word (in word 0: pool down, connection dropped;
/// unused in the other words).
const WORLD_BITS: u32 = 2;
/// Slots per word: an even number, so no slot and no (owner, subscription) pair
/// crosses a word boundary.
const SLOTS_PER_WORD: usize = 20;
/// Words in a packed state.
pub const WORDS: usize = 5;
/// The most remote views a [`Packed`] state holds.
pub const MAX_VIEWS: usize = (WORDS * SLOTS_PER_WORD - FIRST_VIEW) / 2;

/// The whole state of the composed system, packed: in word 0, bit 0 (pool down) and bit 1
/// (connection dropped); then three bits per component slot (its state index in its
/// table), twenty slots per word from bit 2 of each word. A fixed-size array:
/// copying, comparing and hashing it allocates nothing.
///
/// Ordered as one wide unsigned number (the last word most significant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Packed(pub [u64; WORDS]);

impl std::hash::Hash for Packed {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for word in self.0 {
            state.write_u64(word);
        }
    }
}

impl Ord for Packed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl PartialOrd for Packed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::LowerHex for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for word in self.0.iter().rev() {
            write!(f, "{word:016x}")?;
        }
        Ok(())
    }
}

impl std::ops::BitXor for Packed {
    type Output = Packed;
    fn bitxor(self, other: Packed) -> Packed {
        Packed(std::array::from_fn(|w| self.0[w] ^ other.0[w]))
    }
}

impl std::ops::BitXorAssign for Packed {
    fn bitxor_assign(&mut self, other: Packed) {
        *self = *self ^ other;
    }
}

/// The word and the shift of a slot.
#[inline]
fn place(slot: usize) -> (usize, u32) {
    (
        slot / SLOTS_PER_WORD,
        WORLD_BITS + WIDTH * (slot % SLOTS_PER_WORD) as u32,
    )
}

impl Packed {
    /// A state with every bit set (valid for no system; for tests).
    pub const MAX: Packed = Packed([u64::MAX; WORDS]);

    /// The state index in a slot (0 beyond the last word).
    #[inline]
    pub fn get(self, slot: usize) -> u8 {
        let (word, shift) = place(slot);
        self.0.get(word).map_or(0, |w| ((w >> shift) & 0b111) as u8)
    }

    /// Sets the state index in a slot (ignored beyond the last word).
    #[inline]
    pub fn set(&mut self, slot: usize, value: u8) {
        let (word, shift) = place(slot);
        if let Some(w) = self.0.get_mut(word) {
            *w = (*w & !(0b111 << shift)) | (u64::from(value & 0b111) << shift);
        }
    }

    /// The six bits of the pair of slots starting at `slot` (an even slot).
    #[inline]
    pub(crate) fn pair(self, slot: usize) -> u8 {
        let (word, shift) = place(slot);
        self.0
            .get(word)
            .map_or(0, |w| ((w >> shift) & 0b11_1111) as u8)
    }

    /// Sets the pair of slots starting at `slot` (an even slot).
    #[inline]
    pub(crate) fn set_pair(&mut self, slot: usize, value: u8) {
        let (word, shift) = place(slot);
        if let Some(w) = self.0.get_mut(word) {
            *w = (*w & !(0b11_1111 << shift)) | (u64::from(value & 0b11_1111) << shift);
        }
    }

    /// The two world bits.
    #[inline]
    fn world_bits(self) -> usize {
        (self.0[0] & 3) as usize
    }
}

/// The kind of the component in a slot.
#[inline]
pub fn kind_of(slot: usize) -> Kind {
    match slot {
        REGISTRATION => Kind::Registration,
        ENDPOINT => Kind::Endpoint,
        LOCAL_OWNER_PRESENCE => Kind::LocalOwnerPresence,
        CONTACT_GROUP_SERVICES => Kind::ContactGroupServices,
        3 | 5 => Kind::SessionSubscription,
        s if s % 2 == 0 => Kind::RemotePresence,
        _ => Kind::ViewSubscription,
    }
}

/// Reads a slot of a packed state.
#[inline]
pub fn get(state: Packed, slot: usize) -> u8 {
    state.get(slot)
}

#[inline]
fn set(state: &mut Packed, slot: usize, value: u8) {
    state.set(slot, value);
}

/// The world part of a packed state.
#[inline]
pub fn world(state: Packed) -> World {
    world_of(state.world_bits())
}

fn world_of(bits: usize) -> World {
    World {
        pool_up: bits & 1 == 0,
        connection_up: bits & 2 == 0,
    }
}

/// One cell of a compiled table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    outcome: Outcome,
    to: u8,
    row: u16,
    error: &'static str,
}

/// What a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A row moved the component (possibly to the same state).
    Moved,
    /// A row accepted the stimulus and changed nothing.
    Ignored,
    /// A row refused the stimulus.
    Rejected,
    /// A terminated SipSubscription was replaced by a new one in Idle (no row fired).
    Renewed,
}

/// One stimulus delivered to one component inside a macro-step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The component's slot.
    pub slot: usize,
    /// Its kind.
    pub kind: Kind,
    /// The stimulus index in the kind's machine.
    pub on: u8,
    /// The state before.
    pub from: u8,
    /// The state after.
    pub to: u8,
    /// What happened.
    pub outcome: Outcome,
    /// The row that fired.
    pub row: u16,
    /// The whole system state just before the delivery.
    pub before: Packed,
}

/// Receives every delivery of a macro-step, in order.
pub trait Observer {
    /// Whether this observer ignores every delivery and wiring row. The engine may then
    /// apply a broadcast to an owner from a memo instead of running its reactions
    /// one by one (same result, nothing to report).
    const SILENT: bool = false;
    /// One delivery.
    fn delivered(&mut self, delivery: &Delivery);
    /// A wiring row fired (by index into the wiring rows), after the delivery that
    /// triggered it.
    fn wired(&mut self, row: usize) {
        let _ = row;
    }
}

impl Observer for () {
    const SILENT: bool = true;
    #[inline]
    fn delivered(&mut self, _: &Delivery) {}
}

impl Observer for Vec<Delivery> {
    fn delivered(&mut self, delivery: &Delivery) {
        self.push(*delivery);
    }
}

/// The result of a macro-step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepResult {
    /// The state afterwards (the state before when rejected).
    pub next: Packed,
    /// The exception, when the application's call was rejected.
    pub rejected: Option<&'static str>,
    /// The internal reactions did not settle within the step budget.
    pub diverged: bool,
}

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

fn small(index: usize) -> u8 {
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
                outcome: Outcome::Ignored,
                to: state,
                row: u16::MAX,
                error: "",
            };
        };
        let row = self.row_index(from, on);
        let row16 = u16::try_from(row).unwrap_or(u16::MAX);
        match self.rows()[row].outcome {
            RowOutcome::Move { to, .. } => Cell {
                outcome: Outcome::Moved,
                to: small(to.index()),
                row: row16,
                error: "",
            },
            RowOutcome::Ignore => Cell {
                outcome: Outcome::Ignored,
                to: state,
                row: row16,
                error: "",
            },
            RowOutcome::Reject(error) => Cell {
                outcome: Outcome::Rejected,
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

/// A guard with its names resolved.
#[derive(Debug, Clone)]
enum CGuard {
    Always,
    PoolUp,
    PoolDown,
    ConnectionUp,
    ConnectionDown,
    Registration(u32),
    Endpoint(u32),
    Target([u8; KINDS]),
    Source([u8; KINDS]),
    TargetProtected,
    UserEndpoint,
    Not(Box<CGuard>),
    All(Vec<CGuard>),
}

#[derive(Debug, Clone, Copy)]
enum CAction {
    Call([u8; KINDS]),
    Deliver([u8; KINDS]),
    Reply(Request),
    Renew,
    SetPool(bool),
    SetConnection(bool),
}

#[derive(Debug, Clone)]
struct CReaction {
    target: Target,
    action: CAction,
    when: CGuard,
    /// Index of this broadcast's memo (`Owners` / `Subscriptions` targets), or `NO_MEMO`.
    memo: u16,
}

const NO_MEMO: u16 = u16::MAX;
/// Bits of the packed state an owner's reactions may read besides its own pair:
/// the world, the registration and the endpoint.
const CONTEXT_BITS: u32 = WORLD_BITS + 2 * WIDTH;
const CONTEXTS: usize = 1 << CONTEXT_BITS;
const PAIRS: usize = 64;
/// Owner classes with a memo each: LocalOwnerPresence, ContactGroupServices, the views.
const CLASSES: usize = 3;
/// Memo entry flags: known, and known to need the full run.
const MEMO_KNOWN: u32 = 1 << 31;
const MEMO_FULL: u32 = 1 << 30;

/// The composed system, compiled: tables as cells, wiring as look-ups.
pub(crate) struct Engine {
    pub(crate) parts: [Box<dyn Part>; KINDS],
    cells: [Vec<Cell>; KINDS],
    stimuli: [usize; KINDS],
    states: [usize; KINDS],
    protected: [bool; KINDS],
    /// `replies[kind][request][world bits]`: the answering stimulus, or NONE.
    replies: [[[u8; 4]; Request::COUNT]; KINDS],
    stimulus_rows: Vec<Vec<CReaction>>,
    stimulus_requires: Vec<CGuard>,
    wiring: Vec<Vec<CReaction>>,
    /// `triggers[kind][stimulus * states + to]`: the wiring rows that fire.
    triggers: [Vec<Vec<u16>>; KINDS],
    pub(crate) views: usize,
    pub(crate) has_cgs: bool,
    pub(crate) initial: Packed,
    budget: u32,
    begin_subscribe_view: u8,
    /// Whether every reaction an owner's or subscription's change triggers stays within
    /// its (owner, subscription) pair and reads nothing but the pair, the world, the registration and
    /// the endpoint; then a broadcast's effect on a view is a function of those, memoised.
    pub(crate) pair_local: bool,
    /// Broadcast reactions with a memo (index = `CReaction::memo`).
    broadcasts: u16,
    /// `memo[((broadcast * CLASSES + class) * CONTEXTS + context) * PAIRS + pair]`: 0
    /// unknown; else
    /// `MEMO_KNOWN | budget used << 6 | new pair`, or `MEMO_KNOWN | MEMO_FULL`.
    memo: Vec<AtomicU32>,
}

fn kinds_of(source: Source) -> &'static [Kind] {
    match source {
        Source::Registration => &[Kind::Registration],
        Source::Endpoint => &[Kind::Endpoint],
        Source::Owner => &[
            Kind::LocalOwnerPresence,
            Kind::ContactGroupServices,
            Kind::RemotePresence,
        ],
        Source::Subscription => &[Kind::SessionSubscription, Kind::ViewSubscription],
    }
}

fn target_kinds(target: Target) -> &'static [Kind] {
    match target {
        Target::Registration => &[Kind::Registration],
        Target::Endpoint => &[Kind::Endpoint],
        Target::LocalOwnerPresence => &[Kind::LocalOwnerPresence],
        Target::ContactGroupServices => &[Kind::ContactGroupServices],
        Target::FreeView => &[Kind::RemotePresence],
        Target::Owner | Target::Owners => &[
            Kind::LocalOwnerPresence,
            Kind::ContactGroupServices,
            Kind::RemotePresence,
        ],
        Target::Subscription | Target::Subscriptions => {
            &[Kind::SessionSubscription, Kind::ViewSubscription]
        }
    }
}

impl Engine {
    pub(crate) fn new(
        config: &SystemConfig,
        tables: Tables,
        stimulus_rows: &[StimulusRow],
        wiring: &[WiringRow],
    ) -> Result<Self, SystemError> {
        if config.remote_views > MAX_VIEWS {
            return Err(SystemError::TooManyViews {
                views: config.remote_views,
                max: MAX_VIEWS,
            });
        }
        let view_home = tables.view_subscription.parameters().home_pool;
        let protected = [
            false,
            false,
            false,
            false,
            false,
            tables.session_subscription.parameters().protected(),
            tables.view_subscription.parameters().protected(),
        ];
        let parts: [Box<dyn Part>; KINDS] = [
            Box::new(tables.registration),
            Box::new(tables.endpoint),
            Box::new(tables.local_owner_presence),
            Box::new(tables.contact_group_services),
            Box::new(tables.remote_presence),
            Box::new(tables.session_subscription),
            Box::new(tables.view_subscription),
        ];
        let stimuli: [usize; KINDS] = std::array::from_fn(|k| parts[k].stimuli());
        let states: [usize; KINDS] = std::array::from_fn(|k| parts[k].states());
        if states.iter().any(|&n| n > 8) {
            return Err(SystemError::Wiring(
                "a component has more than 8 states".into(),
            ));
        }
        let cells: [Vec<Cell>; KINDS] = std::array::from_fn(|k| {
            let mut cells = Vec::with_capacity(states[k] * stimuli[k]);
            for state in 0..states[k] {
                for stimulus in 0..stimuli[k] {
                    cells.push(parts[k].cell(small(state), small(stimulus)));
                }
            }
            cells
        });
        let mut replies = [[[NONE; 4]; Request::COUNT]; KINDS];
        for (k, per_kind) in replies.iter_mut().enumerate() {
            let home = ALL_KINDS[k] != Kind::ViewSubscription || view_home;
            for request in Request::iter() {
                for (bits, answer) in per_kind[request as usize].iter_mut().enumerate() {
                    let world = world_of(bits);
                    if let Some(name) = reply(request, world, home) {
                        *answer = parts[k].stimulus_index(name).unwrap_or(NONE);
                    }
                }
            }
        }
        let mut engine = Engine {
            parts,
            cells,
            stimuli,
            states,
            protected,
            replies,
            stimulus_rows: Vec::new(),
            stimulus_requires: Vec::new(),
            wiring: Vec::new(),
            triggers: std::array::from_fn(|k| vec![Vec::new(); stimuli[k] * states[k]]),
            views: config.remote_views,
            has_cgs: config.endpoint == EndpointKind::User,
            initial: Packed::default(),
            budget: 64 + 32 * (FIRST_VIEW as u32 + 2 * config.remote_views as u32),
            begin_subscribe_view: NONE,
            pair_local: wiring.iter().all(|row| {
                !matches!(row.on.source, Source::Owner | Source::Subscription)
                    || row.then.iter().all(|reaction| {
                        matches!(reaction.target, Target::Owner | Target::Subscription)
                            && matches!(
                                reaction.action,
                                Action::Deliver(_) | Action::Reply(_) | Action::Renew
                            )
                    })
            }),
            broadcasts: 0,
            memo: Vec::new(),
        };
        engine.begin_subscribe_view = engine.parts[Kind::RemotePresence as usize]
            .stimulus_index("BeginSubscribe")
            .unwrap_or(NONE);
        for (i, expected) in SystemStimulus::all().enumerate() {
            let mut matching = stimulus_rows.iter().filter(|row| row.on == expected);
            let (Some(row), None) = (matching.next(), matching.next()) else {
                return Err(SystemError::Wiring(format!(
                    "{expected} needs exactly one stimulus row"
                )));
            };
            let what = format!("stimulus row {i} ({expected})");
            engine
                .stimulus_requires
                .push(engine.guard(&row.requires, &[], &[], &what)?);
            let reactions = engine.reactions(row.then, &[], &what)?;
            engine.stimulus_rows.push(reactions);
        }
        for (i, row) in wiring.iter().enumerate() {
            let what = format!("wiring row {i}");
            let reactions = engine.reactions(row.then, kinds_of(row.on.source), &what)?;
            engine.wiring.push(reactions);
            for &kind in kinds_of(row.on.source) {
                let k = kind as usize;
                // A name must resolve for every kind the source can be: a row that fires
                // for some of them and silently not for others is refused.
                let missing = |what_name: &str| {
                    SystemError::Wiring(format!(
                        "{what}: trigger {:?} names {what_name} that {kind:?} (a {:?}) does not have",
                        row.on, row.on.source
                    ))
                };
                let on = match row.on.on {
                    None => None,
                    Some(name) => Some(
                        engine.parts[k]
                            .stimulus_index(name)
                            .ok_or_else(|| missing("a stimulus"))?,
                    ),
                };
                let to = match row.on.to {
                    None => None,
                    Some(name) => Some(
                        engine.parts[k]
                            .state_index(name)
                            .ok_or_else(|| missing("a state"))?,
                    ),
                };
                for stimulus in 0..engine.stimuli[k] {
                    for state in 0..engine.states[k] {
                        if on.is_none_or(|on| usize::from(on) == stimulus)
                            && to.is_none_or(|to| usize::from(to) == state)
                        {
                            engine.triggers[k][stimulus * engine.states[k] + state]
                                .push(u16::try_from(i).unwrap_or(u16::MAX));
                        }
                    }
                }
            }
        }
        engine.memo = (0..usize::from(engine.broadcasts) * CLASSES * CONTEXTS * PAIRS)
            .map(|_| AtomicU32::new(0))
            .collect();
        let mut initial = Packed::default();
        for slot in 0..engine.slots() {
            set(
                &mut initial,
                slot,
                engine.parts[kind_of(slot) as usize].initial(),
            );
        }
        engine.initial = initial;
        Ok(engine)
    }

    /// Whether a packed state is one this system can be in: every present slot holds a
    /// state of its table, absent slots and unused bits are zero.
    pub(crate) fn valid(&self, state: Packed) -> bool {
        // Rebuilt from the world bits and the slots in use, it must be the same state:
        // no bit set outside them.
        let mut rebuilt = Packed::default();
        rebuilt.0[0] = state.0[0] & 3;
        for slot in 0..self.slots() {
            rebuilt.set(slot, state.get(slot));
        }
        rebuilt == state
            && (0..self.slots()).all(|slot| {
                let value = get(state, slot);
                if self.present(slot) {
                    usize::from(value) < self.states[kind_of(slot) as usize]
                } else {
                    value == 0
                }
            })
    }

    /// Number of component slots.
    pub(crate) fn slots(&self) -> usize {
        FIRST_VIEW + 2 * self.views
    }

    /// Whether a slot holds a component in this configuration.
    pub(crate) fn present(&self, slot: usize) -> bool {
        slot < self.slots() && (self.has_cgs || !(slot == 4 || slot == 5))
    }

    pub(crate) fn protected(&self, kind: Kind) -> bool {
        self.protected[kind as usize]
    }

    fn names<F: Fn(&dyn Part, &str) -> Option<u8>>(
        &self,
        kinds: &[Kind],
        name: &str,
        what: &str,
        find: F,
    ) -> Result<[u8; KINDS], SystemError> {
        let mut resolved = [NONE; KINDS];
        for &kind in kinds {
            resolved[kind as usize] =
                find(self.parts[kind as usize].as_ref(), name).ok_or_else(|| {
                    SystemError::Wiring(format!(
                        "{what}: `{name}` is not a name of {kind:?} (it must be one of every \
                         kind in {kinds:?})"
                    ))
                })?;
        }
        Ok(resolved)
    }

    fn mask(&self, kind: Kind, names: &[&str], what: &str) -> Result<u32, SystemError> {
        let mut mask = 0u32;
        for name in names {
            let index = self.parts[kind as usize].state_index(name).ok_or_else(|| {
                SystemError::Wiring(format!("{what}: `{name}` is not a state of {kind:?}"))
            })?;
            mask |= 1 << index;
        }
        Ok(mask)
    }

    /// Compiles a guard. `target` and `source` are the kinds the reaction's target and
    /// the wiring row's source can be (empty where there is none: a precondition has
    /// neither, a stimulus row no source); a state name must be one of every such kind.
    fn guard(
        &self,
        guard: &Guard,
        target: &[Kind],
        source: &[Kind],
        what: &str,
    ) -> Result<CGuard, SystemError> {
        let state_of = |kinds: &[Kind], name: &str, role: &str| {
            if kinds.is_empty() {
                return Err(SystemError::Wiring(format!(
                    "{what}: a guard on the {role}'s state (`{name}`) where there is no {role}"
                )));
            }
            self.names(kinds, name, what, |p, n| p.state_index(n))
        };
        Ok(match guard {
            Guard::Always => CGuard::Always,
            Guard::PoolUp => CGuard::PoolUp,
            Guard::PoolDown => CGuard::PoolDown,
            Guard::ConnectionUp => CGuard::ConnectionUp,
            Guard::ConnectionDown => CGuard::ConnectionDown,
            Guard::Registration(names) => {
                CGuard::Registration(self.mask(Kind::Registration, names, what)?)
            }
            Guard::Endpoint(names) => CGuard::Endpoint(self.mask(Kind::Endpoint, names, what)?),
            Guard::Target(name) => CGuard::Target(state_of(target, name, "target")?),
            Guard::Source(name) => CGuard::Source(state_of(source, name, "source")?),
            Guard::TargetProtected => CGuard::TargetProtected,
            Guard::UserEndpoint => CGuard::UserEndpoint,
            Guard::Not(inner) => CGuard::Not(Box::new(self.guard(inner, target, source, what)?)),
            Guard::All(inner) => CGuard::All(
                inner
                    .iter()
                    .map(|g| self.guard(g, target, source, what))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    fn reactions(
        &mut self,
        reactions: &[Reaction],
        source: &[Kind],
        what: &str,
    ) -> Result<Vec<CReaction>, SystemError> {
        let compiled: Vec<CReaction> = reactions
            .iter()
            .map(|reaction| {
                let kinds = target_kinds(reaction.target);
                let action = match reaction.action {
                    Action::Call(name) => {
                        CAction::Call(self.names(kinds, name, what, |p, n| p.stimulus_index(n))?)
                    }
                    Action::Deliver(name) => {
                        CAction::Deliver(self.names(kinds, name, what, |p, n| p.stimulus_index(n))?)
                    }
                    Action::Reply(request) => CAction::Reply(request),
                    Action::Renew => CAction::Renew,
                    Action::SetPool(up) => CAction::SetPool(up),
                    Action::SetConnection(up) => CAction::SetConnection(up),
                };
                Ok(CReaction {
                    target: reaction.target,
                    action,
                    when: self.guard(&reaction.when, kinds, source, what)?,
                    memo: NO_MEMO,
                })
            })
            .collect::<Result<_, SystemError>>()?;
        Ok(compiled
            .into_iter()
            .map(|mut reaction| {
                let broadcast = matches!(reaction.target, Target::Owners | Target::Subscriptions);
                let rejects = matches!(reaction.action, CAction::Call(_));
                if self.pair_local && broadcast && !rejects && self.broadcasts < NO_MEMO - 1 {
                    reaction.memo = self.broadcasts;
                    self.broadcasts += 1;
                }
                reaction
            })
            .collect())
    }

    /// The effect of a broadcast reaction on the pair of an owner of `class` (the first
    /// owner of that class), run on a state that holds only the context and that pair;
    /// memoised. `None` when the run does anything beyond the pair (then the caller runs
    /// it in full).
    fn broadcast_effect(
        &self,
        reaction: &CReaction,
        source: Option<usize>,
        class: usize,
        context: usize,
        pair: u8,
    ) -> Option<(u8, u32)> {
        let index = ((usize::from(reaction.memo) * CLASSES + class) * CONTEXTS + context) * PAIRS
            + usize::from(pair);
        let entry = self.memo.get(index)?;
        let mut known = entry.load(Ordering::Relaxed);
        if known == 0 {
            known = self.compute_effect(reaction, source, class, context, pair);
            entry.store(known, Ordering::Relaxed);
        }
        if known & MEMO_FULL != 0 {
            return None;
        }
        Some(((known & 0b11_1111) as u8, (known >> 6) & 0xFFFF))
    }

    fn compute_effect(
        &self,
        reaction: &CReaction,
        source: Option<usize>,
        class: usize,
        context: usize,
        pair: u8,
    ) -> u32 {
        /// Notes whether any delivery reaches a slot outside the owner's pair.
        struct Confined(usize, bool);
        impl Observer for Confined {
            fn delivered(&mut self, delivery: &Delivery) {
                if delivery.slot != self.0 && delivery.slot != self.0 + 1 {
                    self.1 = false;
                }
            }
        }
        let owner = LOCAL_OWNER_PRESENCE + 2 * class;
        let mut state = Packed::default();
        state.0[0] = context as u64;
        state.set_pair(owner, pair);
        let budget = u32::from(u16::MAX);
        let mut confined = Confined(owner, true);
        let mut run = Run {
            engine: self,
            state,
            budget,
            diverged: false,
            rejected: None,
            abort: false,
            observer: &mut confined,
        };
        let offset = usize::from(reaction.target == Target::Subscriptions);
        run.apply(reaction, Some(owner + offset), source);
        let (after, used, clean) = (
            run.state,
            budget - run.budget,
            !run.abort && !run.diverged && run.rejected.is_none(),
        );
        let mut outside = after;
        outside.set_pair(owner, 0);
        state.set_pair(owner, 0);
        if !confined.1 || !clean || outside != state {
            return MEMO_KNOWN | MEMO_FULL;
        }
        MEMO_KNOWN | (used << 6) | u32::from(after.pair(owner))
    }

    /// Runs one macro-step.
    pub(crate) fn step<O: Observer>(
        &self,
        state: Packed,
        stimulus: SystemStimulus,
        observer: &mut O,
    ) -> StepResult {
        let index = stimulus.index();
        let mut run = Run {
            engine: self,
            state,
            budget: self.budget,
            diverged: false,
            rejected: None,
            abort: false,
            observer,
        };
        if !run.holds(&self.stimulus_requires[index], None, None) {
            return StepResult {
                next: state,
                rejected: stimulus
                    .is_application()
                    .then_some("InvalidOperationException"),
                diverged: false,
            };
        }
        run.react(&self.stimulus_rows[index], None);
        if run.rejected.is_some() {
            return StepResult {
                next: state,
                rejected: run.rejected,
                diverged: false,
            };
        }
        StepResult {
            next: run.state,
            rejected: None,
            diverged: run.diverged,
        }
    }

    /// The canonical representative: remote views sorted by their (view, subscription)
    /// pair.
    pub(crate) fn canonical(&self, state: Packed) -> Packed {
        let n = self.views;
        if n < 2 {
            return state;
        }
        let mut pairs = [0u8; MAX_VIEWS];
        for (i, pair) in pairs.iter_mut().enumerate().take(n) {
            *pair = Self::pair(state, i);
        }
        pairs[..n].sort_unstable();
        let mut out = state;
        for (i, pair) in pairs.iter().enumerate().take(n) {
            out.set_pair(FIRST_VIEW + 2 * i, *pair);
        }
        out
    }

    #[inline]
    fn cell(&self, kind: Kind, state: u8, stimulus: u8) -> Cell {
        let k = kind as usize;
        self.cells[k][usize::from(state) * self.stimuli[k] + usize::from(stimulus)]
    }

    fn pair(state: Packed, view: usize) -> u8 {
        state.pair(FIRST_VIEW + 2 * view)
    }

    /// Whether six bits are a (view, subscription) pair of this system: each half a state
    /// of its table.
    pub(crate) fn valid_view_pair(&self, pair: u8) -> bool {
        usize::from(pair & 0b111) < self.states[Kind::RemotePresence as usize]
            && usize::from(pair >> 3 & 0b111) < self.states[Kind::ViewSubscription as usize]
    }

    /// Whether a view in table state `view` accepts `BeginSubscribe` (so may be the
    /// free view that `SubscribeRemotePresence` subscribes).
    pub(crate) fn accepts_subscribe(&self, view: u8) -> bool {
        self.begin_subscribe_view != NONE
            && self
                .cell(Kind::RemotePresence, view, self.begin_subscribe_view)
                .outcome
                != Outcome::Rejected
    }

    fn free_view(&self, state: Packed) -> Option<usize> {
        let accepts = |i: usize| self.accepts_subscribe(get(state, FIRST_VIEW + 2 * i));
        let least = |candidates: &mut dyn Iterator<Item = usize>| {
            candidates.min_by_key(|&i| Self::pair(state, i))
        };
        least(&mut (0..self.views).filter(|&i| accepts(i)))
            .or_else(|| least(&mut (0..self.views)))
            .map(|i| FIRST_VIEW + 2 * i)
    }
}

struct Run<'a, O: Observer> {
    engine: &'a Engine,
    state: Packed,
    budget: u32,
    diverged: bool,
    rejected: Option<&'static str>,
    abort: bool,
    observer: &'a mut O,
}

impl<O: Observer> Run<'_, O> {
    fn holds(&self, guard: &CGuard, target: Option<usize>, source: Option<usize>) -> bool {
        let world = world(self.state);
        let state_of = |slot: Option<usize>, names: &[u8; KINDS]| {
            slot.is_some_and(|slot| {
                let expected = names[kind_of(slot) as usize];
                expected != NONE && get(self.state, slot) == expected
            })
        };
        match guard {
            CGuard::Always => true,
            CGuard::PoolUp => world.pool_up,
            CGuard::PoolDown => !world.pool_up,
            CGuard::ConnectionUp => world.connection_up,
            CGuard::ConnectionDown => !world.connection_up,
            CGuard::Registration(mask) => mask & (1 << get(self.state, REGISTRATION)) != 0,
            CGuard::Endpoint(mask) => mask & (1 << get(self.state, ENDPOINT)) != 0,
            CGuard::Target(names) => state_of(target, names),
            CGuard::Source(names) => state_of(source, names),
            CGuard::TargetProtected => {
                target.is_some_and(|slot| self.engine.protected(kind_of(slot)))
            }
            CGuard::UserEndpoint => self.engine.has_cgs,
            CGuard::Not(inner) => !self.holds(inner, target, source),
            CGuard::All(inner) => inner.iter().all(|g| self.holds(g, target, source)),
        }
    }

    fn react(&mut self, reactions: &[CReaction], source: Option<usize>) {
        for reaction in reactions {
            if self.abort {
                return;
            }
            let engine = self.engine;
            match reaction.target {
                Target::Registration => self.apply(reaction, Some(REGISTRATION), source),
                Target::Endpoint => self.apply(reaction, Some(ENDPOINT), source),
                Target::LocalOwnerPresence => {
                    self.apply(reaction, Some(LOCAL_OWNER_PRESENCE), source)
                }
                Target::ContactGroupServices => self.apply(
                    reaction,
                    engine.has_cgs.then_some(CONTACT_GROUP_SERVICES),
                    source,
                ),
                Target::FreeView => {
                    let view = engine.free_view(self.state);
                    self.apply(reaction, view, source);
                }
                Target::Owner => {
                    // The owner of a subscription, or the owner itself; nothing otherwise.
                    let owner = source
                        .filter(|&slot| slot >= LOCAL_OWNER_PRESENCE)
                        .map(|slot| slot - (slot - LOCAL_OWNER_PRESENCE) % 2);
                    self.apply(reaction, owner, source);
                }
                Target::Subscription => {
                    // The subscription of an owner, or the subscription itself.
                    let sub = source
                        .filter(|&slot| slot >= LOCAL_OWNER_PRESENCE)
                        .map(|slot| slot + 1 - (slot - LOCAL_OWNER_PRESENCE) % 2);
                    self.apply(reaction, sub, source);
                }
                Target::Owners | Target::Subscriptions => {
                    let offset = usize::from(reaction.target == Target::Subscriptions);
                    if O::SILENT && reaction.memo != NO_MEMO {
                        self.broadcast_memoised(reaction, source, offset);
                    } else {
                        for owner in (LOCAL_OWNER_PRESENCE..engine.slots()).step_by(2) {
                            if engine.present(owner) {
                                self.apply(reaction, Some(owner + offset), source);
                            }
                        }
                    }
                }
            }
        }
    }

    /// A broadcast to every owner (or every owner's subscription), each owner's effect
    /// from the memo when it is known to stay within its (owner, subscription) pair and
    /// fits the remaining budget, else in full.
    fn broadcast_memoised(&mut self, reaction: &CReaction, source: Option<usize>, offset: usize) {
        let engine = self.engine;
        for slot in (LOCAL_OWNER_PRESENCE..engine.slots()).step_by(2) {
            if self.abort {
                return;
            }
            if !engine.present(slot) {
                continue;
            }
            let class = (slot.min(FIRST_VIEW) - LOCAL_OWNER_PRESENCE) / 2;
            let context = (self.state.0[0] & ((1u64 << CONTEXT_BITS) - 1)) as usize;
            let pair = self.state.pair(slot);
            match engine.broadcast_effect(reaction, source, class, context, pair) {
                Some((after, used)) if used <= self.budget => {
                    self.budget -= used;
                    self.state.set_pair(slot, after);
                }
                _ => self.apply(reaction, Some(slot + offset), source),
            }
        }
    }

    fn apply(&mut self, reaction: &CReaction, target: Option<usize>, source: Option<usize>) {
        if self.abort || !self.holds(&reaction.when, target, source) {
            return;
        }
        match reaction.action {
            CAction::SetPool(up) => self.state.0[0] = (self.state.0[0] & !1) | u64::from(!up),
            CAction::SetConnection(up) => {
                self.state.0[0] = (self.state.0[0] & !2) | (u64::from(!up) << 1);
            }
            CAction::Call(names) => match target {
                Some(slot) if names[kind_of(slot) as usize] != NONE => {
                    self.deliver(slot, names[kind_of(slot) as usize], true);
                }
                _ => {
                    self.rejected = Some("InvalidOperationException");
                    self.abort = true;
                }
            },
            CAction::Deliver(names) => {
                if let Some(slot) = target {
                    let stimulus = names[kind_of(slot) as usize];
                    if stimulus != NONE {
                        self.deliver(slot, stimulus, false);
                    }
                }
            }
            CAction::Reply(request) => {
                if let Some(slot) = target {
                    let kind = kind_of(slot) as usize;
                    let answer =
                        self.engine.replies[kind][request as usize][self.state.world_bits()];
                    if answer != NONE {
                        self.deliver(slot, answer, false);
                    }
                }
            }
            CAction::Renew => {
                // Only a SipSubscription is ever replaced by a new instance.
                let subscription = target.filter(|&slot| {
                    matches!(
                        kind_of(slot),
                        Kind::SessionSubscription | Kind::ViewSubscription
                    )
                });
                if let Some(slot) = subscription {
                    let kind = kind_of(slot);
                    let fresh = self.engine.parts[kind as usize].initial();
                    let from = get(self.state, slot);
                    self.observer.delivered(&Delivery {
                        slot,
                        kind,
                        on: NONE,
                        from,
                        to: fresh,
                        outcome: Outcome::Renewed,
                        row: u16::MAX,
                        before: self.state,
                    });
                    set(&mut self.state, slot, fresh);
                }
            }
        }
    }

    fn deliver(&mut self, slot: usize, stimulus: u8, primary: bool) {
        if self.abort {
            return;
        }
        if self.budget == 0 {
            self.diverged = true;
            self.abort = true;
            return;
        }
        self.budget -= 1;
        let engine = self.engine;
        let kind = kind_of(slot);
        let from = get(self.state, slot);
        let cell = engine.cell(kind, from, stimulus);
        self.observer.delivered(&Delivery {
            slot,
            kind,
            on: stimulus,
            from,
            to: cell.to,
            outcome: cell.outcome,
            row: cell.row,
            before: self.state,
        });
        match cell.outcome {
            Outcome::Rejected => {
                if primary {
                    self.rejected = Some(cell.error);
                    self.abort = true;
                }
            }
            Outcome::Ignored | Outcome::Renewed => {}
            Outcome::Moved => {
                set(&mut self.state, slot, cell.to);
                let k = kind as usize;
                let fired = &engine.triggers[k]
                    [usize::from(stimulus) * engine.states[k] + usize::from(cell.to)];
                for &row in fired {
                    self.observer.wired(usize::from(row));
                    self.react(&engine.wiring[usize::from(row)], Some(slot));
                }
            }
        }
    }
}

/// Rows compiled into a table, for replacing one component's rows.
pub(crate) fn compile<M: Machine>(
    rows: Cow<'static, [fsm::Row<M>]>,
    parameters: M::Parameters,
) -> Result<Table<M>, SystemError> {
    Table::from_rows(rows, parameters).map_err(|errors| {
        SystemError::Table(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
