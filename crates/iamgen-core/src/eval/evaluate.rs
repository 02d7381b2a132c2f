//! The decision: AWS's policy evaluation logic over every policy that applies to a request
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).

use std::fmt;

use super::condition::{Failure, Outcome};
use super::pattern::{self, Tri, Unresolved};
use super::policy::{Effect, Element, Policy, PrincipalSpec, Statement};
use super::request::{arn_parts, is_account, Context, Kind, Principal, Request};
use super::value::ValueError;

/// Where a policy sits, which decides how its statements count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyKind {
    /// Attached to the principal (inline or managed, of the user, its groups, or the role).
    Identity,
    /// The principal's permissions boundary: a limit, never a grant.
    PermissionsBoundary,
    /// A session policy passed when the role session was created: a limit, never a grant.
    Session,
    /// Attached to the resource (bucket policy, Lambda function policy, ...).
    Resource,
    /// A resource-based policy that must itself allow the request: a role's trust policy
    /// (also right for a KMS key policy).
    Trust,
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::PermissionsBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::Trust => "trust policy",
        })
    }
}

/// Every policy that applies to a request, by kind.
#[derive(Debug, Clone, Default)]
pub struct Policies<'a> {
    identity: Vec<&'a Policy>,
    boundary: Option<&'a Policy>,
    session: Vec<&'a Policy>,
    resource: Vec<&'a Policy>,
    trust: Vec<&'a Policy>,
}

impl<'a> Policies<'a> {
    /// No policies: everything is implicitly denied.
    pub fn new() -> Self {
        Policies::default()
    }

    /// Adds an identity-based policy of the principal.
    pub fn identity(mut self, policy: &'a Policy) -> Self {
        self.identity.push(policy);
        self
    }

    /// Sets the principal's permissions boundary (an entity has at most one).
    pub fn boundary(mut self, policy: &'a Policy) -> Self {
        self.boundary = Some(policy);
        self
    }

    /// Adds a session policy of the role session.
    pub fn session(mut self, policy: &'a Policy) -> Self {
        self.session.push(policy);
        self
    }

    /// Adds a resource-based policy of the requested resource.
    pub fn resource(mut self, policy: &'a Policy) -> Self {
        self.resource.push(policy);
        self
    }

    /// Adds the trust policy of the role being assumed (the request's resource): a resource-based
    /// policy that must allow the request itself, whatever identity-based policies say
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow>).
    /// Use it for KMS key policies too.
    pub fn trust(mut self, policy: &'a Policy) -> Self {
        self.trust.push(policy);
        self
    }

    fn all(&self) -> Vec<(PolicyKind, &'a Policy)> {
        let mut out = Vec::new();
        out.extend(self.identity.iter().map(|p| (PolicyKind::Identity, *p)));
        out.extend(self.boundary.map(|p| (PolicyKind::PermissionsBoundary, p)));
        out.extend(self.session.iter().map(|p| (PolicyKind::Session, *p)));
        out.extend(self.resource.iter().map(|p| (PolicyKind::Resource, *p)));
        out.extend(self.trust.iter().map(|p| (PolicyKind::Trust, *p)));
        out
    }
}

/// A statement, as the evaluation names it: the caller's policy name, the policy kind, the
/// statement's index and `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct StatementRef {
    /// The caller's name for the policy.
    pub policy: String,
    /// Where the policy sits.
    pub kind: PolicyKind,
    /// The statement's position in the policy.
    pub index: usize,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
}

impl StatementRef {
    fn new(kind: PolicyKind, policy: &Policy, st: &Statement) -> Self {
        StatementRef {
            policy: policy.name().to_string(),
            kind,
            index: st.index(),
            sid: st.sid().map(str::to_string),
        }
    }
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} '{}' Statement[{}]",
            self.kind, self.policy, self.index
        )?;
        if let Some(sid) = &self.sid {
            write!(f, " (Sid '{sid}')")?;
        }
        Ok(())
    }
}

/// The final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Nothing (or not everything required) allows.
    ImplicitDeny,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Allow => "allowed",
            Decision::ExplicitDeny => "explicitly denied",
            Decision::ImplicitDeny => "implicitly denied",
        })
    }
}

