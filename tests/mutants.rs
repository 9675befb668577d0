//! Mutation testing of the tables: every single-row mutant of every machine must be caught
//! by the table checker (`fsm::check::check_rows`) or by the documented properties
//! (`ucma_ha::invariants::check_rows`, the same properties the property tests assert),
//! unless it is listed in [`SURVIVORS`] with the reason it changes no documented behaviour.
//!
//! A row's mutants: a move to each other state (keeping its events), a move turned silent
//! (its events dropped), a move or an ignore turned into a rejection
//! (InvalidOperationException), and a rejection or an ignore turned into a move to each
//! state or an ignore. Mutants that behave exactly as the row they replace (an ignore and
//! a silent move to the same state) are the same behaviour and counted once.

use std::collections::BTreeSet;

use fsm::{Machine, Row, RowOutcome};
use ucma_ha::catalog::{for_each_machine, MachineVisitor};
use ucma_ha::invariants::{self, Documented};
use ucma_ha::vocabulary::Exception;

#[path = "support/row_mutants.rs"]
mod row_mutants;

/// What a mutated row does, observably: accepted or not, where to, which effects.
fn behaviour<M: Machine>(row: &Row<M>) -> (bool, M::State, usize) {
    match row.outcome {
        RowOutcome::Move { to, emits } => (true, to, emits.len()),
        RowOutcome::Ignore => (true, row.from, 0),
        RowOutcome::Reject(_) => (false, row.from, 0),
    }
}

fn outcome_text<M: Machine>(row: &Row<M>) -> String {
    match row.outcome {
        RowOutcome::Move { to, emits: [] } => format!("move to {to} silently"),
        RowOutcome::Move { to, .. } => format!("move to {to}"),
        RowOutcome::Ignore => "ignore".to_owned(),
        RowOutcome::Reject(_) => "reject".to_owned(),
    }
}

/// One mutant: the row index, its key in the allow-list, and the rows.
struct Mutant<M: Machine> {
    key: String,
    rows: Vec<Row<M>>,
}

fn row_key<M: Machine>(row: &Row<M>) -> String {
    let guard = if row.when.is_always() {
        String::new()
    } else {
        format!(" [{}]", row.when.label)
    };
    format!("{} {} {}{}", M::ID, row.from, row.on, guard)
}

/// Every single-row mutant of `M`'s table, each behaving differently from the original row.
fn mutants<M: Machine<Error = Exception>>() -> Vec<Mutant<M>> {
    let original = M::rows();
    let mut out = Vec::new();
    for (i, row) in original.iter().enumerate() {
        let mut seen = BTreeSet::from([behaviour(row)]);
        for mutated in row_mutants::replacements(row) {
            if !seen.insert(behaviour(&mutated)) {
                continue;
            }
            let mut rows = original.to_vec();
            rows[i] = mutated;
            out.push(Mutant {
                key: format!(
                    "{}: {} -> {}",
                    row_key(row),
                    outcome_text(row),
                    outcome_text(&mutated)
                ),
                rows,
            });
        }
    }
    out
}

/// The outcome of one mutant.
struct Verdict {
    key: String,
    /// The table rule or documented property that caught the mutant.
    killed_by: Option<String>,
}

struct Run;

impl MachineVisitor for Run {
    type Output = Vec<Verdict>;
    fn visit<M: Documented<Error = Exception>>(&mut self) -> Vec<Verdict> {
        judge::<M>()
    }
}

fn judge<M: Documented<Error = Exception>>() -> Vec<Verdict> {
    mutants::<M>()
        .into_iter()
        .map(|mutant| {
            let killed_by = match fsm::check::check_rows::<M>(&mutant.rows) {
                Err(errors) => Some(format!(
                    "table check: {}",
                    serde_json::to_value(&errors[0])
                        .ok()
                        .and_then(|rule| rule["rule"].as_str().map(str::to_owned))
                        .unwrap_or_default()
                )),
                Ok(_) => invariants::check_rows::<M>(&mutant.rows)
                    .err()
                    .map(|counterexample| {
                        // Every property that kills a mutant is in the machine's
                        // catalogue, as listed there, and cites clauses that exist.
                        let violation = &counterexample.violation;
                        assert!(
                            invariants::catalogue::<M>().iter().any(|p| {
                                p.name == violation.property && p.clauses == violation.clauses
                            }),
                            "{} reports {}, which its catalogue does not list",
                            M::ID,
                            violation.property
                        );
                        for id in counterexample.violation.clauses {
                            assert!(
                                ucma_ha::clauses::find(id).is_some(),
                                "{} cites unknown {id}",
                                counterexample.violation.property
                            );
                        }
                        counterexample.violation.property.to_owned()
                    }),
            };
            Verdict {
                key: mutant.key,
                killed_by,
            }
        })
        .collect()
}

