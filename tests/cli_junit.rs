//! `ucma-ha replay --format junit` (docs/CONTRACT.md section 6): well-formed JUnit XML, read
//! here with a parser independent of the writer, with one test case per trace file, a
//! divergence as a failure and a bad file as an error; exit codes as `replay`'s.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_junit")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// Writes the traces into a directory and replays them as JUnit: exit code and the XML.
fn junit(test: &str, traces: &[(&str, &str)]) -> (i32, String, Vec<String>) {
    let dir = dir(test);
    let mut files = Vec::new();
    for (name, text) in traces {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writes");
        files.push(path.display().to_string());
    }
    let output = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(["replay", "--format", "junit"])
        .args(&files)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8(output.stdout).expect("utf-8"),
        files,
    )
}

const DIVERGES: &str = r#"{"machine": "registration", "steps": [
  {"on": "BeginRegister"}, {"on": "RegisterOk"},
  {"on": "RegistrarNotifyUserServicesUnavailable",
   "expect": {"emits": [{"event": "RegistrationStateChanged", "Reason": "UserServicesUnavailable"}]}}]}"#;

#[test]
fn one_case_per_file_a_divergence_fails_and_a_bad_file_errs_reg_2() {
    let (code, xml, files) = junit(
        "mixed",
        &[
            ("example.json", ucma_ha::trace::EXAMPLE),
            ("diverges.json", DIVERGES),
            ("broken.json", "{\"machine\": \"system\",\n \"steps\": [}\n"),
        ],
    );
    assert_eq!(code, 2, "a bad file wins over a divergence: {xml}");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].tag_name().name(), "testsuite");
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<&str> = cases.iter().filter_map(|c| c.attribute("name")).collect();
    assert_eq!(names, files);

    let ok = cases[0];
    assert_eq!(ok.attribute("classname"), Some("registration"));
    assert_eq!(ok.attribute("assertions"), Some("4"));
    assert!(
        ok.children().all(|n| !n.is_element()),
        "a pass has no failure"
    );

    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the divergence is a failure");
    assert_eq!(failure.attribute("type"), Some("divergence"));
    let message = failure.attribute("message").expect("a message");
    assert!(
        message
            .starts_with("steps[2] (`RegistrarNotifyUserServicesUnavailable`): emits[0]: expected"),
        "{message}"
    );
    assert!(message.ends_with("(differs in Reason)"), "{message}");
    let text = failure.text().expect("the divergence in words");
    assert!(
        text.contains("path so far: BeginRegister, RegisterOk"),
        "{text}"
    );
    assert!(text.contains(r#""Reason":"None""#), "{text}");

    let error = cases[2]
        .children()
        .find(|n| n.has_tag_name("error"))
        .expect("the bad file is an error");
    assert_eq!(
        error.attribute("message"),
        Some(format!("{}:2:12: invalid JSON: expected value", files[2]).as_str())
    );
}

#[test]
fn all_matching_exits_0_and_a_divergence_alone_exits_1() {
    let (code, xml, _) = junit("ok", &[("example.json", ucma_ha::trace::EXAMPLE)]);
    assert_eq!(code, 0);
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert_eq!(document.root_element().attribute("failures"), Some("0"));
    assert_eq!(document.root_element().attribute("errors"), Some("0"));
    let (code, xml, _) = junit("diverges", &[("diverges.json", DIVERGES)]);
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert_eq!(document.root_element().attribute("failures"), Some("1"));
}
