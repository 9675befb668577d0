//! Checking a parsed trace document against the model: every name, type and key, with
//! the position of the first problem.

use serde_json::{Map, Value};

use super::names::{self, FieldType};
use super::spans::{display_path, Segment, Spans};
use super::{Models, Problem, Trace, TraceError};
use crate::catalog::{nearest, CatalogError, DynModel};
use crate::trace::config::{self, bad_config, type_name};

pub(super) const TRACE_FIELDS: &[&str] = &["format_version", "machine", "config", "steps"];
pub(super) const STEP_FIELDS: &[&str] = &["on", "expect"];
pub(super) const EXPECT_FIELDS: &[&str] =
    &["state", "states", "rejected", "emits", "emits_include"];

pub(super) fn key(name: &str) -> Segment {
    Segment::Key(name.to_owned())
}

pub(super) fn join(path: &[Segment], segment: Segment) -> Vec<Segment> {
    let mut path = path.to_vec();
    path.push(segment);
    path
}

/// Whether the position to report is the member's key or its value.
#[derive(Clone, Copy)]
pub(super) enum At {
    Key,
    Value,
}

/// A component of the model and the state names it may be expected in (`None`: a kind
/// of component whose names this reader does not know, so any name passes).
pub(super) struct Component {
    pub(super) name: String,
    pub(super) states: Option<Vec<&'static str>>,
}

/// Checks a parsed document against the model, reporting positions from `spans`.
pub(super) struct Checker<'a> {
    pub(super) file: Option<&'a str>,
    pub(super) spans: Option<&'a Spans>,
    pub(super) models: &'a Models,
}

