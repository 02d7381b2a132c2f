//! The grant vocabulary: every permission a spec can ask for, what its value names, which service
//! kinds may use it, and the AWS page its action set comes from.
//!
//! The statements each grant becomes are built in `expand`, one module per family of grants.

use crate::aws::kms::KeyUse;
use crate::kinds::{ResourceKind, ServiceKind};

/// Every grant a spec may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum GrantKind {
    S3Read,
    S3Write,
    S3ReadWrite,
    AthenaQuery,
    GlueRead,
    GlueWrite,
    GlueDelete,
    DynamodbRead,
    DynamodbReadWrite,
    CloudwatchPutMetrics,
    LogsWrite,
    XrayWrite,
    BedrockInvokeModel,
    BedrockRetrieve,
    BedrockInvokeAgent,
    LambdaInvoke,
    EcsRunTask,
    IamPassRole,
    EventsManageEcsSyncRule,
    LogsDelivery,
    EcrPull,
    SecretsRead,
    /// Written `vector_store:` on a knowledge base, not in `grants:`.
    VectorStore,
    // Issue 11 (orchestration, VPC, the escape hatch).
    StatesStartExecution,
    StatesStartSyncExecution,
    /// Written `vpc:` on a Lambda function, not in `grants:`.
    LambdaVpc,
    /// Written `statements:` on a service (hand-written statements), not in `grants:`.
    Statements,
    // ----- Messaging, keys, parameters and streams (issue 11). -----
    SqsSend,
    SqsConsume,
    SqsTrigger,
    SnsPublish,
    SnsTrigger,
    EventsPutEvents,
    SsmRead,
    KinesisRead,
    KinesisWrite,
    FirehosePut,
    DynamodbReadStream,
    KmsDecrypt,
    KmsEncrypt,
    /// Implied by a queue's `topics:` and `rules:`: its policy, in its first consumer's module.
    QueuePolicy,
}

/// What a grant's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// Logical names of declared resources of this kind.
    Resource(ResourceKind),
    /// Logical names of services of these kinds.
    Service(&'static [ServiceKind]),
    /// CloudWatch metric namespaces (text).
    Namespace,
    /// CloudWatch Logs log group names (text).
    LogGroup,
    /// Nothing: the grant is written `grant: true` or as a bare name.
    Flag,
}

/// A grant's definition: its spec key, what it names, who may use it, and its AWS source.
#[derive(Debug)]
pub(crate) struct GrantDef {
    /// The grant.
    pub(crate) kind: GrantKind,
    /// The key in the spec, such as `s3.read`.
    pub(crate) key: &'static str,
    /// What its value names.
    pub(crate) target: Target,
    /// The service kinds that may use it.
    pub(crate) callers: &'static [ServiceKind],
    /// One line for the docs.
    pub(crate) summary: &'static str,
    /// The AWS page its action set comes from.
    pub(crate) source: &'static str,
}

use ServiceKind::{
    ApiGateway as Api, BedrockAgent as Agent, BedrockKnowledgeBase as Kb, EcsTask as Ecs, Lambda,
    Schedule, StepFunctions as Sfn,
};

const COMPUTE: &[ServiceKind] = &[Lambda, Ecs, Sfn];
const DATA: &[ServiceKind] = &[Lambda, Ecs, Sfn, Kb, Agent];
const ALL: &[ServiceKind] = &[Lambda, Sfn, Ecs, Kb, Agent, Api, Schedule];

