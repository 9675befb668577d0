//! `ucma-ha export promela`: the composed system as a Promela model for SPIN, generated at
//! run time from the same component tables, stimulus rows and wiring rows the checker
//! explores (CONTRACT section 7), so that SPIN is an independent second opinion on the
//! checker's state count and verdicts.
//!
//! # Shape of the model
//! - The state is the world (`pool_down`, `connection_dropped`) and one `byte` per
//!   component slot (`st[SLOT]`), in the slot order of [`crate::system`]. A slot holds its
//!   table state *rotated* so that the table's initial state is 0 (Promela can only
//!   initialise an array to one value); `#define`s name every state code used.
//! - One active proctype runs `do :: d_step { ... } :: ... od`: one `d_step` per system
//!   stimulus, whose guard is the stimulus row's precondition, so a macro-step is one
//!   atomic SPIN transition and every stored SPIN state is one system state (the process
//!   is always at the loop's head; no start or end state is added).
//! - Inside a `d_step`, a small interpreter runs the macro-step exactly as the engine does:
//!   the reactions of the stimulus row, then, depth first and in row order, the wiring
//!   rows each delivery triggers, with the same step budget. Its tables (cells, replies,
//!   reactions, triggers) live in `hidden` arrays, which SPIN does not store; they are
//!   filled on the first transition. Every other scratch variable is `hidden` too and is
//!   written before it is read in each `d_step`.
//! - With symmetry on, each step ends by sorting the remote views' (view, subscription)
//!   pairs, the checker's canonical form; with `--no-symmetry` it does not.
//! - Properties: each safety property of [`crate::system::properties`] is a `hidden` flag
//!   set by the delivery that violates it and asserted at the end of the `d_step`
//!   (`assertion violated !(violated_NAME)`). `no_deadlock` is asserted by one extra
//!   `d_step` that changes nothing (so adds no state): it runs every stimulus that is not
//!   a world toggle on a copy of the state and asserts that one moves the system or the
//!   endpoint is Terminated; a macro-step that does not settle within the budget
//!   violates it too. `recovery_after_outage` is the LTL formula of that name, compiled
//!   with `spin -DLIVENESS -a`: the model then also records the stimulus that last moved
//!   the system (`last`) and whether each fair stimulus would move it (`en_NAME`), and
//!   the formula's premise is the checker's strong fairness and its exclusions.
//! - Each `d_step` prints `{"on": "NAME"},` when SPIN replays a trail (`spin -t`), which
//!   `tools/spin-trail-to-trace.sh` wraps into a trace file for `ucma-ha replay`.

use std::fmt::Write as _;

use fsm::{Machine, RowOutcome, Symbol, Table};

use crate::events::Event;
use crate::system::properties::{excluded_after_recovery, fair, PROPERTIES};
use crate::system::wiring::{Action, Guard, Request, Source, StimulusRow, Target, WiringRow};
use crate::system::world::{reply, World};
use crate::system::{Packed, System, SystemConfig, SystemError, SystemStimulus, Tables, MAX_VIEWS};
use crate::vocabulary::{RegistrationTransitionReason, ServiceState};

const NONE: u8 = 255;
const KINDS: usize = 7;
const KIND_NAMES: [&str; KINDS] = [
    "registration",
    "local_endpoint",
    "local_owner_presence",
    "contact_group_services",
    "remote_presence",
    "session_subscription",
    "view_subscription",
];
const REQUESTS: [Request; 7] = [
    Request::Register,
    Request::Refresh,
    Request::Unregister,
    Request::UserServicesStatus,
    Request::Subscribe,
    Request::SubscriptionRefresh,
    Request::Unsubscribe,
];
const FIRST_VIEW: usize = 6;

/// Cell outcomes in the model.
const MOVED: u8 = 0;
const IGNORED: u8 = 1;
const REJECTED: u8 = 2;

/// One component table with its types erased, states numbered so the initial one is 0.
struct Part {
    states: Vec<&'static str>,
    stimuli: Vec<&'static str>,
    initial: usize,
    /// `(outcome, to code, clauses)` per (state code, stimulus).
    cells: Vec<(u8, u8, &'static [&'static str])>,
    protected: bool,
}

impl Part {
    fn new<M: Machine>(table: &Table<M>, protected: bool) -> Part {
        let states: Vec<&'static str> = M::State::all().map(Symbol::name).collect();
        let stimuli: Vec<&'static str> = M::Stimulus::all().map(Symbol::name).collect();
        let initial = table.initial().index();
        let n = states.len();
        let mut cells = vec![(IGNORED, 0, &[][..]); n * stimuli.len()];
        for from in M::State::all() {
            for on in M::Stimulus::all() {
                let row = table.row(from, on);
                let (outcome, to) = match row.outcome {
                    RowOutcome::Move { to, .. } => (MOVED, to.index()),
                    RowOutcome::Ignore => (IGNORED, from.index()),
                    RowOutcome::Reject(_) => (REJECTED, from.index()),
                };
                let code = (from.index() + n - initial) % n;
                cells[code * stimuli.len() + on.index()] =
                    (outcome, ((to + n - initial) % n) as u8, row.clauses);
            }
        }
        Part {
            states,
            stimuli,
            initial,
            cells,
            protected,
        }
    }

    /// The model's code of a state index.
    fn code(&self, index: usize) -> u8 {
        let n = self.states.len();
        ((index + n - self.initial) % n) as u8
    }

    /// The model's code of a state, by name.
    fn state(&self, name: &str) -> Option<u8> {
        self.states
            .iter()
            .position(|s| *s == name)
            .map(|i| self.code(i))
    }

    fn stimulus(&self, name: &str) -> Option<u8> {
        self.stimuli
            .iter()
            .position(|s| *s == name)
            .and_then(|i| u8::try_from(i).ok())
    }

    /// The table state index of a code (inverse of [`Part::code`]).
    fn index(&self, code: usize) -> usize {
        (code + self.initial) % self.states.len()
    }
}

fn kind_of(slot: usize) -> usize {
    match slot {
        0 => 0,
        1 => 1,
        2 => 2,
        4 => 3,
        3 | 5 => 5,
        s if s % 2 == 0 => 4,
        _ => 6,
    }
}

fn target_code(target: Target) -> u8 {
    match target {
        Target::Registration => 0,
        Target::Endpoint => 1,
        Target::LocalOwnerPresence => 2,
        Target::ContactGroupServices => 3,
        Target::FreeView => 4,
        Target::Owner => 5,
        Target::Subscription => 6,
        Target::Owners => 7,
        Target::Subscriptions => 8,
    }
}

