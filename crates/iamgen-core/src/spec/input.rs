//! [`SpecInput`]: the spec's shape as plain data, before validation.

use indexmap::IndexMap;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::diag::quote;
use crate::grants::{GrantKind, Target};
use crate::kinds::{ResourceKind, ServiceKind};

/// A spec as written: what YAML decodes into, what serde reads from JSON, what a build tool builds
/// in code. Nothing in it is checked yet; [`Spec::from_input`](crate::Spec::from_input) (or
/// [`compile_input`](crate::compile_input)) validates it and reports every problem by key path.
///
/// ```
/// use iamgen_core::{GrantInput, GrantKind, ResourceKind, ServiceInput, ServiceKind, SpecInput};
///
/// let input = SpecInput::new("shop", "prod")
///     .resource(ResourceKind::Bucket, "uploads", "uploads")
///     .service(
///         "resize",
///         ServiceInput::new(ServiceKind::Lambda).grant(GrantInput::new(GrantKind::S3Read, ["uploads"])),
///     );
/// let json = serde_json::to_string(&input).unwrap();
/// assert_eq!(json, r#"{"project":"shop","environment":"prod","resources":{"buckets":{"uploads":"uploads"}},"services":{"resize":{"kind":"lambda","grants":[{"s3.read":["uploads"]}]}}}"#);
/// assert_eq!(serde_json::from_str::<SpecInput>(&json).unwrap(), input);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "iamgen spec",
    description = "A platform for iamgen: its project and environment, the resources it declares, reusable grant profiles, and its services with what each may do."
)]
#[non_exhaustive]
pub struct SpecInput {
    /// The first part of every name: lowercase letters, digits and `-`.
    pub project: String,
    /// `dev`, `prod`, ...: the last part of every name.
    pub environment: String,
    /// How physical names are made from logical ones; default `{project}-{name}-{environment}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming: Option<String>,
    /// Extra tags on every role and policy (beside Project, Environment and ManagedBy).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// Declared resources by kind (`buckets`, ...), then logical name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub resources: IndexMap<ResourceKind, IndexMap<String, ResourceInput>>,
    /// Reusable grant lists, by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub profiles: IndexMap<String, Vec<ProfileItem>>,
    /// The services, by logical name.
    pub services: IndexMap<String, ServiceInput>,
    /// Other AWS accounts the platform refers to, by name (`${accounts.NAME}` in hand-written
    /// statements); each environment may give its own ids.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub accounts: IndexMap<String, String>,
    /// What differs per environment, by environment name: `--environment NAME` picks one
    /// (default: `environment`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub environments: IndexMap<String, EnvironmentInput>,
    /// Tag-based access control on every grant: actions that support `aws:ResourceTag` are
    /// allowed only on resources tagged with the platform's Project and Environment (grants on a
    /// name pattern get it anyway).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tag_based_access: bool,
}

/// A declared resource's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
// A spec declares a few dozen resources: their size does not matter, and an unboxed detail keeps
// building and matching them plain.
#[allow(clippy::large_enum_variant)]
pub enum ResourceInput {
    /// A name the naming convention completes (`raw-data` is `engagement-raw-data-dev`); `"*"` is
    /// the convention's pattern (`engagement-*-dev`). A Bedrock model id is used as given.
    Convention(String),
    /// A name used exactly as given: `{ name: engagement_dev }`.
    Exact {
        /// The physical name.
        name: String,
    },
    /// A resource with more than a name: an Athena workgroup's results bucket, a vector store, a
    /// Bedrock model reached through an inference profile.
    Detailed(ResourceDetail),
}

