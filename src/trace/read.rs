//! Reading a trace step by step from a stream (serde visitors that check each step as
//! it is read and hand it over), with positions for every problem.

use std::cell::RefCell;
use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::check::{key, At, Checker, Component, TRACE_FIELDS};
use super::json;
use super::names;
use super::spans::{display_path, Position, Segment, Span, Spans};
use super::{Header, Models, OnStep, Problem, Step, TraceError};
use crate::catalog::{nearest, DynModel};

/// Reads a trace step by step without holding more than one step in memory: each step
/// is checked like [`parse`](crate::trace::parse) checks it and handed to `on_step` with the model the
/// trace's machine and config name, and its index; then it is dropped.
///
/// The steps are streamed when `machine` (and `config`, if given) come before `steps`,
/// as in every file this crate writes. If `machine` comes after `steps`, the steps are
/// held until it is read (memory then grows with the trace). A `config` after `steps`
/// is accepted only when it changes nothing (the steps were checked with the defaults).
///
/// # Errors
/// The first problem, as [`parse`](crate::trace::parse) reports it; the steps before it were already handed
/// over.
///
/// # Complexity
/// O(n) in the text length; memory O(longest step) plus what `on_step` keeps.
pub fn read_steps<R: BufRead>(
    file: Option<&str>,
    reader: R,
    models: &Models,
    on_step: &mut OnStep<'_>,
) -> Result<Header, TraceError> {
    let tracker = RefCell::new(json::Tracker::default());
    let reading = Reading {
        file,
        models,
        tracker: &tracker,
        failure: RefCell::new(None),
        on_step: RefCell::new(on_step),
    };
    let mut deserializer =
        serde_json::Deserializer::from_reader(json::Tracked::new(reader, &tracker));
    tracker.borrow_mut().arm();
    let result = (&mut deserializer)
        .deserialize_any(Root(&reading))
        .and_then(|header| deserializer.end().map(|()| header));
    match result {
        Ok(header) => Ok(header),
        Err(error) => Err(match reading.failure.into_inner() {
            Some(failure) => failure,
            None => {
                let message = json::message(&error);
                let mut position = tracker.borrow().error_position(&error);
                if let Some(name) = json::duplicated(&message) {
                    // serde_json stops just after the key: point at its opening quote.
                    let width = name.chars().count() + 2;
                    if position.column > width {
                        position.column -= width;
                    }
                }
                if let Some(kind) = error.io_error_kind() {
                    // A read that failed (a directory, a device error) has no position
                    // in the text: name the file and say why, as when it cannot be opened.
                    return Err(TraceError {
                        file: file.map(str::to_owned),
                        position: None,
                        path: String::new(),
                        problem: Box::new(Problem::Io(crate::files::reason(
                            &std::io::Error::from(kind),
                        ))),
                    });
                }
                TraceError {
                    file: file.map(str::to_owned),
                    position: Some(position),
                    path: String::new(),
                    problem: Box::new(if message.starts_with("duplicate key") {
                        Problem::Invalid(message)
                    } else {
                        Problem::Syntax(message)
                    }),
                }
            }
        }),
    }
}

/// The state of one [`read_steps`] call, shared by its serde visitors.
struct Reading<'a, 'f> {
    file: Option<&'a str>,
    models: &'a Models,
    tracker: &'a RefCell<json::Tracker>,
    /// The problem that stopped the reading (serde only carries its own errors).
    failure: RefCell<Option<TraceError>>,
    on_step: RefCell<&'f mut OnStep<'f>>,
}

/// A checked model and its components.
struct Ready {
    model: Box<dyn DynModel>,
    components: Vec<Component>,
}

/// A step read before its machine was known: its value, start and text.
type Pending = (Value, Position, Vec<u8>);

impl Reading<'_, '_> {
    fn checker<'s>(&'s self, spans: Option<&'s Spans>) -> Checker<'s> {
        Checker {
            file: self.file,
            spans,
            models: self.models,
        }
    }

