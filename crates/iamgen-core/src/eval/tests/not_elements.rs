//! `NotAction` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>),
//! `NotResource` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>)
//! and `NotPrincipal` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).

use serde_json::json;

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/ana";

/// "allows users to access all of the Amazon S3 actions that can be performed on any S3 resource
/// except for deleting a bucket. This does not allow ... ListAllMyBuckets ..., because that
/// action requires the `*` resource."
#[test]
fn not_action_allow_all_s3_but_delete_bucket() {
    let p = policy(
        "s3-no-delete",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}}),
    );
    let ana = principal(USER);
    let policies = Policies::new().identity(&p);
    let ask = |action: &str, resource: &str| {
        let r = request(&ana, action, resource);
        let r = if resource == "*" {
            r
        } else {
            r.with_resource_account("111122223333").unwrap()
        };
        eval(&r, &policies)
    };
    assert_eq!(
        decided(&ask("s3:GetObject", "arn:aws:s3:::b/k")),
        (Decision::Allow, by("s3-no-delete", 0, None))
    );
    assert_eq!(
        not_allowed(&ask("s3:DeleteBucket", "arn:aws:s3:::b")),
        (
            Missing::Allow,
            Some(("s3-no-delete".into(), 0, Mismatch::Action))
        )
    );
    // Case does not matter in action names, in NotAction either.
    assert_eq!(
        ask("S3:deletebucket", "arn:aws:s3:::b").decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        not_allowed(&ask("s3:ListAllMyBuckets", "*")),
        (
            Missing::Allow,
            Some(("s3-no-delete".into(), 0, Mismatch::Resource))
        )
    );
}

/// "allows users to access every action in every AWS service except for IAM".
#[test]
fn not_action_allow_everything_but_iam() {
    let p = policy(
        "no-iam",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}),
    );
    let policies = Policies::new().identity(&p);
    let ana = principal(USER);
    assert_eq!(
        eval(&request(&ana, "ec2:RunInstances", "*"), &policies).decision,
        Decision::Allow
    );
    assert_eq!(
        eval(
            &request(&ana, "iam:CreateUser", "arn:aws:iam::111122223333:user/x"),
            &policies
        )
        .decision,
        Decision::ImplicitDeny
    );
}

/// "DenyAllUsersNotUsingMFA": non-IAM actions are denied without MFA; `BoolIfExists` also denies
/// when the key is absent (long-term keys).
#[test]
fn not_action_deny_without_mfa() {
    let p = policy(
        "mfa",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "DenyAllUsersNotUsingMFA", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}),
    );
    let policies = Policies::new().identity(&p);
    let ana = principal(USER);
    let ask = |action: &str, mfa: Option<&str>| {
        let r = request(&ana, action, "*");
        let r = match mfa {
            Some(v) => r.with_context("aws:MultiFactorAuthPresent", v),
            None => r,
        };
        decided(&eval(&r, &policies))
    };
    let denied = (
        Decision::ExplicitDeny,
        by("mfa", 1, Some("DenyAllUsersNotUsingMFA")),
    );
    let allowed = (Decision::Allow, by("mfa", 0, Some("Everything")));
    assert_eq!(ask("ec2:DescribeInstances", Some("false")), denied);
    assert_eq!(ask("ec2:DescribeInstances", None), denied);
    assert_eq!(ask("ec2:DescribeInstances", Some("true")), allowed);
    assert_eq!(ask("iam:ListMFADevices", Some("false")), allowed);
}

/// `HRPayroll` members are denied every S3 resource except the `Payroll` folder.
#[test]
fn not_resource_deny_outside_payroll() {
    let deny = policy(
        "hr-payroll",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*",
               "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}}),
    );
    let allow = policy(
        "s3",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
    );
    let policies = Policies::new().identity(&allow).identity(&deny);
    let ana = principal(USER);
    let get = |key: &str| {
        decided(&eval(
            &s3(&ana, "s3:GetObject", key, "111122223333"),
            &policies,
        ))
    };
    assert_eq!(
        get("arn:aws:s3:::HRBucket/Payroll/2024.csv"),
        (Decision::Allow, by("s3", 0, None))
    );
    assert_eq!(
        get("arn:aws:s3:::HRBucket/Payroll"),
        (Decision::Allow, by("s3", 0, None))
    );
    assert_eq!(
        get("arn:aws:s3:::HRBucket/Benefits/x"),
        (Decision::ExplicitDeny, by("hr-payroll", 0, None))
    );
    assert_eq!(
        get("arn:aws:s3:::other/x"),
        (Decision::ExplicitDeny, by("hr-payroll", 0, None))
    );
    // Resource matching is case-sensitive.
    assert_eq!(
        get("arn:aws:s3:::HRBucket/payroll/x"),
        (Decision::ExplicitDeny, by("hr-payroll", 0, None))
    );
    // The deny alone grants nothing.
    let e = eval(
        &s3(
            &ana,
            "s3:GetObject",
            "arn:aws:s3:::HRBucket/Payroll/x",
            "111122223333",
        ),
        &Policies::new().identity(&deny),
    );
    assert_eq!(not_allowed(&e), (Missing::Allow, None));
}

