//! The transaction: lock, recovery, journal, staging, barriers, swap, commit, cleanup, and undo.

use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::plan::{self, Found, Plan, Root, Walker};
use super::{OutputError, Recovered, WriteOptions, WriteReport, JOURNAL};

/// Test hooks: the pause of `IAMGEN_TEST_PAUSE`, and the faults of [`super::testing`].
pub(super) struct Hooks {
    pause: Option<String>,
    fault: Option<super::testing::Fault>,
    ops: Cell<usize>,
    /// The process "died" (an injected crash): nothing more may be done, not even undoing.
    crashed: Cell<bool>,
    /// An injected failure after which the process "dies" before undoing.
    dying: Cell<bool>,
}

impl Hooks {
    pub fn from_env() -> Self {
        Hooks::new(std::env::var("IAMGEN_TEST_PAUSE").ok(), None)
    }

    pub fn new(pause: Option<String>, fault: Option<super::testing::Fault>) -> Self {
        Hooks {
            pause,
            fault,
            ops: Cell::new(0),
            crashed: Cell::new(false),
            dying: Cell::new(false),
        }
    }

    /// Called before every operation that changes the directory, on the way forward.
    fn op(&self) -> io::Result<()> {
        use super::testing::Fault;
        let n = self.ops.get() + 1;
        self.ops.set(n);
        match self.fault {
            Some(Fault::FailAt(k)) if k == n => Err(io::Error::other(format!(
                "injected failure at operation {n}"
            ))),
            Some(Fault::CrashAt(k)) if k == n => {
                self.crashed.set(true);
                Err(io::Error::other(format!("injected crash at operation {n}")))
            }
            Some(Fault::FailThenCrashAt(k)) if k == n => {
                self.dying.set(true);
                Err(io::Error::other(format!(
                    "injected failure at operation {n}"
                )))
            }
            _ => Ok(()),
        }
    }

    /// The number of operations so far.
    pub fn ops(&self) -> usize {
        self.ops.get()
    }

    fn pause(&self, step: &str) {
        if self.pause.as_deref() != Some(step) {
            return;
        }
        let _ = writeln!(io::stderr(), "iamgen: test hook: paused at {step}");
        let _ = io::stdin().lock().read_line(&mut String::new());
    }
}

fn cancelled(options: &WriteOptions) -> bool {
    options.cancel.as_ref().is_some_and(|c| c.is_cancelled())
}

