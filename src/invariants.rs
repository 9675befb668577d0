//! The documented behaviour of every machine, as properties of single steps and as
//! documented paths, each citing the clauses and facts it rests on.
//!
//! These properties are written from the seed page and the API facts, not from the tables:
//! they say what a stimulus means (a 200 OK completes a pending request, a NOTIFY of an
//! outage reports `Unavailable`, a call is the only thing that can be refused, ...), so a
//! table that contradicts the documentation breaks one of them. The property tests check
//! them along random runs, `check_table` checks them on every reachable step of a table,
//! and the mutation test uses them to judge mutated tables.
//!
//! # Examples
//! ```
//! use ucma_ha::invariants::{check_rows, Documented};
//! use ucma_ha::LocalOwnerPresence;
//!
//! // The model's own table keeps every documented property, for every parameter set.
//! let report = check_rows::<LocalOwnerPresence>(<LocalOwnerPresence as fsm::Machine>::rows());
//! assert!(report.is_ok());
//! ```

use std::collections::VecDeque;
use std::fmt;

use fsm::{Machine, Parameters, Row, Symbol, Table};
use strum::EnumCount;

use crate::events::Event;
/// A documented property that a step broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property's name, e.g. `outage-notify-args`.
    pub property: &'static str,
    /// The clause and fact IDs it rests on.
    pub clauses: &'static [&'static str],
    /// What happened, in words.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.property,
            self.clauses.join(", "),
            self.detail
        )
    }
}

impl std::error::Error for Violation {}

/// A documented property: a name, the clause and fact IDs it rests on, and what it claims.
///
/// Every property lives in a catalogue ([`GENERIC`], or a machine's
/// [`Documented::properties`]); the rules and the documented paths report a property by
/// reference to its catalogue entry, so a [`Violation`] always names a listed property.
/// `docs/SPEC.md` and `docs/TRACEABILITY.md` are written from the same catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Property {
    /// A short, stable name (`kebab-case`), e.g. `outage-notify-args`.
    pub name: &'static str,
    /// The clause and fact IDs it rests on.
    pub clauses: &'static [&'static str],
    /// What it claims, in a line.
    pub statement: &'static str,
}

impl Property {
    /// The violation of this property, with what happened.
    pub fn violated(&'static self, detail: String) -> Violation {
        Violation {
            property: self.name,
            clauses: self.clauses,
            detail,
        }
    }
}

/// Declares properties as statics together with the list that holds every one of them:
/// a property a rule can name is always in its catalogue.
macro_rules! property_catalogue {
    (
        $(#[$meta:meta])* $vis:vis $list:ident = [
            $($item:ident: $name:literal, [$($clause:literal),* $(,)?], $statement:literal;)*
        ]
    ) => {
        $(
            static $item: Property = Property {
                name: $name,
                clauses: &[$($clause),*],
                statement: $statement,
            };
        )*
        $(#[$meta])* $vis static $list: &[&Property] = &[$(&$item),*];
    };
}
pub(crate) use property_catalogue;

property_catalogue! {
    /// The properties every machine keeps ([`check_step`], [`check_rows`]).
    pub GENERIC = [
        TABLE_COMPILES: "table-compiles", [],
            "the rows compile for every parameter set: exactly one answer to every stimulus \
             in every state";
        REJECTION_CHANGES_NOTHING: "rejection-changes-nothing", ["AF-PSS", "AF-SIPSUB", "AF-PUB"],
            "a rejected call (one that throws) leaves the state as it was and raises nothing";
        ONLY_CALLS_REJECTED: "only-calls-are-rejected",
            ["AF-PUB", "AF-PSS", "AF-SIPSUB", "AF-DRAIN"],
            "only an application call can be refused; a response, a NOTIFY, a timer or the \
             pool cannot";
        STATE_CHANGE_ONE_EVENT: "state-change-raises-one-event",
            ["AF-RARGS", "AF-LARGS", "AF-SIPSUB", "AF-CSS", "AF-RPSS"],
            "a change of the observable state raises exactly one state-changed event";
        EVENTS_REPORT_CHANGES: "events-report-changes",
            ["AF-RARGS", "AF-LARGS", "AF-SIPSUB", "AF-CSS", "AF-RPSS"],
            "a step that leaves the observable state raises nothing, except the NOTIFYs \
             documented to be reported anyway";
        EVENT_NAMES_STATES: "event-names-its-states",
            ["AF-RARGS", "AF-LARGS", "AF-SIPSUB", "AF-CSS", "AF-RPSS"],
            "every event is the machine's own kind and names the observable states before and \
             after the step";
        FINAL_IS_FINAL: "final-is-final", ["AF-LES", "AF-SIPSUB", "AF-CSS"],
            "a final state is never left and raises nothing";
    ]
}

/// Every property of `M` that a check can report: the [`GENERIC`] ones (without
/// `final-is-final` for a machine with no final state), then the machine's own.
///
/// # Examples
/// ```
/// use ucma_ha::invariants::catalogue;
/// use ucma_ha::LocalOwnerPresence;
///
/// let listed = catalogue::<LocalOwnerPresence>();
/// assert!(listed.iter().any(|p| p.clauses.contains(&"PRES-2")));
/// ```
pub fn catalogue<M: Documented>() -> Vec<&'static Property> {
    let has_final = M::State::all().any(M::is_final);
    GENERIC
        .iter()
        .copied()
        .filter(|p| has_final || !std::ptr::eq(*p, &FINAL_IS_FINAL))
        .chain(M::properties())
        .collect()
}

