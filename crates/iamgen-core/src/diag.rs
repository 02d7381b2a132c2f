//! Diagnostics: one problem, where it is, and what to do about it.
//!
//! Every problem iamgen finds in a spec becomes a [`Diagnostic`] naming its key path; for a spec read
//! from YAML it also has a line and column. A [`SpecError`] carries all of a spec's problems together
//! so a user fixes them in one round.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

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

/// Where every key path of a YAML spec is written (in which of its files, at which line and
/// column), and which paths the decoder already reported. Empty for a spec built in code.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceMap {
    /// Each path's position, and the index of its file in `files`.
    spans: HashMap<Loc, (Span, usize)>,
    /// The spec's files, the root first; empty until the loader names them.
    files: Vec<Arc<str>>,
    reported: HashSet<String>,
    /// For lists whose unreadable items the decoder left out: the written index of each kept item.
    indexes: HashMap<String, Vec<usize>>,
}

impl SourceMap {
    /// Records where `loc` is written (in the map's first file: a map is made for one file, then
    /// merged).
    pub(crate) fn insert(&mut self, loc: Loc, span: Span) {
        self.spans.insert(loc, (span, 0));
    }

    /// Names the map's files: its own file (one map per file, before merging) is `name`.
    pub(crate) fn name(&mut self, name: &str) {
        self.files = vec![name.into()];
    }

    /// Adds the map of another file of the spec: what `other` records is in a file after this
    /// map's own. A path this map already has keeps its position (the loader reports a name
    /// declared twice, at the second).
    pub(crate) fn merge(&mut self, other: SourceMap) {
        let offset = self.files.len();
        self.files.extend(other.files);
        for (loc, (span, file)) in other.spans {
            self.spans.entry(loc).or_insert((span, file + offset));
        }
        self.reported.extend(other.reported);
        for (path, kept) in other.indexes {
            self.indexes.entry(path).or_insert(kept);
        }
    }

    /// The spec's files, the root first (empty for a spec built in code).
    pub(crate) fn files(&self) -> &[Arc<str>] {
        &self.files
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
        self.spans.get(loc).map(|(span, _)| *span)
    }

    /// Where the value at `path` is written.
    pub(crate) fn value_at(&self, path: &str) -> Option<Span> {
        self.span(&Loc::Value(path.to_string()))
    }

    /// The file `loc` is written in.
    fn file(&self, loc: &Loc) -> Option<&Arc<str>> {
        self.spans.get(loc).and_then(|(_, f)| self.files.get(*f))
    }

    /// Where `loc` is, for a message naming a second place: `tags.Owner, line 4` (the line only
    /// for a spec read from YAML; `line 4 of teams/a.yaml` for a spec in several files).
    pub(crate) fn place(&self, loc: &Loc) -> String {
        match (self.span(loc), self.file(loc)) {
            (Some(span), Some(file)) if self.files.len() > 1 => format!(
                "{}, line {} of {}",
                escape(loc.path()),
                span.line,
                escape_controls(file)
            ),
            (Some(span), _) => format!("{}, line {}", escape(loc.path()), span.line),
            (None, _) => escape(loc.path()),
        }
    }

    /// Where the key at `path` is written (a grant item, a service's key), for a YAML spec: the
    /// file and the line and column.
    pub(crate) fn key_at(&self, path: &str) -> (Option<Arc<str>>, Option<Span>) {
        let loc = Loc::Key(path.to_string());
        (self.file(&loc).cloned(), self.span(&loc))
    }

    /// The position of the file named `file` among the spec's files (for sorting problems in the
    /// order the files are read; an unknown file sorts first).
    fn order(&self, file: Option<&str>) -> usize {
        file.and_then(|f| self.files.iter().position(|n| &**n == f))
            .unwrap_or(0)
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
    /// The file the problem is in, for a spec read from YAML: the root file or one it includes
    /// (`None` for a spec built in code).
    pub file: Option<String>,
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
            file: None,
            message: message.into(),
            path: None,
            hint: None,
            loc: None,
        }
    }

    /// A warning at `span`.
    pub(crate) fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// An error at `loc`, with its key path named.
    pub(crate) fn error_at(loc: Loc, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span: None,
            file: None,
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

    /// An error about file `file` as a whole (it cannot be read), at no line.
    pub(crate) fn of_file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            span: None,
            ..Diagnostic::error(Span::new(1, 1), message).in_file(file)
        }
    }

    /// Names the file the problem is in.
    pub(crate) fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The problem as iamgen prints it: `FILE:LINE:COL: error: ...`, with the file it is in (for a
    /// spec read from YAML), else as [`Display`](fmt::Display) shows it.
    ///
    /// ```
    /// let yaml = "project: p\nenvironment: e\nservices:\n  f: { kind: lambda, grants: [ s3.read: raw ] }\n";
    /// let err = iamgen_core::compile("iamgen.yaml", yaml, &Default::default()).unwrap_err();
    /// assert_eq!(err.diagnostics[0].located().to_string(), "iamgen.yaml:4:41: error: unknown bucket 'raw' in services.f.grants[0]; declare it under resources.buckets");
    /// ```
    pub fn located(&self) -> impl fmt::Display + '_ {
        Located(self, None)
    }
}

