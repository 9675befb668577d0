//! `ucma-ha check`: table checks of every machine, then an exhaustive check of the
//! composed `system` for each configuration asked for, printed as tables. A violation
//! prints its shortest counterexample as a trace file (docs/CONTRACT.md section 4).

use std::time::Instant;

use clap::Args;
use fsm::check;
use fsm::explore::{Completeness, Limits, DEFAULT_MAX_STATES};

use super::out::Format;
use crate::catalog::{for_each_machine, MachineVisitor};
use crate::checker::{self, Report, Status};
use crate::invariants::{self, Documented};
use crate::local_endpoint::EndpointKind;
use crate::report::{CheckReport, ConfigurationCheck, TableCheck, Verdict};
use crate::system::{System, SystemConfig};

/// Arguments of `ucma-ha check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Numbers of remote views to check the system with (repeatable or comma-separated);
    /// default: the default configuration only.
    #[arg(long = "remote-views", value_delimiter = ',')]
    pub remote_views: Vec<usize>,
    /// Endpoint kinds to check the system with (repeatable): `user`, `application`.
    #[arg(long = "endpoint", value_parser = parse_endpoint, value_delimiter = ',')]
    pub endpoint: Vec<EndpointKind>,
    /// Remote views homed on another pool (SUB-4) instead of the owner's.
    #[arg(long = "remote-elsewhere")]
    pub remote_elsewhere: bool,
    /// A system configuration as a JSON object (repeatable), e.g.
    /// `{"refresh_on_connection_drop": false}`; absent keys take their defaults.
    #[arg(long = "config", value_name = "JSON", value_parser = parse_config)]
    pub config: Vec<SystemConfig>,
    /// Explore every state, without merging states that differ only by the order of the
    /// remote views.
    #[arg(long = "no-symmetry")]
    pub no_symmetry: bool,
    /// Stop exploring after this many states (the check then fails as incomplete, and
    /// what the explored part cannot decide is `unknown`).
    #[arg(long = "max-states", default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,
    /// Do not explore beyond this depth (the check then fails as incomplete).
    #[arg(long = "max-depth")]
    pub max_depth: Option<usize>,
    /// Stop before the check of one configuration could use more than this much memory
    /// (the check then fails as incomplete): bytes, or with a unit K, M, G or T (powers of
    /// 1024), e.g. `2G`, `512M`. Default: half the machine's memory, at most 8G.
    #[arg(long = "max-memory", value_name = "BYTES", value_parser = parse_bytes)]
    pub max_memory: Option<usize>,
    /// Also write each counterexample as a trace file into this directory (one file per
    /// violated property, `ucma-ha replay` reads them); created before the search if
    /// missing, exit 2 when it cannot be.
    #[arg(long = "counterexamples", value_name = "DIR")]
    pub counterexamples: Option<std::path::PathBuf>,
    /// Check only the machines' tables, not the system.
    #[arg(long = "tables-only")]
    pub tables_only: bool,
    /// No progress display (it is drawn on stderr only when stderr is a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// `text` (tables and a summary line) or `json` (one report document on stdout,
    /// `schemas/check-report.schema.json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_endpoint(text: &str) -> Result<EndpointKind, String> {
    match text {
        "user" => Ok(EndpointKind::User),
        "application" => Ok(EndpointKind::Application),
        other => Err(format!(
            "unknown endpoint kind `{other}` (expected `user` or `application`)"
        )),
    }
}

/// The default `--max-memory`: half the physical memory, at most 8 GiB (4 GiB where the
/// physical memory cannot be read), so that a check leaves the machine usable.
fn default_max_memory() -> usize {
    const GIB: usize = 1 << 30;
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
            kib.checked_mul(1024)
        });
    total.map_or(4 * GIB, |bytes| (bytes / 2).min(8 * GIB))
}

/// Reads a memory size: a whole number of bytes, or a whole number with a unit `K`, `M`,
/// `G` or `T` (powers of 1024; `KB`, `KiB` and lower case are read the same).
fn parse_bytes(text: &str) -> Result<usize, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    // A long argument is quoted cut short, as every message does.
    let quoted = crate::trace::shorten(text);
    let bad = || {
        format!(
            "`{quoted}` is not a memory size (expected bytes or a number with K, M, G or T, e.g. 2G)"
        )
    };
    let number: usize = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = number
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("`{quoted}` is more memory than this machine can address"))?;
    if bytes == 0 {
        return Err("--max-memory must be more than 0".to_owned());
    }
    Ok(bytes)
}

