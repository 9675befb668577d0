//! Turning a log of a real UCMA application into a trace file: the log names stimuli and
//! the event args the application's handlers printed, with the .NET enum names as they are
//! (docs/CONTRACT.md section 1: they parse without mapping). The trace can then be replayed
//! (`ucma-ha replay`) or counted (`ucma-ha coverage`).
//!
//! The log format is an example; adapt `parse_line` to yours. Lines are
//! `> Stimulus` for something that happened to the object (a call, a response, a NOTIFY),
//! and `EventName Key=Value, Key=Value` for what a handler saw. `MessageData` is logged as
//! `null` or as the message; the trace keeps only whether one came (RARG-2).
//!
//! Run with `cargo run --example dotnet_log_to_trace [LOG]`; without LOG it uses a sample.

use serde_json::{Map, Value};
use ucma_ha::trace::{Expect, Step, Trace};

const SAMPLE: &str = "\
# machine: registration
09:00:00.001 > BeginRegister
09:00:00.002 RegistrationStateChanged PreviousState=Unregistered, State=Registering, Reason=None, MessageData=null, UserServicesState=Unknown
09:00:00.140 > RegisterOk
09:00:00.141 RegistrationStateChanged PreviousState=Registering, State=Registered, Reason=None, MessageData=SIP/2.0 200 OK, UserServicesState=Unknown
09:12:31.500 > RegistrarNotifyUserServicesUnavailable
09:12:31.501 RegistrationStateChanged PreviousState=Registered, State=Registered, Reason=None, MessageData=NOTIFY, UserServicesState=Unavailable
09:14:00.000 > RefreshDue
09:14:00.210 > RefreshOk
09:14:00.211 RegistrationStateChanged PreviousState=Registered, State=Registered, Reason=RegisterationRefresh, MessageData=SIP/2.0 200 OK, UserServicesState=Available
";

/// One meaningful log line.
enum Line {
    /// `# machine: ID`
    Machine(String),
    /// `> Stimulus`
    Stimulus(String),
    /// `EventName Key=Value, ...`
    Event(Value),
}

fn parse_line(line: &str) -> Option<Line> {
    if let Some(machine) = line.strip_prefix("# machine:") {
        return Some(Line::Machine(machine.trim().to_owned()));
    }
    // Drop the timestamp.
    let (_, rest) = line.split_once(' ')?;
    if let Some(stimulus) = rest.strip_prefix("> ") {
        return Some(Line::Stimulus(stimulus.trim().to_owned()));
    }
    let (event, args) = rest.split_once(' ')?;
    let mut object = Map::new();
    object.insert("event".into(), Value::from(event));
    for arg in args.split(", ") {
        let (key, value) = arg.split_once('=')?;
        let value = match key {
            "MessageData" => Value::Bool(value != "null"),
            _ => Value::from(value),
        };
        object.insert(key.to_owned(), value);
    }
    Some(Line::Event(Value::Object(object)))
}

/// Builds a trace: each stimulus expects exactly the events logged after it.
fn to_trace(log: &str) -> Result<Trace, String> {
    let mut machine = None;
    let mut steps: Vec<Step> = Vec::new();
    for (number, line) in log.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Some(Line::Machine(id)) => machine = Some(id),
            Some(Line::Stimulus(on)) => steps.push(Step {
                on,
                expect: Some(Expect {
                    emits: Some(Vec::new()),
                    ..Expect::default()
                }),
            }),
            Some(Line::Event(event)) => {
                let emits = steps
                    .last_mut()
                    .and_then(|step| step.expect.as_mut())
                    .and_then(|expect| expect.emits.as_mut())
                    .ok_or_else(|| format!("line {}: an event before any stimulus", number + 1))?;
                emits.push(event);
            }
            None => return Err(format!("line {}: not understood: {line}", number + 1)),
        }
    }
    Ok(Trace {
        machine: machine.ok_or("no `# machine:` line")?,
        config: Value::Object(Map::new()),
        steps,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let log = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_owned(),
    };
    let trace = to_trace(&log)?;
    // Names are checked against the model: a typo in the log is reported here.
    trace.validate()?;
    print!("{}", trace.to_json_lines());
    match ucma_ha::replay::replay(&trace) {
        Ok(report) => eprintln!("replayed: {} steps agree with the model", report.steps),
        Err(error) => eprintln!("{error}"),
    }
    Ok(())
}