/// A diagnostic with its file (or, when it names none, `.1`) before it.
struct Located<'a>(&'a Diagnostic, Option<&'a str>);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        match (d.file.as_deref().or(self.1), d.span) {
            (Some(file), Some(_)) => write!(f, "{}:{d}", escape_controls(file)),
            (Some(file), None) => write!(f, "{}: {d}", escape_controls(file)),
            (None, _) => write!(f, "{d}"),
        }
    }
}

/// `LINE:COL: error: MESSAGE in PATH; HINT` (the file name is added by [`SpecError`], or
/// [`Diagnostic::located`]); without a position, `error: MESSAGE in PATH; HINT`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(span) = self.span {
            write!(f, "{}:{}: ", span.line, span.column)?;
        }
        // Spec text is quoted where the message is made; escaping what is left of line breaks and
        // control characters here keeps every diagnostic on one line whatever reached it.
        write!(f, "{severity}: {}", escape_controls(&self.message))?;
        if let Some(path) = &self.path {
            write!(f, " in {}", escape(path))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {}", escape_controls(hint))?;
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
    /// The spec's (root) file, for a spec read from YAML: shown before each problem that names no
    /// file of its own ([`Diagnostic::file`]).
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

/// Gives each diagnostic its position in `source` (its file and its line and column), drops those
/// at a value the decoder already reported, and sorts them by position (files in the order they
/// were read, then line and column, then message), duplicates removed.
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
                if d.span.is_none() {
                    d.span = source.span(&loc);
                    d.file = d.file.or_else(|| source.file(&loc).map(|f| f.to_string()));
                }
            }
            if d.file.is_none() && d.span.is_some() {
                // A position without a file is in the root file.
                d.file = source.files().first().map(|f| f.to_string());
            }
            d
        })
        .collect();
    out.sort_by_cached_key(|d| (source.order(d.file.as_deref()), d.span, d.message.clone()));
    out.dedup();
    summarize_repeats(out)
}

/// How many times the same problem (severity, message and hint) is shown before the rest of its
/// occurrences are summarized in one line.
const REPEATS_SHOWN: usize = 3;

/// Keeps the first [`REPEATS_SHOWN`] occurrences of each problem; the next one stands for all the
/// others, saying how many there are and up to which line.
fn summarize_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut occurrences: HashMap<(Severity, &str, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let key = (d.severity, d.message.as_str(), d.hint.as_deref());
        occurrences.entry(key).or_default().push(i);
    }
    let mut keep = vec![true; diagnostics.len()];
    let mut summaries: HashMap<usize, String> = HashMap::new();
    for at in occurrences.values() {
        if at.len() <= REPEATS_SHOWN + 1 {
            continue;
        }
        let more = at.len() - REPEATS_SHOWN;
        let (shown, last) = (
            &diagnostics[at[REPEATS_SHOWN]],
            &diagnostics[at[at.len() - 1]],
        );
        let summary = match last.span {
            Some(span) if last.file != shown.file => format!(
                "the same problem {more} more times, up to line {} of {}",
                span.line,
                escape_controls(last.file.as_deref().unwrap_or_default())
            ),
            Some(span) => format!(
                "the same problem {more} more times, up to line {}",
                span.line
            ),
            None => format!("the same problem {more} more times"),
        };
        summaries.insert(at[REPEATS_SHOWN], summary);
        for &i in &at[REPEATS_SHOWN + 1..] {
            keep[i] = false;
        }
    }
    diagnostics
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(i, mut d)| {
            if let Some(summary) = summaries.remove(&i) {
                d.hint = Some(summary);
            }
            d
        })
        .collect()
}

/// One line per problem: `FILE:LINE:COL: error: ...`, FILE being the file the problem is in.
impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", Located(d, self.file.as_deref()))?;
        }
        Ok(())
    }
}

