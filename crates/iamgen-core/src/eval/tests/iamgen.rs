//! What iamgen emits, decided by the evaluator: a generated trust policy, a generated permissions
//! policy, and the function policy an `aws_lambda_permission` creates.

use serde_json::json;

use super::*;
use crate::{compile, Settings};
use crate::{ServiceKind, Trust, Values};

fn values() -> Values {
    Values {
        partition: "aws".into(),
        region: "eu-west-1".into(),
        account: "111122223333".into(),
        inputs: Default::default(),
        dns_suffix: None,
    }
}

/// The Step Functions trust policy iamgen generates lets `states.amazonaws.com` assume the role
/// for our state machine only (confused-deputy conditions,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>).
#[test]
fn generated_step_functions_trust_policy() {
    let doc =
        Trust::for_kind(ServiceKind::StepFunctions, "engagement-pipeline-dev").to_json(&values());
    let trust = policy("pipeline-trust", doc);
    let policies = Policies::new().trust(&trust);
    let role = "arn:aws:iam::111122223333:role/engagement-pipeline-dev";
    let ours = "arn:aws:states:eu-west-1:111122223333:stateMachine:engagement-pipeline-dev";
    let assume = |who: Principal, account: Option<&str>, source: Option<&str>| {
        let mut r = request(&who, "sts:AssumeRole", role);
        if let Some(a) = account {
            r = r.with_context("aws:SourceAccount", a);
        }
        if let Some(s) = source {
            r = r.with_context("aws:SourceArn", s);
        }
        eval(&r, &policies)
    };
    let states = || Principal::service("states.amazonaws.com");
    let e = assume(states(), Some("111122223333"), Some(ours));
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("pipeline-trust", 0, Some("AssumeRole")))
    );

    // The neighbours: another account's state machine, another state machine, no source keys,
    // another service, and an IAM user of our own account (the trust policy must allow it).
    let e = assume(
        states(),
        Some("444455556666"),
        Some("arn:aws:states:eu-west-1:444455556666:stateMachine:engagement-pipeline-dev"),
    );
    assert_eq!(
        not_allowed(&e),
        (
            Missing::TrustPolicy,
            Some((
                "pipeline-trust".into(),
                0,
                cond("StringEquals", "aws:SourceAccount", true)
            ))
        )
    );
    let e = assume(
        states(),
        Some("111122223333"),
        Some("arn:aws:states:eu-west-1:111122223333:stateMachine:other"),
    );
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("ArnLike", "aws:SourceArn", true))
    );
    let e = assume(states(), None, None);
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("StringEquals", "aws:SourceAccount", false))
    );
    let e = assume(
        Principal::service("lambda.amazonaws.com"),
        Some("111122223333"),
        Some(ours),
    );
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Principal));
    let admin_policy = policy(
        "admin",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    );
    let admin = principal("arn:aws:iam::111122223333:user/admin");
    let e = eval(
        &request(&admin, "sts:AssumeRole", role),
        &Policies::new().identity(&admin_policy).trust(&trust),
    );
    assert_eq!(not_allowed(&e).0, Missing::TrustPolicy);
}

/// A same-account trust policy naming the account delegates to identity-based policies; naming
/// the user, it allows alone; naming the role, the caller's boundary applies.
#[test]
fn trust_policy_principal_forms() {
    let trust_for = |who: &str| {
        policy(
            "trust",
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "T", "Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}]}),
        )
    };
    let can_assume = policy(
        "can-assume",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/target"}]}),
    );
    let ana = principal("arn:aws:iam::111122223333:user/ana");
    let r = request(
        &ana,
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/target",
    );
    let account = trust_for("111122223333");
    let e = eval(&r, &Policies::new().trust(&account));
    assert_eq!(not_allowed(&e).0, Missing::IdentityPolicy);
    let e = eval(&r, &Policies::new().trust(&account).identity(&can_assume));
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::ResourcePolicyForAccount)
    );
    let names: Vec<_> = e.statements.iter().map(|s| s.policy.as_str()).collect();
    assert_eq!(names, ["trust", "can-assume"]);
    let e = eval(
        &r,
        &Policies::new().trust(&trust_for("arn:aws:iam::111122223333:user/ana")),
    );
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::ResourcePolicy)
    );
    // Role chaining: a session of `chain` assumes `target`; its boundary allows nothing of STS.
    let chain = Principal::role_session("arn:aws:iam::111122223333:role/chain", "s").unwrap();
    let boundary = policy(
        "boundary",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    );
    let by_role = trust_for("arn:aws:iam::111122223333:role/chain");
    let r = request(
        &chain,
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/target",
    );
    assert_eq!(
        eval(&r, &Policies::new().trust(&by_role)).reason,
        Reason::ResourcePolicyForRole
    );
    let e = eval(&r, &Policies::new().trust(&by_role).boundary(&boundary));
    assert_eq!(not_allowed(&e).0, Missing::PermissionsBoundary);
    // The root user does not assume roles: refused rather than guessed.
    assert!(matches!(
        evaluate(
            &request(
                &principal("111122223333"),
                "sts:AssumeRole",
                "arn:aws:iam::111122223333:role/target"
            ),
            &Policies::new().trust(&account)
        ),
        Err(EvalError::Unsupported(_))
    ));
}

