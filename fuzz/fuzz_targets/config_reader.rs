//! Coverage-guided fuzzing of the config reader behind `--config`: any text, for every
//! machine and `system`, must build a model or give a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucma_ha::catalog::MACHINES;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for machine in MACHINES.iter().copied().chain(["system"]) {
        if let Err(message) = ucma_ha::config::model(machine, text) {
            assert!(message.starts_with("--config"), "{message}");
            // A Rust type name must not leak into a message, unless the input itself
            // wrote it (an unknown key is quoted back to the user).
            if !text.contains("usize") {
                assert!(!message.contains("usize"), "{message}");
            }
        }
    }
});
