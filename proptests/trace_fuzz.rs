//! Fuzzing the trace reader: arbitrary bytes, and valid traces with random damage, must
//! give a trace or an error, never a panic; a trace that parses is then run through the
//! catalog by names, which must also answer with errors only.
//!
//! It reads with `ucma_ha::trace::parse`, the positioned reader behind `ucma-ha replay`
//! (`tests/trace_fuzz.rs` fuzzes the same reader with trace-shaped documents).

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use ucma_ha::trace::parse;

use crate::harness;

/// Valid traces to damage: the contract's example and one per machine.
const SEEDS: &[&str] = &[
    ucma_ha::trace::EXAMPLE,
    r#"{"machine": "sip_subscription", "config": {"platform": true, "home_pool": true, "query_only": false},
 "steps": [{"on": "BeginSubscribe"}, {"on": "SubscribeOk", "expect": {"states": {"sip_subscription": "Subscribed"}}},
  {"on": "RefreshFailedPoolUnresponsive", "expect": {"emits_include": [{"event": "SubscriptionStateChanged"}]}}]}"#,
    r#"{"machine": "local_owner_presence", "steps": [{"on": "BeginPublishPresence", "expect": {"rejected": "InvalidOperationException"}}]}"#,
    r#"{"machine": "local_endpoint", "config": {"kind": "application"}, "steps": [{"on": "BeginDrain"}]}"#,
    r#"{"machine": "remote_presence", "config": {"home_pool": false}, "steps": []}"#,
];

/// Parses and, when it parses, steps the trace by names; panics are the only failure.
fn read_and_step(bytes: &[u8]) {
    if let Ok(trace) = parse(None, bytes) {
        if let Ok(model) = ucma_ha::catalog::model(&trace.machine, &trace.config) {
            let mut at = model.initial();
            for step in &trace.steps {
                if let Ok(reaction) = model.step(&at, &step.on) {
                    at = reaction.next;
                }
            }
            let _ = model.states(&at);
        }
    }
}

fn run(name: &str, strategy: impl Strategy<Value = Vec<u8>>) {
    let mut runner = TestRunner::new(harness::config());
    let result = runner.run(&strategy, |bytes| {
        std::panic::catch_unwind(|| read_and_step(&bytes))
            .map_err(|_| TestCaseError::fail("the trace reader panicked"))
    });
    if let Err(error) = result {
        panic!("{name}: {error}");
    }
}

#[test]
fn arbitrary_bytes_never_panic_the_trace_reader() {
    run(
        "arbitrary_bytes",
        prop::collection::vec(any::<u8>(), 0..512),
    );
}

/// An edit to a valid trace: overwrite, insert or delete one byte.
#[derive(Debug, Clone)]
enum Damage {
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
}

fn damaged() -> impl Strategy<Value = Vec<u8>> {
    // Bytes that matter to JSON and to the trace's names.
    let byte = prop_oneof![
        3 => prop::sample::select(b"{}[]\":,0123456789-.eEtrufalsn \\".to_vec()),
        1 => any::<u8>(),
    ];
    let damage = prop_oneof![
        (any::<prop::sample::Index>(), byte.clone()).prop_map(|(i, b)| Damage::Set(i, b)),
        (any::<prop::sample::Index>(), byte).prop_map(|(i, b)| Damage::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Damage::Delete),
    ];
    (
        prop::sample::select(SEEDS),
        prop::collection::vec(damage, 1..8),
    )
        .prop_map(|(seed, damages)| {
            let mut bytes = seed.as_bytes().to_vec();
            for damage in damages {
                match damage {
                    Damage::Set(i, b) if !bytes.is_empty() => {
                        let at = i.index(bytes.len());
                        bytes[at] = b;
                    }
                    Damage::Insert(i, b) => {
                        let at = i.index(bytes.len() + 1);
                        bytes.insert(at, b);
                    }
                    Damage::Delete(i) if !bytes.is_empty() => {
                        let at = i.index(bytes.len());
                        bytes.remove(at);
                    }
                    _ => {}
                }
            }
            bytes
        })
}

#[test]
fn damaged_traces_never_panic_the_trace_reader() {
    run("damaged_traces", damaged());
}

#[test]
fn the_seeds_are_valid_traces() {
    // The fuzzer starts from valid documents, so its edits probe the reader deeply.
    for seed in SEEDS {
        assert!(parse(None, seed.as_bytes()).is_ok(), "{seed}");
    }
}

/// Stepping by names never panics either: any machine id, any stimulus name (valid ones
/// often), any snapshot, even one no step produced.
#[test]
fn the_catalog_never_panics_on_any_name_or_snapshot() {
    let names = prop_oneof![
        3 => prop::sample::select(ucma_ha::catalog::MACHINES.to_vec()).prop_map(str::to_owned),
        1 => ".{0,24}",
    ];
    let stimulus = prop_oneof![
        3 => prop::sample::select(vec![
            "BeginSubscribe", "SubscribeOk", "PoolOffline", "BeginRegister", "RefreshOk",
            "BeginDrain", "UnderlyingSubscriptionTerminated", "PoolRecovered",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,24}",
    ];
    let strategy = (
        names,
        prop::collection::vec(any::<u64>(), 0..3),
        prop::collection::vec(stimulus, 0..16),
    );
    let mut runner = TestRunner::new(harness::config());
    let result = runner.run(&strategy, |(machine, snapshot, stimuli)| {
        std::panic::catch_unwind(|| {
            if let Ok(model) = ucma_ha::catalog::model(&machine, &serde_json::Value::Null) {
                let mut at = ucma_ha::catalog::Snapshot(snapshot.clone());
                for on in &stimuli {
                    if let Ok(reaction) = model.step(&at, on) {
                        at = reaction.next;
                    }
                    let _ = model.states(&at);
                }
            }
        })
        .map_err(|_| TestCaseError::fail("stepping by names panicked"))
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
