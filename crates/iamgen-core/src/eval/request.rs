//! The request: who asks (the [`Principal`]), for which action on which resource, with which
//! request context ([`Context`]).

use std::collections::BTreeMap;
use std::fmt;

/// A problem with a request, its principal or its context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The action is not `service:Action` (wildcards are for policies, not requests).
    #[error("action '{0}' is not of the form service:Action, without wildcards")]
    Action(String),
    /// The resource is neither an ARN nor `*`.
    #[error(
        "resource '{0}' is neither an ARN (arn:partition:service:region:account:resource) nor '*'"
    )]
    Resource(String),
    /// The principal cannot be read.
    #[error("principal '{text}': {reason}")]
    Principal {
        /// The principal as given.
        text: String,
        /// What is wrong and what to write instead.
        reason: &'static str,
    },
    /// An account id is not twelve digits.
    #[error("account '{0}' is not a twelve-digit AWS account id")]
    Account(String),
    /// A context assignment is not `key=value`.
    #[error("context '{0}' is not key=value")]
    Context(String),
}

/// Who makes a request.
///
/// IAM principals (the root user of an account, an IAM user, a role session) have an account and
/// identity-based policies; a service, a federated web identity and an anonymous caller have
/// neither and are authorized by resource-based policies alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(pub(crate) Kind);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Service(String),
    Root {
        partition: String,
        account: String,
    },
    User {
        partition: String,
        account: String,
        arn: String,
        name: String,
    },
    RoleSession {
        partition: String,
        account: String,
        role_arn: String,
        /// `None` when the session's name is not known.
        session_arn: Option<String>,
        /// The prefix of every session ARN of the role.
        sessions: String,
    },
    Federated(String),
    Anonymous,
}

pub(crate) fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The six components of an ARN; the last keeps its colons.
pub(crate) fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    (parts[0] == "arn").then_some(parts)
}

/// Whether an ARN names its account (an S3 bucket's does not).
pub(crate) fn resource_has_account(resource: &str) -> bool {
    arn_parts(resource).is_some_and(|p| is_account(p[4]))
}

impl Principal {
    /// A service principal, such as `states.amazonaws.com`.
    pub fn service(name: &str) -> Principal {
        Principal(Kind::Service(name.to_string()))
    }

    /// The root user of an account (`111122223333`) in partition `aws`; see [`Principal::parse`]
    /// for other partitions.
    pub fn account(account: &str) -> Result<Principal, RequestError> {
        if !is_account(account) {
            return Err(RequestError::Account(account.to_string()));
        }
        Ok(Principal(Kind::Root {
            partition: "aws".into(),
            account: account.to_string(),
        }))
    }

    /// A session of the role `role_arn` (`arn:aws:iam::111122223333:role/path/name`) named
    /// `session`: what makes a request after `sts:AssumeRole`. Its ARN is
    /// `arn:aws:sts::111122223333:assumed-role/name/session`; `aws:PrincipalArn` is the role's.
    pub fn role_session(role_arn: &str, session: &str) -> Result<Principal, RequestError> {
        if session.is_empty() || session.contains(['/', ':']) {
            return Err(RequestError::Principal {
                text: session.to_string(),
                reason: "not a role session name",
            });
        }
        Principal::session_of(role_arn, Some(session))
    }

    /// A session of the role `role_arn` whose name is not known, as the IAM policy simulator
    /// takes a role. A policy that names a particular session of the role may or may not name
    /// this one: the evaluator then takes the side that cannot wrongly allow, and says so.
    pub fn role(role_arn: &str) -> Result<Principal, RequestError> {
        Principal::session_of(role_arn, None)
    }