/// Reads `--config` with the rules every command shares (`crate::trace::config`).
fn parse_config(text: &str) -> Result<SystemConfig, String> {
    crate::trace::config::model(crate::system::ID, text)?;
    let object = crate::trace::config::from_arg(text)?;
    System::config_from_json(&serde_json::Value::Object(object)).map_err(|e| e.to_string())
}

/// Checks every documented property of `M` (`invariants::check_rows`) on `rows`: the
/// number of properties, and the first violation with its path.
fn documented<M: Documented>(rows: &[fsm::Row<M>]) -> (usize, Option<String>) {
    let broken = invariants::check_rows::<M>(rows).err();
    (
        invariants::catalogue::<M>().len(),
        broken.map(|counterexample| counterexample.to_string()),
    )
}

struct TableChecks;

impl MachineVisitor for TableChecks {
    type Output = TableCheck;
    fn visit<M: invariants::Documented>(&mut self) -> TableCheck {
        use strum::EnumCount;
        let mut errors: Vec<String> = match check::check::<M>() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        let (properties, broken) = documented(M::rows());
        errors.extend(broken);
        TableCheck {
            machine: M::ID,
            states: M::State::COUNT,
            stimuli: M::Stimulus::COUNT,
            rows: M::rows().len(),
            properties,
            errors,
        }
    }
}

/// The system configurations a command line asks for.
fn configurations_of(args: &CheckArgs) -> Vec<SystemConfig> {
    let mut configs = args.config.clone();
    if !configs.is_empty() && args.remote_views.is_empty() && args.endpoint.is_empty() {
        return configs;
    }
    let base = SystemConfig {
        remote_home_pool: !args.remote_elsewhere,
        ..SystemConfig::default()
    };
    let views = if args.remote_views.is_empty() {
        vec![base.remote_views]
    } else {
        args.remote_views.clone()
    };
    let endpoints = if args.endpoint.is_empty() {
        vec![base.endpoint]
    } else {
        args.endpoint.clone()
    };
    for &endpoint in &endpoints {
        for &remote_views in &views {
            configs.push(SystemConfig {
                endpoint,
                remote_views,
                ..base
            });
        }
    }
    configs
}

fn describe(config: &SystemConfig) -> String {
    format!(
        "system endpoint={} remote_views={}{}{}",
        config.endpoint.name(),
        config.remote_views,
        if config.remote_home_pool {
            ""
        } else {
            " remote_home_pool=false"
        },
        if config.refresh_on_connection_drop {
            ""
        } else {
            " refresh_on_connection_drop=false"
        }
    )
}

fn file_name(config: &SystemConfig, property: &str) -> String {
    format!(
        "{}-{}-{}{}.json",
        property,
        config.endpoint.name(),
        config.remote_views,
        if config.remote_home_pool {
            ""
        } else {
            "-elsewhere"
        }
    )
}

/// A memory size in KiB below 1 MiB, else in MiB (rounded up).
fn size(bytes: usize) -> String {
    if bytes < 1 << 20 {
        format!("{} KiB", bytes.div_ceil(1 << 10))
    } else {
        format!("{} MiB", bytes.div_ceil(1 << 20))
    }
}

