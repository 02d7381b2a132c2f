//! ARN formats: each builder makes an ARN of the resource type the AWS catalog names in its doc,
//! with the partition, region and account left to Terraform.

use super::template::Template;

/// S3 `bucket`.
pub(crate) fn bucket(name: &str) -> Template {
    Template::arn("s3", false, false, name)
}
/// S3 `object`: every object in the bucket.
pub(crate) fn objects(name: &str) -> Template {
    bucket(name).with_text("/*")
}
/// DynamoDB `table`.
pub(crate) fn table(name: &str) -> Template {
    Template::arn("dynamodb", true, true, format!("table/{name}").as_str())
}
/// DynamoDB `index`: every index of the table.
pub(crate) fn indexes(name: &str) -> Template {
    table(name).with_text("/index/*")
}
/// Athena `workgroup`.
pub(crate) fn workgroup(name: &str) -> Template {
    Template::arn("athena", true, true, format!("workgroup/{name}").as_str())
}
/// Glue `catalog`, `database` and every `table` of the database.
pub(crate) fn glue(database: &str) -> Vec<Template> {
    vec![
        Template::arn("glue", true, true, "catalog"),
        Template::arn("glue", true, true, format!("database/{database}").as_str()),
        Template::arn("glue", true, true, format!("table/{database}/*").as_str()),
    ]
}
/// Bedrock `foundation-model` (AWS-owned: no account).
pub(crate) fn foundation_model(id: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        false,
        format!("foundation-model/{id}").as_str(),
    )
}
/// Bedrock `foundation-model` in region segment `region` (a region, a pattern such as `us-*`, or
/// empty: the region-less ARN of AWS's `global.` inference profile example).
pub(crate) fn foundation_model_in(region: &str, id: &str) -> Template {
    let mut t = Template::text("arn:");
    t.push(super::template::Segment::Partition);
    t.push_text(&format!(":bedrock:{region}::foundation-model/{id}"));
    t
}
/// Bedrock `inference-profile`: a system-defined (cross-region) profile, invoked from this region.
pub(crate) fn inference_profile(id: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        true,
        format!("inference-profile/{id}").as_str(),
    )
}
/// Bedrock `application-inference-profile`, by an id known after apply.
pub(crate) fn application_inference_profile(id_input: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        true,
        Template::around("application-inference-profile/", id_input, ""),
    )
}
/// S3 Vectors `Index`: an index of a vector bucket.
pub(crate) fn vector_index(bucket: &str, index: &str) -> Template {
    Template::arn(
        "s3vectors",
        true,
        true,
        format!("bucket/{bucket}/index/{index}").as_str(),
    )
}
/// OpenSearch Serverless `Collection`, by an id known after apply.
pub(crate) fn collection(id_input: &str) -> Template {
    Template::arn(
        "aoss",
        true,
        true,
        Template::around("collection/", id_input, ""),
    )
}
/// RDS `cluster` (an Aurora DB cluster): the ARN of the `rds` service, which the RDS Data API's
/// actions authorize too.
pub(crate) fn db_cluster(name: &str) -> Template {
    Template::arn("rds", true, true, format!("cluster:{name}").as_str())
}
/// Athena `datacatalog`.
pub(crate) fn data_catalog(name: &str) -> Template {
    Template::arn("athena", true, true, format!("datacatalog/{name}").as_str())
}
/// Secrets Manager `Secret`: AWS appends `-` and six random characters to the name.
pub(crate) fn secret(name: &str) -> Template {
    Template::arn(
        "secretsmanager",
        true,
        true,
        format!("secret:{name}-??????").as_str(),
    )
}
/// ECR `repository`.
pub(crate) fn repository(name: &str) -> Template {
    Template::arn("ecr", true, true, format!("repository/{name}").as_str())
}
/// CloudWatch Logs `log-group`, as the tagging APIs name it (`log-group:NAME`).
pub(crate) fn log_group(name: Template) -> Template {
    let mut arn = Template::arn("logs", true, true, "log-group:");
    arn.append(name);
    arn
}
/// CloudWatch Logs `log-group`, as every other action authorizes it: `log-group:NAME:*`.
/// CloudWatch Logs checks `CreateLogGroup` against `log-group:NAME:log-stream:`, so the bare ARN
/// never matches it; the Logs guide says to use the `:*` form in IAM policies for every action
/// but the tagging ones
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html>;
/// AccessDenied reports: <https://github.com/aws-solutions/instance-scheduler-on-aws/issues/578>,
/// <https://github.com/terraform-aws-modules/terraform-aws-ecs/pull/112>).
pub(crate) fn log_group_actions(name: Template) -> Template {
    log_group(name).with_text(":*")
}
/// CloudWatch Logs `log-stream`: every stream of the group.
pub(crate) fn log_streams(name: Template) -> Template {
    log_group(name).with_text(":log-stream:*")
}
/// Lambda `function`, unqualified.
pub(crate) fn function(name: &str) -> Template {
    Template::arn("lambda", true, true, format!("function:{name}").as_str())
}
/// ECS `task-definition`: every revision of the family.
pub(crate) fn task_definitions(family: &str) -> Template {
    Template::arn(
        "ecs",
        true,
        true,
        format!("task-definition/{family}:*").as_str(),
    )
}
/// ECS `task`: every task on the cluster.
pub(crate) fn tasks(cluster: &str) -> Template {
    Template::arn("ecs", true, true, format!("task/{cluster}/*").as_str())
}
/// ECS `cluster`.
pub(crate) fn cluster(name: &str) -> Template {
    Template::arn("ecs", true, true, format!("cluster/{name}").as_str())
}
/// IAM `role`, under the path the platform's roles share (input `path`, default `/`).
pub(crate) fn role(name: &str) -> Template {
    Template::arn(
        "iam",
        false,
        true,
        Template::around("role", super::PATH_INPUT, name),
    )
}
/// Bedrock `knowledge-base`, by an id known after apply.
pub(crate) fn knowledge_base(id_input: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        true,
        Template::around("knowledge-base/", id_input, ""),
    )
}
/// Bedrock `agent-alias`: every alias of an agent known after apply.
pub(crate) fn agent_aliases(id_input: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        true,
        Template::around("agent-alias/", id_input, "/*"),
    )
}
/// Bedrock `agent`.
pub(crate) fn agent(id_input: &str) -> Template {
    Template::arn(
        "bedrock",
        true,
        true,
        Template::around("agent/", id_input, ""),
    )
}
/// API Gateway `execute-api`: every stage, method and path of an API known after apply.
pub(crate) fn execute_api(id_input: &str) -> Template {
    Template::arn(
        "execute-api",
        true,
        true,
        Template::around("", id_input, "/*"),
    )
}
/// EventBridge `rule` in the default event bus.
pub(crate) fn events_rule(name: &str) -> Template {
    Template::arn("events", true, true, format!("rule/{name}").as_str())
}

