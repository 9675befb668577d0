//! `ucma-ha completions SHELL` and `ucma-ha man`: what they print is a working completion
//! script and a man page that documents every subcommand.

use std::process::{Command, Output};

fn ucma_ha(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .args(args)
        .output()
        .expect("run ucma-ha")
}

/// The subcommands, as `ucma-ha --help` lists them (so a new one is checked too).
fn subcommands() -> Vec<String> {
    let help = String::from_utf8(ucma_ha(&["--help"]).stdout).expect("utf-8");
    let listed: Vec<String> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .filter(|name| name != "help")
        .collect();
    assert!(listed.len() >= 8, "{help}");
    listed
}

#[test]
fn bash_completion_is_valid_bash_and_completes_every_subcommand() {
    let output = ucma_ha(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = String::from_utf8(output.stdout).expect("utf-8");
    let file = std::env::temp_dir().join(format!("ucma-ha-{}.bash", std::process::id()));
    std::fs::write(&file, &script).expect("write");
    // Source it and ask bash's own completion for the words after `ucma-ha `.
    let probe = format!(
        "source '{}' && COMP_WORDS=(ucma-ha '') && COMP_CWORD=1 && COMP_LINE='ucma-ha ' \
         && COMP_POINT=8 && _ucma__ha ucma-ha '' ucma-ha && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let completed = Command::new("bash")
        .args(["-c", &probe])
        .output()
        .expect("bash");
    let _ = std::fs::remove_file(&file);
    assert!(
        completed.status.success(),
        "{}",
        String::from_utf8_lossy(&completed.stderr)
    );
    let words = String::from_utf8(completed.stdout).expect("utf-8");
    let words: Vec<&str> = words.lines().collect();
    for name in subcommands() {
        assert!(words.contains(&name.as_str()), "{name} not in {words:?}");
    }
}

#[test]
fn completions_for_the_other_shells_name_the_binary_and_an_unknown_shell_is_bad_input() {
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let output = ucma_ha(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).expect("utf-8");
        assert!(
            script.contains("ucma-ha") && script.contains("replay"),
            "{shell}"
        );
    }
    let output = ucma_ha(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("zsh"));
}

#[test]
fn man_page_is_roff_section_1_listing_every_subcommand() {
    let output = ucma_ha(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        page.lines().any(|l| l.starts_with(".TH ucma-ha 1 ")),
        "{page}"
    );
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .collect();
    assert!(
        sections.starts_with(&["NAME", "SYNOPSIS", "DESCRIPTION"]),
        "{sections:?}"
    );
    for name in subcommands() {
        // roff escapes the hyphen: `ucma\-ha\-check(1)`.
        assert!(page.contains(&format!("ucma\\-ha\\-{name}(1)")), "{name}");
    }
}

#[test]
fn man_out_writes_one_page_per_subcommand() {
    let dir = std::env::temp_dir().join(format!("ucma-ha-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = ucma_ha(&["man", "--out", dir.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0));
    for name in subcommands() {
        let page = std::fs::read_to_string(dir.join(format!("ucma-ha-{name}.1"))).expect(&name);
        assert!(page.contains(&format!(".TH ucma-ha-{name} 1 ")), "{name}");
    }
    // The options of `check` are documented on its page.
    let check = std::fs::read_to_string(dir.join("ucma-ha-check.1")).expect("check page");
    assert!(check.contains("\\-\\-max\\-states"));
    let _ = std::fs::remove_dir_all(&dir);
}