/// Why a statement does not apply to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// `Principal`/`NotPrincipal` does not cover the principal.
    Principal,
    /// `Action`/`NotAction` does not cover the action.
    Action,
    /// `Resource`/`NotResource` does not cover the resource.
    Resource,
    /// A condition is false.
    Condition {
        /// The operator as written (`ArnLike`).
        operator: String,
        /// The condition key as written (`aws:SourceArn`).
        key: String,
        /// Whether the key was in the request context.
        key_present: bool,
    },
    /// A policy variable has no value in the request context, which makes the statement
    /// invalid (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).
    Variable {
        /// The variable's key (`aws:PrincipalTag/team`).
        name: String,
    },
    /// The statement would apply only under a reading AWS does not document; see
    /// [`Evaluation::assumptions`].
    Undocumented,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Principal => f.write_str("the principal does not match"),
            Mismatch::Action => f.write_str("the action does not match"),
            Mismatch::Resource => f.write_str("the resource does not match"),
            Mismatch::Condition {
                operator,
                key,
                key_present: true,
            } => write!(f, "condition {operator} on {key} is false"),
            Mismatch::Condition { operator, key, .. } => write!(
                f,
                "condition {operator} on {key} is false ({key} is not in the request context)"
            ),
            Mismatch::Variable { name } => {
                write!(
                    f,
                    "policy variable ${{{name}}} has no value in the request context"
                )
            }
            Mismatch::Undocumented => f.write_str("it would match only where AWS is silent"),
        }
    }
}

/// A statement that came nearest to applying, and what failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Miss {
    /// The statement.
    pub statement: StatementRef,
    /// The first element of the statement that did not match.
    pub mismatch: Mismatch,
}

/// What an implicit deny lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Missing {
    /// No identity-based or resource-based statement allows.
    Allow,
    /// An allow exists, but the permissions boundary does not allow.
    PermissionsBoundary,
    /// An allow exists, but no session policy allows.
    SessionPolicy,
    /// The trust policy (or key policy) does not allow, and it must.
    TrustPolicy,
    /// Cross-account, or delegated to the account: no identity-based policy of the principal
    /// allows.
    IdentityPolicy,
    /// Cross-account: no resource-based policy in the resource's account allows.
    ResourcePolicy,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Missing::Allow => "no identity-based or resource-based policy allows the request",
            Missing::PermissionsBoundary => "the permissions boundary does not allow the request",
            Missing::SessionPolicy => "no session policy allows the request",
            Missing::TrustPolicy => "the trust policy does not allow the request",
            Missing::IdentityPolicy => "no identity-based policy of the principal allows the request",
            Missing::ResourcePolicy => {
                "no resource-based policy of the resource's account allows the request (cross-account)"
            }
        })
    }
}

/// Why the decision is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// An identity-based statement allows, within the permissions boundary and session policies
    /// when there are any.
    IdentityPolicy,
    /// A resource-based statement allows the principal itself (its user or session ARN, or
    /// `*`): not limited by an implicit deny in identity-based policies, boundary or session
    /// policy (same account).
    ResourcePolicy,
    /// A resource-based statement allows the principal's role ARN; that is limited by the
    /// permissions boundary and session policies, which allow too.
    ResourcePolicyForRole,
    /// The trust policy allows the principal's account, which delegates to the account's
    /// identity-based policies, which allow.
    ResourcePolicyForAccount,
    /// Cross-account: the principal's identity side and the resource's policy both allow.
    CrossAccount,
    /// The root user of the resource's own account, which has full access.
    RootUser,
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Implicitly denied.
    NotAllowed {
        /// What is lacking.
        missing: Missing,
        /// The statement of the lacking kind that came nearest to applying, if any.
        closest: Option<Miss>,
    },
}

/// A place where AWS's documentation is silent and the evaluator took the side that cannot
/// wrongly allow: no match for an `Allow` statement, a match for a `Deny` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assumption {
    /// The statement concerned.
    pub statement: StatementRef,
    /// What AWS leaves open.
    pub kind: AssumptionKind,
    /// Whether the statement was taken to match (`Deny`) or not (`Allow`).
    pub taken_as_match: bool,
}

/// What AWS leaves open.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssumptionKind {
    /// The resource matches only if a `*` in the middle of an ARN segment, or a `?`, matches a
    /// `:`; AWS documents only a `*` at the end of a segment doing so.
    WildcardAcrossColon {
        /// The `Resource` value.
        pattern: String,
    },
    /// `"AWS": "*"` and a service or federated principal: AWS documents `"AWS": "*"` as `"*"`
    /// only for IAM and anonymous principals.
    AwsWildcardForNonIamPrincipal,
    /// A service principal that differs from the policy's only in letter case.
    ServicePrincipalCase,
    /// `NotPrincipal` names some, not all, of the principal's identities (account, role,
    /// session or user), and AWS says it "might" check each.
    NotPrincipalPartial,
    /// The policy names a particular session of the principal's role, and the request's session
    /// name is not known ([`Principal::role`]).
    SessionUnknown,
    /// A policy variable in a `Deny` statement has no value. AWS says this "might" make the
    /// statement invalid; the value holding it is left out and the deny's other values still
    /// count.
    UnresolvedVariableInDeny {
        /// The variable's key.
        name: String,
    },
    /// A `Bool` condition whose outcome depends on substituting a policy variable, which the
    /// condition-operators page allows and the policy-variables page does not.
    BoolPolicyVariable {
        /// The condition key.
        key: String,
    },
}

