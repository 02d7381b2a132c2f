//! Issue 7 (<https://github.com/iamgen/iamgen/issues/7>): the generated IAM must work when applied.
//! Each test decides, with the evaluator over the generated policies, a request AWS really makes
//! (the ARN it authorizes, the context keys the calling service sends), and fails on the output
//! iamgen wrote before the fix it names.

use iamgen_core::eval::{Decision, Principal};
use iamgen_core::{compile, Resolved, RolePurpose, Settings, Values};

const ACCOUNT: &str = "111122223333";
const OTHER_ACCOUNT: &str = "444455556666";

fn values() -> Values {
    Values::new("aws", "eu-west-1", ACCOUNT).unwrap()
}

fn platform(yaml: &str) -> Resolved {
    let compiled = compile("t.yaml", yaml, &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
    compiled.plan.resolve(&values()).unwrap()
}

fn example() -> Resolved {
    platform(iamgen_core::EXAMPLE_SPEC)
}

/// What `service`'s role `purpose` may do: `action` on `resource` with `context`.
fn role_may(
    p: &Resolved,
    service: &str,
    purpose: RolePurpose,
    action: &str,
    resource: &str,
    context: &[(&str, &str)],
) -> Decision {
    let session = p
        .session(service, purpose)
        .unwrap_or_else(|| panic!("no role {purpose:?} for {service}"));
    let mut request = p.request(session, action, resource).unwrap();
    for (k, v) in context {
        request = request.with_context(k, v);
    }
    let e = p.evaluate(&request).unwrap();
    e.decision
}

/// Whether `principal` may assume `service`'s role `purpose`, sending `context`.
fn may_assume(
    p: &Resolved,
    service: &str,
    purpose: RolePurpose,
    principal: &str,
    context: &[(&str, &str)],
) -> Decision {
    let role = p.role(service, purpose).unwrap().arn.clone();
    let mut request = p
        .request(Principal::service(principal), "sts:AssumeRole", &role)
        .unwrap();
    for (k, v) in context {
        request = request.with_context(k, v);
    }
    p.evaluate(&request).unwrap().decision
}

use Decision::{Allow, ImplicitDeny as Deny};
use RolePurpose::{Execution, Main};

/// Issue 7, item 2: CloudWatch Logs authorizes `CreateLogGroup` against
/// `log-group:NAME:log-stream:`, which `log-group:NAME` never matches
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html>;
/// AccessDenied reports: <https://github.com/aws-solutions/instance-scheduler-on-aws/issues/578>,
/// <https://github.com/terraform-aws-modules/terraform-aws-ecs/pull/112>).
#[test]
fn issue_7_create_log_group_is_authorized_on_the_group_with_its_streams() {
    let p = example();
    let lambda = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/engagement-predict-dev";
    let ecs = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/engagement-training-dev";
    let create = "logs:CreateLogGroup";
    assert_eq!(
        role_may(
            &p,
            "predict",
            Main,
            create,
            &format!("{lambda}:log-stream:"),
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "training",
            Execution,
            create,
            &format!("{ecs}:log-stream:"),
            &[]
        ),
        Allow
    );
    // Neighbours: another function's group, a group whose name starts with ours.
    for other in [
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/engagement-ensemble-dev",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/engagement-predict-dev-canary",
    ] {
        assert_eq!(
            role_may(
                &p,
                "predict",
                Main,
                create,
                &format!("{other}:log-stream:"),
                &[]
            ),
            Deny,
            "{other}"
        );
    }
    let logs_write = platform(
        "project: p\nenvironment: e\nservices:\n  f:\n    kind: lambda\n    grants: [ logs.write: /shop/app ]\n",
    );
    assert_eq!(
        role_may(
            &logs_write,
            "f",
            Main,
            create,
            "arn:aws:logs:eu-west-1:111122223333:log-group:/shop/app:log-stream:",
            &[]
        ),
        Allow
    );
}

/// Issue 7, item 5: AWS documents the ECS task execution role's trust policy with the service
/// principal alone
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html>);
/// `aws:SourceAccount`/`aws:SourceArn` are documented for the task role only
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html>). ECS need
/// not send them when it assumes the execution role, which must then still work.
#[test]
fn issue_7_ecs_execution_role_trust_needs_no_source_keys() {
    let p = example();
    let ecs = "ecs-tasks.amazonaws.com";
    assert_eq!(may_assume(&p, "training", Execution, ecs, &[]), Allow);
    assert_eq!(
        may_assume(&p, "training", Execution, "lambda.amazonaws.com", &[]),
        Deny
    );
    // The task role keeps the documented confused-deputy conditions.
    let ours = [
        ("aws:SourceAccount", ACCOUNT),
        ("aws:SourceArn", "arn:aws:ecs:eu-west-1:111122223333:task/engagement-ml-dev/0123456789abcdef0123456789abcdef"),
    ];
    assert_eq!(may_assume(&p, "training", Main, ecs, &ours), Allow);
    assert_eq!(may_assume(&p, "training", Main, ecs, &[]), Deny);
    let theirs = [
        ("aws:SourceAccount", OTHER_ACCOUNT),
        ("aws:SourceArn", "arn:aws:ecs:eu-west-1:444455556666:task/engagement-ml-dev/0123456789abcdef0123456789abcdef"),
    ];
    assert_eq!(may_assume(&p, "training", Main, ecs, &theirs), Deny);
}