    /// Stops with a wrong type for the value at `path` (a top-level key, or `""` for the
    /// document) that the tracker recorded last.
    fn wrong<E: de::Error>(&self, path: &str, found: &'static str) -> E {
        self.tracker.borrow_mut().stop();
        let at = self.tracker.borrow().start();
        let path: Vec<Segment> = if path.is_empty() {
            Vec::new()
        } else {
            vec![key(path)]
        };
        let mut spans = Spans::default();
        spans.insert(
            path.clone(),
            Span {
                key: None,
                value: at,
            },
        );
        let expected = if path.is_empty() {
            "an object"
        } else {
            "an array"
        };
        let error = self.checker(Some(&spans)).fail(
            &path,
            At::Value,
            Problem::WrongType {
                path: display_path(&path),
                expected,
                found,
            },
        );
        self.stop(error)
    }

    /// Keeps `error` and returns a serde error that stops the reading.
    fn stop<E: de::Error>(&self, error: TraceError) -> E {
        *self.failure.borrow_mut() = Some(error);
        E::custom("stopped")
    }

    fn ready(&self, model: Box<dyn DynModel>) -> Ready {
        let components = model
            .states(&model.initial())
            .into_iter()
            .map(|state| Component {
                states: names::state_names(names::component_machine(&state.component)),
                name: state.component.into_owned(),
            })
            .collect();
        Ready { model, components }
    }

    /// Checks one step and hands it over; on a problem, scans the step's text (`raw`,
    /// starting at `start`) for the position.
    fn step(
        &self,
        ready: &Ready,
        index: usize,
        value: Value,
        start: Position,
        raw: &[u8],
    ) -> Result<(), TraceError> {
        let path = [key("steps"), Segment::Index(index)];
        let checked = self
            .checker(None)
            .step(&*ready.model, &ready.components, &value, &path);
        if let Err(unplaced) = checked {
            let spans = Spans::scan_at(&String::from_utf8_lossy(raw), &path, start);
            let placed =
                self.checker(Some(&spans))
                    .step(&*ready.model, &ready.components, &value, &path);
            return Err(placed.err().unwrap_or(unplaced));
        }
        let step: Step = serde_json::from_value(value).map_err(|error| {
            self.checker(None)
                .fail(&path, At::Value, Problem::Invalid(error.to_string()))
        })?;
        (self.on_step.borrow_mut())(&*ready.model, index, step);
        Ok(())
    }
}

/// The visitor methods of a value that must be an array or object: any other kind is a
/// wrong type at the path `$path`.
macro_rules! refuse_other_kinds {
    ($path:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.0.wrong($path, "null"))
        }
    };
}

/// The document's visitor.
struct Root<'r, 'a, 'f>(&'r Reading<'a, 'f>);