impl fmt::Display for Assumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            AssumptionKind::WildcardAcrossColon { pattern } => format!(
                "resource '{pattern}' matches only if a wildcard inside an ARN segment crosses ':'"
            ),
            AssumptionKind::AwsWildcardForNonIamPrincipal => {
                "\"AWS\": \"*\" is not documented to cover a service or federated principal".into()
            }
            AssumptionKind::ServicePrincipalCase => {
                "the service principal differs only in letter case".into()
            }
            AssumptionKind::NotPrincipalPartial => {
                "NotPrincipal names only some of the principal's account, role, session or user"
                    .into()
            }
            AssumptionKind::SessionUnknown => {
                "the policy names a session of the role, and the request's session is not known"
                    .into()
            }
            AssumptionKind::UnresolvedVariableInDeny { name } => format!(
                "policy variable ${{{name}}} has no value; the deny's values without it still apply"
            ),
            AssumptionKind::BoolPolicyVariable { key } => format!(
                "Bool on {key} holds or not depending on whether AWS substitutes its policy variable"
            ),
        };
        let taken = if self.taken_as_match {
            "taken as a match"
        } else {
            "taken as no match"
        };
        write!(f, "{}: {what}; {taken}", self.statement)
    }
}

/// The result of evaluating a request: the decision, the statements it rests on, why, and any
/// place where AWS is silent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evaluation {
    /// Allowed, explicitly or implicitly denied.
    pub decision: Decision,
    /// Why.
    pub reason: Reason,
    /// The statements the decision rests on: the `Deny` statement; for an allow, each statement
    /// it needs (the identity-based or resource-based allow first, then the boundary's and
    /// session policy's); for an implicit deny, the allows found that did not suffice.
    pub statements: Vec<StatementRef>,
    /// Where AWS's documentation is silent and the evaluator chose.
    pub assumptions: Vec<Assumption>,
}

impl Evaluation {
    /// The statement that decided: the deny, or the first allow; `None` for an implicit deny
    /// without any allow, and for the root user.
    pub fn decided_by(&self) -> Option<&StatementRef> {
        match self.decision {
            Decision::ImplicitDeny => None,
            _ => self.statements.first(),
        }
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.decision)?;
        let list = |f: &mut fmt::Formatter<'_>| -> fmt::Result {
            for (i, s) in self.statements.iter().enumerate() {
                write!(f, "{}{s}", if i == 0 { "" } else { "; " })?;
            }
            Ok(())
        };
        match &self.reason {
            Reason::ExplicitDeny => {
                f.write_str(" by ")?;
                list(f)?;
            }
            Reason::RootUser => f.write_str(": the root user of the resource's account")?,
            Reason::NotAllowed { missing, closest } => {
                write!(f, ": {missing}")?;
                if let Some(m) = closest {
                    write!(f, "; closest: {}: {}", m.statement, m.mismatch)?;
                }
                if !self.statements.is_empty() {
                    f.write_str("; not enough alone: ")?;
                    list(f)?;
                }
            }
            _ => {
                f.write_str(" by ")?;
                list(f)?;
            }
        }
        for a in &self.assumptions {
            write!(f, "\nnote: {a}")?;
        }
        Ok(())
    }
}

/// A request the evaluator cannot decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A request context value (or a value substituted for a policy variable) that the
    /// condition operator cannot read.
    #[error("{statement}: condition {operator} on {key}: {error}")]
    ContextValue {
        /// The statement with the condition.
        statement: Box<StatementRef>,
        /// The operator as written.
        operator: String,
        /// The key as written.
        key: String,
        /// The value and what was expected.
        error: ValueError,
    },
    /// A key with several values under an operator without `ForAllValues:`/`ForAnyValue:`.
    #[error("{statement}: {key} has several values in the request, but {operator} has no ForAllValues:/ForAnyValue: qualifier, which AWS requires for multivalued keys")]
    MultivaluedKey {
        /// The statement with the condition.
        statement: Box<StatementRef>,
        /// The operator as written.
        operator: String,
        /// The key as written.
        key: String,
    },
    /// A policy variable naming a key with several values.
    #[error("{statement}: policy variable ${{{variable}}} names a key with several values; AWS allows only single-valued keys as policy variables")]
    MultivaluedVariable {
        /// The statement.
        statement: Box<StatementRef>,
        /// The variable's key.
        variable: String,
    },
    /// A statement that does not belong in a policy of its kind.
    #[error("{statement}: {problem}")]
    Misplaced {
        /// The statement.
        statement: Box<StatementRef>,
        /// What is wrong.
        problem: &'static str,
    },
    /// The resource's ARN carries no account and none was given.
    #[error("the account that owns '{resource}' is unknown (its ARN has no account); give it with Request::with_resource_account")]
    ResourceAccountUnknown {
        /// The resource.
        resource: String,
    },
    /// The given resource account differs from the ARN's.
    #[error("resource account {given} differs from the account in '{resource}'")]
    ResourceAccountConflict {
        /// The account given.
        given: String,
        /// The resource.
        resource: String,
    },
    /// Policies of a kind the principal cannot have.
    #[error("{principal} has no {kind}; such policies cannot apply to it")]
    NotApplicable {
        /// The principal.
        principal: String,
        /// The kind of policy.
        kind: PolicyKind,
    },
    /// A request this evaluator does not model.
    #[error("{0}")]
    Unsupported(&'static str),
}