pub(super) fn run(
    dir: &Path,
    files: &IndexMap<String, String>,
    options: &WriteOptions,
    hooks: &Hooks,
) -> Result<WriteReport, OutputError> {
    if options.check {
        return check(dir, files, options);
    }
    // Create the directory (and its missing parents), then lock it. A failed run removes the
    // directories it created while it still holds the lock, so the directory may vanish or be
    // replaced between creating and locking it: then again.
    let mut created = Vec::new();
    let mut tries = 0;
    let lock = loop {
        created.extend(create_dir_chain(dir)?);
        match Lock::take(dir, true)? {
            Some(lock) => break lock,
            None if tries < 8 => tries += 1,
            None => return Err(changing(dir)),
        }
    };
    let result = locked_run(dir, &lock, files, options, hooks);
    if result.is_err() && !hooks.crashed.get() && !hooks.dying.get() {
        // Rolled back: the directories this run created go too (rmdir: only while empty).
        for d in created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    drop(lock);
    result
}

fn changing(dir: &Path) -> OutputError {
    OutputError::Io {
        path: dir.to_path_buf(),
        source: io::Error::other("the directory kept changing while iamgen tried to lock it"),
    }
}

/// The run proper; `_lock` is the proof that the directory is locked.
fn locked_run(
    dir: &Path,
    _lock: &Lock,
    files: &IndexMap<String, String>,
    options: &WriteOptions,
    hooks: &Hooks,
) -> Result<WriteReport, OutputError> {
    let real = fs::canonicalize(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let root = Root {
        shown: dir.to_path_buf(),
        real,
    };
    hooks.pause("locked");
    let recovered = recover(&root)?;
    let mut manifest = String::new();
    let plan = plan::plan(&root, files, options, &mut manifest)?;
    let mut report = plan.report.clone();
    report.recovered = recovered;
    if plan.is_empty() {
        return Ok(report);
    }
    if cancelled(options) {
        return Err(OutputError::Cancelled {
            dir: root.shown.clone(),
        });
    }
    transaction(&root, &plan, options, hooks)?;
    Ok(report)
}

/// `check`: the plan only, under a shared lock, refusing a directory with an interrupted run.
fn check(
    dir: &Path,
    files: &IndexMap<String, String>,
    options: &WriteOptions,
) -> Result<WriteReport, OutputError> {
    let mut lock = None;
    for _ in 0..8 {
        if fs::symlink_metadata(dir).is_err() {
            break;
        }
        lock = Lock::take(dir, false)?;
        if lock.is_some() {
            break;
        }
    }
    let exists = lock.is_some();
    if !exists && fs::symlink_metadata(dir).is_ok() {
        return Err(changing(dir));
    }
    let real = if exists {
        fs::canonicalize(dir).map_err(|source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })?
    } else {
        dir.to_path_buf()
    };
    let root = Root {
        shown: dir.to_path_buf(),
        real,
    };
    if exists && !matches!(Walker::new(&root).find(JOURNAL)?, Found::Missing) {
        return Err(OutputError::Interrupted {
            dir: root.shown.clone(),
        });
    }
    let mut manifest = String::new();
    Ok(plan::plan(&root, files, options, &mut manifest)?.report)
}

/// Creates `dir` and its missing parents; returns those it created, parents first.
fn create_dir_chain(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(d) = current {
        if d.as_os_str().is_empty() || fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        current = d.parent();
    }
    missing.reverse();
    let mut created = Vec::new();
    for d in missing {
        match fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => {
                for c in created.iter().rev() {
                    let _ = fs::remove_dir(c);
                }
                return Err(OutputError::Io { path: d, source });
            }
        }
    }
    Ok(created)
}

// ---------------------------------------------------------------------------------------------
// The lock.

/// An advisory lock on the output directory itself, held while the value lives.
struct Lock {
    /// The lock is the open file description: closing it (drop) releases the lock.
    _file: File,
}

impl Lock {
    /// Takes the lock (exclusive for a write, shared for a check), or fails at once with `Busy`.
    /// `None` when the directory vanished or was replaced meanwhile: the caller tries again.
    fn take(dir: &Path, exclusive: bool) -> Result<Option<Lock>, OutputError> {
        let io_err = |source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let file = match open_lock_file(dir) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        let try_once = || {
            if exclusive {
                file.try_lock()
            } else {
                file.try_lock_shared()
            }
        };
        let mut waits = LOCK_RETRY_WAITS.iter();
        loop {
            match try_once() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => match waits.next() {
                    Some(&ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
                    None => {
                        return Err(OutputError::Busy {
                            dir: dir.to_path_buf(),
                        })
                    }
                },
                Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
            }
        }
        Ok(same_file(&file, dir).then_some(Lock { _file: file }))
    }
}

/// How long to wait (ms) before each new try when the lock is held: about 0.1 s in all, then
/// `Busy`. A `flock` belongs to the open file description, and a process that another thread of
/// this process forks (`std::process::Command`) holds a copy of every descriptor until it calls
/// `exec`: for that moment a lock this process has just released still looks held. A real second
/// run holds the lock for its whole run and is still refused at once as far as a person can tell.
const LOCK_RETRY_WAITS: [u64; 5] = [2, 5, 10, 25, 50];

#[cfg(unix)]
fn open_lock_file(dir: &Path) -> io::Result<File> {
    File::open(dir)
}