/// What some kinds of resource declare beside (or instead of) a name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ResourceDetail {
    /// The exact physical name; without it, the logical name completed by the naming convention
    /// (Athena workgroups), or the model id (Bedrock models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `athena_workgroups`: the bucket (logical name) the workgroup writes query results to.
    /// Athena writes and reads them with the caller's credentials, so `athena.query` grants them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<String>,
    /// `vector_stores`: which kind of store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<VectorEngine>,
    /// `vector_stores`, `s3_vectors`: the vector bucket (a name the convention completes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// `vector_stores`, `s3_vectors`: the vector index in the bucket (used as given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// `vector_stores`, `opensearch_serverless`: the collection (a name the convention completes;
    /// its id, known after it is created, is a module input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// `vector_stores`, `aurora_postgresql`: the DB cluster (a name the convention completes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// `vector_stores`: the credentials secret (a logical name under `secrets`), for Aurora and
    /// the third-party stores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// `bedrock_models`: an application inference profile made from this model or cross-region
    /// profile id; its own id, known after it is created, is a module input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_profile: Option<String>,
    /// `bedrock_models`: the destination regions of a cross-region inference profile, when they
    /// should be narrower than its geography.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// `buckets`, `dynamodb_tables`, `queues`, `topics`, `secrets`, `parameters`,
    /// `kinesis_streams`: the customer managed key (a logical name under `kms_keys`) the resource
    /// is encrypted with. Grants on it then also use the key, only through its service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    /// `queues`: the topics (logical names) the queue is subscribed to; its policy lets them send.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// `queues`: the EventBridge rules whose target is the queue, `RULE` on the default bus or
    /// `BUS/RULE` (a logical name under `event_buses`), the rule's name made by the convention; its
    /// policy lets them send.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// Builds a [`ResourceDetail`] in code, one key at a time.
///
/// ```
/// use iamgen_core::{ResourceDetail, ResourceKind, SpecInput, VectorEngine};
/// let store = ResourceDetail::engine(VectorEngine::S3Vectors).with_bucket("vectors").with_index("docs");
/// let spec = SpecInput::new("shop", "prod").resource_detail(ResourceKind::VectorStore, "docs", store);
/// assert_eq!(spec.resources[&ResourceKind::VectorStore].len(), 1);
/// ```
impl ResourceDetail {
    /// A vector store of `engine`.
    pub fn engine(engine: VectorEngine) -> Self {
        ResourceDetail {
            engine: Some(engine),
            ..ResourceDetail::default()
        }
    }

    /// With an exact physical name (`name:`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With a workgroup's query-results bucket (`results:`, a logical bucket name).
    pub fn with_results(mut self, bucket: impl Into<String>) -> Self {
        self.results = Some(bucket.into());
        self
    }

    /// With an S3 Vectors store's vector bucket (`bucket:`).
    pub fn with_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.bucket = Some(bucket.into());
        self
    }

    /// With an S3 Vectors store's index (`index:`).
    pub fn with_index(mut self, index: impl Into<String>) -> Self {
        self.index = Some(index.into());
        self
    }

    /// With an OpenSearch Serverless store's collection (`collection:`).
    pub fn with_collection(mut self, collection: impl Into<String>) -> Self {
        self.collection = Some(collection.into());
        self
    }

    /// With an Aurora store's DB cluster (`cluster:`).
    pub fn with_cluster(mut self, cluster: impl Into<String>) -> Self {
        self.cluster = Some(cluster.into());
        self
    }

    /// With a store's credentials secret (`secret:`, a logical secret name).
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// With a model's application inference profile (`application_profile:`).
    pub fn with_application_profile(mut self, model: impl Into<String>) -> Self {
        self.application_profile = Some(model.into());
        self
    }

    /// With a cross-region profile's destination regions (`regions:`).
    pub fn with_regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// With the customer managed key the resource is encrypted with (`kms_key:`, a logical name
    /// under `kms_keys`).
    pub fn with_kms_key(mut self, key: impl Into<String>) -> Self {
        self.kms_key = Some(key.into());
        self
    }

    /// With a topic the queue is subscribed to (`topics:`).
    pub fn with_topic(mut self, topic: impl Into<String>) -> Self {
        self.topics.push(topic.into());
        self
    }

    /// With an EventBridge rule whose target is the queue (`rules:`, `RULE` or `BUS/RULE`).
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rules.push(rule.into());
        self
    }
}

/// The vector stores a Bedrock knowledge base can use
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-setup.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VectorEngine {
    /// Amazon S3 Vectors: a vector bucket and an index.
    S3Vectors,
    /// An Amazon OpenSearch Serverless vector collection.
    OpensearchServerless,
    /// An Amazon Aurora PostgreSQL cluster (pgvector) through the RDS Data API.
    AuroraPostgresql,
    /// Pinecone, reached with a credentials secret.
    Pinecone,
    /// Redis Enterprise Cloud, reached with a credentials secret.
    RedisEnterpriseCloud,
    /// MongoDB Atlas, reached with a credentials secret.
    MongodbAtlas,
}

impl VectorEngine {
    /// Every engine.
    pub const ALL: [VectorEngine; 6] = [
        VectorEngine::S3Vectors,
        VectorEngine::OpensearchServerless,
        VectorEngine::AuroraPostgresql,
        VectorEngine::Pinecone,
        VectorEngine::RedisEnterpriseCloud,
        VectorEngine::MongodbAtlas,
    ];

