//! The bad-input corpus: `tests/bad_inputs/NAME.yaml`, each with `NAME.expected` holding exactly
//! what iamgen must print on stderr (and optionally `NAME.args`, the command before the spec path;
//! default `gen`). Every case must exit 1, print nothing on stdout, and write nothing.
//!
//! A spec in several files is a directory `NAME/` (issue 10): its `iamgen.yaml`, the root file
//! naming the others in `include:`, is the spec; without one, the directory itself is (every YAML
//! file of it). Each line then names the case's file it is about.
//! `IAMGEN_BLESS=1 cargo test --test bad_inputs` rewrites the expectations: review the diff.

use std::path::Path;

use assert_cmd::Command;

#[test]
fn every_bad_input_gets_its_expected_errors() {
    let dir = Path::new("tests/bad_inputs");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") || p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus shrank: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let root = case.join("iamgen.yaml");
        let spec = if root.is_file() { &root } else { case };
        let args_file = case.with_extension("args");
        let args = std::fs::read_to_string(&args_file).unwrap_or_else(|_| "gen".into());
        let out = tempfile::tempdir().unwrap();
        let mut cmd = Command::cargo_bin("iamgen").unwrap();
        cmd.args(args.split_whitespace()).arg(spec);
        if args.trim() == "gen" {
            cmd.arg("--out").arg(out.path().join("tf"));
        }
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let expected_file = case.with_extension("expected");
        if std::env::var_os("IAMGEN_BLESS").is_some() {
            std::fs::write(&expected_file, &stderr).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        let name = case.display();
        if output.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit {:?}, expected 1",
                output.status.code()
            ));
        }
        if !output.stdout.is_empty() {
            failures.push(format!("{name}: printed on stdout"));
        }
        if out.path().join("tf").exists() {
            failures.push(format!("{name}: wrote output"));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked:\n{stderr}"));
        }
        if stderr != expected {
            failures.push(format!(
                "{name}: stderr differs\n--- expected\n{expected}--- got\n{stderr}"
            ));
        }
        for line in stderr.lines() {
            let in_case = [":", "/"].map(|after| format!("{name}{after}"));
            let located = in_case.iter().any(|c| line.starts_with(c)) && line.contains(": error: ");
            if !located {
                failures.push(format!("{name}: not a FILE:LINE:COL: error: line: {line}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
