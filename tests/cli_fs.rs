//! The real binary against a hostile file system: symlinks, permissions, a full or closed stderr,
//! signals and kill -9 at chosen steps, two processes at once, a low descriptor limit, the umask.
//! Issue 9 (items 1–6, 13, 14, 23) and issue 10 (the writer).
//!
//! Permission tests run the binary as `nobody` (through `setpriv`) when the tests run as root, since
//! root ignores permission bits. Signal tests pause the writer at a named step with the test hook
//! `IAMGEN_TEST_PAUSE` (see `iamgen_hcl::write`): the child prints `paused at STEP` on stderr and
//! waits for a line on stdin, so the test can signal or kill it at exactly that step.
#![cfg(unix)]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("iamgen")
}

fn iamgen() -> Command {
    Command::new(bin())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {o:?}"))
}

/// A spec of project `project` with lambda services `services`.
fn spec_text(project: &str, services: &[&str]) -> String {
    let mut s = format!("project: {project}\nenvironment: dev\nservices:\n");
    for name in services {
        s.push_str(&format!("  {name}: {{ kind: lambda }}\n"));
    }
    s
}

fn write_spec(dir: &Path, file: &str, project: &str, services: &[&str]) -> PathBuf {
    let path = dir.join(file);
    fs::write(&path, spec_text(project, services)).unwrap();
    path
}

fn gen(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    iamgen()
        .arg("gen")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn gen_ok(spec: &Path, out: &Path) {
    let o = gen(spec, out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// Every entry under `dir` (directories too, so an empty one shows), with its content or link
/// target and its mode: the whole observable state.
fn snapshot(dir: &Path) -> Vec<(String, String, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                out.push((
                    rel,
                    format!("-> {}", fs::read_link(&p).unwrap().display()),
                    0,
                ));
            } else if meta.is_dir() {
                out.push((rel + "/", String::new(), mode));
                stack.push(p);
            } else {
                out.push((rel, fs::read_to_string(&p).unwrap_or_default(), mode));
            }
        }
    }
    out.sort();
    out
}

/// Files under `dir` that its manifest does not list (and are not the manifest).
fn unlisted(dir: &Path) -> Vec<String> {
    let manifest = fs::read_to_string(dir.join(".iamgen-manifest")).unwrap_or_default();
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    snapshot(dir)
        .into_iter()
        .map(|(p, _, _)| p)
        .filter(|p| !p.ends_with('/') && p != ".iamgen-manifest" && !listed.contains(&p.as_str()))
        .collect()
}

/// Files iamgen left behind: temporaries, backups, journals.
fn debris(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _, _)| p)
        .filter(|p| {
            let name = p.trim_end_matches('/').rsplit('/').next().unwrap();
            name.starts_with(".iamgen") && name != ".iamgen-manifest"
        })
        .collect()
}

fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// The binary, as an unprivileged user when the tests run as root (root ignores permission bits).
/// It runs from a copy in `dir` (which that user owns): the build directory may be out of its reach.
fn unprivileged(dir: &Path) -> Command {
    if is_root() {
        let copy = dir.join("iamgen-bin");
        if !copy.exists() {
            fs::copy(bin(), &copy).unwrap();
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(copy);
        c
    } else {
        iamgen()
    }
}

/// A temporary directory the unprivileged user owns.
fn shared_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
    }
    dir
}

// ---------------------------------------------------------------------------------------------
// Item 1: an unreadable ./iamgen.yaml, and a directory generated from another spec.

