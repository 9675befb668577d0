//! Words for users, shared by every tool that reads their input: the nearest known name
//! to a typo, and serde's messages in the words of JSON. A leaf module: it names nothing
//! else of the crate.

/// The candidate closest to `name` by edit distance, when it is close enough to be a typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(2);
    candidates
        .into_iter()
        // The difference in length is a lower bound of the distance: skip the work (a
        // megabyte-long name is no typo of anything).
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .map(|candidate| {
            (
                strsim::levenshtein(&name.to_lowercase(), &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Replaces the Rust type names serde puts in its messages with the words of JSON.
pub(crate) fn user_words(message: &str) -> String {
    let mut out = message.to_owned();
    for (rust, words) in [
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected u16", "expected a whole number, 0 or more"),
        ("expected u8", "expected a whole number, 0 or more"),
        ("expected a boolean", "expected true or false"),
        ("invalid type: map", "invalid type: an object"),
        ("invalid type: sequence", "invalid type: an array"),
        ("invalid type: unit value", "invalid type: null"),
        ("floating point", "number"),
        ("unknown variant", "unknown value"),
    ] {
        out = out.replace(rust, words);
    }
    if let Some(at) = out.find("expected struct ") {
        out.truncate(at);
        out.push_str("expected an object");
    }
    out
}

/// The longest name a message repeats in full; a longer one is cut with an ellipsis.
pub const MAX_NAME: usize = 64;

/// A name as a message shows it: at most [`MAX_NAME`] characters, a longer one cut with
/// `...` so that a message never repeats a megabyte of input.
pub fn shorten(name: &str) -> String {
    match name.char_indices().nth(MAX_NAME) {
        None => name.to_owned(),
        Some((cut, _)) => format!("{}...", &name[..cut]),
    }
}
