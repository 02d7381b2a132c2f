//! The policy IR: statements as iamgen builds them, before any writer sees them.
//!
//! Both the Terraform writer and the JSON export render from these types, so the two outputs cannot
//! disagree. This module also holds what AWS's size limits ask of a set of statements: merging the
//! ones that share actions and conditions, measuring documents exactly as IAM counts them, and
//! splitting a role's permissions across as many managed policies as needed.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::aws::limits::MANAGED_POLICY_MAX;
use crate::aws::{conditions_json, Condition, Segment, Template, Values};
use crate::diag::{SourceMap, Span};
use crate::grants::GrantKind;

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Statement {
    /// The statement id, unique within its document.
    pub sid: String,
    /// Full action names (`s3:GetObject`), sorted, never a wildcard.
    pub actions: Vec<String>,
    /// Resource ARNs, or exactly one `*` for actions that accept no resource.
    pub resources: Vec<Template>,
    /// Conditions, all of which must hold.
    pub conditions: Vec<Condition>,
    /// Reasons a user gave for accepting a finding on the grant; written beside the statement.
    pub notes: Vec<String>,
    /// Why iamgen writes the statement this way, when it is not what a reader expects (a
    /// region-wide role): written beside the statement, with its AWS source.
    pub why: Option<&'static str>,
    /// The spec paths of the grants merged into this statement, for reviewers.
    pub sources: Vec<String>,
    /// The grant this statement comes from (the first, when several were merged).
    pub origin: Origin,
}

/// Where a statement comes from: a grant in the spec, or one the service kind implies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Origin {
    /// The grant.
    pub grant: GrantKind,
    /// The spec path of the grant (`services.predict.grants[0]`), or of the service for implied ones.
    pub path: String,
    /// True when the service kind implies the grant (a Lambda writing its own log group).
    pub implied: bool,
    /// Where `path` is written in the spec (for a spec read from YAML): its line and column.
    pub span: Option<Span>,
    /// The file `path` is written in (for a spec read from YAML): the root file or one it
    /// includes.
    pub file: Option<Arc<str>>,
}

impl Origin {
    /// Gives the origin the file, line and column of its path in `source`.
    pub(crate) fn locate(&mut self, source: &SourceMap) {
        (self.file, self.span) = source.key_at(&self.path);
    }

    /// True for a statement written by hand in the spec (a service's `statements:`) rather than
    /// built from a grant; writers that list hand-written statements for reviewers (the docs) ask
    /// this.
    pub fn is_hand_written(&self) -> bool {
        self.grant == GrantKind::Statements
    }
}

impl Statement {
    /// The statement as IAM JSON, with deploy-time values substituted.
    pub fn to_json(&self, values: &Values) -> Value {
        let resources: Vec<Value> = self
            .resources
            .iter()
            .map(|r| Value::String(r.resolve(values)))
            .collect();
        let mut s = Map::new();
        s.insert("Sid".into(), json!(self.sid));
        s.insert("Effect".into(), json!("Allow"));
        s.insert("Action".into(), json!(self.actions));
        s.insert("Resource".into(), Value::Array(resources));
        if !self.conditions.is_empty() {
            s.insert(
                "Condition".into(),
                conditions_json(&self.conditions, values),
            );
        }
        Value::Object(s)
    }
}

#[cfg(test)]
impl Statement {
    /// A statement from an explicit `s3.read` grant at no position, for unit tests.
    pub(crate) fn for_test(
        sid: &str,
        actions: &[&str],
        resources: Vec<Template>,
        conditions: Vec<Condition>,
    ) -> Statement {
        Statement {
            sid: sid.into(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources,
            conditions,
            notes: vec![],
            why: None,
            sources: vec![],
            origin: Origin {
                grant: GrantKind::S3Read,
                path: String::new(),
                implied: false,
                span: None,
                file: None,
            },
        }
    }
}

/// A resource-based permission on a Lambda function (`aws_lambda_permission`), for callers whose
/// access AWS checks on the function's side.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LambdaPermission {
    /// A label unique within the service, such as `predict` (the function's service).
    pub label: String,
    /// The statement id in the function's policy, unique per caller: `iamgen-engagement-api-dev`.
    pub statement_id: String,
    /// The action allowed, `lambda:InvokeFunction`.
    pub action: String,
    /// The function's name.
    pub function_name: String,
    /// The calling service principal.
    pub principal: &'static str,
    /// The ARN of the calling resource.
    pub source_arn: Template,
    /// Whether to pin the caller's account too.
    pub source_account: bool,
    /// Where the grant is written.
    pub origin: Origin,
}

