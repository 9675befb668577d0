//! Replay, vectors and the trace reader work on any `DynModel` by names, so a composed
//! model (such as `system`) works as soon as the catalog builds it. This stands in a small
//! hand-made composition: a registration and a remote presence view side by side, each
//! stimulus going to whichever component has it (docs/CONTRACT.md section 2: components are
//! addressed by name, `remote_presence[i]` included).

use std::borrow::Cow;

use serde_json::{json, Value};
use ucma_ha::catalog::{self, CatalogError, DynModel, Fired, Reaction, Snapshot, StateName};
use ucma_ha::replay::{replay_on, ReplayError};
use ucma_ha::trace::{parse_with, Trace};
use ucma_ha::vectors::{generate_for, Cover, Options};

struct Pair {
    parts: [(String, Box<dyn DynModel>); 2],
}

impl Pair {
    fn new() -> Pair {
        let part = |id| catalog::model(id, &Value::Null).expect("a machine");
        Pair {
            parts: [
                ("registration".into(), part("registration")),
                ("remote_presence[0]".into(), part("remote_presence")),
            ],
        }
    }
}

impl DynModel for Pair {
    fn id(&self) -> &'static str {
        "pair"
    }
    fn parameters(&self) -> Value {
        json!({})
    }
    fn stimuli(&self) -> Vec<&'static str> {
        let mut stimuli = Vec::new();
        for (_, part) in &self.parts {
            for stimulus in part.stimuli() {
                if !stimuli.contains(&stimulus) {
                    stimuli.push(stimulus);
                }
            }
        }
        stimuli
    }
    fn initial(&self) -> Snapshot {
        Snapshot(self.parts.iter().flat_map(|(_, p)| p.initial().0).collect())
    }
    fn step(&self, at: &Snapshot, stimulus: &str) -> Result<Reaction, CatalogError> {
        let mut reaction = Reaction {
            next: at.clone(),
            rejected: None,
            events: Vec::new(),
            raised_by: Vec::new(),
            fired: Vec::new(),
        };
        if !self.stimuli().contains(&stimulus) {
            return Err(CatalogError::UnknownStimulus {
                machine: "pair",
                name: stimulus.into(),
                suggestion: None,
            });
        }
        for (i, (component, part)) in self.parts.iter().enumerate() {
            if !part.stimuli().contains(&stimulus) {
                continue;
            }
            let own = part.step(&Snapshot(vec![at.0[i]]), stimulus)?;
            reaction.next.0[i] = own.next.0[0];
            reaction.rejected = reaction.rejected.or(own.rejected);
            let raised = own.events.len();
            reaction.events.extend(own.events);
            reaction
                .raised_by
                .extend(std::iter::repeat_n(Cow::from(component.clone()), raised));
            reaction
                .fired
                .extend(own.fired.into_iter().map(|fired| Fired {
                    component: component.clone().into(),
                    ..fired
                }));
        }
        Ok(reaction)
    }
    fn states(&self, at: &Snapshot) -> Vec<StateName> {
        self.parts
            .iter()
            .enumerate()
            .map(|(i, (component, part))| StateName {
                component: component.clone().into(),
                ..part.states(&Snapshot(vec![at.0[i]]))[0].clone()
            })
            .collect()
    }
}

fn models(id: &str, config: &Value) -> Result<Box<dyn DynModel>, CatalogError> {
    match id {
        "pair" => Ok(Box::new(Pair::new())),
        _ => catalog::model(id, config),
    }
}

fn parse(text: &str) -> Result<Trace, String> {
    parse_with(Some("p.json"), text.as_bytes(), &models).map_err(|e| e.to_string())
}

#[test]
fn edge_vectors_of_a_composed_model_replay_and_cover_every_edge() {
    let pair = Pair::new();
    let options = Options {
        cover: Cover::Edges,
        max_states: 10_000,
        ..Options::default()
    };
    let generated = generate_for(&[&pair], &options).expect("generates");
    let coverage = &generated.coverage;
    assert!(coverage.complete);
    assert_eq!(coverage.edges_covered, coverage.edges_total);
    assert_eq!(coverage.machines.len(), 2);
    for machine in &coverage.machines {
        assert_eq!(machine.covered, machine.reachable, "{}", machine.machine);
    }
    for vector in &generated.vectors {
        assert!(vector.name.starts_with("pair-e"), "{}", vector.name);
        let trace = parse(&vector.trace.to_json_lines()).expect("the reader accepts it");
        assert!(trace.steps.iter().all(|s| s
            .expect
            .as_ref()
            .is_some_and(|e| e.states.as_ref().is_some_and(|states| states.len() == 2))));
        replay_on(&pair, &trace).expect("agrees with the model");
    }
}

#[test]
fn row_vectors_name_the_firing_component_safely() {
    let pair = Pair::new();
    let generated = generate_for(&[&pair], &Options::default()).expect("generates");
    assert!(generated
        .vectors
        .iter()
        .any(|v| v.name.starts_with("pair-remote_presence0-")));
    assert!(generated
        .vectors
        .iter()
        .all(|v| !v.name.contains('[') && !v.name.contains(']')));
    for vector in &generated.vectors {
        replay_on(&pair, &vector.trace).expect("agrees with the model");
    }
}

#[test]
fn component_names_and_states_are_checked_per_component() {
    let head = r#"{"machine": "pair", "steps": [{"on": "BeginSubscribe", "expect": "#;
    assert_eq!(
        parse(&format!(r#"{head}{{"state": "Subscribing"}}}}]}}"#)).unwrap_err(),
        "p.json:1:67: `pair` has 2 components: expect `states` (component to state), not `state`"
    );
    assert_eq!(
        parse(&format!(r#"{head}{{"states": {{"remote_presence[1]": "Subscribing"}}}}}}]}}"#))
            .unwrap_err(),
        "p.json:1:78: unknown component `remote_presence[1]` of `pair` (did you mean `remote_presence[0]`?)"
    );
    assert_eq!(
        parse(&format!(
            r#"{head}{{"states": {{"remote_presence[0]": "Registering"}}}}}}]}}"#
        ))
        .unwrap_err(),
        "p.json:1:100: unknown state `Registering` for `remote_presence[0]`"
    );
    let trace = parse(&format!(
        r#"{head}{{"states": {{"remote_presence[0]": "Subscribed", "registration": "Unregistered"}}}}}}]}}"#
    ))
    .expect("valid");
    match replay_on(&Pair::new(), &trace) {
        Err(ReplayError::Diverged(divergence)) => assert_eq!(
            divergence.mismatches,
            ["states.remote_presence[0]: expected `Subscribed`, found `Subscribing`"]
        ),
        other => panic!("{other:?}"),
    }
}
