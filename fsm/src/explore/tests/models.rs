//! Small models for the search tests, shared by the engine's tests and the speed
//! layers' tests (`bench/tests/reach.rs` includes this file with `#[path]`). The
//! includer has `Model` (`fsm::explore::Model`) in scope.

use super::Model;

/// Three counters modulo 4 with a rotation symmetry-free canonical form (sorted).
pub(crate) struct Triple;
impl Model for Triple {
    type State = u32;
    type Action = u8;
    fn initial(&self) -> u32 {
        0
    }
    fn actions(&self) -> &[u8] {
        &[0, 1, 2, 3]
    }
    fn next(&self, s: &u32, action: u8) -> u32 {
        if action == 3 {
            return *s;
        }
        let shift = 2 * u32::from(action);
        let digit = ((s >> shift) + 1) & 3;
        (s & !(3 << shift)) | (digit << shift)
    }
    fn canonical(&self, s: u32) -> u32 {
        let mut digits = [s & 3, (s >> 2) & 3, (s >> 4) & 3];
        digits.sort_unstable();
        digits[0] | (digits[1] << 2) | (digits[2] << 4)
    }
}

/// Three counters modulo 64 in one key (262 144 states): enough for the lean search
/// to group successors by the part of the visited set they fall in.
pub(crate) struct Cube;
impl Model for Cube {
    type State = u64;
    type Action = u64;
    fn initial(&self) -> u64 {
        0
    }
    fn actions(&self) -> &[u64] {
        &[0, 6, 12, 99]
    }
    fn next(&self, s: &u64, shift: u64) -> u64 {
        if shift == 99 {
            return 0;
        }
        let digit = ((s >> shift) + 1) & 63;
        (s & !(63 << shift)) | (digit << shift)
    }
}
