//! Property tests of the UCMA model: random stimulus runs of every machine, checked at
//! every step against the documented properties (`ucma_ha::invariants`), plus properties
//! over whole runs, and fuzzing of the trace reader.
//!
//! The case count is proptest's default (256) unless `PROPTEST_CASES` is set; CI's fuzz
//! profile raises it. A failing property is shrunk and kept as a trace file under
//! `target/proptest-traces/` (see `traces`).

mod harness;
mod system_mutants;
mod systems;
mod traces;

// Each object's random runs live in its own folder, beside its table and its documented
// properties (`src/<object>/proptests.rs`); they are compiled here, against the public API,
// one module per folder of the list of machines (`src/machines/list.rs`).
#[path = "../src"]
mod objects {
    macro_rules! object_runs {
        ($($module:ident :: {$($machine:ident = $id:literal),+ $(,)?}),+ $(,)?) => {$(
            mod $module {
                mod proptests;
            }
        )+};
    }
    include!("../src/machines/list.rs");
    machines!(object_runs);
}

#[path = "../src/system/proptests.rs"]
mod system;

mod checker;
mod trace_fuzz;
