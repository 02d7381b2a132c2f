//! The real binary: commands, exit codes, stdout/stderr discipline, and `--out` behaviour.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

fn iamgen() -> Command {
    Command::cargo_bin("iamgen").unwrap()
}

const GOLDEN: &str = "tests/golden/engagement-platform.tf";

#[test]
fn gen_without_spec_prints_the_example_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let golden = fs::read_to_string(GOLDEN).unwrap();
    iamgen()
        .current_dir(dir.path())
        .arg("gen")
        .assert()
        .success()
        .stdout(golden)
        .stderr(predicate::str::contains(
            "using the built-in example platform",
        ));
}

#[test]
fn gen_prefers_iamgen_yaml_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("iamgen.yaml"),
        "project: p\nenvironment: e\nservices:\n  f: { kind: lambda }\n",
    )
    .unwrap();
    iamgen()
        .current_dir(dir.path())
        .arg("gen")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"p-f-e\""))
        .stderr(predicate::str::is_empty());
}

#[test]
fn gen_of_the_example_file_equals_the_golden() {
    let golden = fs::read_to_string(GOLDEN).unwrap();
    iamgen()
        .args(["gen", "examples/engagement-platform.yaml"])
        .assert()
        .success()
        .stdout(golden)
        .stderr("");
}

#[test]
fn help_and_version() {
    iamgen()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("gen").and(predicate::str::contains("check")));
    iamgen()
        .args(["gen", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--out <DIR>").and(predicate::str::contains("--format")));
    iamgen()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("iamgen "));
}

#[test]
fn usage_errors_exit_2() {
    iamgen().assert().code(2);
    iamgen().args(["gen", "--bogus"]).assert().code(2);
    iamgen()
        .args(["gen", "--check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out"));
    iamgen()
        .args(["gen", "--format", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--account"));
    iamgen()
        .args([
            "gen",
            "--format",
            "json",
            "--account",
            "12",
            "--region",
            "eu-west-1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("12-digit"));
}

#[test]
fn a_missing_spec_file_exits_1() {
    iamgen()
        .args(["gen", "nope.yaml"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "nope.yaml: error: cannot read the spec",
        ));
}

#[test]
fn check_reports_what_it_checked() {
    iamgen()
        .args(["check", "examples/engagement-platform.yaml"])
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::contains("15 services, 17 roles")
                .and(predicate::str::contains("0 warnings")),
        );
}

#[test]
fn warnings_go_to_stderr_and_strict_makes_them_errors() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.yaml");
    fs::write(&spec, "project: p\nenvironment: e\nservices:\n  f:\n    kind: lambda\n    grants: [ xray.write ]\n").unwrap();
    iamgen()
        .arg("gen")
        .arg(&spec)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            ":6:15: warning: grant 'xray.write' needs Resource \"*\"",
        ));
    iamgen()
        .arg("check")
        .arg(&spec)
        .arg("--strict")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(":6:15: error: grant 'xray.write'"));
}

#[test]
fn json_export_resolves_every_arn() {
    let out = iamgen()
        .args([
            "gen",
            "examples/engagement-platform.yaml",
            "--format",
            "json",
            "--account",
            "111122223333",
            "--region",
            "cn-northwest-1",
        ])
        .args(["--partition", "aws-cn", "--input", "api_api_id=abc123"])
        .args(["--input", "assistant_agent_id=AGENT12345"])
        .args(["--input", "knowledge_base_knowledge_base_id=KB12345678"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["roles"].as_array().unwrap().len(), 17);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("${partition}") && !text.contains("arn:aws:"),
        "every ARN uses the given partition"
    );
    assert!(text.contains("arn:aws-cn:execute-api:cn-northwest-1:111122223333:abc123/*"));
    // Issue 9: an input without a value is refused rather than left as a placeholder.
    assert!(!text.contains("${"), "every input is resolved");
}

/// `iamgen gen EXAMPLE --check --out DIR`.
fn check_out(dir: &std::path::Path) -> assert_cmd::assert::Assert {
    iamgen()
        .args([
            "gen",
            "examples/engagement-platform.yaml",
            "--check",
            "--out",
        ])
        .arg(dir)
        .assert()
}

