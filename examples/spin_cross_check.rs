//! The SPIN cross-check (`ucma-ha export promela`): for each system configuration, SPIN's
//! `states, stored` must equal `check`'s count with `errors: 0` and the liveness search
//! must find no acceptance cycle; for single-row mutants of the component tables, SPIN and
//! `check` must report the same violated properties.
//!
//! Needs `spin` and `gcc` on the PATH (Debian: `apt-get install -y spin gcc`).
//!
//! ```text
//! cargo run --example spin_cross_check -- [--configs small|all] [--views N] [--mutants N] [--dir DIR]
//! ```
//! `--configs small` (the default; `none` for mutants only) runs every configuration shape with up to 2 views
//! (`--views` raises the bound, `all` is up to 6); `--mutants N` also runs the first N
//! mutants of a selection that covers every property (0 by default). Prints Markdown
//! tables and exits 1 on any disagreement.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use fsm::explore::Limits;
use fsm::{Machine, Row, RowOutcome, Table};
use ucma_ha::checker::{check, Status};
use ucma_ha::system::wiring::{STIMULUS_ROWS, WIRING_ROWS};
use ucma_ha::system::{System, SystemConfig, Tables};
use ucma_ha::vocabulary::Exception;

#[path = "../tests/support/row_mutants.rs"]
mod row_mutants;

/// What SPIN said about one model.
struct SpinVerdict {
    states: Option<u64>,
    violated: BTreeSet<String>,
    liveness_states: Option<u64>,
}

fn run(command: &mut Command, what: &str) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        return Err(format!("{what} failed:\n{text}"));
    }
    Ok(text)
}

