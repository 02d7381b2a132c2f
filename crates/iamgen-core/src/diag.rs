//! Diagnostics: one problem, where it is, and what to do about it.
//!
//! Every problem iamgen finds in a spec becomes a [`Diagnostic`] naming its key path; for a spec read
//! from YAML it also has a line and column. A [`SpecError`] carries all of a spec's problems together
//! so a user fixes them in one round.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// A position in the spec: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Span {
    /// A span at `line`, `column` (both 1-based).
    pub const fn new(line: usize, column: usize) -> Self {
        Span { line, column }
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The spec cannot be generated.
    Error,
    /// The spec generates, but widens access in a way a reviewer should see; `--strict` refuses it.
    Warning,
}

/// Where in a spec a problem is, before it is given a position: the key of the entry at a key path,
/// or its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Loc {
    /// The key (for a list item or a grant, the item itself).
    Key(String),
    /// The value.
    Value(String),
}

impl Loc {
    fn path(&self) -> &str {
        match self {
            Loc::Key(p) | Loc::Value(p) => p,
        }
    }
}

/// Where every key path of a YAML spec is written, and which paths the decoder already reported.
/// Empty for a spec built in code.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceMap {
    spans: HashMap<Loc, Span>,
    reported: HashSet<String>,
    /// For lists whose unreadable items the decoder left out: the written index of each kept item.
    indexes: HashMap<String, Vec<usize>>,
}

impl SourceMap {
    /// Records where `loc` is written.
    pub(crate) fn insert(&mut self, loc: Loc, span: Span) {
        self.spans.insert(loc, span);
    }

    /// Marks a path whose value the decoder could not read (and reported): later problems at it
    /// would only repeat that one.
    pub(crate) fn reported(&mut self, path: &str) {
        self.reported.insert(path.to_string());
    }

    /// Whether the decoder reported the value at `path`.
    pub(crate) fn was_reported(&self, path: &str) -> bool {
        self.reported.contains(path)
    }

    /// Records the written index of each item kept from the list at `path`.
    pub(crate) fn indexes(&mut self, path: &str, kept: Vec<usize>) {
        self.indexes.insert(path.to_string(), kept);
    }

    /// The key path of item `i` of the input's list at `path`: `services.f.grants[2]`, numbered as
    /// written even when the decoder left unreadable items out.
    pub(crate) fn item(&self, path: &str, i: usize) -> String {
        let written = self
            .indexes
            .get(path)
            .and_then(|kept| kept.get(i))
            .copied()
            .unwrap_or(i);
        format!("{path}[{written}]")
    }

    fn span(&self, loc: &Loc) -> Option<Span> {
        self.spans.get(loc).copied()
    }

    /// Where the key at `path` is written (a grant item, a service's key), for a YAML spec.
    pub(crate) fn key_span(&self, path: &str) -> Option<Span> {
        self.span(&Loc::Key(path.to_string()))
    }
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the spec's text, for a spec read from YAML.
    pub span: Option<Span>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The key path, such as `services.predict.grants[1]`, when there is one.
    pub path: Option<String>,
    /// What to try, when iamgen can tell.
    pub hint: Option<String>,
    /// Where the problem is, until it is given a position.
    pub(crate) loc: Option<Loc>,
}

impl Diagnostic {
    /// An error at `span`.
    pub(crate) fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span: Some(span),
            message: message.into(),
            path: None,
            hint: None,
            loc: None,
        }
    }

    /// An error at `loc`, with its key path named.
    pub(crate) fn error_at(loc: Loc, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span: None,
            message: message.into(),
            path: None,
            hint: None,
            loc: Some(loc),
        }
        .at(path)
    }

    /// A warning at `loc`, with its key path named.
    pub(crate) fn warning_at(loc: Loc, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error_at(loc, path, message)
        }
    }

    /// Names the key path the problem is at.
    pub(crate) fn at(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        if !path.is_empty() {
            self.path = Some(path);
        }
        self
    }

    /// Adds a hint.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint when there is one.
    pub(crate) fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint.or(self.hint);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `LINE:COL: error: MESSAGE in PATH; HINT` (the file name is added by [`SpecError`]); without a
