//! Tests of vector generation.

use super::*;
use serde_json::json;

#[test]
fn vector_paths_are_shortest_and_breadth_first() {
    let options = Options {
        cover: Cover::Edges,
        ..Options::default()
    };
    let generated = generate("registration", &[Value::Null], &options).expect("generates");
    assert!(generated.coverage.complete);
    // Edge indices grow with the source state's breadth-first index, whose depth
    // never decreases: so path lengths never decrease along the edge order.
    let mut by_edge: Vec<(usize, usize)> = generated
        .vectors
        .iter()
        .map(|v| match v.goal {
            Goal::Edge { edge, .. } => (edge, v.trace.steps.len()),
            Goal::Row(_) => (usize::MAX, 0),
        })
        .collect();
    by_edge.sort_unstable();
    assert!(by_edge.windows(2).all(|w| w[0].1 <= w[1].1), "{by_edge:?}");
    assert_eq!(
        by_edge[0].1, 1,
        "an edge from the initial state is one step"
    );
}

#[test]
fn a_state_limit_leaves_the_cover_incomplete() {
    let options = Options {
        max_states: 2,
        ..Options::default()
    };
    let cut = generate("registration", &[Value::Null], &options).expect("generates");
    assert!(!cut.coverage.complete);
    assert_eq!(cut.coverage.states, 2);
}

#[test]
fn a_limit_beyond_the_memory_budget_is_refused_up_front() {
    let options = Options {
        max_states: usize::MAX,
        ..Options::default()
    };
    let refused = generate("registration", &[Value::Null], &options);
    assert!(
        matches!(refused, Err(VectorError::TooLarge { .. })),
        "{refused:?}"
    );
}

#[test]
fn the_vector_limit_stops_the_walk_and_says_so() {
    let options = Options {
        cover: Cover::Edges,
        max_vectors: 3,
        ..Options::default()
    };
    let cut = generate("registration", &[Value::Null], &options).expect("generates");
    assert_eq!(cut.vectors.len(), 3);
    assert!(!cut.coverage.complete);
    assert!(cut
        .coverage
        .stopped
        .as_deref()
        .is_some_and(|why| why.contains("--max-vectors")));
}

#[test]
fn vectors_fire_every_reachable_row_and_are_named_by_row() {
    let generated =
        generate("registration", &[Value::Null], &Options::default()).expect("generates");
    let coverage = &generated.coverage.machines[0];
    assert_eq!(coverage.covered, coverage.reachable);
    let names: BTreeSet<&str> = generated.vectors.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names.len(), generated.vectors.len(), "names are unique");
    assert!(
        names.contains("registration-009-Unregistered-BeginUnregister.json"),
        "{names:?}"
    );
}

#[test]
fn a_sweep_covers_the_guarded_rows_af_drop() {
    let configs = [
        json!({"refresh_on_connection_drop": true}),
        json!({"refresh_on_connection_drop": false}),
    ];
    let one = generate("registration", &configs[..1], &Options::default()).expect("one");
    let both = generate("registration", &configs, &Options::default()).expect("both");
    let (one, both) = (&one.coverage.machines[0], &both.coverage.machines[0]);
    assert!(
        one.covered < one.total,
        "some rows are guarded for the other config"
    );
    assert_eq!(both.covered, both.total);
}

#[test]
fn edge_cover_takes_every_edge() {
    let options = Options {
        cover: Cover::Edges,
        ..Options::default()
    };
    let generated = generate("remote_presence", &[Value::Null], &options).expect("generates");
    let coverage = &generated.coverage;
    assert_eq!(coverage.edges_covered, coverage.edges_total);
    assert!(generated.vectors.len() < coverage.edges_total);
}

#[test]
fn system_vectors_name_the_component_of_every_event_and_replay_rp_1() {
    let generated =
        generate("system", &[json!({"remote_views": 1})], &Options::default()).expect("generates");
    let model = catalog::model("system", &json!({"remote_views": 1})).expect("the system");
    let components: Vec<String> = model
        .states(&model.initial())
        .into_iter()
        .map(|state| state.component.into_owned())
        .collect();
    let mut named = BTreeSet::new();
    for vector in &generated.vectors {
        for step in &vector.trace.steps {
            let emits = step.expect.as_ref().and_then(|e| e.emits.as_ref());
            for event in emits.into_iter().flatten() {
                let component = event["component"].as_str().expect("a component");
                assert!(components.iter().any(|c| c == component), "{component}");
                named.insert(component.to_owned());
            }
        }
        let text = vector.trace.to_json_lines();
        let read = crate::trace::parse(None, text.as_bytes()).expect("reads back");
        crate::replay::replay(&read).expect("the vector matches");
    }
    for component in ["registration", "local_endpoint", "remote_presence[0]"] {
        assert!(named.contains(component), "{named:?}");
    }
    // A single machine's vectors name no component.
    let single = generate("registration", &[Value::Null], &Options::default()).expect("ok");
    assert!(single
        .vectors
        .iter()
        .flat_map(|v| &v.trace.steps)
        .flat_map(|s| s
            .expect
            .as_ref()
            .and_then(|e| e.emits.clone())
            .unwrap_or_default())
        .all(|event| event.get("component").is_none()));
}
