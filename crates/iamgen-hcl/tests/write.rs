//! `write_modules`: atomic (all files or none), only what changed, manifest-driven removal, never a
//! stranger's file, never through a link, recoverable after a crash at any operation.
//! The same with real processes, signals and permissions: `tests/cli_fs.rs` at the workspace root.

use std::fs;
use std::path::Path;

use iamgen_hcl::write::testing::{self, Fault};
use iamgen_hcl::write::{write_modules, OutputError, Recovered, WriteOptions, JOURNAL, MANIFEST};
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

/// Every entry under `dir` (directories too), with content and mode.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    testing::snapshot(dir)
}

const WRITE: WriteOptions = WriteOptions {
    check: false,
    force: false,
    origin: None,
    cancel: None,
};
const FORCE: WriteOptions = WriteOptions {
    check: false,
    force: true,
    origin: None,
    cancel: None,
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
            ..WriteOptions::default()
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
        [("README.md".to_string(), b"kept".to_vec(), 0o644)]
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
fn a_directory_where_a_file_goes_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a", "b"]), WRITE).unwrap();
    fs::remove_file(dir.path().join("modules/b/outputs.tf")).unwrap();
    fs::create_dir_all(dir.path().join("modules/b/outputs.tf/inner")).unwrap();
    let before = snapshot(dir.path());
    let err = write_modules(dir.path(), &tree("v2", &["a", "b"]), FORCE).unwrap_err();
    assert!(matches!(err, OutputError::Io { .. }), "{err}");
    assert!(err.to_string().contains("modules/b/outputs.tf"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

/// v1 (services a, b, c) is on disk; v2 rewrites the root and a, removes b, adds d (a new
/// directory), keeps c.
fn v1_v2() -> (
    tempfile::TempDir,
    IndexMap<String, String>,
    IndexMap<String, String>,
) {
    let dir = tempfile::tempdir().unwrap();
    let v1 = tree("v1", &["a", "b", "c"]);
    write_modules(dir.path(), &v1, WRITE).unwrap();
    let mut v2 = tree("v2", &["a", "d"]);
    v2.insert("modules/c/main.tf".into(), "# c v1\n".into());
    v2.insert("modules/c/outputs.tf".into(), "# c outputs v1\n".into());
    fs::write(dir.path().join("notes.md"), "mine").unwrap();
    (dir, v1, v2)
}

/// A tree large enough that each barrier syncs the whole file system at once (`syncfs` on Linux,
/// from 64 files and directories) rather than each file: the same all-or-nothing at every step.
#[test]
fn a_large_tree_is_all_or_nothing_too() {
    let names: Vec<String> = (0..40).map(|i| format!("s{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let v1 = tree("v1", &names[..30]);
    let v2 = tree("v2", &names[10..]);
    let fresh = || {
        let dir = tempfile::tempdir().unwrap();
        write_modules(dir.path(), &v1, WRITE).unwrap();
        dir
    };
    let dir = fresh();
    let before = snapshot(dir.path());
    let (ok, ops) =
        testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(usize::MAX)));
    ok.unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("modules/s39/main.tf")).unwrap(),
        "# s39 v2\n"
    );
    assert!(!dir.path().join("modules/s0").exists());
    let dir = fresh();
    for k in 1..=ops {
        let (r, _) = testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(k)));
        assert!(r.is_err(), "{k}");
        assert_eq!(
            snapshot(dir.path()),
            before,
            "failure at operation {k} of {ops}"
        );
    }
}

#[test]
fn a_failure_at_any_operation_leaves_the_directory_exactly_as_it_was() {
    let (dir, _, v2) = v1_v2();
    let before = snapshot(dir.path());
    let (ok, ops) =
        testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(usize::MAX)));
    ok.unwrap();
    assert!(ops > 20, "{ops} operations");
    let (dir, _, v2) = v1_v2();
    for k in 1..=ops {
        let (r, _) = testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(k)));
        let err = r.unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{k}: {err}");
        assert_eq!(
            snapshot(dir.path()),
            before,
            "failure at operation {k} of {ops}"
        );
    }
}

