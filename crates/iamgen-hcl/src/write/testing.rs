//! Fault injection for the writer's own tests and its fuzz target; not a stable API.

use std::path::Path;

use indexmap::IndexMap;

use super::{tx, OutputError, WriteOptions, WriteReport};

/// A fault at the n-th operation (1-based) that changes the directory on the way forward
/// (creating the journal, a directory or a staged file, a backup, a rename, a barrier, the commit
/// mark), or right after the commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The operation fails with an I/O error: the run must roll back.
    FailAt(usize),
    /// The process "dies" there: the run stops without undoing anything, as after kill -9; the
    /// next run must recover.
    CrashAt(usize),
    /// The operation fails, the run does what it does on a failure before undoing, and then
    /// "dies": the next run must undo it.
    FailThenCrashAt(usize),
    /// The run "dies" right after its commit mark is durable: the next run must complete it.
    CrashAfterCommit,
}

/// [`super::write_modules`] with a fault. Also returns how many operations the run counted.
pub fn write_modules_with(
    dir: &Path,
    files: &IndexMap<String, String>,
    options: WriteOptions,
    fault: Option<Fault>,
) -> (Result<WriteReport, OutputError>, usize) {
    let hooks = tx::Hooks::new(None, fault);
    let result = tx::run(dir, files, &options, &hooks);
    (result, hooks.ops())
}

/// One run of a random sequence (see [`check_sequence`]).
#[derive(Debug, Clone)]
pub struct Step {
    /// The files to write.
    pub files: IndexMap<String, String>,
    /// Write with `force`.
    pub force: bool,
    /// A fault to inject.
    pub fault: Option<Fault>,
    /// Before the run, a file iamgen did not generate, written at this path (if free).
    pub foreign: Option<String>,
    /// After a crash, recover with the previous files (true) or this step's (false).
    pub recover_with_previous: bool,
}

