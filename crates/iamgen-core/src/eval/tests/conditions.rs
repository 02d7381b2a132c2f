//! "IAM JSON policy elements: Condition operators"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>)
//! and "Conditions with multiple context keys or values"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>).

use serde_json::{json, Value};

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/David";

/// One identity-based statement with `condition`, on every action and resource.
fn allow_if(condition: Value) -> Policy {
    policy(
        "conditional",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "If", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}]}),
    )
}

/// Decides `s3:GetObject` on `*` by David with the given context.
fn with(p: &Policy, context: &[(&str, &str)]) -> Result<Evaluation, EvalError> {
    let mut r = request(&principal(USER), "s3:ListAllMyBuckets", "*");
    for (k, v) in context {
        r = r.with_context(k, v);
    }
    evaluate(&r, &Policies::new().identity(p))
}

fn allowed(p: &Policy, context: &[(&str, &str)]) -> bool {
    match with(p, context) {
        Ok(e) => e.decision == Decision::Allow,
        Err(e) => panic!("{e}"),
    }
}

/// String operators: `aws:PrincipalTag/job-category` must be `iamuser-admin`; a user without
/// the tag is implicitly denied, and the evaluation names the condition and the absent key.
#[test]
fn string_equals_on_a_principal_tag() {
    let p = policy(
        "access-keys",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*",
               "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}}),
    );
    let r = request(
        &principal(USER),
        "iam:CreateAccessKey",
        "arn:aws:iam::111122223333:user/Ana",
    );
    let policies = Policies::new().identity(&p);
    let e = eval(
        &r.clone()
            .with_context("aws:PrincipalTag/job-category", "iamuser-admin"),
        &policies,
    );
    assert_eq!(decided(&e), (Decision::Allow, by("access-keys", 0, None)));
    let e = eval(&r.clone(), &policies);
    assert_eq!(
        not_allowed(&e),
        (
            Missing::Allow,
            Some((
                "access-keys".into(),
                0,
                cond("StringEquals", "aws:PrincipalTag/job-category", false)
            ))
        )
    );
    assert_eq!(
        e.to_string(),
        "implicitly denied: no identity-based or resource-based policy allows the request; closest: \
         identity-based policy 'access-keys' Statement[0]: condition StringEquals on \
         aws:PrincipalTag/job-category is false (aws:PrincipalTag/job-category is not in the request context)"
    );
    // Case-sensitive values; case-insensitive key names.
    let e = eval(
        &r.clone()
            .with_context("aws:principaltag/JOB-CATEGORY", "IAMUser-Admin"),
        &policies,
    );
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("StringEquals", "aws:PrincipalTag/job-category", true))
    );
    let e = eval(
        &r.with_context("AWS:PRINCIPALTAG/job-category", "iamuser-admin"),
        &policies,
    );
    assert_eq!(e.decision, Decision::Allow);
}

#[test]
fn string_operators() {
    let eq = allow_if(json!({"StringEqualsIgnoreCase": {"k": "Finance"}}));
    assert!(allowed(&eq, &[("k", "FINANCE")]));
    assert!(!allowed(&eq, &[("k", "finances")]));
    let ne = allow_if(json!({"StringNotEqualsIgnoreCase": {"k": "Finance"}}));
    assert!(!allowed(&ne, &[("k", "fInAnCe")]));
    assert!(allowed(&ne, &[("k", "hr")]));
    // StringEquals takes `*` literally; StringLike as a wildcard.
    let lit = allow_if(json!({"StringEquals": {"k": "a*"}}));
    assert!(allowed(&lit, &[("k", "a*")]));
    assert!(!allowed(&lit, &[("k", "ab")]));
    let like = allow_if(json!({"StringLike": {"k": ["a*", "b?c"]}}));
    assert!(allowed(&like, &[("k", "abc")]));
    assert!(allowed(&like, &[("k", "bxc")]));
    assert!(!allowed(&like, &[("k", "bc")]));
    assert!(!allowed(&like, &[("k", "A")]));
    let not_like = allow_if(json!({"StringNotLike": {"k": ["a*", "b*"]}}));
    assert!(allowed(&not_like, &[("k", "c")]));
    assert!(!allowed(&not_like, &[("k", "b1")]));
}