    fn session_of(role_arn: &str, session: Option<&str>) -> Result<Principal, RequestError> {
        let bad = |reason| RequestError::Principal {
            text: role_arn.to_string(),
            reason,
        };
        let not_role = "not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)";
        let [_, partition, service, _, account, resource] =
            arn_parts(role_arn).ok_or_else(|| bad(not_role))?;
        let name = resource
            .strip_prefix("role/")
            .and_then(|r| r.rsplit('/').next())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| bad(not_role))?;
        if service != "iam" || !is_account(account) {
            return Err(bad(not_role));
        }
        let sessions = format!("arn:{partition}:sts::{account}:assumed-role/{name}/");
        Ok(Principal(Kind::RoleSession {
            partition: partition.to_string(),
            account: account.to_string(),
            role_arn: role_arn.to_string(),
            session_arn: session.map(|s| format!("{sessions}{s}")),
            sessions,
        }))
    }

    /// A user of an external identity provider (`cognito-identity.amazonaws.com`,
    /// `arn:aws:iam::111122223333:saml-provider/Name`), as in `sts:AssumeRoleWithWebIdentity`.
    pub fn federated(provider: &str) -> Principal {
        Principal(Kind::Federated(provider.to_string()))
    }

    /// An unauthenticated caller.
    pub fn anonymous() -> Principal {
        Principal(Kind::Anonymous)
    }

    /// Reads a principal as a user types it:
    ///
    /// - `states.amazonaws.com`: a service principal;
    /// - `111122223333` or `arn:aws:iam::111122223333:root`: the root user of the account;
    /// - `arn:aws:iam::111122223333:user/path/name`: an IAM user;
    /// - `arn:aws:sts::111122223333:assumed-role/name/session`: a role session. The session ARN
    ///   does not carry the role's path; when the role has one, use [`Principal::role_session`];
    /// - `arn:aws:iam::111122223333:role/path/name`: a session of the role whose name is not
    ///   known ([`Principal::role`]).
    pub fn parse(text: &str) -> Result<Principal, RequestError> {
        let bad = |reason| RequestError::Principal {
            text: text.to_string(),
            reason,
        };
        if is_account(text) {
            return Ok(Principal(Kind::Root {
                partition: "aws".into(),
                account: text.to_string(),
            }));
        }
        let Some([_, partition, service, _, account, resource]) = arn_parts(text) else {
            if !text.is_empty() && text.contains('.') && !text.contains([':', '/', '*', ' ']) {
                return Ok(Principal::service(text));
            }
            return Err(bad(
                "not a service principal (states.amazonaws.com), an account id or an IAM ARN",
            ));
        };
        if !is_account(account) {
            return Err(bad("the ARN has no twelve-digit account"));
        }
        let (partition, account) = (partition.to_string(), account.to_string());
        match (service, resource) {
            ("iam", "root") => Ok(Principal(Kind::Root { partition, account })),
            ("iam", r) if r.starts_with("user/") => {
                let name = r.rsplit('/').next().unwrap_or_default();
                if name.is_empty() {
                    return Err(bad("the user ARN has no name"));
                }
                Ok(Principal(Kind::User {
                    name: name.to_string(),
                    arn: text.to_string(),
                    partition,
                    account,
                }))
            }
            ("iam", r) if r.starts_with("role/") => Principal::role(text),
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut it = r.splitn(3, '/').skip(1);
                match (it.next(), it.next()) {
                    (Some(role), Some(session)) if !role.is_empty() && !session.is_empty() => {
                        let role_arn = format!("arn:{partition}:iam::{account}:role/{role}");
                        Principal::role_session(&role_arn, session)
                    }
                    _ => Err(bad("not arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION")),
                }
            }
            _ => Err(bad(
                "not a supported principal: a service, an account, an IAM user or a role session",
            )),
        }
    }

    /// The account of an IAM principal; `None` for services, federated and anonymous callers.
    pub fn account_id(&self) -> Option<&str> {
        match &self.0 {
            Kind::Root { account, .. }
            | Kind::User { account, .. }
            | Kind::RoleSession { account, .. } => Some(account),
            _ => None,
        }
    }

    /// `aws:PrincipalArn`: the user's ARN, the role's ARN for a role session, the root user's ARN
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>).
    pub fn principal_arn(&self) -> Option<String> {
        match &self.0 {
            Kind::Root { partition, account } => {
                Some(format!("arn:{partition}:iam::{account}:root"))
            }
            Kind::User { arn, .. } => Some(arn.clone()),
            Kind::RoleSession { role_arn, .. } => Some(role_arn.clone()),
            _ => None,
        }
    }

    /// Whether this is a session of a role (named or not).
    pub(crate) fn is_role_session(&self) -> bool {
        matches!(self.0, Kind::RoleSession { .. })
    }

    pub(crate) fn is_iam(&self) -> bool {
        self.account_id().is_some()
    }

    /// Condition keys AWS derives from the principal, each only when the caller did not give it:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType` and, for an IAM user,
    /// `aws:username`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>,
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable>).
    pub(crate) fn derived_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = Vec::new();
        if let Some(arn) = self.principal_arn() {
            keys.push(("aws:PrincipalArn", arn));
        }
        if let Some(account) = self.account_id() {
            keys.push(("aws:PrincipalAccount", account.to_string()));
        }
        let kind = match &self.0 {
            Kind::Root { .. } => Some("Account"),
            Kind::User { .. } => Some("User"),
            Kind::RoleSession { .. } => Some("AssumedRole"),
            _ => None,
        };
        if let Some(kind) = kind {
            keys.push(("aws:PrincipalType", kind.to_string()));
        }
        if let Kind::User { name, .. } = &self.0 {
            keys.push(("aws:username", name.clone()));
        }
        keys
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Service(s) => write!(f, "service {s}"),
            Kind::Root { account, .. } => write!(f, "root user of account {account}"),
            Kind::User { arn, .. } => f.write_str(arn),
            Kind::RoleSession {
                session_arn: Some(arn),
                ..
            } => f.write_str(arn),
            Kind::RoleSession { role_arn, .. } => write!(f, "a session of {role_arn}"),
            Kind::Federated(p) => write!(f, "federated user of {p}"),
            Kind::Anonymous => f.write_str("anonymous"),
        }
    }
}

