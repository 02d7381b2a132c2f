//! The vocabulary every other module speaks: the kinds of service, resource and role a spec can
//! describe, and the findings a grant may accept. Nothing here depends on another module.

/// The kinds of resource a spec declares under `resources:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ResourceKind {
    /// S3 buckets.
    Bucket,
    /// DynamoDB tables.
    DynamodbTable,
    /// Athena workgroups.
    AthenaWorkgroup,
    /// Glue Data Catalog databases.
    GlueDatabase,
    /// ECR repositories.
    EcrRepository,
    /// Secrets Manager secrets.
    Secret,
    /// Bedrock foundation models, by model id.
    BedrockModel,
    /// ECS clusters.
    EcsCluster,
    /// A Bedrock knowledge base's vector store: an S3 Vectors index, an OpenSearch Serverless
    /// collection, an Aurora PostgreSQL cluster, or a third-party store behind a secret.
    VectorStore,
    // ----- Messaging, keys, parameters and streams (issue 11). -----
    /// SQS queues.
    Queue,
    /// SNS topics.
    Topic,
    /// AWS KMS customer managed keys, by key id (an alias cannot stand for a key in a policy).
    KmsKey,
    /// EventBridge event buses (`default` is the account's default bus).
    EventBus,
    /// Systems Manager Parameter Store parameters, by name or by path (`/a/b/*`).
    Parameter,
    /// Kinesis data streams.
    KinesisStream,
    /// Amazon Data Firehose streams (delivery streams).
    FirehoseStream,
}

impl ResourceKind {
    /// Every kind, in the order the spec documents them.
    pub const ALL: [ResourceKind; 16] = [
        ResourceKind::Bucket,
        ResourceKind::DynamodbTable,
        ResourceKind::AthenaWorkgroup,
        ResourceKind::GlueDatabase,
        ResourceKind::EcrRepository,
        ResourceKind::Secret,
        ResourceKind::BedrockModel,
        ResourceKind::EcsCluster,
        ResourceKind::VectorStore,
        ResourceKind::Queue,
        ResourceKind::Topic,
        ResourceKind::KmsKey,
        ResourceKind::EventBus,
        ResourceKind::Parameter,
        ResourceKind::KinesisStream,
        ResourceKind::FirehoseStream,
    ];

    /// The key under `resources:`.
    ///
    /// ```
    /// assert_eq!(iamgen_core::ResourceKind::Bucket.key(), "buckets");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "buckets",
            ResourceKind::DynamodbTable => "dynamodb_tables",
            ResourceKind::AthenaWorkgroup => "athena_workgroups",
            ResourceKind::GlueDatabase => "glue_databases",
            ResourceKind::EcrRepository => "ecr_repositories",
            ResourceKind::Secret => "secrets",
            ResourceKind::BedrockModel => "bedrock_models",
            ResourceKind::EcsCluster => "ecs_clusters",
            ResourceKind::VectorStore => "vector_stores",
            ResourceKind::Queue => "queues",
            ResourceKind::Topic => "topics",
            ResourceKind::KmsKey => "kms_keys",
            ResourceKind::EventBus => "event_buses",
            ResourceKind::Parameter => "parameters",
            ResourceKind::KinesisStream => "kinesis_streams",
            ResourceKind::FirehoseStream => "firehose_streams",
        }
    }

    /// Parses a key under `resources:`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The singular noun for messages: "unknown bucket 'rwa'".
    pub fn noun(self) -> &'static str {
        match self {
            ResourceKind::Bucket => "bucket",
            ResourceKind::DynamodbTable => "DynamoDB table",
            ResourceKind::AthenaWorkgroup => "Athena workgroup",
            ResourceKind::GlueDatabase => "Glue database",
            ResourceKind::EcrRepository => "ECR repository",
            ResourceKind::Secret => "secret",
            ResourceKind::BedrockModel => "Bedrock model",
            ResourceKind::EcsCluster => "ECS cluster",
            ResourceKind::VectorStore => "vector store",
            ResourceKind::Queue => "queue",
            ResourceKind::Topic => "topic",
            ResourceKind::KmsKey => "KMS key",
            ResourceKind::EventBus => "event bus",
            ResourceKind::Parameter => "parameter",
            ResourceKind::KinesisStream => "Kinesis stream",
            ResourceKind::FirehoseStream => "Firehose stream",
        }
    }

    /// Whether the value is a name made by the naming convention (false: an AWS-owned id, or a
    /// vector store, whose parts are named in its mapping).
    pub fn uses_naming(self) -> bool {
        !matches!(
            self,
            ResourceKind::BedrockModel | ResourceKind::VectorStore | ResourceKind::KmsKey
        )
    }

    /// Whether a resource of this kind may declare the customer managed key it is encrypted with
    /// (`kms_key:` in its mapping form), so that grants on it also use the key.
    pub fn takes_kms_key(self) -> bool {
        matches!(
            self,
            ResourceKind::Bucket
                | ResourceKind::DynamodbTable
                | ResourceKind::Secret
                | ResourceKind::Queue
                | ResourceKind::Topic
                | ResourceKind::Parameter
                | ResourceKind::KinesisStream
        )
    }

    /// The keys a resource of this kind may have in its mapping form, beside `name`.
    pub fn detail_keys(self) -> &'static [&'static str] {
        match self {
            ResourceKind::AthenaWorkgroup => &["name", "results"],
            ResourceKind::BedrockModel => &["name", "application_profile", "regions"],
            ResourceKind::VectorStore => &[
                "engine",
                "bucket",
                "index",
                "collection",
                "cluster",
                "secret",
            ],
            ResourceKind::Queue => &["name", "kms_key", "topics", "rules"],
            k if k.takes_kms_key() => &["name", "kms_key"],
            _ => &["name"],
        }
    }
}