    /// The `engine:` value.
    pub fn key(self) -> &'static str {
        match self {
            VectorEngine::S3Vectors => "s3_vectors",
            VectorEngine::OpensearchServerless => "opensearch_serverless",
            VectorEngine::AuroraPostgresql => "aurora_postgresql",
            VectorEngine::Pinecone => "pinecone",
            VectorEngine::RedisEnterpriseCloud => "redis_enterprise_cloud",
            VectorEngine::MongodbAtlas => "mongodb_atlas",
        }
    }

    /// Parses an `engine:` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.key() == key)
    }
}

/// A name (a string), `{ name }` exactly, or the detailed mapping.
impl<'de> Deserialize<'de> for ResourceInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(ResourceInput::Convention(s)),
            Value::Object(map) if map.len() == 1 && map.contains_key("name") => {
                match map.into_iter().next() {
                    Some((_, Value::String(name))) => Ok(ResourceInput::Exact { name }),
                    _ => Err(D::Error::custom("`name` is a text value")),
                }
            }
            other => serde_json::from_value(other)
                .map(ResourceInput::Detailed)
                .map_err(D::Error::custom),
        }
    }
}

/// A service as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServiceInput {
    /// What it is.
    pub kind: ServiceKind,
    /// A human description, carried onto its roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The profiles it uses, in order (one name or a list).
    #[serde(
        default,
        rename = "use",
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[schemars(schema_with = "one_or_many_schema")]
    pub uses: Vec<String>,
    /// Its own grants, after the profiles'.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<GrantInput>,
    /// `ecs_task`: the ECR repository its image comes from (a logical name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// `ecs_task`: the ECS cluster it runs on (a logical name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// `ecs_task`: the secrets its task definition injects (one name or a list).
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[schemars(schema_with = "one_or_many_schema")]
    pub secrets: Vec<String>,
    /// `bedrock_knowledge_base`: its vector store (a logical name under `vector_stores`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_store: Option<String>,
    /// `schedule`: the name of its EventBridge Scheduler schedule group, used as given; default:
    /// the schedule's own name (by the convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `lambda`: the function runs in a VPC: `true` (any subnet and security group of the
    /// account and region), or its `subnets` and `security_groups` ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<VpcInput>,
    /// Statements written by hand, for what no grant covers yet: each checked against the AWS
    /// catalog like generated ones, with the reason it is needed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<StatementInput>,
    /// `ecs_task`: the Parameter Store parameters its task definition injects (one name or a
    /// list), read by its execution role.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[schemars(schema_with = "one_or_many_schema")]
    pub parameters: Vec<String>,
}

/// An item of a profile: a grant, or `use: other_profile`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileItem {
    /// A grant.
    Grant(GrantInput),
    /// Another profile's grants, in place.
    Use(String),
}

/// One grant as written: `s3.read: [raw]`, with what the author accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrantInput {
    /// Which grant.
    pub grant: GrantKind,
    /// What it applies to: logical resource or service names, or literal values (namespaces, log
    /// groups). Empty for a grant without targets (`xray.write`).
    pub targets: Vec<String>,
    /// Findings the author accepts, with the reason.
    pub allow: Allow,
    /// Finer scopes on some targets, by target name: key prefixes of a bucket, leading keys of
    /// a table.
    pub scopes: IndexMap<String, Scope>,
    /// Tag-based access control on this grant: `Some(true)` asks for it, `Some(false)` turns it
    /// off (even on a name pattern); `None` follows the spec.
    pub tag_based_access: Option<bool>,
}

/// Findings accepted on a grant, each with a written reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Allow {
    /// Why a wide grant (a name pattern, `Resource = "*"`) is acceptable: at least 10 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 10))]
    pub wildcard: Option<String>,
}

impl Allow {
    /// True when nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.wildcard.is_none()
    }
}

impl SpecInput {
    /// A spec for `project` in `environment`, with no resources or services yet.
    pub fn new(project: impl Into<String>, environment: impl Into<String>) -> Self {
        SpecInput {
            project: project.into(),
            environment: environment.into(),
            ..SpecInput::default()
        }
    }

