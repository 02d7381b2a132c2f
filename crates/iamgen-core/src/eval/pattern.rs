//! Policy strings: literal text, the `*` and `?` wildcards, and policy variables; and the three
//! ways AWS matches them (actions, resources, ARN conditions).

use std::fmt;

/// A part of a policy string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// `*`: any run of characters.
    Star,
    /// `?`: any one character.
    Question,
    /// `${key}` or `${key, 'default'}`.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// Why a policy string is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// `${` without its `}`.
    UnterminatedVariable,
    /// `${}` or a default that is not `'quoted'`.
    BadVariable(String),
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::UnterminatedVariable => f.write_str("'${' without a closing '}'"),
            PatternError::BadVariable(v) => write!(
                f,
                "malformed policy variable '${{{v}}}' (write ${{key}} or ${{key, 'default'}})"
            ),
        }
    }
}

/// A policy string, parsed once when the policy is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    raw: String,
    pieces: Vec<Piece>,
}

/// A resolved token: a character to match literally or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Ch(char),
    Star,
    One,
}

/// A variable with no value in the request context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// The key is not in the request context.
    Missing(String),
    /// The key has several values; AWS does not allow multivalued keys as policy variables
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).
    Multivalued(String),
}

impl Pattern {
    /// Parses `raw`. With `wildcards`, `*` and `?` are wildcards; with `variables` (policy
    /// language version `2012-10-17`), `${...}` is a policy variable, `${*}`, `${?}` and `${$}` the
    /// literal characters
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).
    pub(crate) fn parse(
        raw: &str,
        wildcards: bool,
        variables: bool,
    ) -> Result<Pattern, PatternError> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                let end = rest.find('}').ok_or(PatternError::UnterminatedVariable)?;
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                match inner {
                    "*" | "?" | "$" => text.push_str(inner),
                    _ => {
                        flush(&mut text, &mut pieces);
                        pieces.push(parse_variable(inner)?);
                    }
                }
                continue;
            }
            rest = &rest[c.len_utf8()..];
            match c {
                '*' if wildcards => {
                    flush(&mut text, &mut pieces);
                    pieces.push(Piece::Star);
                }
                '?' if wildcards => {
                    flush(&mut text, &mut pieces);
                    pieces.push(Piece::Question);
                }
                _ => text.push(c),
            }
        }
        flush(&mut text, &mut pieces);
        Ok(Pattern {
            raw: raw.to_string(),
            pieces,
        })
    }

    /// The string as written in the policy.
    pub(crate) fn raw(&self) -> &str {
        &self.raw
    }

    pub(crate) fn has_variables(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var { .. }))
    }

    /// How many literal `:` precede the first variable (`None` without variables): a `Resource`
    /// may use variables only after the fifth colon.
    pub(crate) fn colons_before_first_variable(&self) -> Option<usize> {
        let mut colons = 0;
        for p in &self.pieces {
            match p {
                Piece::Text(t) => colons += t.matches(':').count(),
                Piece::Var { .. } => return Some(colons),
                Piece::Star | Piece::Question => {}
            }
        }
        None
    }

    /// The literal colons outside variables.
    pub(crate) fn literal_colons(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.matches(':').count(),
                _ => 0,
            })
            .sum()
    }

    /// Substitutes the variables from the request context (`lookup` is case-insensitive on the
    /// key). A variable with no value takes its default, if any; a substituted value is literal
    /// text, never a wildcard.
    pub(crate) fn resolve<'a>(
        &self,
        lookup: impl Fn(&str) -> Option<&'a [String]>,
    ) -> Result<Vec<Tok>, Unresolved> {
        let mut out = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.extend(t.chars().map(Tok::Ch)),
                Piece::Star => out.push(Tok::Star),
                Piece::Question => out.push(Tok::One),
                Piece::Var { key, default } => {
                    let value = match lookup(key) {
                        Some([one]) => one.as_str(),
                        Some([_, _, ..]) => return Err(Unresolved::Multivalued(key.clone())),
                        Some([]) | None => match default {
                            Some(d) => d.as_str(),
                            None => return Err(Unresolved::Missing(key.clone())),
                        },
                    };
                    out.extend(value.chars().map(Tok::Ch));
                }
            }
        }
        Ok(out)
    }
}