#[test]
fn a_crash_at_any_operation_is_finished_by_the_next_run() {
    let (dir, v1, v2) = v1_v2();
    let before = snapshot(dir.path());
    let (_, ops) =
        testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(usize::MAX)));
    let v2_state = snapshot(dir.path());
    for k in 1..=ops {
        for next in [&v1, &v2] {
            let (dir, _, _) = v1_v2();
            let (r, _) =
                testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::CrashAt(k)));
            assert!(r.is_err(), "{k}");
            let check = write_modules(
                dir.path(),
                &v2,
                WriteOptions {
                    check: true,
                    ..WRITE
                },
            );
            if dir.path().join(JOURNAL).exists() {
                assert!(
                    matches!(check, Err(OutputError::Interrupted { .. })),
                    "{k}: {check:?}"
                );
            }
            let report = write_modules(dir.path(), next, WRITE).unwrap();
            let expected = if std::ptr::eq(next, &v1) {
                &before
            } else {
                &v2_state
            };
            assert_eq!(
                &snapshot(dir.path()),
                expected,
                "crash at operation {k} of {ops}, then {:?}",
                report.recovered
            );
            // Operation 1 creates the journal; the last one writes and syncs the commit mark:
            // a crash at any of them is undone.
            let expected = match k {
                1 => None,
                _ => Some(Recovered::RolledBack),
            };
            assert_eq!(
                report.recovered, expected,
                "crash at operation {k} of {ops}"
            );
        }
    }
}

#[test]
fn a_crash_after_the_commit_is_completed_by_the_next_run() {
    for next_is_v1 in [true, false] {
        let (dir, v1, v2) = v1_v2();
        let before = snapshot(dir.path());
        let (r, _) =
            testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::CrashAfterCommit));
        assert!(r.is_err());
        let next = if next_is_v1 { &v1 } else { &v2 };
        let report = write_modules(dir.path(), next, WRITE).unwrap();
        assert_eq!(report.recovered, Some(Recovered::Completed));
        // Completed, then the next run's own work on top: nothing of the crashed run is left over.
        if next_is_v1 {
            assert_eq!(snapshot(dir.path()), before);
        } else {
            assert!(report.is_clean(), "v2 was already complete: {report:?}");
            assert!(!dir.path().join("modules/b").exists());
        }
    }
}

#[test]
fn a_crash_while_undoing_a_failure_is_undone_by_the_next_run() {
    // Even a failure of the very last operation, the sync after the commit mark: the mark is
    // taken back before undoing, so the next run undoes rather than completes.
    let (dir, v1, v2) = v1_v2();
    let before = snapshot(dir.path());
    let (_, ops) =
        testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailAt(usize::MAX)));
    for k in 2..=ops {
        let (dir, _, _) = v1_v2();
        let (r, _) =
            testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::FailThenCrashAt(k)));
        assert!(r.is_err(), "{k}");
        let report = write_modules(dir.path(), &v1, WRITE).unwrap();
        assert_eq!(
            report.recovered,
            Some(Recovered::RolledBack),
            "{k} of {ops}"
        );
        assert_eq!(snapshot(dir.path()), before, "failure at {k} of {ops}");
    }
}

#[test]
fn a_directory_this_run_created_is_removed_when_it_fails() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new/out");
    let (_, ops) = testing::write_modules_with(&dir, &tree("v1", &["a"]), WRITE, None);
    fs::remove_dir_all(parent.path().join("new")).unwrap();
    for k in 1..=ops {
        let (r, _) =
            testing::write_modules_with(&dir, &tree("v1", &["a"]), WRITE, Some(Fault::FailAt(k)));
        assert!(r.is_err());
        assert_eq!(
            snapshot(parent.path()),
            [],
            "failure at {k}: no empty directory left"
        );
    }
}

/// A lock released a moment later (as when a child forked by another thread still holds a copy of
/// the descriptor until its `exec`) is waited for, not reported as another run.
#[test]
fn a_lock_released_a_moment_later_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    let held = fs::File::open(dir.path()).unwrap();
    held.lock().unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(15));
        drop(held);
    });
    write_modules(dir.path(), &tree("v2", &["a"]), WRITE).unwrap();
    release.join().unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("modules/a/main.tf")).unwrap(),
        tree("v2", &["a"])["modules/a/main.tf"]
    );
}