    /// Sets the naming convention.
    pub fn naming(mut self, template: impl Into<String>) -> Self {
        self.naming = Some(template.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Declares a resource whose name the convention completes (`"*"` for the pattern).
    pub fn resource(
        self,
        kind: ResourceKind,
        logical: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.declare(kind, logical, ResourceInput::Convention(name.into()))
    }

    /// Declares a resource with more than a name (a workgroup's results bucket, a vector store, a
    /// model's inference profile).
    pub fn resource_detail(
        self,
        kind: ResourceKind,
        logical: impl Into<String>,
        detail: ResourceDetail,
    ) -> Self {
        self.declare(kind, logical, ResourceInput::Detailed(detail))
    }

    /// Declares a resource by its exact physical name.
    pub fn resource_exact(
        self,
        kind: ResourceKind,
        logical: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.declare(kind, logical, ResourceInput::Exact { name: name.into() })
    }

    fn declare(mut self, kind: ResourceKind, logical: impl Into<String>, r: ResourceInput) -> Self {
        self.resources
            .entry(kind)
            .or_default()
            .insert(logical.into(), r);
        self
    }

    /// Adds a profile.
    pub fn profile(
        mut self,
        name: impl Into<String>,
        items: impl IntoIterator<Item = ProfileItem>,
    ) -> Self {
        self.profiles
            .insert(name.into(), items.into_iter().collect());
        self
    }

    /// Adds a service.
    pub fn service(mut self, name: impl Into<String>, service: ServiceInput) -> Self {
        self.services.insert(name.into(), service);
        self
    }

    /// Adds a Lambda function without grants (it still writes its own log group).
    pub fn lambda(self, name: impl Into<String>) -> Self {
        self.service(name, ServiceInput::new(ServiceKind::Lambda))
    }
}

impl ServiceInput {
    /// A service of `kind`, without grants.
    pub fn new(kind: ServiceKind) -> Self {
        ServiceInput {
            kind,
            description: None,
            uses: Vec::new(),
            grants: Vec::new(),
            image: None,
            cluster: None,
            secrets: Vec::new(),
            vector_store: None,
            group: None,
            vpc: None,
            statements: Vec::new(),
            parameters: Vec::new(),
        }
    }

    /// Sets the description.
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Uses a profile.
    pub fn uses(mut self, profile: impl Into<String>) -> Self {
        self.uses.push(profile.into());
        self
    }

    /// Adds a grant.
    pub fn grant(mut self, grant: GrantInput) -> Self {
        self.grants.push(grant);
        self
    }

    /// For an `ecs_task`: its image's repository and its cluster (logical names).
    pub fn container(mut self, image: impl Into<String>, cluster: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self.cluster = Some(cluster.into());
        self
    }

    /// For a `bedrock_knowledge_base`: its vector store (a logical name under `vector_stores`).
    pub fn vector_store(mut self, name: impl Into<String>) -> Self {
        self.vector_store = Some(name.into());
        self
    }

    /// For an `ecs_task`: a secret its task definition injects.
    pub fn secret(mut self, name: impl Into<String>) -> Self {
        self.secrets.push(name.into());
        self
    }

    /// For an `ecs_task`: a Parameter Store parameter its task definition injects.
    pub fn parameter(mut self, name: impl Into<String>) -> Self {
        self.parameters.push(name.into());
        self
    }
}

impl GrantInput {
    /// `grant` on `targets`; for a grant without targets, pass none (or use [`GrantInput::flag`]).
    pub fn new<S: Into<String>>(grant: GrantKind, targets: impl IntoIterator<Item = S>) -> Self {
        GrantInput {
            grant,
            targets: targets.into_iter().map(Into::into).collect(),
            allow: Allow::default(),
            scopes: IndexMap::new(),
            tag_based_access: None,
        }
    }

    /// A grant without targets, such as `xray.write`.
    pub fn flag(grant: GrantKind) -> Self {
        GrantInput::new(grant, Vec::<String>::new())
    }

    /// Accepts a wide grant, with the reason (written into the output for reviewers).
    pub fn allow_wildcard(mut self, reason: impl Into<String>) -> Self {
        self.allow.wildcard = Some(reason.into());
        self
    }

    /// Scopes target `bucket` (an S3 grant's) to the keys under `prefix` (ending in `/`).
    pub fn with_prefix(mut self, bucket: impl Into<String>, prefix: impl Into<String>) -> Self {
        let bucket = bucket.into();
        if !self.targets.contains(&bucket) {
            self.targets.push(bucket.clone());
        }
        self.scopes
            .entry(bucket)
            .or_default()
            .prefixes
            .push(prefix.into());
        self
    }

    /// Scopes target `table` (a DynamoDB grant's) to items whose partition key is one of `keys`.
    pub fn with_leading_keys<S: Into<String>>(
        mut self,
        table: impl Into<String>,
        keys: impl IntoIterator<Item = S>,
    ) -> Self {
        let table = table.into();
        if !self.targets.contains(&table) {
            self.targets.push(table.clone());
        }
        let scope = self.scopes.entry(table).or_default();
        scope.leading_keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Asks for tag-based access control on this grant (`false`: never, even on a name pattern).
    pub fn tag_based_access(mut self, on: bool) -> Self {
        self.tag_based_access = Some(on);
        self
    }

    /// The targets as written: names, and for scoped ones their mappings.
    fn target_values(&self) -> Vec<Value> {
        let key = match self.grant.target() {
            Target::Resource(ResourceKind::DynamodbTable) => "table",
            _ => "bucket",
        };
        let mut out = Vec::new();
        for t in &self.targets {
            let Some(scope) = self.scopes.get(t) else {
                out.push(Value::String(t.clone()));
                continue;
            };
            for p in &scope.prefixes {
                out.push(serde_json::json!({ key: t, "prefix": p }));
            }
            if !scope.leading_keys.is_empty() {
                out.push(serde_json::json!({ key: t, "leading_keys": scope.leading_keys }));
            }
        }
        out
    }
}

impl From<GrantInput> for ProfileItem {
    fn from(g: GrantInput) -> Self {
        ProfileItem::Grant(g)
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `xray.write` when bare, else `{ "s3.read": [targets], "allow": {...} }` (a flag's value is `true`;
/// a scoped target is `{ "bucket": NAME, "prefix": P }` or `{ "table": NAME, "leading_keys": [...] }`).
impl Serialize for GrantInput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let flag = self.grant.target() == Target::Flag;
        if flag && self.allow.is_empty() && self.tag_based_access.is_none() {
            return s.serialize_str(self.grant.key());
        }
        let mut map = s.serialize_map(None)?;
        if flag {
            map.serialize_entry(self.grant.key(), &true)?;
        } else if self.scopes.is_empty() {
            map.serialize_entry(self.grant.key(), &self.targets)?;
        } else {
            map.serialize_entry(self.grant.key(), &self.target_values())?;
        }
        if !self.allow.is_empty() {
            map.serialize_entry("allow", &self.allow)?;
        }
        if let Some(on) = self.tag_based_access {
            map.serialize_entry("tag_based_access", &on)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for GrantInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        grant_from_value(Value::deserialize(d)?).map_err(D::Error::custom)
    }
}

fn grant_from_value(value: Value) -> Result<GrantInput, String> {
    let kind = |key: &str| GrantKind::from_key(key).ok_or(format!("unknown grant {}", quote(key)));
    match value {
        Value::String(key) => Ok(GrantInput::flag(kind(&key)?)),
        Value::Object(entries) => {
            let mut grant = None;
            let mut allow = None;
            let mut tags = None;
            let mut set_allow = |value: Value| -> Result<(), String> {
                if allow.is_some() {
                    return Err("`allow` is given twice for this grant".into());
                }
                allow = Some(serde_json::from_value(value).map_err(|e| e.to_string())?);
                Ok(())
            };
            for (key, value) in entries {
                if key == "allow" {
                    set_allow(value)?;
                    continue;
                }
                if key == "tag_based_access" {
                    tags = Some(
                        value
                            .as_bool()
                            .ok_or("`tag_based_access` is true or false")?,
                    );
                    continue;
                }
                if grant.is_some() {
                    return Err("a grant item holds one grant".into());
                }
                let flag = kind(&key)?.target() == Target::Flag;
                let mut scoped = Vec::new();
                let targets = match value {
                    Value::Null | Value::Bool(true) => vec![],
                    // A grant without targets may hold its `allow`: `{"xray.write": {"allow": ...}}`.
                    Value::Object(inner)
                        if flag && inner.len() == 1 && inner.contains_key("allow") =>
                    {
                        let nested = inner.into_iter().next().map(|(_, v)| v);
                        set_allow(nested.unwrap_or_default())?;
                        vec![]
                    }
                    Value::String(s) => vec![s],
                    Value::Array(items) => items
                        .into_iter()
                        .map(|v| match v {
                            Value::String(s) => Ok(s),
                            Value::Object(o) => {
                                let (name, scope) = Scope::from_json(o)?;
                                scoped.push((name.clone(), scope));
                                Ok(name)
                            }
                            other => Err(format!("expected a name, found {other}")),
                        })
                        .collect::<Result<_, _>>()?,
                    other => {
                        return Err(format!("grant {} takes names, found {other}", quote(&key)))
                    }
                };
                let mut g = GrantInput::new(kind(&key)?, Vec::<String>::new());
                for t in targets {
                    if !g.targets.contains(&t) {
                        g.targets.push(t);
                    }
                }
                for (name, scope) in scoped {
                    g.scopes.entry(name).or_default().join(scope);
                }
                grant = Some(g);
            }
            let mut grant = grant.ok_or("this item names no grant")?;
            grant.allow = allow.unwrap_or_default();
            grant.tag_based_access = tags;
            Ok(grant)
        }
        other => Err(format!(
            "expected a grant such as {{\"s3.read\": [\"raw\"]}}, found {other}"
        )),
    }
}

/// A grant, or `{ "use": "profile" }`.
impl Serialize for ProfileItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            ProfileItem::Grant(g) => g.serialize(s),
            ProfileItem::Use(p) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("use", p)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ProfileItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(map) if map.len() == 1 && map.contains_key("use") => {
                match map.into_iter().next() {
                    Some((_, Value::String(p))) => Ok(ProfileItem::Use(p)),
                    _ => Err(D::Error::custom("`use` names one profile")),
                }
            }
            other => grant_from_value(other)
                .map(ProfileItem::Grant)
                .map_err(D::Error::custom),
        }
    }
}

/// One name, or a non-empty list of names.
fn one_or_many_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "string", "minLength": 1 },
            { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 },
        ]
    })
}

