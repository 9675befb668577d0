//! Using the crate as a reference model in your own tests: drive your implementation,
//! record what it does, and let the model say whether (and where) it behaves differently.
//!
//! The "implementation under test" here is a toy registration client with a deliberate
//! bug: when the registrar says User Services is unavailable it reports the 6.0 reason
//! `UserServicesUnavailable` instead of the 4.0 `None` (REG-2, D4). In a real test suite
//! the observations would come from your code's event handlers.
//!
//! Run with `cargo run --example reference_model`.

use serde_json::{json, Value};
use ucma_ha::catalog;
use ucma_ha::replay::{replay, ReplayError};
use ucma_ha::trace::{Expect, Step, Trace};

/// A toy client: the state it exposes and the event args it raises (as JSON, the way the
/// crate's `Event` serialises them, docs/CONTRACT.md section 3).
struct ToyClient {
    state: &'static str,
}

impl ToyClient {
    fn handle(&mut self, stimulus: &str) -> Vec<Value> {
        let (to, reason, message, services) = match (self.state, stimulus) {
            ("Unregistered", "BeginRegister") => ("Registering", "None", false, "Unknown"),
            ("Registering", "RegisterOk") => ("Registered", "None", true, "Unknown"),
            // The bug: the seed's 4.0 behaviour is Reason None here (REG-2).
            ("Registered", "RegistrarNotifyUserServicesUnavailable") => {
                ("Registered", "UserServicesUnavailable", true, "Unavailable")
            }
            ("Registered", "RefreshOk") => {
                ("Registered", "RegisterationRefresh", true, "Available")
            }
            _ => return Vec::new(),
        };
        let event = json!({
            "event": "RegistrationStateChanged", "PreviousState": self.state, "State": to,
            "Reason": reason, "MessageData": message, "UserServicesState": services,
        });
        self.state = to;
        vec![event]
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stimuli = [
        "BeginRegister",
        "RegisterOk",
        "RegistrarNotifyUserServicesUnavailable",
        "RefreshOk",
    ];

    // 1. Step by step: compare each observation with the model as you go.
    let model = catalog::model("registration", &Value::Null)?;
    let mut at = model.initial();
    let mut client = ToyClient {
        state: "Unregistered",
    };
    for stimulus in stimuli {
        let observed = client.handle(stimulus);
        let reaction = model.step(&at, stimulus)?;
        let expected: Vec<Value> = reaction
            .events
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()?;
        let state = model.states(&reaction.next)[0].observed;
        let verdict = if observed == expected && client.state == state {
            "agrees"
        } else {
            "DIFFERS"
        };
        println!("{stimulus:<40} {verdict}");
        at = reaction.next;
    }

    // 2. Or record the whole run as a trace and replay it: the first divergence comes with
    //    the step, what was observed, what the model does and the path that led there.
    let mut client = ToyClient {
        state: "Unregistered",
    };
    let steps = stimuli
        .iter()
        .map(|stimulus| {
            let emits = client.handle(stimulus);
            Step {
                on: (*stimulus).to_owned(),
                expect: Some(Expect {
                    state: Some(client.state.to_owned()),
                    emits: Some(emits),
                    ..Expect::default()
                }),
            }
        })
        .collect();
    let observed = Trace {
        machine: "registration".into(),
        config: json!({}),
        steps,
    };
    match replay(&observed) {
        Ok(report) => println!("the client agrees with the model ({} steps)", report.steps),
        Err(ReplayError::Diverged(divergence)) => {
            // Here `expected` is what the client did and `actual` what the model does.
            println!("\nthe client differs from the model:\n{divergence}");
        }
        Err(ReplayError::Invalid(error)) => return Err(error.into()),
    }
    Ok(())
}