/// Writes each counterexample of a report into `directory` (one trace file per violated
/// property); the files written, and whether one could not be written.
fn write_counterexamples(
    report: &Report,
    directory: &std::path::Path,
) -> (Vec<(&'static str, std::path::PathBuf)>, bool) {
    let mut written = Vec::new();
    let mut unwritable = false;
    for verdict in &report.verdicts {
        let Status::Violated(counterexample) = &verdict.status else {
            continue;
        };
        let path = directory.join(file_name(&report.config, verdict.property.name));
        let result = serde_json::to_string_pretty(&counterexample.trace)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
            .and_then(|json| {
                crate::files::create_dir("--counterexamples", directory)?;
                std::fs::write(&path, json + "\n")
                    .map_err(|e| crate::files::cannot_write(&path, &e))
            });
        match result {
            Ok(()) => written.push((verdict.property.name, path)),
            Err(message) => {
                errln!("error: {message}");
                unwritable = true;
            }
        }
    }
    (written, unwritable)
}

/// Prints one configuration's report (text), with the counterexample files written.
fn print_report(report: &Report, limits: &Limits, written: &[(&str, std::path::PathBuf)]) {
    let completeness = match report.completeness {
        Completeness::Complete => "complete".to_owned(),
        Completeness::StateLimit => format!(
            "INCOMPLETE (state limit of {} states reached, --max-states)",
            limits.max_states
        ),
        Completeness::DepthLimit => "INCOMPLETE (depth limit)".to_owned(),
        Completeness::MemoryLimit => format!(
            "INCOMPLETE (memory limit: stopped with about {} of tables, before the search \
             could outgrow its half of --max-memory {})",
            size(report.memory),
            size(limits.max_memory)
        ),
    };
    outln!(
        "{}: {} states, {} transitions, depth {}, symmetry {}, {}, {} ms",
        describe(&report.config),
        report.states,
        report.transitions,
        report.depth,
        if report.symmetry { "on" } else { "off" },
        completeness,
        report.elapsed.as_millis()
    );
    let idle: Vec<String> = (0..report.wiring_fired.len())
        .filter(|&row| !report.wiring_fired[row])
        .map(|row| row.to_string())
        .collect();
    outln!(
        "    wiring: {} of {} rows fire{}",
        report.wiring_fired.len() - idle.len(),
        report.wiring_fired.len(),
        if idle.is_empty() {
            String::new()
        } else {
            format!(" (never: rows {})", idle.join(", "))
        }
    );
    for verdict in &report.verdicts {
        outln!(
            "    {:<48} {:<9} {:<8} {}",
            verdict.property.name,
            format!("{:?}", verdict.property.kind).to_lowercase(),
            Verdict::from(&verdict.status).word(),
            verdict.property.clauses.join(" ")
        );
        if let Status::Violated(counterexample) = &verdict.status {
            outln!("      {}", counterexample.summary);
            for (_, path) in written.iter().filter(|(p, _)| *p == verdict.property.name) {
                outln!("      trace written to {}", path.display());
            }
            match serde_json::to_string_pretty(&counterexample.trace) {
                Ok(json) => {
                    for line in json.lines() {
                        outln!("      {line}");
                    }
                }
                Err(error) => outln!("      (trace not printable: {error})"),
            }
        }
    }
}

/// Runs the checks and prints the tables (or the JSON report); exit 1 when anything
/// fails.
pub fn run(args: &CheckArgs) -> u8 {
    // The directory is made before anything runs, so that a path that cannot take the
    // counterexamples is refused at once rather than after a long search.
    if let Some(directory) = &args.counterexamples {
        if let Err(message) = crate::files::create_dir("--counterexamples", directory) {
            errln!("error: {message}");
            return super::BAD_INPUT;
        }
    }
    let text = args.format == Format::Text;
    let started = Instant::now();
    let lines = for_each_machine(&mut TableChecks);
    if text {
        print_tables(&lines, started);
    }
    let mut failed = lines.iter().any(|line| !line.errors.is_empty());
    let mut summary = Summary {
        tables: lines.len(),
        tables_failed: lines.iter().filter(|l| !l.errors.is_empty()).count(),
        ..Summary::default()
    };
    let mut configurations = Vec::new();
    let mut bad_output = false;
    if !args.tables_only {
        let limits = Limits {
            max_states: args.max_states,
            max_depth: args.max_depth.unwrap_or(usize::MAX),
            max_memory: args.max_memory.unwrap_or_else(default_max_memory),
            symmetry: !args.no_symmetry,
        };
        for config in configurations_of(args) {
            let system = match System::new(config) {
                Ok(system) => system,
                Err(error) => {
                    errln!("ucma-ha check: {}: {error}", describe(&config));
                    return super::BAD_INPUT;
                }
            };
            let display = super::progress::Progress::new(&describe(&config), args.quiet);
            let report = checker::check(&system, limits, |progress| {
                display.update(progress.states, progress.transitions, progress.depth);
            });
            display.finish();
            for fault in &report.internal_errors {
                errln!(
                    "ucma-ha check: internal error: {}: {fault}",
                    describe(&config)
                );
            }
            let (written, unwritable) = match args.counterexamples.as_deref() {
                Some(directory) => write_counterexamples(&report, directory),
                None => (Vec::new(), false),
            };
            if text {
                print_report(&report, &limits, &written);
            }
            failed |= !report.passed();
            bad_output |= unwritable;
            summary.add(&report);
            configurations.push(ConfigurationCheck::from(&report));
        }
    }
    if text {
        outln!("{}", summary.line());
    } else {
        super::out::json(&CheckReport::new(lines, configurations));
    }
    if bad_output {
        super::BAD_INPUT
    } else if failed {
        super::FAILED
    } else {
        super::SUCCESS
    }
}

/// Prints the table checks, one line per machine.
fn print_tables(lines: &[TableCheck], started: Instant) {
    outln!(
        "{:<24} {:>6} {:>8} {:>5} {:>10}  result",
        "machine",
        "states",
        "stimuli",
        "rows",
        "properties"
    );
    for line in lines {
        outln!(
            "{:<24} {:>6} {:>8} {:>5} {:>10}  {}",
            line.machine,
            line.states,
            line.stimuli,
            line.rows,
            line.properties,
            if line.errors.is_empty() {
                "ok"
            } else {
                "FAILED"
            }
        );
        for error in &line.errors {
            outln!("    {error}");
        }
    }
    outln!(
        "table checks: totality, determinism, reachable states, live rows, citations; \
         documented properties on every reachable step and documented path, every \
         parameter set ({} ms)",
        started.elapsed().as_millis()
    );
}

/// The counts behind the last line of `check`'s output.
#[derive(Debug, Default)]
struct Summary {
    tables: usize,
    tables_failed: usize,
    configurations: usize,
    incomplete: usize,
    /// held, violated, vacuous, unknown.
    verdicts: [usize; 4],
}

impl Summary {
    fn add(&mut self, report: &Report) {
        self.configurations += 1;
        if report.completeness != Completeness::Complete {
            self.incomplete += 1;
        }
        for verdict in &report.verdicts {
            let slot = match verdict.status {
                Status::Held => 0,
                Status::Violated(_) => 1,
                Status::Vacuous => 2,
                Status::Unknown => 3,
            };
            self.verdicts[slot] += 1;
        }
    }

    /// `6 tables: 6 ok; 9 properties: 9 held`, naming every other verdict that occurs
    /// and the configurations whose search was incomplete.
    fn line(&self) -> String {
        let mut out = format!(
            "{} tables: {} ok",
            self.tables,
            self.tables - self.tables_failed
        );
        if self.tables_failed > 0 {
            out.push_str(&format!(", {} FAILED", self.tables_failed));
        }
        if self.configurations == 0 {
            return out;
        }
        let total: usize = self.verdicts.iter().sum();
        let counted: Vec<String> = self
            .verdicts
            .iter()
            .zip(["held", "VIOLATED", "VACUOUS", "unknown"])
            .filter(|(n, word)| **n > 0 || *word == "held")
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        out.push_str(&format!("; {total} properties"));
        if self.configurations > 1 {
            out.push_str(&format!(" over {} configurations", self.configurations));
        }
        out.push_str(&format!(": {}", counted.join(", ")));
        if self.incomplete > 0 {
            out.push_str(&format!(
                "; {} of {} searches INCOMPLETE",
                self.incomplete, self.configurations
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{run, Cli, FAILED, SUCCESS};

    fn exit(args: &[&str]) -> u8 {
        let mut argv = vec!["ucma-ha", "check"];
        argv.extend_from_slice(args);
        run(Cli::try_parse_from(argv).expect("valid arguments"))
    }

    #[test]
    fn the_shipped_system_passes_and_an_incomplete_search_fails() {
        assert_eq!(
            exit(&["--remote-views", "0,1", "--endpoint", "application"]),
            SUCCESS
        );
        assert_eq!(exit(&["--max-states", "5"]), FAILED);
        assert_eq!(
            exit(&[
                "--config",
                r#"{"refresh_on_connection_drop": false, "remote_views": 2}"#
            ]),
            SUCCESS
        );
        assert_eq!(exit(&["--max-depth", "2", "--no-symmetry"]), FAILED);
    }

    #[test]
    fn the_documented_properties_hold_and_a_broken_table_is_reported_pres_2() {
        use crate::presence::LocalOwnerPresenceStimulus as S;
        use crate::vocabulary::CollaborationSubscriptionState as St;
        use crate::LocalOwnerPresence;
        use fsm::Machine;

        let (count, broken) = super::documented(LocalOwnerPresence::rows());
        assert_eq!(
            count,
            crate::invariants::catalogue::<LocalOwnerPresence>().len()
        );
        assert_eq!(broken, None);
        // Publishing accepted in WaitingForRetry (PRES-2) is reported with its path.
        let mut rows = LocalOwnerPresence::rows().to_vec();
        for row in &mut rows {
            if row.from == St::WaitingForRetry && row.on == S::BeginPublishPresence {
                row.outcome = fsm::RowOutcome::Ignore;
            }
        }
        let (_, broken) = super::documented(&rows);
        let broken = broken.expect("a violation");
        assert!(broken.contains("operation-validity (PRES-2"), "{broken}");
        assert!(broken.contains("BeginPublishPresence]"), "{broken}");
    }

    #[test]
    fn unknown_endpoint_kinds_are_refused() {
        assert!(Cli::try_parse_from(["ucma-ha", "check", "--endpoint", "robot"]).is_err());
        assert!(Cli::try_parse_from(["ucma-ha", "check", "--config", r#"{"views": 1}"#]).is_err());
    }
}