/// Every entry under `dir`: relative path (directories end in `/`), content, and mode.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>, u32)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            #[cfg(unix)]
            let mode = {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode() & 0o7777
            };
            #[cfg(not(unix))]
            let mode = 0;
            if meta.is_dir() {
                out.push((rel + "/", Vec::new(), mode));
                walk(root, &p, out);
            } else if meta.is_file() {
                out.push((rel, std::fs::read(&p).unwrap_or_default(), mode));
            } else if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p).unwrap_or_default();
                out.push((rel, format!("-> {}", target.display()).into_bytes(), 0));
            } else {
                // A FIFO (never read: it would block), a socket, a device.
                out.push((rel, format!("{:?}", meta.file_type()).into_bytes(), mode));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn listed(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(super::MANIFEST))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs `steps` into the empty directory `dir`, checking after each:
///
/// - a run that succeeded left exactly its files, its manifest, the foreign files, no debris and no
///   empty directory;
/// - a run that failed left the directory exactly as it was (contents, modes, directories);
/// - a run that crashed left no file that neither the old manifest, the new files, the foreign
///   files nor its journal explain; the next run recovers it, and a rolled-back crash is exactly
///   the old state.
pub fn check_sequence(dir: &Path, steps: &[Step]) -> Result<(), String> {
    let mut current: IndexMap<String, String> = IndexMap::new();
    let mut foreign: IndexMap<String, Vec<u8>> = IndexMap::new();
    for (i, step) in steps.iter().enumerate() {
        let at = |what: String| format!("step {i} ({step:?}): {what}");
        if let Some(f) = &step.foreign {
            let path = dir.join(f);
            let free = !current.contains_key(f)
                && !foreign.contains_key(f)
                && path.parent().is_some_and(Path::is_dir)
                && !path.exists();
            if free {
                let content = format!("foreign {i}").into_bytes();
                std::fs::write(&path, &content).map_err(|e| at(e.to_string()))?;
                foreign.insert(f.clone(), content);
            }
        }
        let before = snapshot(dir);
        let options = WriteOptions {
            force: step.force,
            ..WriteOptions::default()
        };
        let (result, _) = write_modules_with(dir, &step.files, options, step.fault);
        match result {
            Ok(_) => {
                settled(dir, &step.files, &current, &mut foreign).map_err(at)?;
                current = step.files.clone();
            }
            Err(e)
                if matches!(
                    step.fault,
                    Some(Fault::CrashAt(_) | Fault::FailThenCrashAt(_) | Fault::CrashAfterCommit)
                ) && journal_exists(dir) =>
            {
                explained(dir, &current, &step.files, &foreign)
                    .map_err(|w| at(format!("{e}: {w}")))?;
                let files = match step.recover_with_previous {
                    true => current.clone(),
                    false => step.files.clone(),
                };
                let options = WriteOptions {
                    force: true,
                    ..WriteOptions::default()
                };
                let (result, _) = write_modules_with(dir, &files, options, None);
                let report = result.map_err(|e| at(format!("recovery: {e}")))?;
                if report.recovered.is_none() {
                    return Err(at("the crash was not recovered".into()));
                }
                // The old state is observable when the run over it writes nothing: when it had a
                // manifest (a first run writes one).
                let had_manifest = before.iter().any(|(p, _, _)| p == super::MANIFEST);
                if step.recover_with_previous
                    && had_manifest
                    && report.recovered == Some(super::Recovered::RolledBack)
                {
                    let after = snapshot(dir);
                    if after != before {
                        return Err(at(format!("rolled back, but {before:?} became {after:?}")));
                    }
                }
                if report.recovered == Some(super::Recovered::Completed) {
                    // The crashed run overwrote these (with force): they are generated now.
                    for name in step.files.keys() {
                        foreign.shift_remove(name);
                    }
                }
                let old = current.clone();
                settled(dir, &files, &old, &mut foreign).map_err(at)?;
                // A completed crash may have removed files of `current` that `files` lacks.
                current = files;
            }
            Err(e) => {
                let after = snapshot(dir);
                if after != before {
                    return Err(at(format!("failed ({e}), and {before:?} became {after:?}")));
                }
            }
        }
    }
    Ok(())
}

fn journal_exists(dir: &Path) -> bool {
    dir.join(super::JOURNAL).exists()
}

/// After a successful run of `files` over `previous`.
fn settled(
    dir: &Path,
    files: &IndexMap<String, String>,
    previous: &IndexMap<String, String>,
    foreign: &mut IndexMap<String, Vec<u8>>,
) -> Result<(), String> {
    for (name, content) in files {
        let found = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if found != content.as_bytes() {
            return Err(format!("{name} does not hold its content"));
        }
        // Overwritten with force: now generated.
        foreign.shift_remove(name);
    }
    let manifest = listed(dir);
    if manifest != files.keys().cloned().collect::<Vec<_>>() {
        return Err(format!("the manifest lists {manifest:?}"));
    }
    for name in previous.keys() {
        if !files.contains_key(name) && dir.join(name).exists() {
            return Err(format!("{name} is no longer generated but still there"));
        }
    }
    for (name, content) in foreign.iter() {
        if std::fs::read(dir.join(name)).ok().as_deref() != Some(content.as_slice()) {
            return Err(format!("the foreign file {name} changed"));
        }
    }
    for (name, _, _) in snapshot(dir) {
        let file = name.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if file.starts_with(".iamgen") && file != super::MANIFEST {
            return Err(format!("debris: {name}"));
        }
        if name.ends_with('/') && std::fs::read_dir(dir.join(&name)).map_or(0, |d| d.count()) == 0 {
            return Err(format!("an empty directory: {name}"));
        }
    }
    Ok(())
}

/// After a crash: every file is the old tree's, the new tree's, foreign, or named by the journal.
fn explained(
    dir: &Path,
    old: &IndexMap<String, String>,
    new: &IndexMap<String, String>,
    foreign: &IndexMap<String, Vec<u8>>,
) -> Result<(), String> {
    let journal = std::fs::read_to_string(dir.join(super::JOURNAL)).unwrap_or_default();
    let named: Vec<&str> = journal.lines().flat_map(|l| l.split('\t')).collect();
    for (name, _, _) in snapshot(dir) {
        if name.ends_with('/') {
            continue;
        }
        let ok = old.contains_key(&name)
            || new.contains_key(&name)
            || foreign.contains_key(&name)
            || name == super::MANIFEST
            || name == super::JOURNAL
            || named.contains(&name.as_str());
        if !ok {
            return Err(format!("{name} is explained by nothing"));
        }
    }
    Ok(())
}