/// One observed step of a machine: where it was, what happened, and what it did.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a, M: Machine> {
    /// The parameters of the instance.
    pub parameters: &'a M::Parameters,
    /// The state before the step.
    pub from: M::State,
    /// The stimulus.
    pub on: M::Stimulus,
    /// The state after the step (equal to `from` when rejected).
    pub to: M::State,
    /// The error, when the stimulus was rejected.
    pub rejected: Option<M::Error>,
    /// The events raised, in order.
    pub events: &'a [Event],
}

impl<M: Machine> Step<'_, M> {
    /// Whether the (table) state changed.
    pub fn changed(&self) -> bool {
        self.from != self.to
    }

    /// Whether the stimulus was accepted.
    pub fn accepted(&self) -> bool {
        self.rejected.is_none()
    }

    pub(crate) fn describe(&self) -> String {
        match self.rejected {
            Some(error) => format!("{} in {} was rejected with {error}", self.on, self.from),
            None => format!(
                "{} in {} led to {} raising {}",
                self.on,
                self.from,
                self.to,
                events_text(self.events)
            ),
        }
    }
}

pub(crate) fn events_text(events: &[Event]) -> String {
    serde_json::to_string(events).unwrap_or_else(|error| error.to_string())
}

/// A documented path: from the initial state, every stimulus is accepted and the machine
/// ends in the given state.
#[derive(Debug, Clone)]
pub struct Scenario<M: Machine> {
    /// The property: the path's name, the clause and fact IDs that document it, and what
    /// it shows. One of the machine's [`Documented::properties`].
    pub property: &'static Property,
    /// The parameter sets the path is documented for.
    pub when: fn(&M::Parameters) -> bool,
    /// The stimuli, in order.
    pub steps: Vec<M::Stimulus>,
    /// The table state the path ends in.
    pub ends_in: M::State,
}

/// A machine whose documented behaviour is stated as properties.
pub trait Documented: Machine<Event = Event> {
    /// The .NET event name every event of this machine has.
    const EVENT: &'static str;

    /// The machine's own properties: every one its [`rules`](Documented::rules) and
    /// [`scenarios`](Documented::scenarios) can report (the generic ones are in
    /// [`GENERIC`]; [`catalogue`] lists both).
    fn properties() -> Vec<&'static Property>;

