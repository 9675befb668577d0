//! Where each value of a JSON text sits: a small scanner that records the line and column
//! of every value (and of every object key) by its path.
//!
//! serde_json reports positions for syntax and type errors only; the checks that come
//! after parsing (an unknown stimulus at `steps[3].on`, an unknown config key) need the
//! position of a value they find in the parsed tree. This scanner walks the text once and
//! answers "where is `steps[3].on`?". It expects text that serde_json already accepted,
//! but it never panics on any input: on text it cannot read it stops and keeps what it has.

use std::collections::BTreeMap;
use std::fmt;

/// A place in a text: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, counted in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// An object member, by key.
    Key(String),
    /// An array element, by index.
    Index(usize),
}

/// Writes a path the way users read it: `steps[3].expect.state`.
pub(crate) fn display_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    if out.is_empty() {
        out.push_str("(document)");
    }
    out
}

/// Where one value sits, and where its key sits when it is an object member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// The position of the member's key (`None` for array elements and the document).
    pub key: Option<Position>,
    /// The position of the value's first character.
    pub value: Position,
}

/// The positions of every value of a JSON text, by path.
///
/// # Complexity
/// Building is O(n log n) in the text length (one pass, a map insert per value).
///
/// (The positions of a nested member: the test `positions_of_a_nested_member`.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans {
    map: BTreeMap<Vec<Segment>, Span>,
}

impl Spans {
    /// Scans a text. A later duplicate key replaces an earlier one, as in serde_json.
    #[cfg(test)]
    pub fn scan(text: &str) -> Spans {
        let mut scanner = Scanner {
            chars: text.chars().collect(),
            at: 0,
            line: 1,
            column: 1,
            spans: Spans::default(),
            path: Vec::new(),
        };
        scanner.skip_whitespace();
        // Best effort: a `None` means the text was not JSON; keep what was recorded.
        let _ = scanner.value(None, 0);
        scanner.spans
    }

    /// Scans the text of one value that sits at `prefix` in a larger document and starts
    /// at `start` there: the recorded paths begin with `prefix` and the positions are the
    /// document's. The streaming trace reader uses it for the one step it holds.
    pub(crate) fn scan_at(text: &str, prefix: &[Segment], start: Position) -> Spans {
        let mut scanner = Scanner {
            chars: text.chars().collect(),
            at: 0,
            line: start.line,
            column: start.column,
            spans: Spans::default(),
            path: prefix.to_vec(),
        };
        let _ = scanner.value(None, prefix.len());
        scanner.spans
    }

    /// Records where the value (and its key) at `path` sits.
    pub(crate) fn insert(&mut self, path: Vec<Segment>, span: Span) {
        self.map.insert(path, span);
    }

    /// Adds every span of `other`.
    pub(crate) fn extend(&mut self, other: Spans) {
        self.map.extend(other.map);
    }

    /// The span of the value at `path`, when the text has one.
    pub(crate) fn span(&self, path: &[Segment]) -> Option<Span> {
        self.map.get(path).copied()
    }

    /// The position of the value at `path`.
    pub fn value(&self, path: &[Segment]) -> Option<Position> {
        self.span(path).map(|span| span.value)
    }

    /// The position of the key of the member at `path` (falls back to its value's).
    pub fn key(&self, path: &[Segment]) -> Option<Position> {
        self.span(path).map(|span| span.key.unwrap_or(span.value))
    }

    /// How many values were recorded.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no value was recorded.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Deeper nesting than this is not scanned (serde_json refuses beyond 128 anyway).
const MAX_DEPTH: usize = 256;

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
    spans: Spans,
    path: Vec<Segment>,
}