/// Text from the spec as a message shows it: in single quotes, with quotes, backslashes, line
/// breaks, control characters (an ANSI escape) and bidirectional overrides escaped, so a name can
/// neither forge another line nor drive the terminal. Every message quotes spec text through this.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    push_escaped(&mut out, text, true, true);
    out.push('\'');
    out
}

/// Text from the spec without quotes (a key path): backslashes, line breaks and control
/// characters escaped as in [`quote`].
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text, true, false);
    out
}

/// A message's own text with only line breaks and control characters escaped: what [`quote`]
/// already escaped is left as it is.
fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text, false, false);
    out.into()
}

/// Characters that could break a line or change how a terminal shows what follows: control
/// characters (C0, DEL, C1), Unicode line separators and bidirectional formatting characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn push_escaped(out: &mut String, text: &str, backslash: bool, quote: bool) {
    for c in text.chars() {
        match c {
            '\\' if backslash => out.push_str("\\\\"),
            '\'' if quote => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
}

/// How many names of the spec a hint lists before saying how many more there are.
const NAMES_LISTED: usize = 10;

/// Names declared in the spec, for a hint: `raw, models`, at most [`NAMES_LISTED`] of them, then
/// `and 3990 more`.
pub(crate) fn listing(names: &[&str]) -> String {
    let mut out: Vec<String> = names.iter().take(NAMES_LISTED).map(|n| escape(n)).collect();
    if names.len() > NAMES_LISTED {
        out.push(format!("and {} more", names.len() - NAMES_LISTED));
    }
    out.join(", ")
}

/// Past this many known names, no typo is guessed (the hint lists names instead): comparing every
/// unknown name with every known one would cost more than a guess is worth.
const MAX_GUESS_AMONG: usize = 1_000;

/// Suggests the closest of `known` to `wanted`, when one is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let known = known.into_iter();
    if known.size_hint().0 > MAX_GUESS_AMONG {
        return None;
    }
    let wanted: Vec<char> = wanted.chars().collect();
    let limit = (wanted.len() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut candidate = Vec::new();
    for k in known {
        // Cheap bounds first: a name whose length differs by more than the limit is no typo.
        if k.len() + limit < wanted.len() || k.len() > (wanted.len() + limit) * 4 {
            continue;
        }
        candidate.clear();
        candidate.extend(k.chars());
        if candidate.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        let bound = best.map_or(limit, |(d, _)| d.saturating_sub(1));
        if let Some(d) = edit_distance(&wanted, &candidate, bound) {
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, k));
            }
        }
    }
    best.map(|(_, k)| k)
}

/// The hint for an unknown name: `did you mean 'raw'?` when one of `known` is a likely typo of
/// `wanted`, else `otherwise(known)`.
pub(crate) fn hint_unknown(
    wanted: &str,
    known: &[&str],
    otherwise: impl FnOnce(&[&str]) -> String,
) -> String {
    match did_you_mean(wanted, known.iter().copied()) {
        Some(s) => format!("did you mean {}?", quote(s)),
        None => otherwise(known),
    }
}

/// Damerau-Levenshtein distance (optimal string alignment), so `rwa` is one step from `raw`; `None`
/// as soon as it is certain to exceed `limit`. Three rows of memory, whatever the lengths.
fn edit_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|d| *d <= limit)
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
    fn spec_text_is_quoted_and_escaped() {
        assert_eq!(quote("raw"), "'raw'");
        assert_eq!(quote("a'b\\c"), r"'a\'b\\c'");
        assert_eq!(quote("x\ny\u{1b}[2J\u{202e}"), r"'x\ny\u{1b}[2J\u{202e}'");
        assert_eq!(escape("services.a\nb"), r"services.a\nb");
        assert_eq!(escape_controls(r"'x\ny' and \"), r"'x\ny' and \");
        let names: Vec<String> = (0..12).map(|i| format!("b{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(listing(&names[..2]), "b0, b1");
        assert!(listing(&names).ends_with("b9, and 2 more"));
    }

    #[test]
    fn the_same_problem_is_summarized() {
        let d = |line| {
            let mut d = Diagnostic::error(Span::new(line, 1), "unknown bucket 'x'");
            d.hint = Some("declare it".into());
            d
        };
        let out = locate((1..=10).map(d).collect(), &SourceMap::default());
        let hints: Vec<_> = out.iter().map(|d| d.hint.clone().unwrap()).collect();
        assert_eq!(hints.len(), 4);
        assert_eq!(hints[3], "the same problem 7 more times, up to line 10");
        let four = locate((1..=4).map(d).collect(), &SourceMap::default());
        assert!(four.iter().all(|d| d.hint.as_deref() == Some("declare it")));
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