#[cfg(unix)]
fn same_file(file: &File, dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(dir)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn open_lock_file(dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".iamgen-lock"))
}

#[cfg(not(unix))]
fn same_file(_file: &File, dir: &Path) -> bool {
    dir.is_dir()
}

// ---------------------------------------------------------------------------------------------
// The journal.

struct JWrite {
    target: String,
    staged: String,
    backup: Option<String>,
    hash: u64,
}

struct JRemove {
    target: String,
    backup: String,
}

struct Journal {
    run: String,
    dirs: Vec<String>,
    writes: Vec<JWrite>,
    removals: Vec<JRemove>,
    /// The journal was written to its end (`end`): before that, the swap cannot have started.
    complete: bool,
    committed: bool,
}

const JOURNAL_MAGIC: &str = "iamgen-journal 1";

/// FNV-1a: identifies a file this run created, so that undoing never deletes anyone else's.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn sibling(rel: &str, name: &str) -> String {
    match rel.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/{name}"),
        None => name.to_string(),
    }
}

impl Journal {
    fn new(plan: &Plan) -> Journal {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let run = format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff);
        let mut n = 0;
        let mut next = |ext: &str, target: &str| {
            n += 1;
            sibling(target, &format!(".iamgen-{run}-{n}.{ext}"))
        };
        let writes = plan
            .writes
            .iter()
            .map(|w| JWrite {
                target: w.rel.clone(),
                staged: next("tmp", &w.rel),
                backup: w.existing_mode.map(|_| next("bak", &w.rel)),
                hash: fnv(w.content),
            })
            .collect();
        let removals = plan
            .removals
            .iter()
            .map(|r| JRemove {
                target: r.clone(),
                backup: next("bak", r),
            })
            .collect();
        Journal {
            run,
            dirs: plan.new_dirs.clone(),
            writes,
            removals,
            complete: true,
            committed: false,
        }
    }

    fn text(&self) -> String {
        let mut t = format!("{JOURNAL_MAGIC} {}\n", self.run);
        for d in &self.dirs {
            t.push_str(&format!("D\t{d}\n"));
        }
        for w in &self.writes {
            let backup = w.backup.as_deref().unwrap_or("-");
            t.push_str(&format!(
                "W\t{}\t{}\t{backup}\t{:016x}\n",
                w.target, w.staged, w.hash
            ));
        }
        for r in &self.removals {
            t.push_str(&format!("R\t{}\t{}\n", r.target, r.backup));
        }
        t.push_str("end\n");
        t
    }

    /// Parses a journal, trusting none of it: every path must be plain, and every staged or
    /// backup name this run's, beside its target.
    fn parse(root: &Root, text: &str) -> Result<Journal, OutputError> {
        let bad = |line: usize, why: &str| OutputError::BadJournal {
            path: root.shown(JOURNAL),
            line,
            why: why.to_string(),
        };
        // A journal cut short by a power failure may end in part of a line (of an entry, of `end`
        // or of `commit`): drop it. iamgen ends every line it writes.
        let text = match text.ends_with('\n') {
            true => text,
            false => text.rsplit_once('\n').map_or("", |(whole, _)| whole),
        };
        let mut lines = text.lines().enumerate();
        if text.is_empty() {
            // Created, and lost to a power failure before anything was written in it.
            return Ok(Journal {
                run: String::new(),
                dirs: Vec::new(),
                writes: Vec::new(),
                removals: Vec::new(),
                complete: false,
                committed: false,
            });
        }
        let run = lines
            .next()
            .and_then(|(_, l)| l.strip_prefix(JOURNAL_MAGIC))
            .and_then(|r| r.strip_prefix(' '))
            .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| bad(1, "no header"))?
            .to_string();
        let mut j = Journal {
            run,
            dirs: Vec::new(),
            writes: Vec::new(),
            removals: Vec::new(),
            complete: false,
            committed: false,
        };
        let own = |target: &str, name: &str, ext: &str| {
            let prefix = format!(".iamgen-{}-", j.run);
            let file = name.rsplit('/').next().unwrap_or(name);
            sibling(target, file) == name
                && file
                    .strip_prefix(&prefix)
                    .and_then(|r| r.strip_suffix(ext))
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        };
        let mut writes = Vec::new();
        let mut removals = Vec::new();
        let mut dirs = Vec::new();
        let mut complete = false;
        let mut committed = false;
        for (i, line) in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            let plain = fields[1..]
                .iter()
                .all(|f| *f == "-" || plan::plain_relative(f));
            match fields[..] {
                _ if committed => return Err(bad(i + 1, "text after the commit mark")),
                ["commit"] if complete => committed = true,
                _ if complete => return Err(bad(i + 1, "text after the end mark")),
                ["end"] => complete = true,
                _ if !plain => return Err(bad(i + 1, "not a plain relative path")),
                ["D", d] => dirs.push(d.to_string()),
                ["W", target, staged, backup, hash] => {
                    let hash = u64::from_str_radix(hash, 16).map_err(|_| bad(i + 1, "bad hash"))?;
                    let backup = (backup != "-").then(|| backup.to_string());
                    if !own(target, staged, ".tmp")
                        || backup.as_deref().is_some_and(|b| !own(target, b, ".bak"))
                    {
                        return Err(bad(i + 1, "not a name iamgen stages or backs up under"));
                    }
                    writes.push(JWrite {
                        target: target.to_string(),
                        staged: staged.to_string(),
                        backup,
                        hash,
                    });
                }
                ["R", target, backup] => {
                    if !own(target, backup, ".bak") {
                        return Err(bad(i + 1, "not a name iamgen backs up under"));
                    }
                    removals.push(JRemove {
                        target: target.to_string(),
                        backup: backup.to_string(),
                    });
                }
                _ => return Err(bad(i + 1, "unknown entry")),
            }
        }
        j.dirs = dirs;
        j.writes = writes;
        j.removals = removals;
        j.complete = complete;
        j.committed = committed;
        Ok(j)
    }

    /// Every path the journal names, for the link check before recovery touches any.
    fn paths(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(String::as_str).chain(
            self.writes
                .iter()
                .flat_map(|w| [Some(&w.target), Some(&w.staged), w.backup.as_ref()])
                .flatten()
                .map(String::as_str)
                .chain(
                    self.removals
                        .iter()
                        .flat_map(|r| [r.target.as_str(), r.backup.as_str()]),
                ),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The transaction.

fn transaction(
    root: &Root,
    plan: &Plan,
    options: &WriteOptions,
    hooks: &Hooks,
) -> Result<(), OutputError> {
    let journal = Journal::new(plan);
    let journal_path = root.real(JOURNAL);
    if let Err(e) = hooks
        .op()
        .and_then(|_| write_new(&journal_path, journal.text().as_bytes(), None))
    {
        if !hooks.crashed.get() {
            let _ = fs::remove_file(&journal_path);
        }
        return Err(root.io_err(JOURNAL, e));
    }
    match forward(root, plan, &journal, options, hooks) {
        Ok(()) => {}
        Err(e) if hooks.crashed.get() || hooks.dying.get() => return Err(e),
        Err(error) => {
            return Err(match undo(root, &journal) {
                Ok(()) => {
                    let _ = barrier(root, &journal, hooks, false);
                    let _ = fs::remove_file(&journal_path);
                    error
                }
                Err((path, source)) => OutputError::RollbackFailed {
                    error: Box::new(error),
                    path: root.shown(&path),
                    source,
                },
            })
        }
    }
    hooks.pause("committed");
    if hooks.fault == Some(super::testing::Fault::CrashAfterCommit) {
        hooks.crashed.set(true);
        return Err(root.io_err(JOURNAL, io::Error::other("injected crash after the commit")));
    }
    // Cleanup: past the commit mark, a failure here only leaves debris the next run removes.
    if complete(root, &journal).is_ok() {
        let _ = fs::remove_file(&journal_path);
    }
    Ok(())
}

/// Everything up to and including the commit mark; an error means: undo.
fn forward(
    root: &Root,
    plan: &Plan,
    journal: &Journal,
    options: &WriteOptions,
    hooks: &Hooks,
) -> Result<(), OutputError> {
    let cancel = || -> Result<(), OutputError> {
        match cancelled(options) {
            true => Err(OutputError::Cancelled {
                dir: root.shown.clone(),
            }),
            false => Ok(()),
        }
    };
    for d in &journal.dirs {
        hooks
            .op()
            .and_then(|_| fs::create_dir(root.real(d)))
            .map_err(|e| root.io_err(d, e))?;
    }
    for (w, jw) in plan.writes.iter().zip(&journal.writes) {
        hooks
            .op()
            .and_then(|_| write_new(&root.real(&jw.staged), w.content, w.existing_mode))
            .map_err(|e| root.io_err(&jw.target, e))?;
        if let Some(backup) = &jw.backup {
            hooks
                .op()
                .and_then(|_| back_up(&root.real(&jw.target), &root.real(backup)))
                .map_err(|e| root.io_err(&jw.target, e))?;
        }
        cancel()?;
    }
    hooks.pause("staged");
    barrier(root, journal, hooks, true)?;
    cancel()?;
    for (n, jw) in journal.writes.iter().enumerate() {
        hooks
            .op()
            .and_then(|_| fs::rename(root.real(&jw.staged), root.real(&jw.target)))
            .map_err(|e| root.io_err(&jw.target, e))?;
        hooks.pause(&format!("swap:{}", n + 1));
        cancel()?;
    }
    for r in &journal.removals {
        hooks
            .op()
            .and_then(|_| fs::rename(root.real(&r.target), root.real(&r.backup)))
            .map_err(|e| root.io_err(&r.target, e))?;
        cancel()?;
    }
    hooks.pause("swapped");
    cancel()?;
    // The renames are durable before the mark is: a mark that survives a power failure always
    // finds them done.
    barrier(root, journal, hooks, false)?;
    let committed = hooks
        .op()
        .and_then(|_| {
            let mut f = OpenOptions::new().append(true).open(root.real(JOURNAL))?;
            f.write_all(b"commit\n")?;
            f.sync_all()
        })
        .map_err(|e| root.io_err(JOURNAL, e));
    if committed.is_err() && !hooks.crashed.get() {
        // Not durable (or half written): take the mark back before undoing, so that a crash
        // during the undo is undone by the next run rather than completed.
        let _ = OpenOptions::new()
            .write(true)
            .open(root.real(JOURNAL))
            .and_then(|f| f.set_len(journal.text().len() as u64));
    }
    committed
}

/// Creates `path` (which must not exist), writes `content` and closes it. A new file gets 0666
/// less the umask; `mode` (a replaced file's) is kept exactly.
fn write_new(path: &Path, content: &[u8], mode: Option<u32>) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode.unwrap_or(0o666));
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.write_all(content)
}

