//! Reading the test sources for the clause IDs each test cites (the tests column of
//! `docs/TRACEABILITY.md`): the only place that reads Rust sources as text.

use super::*;

/// A test found in the sources, with the IDs it cites.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestCitation {
    /// The source file, relative to the root, with `/` separators.
    pub file: String,
    /// The test function's name.
    pub name: String,
    /// The IDs cited in its name (`..._pres_2`) and its comments.
    pub clauses: Vec<&'static str>,
}

/// Every known ID: clauses, facts and disagreements.
pub(super) fn known_ids() -> impl Iterator<Item = &'static Clause> {
    clauses::SEED
        .iter()
        .chain(clauses::FACTS)
        .chain(clauses::DISAGREEMENTS)
}

/// Whether `needle` occurs in `haystack` with no letter, digit or `-` on either side
/// (`_` counts as a separator, so `pres_2` is found in `..._pres_2`).
pub(super) fn cites(haystack: &str, needle: &str) -> bool {
    let bytes = haystack.as_bytes();
    haystack.match_indices(needle).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + needle.len()).copied();
        let free = |b: Option<u8>| !b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-');
        free(before) && free(after)
    })
}

/// The index of the line where the block opened on or after line `from` closes, counting
/// braces outside string and character literals (and line comments); the last line when
/// it never closes.
pub(super) fn body_end(lines: &[&str], from: usize) -> usize {
    let mut depth = 0usize;
    let mut opened = false;
    for (index, line) in lines.iter().enumerate().skip(from) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut in_string = false;
        while i < chars.len() {
            let c = chars[i];
            if in_string {
                match c {
                    '\\' => i += 1,
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => in_string = true,
                    '/' if chars.get(i + 1) == Some(&'/') => break,
                    // A character literal: '{', '}', '\'' and the like.
                    '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
                    '\'' if chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'') => {
                        i += 3
                    }
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if opened && depth == 0 {
                            return index;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
    }
    lines.len().saturating_sub(1)
}

/// Finds the tests in one source text: every `#[test]` function, with the IDs its name
/// (`..._reg_2`) and its comments (above it and in its body, `REG-2`) cite. String
/// literals do not count: they may hold IDs as data.
///
/// # Complexity
/// O(lines x IDs).
pub(super) fn scan_tests(file: &str, source: &str) -> Vec<TestCitation> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if line.trim() != "#[test]" {
            continue;
        }
        // The fn line: the first line after the attributes that declares a function.
        let Some(fn_at) = (at + 1..lines.len()).find(|&i| {
            let t = lines[i].trim_start();
            t.starts_with("fn ") || t.starts_with("pub fn ") || t.starts_with("async fn ")
        }) else {
            continue;
        };
        let declaration = lines[fn_at].trim_start();
        let name: String = declaration
            .split("fn ")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // Comments right above the attribute(s).
        let mut first = at;
        while first > 0 {
            let t = lines[first - 1].trim_start();
            if t.starts_with("//") || t.starts_with("#[") {
                first -= 1;
            } else {
                break;
            }
        }
        // The body: up to the brace that closes the fn's first `{`.
        let end = body_end(&lines, fn_at);
        // What the test says it covers: the comments above it and the comments in its
        // body (not its string literals, which may hold IDs as data).
        let mut text: Vec<&str> = lines[first..at].to_vec();
        for line in &lines[fn_at..=end.max(fn_at)] {
            let t = line.trim_start();
            if t.starts_with("//") {
                text.push(t);
            } else if let Some(comment) = line.find(" // ") {
                text.push(&line[comment..]);
            }
        }
        let text = text.join("\n");
        let clauses: Vec<&'static str> = known_ids()
            .filter(|clause| {
                cites(&text, clause.id)
                    || cites(&name, &clause.id.to_ascii_lowercase().replace('-', "_"))
            })
            .map(|clause| clause.id)
            .collect();
        found.push(TestCitation {
            file: file.to_owned(),
            name,
            clauses,
        });
    }
    found
}

/// The Rust sources under `root`, sorted, skipping `target`, `docs`, `node_modules` and
/// hidden folders.
pub(super) fn rust_sources(root: &Path) -> Result<Vec<PathBuf>, DocsError> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let path = entry.map_err(io(&dir))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !(name.starts_with('.') || ["target", "docs", "node_modules"].contains(&name)) {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Every test under `root` that cites at least one ID.
///
/// # Errors
/// [`DocsError::Read`] when a folder or file cannot be read.
pub(super) fn scan_root(root: &Path) -> Result<Vec<TestCitation>, DocsError> {
    let mut tests = Vec::new();
    for path in rust_sources(root)? {
        let source = std::fs::read_to_string(&path).map_err(io(&path))?;
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        tests.extend(
            scan_tests(&relative, &source)
                .into_iter()
                .filter(|t| !t.clauses.is_empty()),
        );
    }
    Ok(tests)
}
