//! A spec in one file or several (issue 10): the root file and the files its `include:` lists, or
//! every YAML file of a directory. Every file is read bounded, and [`MAX_SPEC_BYTES`] holds for all
//! of a spec's files together.
//!
//! Each file is decoded on its own (an included file may hold only `INCLUDED_KEYS`), then joined:
//! its resources, profiles and services follow the root file's, in the order the files are read,
//! and its source map keeps each position's file.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use indexmap::map::Entry;
use indexmap::IndexMap;

use super::decode::{decode, Decoded, Part, MAX_SPEC_BYTES};
use crate::diag::{quote, Diagnostic, Span, SpecError};
use crate::kinds::ResourceKind;
use crate::{Compiled, Settings};

/// A spec read and decoded, from one file or several, ready to [`compile`](SpecFiles::compile).
///
/// - [`SpecFiles::read`]: a file (with the files its `include:` lists, relative to it) or a
///   directory (every `*.yaml` and `*.yml` file in it, by name; the one with `project:` is the
///   root).
/// - [`SpecFiles::read_from`]: a root file from a reader (standard input); its includes are
///   relative to the current directory.
/// - [`SpecFiles::with_resolver`]: a root file's text, and a function giving the text of each
///   file it includes: for specs held in memory, without touching the file system.
/// - [`SpecFiles::from_text`]: one file's text, which includes nothing.
///
/// Reading never fails here: a file that cannot be read, is not UTF-8, is included twice or makes
/// the spec too large is one of the problems [`compile`](SpecFiles::compile) reports, located in
/// the file that names it.
///
/// ```
/// use std::collections::HashMap;
/// use iamgen_core::{Settings, SpecFiles};
///
/// let files = HashMap::from([(
///     "specs/teams/data.yaml",
///     "resources:\n  buckets: { raw: raw }\nservices:\n  ingest: { kind: lambda, grants: [ s3.read: raw ] }\n",
/// )]);
/// let root = "project: shop\nenvironment: dev\ninclude: [teams/data.yaml]\n";
/// let spec = SpecFiles::with_resolver("specs/iamgen.yaml", root, |name| {
///     files.get(name).map(|t| t.to_string()).ok_or_else(|| "no such file".to_string())
/// });
/// assert_eq!(spec.names().collect::<Vec<_>>(), ["specs/iamgen.yaml", "specs/teams/data.yaml"]);
/// let compiled = spec.compile(&Settings::default()).unwrap();
/// assert_eq!(compiled.plan.services[0].roles[0].name, "shop-ingest-dev");
///
/// // Every problem names the file it is in.
/// let typo = HashMap::from([("specs/teams/data.yaml", files["specs/teams/data.yaml"].replace("s3.read: raw", "s3.read: rwa"))]);
/// let err = SpecFiles::with_resolver("specs/iamgen.yaml", root, |name| {
///     typo.get(name).cloned().ok_or_else(|| "no such file".to_string())
/// })
/// .compile(&Settings::default())
/// .unwrap_err();
/// assert_eq!(err.to_string(), "specs/teams/data.yaml:4:46: error: unknown bucket 'rwa' in services.ingest.grants[0]; did you mean 'raw'?");
/// ```
#[derive(Debug, Clone)]
pub struct SpecFiles {
    decoded: Decoded,
}