/// A second name for the file at `target` (a hard link), or a copy where links are not supported.
fn back_up(target: &Path, backup: &Path) -> io::Result<()> {
    match fs::hard_link(target, backup) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(e),
        Err(_) => fs::copy(target, backup).map(|_| ()),
    }
}

/// Makes the run's work durable. Before the swap (`staging`): staged files, backups and the
/// journal, then the directories holding them and the new directories; after it: the directories
/// of the renames and removals (the commit mark is synced after that, on its own). Each of those
/// files and directories is synced once, all together.
fn barrier(
    root: &Root,
    journal: &Journal,
    hooks: &Hooks,
    staging: bool,
) -> Result<(), OutputError> {
    hooks.op().map_err(|e| root.io_err(JOURNAL, e))?;
    let mut files: Vec<&str> = Vec::new();
    let mut dirs: Vec<String> = vec![String::new()];
    let parent = |p: &str| {
        p.rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    };
    if staging {
        files.push(JOURNAL);
        for w in &journal.writes {
            files.push(&w.staged);
            files.extend(w.backup.as_deref());
            dirs.push(parent(&w.staged));
        }
        for d in &journal.dirs {
            dirs.push(parent(d));
        }
        for r in &journal.removals {
            dirs.push(parent(&r.target));
        }
    } else {
        for w in &journal.writes {
            dirs.push(parent(&w.target));
        }
        for r in &journal.removals {
            dirs.push(parent(&r.target));
        }
    }
    dirs.sort();
    dirs.dedup();
    if sync_file_system(root, files.len() + dirs.len(), &dirs).map_err(|e| root.io_err("", e))? {
        return Ok(());
    }
    sync_together(root, &files, |p| File::open(p)?.sync_all())?;
    // A directory an undo removed needs no sync.
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    sync_together(root, &dirs, |p| ignore_missing(sync_dir(p)))
}

