//! IAM JSON policies, parsed and validated
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html>,
//! grammar: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use super::condition::{self, Condition};
use super::error::{PolicyError, PolicyErrorKind};
use super::pattern::Pattern;

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants, unless something denies.
    Allow,
    /// Denies, whatever allows.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// An element and whether it is the `Not` form (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element<T> {
    pub(crate) negated: bool,
    pub(crate) items: T,
}

/// The `Principal` element
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalSpec {
    /// `"Principal": "*"`.
    Everyone,
    /// `{"AWS": [...], "Service": [...], "Federated": [...], "CanonicalUser": [...]}`.
    Map {
        aws: Vec<String>,
        service: Vec<String>,
        federated: Vec<String>,
    },
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub(crate) index: usize,
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<Element<PrincipalSpec>>,
    pub(crate) action: Element<Vec<Pattern>>,
    pub(crate) resource: Option<Element<Vec<Pattern>>>,
    pub(crate) conditions: Vec<Condition>,
}

impl Statement {
    /// The position of the statement in the policy (0 for a lone statement object).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The `Sid`, if any.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// Whether the statement has a `Principal` or `NotPrincipal` element.
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }

    /// Whether the statement has a `Resource` or `NotResource` element.
    pub fn has_resource(&self) -> bool {
        self.resource.is_some()
    }

    /// The `Principal` element in words: `apigateway.amazonaws.com`, `everyone`.
    pub(crate) fn principal_text(&self) -> String {
        match &self.principal {
            None => String::new(),
            Some(Element { negated, items }) => {
                let list = match items {
                    PrincipalSpec::Everyone => "everyone".to_string(),
                    PrincipalSpec::Map {
                        aws,
                        service,
                        federated,
                    } => aws
                        .iter()
                        .chain(service)
                        .chain(federated)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                if *negated {
                    format!("everyone but {list}")
                } else {
                    list
                }
            }
        }
    }
}

/// A parsed, validated IAM policy with the caller's name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    name: String,
    version: Option<String>,
    statements: Vec<Statement>,
}

impl Policy {
    /// Parses IAM policy JSON text. Besides everything [`Policy::from_value`] checks, an object
    /// that names a key twice is refused (serde_json would silently keep the last one).
    pub fn parse(name: &str, json: &str) -> Result<Policy, PolicyError> {
        let value: Value = serde_json::from_str(json).map_err(|e| PolicyError {
            policy: name.to_string(),
            path: String::new(),
            kind: PolicyErrorKind::Json(e.to_string()),
        })?;
        if let Some((path, key)) = duplicate_key(json) {
            return Err(PolicyError {
                policy: name.to_string(),
                path,
                kind: PolicyErrorKind::DuplicateKey(key),
            });
        }
        Policy::from_value(name, &value)
    }

    /// Parses an IAM policy document. Every element that may be a string or an array accepts
    /// both; unknown elements, operators and malformed values are errors naming their JSON path.
    pub fn from_value(name: &str, value: &Value) -> Result<Policy, PolicyError> {
        Parser { policy: name }.policy(value)
    }

    /// The caller's name for the policy.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `Version` element, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }
}

struct Parser<'a> {
    policy: &'a str,
}