/// Issue 7, item 6: a state machine's versions and aliases (`stateMachine:NAME:1`,
/// `stateMachine:NAME:prod`) run with its role too; AWS does not say which ARN Step Functions
/// sends as `aws:SourceArn`, so the trust covers the machine and its qualified ARNs
/// (<https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html>,
/// <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html>).
#[test]
fn issue_7_step_functions_trust_covers_versions_and_aliases() {
    let p = example();
    let states = "states.amazonaws.com";
    let machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:engagement-pipeline-dev";
    for source in [
        machine.to_string(),
        format!("{machine}:1"),
        format!("{machine}:prod"),
    ] {
        let ctx = [
            ("aws:SourceAccount", ACCOUNT),
            ("aws:SourceArn", source.as_str()),
        ];
        assert_eq!(
            may_assume(&p, "pipeline", Main, states, &ctx),
            Allow,
            "{source}"
        );
    }
    for source in [
        "arn:aws:states:eu-west-1:111122223333:stateMachine:engagement-pipeline-dev-2",
        "arn:aws:states:eu-west-1:111122223333:stateMachine:other",
    ] {
        let ctx = [("aws:SourceAccount", ACCOUNT), ("aws:SourceArn", source)];
        assert_eq!(
            may_assume(&p, "pipeline", Main, states, &ctx),
            Deny,
            "{source}"
        );
    }
}

const TWO_APIS: &str = "project: p\nenvironment: e\nservices:\n  public: { kind: api_gateway }\n  admin: { kind: api_gateway }\n";

/// Issue 7, item 3: `aws_api_gateway_account` is one setting per account and region
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>,
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html>):
/// switched on by default it takes over the logging role of every other API of the region, and
/// two `api_gateway` services would fight over it.
#[test]
fn issue_7_api_gateway_account_setting_is_off_by_default_and_one_per_platform() {
    let compiled = compile("t.yaml", TWO_APIS, &Settings::default()).unwrap();
    let settings: Vec<_> = compiled
        .plan
        .services
        .iter()
        .flat_map(|s| &s.account_settings)
        .collect();
    assert_eq!(settings.len(), 1, "{settings:?}");
    assert!(!settings[0].switch.default);
}

