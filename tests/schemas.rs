//! The JSON Schemas in `schemas/` (docs/CONTRACT.md section 6) are draft 2020-12 documents named
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
#[test]
fn the_schemas_directory_holds_exactly_the_documented_schemas() {
    let mut found: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"))
            .expect("schemas/")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
    found.sort();
    let formats =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMATS.md"))
            .expect("docs/FORMATS.md");
    for file in &found {
        assert!(
            formats.contains(&format!("schemas/{file}")),
            "FORMATS.md does not document {file}"
        );
    }
    assert_eq!(found.len(), 7, "{found:?}");
}

/// The ```json blocks of docs/FORMATS.md.
fn examples() -> Vec<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMATS.md"))
            .expect("docs/FORMATS.md");
    text.split("```json\n")
        .skip(1)
        .filter_map(|block| block.split("```").next().map(str::to_owned))
        .collect()
}

#[test]
fn the_trace_examples_of_the_formats_page_replay_and_the_others_are_json_reg_2_rp_1() {
    let examples = examples();
    let mut traces = 0;
    for example in &examples {
        let value: Value = serde_json::from_str(example)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {example}"));
        let versioned = match &value {
            Value::Array(tables) => &tables[0],
            document => document,
        };
        assert_eq!(versioned["format_version"], 1, "{example}");
        if value["steps"].is_array() {
            let trace = ucma_ha::trace::parse(Some("FORMATS.md"), example.as_bytes())
                .unwrap_or_else(|error| panic!("{error}"));
            ucma_ha::replay::replay(&trace).unwrap_or_else(|error| panic!("{error}"));
            traces += 1;
        }
    }
    assert_eq!(traces, 2);
    assert_eq!(examples.len(), 7);
}
