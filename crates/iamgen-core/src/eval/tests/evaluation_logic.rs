//! "Policy evaluation logic"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>),
//! its example, the explicit/implicit deny page, and cross-account evaluation
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>).

use serde_json::json;

use super::*;

const CARLOS: &str = "arn:aws:iam::123456789012:user/carlossalazar";

fn carlos_identity() -> Policy {
    policy(
        "carlos",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AllowS3ListRead", "Effect": "Allow",
                 "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"],
                 "Resource": "arn:aws:s3:::*"},
                {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
                {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}
            ]
        }),
    )
}

fn carlos_bucket() -> Policy {
    policy(
        "carlossalazar-bucket",
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": CARLOS},
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]
            }]
        }),
    )
}

/// "Example identity-based and resource-based policy evaluation": saving to the logs bucket is
/// denied by `DenyS3Logs`; saving to his own bucket is allowed by both policies, and by either
/// alone.
#[test]
fn carlos_saves_a_file() {
    let (identity, bucket) = (carlos_identity(), carlos_bucket());
    let carlos = principal(CARLOS);
    let put = |key: &str| s3(&carlos, "s3:PutObject", key, "123456789012");

    let e = eval(
        &put("arn:aws:s3:::carlossalazar-logs/file.txt"),
        &Policies::new().identity(&identity),
    );
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("carlos", 2, Some("DenyS3Logs")))
    );
    assert_eq!(e.reason, Reason::ExplicitDeny);

    let both = Policies::new().identity(&identity).resource(&bucket);
    let e = eval(&put("arn:aws:s3:::carlossalazar/file.txt"), &both);
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("carlos", 1, Some("AllowS3Self")))
    );
    assert_eq!(e.reason, Reason::IdentityPolicy);

    // "If one of the policy types allows the request and the other doesn't, the request is
    // still allowed."
    let e = eval(
        &put("arn:aws:s3:::carlossalazar/file.txt"),
        &Policies::new().resource(&bucket),
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("carlossalazar-bucket", 0, None))
    );
    assert_eq!(e.reason, Reason::ResourcePolicy);

    // Listing all buckets takes `*` as its resource, which `arn:aws:s3:::*` does not match.
    let e = eval(
        &request(&carlos, "s3:ListAllMyBuckets", "*"),
        &Policies::new().identity(&identity),
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::Allow,
            Some(("carlos".into(), 0, Mismatch::Resource))
        )
    );
}

/// "The difference between explicit and implicit denies"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html>).
#[test]
fn get_and_list_allowed_reports_denied() {
    let p = policy(
        "iam-read",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
                {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}
            ]
        }),
    );
    let reports = policy(
        "reports",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GenerateCredentialReport", "Resource": "*"}}),
    );
    let user = principal("arn:aws:iam::123456789012:user/ana");
    let ask = |action: &str, policies: &Policies<'_>| eval(&request(&user, action, "*"), policies);
    let only = Policies::new().identity(&p);

    let e = ask("iam:ListUsers", &only);
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("iam-read", 0, Some("AllowGetList")))
    );
    let e = ask("iam:CreatePolicy", &only);
    assert_eq!(
        not_allowed(&e),
        (
            Missing::Allow,
            Some(("iam-read".into(), 0, Mismatch::Action))
        )
    );
    let e = ask("iam:GetOrganizationsAccessReport", &only);
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("iam-read", 1, Some("DenyReports"))
        )
    );
    // Another policy granting a report does not help: the deny wins.
    let e = ask(
        "iam:GenerateCredentialReport",
        &Policies::new().identity(&reports).identity(&p),
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("iam-read", 1, Some("DenyReports"))
        )
    );
}

const ROLE: &str = "arn:aws:iam::111122223333:role/examplerole";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname";
const OBJECT: &str = "arn:aws:s3:::shared/report.csv";

fn bucket_for(principal_value: &str) -> Policy {
    policy(
        "shared-bucket",
        json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Share", "Effect": "Allow", "Principal": {"AWS": principal_value},
                           "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]
        }),
    )
}

fn caller_identity_only(name: &str) -> Policy {
    policy(
        name,
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Whoami", "Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}),
    )
}

