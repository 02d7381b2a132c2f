//! Matching of `Action` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>)
//! and `Resource` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards>),
//! and the principal forms of `Principal`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).

use serde_json::json;

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/ana";

fn allow(effect: &str, action: &str, resource: &str) -> Policy {
    policy(
        "p",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": effect, "Action": action, "Resource": resource}]}),
    )
}

fn decide(p: &Policy, action: &str, resource: &str) -> Evaluation {
    let r = request(&principal(USER), action, resource)
        .with_resource_account("111122223333")
        .unwrap();
    eval(&r, &Policies::new().identity(p))
}

/// "The asterisk (*) character can expand to replace everything within a segment, including
/// characters like a forward slash (/)": the page's S3 example, objects that match and objects
/// that do not.
#[test]
fn star_crosses_slashes() {
    let p = allow(
        "Allow",
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
    );
    for key in [
        "amzn-s3-demo-bucket/1/test/object.jpg",
        "amzn-s3-demo-bucket/1/2/test/object.jpg",
        "amzn-s3-demo-bucket/1/2/test/3/object.jpg",
        "amzn-s3-demo-bucket/1/2/3/test/4/object.jpg",
        "amzn-s3-demo-bucket/1///test///object.jpg",
        "amzn-s3-demo-bucket/1/test/.jpg",
        "amzn-s3-demo-bucket//test/object.jpg",
        "amzn-s3-demo-bucket/1/test/",
    ] {
        let e = decide(&p, "s3:GetObject", &format!("arn:aws:s3:::{key}"));
        assert_eq!(
            decided(&e),
            (Decision::Allow, by("p", 0, Some("S"))),
            "{key}"
        );
    }
    for key in [
        "amzn-s3-demo-bucket/1-test/object.jpg",
        "amzn-s3-demo-bucket/test/object.jpg",
        "amzn-s3-demo-bucket/1/2/test.jpg",
    ] {
        let e = decide(&p, "s3:GetObject", &format!("arn:aws:s3:::{key}"));
        assert_eq!(
            not_allowed(&e),
            (Missing::Allow, Some(("p".into(), 0, Mismatch::Resource))),
            "{key}"
        );
    }
}

/// "If the * wildcard is the last character of a resource ARN segment, it can expand to match
/// beyond the colon boundaries"; a wildcard inside a segment may not, as far as AWS says: that
/// reading is taken only where it cannot wrongly allow.
#[test]
fn colons_and_segments() {
    let fn_star = allow(
        "Allow",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:my-fn*",
    );
    let e = decide(
        &fn_star,
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:my-fn:prod",
    );
    assert_eq!(e.decision, Decision::Allow);
    assert!(e.assumptions.is_empty());
    let any_region = allow(
        "Allow",
        "ec2:StopInstances",
        "arn:aws:ec2:*:*:instance/i-1234567890abcdef0",
    );
    let e = decide(
        &any_region,
        "ec2:StopInstances",
        "arn:aws:ec2:eu-west-1:111122223333:instance/i-1234567890abcdef0",
    );
    assert_eq!(e.decision, Decision::Allow);

    // `a*z` across a colon: not documented.
    let mid = "arn:aws:lambda:us-east-1:111122223333:function:a*z";
    let target = "arn:aws:lambda:us-east-1:111122223333:function:a:z";
    let e = decide(
        &allow("Allow", "lambda:InvokeFunction", mid),
        "lambda:InvokeFunction",
        target,
    );
    assert_eq!(not_allowed(&e).1.map(|m| m.2), Some(Mismatch::Undocumented));
    assert_eq!(
        e.assumptions,
        [Assumption {
            statement: e.assumptions[0].statement.clone(),
            kind: AssumptionKind::WildcardAcrossColon {
                pattern: mid.into()
            },
            taken_as_match: false,
        }]
    );
    assert!(e
        .to_string()
        .contains("note: identity-based policy 'p' Statement[0] (Sid 'S'): resource"));
    let deny = policy(
        "p",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "S", "Effect": "Deny", "Action": "lambda:*", "Resource": mid}]}),
    );
    let e = decide(&deny, "lambda:InvokeFunction", target);
    assert_eq!(decided(&e), (Decision::ExplicitDeny, by("p", 1, Some("S"))));
    assert!(e.assumptions[0].taken_as_match);
    // `?` does not match a colon either, by the same reading.
    let q = allow(
        "Allow",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:a?z",
    );
    assert_eq!(
        decide(
            &q,
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:111122223333:function:abz"
        )
        .decision,
        Decision::Allow
    );
    assert_eq!(
        decide(&q, "lambda:InvokeFunction", target).decision,
        Decision::ImplicitDeny
    );
}

