//! Writing a module tree to a directory: all files or none, only what changed, never a stranger's
//! file, never through a symbolic link, and never lost to a crash, a signal or a second run.
//!
//! [`write_modules`] writes `files` (relative path → content) under `dir`:
//!
//! - **Only what changed.** A file whose content is already right is not touched (its modification
//!   time stays).
//! - **Never a stranger's file.** A manifest (`.iamgen-manifest`) lists the files iamgen generated,
//!   and the origin of the tree (`# origin: project shop, environment prod`). A listed file no
//!   longer generated (a service removed from the spec) is removed; any other file is left alone;
//!   overwriting an unlisted file, or writing a tree of another origin (another project or
//!   environment, or the built-in example over a user's spec), is refused unless forced.
//! - **Never through a link.** `dir` itself may be a symbolic link (it is resolved once), but no
//!   path below it that iamgen writes, reads for comparison or removes may be one, at any component:
//!   such a run is refused before anything changes, naming the link. A manifest entry or journal
//!   entry that is not a plain relative path inside `dir` is refused too, and so is a FIFO, socket
//!   or device where a file is read or written. The paths are checked when the run plans (under the
//!   lock, so no other iamgen run changes them); a program that swaps a directory for a link while
//!   the run is writing is not defended against.
//! - **One run at a time.** The run holds an advisory lock (`flock`) on `dir` itself (no lock file);
//!   a second run, or a `check` during a write, fails with [`OutputError::Busy`] and writes
//!   nothing, after trying for about 0.1 s (a lock this process has just released can look held
//!   while a process forked by another of its threads has not yet called `exec`).
//! - **All or nothing, even across crashes.** A run is a transaction:
//!   1. under the lock, an interrupted earlier run is finished first (see *Recovery*);
//!   2. the plan is made and checked (foreign files, origin, links) — nothing written yet;
//!   3. a journal `.iamgen-journal` lists every step: directories to create, each file's staged
//!      name (`.iamgen-<run>-<n>.tmp` beside it), each backup name (`.iamgen-<run>-<n>.bak`) and each
//!      removal;
//!   4. staging: missing directories are created, each new content is written to its staged file
//!      and the file closed at once (only paths are kept, so a few descriptors suffice for any
//!      number of files); an existing target is hard-linked to its backup (copied where links are
//!      not supported), so the target itself never disappears;
//!   5. **barrier**: staged files, backups, directories and journal are made durable together;
//!   6. swap: each staged file is renamed over its target, each removed file renamed to its backup;
//!   7. commit: a second **barrier** makes the renames durable, then `commit` is appended to the
//!      journal and synced (so a mark that survives a power failure always finds the renames done);
//!   8. cleanup: backups deleted, directories emptied by removals removed, journal deleted.
//!
//!   An error or a cancellation (SIGINT/SIGTERM in the CLI, see [`Cancel`]) before the commit mark
//!   is durable rolls everything back — files, manifest, removals, and the directories the run
//!   created (`dir` included, if it created it) — and the directory is exactly as it was. (A mark
//!   written but not synced is taken back first, so that a crash during the rollback is rolled
//!   back too.)
//!
//! **Recovery.** A run killed outright (kill -9, power loss) leaves the journal. The next write run
//! into the directory finishes it under the lock before doing its own work: without the commit
//! mark, it rolls the interrupted run back (restores backups, deletes staged and newly created
//! files, removes the directories it created); with the mark, it completes it (finishes renames and
//! removals, deletes backups). Either way its debris is gone, and [`WriteReport::recovered`] says
//! what was done. `check` writes nothing and reports [`OutputError::Interrupted`] instead. The
//! journal is trusted only within iamgen's own names: every path it lists must be a plain relative
//! path without links, and staged and backup names must be this run's, beside their target.
//!
//! **Durability.** When `write_modules` returns `Ok`, every file it wrote, every removal, and the
//! manifest are on stable storage, as far as `fsync` promises it. After a crash at any moment, the
//! next run finds either the old tree or the new one (after recovery), never a mix, never a missing
//! or truncated file. The cost is two barriers per run instead of one `fsync` per file as it is
//! written: the first syncs every staged file, backup and the journal, then each directory holding
//! them; the second each directory a rename or removal touched; then the commit mark. On Linux a
//! barrier of 64 paths or more, all on the output directory's file system, is one `syncfs(2)`; a
//! smaller one (or elsewhere) syncs each path, issued together from a few threads so that the file
//! system commits them in groups rather than one commit per file. A run that changes nothing syncs
//! nothing.
//!
//! **Modes.** A new file gets `0666` less the process umask, like any file an editor creates; a
//! rewritten file keeps its mode. New directories get `0777` less the umask.
//!
//! **Test hook.** For the crash and signal tests only: when the environment variable
//! `IAMGEN_TEST_PAUSE` names a step (`locked`, `staged`, `swap:N` after the N-th rename, `swapped`,
//! `committed`), the writer prints `iamgen: test hook: paused at STEP` on stderr when it gets there
//! and waits for a line (or end of file) on stdin, so that a test can signal or kill the process at
//! exactly that step. Unset, it costs one environment lookup per run.

mod plan;
#[doc(hidden)]
pub mod testing;
mod tx;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indexmap::IndexMap;