fn target_kinds(target: Target) -> &'static [usize] {
    match target {
        Target::Registration => &[0],
        Target::Endpoint => &[1],
        Target::LocalOwnerPresence => &[2],
        Target::ContactGroupServices => &[3],
        Target::FreeView => &[4],
        Target::Owner | Target::Owners => &[2, 3, 4],
        Target::Subscription | Target::Subscriptions => &[5, 6],
    }
}

fn source_kinds(source: Source) -> &'static [usize] {
    match source {
        Source::Registration => &[0],
        Source::Endpoint => &[1],
        Source::Owner => &[2, 3, 4],
        Source::Subscription => &[5, 6],
    }
}

/// Where a guard is evaluated: in a stimulus row's precondition there is no target or
/// source; in a reaction they are the `T` and `S` slots.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Precondition,
    Reaction,
}

/// The generator: the parts and the resolved wiring.
struct Generator<'a> {
    config: SystemConfig,
    symmetry: bool,
    parts: Vec<Part>,
    stimulus_rows: Vec<&'a StimulusRow>,
    wiring_rows: &'a [WiringRow],
    views_home: bool,
    registration_events_bad: Vec<bool>,
    system: System,
}

fn bad(what: String) -> SystemError {
    SystemError::Wiring(what)
}

/// Writes the Promela model of a system built from `tables` and the given rows (the
/// shipped ones for [`export`]), as the checker would build it.
///
/// # Errors
/// [`SystemError`] when the system cannot be built (too many views, a name the tables do
/// not have, a stimulus without exactly one row).
pub fn export_with(
    config: SystemConfig,
    tables: &Tables,
    stimulus_rows: &'static [StimulusRow],
    wiring_rows: &'static [WiringRow],
    symmetry: bool,
) -> Result<String, SystemError> {
    export_rows(config, tables, stimulus_rows, wiring_rows, symmetry)
}

/// [`export_with`] for rows that need not be `'static` (mutants built at run time).
///
/// # Errors
/// As [`export_with`].
pub fn export_rows(
    config: SystemConfig,
    tables: &Tables,
    stimulus_rows: &[StimulusRow],
    wiring_rows: &[WiringRow],
    symmetry: bool,
) -> Result<String, SystemError> {
    // Building the system validates the rows exactly as the checker does.
    let system = System::with(
        config,
        tables.clone(),
        std::borrow::Cow::Owned(stimulus_rows.to_vec()),
        std::borrow::Cow::Owned(wiring_rows.to_vec()),
    )?;
    if config.remote_views > MAX_VIEWS {
        return Err(SystemError::TooManyViews {
            views: config.remote_views,
            max: MAX_VIEWS,
        });
    }
    let parts = vec![
        Part::new(&tables.registration, false),
        Part::new(&tables.endpoint, false),
        Part::new(&tables.local_owner_presence, false),
        Part::new(&tables.contact_group_services, false),
        Part::new(&tables.remote_presence, false),
        Part::new(
            &tables.session_subscription,
            tables.session_subscription.parameters().protected(),
        ),
        Part::new(
            &tables.view_subscription,
            tables.view_subscription.parameters().protected(),
        ),
    ];
    let mut ordered = Vec::new();
    for stimulus in SystemStimulus::all() {
        let mut matching = stimulus_rows.iter().filter(|row| row.on == stimulus);
        match (matching.next(), matching.next()) {
            (Some(row), None) => ordered.push(row),
            _ => return Err(bad(format!("{stimulus} needs exactly one stimulus row"))),
        }
    }
    let registration_events_bad = registration_events_bad(&tables.registration);
    let generator = Generator {
        config,
        symmetry,
        parts,
        stimulus_rows: ordered,
        wiring_rows,
        views_home: tables.view_subscription.parameters().home_pool,
        registration_events_bad,
        system,
    };
    generator.generate()
}

/// The Promela model of the shipped system in a configuration.
///
/// # Errors
/// [`SystemError::TooManyViews`] above [`MAX_VIEWS`].
///
/// # Examples
/// ```
/// use ucma_ha::system::SystemConfig;
/// let model = ucma_ha::export::promela::export(SystemConfig::default(), false)?;
/// assert!(model.contains("active proctype system()"));
/// assert!(model.contains("ltl recovery_after_outage"));
/// # Ok::<(), ucma_ha::system::SystemError>(())
/// ```
pub fn export(config: SystemConfig, symmetry: bool) -> Result<String, SystemError> {
    use crate::system::wiring::{STIMULUS_ROWS, WIRING_ROWS};
    export_with(
        config,
        &Tables::for_config(&config)?,
        &STIMULUS_ROWS,
        &WIRING_ROWS,
        symmetry,
    )
}

/// Per registration cell (state index x stimulus, table numbering), whether the
/// property `outage_and_healing_event_args` (REG-1, REG-2, REG-3, D2, D4) is violated when
/// that row moves the registration: the events of an outage must say Reason None and
/// Unavailable (and the outage NOTIFY must raise one), the healing refresh's must say
/// RegisterationRefresh and Available.
fn registration_events_bad(table: &Table<crate::Registration>) -> Vec<bool> {
    use crate::registration::{RegistrationStatus, RegistrationStimulus};
    let down = RegistrationStatus::RegisteredUserServicesUnavailable;
    let up = RegistrationStatus::Registered;
    let mut out = Vec::new();
    for from in RegistrationStatus::all() {
        for on in RegistrationStimulus::all() {
            let transition = table.step(from, on).ok();
            let violated = match &transition {
                Some(t) if matches!(table.row(from, on).outcome, RowOutcome::Move { .. }) => {
                    let events: Vec<Event> = t.events().collect();
                    let args = |reason, services| {
                        events.iter().all(|event| match event {
                            Event::RegistrationStateChanged {
                                reason: r,
                                user_services_state: s,
                                ..
                            } => *r == reason && *s == services,
                            _ => true,
                        })
                    };
                    if on == RegistrationStimulus::RegisterOk {
                        // SVC-1, AF-SVC: the 200 OK says nothing of the pool.
                        !args(RegistrationTransitionReason::None, ServiceState::Unknown)
                    } else if t.to == down {
                        let notify =
                            on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable;
                        !(args(
                            RegistrationTransitionReason::None,
                            ServiceState::Unavailable,
                        ) && (!notify || !events.is_empty()))
                    } else if from == down && t.to == up {
                        events.is_empty()
                            || !args(
                                RegistrationTransitionReason::RegistrationRefresh,
                                ServiceState::Available,
                            )
                    } else {
                        false
                    }
                }
                _ => false,
            };
            out.push(violated);
        }
    }
    out
}