/// A bare flag grant (`xray.write`), or an object naming exactly one grant (with its value as the
/// grants table says) and optionally `allow`.
impl JsonSchema for GrantInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GrantInput".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let allow = generator.subschema_for::<Allow>();
        let flags: Vec<&str> = GrantKind::all()
            .filter(|g| g.target() == Target::Flag)
            .map(GrantKind::key)
            .collect();
        let mut options = vec![json_schema!({ "type": "string", "enum": flags }).to_value()];
        for grant in GrantKind::all() {
            let value = match grant.target() {
                Target::Flag => json_schema!({
                    "anyOf": [
                        { "enum": [true, null] },
                        {
                            "description": "What the grant accepts, under it.",
                            "type": "object",
                            "properties": { "allow": allow.clone() },
                            "required": ["allow"],
                            "additionalProperties": false,
                        },
                    ]
                }),
                Target::Resource(ResourceKind::Bucket) => scoped_targets_schema(
                    "bucket",
                    json_schema!({ "description": "Only the keys under this prefix (ending in '/').", "type": "string", "minLength": 1 }),
                    "prefix",
                ),
                Target::Resource(ResourceKind::DynamodbTable) => scoped_targets_schema(
                    "table",
                    json_schema!({ "description": "Only the items whose partition key is one of these (dynamodb:LeadingKeys).", "anyOf": [
                        { "type": "string", "minLength": 1 },
                        { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 },
                    ] }),
                    "leading_keys",
                ),
                _ => one_or_many_schema(generator),
            };
            let tags = json_schema!({
                "description": "Tag-based access control on this grant: true asks for it, false turns it off (even on a name pattern).",
                "type": "boolean",
            });
            let mut object = json_schema!({
                "type": "object",
                "properties": { grant.key(): value, "allow": allow.clone(), "tag_based_access": tags },
                "required": [grant.key()],
                "additionalProperties": false,
            });
            object.insert("description".into(), format!("{}.", grant.summary()).into());
            options.push(object.to_value());
        }
        json_schema!({ "oneOf": options })
    }
}