/// The request context's condition keys, each with one or many values. Key names are
/// case-insensitive
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>);
/// values are kept as typed, and each condition operator reads them (number, date, IP, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Lower-cased key -> (key as first given, values).
    entries: BTreeMap<String, (String, Vec<String>)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Adds a value to `key` (a key given twice has two values: a multivalued key).
    pub fn insert(&mut self, key: &str, value: &str) {
        self.entry(key).push(value.to_string());
    }

    /// Declares `key` present with no value (an empty set, for `ForAllValues`/`ForAnyValue`).
    pub fn insert_empty(&mut self, key: &str) {
        self.entry(key);
    }

    fn entry(&mut self, key: &str) -> &mut Vec<String> {
        &mut self
            .entries
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| (key.to_string(), Vec::new()))
            .1
    }

    /// Adds `key=value` as typed on a command line (`aws:SourceAccount=111122223333`); the value
    /// is everything after the first `=`.
    pub fn insert_assignment(&mut self, assignment: &str) -> Result<(), RequestError> {
        match assignment.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                self.insert(key.trim(), value);
                Ok(())
            }
            _ => Err(RequestError::Context(assignment.to_string())),
        }
    }

    /// The values of `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .get(&key.to_ascii_lowercase())
            .map(|(_, v)| v.as_slice())
    }

    /// Every key as first given, with its values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries
            .values()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(&key.to_ascii_lowercase())
    }
}

/// One request to authorize: a principal, an action, a resource, and a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub(crate) principal: Principal,
    pub(crate) action: String,
    pub(crate) resource: String,
    pub(crate) resource_account: Option<String>,
    pub(crate) context: Context,
}

impl Request {
    /// A request by `principal` for `action` (`s3:GetObject`) on `resource` (the ARN AWS
    /// authorizes, or `*` for actions that take no resource).
    pub fn new(
        principal: Principal,
        action: &str,
        resource: &str,
    ) -> Result<Request, RequestError> {
        let valid_action = match action.split_once(':') {
            Some((service, name)) => {
                !service.is_empty()
                    && !name.is_empty()
                    && !action.contains(['*', '?', ' '])
                    && !name.contains(':')
            }
            None => false,
        };
        if !valid_action {
            return Err(RequestError::Action(action.to_string()));
        }
        if resource != "*" && arn_parts(resource).is_none() {
            return Err(RequestError::Resource(resource.to_string()));
        }
        Ok(Request {
            principal,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: None,
            context: Context::new(),
        })
    }