impl Generator<'_> {
    fn slots(&self) -> usize {
        FIRST_VIEW + 2 * self.config.remote_views
    }

    fn has_cgs(&self) -> bool {
        self.config.endpoint == crate::local_endpoint::EndpointKind::User
    }

    fn present(&self, slot: usize) -> bool {
        slot < self.slots() && (self.has_cgs() || !(slot == 4 || slot == 5))
    }

    fn state(&self, kind: usize, name: &str) -> Result<u8, SystemError> {
        self.parts[kind]
            .state(name)
            .ok_or_else(|| bad(format!("`{name}` is not a state of {}", KIND_NAMES[kind])))
    }

    /// A state test on a slot held in `slot` (an expression), per kind.
    fn state_test(&self, slot: &str, name: &str) -> Result<String, SystemError> {
        let mut alternatives = Vec::new();
        for kind in 0..KINDS {
            if let Some(code) = self.parts[kind].state(name) {
                alternatives.push(format!("(KO[{slot}] == {kind} && st[{slot}] == {code})"));
            }
        }
        if alternatives.is_empty() {
            return Err(bad(format!("`{name}` is not a state of any component")));
        }
        Ok(format!(
            "({slot} != NONE && ({}))",
            alternatives.join(" || ")
        ))
    }

    fn guard(&self, guard: &Guard, context: Context) -> Result<String, SystemError> {
        Ok(match guard {
            Guard::Always => "true".to_owned(),
            Guard::PoolUp => "(pool_down == 0)".to_owned(),
            Guard::PoolDown => "(pool_down == 1)".to_owned(),
            Guard::ConnectionUp => "(connection_dropped == 0)".to_owned(),
            Guard::ConnectionDown => "(connection_dropped == 1)".to_owned(),
            Guard::Registration(names) | Guard::Endpoint(names) => {
                let (kind, slot) = if matches!(guard, Guard::Registration(_)) {
                    (0, 0)
                } else {
                    (1, 1)
                };
                let tests = names
                    .iter()
                    .map(|name| Ok(format!("st[{slot}] == {}", self.state(kind, name)?)))
                    .collect::<Result<Vec<_>, SystemError>>()?;
                format!("({})", tests.join(" || "))
            }
            Guard::Target(name) | Guard::Source(name) => {
                let slot = if matches!(guard, Guard::Target(_)) {
                    "T"
                } else {
                    "S"
                };
                let test = self.state_test(slot, name)?;
                if context == Context::Precondition {
                    "false".to_owned()
                } else {
                    test
                }
            }
            Guard::TargetProtected => {
                let kinds: Vec<String> = [5usize, 6]
                    .iter()
                    .filter(|&&k| self.parts[k].protected)
                    .map(|k| format!("KO[T] == {k}"))
                    .collect();
                if context == Context::Precondition || kinds.is_empty() {
                    "false".to_owned()
                } else {
                    format!("(T != NONE && ({}))", kinds.join(" || "))
                }
            }
            Guard::UserEndpoint => (if self.has_cgs() { "true" } else { "false" }).to_owned(),
            Guard::Not(inner) => format!("!{}", self.guard(inner, context)?),
            Guard::All(inner) => {
                let parts = inner
                    .iter()
                    .map(|g| self.guard(g, context))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("({})", parts.join(" && "))
            }
        })
    }

    fn generate(&self) -> Result<String, SystemError> {
        let mut out = String::new();
        let config_json = serde_json::to_string(&self.config).unwrap_or_default();
        let slots = self.slots();
        let budget = 64 + 32 * slots;
        let w = &mut out;
        let _ = writeln!(
            w,
            "/* The composed UCMA 4.0 high-availability system as a Promela model.\n   \
             Generated by `ucma-ha export promela` from the component tables, the stimulus\n   \
             rows and the wiring rows the checker explores; do not edit.\n   \
             config: {config_json}\n   \
             symmetry: {}\n\n   \
             Count the states (equals `ucma-ha check --config JSON{}`):\n     \
             spin -a model.pml && gcc -O2 -DBFS -DNOCLAIM -DNOREDUCE -DSAFETY -o pan pan.c\n     \
             ./pan -m100000000\n   \
             Liveness (recovery_after_outage, acceptance cycles under the checker's fairness):\n     \
             spin -DLIVENESS -a model.pml && gcc -O2 -DNOREDUCE -o pan pan.c\n     \
             ./pan -a -m100000000 -N recovery_after_outage\n   \
             A trail back to a trace file: tools/spin-trail-to-trace.sh model.pml */",
            if self.symmetry { "on" } else { "off" },
            if self.symmetry { "" } else { " --no-symmetry" },
        );
        let _ = writeln!(
            w,
            "\n#define NONE 255\n#define SLOTS {slots}\n#define BUDGET {budget}"
        );
        self.constants(w)?;
        let _ = writeln!(
            w,
            "\n/* The state: the world and one table state per component slot. */\n\
             bit pool_down = 0;\nbit connection_dropped = 0;\nbyte st[SLOTS];"
        );
        let _ = writeln!(w, "/* slots: {} */", self.slot_names().join(", "));
        self.liveness_state(w)?;
        self.tables(w)?;
        self.guards(w)?;
        self.interpreter(w)?;
        self.process(w)?;
        self.ltl(w)?;
        Ok(out)
    }

    fn slot_names(&self) -> Vec<String> {
        (0..self.slots())
            .map(|slot| {
                let name = crate::system::slot_name(slot);
                if self.present(slot) {
                    format!("{slot} {name}")
                } else {
                    format!("{slot} (absent)")
                }
            })
            .collect()
    }

    /// `#define`s for every state and stimulus of every kind, and the system stimuli.
    fn constants(&self, w: &mut String) -> Result<(), SystemError> {
        let _ = writeln!(
            w,
            "\n/* State codes (the initial state of each table is 0). */"
        );
        for (kind, part) in self.parts.iter().enumerate() {
            for (i, name) in part.states.iter().enumerate() {
                let _ = writeln!(
                    w,
                    "#define {}_{} {}",
                    KIND_NAMES[kind].to_uppercase(),
                    name,
                    part.code(i)
                );
            }
        }
        let _ = writeln!(w, "\n/* System stimuli. */");
        for stimulus in SystemStimulus::all() {
            let _ = writeln!(w, "#define SYS_{} {}", stimulus.name(), stimulus.index());
        }
        Ok(())
    }

    fn liveness_state(&self, w: &mut String) -> Result<(), SystemError> {
        let initial = self.system.initial();
        let _ = writeln!(
            w,
            "\n#ifdef LIVENESS\n/* The stimulus that last moved the system (NONE after a step that moved nothing);\n   \
             per fair stimulus, whether it would move the system now (en_), and whether, in the\n   \
             current fairness round, it was seen enabled (seen_) and taken (taken_). A round ends\n   \
             (fair_round) once every fair stimulus seen enabled in it was also taken in it: a run\n   \
             ends infinitely many rounds exactly when it is strongly fair to those stimuli. */\n\
             byte last = NONE;\nbit fair_round = 0;"
        );
        for stimulus in SystemStimulus::all().filter(|s| fair(*s)) {
            let moves = u8::from(self.moves(initial, stimulus));
            let _ = writeln!(
                w,
                "bit en_{0} = {moves};\nbit seen_{0} = {moves};\nbit taken_{0} = 0;",
                stimulus.name()
            );
        }
        let _ = writeln!(w, "#endif");
        Ok(())
    }

    fn moves(&self, state: Packed, stimulus: SystemStimulus) -> bool {
        self.system.step(state, stimulus).next != state
    }

    /// The constant tables as C arrays (`c_decl`), which SPIN does not store.
    fn tables(&self, w: &mut String) -> Result<(), SystemError> {
        let slots = self.slots();
        let mut bases = Vec::new();
        let mut total = 0usize;
        for part in &self.parts {
            bases.push(total);
            total += part.states.len() * part.stimuli.len();
        }
        // Reactions: stimulus rows first (in stimulus order), then the wiring rows.
        let mut lists: Vec<(usize, usize)> = Vec::new();
        let mut reactions: Vec<&crate::system::wiring::Reaction> = Vec::new();
        for row in &self.stimulus_rows {
            lists.push((reactions.len(), row.then.len()));
            reactions.extend(row.then.iter());
        }
        for row in self.wiring_rows {
            lists.push((reactions.len(), row.then.len()));
            reactions.extend(row.then.iter());
        }
        // Triggers: per (kind, stimulus, to) the wiring rows, in row order.
        let mut triggers: Vec<Vec<usize>> = vec![Vec::new(); total];
        for (i, row) in self.wiring_rows.iter().enumerate() {
            let mut matched = false;
            for &kind in source_kinds(row.on.source) {
                let part = &self.parts[kind];
                let on = match row.on.on {
                    None => None,
                    Some(name) => match part.stimulus(name) {
                        Some(s) => Some(s),
                        None => continue,
                    },
                };
                let to = match row.on.to {
                    None => None,
                    Some(name) => match part.state(name) {
                        Some(s) => Some(s),
                        None => continue,
                    },
                };
                matched = true;
                for stimulus in 0..part.stimuli.len() {
                    for state in 0..part.states.len() {
                        if on.is_none_or(|on| usize::from(on) == stimulus)
                            && to.is_none_or(|to| usize::from(to) == state)
                        {
                            triggers[bases[kind] + state * part.stimuli.len() + stimulus]
                                .push(self.stimulus_rows.len() + i);
                        }
                    }
                }
            }
            if !matched {
                return Err(bad(format!("wiring row {i}: trigger matches no component")));
            }
        }
        let list = |values: &mut dyn Iterator<Item = usize>| -> String {
            let v: Vec<String> = values.map(|x| x.to_string()).collect();
            if v.is_empty() {
                "0".to_owned()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(
            w,
            "\nc_decl {{\n/* Constant tables, generated from the tables and the wiring. */"
        );
        let _ = writeln!(
            w,
            "static const unsigned char KO[SLOTS] = {{ {} }}; /* kind of each slot */",
            list(&mut (0..slots).map(kind_of))
        );
        let _ = writeln!(
            w,
            "static const unsigned char PR[SLOTS] = {{ {} }}; /* slot present */",
            list(&mut (0..slots).map(|s| usize::from(self.present(s))))
        );
        let _ = writeln!(
            w,
            "static const short CB[{KINDS}] = {{ {} }};\nstatic const unsigned char NS[{KINDS}] = {{ {} }};",
            list(&mut bases.iter().copied()),
            list(&mut self.parts.iter().map(|p| p.stimuli.len()))
        );
        // Cells, one line per cell with its row's clauses.
        let mut outcomes = Vec::new();
        let mut tos = Vec::new();
        let _ = writeln!(w, "/* cells (kind, state, stimulus: outcome, to; clauses):");
        for (kind, part) in self.parts.iter().enumerate() {
            for code in 0..part.states.len() {
                for (s, stimulus) in part.stimuli.iter().enumerate() {
                    let (outcome, to, clauses) = part.cells[code * part.stimuli.len() + s];
                    outcomes.push(usize::from(outcome));
                    tos.push(usize::from(to));
                    let what = match outcome {
                        MOVED => format!("-> {}", part.states[part.index(usize::from(to))]),
                        IGNORED => "ignored".to_owned(),
                        _ => "rejected".to_owned(),
                    };
                    let _ = writeln!(
                        w,
                        "   {} {} {stimulus}: {what} ({})",
                        KIND_NAMES[kind],
                        part.states[part.index(code)],
                        clauses.join(", ")
                    );
                }
            }
        }
        let _ = writeln!(w, "*/");
        let _ = writeln!(
            w,
            "static const unsigned char CO[{total}] = {{ {} }};\nstatic const unsigned char CT[{total}] = {{ {} }};",
            list(&mut outcomes.into_iter()),
            list(&mut tos.into_iter())
        );
        let mut tn = Vec::new();
        let mut ts = Vec::new();
        let mut tl = Vec::new();
        for rows in &triggers {
            tn.push(rows.len());
            ts.push(tl.len());
            tl.extend(rows.iter().copied());
        }
        let _ = writeln!(
            w,
            "static const unsigned char TN[{total}] = {{ {} }};\nstatic const short TS[{total}] = {{ {} }};\nstatic const unsigned char TL[{}] = {{ {} }};",
            list(&mut tn.into_iter()),
            list(&mut ts.into_iter()),
            tl.len().max(1),
            list(&mut tl.iter().copied())
        );
        let mut replies = Vec::new();
        for kind in 0..KINDS {
            let home = kind != 6 || self.views_home;
            for request in REQUESTS {
                for bits in 0..4usize {
                    let world = World {
                        pool_up: bits & 1 == 0,
                        connection_up: bits & 2 == 0,
                    };
                    let answer = reply(request, world, home)
                        .and_then(|name| self.parts[kind].stimulus(name))
                        .unwrap_or(NONE);
                    replies.push(usize::from(answer));
                }
            }
        }
        let _ = writeln!(
            w,
            "/* the world's answer per (kind, request, world bits) */\nstatic const unsigned char REPLY[{}] = {{ {} }};",
            replies.len(),
            list(&mut replies.into_iter())
        );
        let _ = writeln!(w, "/* reaction lists:");
        for (l, _) in lists.iter().enumerate() {
            let what = if l < self.stimulus_rows.len() {
                let row = self.stimulus_rows[l];
                format!("stimulus row {} ({})", row.on, row.clauses.join(", "))
            } else {
                let row = &self.wiring_rows[l - self.stimulus_rows.len()];
                format!(
                    "wiring row {}: {:?} {} -> {} ({})",
                    l - self.stimulus_rows.len(),
                    row.on.source,
                    row.on.on.unwrap_or("any"),
                    row.on.to.unwrap_or("any"),
                    row.clauses.join(", ")
                )
            };
            let _ = writeln!(w, "   {l}: {what}");
        }
        let _ = writeln!(w, "*/");
        let _ = writeln!(
            w,
            "static const unsigned char LB[{}] = {{ {} }};\nstatic const unsigned char LN[{}] = {{ {} }};",
            lists.len(),
            list(&mut lists.iter().map(|l| l.0)),
            lists.len(),
            list(&mut lists.iter().map(|l| l.1))
        );
        let mut rt = Vec::new();
        let mut ra = Vec::new();
        let mut rx = Vec::new();
        let mut rs = Vec::new();
        for (r, reaction) in reactions.iter().enumerate() {
            let (action, arg) = match reaction.action {
                Action::Call(_) => (0, 0),
                Action::Deliver(_) => (1, 0),
                Action::Reply(request) => {
                    (2, REQUESTS.iter().position(|q| *q == request).unwrap_or(0))
                }
                Action::Renew => (3, 0),
                Action::SetPool(up) => (4, usize::from(up)),
                Action::SetConnection(up) => (5, usize::from(up)),
            };
            rt.push(usize::from(target_code(reaction.target)));
            ra.push(action);
            rx.push(arg);
            let mut resolved = [NONE; KINDS];
            if let Action::Call(name) | Action::Deliver(name) = reaction.action {
                for &kind in target_kinds(reaction.target) {
                    if let Some(s) = self.parts[kind].stimulus(name) {
                        resolved[kind] = s;
                    }
                }
                if resolved.iter().all(|&s| s == NONE) {
                    return Err(bad(format!(
                        "reaction {r}: `{name}` is no stimulus of its target"
                    )));
                }
            }
            rs.extend(resolved.iter().map(|&s| usize::from(s)));
        }
        let n = reactions.len();
        let _ = writeln!(
            w,
            "static const unsigned char RT[{n}] = {{ {} }};\nstatic const unsigned char RA[{n}] = {{ {} }};\n\
             static const unsigned char RX[{n}] = {{ {} }};\nstatic const unsigned char RS[{}] = {{ {} }};",
            list(&mut rt.into_iter()),
            list(&mut ra.into_iter()),
            list(&mut rx.into_iter()),
            n * KINDS,
            list(&mut rs.into_iter())
        );
        let view = &self.parts[4];
        let sub = &self.parts[6];
        let begin = view.stimulus("BeginSubscribe");
        let acc: Vec<usize> = (0..8)
            .map(|code| {
                usize::from(
                    code < view.states.len()
                        && begin.is_some_and(|b| {
                            view.cells[code * view.stimuli.len() + usize::from(b)].0 != REJECTED
                        }),
                )
            })
            .collect();
        let _ = writeln!(
            w,
            "static const unsigned char ACC[8] = {{ {} }};\nstatic const unsigned char VO[8] = {{ {} }};\nstatic const unsigned char SO[8] = {{ {} }};",
            list(&mut acc.into_iter()),
            list(&mut (0..8).map(|c| if c < view.states.len() { view.index(c) } else { 0 })),
            list(&mut (0..8).map(|c| if c < sub.states.len() { sub.index(c) } else { 0 }))
        );
        Ok(())
    }

    /// The reaction guards and the preconditions as C functions.
    fn guards(&self, w: &mut String) -> Result<(), SystemError> {
        let _ = writeln!(w, "}}\n\n/* The interpreter, in C: it reads and writes the state `now`. */\nc_code {{\nextern void (*uerror)(char *);");
        let _ = writeln!(
            w,
            "/* The guard of reaction r on target T from source S. */\nstatic int reaction_guard(int r, int T, int S) {{\n  switch (r) {{"
        );
        let mut r = 0usize;
        let rows = self
            .stimulus_rows
            .iter()
            .map(|row| row.then)
            .chain(self.wiring_rows.iter().map(|row| row.then));
        for then in rows {
            for reaction in then {
                if reaction.when != Guard::Always {
                    let _ = writeln!(
                        w,
                        "  case {r}: return {};",
                        to_c(&self.guard(&reaction.when, Context::Reaction)?)
                    );
                }
                r += 1;
            }
        }
        let _ = writeln!(w, "  default: return 1;\n  }}\n}}");
        let _ = writeln!(
            w,
            "/* The precondition of system stimulus k. */\nstatic int requires_of(int k) {{\n  switch (k) {{"
        );
        for (k, row) in self.stimulus_rows.iter().enumerate() {
            let _ = writeln!(
                w,
                "  case {k}: return {};",
                to_c(&self.guard(&row.requires, Context::Precondition)?)
            );
        }
        let _ = writeln!(w, "  default: return 0;\n  }}\n}}");
        Ok(())
    }

    fn interpreter(&self, w: &mut String) -> Result<(), SystemError> {
        let slots = self.slots();
        let budget = 64 + 32 * slots;
        let _ = writeln!(
            w,
            "{}",
            INTERPRETER
                .replace("@BUDGET@", &budget.to_string())
                .replace(
                    "@CANONICAL@",
                    if self.symmetry && self.config.remote_views > 1 {
                        CANONICAL
                    } else {
                        ""
                    }
                )
        );
        self.properties(w)?;
        let fair_list: Vec<SystemStimulus> = SystemStimulus::all().filter(|s| fair(*s)).collect();
        let _ = writeln!(w, "#ifdef LIVENESS\n/* Which fair stimulus would move the system now. */\nstatic void enabledness(void) {{");
        for stimulus in &fair_list {
            let _ = writeln!(w, "  now.en_{0} = would_move(SYS_{0});", stimulus.name());
        }
        let _ = writeln!(w, "}}\n/* Strong fairness bookkeeping: see the declarations of seen_ and taken_. */\nstatic void fair_rounds(void) {{");
        for stimulus in &fair_list {
            let _ = writeln!(
                w,
                "  now.seen_{0} |= now.en_{0}; now.taken_{0} |= (now.last == SYS_{0});",
                stimulus.name()
            );
        }
        let done: Vec<String> = fair_list
            .iter()
            .map(|s| format!("(!now.seen_{0} || now.taken_{0})", s.name()))
            .collect();
        let reset: Vec<String> = fair_list
            .iter()
            .map(|s| format!("now.seen_{0} = 0; now.taken_{0} = 0;", s.name()))
            .collect();
        let _ = writeln!(
            w,
            "  if ({}) {{ now.fair_round = 1; {} }} else now.fair_round = 0;\n}}\n#endif",
            done.join(" && "),
            reset.join(" ")
        );
        let _ = writeln!(
            w,
            "/* no_deadlock (AF-LES, AF-LEP-T): a state that only the world's pool and connection\n   \
             can move is final (endpoint Terminated). */\nstatic void probe(void) {{\n  int k, moves = 0;\n  \
             for (k = 0; k < {}; k++) {{\n    if ({}) continue;\n    if (would_move(k)) moves = 1;\n  }}\n  \
             if (!moves && now.st[1] != {}) uerror(\"assertion violated: no_deadlock\");\n}}\n}}",
            SystemStimulus::all().count(),
            SystemStimulus::all()
                .filter(|s| s.is_world_toggle())
                .map(|s| format!("k == SYS_{}", s.name()))
                .collect::<Vec<_>>()
                .join(" || "),
            self.state(1, "Terminated")?
        );
        Ok(())
    }

    /// `observe(kd, stim, from, oc, to)` judges one delivery for the safety properties;
    /// `judge_step(k)` judges the step as a whole.
    fn properties(&self, w: &mut String) -> Result<(), SystemError> {
        let lop = 2;
        let cgs = 3;
        let rp = 4;
        let sub = 5;
        let mut checks = Vec::new();
        let mut ops = Vec::new();
        if let Some(s) = self.parts[lop].stimulus("BeginPublishPresence") {
            ops.push(format!(
                "(kd == {lop} && stim == {s} && from == {})",
                self.state(lop, "WaitingForRetry")?
            ));
        }
        if let Some(s) = self.parts[cgs].stimulus("BeginAddContact") {
            ops.push(format!(
                "(kd == {cgs} && stim == {s} && from == {})",
                self.state(cgs, "WaitingForRetry")?
            ));
        }
        if !ops.is_empty() {
            checks.push(format!(
                "  /* no_publish_in_waiting_for_retry (PRES-2, AF-PUB, AF-CGS, D6) */\n  \
                 if (({}) && oc != {REJECTED}) violated[0] = 1;",
                ops.join(" || ")
            ));
        }
        let protected: Vec<String> = [5usize, 6]
            .iter()
            .filter(|&&k| self.parts[k].protected)
            .map(|k| format!("kd == {k}"))
            .collect();
        if !protected.is_empty() {
            let timeouts: Vec<String> = ["RefreshFailedPoolUnresponsive", "SubscribeFailed"]
                .iter()
                .filter_map(|n| self.parts[sub].stimulus(n))
                .map(|s| format!("stim == {s}"))
                .collect();
            checks.push(format!(
                "  /* home_subscription_survives_unresponsive_pool (SUB-3, SUB-4, SUB-1) */\n  \
                 if (({}) && ({}) && (from == {} || from == {}) && oc == {MOVED} && to == {}) violated[2] = 1;",
                protected.join(" || "),
                if timeouts.is_empty() { "0".to_owned() } else { timeouts.join(" || ") },
                self.state(sub, "Subscribed")?,
                self.state(sub, "Subscribing")?,
                self.state(sub, "Terminated")?
            ));
            checks.push(format!(
                "  /* no_retry_while_user_services_unavailable (SUB-2, SUB-4) */\n  \
                 if (({}) && oc == {MOVED} && from == {} && to == {} && now.st[0] == {}) violated[5] = 1;",
                protected.join(" || "),
                self.state(sub, "WaitingForRetry")?,
                self.state(sub, "Subscribing")?,
                self.state(0, "RegisteredUserServicesUnavailable")?
            ));
        }
        let mut owners = Vec::new();
        let mut owner_kinds = vec![lop, cgs];
        if self.views_home {
            owner_kinds.push(rp);
        }
        for kind in owner_kinds {
            if let Some(s) = self.parts[kind].stimulus("UnderlyingSubscriptionTerminated") {
                let idle = self.state(kind, "Idle")?;
                owners.push(format!(
                    "(kd == {kind} && stim == {s} && from != {idle} && to == {idle})"
                ));
            }
        }
        if !owners.is_empty() {
            checks.push(format!(
                "  /* underlying_termination_never_idles_owner (PRES-3, RP-1) */\n  \
                 if (oc == {MOVED} && ({})) violated[3] = 1;",
                owners.join(" || ")
            ));
        }
        let registration = &self.parts[0];
        let mut bad_cells = Vec::new();
        for code in 0..registration.states.len() {
            for s in 0..registration.stimuli.len() {
                let index = registration.index(code) * registration.stimuli.len() + s;
                if self.registration_events_bad.get(index) == Some(&true) {
                    bad_cells.push(format!("(from == {code} && stim == {s})"));
                }
            }
        }
        if !bad_cells.is_empty() {
            checks.push(format!(
                "  /* outage_and_healing_event_args (REG-1, REG-2, REG-3, D2, D4): the rows whose events are wrong */\n  \
                 if (kd == 0 && oc == {MOVED} && ({})) violated[4] = 1;",
                bad_cells.join(" || ")
            ));
        }
        checks.push(format!(
            "  /* terminated_is_final (AF-SIPSUB, AF-LES) */\n  \
             if (oc == {MOVED} && ((kd == 1 && from == {ep} && to != {ep}) || ((kd == 5 || kd == 6) && from == {t} && to != {t}))) violated[6] = 1;",
            ep = self.state(1, "Terminated")?,
            t = self.state(sub, "Terminated")?
        ));
        let _ = writeln!(
            w,
            "static void observe(int kd, int stim, int from, int oc, int to) {{\n{}\n}}",
            checks.join("\n")
        );
        let registered = format!(
            "({})",
            [
                "RegisteredUserServicesUnknown",
                "Registered",
                "RegisteredUserServicesUnavailable"
            ]
            .iter()
            .filter_map(|name| self.parts[0].state(name))
            .map(|code| format!("saved[0] == {code}"))
            .collect::<Vec<_>>()
            .join(" || ")
        );
        // AF-PUB: only a user endpoint must subscribe before publishing.
        let publish_states = if self.has_cgs() {
            format!("saved[2] == {}", self.state(lop, "Subscribed")?)
        } else {
            format!(
                "(saved[2] == {} || saved[2] == {})",
                self.state(lop, "Subscribed")?,
                self.state(lop, "Idle")?
            )
        };
        let cgs_allowed = if self.has_cgs() {
            format!(
                "((saved[4] == {} || saved[4] == {}) && {registered})",
                self.state(cgs, "Subscribed")?,
                self.state(cgs, "Idle")?
            )
        } else {
            "0".to_owned()
        };
        let _ = writeln!(
            w,
            "static void judge_step(int k) {{\n  \
             /* operations_need_subscription_and_registration (AF-PUB, AF-CGS, D6) */\n  \
             if (k == SYS_PublishPresence && !rejected && !({publish_states} && {registered})) violated[1] = 1;\n  \
             if (k == SYS_AddContact && !rejected && !{cgs_allowed}) violated[1] = 1;\n  \
             /* no_deadlock (AF-LES, AF-LEP-T): every macro-step settles */\n  \
             if (diverged) violated[7] = 1;\n}}"
        );
        let names: Vec<String> = PROPERTIES
            .iter()
            .take(8)
            .map(|p| format!("\"assertion violated: {}\"", p.name))
            .collect();
        let _ = writeln!(
            w,
            "static const char *PROPERTY[8] = {{ {} }};\n\
             /* One real step of stimulus k: run it, judge it, report every violated property. */\n\
             static void step(int k) {{\n  int p;\n  for (p = 0; p < 8; p++) violated[p] = 0;\n  \
             macro(k);\n  judge_step(k);\n  canonical();\n  changed = compare();\n  \
           #ifndef LIVENESS\n  for (p = 0; p < 8; p++) if (violated[p]) uerror((char *) PROPERTY[p]);\n#endif\n}}",
            names.join(", ")
        );
        Ok(())
    }

    fn process(&self, w: &mut String) -> Result<(), SystemError> {
        let _ = writeln!(w, "\nactive proctype system() {{\n  do");
        for (k, stimulus) in SystemStimulus::all().enumerate() {
            let row = self.stimulus_rows[k];
            let _ = writeln!(
                w,
                "  /* {stimulus} ({}) */\n  :: d_step {{\n       {} ->\n       printf(\"{{\\\"on\\\": \\\"{}\\\"}},\\n\");\n       c_code {{ step({k});\n#ifdef LIVENESS\n         now.last = changed ? {k} : NONE; enabledness(); fair_rounds();\n#endif\n       }}\n     }}",
                row.clauses.join(", "),
                self.guard(&row.requires, Context::Precondition)?,
                stimulus.name()
            );
        }
        let _ = writeln!(
            w,
            "#ifndef LIVENESS\n  \
             /* no_deadlock (AF-LES, AF-LEP-T): runs every other stimulus on a copy of this\n     \
             state; changes nothing, so it stores no new state. */\n  \
             :: d_step {{ c_code {{ probe(); }} }}\n#endif\n  od\n}}"
        );
        Ok(())
    }

    fn ltl(&self, w: &mut String) -> Result<(), SystemError> {
        let mut pending = vec![format!(
            "st[0] == {}",
            self.state(0, "RegisteredUserServicesUnavailable")?
        )];
        for slot in 2..self.slots() {
            if !self.present(slot) {
                continue;
            }
            let kind = kind_of(slot);
            let counts = match kind {
                2 | 3 => true,
                4 => self.views_home,
                5 | 6 => self.parts[kind].protected,
                _ => false,
            };
            if counts {
                pending.push(format!(
                    "st[{slot}] == {} || st[{slot}] == {}",
                    self.state(kind, "WaitingForRetry")?,
                    self.state(kind, "Subscribing")?
                ));
            }
        }
        let excluded: Vec<String> = SystemStimulus::all()
            .filter(|s| excluded_after_recovery(*s))
            .map(|s| format!("last == SYS_{}", s.name()))
            .collect();
        let fair_names: Vec<&str> = SystemStimulus::all()
            .filter(|s| fair(*s))
            .map(Symbol::name)
            .collect();
        let _ = writeln!(
            w,
            "\n#ifdef LIVENESS\n\
             /* recovery_after_outage (PRES-4, RP-1, REG-3, SUB-2): with the pool back and the\n   \
             connection up (draining or not), and none of the excluded stimuli any more,\n   \
             recovery is pending only finitely long, on every run that is strongly fair to {}\n   \
             ([]<> fair_round; see fair_rounds()). Checked by SPIN's acceptance-cycle search. */\n\
             #define stable (pool_down == 0 && connection_dropped == 0)\n\
             #define recovering ({})\n\
             #define excluded ({})\n\
             ltl recovery_after_outage {{ (([]<> fair_round) && (<>[] !excluded)) -> ([]<> !(stable && recovering)) }}\n#endif",
            fair_names.join(", "),
            pending
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" || "),
            excluded.join(" || ")
        );
        Ok(())
    }
}