/// Issue 7, item 3: when set, the account's CloudWatch role serves every REST API of the region:
/// execution logs of any API, access logs to any group, with `AmazonAPIGatewayPushToCloudWatchLogs`'s
/// actions (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html>),
/// in this region and account only.
#[test]
fn issue_7_api_gateway_cloudwatch_role_works_region_wide() {
    let p = platform(TWO_APIS);
    let group = |name: &str| format!("arn:aws:logs:eu-west-1:111122223333:log-group:{name}");
    let other_api = group("API-Gateway-Execution-Logs_zz99yy88xx/prod");
    let access = group("public-api-access-logs");
    for (action, resource) in [
        ("logs:CreateLogGroup", format!("{other_api}:log-stream:")),
        (
            "logs:CreateLogStream",
            format!("{other_api}:log-stream:0123abcd"),
        ),
        (
            "logs:PutLogEvents",
            format!("{other_api}:log-stream:0123abcd"),
        ),
        ("logs:PutLogEvents", format!("{access}:log-stream:0123abcd")),
        ("logs:DescribeLogStreams", format!("{access}:*")),
        ("logs:DescribeLogGroups", "*".to_string()),
    ] {
        assert_eq!(
            role_may(&p, "public", Main, action, &resource, &[]),
            Allow,
            "{action} {resource}"
        );
    }
    for (action, resource) in [
        (
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:111122223333:log-group:x:log-stream:y",
        ),
        (
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:444455556666:log-group:x:log-stream:y",
        ),
        (
            "logs:DeleteLogGroup",
            "arn:aws:logs:eu-west-1:111122223333:log-group:x:*",
        ),
        (
            "logs:PutRetentionPolicy",
            "arn:aws:logs:eu-west-1:111122223333:log-group:x:*",
        ),
    ] {
        assert_eq!(
            role_may(&p, "public", Main, action, resource, &[]),
            Deny,
            "{action} {resource}"
        );
    }
}

/// Issue 7, item 6: `RunTask` with tags (`tags`, `propagateTags`, `enableECSManagedTags`) is also
/// authorized as `ecs:TagResource` on the new task, with `ecs:CreateAction = RunTask`
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html>;
/// the denied resource is the task: <https://github.com/serverless-operations/serverless-step-functions/issues/656>).
#[test]
fn issue_7_run_task_may_tag_the_tasks_it_starts() {
    let p = example();
    let task = "arn:aws:ecs:eu-west-1:111122223333:task/engagement-ml-dev/0123456789abcdef0123456789abcdef";
    let on_run = [("ecs:CreateAction", "RunTask")];
    assert_eq!(
        role_may(&p, "pipeline", Main, "ecs:TagResource", task, &on_run),
        Allow
    );
    // Tagging outside RunTask, another cluster's task, another create action: denied.
    assert_eq!(
        role_may(&p, "pipeline", Main, "ecs:TagResource", task, &[]),
        Deny
    );
    let other =
        "arn:aws:ecs:eu-west-1:111122223333:task/other-cluster/0123456789abcdef0123456789abcdef";
    assert_eq!(
        role_may(&p, "pipeline", Main, "ecs:TagResource", other, &on_run),
        Deny
    );
    assert_eq!(
        role_may(
            &p,
            "pipeline",
            Main,
            "ecs:TagResource",
            task,
            &[("ecs:CreateAction", "StartTask")]
        ),
        Deny
    );
}

/// Issue 7, item 6: secrets a task definition injects (`secrets` of a container definition) are
/// read by the task execution role before the container starts
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html>,
/// "Secrets Manager or Systems Manager permissions"). The seed's training task gets its secret
/// that way: its code does not call Secrets Manager.
#[test]
fn issue_7_injected_secrets_are_read_by_the_execution_role() {
    let p = example();
    let secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:engagement-ml-dev-AbCdEf";
    let get = "secretsmanager:GetSecretValue";
    assert_eq!(role_may(&p, "training", Execution, get, secret, &[]), Allow);
    assert_eq!(role_may(&p, "training", Main, get, secret, &[]), Deny);
    let other = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:engagement-ml-prod-AbCdEf";
    assert_eq!(role_may(&p, "training", Execution, get, other, &[]), Deny);
}

/// Issue 7, item 6: AWS's knowledge base S3 data-source statements carry `aws:ResourceAccount`
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>, "Permissions to
/// access your Amazon S3 data source"): a bucket of the same name in another account is refused.
#[test]
fn issue_7_knowledge_base_reads_its_data_source_in_its_own_account_only() {
    let p = example();
    let object = "arn:aws:s3:::engagement-knowledge-base-dev/docs/faq.pdf";
    let bucket = "arn:aws:s3:::engagement-knowledge-base-dev";
    let ours = [("aws:ResourceAccount", ACCOUNT)];
    let theirs = [("aws:ResourceAccount", OTHER_ACCOUNT)];
    assert_eq!(
        role_may(&p, "knowledge_base", Main, "s3:GetObject", object, &ours),
        Allow
    );
    assert_eq!(
        role_may(&p, "knowledge_base", Main, "s3:ListBucket", bucket, &ours),
        Allow
    );
    assert_eq!(
        role_may(&p, "knowledge_base", Main, "s3:GetObject", object, &theirs),
        Deny
    );
    assert_eq!(
        role_may(&p, "knowledge_base", Main, "s3:ListBucket", bucket, &theirs),
        Deny
    );
}

