//! Exports of the tables for other languages and tools (docs/CONTRACT.md section 7).
//!
//! Everything here is generated at run time from the same rows, parameters and events
//! the model executes, so an export never falls behind a changed table.

pub mod csharp;
pub mod promela;
