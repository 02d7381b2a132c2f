//! The JSON Schema of the spec (`iamgen schema`, `schema/iamgen.schema.json`): generated from the
//! same types serde reads, committed for editors, kept current by this test, and judged by an
//! independent validator (boon) against the example platform and against specs it must refuse.
//! `IAMGEN_BLESS=1 cargo test -p iamgen-core --test schema` rewrites the committed file.

use std::path::Path;

use serde_json::{json, Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

fn committed() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/iamgen.schema.json")
}

#[test]
fn committed_schema_is_current() {
    let schema = iamgen_core::json_schema();
    if std::env::var_os("IAMGEN_BLESS").is_some() {
        std::fs::write(committed(), &schema).unwrap();
    }
    let on_disk = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        on_disk == schema,
        "schema/iamgen.schema.json is stale; run `just regen`"
    );
}

/// YAML as a YAML language server hands it to a JSON Schema validator: plain scalars typed.
fn to_json(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::String(s) => json!(s),
        Yaml::Boolean(b) => json!(b),
        Yaml::Integer(i) => json!(i),
        Yaml::Real(r) => json!(r.parse::<f64>().unwrap_or_default()),
        Yaml::Null => Value::Null,
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        other => panic!("unexpected YAML: {other:?}"),
    }
}

/// Validates YAML `text` against the generated schema; the error lists what boon found.
fn validate(text: &str) -> Result<(), String> {
    let schema: Value = serde_json::from_str(&iamgen_core::json_schema()).unwrap();
    let docs = YamlLoader::load_from_str(text).unwrap();
    let instance = to_json(&docs[0]);
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:iamgen", schema)
        .map_err(|e| e.to_string())?;
    let id = compiler
        .compile("urn:iamgen", &mut schemas)
        .map_err(|e| format!("{e:#}"))?;
    schemas
        .validate(&instance, id)
        .map_err(|e| format!("{e:#}"))
}

#[test]
fn the_example_platform_is_valid() {
    validate(iamgen_core::EXAMPLE_SPEC).unwrap();
}

#[test]
fn the_schema_refuses_what_iamgen_refuses_by_shape() {
    let base = "project: p\nenvironment: e\nservices:\n  f:\n    kind: lambda\n";
    validate(base).unwrap();
    for (bad, why) in [
        (
            format!("{base}    grants:\n      - s3.raed: [b]\n"),
            "unknown grant",
        ),
        (
            format!("{base}    grants:\n      - s3.read\n"),
            "a grant that needs a value",
        ),
        (
            format!("{base}    grants:\n      - xray.write: false\n"),
            "a flag set to false",
        ),
        (format!("{base}    colour: blue\n"), "unknown key"),
        (base.replace("lambda", "lamda"), "unknown kind"),
        (
            format!("{base}    grants:\n      - s3.read: []\n        allow: {{ wildcard: ok }}\n"),
            "empty list, short reason",
        ),
        (
            "project: p\nservices: {}\n".to_string(),
            "missing environment",
        ),
    ] {
        assert!(validate(&bad).is_err(), "{why}: the schema accepts\n{bad}");
    }
}

/// Issue 11: the README's spec of the new keys (environments, accounts, scoped targets, `vpc:`,
/// `statements:`, schedules, tag-based access) is valid; a scoped target of the wrong kind is not.
#[test]
fn the_new_keys_are_in_the_schema() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let marker = "The new keys:\n\n```yaml\n";
    let start = readme.find(marker).unwrap() + marker.len();
    let end = start + readme[start..].find("```").unwrap();
    validate(&readme[start..end]).unwrap();
    let base =
        "project: p\nenvironment: e\ntag_based_access: true\nservices:\n  f:\n    kind: lambda\n";
    validate(&format!("{base}    grants:\n      - s3.read: [{{ bucket: b, prefix: in/ }}]\n        tag_based_access: false\n")).unwrap();
    for (bad, why) in [
        (
            format!("{base}    grants:\n      - s3.read: [{{ table: b, leading_keys: [x] }}]\n"),
            "leading keys on an S3 grant",
        ),
        (
            format!("{base}    statements:\n      - actions: [s3:GetObject]\n        resource: [\"*\"]\n        why: no grant covers it yet\n"),
            "a statement with a misspelled key",
        ),
        (
            format!("{base}    vpc: {{ subnets: [subnet-01234567] }}\n"),
            "a vpc without security groups",
        ),
        (
            format!("{base}environments:\n  prod: {{ services: [f] }}\n"),
            "an environment key that does not exist",
        ),
    ] {
        assert!(validate(&bad).is_err(), "{why} is valid:\n{bad}");
    }
}

/// Issue 10: a spec in several files. Every file of the split example is valid (the root with
/// `project:`, the others with resources, profiles and services only), a root may leave its
/// services to the files it includes, and an included file holding a root key is not valid.
#[test]
fn every_file_of_a_split_spec_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/split-platform");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        validate(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    validate("project: p\nenvironment: e\ninclude: [teams/a.yaml]\n").unwrap();
    for (bad, why) in [
        (
            "project: p\nenvironment: e\ninclude: []\nservices: {}\n",
            "an empty include",
        ),
        ("project: p\nservices: {}\n", "a root without environment"),
        (
            "tags: { a: b }\nservices: {}\n",
            "an included file with tags",
        ),
        (
            "include: [b.yaml]\nservices: {}\n",
            "an included file that includes",
        ),
    ] {
        assert!(validate(bad).is_err(), "{why} is valid:\n{bad}");
    }
}
