//! A spec in several files, held in memory (issue 10): `SpecFiles::with_resolver` joins the files
//! without the file system, and each problem names its file.

use std::collections::HashMap;

use iamgen_core::{compile, Settings, SpecFiles, MAX_SPEC_BYTES};

const ROOT: &str = "project: shop\nenvironment: dev\ninclude: [teams/a.yaml, teams/b.yaml]\n";

/// The spec `ROOT` (as `specs/iamgen.yaml`) with `files`, compiled; the error's text otherwise.
fn build(files: &[(&str, &str)]) -> Result<SpecFiles, String> {
    let files: HashMap<String, String> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let spec = SpecFiles::with_resolver("specs/iamgen.yaml", ROOT, |name| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no file {name} in memory"))
    });
    spec.compile(&Settings::default())
        .map(|_| spec)
        .map_err(|e| e.to_string())
}

#[test]
fn included_files_join_in_order() {
    let spec = build(&[
        ("specs/teams/a.yaml", "services:\n  a: { kind: lambda }\n"),
        (
            "specs/teams/b.yaml",
            "services:\n  b: { kind: lambda, grants: [ lambda.invoke: a ] }\n",
        ),
    ])
    .unwrap();
    let names: Vec<&str> = spec.names().collect();
    assert_eq!(
        names,
        [
            "specs/iamgen.yaml",
            "specs/teams/a.yaml",
            "specs/teams/b.yaml"
        ]
    );
    let compiled = spec.compile(&Settings::default()).unwrap();
    let services: Vec<&str> = compiled
        .plan
        .services
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(services, ["a", "b"]);
    let file = compiled.plan.services[1].file.as_deref();
    assert_eq!(
        file,
        Some("specs/teams/b.yaml"),
        "each service knows its file"
    );
}

#[test]
fn a_name_in_two_files_is_one_error_naming_both() {
    let err = build(&[
        ("specs/teams/a.yaml", "services:\n  a: { kind: lambda }\n"),
        (
            "specs/teams/b.yaml",
            "services:\n  b: { kind: lambda }\n  a: { kind: lambda }\n",
        ),
    ])
    .unwrap_err();
    assert_eq!(err, "specs/teams/b.yaml:3:3: error: service 'a' is declared in two files: here and at specs/teams/a.yaml:2:3 in services.a; declare each name in one file");
}

#[test]
fn what_the_resolver_cannot_give_is_located_at_the_include() {
    let err = build(&[("specs/teams/a.yaml", "services:\n  a: { kind: lambda }\n")]).unwrap_err();
    assert_eq!(err, "specs/iamgen.yaml:3:25: error: cannot read included file 'specs/teams/b.yaml': no file specs/teams/b.yaml in memory in include[1]");
    // Text alone includes nothing.
    let err = compile(
        "iamgen.yaml",
        &format!("{ROOT}services: {{}}\n"),
        &Settings::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("iamgen.yaml:3:11: error: cannot read included file 'teams/a.yaml': the spec was given as text alone"),
        "{err}"
    );
}

#[test]
fn the_size_limit_holds_for_files_in_memory_too() {
    let big = format!(
        "services:\n  a: {{ kind: lambda }}\n{}",
        "#".repeat(MAX_SPEC_BYTES as usize)
    );
    let err = build(&[
        ("specs/teams/a.yaml", &big),
        ("specs/teams/b.yaml", "services: {}\n"),
    ])
    .unwrap_err();
    assert!(
        err.starts_with(&format!("specs/teams/a.yaml:1:1: error: the spec's files are larger than {MAX_SPEC_BYTES} bytes together")),
        "{err}"
    );
}