/// How a resource-based statement names the principal, which decides what may limit it
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// The account (`123456789012`, `arn:aws:iam::123456789012:root`): delegates to the
    /// account's identity-based policies
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts>).
    Account,
    /// The role's ARN, for one of its sessions: limited by boundary and session policies.
    Role,
    /// The user, the session, or everyone (`*`): not limited by an implicit deny elsewhere.
    Direct,
}

/// How one statement fared.
struct Judged {
    at: StatementRef,
    effect: Effect,
    applies: bool,
    strength: Option<Strength>,
    /// How many elements matched before the first that failed (principal, action, resource,
    /// conditions); 4 when only undocumented readings failed.
    progress: u8,
    mismatch: Option<Mismatch>,
    assumptions: Vec<AssumptionKind>,
}

/// Evaluates `request` against `policies` the way AWS documents it
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
///
/// 1. an applicable `Deny` statement in any policy decides: explicit deny;
/// 2. a service, a federated web identity or an anonymous caller is allowed by resource-based
///    (or trust) policies alone;
/// 3. an IAM principal in the resource's account is allowed by an identity-based allow (within
///    its permissions boundary and session policies), or by a resource-based allow: one naming
///    its user or session ARN (or `*`) is not limited by an implicit deny in the other policy
///    types, one naming its role ARN is limited by the boundary and session policies, one naming
///    its account only delegates to its identity-based policies. A trust policy must allow in
///    any case;
/// 4. across accounts, both sides must allow: the principal's identity-based policies (within
///    boundary and session policies) and a resource-based policy of the resource
///    (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>);
/// 5. otherwise: implicit deny, with what was lacking and the statement that came nearest.
///
/// Organizations SCPs and RCPs are not modelled: pass only what applies.
pub fn evaluate(request: &Request, policies: &Policies<'_>) -> Result<Evaluation, EvalError> {
    let principal = &request.principal;
    validate(principal, policies)?;
    let ctx = request.effective_context();
    let has_boundary = policies.boundary.is_some();

    let mut judged = Vec::new();
    for (kind, policy) in policies.all() {
        for st in policy.statements() {
            let at = StatementRef::new(kind, policy, st);
            judged.push(judge(at, st, request, &ctx, has_boundary)?);
        }
    }
    let assumptions: Vec<Assumption> = judged
        .iter()
        .flat_map(|j| {
            j.assumptions.iter().map(|kind| Assumption {
                statement: j.at.clone(),
                kind: kind.clone(),
                taken_as_match: j.effect == Effect::Deny,
            })
        })
        .collect();
    let done = |decision, reason, statements: Vec<&StatementRef>| Evaluation {
        decision,
        reason,
        statements: statements.into_iter().cloned().collect(),
        assumptions: assumptions.clone(),
    };

    // 1. An explicit deny in any policy wins.
    if let Some(deny) = judged
        .iter()
        .find(|j| j.effect == Effect::Deny && j.applies)
    {
        return Ok(done(
            Decision::ExplicitDeny,
            Reason::ExplicitDeny,
            vec![&deny.at],
        ));
    }

    let allows = |kinds: &[PolicyKind]| -> Vec<&Judged> {
        judged
            .iter()
            .filter(|j| j.effect == Effect::Allow && j.applies && kinds.contains(&j.at.kind))
            .collect()
    };
    let closest = |kinds: &[PolicyKind]| -> Option<Miss> {
        let mut best: Option<&Judged> = None;
        for j in judged
            .iter()
            .filter(|j| j.effect == Effect::Allow && !j.applies && kinds.contains(&j.at.kind))
        {
            if best.is_none_or(|b| j.progress > b.progress) {
                best = Some(j);
            }
        }
        best.and_then(|j| {
            j.mismatch.clone().map(|mismatch| Miss {
                statement: j.at.clone(),
                mismatch,
            })
        })
    };
    let denied = |missing, kinds: &[PolicyKind], partial: Vec<&StatementRef>| {
        done(
            Decision::ImplicitDeny,
            Reason::NotAllowed {
                missing,
                closest: closest(kinds),
            },
            partial,
        )
    };
    // With a trust policy, it alone is the role's resource-based policy: its allow is needed.
    let trust_required = !policies.trust.is_empty();
    let granting: &[PolicyKind] = if trust_required {
        &[PolicyKind::Trust]
    } else {
        &[PolicyKind::Resource]
    };
    let resource_allows = allows(granting);
    let resource_missing = if trust_required {
        Missing::TrustPolicy
    } else {
        Missing::ResourcePolicy
    };

    // 2. Principals without identity-based policies.
    if !principal.is_iam() {
        return Ok(match resource_allows.first() {
            Some(r) => done(Decision::Allow, Reason::ResourcePolicy, vec![&r.at]),
            None if trust_required => denied(Missing::TrustPolicy, granting, vec![]),
            None => denied(Missing::Allow, granting, vec![]),
        });
    }

    let same_account = principal.account_id() == Some(resource_account(request)?.as_str());
    if let Kind::Root { .. } = principal.0 {
        if same_account {
            return Ok(done(Decision::Allow, Reason::RootUser, vec![]));
        }
        return Ok(match resource_allows.first() {
            Some(r) => done(Decision::Allow, Reason::CrossAccount, vec![&r.at]),
            None => denied(resource_missing, granting, vec![]),
        });
    }

    // 3 and 4. Users and role sessions.
    let identity = allows(&[PolicyKind::Identity]).first().map(|j| &j.at);
    let boundary = allows(&[PolicyKind::PermissionsBoundary])
        .first()
        .map(|j| &j.at);
    let session = allows(&[PolicyKind::Session]).first().map(|j| &j.at);
    let boundary_ok = !has_boundary || boundary.is_some();
    let session_ok = policies.session.is_empty() || session.is_some();
    let limits: Vec<&StatementRef> = boundary.into_iter().chain(session).collect();
    fn chain<'x>(
        first: Vec<&'x StatementRef>,
        limits: &[&'x StatementRef],
    ) -> Vec<&'x StatementRef> {
        first.into_iter().chain(limits.iter().copied()).collect()
    }
    let with_limits = |first| chain(first, &limits);
    let identity_path = identity.is_some() && boundary_ok && session_ok;
    let by = |s: Strength| {
        resource_allows
            .iter()
            .find(|j| j.strength == Some(s))
            .map(|j| &j.at)
    };
    let (direct, role, account) = (
        by(Strength::Direct),
        by(Strength::Role),
        by(Strength::Account),
    );
    // The limit that failed, when an allow needed it.
    let limit_missing = || {
        if boundary_ok {
            (Missing::SessionPolicy, PolicyKind::Session)
        } else {
            (
                Missing::PermissionsBoundary,
                PolicyKind::PermissionsBoundary,
            )
        }
    };

    if !same_account {
        let resource = resource_allows.first().map(|j| &j.at);
        return Ok(match (identity_path, resource) {
            (true, Some(r)) => {
                let mut all = with_limits(identity.into_iter().collect());
                all.push(r);
                done(Decision::Allow, Reason::CrossAccount, all)
            }
            (true, None) => denied(
                resource_missing,
                granting,
                with_limits(identity.into_iter().collect()),
            ),
            (false, _) if identity.is_none() => denied(
                Missing::IdentityPolicy,
                &[PolicyKind::Identity],
                resource.into_iter().collect(),
            ),
            (false, _) => {
                let (missing, kind) = limit_missing();
                let partial = identity
                    .into_iter()
                    .chain(resource)
                    .chain(limits.iter().copied());
                denied(missing, &[kind], partial.collect())
            }
        });
    }

    if let Some(d) = direct {
        if !identity_path || trust_required {
            return Ok(done(Decision::Allow, Reason::ResourcePolicy, vec![d]));
        }
    }
    if trust_required {
        if let Some(r) = role.filter(|_| boundary_ok && session_ok) {
            return Ok(done(
                Decision::Allow,
                Reason::ResourcePolicyForRole,
                with_limits(vec![r]),
            ));
        }
        if let Some(a) = account.filter(|_| identity_path) {
            let mut all = vec![a];
            all.extend(with_limits(identity.into_iter().collect()));
            return Ok(done(Decision::Allow, Reason::ResourcePolicyForAccount, all));
        }
        return Ok(match (role, account) {
            (None, None) => denied(
                Missing::TrustPolicy,
                granting,
                identity.into_iter().collect(),
            ),
            (None, Some(a)) if identity.is_none() => {
                denied(Missing::IdentityPolicy, &[PolicyKind::Identity], vec![a])
            }
            (r, a) => {
                let (missing, kind) = limit_missing();
                let partial = r
                    .into_iter()
                    .chain(a)
                    .chain(identity)
                    .chain(limits.iter().copied());
                denied(missing, &[kind], partial.collect())
            }
        });
    }
    if identity_path {
        return Ok(done(
            Decision::Allow,
            Reason::IdentityPolicy,
            with_limits(identity.into_iter().collect()),
        ));
    }
    if let Some(r) = role.filter(|_| boundary_ok && session_ok) {
        return Ok(done(
            Decision::Allow,
            Reason::ResourcePolicyForRole,
            with_limits(vec![r]),
        ));
    }
    if identity.is_some() || role.is_some() {
        let (missing, kind) = limit_missing();
        let partial = identity
            .into_iter()
            .chain(role)
            .chain(limits.iter().copied());
        return Ok(denied(missing, &[kind], partial.collect()));
    }
    Ok(denied(
        Missing::Allow,
        &[PolicyKind::Identity, PolicyKind::Resource],
        account.into_iter().collect(),
    ))
}

