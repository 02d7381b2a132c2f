//! "IAM policy elements: Variables and tags"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).

use serde_json::json;

use super::*;

fn home_directories(version: Option<&str>) -> Policy {
    let mut doc = json!({
        "Statement": [
            {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
             "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
            {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow",
             "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]}
        ]
    });
    if let Some(v) = version {
        doc["Version"] = json!(v);
    }
    policy("home", doc)
}

/// Each user reaches only their own prefix; `aws:username` comes from the principal.
#[test]
fn username_in_resource_and_condition() {
    let p = home_directories(Some("2012-10-17"));
    let policies = Policies::new().identity(&p);
    let david = principal("arn:aws:iam::111122223333:user/David");
    let get =
        |who: &Principal, key: &str| eval(&s3(who, "s3:GetObject", key, "111122223333"), &policies);

    assert_eq!(
        decided(&get(&david, "arn:aws:s3:::mybucket/David/notes.txt")),
        (Decision::Allow, by("home", 1, None))
    );
    assert_eq!(
        not_allowed(&get(&david, "arn:aws:s3:::mybucket/Adele/notes.txt")),
        (Missing::Allow, Some(("home".into(), 1, Mismatch::Resource)))
    );
    let list = |prefix: &str| {
        eval(
            &s3(
                &david,
                "s3:ListBucket",
                "arn:aws:s3:::mybucket",
                "111122223333",
            )
            .with_context("s3:prefix", prefix),
            &policies,
        )
    };
    assert_eq!(list("David/2024/").decision, Decision::Allow);
    assert_eq!(list("Adele/").decision, Decision::ImplicitDeny);

    // A role session has no aws:username: "any attempt to match it fails and causes the
    // statement to be invalid".
    let session = principal("arn:aws:sts::111122223333:assumed-role/app/i-1");
    let e = get(&session, "arn:aws:s3:::mybucket/app/notes.txt");
    assert_eq!(
        not_allowed(&e),
        (
            Missing::Allow,
            Some((
                "home".into(),
                1,
                Mismatch::Variable {
                    name: "aws:username".into()
                }
            ))
        )
    );
}

/// "If you don't include the Version element ..., variables like ${aws:username} are treated as
/// literal strings in the policy."
#[test]
fn no_version_no_variables() {
    let p = home_directories(None);
    let policies = Policies::new().identity(&p);
    let david = principal("arn:aws:iam::111122223333:user/David");
    let get =
        |key: &str| eval(&s3(&david, "s3:GetObject", key, "111122223333"), &policies).decision;
    assert_eq!(
        get("arn:aws:s3:::mybucket/David/notes.txt"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        get("arn:aws:s3:::mybucket/${aws:username}/notes.txt"),
        Decision::Allow
    );
}

/// Queues named after the user, and a bucket named after the principal's `department` tag.
#[test]
fn variables_in_the_resource_part() {
    let p = policy(
        "queues",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
            {"Sid": "AllQueueActions", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"},
            {"Sid": "Department", "Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::bucket/${aws:PrincipalTag/department}"]}
        ]}),
    );
    let alice = principal("arn:aws:iam::111122223333:user/Alice");
    let policies = Policies::new().identity(&p);
    let e = eval(
        &request(
            &alice,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:111122223333:Alice-queue",
        ),
        &policies,
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("queues", 1, Some("AllQueueActions")))
    );
    let e = eval(
        &request(
            &alice,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:111122223333:Bob-queue",
        ),
        &policies,
    );
    assert_eq!(e.decision, Decision::ImplicitDeny);
    let hr = s3(
        &alice,
        "s3:GetObject",
        "arn:aws:s3:::bucket/hr",
        "111122223333",
    );
    let e = eval(
        &hr.clone().with_context("aws:PrincipalTag/department", "hr"),
        &policies,
    );
    assert_eq!(
        decided(&e),
        (Decision::Allow, by("queues", 2, Some("Department")))
    );
    let e = eval(
        &hr.clone().with_context("aws:PrincipalTag/department", "it"),
        &policies,
    );
    assert_eq!(e.decision, Decision::ImplicitDeny);
    // Several values for the tag: AWS allows only single-valued keys as variables.
    let r = hr
        .with_context("aws:PrincipalTag/department", "hr")
        .with_context("aws:PrincipalTag/department", "it");
    assert!(matches!(
        evaluate(&r, &policies),
        Err(EvalError::MultivaluedVariable { .. })
    ));
}