impl SpecFiles {
    /// Reads the spec at `path`: a file and the files its `include:` lists, or a directory.
    ///
    /// ```
    /// use iamgen_core::{Settings, SpecFiles};
    ///
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/split-platform");
    /// let spec = SpecFiles::read(dir);
    /// assert!(spec.names().next().unwrap().ends_with("split-platform/platform.yaml"), "the root file comes first");
    /// let compiled = spec.compile(&Settings::default()).unwrap();
    /// assert_eq!(compiled.spec.project(), "engagement");
    /// ```
    pub fn read(path: impl AsRef<Path>) -> SpecFiles {
        let path = path.as_ref();
        let name = path.display().to_string();
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return directory(path);
        }
        match Disk.read(&name, MAX_SPEC_BYTES) {
            Ok(bytes) => assemble(&name, bytes, &mut Disk),
            Err(refused) => failed(root_refused(&name, refused)),
        }
    }

    /// Reads a root file from `reader` (standard input), naming it `name` in messages; the files
    /// its `include:` lists are read from the file system, relative to the current directory.
    pub fn read_from(name: &str, reader: impl Read) -> SpecFiles {
        match read_bounded(reader, None, MAX_SPEC_BYTES) {
            Ok(bytes) => assemble(name, bytes, &mut Disk),
            Err(refused) => failed(root_refused(name, refused)),
        }
    }

    /// A spec of one file, `text`, named `name` in messages. It includes nothing: an `include:`
    /// in it is an error (use [`SpecFiles::with_resolver`] to give its files).
    pub fn from_text(name: &str, text: &str) -> SpecFiles {
        Self::with_resolver(name, text, |_| {
            Err("the spec was given as text alone; give its other files with SpecFiles::with_resolver".into())
        })
    }

    /// A spec whose root file is `text` (named `root` in messages), and whose included files
    /// `resolve` gives: it is called with each included file's name, relative to the file that
    /// includes it (`teams/a.yaml` in `specs/iamgen.yaml` is `specs/teams/a.yaml`), and returns
    /// its text or why there is none. Nothing is read from the file system.
    pub fn with_resolver(
        root: &str,
        text: &str,
        resolve: impl FnMut(&str) -> Result<String, String>,
    ) -> SpecFiles {
        if text.len() as u64 > MAX_SPEC_BYTES {
            return failed(root_refused(root, Refused::TooBig(Some(text.len() as u64))));
        }
        assemble(root, text.as_bytes().to_vec(), &mut Resolver(resolve))
    }

    /// The names of the files read, the root first, then in the order they join the spec.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.decoded.source.files().iter().map(|f| &**f)
    }

    /// The root file's name.
    fn root(&self) -> &str {
        self.names().next().unwrap_or_default()
    }

    /// Validates, plans and checks the spec, as [`compile`](crate::compile) does for one file:
    /// every problem comes back in the [`SpecError`], each in its file, at its line and column.
    pub fn compile(&self, settings: &Settings) -> Result<Compiled, SpecError> {
        crate::compile_decoded(&self.decoded, self.root(), settings)
    }

    /// What was decoded, every file joined.
    pub(crate) fn decoded(&self) -> &Decoded {
        &self.decoded
    }

    /// Consumes the files, keeping what was decoded.
    pub(crate) fn into_decoded(self) -> Decoded {
        self.decoded
    }
}

/// Why a file was not read.
enum Refused {
    /// It could not be read; the reason.
    Cannot(String),
    /// It is larger than what is left of [`MAX_SPEC_BYTES`]; its size when known.
    TooBig(Option<u64>),
}

/// Where a spec's files come from: the file system, or the embedder's resolver.
trait Files {
    /// File `name`'s bytes, if there are at most `budget` of them.
    fn read(&mut self, name: &str, budget: u64) -> Result<Vec<u8>, Refused>;

    /// What names one file under every name it is given (on disk, its canonical path).
    fn identity(&self, name: &str) -> String;
}

/// The file system.
struct Disk;

impl Files for Disk {
    fn read(&mut self, name: &str, budget: u64) -> Result<Vec<u8>, Refused> {
        let cannot = |e: std::io::Error| Refused::Cannot(e.to_string());
        let file = std::fs::File::open(name).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        read_bounded(file, meta.is_file().then_some(meta.len()), budget)
    }

    fn identity(&self, name: &str) -> String {
        std::fs::canonicalize(name)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| name.to_string())
    }
}

/// An embedder's files, by name.
struct Resolver<F>(F);

impl<F: FnMut(&str) -> Result<String, String>> Files for Resolver<F> {
    fn read(&mut self, name: &str, budget: u64) -> Result<Vec<u8>, Refused> {
        let text = (self.0)(name).map_err(Refused::Cannot)?;
        if text.len() as u64 > budget {
            return Err(Refused::TooBig(Some(text.len() as u64)));
        }
        Ok(text.into_bytes())
    }

    fn identity(&self, name: &str) -> String {
        name.to_string()
    }
}

