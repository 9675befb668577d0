//! `ucma-ha replay FILE...`: replays trace files against the model (docs/CONTRACT.md section 4).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::catalog::Fired;
use crate::replay::{Divergence, ReplayError, Replayer};
use crate::report::{error_report, replay_report, InputError, Options, ReplayReport};
use crate::trace::{open, read_file, read_steps};

/// Arguments of `ucma-ha replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Trace files (JSON, docs/CONTRACT.md section 4); `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// `text` (a line per file, the divergence in words), `json` (one report document on
    /// stdout, `schemas/replay-report.schema.json`) or `junit` (JUnit XML for CI: one test
    /// case per file, a divergence as its failure, a bad file as its error).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The output format of `replay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable lines.
    Text,
    /// The JSON replay report (`format_version` 1).
    Json,
    /// JUnit XML: one test suite, one test case per trace file.
    Junit,
}

/// How one trace file went.
pub(crate) enum FileReplay {
    /// Every step matched.
    Matched {
        /// The file's name in messages.
        name: String,
        /// The machine id.
        machine: String,
        /// How many steps it has.
        steps: usize,
    },
    /// A step diverged (the steps after it were still checked).
    Diverged(Box<Divergence>),
    /// The file is not a usable trace: why, with its position.
    Bad(InputError),
}

/// Reads one trace file step by step and replays each step as it is read, so memory
/// stays bounded by one step however long the trace; `on_fired` sees the rows each step
/// fires. A bad file is not reported here: the caller prints or reports its error.
pub(crate) fn replay_file(
    file: &std::path::Path,
    on_fired: &mut dyn FnMut(&[Fired]),
) -> FileReplay {
    let (name, reader) = match open(file) {
        Ok(opened) => opened,
        Err(error) => return FileReplay::Bad(InputError::from(&error)),
    };
    let mut replayer = Replayer::default();
    let mut refused: Option<ReplayError> = None;
    let read = read_steps(
        Some(&name),
        reader,
        &crate::report::models,
        &mut |model, index, step| {
            if refused.is_none() {
                let before = replayer.steps();
                match replayer.step(model, index, &step) {
                    Ok(fired) if replayer.steps() > before => on_fired(&fired),
                    Ok(_) => {}
                    Err(error) => refused = Some(error),
                }
            }
        },
    );
    match (read, refused) {
        (Err(error), _) => FileReplay::Bad(InputError::from(&error)),
        (Ok(_), Some(error)) => FileReplay::Bad(match error {
            ReplayError::Invalid(mut error) => {
                error.file = Some(name);
                InputError::from(&*error)
            }
            other => InputError {
                message: format!("{name}: {other}"),
                line: None,
                column: None,
                path: String::new(),
            },
        }),
        (Ok(header), None) => match replayer.finish() {
            None => FileReplay::Matched {
                name,
                machine: header.machine,
                steps: header.steps,
            },
            Some(mut divergence) => {
                divergence.file = Some(name);
                FileReplay::Diverged(divergence)
            }
        },
    }
}

/// Replays every file; exit 0 when all match, 1 on a divergence, 2 on a bad file (bad
/// input wins over a divergence when both occur).
pub fn run(args: &ReplayArgs) -> u8 {
    match args.format {
        Format::Json => return run_json(args),
        Format::Junit => return run_junit(args),
        Format::Text => {}
    }
    let mut code = super::SUCCESS;
    for file in &args.files {
        match replay_file(file, &mut |_| {}) {
            FileReplay::Matched { name, steps, .. } => outln!("{name}: ok ({steps} steps)"),
            FileReplay::Diverged(divergence) => {
                outln!("{divergence}");
                code = code.max(super::FAILED);
            }
            FileReplay::Bad(error) => {
                errln!("error: {}", error.message);
                code = super::BAD_INPUT;
            }
        }
    }
    code
}

/// `--format json`: one report document for all files, the same exit codes.
fn run_json(args: &ReplayArgs) -> u8 {
    let mut code = super::SUCCESS;
    let mut traces = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let name = file.display().to_string();
        let report = match read_file(file) {
            Ok(trace) => replay_report(Some(&name), &trace, Options::default()),
            Err(error) => error_report(Some(&name), &error),
        };
        code = match report.result {
            crate::report::TraceOutcome::Ok => code,
            crate::report::TraceOutcome::Diverged => code.max(super::FAILED),
            crate::report::TraceOutcome::Invalid => super::BAD_INPUT,
        };
        traces.push(report);
    }
    let document = ReplayReport::new(traces);
    let mut out = std::io::stdout().lock();
    // A closed stdout (`| head`) ends the command quietly.
    let _ = serde_json::to_writer_pretty(&mut out, &document)
        .and_then(|()| writeln!(out).map_err(serde_json::Error::io));
    code
}

