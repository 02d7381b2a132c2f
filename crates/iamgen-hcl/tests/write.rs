//! `write_modules`: atomic (all files or none), only what changed, manifest-driven removal, never a
//! stranger's file.

use std::fs;
use std::path::Path;

use iamgen_hcl::write::{write_modules, OutputError, WriteOptions, MANIFEST};
use indexmap::IndexMap;

fn tree(version: &str, services: &[&str]) -> IndexMap<String, String> {
    let mut files = IndexMap::new();
    files.insert("main.tf".to_string(), format!("# root {version}\n"));
    for s in services {
        files.insert(format!("modules/{s}/main.tf"), format!("# {s} {version}\n"));
        files.insert(
            format!("modules/{s}/outputs.tf"),
            format!("# {s} outputs {version}\n"),
        );
    }
    files
}

/// Every file under `dir`, with its content, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    fs::read_to_string(&p).unwrap_or_default(),
                ));
            }
        }
    }
    out.sort();
    out
}

const WRITE: WriteOptions = WriteOptions {
    check: false,
    force: false,
};
const FORCE: WriteOptions = WriteOptions {
    check: false,
    force: true,
};

#[test]
fn writes_everything_then_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let r = write_modules(dir.path(), &tree("v1", &["a", "b"]), WRITE).unwrap();
    assert_eq!(r.written.len(), 5);
    assert!(dir.path().join(MANIFEST).is_file());
    let mut v2 = tree("v1", &["a", "b"]);
    v2.insert("modules/b/main.tf".into(), "# b v2\n".into());
    let r = write_modules(dir.path(), &v2, WRITE).unwrap();
    assert_eq!(r.written, ["modules/b/main.tf"]);
    assert_eq!(r.unchanged.len(), 4);
}

#[test]
fn check_mode_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = write_modules(
        dir.path(),
        &tree("v1", &["a"]),
        WriteOptions {
            check: true,
            force: false,
        },
    )
    .unwrap();
    assert_eq!(r.written.len(), 3);
    assert!(
        fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_removed_service_is_removed_and_foreign_files_stay() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a", "b"]), WRITE).unwrap();
    fs::write(dir.path().join("notes.md"), "mine").unwrap();
    fs::write(dir.path().join("modules/a/extra.tf"), "mine too").unwrap();
    let r = write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    assert_eq!(r.removed, ["modules/b/main.tf", "modules/b/outputs.tf"]);
    assert!(
        !dir.path().join("modules/b").exists(),
        "the emptied module folder goes too"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("modules/a/extra.tf")).unwrap(),
        "mine too"
    );
}

#[test]
fn a_removed_service_folder_with_a_foreign_file_keeps_that_file() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a", "b"]), WRITE).unwrap();
    fs::write(dir.path().join("modules/b/README.md"), "kept").unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    assert_eq!(
        snapshot(&dir.path().join("modules/b")),
        [("README.md".to_string(), "kept".to_string())]
    );
}

#[test]
fn overwriting_a_file_iamgen_did_not_generate_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("modules/a")).unwrap();
    fs::write(dir.path().join("modules/a/main.tf"), "hand-written").unwrap();
    let before = snapshot(dir.path());
    let err = write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap_err();
    assert!(
        matches!(&err, OutputError::Foreign { paths } if paths == &["modules/a/main.tf"]),
        "{err}"
    );
    assert!(err.to_string().contains("--force"));
    assert_eq!(snapshot(dir.path()), before, "nothing written");
    write_modules(dir.path(), &tree("v1", &["a"]), FORCE).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("modules/a/main.tf")).unwrap(),
        "# a v1\n"
    );
}

#[test]
fn a_failure_while_staging_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    // A plain file where the new service's folder must go: creating it fails mid-way.
    fs::create_dir_all(dir.path().join("modules")).unwrap();
    fs::write(dir.path().join("modules/z"), "in the way").unwrap();
    let before = snapshot(dir.path());
    let err = write_modules(dir.path(), &tree("v2", &["a", "z"]), FORCE).unwrap_err();
    assert!(matches!(err, OutputError::Io { .. }), "{err}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "all or nothing: v1 intact, no temporary files left"
    );
}

#[test]
fn a_failure_while_swapping_in_restores_every_file() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a", "b"]), WRITE).unwrap();
    // The last file to be written is now a non-empty directory: its rename fails after the
    // earlier files were already swapped in, and they must be rolled back.
    fs::remove_file(dir.path().join("modules/b/outputs.tf")).unwrap();
    fs::create_dir_all(dir.path().join("modules/b/outputs.tf/inner")).unwrap();
    let before = snapshot(dir.path());
    let err = write_modules(dir.path(), &tree("v2", &["a", "b"]), FORCE).unwrap_err();
    assert!(matches!(err, OutputError::Io { .. }), "{err}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "v1 restored, no temporary or backup files left"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        "# root v1\n"
    );
}

#[test]
fn a_manifest_pointing_outside_the_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("precious.txt");
    fs::write(&outside, "do not delete").unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(MANIFEST), "../precious.txt\n").unwrap();
    let err = write_modules(&out, &tree("v1", &["a"]), WRITE).unwrap_err();
    assert!(
        matches!(err, OutputError::BadManifest { line: 1, .. }),
        "{err}"
    );
    assert!(outside.exists());
}
