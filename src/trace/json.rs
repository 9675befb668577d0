//! Reading JSON text for traces and configurations, with the rules every reader of this
//! crate shares: a UTF-8 byte order mark at the start is skipped (what .NET's default
//! UTF-8 writer emits), and an object that gives the same key twice is refused instead of
//! silently keeping the last value.
//!
//! [`Strict`] builds a [`serde_json::Value`] that refuses duplicate keys; [`Tracked`]
//! wraps a reader and records the line and column of every byte serde_json consumes, and
//! on request the text of one value, so that a reader that keeps one step at a time can
//! still point at the line and column of a problem inside it.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Read};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::spans::Position;

/// The UTF-8 byte order mark.
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

pub(crate) use crate::words::shorten;
#[cfg(test)]
use crate::words::MAX_NAME;

/// A JSON value read with the shared rules (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Strict(pub Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(Strict(value)) = seq.next_element()? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(duplicate(&key)));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// The message for a key given twice.
pub(crate) fn duplicate(key: &str) -> String {
    format!("duplicate key `{}`: each key may appear once", shorten(key))
}

/// The key a [`duplicate`] message names, when it is one and the key was not cut.
pub(crate) fn duplicated(message: &str) -> Option<&str> {
    let name = message
        .strip_prefix("duplicate key `")?
        .strip_suffix("`: each key may appear once")?;
    (!name.ends_with("...")).then_some(name)
}

/// Reads one JSON value from text with the shared rules.
///
/// # Errors
/// serde_json's error (with its line and byte column) for text that is not JSON or has a
/// duplicate key.
pub fn from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let Strict(value) = de::Deserialize::deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// serde_json's message without its " at line L column C" tail.
pub(crate) fn message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// What [`Tracked`] knows about the bytes read so far.
#[derive(Debug, Clone)]
pub struct Tracker {
    line: usize,
    next_column: usize,
    line_bytes: usize,
    last: Position,
    armed: bool,
    recording: bool,
    start: Position,
    raw: Vec<u8>,
}

impl Default for Tracker {
    fn default() -> Self {
        let first = Position { line: 1, column: 1 };
        Tracker {
            line: 1,
            next_column: 1,
            line_bytes: 0,
            last: first,
            armed: false,
            recording: false,
            start: first,
            raw: Vec::new(),
        }
    }
}

impl Tracker {
    #[inline]
    fn consume(&mut self, byte: u8) {
        let starts_char = byte & 0xC0 != 0x80;
        if starts_char {
            self.last = Position {
                line: self.line,
                column: self.next_column,
            };
            self.next_column += 1;
        }
        self.line_bytes += 1;
        if byte == b'\n' {
            self.line += 1;
            self.next_column = 1;
            self.line_bytes = 0;
        }
        if self.armed && starts_char && !matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':')
        {
            self.armed = false;
            self.recording = true;
            self.start = self.last;
            self.raw.clear();
        }
        if self.recording {
            self.raw.push(byte);
        }
    }

    /// Starts recording at the next byte that can begin a value or key (whitespace and
    /// the separators `,` and `:` are skipped).
    pub(crate) fn arm(&mut self) {
        self.armed = true;
        self.recording = false;
    }

    /// Stops recording; the recorded text stays until the next [`Tracker::arm`].
    pub(crate) fn stop(&mut self) {
        self.armed = false;
        self.recording = false;
    }

    /// Where the recorded text starts.
    pub(crate) fn start(&self) -> Position {
        self.start
    }

    /// The recorded text (for a number, possibly followed by one more byte).
    pub(crate) fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The character column of serde_json's error position (which counts bytes), as
    /// well as it can be told from the current line.
    pub(crate) fn error_position(&self, error: &serde_json::Error) -> Position {
        let line = error.line().max(1);
        let column = if line == self.line {
            let behind = self.line_bytes.saturating_sub(error.column());
            self.next_column
                .saturating_sub(1)
                .saturating_sub(behind)
                .max(1)
        } else {
            error.column().max(1)
        };
        Position { line, column }
    }
}

/// A reader that skips a leading byte order mark and tells a [`Tracker`] every byte it
/// hands on. It buffers by itself: serde_json asks for one byte at a time.
pub struct Tracked<'a, R> {
    inner: R,
    tracker: &'a RefCell<Tracker>,
    buffer: Vec<u8>,
    at: usize,
    filled: usize,
    first: bool,
}

impl<'a, R: Read> Tracked<'a, R> {
    /// Wraps a reader.
    pub fn new(inner: R, tracker: &'a RefCell<Tracker>) -> Self {
        Tracked {
            inner,
            tracker,
            buffer: vec![0; 64 * 1024],
            at: 0,
            filled: 0,
            first: true,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.at = 0;
        self.filled = self.inner.read(&mut self.buffer)?;
        if self.first {
            self.first = false;
            // A short first read may split the mark: read on until it is decided.
            while self.filled < BOM.len() && BOM.starts_with(&self.buffer[..self.filled]) {
                let more = self.inner.read(&mut self.buffer[self.filled..])?;
                if more == 0 {
                    break;
                }
                self.filled += more;
            }
            if self.buffer[..self.filled].starts_with(BOM) {
                self.at = BOM.len();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Tracked<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.filled {
            self.refill()?;
        }
        let available = self.buffer.get(self.at..self.filled).unwrap_or_default();
        let count = available.len().min(out.len());
        let mut tracker = self.tracker.borrow_mut();
        for (slot, &byte) in out.iter_mut().zip(available) {
            *slot = byte;
            tracker.consume(byte);
        }
        self.at += count;
        Ok(count)
    }
}

/// A [`DeserializeSeed`] for [`Strict`], for use with `next_value_seed`.
pub(crate) struct StrictSeed;

impl<'de> DeserializeSeed<'de> for StrictSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_refused_at_any_depth() {
        let error = from_slice(br#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
        assert!(message(&error).starts_with("duplicate key `b`"), "{error}");
        assert!(from_slice(br#"{"a": 1, "b": 1}"#).is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(
            from_slice(b"\xef\xbb\xbf[1]").ok(),
            Some(serde_json::json!([1]))
        );
    }

    #[test]
    fn long_names_are_cut() {
        assert_eq!(shorten("abc"), "abc");
        let long = "é".repeat(1000);
        assert_eq!(shorten(&long), format!("{}...", "é".repeat(MAX_NAME)));
    }
}
