//! The policy IR: statements as iamgen builds them, before any writer sees them.
//!
//! Both the Terraform writer and the JSON export render from these types, so the two outputs cannot
//! disagree. This module also holds what AWS's size limits ask of a set of statements: merging the
//! ones that share actions and conditions, measuring documents exactly as IAM counts them, and
//! splitting a role's permissions across as many managed policies as needed.

use serde_json::{json, Map, Value};

use crate::aws::limits::MANAGED_POLICY_MAX;
use crate::aws::{conditions_json, Condition, Template, Values};
use crate::diag::Span;
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
}

impl Origin {
    /// True for a statement written by hand in the spec rather than built from a grant. The spec
    /// has no such statements yet (a `statements:` escape hatch is planned); writers that list
    /// hand-written statements for reviewers (the docs) ask this, so they need no change then.
    pub fn is_hand_written(&self) -> bool {
        false
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
        let empty = Document::default().to_json(&Values::longest());
        let statements: usize = self.statements.iter().map(Statement::size).sum();
        size_of(&empty) + statements + self.statements.len().saturating_sub(1)
    }
}

impl Statement {
    /// The statement's share of a document's size (see [`Document::size`]): IAM's count is additive,
    /// plus one comma between statements.
    pub fn size(&self) -> usize {
        size_of(&self.to_json(&sizing_values(std::slice::from_ref(self))))
    }
}

/// Characters of `value` as compact JSON, whitespace excluded, as IAM counts policy size.
pub(crate) fn size_of(value: &Value) -> usize {
    value
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

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
    let empty = Document::default().size();
    let room = MANAGED_POLICY_MAX - empty;
    let mut parts = Vec::new();
    for s in statements {
        if s.size() <= room {
            parts.push(s);
        } else {
            parts.extend(cut(s, room)?);
        }
    }
    let mut docs: Vec<Document> = Vec::new();
    let mut current = Document::default();
    let mut current_size = empty;
    for s in parts {
        let size = s.size();
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

/// Cuts a statement into parts of at most `room` characters, keeping resources in order.
fn cut(mut s: Statement, room: usize) -> Result<Vec<Statement>, OversizedStatement> {
    let resources = std::mem::take(&mut s.resources);
    let mut parts: Vec<Statement> = Vec::new();
    let mut part = s.clone();
    for r in resources {
        part.resources.push(r);
        if part.size() > room {
            let r = part.resources.pop().expect("just pushed");
            if part.resources.is_empty() {
                let alone = Statement {
                    resources: vec![r],
                    ..s.clone()
                };
                return Err(OversizedStatement {
                    sid: s.sid.clone(),
                    size: alone.size() + MANAGED_POLICY_MAX - room,
                });
            }
            parts.push(std::mem::replace(
                &mut part,
                Statement {
                    resources: vec![r],
                    ..s.clone()
                },
            ));
        }
    }
    parts.push(part);
    for (i, p) in parts.iter_mut().enumerate().skip(1) {
        p.sid = format!("{}Part{}", s.sid, i + 1);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(sid: &str, actions: &[&str], resources: &[&str]) -> Statement {
        Statement::for_test(
            sid,
            actions,
            resources.iter().map(|r| Template::text(*r)).collect(),
            vec![],
        )
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
        assert_eq!(doc.size(), size_of(&doc.to_json(&Values::longest())));
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
