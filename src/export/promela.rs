//! `ucma-ha export promela`: the composed system as a Promela model for SPIN, generated at
//! run time from the same component tables, stimulus rows and wiring rows the checker
//! explores (docs/CONTRACT.md section 7), so that SPIN is an independent second opinion on the
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

use crate::system::properties::spin::{SpinCondition, SpinModel};
use crate::system::properties::{fair, Judgement, Property, PROPERTIES};
use crate::system::wiring::{Action, Guard, Request, Source, StimulusRow, Target, WiringRow};
use crate::system::world::{reply, World};
use crate::system::{
    DeliveryOutcome as Delivered, Kind, Packed, System, SystemConfig, SystemError, SystemStimulus,
    Tables, MAX_VIEWS,
};
use crate::Registration;

const NONE: u8 = 255;
const KINDS: usize = Kind::ALL.len();
const KIND_NAMES: [&str; KINDS] = [
    "registration",
    "local_endpoint",
    "local_owner_presence",
    "contact_group_services",
    "remote_presence",
    "session_subscription",
    "view_subscription",
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

/// The kind code (`kd`) of the component in a slot.
fn kind_of(slot: usize) -> usize {
    Kind::in_slot(slot) as usize
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
    registration: Table<Registration>,
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
pub(crate) fn export_with(
    config: SystemConfig,
    tables: &Tables,
    stimulus_rows: &'static [StimulusRow],
    wiring_rows: &'static [WiringRow],
    symmetry: bool,
) -> Result<String, SystemError> {
    export_rows(config, tables, stimulus_rows, wiring_rows, symmetry)
}

/// `export_with` for rows that need not be `'static` (mutants built at run time).
///
/// # Errors
/// As `export_with`.
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
    let generator = Generator {
        config,
        symmetry,
        parts,
        stimulus_rows: ordered,
        wiring_rows,
        views_home: tables.view_subscription.parameters().home_pool,
        registration: tables.registration.clone(),
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
        STIMULUS_ROWS,
        WIRING_ROWS,
        symmetry,
    )
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
                .replace("@PROPERTIES@", &PROPERTIES.len().to_string())
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
        self.probe(w)?;
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

impl SpinModel for Generator<'_> {
    fn state_code(&self, kind: Kind, name: &'static str) -> Result<u8, SystemError> {
        self.state(kind as usize, name)
    }

    fn stimulus_code(&self, kind: Kind, name: &'static str) -> Option<u8> {
        self.parts[kind as usize].stimulus(name)
    }

    fn outcome_code(&self, outcome: Delivered) -> u8 {
        match outcome {
            Delivered::Moved => MOVED,
            Delivered::Ignored => IGNORED,
            Delivered::Rejected => REJECTED,
            // A renewal is no delivery in the model: `observe` never sees one.
            Delivered::Renewed => NONE,
        }
    }

    fn protected(&self, kind: Kind) -> bool {
        self.parts[kind as usize].protected
    }

    fn views_home(&self) -> bool {
        self.views_home
    }

    fn slot(&self, kind: Kind) -> Option<usize> {
        (0..self.slots()).find(|&slot| self.present(slot) && kind_of(slot) == kind as usize)
    }

    fn slots(&self) -> Vec<(usize, Kind)> {
        (0..self.slots())
            .filter(|&slot| self.present(slot))
            .map(|slot| (slot, Kind::ALL[kind_of(slot)]))
            .collect()
    }

    fn registration(&self) -> &Table<Registration> {
        &self.registration
    }
}

/// The macro-step interpreter, in C inside the model: the engine's semantics, run on
/// the generated tables (targets, guards, deliveries, the world's answers, the wiring
/// rows each move triggers, depth first, within the step budget).
const INTERPRETER: &str = concat!("\n", include_str!("promela/interpreter.c"));

mod properties;
mod tables;
#[cfg(test)]
mod tests;
