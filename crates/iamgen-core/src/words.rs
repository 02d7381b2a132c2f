//! The plain words the docs describe grants and roles with: for each grant, what it lets a service do
//! to each target, grouped by the AWS service whose actions it grants, and the verb of its edge in a
//! dependency graph; for each kind of role, what it is for.
//!
//! Data only: the Markdown writers (`iamgen_hcl::docs`) put these words together with the plan,
//! without knowing any grant or service kind. A grant without words is a test failure here.

use crate::aws::kms::KeyUse;
use crate::grants::{GrantKind, Target};
use crate::kinds::{RolePurpose, ServiceKind};

/// What a grant lets a service do with the actions of one AWS service, in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Phrase {
    /// The AWS service's action prefix (`s3`, `iam`): the phrase describes the grant's actions
    /// with this prefix.
    pub service: &'static str,
    /// The words before the target; the whole phrase for a grant without targets.
    pub before: &'static str,
    /// The words after the target.
    pub after: &'static str,
}

struct Words {
    grant: GrantKind,
    /// The relation in a dependency graph: `caller VERB target`.
    verb: &'static str,
    /// One phrase per AWS service the grant's actions belong to; `{}` is the target.
    phrases: &'static [(&'static str, &'static str)],
}

use GrantKind as G;

static WORDS: &[Words] = &[
    Words { grant: G::S3Read, verb: "reads",
        phrases: &[("s3", "Read objects from {} and list it")] },
    Words { grant: G::S3Write, verb: "writes",
        phrases: &[("s3", "Write objects to {} (multipart uploads included; never deletes)")] },
    Words { grant: G::S3ReadWrite, verb: "reads/writes",
        phrases: &[("s3", "Read/write objects in {}: get, put and delete objects, and list it")] },
    Words { grant: G::AthenaQuery, verb: "queries",
        phrases: &[
            ("athena", "Start query execution in {}, get query execution status and query results, stop query execution, access the workgroup"),
            ("s3", "Write and read the query results of {} in its results bucket, as Athena does with the caller's credentials"),
        ] },
    Words { grant: G::GlueRead, verb: "reads the catalog of",
        phrases: &[("glue", "Get database, table and partition metadata of {}")] },
    Words { grant: G::GlueWrite, verb: "writes the catalog of",
        phrases: &[("glue", "Create/update tables and create/update partitions in {}")] },
    Words { grant: G::GlueDelete, verb: "deletes from the catalog of",
        phrases: &[("glue", "Delete tables and partitions in {}")] },
    Words { grant: G::DynamodbRead, verb: "reads",
        phrases: &[("dynamodb", "GetItem, BatchGetItem, Query, Scan, DescribeTable on {} (Query and Scan on its indexes)")] },
    Words { grant: G::DynamodbReadWrite, verb: "reads/writes",
        phrases: &[("dynamodb", "GetItem, PutItem, UpdateItem, DeleteItem, BatchGetItem, BatchWriteItem, Query, Scan, DescribeTable on {} (Query and Scan on its indexes)")] },
    Words { grant: G::CloudwatchPutMetrics, verb: "puts metrics to",
        phrases: &[("cloudwatch", "Put custom metrics, only to {}")] },
    Words { grant: G::LogsWrite, verb: "writes logs to",
        phrases: &[("logs", "Create {}, create its log streams, put log events")] },
    Words { grant: G::XrayWrite, verb: "sends traces to",
        phrases: &[("xray", "Put trace segments and telemetry records; get sampling rules and targets")] },
    Words { grant: G::BedrockInvokeModel, verb: "invokes",
        phrases: &[("bedrock", "Invoke {}, scoped to its model ARN (and its inference profile's, where it has one)")] },
    Words { grant: G::BedrockRetrieve, verb: "retrieves from",
        phrases: &[("bedrock", "Retrieve from {}, scoped to its ARN")] },
    Words { grant: G::BedrockInvokeAgent, verb: "invokes",
        phrases: &[("bedrock", "Invoke {} through any of its aliases")] },
    Words { grant: G::LambdaInvoke, verb: "invokes",
        phrases: &[("lambda", "Invoke {}, scoped to its function ARN")] },
    Words { grant: G::EcsRunTask, verb: "runs",
        phrases: &[
            ("ecs", "Run {} (any revision), only on its cluster, tagging the tasks it starts; stop tasks and describe task status on that cluster"),
            ("iam", "Pass the task role and the execution role of {}, only to ECS"),
        ] },
    Words { grant: G::IamPassRole, verb: "passes the roles of",
        phrases: &[("iam", "Pass the roles of {}, each only to the AWS service that assumes it")] },
    Words { grant: G::EventsManageEcsSyncRule, verb: "manages a rule of",
        phrases: &[("events", "Put rules, put targets and describe rules: only the rule StepFunctionsGetEventsForECSTaskRule, which Step Functions manages to wait for ECS tasks (.sync)")] },
    Words { grant: G::LogsDelivery, verb: "delivers logs through",
        phrases: &[("logs", "Create, get, update, list and delete log deliveries; describe log groups and resource policies, put resource policies: what Step Functions needs to deliver execution logs to CloudWatch Logs")] },
    Words { grant: G::EcrPull, verb: "pulls images from",
        phrases: &[("ecr", "Get an authorization token; pull container images from {}")] },
    Words { grant: G::SecretsRead, verb: "reads",
        phrases: &[("secretsmanager", "Get the secret value of {}")] },
    Words { grant: G::VectorStore, verb: "stores its vectors in",
        phrases: &[
            ("s3vectors", "Put, get, delete and query vectors in {}, and get its index"),
            ("aoss", "Call the data APIs of the OpenSearch Serverless collection of {}"),
            ("rds", "Describe the Aurora cluster of {}"),
            ("rds-data", "Run SQL statements on the Aurora cluster of {} through the Data API"),
            ("secretsmanager", "Read the credentials secret of {}"),
        ] },
    // Issue 11: orchestration, Lambda in a VPC, hand-written statements.
    Words { grant: G::StatesStartExecution, verb: "starts",
        phrases: &[
            ("states", "Start executions of {} (its versions and aliases too), and describe and stop them (a schedule only starts them)"),
            ("events", "Put rules, put targets and describe rules: only the rule StepFunctionsGetEventsForStepFunctionsExecutionRule, which Step Functions manages to wait for {} (nested .sync executions)"),
        ] },
    Words { grant: G::StatesStartSyncExecution, verb: "runs synchronously",
        phrases: &[("states", "Run Express executions of {} synchronously (StartSyncExecution)")] },
    Words { grant: G::LambdaVpc, verb: "connects to its VPC through",
        phrases: &[("ec2", "Create, manage and delete the function's network interfaces in its VPC subnets, with its security groups (what Lambda does with the execution role); describe network interfaces and subnets")] },
    Words { grant: G::Statements, verb: "has hand-written permissions on",
        phrases: &[] },
    // ----- Messaging, keys, parameters and streams (issue 11). -----
    Words { grant: G::SqsSend, verb: "sends to",
        phrases: &[("sqs", "Send messages to {} (batches included)")] },
    Words { grant: G::SqsConsume, verb: "consumes",
        phrases: &[("sqs", "Receive, delete and change the visibility of messages of {}; get its attributes")] },
    Words { grant: G::SqsTrigger, verb: "is triggered by",
        phrases: &[("sqs", "Receive and delete messages of {} and get its attributes, as the function's event source mapping does")] },
    Words { grant: G::SnsPublish, verb: "publishes to",
        phrases: &[("sns", "Publish messages to {} (batches included)")] },
    Words { grant: G::SnsTrigger, verb: "is invoked by",
        phrases: &[("lambda", "Let {} invoke the function, for its subscription")] },
    Words { grant: G::EventsPutEvents, verb: "puts events on",
        phrases: &[("events", "Put events on {}")] },
    Words { grant: G::SsmRead, verb: "reads",
        phrases: &[("ssm", "Get the parameter values of {} (a path: every parameter under it, by path too)")] },
    Words { grant: G::KinesisRead, verb: "reads",
        phrases: &[("kinesis", "Describe {}, list its shards, get shard iterators and records")] },
    Words { grant: G::KinesisWrite, verb: "writes to",
        phrases: &[("kinesis", "Put records on {}")] },
    Words { grant: G::FirehosePut, verb: "writes to",
        phrases: &[("firehose", "Put records (batches included) on {}")] },
    Words { grant: G::DynamodbReadStream, verb: "reads the stream of",
        phrases: &[("dynamodb", "Describe the streams of {}, get shard iterators and records; list streams")] },
    Words { grant: G::KmsDecrypt, verb: "decrypts with",
        phrases: &[("kms", "Decrypt with {}, called directly")] },
    Words { grant: G::KmsEncrypt, verb: "encrypts with",
        phrases: &[("kms", "Encrypt and generate data keys with {}, called directly")] },
    Words { grant: G::QueuePolicy, verb: "writes the policy of",
        phrases: &[("sqs", "Let the platform's topics and rules deliver to {} (its queue policy, with the sender as aws:SourceArn)")] },
];

