//! The proptest-state-machine adapter (`ucma_ha::reference`, feature `reference`): a
//! correct hand-written LocalOwnerPresence passes, and a deliberately wrong one (Idle
//! instead of WaitingForRetry when the subscription underneath ends, against PRES-3) is
//! caught and shrunk to the shortest run that shows it.

#[allow(dead_code)]
#[path = "../examples/reference_local_owner_presence.rs"]
mod example;

use example::{compare, Presence, State};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use ucma_ha::presence::LocalOwnerPresenceStimulus as S;
use ucma_ha::reference::{ModelState, Reference};
use ucma_ha::LocalOwnerPresence;

/// A failed run: the failure message and the shrunk transitions.
type Failure<T> = (
    String,
    Vec<<<T as StateMachineTest>::Reference as ReferenceStateMachine>::Transition>,
);

/// Runs `T` against its reference model on `cases` deterministic generated runs.
///
/// # Returns
/// `Ok` when every run agrees; otherwise the failure message and the shrunk run.
fn run_sequential<T: StateMachineTest>(cases: u32) -> Result<(), Failure<T>> {
    let config = Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    };
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let result = runner.run(
        &T::Reference::sequential_strategy(1..40),
        |(initial, transitions, seen)| {
            T::test_sequential(config.clone(), initial, transitions, seen);
            Ok(())
        },
    );
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, (_, transitions, _))) => {
            Err((reason.message().to_owned(), transitions))
        }
        Err(error) => Err((error.to_string(), Vec::new())),
    }
}

#[test]
fn a_hand_written_implementation_agrees_with_the_model() {
    example::check_against_the_model();
}

/// The implementation with one bug: when the SipSubscription underneath terminates, it
/// goes back to Idle, as before UCMA 4.0 (PRES-3 says WaitingForRetry).
struct IdleOnTerminated;

impl StateMachineTest for IdleOnTerminated {
    type SystemUnderTest = Presence;
    type Reference = Reference<LocalOwnerPresence>;

    fn init_test(model: &ModelState<LocalOwnerPresence>) -> Presence {
        Presence::for_model(model)
    }

    fn apply(mut presence: Presence, model: &ModelState<LocalOwnerPresence>, on: S) -> Presence {
        let live = matches!(presence.state, State::Subscribing | State::Subscribed);
        if on == S::UnderlyingSubscriptionTerminated && live {
            presence.raised.clear();
            presence.go(State::Idle, false);
            let thrown = None;
            if let Err(divergence) = model.expect(presence.state_name(), thrown, &presence.raised) {
                panic!("{divergence}");
            }
        } else {
            compare(&mut presence, model, on);
        }
        presence
    }
}

#[test]
fn a_wrong_implementation_is_caught_and_shrunk_to_a_minimal_trace() {
    let (reason, transitions) = run_sequential::<IdleOnTerminated>(256)
        .expect_err("the wrong implementation was not caught");
    // Shrunk to the shortest run that shows the bug: subscribe, then the subscription
    // underneath terminates. (The shrunk value may still carry stimuli after the failing
    // one, which were never applied; the divergence names the applied path.)
    assert_eq!(
        transitions[..2],
        [S::BeginSubscribe, S::UnderlyingSubscriptionTerminated],
        "{reason}"
    );
    assert!(
        reason.contains(
            "local_owner_presence after [BeginSubscribe, UnderlyingSubscriptionTerminated]: \
             state expected WaitingForRetry, got Idle"
        ),
        "{reason}"
    );
}

#[test]
fn the_reference_starts_from_every_parameter_set_and_reaches_deep_states() {
    // Remote presence has two parameter sets; sessions reach WaitingForRetry and back.
    let mut runner = TestRunner::deterministic();
    let strategy = Reference::<ucma_ha::RemotePresence>::sequential_strategy(20..40);
    let mut home = [false, false];
    let mut waited = false;
    for _ in 0..64 {
        let (initial, transitions, _) =
            proptest::strategy::ValueTree::current(&strategy.new_tree(&mut runner).expect("a run"));
        home[usize::from(initial.parameters().home_pool)] = true;
        let mut state = initial;
        for on in &transitions {
            state = Reference::<ucma_ha::RemotePresence>::apply(state, on);
            waited |= state.observed() == "WaitingForRetry";
        }
        assert_eq!(state.history(), transitions.as_slice());
    }
    assert_eq!(home, [true, true]);
    assert!(waited);
}