    /// The machine's own step properties (the generic ones are in [`check_step`]).
    ///
    /// # Errors
    /// The first property the step breaks.
    fn rules(step: &Step<'_, Self>) -> Result<(), Violation>;

    /// The documented paths.
    fn scenarios() -> Vec<Scenario<Self>>;

    /// Whether the stimulus, in state `from`, is documented to raise an event without
    /// changing the observable state (the outage NOTIFY of REG-1, the healing refresh of
    /// REG-3, an unknown NOTIFY of LARG-3, a draining endpoint losing its registration).
    fn reports_without_change(from: Self::State, on: Self::Stimulus) -> bool {
        let _ = (from, on);
        false
    }
}

pub(crate) fn rule(
    holds: bool,
    property: &'static Property,
    detail: impl FnOnce() -> String,
) -> Result<(), Violation> {
    if holds {
        Ok(())
    } else {
        Err(property.violated(detail()))
    }
}

/// A stimulus named after a UCMA method (`Begin...`) is an application call; every other
/// stimulus comes from the world (docs/CONTRACT.md section 2).
pub(crate) fn is_call<S: Symbol>(on: S) -> bool {
    on.name().starts_with("Begin")
}

pub(crate) fn event_states(event: &Event) -> (&'static str, &'static str) {
    match *event {
        Event::RegistrationStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::LocalEndpointStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::SubscriptionStateChange {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
        Event::RemoteSubscriptionStateChanged {
            previous_state,
            state,
            ..
        } => (previous_state.name(), state.name()),
    }
}

/// Checks one step against every documented property: the generic ones (below), then the
/// machine's own ([`Documented::rules`]).
///
/// The generic properties are the [`GENERIC`] catalogue: a rejection changes nothing and
/// only calls are rejected (docs/CONTRACT.md sections 2 and 3), a change of the observable state
/// raises one event of the machine's kind naming both states, and an unchanged state
/// raises nothing except the NOTIFYs of [`Documented::reports_without_change`].
///
/// # Errors
/// The first property the step breaks.
///
/// # Complexity
/// O(events).
pub fn check_step<M: Documented>(step: &Step<'_, M>) -> Result<(), Violation> {
    if step.rejected.is_some() {
        rule(
            !step.changed() && step.events.is_empty(),
            &REJECTION_CHANGES_NOTHING,
            || step.describe(),
        )?;
        rule(is_call(step.on), &ONLY_CALLS_REJECTED, || step.describe())?;
    }
    let (before, after) = (M::observed(step.from), M::observed(step.to));
    if before != after {
        rule(step.events.len() == 1, &STATE_CHANGE_ONE_EVENT, || {
            step.describe()
        })?;
    } else {
        rule(
            step.events.is_empty() || M::reports_without_change(step.from, step.on),
            &EVENTS_REPORT_CHANGES,
            || step.describe(),
        )?;
    }
    for event in step.events {
        rule(
            event.name() == M::EVENT && event_states(event) == (before, after),
            &EVENT_NAMES_STATES,
            || step.describe(),
        )?;
    }
    if M::is_final(step.from) {
        rule(
            !step.changed() && step.events.is_empty(),
            &FINAL_IS_FINAL,
            || step.describe(),
        )?;
    }
    M::rules(step)
}

// ---------------------------------------------------------------------------------------
// Helpers for the machines' rules
// ---------------------------------------------------------------------------------------

/// When the step changes the state, it must lead to one of `targets`.
pub(crate) fn lands_in<M: Machine>(
    step: &Step<'_, M>,
    targets: &[M::State],
    property: &'static Property,
) -> Result<(), Violation> {
    rule(
        !step.changed() || targets.contains(&step.to),
        property,
        || format!("{} (documented targets: {targets:?})", step.describe()),
    )
}

/// The step must be accepted and lead to `target`.
pub(crate) fn must_reach<M: Machine>(
    step: &Step<'_, M>,
    target: M::State,
    property: &'static Property,
) -> Result<(), Violation> {
    rule(step.accepted() && step.to == target, property, || {
        format!("{} (documented: {target})", step.describe())
    })
}

/// The step must not change the state.
pub(crate) fn unchanged<M: Machine>(
    step: &Step<'_, M>,
    property: &'static Property,
) -> Result<(), Violation> {
    rule(!step.changed(), property, || step.describe())
}

/// A call must be accepted exactly where `valid` holds.
pub(crate) fn accepted_iff<M: Machine>(
    step: &Step<'_, M>,
    valid: bool,
    property: &'static Property,
) -> Result<(), Violation> {
    rule(step.accepted() == valid, property, || {
        format!(
            "{} (documented: {})",
            step.describe(),
            if valid { "accepted" } else { "rejected" }
        )
    })
}

// ---------------------------------------------------------------------------------------
// Checking whole tables
// ---------------------------------------------------------------------------------------

/// A documented property broken by a table, with a shortest path that shows it.
#[derive(Debug, Clone)]
pub struct Counterexample<M: Machine> {
    /// The parameters of the instance.
    pub parameters: M::Parameters,
    /// The stimuli from the initial state; the last one breaks the property.
    pub path: Vec<M::Stimulus>,
    /// The property broken.
    pub violation: Violation,
}

impl<M: Machine> fmt::Display for Counterexample<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<&str> = self.path.iter().map(|on| on.name()).collect();
        write!(
            f,
            "{} with {}: [{}]: {}",
            M::ID,
            serde_json::to_string(&self.parameters).unwrap_or_default(),
            path.join(", "),
            self.violation
        )
    }
}