/// A guard expression in C: the state is `now`, booleans are 0 and 1.
fn to_c(expr: &str) -> String {
    expr.replace("st[", "now.st[")
        .replace("pool_down", "now.pool_down")
        .replace("connection_dropped", "now.connection_dropped")
        .replace("true", "1")
        .replace("false", "0")
}

/// Sorting the views by pair: the checker's canonical form under symmetry.
const CANONICAL: &str = r"
  int c, v, tmp;
  for (c = 8; c < SLOTS; c += 2)
    for (v = c; v > 6 && VO[now.st[v - 2]] + 8 * SO[now.st[v - 1]] > VO[now.st[v]] + 8 * SO[now.st[v + 1]]; v -= 2) {
      tmp = now.st[v]; now.st[v] = now.st[v - 2]; now.st[v - 2] = tmp;
      tmp = now.st[v + 1]; now.st[v + 1] = now.st[v - 1]; now.st[v - 1] = tmp;
    }";

/// The macro-step interpreter, in C inside the model: the engine's semantics, run on
/// the generated tables (targets, guards, deliveries, the world's answers, the wiring
/// rows each move triggers, depth first, within the step budget).
const INTERPRETER: &str = r"
/* Scratch of the interpreter (C globals: not part of a stored state). */
static int budget, rejected, diverged, aborted, changed;
static int violated[8];
static unsigned char saved[SLOTS];
static int saved_pool, saved_connection;
static void observe(int kd, int stim, int from, int oc, int to);
static void react(int list, int source);

