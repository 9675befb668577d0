//! `vectors` within its limits: an incomplete cover exits 1 (or warns with `--partial`),
//! a state limit beyond the memory budget is refused up front, the vector limit stops
//! with exit 1, and the output directory is checked and replaced only as far as the tool
//! wrote it.

use super::*;

// 2-5. vectors: limits, incomplete covers, output directory.

#[test]
fn an_incomplete_cover_exits_1_and_names_what_was_written() {
    let out = dir("incomplete");
    let name = out.display().to_string();
    let output = ucma_ha(&[
        "vectors",
        "registration",
        "--out",
        &name,
        "--max-states",
        "1",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let written = std::fs::read_to_string(out.join(".ucma-ha-vectors")).expect("a manifest");
    let count = written.lines().count();
    assert!(count > 0);
    assert_eq!(
        stderr(&output),
        format!(
            "error: the cover is incomplete: the state limit (--max-states or --max-memory) was \
             reached; the {count} vector(s) written to {name} (listed in {name}/.ucma-ha-vectors) \
             cover part of it; raise the limit, or pass --partial to accept a partial cover\n"
        )
    );
}

#[test]
fn partial_accepts_an_incomplete_cover_with_a_warning() {
    let output = ucma_ha(&[
        "vectors",
        "registration",
        "--coverage",
        "--max-states",
        "1",
        "--partial",
    ]);
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).starts_with("warning: the cover is incomplete"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_state_limit_beyond_the_memory_budget_is_refused_up_front() {
    let out = dir("too_large");
    let name = out.join("v").display().to_string();
    let output = ucma_ha(&[
        "vectors",
        "system",
        "--out",
        &name,
        "--max-states",
        "100000000",
        "--max-memory",
        "64",
    ]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with("error: --max-states 100000000 would take about"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("more than the 64 MiB budget"));
    assert!(!Path::new(&name).exists(), "nothing is written");
}

#[test]
fn the_vector_limit_stops_with_exit_1() {
    let output = ucma_ha(&[
        "vectors",
        "system",
        "--config",
        r#"{"remote_views": 8}"#,
        "--coverage",
        "--max-vectors",
        "100",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the limit of 100 vectors (--max-vectors) was reached"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn out_onto_a_file_is_bad_input_naming_the_path() {
    let file = dir("onto_file").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: --out {name}: exists and is not a directory\n")
    );
}

#[test]
fn an_unwritable_out_is_bad_input_naming_the_path() {
    let file = dir("unwritable").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.join("below").display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn a_non_empty_out_is_refused_without_replace() {
    let out = dir("non_empty");
    std::fs::write(out.join("notes.txt"), "mine").expect("writes");
    let name = out.display().to_string();
    let output = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {name} is not empty: pass --replace to remove the vectors a previous run \
             wrote there (those listed in .ucma-ha-vectors), or choose an empty directory\n"
        )
    );
}

#[test]
fn replace_removes_only_what_the_tool_wrote() {
    let out = dir("replace");
    let name = out.display().to_string();
    let sweep = ucma_ha(&["vectors", "registration", "--out", &name]);
    assert_eq!(code(&sweep), 0);
    let before = std::fs::read_dir(&out).expect("a dir").count();
    std::fs::write(out.join("notes.txt"), "mine").expect("writes");
    let one = ucma_ha(&[
        "vectors",
        "registration",
        "--out",
        &name,
        "--replace",
        "--config",
        r#"{"refresh_on_connection_drop": false}"#,
    ]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let manifest = std::fs::read_to_string(out.join(".ucma-ha-vectors")).expect("a manifest");
    let mut listed: Vec<String> = manifest.lines().map(str::to_owned).collect();
    listed.push(".ucma-ha-vectors".into());
    listed.push("notes.txt".into());
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(&out)
        .expect("a dir")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    present.sort();
    assert_eq!(
        present, listed,
        "stale vectors of the sweep are gone, notes.txt stays"
    );
    assert!(present.len() < before + 1);
}