/// One test case of the JUnit report.
struct Case {
    name: String,
    classname: String,
    /// Steps checked.
    assertions: Option<usize>,
    seconds: f64,
    /// `failure` or `error`, its type, message and text.
    problem: Option<(&'static str, &'static str, String, Option<String>)>,
}

/// `--format junit`: one test suite `ucma-ha replay`, one test case per file (named after
/// the file, its class the machine id, one assertion per step); a divergence is the
/// case's failure (message: the step, its stimulus and the first mismatch; text: the
/// divergence as `--format text` prints it), a bad file its error (message: the
/// positioned error). The same exit codes as the text output.
fn run_junit(args: &ReplayArgs) -> u8 {
    let mut code = super::SUCCESS;
    let mut cases = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let started = std::time::Instant::now();
        let mut case = match replay_file(file, &mut |_| {}) {
            FileReplay::Matched {
                name,
                machine,
                steps,
            } => Case {
                name,
                classname: machine,
                assertions: Some(steps),
                seconds: 0.0,
                problem: None,
            },
            FileReplay::Diverged(divergence) => {
                code = code.max(super::FAILED);
                let message = format!(
                    "steps[{}] (`{}`): {}",
                    divergence.step,
                    divergence.stimulus,
                    divergence.mismatches.first().map_or("", String::as_str)
                );
                Case {
                    name: divergence.file.clone().unwrap_or_default(),
                    classname: divergence.machine.clone(),
                    assertions: Some(divergence.step + 1),
                    seconds: 0.0,
                    problem: Some((
                        "failure",
                        "divergence",
                        message,
                        Some(divergence.to_string()),
                    )),
                }
            }
            FileReplay::Bad(error) => {
                code = super::BAD_INPUT;
                Case {
                    name: file.display().to_string(),
                    classname: "trace".to_owned(),
                    assertions: None,
                    seconds: 0.0,
                    problem: Some(("error", "invalid trace", error.message, None)),
                }
            }
        };
        case.seconds = started.elapsed().as_secs_f64();
        cases.push(case);
    }
    match junit_xml(&cases) {
        Ok(xml) => out!("{xml}"),
        Err(error) => {
            errln!("error: cannot write the JUnit report: {error}");
            return super::BAD_INPUT;
        }
    }
    code
}

/// The JUnit XML document of the cases (the schema Jenkins, GitLab and GitHub read).
fn junit_xml(cases: &[Case]) -> std::io::Result<String> {
    use quick_xml::events::{BytesDecl, BytesText, Event};

    let count = |kind: &str| {
        cases
            .iter()
            .filter(|case| case.problem.as_ref().is_some_and(|p| p.0 == kind))
            .count()
            .to_string()
    };
    let (tests, failures, errors) = (cases.len().to_string(), count("failure"), count("error"));
    let time = format!("{:.3}", cases.iter().map(|case| case.seconds).sum::<f64>());
    let totals = [
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
        ("skipped", "0"),
        ("time", time.as_str()),
    ];
    let mut writer = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", "ucma-ha"))
        .with_attributes(totals)
        .write_inner_content(|writer| {
            writer
                .create_element("testsuite")
                .with_attribute(("name", "ucma-ha replay"))
                .with_attributes(totals)
                .write_inner_content(|writer| {
                    for case in cases {
                        let assertions = case.assertions.map(|n| n.to_string());
                        let time = format!("{:.3}", case.seconds);
                        let mut element = writer
                            .create_element("testcase")
                            .with_attribute(("name", case.name.as_str()))
                            .with_attribute(("classname", case.classname.as_str()));
                        if let Some(assertions) = &assertions {
                            element = element.with_attribute(("assertions", assertions.as_str()));
                        }
                        element = element.with_attribute(("time", time.as_str()));
                        let Some((kind, kind_type, message, text)) = &case.problem else {
                            element.write_empty()?;
                            continue;
                        };
                        element.write_inner_content(|writer| {
                            let problem = writer
                                .create_element(*kind)
                                .with_attribute(("type", *kind_type))
                                .with_attribute(("message", message.as_str()));
                            match text {
                                Some(text) => {
                                    problem.write_text_content(BytesText::new(text)).map(drop)
                                }
                                None => problem.write_empty().map(drop),
                            }
                        })?;
                    }
                    Ok(())
                })
                .map(drop)
        })?;
    let mut xml = String::from_utf8(writer.into_inner())
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))?;
    xml.push('\n');
    Ok(xml)
}