static void save(void) {
  int i;
  for (i = 0; i < SLOTS; i++) saved[i] = now.st[i];
  saved_pool = now.pool_down; saved_connection = now.connection_dropped;
}
static void restore(void) {
  int i;
  for (i = 0; i < SLOTS; i++) now.st[i] = saved[i];
  now.pool_down = saved_pool; now.connection_dropped = saved_connection;
}
static int compare(void) {
  int i;
  for (i = 0; i < SLOTS; i++) if (now.st[i] != saved[i]) return 1;
  return now.pool_down != saved_pool || now.connection_dropped != saved_connection;
}
static void canonical(void) {@CANONICAL@
}

/* One delivery: the cell, the judgements, the move, and the wiring rows the move
   triggers, each run to completion in row order. */
static void deliver(int slot, int stim, int primary) {
  int kd, from, ci, oc, to, ti, i;
  if (aborted) return;
  if (budget == 0) { diverged = 1; aborted = 1; return; }
  budget--;
  kd = KO[slot]; from = now.st[slot];
  ci = CB[kd] + from * NS[kd] + stim;
  oc = CO[ci]; to = CT[ci];
  observe(kd, stim, from, oc, to);
  if (oc == 2) { if (primary) { rejected = 1; aborted = 1; } return; }
  if (oc != 0) return;
  now.st[slot] = to;
  ti = CB[kd] + to * NS[kd] + stim;
  for (i = 0; i < TN[ti]; i++) react(TL[TS[ti] + i], slot);
}