/// Numeric operators: `s3:max-keys` up to 10.
#[test]
fn numeric_max_keys() {
    let p = allow_if(json!({"NumericLessThanEquals": {"s3:max-keys": "10"}}));
    assert!(allowed(&p, &[("s3:max-keys", "10")]));
    assert!(allowed(&p, &[("s3:max-keys", "9.5")]));
    assert!(allowed(&p, &[("s3:max-keys", "10.000")]));
    assert!(!allowed(&p, &[("s3:max-keys", "11")]));
    assert!(!allowed(&p, &[]));
    let e = with(&p, &[("s3:max-keys", "ten")]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "identity-based policy 'conditional' Statement[0] (Sid 'If'): condition NumericLessThanEquals on s3:max-keys: 'ten' is not a number (10, -2.5)"
    );
    let ne = allow_if(json!({"NumericNotEquals": {"k": ["1", "2"]}}));
    assert!(allowed(&ne, &[("k", "3")]));
    assert!(!allowed(&ne, &[("k", "2.0")]));
    let gt = allow_if(json!({"NumericGreaterThan": {"k": -1}}));
    assert!(allowed(&gt, &[("k", "0")]));
    assert!(!allowed(&gt, &[("k", "-1")]));
}

/// Date operators: credentials issued after 2020-01-01T00:00:01Z; the key is absent for
/// long-term access keys.
#[test]
fn date_token_issue_time() {
    let p = allow_if(json!({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}));
    assert!(allowed(
        &p,
        &[("aws:TokenIssueTime", "2020-06-01T00:00:00Z")]
    ));
    assert!(allowed(&p, &[("aws:TokenIssueTime", "1577836802")]));
    assert!(!allowed(&p, &[("aws:TokenIssueTime", "1577836801")]));
    assert!(!allowed(
        &p,
        &[("aws:TokenIssueTime", "2019-12-31T19:00:01-05:00")]
    ));
    assert!(!allowed(&p, &[]));
    assert!(matches!(
        with(&p, &[("aws:TokenIssueTime", "last week")]),
        Err(EvalError::ContextValue { .. })
    ));
    let day = allow_if(json!({"DateLessThan": {"aws:CurrentTime": "2020-01-02"}}));
    assert!(allowed(
        &day,
        &[("aws:CurrentTime", "2020-01-01T23:59:59Z")]
    ));
    assert!(!allowed(
        &day,
        &[("aws:CurrentTime", "2020-01-02T00:00:00Z")]
    ));
}

/// Boolean operators: deny every S3 action on the bucket when the request is not over TLS.
#[test]
fn bool_secure_transport() {
    let deny = policy(
        "tls-only",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "BooleanExample", "Action": "s3:*", "Effect": "Deny",
             "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
    );
    let allow = policy(
        "s3",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    );
    let policies = Policies::new().identity(&allow).identity(&deny);
    let get = |tls: &str| {
        s3(
            &principal(USER),
            "s3:GetObject",
            "arn:aws:s3:::DOC-EXAMPLE-BUCKET/k",
            "111122223333",
        )
        .with_context("aws:SecureTransport", tls)
    };
    let e = eval(&get("false"), &policies);
    assert_eq!(
        decided(&e),
        (
            Decision::ExplicitDeny,
            by("tls-only", 0, Some("BooleanExample"))
        )
    );
    let e = eval(&get("true"), &policies);
    assert_eq!(decided(&e), (Decision::Allow, by("s3", 0, None)));
    assert!(matches!(
        evaluate(&get("maybe"), &policies),
        Err(EvalError::ContextValue {
            error: ValueError {
                kind: ValueKind::Bool,
                ..
            },
            ..
        })
    ));
}

/// Binary operators compare bytes of base-64 values.
#[test]
fn binary_equals() {
    let p = allow_if(json!({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}));
    assert!(allowed(&p, &[("key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==")]));
    assert!(allowed(&p, &[("key", "QmluYXJ5VmFsdWVJbkJhc2U2NA")]));
    assert!(!allowed(&p, &[("key", "QmluYXJ5")]));
    assert!(with(&p, &[("key", "not base64!")]).is_err());
}

