//! Building the engine from the tables and the rows: every name resolved (for every kind
//! it can meet), the wiring compiled into look-ups, the memo allocated.

use std::borrow::Cow;
use std::sync::atomic::AtomicU32;

use strum::{EnumCount, IntoEnumIterator};

use fsm::{Machine, Table};

use super::part::small;
use super::*;
use crate::system::wiring::{
    Action, Guard, Reaction, Request, Source, StimulusRow, Target, WiringRow,
};
use crate::system::world::reply;
use crate::system::{SystemConfig, SystemError, SystemStimulus, Tables};

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
    /// Builds the engine: the tables boxed behind one interface, their cells and the
    /// world's answers as look-ups, every row's names resolved, the memo, the initial
    /// state. Each step is one function below.
    pub(crate) fn new(
        config: &SystemConfig,
        tables: Tables,
        stimulus_rows: &[StimulusRow],
        wiring: &[WiringRow],
    ) -> Result<Self, SystemError> {
        check_views(config)?;
        let mut engine = Engine::unwired(config, tables, pair_local(wiring))?;
        engine.compile_stimulus_rows(stimulus_rows)?;
        engine.compile_wiring(wiring)?;
        engine.memo = memo(engine.broadcasts);
        engine.initial = engine.initial_state();
        Ok(engine)
    }

    /// The engine before its rows are compiled: the tables boxed, their cells and the
    /// world's answers as look-ups, no reactions, no memo and a blank initial state.
    fn unwired(
        config: &SystemConfig,
        tables: Tables,
        pair_local: bool,
    ) -> Result<Self, SystemError> {
        let view_home = tables.view_subscription.parameters().home_pool;
        let protected = protected(&tables);
        let parts = boxed(tables);
        let stimuli: [usize; KINDS] = std::array::from_fn(|k| parts[k].stimuli());
        let states: [usize; KINDS] = std::array::from_fn(|k| parts[k].states());
        check_states(&states)?;
        let cells = cells_of(&parts, &states, &stimuli);
        let replies = replies_of(&parts, view_home);
        let begin_subscribe_view = parts[Kind::RemotePresence as usize]
            .stimulus_index("BeginSubscribe")
            .unwrap_or(NONE);
        Ok(Engine {
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
            budget: budget(config.remote_views),
            begin_subscribe_view,
            pair_local,
            broadcasts: 0,
            memo: Vec::new(),
        })
    }

    /// Every system stimulus's one row: its precondition and its reactions.
    fn compile_stimulus_rows(&mut self, rows: &[StimulusRow]) -> Result<(), SystemError> {
        for (i, expected) in SystemStimulus::all().enumerate() {
            let mut matching = rows.iter().filter(|row| row.on == expected);
            let (Some(row), None) = (matching.next(), matching.next()) else {
                return Err(SystemError::Wiring(format!(
                    "{expected} needs exactly one stimulus row"
                )));
            };
            let what = format!("stimulus row {i} ({expected})");
            let requires = self.guard(&row.requires, &[], &[], &what)?;
            self.stimulus_requires.push(requires);
            let reactions = self.reactions(row.then, &[], &what)?;
            self.stimulus_rows.push(reactions);
        }
        Ok(())
    }

    /// Every wiring row: its reactions, and the cells (kind, stimulus, state reached)
    /// that trigger it.
    fn compile_wiring(&mut self, wiring: &[WiringRow]) -> Result<(), SystemError> {
        for (i, row) in wiring.iter().enumerate() {
            let what = format!("wiring row {i}");
            let reactions = self.reactions(row.then, kinds_of(row.on.source), &what)?;
            self.wiring.push(reactions);
            self.trigger(i, row, &what)?;
        }
        Ok(())
    }

    /// Lists wiring row `i` under every cell its trigger matches, for every kind the
    /// source can be. A name must resolve for each of them: a row that fires for some
    /// and silently not for others is refused.
    fn trigger(&mut self, i: usize, row: &WiringRow, what: &str) -> Result<(), SystemError> {
        for &kind in kinds_of(row.on.source) {
            let k = kind as usize;
            let missing = |what_name: &str| {
                SystemError::Wiring(format!(
                    "{what}: trigger {:?} names {what_name} that {kind:?} (a {:?}) does not have",
                    row.on, row.on.source
                ))
            };
            let on = match row.on.on {
                None => None,
                Some(name) => Some(
                    self.parts[k]
                        .stimulus_index(name)
                        .ok_or_else(|| missing("a stimulus"))?,
                ),
            };
            let to = match row.on.to {
                None => None,
                Some(name) => Some(
                    self.parts[k]
                        .state_index(name)
                        .ok_or_else(|| missing("a state"))?,
                ),
            };
            for stimulus in 0..self.stimuli[k] {
                for state in 0..self.states[k] {
                    if on.is_none_or(|on| usize::from(on) == stimulus)
                        && to.is_none_or(|to| usize::from(to) == state)
                    {
                        self.triggers[k][stimulus * self.states[k] + state]
                            .push(u16::try_from(i).unwrap_or(u16::MAX));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every present component in its table's initial state, the world up.
    fn initial_state(&self) -> Packed {
        let mut initial = Packed::default();
        for slot in 0..self.slots() {
            set(
                &mut initial,
                slot,
                self.parts[kind_of(slot) as usize].initial(),
            );
        }
        initial
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
}

/// Refuses more remote views than the packed state holds.
fn check_views(config: &SystemConfig) -> Result<(), SystemError> {
    if config.remote_views > MAX_VIEWS {
        return Err(SystemError::TooManyViews {
            views: config.remote_views,
            max: MAX_VIEWS,
        });
    }
    Ok(())
}

/// Refuses a table with more states than a slot of the packed state holds.
fn check_states(states: &[usize; KINDS]) -> Result<(), SystemError> {
    if states.iter().any(|&n| n > 8) {
        return Err(SystemError::Wiring(
            "a component has more than 8 states".into(),
        ));
    }
    Ok(())
}

/// Which kinds are SipSubscriptions the high-availability rules protect (platform and
/// home pool, SUB-1, SUB-4), in [`Kind`] order.
fn protected(tables: &Tables) -> [bool; KINDS] {
    let session = tables.session_subscription.parameters().protected();
    let view = tables.view_subscription.parameters().protected();
    std::array::from_fn(|k| match Kind::ALL[k] {
        Kind::SessionSubscription => session,
        Kind::ViewSubscription => view,
        _ => false,
    })
}

/// The deliveries one macro-step may make before it counts as diverging: 64, and 32 more
/// for each component slot.
fn budget(views: usize) -> u32 {
    64 + 32 * (FIRST_VIEW as u32 + 2 * views as u32)
}

/// The memo of `broadcasts` memoised broadcast reactions, every entry unknown.
fn memo(broadcasts: u16) -> Vec<AtomicU32> {
    (0..usize::from(broadcasts) * CLASSES * CONTEXTS * PAIRS)
        .map(|_| AtomicU32::new(0))
        .collect()
}

/// The tables behind one interface, in [`Kind`] order.
fn boxed(tables: Tables) -> [Box<dyn Part>; KINDS] {
    [
        Box::new(tables.registration),
        Box::new(tables.endpoint),
        Box::new(tables.local_owner_presence),
        Box::new(tables.contact_group_services),
        Box::new(tables.remote_presence),
        Box::new(tables.session_subscription),
        Box::new(tables.view_subscription),
    ]
}

/// Every table's cells, state-major.
fn cells_of(
    parts: &[Box<dyn Part>; KINDS],
    states: &[usize; KINDS],
    stimuli: &[usize; KINDS],
) -> [Vec<Cell>; KINDS] {
    std::array::from_fn(|k| {
        let mut cells = Vec::with_capacity(states[k] * stimuli[k]);
        for state in 0..states[k] {
            for stimulus in 0..stimuli[k] {
                cells.push(parts[k].cell(small(state), small(stimulus)));
            }
        }
        cells
    })
}

/// `replies[kind][request][world bits]`: the stimulus the world answers a request with,
/// or `NONE`.
fn replies_of(
    parts: &[Box<dyn Part>; KINDS],
    view_home: bool,
) -> [[[u8; 4]; Request::COUNT]; KINDS] {
    let mut replies = [[[NONE; 4]; Request::COUNT]; KINDS];
    for (k, per_kind) in replies.iter_mut().enumerate() {
        let home = Kind::ALL[k] != Kind::ViewSubscription || view_home;
        for request in Request::iter() {
            for (bits, answer) in per_kind[request as usize].iter_mut().enumerate() {
                if let Some(name) = reply(request, world_of(bits), home) {
                    *answer = parts[k].stimulus_index(name).unwrap_or(NONE);
                }
            }
        }
    }
    replies
}

/// Whether every reaction an owner's or subscription's change triggers stays within its
/// (owner, subscription) pair (see [`Engine::pair_local`]).
fn pair_local(wiring: &[WiringRow]) -> bool {
    wiring.iter().all(|row| {
        !matches!(row.on.source, Source::Owner | Source::Subscription)
            || row.then.iter().all(|reaction| {
                matches!(reaction.target, Target::Owner | Target::Subscription)
                    && matches!(
                        reaction.action,
                        Action::Deliver(_) | Action::Reply(_) | Action::Renew
                    )
            })
    })
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