/// An OpenSearch Serverless data access policy (`aws_opensearchserverless_access_policy`, type
/// `data`) naming one of the service's roles: a collection serves only the principals its data
/// access policies name, whatever IAM allows
/// (<https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-data-access.html>).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataAccessPolicy {
    /// A label unique within the service.
    pub label: String,
    /// The policy's name (3 to 32 lowercase letters, digits and `-`).
    pub name: String,
    /// The collection's name.
    pub collection: String,
    /// The permissions on the collection's indexes.
    pub permissions: Vec<&'static str>,
    /// The role the policy names.
    pub role: crate::kinds::RolePurpose,
    /// Where the grant is written.
    pub origin: Origin,
    /// The AWS page with this policy.
    pub source: &'static str,
}

/// A managed policy's statements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Document {
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

impl Document {
    /// The document as IAM JSON.
    pub fn to_json(&self, values: &Values) -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": self.statements.iter().map(|s| s.to_json(values)).collect::<Vec<_>>(),
        })
    }

    /// The size IAM counts against its limits: characters of the JSON, whitespace excluded,
    /// computed with the longest partition, region and account, and 32-character ids, so the
    /// real document is never larger.
    pub fn size(&self) -> usize {
        let sizer = Sizer::new();
        let statements: usize = self.statements.iter().map(|s| sizer.statement(s)).sum();
        EMPTY_DOCUMENT_SIZE + statements + self.statements.len().saturating_sub(1)
    }
}

impl Statement {
    /// The statement's share of a document's size (see [`Document::size`]): IAM's count is additive,
    /// plus one comma between statements.
    pub fn size(&self) -> usize {
        Sizer::new().statement(self)
    }
}

/// Characters of `value` as compact JSON, whitespace excluded, as IAM counts policy size. The JSON
/// is counted as it is written, not kept.
pub(crate) fn size_of(value: &Value) -> usize {
    let mut counter = Counter::default();
    serde_json::to_writer(&mut counter, value).expect("a JSON value serializes");
    debug_assert!(
        counter.pending.is_empty(),
        "serde_json writes whole characters"
    );
    counter.count
}

/// Counts the characters written to it that are not whitespace.
#[derive(Default)]
struct Counter {
    count: usize,
    /// The start of a character whose other bytes have not been written yet.
    pending: Vec<u8>,
}