/// position, `error: MESSAGE in PATH; HINT`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(span) = self.span {
            write!(f, "{}:{}: ", span.line, span.column)?;
        }
        write!(f, "{severity}: {}", self.message)?;
        if let Some(path) = &self.path {
            write!(f, " in {path}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in one spec, in the order they appear in it.
///
/// ```
/// let yaml = "project: p\nenvironment: e\nservices:\n  f: { kind: lambda, grants: [ s3.read: raw ] }\n";
/// let err = iamgen_core::compile("iamgen.yaml", yaml, &Default::default()).unwrap_err();
/// let d = &err.diagnostics[0];
/// assert_eq!((d.span.unwrap().line, d.path.as_deref()), (4, Some("services.f.grants[0]")));
/// assert_eq!(err.to_string(), "iamgen.yaml:4:41: error: unknown bucket 'raw' in services.f.grants[0]; declare it under resources.buckets");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SpecError {
    /// The file name shown before each problem, for a spec read from a file.
    pub file: Option<String>,
    /// The problems, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    /// Collects `diagnostics` for `file`, each given its position in `source`, sorted by position,
    /// duplicates removed; problems at a value the decoder already reported are dropped.
    pub(crate) fn located(
        file: Option<&str>,
        diagnostics: Vec<Diagnostic>,
        source: &SourceMap,
    ) -> Self {
        SpecError {
            file: file.map(str::to_string),
            diagnostics: locate(diagnostics, source),
        }
    }
}

/// Gives each diagnostic its position in `source`, drops those at a value the decoder already
/// reported, and sorts them by position (then message), duplicates removed.
pub(crate) fn locate(diagnostics: Vec<Diagnostic>, source: &SourceMap) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| {
            d.loc
                .as_ref()
                .is_none_or(|l| !source.was_reported(l.path()))
        })
        .map(|mut d| {
            if let Some(loc) = d.loc.take() {
                d.span = d.span.or_else(|| source.span(&loc));
            }
            d
        })
        .collect();
    out.sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
    out.dedup();
    out
}

/// One line per problem: `FILE:LINE:COL: error: ...`.
impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &self.file {
                Some(file) => write!(f, "{file}:{d}")?,
                None => write!(f, "{d}")?,
            }
        }
        Ok(())
    }
}

/// Suggests the closest of `known` to `wanted`, when one is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(wanted, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The hint for an unknown name: `did you mean 'raw'?` when one of `known` is a likely typo of
/// `wanted`, else `otherwise(known)`.
pub(crate) fn hint_unknown(
    wanted: &str,
    known: &[&str],
    otherwise: impl FnOnce(&[&str]) -> String,
) -> String {
    match did_you_mean(wanted, known.iter().copied()) {
        Some(s) => format!("did you mean '{s}'?"),
        None => otherwise(known),
    }
}

/// Damerau-Levenshtein distance (optimal string alignment), so `rwa` is one step from `raw`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(did_you_mean("rwa", ["raw", "processed"]), Some("raw"));
        assert_eq!(
            did_you_mean("modles", ["models", "results"]),
            Some("models")
        );
        assert_eq!(did_you_mean("zzz", ["raw", "processed"]), None);
        assert_eq!(
            hint_unknown("zzz", &["raw"], |k| format!("known: {}", k.join(", "))),
            "known: raw"
        );
    }

    #[test]
    fn display_has_file_line_column_path_and_hint() {
        let path = "services.predict.grants[1]";
        let mut source = SourceMap::default();
        source.insert(Loc::Key(path.into()), Span::new(12, 7));
        let d = Diagnostic::error_at(Loc::Key(path.into()), path, "unknown bucket 'rwa'")
            .with_hint("did you mean 'raw'?");
        let e = SpecError::located(Some("iamgen.yaml"), vec![d.clone()], &source);
        assert_eq!(
            e.to_string(),
            "iamgen.yaml:12:7: error: unknown bucket 'rwa' in services.predict.grants[1]; did you mean 'raw'?"
        );
        let built = SpecError::located(None, vec![d], &SourceMap::default());
        assert_eq!(
            built.to_string(),
            "error: unknown bucket 'rwa' in services.predict.grants[1]; did you mean 'raw'?"
        );
    }
}
