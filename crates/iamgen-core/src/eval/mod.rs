//! An AWS IAM policy evaluator: does AWS allow this request, and which statement decides?
//!
//! It implements AWS's documented
//! [policy evaluation logic](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
//! for identity-based policies, permissions boundaries, session policies, resource-based
//! policies and role trust policies, in one account and across accounts, with every condition
//! operator AWS documents, the `ForAllValues:`/`ForAnyValue:` set operators, `...IfExists`,
//! policy variables, and `NotAction`/`NotResource`/`NotPrincipal`.
//!
//! - [`Policy`]: IAM policy JSON, parsed and validated once ([`PolicyError`] names the JSON
//!   path of the fault: `Statement[2].Condition.StringEquals`).
//! - [`Request`]: a [`Principal`], an action, a resource ARN and a [`Context`] of condition keys.
//! - [`Policies`]: what applies to the request, by kind.
//! - [`evaluate`]: the [`Evaluation`]: the [`Decision`], the statements it rests on, the
//!   [`Reason`] (for an implicit deny, what was lacking and the statement that came nearest),
//!   and the [`Assumption`]s made where AWS's documentation is silent. There the evaluator
//!   always takes the side that cannot wrongly allow: no match for an `Allow` statement, a match
//!   for a `Deny` statement.
//!
//! Where AWS's pages are silent or disagree, each choice is an [`AssumptionKind`], reported on
//! the [`Evaluation`]: a resource wildcard inside an ARN segment crossing a `:`, `"AWS": "*"` for a
//! service principal, a service principal differing only in case, a `NotPrincipal` naming only
//! some of a principal's identities, a policy naming a session when the request's session name
//! is unknown ([`Principal::role`]), a policy variable in `Bool`, a policy variable without value
//! in a `Deny`. Where no side is safe, the evaluator refuses with an error instead: a
//! multivalued key under an operator without `ForAllValues:`/`ForAnyValue:`, a resource whose
//! account is unknown, a bare four-digit date, the root user assuming a role.
//!
//! Not modelled: AWS Organizations SCPs and RCPs, `GetFederationToken` sessions, and the
//! condition keys a service adds by itself: pass the request context AWS would build (only
//! `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType` and `aws:username` are derived
//! from the principal).
//!
//! ```
//! use iamgen_core::eval::{evaluate, Decision, Policies, Policy, Principal, Request};
//!
//! // The trust policy of a Step Functions state machine's role.
//! let trust = Policy::parse("pipeline-trust", r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "StatesAssume",
//!     "Effect": "Allow",
//!     "Principal": {"Service": "states.amazonaws.com"},
//!     "Action": "sts:AssumeRole",
//!     "Condition": {
//!       "StringEquals": {"aws:SourceAccount": "111122223333"},
//!       "ArnLike": {"aws:SourceArn": "arn:aws:states:*:111122223333:stateMachine:pipeline"}
//!     }
//!   }]
//! }"#)?;
//! let policies = Policies::new().trust(&trust);
//! let role = "arn:aws:iam::111122223333:role/pipeline";
//! let assume = |account: &str| -> Result<_, Box<dyn std::error::Error>> {
//!     let request = Request::new(Principal::service("states.amazonaws.com"), "sts:AssumeRole", role)?
//!         .with_context("aws:SourceAccount", account)
//!         .with_context("aws:SourceArn", "arn:aws:states:eu-west-1:111122223333:stateMachine:pipeline");
//!     Ok(evaluate(&request, &policies)?)
//! };
//!
//! let ours = assume("111122223333")?;
//! assert_eq!(ours.decision, Decision::Allow);
//! assert_eq!(ours.decided_by().map(|s| s.sid.as_deref()), Some(Some("StatesAssume")));
//!
//! let theirs = assume("444455556666")?;
//! assert_eq!(theirs.decision, Decision::ImplicitDeny);
//! assert_eq!(
//!     theirs.to_string(),
//!     "implicitly denied: the trust policy does not allow the request; closest: trust policy \
//!      'pipeline-trust' Statement[0] (Sid 'StatesAssume'): condition StringEquals on \
//!      aws:SourceAccount is false"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod condition;
mod error;
mod evaluate;
mod pattern;
mod policy;
mod request;
mod value;

#[cfg(test)]
mod tests;

pub use error::{PolicyError, PolicyErrorKind};
pub use evaluate::{
    evaluate, Assumption, AssumptionKind, Decision, EvalError, Evaluation, Mismatch, Miss, Missing,
    Policies, PolicyKind, Reason, StatementRef,
};
pub use policy::{Effect, Policy, Statement};
pub(crate) use request::resource_has_account;

/// Whether `s` has the six parts of an ARN.
pub(crate) fn arn_is_valid(s: &str) -> bool {
    request::arn_parts(s).is_some_and(|p| !p[2].is_empty() && !p[5].is_empty())
}

/// Whether `s` is a date the `Date*` operators read.
pub(crate) fn date_is_valid(s: &str) -> bool {
    value::Instant::parse(s).is_ok()
}

/// Whether `s` is an IP address or CIDR block the `IpAddress` operators read.
pub(crate) fn ip_is_valid(s: &str) -> bool {
    value::Cidr::parse(s).is_ok()
}

/// Whether `s` is a condition operator IAM knows (`StringEquals`, `ForAllValues:StringLike`,
/// `ArnLikeIfExists`, `Null`...), as the evaluator reads it.
pub(crate) fn is_operator(s: &str) -> bool {
    condition::is_operator(s)
}
pub use request::{Context, Principal, Request, RequestError};
pub use value::{ValueError, ValueKind};