#[test]
fn a_second_writer_or_checker_finds_the_directory_busy() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    let before = snapshot(dir.path());
    let held = fs::File::open(dir.path()).unwrap();
    held.lock().unwrap();
    let err = write_modules(dir.path(), &tree("v2", &["a"]), WRITE).unwrap_err();
    assert!(matches!(err, OutputError::Busy { .. }), "{err}");
    assert!(
        err.to_string().contains("another iamgen run is writing"),
        "{err}"
    );
    let err = write_modules(
        dir.path(),
        &tree("v1", &["a"]),
        WriteOptions {
            check: true,
            ..WRITE
        },
    )
    .unwrap_err();
    assert!(matches!(err, OutputError::Busy { .. }), "{err}");
    assert_eq!(snapshot(dir.path()), before);
    held.unlock().unwrap();
    write_modules(dir.path(), &tree("v2", &["a"]), WRITE).unwrap();
}

#[test]
fn another_origin_needs_force_and_no_origin_keeps_the_recorded_one() {
    let dir = tempfile::tempdir().unwrap();
    let mine = WRITE.with_origin("project mine, environment dev");
    write_modules(dir.path(), &tree("v1", &["a"]), mine.clone()).unwrap();
    let before = snapshot(dir.path());
    let other = WRITE.with_origin("project other, environment dev");
    let err = write_modules(dir.path(), &tree("v2", &["b"]), other.clone()).unwrap_err();
    assert!(
        matches!(&err, OutputError::OtherOrigin { recorded, .. } if recorded == "project mine, environment dev"),
        "{err}"
    );
    let err = write_modules(
        dir.path(),
        &tree("v2", &["b"]),
        other.clone().with_check(true),
    )
    .unwrap_err();
    assert!(
        matches!(err, OutputError::OtherOrigin { .. }),
        "--check says so too: {err}"
    );
    assert_eq!(snapshot(dir.path()), before);
    // Without an origin (an embedder that does not track it): no check, the record is kept.
    write_modules(dir.path(), &tree("v2", &["a"]), WRITE).unwrap();
    let manifest = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
    assert!(
        manifest.contains("# origin: project mine, environment dev\n"),
        "{manifest}"
    );
    // An origin is one line: control characters cannot break the manifest.
    let fresh = tempfile::tempdir().unwrap();
    let odd = WRITE.with_origin("project x\n../../etc/passwd");
    write_modules(fresh.path(), &tree("v1", &["a"]), odd.clone()).unwrap();
    let manifest = fs::read_to_string(fresh.path().join(MANIFEST)).unwrap();
    assert!(
        manifest.contains("\n# origin: project x ../../etc/passwd\nmain.tf\n"),
        "{manifest}"
    );
    write_modules(fresh.path(), &tree("v1", &["a"]), odd).unwrap();
    let r = write_modules(dir.path(), &tree("v3", &["b"]), other.with_force(true)).unwrap();
    assert_eq!(r.removed, ["modules/a/main.tf", "modules/a/outputs.tf"]);
    let manifest = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
    assert!(
        manifest.contains("# origin: project other, environment dev\n"),
        "{manifest}"
    );
}

#[cfg(unix)]
#[test]
fn links_below_the_directory_are_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("passwd"), "precious").unwrap();
    write_modules(&out, &tree("v1", &["a"]), WRITE).unwrap();
    // A manifest entry through a linked directory.
    symlink(&elsewhere, out.join("etc")).unwrap();
    fs::write(out.join(MANIFEST), "main.tf\netc/passwd\n").unwrap();
    let err = write_modules(&out, &tree("v1", &["a"]), FORCE).unwrap_err();
    assert!(
        matches!(&err, OutputError::Symlink { path } if path.ends_with("etc")),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(elsewhere.join("passwd")).unwrap(),
        "precious"
    );
    fs::remove_file(out.join("etc")).unwrap();
    // A linked module directory.
    fs::rename(out.join("modules"), dir.path().join("moved")).unwrap();
    symlink(&elsewhere, out.join("modules")).unwrap();
    let err = write_modules(&out, &tree("v1", &["a"]), FORCE).unwrap_err();
    assert!(
        matches!(&err, OutputError::Symlink { path } if path.ends_with("modules")),
        "{err}"
    );
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 1);
    // The directory itself may be a link.
    fs::remove_file(out.join("modules")).unwrap();
    let link = dir.path().join("link");
    symlink(&out, &link).unwrap();
    write_modules(&link, &tree("v1", &["a"]), FORCE).unwrap();
    assert!(out.join("modules/a/main.tf").is_file());
}