/// Refuses policies where they cannot be: a `Principal` in an identity-based policy, a
/// resource-based statement without one, identity-side policies for principals that have none.
fn validate(principal: &Principal, policies: &Policies<'_>) -> Result<(), EvalError> {
    for (kind, policy) in policies.all() {
        let resource_based = matches!(kind, PolicyKind::Resource | PolicyKind::Trust);
        for st in policy.statements() {
            let problem = if resource_based && !st.has_principal() {
                Some("a resource-based policy statement needs Principal or NotPrincipal")
            } else if !resource_based && st.has_principal() {
                Some("Principal and NotPrincipal belong in resource-based policies only")
            } else if !resource_based && !st.has_resource() {
                Some("missing Resource or NotResource")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(EvalError::Misplaced {
                    statement: Box::new(StatementRef::new(kind, policy, st)),
                    problem,
                });
            }
        }
        let applicable = matches!(
            (&principal.0, kind),
            (_, PolicyKind::Resource | PolicyKind::Trust)
                | (
                    Kind::User { .. } | Kind::RoleSession { .. },
                    PolicyKind::Identity | PolicyKind::PermissionsBoundary
                )
                | (Kind::RoleSession { .. }, PolicyKind::Session)
        );
        if !applicable {
            return Err(EvalError::NotApplicable {
                principal: principal.to_string(),
                kind,
            });
        }
    }
    if matches!(principal.0, Kind::Root { .. }) && !policies.trust.is_empty() {
        return Err(EvalError::Unsupported(
            "the root user does not assume roles; evaluate the request of an IAM user or role session",
        ));
    }
    Ok(())
}