/* The target of reaction r from source s (Target order: Registration, Endpoint,
   LocalOwnerPresence, ContactGroupServices, FreeView, Owner, Subscription). */
static int target_of(int r, int s) {
  int v, key, best = 255, t = NONE;
  switch (RT[r]) {
  case 0: return 0;
  case 1: return 1;
  case 2: return 2;
  case 3: return PR[4] ? 4 : NONE;
  case 4:
    /* the view with the least (view, subscription) pair among those that accept
       BeginSubscribe, else the least pair; the first such view on a tie */
    for (v = 6; v < SLOTS; v += 2) {
      key = VO[now.st[v]] + 8 * SO[now.st[v + 1]];
      if (ACC[now.st[v]] && key < best) { best = key; t = v; }
    }
    if (t == NONE)
      for (v = 6; v < SLOTS; v += 2) {
        key = VO[now.st[v]] + 8 * SO[now.st[v + 1]];
        if (key < best) { best = key; t = v; }
      }
    return t;
  case 5: return (s != NONE && s >= 2) ? s - (s - 2) % 2 : NONE;
  case 6: return (s != NONE && s >= 2) ? s + 1 - (s - 2) % 2 : NONE;
  default: return NONE;
  }
}

/* Reaction r on target t from source s (Action order: Call, Deliver, Reply, Renew,
   SetPool, SetConnection). */