/// Issue 7, item 4: a knowledge base calls its embedding model with `InvokeModel` only; AWS lists
/// no `InvokeModelWithResponseStream` for its role
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>, "Permissions to
/// access Amazon Bedrock models").
#[test]
fn issue_7_knowledge_base_never_streams_its_embedding_model() {
    let p = example();
    let model = "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0";
    assert_eq!(
        role_may(
            &p,
            "knowledge_base",
            Main,
            "bedrock:InvokeModel",
            model,
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "knowledge_base",
            Main,
            "bedrock:InvokeModelWithResponseStream",
            model,
            &[]
        ),
        Deny
    );
}

/// Issue 7, item 1: no Bedrock knowledge base stores vectors in a general-purpose bucket. The
/// seed's "vector store bucket" is an S3 Vectors vector bucket, and the knowledge base needs the
/// five `s3vectors:` actions on its index
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>, "Permissions to
/// access your vector store in Amazon S3 Vectors").
#[test]
fn issue_7_knowledge_base_reaches_its_s3_vectors_index() {
    let p = example();
    let index = "arn:aws:s3vectors:eu-west-1:111122223333:bucket/engagement-vector-store-dev/index/knowledge-base";
    for action in [
        "s3vectors:PutVectors",
        "s3vectors:GetVectors",
        "s3vectors:DeleteVectors",
        "s3vectors:QueryVectors",
        "s3vectors:GetIndex",
    ] {
        assert_eq!(
            role_may(&p, "knowledge_base", Main, action, index, &[]),
            Allow,
            "{action}"
        );
    }
    for (action, resource) in [
        ("s3vectors:QueryVectors", "arn:aws:s3vectors:eu-west-1:111122223333:bucket/engagement-vector-store-dev/index/other"),
        ("s3vectors:QueryVectors", "arn:aws:s3vectors:eu-west-1:111122223333:bucket/engagement-vector-store-prod/index/knowledge-base"),
        ("s3vectors:DeleteIndex", index),
        ("s3vectors:DeleteVectorBucket", "arn:aws:s3vectors:eu-west-1:111122223333:bucket/engagement-vector-store-dev"),
        ("s3:PutObject", "arn:aws:s3:::engagement-vector-store-dev/x"),
    ] {
        assert_eq!(role_may(&p, "knowledge_base", Main, action, resource, &[]), Deny, "{action} {resource}");
    }
}

const STORES: &str = r#"
project: shop
environment: prod
resources:
  secrets: { pg: pg-credentials, pine: pinecone-key }
  vector_stores:
    search: { engine: opensearch_serverless, collection: docs }
    pg: { engine: aurora_postgresql, cluster: vectors, secret: pg }
    pine: { engine: pinecone, secret: pine }
services:
  search_kb: { kind: bedrock_knowledge_base, vector_store: search }
  pg_kb: { kind: bedrock_knowledge_base, vector_store: pg }
  pine_kb: { kind: bedrock_knowledge_base, vector_store: pine }
"#;