/// What a grant on an encrypted resource also does with the resource's key, by how it uses the
/// key (`GrantKind::key_use`): one more phrase, shown where the grant's statements use a key.
fn key_phrase(using: KeyUse) -> &'static str {
    match using {
        KeyUse::Read => "Decrypt with the KMS key {} is encrypted with, only through its service",
        KeyUse::Write => "Encrypt (generate data keys) with the KMS key {} is encrypted with, only through its service",
        _ => "Decrypt and encrypt (generate data keys) with the KMS key {} is encrypted with, only through its service",
    }
}

fn words(grant: GrantKind) -> &'static Words {
    WORDS
        .iter()
        .find(|w| w.grant == grant)
        .unwrap_or_else(|| unreachable!("every grant has words (a unit test checks it)"))
}

impl GrantKind {
    /// The grant as an edge of a dependency graph, `caller VERB target`: `invokes`, `reads/writes`.
    ///
    /// ```
    /// use iamgen_core::GrantKind;
    /// assert_eq!(GrantKind::LambdaInvoke.verb(), "invokes");
    /// ```
    pub fn verb(self) -> &'static str {
        words(self).verb
    }

    /// What the grant lets a service do, in plain words, one phrase per AWS service whose actions
    /// it grants (by action prefix); the target, if any, goes between `before` and `after`.
    ///
    /// ```
    /// use iamgen_core::GrantKind;
    /// let p = GrantKind::AthenaQuery.phrases()[0];
    /// assert_eq!((p.service, p.before), ("athena", "Start query execution in "));
    /// ```
    pub fn phrases(self) -> Vec<Phrase> {
        let key = self.key_use().map(|using| ("kms", key_phrase(using)));
        words(self)
            .phrases
            .iter()
            .copied()
            .chain(key)
            .map(|(service, text)| {
                let (before, after) = text.split_once("{}").unwrap_or((text, ""));
                Phrase {
                    service,
                    before,
                    after,
                }
            })
            .collect()
    }
}

