//! The hasher of the search's state index: foldhash's fast hasher with a fixed seed.

use std::hash::BuildHasher;

use foldhash::fast::{FixedState, FoldHasher};

/// A fast, non-cryptographic hash for small fixed-size keys, for `HashMap::with_hasher`:
/// foldhash's `fast` hasher with its fixed default seed, so that a search visits states in
/// the same order from run to run. Not DoS resistant: meant for states, not for untrusted
/// input.
#[derive(Debug, Clone, Copy, Default)]
pub struct FastHash;

impl BuildHasher for FastHash {
    type Hasher = FoldHasher<'static>;
    #[inline]
    fn build_hasher(&self) -> FoldHasher<'static> {
        FixedState::default().build_hasher()
    }
}