/// AF-RS names the states but not what a redundant Register or Unregister does.
const REDUNDANT_REGISTRATION_CALL: &str = "AF-RS does not say whether BeginRegister or \
    BeginUnregister in a state where it has nothing to do throws or does nothing; the model \
    refuses it (a decision), and accepting it silently changes no documented state or event";
/// AF-LEP-T documents BeginEstablish only from Idle.
const REPEATED_ESTABLISH: &str = "AF-LEP-T documents BeginEstablish only from Idle; whether \
    a repeated call on a live endpoint throws or does nothing is not documented (AF-LES only \
    rules out reuse after termination, which is checked)";
/// AF-LEP-T lists BeginTerminate from Idle, Established and Reestablishing only.
const TERMINATE_UNLISTED: &str = "AF-LEP-T lists BeginTerminate from Idle, Established and \
    Reestablishing (those are checked); from Establishing and Draining (Draining is newer \
    than that list, D5) the reference says nothing";
/// A second terminate on an object already terminating or terminated.
const REPEATED_TERMINATE: &str = "what a second BeginTerminate does once terminating or \
    terminated (no-op or InvalidOperationException) is not documented; either way no state \
    changes and nothing is raised";
/// AF-SIPSUB says nothing of terminating a subscription that never subscribed.
const TERMINATE_BEFORE_SUBSCRIBE: &str = "AF-SIPSUB does not say what BeginTerminate does \
    before Subscribe was ever called (no dialog exists); the model ends the instance at once";
/// AF-RPSS names the states of a RemotePresenceView subscription and nothing more.
const REMOTE_CALL_VALIDITY: &str = "AF-RPSS lists the states of a remote presentity \
    subscription but not which calls throw where; RP-1 carries over only the home-pool \
    high-availability behaviour (PRES-1..4), which is checked";
/// Whether a remote unsubscribe completes at once.
const REMOTE_UNSUBSCRIBE_TIMING: &str = "AF-RPSS does not say whether ending a remote \
    subscription passes through Terminating or completes at once; both end in Terminated \
    and both are reported";