/// Reads at most `budget` + 1 bytes of `reader`; more (or a known `size` over the budget) is
/// refused.
fn read_bounded(reader: impl Read, size: Option<u64>, budget: u64) -> Result<Vec<u8>, Refused> {
    if size.is_some_and(|n| n > budget) {
        return Err(Refused::TooBig(size));
    }
    let mut bytes = Vec::new();
    reader
        .take(budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refused::Cannot(e.to_string()))?;
    if bytes.len() as u64 > budget {
        return Err(Refused::TooBig(None));
    }
    Ok(bytes)
}

/// A spec that could not be read at all: its one problem.
fn failed(problem: Diagnostic) -> SpecFiles {
    let mut decoded = Decoded::default();
    decoded
        .source
        .name(problem.file.as_deref().unwrap_or_default());
    decoded.diagnostics.push(problem);
    SpecFiles { decoded }
}

/// Why the root file (or the only file) was not read.
fn root_refused(name: &str, refused: Refused) -> Diagnostic {
    match refused {
        Refused::Cannot(e) => Diagnostic::of_file(name, format!("cannot read the spec: {e}")),
        Refused::TooBig(size) => {
            let size = match size {
                Some(n) => format!("{n} bytes"),
                None => format!("larger than {MAX_SPEC_BYTES} bytes"),
            };
            Diagnostic::error(
                Span::new(1, 1),
                format!("the spec is {size}; iamgen reads specs of at most {MAX_SPEC_BYTES} bytes"),
            )
            .in_file(name)
        }
    }
}

/// File `name` (`bytes`), decoded as `part`; a file that is not UTF-8 is that one problem, where
/// it stops being UTF-8.
fn decode_file(name: &str, bytes: Vec<u8>, part: Part) -> Decoded {
    let mut decoded = match String::from_utf8(bytes) {
        Ok(text) => decode(&text, part),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let last = valid.rsplit(|&b| b == b'\n').next().unwrap_or_default();
            let column = String::from_utf8_lossy(last).chars().count() + 1;
            let problem = Diagnostic::error(
                Span::new(line, column),
                "the spec is not UTF-8 text: a YAML spec must be UTF-8",
            );
            Decoded {
                diagnostics: vec![problem],
                ..Decoded::default()
            }
        }
    };
    decoded.source.name(name);
    for d in &mut decoded.diagnostics {
        d.file.get_or_insert_with(|| name.to_string());
    }
    decoded
}

/// A spec being put together from its files.
struct Assembly<'f> {
    files: &'f mut dyn Files,
    /// Every file so far, joined.
    spec: Decoded,
    /// Bytes read so far.
    read: u64,
}

impl Assembly<'_> {
    /// What is left of [`MAX_SPEC_BYTES`].
    fn budget(&self) -> u64 {
        MAX_SPEC_BYTES.saturating_sub(self.read)
    }

    /// Reads and decodes file `name` as `part`; `None` (the problem recorded) when it cannot be
    /// read or makes the spec too large.
    fn file(&mut self, name: &str, part: Part, at: Option<(Span, &str)>) -> Option<Decoded> {
        let bytes = match self.files.read(name, self.budget()) {
            Ok(bytes) => bytes,
            Err(Refused::Cannot(e)) => {
                let message = format!("cannot read included file {}: {e}", quote(name));
                self.problem(match at {
                    Some((span, path)) => Diagnostic::error(span, message).at(path),
                    None => Diagnostic::of_file(name, message),
                });
                return None;
            }
            Err(Refused::TooBig(size)) => {
                let this = match size {
                    Some(n) => format!("{n} bytes"),
                    None => format!("more than {} bytes", self.budget()),
                };
                self.problem(
                    Diagnostic::error(
                        Span::new(1, 1),
                        format!("the spec's files are larger than {MAX_SPEC_BYTES} bytes together (this one: {this}); iamgen reads specs of at most {MAX_SPEC_BYTES} bytes, all files together"),
                    )
                    .in_file(name),
                );
                return None;
            }
        };
        self.read += bytes.len() as u64;
        Some(decode_file(name, bytes, part))
    }

    /// A problem of reading: the spec is not validated.
    fn problem(&mut self, d: Diagnostic) {
        let root = self.spec.source.files().first().map(|f| f.to_string());
        let d = match (d.file.is_none(), root) {
            (true, Some(root)) => d.in_file(&root),
            _ => d,
        };
        self.spec.diagnostics.push(d);
        self.spec.readable = false;
    }

    /// Reads every file the root file includes.
    fn includes(&mut self) {
        let root = self.spec.source.files()[0].to_string();
        let mut seen: HashMap<String, usize> =
            HashMap::from([(self.files.identity(&root), usize::MAX)]);
        let includes = std::mem::take(&mut self.spec.includes);
        for (i, (written, span)) in includes.iter().enumerate() {
            let path = format!("include[{i}]");
            let name = relative_to(&root, written);
            match seen.insert(self.files.identity(&name), i) {
                Some(usize::MAX) => {
                    self.problem(
                        Diagnostic::error(
                            *span,
                            format!(
                                "{} is the root file: a spec cannot include itself",
                                quote(&name)
                            ),
                        )
                        .at(&path)
                        .with_hint("remove it from `include:`"),
                    );
                    continue;
                }
                Some(first) => {
                    self.problem(
                        Diagnostic::error(
                            *span,
                            format!(
                                "{} is included twice (first in include[{first}], line {})",
                                quote(&name),
                                includes[first].1.line
                            ),
                        )
                        .at(&path)
                        .with_hint("include each file once"),
                    );
                    continue;
                }
                None => {}
            }
            if let Some(part) = self.file(&name, Part::Included, Some((*span, &path))) {
                join(&mut self.spec, part);
            }
        }
    }
}

