//! Closed pipes and the commands that write files: every command on a closed standard
//! output ends quietly with exit 0 (its files written), and an output folder that cannot
//! be written is bad input naming the path, found before any work.

use super::*;

// 1. A closed standard output ends every command quietly with exit 0.

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_exit_0() {
    let trace = dir("closed_pipe").join("t.json");
    std::fs::write(&trace, ucma_ha::trace::EXAMPLE).expect("writes");
    let trace = trace.display().to_string();
    for args in [
        &["tables"][..],
        &["check", "--tables-only"],
        &["check"],
        &["graph", "system"],
        &["graph", "registration", "--format", "mermaid"],
        &["replay", &trace],
        &["coverage", &trace],
        &["vectors", "registration", "--coverage"],
    ] {
        let output = closed_stdout(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

/// A path below a regular file: no one, not even root, can create it.
fn below_a_file(test: &str) -> String {
    let file = dir(test).join("a-file");
    std::fs::write(&file, "x").expect("writes");
    file.join("below").display().to_string()
}

#[test]
fn export_csharp_into_an_unwritable_out_is_bad_input_naming_the_path() {
    let name = below_a_file("csharp_unwritable");
    let output = ucma_ha(&["export", "csharp", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
    let file = dir("csharp_onto_file").join("a-file");
    std::fs::write(&file, "x").expect("writes");
    let name = file.display().to_string();
    let output = ucma_ha(&["export", "csharp", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: --out {name}: exists and is not a directory\n")
    );
}

#[test]
fn export_csharp_onto_a_directory_in_the_way_of_a_file_is_bad_input_naming_it() {
    let out = dir("csharp_file_blocked");
    // A directory where the export writes its runner's source.
    std::fs::create_dir(out.join("Runner.cs")).expect("a dir");
    let output = ucma_ha(&["export", "csharp", "--out", &out.display().to_string()]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: cannot write {}: it is a directory, not a file\n",
            out.join("Runner.cs").display()
        )
    );
}

#[test]
fn an_unwritable_counterexamples_directory_is_refused_before_the_search() {
    let name = below_a_file("counterexamples");
    let output = ucma_ha(&["check", "--counterexamples", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "", "nothing runs");
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn man_into_an_unwritable_out_is_bad_input_naming_the_path() {
    let name = below_a_file("man");
    let output = ucma_ha(&["man", "--out", &name]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!("error: cannot create {name}: a part of the path is a file, not a directory\n")
    );
}

#[test]
fn docs_into_a_root_whose_docs_is_a_file_is_bad_input_naming_it() {
    let root = dir("docs_root");
    std::fs::write(root.join("Cargo.toml"), "").expect("writes");
    std::fs::write(root.join("docs"), "x").expect("writes");
    let output = ucma_ha(&["docs", "--root", &root.display().to_string()]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: exists and is not a directory\n",
            root.join("docs").display()
        )
    );
}

#[test]
fn a_closed_pipe_ends_every_writing_command_quietly_with_its_files_written() {
    let out = dir("closed_pipe_writers");
    let path = |name: &str| out.join(name).display().to_string();
    let cases: [(Vec<String>, &str); 6] = [
        (
            vec!["export".into(), "csharp".into(), "--out".into(), path("cs")],
            "cs/Runner.cs",
        ),
        (
            vec![
                "vectors".into(),
                "registration".into(),
                "--out".into(),
                path("v"),
            ],
            "v/.ucma-ha-vectors",
        ),
        (
            vec!["man".into(), "--out".into(), path("man")],
            "man/ucma-ha.1",
        ),
        (vec!["export".into(), "promela".into()], ""),
        (vec!["man".into()], ""),
        (vec!["completions".into(), "bash".into()], ""),
    ];
    for (args, written) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = closed_stdout(&args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
        if !written.is_empty() {
            assert!(out.join(written).is_file(), "{args:?}: {written}");
        }
    }
}
