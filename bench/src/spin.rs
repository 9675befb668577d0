//! SPIN as an engine of the explore bench: the Promela model `ucma-ha export promela`
//! writes, checked by `pan` on one core:
//! - the safety properties, breadth first or depth first (`-DNOCLAIM -DNOREDUCE
//!   -DSAFETY`: no never claim, no partial-order reduction, so `states, stored` counts
//!   the very states `check --no-symmetry` counts). The model's assertions are every
//!   safety property of `check` (one flag per property, asserted at the end of each
//!   macro-step's `d_step`, and the deadlock rule in a `d_step` of its own), so these runs
//!   check what `check` checks except liveness;
//! - the liveness property, as SPIN checks it: the model generated with `spin -DLIVENESS
//!   -a` (which adds the fairness bookkeeping to the state, so it stores more states) and
//!   the acceptance-cycle search for the LTL formula `recovery_after_outage`
//!   (`./pan -a -N recovery_after_outage`, depth first, nested search).
//!
//! Needs `spin` and `gcc` on the `PATH` (Debian: `apt-get install -y spin gcc`);
//! [`missing`] says which one is absent, so a bench can skip SPIN with that message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ucma_ha::system::SystemConfig;

/// How `pan` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpinSearch {
    /// Breadth first (`-DBFS`).
    BreadthFirst,
    /// Depth first (pan's default).
    DepthFirst,
    /// The acceptance-cycle search for `recovery_after_outage` (depth first, nested).
    Liveness,
}

/// What one `pan` run reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpinRun {
    /// `states, stored`.
    pub states: u64,
    /// `transitions (= stored+matched)`.
    pub transitions: u64,
    /// `errors: N` (assertion violations and invalid end states).
    pub errors: u64,
    /// Wall-clock seconds of the `pan` run alone (not of `spin -a` or `gcc`).
    pub secs: f64,
    /// User plus system CPU seconds of `pan`, from GNU time (`/usr/bin/time`); `None`
    /// without it.
    pub cpu_secs: Option<f64>,
    /// Peak resident memory of `pan` in KiB, from GNU time; `None` without it.
    pub peak_rss_kib: Option<u64>,
    /// `total actual memory usage`, in MB as pan counts them.
    pub memory_mb: f64,
}

/// The first of `spin` and `gcc` that cannot be run, with how to install it; `None` when
/// both run.
pub fn missing() -> Option<String> {
    for (tool, probe) in [("spin", "-V"), ("gcc", "--version")] {
        let runs = Command::new(tool)
            .arg(probe)
            .output()
            .is_ok_and(|output| output.status.success());
        if !runs {
            return Some(format!(
                "`{tool}` is not on the PATH (Debian: apt-get install -y spin gcc)"
            ));
        }
    }
    None
}

/// Exports the system of `config` (no symmetry reduction) as Promela, has SPIN generate
/// the verifier, compiles it with `gcc -O2` and runs it.
///
/// # Errors
/// A message naming the step that failed (export, `spin -a`, `gcc`, `pan`, or a report
/// without a state count).
///
/// `hash_bits` sizes pan's hash table (`-wN`, 2^N slots; pan's default is 19): the bench
/// passes about twice the expected number of states, as pan's manual advises, so a large
/// configuration is not timed on overlong hash chains.
pub fn run(config: SystemConfig, search: SpinSearch, hash_bits: u32) -> Result<SpinRun, String> {
    let model = ucma_ha::export::promela::export(config, false).map_err(|e| e.to_string())?;
    let dir = WorkDir::new()?;
    std::fs::write(dir.0.join("model.pml"), model).map_err(|e| e.to_string())?;
    let mut flags = vec!["-O2", "-w", "-DNOREDUCE"];
    match search {
        SpinSearch::BreadthFirst => {
            run_tool(&dir.0, "spin", &["-a", "model.pml"])?;
            flags.extend(["-DNOCLAIM", "-DSAFETY", "-DBFS"]);
        }
        SpinSearch::DepthFirst => {
            run_tool(&dir.0, "spin", &["-a", "model.pml"])?;
            flags.extend(["-DNOCLAIM", "-DSAFETY"]);
        }
        SpinSearch::Liveness => {
            run_tool(&dir.0, "spin", &["-DLIVENESS", "-a", "model.pml"])?;
        }
    }
    flags.extend(["-o", "pan", "pan.c"]);
    run_tool(&dir.0, "gcc", &flags)?;
    // Depth first allocates its stack for the whole `-m` depth; the system's depth is far
    // below 10^6.
    let depth = match search {
        SpinSearch::BreadthFirst => "-m100000000",
        SpinSearch::DepthFirst | SpinSearch::Liveness => "-m1000000",
    };
    let width = format!("-w{hash_bits}");
    let mut args = vec![depth, width.as_str()];
    if search == SpinSearch::Liveness {
        args.extend(["-a", "-N", "recovery_after_outage"]);
    }
    // GNU time, where there is one, gives pan's CPU time and peak memory.
    let timed = Command::new("/usr/bin/time")
        .args(["-f", "%e", "true"])
        .output()
        .is_ok_and(|output| output.status.success());
    let started = Instant::now();
    let report = if timed {
        let mut timed_args = vec!["-f", "%U %S %M", "-o", "time.txt", "./pan"];
        timed_args.extend(&args);
        run_tool(&dir.0, "/usr/bin/time", &timed_args)?
    } else {
        run_tool(&dir.0, "./pan", &args)?
    };
    let secs = started.elapsed().as_secs_f64();
    let usage: Vec<f64> = std::fs::read_to_string(dir.0.join("time.txt"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let (cpu_secs, peak_rss_kib) = match usage.as_slice() {
        [user, system, kib] => (Some(user + system), Some(*kib as u64)),
        _ => (None, None),
    };
    let number_before = |marker: &str| -> Option<f64> {
        report
            .lines()
            .find(|line| line.contains(marker))
            .and_then(|line| line.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let errors = report
        .split("errors: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    match (
        number_before("states, stored"),
        number_before("transitions (="),
        errors,
    ) {
        (Some(states), Some(transitions), Some(errors)) => Ok(SpinRun {
            states: states as u64,
            transitions: transitions as u64,
            errors,
            secs,
            cpu_secs,
            peak_rss_kib,
            memory_mb: number_before("total actual memory usage").unwrap_or(f64::NAN),
        }),
        _ => Err(format!("pan's report has no state count:\n{report}")),
    }
}

/// Runs `program` in `dir` and returns its standard output, or its output as the error.
fn run_tool(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{program} {} failed: {}{stdout}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A directory of its own under the system's temporary directory, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<Self, String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ucma-ha-spin-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
