//! "Permissions boundaries for IAM entities"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>): the
//! ShirleyRodriguez example, the María/Zhang/Nikhil delegation example, and `NotPrincipal` with
//! `Deny` against a principal with a boundary.

use serde_json::json;

use super::*;

/// Shirley's boundary allows S3, CloudWatch and EC2; a policy allowing `iam:CreateUser` does not
/// let her create a user.
#[test]
fn shirley_cannot_create_users() {
    let boundary = policy(
        "ShirleyBoundary",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"}]}),
    );
    let create = policy(
        "CreateUser",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}}),
    );
    let shirley = principal("arn:aws:iam::111122223333:user/ShirleyRodriguez");
    let r = request(
        &shirley,
        "iam:CreateUser",
        "arn:aws:iam::111122223333:user/new",
    );
    let policies = Policies::new().identity(&create).boundary(&boundary);
    let e = eval(&r, &policies);
    assert_eq!(
        not_allowed(&e),
        (
            Missing::PermissionsBoundary,
            Some(("ShirleyBoundary".into(), 0, Mismatch::Action))
        )
    );
    // The identity-based allow that the boundary cut is reported.
    assert_eq!(e.statements.len(), 1);
    assert_eq!(e.statements[0].policy, "CreateUser");
    assert_eq!(
        e.to_string(),
        "implicitly denied: the permissions boundary does not allow the request; closest: \
         permissions boundary 'ShirleyBoundary' Statement[0]: the action does not match; \
         not enough alone: identity-based policy 'CreateUser' Statement[0]"
    );
    // Without the boundary she can.
    let e = eval(&r, &Policies::new().identity(&create));
    assert_eq!(decided(&e), (Decision::Allow, by("CreateUser", 0, None)));
    // The boundary alone grants nothing.
    let e = eval(
        &request(&shirley, "s3:ListAllMyBuckets", "*"),
        &Policies::new().boundary(&boundary),
    );
    assert_eq!(not_allowed(&e), (Missing::Allow, None));
}

fn x_company_boundaries() -> Policy {
    policy(
        "XCompanyBoundaries",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ServiceBoundaries", "Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*", "dynamodb:*"], "Resource": "*"},
                {"Sid": "AllowIAMConsoleForCredentials", "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetAccountPasswordPolicy"], "Resource": "*"},
                {"Sid": "AllowManageOwnPasswordAndAccessKeys", "Effect": "Allow",
                 "Action": ["iam:*AccessKey*", "iam:ChangePassword", "iam:GetUser", "iam:*ServiceSpecificCredential*", "iam:*SigningCertificate*"],
                 "Resource": ["arn:aws:iam::*:user/${aws:username}"]},
                {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
                {"Sid": "DenyEC2Production", "Effect": "Deny", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:instance/i-1234567890abcdef0"}
            ]
        }),
    )
}

/// Nikhil, created by Zhang with `IAMFullAccess`, `AmazonS3ReadOnlyAccess` and the
/// `XCompanyBoundaries` boundary: he can change his own password but not create users, never
/// read the `logs` bucket, never manage the production instance even if its resource policy
/// allows him, and can read a secret whose resource policy allows him.
#[test]
fn nikhil_within_x_company_boundaries() {
    let boundary = x_company_boundaries();
    let iam_full = policy(
        "IAMFullAccess",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}),
    );
    let s3_read = policy(
        "AmazonS3ReadOnlyAccess",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}),
    );
    let nikhil = principal("arn:aws:iam::111122223333:user/Nikhil");
    let mine = Policies::new()
        .identity(&iam_full)
        .identity(&s3_read)
        .boundary(&boundary);

    // His own password: aws:username comes from the principal.
    let e = eval(
        &request(
            &nikhil,
            "iam:ChangePassword",
            "arn:aws:iam::111122223333:user/Nikhil",
        ),
        &mine,
    );
    assert_eq!(decided(&e), (Decision::Allow, by("IAMFullAccess", 0, None)));
    assert_eq!(
        e.to_string(),
        "allowed by identity-based policy 'IAMFullAccess' Statement[0]; permissions boundary \
         'XCompanyBoundaries' Statement[2] (Sid 'AllowManageOwnPasswordAndAccessKeys')"
    );
    let e = eval(
        &request(
            &nikhil,
            "iam:ChangePassword",
            "arn:aws:iam::111122223333:user/Zhang",
        ),
        &mine,
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::PermissionsBoundary,
            Some(("XCompanyBoundaries".into(), 2, Mismatch::Resource))
        )
    );
    let e = eval(
        &request(
            &nikhil,
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/x",
        ),
        &mine,
    );
    assert_eq!(not_allowed(&e).0, Missing::PermissionsBoundary);

    // Reading the logs bucket: denied by the boundary.
    let e = eval(
        &s3(
            &nikhil,
            "s3:GetObject",
            "arn:aws:s3:::logs/2024/01/01.log",
            "111122223333",
        ),
        &mine,
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("XCompanyBoundaries", 3, Some("DenyS3Logs"))
        )
    );
    let e = eval(
        &s3(
            &nikhil,
            "s3:GetObject",
            "arn:aws:s3:::reports/q1.csv",
            "111122223333",
        ),
        &mine,
    );
    assert_eq!(e.decision, Decision::Allow);

    // A resource-based policy on the production instance does not help: explicit deny.
    let instance = "arn:aws:ec2:us-east-1:111122223333:instance/i-1234567890abcdef0";
    let instance_policy = policy(
        "instance",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Nikhil"}, "Action": ["ec2:StartInstances", "ec2:StopInstances"], "Resource": instance}]}),
    );
    let e = eval(
        &request(&nikhil, "ec2:StartInstances", instance),
        &Policies::new()
            .boundary(&boundary)
            .resource(&instance_policy),
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("XCompanyBoundaries", 4, Some("DenyEC2Production"))
        )
    );

    // A secret's resource-based policy allows him: boundaries do not limit it.
    let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-AbCdEf";
    let secret_policy = policy(
        "secret",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Nikhil", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Nikhil"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}),
    );
    let e = eval(
        &request(&nikhil, "secretsmanager:GetSecretValue", secret),
        &Policies::new()
            .identity(&iam_full)
            .boundary(&boundary)
            .resource(&secret_policy),
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("secret", 0, Some("Nikhil")))
    );
    assert_eq!(e.reason, Reason::ResourcePolicy);
}