/// The kinds of service iamgen knows how to give a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ServiceKind {
    /// An AWS Lambda function: one execution role, which also writes the function's log group.
    Lambda,
    /// An AWS Step Functions state machine.
    StepFunctions,
    /// An ECS (Fargate) task: a task role with the grants, and an execution role that pulls the image,
    /// writes the log group and reads injected secrets.
    EcsTask,
    /// An Amazon Bedrock knowledge base's service role.
    BedrockKnowledgeBase,
    /// An Amazon Bedrock agent's service role.
    BedrockAgent,
    /// An API Gateway REST API: the role API Gateway uses to write CloudWatch logs.
    ApiGateway,
    /// An EventBridge Scheduler schedule: the role Scheduler assumes to call the schedule's
    /// target (start a state machine, invoke a function, run an ECS task).
    Schedule,
}

impl ServiceKind {
    /// Every kind.
    pub const ALL: [ServiceKind; 7] = [
        ServiceKind::Lambda,
        ServiceKind::StepFunctions,
        ServiceKind::EcsTask,
        ServiceKind::BedrockKnowledgeBase,
        ServiceKind::BedrockAgent,
        ServiceKind::ApiGateway,
        ServiceKind::Schedule,
    ];

    /// The `kind:` value in the spec.
    ///
    /// ```
    /// use iamgen_core::ServiceKind;
    /// assert_eq!(ServiceKind::from_key("ecs_task"), Some(ServiceKind::EcsTask));
    /// assert_eq!(ServiceKind::EcsTask.key(), "ecs_task");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            ServiceKind::Lambda => "lambda",
            ServiceKind::StepFunctions => "step_functions",
            ServiceKind::EcsTask => "ecs_task",
            ServiceKind::BedrockKnowledgeBase => "bedrock_knowledge_base",
            ServiceKind::BedrockAgent => "bedrock_agent",
            ServiceKind::ApiGateway => "api_gateway",
            ServiceKind::Schedule => "schedule",
        }
    }

    /// Parses a `kind:` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What a service of this kind is, for descriptions: "Lambda function".
    pub fn noun(self) -> &'static str {
        match self {
            ServiceKind::Lambda => "Lambda function",
            ServiceKind::StepFunctions => "Step Functions state machine",
            ServiceKind::EcsTask => "ECS task",
            ServiceKind::BedrockKnowledgeBase => "Bedrock knowledge base",
            ServiceKind::BedrockAgent => "Bedrock agent",
            ServiceKind::ApiGateway => "API Gateway",
            ServiceKind::Schedule => "EventBridge Scheduler schedule",
        }
    }

    /// The roles a service of this kind has, the main role first.
    pub fn roles(self) -> &'static [RolePurpose] {
        match self {
            ServiceKind::EcsTask => &[RolePurpose::Main, RolePurpose::Execution],
            _ => &[RolePurpose::Main],
        }
    }
}

/// The `kind:` values of `kinds`, joined by `separator`: `lambda, ecs_task`.
pub(crate) fn join_keys(kinds: &[ServiceKind], separator: &str) -> String {
    let keys: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
    keys.join(separator)
}

/// What a role is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RolePurpose {
    /// The service's own role, holding its grants (for an `ecs_task`, the task role).
    Main,
    /// An `ecs_task`'s execution role: pulls the image, writes the log group, reads injected secrets.
    Execution,
}

/// A kind of finding a user may accept on one grant, with a written reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Finding {
    /// The grant reaches many resources: a name pattern, or `Resource = "*"` for actions that accept
    /// no resource.
    Wildcard,
}

impl Finding {
    /// The key under `allow:`.
    pub fn key(self) -> &'static str {
        match self {
            Finding::Wildcard => "wildcard",
        }
    }
}

/// Serde by spec key (`"ecs_task"`, `"buckets"`, `"s3.read"`), for a type with `key` and
/// `from_key`; its JSON Schema is the enum of `$keys`.
macro_rules! serde_by_key {
    ($ty:ty, $what:literal, $keys:expr) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let keys: Vec<&str> = $keys.collect();
                schemars::json_schema!({
                    "description": concat!("A ", $what, "."),
                    "type": "string",
                    "enum": keys,
                })
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$ty>::from_key(&key)
                    // `{:?}` escapes what would break the line (kinds depend on no other module).
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown {} {key:?}", $what)))
            }
        }
    };
}
pub(crate) use serde_by_key;

serde_by_key!(
    ServiceKind,
    "service kind",
    ServiceKind::ALL.iter().map(|k| k.key())
);
serde_by_key!(
    ResourceKind,
    "resource kind",
    ResourceKind::ALL.iter().map(|k| k.key())
);

/// A setting of the AWS account (per region) that a service's module may own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AccountSettingKind {
    /// API Gateway's CloudWatch role: one per account and region, used by every REST API to log.
    ApiGatewayCloudWatchRole,
}

impl ServiceKind {
    /// The account setting a service of this kind needs its role set as, if any.
    pub fn account_setting(self) -> Option<AccountSettingKind> {
        match self {
            ServiceKind::ApiGateway => Some(AccountSettingKind::ApiGatewayCloudWatchRole),
            _ => None,
        }
    }
}