/// Issue 7, item 1: each other store as the same page documents it: OpenSearch Serverless
/// (`aoss:APIAccessAll` on the collection, and a data access policy naming the role), Aurora
/// PostgreSQL (the cluster's `rds` ARN for `rds:DescribeDBClusters` and the Data API, and the
/// credentials secret), and the third-party stores' credentials secret.
#[test]
fn issue_7_knowledge_base_reaches_every_kind_of_vector_store() {
    let p = platform(STORES);
    let collection_id = &p.values().inputs["search_collection_id"];
    let collection = format!("arn:aws:aoss:eu-west-1:111122223333:collection/{collection_id}");
    assert_eq!(
        role_may(&p, "search_kb", Main, "aoss:APIAccessAll", &collection, &[]),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "search_kb",
            Main,
            "aoss:APIAccessAll",
            "arn:aws:aoss:eu-west-1:111122223333:collection/othercollection0000000",
            &[]
        ),
        Deny
    );
    let compiled = compile("t.yaml", STORES, &Settings::default()).unwrap();
    let search = compiled
        .plan
        .services
        .iter()
        .find(|s| s.name == "search_kb")
        .unwrap();
    assert_eq!(search.data_access_policies[0].collection, "shop-docs-prod");
    let cluster = "arn:aws:rds:eu-west-1:111122223333:cluster:shop-vectors-prod";
    for action in [
        "rds:DescribeDBClusters",
        "rds-data:ExecuteStatement",
        "rds-data:BatchExecuteStatement",
    ] {
        assert_eq!(
            role_may(&p, "pg_kb", Main, action, cluster, &[]),
            Allow,
            "{action}"
        );
    }
    let secret =
        |name: &str| format!("arn:aws:secretsmanager:eu-west-1:111122223333:secret:{name}-AbCdEf");
    let get = "secretsmanager:GetSecretValue";
    assert_eq!(
        role_may(
            &p,
            "pg_kb",
            Main,
            get,
            &secret("shop-pg-credentials-prod"),
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "pine_kb",
            Main,
            get,
            &secret("shop-pinecone-key-prod"),
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "pine_kb",
            Main,
            get,
            &secret("shop-pg-credentials-prod"),
            &[]
        ),
        Deny
    );
    assert_eq!(
        role_may(
            &p,
            "pg_kb",
            Main,
            "rds-data:ExecuteStatement",
            "arn:aws:rds:eu-west-1:111122223333:cluster:other",
            &[]
        ),
        Deny
    );
}

const PROFILES: &str = r#"
project: shop
environment: prod
resources:
  bedrock_models:
    haiku: us.anthropic.claude-3-haiku-20240307-v1:0
    sonnet: global.anthropic.claude-sonnet-4-20250514-v1:0
    tracked: { application_profile: eu.anthropic.claude-3-haiku-20240307-v1:0 }
    titan: amazon.titan-text-express-v1
services:
  chat:
    kind: lambda
    grants: [ bedrock.invoke_model: [haiku, sonnet, tracked, titan] ]
  helper:
    kind: bedrock_agent
    grants: [ bedrock.invoke_model: haiku ]
"#;