impl Checker<'_> {
    pub(super) fn fail(&self, path: &[Segment], at: At, problem: Problem) -> TraceError {
        let position = self.spans.and_then(|spans| match at {
            At::Key => spans.key(path),
            At::Value => spans.value(path),
        });
        TraceError {
            file: self.file.map(str::to_owned),
            position,
            path: if path.is_empty() {
                String::new()
            } else {
                display_path(path)
            },
            problem: Box::new(problem),
        }
    }

    fn wrong_type(&self, path: &[Segment], expected: &'static str, found: &Value) -> TraceError {
        self.fail(
            path,
            At::Value,
            Problem::WrongType {
                path: display_path(path),
                expected,
                found: type_name(found),
            },
        )
    }

    /// An object whose keys are all in `fields`.
    fn object<'v>(
        &self,
        value: &'v Value,
        path: &[Segment],
        fields: &'static [&'static str],
        place: &'static str,
    ) -> Result<&'v Map<String, Value>, TraceError> {
        let object = value
            .as_object()
            .ok_or_else(|| self.wrong_type(path, "an object", value))?;
        for name in object.keys() {
            if !fields.contains(&name.as_str()) {
                return Err(self.fail(
                    &join(path, key(name)),
                    At::Key,
                    Problem::UnknownField {
                        name: name.clone(),
                        place,
                        suggestion: nearest(name, fields.iter().copied()),
                    },
                ));
            }
        }
        Ok(object)
    }

    fn string<'v>(&self, value: &'v Value, path: &[Segment]) -> Result<&'v str, TraceError> {
        value
            .as_str()
            .ok_or_else(|| self.wrong_type(path, "a string", value))
    }

    fn required<'v>(
        &self,
        object: &'v Map<String, Value>,
        path: &[Segment],
        name: &'static str,
        place: &'static str,
    ) -> Result<&'v Value, TraceError> {
        object
            .get(name)
            .ok_or_else(|| self.fail(path, At::Value, Problem::MissingField { name, place }))
    }

    pub(super) fn document(&self, value: &Value) -> Result<Trace, TraceError> {
        let root = self.object(value, &[], TRACE_FIELDS, "the trace")?;
        if let Some(version) = root.get("format_version") {
            self.version(version)?;
        }
        let machine_path = [key("machine")];
        let machine = self.string(
            self.required(root, &[], "machine", "the trace")?,
            &machine_path,
        )?;
        let model = self.model(machine, root.get("config"))?;
        let steps_path = [key("steps")];
        let steps = self.required(root, &[], "steps", "the trace")?;
        let steps = steps
            .as_array()
            .ok_or_else(|| self.wrong_type(&steps_path, "an array", steps))?;
        let components: Vec<Component> = model
            .states(&model.initial())
            .into_iter()
            .map(|state| Component {
                states: names::state_names(names::component_machine(&state.component)),
                name: state.component.into_owned(),
            })
            .collect();
        for (i, step) in steps.iter().enumerate() {
            self.step(
                &*model,
                &components,
                step,
                &join(&steps_path, Segment::Index(i)),
            )?;
        }
        serde_json::from_value(value.clone())
            .map_err(|error| self.fail(&[], At::Value, Problem::Invalid(error.to_string())))
    }

    /// Checks `format_version`: an integer, and a version this crate reads.
    pub(super) fn version(&self, version: &Value) -> Result<(), TraceError> {
        super::check_version(version)
            .map_err(|problem| self.fail(&[key("format_version")], At::Value, problem))
    }

    /// Checks the machine id and config and builds the model.
    pub(super) fn header(
        &self,
        machine: &Value,
        config: Option<&Value>,
    ) -> Result<Box<dyn DynModel>, TraceError> {
        let machine = self.string(machine, &[key("machine")])?;
        self.model(machine, config)
    }

    /// The model the trace names, with its config checked key by key.
    fn model(
        &self,
        machine: &str,
        config: Option<&Value>,
    ) -> Result<Box<dyn DynModel>, TraceError> {
        let machine_path = [key("machine")];
        let defaults = (self.models)(machine, &Value::Null).map_err(|error| {
            let problem = match error {
                CatalogError::UnknownMachine { name, suggestion } => {
                    Problem::UnknownMachine { name, suggestion }
                }
                other => Problem::Invalid(other.to_string()),
            };
            self.fail(&machine_path, At::Value, problem)
        })?;
        let Some(config) = config else {
            return Ok(defaults);
        };
        let config_path = [key("config")];
        let object = config
            .as_object()
            .ok_or_else(|| self.wrong_type(&config_path, "an object", config))?;
        let known = defaults.parameters();
        let known = known.as_object().cloned().unwrap_or_default();
        let build = |config: &Value| (self.models)(machine, config);
        for (name, value) in object {
            let path = join(&config_path, key(name));
            let shown = display_path(&path);
            if let Err(problem) =
                config::check_key(defaults.id(), &known, name, value, &shown, &build)
            {
                let at = match problem {
                    Problem::UnknownConfigKey { .. } => At::Key,
                    _ => At::Value,
                };
                return Err(self.fail(&path, at, problem));
            }
        }
        (self.models)(machine, config)
            .map_err(|error| self.fail(&config_path, At::Value, bad_config(defaults.id(), error)))
    }

    pub(super) fn step(
        &self,
        model: &dyn DynModel,
        components: &[Component],
        step: &Value,
        path: &[Segment],
    ) -> Result<(), TraceError> {
        let object = self.object(step, path, STEP_FIELDS, "a step")?;
        let on_path = join(path, key("on"));
        let on = self.string(self.required(object, path, "on", "a step")?, &on_path)?;
        let stimuli = model.stimuli();
        if !stimuli.contains(&on) {
            return Err(self.fail(
                &on_path,
                At::Value,
                Problem::UnknownStimulus {
                    machine: model.id(),
                    name: on.to_owned(),
                    suggestion: nearest(on, stimuli.iter().copied()),
                },
            ));
        }
        let Some(expect) = object.get("expect") else {
            return Ok(());
        };
        let path = join(path, key("expect"));
        let expect = self.object(expect, &path, EXPECT_FIELDS, "an expectation")?;
        if let Some(state) = expect.get("state") {
            let state_path = join(&path, key("state"));
            let name = self.string(state, &state_path)?;
            match components {
                [only] => self.state_name(only, name, &state_path)?,
                _ => {
                    return Err(self.fail(
                        &state_path,
                        At::Key,
                        Problem::StateOfComposite {
                            machine: model.id(),
                            components: components.len(),
                        },
                    ))
                }
            }
        }
        if let Some(states) = expect.get("states") {
            let states_path = join(&path, key("states"));
            let states = states
                .as_object()
                .ok_or_else(|| self.wrong_type(&states_path, "an object", states))?;
            for (component, name) in states {
                let state_path = join(&states_path, key(component));
                let Some(found) = components.iter().find(|c| &c.name == component) else {
                    return Err(self.fail(
                        &state_path,
                        At::Key,
                        Problem::UnknownComponent {
                            machine: model.id(),
                            name: component.clone(),
                            suggestion: nearest(
                                component,
                                components.iter().map(|c| c.name.as_str()),
                            )
                            .map(str::to_owned),
                        },
                    ));
                };
                let name = self.string(name, &state_path)?;
                self.state_name(found, name, &state_path)?;
            }
        }
        if let Some(rejected) = expect.get("rejected") {
            let rejected_path = join(&path, key("rejected"));
            match rejected {
                Value::Null => {}
                Value::String(name) => {
                    let exceptions = names::exception_names();
                    if !exceptions.contains(&name.as_str()) {
                        return Err(self.fail(
                            &rejected_path,
                            At::Value,
                            Problem::UnknownException {
                                name: name.clone(),
                                suggestion: nearest(name, exceptions.iter().copied()),
                            },
                        ));
                    }
                }
                other => return Err(self.wrong_type(&rejected_path, "a string or null", other)),
            }
        }
        for list in ["emits", "emits_include"] {
            if let Some(events) = expect.get(list) {
                let list_path = join(&path, key(list));
                let events = events
                    .as_array()
                    .ok_or_else(|| self.wrong_type(&list_path, "an array", events))?;
                for (i, event) in events.iter().enumerate() {
                    let at = join(&list_path, Segment::Index(i));
                    self.event(event, &at, model.id(), components)?;
                }
            }
        }
        Ok(())
    }

    fn state_name(
        &self,
        component: &Component,
        name: &str,
        path: &[Segment],
    ) -> Result<(), TraceError> {
        let Some(valid) = &component.states else {
            // A component of a kind this reader does not know: nothing to check against.
            return Ok(());
        };
        if valid.contains(&name) {
            return Ok(());
        }
        Err(self.fail(
            path,
            At::Value,
            Problem::UnknownState {
                component: component.name.clone(),
                name: name.to_owned(),
                suggestion: nearest(name, valid.iter().copied()),
            },
        ))
    }

    /// Checks an event's `component` (composed models only): a component's name.
    fn raised_by(
        &self,
        machine: &'static str,
        components: &[Component],
        value: &Value,
        path: &[Segment],
    ) -> Result<(), TraceError> {
        let name = self.string(value, path)?;
        if components.iter().any(|c| c.name == name) {
            return Ok(());
        }
        Err(self.fail(
            path,
            At::Value,
            Problem::UnknownComponent {
                machine,
                name: name.to_owned(),
                suggestion: nearest(name, components.iter().map(|c| c.name.as_str()))
                    .map(str::to_owned),
            },
        ))
    }

    fn event(
        &self,
        event: &Value,
        path: &[Segment],
        machine: &'static str,
        components: &[Component],
    ) -> Result<(), TraceError> {
        let object = event
            .as_object()
            .ok_or_else(|| self.wrong_type(path, "an object", event))?;
        let name_path = join(path, key("event"));
        let name = self.string(
            self.required(object, path, "event", "an event")?,
            &name_path,
        )?;
        let Some(fields) = names::event_fields(name) else {
            return Err(self.fail(
                &name_path,
                At::Value,
                Problem::UnknownEvent {
                    name: name.to_owned(),
                    suggestion: nearest(name, names::event_names()),
                },
            ));
        };
        for (field, value) in object {
            if field == "event" {
                continue;
            }
            let field_path = join(path, key(field));
            if field == "component" && components.len() > 1 {
                self.raised_by(machine, components, value, &field_path)?;
                continue;
            }
            let Some((field, kind)) = fields.iter().find(|(known, _)| known == field) else {
                return Err(self.fail(
                    &field_path,
                    At::Key,
                    Problem::UnknownField {
                        name: field.clone(),
                        place: "an event",
                        suggestion: nearest(
                            field,
                            fields.iter().map(|(known, _)| *known).chain(["event"]),
                        ),
                    },
                ));
            };
            match (kind, value) {
                (FieldType::Bool, Value::Bool(_)) => {}
                (FieldType::Bool, other) => {
                    return Err(self.wrong_type(&field_path, "a boolean", other))
                }
                (FieldType::Names(values), Value::String(given)) => {
                    let values = values();
                    if !values.contains(&given.as_str()) {
                        return Err(self.fail(
                            &field_path,
                            At::Value,
                            Problem::UnknownValue {
                                event: name.to_owned(),
                                field,
                                value: given.clone(),
                                suggestion: nearest(given, values.iter().copied()),
                            },
                        ));
                    }
                }
                (FieldType::Names(_), other) => {
                    return Err(self.wrong_type(&field_path, "a string", other))
                }
            }
        }
        Ok(())
    }
}