fn flush(text: &mut String, pieces: &mut Vec<Piece>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

/// `key` or `key, 'default'`.
fn parse_variable(inner: &str) -> Result<Piece, PatternError> {
    let bad = || PatternError::BadVariable(inner.to_string());
    let (key, default) = match inner.split_once(',') {
        None => (inner.trim(), None),
        Some((key, default)) => {
            let d = default.trim();
            let quoted = d
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .ok_or_else(bad)?;
            (key.trim(), Some(quoted.to_string()))
        }
    };
    if key.is_empty() || key.contains(['{', '$']) {
        return Err(bad());
    }
    Ok(Piece::Var {
        key: key.to_string(),
        default,
    })
}

/// Three-valued match: AWS documents a match, documents no match, or is silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    /// Only a reading AWS does not document matches; the evaluator takes the side that cannot
    /// wrongly allow.
    Unsure,
}

impl Tri {
    pub(crate) fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unsure => Tri::Unsure,
        }
    }

    /// The best of several alternatives (a list of values is an OR).
    pub(crate) fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::Unsure, _) | (_, Tri::Unsure) => Tri::Unsure,
            _ => Tri::No,
        }
    }
}

/// A matcher token: a character, or a wildcard that may or may not consume `:`.
#[derive(Debug, Clone, Copy)]
enum M {
    Ch(char),
    One { colon: bool },
    Many { colon: bool },
}

/// Dynamic-programming glob: linear memory, `O(pattern × text)` time, no recursion, so no input
/// can blow the stack or take exponential time.
fn glob(pattern: &[M], text: &[char], fold_ascii: bool) -> bool {
    let n = text.len();
    let mut row = vec![false; n + 1];
    row[0] = true;
    let mut next = vec![false; n + 1];
    for tok in pattern {
        match *tok {
            M::Many { colon } => {
                next[0] = row[0];
                for j in 1..=n {
                    next[j] = row[j] || (next[j - 1] && (colon || text[j - 1] != ':'));
                }
            }
            M::One { colon } => {
                next[0] = false;
                for j in 1..=n {
                    next[j] = row[j - 1] && (colon || text[j - 1] != ':');
                }
            }
            M::Ch(c) => {
                next[0] = false;
                for j in 1..=n {
                    let t = text[j - 1];
                    let eq = if fold_ascii {
                        c.eq_ignore_ascii_case(&t)
                    } else {
                        c == t
                    };
                    next[j] = row[j - 1] && eq;
                }
            }
        }
        std::mem::swap(&mut row, &mut next);
    }
    row[n]
}

fn free(toks: &[Tok]) -> Vec<M> {
    toks.iter()
        .map(|t| match *t {
            Tok::Ch(c) => M::Ch(c),
            Tok::Star => M::Many { colon: true },
            Tok::One => M::One { colon: true },
        })
        .collect()
}

/// A string glob (`StringLike`, `Action`): `*` is any run of characters, `?` any one character.
pub(crate) fn like(toks: &[Tok], text: &str, fold_ascii: bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    glob(&free(toks), &text, fold_ascii)
}

/// Tokens as plain text (for operators without wildcards).
pub(crate) fn literal(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Ch(c) => *c,
            Tok::Star => '*',
            Tok::One => '?',
        })
        .collect()
}

/// `Resource` matching, case-sensitive
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards>):
/// wildcards work within the colon-separated segments of an ARN, a `*` that is the last character
/// of its segment may match beyond the colons, and `*` matches `/` like any other character.
///
/// AWS says nothing of a `*` in the middle of a segment, or of `?`, matching a `:`; such a match
/// is [`Tri::Unsure`].
pub(crate) fn resource(toks: &[Tok], text: &str) -> Tri {
    let text: Vec<char> = text.chars().collect();
    let strict: Vec<M> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| match *t {
            Tok::Ch(c) => M::Ch(c),
            Tok::One => M::One { colon: false },
            Tok::Star => M::Many {
                colon: matches!(toks.get(i + 1), None | Some(Tok::Ch(':'))),
            },
        })
        .collect();
    if glob(&strict, &text, false) {
        Tri::Yes
    } else if glob(&free(toks), &text, false) {
        Tri::Unsure
    } else {
        Tri::No
    }
}