fn deny_all_but(names: serde_json::Value) -> Policy {
    policy(
        "audit-bucket",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyOthers", "Effect": "Deny", "NotPrincipal": {"AWS": names}, "Action": "s3:*",
             "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"]},
            {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::Bucket_AccountAudit/*"}]}),
    )
}

fn audit_get(who: &str, policies: &Policies<'_>) -> Evaluation {
    let identity = policy(
        "reader",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    let p = principal(who);
    let r = s3(
        &p,
        "s3:GetObject",
        "arn:aws:s3:::Bucket_AccountAudit/log",
        "111122223333",
    );
    eval(&r, &policies.clone().identity(&identity))
}

/// The IAM user example: Bob and his account listed: Bob is not denied, everyone else is.
/// Listing only Bob "might" deny him: taken as a deny, and said so.
#[test]
fn not_principal_user_and_account() {
    const BOB: &str = "arn:aws:iam::444455556666:user/Bob";
    let full = deny_all_but(json!([BOB, "arn:aws:iam::444455556666:root"]));
    let e = audit_get(BOB, &Policies::new().resource(&full));
    assert_eq!(e.decision, Decision::Allow);
    assert!(e.assumptions.is_empty());
    let e = audit_get(
        "arn:aws:iam::444455556666:user/Eve",
        &Policies::new().resource(&full),
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("audit-bucket", 0, Some("DenyOthers"))
        )
    );

    let bob_only = deny_all_but(json!(BOB));
    let e = audit_get(BOB, &Policies::new().resource(&bob_only));
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("audit-bucket", 0, Some("DenyOthers"))
        )
    );
    assert_eq!(e.assumptions.len(), 1);
    assert_eq!(e.assumptions[0].kind, AssumptionKind::NotPrincipalPartial);
    assert!(e.assumptions[0].taken_as_match);
}

/// The IAM role example: the session, its role and the account must all be listed.
#[test]
fn not_principal_role_session() {
    const SESSION: &str = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
    const ROLE: &str = "arn:aws:iam::444455556666:role/cross-account-read-only-role";
    let all_three = deny_all_but(json!([SESSION, ROLE, "arn:aws:iam::444455556666:root"]));
    let e = audit_get(SESSION, &Policies::new().resource(&all_three));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.reason, Reason::CrossAccount);
    // Another session of the same role is denied.
    let other = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/someone-else";
    let e = audit_get(other, &Policies::new().resource(&all_three));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    // Without the role's ARN the session might be denied: taken as denied.
    let no_role = deny_all_but(json!([SESSION, "arn:aws:iam::444455556666:root"]));
    let e = audit_get(SESSION, &Policies::new().resource(&no_role));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.assumptions[0].kind, AssumptionKind::NotPrincipalPartial);
}

/// `NotPrincipal` with `Allow` grants everyone except those named; when it names only some of a
/// principal's identities, the allow is not taken.
#[test]
fn not_principal_allow() {
    let p = policy(
        "open",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "AllButEve", "Effect": "Allow",
               "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/Eve"]}, "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    let get = |who: Principal| {
        eval(
            &s3(&who, "s3:GetObject", "arn:aws:s3:::b/k", "111122223333"),
            &Policies::new().resource(&p),
        )
    };
    assert_eq!(
        decided(&get(Principal::anonymous())),
        (Decision::Allow, by("open", 0, Some("AllButEve")))
    );
    assert_eq!(
        get(principal("arn:aws:iam::111122223333:user/Ana")).decision,
        Decision::Allow
    );
    let e = get(principal("arn:aws:iam::111122223333:user/Eve"));
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Undocumented));
    assert!(!e.assumptions[0].taken_as_match);
}