/// The grants table.
pub(crate) static GRANTS: &[GrantDef] = &[
    GrantDef { kind: GrantKind::S3Read, key: "s3.read", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "read objects and list the bucket",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::S3Write, key: "s3.write", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "put objects (multipart included); never deletes",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::S3ReadWrite, key: "s3.read_write", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "read, put and delete objects, and list the bucket",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::AthenaQuery, key: "athena.query", target: Target::Resource(ResourceKind::AthenaWorkgroup), callers: COMPUTE,
        summary: "run, watch, read and stop queries in the workgroup",
        source: "https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html" },
    GrantDef { kind: GrantKind::GlueRead, key: "glue.read", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "read database, table and partition metadata",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::GlueWrite, key: "glue.write", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "create and update tables, create partitions",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::GlueDelete, key: "glue.delete", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "delete tables and partitions",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::DynamodbRead, key: "dynamodb.read", target: Target::Resource(ResourceKind::DynamodbTable), callers: COMPUTE,
        summary: "get, query and scan items (tables and their indexes)",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html" },
    GrantDef { kind: GrantKind::DynamodbReadWrite, key: "dynamodb.read_write", target: Target::Resource(ResourceKind::DynamodbTable), callers: COMPUTE,
        summary: "read, put, update and delete items",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html" },
    GrantDef { kind: GrantKind::CloudwatchPutMetrics, key: "cloudwatch.put_metrics", target: Target::Namespace, callers: COMPUTE,
        summary: "publish custom metrics, only to the named namespaces",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html" },
    GrantDef { kind: GrantKind::LogsWrite, key: "logs.write", target: Target::LogGroup, callers: &[Lambda, Ecs, Kb, Agent, Api],
        summary: "create the log group, its streams, and put log events",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html" },
    GrantDef { kind: GrantKind::XrayWrite, key: "xray.write", target: Target::Flag, callers: COMPUTE,
        summary: "send trace segments and telemetry, read sampling rules",
        source: "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::BedrockInvokeModel, key: "bedrock.invoke_model", target: Target::Resource(ResourceKind::BedrockModel), callers: &[Lambda, Ecs, Kb, Agent],
        summary: "invoke the foundation models (streaming included)",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::BedrockRetrieve, key: "bedrock.retrieve", target: Target::Service(&[Kb]), callers: &[Lambda, Ecs, Agent],
        summary: "query the knowledge bases",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html" },
    GrantDef { kind: GrantKind::BedrockInvokeAgent, key: "bedrock.invoke_agent", target: Target::Service(&[Agent]), callers: &[Lambda, Ecs],
        summary: "invoke the agents (any alias)",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::LambdaInvoke, key: "lambda.invoke", target: Target::Service(&[Lambda]), callers: &[Lambda, Sfn, Ecs, Api, Agent, Schedule],
        summary: "invoke the functions; from api_gateway and bedrock_agent, a resource-based permission on the function",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html" },
    GrantDef { kind: GrantKind::EcsRunTask, key: "ecs.run_task", target: Target::Service(&[Ecs]), callers: &[Sfn, Lambda, Schedule],
        summary: "run, stop and describe the tasks on their cluster, and pass their two roles to ECS (from a schedule: run only)",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html" },
    GrantDef { kind: GrantKind::IamPassRole, key: "iam.pass_role", target: Target::Service(ALL), callers: &[Sfn, Lambda],
        summary: "pass the services' roles, only to the service that uses them",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html" },
    GrantDef { kind: GrantKind::EventsManageEcsSyncRule, key: "events.manage_ecs_sync_rule", target: Target::Flag, callers: &[Sfn],
        summary: "the EventBridge rule Step Functions manages for `.sync` ECS tasks",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html" },
    GrantDef { kind: GrantKind::LogsDelivery, key: "logs.delivery", target: Target::Flag, callers: &[Sfn],
        summary: "deliver the state machine's execution logs to CloudWatch Logs",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html" },
    GrantDef { kind: GrantKind::EcrPull, key: "ecr.pull", target: Target::Resource(ResourceKind::EcrRepository), callers: &[Ecs],
        summary: "pull images from the repositories",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html" },
    GrantDef { kind: GrantKind::SecretsRead, key: "secrets.read", target: Target::Resource(ResourceKind::Secret), callers: COMPUTE,
        summary: "read the secrets' values",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html" },
    GrantDef { kind: GrantKind::VectorStore, key: "vector_store", target: Target::Resource(ResourceKind::VectorStore), callers: &[Kb],
        summary: "store and query the knowledge base's vectors in its vector store (written `vector_store:` on the knowledge base)",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html" },
    // Issue 11: orchestration, Lambda in a VPC, hand-written statements.
    GrantDef { kind: GrantKind::StatesStartExecution, key: "states.start_execution", target: Target::Service(&[Sfn]), callers: &[Lambda, Ecs, Sfn, Api, Schedule],
        summary: "start executions of the state machines, and describe and stop them (from a state machine, also the rule Step Functions manages for nested `.sync` executions; from a schedule, start only)",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html" },
    GrantDef { kind: GrantKind::StatesStartSyncExecution, key: "states.start_sync_execution", target: Target::Service(&[Sfn]), callers: &[Lambda, Ecs, Api],
        summary: "run Express state machines synchronously (StartSyncExecution)",
        source: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html" },
    GrantDef { kind: GrantKind::LambdaVpc, key: "vpc", target: Target::Flag, callers: &[Lambda],
        summary: "let Lambda create and delete the function's network interfaces in its VPC subnets (written `vpc:` on the function)",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html" },
    GrantDef { kind: GrantKind::Statements, key: "statements", target: Target::Flag, callers: ALL,
        summary: "statements written by hand in the spec, for what no grant covers yet (written `statements:` on the service), checked like generated ones",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html" },
    // ----- Messaging, keys, parameters and streams (issue 11). -----
    GrantDef { kind: GrantKind::SqsSend, key: "sqs.send", target: Target::Resource(ResourceKind::Queue), callers: COMPUTE,
        summary: "send messages to the queues (batches included)",
        source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html" },
    GrantDef { kind: GrantKind::SqsConsume, key: "sqs.consume", target: Target::Resource(ResourceKind::Queue), callers: &[Lambda, Ecs],
        summary: "receive, delete and change the visibility of messages, and read the queues' attributes",
        source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html" },
    GrantDef { kind: GrantKind::SqsTrigger, key: "sqs.trigger", target: Target::Resource(ResourceKind::Queue), callers: &[Lambda],
        summary: "what a Lambda event source mapping on the queues needs: receive, delete, read attributes",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html" },
    GrantDef { kind: GrantKind::SnsPublish, key: "sns.publish", target: Target::Resource(ResourceKind::Topic), callers: COMPUTE,
        summary: "publish to the topics (batches included)",
        source: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html" },
    GrantDef { kind: GrantKind::SnsTrigger, key: "sns.trigger", target: Target::Resource(ResourceKind::Topic), callers: &[Lambda],
        summary: "the topics may invoke the function (a resource-based permission on it, for its subscription)",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html" },
    GrantDef { kind: GrantKind::EventsPutEvents, key: "events.put_events", target: Target::Resource(ResourceKind::EventBus), callers: COMPUTE,
        summary: "put events on the event buses",
        source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html" },
    GrantDef { kind: GrantKind::SsmRead, key: "ssm.read", target: Target::Resource(ResourceKind::Parameter), callers: COMPUTE,
        summary: "read the parameters (a path: every parameter under it, and the path itself)",
        source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html" },
    GrantDef { kind: GrantKind::KinesisRead, key: "kinesis.read", target: Target::Resource(ResourceKind::KinesisStream), callers: &[Lambda, Ecs],
        summary: "read the streams' records (shards, iterators, records), as a Lambda event source mapping does",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html" },
    GrantDef { kind: GrantKind::KinesisWrite, key: "kinesis.write", target: Target::Resource(ResourceKind::KinesisStream), callers: COMPUTE,
        summary: "put records on the streams",
        source: "https://docs.aws.amazon.com/streams/latest/dev/controlling-access.html" },
    GrantDef { kind: GrantKind::FirehosePut, key: "firehose.put", target: Target::Resource(ResourceKind::FirehoseStream), callers: COMPUTE,
        summary: "put records (batches included) on the Firehose streams",
        source: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html" },
    GrantDef { kind: GrantKind::DynamodbReadStream, key: "dynamodb.read_stream", target: Target::Resource(ResourceKind::DynamodbTable), callers: &[Lambda, Ecs],
        summary: "read the tables' streams, as a Lambda event source mapping does",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html" },
    GrantDef { kind: GrantKind::KmsDecrypt, key: "kms.decrypt", target: Target::Resource(ResourceKind::KmsKey), callers: COMPUTE,
        summary: "decrypt with the keys, called directly (a grant on an encrypted resource already uses its key)",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-users-crypto" },
    GrantDef { kind: GrantKind::KmsEncrypt, key: "kms.encrypt", target: Target::Resource(ResourceKind::KmsKey), callers: COMPUTE,
        summary: "encrypt and generate data keys with the keys, called directly",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-users-crypto" },
    GrantDef { kind: GrantKind::QueuePolicy, key: "queue_policy", target: Target::Resource(ResourceKind::Queue), callers: &[Lambda, Ecs],
        summary: "the policy of a queue the platform's topics and rules deliver to (from the queue's `topics:` and `rules:`, in its first consumer's module)",
        source: "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html" },
];

/// Why a grant is refused to a kind that might seem to need it, and what to do instead.
const REFUSALS: &[(GrantKind, ServiceKind, &str)] = &[
    (GrantKind::EcrPull, Lambda, "Lambda pulls a function's container image under the ECR repository's policy (principal lambda.amazonaws.com), never with the execution role: allow it in the repository policy (https://repost.aws/knowledge-center/lambda-ecr-image)"),
    (GrantKind::LogsWrite, Sfn, "a state machine logs through CloudWatch Logs delivery, not by writing log events with its role: use `logs.delivery` (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)"),
];

/// Grants written as a key of the service (or of a resource) rather than in `grants:`.
const FIELDS: &[GrantKind] = &[
    GrantKind::VectorStore,
    GrantKind::LambdaVpc,
    GrantKind::Statements,
    GrantKind::QueuePolicy,
];

/// How each grant on an encrypted resource uses its key: the KMS actions and conditions follow from
/// the resource's kind (`aws::kms`). Grants not listed never use a resource's key.
const KEY_USES: &[(GrantKind, KeyUse)] = &[
    (GrantKind::S3Read, KeyUse::Read),
    (GrantKind::S3Write, KeyUse::Write),
    (GrantKind::S3ReadWrite, KeyUse::ReadWrite),
    (GrantKind::DynamodbRead, KeyUse::Read),
    (GrantKind::DynamodbReadWrite, KeyUse::ReadWrite),
    (GrantKind::SecretsRead, KeyUse::Read),
    (GrantKind::SqsSend, KeyUse::Write),
    (GrantKind::SqsConsume, KeyUse::Read),
    (GrantKind::SqsTrigger, KeyUse::Read),
    (GrantKind::SnsPublish, KeyUse::Write),
    (GrantKind::SsmRead, KeyUse::Read),
    (GrantKind::KinesisRead, KeyUse::Read),
    (GrantKind::KinesisWrite, KeyUse::Write),
    (GrantKind::DynamodbReadStream, KeyUse::Read),
];

impl GrantKind {
    /// The grant's definition. The table is indexed in declaration order: a unit test pins it.
    pub(crate) fn def(self) -> &'static GrantDef {
        &GRANTS[self as usize]
    }

    /// Every grant a spec writes in `grants:`, in the order of the table (and of the docs).
    pub fn all() -> impl Iterator<Item = GrantKind> {
        GRANTS
            .iter()
            .map(|d| d.kind)
            .filter(|k| !FIELDS.contains(k))
    }

    /// The grants a service key stands for (`vector_store:` on a knowledge base).
    pub fn fields() -> impl Iterator<Item = GrantKind> {
        FIELDS.iter().copied()
    }

    /// The spec key, such as `s3.read`.
    ///
    /// ```
    /// use iamgen_core::GrantKind;
    /// assert_eq!(GrantKind::from_key("s3.read"), Some(GrantKind::S3Read));
    /// assert_eq!(GrantKind::S3Read.key(), "s3.read");
    /// ```
    pub fn key(self) -> &'static str {
        self.def().key
    }

    /// Parses a spec key (of a grant written in `grants:`).
    pub fn from_key(key: &str) -> Option<Self> {
        GrantKind::all().find(|k| k.key() == key)
    }

    /// What the grant's value names.
    pub fn target(self) -> Target {
        self.def().target
    }

    /// The service kinds that may use the grant.
    pub fn callers(self) -> &'static [ServiceKind] {
        self.def().callers
    }

    /// Why the grant is refused to services of `kind`, and what to use instead, when that is not
    /// obvious.
    pub fn refusal(self, kind: ServiceKind) -> Option<&'static str> {
        REFUSALS
            .iter()
            .find(|(g, k, _)| *g == self && *k == kind)
            .map(|(_, _, why)| *why)
    }

    /// One line for the docs.
    pub fn summary(self) -> &'static str {
        self.def().summary
    }

    /// The AWS page the grant's action set comes from.
    pub fn source(self) -> &'static str {
        self.def().source
    }

    /// How the grant uses the key of an encrypted target (`None`: it never does).
    pub fn key_use(self) -> Option<KeyUse> {
        KEY_USES
            .iter()
            .find(|(g, _)| *g == self)
            .map(|(_, using)| *using)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grant_key_round_trips_indexes_its_row_and_cites_aws() {
        for (i, def) in GRANTS.iter().enumerate() {
            assert_eq!(def.kind as usize, i, "{} is out of order", def.key);
            if !FIELDS.contains(&def.kind) {
                assert_eq!(GrantKind::from_key(def.key), Some(def.kind));
            }
            assert!(
                def.source.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                def.key
            );
        }
    }
}

crate::kinds::serde_by_key!(GrantKind, "grant", GrantKind::all().map(GrantKind::key));