impl Parser<'_> {
    fn err(&self, path: impl Into<String>, kind: PolicyErrorKind) -> PolicyError {
        PolicyError {
            policy: self.policy.to_string(),
            path: path.into(),
            kind,
        }
    }

    fn policy(&self, value: &Value) -> Result<Policy, PolicyError> {
        let doc = value
            .as_object()
            .ok_or_else(|| self.err("", PolicyErrorKind::Type("a JSON object")))?;
        for key in doc.keys() {
            if !["Version", "Id", "Statement"].contains(&key.as_str()) {
                return Err(self.err(key.clone(), PolicyErrorKind::UnknownElement(key.clone())));
            }
        }
        let version = match doc.get("Version") {
            None => None,
            Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
            Some(Value::String(v)) => {
                return Err(self.err("Version", PolicyErrorKind::Version(v.clone())))
            }
            Some(_) => return Err(self.err("Version", PolicyErrorKind::Type("a string"))),
        };
        if let Some(id) = doc.get("Id") {
            if !id.is_string() {
                return Err(self.err("Id", PolicyErrorKind::Type("a string")));
            }
        }
        // Policy variables exist only in version 2012-10-17; before, `${...}` is literal text
        // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).
        let variables = version.as_deref() == Some("2012-10-17");
        let statements = match doc.get("Statement") {
            None => return Err(self.err("", PolicyErrorKind::Missing("Statement"))),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| self.statement(s, i, &format!("Statement[{i}]"), variables))
                .collect::<Result<Vec<_>, _>>()?,
            Some(s @ Value::Object(_)) => vec![self.statement(s, 0, "Statement", variables)?],
            Some(_) => {
                return Err(self.err(
                    "Statement",
                    PolicyErrorKind::Type("a statement object or an array of them"),
                ))
            }
        };
        Ok(Policy {
            name: self.policy.to_string(),
            version,
            statements,
        })
    }

    fn statement(
        &self,
        value: &Value,
        index: usize,
        path: &str,
        variables: bool,
    ) -> Result<Statement, PolicyError> {
        let st = value
            .as_object()
            .ok_or_else(|| self.err(path, PolicyErrorKind::Type("a statement object")))?;
        const KNOWN: [&str; 9] = [
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ];
        for key in st.keys() {
            if !KNOWN.contains(&key.as_str()) {
                return Err(self.err(
                    format!("{path}.{key}"),
                    PolicyErrorKind::UnknownElement(key.clone()),
                ));
            }
        }
        let sid = match st.get("Sid") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(self.err(format!("{path}.Sid"), PolicyErrorKind::Type("a string")))
            }
        };
        let effect = match st.get("Effect") {
            Some(Value::String(e)) if e == "Allow" => Effect::Allow,
            Some(Value::String(e)) if e == "Deny" => Effect::Deny,
            Some(Value::String(e)) => {
                return Err(self.err(format!("{path}.Effect"), PolicyErrorKind::Effect(e.clone())))
            }
            Some(_) => {
                return Err(self.err(format!("{path}.Effect"), PolicyErrorKind::Type("a string")))
            }
            None => return Err(self.err(path, PolicyErrorKind::Missing("Effect"))),
        };
        let principal = match self.either(st, path, "Principal", "NotPrincipal")? {
            None => None,
            Some((negated, name, v)) => Some(Element {
                negated,
                items: self.principal(v, &format!("{path}.{name}"))?,
            }),
        };
        let action = match self.either(st, path, "Action", "NotAction")? {
            None => return Err(self.err(path, PolicyErrorKind::Missing("Action or NotAction"))),
            Some((negated, name, v)) => Element {
                negated,
                items: self.actions(v, &format!("{path}.{name}"))?,
            },
        };
        let resource = match self.either(st, path, "Resource", "NotResource")? {
            None => None,
            Some((negated, name, v)) => Some(Element {
                negated,
                items: self.resources(v, &format!("{path}.{name}"), variables)?,
            }),
        };
        let conditions = match st.get("Condition") {
            None => Vec::new(),
            Some(c) => {
                condition::parse_block(c, &format!("{path}.Condition"), variables, self.policy)?
            }
        };
        Ok(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    /// At most one of an element and its `Not` form.
    fn either<'v>(
        &self,
        st: &'v serde_json::Map<String, Value>,
        path: &str,
        plain: &'static str,
        not: &'static str,
    ) -> Result<Option<(bool, &'static str, &'v Value)>, PolicyError> {
        match (st.get(plain), st.get(not)) {
            (Some(_), Some(_)) => Err(self.err(path, PolicyErrorKind::Both(plain, not))),
            (Some(v), None) => Ok(Some((false, plain, v))),
            (None, Some(v)) => Ok(Some((true, not, v))),
            (None, None) => Ok(None),
        }
    }

    /// A string or a non-empty array of strings, each with its path.
    fn strings<'v>(&self, v: &'v Value, path: &str) -> Result<Vec<(&'v str, String)>, PolicyError> {
        match v {
            Value::String(s) => Ok(vec![(s.as_str(), path.to_string())]),
            Value::Array(items) if items.is_empty() => Err(self.err(path, PolicyErrorKind::Empty)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let p = format!("{path}[{i}]");
                    item.as_str()
                        .map(|s| (s, p.clone()))
                        .ok_or_else(|| self.err(p, PolicyErrorKind::Type("a string")))
                })
                .collect(),
            _ => Err(self.err(
                path,
                PolicyErrorKind::Type("a string or an array of strings"),
            )),
        }
    }

    fn actions(&self, v: &Value, path: &str) -> Result<Vec<Pattern>, PolicyError> {
        let mut out = Vec::new();
        for (s, p) in self.strings(v, path)? {
            let ok = s == "*"
                || matches!(s.split_once(':'), Some((svc, name)) if !svc.is_empty() && !name.is_empty());
            if !ok {
                return Err(self.err(p, PolicyErrorKind::Action(s.to_string())));
            }
            // Actions take wildcards and no policy variables.
            out.push(
                Pattern::parse(s, true, false)
                    .map_err(|e| self.err(p, PolicyErrorKind::Pattern(e.to_string())))?,
            );
        }
        Ok(out)
    }

    fn resources(
        &self,
        v: &Value,
        path: &str,
        variables: bool,
    ) -> Result<Vec<Pattern>, PolicyError> {
        let mut out = Vec::new();
        for (s, p) in self.strings(v, path)? {
            let segments: Vec<&str> = s.splitn(4, ':').collect();
            let service_wildcard = segments.get(2).is_some_and(|svc| svc.contains(['*', '?']));
            if s != "*" && (!s.starts_with("arn:") || service_wildcard) {
                return Err(self.err(p, PolicyErrorKind::Resource(s.to_string())));
            }
            let pattern = Pattern::parse(s, true, variables)
                .map_err(|e| self.err(p.clone(), PolicyErrorKind::Pattern(e.to_string())))?;
            // Variables only in the resource part of the ARN
            // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-resourceelement>).
            if pattern
                .colons_before_first_variable()
                .is_some_and(|c| c < 5)
            {
                return Err(self.err(p, PolicyErrorKind::VariablePlacement(s.to_string())));
            }
            out.push(pattern);
        }
        Ok(out)
    }

    fn principal(&self, v: &Value, path: &str) -> Result<PrincipalSpec, PolicyError> {
        let map = match v {
            Value::String(s) if s == "*" => return Ok(PrincipalSpec::Everyone),
            Value::Object(m) if !m.is_empty() => m,
            Value::Object(_) => return Err(self.err(path, PolicyErrorKind::Empty)),
            _ => {
                return Err(self.err(
                    path,
                    PolicyErrorKind::Type(
                        "\"*\" or an object of AWS, Service, Federated, CanonicalUser",
                    ),
                ))
            }
        };
        let (mut aws, mut service, mut federated) = (Vec::new(), Vec::new(), Vec::new());
        for (kind, values) in map {
            let p = format!("{path}.{kind}");
            let target = match kind.as_str() {
                "AWS" => &mut aws,
                "Service" => &mut service,
                "Federated" => &mut federated,
                // Canonical user ids (S3) never name a principal this evaluator models.
                "CanonicalUser" => {
                    self.strings(values, &p)?;
                    continue;
                }
                _ => return Err(self.err(p, PolicyErrorKind::PrincipalType(kind.clone()))),
            };
            for (s, item_path) in self.strings(values, &p)? {
                // "You cannot use a wildcard to match part of a principal name or ARN."
                if s.contains(['*', '?']) && !(s == "*" && kind == "AWS") {
                    return Err(
                        self.err(item_path, PolicyErrorKind::PrincipalWildcard(s.to_string()))
                    );
                }
                target.push(s.to_string());
            }
        }
        Ok(PrincipalSpec::Map {
            aws,
            service,
            federated,
        })
    }
}