/// Below this many files and directories a barrier syncs each one (cheap, and it touches only
/// this run's files); from it on, the whole file system at once.
const SYNC_FS_FROM: usize = 64;

/// Makes everything written to the file system holding `root` durable with one `syncfs(2)` (Linux):
/// a barrier over thousands of files costs one flush instead of an open, a sync and a journal
/// commit per file and directory (5,000 files: 7,011 `fsync` and as many `openat` calls). Used
/// only when the barrier is large (`paths` files and directories) and each of its directories (`dirs`, which hold every file it
/// syncs) is on that same file system, as `stat` tells; otherwise `Ok(false)` and the caller
/// syncs each path. Since Linux 5.8 `syncfs` reports a write-back error of the file system
/// (earlier kernels report none, as `sync` does not).
#[cfg(target_os = "linux")]
fn sync_file_system(root: &Root, paths: usize, dirs: &[String]) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;
    if paths < SYNC_FS_FROM {
        return Ok(false);
    }
    let top = File::open(root.real(""))?;
    let device = top.metadata()?.dev();
    for d in dirs {
        match fs::metadata(root.real(d)) {
            Ok(m) if m.dev() == device => {}
            // A directory an undo removed holds nothing to sync.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            _ => return Ok(false),
        }
    }
    // SAFETY: `top` is an open descriptor for the duration of the call.
    match unsafe { libc::syncfs(top.as_raw_fd()) } {
        0 => Ok(true),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_root: &Root, _paths: usize, _dirs: &[String]) -> io::Result<bool> {
    Ok(false)
}