#[test]
fn out_writes_modules_then_check_passes_then_detects_drift() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tf");
    iamgen()
        .args(["gen", "examples/engagement-platform.yaml", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert!(out.join("modules/predict/main.tf").is_file());
    assert!(out.join("main.tf").is_file());
    check_out(&out).success();
    fs::write(out.join("modules/predict/main.tf"), "# edited by hand\n").unwrap();
    check_out(&out)
        .code(1)
        .stderr(predicate::str::contains("differs: modules/predict/main.tf"));
    assert_eq!(
        fs::read_to_string(out.join("modules/predict/main.tf")).unwrap(),
        "# edited by hand\n",
        "--check writes nothing"
    );
}

#[test]
fn bad_spec_writes_nothing_and_prints_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    fs::write(
        &spec,
        "project: p\nenvironment: e\nservices:\n  f: { kind: lambda, grants: [ s3.read: nope ] }\n",
    )
    .unwrap();
    let out = dir.path().join("tf");
    iamgen()
        .arg("gen")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    assert!(!out.exists());
}

#[test]
fn huge_inputs_are_refused_without_reading_them_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("huge.yaml");
    let line = "# padding padding padding padding padding padding padding padding\n";
    let limit = iamgen_core::MAX_SPEC_BYTES as usize;
    fs::write(&spec, line.repeat(2 * limit / line.len())).unwrap();
    iamgen().arg("gen").arg(&spec).assert().code(1).stderr(
        predicate::str::contains(":1:1: error: the spec is")
            .and(predicate::str::contains(format!("at most {limit} bytes"))),
    );
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // `iamgen gen | head -1`: the pipe closes early; iamgen must still exit 0.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' gen examples/engagement-platform.yaml | head -1 >/dev/null",
            assert_cmd::cargo::cargo_bin("iamgen").display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_is_byte_identical_across_processes() {
    // Each process gets its own hash seed; the output must not depend on it.
    let runs: Vec<Vec<u8>> = (0..3)
        .map(|_| {
            iamgen()
                .args(["gen", "examples/engagement-platform.yaml"])
                .output()
                .unwrap()
                .stdout
        })
        .collect();
    assert!(runs.windows(2).all(|w| w[0] == w[1]));
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        iamgen()
            .args(["gen", "examples/engagement-platform.yaml", "--out"])
            .arg(d.path())
            .assert()
            .success();
    }
    let files = fs::read_to_string(a.path().join(".iamgen-manifest")).unwrap();
    for f in files.lines().filter(|l| !l.starts_with('#')) {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn schema_prints_the_committed_json_schema() {
    let committed = fs::read_to_string("schema/iamgen.schema.json").unwrap();
    iamgen()
        .arg("schema")
        .assert()
        .success()
        .stdout(committed)
        .stderr("");
}

/// Issue 11: `--environment NAME` on every command generates, checks, documents, simulates and
/// answers `access` for that environment of the spec; the manifest of `--out` records it.
#[test]
fn issue_11_every_command_takes_an_environment() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("shop.yaml");
    fs::write(
        &spec,
        "project: shop\nenvironment: dev\nresources:\n  buckets: { raw: raw }\n\
         environments:\n  prod: { tags: { CostCenter: prod }, without_services: [debug] }\n\
         services:\n  resize: { kind: lambda, grants: [ s3.read: raw ] }\n  debug: { kind: lambda }\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let out = iamgen()
        .args(["gen", spec, "--environment", "prod"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("shop-resize-prod") && !text.contains("shop-debug-prod"));
    assert!(!text.contains("-dev"));
    iamgen()
        .args(["check", spec, "--environment", "prod", "--strict"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 services"));
    iamgen()
        .args(["docs", spec, "--environment", "prod"])
        .assert()
        .success()
        .stdout(predicate::str::contains("shop-raw-prod"));
    let place = ["--account", "111122223333", "--region", "eu-west-1"];
    iamgen()
        .args([
            "simulate",
            spec,
            "--environment",
            "prod",
            "--service",
            "resize",
        ])
        .args(["s3:GetObject", "raw/a.csv"])
        .args(place)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "allow: s3:GetObject on arn:aws:s3:::shop-raw-prod/a.csv",
        ));
    iamgen()
        .args(["access", spec, "raw", "--environment", "prod"])
        .args(place)
        .assert()
        .success()
        .stdout(predicate::str::contains("arn:aws:s3:::shop-raw-prod"));
    let tree = dir.path().join("tf");
    iamgen()
        .args(["gen", spec, "--environment", "prod", "--out"])
        .arg(&tree)
        .assert()
        .success();
    let manifest = fs::read_to_string(tree.join(".iamgen-manifest")).unwrap();
    assert!(manifest.contains("environment prod"), "{manifest}");
    // The same directory for another environment is refused, as another spec's tree is.
    iamgen()
        .args(["gen", spec, "--out"])
        .arg(&tree)
        .assert()
        .code(1);
}