/// The first object key named twice in a JSON text that serde_json accepted: its path and name.
fn duplicate_key(json: &str) -> Option<(String, String)> {
    enum Frame {
        Object {
            keys: HashSet<String>,
            current: Option<String>,
            expect_key: bool,
        },
        Array(usize),
    }
    fn path(stack: &[Frame]) -> String {
        let mut out = String::new();
        for f in stack {
            match f {
                Frame::Object {
                    current: Some(k), ..
                } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Frame::Object { .. } => {}
                Frame::Array(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
    let bytes = json.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = json.get(start..=i.min(bytes.len() - 1))?;
                let mut duplicate = None;
                if let Some(Frame::Object {
                    keys,
                    current,
                    expect_key,
                }) = stack.last_mut()
                {
                    if *expect_key {
                        let key: String = serde_json::from_str(raw).ok()?;
                        *expect_key = false;
                        if keys.insert(key.clone()) {
                            *current = Some(key);
                        } else {
                            *current = None;
                            duplicate = Some(key);
                        }
                    }
                }
                if let Some(key) = duplicate {
                    let parent = path(&stack);
                    let full = if parent.is_empty() {
                        key.clone()
                    } else {
                        format!("{parent}.{key}")
                    };
                    return Some((full, key));
                }
            }
            b'{' => stack.push(Frame::Object {
                keys: HashSet::new(),
                current: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> PolicyError {
        Policy::from_value("p", &v).unwrap_err()
    }

    #[test]
    fn string_or_array_everywhere() {
        let one = Policy::from_value(
            "p",
            &json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}),
        )
        .unwrap();
        let many = Policy::from_value(
            "p",
            &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]}),
        )
        .unwrap();
        assert_eq!(one.statements(), many.statements());
        assert_eq!(one.name(), "p");
        assert_eq!(one.version(), Some("2012-10-17"));
    }

    #[test]
    fn errors_name_the_json_path() {
        let cases = [
            (json!([]), "", PolicyErrorKind::Type("a JSON object")),
            (
                json!({"Version": "2012-10-17"}),
                "",
                PolicyErrorKind::Missing("Statement"),
            ),
            (
                json!({"Version": "2012-10-18", "Statement": []}),
                "Version",
                PolicyErrorKind::Version("2012-10-18".into()),
            ),
            (
                json!({"Statment": []}),
                "Statment",
                PolicyErrorKind::UnknownElement("Statment".into()),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "allow", "Action": "*", "Resource": "*"}]}),
                "Statement[1].Effect",
                PolicyErrorKind::Effect("allow".into()),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}),
                "Statement[0]",
                PolicyErrorKind::Both("Action", "NotAction"),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
                "Statement[0]",
                PolicyErrorKind::Missing("Action or NotAction"),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 3], "Resource": "*"}]}),
                "Statement[0].Action[1]",
                PolicyErrorKind::Type("a string"),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}),
                "Statement[0].Action",
                PolicyErrorKind::Action("GetObject".into()),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": []}]}),
                "Statement[0].Resource",
                PolicyErrorKind::Empty,
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:::x"}]}),
                "Statement[0].Resource",
                PolicyErrorKind::Resource("arn:aws:*:::x".into()),
            ),
            (
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:iam::${aws:PrincipalAccount}:user/x"}]}),
                "Statement[0].Resource",
                PolicyErrorKind::VariablePlacement(
                    "arn:aws:iam::${aws:PrincipalAccount}:user/x".into(),
                ),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": {"Aws": "*"}}]}),
                "Statement[0].Principal.Aws",
                PolicyErrorKind::PrincipalType("Aws".into()),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}}]}),
                "Statement[0].Principal.AWS",
                PolicyErrorKind::PrincipalWildcard("arn:aws:iam::111122223333:user/*".into()),
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": []}}}]}),
                "Statement[0].Condition.StringEquals.k",
                PolicyErrorKind::Empty,
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "AWS"}]}),
                "Statement[0].Principal",
                PolicyErrorKind::Type(
                    "\"*\" or an object of AWS, Service, Federated, CanonicalUser",
                ),
            ),
        ];
        for (doc, path, kind) in cases {
            let e = err(doc);
            assert_eq!((e.path.as_str(), &e.kind), (path, &kind), "{e}");
        }
        let e = err(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": "v"}, "StringEqual": {"k": "v"}}}]}),
        );
        assert_eq!(
            e.to_string(),
            "policy 'p': Statement[0].Condition.StringEqual: unknown condition operator 'StringEqual'"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_in_text() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*", "Effect": "Allow"}]}"#;
        let e = Policy::parse("p", text).unwrap_err();
        assert_eq!(e.path, "Statement[1].Effect");
        assert_eq!(e.kind, PolicyErrorKind::DuplicateKey("Effect".into()));
        // Escaped keys are decoded before comparing.
        let text = r#"{"Statement": [], "St\u0061tement": []}"#;
        assert_eq!(Policy::parse("p", text).unwrap_err().path, "Statement");
        // Strings holding braces, quotes and commas do not confuse the scan.
        let ok = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "a,\"{b}[", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
        assert!(Policy::parse("p", ok).is_ok());
        assert!(matches!(
            Policy::parse("p", "{").unwrap_err().kind,
            PolicyErrorKind::Json(_)
        ));
    }
}
