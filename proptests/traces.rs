//! Failing runs kept as trace files (docs/CONTRACT.md section 4), with every step's full
//! expectation taken from the model, so that `ucma-ha replay` reproduces them.

use std::path::PathBuf;

use fsm::{Machine, Symbol, Table};
use ucma_ha::trace::{Expect, Step, Trace};
use ucma_ha::Event;

/// Where failing runs are written: `target/proptest-traces/`.
pub fn directory() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or(tmp.clone(), |target| target.to_path_buf())
        .join("proptest-traces")
}

/// The trace of `stimuli` on `table`, each step expecting what the model does.
pub fn trace<M: Machine<Event = Event>>(table: &Table<M>, stimuli: &[M::Stimulus]) -> Trace {
    let mut state = table.initial();
    let steps = stimuli
        .iter()
        .map(|&on| {
            let observed = crate::harness::step(table, state, on);
            state = observed.to;
            Step {
                on: on.name().to_owned(),
                expect: Some(Expect {
                    state: Some(M::observed(observed.to).to_owned()),
                    rejected: Some(
                        observed
                            .rejected
                            .map(|error| Into::<&'static str>::into(error).to_owned()),
                    ),
                    emits: Some(
                        observed
                            .events
                            .iter()
                            .map(|event| serde_json::to_value(event).expect("events serialise"))
                            .collect(),
                    ),
                    ..Expect::default()
                }),
            }
        })
        .collect();
    Trace {
        machine: M::ID.to_owned(),
        config: serde_json::to_value(table.parameters()).expect("parameters serialise"),
        steps,
    }
}

/// Writes the trace of `stimuli` on `table` as `NAME.json` and returns its path.
pub fn write<M: Machine<Event = Event>>(
    name: &str,
    table: &Table<M>,
    stimuli: &[M::Stimulus],
) -> std::io::Result<PathBuf> {
    let directory = directory();
    std::fs::create_dir_all(&directory)?;
    let path = directory.join(format!("{name}.json"));
    let text =
        serde_json::to_string_pretty(&trace(table, stimuli)).map_err(std::io::Error::other)?;
    std::fs::write(&path, text + "\n")?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{run_property, Observed};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use ucma_ha::vocabulary::CollaborationSubscriptionState;
    use ucma_ha::LocalOwnerPresence;

    /// Replays a trace through the catalog (by names, as `ucma-ha replay` does) and
    /// returns the index of the first step that does not match.
    fn first_divergence(trace: &Trace) -> Option<usize> {
        let model =
            ucma_ha::catalog::machine(&trace.machine, &trace.config).expect("a known machine");
        let mut at = model.initial();
        for (i, step) in trace.steps.iter().enumerate() {
            let reaction = model.step(&at, &step.on).expect("a known stimulus");
            let expect = step.expect.as_ref().expect("full expectations");
            let state = model.states(&reaction.next)[0].observed;
            let events: Vec<serde_json::Value> = reaction
                .events
                .iter()
                .map(|e| serde_json::to_value(e).expect("serialises"))
                .collect();
            if expect.state.as_deref() != Some(state)
                || expect.rejected != Some(reaction.rejected.map(str::to_owned))
                || expect.emits.as_ref() != Some(&events)
            {
                return Some(i);
            }
            at = reaction.next;
        }
        None
    }

    #[test]
    fn a_failing_property_leaves_a_replayable_shrunk_trace() {
        // A deliberately false property: "LocalOwnerPresence never waits for retry" (PRES-1
        // says it does), run in a nested runner with a fixed seed.
        let mut runner = TestRunner::new_with_rng(
            Config {
                failure_persistence: None,
                ..Config::with_cases(256)
            },
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        let failure = run_property::<LocalOwnerPresence, _>(
            "forced_failure_never_waits",
            &mut runner,
            |_, run: &[Observed<LocalOwnerPresence>]| match run
                .iter()
                .position(|o| o.to == CollaborationSubscriptionState::WaitingForRetry)
            {
                Some(i) => Err(format!("WaitingForRetry at step {i}")),
                None => Ok(()),
            },
        )
        .expect_err("the property is false");
        assert_eq!(
            failure.trace,
            directory().join("forced_failure_never_waits.json")
        );
        let text = std::fs::read(&failure.trace).expect("the trace file exists");
        let trace: Trace = serde_json::from_slice(&text).expect("a valid trace file");
        assert_eq!(trace.machine, "local_owner_presence");
        // Shrunk to the shortest way there: subscribe, then the pool goes offline or the
        // subscription underneath ends.
        assert_eq!(trace.steps.len(), 2, "{:?}", failure.stimuli);
        assert_eq!(trace.steps[0].on, "BeginSubscribe");
        assert!(matches!(
            trace.steps[1].on.as_str(),
            "PoolOffline" | "UnderlyingSubscriptionTerminated"
        ));
        let last = trace.steps[1]
            .expect
            .as_ref()
            .and_then(|e| e.state.as_deref());
        assert_eq!(last, Some("WaitingForRetry"));
        assert_eq!(first_divergence(&trace), None);
    }

    #[test]
    fn a_replay_notices_a_wrong_expectation() {
        // The replay check above is not vacuous: change one expected state and it diverges.
        let table = Table::<LocalOwnerPresence>::new(Default::default()).expect("compiles");
        use ucma_ha::presence::LocalOwnerPresenceStimulus as S;
        let mut trace = trace(&table, &[S::BeginSubscribe, S::SubscribeOk, S::PoolOffline]);
        assert_eq!(first_divergence(&trace), None);
        if let Some(expect) = trace.steps[2].expect.as_mut() {
            expect.state = Some("Idle".to_owned());
        }
        assert_eq!(first_divergence(&trace), Some(2));
    }
}