/// Variables in condition values (the SNS endpoint example), default values, and the special
/// variables `${*}`, `${?}`, `${$}`.
#[test]
fn condition_variables_defaults_and_special_characters() {
    // The topic is in another account; users of 999999999999 may manage it only at their own
    // endpoint (cross-account: their identity-based policy must allow too).
    let topic = policy(
        "topic",
        json!({"Version": "2012-10-17", "Statement": [{"Principal": {"AWS": "999999999999"}, "Effect": "Allow", "Action": "sns:*",
               "Resource": "arn:aws:sns:us-east-1:111122223333:t",
               "Condition": {"StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"}, "StringEquals": {"sns:Protocol": "https"}}}]}),
    );
    let manage = policy(
        "manage",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Subscribe", "Resource": "*"}]}),
    );
    let bob = principal("arn:aws:iam::999999999999:user/bob");
    let sub = |endpoint: &str| {
        request(
            &bob,
            "sns:Subscribe",
            "arn:aws:sns:us-east-1:111122223333:t",
        )
        .with_context("sns:endpoint", endpoint)
        .with_context("sns:Protocol", "https")
    };
    let policies = Policies::new().resource(&topic).identity(&manage);
    let e = eval(&sub("https://example.com/bob/"), &policies);
    assert_eq!(
        (e.decision, &e.reason),
        (Decision::Allow, &Reason::CrossAccount)
    );
    assert_eq!(
        not_allowed(&eval(&sub("https://example.com/eve/"), &policies)),
        (
            Missing::ResourcePolicy,
            Some(("topic".into(), 0, cond("StringLike", "sns:endpoint", true)))
        )
    );

    let p = policy(
        "defaults",
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Default", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"StringEquals": {"s3:prefix": "home/${aws:userid, 'anonymous'}"}}},
            {"Sid": "Star", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/${*}${?}${$}"}
        ]}),
    );
    let policies = Policies::new().identity(&p);
    let get = |prefix: &str, userid: Option<&str>| {
        let r = s3(&bob, "s3:GetObject", "arn:aws:s3:::b/k", "999999999999")
            .with_context("s3:prefix", prefix);
        let r = match userid {
            Some(id) => r.with_context("aws:userid", id),
            None => r,
        };
        eval(&r, &policies).decision
    };
    assert_eq!(get("home/anonymous", None), Decision::Allow);
    assert_eq!(
        get("home/AIDAEXAMPLE", Some("AIDAEXAMPLE")),
        Decision::Allow
    );
    assert_eq!(
        get("home/anonymous", Some("AIDAEXAMPLE")),
        Decision::ImplicitDeny
    );
    let put = |key: &str| eval(&s3(&bob, "s3:PutObject", key, "999999999999"), &policies).decision;
    assert_eq!(put("arn:aws:s3:::b/*?$"), Decision::Allow);
    assert_eq!(put("arn:aws:s3:::b/xy$"), Decision::ImplicitDeny);
}

/// A missing variable invalidates an `Allow` statement; in a `Deny`, only the value with the
/// variable is left out, so the deny still covers what its other values name (the side that
/// cannot wrongly allow, where AWS says only that the statement "might" become invalid).
#[test]
fn missing_variable_allow_versus_deny() {
    let doc = |effect: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": effect, "Action": "s3:GetObject",
               "Resource": ["arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/shared/*"]}]})
    };
    let (allow, deny) = (policy("allow", doc("Allow")), policy("deny", doc("Deny")));
    let any = policy(
        "any",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    );
    let ana = principal("arn:aws:iam::111122223333:user/ana");
    let shared = s3(
        &ana,
        "s3:GetObject",
        "arn:aws:s3:::b/shared/x",
        "111122223333",
    );
    let e = eval(&shared, &Policies::new().identity(&allow));
    assert_eq!(
        not_allowed(&e).1.map(|m| m.2),
        Some(Mismatch::Variable {
            name: "aws:PrincipalTag/team".into()
        })
    );
    let e = eval(&shared, &Policies::new().identity(&any).identity(&deny));
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("deny", 0, Some("S")))
    );
    assert_eq!(
        e.assumptions[0].kind,
        AssumptionKind::UnresolvedVariableInDeny {
            name: "aws:PrincipalTag/team".into()
        }
    );
    // With the tag, both read it as written.
    let tagged = shared.with_context("aws:PrincipalTag/team", "red");
    assert_eq!(
        eval(&tagged, &Policies::new().identity(&allow)).decision,
        Decision::Allow
    );
    let red = s3(&ana, "s3:GetObject", "arn:aws:s3:::b/red/x", "111122223333")
        .with_context("aws:PrincipalTag/team", "red");
    let e = eval(&red, &Policies::new().identity(&any).identity(&deny));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert!(e.assumptions.is_empty());
    // A negated deny condition whose only value has no variable value: the NOR of nothing holds.
    let cond_deny = policy(
        "cond-deny",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "C", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
               "Condition": {"StringNotEquals": {"s3:prefix": "${aws:PrincipalTag/team}/"}}}]}),
    );
    let r =
        s3(&ana, "s3:ListBucket", "arn:aws:s3:::b", "111122223333").with_context("s3:prefix", "x/");
    let e = eval(&r, &Policies::new().identity(&any).identity(&cond_deny));
    assert_eq!(
        decided(&e),
        (Decision::ExplicitDeny, by("cond-deny", 0, Some("C")))
    );
    assert_eq!(
        e.assumptions[0].kind,
        AssumptionKind::UnresolvedVariableInDeny {
            name: "aws:PrincipalTag/team".into()
        }
    );
}