/// Issue 7, item 4: through an inference profile, AWS checks `InvokeModel` on the profile's ARN
/// and on the foundation model in each destination region, with `bedrock:InferenceProfileArn`
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>); a
/// `global.` profile's example also lists the region-less model ARN
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html>);
/// agents also read the profile (<https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html>).
#[test]
fn issue_7_models_behind_inference_profiles_are_invocable() {
    let p = platform(PROFILES);
    let invoke = "bedrock:InvokeModel";
    let haiku = "anthropic.claude-3-haiku-20240307-v1:0";
    let profile = format!("arn:aws:bedrock:eu-west-1:111122223333:inference-profile/us.{haiku}");
    let via = [("bedrock:InferenceProfileArn", profile.as_str())];
    assert_eq!(role_may(&p, "chat", Main, invoke, &profile, &[]), Allow);
    for region in ["us-east-1", "us-west-2", "us-east-2"] {
        let model = format!("arn:aws:bedrock:{region}::foundation-model/{haiku}");
        assert_eq!(
            role_may(&p, "chat", Main, invoke, &model, &via),
            Allow,
            "{region}"
        );
        // The model alone, without the profile: denied.
        assert_eq!(
            role_may(&p, "chat", Main, invoke, &model, &[]),
            Deny,
            "{region}"
        );
    }
    let outside = format!("arn:aws:bedrock:eu-central-1::foundation-model/{haiku}");
    assert_eq!(role_may(&p, "chat", Main, invoke, &outside, &via), Deny);
    // global.: every region and the region-less ARN.
    let sonnet = "anthropic.claude-sonnet-4-20250514-v1:0";
    let global =
        format!("arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.{sonnet}");
    let via_global = [("bedrock:InferenceProfileArn", global.as_str())];
    assert_eq!(role_may(&p, "chat", Main, invoke, &global, &[]), Allow);
    for model in [
        format!("arn:aws:bedrock:ap-southeast-2::foundation-model/{sonnet}"),
        format!("arn:aws:bedrock:::foundation-model/{sonnet}"),
    ] {
        assert_eq!(
            role_may(&p, "chat", Main, invoke, &model, &via_global),
            Allow,
            "{model}"
        );
    }
    // An application inference profile, by the id known after apply.
    let id = &p.values().inputs["tracked_inference_profile_id"];
    let app = format!("arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/{id}");
    assert_eq!(role_may(&p, "chat", Main, invoke, &app, &[]), Allow);
    let via_app = [("bedrock:InferenceProfileArn", app.as_str())];
    let eu_model = format!("arn:aws:bedrock:eu-west-3::foundation-model/{haiku}");
    assert_eq!(
        role_may(&p, "chat", Main, invoke, &eu_model, &via_app),
        Allow
    );
    // A plain foundation model keeps working, in the module's region.
    let titan = "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1";
    assert_eq!(role_may(&p, "chat", Main, invoke, titan, &[]), Allow);
    // The agent reads the profile and the model.
    assert_eq!(
        role_may(
            &p,
            "helper",
            Main,
            "bedrock:GetInferenceProfile",
            &profile,
            &[]
        ),
        Allow
    );
    let model = format!("arn:aws:bedrock:us-west-2::foundation-model/{haiku}");
    assert_eq!(
        role_may(
            &p,
            "helper",
            Main,
            "bedrock:GetFoundationModel",
            &model,
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(
            &p,
            "helper",
            Main,
            "bedrock:InvokeModelWithResponseStream",
            &profile,
            &[]
        ),
        Allow
    );
}

/// Issue 7 (Athena): Athena writes and reads a query's results with the caller's credentials, so
/// the workgroup's results bucket needs the S3 actions AWS's Athena policy grants there
/// (<https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html>,
/// `BaseQueryResultsPermissions`); `s3.read_write` never granted the multipart listings.
#[test]
fn issue_7_athena_query_reaches_its_workgroups_results_bucket() {
    let p = example();
    let bucket = "arn:aws:s3:::engagement-athena-results-dev";
    let object =
        "arn:aws:s3:::engagement-athena-results-dev/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111.csv";
    for service in ["predict", "training", "inference"] {
        for (action, resource) in [
            ("s3:GetBucketLocation", bucket),
            ("s3:ListBucket", bucket),
            ("s3:ListBucketMultipartUploads", bucket),
            ("s3:PutObject", object),
            ("s3:GetObject", object),
            ("s3:ListMultipartUploadParts", object),
            ("s3:AbortMultipartUpload", object),
        ] {
            assert_eq!(
                role_may(&p, service, Main, action, resource, &[]),
                Allow,
                "{service} {action}"
            );
        }
    }
}

/// Issue 7 (grant notes): `glue.write` updates partitions one at a time but not in a batch, and
/// `glue.delete` deletes a table but not several at once nor its old versions; Glue authorizes
/// each on the catalog, the database and the table
/// (<https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html>).
#[test]
fn issue_7_glue_batch_and_version_actions_follow_their_single_forms() {
    let p = example();
    let arns = [
        "arn:aws:glue:eu-west-1:111122223333:catalog",
        "arn:aws:glue:eu-west-1:111122223333:database/engagement_dev",
        "arn:aws:glue:eu-west-1:111122223333:table/engagement_dev/orders",
    ];
    for action in [
        "glue:BatchUpdatePartition",
        "glue:BatchDeleteTable",
        "glue:DeleteTableVersion",
        "glue:BatchDeleteTableVersion",
    ] {
        for arn in arns {
            assert_eq!(
                role_may(&p, "predict", Main, action, arn, &[]),
                Allow,
                "{action} {arn}"
            );
        }
    }
    // training writes tables, never deletes them.
    assert_eq!(
        role_may(
            &p,
            "training",
            Main,
            "glue:BatchUpdatePartition",
            arns[2],
            &[]
        ),
        Allow
    );
    assert_eq!(
        role_may(&p, "training", Main, "glue:BatchDeleteTable", arns[2], &[]),
        Deny
    );
}