/// The account that owns the resource: given, else the ARN's account, else (for `*`) the
/// principal's own.
fn resource_account(request: &Request) -> Result<String, EvalError> {
    let in_arn = arn_parts(&request.resource)
        .map(|p| p[4])
        .filter(|a| is_account(a));
    match (&request.resource_account, in_arn) {
        (Some(given), Some(arn)) if given != arn => Err(EvalError::ResourceAccountConflict {
            given: given.clone(),
            resource: request.resource.clone(),
        }),
        (Some(given), _) => Ok(given.clone()),
        (None, Some(arn)) => Ok(arn.to_string()),
        (None, None) if request.resource == "*" => Ok(request
            .principal
            .account_id()
            .unwrap_or_default()
            .to_string()),
        (None, None) => Err(EvalError::ResourceAccountUnknown {
            resource: request.resource.clone(),
        }),
    }
}

/// Matches one statement against the request: principal, action, resource, conditions, in that
/// order, stopping at the first element that does not match.
fn judge(
    at: StatementRef,
    st: &Statement,
    request: &Request,
    ctx: &Context,
    has_boundary: bool,
) -> Result<Judged, EvalError> {
    let deny = st.effect == Effect::Deny;
    let mut out = Judged {
        at,
        effect: st.effect,
        applies: false,
        strength: None,
        progress: 0,
        mismatch: None,
        assumptions: Vec::new(),
    };
    let fail = |mut out: Judged, progress: u8, mismatch: Mismatch| {
        out.progress = progress;
        out.mismatch = Some(mismatch);
        out.assumptions.clear();
        Ok::<_, EvalError>(out)
    };

    // Principal.
    if let Some(Element { negated, items }) = &st.principal {
        let (tri, strength, note) = if *negated {
            not_principal(items, &request.principal, deny && has_boundary)
        } else {
            principal_matches(items, &request.principal)
        };
        match tri {
            Tri::No => return fail(out, 0, Mismatch::Principal),
            Tri::Unsure => out.assumptions.extend(note),
            Tri::Yes => {}
        }
        out.strength = strength;
    }

    // Action: case-insensitive, `*` and `?`
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>);
    // `NotAction` matches every action it does not list
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>).
    let listed = st.action.items.iter().any(|p| match p.resolve(|_| None) {
        Ok(toks) => pattern::like(&toks, &request.action, true),
        Err(_) => false,
    });
    if listed == st.action.negated {
        return fail(out, 1, Mismatch::Action);
    }

    // Resource, case-sensitive; `NotResource` matches every resource it does not list
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>).
    if let Some(Element { negated, items }) = &st.resource {
        let mut tri = Tri::No;
        let mut unsure_pattern = None;
        for p in items {
            match p.resolve(|k| ctx.get(k)) {
                Ok(toks) => {
                    let t = pattern::resource(&toks, &request.resource);
                    if t == Tri::Unsure && unsure_pattern.is_none() {
                        unsure_pattern = Some(p.raw().to_string());
                    }
                    tri = tri.or(t);
                }
                // An unresolvable variable makes the statement invalid; for a Deny statement
                // only that value is left out (see `Condition::evaluate`'s `skip_unresolved`).
                Err(Unresolved::Missing(name)) if !deny => {
                    return fail(out, 2, Mismatch::Variable { name })
                }
                Err(Unresolved::Missing(name)) => out
                    .assumptions
                    .push(AssumptionKind::UnresolvedVariableInDeny { name }),
                Err(Unresolved::Multivalued(variable)) => {
                    return Err(EvalError::MultivaluedVariable {
                        statement: Box::new(out.at),
                        variable,
                    })
                }
            }
        }
        if *negated {
            tri = tri.not();
        }
        match tri {
            Tri::No => return fail(out, 2, Mismatch::Resource),
            Tri::Unsure => out.assumptions.push(AssumptionKind::WildcardAcrossColon {
                pattern: unsure_pattern.unwrap_or_default(),
            }),
            Tri::Yes => {}
        }
    }

    // Conditions: all must hold (operators and keys are ANDed).
    for c in &st.conditions {
        if deny {
            if let Some(name) = c.missing_variable(ctx) {
                out.assumptions
                    .push(AssumptionKind::UnresolvedVariableInDeny { name });
            }
        }
        match c.evaluate(ctx, deny) {
            Ok(Outcome::True) => {}
            Ok(Outcome::False { key_present }) => {
                let mismatch = Mismatch::Condition {
                    operator: c.operator.clone(),
                    key: c.key.clone(),
                    key_present,
                };
                return fail(out, 3, mismatch);
            }
            Ok(Outcome::Unresolved(name)) => return fail(out, 3, Mismatch::Variable { name }),
            Ok(Outcome::Undocumented) => out
                .assumptions
                .push(AssumptionKind::BoolPolicyVariable { key: c.key.clone() }),
            Err(Failure::Value(error)) => {
                return Err(EvalError::ContextValue {
                    statement: Box::new(out.at),
                    operator: c.operator.clone(),
                    key: c.key.clone(),
                    error,
                })
            }
            Err(Failure::Multivalued) => {
                return Err(EvalError::MultivaluedKey {
                    statement: Box::new(out.at),
                    operator: c.operator.clone(),
                    key: c.key.clone(),
                })
            }
            Err(Failure::MultivaluedVariable(variable)) => {
                return Err(EvalError::MultivaluedVariable {
                    statement: Box::new(out.at),
                    variable,
                })
            }
        }
    }

    if out.assumptions.is_empty() || deny {
        out.applies = true;
        out.progress = 4;
    } else {
        out.progress = 4;
        out.mismatch = Some(Mismatch::Undocumented);
    }
    Ok(out)
}