// ----- Issue 11: orchestration, schedules, VPC networking. -----

/// Step Functions `statemachine`, unqualified (versions and aliases are authorized on it).
pub(crate) fn state_machine(name: &str) -> Template {
    Template::arn(
        "states",
        true,
        true,
        format!("stateMachine:{name}").as_str(),
    )
}
/// Step Functions `execution`: every execution of a state machine.
pub(crate) fn executions(machine: &str) -> Template {
    Template::arn(
        "states",
        true,
        true,
        format!("execution:{machine}:*").as_str(),
    )
}
/// EventBridge Scheduler `schedule-group`.
pub(crate) fn schedule_group(name: &str) -> Template {
    Template::arn(
        "scheduler",
        true,
        true,
        format!("schedule-group/{name}").as_str(),
    )
}
/// EventBridge Scheduler `schedule` in group `group`.
pub(crate) fn schedule(group: &str, name: &str) -> Template {
    Template::arn(
        "scheduler",
        true,
        true,
        format!("schedule/{group}/{name}").as_str(),
    )
}
/// EC2 `network-interface`: `*` for every one (a new interface's id is not known in advance).
pub(crate) fn network_interface(id: &str) -> Template {
    Template::arn(
        "ec2",
        true,
        true,
        format!("network-interface/{id}").as_str(),
    )
}
/// EC2 `subnet`.
pub(crate) fn subnet(id: &str) -> Template {
    Template::arn("ec2", true, true, format!("subnet/{id}").as_str())
}
/// EC2 `security-group`.
pub(crate) fn security_group(id: &str) -> Template {
    Template::arn("ec2", true, true, format!("security-group/{id}").as_str())
}

// ----- Messaging, keys, parameters and streams (issue 11). -----

/// SQS `queue`: `arn:…:sqs:REGION:ACCOUNT:NAME`.
pub(crate) fn queue(name: &str) -> Template {
    Template::arn("sqs", true, true, name)
}
/// SNS `topic`: `arn:…:sns:REGION:ACCOUNT:NAME`.
pub(crate) fn topic(name: &str) -> Template {
    Template::arn("sns", true, true, name)
}
/// KMS `key`, by key id. An alias ARN names the alias, never the key behind it
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html>).
pub(crate) fn kms_key(id: &str) -> Template {
    Template::arn("kms", true, true, format!("key/{id}").as_str())
}
/// EventBridge `event-bus` (`default` is the account's default bus).
pub(crate) fn event_bus(name: &str) -> Template {
    Template::arn("events", true, true, format!("event-bus/{name}").as_str())
}
/// EventBridge rule `rule` on `bus`: `rule/RULE` on the default bus
/// (`rule-on-default-event-bus`), `rule/BUS/RULE` on another (`rule-on-custom-event-bus`).
pub(crate) fn rule_on(bus: &str, rule: &str) -> Template {
    match bus {
        "default" => events_rule(rule),
        bus => Template::arn("events", true, true, format!("rule/{bus}/{rule}").as_str()),
    }
}
/// Systems Manager `parameter`: the name without its leading `/` (`/a/b` is `parameter/a/b`;
/// `/a/b/*` every parameter under the path `/a/b`).
pub(crate) fn parameter(name: &str) -> Template {
    let name = name.strip_prefix('/').unwrap_or(name);
    Template::arn("ssm", true, true, format!("parameter/{name}").as_str())
}
/// Kinesis `stream`.
pub(crate) fn kinesis_stream(name: &str) -> Template {
    Template::arn("kinesis", true, true, format!("stream/{name}").as_str())
}
/// Firehose `deliverystream`.
pub(crate) fn firehose_stream(name: &str) -> Template {
    Template::arn(
        "firehose",
        true,
        true,
        format!("deliverystream/{name}").as_str(),
    )
}
/// DynamoDB `stream`: every stream of the table (its label is the time it was enabled).
pub(crate) fn table_streams(name: &str) -> Template {
    table(name).with_text("/stream/*")
}