/// Zhang may create users only with the `XCompanyBoundaries` boundary
/// (`iam:PermissionsBoundary` condition in his own boundary), and may never remove one.
#[test]
fn zhang_creates_users_only_with_the_boundary() {
    let boundary = policy(
        "DelegatedUserBoundary",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "CreateOrChangeOnlyWithBoundary", "Effect": "Allow",
                 "Action": ["iam:CreateUser", "iam:DeleteUserPolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPermissionsBoundary"],
                 "Resource": "*",
                 "Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/XCompanyBoundaries"}}},
                {"Sid": "CloudWatchAndOtherIAMTasks", "Effect": "Allow",
                 "Action": ["cloudwatch:*", "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:UpdateUser", "iam:*Group*"],
                 "Resource": "*"},
                {"Sid": "NoBoundaryPolicyEdit", "Effect": "Deny",
                 "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
                 "Resource": ["arn:aws:iam::111122223333:policy/XCompanyBoundaries", "arn:aws:iam::111122223333:policy/DelegatedUserBoundary"]},
                {"Sid": "NoBoundaryUserDelete", "Effect": "Deny", "Action": "iam:DeleteUserPermissionsBoundary", "Resource": "*"}
            ]
        }),
    );
    let permissions = policy(
        "DelegatedUserPermissions",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "IAM", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {"Sid": "CloudWatchLimited", "Effect": "Allow",
                 "Action": ["cloudwatch:GetDashboard", "cloudwatch:GetMetricData", "cloudwatch:ListDashboards", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"],
                 "Resource": "*"},
                {"Sid": "S3BucketContents", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::ZhangBucket"}
            ]
        }),
    );
    let zhang = principal("arn:aws:iam::111122223333:user/Zhang");
    let policies = Policies::new().identity(&permissions).boundary(&boundary);
    let nikhil = "arn:aws:iam::111122223333:user/Nikhil";

    // Creating Nikhil without a boundary fails, naming the condition that failed.
    let e = eval(&request(&zhang, "iam:CreateUser", nikhil), &policies);
    assert_eq!(
        not_allowed(&e),
        (
            Missing::PermissionsBoundary,
            Some((
                "DelegatedUserBoundary".into(),
                0,
                cond("StringEquals", "iam:PermissionsBoundary", false)
            ))
        )
    );
    let with = request(&zhang, "iam:CreateUser", nikhil).with_context(
        "iam:PermissionsBoundary",
        "arn:aws:iam::111122223333:policy/XCompanyBoundaries",
    );
    let e = eval(&with, &policies);
    assert_eq!(
        decided(&e),
        (
            Decision::Allow,
            by("DelegatedUserPermissions", 0, Some("IAM"))
        )
    );
    assert_eq!(
        e.statements[1].sid.as_deref(),
        Some("CreateOrChangeOnlyWithBoundary")
    );

    let e = eval(
        &request(&zhang, "iam:DeleteUserPermissionsBoundary", nikhil),
        &policies,
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("DelegatedUserBoundary", 3, Some("NoBoundaryUserDelete"))
        )
    );
    let e = eval(
        &request(
            &zhang,
            "iam:CreatePolicyVersion",
            "arn:aws:iam::111122223333:policy/XCompanyBoundaries",
        ),
        &policies,
    );
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("DelegatedUserBoundary", 2, Some("NoBoundaryPolicyEdit"))
        )
    );
    // CloudWatch: limited by his permissions policy, not by the boundary.
    let dash = "arn:aws:cloudwatch::111122223333:dashboard/ops";
    assert_eq!(
        eval(&request(&zhang, "cloudwatch:GetDashboard", dash), &policies).decision,
        Decision::Allow
    );
    let e = eval(&request(&zhang, "cloudwatch:PutDashboard", dash), &policies);
    assert_eq!(not_allowed(&e).0, Missing::Allow);
    // S3: allowed by his policy, but his boundary allows no S3 action.
    let e = eval(
        &s3(
            &zhang,
            "s3:ListBucket",
            "arn:aws:s3:::ZhangBucket",
            "111122223333",
        ),
        &policies,
    );
    assert_eq!(not_allowed(&e).0, Missing::PermissionsBoundary);
}

/// "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
/// permissions boundary policy attached, regardless of the values specified in the NotPrincipal
/// element."
#[test]
fn not_principal_deny_always_denies_a_principal_with_a_boundary() {
    let bucket = policy(
        "bucket",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "OnlyBob", "Effect": "Deny",
                 "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:root"]},
                 "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
                {"Sid": "Bob", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Bob"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
            ]
        }),
    );
    let boundary = policy(
        "boundary",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    );
    let bob = principal("arn:aws:iam::111122223333:user/Bob");
    let r = s3(&bob, "s3:GetObject", "arn:aws:s3:::b/k", "111122223333");
    let e = eval(&r, &Policies::new().resource(&bucket));
    assert_eq!(decided(&e), (Decision::Allow, by("bucket", 1, Some("Bob"))));
    let e = eval(&r, &Policies::new().resource(&bucket).boundary(&boundary));
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("bucket", 0, Some("OnlyBob")))
    );
}