/// The table "Resource-based policies and implicit denies in other policy types (same account)"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow>):
/// a resource-based allow naming the role ARN is limited by the boundary; naming the session, or
/// an IAM user, it is not.
#[test]
fn resource_policy_and_boundary_role_versus_session() {
    let boundary = caller_identity_only("boundary");
    let session = principal(SESSION);
    let get = s3(&session, "s3:GetObject", OBJECT, "111122223333");

    let by_role = bucket_for(ROLE);
    let e = eval(
        &get,
        &Policies::new().resource(&by_role).boundary(&boundary),
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::PermissionsBoundary,
            Some(("boundary".into(), 0, Mismatch::Action))
        )
    );
    assert_eq!(e.statements[0].policy, "shared-bucket");

    // Without a boundary, the role ARN's grant needs no identity-based policy.
    let e = eval(&get, &Policies::new().resource(&by_role));
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("shared-bucket", 0, Some("Share")))
    );
    assert_eq!(e.reason, Reason::ResourcePolicyForRole);

    // A boundary that allows the action lets the role ARN's grant through.
    let wide = policy(
        "wide-boundary",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    );
    let e = eval(&get, &Policies::new().resource(&by_role).boundary(&wide));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.reason, Reason::ResourcePolicyForRole);
    let names: Vec<_> = e.statements.iter().map(|s| s.policy.as_str()).collect();
    assert_eq!(names, ["shared-bucket", "wide-boundary"]);

    // Granted to the session itself: not limited by the boundary.
    let by_session = bucket_for(SESSION);
    let e = eval(
        &get,
        &Policies::new().resource(&by_session).boundary(&boundary),
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("shared-bucket", 0, Some("Share")))
    );
    assert_eq!(e.reason, Reason::ResourcePolicy);

    // Granted to an IAM user: not limited by the user's boundary either.
    let user = "arn:aws:iam::111122223333:user/exampleuser";
    let e = eval(
        &s3(&principal(user), "s3:GetObject", OBJECT, "111122223333"),
        &Policies::new()
            .resource(&bucket_for(user))
            .boundary(&boundary),
    );
    assert_eq!(e.reason, Reason::ResourcePolicy);
    assert_eq!(e.decision, Decision::Allow);
}

/// Session policies limit a grant to the role ARN, not one to the session ARN (same table).
#[test]
fn session_policy_limits_role_arn_grants_only() {
    let session_policy = caller_identity_only("session-policy");
    let get = s3(&principal(SESSION), "s3:GetObject", OBJECT, "111122223333");
    let (by_role, by_session) = (bucket_for(ROLE), bucket_for(SESSION));
    let e = eval(
        &get,
        &Policies::new().resource(&by_role).session(&session_policy),
    );
    assert_eq!(not_allowed(&e).0, Missing::SessionPolicy);
    let e = eval(
        &get,
        &Policies::new()
            .resource(&by_session)
            .session(&session_policy),
    );
    assert_eq!(e.reason, Reason::ResourcePolicy);
    // And an identity-based allow needs the session policy too.
    let identity = policy(
        "role-policy",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    let e = eval(
        &get,
        &Policies::new().identity(&identity).session(&session_policy),
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::SessionPolicy,
            Some(("session-policy".into(), 0, Mismatch::Action))
        )
    );
}

/// An account principal delegates to the account's identity-based policies
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts>).
#[test]
fn account_principal_delegates_to_identity_policies() {
    let for_account = bucket_for("111122223333");
    let get = s3(&principal(SESSION), "s3:GetObject", OBJECT, "111122223333");
    let e = eval(&get, &Policies::new().resource(&for_account));
    assert_eq!(not_allowed(&e).0, Missing::Allow);
    assert_eq!(e.statements[0].policy, "shared-bucket");
    let identity = policy(
        "role-policy",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}),
    );
    let e = eval(
        &get,
        &Policies::new().resource(&for_account).identity(&identity),
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("role-policy", 0, Some("Read")))
    );
    // The root ARN form is the same account principal.
    let e = eval(
        &get,
        &Policies::new().resource(&bucket_for("arn:aws:iam::111122223333:root")),
    );
    assert_eq!(not_allowed(&e).0, Missing::Allow);
}

/// Cross-account: "The request is allowed only if both evaluations return a decision of Allow."
#[test]
fn cross_account_needs_both_sides() {
    let theirs = "arn:aws:sts::444455556666:assumed-role/reader/job";
    let reader = principal(theirs);
    let get = s3(&reader, "s3:GetObject", OBJECT, "111122223333");
    let identity = policy(
        "reader-policy",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}),
    );
    let bucket = bucket_for("arn:aws:iam::444455556666:role/reader");

    let e = eval(&get, &Policies::new().identity(&identity).resource(&bucket));
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("reader-policy", 0, Some("Read")))
    );
    assert_eq!(e.reason, Reason::CrossAccount);
    assert_eq!(e.statements[1].policy, "shared-bucket");

    let e = eval(&get, &Policies::new().identity(&identity));
    assert_eq!(not_allowed(&e), (Missing::ResourcePolicy, None));
    let e = eval(&get, &Policies::new().resource(&bucket));
    assert_eq!(not_allowed(&e), (Missing::IdentityPolicy, None));

    // Naming the other account is enough on the resource side.
    let e = eval(
        &get,
        &Policies::new()
            .identity(&identity)
            .resource(&bucket_for("444455556666")),
    );
    assert_eq!(e.reason, Reason::CrossAccount);

    // Even a grant to the session itself does not lift the caller's boundary across accounts.
    let boundary = caller_identity_only("boundary");
    let e = eval(
        &get,
        &Policies::new()
            .identity(&identity)
            .boundary(&boundary)
            .resource(&bucket_for(theirs)),
    );
    assert_eq!(not_allowed(&e).0, Missing::PermissionsBoundary);

    // Another account's bucket policy naming our account is not ours.
    let e = eval(
        &get,
        &Policies::new()
            .identity(&identity)
            .resource(&bucket_for("111122223333")),
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::ResourcePolicy,
            Some(("shared-bucket".into(), 0, Mismatch::Principal))
        )
    );
}