#[cfg(unix)]
#[test]
fn a_planted_journal_cannot_reach_outside_the_directory() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    write_modules(&out, &tree("v1", &["a"]), WRITE).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    symlink(dir.path(), out.join("up")).unwrap();
    for (journal, why) in [
        ("garbage\n", "no header"),
        (
            "iamgen-journal 1 ab\nW\t../victim.txt\t.iamgen-ab-1.tmp\t-\t0\n",
            "not a plain relative path",
        ),
        (
            "iamgen-journal 1 ab\nW\tmain.tf\tvictim.txt\t-\t0\n",
            "not a name iamgen stages",
        ),
        (
            "iamgen-journal 1 ab\nR\tmain.tf\t../victim.txt\n",
            "not a plain relative path",
        ),
    ] {
        fs::write(out.join(JOURNAL), journal).unwrap();
        let err = write_modules(&out, &tree("v1", &["a"]), WRITE).unwrap_err();
        assert!(matches!(err, OutputError::BadJournal { .. }), "{err}");
        assert!(err.to_string().contains(why), "{err}");
    }
    // Plain names, through a link: refused too.
    fs::write(
        out.join(JOURNAL),
        "iamgen-journal 1 ab\nW\tup/victim.txt\tup/.iamgen-ab-1.tmp\t-\t0\n",
    )
    .unwrap();
    let err = write_modules(&out, &tree("v1", &["a"]), WRITE).unwrap_err();
    assert!(matches!(err, OutputError::Symlink { .. }), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn check_says_which_files_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    fs::remove_file(dir.path().join("modules/a/main.tf")).unwrap();
    fs::write(dir.path().join("main.tf"), "edited").unwrap();
    let r = write_modules(
        dir.path(),
        &tree("v1", &["a"]),
        WriteOptions {
            check: true,
            ..WRITE
        },
    )
    .unwrap();
    assert_eq!(r.written, ["main.tf", "modules/a/main.tf"]);
    assert_eq!(r.created, ["modules/a/main.tf"]);
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

#[cfg(unix)]
#[test]
fn a_special_file_is_never_read_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    write_modules(dir.path(), &tree("v1", &["a"]), WRITE).unwrap();
    fs::remove_file(dir.path().join("modules/a/main.tf")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("modules/a/main.tf"))
        .status()
        .unwrap();
    assert!(made.success());
    let before = snapshot(dir.path());
    // Reading a FIFO would block for ever: it is refused instead, even with --force.
    let err = write_modules(dir.path(), &tree("v2", &["a"]), FORCE).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_journal_cut_short_by_a_power_failure_is_undone() {
    let (dir, v1, v2) = v1_v2();
    let before = snapshot(dir.path());
    // Crash after the journal, a directory and a few staged files and backups.
    let (r, _) = testing::write_modules_with(dir.path(), &v2, WRITE, Some(Fault::CrashAt(6)));
    assert!(r.is_err());
    let journal = fs::read_to_string(dir.path().join(JOURNAL)).unwrap();
    assert!(journal.ends_with("end\n"), "{journal}");
    // The power failed while the journal was written: it ends in the middle of an entry.
    let cut = &journal[..journal.len() - 20];
    fs::write(dir.path().join(JOURNAL), cut).unwrap();
    let report = write_modules(dir.path(), &v1, WRITE).unwrap();
    assert_eq!(report.recovered, Some(Recovered::RolledBack));
    assert!(report.is_clean());
    assert_eq!(snapshot(dir.path()), before);
    // An empty journal: created, then nothing reached the disk.
    fs::write(dir.path().join(JOURNAL), "").unwrap();
    let report = write_modules(dir.path(), &v1, WRITE).unwrap();
    assert_eq!(report.recovered, Some(Recovered::RolledBack));
    assert_eq!(snapshot(dir.path()), before);
}