    /// Adds a context value (see [`Context::insert`]).
    pub fn with_context(mut self, key: &str, value: &str) -> Request {
        self.context.insert(key, value);
        self
    }

    /// Replaces the whole context.
    pub fn with_context_map(mut self, context: Context) -> Request {
        self.context = context;
        self
    }

    /// The account that owns the resource, for ARNs that do not carry one (an S3 bucket or
    /// object). Needed to tell same-account from cross-account requests.
    pub fn with_resource_account(mut self, account: &str) -> Result<Request, RequestError> {
        if !is_account(account) {
            return Err(RequestError::Account(account.to_string()));
        }
        self.resource_account = Some(account.to_string());
        Ok(self)
    }

    /// The principal.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The action.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The context as given.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The context with the keys AWS derives from the principal added where not given.
    pub(crate) fn effective_context(&self) -> Context {
        let mut ctx = self.context.clone();
        for (key, value) in self.principal.derived_keys() {
            if !ctx.contains(key) {
                ctx.insert(key, &value);
            }
        }
        ctx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_parse() {
        assert_eq!(
            Principal::parse("states.amazonaws.com").unwrap(),
            Principal::service("states.amazonaws.com")
        );
        let root = Principal::parse("111122223333").unwrap();
        assert_eq!(
            root,
            Principal::parse("arn:aws:iam::111122223333:root").unwrap()
        );
        assert_eq!(
            root.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:root"
        );
        let s = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/i-0abc").unwrap();
        assert_eq!(
            s.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/app"
        );
        assert_eq!(
            s.to_string(),
            "arn:aws:sts::111122223333:assumed-role/app/i-0abc"
        );
        let p = Principal::role_session("arn:aws:iam::111122223333:role/service-role/app", "s")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "arn:aws:sts::111122223333:assumed-role/app/s"
        );
        assert_eq!(
            p.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/service-role/app"
        );
        let r = Principal::parse("arn:aws:iam::111122223333:role/app").unwrap();
        assert_eq!(
            r.to_string(),
            "a session of arn:aws:iam::111122223333:role/app"
        );
        assert_eq!(
            r.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/app"
        );
        for bad in [
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::1111:user/bob",
            "arn:aws:sts::111122223333:assumed-role/app",
            "bob",
            "",
            "*",
        ] {
            assert!(Principal::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn requests_validate_action_and_resource() {
        let p = Principal::service("states.amazonaws.com");
        assert!(Request::new(p.clone(), "s3:GetObject", "arn:aws:s3:::b/k").is_ok());
        assert!(Request::new(p.clone(), "xray:PutTraceSegments", "*").is_ok());
        for bad in ["s3:Get*", "GetObject", "s3:", ":x", "s3:a:b"] {
            assert_eq!(
                Request::new(p.clone(), bad, "*").unwrap_err(),
                RequestError::Action(bad.into())
            );
        }
        assert!(Request::new(p.clone(), "s3:GetObject", "bucket").is_err());
        assert!(Request::new(p, "s3:GetObject", "*")
            .unwrap()
            .with_resource_account("12")
            .is_err());
    }

    #[test]
    fn context_keys_are_case_insensitive_and_multivalued() {
        let mut c = Context::new();
        c.insert_assignment("aws:SourceAccount=111122223333")
            .unwrap();
        c.insert("AWS:TagKeys", "a");
        c.insert("aws:tagkeys", "b");
        c.insert_assignment("k=v=w").unwrap();
        assert_eq!(c.get("AWS:SOURCEACCOUNT").unwrap(), ["111122223333"]);
        assert_eq!(c.get("aws:TagKeys").unwrap(), ["a", "b"]);
        assert_eq!(c.get("k").unwrap(), ["v=w"]);
        assert!(c.insert_assignment("novalue").is_err());
        assert!(c.insert_assignment("=v").is_err());
    }
}