impl Counter {
    fn count_text(&mut self, text: &str) {
        self.count += text.chars().filter(|c| !c.is_whitespace()).count();
    }
}

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() && buf.is_ascii() {
            // ASCII whitespace as `char::is_whitespace` has it (vertical tab included).
            let space = |b: &&u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
            self.count += buf.len() - buf.iter().filter(space).count();
            return Ok(buf.len());
        }
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), buf].concat();
            &joined
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => self.count_text(text),
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                self.count_text(std::str::from_utf8(valid).expect("checked"));
                match e.error_len() {
                    // A character cut between two writes: count it with the next one.
                    None => self.pending = rest.to_vec(),
                    // serde_json writes UTF-8; as `to_string` would, count what is not.
                    Some(_) => self.count_text(&String::from_utf8_lossy(rest)),
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `{"Version":"2012-10-17","Statement":[]}`, counted.
const EMPTY_DOCUMENT_SIZE: usize = 39;

/// IAM's count of a statement, computed from its parts without building its JSON: what
/// [`size_of`] counts of [`Statement::to_json`] with the longest deploy-time values and every input
/// standing in as [`Values::INPUT_STAND_IN_LEN`] characters. Compact JSON has whitespace only
/// inside strings, so the count is its punctuation plus its escaped strings.
struct Sizer {
    partition: usize,
    region: usize,
    account: usize,
    dns_suffix: usize,
}

impl Sizer {
    /// The sizer (its lengths are taken from [`Values::longest`] once per process).
    fn new() -> &'static Sizer {
        static SIZER: std::sync::OnceLock<Sizer> = std::sync::OnceLock::new();
        SIZER.get_or_init(|| {
            let longest = Values::longest();
            Sizer {
                partition: text_size(&longest.partition),
                region: text_size(&longest.region),
                account: text_size(&longest.account),
                dns_suffix: text_size(longest.dns_suffix()),
            }
        })
    }

    /// The whole statement.
    fn statement(&self, s: &Statement) -> usize {
        self.without_resources(s) + list_size(s.resources.iter().map(|r| self.template(r)))
    }

    /// The statement but its `Resource` list (the key is counted).
    fn without_resources(&self, s: &Statement) -> usize {
        let mut size = 2 // { }
            + key_size("Sid")
            + str_size(&s.sid)
            + 1
            + key_size("Effect")
            + str_size("Allow")
            + 1
            + key_size("Action")
            + list_size(s.actions.iter().map(|a| str_size(a)))
            + 1
            + key_size("Resource");
        if !s.conditions.is_empty() {
            size += 1 + key_size("Condition") + self.conditions(&s.conditions);
        }
        size
    }

    /// `{"TEST": {"VARIABLE": [values]}}` as [`conditions_json`] builds it: one entry per test, one
    /// per variable of a test, with the values of the last condition on that test and variable.
    fn conditions(&self, conditions: &[Condition]) -> usize {
        let mut tests = (0, 0);
        for (i, c) in conditions.iter().enumerate() {
            if conditions[..i].iter().any(|d| d.test == c.test) {
                continue;
            }
            let mut variables = (0, 0);
            for (j, d) in conditions.iter().enumerate() {
                let same = |e: &&Condition| e.test == d.test && e.variable == d.variable;
                if d.test != c.test || conditions[..j].iter().any(|e| same(&e)) {
                    continue;
                }
                let last = conditions.iter().rfind(same).expect("d itself");
                let values = list_size(last.values.iter().map(|v| self.template(v)));
                variables = add(variables, key_size(&d.variable) + values);
            }
            tests = add(tests, key_size(&c.test) + collection_size(variables));
        }
        collection_size(tests)
    }

    /// A resolved template, as a JSON string.
    fn template(&self, t: &Template) -> usize {
        let text: usize = t
            .segments()
            .iter()
            .map(|s| match s {
                Segment::Text(text) => text_size(text),
                Segment::Partition => self.partition,
                Segment::Region => self.region,
                Segment::Account => self.account,
                Segment::DnsSuffix => self.dns_suffix,
                Segment::Input(_) => Values::INPUT_STAND_IN_LEN,
            })
            .sum();
        2 + text
    }
}

/// Characters of `text` inside a JSON string, whitespace excluded: `"` and `\` are escaped with a
/// backslash, control characters as `\n`-style pairs or `\u00XX` (never whitespace once escaped).
fn text_size(text: &str) -> usize {
    if text
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        return text.len();
    }
    text.chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\t' | '\n' | '\u{c}' | '\r' => 2,
            c if c < ' ' => 6,
            c if c.is_whitespace() => 0,
            _ => 1,
        })
        .sum()
}

/// A JSON string.
fn str_size(text: &str) -> usize {
    2 + text_size(text)
}

/// `"key":`.
fn key_size(key: &str) -> usize {
    str_size(key) + 1
}

/// `[a,b,c]` (or `{...}`) of items of these sizes.
fn list_size(items: impl Iterator<Item = usize>) -> usize {
    collection_size(items.fold((0, 0), add))
}

/// Counts items: (how many, their total size).
fn add((count, sum): (usize, usize), size: usize) -> (usize, usize) {
    (count + 1, sum + size)
}

/// Brackets and commas around `count` items of total size `sum`.
fn collection_size((count, sum): (usize, usize)) -> usize {
    2 + sum + count.saturating_sub(1)
}