/// The manifest's file name in the output directory.
pub const MANIFEST: &str = ".iamgen-manifest";
/// The journal's file name in the output directory; present only while a run is in progress or
/// after one was interrupted.
pub const JOURNAL: &str = ".iamgen-journal";

/// What `write_modules` may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write nothing; report what differs.
    pub check: bool,
    /// Overwrite files that exist but that iamgen did not generate, and replace a tree of another
    /// origin.
    pub force: bool,
    /// What generated the tree, in one line (the CLI says `project shop, environment prod`, or
    /// `the built-in example (...)`). Recorded in the manifest; writing into a directory recorded
    /// with another origin needs `force`. `None` checks nothing and keeps the recorded origin.
    pub origin: Option<String>,
    /// Set from elsewhere (a signal handler) to stop the run: it rolls back and returns
    /// [`OutputError::Cancelled`]. Once committed, a run finishes.
    pub cancel: Option<Cancel>,
}

impl WriteOptions {
    /// Options with `check` set.
    pub fn with_check(mut self, check: bool) -> Self {
        self.check = check;
        self
    }
    /// Options with `force` set.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }
    /// Options with an origin to record and compare.
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
    /// Options with a cancellation flag.
    pub fn with_cancel(mut self, cancel: Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }
}

/// A flag that stops a running [`write_modules`] (which then rolls back). Clones share the flag;
/// [`Cancel::flag`] gives it to a signal handler (the CLI registers it with `signal-hook`).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not yet set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Asks the run to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    /// The shared flag itself.
    pub fn flag(&self) -> &Arc<AtomicBool> {
        &self.0
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Cancel {}

/// What changed (or, with `check`, what would change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten (relative paths).
    pub written: Vec<String>,
    /// The files of `written` that did not exist before.
    pub created: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
    /// Files removed because they are no longer generated.
    pub removed: Vec<String>,
    /// An interrupted earlier run found in the directory, and what was done with it.
    pub recovered: Option<Recovered>,
}

impl WriteReport {
    /// True when nothing was (or would be) written or removed.
    pub fn is_clean(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// What was done with an interrupted earlier run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recovered {
    /// It had not committed: its changes were undone.
    RolledBack,
    /// It had committed: its renames and removals were finished and its backups deleted.
    Completed,
}

/// Why a directory could not be written. Unless said otherwise, nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// Reading or writing a file failed; every change was rolled back.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// Files that iamgen did not generate would be overwritten.
    #[error("refusing to overwrite files iamgen did not generate: {}; move them away or pass --force", .paths.join(", "))]
    Foreign {
        /// Their relative paths.
        paths: Vec<String>,
    },
    /// The manifest names a path outside the directory.
    #[error("{}: line {line}: '{entry}' is not a relative path inside the directory; refusing to use this manifest", path.display())]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The entry.
        entry: String,
    },
    /// A file to write is not a plain relative path (a caller's error).
    #[error("'{entry}' is not a plain relative path inside the output directory")]
    BadPath {
        /// The path.
        entry: String,
    },
    /// A path iamgen would write, compare or remove is, or goes through, a symbolic link.
    #[error("{}: is a symbolic link; iamgen never writes or removes through a link inside the output directory (only the directory itself may be one); replace it with a real directory or file", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// The directory's manifest records another origin.
    #[error("{} was generated from {recorded}, not from {origin}; pass --force to replace it (the files the old tree has and this one does not are then removed)", dir.display())]
    OtherOrigin {
        /// The output directory.
        dir: PathBuf,
        /// The origin in its manifest.
        recorded: String,
        /// This run's origin.
        origin: String,
    },
    /// Another run holds the directory's lock.
    #[error("{}: another iamgen run is writing this directory; nothing was written; run again when it has finished", dir.display())]
    Busy {
        /// The output directory.
        dir: PathBuf,
    },
    /// `check` found the journal of an interrupted run.
    #[error("{}: an earlier iamgen run into this directory was interrupted ({JOURNAL} is there); the next `gen --out` here rolls it back", dir.display())]
    Interrupted {
        /// The output directory.
        dir: PathBuf,
    },
    /// The run was cancelled (a signal); every change was rolled back.
    #[error("{}: interrupted; every change was rolled back", dir.display())]
    Cancelled {
        /// The output directory.
        dir: PathBuf,
    },
    /// The run failed, and undoing it failed too: the journal stays, and the next run finishes the
    /// rollback.
    #[error("{error}; undoing the run also failed at {}: {source}; the next `gen --out` here finishes the rollback", path.display())]
    RollbackFailed {
        /// Why the run failed.
        error: Box<OutputError>,
        /// Where undoing it failed.
        path: PathBuf,
        /// How.
        source: io::Error,
    },
    /// The journal of an interrupted run cannot be trusted: nothing was done.
    #[error("{}: line {line}: not a journal iamgen wrote ({why}); check the directory and remove the journal by hand", path.display())]
    BadJournal {
        /// The journal.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        why: String,
    },
}

/// Writes `files` (relative path → content) under `dir`, as described in the module docs.
pub fn write_modules(
    dir: &Path,
    files: &IndexMap<String, String>,
    options: WriteOptions,
) -> Result<WriteReport, OutputError> {
    tx::run(dir, files, &options, &tx::Hooks::from_env())
}
