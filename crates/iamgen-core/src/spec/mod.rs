//! The spec: the YAML a platform team writes, and the validated model it loads into.
//!
//! [`Spec::from_yaml`] reads the text, checks everything it can without AWS (names, references,
//! which service kind may use which grant, AWS name limits once the naming convention is applied) and
//! returns either a [`Spec`] whose every name and reference is known good, or a [`SpecError`] that
//! lists every problem with its line and column.

mod load;
pub mod names;
pub mod yaml;

use indexmap::IndexMap;

use crate::diag::{Span, SpecError};
use crate::grants::GrantKind;

pub use names::Naming;

/// The example platform of the seed document, built into iamgen as its default spec.
pub const EXAMPLE_SPEC: &str = include_str!("../../../../examples/engagement-platform.yaml");

/// The file name the built-in example is reported under.
pub const EXAMPLE_FILE: &str = "examples/engagement-platform.yaml";

/// A loaded, validated platform description.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// `project`: the first part of every name.
    pub project: String,
    /// `environment`: `dev`, `prod`, ...
    pub environment: String,
    /// How physical names are made from logical ones.
    pub naming: Naming,
    /// Extra tags on every role and policy (beside Project, Environment and ManagedBy).
    pub tags: IndexMap<String, String>,
    /// Declared resources by kind, then logical name, in spec order.
    pub resources: IndexMap<ResourceKind, IndexMap<String, Resource>>,
    /// Services by logical name, in spec order, with their profiles expanded into grants.
    pub services: IndexMap<String, Service>,
}

/// The kinds of resource a spec declares under `resources:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

impl ResourceKind {
    /// Every kind, in the order the spec documents them.
    pub const ALL: [ResourceKind; 8] = [
        ResourceKind::Bucket,
        ResourceKind::DynamodbTable,
        ResourceKind::AthenaWorkgroup,
        ResourceKind::GlueDatabase,
        ResourceKind::EcrRepository,
        ResourceKind::Secret,
        ResourceKind::BedrockModel,
        ResourceKind::EcsCluster,
    ];

    /// The key under `resources:`.
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
        }
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
        }
    }

    /// Whether the value is a name made by the naming convention (false: an AWS-owned id).
    pub fn uses_naming(self) -> bool {
        !matches!(self, ResourceKind::BedrockModel)
    }
}

/// A declared resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The physical name in AWS (or model id); contains `*` when it is a name pattern.
    pub name: String,
    /// Where it is declared.
    pub span: Span,
}

impl Resource {
    /// True when the name is a pattern (`"*"` in the spec), which matches many resources.
    pub fn is_pattern(&self) -> bool {
        self.name.contains('*')
    }
}

/// The kinds of service iamgen knows how to give a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

impl ServiceKind {
    /// Every kind.
    pub const ALL: [ServiceKind; 6] = [
        ServiceKind::Lambda,
        ServiceKind::StepFunctions,
        ServiceKind::EcsTask,
        ServiceKind::BedrockKnowledgeBase,
        ServiceKind::BedrockAgent,
        ServiceKind::ApiGateway,
    ];

    /// The `kind:` value in the spec.
    pub fn key(self) -> &'static str {
        match self {
            ServiceKind::Lambda => "lambda",
            ServiceKind::StepFunctions => "step_functions",
            ServiceKind::EcsTask => "ecs_task",
            ServiceKind::BedrockKnowledgeBase => "bedrock_knowledge_base",
            ServiceKind::BedrockAgent => "bedrock_agent",
            ServiceKind::ApiGateway => "api_gateway",
        }
    }

    /// Parses a `kind:` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A service of the platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The logical name (the key under `services:`).
    pub name: String,
    /// What it is.
    pub kind: ServiceKind,
    /// Where it is declared.
    pub span: Span,
    /// A human description, carried onto its roles.
    pub description: Option<String>,
    /// Its grants: the profiles it uses, expanded in order, then its own.
    pub grants: Vec<GrantUse>,
    /// `ecs_task` only: the ECR repository its image comes from.
    pub image: Option<String>,
    /// `ecs_task` only: the ECS cluster it runs on.
    pub cluster: Option<String>,
    /// `ecs_task` only: the secrets its task definition injects (read by the execution role).
    pub secrets: Vec<String>,
}

/// One grant as written in the spec, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantUse {
    /// Which grant.
    pub kind: GrantKind,
    /// Its targets: logical resource or service names, or literal values (namespaces, log groups).
    pub targets: Vec<String>,
    /// Where the grant is written.
    pub span: Span,
    /// Its key path, such as `profiles.data_lambda[2]` or `services.predict.grants[0]`.
    pub path: String,
    /// Findings the author accepted, with the written reason (`allow: { wildcard: "..." }`).
    pub allow: IndexMap<Finding, String>,
}

/// A kind of finding a user may accept on one grant, with a written reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

impl Spec {
    /// Loads and validates a spec. `file` is only used to name the file in error messages.
    pub fn from_yaml(file: &str, text: &str) -> Result<Spec, SpecError> {
        load::load(text).map_err(|d| SpecError::new(file, d))
    }

    /// The built-in example platform.
    pub fn example() -> Spec {
        Spec::from_yaml(EXAMPLE_FILE, EXAMPLE_SPEC).expect("the built-in example is valid")
    }

    /// The physical name the convention gives `name` (a logical service or resource name).
    pub fn physical_name(&self, name: &str) -> String {
        self.naming.apply(&self.project, name, &self.environment)
    }

    /// A declared resource.
    pub fn resource(&self, kind: ResourceKind, name: &str) -> Option<&Resource> {
        self.resources.get(&kind).and_then(|m| m.get(name))
    }
}