/// The spec whose root file, `name`, is `bytes`, with the files it includes.
fn assemble(name: &str, bytes: Vec<u8>, files: &mut dyn Files) -> SpecFiles {
    let mut assembly = Assembly {
        files,
        read: bytes.len() as u64,
        spec: decode_file(name, bytes, Part::Root),
    };
    assembly.includes();
    SpecFiles {
        decoded: finish(assembly.spec),
    }
}

/// Every `*.yaml` and `*.yml` file of `dir`, by name; the one with `project:` is the root.
fn directory(dir: &Path) -> SpecFiles {
    let shown = dir.display().to_string();
    let cannot = |e: String| failed(Diagnostic::of_file(&shown, e));
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return cannot(format!("cannot read the spec directory: {e}")),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml") && p.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return cannot("the spec directory holds no .yaml or .yml file".into());
    }
    let mut assembly = Assembly {
        files: &mut Disk,
        spec: Decoded::default(),
        read: 0,
    };
    let mut parts = Vec::new();
    for path in &paths {
        let name = path.display().to_string();
        if let Some(part) = assembly.file(&name, Part::OfDirectory, None) {
            parts.push(part);
        }
    }
    let problems = std::mem::take(&mut assembly.spec.diagnostics);
    let Some(root) = parts.iter().position(|p| p.root) else {
        let hint = "one file, the root, declares `project:` and `environment:`; the others hold resources, profiles and services";
        let d = Diagnostic::of_file(&shown, "no file of the spec directory declares `project:`");
        let mut spec = failed(d.with_hint(hint));
        spec.decoded.diagnostics.extend(problems);
        return spec;
    };
    let mut spec = parts.remove(root);
    spec.readable &= problems.is_empty();
    spec.diagnostics.extend(problems);
    let root_name = spec.source.files()[0].to_string();
    if let Some(span) = spec.include_key {
        spec.diagnostics.push(
            Diagnostic::error(span, "`include:` in a spec directory's root file")
                .with_hint(format!(
                    "every .yaml and .yml file of {} is part of the spec: move the file into it",
                    shown
                ))
                .in_file(&root_name),
        );
        spec.readable = false;
    }
    for part in parts {
        if part.root {
            let at = part.source.value_at("project");
            spec.diagnostics.push(
                Diagnostic::error(
                    at.unwrap_or(Span::new(1, 1)),
                    format!(
                        "a second root file: {} declares `project:` too",
                        quote(&root_name)
                    ),
                )
                .with_hint("one file of a spec directory declares the project; the others hold resources, profiles and services")
                .in_file(&part.source.files()[0]),
            );
            spec.readable = false;
            continue;
        }
        join(&mut spec, part);
    }
    SpecFiles {
        decoded: finish(spec),
    }
}

/// `written`, an included file's name in file `including`, relative to that file's directory,
/// without `.` and `dir/..` steps.
fn relative_to(including: &str, written: &str) -> String {
    let base = Path::new(including).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for part in base.join(written).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.display().to_string()
}

