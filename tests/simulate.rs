//! `iamgen simulate` and `iamgen access` on the real binary (issue 7): the example's scenario file
//! (the form a pre-stop hook runs), single requests with the statement and spec line that decided,
//! who can do what to a resource, and every kind of bad input as one located error line, exit 1.

use assert_cmd::Command;
use predicates::prelude::*;

const SPEC: &str = "examples/engagement-platform.yaml";
const SCENARIOS: &str = "examples/engagement-platform.scenarios.yaml";
const WHERE: [&str; 4] = ["--account", "111122223333", "--region", "eu-west-1"];

fn iamgen() -> Command {
    Command::cargo_bin("iamgen").unwrap()
}

fn simulate(args: &[&str]) -> assert_cmd::assert::Assert {
    iamgen()
        .arg("simulate")
        .arg(SPEC)
        .args(args)
        .args(WHERE)
        .assert()
}

/// The exact command of the pre-stop hook.
#[test]
fn the_examples_scenarios_are_decided_as_expected() {
    iamgen()
        .args(["simulate", SPEC, "--scenarios", SCENARIOS])
        .args(WHERE)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "scenarios, every one decided as expected",
        ));
}

#[test]
fn a_request_prints_the_decision_the_statement_and_its_spec_line() {
    simulate(&[
        "--service",
        "predict",
        "dynamodb:PutItem",
        "table/engagement-cache-dev",
        "--context",
        "aws:ResourceTag/Project=engagement",
        "--context",
        "aws:ResourceTag/Environment=dev",
    ])
    .success()
        .stdout(predicate::str::starts_with(
            "allow: dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:111122223333:table/engagement-cache-dev\n",
        ))
        .stdout(predicate::str::contains(
            "Sid DynamodbReadWriteTables: from services.predict.grants[0] (dynamodb.read_write), examples/engagement-platform.yaml:",
        ));
    simulate(&[
        "--service",
        "predict",
        "dynamodb:PutItem",
        "table/engagement-cache-prod",
    ])
    .success()
    .stdout(predicate::str::starts_with("deny: "))
    .stdout(predicate::str::contains("the resource does not match"));
    simulate(&[
        "--service",
        "training",
        "--role",
        "execution",
        "secretsmanager:GetSecretValue",
        "secret:engagement-ml-dev-AbCdEf",
    ])
    .success()
    .stdout(predicate::str::starts_with("allow: "));
    simulate(&[
        "--caller",
        "apigateway.amazonaws.com",
        "lambda:InvokeFunction",
        "services.predict",
        "--input",
        "api_api_id=a1b2c3d4e5",
        "--context",
        "aws:SourceArn=arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/POST/predict",
        "--context",
        "aws:SourceAccount=111122223333",
    ])
    .success()
    .stdout(predicate::str::starts_with(
        "allow: lambda:InvokeFunction on arn:aws:lambda:eu-west-1:111122223333:function:engagement-predict-dev",
    ))
    .stdout(predicate::str::contains("from services.api.grants[0] (lambda.invoke)"));
}

#[test]
fn a_mismatch_fails_the_scenario_file_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "- {service: predict, action: dynamodb:PutItem, resource: table/engagement-cache-dev, context: {aws:ResourceTag/Project: engagement, aws:ResourceTag/Environment: dev}, expect: allow}\n\
         - {service: data_prep, action: dynamodb:PutItem, resource: table/engagement-cache-dev, expect: allow, why: wrong on purpose}\n",
    )
    .unwrap();
    let shown = file.display().to_string();
    iamgen()
        .args(["simulate", SPEC, "--scenarios", &shown])
        .args(WHERE)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{shown}:2:3: error: expected allow, got deny: data_prep (main role) dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:111122223333:table/engagement-cache-dev (wrong on purpose)"
        )))
        .stderr(predicate::str::contains("1 of 2 scenarios decided otherwise than expected"));
}

#[test]
fn access_lists_who_can_do_what_to_a_bucket() {
    let out = iamgen()
        .args(["access", SPEC, "models"])
        .args(WHERE)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("Who can do what to buckets.models:\n"),
        "{text}"
    );
    assert!(
        text.contains("training (role engagement-training-dev):\n  bucket: s3:GetBucketLocation\n  objects: s3:AbortMultipartUpload, s3:PutObject\n"),
        "{text}"
    );
    assert!(
        text.contains("inference (role engagement-inference-dev):\n  bucket: s3:GetBucketLocation, s3:ListBucket\n  objects: s3:GetObject\n"),
        "{text}"
    );
    assert!(!text.contains("pipeline"), "{text}");
    let out = iamgen()
        .args(["access", SPEC, "services.predict"])
        .args(WHERE)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("No role of the platform may act on it."),
        "{text}"
    );
    assert_eq!(text.matches("function policy of").count(), 1, "{text}");
    assert!(
        text.contains("function policy of engagement-predict-dev: apigateway.amazonaws.com may lambda:InvokeFunction when ArnLike AWS:SourceArn = arn:aws:execute-api:eu-west-1:111122223333:"),
        "{text}"
    );
    assert!(
        text.contains("trust policy of engagement-predict-dev: lambda.amazonaws.com may sts:AssumeRole always"),
        "{text}"
    );
    let out = iamgen()
        .args(["access", SPEC, "services.pre_cleanup"])
        .args(WHERE)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("pipeline (role engagement-pipeline-dev):\n  function: lambda:InvokeFunction\n  versions and aliases: lambda:InvokeFunction\n"),
        "{text}"
    );
}

