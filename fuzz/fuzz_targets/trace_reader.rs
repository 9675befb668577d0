//! Coverage-guided fuzzing of the trace reader: any bytes, read whole and step by step
//! with replay, must give a trace or a located error, never a panic; a trace that reads
//! must read the same again from its own JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucma_ha::catalog;
use ucma_ha::replay::Replayer;
use ucma_ha::trace::{parse, read_steps};

fuzz_target!(|data: &[u8]| {
    let whole = parse(Some("fuzz.json"), data);
    let mut replayer = Replayer::default();
    let streamed = read_steps(Some("fuzz.json"), data, &catalog::model, &mut |model, i, step| {
        let _ = replayer.step(model, i, &step);
    });
    // The two readers agree on whether the text is a trace.
    assert_eq!(whole.is_ok(), streamed.is_ok());
    if let Err(error) = &whole {
        // Every error names the file.
        assert!(error.to_string().starts_with("fuzz.json"), "{error}");
    }
    if let Ok(trace) = whole {
        let again = parse(None, trace.to_json_lines().as_bytes());
        assert_eq!(again.ok().as_ref(), Some(&trace));
    }
});