impl Scanner {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, wanted: char) -> Option<()> {
        (self.bump()? == wanted).then_some(())
    }

    /// Scans one value at the current path, recording its span.
    fn value(&mut self, key: Option<Position>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let first = self.peek()?;
        let start = self.position();
        self.spans
            .map
            .insert(self.path.clone(), Span { key, value: start });
        match first {
            '{' => self.object(depth),
            '[' => self.array(depth),
            '"' => self.string().map(drop),
            _ => {
                // A number or a literal: everything up to a delimiter.
                let mut any = false;
                while let Some(c) = self.peek() {
                    if matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r') {
                        break;
                    }
                    self.bump();
                    any = true;
                }
                any.then_some(())
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        self.expect('{')?;
        self.skip_whitespace();
        if self.peek()? == '}' {
            self.bump();
            return Some(());
        }
        loop {
            self.skip_whitespace();
            let key_at = self.position();
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(':')?;
            self.skip_whitespace();
            self.path.push(Segment::Key(key));
            let scanned = self.value(Some(key_at), depth + 1);
            self.path.pop();
            scanned?;
            self.skip_whitespace();
            match self.bump()? {
                ',' => continue,
                '}' => return Some(()),
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.expect('[')?;
        self.skip_whitespace();
        if self.peek()? == ']' {
            self.bump();
            return Some(());
        }
        let mut index = 0;
        loop {
            self.skip_whitespace();
            self.path.push(Segment::Index(index));
            let scanned = self.value(None, depth + 1);
            self.path.pop();
            scanned?;
            index += 1;
            self.skip_whitespace();
            match self.bump()? {
                ',' => continue,
                ']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Scans a string token and decodes it (escapes included) with serde_json.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.expect('"')?;
        loop {
            match self.bump()? {
                '\\' => {
                    self.bump()?;
                }
                '"' => break,
                _ => {}
            }
        }
        let raw: String = self.chars.get(start..self.at)?.iter().collect();
        serde_json::from_str(&raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn positions_of_a_nested_member() {
        let spans = Spans::scan("{\"steps\": [\n  {\"on\": \"RefreshDue\"}]}");
        let path = [key("steps"), Segment::Index(0), key("on")];
        assert_eq!(
            spans.value(&path),
            Some(Position {
                line: 2,
                column: 10
            })
        );
        assert_eq!(spans.key(&path), Some(Position { line: 2, column: 4 }));
    }

    proptest! {
        /// The scanner never panics, whatever the bytes (moved here from
        /// `tests/trace_fuzz.rs` when the scanner left the public API).
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = Spans::scan(&String::from_utf8_lossy(&bytes));
        }
    }

    fn key(name: &str) -> Segment {
        Segment::Key(name.to_owned())
    }

    #[test]
    fn records_values_and_keys_by_path() {
        let text = "{\n  \"machine\": \"registration\",\n  \"steps\": [\n    {\"on\": \"A\"},\n    {\"on\": \"B\", \"expect\": {\"state\": \"X\"}}\n  ]\n}";
        let spans = Spans::scan(text);
        assert_eq!(spans.value(&[]), Some(Position { line: 1, column: 1 }));
        assert_eq!(
            spans.value(&[key("machine")]),
            Some(Position {
                line: 2,
                column: 14
            })
        );
        assert_eq!(
            spans.key(&[key("machine")]),
            Some(Position { line: 2, column: 3 })
        );
        let state = [key("steps"), Segment::Index(1), key("expect"), key("state")];
        assert_eq!(
            spans.value(&state),
            Some(Position {
                line: 5,
                column: 37
            })
        );
        assert_eq!(
            spans.value(&[key("steps"), Segment::Index(0), key("on")]),
            Some(Position {
                line: 4,
                column: 12
            })
        );
        assert_eq!(display_path(&state), "steps[1].expect.state");
    }

    #[test]
    fn decodes_escaped_keys_and_counts_characters_not_bytes() {
        let spans = Spans::scan("{\"\\u00e9t\\u00e9\": [\"é\", true]}");
        assert_eq!(
            spans.value(&[key("été"), Segment::Index(1)]),
            Some(Position {
                line: 1,
                column: 25
            })
        );
        let spans = Spans::scan("{\"é\": 1, \"x\": null}");
        assert_eq!(
            spans.value(&[key("x")]),
            Some(Position {
                line: 1,
                column: 15
            })
        );
    }

    #[test]
    fn later_duplicate_keys_win_as_in_serde_json() {
        let spans = Spans::scan("{\"a\": 1, \"a\": 2}");
        assert_eq!(
            spans.value(&[key("a")]),
            Some(Position {
                line: 1,
                column: 15
            })
        );
    }

    #[test]
    fn broken_text_keeps_what_was_read() {
        let spans = Spans::scan("{\"a\": 1, \"b\": [1, ");
        assert!(spans.value(&[key("a")]).is_some());
        assert!(spans.value(&[key("b"), Segment::Index(0)]).is_some());
        assert!(spans.value(&[key("b"), Segment::Index(1)]).is_none());
        assert!(Spans::scan("").is_empty());
        assert_eq!(Spans::scan(&"[".repeat(10_000)).len(), MAX_DEPTH + 1);
    }
}