#[test]
fn a_broken_iamgen_yaml_symlink_is_an_error_not_the_example() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("iamgen.yaml")).unwrap();
    let out = dir.path().join("tf");
    let o = iamgen()
        .current_dir(dir.path())
        .args(["gen", "--out", "tf"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("iamgen.yaml: error: cannot read the spec"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("built-in example"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_unreadable_iamgen_yaml_is_an_error_not_the_example() {
    let dir = shared_tempdir();
    let spec = write_spec(dir.path(), "iamgen.yaml", "mine", &["a"]);
    // Generated from the user's spec, as the user.
    let o = unprivileged(dir.path())
        .current_dir(dir.path())
        .args(["gen", "--out", "tf"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before = snapshot(dir.path());
    fs::set_permissions(&spec, fs::Permissions::from_mode(0o000)).unwrap();
    let o = unprivileged(dir.path())
        .current_dir(dir.path())
        .args(["gen", "--out", "tf"])
        .output()
        .unwrap();
    fs::set_permissions(&spec, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("iamgen.yaml: error: cannot read the spec")
            && stderr(&o).contains("ermission denied"),
        "{}",
        stderr(&o)
    );
    let mut after = snapshot(dir.path());
    // The spec's own mode was changed by the test; compare the rest.
    for e in &mut after {
        if e.0 == "iamgen.yaml" {
            e.2 = before.iter().find(|b| b.0 == "iamgen.yaml").unwrap().2;
        }
    }
    assert_eq!(after, before, "the user's modules are untouched");
}

#[test]
fn writing_another_specs_directory_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let mine = write_spec(dir.path(), "mine.yaml", "mine", &["a"]);
    let out = dir.path().join("tf");
    gen_ok(&mine, &out);
    let before = snapshot(&out);
    // No SPEC and no ./iamgen.yaml in this directory: the built-in example.
    let elsewhere = tempfile::tempdir().unwrap();
    let o = iamgen()
        .current_dir(elsewhere.path())
        .args(["gen", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("was generated from project mine, environment dev")
            && err.contains("the built-in example")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before, "nothing written");
    // Another spec file of another project: the same.
    let other = write_spec(dir.path(), "other.yaml", "other", &["a"]);
    let o = gen(&other, &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(snapshot(&out), before, "nothing written");
    // The same spec from another path, or a renamed copy, is the same origin.
    let copy = dir.path().join("renamed.yaml");
    fs::copy(&mine, &copy).unwrap();
    gen_ok(&copy, &out);
    assert_eq!(snapshot(&out), before);
    // --force replaces it, and records the new origin.
    let o = gen(&other, &out, &["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let manifest = fs::read_to_string(out.join(".iamgen-manifest")).unwrap();
    assert!(
        manifest.contains("project other, environment dev"),
        "{manifest}"
    );
    gen_ok(&other, &out);
}

// ---------------------------------------------------------------------------------------------
// Item 2: never follow a symlink out of the output directory.

#[test]
fn a_manifest_entry_through_a_symlink_never_deletes_outside() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "s.yaml", "p", &["a"]);
    let out = dir.path().join("tf");
    gen_ok(&spec, &out);
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("passwd"), "precious").unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("etc")).unwrap();
    let mut manifest = fs::OpenOptions::new()
        .append(true)
        .open(out.join(".iamgen-manifest"))
        .unwrap();
    writeln!(manifest, "etc/passwd").unwrap();
    let before = snapshot(&out);
    let o = gen(&spec, &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("etc") && stderr(&o).contains("symbolic link"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(elsewhere.join("passwd")).unwrap(),
        "precious"
    );
    assert_eq!(snapshot(&out), before);
    // --force does not change that.
    let o = gen(&spec, &out, &["--force"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(elsewhere.join("passwd").exists());
}

#[test]
fn a_symlinked_modules_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "s.yaml", "p", &["a"]);
    let out = dir.path().join("tf");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("modules")).unwrap();
    let o = gen(&spec, &out, &["--force"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("modules") && stderr(&o).contains("symbolic link"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through the link"
    );
    assert_eq!(
        snapshot(&out),
        [(
            "modules".to_string(),
            format!("-> {}", elsewhere.display()),
            0
        )]
    );
}

#[test]
fn a_symlinked_generated_file_or_manifest_is_refused() {
    for name in ["main.tf", "modules/a/main.tf", ".iamgen-manifest"] {
        let dir = tempfile::tempdir().unwrap();
        let spec = write_spec(dir.path(), "s.yaml", "p", &["a"]);
        let out = dir.path().join("tf");
        gen_ok(&spec, &out);
        let target = dir.path().join("target.txt");
        fs::write(&target, "mine").unwrap();
        fs::remove_file(out.join(name)).unwrap();
        std::os::unix::fs::symlink(&target, out.join(name)).unwrap();
        let before = snapshot(&out);
        let o = gen(&spec, &out, &["--force"]);
        assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(name) && stderr(&o).contains("symbolic link"),
            "{name}: {}",
            stderr(&o)
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "mine");
        assert_eq!(snapshot(&out), before, "{name}");
    }
}

#[test]
fn the_output_directory_itself_may_be_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "s.yaml", "p", &["a"]);
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    gen_ok(&spec, &link);
    assert!(real.join("modules/a/main.tf").is_file());
    let o = gen(&spec, &link, &["--check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Item 3: a failed removal leaves everything as it was, manifest included.

#[test]
fn a_failed_removal_leaves_the_directory_exactly_as_it_was() {
    let dir = shared_tempdir();
    let ab = write_spec(dir.path(), "ab.yaml", "p", &["a", "b"]);
    let a = write_spec(dir.path(), "a.yaml", "p", &["a"]);
    let out = dir.path().join("tf");
    let o = unprivileged(dir.path())
        .args(["gen"])
        .arg(&ab)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // b's module directory is read-only: its files cannot be removed.
    let b = out.join("modules/b");
    fs::set_permissions(&b, fs::Permissions::from_mode(0o555)).unwrap();
    let before = snapshot(&out);
    let o = unprivileged(dir.path())
        .args(["gen"])
        .arg(&a)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let after = snapshot(&out);
    let check = unprivileged(dir.path())
        .args(["gen"])
        .arg(&a)
        .args(["--check", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    fs::set_permissions(&b, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("modules/b"), "{}", stderr(&o));
    assert_eq!(
        after, before,
        "root files, manifest and b's files as they were"
    );
    assert_eq!(
        code(&check),
        1,
        "--check still sees the stale files: {}",
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("no longer generated: modules/b/main.tf"),
        "{}",
        stderr(&check)
    );
}

// ---------------------------------------------------------------------------------------------
// Item 4: interrupted runs. The test hook pauses the writer at a named step.

/// A `gen SPEC --out OUT` child paused at `step`, with the stderr lines read so far.
struct Paused {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

fn spawn_paused(spec: &Path, out: &Path, step: &str) -> Paused {
    let mut child = iamgen()
        .arg("gen")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .env("IAMGEN_TEST_PAUSE", step)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut p = Paused {
        child,
        lines,
        seen: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match p.lines.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains(&format!("test hook: paused at {step}"));
                p.seen.push(line);
                if done {
                    return p;
                }
            }
            Err(_) => {
                let _ = p.child.kill();
                panic!("the child never paused at {step}; stderr: {:?}", p.seen)
            }
        }
    }
}

impl Paused {
    fn signal(&self, sig: i32) {
        assert_eq!(unsafe { libc::kill(self.child.id() as i32, sig) }, 0);
    }
    /// Lets the child go on from its pause.
    fn resume(&mut self) {
        let _ = self.child.stdin.take().unwrap().write_all(b"\n");
    }
    /// Waits for the child; its exit status and every stderr line.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.seen.push(line);
        }
        (status, self.seen.join("\n"))
    }
}

/// A directory written from v1 (services a, b, c), and the spec v2 that changes root files,
/// rewrites a, removes b, adds d.
fn v1_and_v2(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let v1 = write_spec(dir, "v1.yaml", "p", &["a", "b", "c"]);
    let v2 = write_spec(dir, "v2.yaml", "p", &["a", "c", "d"]);
    let out = dir.join("tf");
    gen_ok(&v1, &out);
    // A hand-written file, which no run may touch.
    fs::write(out.join("notes.md"), "mine").unwrap();
    (v1, v2, out)
}

#[test]
fn sigint_or_sigterm_at_any_step_rolls_back_before_exiting() {
    use std::os::unix::process::ExitStatusExt;
    for (sig, step) in [
        (libc::SIGINT, "locked"),
        (libc::SIGINT, "staged"),
        (libc::SIGINT, "swap:1"),
        (libc::SIGTERM, "swap:5"),
        (libc::SIGTERM, "swapped"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (_, v2, out) = v1_and_v2(dir.path());
        let before = snapshot(&out);
        let mut p = spawn_paused(&v2, &out, step);
        p.signal(sig);
        p.resume();
        let (status, err) = p.finish();
        assert_eq!(
            status.signal(),
            Some(sig),
            "{step}: dies by the signal: {err}"
        );
        assert!(err.contains("interrupted"), "{step}: {err}");
        assert_eq!(snapshot(&out), before, "{step}: rolled back, no debris");
    }
}

#[test]
fn kill_9_at_any_step_is_recovered_by_the_next_run() {
    for step in ["staged", "swap:1", "swap:7", "swapped", "committed"] {
        for next_is_v1 in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (v1, v2, out) = v1_and_v2(dir.path());
            let v1_state = snapshot(&out);
            let mut p = spawn_paused(&v2, &out, step);
            p.child.kill().unwrap();
            p.finish();
            // Whatever the step, no file both trees generate is missing (each is replaced by one
            // rename; the old version is a second name of the same file until the commit).
            for (name, _, _) in &v1_state {
                let kept = !name.ends_with('/') && !name.starts_with("modules/b/");
                assert!(
                    !kept || out.join(name).exists(),
                    "{step}: {name} is missing"
                );
            }
            // --check writes nothing, and says a run was interrupted.
            let o = gen(&v1, &out, &["--check"]);
            assert_eq!(code(&o), 1, "{step}");
            assert!(stderr(&o).contains("interrupted"), "{step}: {}", stderr(&o));
            let next = if next_is_v1 { &v1 } else { &v2 };
            let o = gen(next, &out, &[]);
            assert_eq!(code(&o), 0, "{step}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("interrupted"),
                "{step}: the recovery is reported: {}",
                stderr(&o)
            );
            assert_eq!(debris(&out), Vec::<String>::new(), "{step}");
            if next_is_v1 {
                assert_eq!(snapshot(&out), v1_state, "{step}: back to v1 exactly");
            } else {
                let check = gen(&v2, &out, &["--check"]);
                assert_eq!(code(&check), 0, "{step}: {}", stderr(&check));
                assert!(!out.join("modules/b").exists(), "{step}");
                assert_eq!(fs::read_to_string(out.join("notes.md")).unwrap(), "mine");
            }
        }
    }
}

/// Without the hook: kill -9 at arbitrary moments of a large write; the next run always leaves a
/// clean, complete tree.
#[test]
fn kill_9_at_random_moments_leaves_nothing_behind_after_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..150).map(|i| format!("s{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let v1 = write_spec(dir.path(), "v1.yaml", "p", &names[..100]);
    let v2 = write_spec(dir.path(), "v2.yaml", "p", &names[50..]);
    let out = dir.path().join("tf");
    for (i, delay_ms) in [80u64, 150, 250, 400, 700, 1200].into_iter().enumerate() {
        let spec = if i % 2 == 0 { &v2 } else { &v1 };
        let mut child = iamgen()
            .arg("gen")
            .arg(spec)
            .arg("--out")
            .arg(&out)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
    }
    let o = gen(&v1, &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(debris(&out), Vec::<String>::new());
    let o = gen(&v1, &out, &["--check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(unlisted(&out), Vec::<String>::new());
    for n in &names[..100] {
        assert!(out.join(format!("modules/{n}/main.tf")).is_file(), "{n}");
    }
    for n in &names[100..] {
        assert!(!out.join(format!("modules/{n}")).exists(), "{n}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 5: two runs into one directory at once.

#[test]
fn a_second_run_into_a_busy_directory_fails_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (v1, v2, out) = v1_and_v2(dir.path());
    let mut first = spawn_paused(&v2, &out, "locked");
    let o = gen(&v1, &out, &["--force"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another iamgen run is writing"),
        "{}",
        stderr(&o)
    );
    let o = gen(&v1, &out, &["--check"]);
    assert_eq!(
        code(&o),
        1,
        "--check waits for no half-written tree: {}",
        stderr(&o)
    );
    first.resume();
    let (status, err) = first.finish();
    assert!(status.success(), "{err}");
    let o = gen(&v2, &out, &["--check"]);
    assert_eq!(code(&o), 0, "the first run's tree, whole: {}", stderr(&o));
}

/// Without the hook: two different specs written at once, many times; the result is always one
/// spec's tree, whole.
#[test]
fn concurrent_runs_never_leave_a_mixed_tree() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..60).map(|i| format!("s{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let a = write_spec(dir.path(), "a.yaml", "p", &names[..40]);
    let b = write_spec(dir.path(), "b.yaml", "p", &names[20..]);
    let c = write_spec(dir.path(), "c.yaml", "p", &names[10..50]);
    for trial in 0..12 {
        // From a third spec's tree (or none), so that both runs have work to do.
        let out = dir.path().join(format!("tf{trial}"));
        if trial % 2 == 0 {
            gen_ok(&c, &out);
        }
        let spawn = |spec: &Path| {
            iamgen()
                .arg("gen")
                .arg(spec)
                .arg("--out")
                .arg(&out)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (x, y) = (spawn(&a), spawn(&b));
        let (x, y) = (x.wait_with_output().unwrap(), y.wait_with_output().unwrap());
        for o in [&x, &y] {
            assert!(
                o.status.success() || stderr(o).contains("another iamgen run is writing"),
                "{}",
                stderr(o)
            );
        }
        let whole_a = code(&gen(&a, &out, &["--check"])) == 0;
        let whole_b = code(&gen(&b, &out, &["--check"])) == 0;
        assert!(
            whole_a || whole_b,
            "trial {trial}: a tree mixed from two specs"
        );
        assert_eq!(
            unlisted(&out),
            Vec::<String>::new(),
            "trial {trial}: files of the other spec"
        );
        assert_eq!(debris(&out), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------------
// Item 6: modes.

#[test]
fn new_files_follow_the_umask_and_rewritten_files_keep_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = write_spec(dir.path(), "v1.yaml", "p", &["a"]);
    let v2 = write_spec(dir.path(), "v2.yaml", "p", &["a", "b"]);
    let out = dir.path().join("tf");
    let run = |spec: &Path, umask: &str| {
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "umask {umask}; exec \"$0\" gen \"$1\" --out \"$2\""
            ))
            .arg(bin())
            .arg(spec)
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    };
    run(&v1, "022");
    let mode = |p: &str| fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("main.tf"), 0o644);
    assert_eq!(mode("modules/a/main.tf"), 0o644);
    assert_eq!(mode(".iamgen-manifest"), 0o644);
    assert_eq!(mode("modules/a"), 0o755);
    fs::set_permissions(out.join("main.tf"), fs::Permissions::from_mode(0o664)).unwrap();
    run(&v2, "077");
    assert_eq!(mode("main.tf"), 0o664, "a rewritten file keeps its mode");
    assert_eq!(
        mode(".iamgen-manifest"),
        0o644,
        "a rewritten file keeps its mode"
    );
    assert_eq!(
        mode("modules/b/main.tf"),
        0o600,
        "a new file follows the umask"
    );
    assert_eq!(mode("modules/b"), 0o700);
}

// ---------------------------------------------------------------------------------------------
// Issue 10: a few hundred services under a low descriptor limit; a failed run leaves no empty
// directory.

#[test]
fn a_few_hundred_services_are_written_under_a_descriptor_limit_of_64() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..300).map(|i| format!("s{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let spec = write_spec(dir.path(), "big.yaml", "p", &names);
    let out = dir.path().join("tf");
    let o = Command::new("bash")
        .arg("-c")
        .arg("ulimit -n 64; exec \"$0\" gen \"$1\" --out \"$2\"")
        .arg(bin())
        .arg(&spec)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.join("modules/s299/main.tf").is_file());
    assert_eq!(debris(&out), Vec::<String>::new());
}

#[test]
fn an_interrupted_first_run_leaves_no_directory_behind() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "s.yaml", "p", &["a", "b"]);
    let out = dir.path().join("new/tf");
    let p = spawn_paused(&spec, &out, "staged");
    assert!(
        out.join("modules/a").is_dir(),
        "the run created its directories"
    );
    p.signal(libc::SIGINT);
    let mut p = p;
    p.resume();
    let (status, err) = p.finish();
    assert!(!status.success(), "{err}");
    assert!(
        !dir.path().join("new").exists(),
        "{:?}",
        snapshot(dir.path())
    );
}

// ---------------------------------------------------------------------------------------------
// Item 13: bounded reads; stdin.

#[test]
fn an_endless_spec_is_refused_after_reading_the_limit() {
    // A memory cap, so that an unbounded read fails instead of eating the machine.
    for (what, cmd) in [
        (
            "/dev/zero",
            "ulimit -v 1000000; exec \"$0\" check /dev/zero",
        ),
        (
            "stdin",
            "ulimit -v 1000000; exec \"$0\" check - < /dev/zero",
        ),
    ] {
        let o = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .arg(bin())
            .output()
            .unwrap();
        assert_eq!(code(&o), 1, "{what}: {}", stderr(&o));
        let limit = iamgen_core::MAX_SPEC_BYTES;
        assert!(
            stderr(&o).contains(&format!("error: the spec is larger than {limit} bytes; iamgen reads specs of at most {limit} bytes")),
            "{what}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn gen_and_check_read_the_spec_from_stdin() {
    let text = spec_text("piped", &["a"]);
    let run = |args: &[&str], input: &str| {
        let mut c = iamgen()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let o = run(&["gen", "-"], &text);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"piped-a-dev\""));
    let o = run(&["check", "-"], &text);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(
        &["check", "-"],
        "project: p\nenvironment: e\nservices:\n  f: { kind: nope }\n",
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).starts_with("<stdin>:4:"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Item 14: a full or closed stderr.

#[test]
fn a_full_stderr_never_panics() {
    let o = Command::new("bash")
        .arg("-c")
        .arg("\"$0\" check examples/engagement-platform.yaml 2>/dev/full; echo \"exit $?\"")
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "exit 0\n");
    let o = Command::new("bash")
        .arg("-c")
        .arg("\"$0\" check nope.yaml 2>/dev/full; echo \"exit $?\"")
        .arg(bin())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "exit 1\n");
}

#[test]
fn a_closed_stderr_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tf");
    for (args, expected) in [
        (vec!["check", "examples/engagement-platform.yaml"], 0),
        (
            vec![
                "gen",
                "examples/engagement-platform.yaml",
                "--out",
                "X",
                "--check",
            ],
            1,
        ),
        (
            vec!["gen", "examples/engagement-platform.yaml", "--out", "X"],
            0,
        ),
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "X" {
                    out.display().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let mut child = iamgen()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the child writes anything.
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(expected), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 23 (part): --check's wording.

#[test]
fn check_names_the_real_command_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "my spec.yaml", "p", &["a"]);
    let out = dir.path().join("tf");
    gen_ok(&spec, &out);
    fs::remove_file(out.join("modules/a/outputs.tf")).unwrap();
    fs::write(out.join("main.tf"), "# edited\n").unwrap();
    let o = gen(&spec, &out, &["--check", "--strict"]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "run `iamgen gen '{}' --out {} --strict`",
            spec.display(),
            out.display()
        )),
        "{err}"
    );
    assert!(err.contains("  missing: modules/a/outputs.tf"), "{err}");
    assert!(err.contains("  differs: main.tf"), "{err}");
    assert!(!err.contains("SPEC"), "{err}");
}