/// IP address operators: IPv4 and IPv6 ranges together; `aws:SourceIp` is absent through a VPC
/// endpoint, which fails `IpAddress` and satisfies `NotIpAddress`.
#[test]
fn ip_address_ranges() {
    let p = allow_if(
        json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}),
    );
    assert!(allowed(&p, &[("aws:SourceIp", "203.0.113.7")]));
    assert!(allowed(&p, &[("aws:SourceIp", "2001:db8:1234:5678::99")]));
    assert!(!allowed(&p, &[("aws:SourceIp", "198.51.100.1")]));
    assert!(!allowed(&p, &[]));
    let not = allow_if(json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}));
    assert!(allowed(&not, &[]));
    assert!(!allowed(&not, &[("aws:SourceIp", "203.0.113.200")]));
    assert!(matches!(
        with(&p, &[("aws:SourceIp", "203.0.113.0/24")]),
        Err(EvalError::ContextValue {
            error: ValueError {
                kind: ValueKind::IpAddress,
                ..
            },
            ..
        })
    ));
}

/// ARN operators: the SNS topic that may send to the queue (`aws:SourceArn`). The page's example
/// names the account as principal; SNS calls as its service principal, which is what is
/// evaluated here.
#[test]
fn arn_equals_source_arn() {
    let queue = policy(
        "queue",
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
               "Action": "SQS:SendMessage", "Resource": "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
               "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}}}),
    );
    let send = |source: Option<&str>| {
        let r = request(
            &Principal::service("sns.amazonaws.com"),
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
        );
        let r = match source {
            Some(s) => r.with_context("aws:SourceArn", s),
            None => r,
        };
        eval(&r, &Policies::new().resource(&queue))
    };
    assert_eq!(
        decided(&send(Some("arn:aws:sns:us-east-2:123456789012:TOPIC-ID"))),
        (Decision::Allow, by("queue", 0, None))
    );
    assert_eq!(
        not_allowed(&send(Some("arn:aws:sns:us-east-2:123456789012:OTHER"))),
        (
            Missing::Allow,
            Some(("queue".into(), 0, cond("ArnEquals", "aws:SourceArn", true)))
        )
    );
    // "If an IAM user attempts to perform this operation directly, the condition returns false."
    assert_eq!(
        not_allowed(&send(None)).1.map(|m| m.2),
        Some(cond("ArnEquals", "aws:SourceArn", false))
    );
}

/// "There are certain cases when a string operator would match when an ARN operator would not":
/// `StringLike`'s `*` crosses colons, `ArnLike` matches each of the six components on its own.
#[test]
fn arn_like_versus_string_like() {
    let pattern = "arn:aws:someservice:*:111122223333:finance/*";
    let value =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    let string_like = allow_if(json!({"StringLike": {"aws:SourceArn": pattern}}));
    let arn_like = allow_if(json!({"ArnLike": {"aws:SourceArn": pattern}}));
    assert!(allowed(&string_like, &[("aws:SourceArn", value)]));
    assert!(!allowed(&arn_like, &[("aws:SourceArn", value)]));
    assert!(allowed(
        &arn_like,
        &[(
            "aws:SourceArn",
            "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"
        )]
    ));
    // ArnEquals behaves like ArnLike; the sixth component keeps its colons; matching is
    // case-sensitive.
    let fn_arn = allow_if(
        json!({"ArnEquals": {"aws:SourceArn": "arn:aws:lambda:*:111122223333:function:*"}}),
    );
    assert!(allowed(
        &fn_arn,
        &[(
            "aws:SourceArn",
            "arn:aws:lambda:eu-west-1:111122223333:function:f:prod"
        )]
    ));
    assert!(!allowed(
        &fn_arn,
        &[(
            "aws:SourceArn",
            "arn:aws:lambda:eu-west-1:111122223333:Function:f"
        )]
    ));
    let not = allow_if(
        json!({"ArnNotLike": {"aws:SourceArn": "arn:aws:lambda:*:111122223333:function:*"}}),
    );
    assert!(!allowed(
        &not,
        &[(
            "aws:SourceArn",
            "arn:aws:lambda:us-east-1:111122223333:function:f"
        )]
    ));
    assert!(allowed(
        &not,
        &[(
            "aws:SourceArn",
            "arn:aws:lambda:us-east-1:444455556666:function:f"
        )]
    ));
    assert!(allowed(&not, &[]));
}

