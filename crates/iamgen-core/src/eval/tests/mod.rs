//! The evaluator against the examples of AWS's own pages, each test citing its page, and the edge
//! cases around them. Every test asserts the exact decision and the statement that decided.

use serde_json::Value;

use super::*;

mod boundaries;
mod conditions;
mod evaluation_logic;
mod iamgen;
mod matching;
mod multivalue;
mod not_elements;
mod robustness;
mod variables;

/// A policy from JSON; the tests' policies are valid.
fn policy(name: &str, doc: Value) -> Policy {
    match Policy::from_value(name, &doc) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn principal(text: &str) -> Principal {
    match Principal::parse(text) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn request(p: &Principal, action: &str, resource: &str) -> Request {
    match Request::new(p.clone(), action, resource) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// An S3 request (S3 ARNs carry no account) against a bucket of `account`.
fn s3(p: &Principal, action: &str, resource: &str, account: &str) -> Request {
    match request(p, action, resource).with_resource_account(account) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn eval(r: &Request, policies: &Policies<'_>) -> Evaluation {
    match evaluate(r, policies) {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    }
}

/// (decision, policy name, statement index, Sid) of the deciding statement.
fn decided(e: &Evaluation) -> (Decision, Option<(String, usize, Option<String>)>) {
    (
        e.decision,
        e.decided_by()
            .map(|s| (s.policy.clone(), s.index, s.sid.clone())),
    )
}

fn by(policy: &str, index: usize, sid: Option<&str>) -> Option<(String, usize, Option<String>)> {
    Some((policy.to_string(), index, sid.map(str::to_string)))
}

/// The implicit deny's reason: what is missing and (policy, index, mismatch) of the closest.
fn not_allowed(e: &Evaluation) -> (Missing, Option<(String, usize, Mismatch)>) {
    assert_eq!(e.decision, Decision::ImplicitDeny, "{e}");
    match &e.reason {
        Reason::NotAllowed { missing, closest } => (
            *missing,
            closest.as_ref().map(|m| {
                (
                    m.statement.policy.clone(),
                    m.statement.index,
                    m.mismatch.clone(),
                )
            }),
        ),
        other => panic!("{other:?}"),
    }
}

fn cond(operator: &str, key: &str, key_present: bool) -> Mismatch {
    Mismatch::Condition {
        operator: operator.into(),
        key: key.into(),
        key_present,
    }
}