/// Mutants that survive because they change no documented behaviour, each with its reason.
/// Keyed by machine, row (state, stimulus, guard) and mutation; a key that no longer
/// survives fails the test, so the list cannot go stale.
const SURVIVORS: &[(&str, &str)] = &[
    ("registration Unregistered BeginUnregister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    ("registration Registering BeginRegister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    ("registration Registering BeginUnregister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    (
        "registration RegisteredUserServicesUnknown BeginRegister: reject -> ignore",
        REDUNDANT_REGISTRATION_CALL,
    ),
    ("registration Registered BeginRegister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    (
        "registration RegisteredUserServicesUnavailable BeginRegister: reject -> ignore",
        REDUNDANT_REGISTRATION_CALL,
    ),
    ("registration Unregistering BeginRegister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    ("registration Unregistering BeginUnregister: reject -> ignore", REDUNDANT_REGISTRATION_CALL),
    ("local_endpoint Establishing BeginEstablish: reject -> ignore", REPEATED_ESTABLISH),
    ("local_endpoint Established BeginEstablish: reject -> ignore", REPEATED_ESTABLISH),
    ("local_endpoint Reestablishing BeginEstablish: reject -> ignore", REPEATED_ESTABLISH),
    ("local_endpoint Draining BeginEstablish: reject -> ignore", REPEATED_ESTABLISH),
    ("local_endpoint Establishing BeginTerminate: move to Terminating -> ignore", TERMINATE_UNLISTED),
    ("local_endpoint Establishing BeginTerminate: move to Terminating -> reject", TERMINATE_UNLISTED),
    ("local_endpoint Draining BeginTerminate: move to Terminating -> ignore", TERMINATE_UNLISTED),
    ("local_endpoint Draining BeginTerminate: move to Terminating -> reject", TERMINATE_UNLISTED),
    ("local_endpoint Terminating BeginTerminate: ignore -> reject", REPEATED_TERMINATE),
    ("local_endpoint Terminated BeginTerminate: ignore -> reject", REPEATED_TERMINATE),
    ("sip_subscription Idle BeginTerminate: move to Terminated -> ignore", TERMINATE_BEFORE_SUBSCRIBE),
    ("sip_subscription Idle BeginTerminate: move to Terminated -> reject", TERMINATE_BEFORE_SUBSCRIBE),
    (
        "sip_subscription Idle BeginTerminate: move to Terminated -> move to Terminating",
        TERMINATE_BEFORE_SUBSCRIBE,
    ),
    ("sip_subscription Terminating BeginTerminate: ignore -> reject", REPEATED_TERMINATE),
    ("sip_subscription Terminated BeginTerminate: ignore -> reject", REPEATED_TERMINATE),
    ("remote_presence Idle BeginUnsubscribe: ignore -> reject", REMOTE_CALL_VALIDITY),
    ("remote_presence Subscribing BeginSubscribe: reject -> ignore", REMOTE_CALL_VALIDITY),
    ("remote_presence Polling BeginSubscribe: reject -> ignore", REMOTE_CALL_VALIDITY),
    ("remote_presence Subscribed BeginSubscribe: reject -> ignore", REMOTE_CALL_VALIDITY),
    ("remote_presence WaitingForRetry BeginSubscribe: reject -> ignore", REMOTE_CALL_VALIDITY),
    ("remote_presence Terminating BeginSubscribe: reject -> ignore", REMOTE_CALL_VALIDITY),
    ("remote_presence Terminating BeginUnsubscribe: ignore -> reject", REMOTE_CALL_VALIDITY),
    ("remote_presence Terminated BeginUnsubscribe: ignore -> reject", REMOTE_CALL_VALIDITY),
    (
        "remote_presence Subscribing BeginUnsubscribe: move to Terminating -> move to Terminated",
        REMOTE_UNSUBSCRIBE_TIMING,
    ),
    (
        "remote_presence Polling BeginUnsubscribe: move to Terminating -> move to Terminated",
        REMOTE_UNSUBSCRIBE_TIMING,
    ),
    (
        "remote_presence Subscribed BeginUnsubscribe: move to Terminating -> move to Terminated",
        REMOTE_UNSUBSCRIBE_TIMING,
    ),
    (
        "remote_presence WaitingForRetry BeginUnsubscribe: move to Terminated -> move to Terminating",
        REMOTE_UNSUBSCRIBE_TIMING,
    ),
];

#[test]
fn every_mutant_that_changes_documented_behaviour_is_caught() {
    let verdicts: Vec<Verdict> = for_each_machine(&mut Run).into_iter().flatten().collect();
    let total = verdicts.len();
    let allowed: BTreeSet<&str> = SURVIVORS.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        allowed.len(),
        SURVIVORS.len(),
        "duplicate allow-list entries"
    );
    let survivors: Vec<&Verdict> = verdicts.iter().filter(|v| v.killed_by.is_none()).collect();
    let killed = total - survivors.len();
    let unexplained: Vec<&str> = survivors
        .iter()
        .map(|v| v.key.as_str())
        .filter(|key| !allowed.contains(key))
        .collect();
    let survivor_keys: BTreeSet<&str> = survivors.iter().map(|v| v.key.as_str()).collect();
    let stale: Vec<&str> = allowed
        .iter()
        .copied()
        .filter(|key| !survivor_keys.contains(key))
        .collect();
    println!(
        "mutants: {total}, killed: {killed} ({:.1}%), survivors allowed with a reason: {}, \
         kill rate among mutants that change documented behaviour: {:.1}%",
        100.0 * killed as f64 / total as f64,
        survivors.len() - unexplained.len(),
        100.0 * killed as f64 / (total - (survivors.len() - unexplained.len())) as f64,
    );
    let by_table = verdicts
        .iter()
        .filter(|v| {
            v.killed_by
                .as_deref()
                .is_some_and(|k| k.starts_with("table check"))
        })
        .count();
    println!(
        "killed by the table checker: {by_table}, by the documented properties: {}",
        killed - by_table
    );
    let mut by_property = std::collections::BTreeMap::new();
    for killer in verdicts.iter().filter_map(|v| v.killed_by.as_deref()) {
        *by_property.entry(killer).or_insert(0) += 1;
    }
    for (killer, count) in &by_property {
        println!("  {count:>5}  {killer}");
    }
    for machine in ucma_ha::catalog::MACHINES {
        let mine: Vec<&Verdict> = verdicts
            .iter()
            .filter(|v| v.key.split(' ').next() == Some(*machine))
            .collect();
        let dead = mine.iter().filter(|v| v.killed_by.is_some()).count();
        println!("  {machine:<24} {dead:>4} of {:>4} killed", mine.len());
    }
    for key in &unexplained {
        println!("SURVIVED: {key}");
    }
    assert!(
        unexplained.is_empty(),
        "{} mutants survive without a reason",
        unexplained.len()
    );
    assert!(
        stale.is_empty(),
        "allow-listed mutants that are caught or do not exist: {stale:?}"
    );
}