/// `...IfExists`: the `ec2:InstanceType` key exists only for the instance, not for the image,
/// key pair or security group that `RunInstances` also authorizes.
#[test]
fn if_exists_run_instances() {
    let strict = policy(
        "THISPOLICYDOESNOTWORK",
        json!({"Version": "2012-10-17", "Statement": {"Sid": "THISPOLICYDOESNOTWORK", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
               "Condition": {"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}}}),
    );
    let if_exists = policy(
        "RunInstance",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "RunInstance", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
               "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}}]}),
    );
    let user = principal(USER);
    let image = request(
        &user,
        "ec2:RunInstances",
        "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890",
    )
    .with_resource_account("111122223333")
    .unwrap();
    let instance = |t: &str| {
        request(
            &user,
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
        )
        .with_context("ec2:InstanceType", t)
    };
    let e = eval(&image, &Policies::new().identity(&strict));
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("StringLike", "ec2:InstanceType", false))
    );
    let e = eval(&image, &Policies::new().identity(&if_exists));
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("RunInstance", 0, Some("RunInstance")))
    );
    for policies in [
        Policies::new().identity(&strict),
        Policies::new().identity(&if_exists),
    ] {
        assert_eq!(
            eval(&instance("t2.micro"), &policies).decision,
            Decision::Allow
        );
        assert_eq!(
            eval(&instance("m5.large"), &policies).decision,
            Decision::ImplicitDeny
        );
    }
}

/// "If you are using an Effect: Deny element with a negated condition operator like
/// StringNotEqualsIfExists, the request is still denied even if the tag is missing."
#[test]
fn negated_if_exists_deny_with_missing_key() {
    let p = policy(
        "guard",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Any", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "OnlyTeamA", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/team": "a"}}}]}),
    );
    let r = request(
        &principal(USER),
        "ec2:StopInstances",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    );
    let policies = Policies::new().identity(&p);
    let denied = (Decision::ExplicitDeny, by("guard", 1, Some("OnlyTeamA")));
    assert_eq!(decided(&eval(&r.clone(), &policies)), denied);
    assert_eq!(
        decided(&eval(
            &r.clone().with_context("aws:ResourceTag/team", "b"),
            &policies
        )),
        denied
    );
    assert_eq!(
        eval(&r.with_context("aws:ResourceTag/team", "a"), &policies).decision,
        Decision::Allow
    );
}

/// "If the key that you specify in a policy condition is not present in the request context ...
/// the condition is false. If the policy condition requires that the key is not matched, such as
/// StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
#[test]
fn missing_keys_for_every_operator_family() {
    for (op, value, holds) in [
        ("StringEquals", "x", false),
        ("StringNotEquals", "x", true),
        ("StringEqualsIgnoreCase", "x", false),
        ("StringNotEqualsIgnoreCase", "x", true),
        ("StringLike", "x*", false),
        ("StringNotLike", "x*", true),
        ("NumericEquals", "1", false),
        ("NumericNotEquals", "1", true),
        ("NumericLessThan", "1", false),
        ("DateEquals", "2020-01-01", false),
        ("DateNotEquals", "2020-01-01", true),
        ("DateGreaterThan", "2020-01-01", false),
        ("Bool", "true", false),
        ("BinaryEquals", "YQ==", false),
        ("IpAddress", "10.0.0.0/8", false),
        ("NotIpAddress", "10.0.0.0/8", true),
        ("ArnEquals", "arn:aws:s3:::b", false),
        ("ArnNotEquals", "arn:aws:s3:::b", true),
        ("ArnLike", "arn:aws:s3:::*", false),
        ("ArnNotLike", "arn:aws:s3:::*", true),
        ("StringEqualsIfExists", "x", true),
        ("NumericLessThanIfExists", "1", true),
        ("ArnLikeIfExists", "arn:aws:s3:::*", true),
    ] {
        let p = allow_if(json!({op: {"absent:key": value}}));
        assert_eq!(allowed(&p, &[]), holds, "{op}");
    }
}