/// Resources are case-sensitive ("In the Resource element, the IAM user name is case
/// sensitive"); actions are not.
#[test]
fn case_sensitivity() {
    let p = allow("Allow", "iam:GetUser", "arn:aws:iam::111122223333:user/Bob");
    assert_eq!(
        decide(&p, "iam:GetUser", "arn:aws:iam::111122223333:user/Bob").decision,
        Decision::Allow
    );
    assert_eq!(
        decide(&p, "IAM:getuser", "arn:aws:iam::111122223333:user/Bob").decision,
        Decision::Allow
    );
    assert_eq!(
        decide(&p, "iam:GetUser", "arn:aws:iam::111122223333:user/bob").decision,
        Decision::ImplicitDeny
    );
    let q = allow("Allow", "s3:Get?bject*", "*");
    assert_eq!(
        decide(&q, "s3:GetObjectAcl", "arn:aws:s3:::b/k").decision,
        Decision::Allow
    );
    assert_eq!(
        decide(&q, "s3:GetBucketAcl", "arn:aws:s3:::b").decision,
        Decision::ImplicitDeny
    );
    let all = allow("Allow", "*", "*");
    assert_eq!(
        decide(&all, "anything:AtAll", "*").decision,
        Decision::Allow
    );
}

/// The principal forms: a service, a role ARN for its sessions, `"*"` and `{"AWS": "*"}`.
#[test]
fn principal_forms() {
    let doc = |principal: serde_json::Value| {
        policy(
            "queue",
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "Q", "Effect": "Allow", "Principal": principal,
                   "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"}]}),
        )
    };
    let send = |p: &Policy, who: Principal| {
        eval(
            &request(
                &who,
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:111122223333:q",
            ),
            &Policies::new().resource(p),
        )
    };
    let sns = || Principal::service("sns.amazonaws.com");
    let services = doc(json!({"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}));
    assert_eq!(
        decided(&send(&services, sns())),
        (Decision::Allow, by("queue", 0, Some("Q")))
    );
    assert_eq!(
        not_allowed(&send(&services, Principal::service("s3.amazonaws.com"))),
        (
            Missing::Allow,
            Some(("queue".into(), 0, Mismatch::Principal))
        )
    );
    // A differently-cased service name is not taken as the same service for an allow.
    let upper = send(&services, Principal::service("SNS.amazonaws.com"));
    assert_eq!(upper.decision, Decision::ImplicitDeny);
    assert_eq!(
        upper.assumptions[0].kind,
        AssumptionKind::ServicePrincipalCase
    );

    let everyone = doc(json!("*"));
    assert_eq!(send(&everyone, sns()).decision, Decision::Allow);
    assert_eq!(
        send(&everyone, Principal::anonymous()).decision,
        Decision::Allow
    );
    let aws_star = doc(json!({"AWS": "*"}));
    assert_eq!(
        send(&aws_star, Principal::anonymous()).decision,
        Decision::Allow
    );
    assert_eq!(send(&aws_star, principal(USER)).decision, Decision::Allow);
    let e = send(&aws_star, sns());
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(
        e.assumptions[0].kind,
        AssumptionKind::AwsWildcardForNonIamPrincipal
    );

    // A role ARN names every session of the role, with or without a path.
    let role = doc(json!({"AWS": "arn:aws:iam::111122223333:role/service-role/app"}));
    let session =
        Principal::role_session("arn:aws:iam::111122223333:role/service-role/app", "s1").unwrap();
    let e = send(&role, session);
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::ResourcePolicyForRole)
    );
    let other = Principal::role_session("arn:aws:iam::111122223333:role/app", "s1").unwrap();
    assert_eq!(send(&role, other).decision, Decision::ImplicitDeny);
    // Web identities match `Federated`.
    let web = doc(json!({"Federated": "cognito-identity.amazonaws.com"}));
    assert_eq!(
        send(&web, Principal::federated("cognito-identity.amazonaws.com")).decision,
        Decision::Allow
    );
    assert_eq!(
        send(&web, Principal::federated("accounts.google.com")).decision,
        Decision::ImplicitDeny
    );
}
