//! The composed tables: the compiled wiring and the macro-step that runs every internal
//! reaction to completion. The packed state's layout is [`super::layout`]; building the
//! engine from the rows is `build.rs`; a component table behind one interface `part.rs`.

use std::sync::atomic::{AtomicU32, Ordering};

use strum::EnumCount;

use fsm::Symbol;

use super::wiring::{Request, Target};
use super::SystemStimulus;
use crate::local_endpoint::EndpointKind;

mod build;
mod part;

pub(crate) use super::layout::{
    get, kind_of, set, world, world_of, CONTACT_GROUP_SERVICES, ENDPOINT, FIRST_VIEW, KINDS,
    LOCAL_OWNER_PRESENCE, NONE, REGISTRATION, WIDTH, WORLD_BITS,
};
pub use super::layout::{Kind, Packed, MAX_VIEWS};
pub(crate) use build::compile;
pub(crate) use part::Part;

/// One cell of a compiled table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    outcome: DeliveryOutcome,
    to: u8,
    row: u16,
    error: &'static str,
}

/// What a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryOutcome {
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
    pub outcome: DeliveryOutcome,
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

impl Engine {
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
                != DeliveryOutcome::Rejected
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
                        outcome: DeliveryOutcome::Renewed,
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
            DeliveryOutcome::Rejected => {
                if primary {
                    self.rejected = Some(cell.error);
                    self.abort = true;
                }
            }
            DeliveryOutcome::Ignored | DeliveryOutcome::Renewed => {}
            DeliveryOutcome::Moved => {
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
