//! Diagnostics: one problem, where it is, and what to do about it.
//!
//! Every problem iamgen finds in a spec becomes a [`Diagnostic`] with a line and column; a
//! [`SpecError`] carries all of a file's problems together so a user fixes them in one round.

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
pub enum Severity {
    /// The spec cannot be generated.
    Error,
    /// The spec generates, but widens access in a way a reviewer should see; `--strict` refuses it.
    Warning,
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the spec.
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The key path, such as `services.predict.grants[1]`, when there is one.
    pub path: Option<String>,
    /// What to try, when iamgen can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span,
            message: message.into(),
            path: None,
            hint: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Names the key path the problem is at.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        if !path.is_empty() {
            self.path = Some(path);
        }
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `LINE:COL: error: MESSAGE in PATH; HINT` (the file name is added by [`SpecError`]).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {severity}: {}",
            self.span.line, self.span.column, self.message
        )?;
        if let Some(path) = &self.path {
            write!(f, " in {path}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in one spec file, in the order they appear in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecError {
    /// The file name shown before each problem.
    pub file: String,
    /// The problems, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    /// Collects `diagnostics` for `file`, sorted by position, duplicates removed.
    pub fn new(file: impl Into<String>, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
        diagnostics.dedup();
        SpecError {
            file: file.into(),
            diagnostics,
        }
    }
}

/// One line per problem: `FILE:LINE:COL: error: ...`.
impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{d}", self.file)?;
        }
        Ok(())
    }
}

/// Suggests the closest of `known` to `wanted`, when one is close enough to be a typo.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(wanted, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
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
    }

    #[test]
    fn display_has_file_line_column_path_and_hint() {
        let e = SpecError::new(
            "iamgen.yaml",
            vec![Diagnostic::error(Span::new(12, 7), "unknown bucket 'rwa'")
                .at("services.predict.grants[1]")
                .with_hint("did you mean 'raw'?")],
        );
        assert_eq!(
            e.to_string(),
            "iamgen.yaml:12:7: error: unknown bucket 'rwa' in services.predict.grants[1]; did you mean 'raw'?"
        );
    }
}