/// Conditional allows are reported as such: the pipeline may run a task definition only on its
/// cluster, a state machine's role is assumed only for its own machine.
#[test]
fn access_reports_conditional_allows() {
    let out = iamgen()
        .args(["access", SPEC, "services.training"])
        .args(WHERE)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("task definitions: ecs:RunTask only when ArnEquals ecs:cluster = arn:aws:ecs:eu-west-1:111122223333:cluster/engagement-ml-dev"),
        "{text}"
    );
    assert!(
        text.contains(
            "iam:PassRole only when StringEquals iam:PassedToService = ecs-tasks.amazonaws.com"
        ),
        "{text}"
    );
}

/// Every bad input: one line, `error: ... in PART; hint` (located `FILE:LINE:COL:` in a scenario
/// file), exit 1, nothing on stdout.
#[test]
fn bad_input_is_one_located_error_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--service", "prdict", "dynamodb:PutItem", "table/x"],
            "error: unknown service 'prdict' in --service; did you mean 'predict'?\n",
        ),
        (
            &["--service", "predict", "dynamodb:PutItem", "arn:aws:dynamodb"],
            "error: 'arn:aws:dynamodb' is not an ARN (arn:partition:service:region:account:resource) in RESOURCE\n",
        ),
        (
            &["--service", "predict", "dynamodb:PutItems", "table/x"],
            "error: action 'dynamodb:PutItems' is not in the AWS catalog in ACTION; did you mean 'dynamodb:PutItem'?\n",
        ),
        (
            &["--service", "predict", "dynamodb:PutItem", "table/x", "--context", "aws:Nope=1"],
            "error: unknown condition key 'aws:Nope': not a global aws: key nor a key of any service in the catalog in --context; global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html\n",
        ),
        (
            &["--service", "predict", "dynamodb:PutItem", "table/x", "--context", "dynamodb:Select=1", "--context", "aws:SecureTransport=yes"],
            "error: condition key 'aws:SecureTransport' is Bool: 'yes' is not true or false in --context\n",
        ),
        (
            &["--service", "predict", "--role", "execution", "s3:GetObject", "raw"],
            "error: service 'predict' (lambda) has no execution role in --role; only an ecs_task has an execution role\n",
        ),
        (
            &["--service", "predict", "xray:PutTraceSegments", "raw"],
            "error: xray:PutTraceSegments accepts no resource: its only resource is * in RESOURCE\n",
        ),
    ];
    for (args, expected) in cases {
        iamgen()
            .arg("simulate")
            .arg(SPEC)
            .args(*args)
            .args(WHERE)
            .args([
                "--input",
                "api_api_id=a1b2c3d4e5",
                "--input",
                "assistant_agent_id=AGENT12345",
                "--input",
                "knowledge_base_knowledge_base_id=KB12345678",
            ])
            .assert()
            .code(1)
            .stdout("")
            .stderr(*expected);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        "- {service: predict, action: s3:GetObjekt, resource: raw, expect: alow}\n- nope\n",
    )
    .unwrap();
    let shown = file.display().to_string();
    iamgen()
        .args(["simulate", SPEC, "--scenarios", &shown])
        .args(WHERE)
        .args(["--input", "api_api_id=a1b2c3d4e5", "--input", "assistant_agent_id=AGENT12345", "--input", "knowledge_base_knowledge_base_id=KB12345678"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "{shown}:1:30: error: action 's3:GetObjekt' is not in the AWS catalog in [0].action; did you mean 's3:GetObject'?\n\
             {shown}:1:67: error: expect is allow or deny, not 'alow' in [0].expect\n\
             {shown}:2:3: error: a scenario is a mapping; found a scalar in [1]\n"
        ));
    std::fs::write(&file, "service: predict\n").unwrap();
    iamgen()
        .args(["simulate", SPEC, "--scenarios", &shown])
        .args(WHERE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{shown}:1:1: error: a scenario file is a list of requests; found a mapping"
        )));
    iamgen()
        .args(["access", SPEC, "modles"])
        .args(WHERE)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: 'modles' is neither an ARN nor a name of the spec in TARGET; did you mean 'models'?\n",
        ));
    iamgen()
        .args(["access", SPEC, "arn:aws:s3"])
        .args(WHERE)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: 'arn:aws:s3' is not an ARN",
        ));
}
