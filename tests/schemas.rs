//! The JSON Schemas in `schemas/` (CONTRACT section 6) are draft 2020-12 documents named
//! after their files, and each pins the `format_version` the code writes. CI validates
//! every document the tool emits against them (`.ci/schemas`, Python's jsonschema).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path).expect("the schema exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{name}"
    );
    assert!(
        schema["$id"]
            .as_str()
            .is_some_and(|id| id.ends_with(&format!("/schemas/{name}.schema.json"))),
        "{name}: {}",
        schema["$id"]
    );
    schema
}

/// The version a schema pins for the document (or, for `tables`, each table).
fn pinned(schema: &Value) -> u64 {
    let version = match schema["type"].as_str() {
        Some("array") => &schema["$defs"]["table"]["properties"]["format_version"],
        _ => &schema["properties"]["format_version"],
    };
    version["const"].as_u64().expect("a constant version")
}

#[test]
fn every_schema_pins_the_version_the_code_writes() {
    let report = u64::from(ucma_ha::report::FORMAT_VERSION);
    for (name, version) in [
        ("trace", u64::from(ucma_ha::trace::FORMAT_VERSION)),
        ("graph", u64::from(ucma_ha::fsm::graph::FORMAT_VERSION)),
        ("replay-report", report),
        ("check-report", report),
        ("coverage-report", report),
        ("vectors-coverage", report),
    ] {
        assert_eq!(pinned(&schema(name)), version, "{name}");
    }
    let tables = Command::new(env!("CARGO_BIN_EXE_ucma-ha"))
        .arg("tables")
        .output()
        .expect("runs");
    let tables: Value = serde_json::from_slice(&tables.stdout).expect("JSON");
    assert_eq!(
        tables[0]["format_version"].as_u64(),
        Some(pinned(&schema("tables")))
    );
}
