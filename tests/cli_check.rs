//! `ucma-ha check` end to end under limits: a cut search never states a violation it has
//! not proven (docs/CONTRACT.md section 5: `held` only after a complete search, `VIOLATED` only
//! with a confirmed counterexample, otherwise `unknown`), the built-in state cap is the
//! visible default of `--max-states`, and `--max-memory` stops the search with `unknown`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ucma_ha(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_check")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// The verdict column of each property line of a `check` report.
fn verdicts(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|line| line.starts_with("    ") && !line.starts_with("      "))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let kind = words.next()?;
            let verdict = words.next()?;
            matches!(kind, "safety" | "liveness").then(|| (name.to_owned(), verdict.to_owned()))
        })
        .collect()
}

#[test]
fn a_cut_search_reports_unknown_not_violated_af_les_pres_4() {
    // Each of these once printed `no_deadlock VIOLATED` (AF-LES, AF-LEP-T) or
    // `recovery_after_outage VIOLATED` (PRES-4) for frontier states never expanded.
    let out = dir("cut");
    let out_arg = out.display().to_string();
    for limit in [
        ["--max-states", "50"],
        ["--max-states", "1"],
        ["--max-depth", "0"],
        ["--max-depth", "3"],
        ["--max-memory", "4K"],
    ] {
        let mut args = vec!["check", "--counterexamples", &out_arg];
        args.extend_from_slice(&limit);
        let output = ucma_ha(&args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{limit:?}: {stdout}{stderr}");
        let found = verdicts(&stdout);
        assert_eq!(found.len(), 9, "{limit:?}: {stdout}");
        for (name, verdict) in &found {
            assert_eq!(verdict, "unknown", "{limit:?}: {name}\n{stdout}");
        }
        assert!(stdout.contains("INCOMPLETE ("), "{limit:?}: {stdout}");
        assert!(!stderr.contains("internal error"), "{limit:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_dir(&out).expect("the directory").count(),
        0,
        "no counterexample is written for a property that holds"
    );
}

#[test]
fn the_complete_search_holds_and_prints_as_before() {
    let output = ucma_ha(&["check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(", complete, "), "{stdout}");
    assert!(
        verdicts(&stdout).iter().all(|(_, v)| v == "held"),
        "{stdout}"
    );
}

#[test]
fn the_state_cap_is_the_visible_default_and_reaching_it_says_so() {
    let help = ucma_ha(&["check", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        text.contains(&format!("[default: {}]", fsm::explore::DEFAULT_MAX_STATES)),
        "{text}"
    );
    assert!(text.contains("--max-memory <BYTES>"), "{text}");
    let output = ucma_ha(&["check", "--max-states", "50"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("INCOMPLETE (state limit of 50 states reached, --max-states)"),
        "{stdout}"
    );
}

#[test]
fn a_memory_budget_stops_with_unknown_and_says_so() {
    let output = ucma_ha(&["check", "--max-memory", "4K"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("INCOMPLETE (memory limit: "), "{stdout}");
    assert!(stdout.contains("--max-memory 4 KiB)"), "{stdout}");
    // A budget that fits changes nothing.
    let roomy = ucma_ha(&["check", "--max-memory", "1G"]);
    assert_eq!(roomy.status.code(), Some(0));
    for bad in ["0", "12X", "G", "-1", "99999999999T"] {
        let output = ucma_ha(&["check", &format!("--max-memory={bad}")]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("--max-memory"), "{bad}: {stderr}");
        assert!(
            stderr.len() < 400,
            "the argument is not echoed in full: {stderr}"
        );
    }
}
