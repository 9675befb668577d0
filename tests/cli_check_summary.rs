//! The last line of `ucma-ha check`: the counts of tables and verdicts, which must agree
//! with the lines printed above it.

use std::process::Command;

/// Runs `ucma-ha check ARGS`: exit code and stdout lines.
fn check(args: &[&str]) -> (Option<i32>, Vec<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .arg("check")
        .args(args)
        .output()
        .expect("run ucma-ha");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    (
        output.status.code(),
        stdout.lines().map(str::to_owned).collect(),
    )
}

/// The verdict column of the property lines (`    NAME  KIND  VERDICT  CLAUSES`).
fn verdicts(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            match words.get(1) {
                Some(&"safety") | Some(&"liveness") => words.get(2).map(|w| (*w).to_owned()),
                _ => None,
            }
        })
        .collect()
}

fn count(verdicts: &[String], word: &str) -> usize {
    verdicts.iter().filter(|v| *v == word).count()
}

#[test]
fn the_summary_counts_the_tables_and_the_verdicts_printed_above_it() {
    let (code, lines) = check(&["--remote-views", "0,1"]);
    assert_eq!(code, Some(0));
    let tables = lines
        .iter()
        .skip(1)
        .take_while(|l| !l.starts_with("table checks:"))
        .filter(|l| l.ends_with(" ok"))
        .count();
    let verdicts = verdicts(&lines);
    assert!(!verdicts.is_empty());
    assert_eq!(count(&verdicts, "held"), verdicts.len());
    assert_eq!(
        lines.last().map(String::as_str),
        Some(
            format!(
                "{tables} tables: {tables} ok; {} properties over 2 configurations: {} held",
                verdicts.len(),
                verdicts.len()
            )
            .as_str()
        )
    );
}

#[test]
fn a_single_configuration_and_tables_only_read_as_the_issue_asks() {
    let (code, lines) = check(&[]);
    assert_eq!(code, Some(0));
    let n = verdicts(&lines).len();
    let last = lines.last().cloned().unwrap_or_default();
    assert!(
        last.ends_with(&format!("; {n} properties: {n} held")),
        "{last}"
    );
    let (code, lines) = check(&["--tables-only"]);
    assert_eq!(code, Some(0));
    let last = lines.last().cloned().unwrap_or_default();
    let (tables, ok) = last.split_once(" tables: ").expect("a summary");
    assert_eq!(ok, format!("{tables} ok"));
}

#[test]
fn an_incomplete_search_is_counted_as_such_and_fails() {
    let (code, lines) = check(&["--max-states", "5"]);
    assert_eq!(code, Some(1));
    let verdicts = verdicts(&lines);
    let last = lines.last().cloned().unwrap_or_default();
    assert!(last.ends_with("; 1 of 1 searches INCOMPLETE"), "{last}");
    // Every verdict that occurs is counted, and the counts add up.
    let mut total = 0;
    for word in ["held", "VIOLATED", "VACUOUS", "unknown"] {
        let n = count(&verdicts, word);
        total += n;
        if n > 0 {
            assert!(last.contains(&format!("{n} {word}")), "{word}: {last}");
        }
    }
    assert_eq!(total, verdicts.len());
    assert!(last.contains(&format!("; {total} properties: ")), "{last}");
}

#[test]
fn off_a_terminal_check_draws_no_progress() {
    // stderr is a pipe here: no spinner, no carriage-return lines for a CI log.
    let output = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(["check", "--remote-views", "2"])
        .output()
        .expect("run ucma-ha");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