/// The resource's account must be known: S3 ARNs carry none.
#[test]
fn resource_account_is_required_and_consistent() {
    let p = principal(SESSION);
    let e = evaluate(&request(&p, "s3:GetObject", OBJECT), &Policies::new()).unwrap_err();
    assert_eq!(
        e,
        EvalError::ResourceAccountUnknown {
            resource: OBJECT.into()
        }
    );
    let r = request(
        &p,
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-2:111122223333:q",
    )
    .with_resource_account("444455556666")
    .unwrap();
    assert!(matches!(
        evaluate(&r, &Policies::new()),
        Err(EvalError::ResourceAccountConflict { .. })
    ));
    // `*` (an action without resources) is in the caller's own account.
    let e = eval(&request(&p, "xray:PutTraceSegments", "*"), &Policies::new());
    assert_eq!(not_allowed(&e), (Missing::Allow, None));
}

/// The root user has full access in its own account, except for an explicit deny
/// ("By default, all requests are implicitly denied with the exception of the AWS account root
/// user").
#[test]
fn root_user() {
    let root = principal("111122223333");
    let deny = policy(
        "bucket",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::shared/*"}]}),
    );
    let policies = Policies::new().resource(&deny);
    let e = eval(
        &s3(&root, "s3:GetObject", OBJECT, "111122223333"),
        &policies,
    );
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::RootUser)
    );
    let e = eval(
        &s3(&root, "s3:DeleteObject", OBJECT, "111122223333"),
        &policies,
    );
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("bucket", 0, Some("NoDeletes")))
    );
    // Another account's root needs the resource policy.
    let e = eval(
        &s3(
            &principal("444455556666"),
            "s3:GetObject",
            OBJECT,
            "111122223333",
        ),
        &policies,
    );
    assert_eq!(not_allowed(&e).0, Missing::ResourcePolicy);
    // Identity-based policies cannot be attached to the root user.
    let id = caller_identity_only("id");
    assert!(matches!(
        evaluate(
            &request(&root, "sts:GetCallerIdentity", "*"),
            &Policies::new().identity(&id)
        ),
        Err(EvalError::NotApplicable { .. })
    ));
}

/// A policy in the wrong place is refused, not silently misread.
#[test]
fn misplaced_policies_are_errors() {
    let with_principal = bucket_for(ROLE);
    let without_principal = caller_identity_only("id");
    let p = principal(SESSION);
    let r = request(&p, "sts:GetCallerIdentity", "*");
    for (policies, problem) in [
        (
            Policies::new().identity(&with_principal),
            "Principal and NotPrincipal belong in resource-based policies only",
        ),
        (
            Policies::new().resource(&without_principal),
            "a resource-based policy statement needs Principal or NotPrincipal",
        ),
    ] {
        match evaluate(&r, &policies) {
            Err(EvalError::Misplaced { problem: got, .. }) => assert_eq!(got, problem),
            other => panic!("{other:?}"),
        }
    }
    let no_resource = policy(
        "trustish",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}),
    );
    assert!(matches!(
        evaluate(&r, &Policies::new().identity(&no_resource)),
        Err(EvalError::Misplaced {
            problem: "missing Resource or NotResource",
            ..
        })
    ));
    // A service principal has no identity-based policies.
    let svc = request(
        &Principal::service("states.amazonaws.com"),
        "sts:GetCallerIdentity",
        "*",
    );
    assert!(matches!(
        evaluate(&svc, &Policies::new().identity(&without_principal)),
        Err(EvalError::NotApplicable {
            kind: PolicyKind::Identity,
            ..
        })
    ));
}

/// A role given without its session (as the IAM policy simulator takes it): a policy naming a
/// particular session of the role may or may not name it, so an allow by session is not taken
/// and a deny by session is, each with its assumption.
#[test]
fn role_without_a_session_name() {
    let role = principal(ROLE);
    assert_eq!(role, Principal::role(ROLE).unwrap());
    let get = s3(&role, "s3:GetObject", OBJECT, "111122223333");
    let e = eval(&get, &Policies::new().resource(&bucket_for(ROLE)));
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::ResourcePolicyForRole)
    );
    assert!(e.assumptions.is_empty());

    let e = eval(&get, &Policies::new().resource(&bucket_for(SESSION)));
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Undocumented));
    assert_eq!(e.assumptions[0].kind, AssumptionKind::SessionUnknown);
    assert!(!e.assumptions[0].taken_as_match);

    let deny = policy(
        "bucket",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Role", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"},
            {"Sid": "NotThatSession", "Effect": "Deny", "Principal": {"AWS": SESSION}, "Action": "s3:*", "Resource": "*"}]}),
    );
    let e = eval(&get, &Policies::new().resource(&deny));
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("bucket", 1, Some("NotThatSession"))
        )
    );
    assert!(e.assumptions[0].taken_as_match);
    // Another role's session is certainly not it.
    let other =
        bucket_for("arn:aws:sts::111122223333:assumed-role/otherrole/examplerolesessionname");
    let e = eval(&get, &Policies::new().resource(&other));
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Principal));
    assert!(e.assumptions.is_empty());
}
