//! Set operators on multivalued keys: "Single-valued vs. multivalued context keys"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>),
//! "Multivalued context key examples"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html>)
//! and the DynamoDB examples of "Conditions with multiple context keys or values"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>).

use serde_json::json;

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/ana";
const THREAD: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread";

fn with_values(action: &str, resource: &str, key: &str, values: Option<&[&str]>) -> Request {
    let mut r = request(&principal(USER), action, resource);
    if let Some(values) = values {
        let mut ctx = Context::new();
        ctx.insert_empty(key);
        for v in values {
            ctx.insert(key, v);
        }
        r = r.with_context_map(ctx);
    }
    r
}

/// `ForAllValues:StringLike`: users may request only `PostDateTime`, `Message` and `Tags`.
/// (The page writes the action as `GetItem`; IAM needs the `dynamodb:` prefix.)
#[test]
fn for_all_values_requested_attributes() {
    let p = policy(
        "thread-read",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": THREAD,
               "Condition": {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}}]}),
    );
    let policies = Policies::new().identity(&p);
    let get = |attrs: Option<&[&str]>| {
        eval(
            &with_values(
                "dynamodb:GetItem",
                THREAD,
                "dynamodb:requestedAttributes",
                attrs,
            ),
            &policies,
        )
    };
    assert_eq!(
        decided(&get(Some(&["PostDateTime", "Message"]))),
        (Decision::Allow, by("thread-read", 0, None))
    );
    assert_eq!(
        not_allowed(&get(Some(&["PostDateTime", "UserName"]))),
        (
            Missing::Allow,
            Some((
                "thread-read".into(),
                0,
                cond(
                    "ForAllValues:StringLike",
                    "dynamodb:requestedAttributes",
                    true
                )
            ))
        )
    );
    // An empty set, or no key at all, makes ForAllValues true.
    assert_eq!(get(Some(&[])).decision, Decision::Allow);
    assert_eq!(get(Some(&[""])).decision, Decision::Allow);
    assert_eq!(get(None).decision, Decision::Allow);
}

/// `ForAnyValue:StringLike` with `Deny`: updating `ID` or `PostDateTime` is denied.
#[test]
fn for_any_value_deny_put_item() {
    let p = policy(
        "thread-write",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Write", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": THREAD},
            {"Sid": "ProtectKeys", "Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": THREAD,
             "Condition": {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}}]}),
    );
    let policies = Policies::new().identity(&p);
    let put = |attrs: Option<&[&str]>| {
        eval(
            &with_values(
                "dynamodb:PutItem",
                THREAD,
                "dynamodb:requestedAttributes",
                attrs,
            ),
            &policies,
        )
    };
    assert_eq!(
        decided(&put(Some(&["UserName", "Message", "PostDateTime"]))),
        (
            Decision::ExplicitDeny,
            by("thread-write", 1, Some("ProtectKeys"))
        )
    );
    assert_eq!(
        decided(&put(Some(&["UserName"]))),
        (Decision::Allow, by("thread-write", 0, Some("Write")))
    );
    // ForAnyValue is false for an empty set and for a missing key.
    assert_eq!(put(Some(&[])).decision, Decision::Allow);
    assert_eq!(put(None).decision, Decision::Allow);
}

fn deny_tag_keys(values: serde_json::Value) -> Policy {
    policy(
        "tags",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Tagging", "Effect": "Allow", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"]},
            {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
             "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": values}}}]}),
    )
}

fn tag(p: &Policy, keys: Option<&[&str]>) -> Decision {
    eval(
        &with_values(
            "iam:TagUser",
            "arn:aws:iam::111122223333:user/x",
            "aws:TagKeys",
            keys,
        ),
        &Policies::new().identity(p),
    )
    .decision
}

/// "Deny a single policy condition value for a multivalued context key": the table of results,
/// a missing `aws:TagKeys` included.
#[test]
fn for_all_values_string_not_like_single_value() {
    let p = deny_tag_keys(json!("key1*"));
    assert_eq!(tag(&p, Some(&["key1:legal"])), Decision::Allow);
    assert_eq!(
        tag(&p, Some(&["key1:hr", "key1:personnel"])),
        Decision::Allow
    );
    assert_eq!(tag(&p, Some(&["key2:audit"])), Decision::ExplicitDeny);
    assert_eq!(tag(&p, None), Decision::ExplicitDeny);
}

/// "Deny multiple policy condition values for a multivalued context key": values NORed per
/// request value, every request value must satisfy it.
#[test]
fn for_all_values_string_not_like_multiple_values() {
    let p = deny_tag_keys(json!(["key1*", "key2*"]));
    assert_eq!(tag(&p, Some(&["key1:legal"])), Decision::Allow);
    assert_eq!(tag(&p, Some(&["key1:hr", "key2:audit"])), Decision::Allow);
    assert_eq!(tag(&p, Some(&["key3:legal"])), Decision::ExplicitDeny);
    assert_eq!(tag(&p, Some(&["key1:hr", "key3:legal"])), Decision::Allow);
    assert_eq!(tag(&p, None), Decision::ExplicitDeny);
}

/// `ForAnyValue` under `Allow`: at least one tag key from the list; a request without tags is
/// not allowed. `ForAllValues` under `Allow` is guarded with `Null: false`, as the page advises,
/// so a missing key does not allow.
#[test]
fn for_any_value_allow_and_the_null_guard() {
    let any = policy(
        "any",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
               "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}}]}),
    );
    assert_eq!(tag(&any, Some(&["environment", "owner"])), Decision::Allow);
    assert_eq!(tag(&any, Some(&["owner"])), Decision::ImplicitDeny);
    assert_eq!(tag(&any, None), Decision::ImplicitDeny);

    let all = |guard: bool| {
        let mut condition =
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}});
        if guard {
            condition["Null"] = json!({"aws:TagKeys": "false"});
        }
        policy(
            "all",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*", "Condition": condition}]}),
        )
    };
    assert_eq!(tag(&all(false), None), Decision::Allow);
    assert_eq!(tag(&all(true), None), Decision::ImplicitDeny);
    assert_eq!(tag(&all(true), Some(&["environment"])), Decision::Allow);
    assert_eq!(
        tag(&all(true), Some(&["environment", "owner"])),
        Decision::ImplicitDeny
    );
}

/// A plain operator on a key with several values is refused: AWS requires a set operator and
/// does not say what a plain one does.
#[test]
fn multivalued_key_without_set_operator_is_an_error() {
    let p = policy(
        "plain",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
               "Condition": {"StringEquals": {"aws:TagKeys": "environment"}}}]}),
    );
    let r = with_values(
        "iam:TagUser",
        "arn:aws:iam::111122223333:user/x",
        "aws:TagKeys",
        Some(&["environment", "owner"]),
    );
    match evaluate(&r, &Policies::new().identity(&p)) {
        Err(e @ EvalError::MultivaluedKey { .. }) => assert_eq!(
            e.to_string(),
            "identity-based policy 'plain' Statement[0]: aws:TagKeys has several values in the request, \
             but StringEquals has no ForAllValues:/ForAnyValue: qualifier, which AWS requires for multivalued keys"
        ),
        other => panic!("{other:?}"),
    }
    // One value is fine.
    let r = with_values(
        "iam:TagUser",
        "arn:aws:iam::111122223333:user/x",
        "aws:TagKeys",
        Some(&["environment"]),
    );
    assert_eq!(
        eval(&r, &Policies::new().identity(&p)).decision,
        Decision::Allow
    );
}
