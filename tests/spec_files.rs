//! A spec split into several files (issue 10), on the real binary: a directory of spec files and a
//! root file with `include:` generate exactly what the same platform in one file generates, with
//! every command; reads stay bounded for all the files together; problems name their file.
//! The refused layouts, each with its exact message, are in `tests/bad_inputs/` (directory cases).
#![cfg(unix)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The engagement platform in one file, and split into a directory of four files.
const SINGLE: &str = "examples/engagement-platform.yaml";
const SPLIT: &str = "examples/split-platform";
const WHERE: [&str; 4] = ["--account", "111122223333", "--region", "eu-west-1"];

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("iamgen")
}

fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args` with the spec `spec` put at `{}` and returns stdout, asserting success.
fn ok(args: &[&str], spec: &str) -> String {
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { spec } else { a })
        .collect();
    let o = run(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The split example's files other than its root, as absolute paths.
fn parts() -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = fs::read_dir(SPLIT)
        .unwrap()
        .map(|e| fs::canonicalize(e.unwrap().path()).unwrap())
        .filter(|p| !p.ends_with("platform.yaml"))
        .collect();
    parts.sort();
    parts
}

/// The split example in the include form: its root file, listing the other files in `include:`.
fn include_form(dir: &Path) -> PathBuf {
    let mut root = fs::read_to_string(Path::new(SPLIT).join("platform.yaml")).unwrap();
    root.push_str("include:\n");
    for part in parts() {
        root.push_str(&format!("  - {}\n", part.display()));
    }
    let path = dir.join("iamgen.yaml");
    fs::write(&path, root).unwrap();
    path
}

/// Every file of a tree, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_split_platform_generates_exactly_what_the_single_file_does() {
    let tmp = tempfile::tempdir().unwrap();
    let included = include_form(tmp.path());
    let included = included.to_str().unwrap();
    for args in [
        &["gen", "{}"][..],
        &["gen", "{}", "--format", "json"][..],
        &["docs", "{}"][..],
        &["access", "{}", "models"][..],
    ] {
        let mut args = args.to_vec();
        if args.contains(&"json") || args[0] == "access" {
            args.extend(WHERE);
        }
        if args.contains(&"json") {
            // The ids the export needs, known after apply.
            let ids = ["api_api_id=a1b2c3d4e5", "assistant_agent_id=AGENT12345"];
            let kb = "knowledge_base_knowledge_base_id=KB12345678";
            for id in ids.into_iter().chain([kb]) {
                args.extend(["--input", id]);
            }
        }
        let single = ok(&args, SINGLE);
        assert!(!single.is_empty());
        assert_eq!(ok(&args, SPLIT), single, "{args:?}: the directory form");
        assert_eq!(ok(&args, included), single, "{args:?}: the include form");
    }
    let mut trees = Vec::new();
    for spec in [SINGLE, SPLIT, included] {
        let out = tmp.path().join(format!("out{}", trees.len()));
        ok(&["gen", spec, "--out", out.to_str().unwrap()], spec);
        trees.push(tree(&out));
    }
    assert!(trees[0].len() > 10, "{:?}", trees[0].len());
    assert!(
        trees[1] == trees[0],
        "the directory form's --out tree differs"
    );
    assert!(
        trees[2] == trees[0],
        "the include form's --out tree differs"
    );
    // One platform, one origin: a tree generated from the single file is up to date for the split.
    let first = tmp.path().join("out0");
    let o = run(&["gen", SPLIT, "--out", first.to_str().unwrap(), "--check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn check_strict_and_simulate_accept_the_split_forms() {
    let o = run(&["check", "--strict", SPLIT]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("15 services"), "{}", stderr(&o));
    let scenarios = "examples/engagement-platform.scenarios.yaml";
    let mut args = vec!["simulate", SPLIT, "--scenarios", scenarios];
    args.extend(WHERE);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    // The statement that decided is located in the file holding its grant.
    let mut args = vec![
        "simulate",
        SPLIT,
        "--service",
        "pipeline",
        "lambda:InvokeFunction",
        "function:engagement-data-prep-dev",
    ];
    args.extend(WHERE);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "from services.pipeline.grants[0] (lambda.invoke), examples/split-platform/20-pipeline.yaml:"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn warnings_name_the_file_they_are_in() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("iamgen.yaml"),
        "project: shop\nenvironment: dev\ninclude: [teams/data.yaml]\n",
    )
    .unwrap();
    fs::create_dir(tmp.path().join("teams")).unwrap();
    fs::write(
        tmp.path().join("teams/data.yaml"),
        "resources:\n  buckets: { raw: raw, unused: unused }\nservices:\n  f: { kind: lambda, grants: [ s3.read: raw ] }\n",
    )
    .unwrap();
    // No SPEC: ./iamgen.yaml, with its includes relative to it.
    let o = Command::new(bin())
        .arg("check")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "teams/data.yaml:2:24: warning: bucket 'unused' is declared but nothing uses it"
        ),
        "{}",
        stderr(&o)
    );
    // The reviewers' document says where too.
    let o = Command::new(bin())
        .arg("docs")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("| `resources.buckets.unused` (`teams/data.yaml` line 2) |"),
        "{}",
        stdout(&o)
    );
    let o = Command::new(bin())
        .args(["check", "--strict"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("teams/data.yaml:2:24: error: bucket 'unused'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_spec_on_stdin_includes_files_relative_to_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("team.yaml"),
        "services:\n  f: { kind: lambda }\n",
    )
    .unwrap();
    let mut child = Command::new(bin())
        .args(["gen", "-"])
        .current_dir(tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"project: shop\nenvironment: dev\ninclude: [team.yaml]\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("shop-f-dev"), "{}", stdout(&o));
}

/// The limit holds for all the files together: each file is read bounded by what the others left,
/// and an endless included file is refused after that, located in the file itself.
#[test]
fn the_size_limit_is_for_all_files_together() {
    let limit = iamgen_core::MAX_SPEC_BYTES as usize;
    let tmp = tempfile::tempdir().unwrap();
    let padding = "# padding padding padding padding padding padding padding padding\n";
    let half = padding.repeat(limit / 2 / padding.len() + 1);
    fs::write(
        tmp.path().join("iamgen.yaml"),
        format!("project: shop\nenvironment: dev\ninclude: [a.yaml, b.yaml]\n{half}"),
    )
    .unwrap();
    fs::write(
        tmp.path().join("a.yaml"),
        "services:\n  f: { kind: lambda }\n",
    )
    .unwrap();
    fs::write(tmp.path().join("b.yaml"), &half).unwrap();
    let root = tmp.path().join("iamgen.yaml");
    let o = run(&["check", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let b = tmp.path().join("b.yaml");
    assert_eq!(
        stderr(&o),
        format!(
            "{}:1:1: error: the spec's files are larger than {limit} bytes together (this one: {} bytes); iamgen reads specs of at most {limit} bytes, all files together\n",
            b.display(),
            half.len()
        )
    );
    // Each alone is under the limit.
    fs::write(&b, "services:\n  g: { kind: lambda }\n").unwrap();
    let o = run(&["check", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // An endless file, included, costs no more than the limit (under a memory cap, an unbounded
    // read would fail differently).
    fs::remove_file(&b).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &b).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 1000000; exec \"$0\" check \"$1\"")
        .arg(bin())
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!(
            "{}:1:1: error: the spec's files are larger than {limit} bytes together (this one: more than",
            b.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_directory_reads_its_yaml_files_in_name_order_after_its_root() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("b.yml"), "services:\n  second: { kind: lambda }\n").unwrap();
    fs::write(dir.join("a.yaml"), "services:\n  first: { kind: lambda }\n").unwrap();
    fs::write(
        dir.join("z-root.yaml"),
        "project: shop\nenvironment: dev\nservices:\n  root: { kind: lambda }\n",
    )
    .unwrap();
    // Not spec files: another extension, a subdirectory.
    fs::write(dir.join("notes.txt"), "not: [yaml").unwrap();
    fs::create_dir(dir.join("old")).unwrap();
    fs::write(dir.join("old/c.yaml"), "project: old\n").unwrap();
    let out = ok(&["gen", "{}"], dir.to_str().unwrap());
    let at = |name: &str| {
        out.find(&format!("# ----- Service '{name}'"))
            .unwrap_or_else(|| panic!("no module {name}:\n{out}"))
    };
    assert!(at("root") < at("first") && at("first") < at("second"));
}