/// Null: `true` when the key is absent; here, only long-term credentials (no
/// `aws:TokenIssueTime`) may use EC2.
#[test]
fn null_checks_existence() {
    let p = policy(
        "no-temp-creds",
        json!({"Version": "2012-10-17", "Statement": {"Action": "ec2:*", "Effect": "Allow", "Resource": "*", "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}}),
    );
    let r = request(&principal(USER), "ec2:DescribeInstances", "*");
    let policies = Policies::new().identity(&p);
    assert_eq!(eval(&r.clone(), &policies).decision, Decision::Allow);
    let e = eval(
        &r.with_context("aws:TokenIssueTime", "2024-01-01T00:00:00Z"),
        &policies,
    );
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(cond("Null", "aws:TokenIssueTime", true))
    );
    let present = allow_if(json!({"Null": {"k": false}}));
    assert!(allowed(&present, &[("k", "")]));
    assert!(!allowed(&present, &[]));
}

/// Multiple operators and multiple keys are ANDed, multiple values ORed, and a negated
/// operator's values NORed.
#[test]
fn and_of_operators_and_keys_or_of_values() {
    let p = allow_if(json!({
        "StringEquals": {
            "aws:PrincipalTag/department": ["finance", "hr", "legal"],
            "aws:PrincipalTag/role": ["audit", "security"]
        },
        "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:role/audit-*"]}
    }));
    let tags = [
        ("aws:PrincipalTag/department", "hr"),
        ("aws:PrincipalTag/role", "audit"),
    ];
    // aws:PrincipalArn is derived from the principal (a user of 111122223333).
    assert!(allowed(&p, &tags));
    assert!(!allowed(&p, &tags[..1]));
    assert!(!allowed(
        &p,
        &[
            ("aws:PrincipalTag/department", "it"),
            ("aws:PrincipalTag/role", "audit")
        ]
    ));
    assert!(!allowed(
        &p,
        &[
            tags[0],
            tags[1],
            ("aws:PrincipalArn", "arn:aws:iam::444455556666:user/x")
        ]
    ));
    let nor =
        allow_if(json!({"StringNotEquals": {"aws:PrincipalTag/department": ["finance", "hr"]}}));
    assert!(allowed(&nor, &[("aws:PrincipalTag/department", "legal")]));
    assert!(!allowed(&nor, &[("aws:PrincipalTag/department", "hr")]));
}

/// Policy variables in `Bool`: the condition-operators page allows them, the policy-variables
/// page (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement>)
/// does not. Where the two readings disagree, an `Allow` is not taken and a `Deny` is.
#[test]
fn bool_with_a_policy_variable_is_undocumented() {
    let doc = |effect: &str, values: Value| {
        policy(
            "tls",
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "Base", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
                {"Sid": "S", "Effect": effect, "Action": "*", "Resource": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": values}}}]}),
        )
    };
    let r = request(&principal(USER), "s3:GetObject", "*")
        .with_context("aws:SecureTransport", "true")
        .with_context("aws:PrincipalTag/tls", "true");
    let e = eval(
        &r,
        &Policies::new().identity(&doc("Allow", json!("${aws:PrincipalTag/tls}"))),
    );
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Undocumented));
    assert_eq!(
        e.assumptions[0].kind,
        AssumptionKind::BoolPolicyVariable {
            key: "aws:SecureTransport".into()
        }
    );
    let e = eval(
        &request(&principal(USER), "s3:ListBucket", "*")
            .with_context("aws:SecureTransport", "true")
            .with_context("aws:PrincipalTag/tls", "true"),
        &Policies::new().identity(&doc("Deny", json!("${aws:PrincipalTag/tls}"))),
    );
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("tls", 1, Some("S")))
    );
    // Both readings agree: no assumption.
    let e = eval(
        &r,
        &Policies::new().identity(&doc("Allow", json!(["true", "${aws:PrincipalTag/tls}"]))),
    );
    assert_eq!(decided(&e), (Decision::Allow, by("tls", 1, Some("S"))));
    assert!(e.assumptions.is_empty());
}