/// Adds the resources, profiles and services of `part` (another file) to `spec`; a name that
/// `spec` already declares is an error naming both places.
fn join(spec: &mut Decoded, part: Decoded) {
    let Decoded {
        input,
        source,
        diagnostics,
        readable,
        has_services,
        ..
    } = part;
    // Each name declared again: what it is, the name, its key path.
    let mut twice: Vec<(&str, String, String)> = Vec::new();
    for (kind, declared) in input.resources {
        let group = spec.input.resources.entry(kind).or_default();
        let at = format!("resources.{}", kind.key());
        join_names(group, declared, &mut |name| {
            twice.push((kind.noun(), name.to_string(), format!("{at}.{name}")))
        });
    }
    spec.input
        .resources
        .sort_by_cached_key(|kind, _| ResourceKind::ALL.iter().position(|k| k == kind));
    join_names(&mut spec.input.profiles, input.profiles, &mut |name| {
        twice.push(("profile", name.to_string(), format!("profiles.{name}")))
    });
    join_names(&mut spec.input.services, input.services, &mut |name| {
        twice.push(("service", name.to_string(), format!("services.{name}")))
    });
    spec.readable &= readable && twice.is_empty();
    spec.has_services |= has_services;
    spec.diagnostics.extend(diagnostics);
    for (what, name, path) in twice {
        let (file, span) = source.key_at(&path);
        let first = match spec.source.key_at(&path) {
            (Some(f), Some(s)) => format!("{f}:{}:{}", s.line, s.column),
            _ => path.clone(),
        };
        let message = format!(
            "{what} {} is declared in two files: here and at {first}",
            quote(&name)
        );
        let mut d = Diagnostic::error(span.unwrap_or(Span::new(1, 1)), message)
            .at(&path)
            .with_hint("declare each name in one file");
        d.file = file.map(|f| f.to_string());
        spec.diagnostics.push(d);
    }
    spec.source.merge(source);
}

/// Adds the declarations of `more` to `into`, in order; `again` is told each name `into` already
/// declares (that declaration stays).
fn join_names<T>(
    into: &mut IndexMap<String, T>,
    more: IndexMap<String, T>,
    again: &mut dyn FnMut(&str),
) {
    for (name, item) in more {
        match into.entry(name) {
            Entry::Occupied(e) => again(e.key()),
            Entry::Vacant(e) => {
                e.insert(item);
            }
        }
    }
}

/// The spec once every file is read: a spec without services in any file is reported at the root
/// (unless a file could not be read: it may hold them).
fn finish(mut spec: Decoded) -> Decoded {
    if !spec.has_services {
        spec.source.reported("services");
        if let Some(span) = spec.missing_services.filter(|_| spec.readable) {
            let root = spec.source.files()[0].to_string();
            spec.diagnostics
                .push(Diagnostic::error(span, "missing key 'services'").in_file(&root));
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn included_names_are_relative_to_the_including_file() {
        assert_eq!(relative_to("iamgen.yaml", "a.yaml"), "a.yaml");
        assert_eq!(
            relative_to("specs/iamgen.yaml", "teams/a.yaml"),
            "specs/teams/a.yaml"
        );
        assert_eq!(relative_to("specs/iamgen.yaml", "./../b.yaml"), "b.yaml");
        assert_eq!(relative_to("iamgen.yaml", "../b.yaml"), "../b.yaml");
        assert_eq!(
            relative_to("specs/iamgen.yaml", "/etc/a.yaml"),
            "/etc/a.yaml"
        );
        assert_eq!(relative_to("<stdin>", "a.yaml"), "a.yaml");
    }

    #[test]
    fn reads_are_bounded() {
        let endless = std::io::repeat(b'a');
        assert!(matches!(
            read_bounded(endless, None, 10),
            Err(Refused::TooBig(None))
        ));
        assert!(matches!(
            read_bounded(&b"0123456789"[..], None, 10),
            Ok(bytes) if bytes.len() == 10
        ));
        assert!(matches!(
            read_bounded(&b""[..], Some(11), 10),
            Err(Refused::TooBig(Some(11)))
        ));
    }
}