/// Names, or mappings naming one target (`key`) with its scope (`scope_key`).
fn scoped_targets_schema(key: &str, scope: Schema, scope_key: &str) -> Schema {
    let item = json_schema!({
        "anyOf": [
            { "type": "string", "minLength": 1 },
            {
                "type": "object",
                "properties": { key: { "type": "string", "minLength": 1 }, scope_key: scope },
                "required": [key, scope_key],
                "additionalProperties": false,
            },
        ]
    });
    json_schema!({
        "anyOf": [
            { "type": "string", "minLength": 1 },
            { "type": "array", "items": item, "minItems": 1 },
        ]
    })
}

/// A grant, or `{ use: profile }`.
impl JsonSchema for ProfileItem {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProfileItem".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let grant = generator.subschema_for::<GrantInput>();
        json_schema!({
            "anyOf": [
                grant,
                {
                    "description": "Another profile's grants, in place.",
                    "type": "object",
                    "properties": { "use": { "type": "string", "minLength": 1 } },
                    "required": ["use"],
                    "additionalProperties": false,
                },
            ]
        })
    }
}

/// The JSON Schema (draft 2020-12) of a spec, for editors: `# yaml-language-server: $schema=...`.
///
/// ```
/// let schema: serde_json::Value = serde_json::from_str(&iamgen_core::json_schema()).unwrap();
/// // A root file (or a whole spec) names its project and environment; a file it includes holds
/// // resources, profiles and services only.
/// assert_eq!(schema["anyOf"][0]["required"], serde_json::json!(["project", "environment"]));
/// assert!(schema["properties"]["include"].is_object());
/// ```
pub fn json_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<SpecInput>();
    with_files(&mut schema);
    let text = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| unreachable!("a schema is JSON: {e}"));
    text + "\n"
}