/// Whether `v`, an `AWS` principal value, names the principal, and how
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>):
/// an account id or root ARN names every IAM principal of the account; a user ARN the user; a
/// role ARN every session of the role; a session ARN the session. ARNs are compared exactly.
/// `Unsure`: `v` names a session of the principal's role, and the principal's session name is
/// not known.
fn aws_value(v: &str, principal: &Principal) -> (Tri, Option<Strength>) {
    let names_account = |partition: &str, account: &str| {
        v == account
            || arn_parts(v).is_some_and(|[_, p, svc, region, acct, res]| {
                p == partition
                    && svc == "iam"
                    && region.is_empty()
                    && acct == account
                    && res == "root"
            })
    };
    let yes = |s| (Tri::Yes, Some(s));
    let no = (Tri::No, None);
    match &principal.0 {
        Kind::Root { partition, account } if names_account(partition, account) => {
            yes(Strength::Direct)
        }
        Kind::User { arn, .. } if v == arn => yes(Strength::Direct),
        Kind::RoleSession {
            role_arn,
            session_arn,
            sessions,
            ..
        } if v == role_arn || v.starts_with(sessions.as_str()) => match session_arn {
            _ if v == role_arn => yes(Strength::Role),
            Some(arn) if v == arn => yes(Strength::Direct),
            Some(_) => no,
            None if v.len() > sessions.len() => (Tri::Unsure, Some(Strength::Direct)),
            None => no,
        },
        Kind::User {
            partition, account, ..
        }
        | Kind::RoleSession {
            partition, account, ..
        } if names_account(partition, account) => yes(Strength::Account),
        _ => no,
    }
}