static void apply(int r, int t, int s) {
  int stim;
  if (aborted || !reaction_guard(r, t, s)) return;
  switch (RA[r]) {
  case 0:
    stim = t != NONE ? RS[r * 7 + KO[t]] : NONE;
    if (stim == NONE) { rejected = 1; aborted = 1; } else deliver(t, stim, 1);
    break;
  case 1:
    stim = t != NONE ? RS[r * 7 + KO[t]] : NONE;
    if (stim != NONE) deliver(t, stim, 0);
    break;
  case 2:
    if (t == NONE) break;
    stim = REPLY[(KO[t] * 7 + RX[r]) * 4 + now.pool_down + 2 * now.connection_dropped];
    if (stim != NONE) deliver(t, stim, 0);
    break;
  case 3:
    if (t != NONE && (KO[t] == 5 || KO[t] == 6)) now.st[t] = 0;
    break;
  case 4: now.pool_down = 1 - RX[r]; break;
  case 5: now.connection_dropped = 1 - RX[r]; break;
  }
}

/* The reactions of a list, in order; a broadcast reaches every present owner (or its
   subscription) in slot order. */
static void react(int list, int source) {
  int i, r, owner;
  for (i = 0; i < LN[list]; i++) {
    if (aborted) return;
    r = LB[list] + i;
    if (RT[r] == 7 || RT[r] == 8) {
      for (owner = 2; owner < SLOTS; owner += 2) {
        if (aborted) return;
        if (PR[owner]) apply(r, owner + (RT[r] - 7), source);
      }
    } else apply(r, target_of(r, source), source);
  }
}