/// Steps `table` once and checks the step (see [`check_step`]).
///
/// # Errors
/// The first property the step breaks.
pub(crate) fn check_table_step<M: Documented>(
    table: &Table<M>,
    from: M::State,
    on: M::Stimulus,
) -> Result<M::State, Violation> {
    let (to, rejected, events) = match table.step(from, on) {
        Ok(transition) => (transition.to, None, transition.events().collect::<Vec<_>>()),
        Err(rejected) => (from, Some(rejected.error), Vec::new()),
    };
    check_step(&Step::<M> {
        parameters: table.parameters(),
        from,
        on,
        to,
        rejected,
        events: &events,
    })?;
    Ok(to)
}

/// Checks every documented property on every step reachable in `table`, breadth first,
/// and then the documented paths.
///
/// # Returns
/// The number of reachable states.
///
/// # Errors
/// The first broken property, with a shortest path from the initial state.
///
/// # Complexity
/// O(states x stimuli) steps plus the documented paths.
pub(crate) fn check_table<M: Documented>(
    table: &Table<M>,
) -> Result<usize, Box<Counterexample<M>>> {
    let fail = |path: Vec<M::Stimulus>, violation| {
        Box::new(Counterexample {
            parameters: table.parameters().clone(),
            path,
            violation,
        })
    };
    let mut parent: Vec<Option<(M::State, M::Stimulus)>> = vec![None; M::State::COUNT];
    let mut seen = vec![false; M::State::COUNT];
    let initial = table.initial();
    seen[initial.index()] = true;
    let mut queue = VecDeque::from([initial]);
    let path_to = |parent: &[Option<(M::State, M::Stimulus)>], mut state: M::State| {
        let mut path = Vec::new();
        while let Some((before, on)) = parent[state.index()] {
            path.push(on);
            state = before;
        }
        path.reverse();
        path
    };
    let mut count = 0;
    while let Some(state) = queue.pop_front() {
        count += 1;
        for on in M::Stimulus::all() {
            match check_table_step(table, state, on) {
                Ok(to) => {
                    if !seen[to.index()] {
                        seen[to.index()] = true;
                        parent[to.index()] = Some((state, on));
                        queue.push_back(to);
                    }
                }
                Err(violation) => {
                    let mut path = path_to(&parent, state);
                    path.push(on);
                    return Err(fail(path, violation));
                }
            }
        }
    }
    for scenario in M::scenarios() {
        if !(scenario.when)(table.parameters()) {
            continue;
        }
        let mut state = initial;
        for (i, on) in scenario.steps.iter().enumerate() {
            match table.step(state, *on) {
                Ok(transition) => state = transition.to,
                Err(rejected) => {
                    return Err(fail(
                        scenario.steps[..=i].to_vec(),
                        scenario
                            .property
                            .violated(format!("documented path refused: {rejected}")),
                    ))
                }
            }
        }
        if state != scenario.ends_in {
            return Err(fail(
                scenario.steps.clone(),
                scenario.property.violated(format!(
                    "documented path ends in {state}, not {}",
                    scenario.ends_in
                )),
            ));
        }
    }
    Ok(count)
}

