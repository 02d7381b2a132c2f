//! What each grant exists for: the requests it must allow, and its neighbours it must never allow.
//!
//! Every grant (and every service kind, for what it implies and for its trust policy) declares,
//! beside the function that writes its statements, the requests AWS really makes for it: the
//! action, the ARN in the form AWS authorizes it (with example ids), the context keys the calling
//! service sends, and the AWS page that says so. Requests come from the spec's targets (the
//! grant's buckets, tables, functions...), never from the statements written for them, so an
//! evaluator can prove the statements right: [`Plan::verify`](crate::Plan::verify).

use std::fmt;

use crate::aws::{Template, Values};
use crate::kinds::RolePurpose;
use crate::policy::{Origin, Statement};

/// Who makes a declared request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Caller {
    /// A session of one of the service's roles: the role's identity-based policies decide.
    Role(RolePurpose),
    /// An AWS service principal: a role's trust policy or a function's policy decides.
    Service(&'static str),
}

/// What the evaluator must decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expect {
    /// Allowed: what the grant is for.
    Allow,
    /// Denied: a neighbour the grant must never reach.
    Deny,
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
        })
    }
}

/// Where the requested resource is, compared with the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Place {
    /// The platform's account and region.
    Here,
    /// Another account (`444455556666`, or `111122223333` when that is the platform's).
    OtherAccount,
    /// Another region (`us-east-1`, or `eu-west-1` when that is the platform's).
    OtherRegion,
}

impl Place {
    /// `values` moved to this place: another account or region replaces the platform's.
    pub fn values(self, values: &Values) -> Values {
        let mut v = values.clone();
        match self {
            Place::Here => {}
            Place::OtherAccount => {
                v.account = if values.account == "444455556666" {
                    "111122223333".into()
                } else {
                    "444455556666".into()
                }
            }
            Place::OtherRegion => {
                v.region = if values.region == "us-east-1" {
                    "eu-west-1".into()
                } else {
                    "us-east-1".into()
                }
            }
        }
        v
    }
}

/// One request a grant (or a service kind) declares.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expected {
    /// Who makes it.
    pub caller: Caller,
    /// The action (`s3:GetObject`).
    pub action: &'static str,
    /// Every ARN AWS checks for it (Glue's table actions: the catalog, the database and the
    /// table); allowed means each is allowed. With example ids, and `${...}` for deploy-time
    /// values.
    pub resources: Vec<Template>,
    /// The context keys the caller sends, each with its values.
    pub context: Vec<(&'static str, Template)>,
    /// Allowed, or a neighbour that must be denied.
    pub expect: Expect,
    /// What it is: the operation (`GetObject`), or what makes it a neighbour (`another bucket`).
    pub what: String,
    /// Where the resource is.
    pub place: Place,
    /// The AWS page that says how AWS authorizes it.
    pub source: &'static str,
}

impl Expected {
    /// A request `caller` makes for `action` on `resource`, expected `expect`.
    pub fn new(
        caller: Caller,
        action: &'static str,
        resource: Template,
        expect: Expect,
        what: impl Into<String>,
        source: &'static str,
    ) -> Expected {
        Expected {
            caller,
            action,
            resources: vec![resource],
            context: Vec::new(),
            expect,
            what: what.into(),
            place: Place::Here,
            source,
        }
    }

    /// The resources as AWS checks them, resolved in this request's place.
    pub fn resolved_resources(&self, values: &Values) -> Vec<String> {
        let values = self.place.values(values);
        self.resources.iter().map(|r| r.resolve(&values)).collect()
    }

    /// The context, resolved in this request's place.
    pub fn resolved_context(&self, values: &Values) -> Vec<(&'static str, String)> {
        let values = self.place.values(values);
        self.context
            .iter()
            .map(|(k, v)| (*k, v.resolve(&values)))
            .collect()
    }
}

/// `allow s3:GetObject on arn:...:s3:::b/k (GetObject)`.
impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resources: Vec<String> = self.resources.iter().map(|r| r.to_string()).collect();
        write!(
            f,
            "{} {} on {}",
            self.expect,
            self.action,
            resources.join(" + ")
        )?;
        for (k, v) in &self.context {
            write!(f, " [{k}={v}]")?;
        }
        match self.place {
            Place::Here => {}
            Place::OtherAccount => f.write_str(" in another account")?,
            Place::OtherRegion => f.write_str(" in another region")?,
        }
        write!(f, " ({})", self.what)
    }
}

/// What a plan records of each grant's [`Intent`] (see [`crate::Settings::skip_intents`] and
/// [`crate::Settings::skip_requests`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Record {
    /// Each intent with its statements and the requests it exists for.
    #[default]
    All,
    /// Each intent with its statements only (what the docs read); no request is built.
    Statements,
    /// No intent at all.
    Nothing,
}

/// What one grant (or a service kind) adds to one role, and what it exists for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Intent {
    /// The grant, or the service kind's implied grant; for a trust policy, the service's path.
    pub origin: Origin,
    /// What the intent is about.
    pub subject: Subject,
    /// The role its statements go to (and its requests are made with).
    pub role: RolePurpose,
    /// Its own statements, before merging with other grants' ones.
    pub statements: Vec<Statement>,
    /// The requests it exists to allow, and its neighbours.
    pub requests: Vec<Expected>,
}

/// What an [`Intent`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subject {
    /// A grant of the spec (or the vector store field).
    Grant,
    /// What the service kind implies for one of its roles.
    Implied,
    /// A role's trust policy.
    Trust,
}