impl<'de> Visitor<'de> for Root<'_, '_, '_> {
    type Value = Header;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a trace object")
    }
    refuse_other_kinds!("");
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Header, A::Error> {
        Err(self.0.wrong("", "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
        let reading = self.0;
        let tracker = reading.tracker;
        let mut spans = Spans::default();
        tracker.borrow_mut().stop();
        let root = tracker.borrow().start();
        spans.insert(
            Vec::new(),
            Span {
                key: None,
                value: root,
            },
        );
        let mut seen: Vec<String> = Vec::new();
        let mut machine: Option<Value> = None;
        let mut config: Option<Value> = None;
        let mut ready: Option<Ready> = None;
        let mut pending: Vec<Pending> = Vec::new();
        let mut steps: Option<usize> = None;
        loop {
            tracker.borrow_mut().arm();
            let Some(name) = map.next_key::<String>()? else {
                break;
            };
            tracker.borrow_mut().stop();
            let key_at = tracker.borrow().start();
            let path = vec![key(&name)];
            let place = |spans: &mut Spans, value: Position| {
                spans.insert(
                    path.clone(),
                    Span {
                        key: Some(key_at),
                        value,
                    },
                );
            };
            if seen.contains(&name) || !TRACE_FIELDS.contains(&name.as_str()) {
                place(&mut spans, key_at);
                let problem = if seen.contains(&name) {
                    Problem::Invalid(json::duplicate(&name))
                } else {
                    Problem::UnknownField {
                        suggestion: nearest(&name, TRACE_FIELDS.iter().copied()),
                        name,
                        place: "the trace",
                    }
                };
                let error = reading.checker(Some(&spans)).fail(&path, At::Key, problem);
                return Err(reading.stop(error));
            }
            seen.push(name.clone());
            if name == "format_version" {
                tracker.borrow_mut().arm();
                let value = map.next_value_seed(json::StrictSeed)?;
                tracker.borrow_mut().stop();
                let at = tracker.borrow().start();
                place(&mut spans, at);
                reading
                    .checker(Some(&spans))
                    .version(&value)
                    .map_err(|error| reading.stop::<A::Error>(error))?;
                continue;
            }
            if name == "steps" {
                if ready.is_none() {
                    if let Some(machine) = &machine {
                        let built = reading
                            .checker(Some(&spans))
                            .header(machine, config.as_ref())
                            .map_err(|error| reading.stop::<A::Error>(error))?;
                        ready = Some(reading.ready(built));
                    }
                }
                tracker.borrow_mut().arm();
                let seed = Steps(reading, ready.as_ref(), &mut pending);
                let (at, count) = map.next_value_seed(seed)?;
                place(&mut spans, at);
                steps = Some(count);
                continue;
            }
            tracker.borrow_mut().arm();
            let value = map.next_value_seed(json::StrictSeed)?;
            tracker.borrow_mut().stop();
            let at = tracker.borrow().start();
            if name == "config" {
                let raw = String::from_utf8_lossy(tracker.borrow().raw()).into_owned();
                spans.extend(Spans::scan_at(&raw, &path, at));
                place(&mut spans, at);
                if let (Some(ready), Some(machine)) = (&ready, &machine) {
                    // The steps were read with the defaults: a late config must not
                    // change them.
                    let late = reading
                        .checker(Some(&spans))
                        .header(machine, Some(&value))
                        .map_err(|error| reading.stop::<A::Error>(error))?;
                    if late.parameters() != ready.model.parameters() {
                        let problem = Problem::Invalid(
                            "`config` comes after `steps` and changes the defaults the steps \
                             were read with: put `config` before `steps`"
                                .to_owned(),
                        );
                        let error = reading.checker(Some(&spans)).fail(&path, At::Key, problem);
                        return Err(reading.stop(error));
                    }
                }
                config = Some(value);
            } else {
                place(&mut spans, at);
                machine = Some(value);
            }
        }
        let checker = reading.checker(Some(&spans));
        let fail = |error: TraceError| reading.stop::<A::Error>(error);
        let missing = |name: &'static str| {
            checker.fail(
                &[],
                At::Value,
                Problem::MissingField {
                    name,
                    place: "the trace",
                },
            )
        };
        let machine = machine.ok_or_else(|| fail(missing("machine")))?;
        let ready = match ready {
            Some(ready) => ready,
            None => reading.ready(checker.header(&machine, config.as_ref()).map_err(fail)?),
        };
        let Some(mut count) = steps else {
            return Err(fail(missing("steps")));
        };
        if !pending.is_empty() {
            count = pending.len();
            for (index, (value, start, raw)) in pending.into_iter().enumerate() {
                reading
                    .step(&ready, index, value, start, &raw)
                    .map_err(fail)?;
            }
        }
        Ok(Header {
            machine: ready.model.id().to_owned(),
            config,
            steps: count,
        })
    }
}

/// The `steps` array's seed: checks and hands over each step as it is read.
struct Steps<'s, 'r, 'a, 'f>(&'r Reading<'a, 'f>, Option<&'s Ready>, &'s mut Vec<Pending>);

impl<'de> DeserializeSeed<'de> for Steps<'_, '_, '_, '_> {
    /// Where the array starts, and how many steps it has.
    type Value = (Position, usize);
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Steps<'_, '_, '_, '_> {
    type Value = (Position, usize);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of steps")
    }
    refuse_other_kinds!("steps");
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.0.wrong("steps", "an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let tracker = self.0.tracker;
        tracker.borrow_mut().stop();
        let at = tracker.borrow().start();
        let mut index = 0;
        loop {
            tracker.borrow_mut().arm();
            let Some(value) = seq.next_element_seed(json::StrictSeed)? else {
                break;
            };
            tracker.borrow_mut().stop();
            let tracked = tracker.borrow();
            let (start, raw) = (tracked.start(), tracked.raw());
            match self.1 {
                Some(ready) => {
                    let stepped = self.0.step(ready, index, value, start, raw);
                    drop(tracked);
                    stepped.map_err(|error| self.0.stop::<A::Error>(error))?;
                }
                None => self.2.push((value, start, raw.to_vec())),
            }
            index += 1;
        }
        tracker.borrow_mut().stop();
        Ok((at, index))
    }
}