impl Target {
    /// What one target of this kind is called in the docs: `bucket`, `CloudWatch namespace`;
    /// empty for [`Target::Flag`].
    ///
    /// ```
    /// use iamgen_core::GrantKind;
    /// assert_eq!(GrantKind::CloudwatchPutMetrics.target().noun(), "CloudWatch namespace");
    /// ```
    pub fn noun(self) -> &'static str {
        match self {
            Target::Resource(kind) => kind.noun(),
            Target::Service(_) => "service",
            Target::Namespace => "CloudWatch namespace",
            Target::LogGroup => "log group",
            Target::Flag => "",
        }
    }
}

impl ServiceKind {
    /// What a role of this kind of service is for, in a sentence or two: who assumes it and what
    /// it holds (and, where AWS does part of the job itself, what needs no permission).
    pub fn role_about(self, purpose: RolePurpose) -> &'static str {
        match (self, purpose) {
            (ServiceKind::EcsTask, RolePurpose::Execution) => "The execution role ECS uses to start the task: pull its image, write its log group, read the secrets its task definition injects. The containers never get it.",
            (ServiceKind::EcsTask, _) => "The task role: what the task's containers may do while they run.",
            (ServiceKind::Lambda, _) => "The execution role Lambda assumes to run the function: the function's grants, and writing its own log group.",
            (ServiceKind::StepFunctions, _) => "The role Step Functions assumes to run the state machine: invoking and running the services it orchestrates.",
            (ServiceKind::BedrockKnowledgeBase, _) => "The service role Bedrock assumes for the knowledge base: read its data sources and embed them with its model.",
            (ServiceKind::BedrockAgent, _) => "The service role Bedrock assumes for the agent: invoke its model and query its knowledge bases. The functions it calls allow it on their side (a resource-based permission each).",
            (ServiceKind::ApiGateway, _) => "The role API Gateway assumes to write the API's execution logs to CloudWatch Logs, and, as the credentials of the API's service integrations, to start the state machines its grants name. API Gateway publishes the API's request metrics (count, latency) to CloudWatch itself: they need no permission. The functions it calls allow it on their side (a resource-based permission each).",
            (ServiceKind::Schedule, _) => "The execution role EventBridge Scheduler assumes, for the schedules of its schedule group, to call each schedule's target: start a state machine, invoke a function or run an ECS task.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grant_has_words_and_each_phrase_names_an_aws_service() {
        for grant in GrantKind::all().chain(GrantKind::fields()) {
            assert_eq!(
                WORDS.iter().filter(|w| w.grant == grant).count(),
                1,
                "{}",
                grant.key()
            );
            for p in grant.phrases() {
                assert!(
                    crate::aws::catalog::service(p.service).is_some(),
                    "{}: {}",
                    grant.key(),
                    p.service
                );
                assert!(!p.before.contains("{}") && !p.after.contains("{}"));
            }
            let has_target = !matches!(grant.target(), Target::Flag);
            for (_, text) in words(grant).phrases {
                assert_eq!(text.contains("{}"), has_target, "{}", grant.key());
            }
        }
    }
}