/// Runs `sync` on every path from a few threads at once: the file system commits concurrent
/// syncs together, where one after the other each would wait for its own commit. Each thread
/// opens one file at a time, so few descriptors are used.
fn sync_together(
    root: &Root,
    paths: &[&str],
    sync: impl Fn(&Path) -> io::Result<()> + Sync,
) -> Result<(), OutputError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    const THREADS: usize = 8;
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<OutputError>> = Mutex::new(None);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(rel) = paths.get(i) else { break };
        if let Err(e) = sync(&root.real(rel)) {
            let mut failed = failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert(root.io_err(rel, e));
            next.store(paths.len(), Ordering::Relaxed);
            break;
        }
    };
    std::thread::scope(|scope| {
        // This thread works too, so a thread that cannot be started (a process limit) costs
        // only speed.
        for _ in 1..THREADS.min(paths.len()) {
            if std::thread::Builder::new()
                .spawn_scoped(scope, work)
                .is_err()
            {
                break;
            }
        }
        work();
    });
    match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Names the path where undoing or completing failed.
fn at(rel: &str) -> impl FnOnce(io::Error) -> (String, io::Error) + '_ {
    move |e| (rel.to_string(), e)
}

fn ignore_missing(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Undoes a run that did not commit, from any point: idempotent, so recovery may run it again.
/// On failure, the path and error; the journal must then stay.
fn undo(root: &Root, journal: &Journal) -> Result<(), (String, io::Error)> {
    for r in journal.removals.iter().rev() {
        let (target, backup) = (root.real(&r.target), root.real(&r.backup));
        if exists(&backup) && !exists(&target) {
            fs::rename(&backup, &target).map_err(at(&r.target))?;
        }
    }
    for w in journal.writes.iter().rev() {
        let (target, staged) = (root.real(&w.target), root.real(&w.staged));
        let was_staged = exists(&staged);
        ignore_missing(fs::remove_file(&staged)).map_err(at(&w.staged))?;
        match &w.backup {
            Some(b) => {
                let backup = root.real(b);
                if exists(&backup) {
                    // When the swap did not happen, target and backup are one file and rename
                    // does nothing: remove the second name.
                    fs::rename(&backup, &target).map_err(at(&w.target))?;
                    ignore_missing(fs::remove_file(&backup)).map_err(at(b))?;
                }
            }
            None => {
                // A new file the swap put in place (the swap starts only after the whole journal
                // is written and synced).
                if journal.complete
                    && !was_staged
                    && fs::read(&target).is_ok_and(|c| fnv(&c) == w.hash)
                {
                    ignore_missing(fs::remove_file(&target)).map_err(at(&w.target))?;
                }
            }
        }
    }
    for d in journal.dirs.iter().rev() {
        let _ = fs::remove_dir(root.real(d));
    }
    Ok(())
}

/// Completes a run that committed, from any point: idempotent.
fn complete(root: &Root, journal: &Journal) -> Result<(), (String, io::Error)> {
    for w in &journal.writes {
        let staged = root.real(&w.staged);
        if exists(&staged) {
            fs::rename(&staged, root.real(&w.target)).map_err(at(&w.target))?;
        }
        if let Some(b) = &w.backup {
            ignore_missing(fs::remove_file(root.real(b))).map_err(at(b))?;
        }
    }
    for r in &journal.removals {
        let (target, backup) = (root.real(&r.target), root.real(&r.backup));
        if exists(&backup) {
            fs::remove_file(&backup).map_err(at(&r.backup))?;
        } else {
            ignore_missing(fs::remove_file(&target)).map_err(at(&r.target))?;
        }
        // The directories a removed service leaves empty.
        let mut dir = r.target.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if fs::remove_dir(root.real(parent)).is_err() {
                break;
            }
            dir = parent;
        }
    }
    Ok(())
}

/// Finishes an interrupted run, if the directory holds its journal.
fn recover(root: &Root) -> Result<Option<Recovered>, OutputError> {
    let mut walker = Walker::new(root);
    match walker.find(JOURNAL)? {
        Found::Missing => return Ok(None),
        Found::Dir | Found::Special => {
            return Err(OutputError::BadJournal {
                path: root.shown(JOURNAL),
                line: 0,
                why: "not a regular file".into(),
            })
        }
        Found::File(_) => {}
    }
    let text = fs::read(root.real(JOURNAL)).map_err(|e| root.io_err(JOURNAL, e))?;
    let journal = Journal::parse(root, &String::from_utf8_lossy(&text))?;
    for p in journal.paths() {
        walker.find(p)?;
    }
    let (done, how) = if journal.committed {
        (complete(root, &journal), Recovered::Completed)
    } else {
        (undo(root, &journal), Recovered::RolledBack)
    };
    done.map_err(|(path, source)| OutputError::Io {
        path: root.shown(&path),
        source,
    })?;
    barrier(root, &journal, &Hooks::new(None, None), false)?;
    fs::remove_file(root.real(JOURNAL)).map_err(|e| root.io_err(JOURNAL, e))?;
    Ok(Some(how))
}
