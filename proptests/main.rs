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

mod checker;
mod contact_group_services;
mod local_endpoint;
mod local_owner_presence;
mod registration;
mod remote_presence;
mod sip_subscription;
mod system;
mod trace_fuzz;
