//! SPIN as an engine of the explore bench: the Promela model `ucma-ha export promela`
//! writes, checked by `pan` on one core, breadth first or depth first, safety only
//! (`-DNOCLAIM -DNOREDUCE -DSAFETY`: no never claim, no partial-order reduction, so
//! `states, stored` counts the very states `check --no-symmetry` counts).
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
pub fn run(config: SystemConfig, search: SpinSearch) -> Result<SpinRun, String> {
    let model = ucma_ha::export::promela::export(config, false).map_err(|e| e.to_string())?;
    let dir = WorkDir::new()?;
    std::fs::write(dir.0.join("model.pml"), model).map_err(|e| e.to_string())?;
    run_tool(&dir.0, "spin", &["-a", "model.pml"])?;
    let mut flags = vec!["-O2", "-w", "-DNOCLAIM", "-DNOREDUCE", "-DSAFETY"];
    if search == SpinSearch::BreadthFirst {
        flags.push("-DBFS");
    }
    flags.extend(["-o", "pan", "pan.c"]);
    run_tool(&dir.0, "gcc", &flags)?;
    // Depth first allocates its stack for the whole `-m` depth; the system's depth is far
    // below 10^6.
    let depth = match search {
        SpinSearch::BreadthFirst => "-m100000000",
        SpinSearch::DepthFirst => "-m1000000",
    };
    let started = Instant::now();
    let report = run_tool(&dir.0, "./pan", &[depth])?;
    let secs = started.elapsed().as_secs_f64();
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
