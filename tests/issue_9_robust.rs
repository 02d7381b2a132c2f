//! Regression tests for issue 9 ("never emit Terraform that fails"): the spec-level items 7-12 and
//! 15-23, and the README's promises to a newcomer. Each test is named after its item.

use iamgen_core::{compile, Compiled, Settings, SpecError};

const BASE: &str = "project: shop\nenvironment: dev\n";

fn build(yaml: &str) -> Result<Compiled, SpecError> {
    compile("spec.yaml", yaml, &Settings::default())
}

fn strict(yaml: &str) -> Result<Compiled, SpecError> {
    compile("spec.yaml", yaml, &Settings::default().with_strict(true))
}

/// The error text of a spec that must be refused.
fn refused(yaml: &str) -> String {
    match build(yaml) {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

/// The warnings of a spec that must compile, one line each as the CLI prints them.
fn warnings(yaml: &str) -> Vec<String> {
    let compiled = build(yaml).unwrap_or_else(|e| panic!("{e}"));
    compiled
        .warnings
        .iter()
        .map(|w| format!("spec.yaml:{w}"))
        .collect()
}

/// Item 17: a UTF-8 byte-order mark is allowed by YAML, and positions stay those of the text.
#[test]
fn issue_9_17_a_byte_order_mark_is_accepted() {
    let yaml = format!("\u{feff}{BASE}services:\n  f: {{ kind: lambda }}\n");
    build(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let bad = "\u{feff}project: Shop\nenvironment: dev\nservices:\n  f: { kind: lambda }\n";
    assert!(
        refused(bad).starts_with("spec.yaml:1:10: error: project 'Shop'"),
        "{}",
        refused(bad)
    );
}

/// Item 23: wording. No `'api''s`, no "1 warnings", and an empty string is called one.
#[test]
fn issue_9_23_wording() {
    let example = build(iamgen_core::EXAMPLE_SPEC).unwrap();
    for s in &example.plan.services {
        for setting in &s.account_settings {
            let d = &setting.switch.global_description;
            assert!(!d.contains("''"), "{d}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, format!("{BASE}services:\n  f: {{ kind: lambda, grants: [ xray.write ] }}\n")).unwrap();
    let out = assert_cmd::Command::cargo_bin("iamgen")
        .unwrap()
        .arg("check")
        .arg(&spec)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with(": 1 warning\n"), "{stderr}");
    let empty = format!("{BASE}services:\n  f: {{ kind: \"\" }}\n");
    assert_eq!(
        refused(&empty),
        "spec.yaml:4:14: error: expected a text value, found an empty string in services.f.kind"
    );
}