/// `Principal`: does the element name the request's principal?
fn principal_matches(
    spec: &PrincipalSpec,
    principal: &Principal,
) -> (Tri, Option<Strength>, Option<AssumptionKind>) {
    let PrincipalSpec::Map {
        aws,
        service,
        federated,
    } = spec
    else {
        // "*": every principal, anonymous included.
        return (Tri::Yes, Some(Strength::Direct), None);
    };
    let mut best: Option<Strength> = None;
    let mut note = None;
    for v in aws {
        if v == "*" {
            match principal.0 {
                Kind::Service(_) | Kind::Federated(_) => {
                    note = Some(AssumptionKind::AwsWildcardForNonIamPrincipal)
                }
                _ => best = best.max(Some(Strength::Direct)),
            }
        } else {
            match aws_value(v, principal) {
                (Tri::Yes, s) => best = best.max(s),
                (Tri::Unsure, _) => note = Some(AssumptionKind::SessionUnknown),
                (Tri::No, _) => {}
            }
        }
    }
    match &principal.0 {
        Kind::Service(name) => {
            for v in service {
                if v == name {
                    best = Some(Strength::Direct);
                } else if v.eq_ignore_ascii_case(name) {
                    note = Some(AssumptionKind::ServicePrincipalCase);
                }
            }
        }
        Kind::Federated(name) if federated.contains(name) => best = Some(Strength::Direct),
        _ => {}
    }
    match (best, note) {
        (Some(s), _) => (Tri::Yes, Some(s), None),
        (None, Some(n)) => (Tri::Unsure, Some(Strength::Direct), Some(n)),
        (None, None) => (Tri::No, None, None),
    }
}

/// `NotPrincipal`: does the statement apply to the principal? AWS may check each of the
/// principal's identities (account, then role, then session; account, then user), so the
/// principal escapes only if every one is listed; when only some are, AWS says the statement
/// "might" apply
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).
/// `deny_with_boundary`: a `Deny` with `NotPrincipal` always applies to an IAM user or role with
/// a permissions boundary
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).
fn not_principal(
    spec: &PrincipalSpec,
    principal: &Principal,
    deny_with_boundary: bool,
) -> (Tri, Option<Strength>, Option<AssumptionKind>) {
    if deny_with_boundary && matches!(principal.0, Kind::User { .. } | Kind::RoleSession { .. }) {
        return (Tri::Yes, Some(Strength::Direct), None);
    }
    let PrincipalSpec::Map {
        aws,
        service,
        federated,
    } = spec
    else {
        return (Tri::No, None, None);
    };
    let star = aws.iter().any(|v| v == "*");
    let listed = |t: bool| if t { Tri::Yes } else { Tri::No };
    // Whether the principal's account, and each ARN it has, is listed.
    let account_listed = |partition: &String, account: &String| {
        let root = Principal(Kind::Root {
            partition: partition.clone(),
            account: account.clone(),
        });
        listed(star || aws.iter().any(|v| aws_value(v, &root).0 == Tri::Yes))
    };
    let identities: Vec<Tri> = match &principal.0 {
        Kind::Root { partition, account } => vec![account_listed(partition, account)],
        Kind::User {
            partition,
            account,
            arn,
            ..
        } => vec![
            account_listed(partition, account),
            listed(star || aws.contains(arn)),
        ],
        Kind::RoleSession {
            partition,
            account,
            role_arn,
            sessions,
            ..
        } => {
            let session = if star {
                Tri::Yes
            } else {
                aws.iter()
                    .filter(|v| v.starts_with(sessions.as_str()))
                    .map(|v| aws_value(v, principal).0)
                    .fold(Tri::No, Tri::or)
            };
            vec![
                account_listed(partition, account),
                listed(star || aws.contains(role_arn)),
                session,
            ]
        }
        Kind::Service(name) => vec![listed(service.contains(name))],
        Kind::Federated(name) => vec![listed(federated.contains(name))],
        Kind::Anonymous => vec![listed(star)],
    };
    if identities.iter().all(|&l| l == Tri::Yes) {
        (Tri::No, None, None)
    } else if identities.iter().all(|&l| l == Tri::No) {
        (Tri::Yes, Some(Strength::Direct), None)
    } else if identities.contains(&Tri::Unsure) {
        (
            Tri::Unsure,
            Some(Strength::Direct),
            Some(AssumptionKind::SessionUnknown),
        )
    } else {
        (
            Tri::Unsure,
            Some(Strength::Direct),
            Some(AssumptionKind::NotPrincipalPartial),
        )
    }
}