fn stored(text: &str) -> Option<u64> {
    text.lines()
        .find(|line| line.contains("states, stored"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn errors(text: &str) -> Option<u64> {
    text.split("errors: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Runs SPIN on a model: the safety search (BFS, every error reported) and the
/// acceptance-cycle search for `recovery_after_outage`.
fn spin(model: &str, dir: &Path) -> Result<SpinVerdict, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("model.pml"), model).map_err(|e| e.to_string())?;
    let in_dir = |program: &str, args: &[&str]| {
        let mut command = Command::new(program);
        command.args(args).current_dir(dir);
        command
    };
    run(&mut in_dir("spin", &["-a", "model.pml"]), "spin -a")?;
    run(
        &mut in_dir(
            "gcc",
            &[
                "-O2",
                "-w",
                "-DBFS",
                "-DNOCLAIM",
                "-DNOREDUCE",
                "-DSAFETY",
                "-o",
                "pan",
                "pan.c",
            ],
        ),
        "gcc (safety)",
    )?;
    let safety = run(
        &mut in_dir("./pan", &["-m100000000", "-c0"]),
        "pan (safety)",
    )?;
    let mut violated: BTreeSet<String> = safety
        .lines()
        .filter_map(|line| line.split("assertion violated: ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
        .collect();
    run(
        &mut in_dir("spin", &["-DLIVENESS", "-a", "model.pml"]),
        "spin -DLIVENESS -a",
    )?;
    run(
        &mut in_dir(
            "gcc",
            &["-O2", "-w", "-DNOREDUCE", "-o", "pan_live", "pan.c"],
        ),
        "gcc (liveness)",
    )?;
    let liveness = run(
        &mut in_dir(
            "./pan_live",
            &["-a", "-m10000000", "-N", "recovery_after_outage"],
        ),
        "pan (liveness)",
    )?;
    if errors(&liveness).unwrap_or(0) > 0 {
        violated.insert("recovery_after_outage".to_owned());
    }
    Ok(SpinVerdict {
        states: stored(&safety).filter(|_| errors(&safety).is_some()),
        violated,
        liveness_states: stored(&liveness),
    })
}

/// `check`'s count and violated properties; `None` when the search stopped at `max_states`.
fn checker_violations(system: &System, max_states: usize) -> Option<(usize, BTreeSet<String>)> {
    let report = check(
        system,
        Limits {
            symmetry: false,
            max_states,
            ..Limits::default()
        },
        |_| {},
    );
    if report.completeness != fsm::explore::Completeness::Complete {
        return None;
    }
    let violated = report
        .verdicts
        .iter()
        .filter(|v| matches!(v.status, Status::Violated(_)))
        .map(|v| v.property.name.to_owned())
        .collect();
    Some((report.states, violated))
}

fn configs(all: bool, max_views: usize) -> Vec<SystemConfig> {
    use ucma_ha::local_endpoint::EndpointKind;
    let mut out = Vec::new();
    let views = if all { 6 } else { max_views };
    for endpoint in [EndpointKind::User, EndpointKind::Application] {
        for remote_views in 0..=views {
            for remote_home_pool in [true, false] {
                for refresh_on_connection_drop in [true, false] {
                    if remote_views == 0 && !remote_home_pool {
                        continue; // no views: where they live changes nothing
                    }
                    out.push(SystemConfig {
                        endpoint,
                        remote_views,
                        remote_home_pool,
                        refresh_on_connection_drop,
                    });
                }
            }
        }
    }
    out
}

/// One single-row mutant of one machine: its description and the tables it gives.
struct Mutant {
    key: String,
    tables: Tables,
}

fn mutate<M: Machine<Error = Exception>>(
    table: &Table<M>,
    key_prefix: &str,
    mut install: impl FnMut(Vec<Row<M>>) -> Option<Tables>,
    out: &mut Vec<Mutant>,
) {
    let original = table.rows().to_vec();
    for (i, row) in original.iter().enumerate() {
        let emits = match row.outcome {
            RowOutcome::Move { emits, .. } => emits,
            _ => &[],
        };
        for replacement in row_mutants::replacements(row) {
            let outcome = replacement.outcome;
            let same = match (&row.outcome, &outcome) {
                (RowOutcome::Move { to: a, emits: x }, RowOutcome::Move { to: b, emits: y }) => {
                    a == b && x.len() == y.len()
                }
                (RowOutcome::Ignore, RowOutcome::Ignore)
                | (RowOutcome::Reject(_), RowOutcome::Reject(_)) => true,
                _ => false,
            };
            if same {
                continue;
            }
            let mut rows = original.clone();
            rows[i] = replacement;
            let what = match outcome {
                RowOutcome::Move { to, emits: [] } if !emits.is_empty() => {
                    format!("move to {to} silently")
                }
                RowOutcome::Move { to, .. } => format!("move to {to}"),
                RowOutcome::Ignore => "ignore".to_owned(),
                RowOutcome::Reject(_) => "reject".to_owned(),
            };
            if let Some(tables) = install(rows) {
                out.push(Mutant {
                    key: format!("{key_prefix} {} {}: {what}", row.from, row.on),
                    tables,
                });
            }
        }
    }
}

fn compile<M: Machine>(rows: Vec<Row<M>>, parameters: M::Parameters) -> Option<Table<M>> {
    Table::from_rows(std::borrow::Cow::Owned(rows), parameters).ok()
}

fn mutants(config: &SystemConfig) -> Vec<Mutant> {
    let Ok(base) = Tables::for_config(config) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    mutate(
        &base.registration,
        "registration",
        |rows| {
            let mut t = base.clone();
            t.registration = compile(rows, *base.registration.parameters())?;
            Some(t)
        },
        &mut out,
    );
    mutate(
        &base.endpoint,
        "local_endpoint",
        |rows| {
            let mut t = base.clone();
            t.endpoint = compile(rows, *base.endpoint.parameters())?;
            Some(t)
        },
        &mut out,
    );
    mutate(
        &base.session_subscription,
        "sip_subscription",
        |rows| {
            let mut t = base.clone();
            t.session_subscription =
                compile(rows.clone(), *base.session_subscription.parameters())?;
            t.view_subscription = compile(rows, *base.view_subscription.parameters())?;
            Some(t)
        },
        &mut out,
    );
    mutate(
        &base.local_owner_presence,
        "local_owner_presence",
        |rows| {
            let mut t = base.clone();
            t.local_owner_presence = compile(rows, *base.local_owner_presence.parameters())?;
            Some(t)
        },
        &mut out,
    );
    mutate(
        &base.contact_group_services,
        "contact_group_services",
        |rows| {
            let mut t = base.clone();
            t.contact_group_services = compile(rows, *base.contact_group_services.parameters())?;
            Some(t)
        },
        &mut out,
    );
    mutate(
        &base.remote_presence,
        "remote_presence",
        |rows| {
            let mut t = base.clone();
            t.remote_presence = compile(rows, *base.remote_presence.parameters())?;
            Some(t)
        },
        &mut out,
    );
    out
}

fn main() -> ExitCode {
    // A mutant's macro-steps can recurse deeply before the step budget stops them.
    let worker = std::thread::Builder::new()
        .stack_size(1 << 28)
        .spawn(cross_check);
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(2),
    }
}

fn cross_check() -> u8 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let all = value("--configs").as_deref() == Some("all");
    let none = value("--configs").as_deref() == Some("none");
    let max_views: usize = value("--views").and_then(|v| v.parse().ok()).unwrap_or(2);
    let mutant_count: usize = value("--mutants").and_then(|v| v.parse().ok()).unwrap_or(0);
    let dir = PathBuf::from(value("--dir").unwrap_or_else(|| {
        std::env::temp_dir()
            .join("ucma-ha-spin")
            .to_string_lossy()
            .into_owned()
    }));
    let mut failures = 0;

    println!("| configuration | check states | SPIN states, stored | SPIN errors | liveness (SPIN states) | agree |");
    println!("|---|---:|---:|---|---|---|");
    for config in configs(all, max_views).into_iter().filter(|_| !none) {
        let json = serde_json::to_string(&config).unwrap_or_default();
        let Ok(system) = System::new(config) else {
            println!("| {json} | cannot build | | | | no |");
            failures += 1;
            continue;
        };
        let Some((states, violated)) = checker_violations(&system, usize::MAX) else {
            println!("| {json} | incomplete | | | | no |");
            failures += 1;
            continue;
        };
        let model = match ucma_ha::export::promela::export(config, false) {
            Ok(model) => model,
            Err(error) => {
                println!("| {json} | {states} | export failed: {error} | | | no |");
                failures += 1;
                continue;
            }
        };
        match spin(&model, &dir) {
            Ok(verdict) => {
                let agree = verdict.states == Some(states as u64)
                    && verdict.violated.is_empty()
                    && violated.is_empty();
                failures += usize::from(!agree);
                println!(
                    "| `{json}` | {states} | {} | {} | {} ({}) | {} |",
                    verdict.states.map_or("?".to_owned(), |n| n.to_string()),
                    if verdict.violated.is_empty() {
                        "0".to_owned()
                    } else {
                        format!("{:?}", verdict.violated)
                    },
                    if verdict.violated.contains("recovery_after_outage") {
                        "violated"
                    } else {
                        "held"
                    },
                    verdict
                        .liveness_states
                        .map_or("?".to_owned(), |n| n.to_string()),
                    if agree { "yes" } else { "NO" }
                );
            }
            Err(error) => {
                println!("| `{json}` | {states} | {error} | | | NO |");
                failures += 1;
            }
        }
    }

    if mutant_count > 0 {
        let config = SystemConfig::default();
        // Judge every mutant with the checker, then pick the SPIN set: first one mutant per
        // property (so every property is covered), then the rest in table order.
        let mut judged: Vec<(Mutant, BTreeSet<String>)> = Vec::new();
        let all_mutants = mutants(&config);
        let total = all_mutants.len();
        for (n, mutant) in all_mutants.into_iter().enumerate() {
            if n % 100 == 0 {
                eprintln!("judging mutants with check: {n} of {total}");
            }
            let covered: BTreeSet<&String> = judged.iter().flat_map(|(_, v)| v).collect();
            if judged.len() >= mutant_count
                && covered.len() == ucma_ha::system::properties::PROPERTIES.len()
            {
                break; // enough, and every property covered
            }
            let Ok(system) = System::with(
                config,
                mutant.tables.clone(),
                std::borrow::Cow::Borrowed(STIMULUS_ROWS),
                std::borrow::Cow::Borrowed(WIRING_ROWS),
            ) else {
                continue;
            };
            // A mutant whose state space grows past this is left out (it would only slow
            // the run down; the selection needs violations, not size).
            let Some((_, violated)) = checker_violations(&system, 5_000) else {
                continue;
            };
            if !violated.is_empty() {
                judged.push((mutant, violated));
            }
        }
        let mut chosen: Vec<usize> = Vec::new();
        for property in ucma_ha::system::properties::PROPERTIES.iter() {
            if let Some(i) = judged
                .iter()
                .position(|(_, v)| v.contains(property.name))
                .filter(|i| !chosen.contains(i))
            {
                chosen.push(i);
            }
        }
        for i in 0..judged.len() {
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.truncate(mutant_count);
        println!(
            "\nOf the single-row mutants judged by `check` (of {total}), {} violate a system property; SPIN runs {}.\n",
            judged.len(),
            chosen.len()
        );
        println!("| mutant | `check` violates | SPIN violates | agree |");
        println!("|---|---|---|---|");
        let mut covered = BTreeSet::new();
        let started = Instant::now();
        for i in chosen {
            let (mutant, violated) = &judged[i];
            let model = ucma_ha::export::promela::export_rows(
                config,
                &mutant.tables,
                STIMULUS_ROWS,
                WIRING_ROWS,
                false,
            );
            let spin_says = match model
                .map_err(|e| e.to_string())
                .and_then(|m| spin(&m, &dir))
            {
                Ok(verdict) => verdict.violated,
                Err(error) => {
                    println!("| {} | {violated:?} | error: {error} | NO |", mutant.key);
                    failures += 1;
                    continue;
                }
            };
            let agree = &spin_says == violated;
            failures += usize::from(!agree);
            if agree {
                covered.extend(violated.iter().cloned());
            }
            let list = |set: &BTreeSet<String>| {
                set.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "| {} | {} | {} | {} |",
                mutant.key,
                list(violated),
                list(&spin_says),
                if agree { "yes" } else { "NO" }
            );
        }
        println!(
            "\nproperties violated by some mutant with both agreeing: {} of {} ({} s)",
            covered.len(),
            ucma_ha::system::properties::PROPERTIES.len(),
            started.elapsed().as_secs()
        );
    }
    if failures > 0 {
        eprintln!("{failures} disagreements");
        return 1;
    }
    0
}