/// The function policy an `aws_lambda_permission` creates for API Gateway: service principal,
/// `ArnLike` on `AWS:SourceArn`, `StringEquals` on `AWS:SourceAccount`
/// (<https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>).
#[test]
fn lambda_permission_for_api_gateway() {
    let function = "arn:aws:lambda:eu-west-1:111122223333:function:engagement-predict-dev";
    let fn_policy = policy(
        "engagement-predict-dev-policy",
        json!({"Version": "2012-10-17", "Id": "default", "Statement": [{
        "Sid": "AllowApiInvoke", "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": function,
        "Condition": {
            "ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*"},
            "StringEquals": {"AWS:SourceAccount": "111122223333"}
        }}]}),
    );
    let policies = Policies::new().resource(&fn_policy);
    let invoke = |who: Principal, source: &str, account: &str, target: &str| {
        let r = request(&who, "lambda:InvokeFunction", target)
            .with_context("aws:SourceArn", source)
            .with_context("aws:SourceAccount", account);
        eval(&r, &policies)
    };
    let apigw = || Principal::service("apigateway.amazonaws.com");
    let ours = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/POST/predict";
    let e = invoke(apigw(), ours, "111122223333", function);
    assert_eq!(
        decided(&e),
        (
            Decision::Allow,
            by("engagement-predict-dev-policy", 0, Some("AllowApiInvoke"))
        )
    );
    // Another API, another account, another function version, another service.
    let e = invoke(
        apigw(),
        "arn:aws:execute-api:eu-west-1:111122223333:zzzzzzzzzz/prod/POST/predict",
        "111122223333",
        function,
    );
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("ArnLike", "AWS:SourceArn", true))
    );
    let e = invoke(apigw(), ours, "444455556666", function);
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("StringEquals", "AWS:SourceAccount", true))
    );
    let e = invoke(apigw(), ours, "111122223333", &format!("{function}:1"));
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Resource));
    let e = invoke(
        Principal::service("bedrock.amazonaws.com"),
        ours,
        "111122223333",
        function,
    );
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Principal));
}

/// A role's permissions as iamgen plans them: `s3.read` on a bucket allows reading its objects
/// and listing it, and nothing next to that.
#[test]
fn generated_s3_read_grant() {
    let spec = r#"
project: shop
environment: prod
resources:
  buckets: { uploads: uploads }
services:
  resize:
    kind: lambda
    grants:
      - s3.read: uploads
"#;
    let compiled = compile("iamgen.yaml", spec, &Settings::default()).unwrap();
    let role = &compiled.plan.services[0].roles[0];
    let docs: Vec<Policy> = role
        .policies
        .iter()
        .map(|p| policy(&p.name, p.document.to_json(&values())))
        .collect();
    let policies = docs.iter().fold(Policies::new(), |ps, p| ps.identity(p));
    let session = Principal::role_session(
        "arn:aws:iam::111122223333:role/shop-resize-prod",
        "shop-resize-prod",
    )
    .unwrap();
    let ask = |action: &str, resource: &str| {
        eval(&s3(&session, action, resource, "111122223333"), &policies)
    };

    let e = ask(
        "s3:GetObject",
        "arn:aws:s3:::shop-uploads-prod/images/a.png",
    );
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(
        e.decided_by().and_then(|s| s.sid.as_deref()),
        Some("S3ReadObjects")
    );
    assert_eq!(
        ask("s3:ListBucket", "arn:aws:s3:::shop-uploads-prod").decision,
        Decision::Allow
    );
    for (action, resource) in [
        (
            "s3:PutObject",
            "arn:aws:s3:::shop-uploads-prod/images/a.png",
        ),
        (
            "s3:DeleteObject",
            "arn:aws:s3:::shop-uploads-prod/images/a.png",
        ),
        ("s3:GetObject", "arn:aws:s3:::shop-uploads-dev/images/a.png"),
        (
            "s3:GetObject",
            "arn:aws:s3:::shop-uploads-prod-backup/a.png",
        ),
        ("s3:ListBucket", "arn:aws:s3:::shop-uploads-prod/images"),
    ] {
        assert_eq!(
            ask(action, resource).decision,
            Decision::ImplicitDeny,
            "{action} {resource}"
        );
    }
}