/// Merges statements that have the same actions and conditions into one, with the union of their
/// resources (first-seen order), and makes every Sid unique. Order is otherwise kept.
pub(crate) fn merge(statements: Vec<Statement>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for s in statements {
        if let Some(into) = out
            .iter_mut()
            .find(|o| o.actions == s.actions && o.conditions == s.conditions)
        {
            for r in s.resources {
                if !into.resources.contains(&r) {
                    into.resources.push(r);
                }
            }
            for n in s.notes {
                if !into.notes.contains(&n) {
                    into.notes.push(n);
                }
            }
            for n in s.sources {
                if !into.sources.contains(&n) {
                    into.sources.push(n);
                }
            }
        } else {
            out.push(s);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for s in &mut out {
        let base = s.sid.clone();
        let mut n = 1;
        while !seen.insert(s.sid.clone()) {
            n += 1;
            s.sid = format!("{base}{n}");
        }
    }
    out
}

/// A statement too large for any managed policy on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OversizedStatement {
    /// Its Sid.
    pub(crate) sid: String,
    /// Its size in a document of its own.
    pub(crate) size: usize,
}

/// Splits statements, in order, into as few documents as fit [`MANAGED_POLICY_MAX`] each, filling
/// one before starting the next, so names and contents are stable as a spec grows at the end. A
/// statement too large for a document on its own is first cut into parts by resources (`Sid`,
/// `SidPart2`, ...); only a statement whose single resource does not fit is an error.
pub(crate) fn split(statements: Vec<Statement>) -> Result<Vec<Document>, OversizedStatement> {
    let sizer = Sizer::new();
    let empty = EMPTY_DOCUMENT_SIZE;
    let room = MANAGED_POLICY_MAX - empty;
    let mut parts: Vec<(Statement, usize)> = Vec::with_capacity(statements.len());
    for s in statements {
        let size = sizer.statement(&s);
        if size <= room {
            parts.push((s, size));
        } else {
            cut(s, room, sizer, &mut parts)?;
        }
    }
    let mut docs: Vec<Document> = Vec::new();
    let mut current = Document::default();
    let mut current_size = empty;
    for (s, size) in parts {
        let comma = usize::from(!current.statements.is_empty());
        if current_size + comma + size > MANAGED_POLICY_MAX {
            docs.push(std::mem::take(&mut current));
            current_size = empty;
        }
        current_size += usize::from(!current.statements.is_empty()) + size;
        current.statements.push(s);
    }
    if !current.statements.is_empty() || docs.is_empty() {
        docs.push(current);
    }
    Ok(docs)
}

/// Cuts a statement into parts of at most `room` characters, keeping resources in order, and
/// appends them to `out` with their sizes. Each resource is measured once: a part's size is that
/// of the statement without resources, plus its resources and the commas between them.
fn cut(
    mut s: Statement,
    room: usize,
    sizer: &Sizer,
    out: &mut Vec<(Statement, usize)>,
) -> Result<(), OversizedStatement> {
    let resources = std::mem::take(&mut s.resources);
    // The statement with an empty resource list, `[]`; each resource adds its size and a comma.
    let base = sizer.statement(&s);
    let first = out.len();
    let mut part = s.clone();
    let mut size = base;
    for r in resources {
        let r_size = sizer.template(&r);
        let grown = size + r_size + usize::from(!part.resources.is_empty());
        if grown <= room {
            part.resources.push(r);
            size = grown;
        } else if part.resources.is_empty() {
            return Err(OversizedStatement {
                sid: s.sid.clone(),
                size: base + r_size + MANAGED_POLICY_MAX - room,
            });
        } else {
            let next = Statement {
                resources: vec![r],
                ..s.clone()
            };
            out.push((std::mem::replace(&mut part, next), size));
            size = base + r_size;
        }
    }
    out.push((part, size));
    let sid = str_size(&s.sid);
    for (i, (p, size)) in out[first..].iter_mut().enumerate().skip(1) {
        p.sid = format!("{}Part{}", s.sid, i + 1);
        *size = *size - sid + str_size(&p.sid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The values [`Statement::size`] stood for before it was arithmetic: the longest deploy-time
    /// values, and every input of the statements as 32 characters.
    fn sizing_values(statements: &[Statement]) -> Values {
        let mut values = Values::longest();
        for s in statements {
            let templates = s
                .resources
                .iter()
                .chain(s.conditions.iter().flat_map(|c| &c.values));
            for input in templates.flat_map(|t| t.inputs()) {
                values
                    .inputs
                    .insert(input.to_string(), "x".repeat(Values::INPUT_STAND_IN_LEN));
            }
        }
        values
    }

    /// IAM's count of a JSON value, on its text: what `size_of` did before it counted as it wrote.
    fn json_count(value: &Value) -> usize {
        value
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }

    /// A statement's size counted on its JSON, as it was before the arithmetic.
    fn json_size(s: &Statement) -> usize {
        json_count(&s.to_json(&sizing_values(std::slice::from_ref(s))))
    }

    /// Characters that JSON escapes or that IAM does not count: quotes, backslashes, control
    /// characters with and without short escapes, ASCII and Unicode whitespace, non-ASCII.
    const CHARS: &[char] = &[
        'a', 'Z', '0', '*', '/', ':', '$', '{', '}', ' ', '"', '\\', '\n', '\t', '\r', '\u{8}',
        '\u{b}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
        'é', '✓', '😀',
    ];

    fn text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(CHARS), 0..max)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn template() -> impl Strategy<Value = Template> {
        let segment = prop_oneof![
            text(6).prop_map(Segment::Text),
            Just(Segment::Partition),
            Just(Segment::Region),
            Just(Segment::Account),
            prop::sample::select(vec!["api_id", "agent_id", "p\"ath"])
                .prop_map(|n| Segment::Input(n.to_string())),
        ];
        prop::collection::vec(segment, 0..5).prop_map(Template::from)
    }

    fn condition() -> impl Strategy<Value = Condition> {
        (
            prop::sample::select(vec!["StringEquals", "ArnLike", "Str\"ing\tEquals"]),
            prop::sample::select(vec!["aws:SourceArn", "iam:PassedToService", "k\\ey é"]),
            prop::collection::vec(template(), 0..3),
        )
            .prop_map(|(test, variable, values)| Condition {
                test: test.into(),
                variable: variable.into(),
                values,
            })
    }

    fn statement() -> impl Strategy<Value = Statement> {
        (
            text(8),
            prop::collection::vec(text(8), 0..4),
            prop::collection::vec(template(), 0..6),
            prop::collection::vec(condition(), 0..5),
        )
            .prop_map(|(sid, actions, resources, conditions)| {
                let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
                Statement::for_test(&sid, &actions, resources, conditions)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// The arithmetic is IAM's count of the JSON, for statements full of characters JSON
        /// escapes and whitespace IAM does not count, repeated conditions included.
        #[test]
        fn sizes_are_the_json_counts(statements in prop::collection::vec(statement(), 0..6)) {
            for s in &statements {
                prop_assert_eq!(s.size(), json_size(s), "{:?}", s);
            }
            let doc = Document { statements };
            let values = sizing_values(&doc.statements);
            let json = doc.to_json(&values);
            prop_assert_eq!(doc.size(), json_count(&json));
            prop_assert_eq!(size_of(&json), json_count(&json));
            prop_assert_eq!(EMPTY_DOCUMENT_SIZE, json_count(&Document::default().to_json(&values)));
        }
    }

    /// `split` as it was: every statement and part measured on its JSON.
    fn json_split(statements: Vec<Statement>) -> Result<Vec<Document>, OversizedStatement> {
        let empty = json_count(&Document::default().to_json(&Values::longest()));
        let room = MANAGED_POLICY_MAX - empty;
        let mut parts = Vec::new();
        for s in statements {
            if json_size(&s) <= room {
                parts.push(s);
                continue;
            }
            let mut s = s;
            let resources = std::mem::take(&mut s.resources);
            let mut cut: Vec<Statement> = Vec::new();
            let mut part = s.clone();
            for r in resources {
                part.resources.push(r);
                if json_size(&part) > room {
                    let r = part.resources.pop().unwrap();
                    if part.resources.is_empty() {
                        let alone = Statement {
                            resources: vec![r],
                            ..s.clone()
                        };
                        return Err(OversizedStatement {
                            sid: s.sid.clone(),
                            size: json_size(&alone) + MANAGED_POLICY_MAX - room,
                        });
                    }
                    let next = Statement {
                        resources: vec![r],
                        ..s.clone()
                    };
                    cut.push(std::mem::replace(&mut part, next));
                }
            }
            cut.push(part);
            for (i, p) in cut.iter_mut().enumerate().skip(1) {
                p.sid = format!("{}Part{}", s.sid, i + 1);
            }
            parts.extend(cut);
        }
        let mut docs: Vec<Document> = Vec::new();
        let mut current = Document::default();
        let mut current_size = empty;
        for s in parts {
            let size = json_size(&s);
            let comma = usize::from(!current.statements.is_empty());
            if current_size + comma + size > MANAGED_POLICY_MAX {
                docs.push(std::mem::take(&mut current));
                current_size = empty;
            }
            current_size += usize::from(!current.statements.is_empty()) + size;
            current.statements.push(s);
        }
        if !current.statements.is_empty() || docs.is_empty() {
            docs.push(current);
        }
        Ok(docs)
    }

    /// A statement with resources of these lengths (some with an input and escaped characters).
    fn sized(sid: &str, lengths: &[usize]) -> Statement {
        let resources = lengths
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let mut t = Template::text(format!("arn:\"{i}\\"));
                t.push(Segment::Input("id".into()));
                t.with_text(&"r".repeat(n))
            })
            .collect();
        Statement::for_test(sid, &["s3:GetObject"], resources, vec![])
    }

    /// Around every boundary: resources whose lengths step by one through the sizes where one,
    /// two or three of them exactly fill a policy (cuts tried at, just under and just over the
    /// limit), then a statement that fills the last document exactly, give or take two characters
    /// (the renamed parts' sizes and the commas between statements).
    #[test]
    fn split_is_the_json_sized_split_at_the_limits() {
        let room = MANAGED_POLICY_MAX - EMPTY_DOCUMENT_SIZE;
        let filler = json_size(&sized("F", &[0]));
        let mut tried = 0;
        for per_part in 1..=3 {
            // The first length at which `per_part` resources no longer fit.
            let (mut fits, mut over) = (0, room);
            while over - fits > 1 {
                let n = (fits + over) / 2;
                if json_size(&sized("S", &vec![n; per_part])) <= room {
                    fits = n;
                } else {
                    over = n;
                }
            }
            for n in over - 4..=over + 3 {
                for count in [per_part + 1, 2 * per_part + 1, 3 * per_part + 2] {
                    let cut = sized("S", &vec![n; count]);
                    let statements = vec![sized("A", &[n / 3]), cut.clone(), sized("B", &[n, 9])];
                    assert_eq!(split(statements.clone()), json_split(statements));
                    // Then one or two statements, the last filling the last document exactly,
                    // give or take two characters.
                    for before in [vec![cut.clone()], vec![cut.clone(), sized("G", &[7])]] {
                        let Ok(docs) = json_split(before.clone()) else {
                            continue;
                        };
                        let last = docs.last().unwrap();
                        let used = json_count(&last.to_json(&sizing_values(&last.statements)));
                        // A renamed part can be over the limit by its `PartN` (parts are measured
                        // before they are renamed, as they always were): nothing fits after it.
                        let free = MANAGED_POLICY_MAX.saturating_sub(used);
                        let Some(exact) = free.checked_sub(1 + filler) else {
                            continue;
                        };
                        for f in exact.saturating_sub(2)..=exact + 2 {
                            let mut statements = before.clone();
                            statements.push(sized("F", &[f]));
                            assert_eq!(split(statements.clone()), json_split(statements));
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert!(tried > 100, "{tried}");
    }

    proptest! {
        /// Splitting with arithmetic sizes gives the documents (and errors) that splitting with
        /// JSON sizes gave: statements that fit, statements cut into parts, resources too large
        /// alone, first or later.
        #[test]
        fn split_is_the_json_sized_split(
            shapes in prop::collection::vec(prop::collection::vec(0..7_000usize, 0..12), 1..10)
        ) {
            let statements: Vec<Statement> = shapes
                .iter()
                .enumerate()
                .map(|(i, lengths)| {
                    let lengths: Vec<usize> = lengths.iter().map(|&n| if n > 3_000 && n < 6_500 { n / 8 } else { n }).collect();
                    sized(&format!("S{i}"), &lengths)
                })
                .collect();
            prop_assert_eq!(split(statements.clone()), json_split(statements));
        }
    }

    fn stmt(sid: &str, actions: &[&str], resources: &[&str]) -> Statement {
        Statement::for_test(
            sid,
            actions,
            resources.iter().map(|r| Template::text(*r)).collect(),
            vec![],
        )
    }

    /// The counter counts characters cut between two writes once, and skips Unicode whitespace.
    #[test]
    fn the_counter_counts_characters_cut_between_writes() {
        use std::io::Write;
        let text = "a é\u{2028}✓😀\u{a0}b\u{b}\t";
        for cut in 0..=text.len() {
            let mut counter = Counter::default();
            counter.write_all(&text.as_bytes()[..cut]).unwrap();
            counter.write_all(&text.as_bytes()[cut..]).unwrap();
            assert_eq!(
                (counter.count, counter.pending.len()),
                (5, 0),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn size_is_counted_without_whitespace() {
        let doc = Document {
            statements: vec![stmt("A", &["s3:GetObject"], &["arn:aws:s3:::my bucket/*"])],
        };
        let json = doc.to_json(&Values::longest()).to_string();
        assert_eq!(
            doc.size(),
            json.len() - 1,
            "one space inside the resource is not counted"
        );
    }

    #[test]
    fn document_size_is_the_sum_of_its_statements() {
        let doc = Document {
            statements: vec![
                stmt("A", &["s3:GetObject"], &["a"]),
                stmt("B", &["s3:PutObject"], &["b", "c"]),
            ],
        };
        assert_eq!(doc.size(), json_count(&doc.to_json(&Values::longest())));
    }

    #[test]
    fn merge_joins_same_actions_and_conditions_and_keeps_sids_unique() {
        let merged = merge(vec![
            stmt("Read", &["s3:GetObject"], &["a"]),
            stmt("Write", &["s3:PutObject"], &["a"]),
            stmt("Read", &["s3:GetObject"], &["b", "a"]),
            stmt("Read", &["s3:ListBucket"], &["c"]),
        ]);
        assert_eq!(merged.len(), 3);
        assert_eq!(
            merged[0].resources,
            vec![Template::text("a"), Template::text("b")]
        );
        assert_eq!(merged[2].sid, "Read2");
    }

    #[test]
    fn split_fills_policies_in_order() {
        let big: Vec<Statement> = (0..40)
            .map(|i| {
                stmt(
                    &format!("S{i}"),
                    &["s3:GetObject"],
                    &[&format!("arn:aws:s3:::{}/{i}/*", "b".repeat(150))],
                )
            })
            .collect();
        let docs = split(big).unwrap();
        assert!(docs.len() >= 2, "{}", docs.len());
        assert!(docs.iter().all(|d| d.size() <= MANAGED_POLICY_MAX));
        assert_eq!(docs[0].statements[0].sid, "S0");
        assert_eq!(docs.iter().map(|d| d.statements.len()).sum::<usize>(), 40);
        let huge = stmt("Huge", &["s3:GetObject"], &[&"x".repeat(7000)]);
        assert_eq!(split(vec![huge]).unwrap_err().sid, "Huge");
    }

    #[test]
    fn a_statement_too_large_alone_is_cut_by_resources() {
        let resources: Vec<String> = (0..100)
            .map(|i| format!("arn:aws:s3:::{}-{i:03}/*", "b".repeat(100)))
            .collect();
        let refs: Vec<&str> = resources.iter().map(String::as_str).collect();
        let docs = split(vec![stmt("S3ReadObjects", &["s3:GetObject"], &refs)]).unwrap();
        assert!(docs.len() >= 2);
        assert!(docs.iter().all(|d| d.size() <= MANAGED_POLICY_MAX));
        let all: Vec<&Statement> = docs.iter().flat_map(|d| &d.statements).collect();
        assert_eq!(all[0].sid, "S3ReadObjects");
        assert_eq!(all[1].sid, "S3ReadObjectsPart2");
        let kept: Vec<String> = all
            .iter()
            .flat_map(|s| s.resources.iter().map(|r| r.to_string()))
            .collect();
        assert_eq!(kept, resources, "every resource kept, in order");
    }
}