/// A spec's files in the schema (issue 10): a root file may list `include:` (and its services may
/// all be in other files), and an included file holds only resources, profiles and services. A [`SpecInput`] is always one whole spec, so this is the YAML files' shape only.
fn with_files(schema: &mut Schema) {
    let include = json_schema!({
        "description": "Files holding more of the spec's resources, profiles and services (paths relative to this file; an included file holds only those three keys and includes nothing). Read by `iamgen` and `SpecFiles`.",
        "type": "array",
        "items": { "type": "string", "minLength": 1 },
        "minItems": 1
    });
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert("include".into(), include.to_value());
    }
    schema.remove("required");
    // A root file's services may all be in other files (included, or beside it in a directory):
    // that the spec has some is iamgen's check, once every file is read.
    let root = json_schema!({
        "description": "The root file (or the whole spec): its project and environment.",
        "required": ["project", "environment"]
    });
    let included = json_schema!({
        "description": "An included file, or a file of a spec directory other than the root: resources, profiles and services only.",
        "propertyNames": { "enum": ["resources", "profiles", "services"] }
    });
    schema.insert(
        "anyOf".into(),
        Value::Array(vec![root.to_value(), included.to_value()]),
    );
}

// ----- Issue 11: scoped targets, VPC, hand-written statements, environments. -----

/// A finer scope on one target of a grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Scope {
    /// S3 grants: the key prefixes (each ending in `/`) the grant reaches in the bucket.
    pub prefixes: Vec<String>,
    /// DynamoDB grants: the partition key values (`dynamodb:LeadingKeys`) the grant reaches.
    pub leading_keys: Vec<String>,
}

impl Scope {
    /// Adds `other`'s prefixes and leading keys.
    fn join(&mut self, other: Scope) {
        self.prefixes.extend(other.prefixes);
        self.leading_keys.extend(other.leading_keys);
    }

    /// `{ "bucket": NAME, "prefix": P }` or `{ "table": NAME, "leading_keys": [...] }`.
    fn from_json(o: serde_json::Map<String, Value>) -> Result<(String, Scope), String> {
        let text = |v: &Value, what: &str| -> Result<String, String> {
            v.as_str()
                .map(str::to_string)
                .ok_or(format!("`{what}` is a text value"))
        };
        let mut name = None;
        let mut scope = Scope::default();
        for (k, v) in &o {
            match k.as_str() {
                "bucket" | "table" => name = Some(text(v, k)?),
                "prefix" => scope.prefixes.push(text(v, "prefix")?),
                "leading_keys" => match v {
                    Value::Array(items) => {
                        for i in items {
                            scope.leading_keys.push(text(i, "leading_keys")?);
                        }
                    }
                    other => scope.leading_keys.push(text(other, "leading_keys")?),
                },
                other => return Err(format!("unknown key {} in a scoped target", quote(other))),
            }
        }
        let name = name.ok_or("a scoped target names its `bucket` or `table`")?;
        Ok((name, scope))
    }
}

/// `vpc:` on a Lambda function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
pub enum VpcInput {
    /// `true`: any subnet and security group of the account and region.
    Any(bool),
    /// The function's subnets and security groups, by id.
    Network {
        /// Subnet ids (`subnet-0123456789abcdef0`).
        subnets: Vec<String>,
        /// Security group ids (`sg-0123456789abcdef0`).
        security_groups: Vec<String>,
    },
}