/// Checks `rows` (the machine's own, or a mutated copy) with `check_table` for every
/// parameter set.
///
/// # Returns
/// The number of parameter sets checked.
///
/// # Errors
/// The first broken property with its path; a table that does not compile (not total or
/// not deterministic) is reported as the property `table-compiles`, citing nothing.
pub fn check_rows<M: Documented>(rows: &[Row<M>]) -> Result<usize, Box<Counterexample<M>>> {
    let all = M::Parameters::all();
    for parameters in &all {
        let table =
            Table::<M>::from_rows(rows.to_vec().into(), parameters.clone()).map_err(|errors| {
                Box::new(Counterexample {
                    parameters: parameters.clone(),
                    path: Vec::new(),
                    violation: TABLE_COMPILES.violated(
                        errors
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                })
            })?;
        check_table(&table)?;
    }
    Ok(all.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::LocalOwnerPresenceStimulus;
    use crate::registration::{RegistrationStatus, RegistrationStimulus};
    use crate::vocabulary::{
        CollaborationSubscriptionState, RegistrationTransitionReason, ServiceState,
        SubscriptionStateTransitionReason,
    };
    use crate::{
        ContactGroupServices, LocalEndpoint, LocalOwnerPresence, Registration, RemotePresence,
        SipSubscription,
    };

    #[test]
    fn every_machine_keeps_its_documented_properties() {
        fn sets<M: Documented>() -> Result<usize, String> {
            check_rows::<M>(M::rows()).map_err(|c| c.to_string())
        }
        assert_eq!(sets::<Registration>(), Ok(2));
        assert_eq!(sets::<LocalEndpoint>(), Ok(2));
        assert_eq!(sets::<SipSubscription>(), Ok(8));
        assert_eq!(sets::<LocalOwnerPresence>(), Ok(2));
        assert_eq!(sets::<ContactGroupServices>(), Ok(1));
        assert_eq!(sets::<RemotePresence>(), Ok(2));
    }

    fn catalogue_checks<M: Documented>() {
        let listed = catalogue::<M>();
        let mut names = std::collections::BTreeSet::new();
        for property in &listed {
            assert!(
                names.insert(property.name),
                "{} lists {} twice",
                M::ID,
                property.name
            );
            assert!(!property.statement.is_empty(), "{}", property.name);
            assert!(
                !property.clauses.is_empty() || std::ptr::eq(*property, &TABLE_COMPILES),
                "{} cites nothing",
                property.name
            );
            for clause in property.clauses {
                assert!(
                    crate::clauses::find(clause).is_some(),
                    "{} {}: {clause}",
                    M::ID,
                    property.name
                );
            }
        }
        // The documented paths report catalogue entries (the rules can only name entries
        // declared by `property_catalogue!`, which lists every one it declares).
        for scenario in M::scenarios() {
            assert!(
                listed.iter().any(|p| std::ptr::eq(*p, scenario.property)),
                "{} {}",
                M::ID,
                scenario.property.name
            );
        }
        assert_eq!(crate::machines::documented_properties(M::ID), listed);
    }

    #[test]
    fn every_catalogue_is_complete_and_cites_known_clauses() {
        struct Checks;
        impl crate::machines::MachineVisitor for Checks {
            type Output = ();
            fn visit<M: Documented<Error = crate::vocabulary::Exception>>(&mut self) {
                catalogue_checks::<M>();
            }
        }
        assert_eq!(
            crate::machines::for_each_machine(&mut Checks).len(),
            crate::machines::MACHINES.len()
        );
        assert!(crate::machines::documented_properties("no_such_machine").is_empty());
        // A machine without a final state does not list `final-is-final`.
        let registration = catalogue::<Registration>();
        let has_final = RegistrationStatus::all().any(Registration::is_final);
        assert_eq!(
            registration.iter().any(|p| p.name == "final-is-final"),
            has_final
        );
    }

    #[test]
    fn outage_with_the_wrong_reason_breaks_reg_2() {
        // REG-2: the outage NOTIFY reports Reason None; a row that reports another reason
        // with the right state and UserServicesState is caught by `outage-notify-args`.
        // (tests/mutants.rs mutates targets and events away, not the events' arguments.)
        use crate::registration::RegistrationEffect;
        const WRONG: &[RegistrationEffect] = &[RegistrationEffect {
            reason: RegistrationTransitionReason::UserServicesUnavailable,
            message_data: true,
            user_services_state: ServiceState::Unavailable,
        }];
        let mut rows = Registration::rows().to_vec();
        let mut mutated = 0;
        for row in &mut rows {
            if row.from == RegistrationStatus::Registered
                && row.on == RegistrationStimulus::RegistrarNotifyUserServicesUnavailable
            {
                if let fsm::RowOutcome::Move { to, .. } = row.outcome {
                    row.outcome = fsm::RowOutcome::Move { to, emits: WRONG };
                    mutated += 1;
                }
            }
        }
        assert!(mutated > 0);
        let found = check_rows::<Registration>(&rows).err();
        assert_eq!(
            found.map(|c| c.violation.property),
            Some("outage-notify-args")
        );
    }

    #[test]
    fn idle_on_terminated_underneath_breaks_pres_3() {
        let mut rows = LocalOwnerPresence::rows().to_vec();
        for row in &mut rows {
            if row.from == CollaborationSubscriptionState::Subscribed
                && row.on == LocalOwnerPresenceStimulus::UnderlyingSubscriptionTerminated
            {
                row.outcome = fsm::RowOutcome::Move {
                    to: CollaborationSubscriptionState::Idle,
                    emits: &[crate::presence::SessionEffect {
                        reason: SubscriptionStateTransitionReason::ServerEvent,
                    }],
                };
            }
        }
        let found = check_rows::<LocalOwnerPresence>(&rows).err();
        let found = found.map(|c| (c.violation.property, c.path.len()));
        assert_eq!(found, Some(("terminated-underneath-waits", 3)));
    }
}