/// Runs the reference of `M` on generated runs and checks what it did at every step
/// against the documented properties: the adapter reports the model faithfully, for every
/// machine.
fn reference_steps_keep_the_documented_properties<M: ucma_ha::invariants::Documented>() {
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::with_cases(64)
    });
    let result = runner.run(
        &Reference::<M>::sequential_strategy(1..40),
        |(initial, transitions, _)| {
            let mut state = initial;
            for on in &transitions {
                state = Reference::<M>::apply(state, on);
                let last = state.last().expect("a step was applied");
                assert_eq!(last.on, *on);
                let step = ucma_ha::invariants::Step::<M> {
                    parameters: state.parameters(),
                    from: last.from,
                    on: last.on,
                    to: state.state(),
                    rejected: last.rejected,
                    events: &last.events,
                };
                if let Err(violation) = ucma_ha::invariants::check_step(&step) {
                    return Err(proptest::test_runner::TestCaseError::fail(
                        violation.to_string(),
                    ));
                }
            }
            Ok(())
        },
    );
    assert!(result.is_ok(), "{}: {result:?}", <M as fsm::Machine>::ID);
}

#[test]
fn every_machine_has_a_faithful_reference() {
    reference_steps_keep_the_documented_properties::<ucma_ha::Registration>();
    reference_steps_keep_the_documented_properties::<ucma_ha::LocalEndpoint>();
    reference_steps_keep_the_documented_properties::<ucma_ha::SipSubscription>();
    reference_steps_keep_the_documented_properties::<LocalOwnerPresence>();
    reference_steps_keep_the_documented_properties::<ucma_ha::ContactGroupServices>();
    reference_steps_keep_the_documented_properties::<ucma_ha::RemotePresence>();
}

// ---------------------------------------------------------------------------------------
// The composed system
// ---------------------------------------------------------------------------------------

use fsm::Symbol;
use ucma_ha::catalog::{model, DynModel, Snapshot};
use ucma_ha::reference::{SystemModelState, SystemReference};
use ucma_ha::system::SystemStimulus;

/// A stand-in client driven by stimulus names (the catalog's system model); with `blind`
/// it misses the User Services outage: `PoolFails` changes nothing for it (against REG-1
/// and PRES-1).
struct Client {
    model: Box<dyn DynModel>,
    at: Snapshot,
}

fn client_step(
    mut client: Client,
    reference: &SystemModelState,
    on: SystemStimulus,
    blind: bool,
) -> Client {
    let (rejected, events) = if blind && on == SystemStimulus::PoolFails {
        (None, Vec::new())
    } else {
        let reaction = client
            .model
            .step(&client.at, on.name())
            .expect("a known stimulus");
        client.at = reaction.next;
        (reaction.rejected, reaction.events)
    };
    // A client knows its own objects, not the pool or the connection.
    let states: Vec<(String, &str)> = client
        .model
        .states(&client.at)
        .into_iter()
        .filter(|name| name.component != "pool" && name.component != "connection")
        .map(|name| (name.component.into_owned(), name.observed))
        .collect();
    let states: Vec<(&str, &str)> = states.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    if let Err(divergence) = reference.expect(&states, rejected, &events) {
        panic!("{divergence}");
    }
    client
}

fn new_client(reference: &SystemModelState) -> Client {
    let config = serde_json::to_value(reference.config()).expect("serialises");
    let model = model("system", &config).expect("builds");
    Client {
        at: model.initial(),
        model,
    }
}

struct Faithful;
impl StateMachineTest for Faithful {
    type SystemUnderTest = Client;
    type Reference = SystemReference;
    fn init_test(reference: &SystemModelState) -> Client {
        new_client(reference)
    }
    fn apply(client: Client, reference: &SystemModelState, on: SystemStimulus) -> Client {
        client_step(client, reference, on, false)
    }
}

struct MissesOutage;
impl StateMachineTest for MissesOutage {
    type SystemUnderTest = Client;
    type Reference = SystemReference;
    fn init_test(reference: &SystemModelState) -> Client {
        new_client(reference)
    }
    fn apply(client: Client, reference: &SystemModelState, on: SystemStimulus) -> Client {
        client_step(client, reference, on, true)
    }
}

#[test]
fn a_faithful_system_client_agrees_with_the_system_reference() {
    let result = run_sequential::<Faithful>(32);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn a_system_client_that_misses_the_outage_is_caught_and_shrunk_reg_1() {
    let (reason, transitions) =
        run_sequential::<MissesOutage>(256).expect_err("the blind client was not caught");
    // The shortest run that shows it: establish (registering the endpoint), then the pool
    // fails and the registrar's NOTIFY raises RegistrationStateChanged (REG-1, REG-2).
    assert_eq!(
        transitions[..2],
        [SystemStimulus::BeginEstablish, SystemStimulus::PoolFails],
        "{reason}"
    );
    assert!(
        reason.contains("system after [BeginEstablish, PoolFails]: events expected"),
        "{reason}"
    );
}