/// A statement written by hand under a service's `statements:`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StatementInput {
    /// Its Sid (letters and digits); default `HandWritten` and its position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Full action names (`ssm:GetParameter`), never a wildcard.
    #[serde(deserialize_with = "one_or_many")]
    #[schemars(schema_with = "one_or_many_schema")]
    pub actions: Vec<String>,
    /// ARNs (`${partition}`, `${region}`, `${account}`, `${accounts.NAME}` are filled in), or `*`
    /// where AWS accepts no resource for the actions.
    #[serde(deserialize_with = "one_or_many")]
    #[schemars(schema_with = "one_or_many_schema")]
    pub resources: Vec<String>,
    /// Conditions, as in IAM JSON: `{ StringEquals: { "aws:ResourceAccount": "${account}" } }`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: IndexMap<String, IndexMap<String, ConditionValues>>,
    /// Why no grant covers it: at least 10 characters, written into the output and the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 10))]
    pub why: Option<String>,
}

/// A condition's values: one text value or a list (JSON numbers and booleans are read as text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ConditionValues(pub Vec<String>);

impl<'de> Deserialize<'de> for ConditionValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let one = |v: Value| match v {
            Value::String(s) => Ok(s),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(D::Error::custom(format!(
                "expected a condition value, found {other}"
            ))),
        };
        match Value::deserialize(d)? {
            Value::Array(items) => items.into_iter().map(one).collect::<Result<_, _>>(),
            other => one(other).map(|v| vec![v]),
        }
        .map(ConditionValues)
    }
}

fn conditions_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Condition operator -> condition key -> value or values, as in IAM JSON.",
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    { "type": ["string", "boolean", "number"] },
                    { "type": "array", "items": { "type": ["string", "boolean", "number"] }, "minItems": 1 },
                ]
            }
        }
    })
}

/// What one environment changes in the spec (see the README's "One spec, every environment").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnvironmentInput {
    /// Tags added to (or replacing) the spec's `tags` in this environment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// Declarations replacing the spec's resources of the same logical name in this environment
    /// (a model id, a bucket's name); the resource must be declared under `resources`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub resources: IndexMap<ResourceKind, IndexMap<String, ResourceInput>>,
    /// Account ids replacing the spec's `accounts` of the same name in this environment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub accounts: IndexMap<String, String>,
    /// Services that do not exist in this environment (nothing may grant access to them there).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without_services: Vec<String>,
}

impl SpecInput {
    /// Names another AWS account (`${accounts.NAME}` in hand-written statements).
    pub fn account(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.accounts.insert(name.into(), id.into());
        self
    }

    /// Declares what differs in environment `name`.
    pub fn environment(mut self, name: impl Into<String>, env: EnvironmentInput) -> Self {
        self.environments.insert(name.into(), env);
        self
    }

    /// Asks for tag-based access control on every grant.
    pub fn with_tag_based_access(mut self, on: bool) -> Self {
        self.tag_based_access = on;
        self
    }
}

impl EnvironmentInput {
    /// Adds or replaces a tag in this environment.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Replaces a declared resource's name in this environment.
    pub fn resource(
        mut self,
        kind: ResourceKind,
        logical: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.resources
            .entry(kind)
            .or_default()
            .insert(logical.into(), ResourceInput::Convention(name.into()));
        self
    }

    /// Gives a named account its id in this environment.
    pub fn account(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.accounts.insert(name.into(), id.into());
        self
    }

    /// Leaves a service out of this environment.
    pub fn without_service(mut self, name: impl Into<String>) -> Self {
        self.without_services.push(name.into());
        self
    }
}

impl ServiceInput {
    /// For a `schedule`: its schedule group's name, used as given.
    pub fn group(mut self, name: impl Into<String>) -> Self {
        self.group = Some(name.into());
        self
    }

    /// For a `lambda`: it runs in a VPC.
    pub fn vpc(mut self, vpc: VpcInput) -> Self {
        self.vpc = Some(vpc);
        self
    }

    /// Adds a hand-written statement.
    pub fn statement(mut self, statement: StatementInput) -> Self {
        self.statements.push(statement);
        self
    }
}

impl StatementInput {
    /// `actions` on `resources`, needed because `why`.
    pub fn new<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
        why: impl Into<String>,
    ) -> Self {
        StatementInput {
            sid: None,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
            conditions: IndexMap::new(),
            why: Some(why.into()),
        }
    }

    /// With a Sid.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// With a condition: `operator` on `key` against `values`.
    pub fn condition<S: Into<String>>(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.conditions.entry(operator.into()).or_default().insert(
            key.into(),
            ConditionValues(values.into_iter().map(Into::into).collect()),
        );
        self
    }
}