/* The macro-step of system stimulus k; a rejected application call restores the state. */
static void macro(int k) {
  save();
  budget = @BUDGET@; rejected = 0; diverged = 0; aborted = 0;
  react(k, NONE);
  if (rejected) restore();
}

/* Whether stimulus k would move the system from the current state (which it keeps). */
static int would_move(int k) {
  int moved;
  if (!requires_of(k)) return 0;
  macro(k);
  canonical();
  moved = compare();
  restore();
  return moved;
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stimulus_is_one_d_step_guarded_by_its_precondition() {
        let model = export(SystemConfig::default(), false).expect("builds");
        for stimulus in SystemStimulus::all() {
            assert!(
                model.contains(&format!(
                    "printf(\"{{\\\"on\\\": \\\"{}\\\"}},\\n\")",
                    stimulus.name()
                )),
                "{stimulus} has no d_step"
            );
        }
        assert_eq!(
            model.matches(":: d_step {").count(),
            SystemStimulus::all().count() + 1
        );
        // PoolFails needs the pool up (REG-1): its guard is the precondition.
        assert!(
            model.contains("(pool_down == 0) ->\n       printf(\"{\\\"on\\\": \\\"PoolFails\\\"}")
        );
        // BFS refuses hidden variables; the model has none.
        assert!(!model.contains("hidden "));
    }

    #[test]
    fn every_property_is_named_in_the_model() {
        let model = export(SystemConfig::default(), true).expect("builds");
        for property in PROPERTIES.iter() {
            assert!(model.contains(property.name), "{} missing", property.name);
        }
        assert!(model.contains("ltl recovery_after_outage"));
    }

    #[test]
    fn cells_cite_their_rows_clauses() {
        let model = export(SystemConfig::default(), false).expect("builds");
        assert!(
            model.contains("registration Registered RegistrarNotifyUserServicesUnavailable: -> RegisteredUserServicesUnavailable (REG-1"),
            "the outage row is listed with its clause"
        );
    }

    #[test]
    fn symmetry_sorts_views_only_when_asked() {
        let config = SystemConfig {
            remote_views: 2,
            ..SystemConfig::default()
        };
        let sorted = export(config, true).expect("builds");
        let plain = export(config, false).expect("builds");
        assert!(sorted.contains("for (c = 8; c < SLOTS; c += 2)"));
        assert!(!plain.contains("for (c = 8; c < SLOTS; c += 2)"));
    }

    #[test]
    fn too_many_views_is_an_error_not_a_model() {
        let config = SystemConfig {
            remote_views: MAX_VIEWS + 1,
            ..SystemConfig::default()
        };
        assert!(matches!(
            export(config, false),
            Err(SystemError::TooManyViews { .. })
        ));
    }
}