/// Splits at the first five colons: the six components of an ARN, the last keeping its colons.
fn split6<T: Copy>(items: &[T], is_colon: impl Fn(T) -> bool) -> Option<Vec<&[T]>> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (i, it) in items.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if is_colon(*it) {
            parts.push(&items[start..i]);
            start = i + 1;
        }
    }
    if parts.len() < 5 {
        return None;
    }
    parts.push(&items[start..]);
    Some(parts)
}

/// `ArnEquals`/`ArnLike`: case-sensitive, each of the six colon-delimited components matched on
/// its own, each with `*` and `?`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>).
/// `None` when the pattern or the value is not an ARN of six components.
pub(crate) fn arn_like(toks: &[Tok], text: &str) -> Option<bool> {
    let text: Vec<char> = text.chars().collect();
    let pat = split6(toks, |t| t == Tok::Ch(':'))?;
    let val = split6(&text, |c| c == ':')?;
    Some(pat.iter().zip(&val).all(|(p, v)| glob(&free(p), v, false)))
}

/// Whether `text` has the six components of an ARN.
pub(crate) fn is_arn(text: &str) -> bool {
    text.starts_with("arn:") && text.matches(':').count() >= 5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(p: &str) -> Vec<Tok> {
        Pattern::parse(p, true, true)
            .unwrap()
            .resolve(|_| None)
            .unwrap()
    }

    #[test]
    fn variables_parse_with_defaults_and_specials() {
        let p = Pattern::parse("a/${aws:username}/${x, 'anon'}/${*}${?}${$}", true, true).unwrap();
        assert!(p.has_variables());
        let ctx = [("aws:username".to_string(), vec!["bob".to_string()])];
        let got = p
            .resolve(|k| {
                ctx.iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.as_slice())
            })
            .unwrap();
        assert_eq!(literal(&got), "a/bob/anon/*?$");
        // The special variables are literal characters, never wildcards.
        assert!(got.iter().all(|t| matches!(t, Tok::Ch(_))));
        assert_eq!(
            Pattern::parse("${aws:username", true, true),
            Err(PatternError::UnterminatedVariable)
        );
        assert!(Pattern::parse("${x, anon}", true, true).is_err());
        assert!(Pattern::parse("${}", true, true).is_err());
        // Without the 2012-10-17 version, `${...}` is plain text.
        let old = Pattern::parse("${aws:username}", true, false).unwrap();
        assert!(!old.has_variables());
    }

    #[test]
    fn missing_and_multivalued_variables() {
        let p = Pattern::parse("${aws:PrincipalTag/team}", false, true).unwrap();
        assert_eq!(
            p.resolve(|_| None),
            Err(Unresolved::Missing("aws:PrincipalTag/team".into()))
        );
        let two = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            p.resolve(|_| Some(&two)),
            Err(Unresolved::Multivalued("aws:PrincipalTag/team".into()))
        );
    }

    #[test]
    fn like_is_a_plain_glob() {
        assert!(like(&toks("iam:*AccessKey*"), "iam:CreateAccessKey", true));
        assert!(like(
            &toks("IAM:createaccesskey"),
            "iam:CreateAccessKey",
            true
        ));
        assert!(!like(&toks("home/?"), "home/ab", false));
        assert!(like(&toks("home/??"), "home/ab", false));
        assert!(like(&toks(""), "", false));
        assert!(!like(&toks(""), "x", false));
        assert!(like(&toks("*"), "", false));
        // Pathological patterns stay polynomial.
        let p = "*a".repeat(40);
        assert!(!like(&toks(&p), &"a".repeat(39), false));
    }
}
