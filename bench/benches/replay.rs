//! Replaying a long trace: time and peak memory of the streaming reader behind
//! `ucma-ha replay` (one step held at a time) against a baseline in the same run, the
//! same file read whole into memory first (`ucma_ha::trace::read_file`, then replay).
//!
//! Run: `cargo bench -p ucma-ha-bench --bench replay` (release profile). It writes two registration traces
//! of `UCMA_BENCH_STEPS` steps (default 1 000 000) under `target/`: `bare`, stimuli only
//! (`{"on": "RegisterOk"}`, about 24 bytes a step, the shape of the trace the target was
//! set on), and `expect`, every step with a full expectation (about 100 bytes a step).
//! Each is replayed in a child process per variant, so each peak (`VmHWM`) is that
//! variant's own; the `whole` baseline runs on `bare` only (on `expect` it needs over
//! 2.5 GB). Target: `bare`, streaming, 1 000 000 steps: under 3 s and under 128 MiB.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ucma_ha::catalog;
use ucma_ha::replay::{replay, Replayer};
use ucma_ha::trace::{read_file, read_steps};
use ucma_ha_bench::peak_rss::{cpu_seconds, peak_rss_kib};

/// One cycle of the registration machine, each step with what it must do.
const CYCLE: [&str; 4] = [
    r#"{"on": "BeginRegister", "expect": {"state": "Registering", "rejected": null}}"#,
    r#"{"on": "RegisterOk", "expect": {"state": "Registered", "rejected": null}}"#,
    r#"{"on": "BeginUnregister", "expect": {"state": "Unregistering", "emits": [{"event": "RegistrationStateChanged", "PreviousState": "Registered", "State": "Unregistering"}]}}"#,
    r#"{"on": "UnregisterOk", "expect": {"state": "Unregistered"}}"#,
];

/// Writes a trace of `steps` steps; `expect`: with the expectations of [`CYCLE`].
fn write_trace(path: &Path, steps: usize, expect: bool) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{{\"machine\": \"registration\",\n \"steps\": [")?;
    for i in 0..steps {
        let separator = if i + 1 < steps { "," } else { "" };
        let step = CYCLE[i % CYCLE.len()];
        if expect {
            writeln!(out, "  {step}{separator}")?;
        } else {
            let bare = step.split(", \"expect\"").next().unwrap_or(step);
            writeln!(out, "  {bare}}}{separator}")?;
        }
    }
    writeln!(out, " ]}}")?;
    out.flush()
}

/// The child: replays the file one way and prints `steps seconds peak_kib`.
fn child(variant: &str, path: &Path) -> Result<(), String> {
    let started = Instant::now();
    let steps = match variant {
        "streaming" => {
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let mut replayer = Replayer::default();
            let mut failed = None;
            let header = read_steps(
                None,
                std::io::BufReader::new(file),
                &catalog::model,
                &mut |model, index, step| {
                    if let Err(error) = replayer.step(model, index, &step) {
                        failed.get_or_insert(error.to_string());
                    }
                },
            )
            .map_err(|e| e.to_string())?;
            if let Some(error) = failed {
                return Err(error);
            }
            if let Some(divergence) = replayer.finish() {
                return Err(divergence.to_string());
            }
            header.steps
        }
        _ => {
            let trace = read_file(path).map_err(|e| e.to_string())?;
            replay(&trace).map_err(|e| e.to_string())?.steps
        }
    };
    println!(
        "{steps} {:.3} {:.3} {}",
        started.elapsed().as_secs_f64(),
        cpu_seconds(),
        peak_rss_kib()
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, variant, path] = args.as_slice() {
        if flag == "--child" {
            if let Err(error) = child(variant, Path::new(path)) {
                eprintln!("{error}");
                std::process::exit(1);
            }
            return;
        }
    }
    let steps: usize = std::env::var("UCMA_BENCH_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "{:<8} {:<10} {:>10} {:>8} {:>10} {:>10} {:>10}",
        "trace", "variant", "steps", "MB", "wall s", "CPU s", "peak MiB"
    );
    let mut figures = Vec::new();
    for (trace, expect, variants) in [
        ("bare", false, &["streaming", "whole"][..]),
        ("expect", true, &["streaming"][..]),
    ] {
        let path =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("replay-{trace}-{steps}.json"));
        if let Err(error) = write_trace(&path, steps, expect) {
            eprintln!("cannot write {}: {error}", path.display());
            std::process::exit(1);
        }
        let megabytes = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6);
        for &variant in variants {
            let (seconds, cpu, mib) = run_child(variant, &path);
            println!(
                "{trace:<8} {variant:<10} {steps:>10} {megabytes:>8.1} {seconds:>10.3} {cpu:>10.2} {mib:>10.1}"
            );
            figures.push((trace, variant, cpu, mib));
        }
        let _ = std::fs::remove_file(&path);
    }
    let find = |trace: &str, variant: &str| {
        figures
            .iter()
            .find(|f| f.0 == trace && f.1 == variant)
            .map(|f| (f.2, f.3))
    };
    if let (Some((s_time, s_mib)), Some((w_time, w_mib))) =
        (find("bare", "streaming"), find("bare", "whole"))
    {
        println!(
            "bare, streaming / whole: CPU time {:.2}x, peak memory {:.3}x",
            s_time / w_time,
            s_mib / w_mib
        );
        let met = steps >= 1_000_000 && s_time < 3.0 && s_mib < 128.0;
        println!(
            "target (bare, streaming, 1 000 000 steps: under 3 CPU s and 128 MiB): {}",
            if met { "met" } else { "NOT met" }
        );
    }
}

/// Runs one variant in a child process: (wall seconds, CPU seconds, peak MiB).
fn run_child(variant: &str, path: &Path) -> (f64, f64, f64) {
    let exe = std::env::current_exe().expect("the bench's own path");
    let output = Command::new(exe)
        .args(["--child", variant, &path.display().to_string()])
        .output()
        .expect("the child runs");
    if !output.status.success() {
        eprintln!("{variant}: {}", String::from_utf8_lossy(&output.stderr));
        std::process::exit(1);
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<f64> = line
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match fields.as_slice() {
        [_, seconds, cpu, kib] => (*seconds, *cpu, kib / 1024.0),
        _ => {
            eprintln!("{variant}: unexpected output {line}");
            std::process::exit(1);
        }
    }
}
