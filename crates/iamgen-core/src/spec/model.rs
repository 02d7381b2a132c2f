//! The validated model: a [`Spec`] whose every name and reference is known good.

use indexmap::IndexMap;

use crate::grants::GrantKind;
use crate::kinds::{Finding, ServiceKind};
use crate::naming::{Names, Naming};

/// A validated platform description: every name fits AWS's rules, every reference is resolved.
///
/// Made by [`Spec::from_yaml`] or [`Spec::from_input`]; its parts are iamgen's own business, read
/// through the [`Plan`](crate::Plan) it compiles to.
///
/// ```
/// use iamgen_core::{Spec, SpecInput};
///
/// let input = SpecInput::new("shop", "prod").lambda("resize");
/// let spec = Spec::from_input(&input).unwrap();
/// assert_eq!(spec.project(), "shop");
/// assert_eq!(spec.services().collect::<Vec<_>>(), ["resize"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub(crate) project: String,
    pub(crate) environment: String,
    pub(crate) naming: Naming,
    /// Extra tags on every role and policy (beside Project, Environment and ManagedBy).
    pub(crate) tags: IndexMap<String, String>,
    /// Services by logical name, in spec order, with their profiles expanded into grants.
    pub(crate) services: IndexMap<String, Service>,
    /// Declared resources by kind, then logical name.
    pub(crate) resources: IndexMap<crate::kinds::ResourceKind, IndexMap<String, Resource>>,
}

/// A declared resource, resolved: its physical name and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resource {
    /// The physical name in AWS (or model id); contains `*` when it is a name pattern.
    pub(crate) name: String,
    /// The logical name.
    pub(crate) logical: String,
    /// The same resource in another environment, when the convention made the name: what a
    /// grant must never reach.
    pub(crate) other_environment: Option<String>,
    /// What the resource declares beyond its name.
    pub(crate) detail: Option<Detail>,
}

/// What some kinds of resource declare beyond their name, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Detail {
    /// An Athena workgroup's query results bucket.
    Results(Box<Resource>),
    /// A vector store.
    VectorStore(VectorStore),
    /// A Bedrock model reached through an inference profile.
    Model(Model),
    /// A resource encrypted with a customer managed key (`kms_key:`).
    Encrypted(Key),
    /// A queue: its key, and the topics and rules that deliver to it.
    Queue(Queue),
}

/// A customer managed KMS key a resource declares it is encrypted with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    /// The key's logical name under `kms_keys`.
    pub(crate) logical: String,
    /// Its key id.
    pub(crate) id: String,
}

/// What a queue declares beyond its name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Queue {
    /// The key it is encrypted with.
    pub(crate) key: Option<Key>,
    /// The platform's topics and rules that deliver to it (its policy must let them).
    pub(crate) senders: Vec<Sender>,
}

/// A sender a queue's policy lets deliver to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sender {
    /// An SNS topic the queue is subscribed to: its physical name and logical name.
    Topic { name: String, logical: String },
    /// An EventBridge rule whose target is the queue: its bus's and its own physical names, as
    /// written (`orders/order_placed`).
    Rule {
        bus: String,
        rule: String,
        written: String,
    },
}

/// A knowledge base's vector store, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VectorStore {
    /// An S3 Vectors index: the vector bucket's physical name and the index.
    S3Vectors { bucket: String, index: String },
    /// An OpenSearch Serverless collection: its physical name; its id is a module input.
    OpenSearch { collection: String },
    /// An Aurora PostgreSQL cluster and its credentials secret (physical names).
    Aurora { cluster: String, secret: String },
    /// A third-party store reached with a credentials secret (physical name).
    Secret {
        engine: super::input::VectorEngine,
        secret: String,
    },
}

/// How a Bedrock model is invoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Model {
    /// Through a system-defined cross-region inference profile (`us.`, `eu.`, `apac.`,
    /// `global.`): its id, the foundation model's id, and the destination regions.
    SystemProfile {
        model: String,
        regions: crate::aws::bedrock::Destinations,
    },
    /// Through an application inference profile made from `source` (a model or a cross-region
    /// profile id), whose id is a module input.
    ApplicationProfile {
        model: String,
        regions: crate::aws::bedrock::Destinations,
    },
}

impl Resource {
    /// A declared resource whose name could not be read or checked: still declared, so grants
    /// naming it are not reported again.
    pub(crate) fn unnamed(logical: &str) -> Resource {
        Resource {
            name: String::new(),
            logical: logical.to_string(),
            other_environment: None,
            detail: None,
        }
    }

    /// True when the name is a pattern (`"*"` in the spec), which matches many resources. A
    /// parameter path (`/a/b/*`) is not: it names a hierarchy the spec chose.
    pub(crate) fn is_pattern(&self) -> bool {
        self.name.contains('*') && !crate::aws::names::is_parameter_path(&self.name)
    }

    /// The customer managed key the resource is encrypted with, if it declares one.
    pub(crate) fn key(&self) -> Option<&Key> {
        match &self.detail {
            Some(Detail::Encrypted(key)) => Some(key),
            Some(Detail::Queue(q)) => q.key.as_ref(),
            _ => None,
        }
    }

    /// The platform's topics and rules that deliver to this queue.
    pub(crate) fn senders(&self) -> &[Sender] {
        match &self.detail {
            Some(Detail::Queue(q)) => &q.senders,
            _ => &[],
        }
    }
}

/// A service of the platform.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Service {
    /// The logical name (the key under `services:`).
    pub(crate) name: String,
    /// What it is.
    pub(crate) kind: ServiceKind,
    /// Its key path, `services.NAME`.
    pub(crate) path: String,
    /// A human description, carried onto its roles.
    pub(crate) description: Option<String>,
    /// Its grants: the profiles it uses, expanded in order, then its own.
    pub(crate) grants: Vec<GrantUse>,
    /// `ecs_task` only: what its task definition names.
    pub(crate) container: Option<Container>,
    /// `schedule` only: its schedule group's name.
    pub(crate) schedule_group: Option<String>,
    /// `lambda` only: the VPC networking it runs in.
    pub(crate) vpc: Option<Vpc>,
}

/// A Lambda function's VPC networking: its subnets and security groups by id (both empty: any of
/// the account and region).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Vpc {
    pub(crate) subnets: Vec<String>,
    pub(crate) security_groups: Vec<String>,
}

/// What an `ecs_task`'s task definition names, resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Container {
    /// The ECR repository its image comes from.
    pub(crate) image: Resource,
    /// The ECS cluster it runs on.
    pub(crate) cluster: Resource,
    /// The secrets its task definition injects (read by the execution role).
    pub(crate) secrets: Vec<Resource>,
    /// The Parameter Store parameters its task definition injects (read by the execution role).
    pub(crate) parameters: Vec<Resource>,
}

/// One grant as written in the spec, its targets resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GrantUse {
    /// Which grant.
    pub(crate) kind: GrantKind,
    /// What it reaches.
    pub(crate) targets: Vec<Reached>,
    /// Its key path, such as `profiles.data_lambda[2]` or `services.predict.grants[0]`.
    pub(crate) path: String,
    /// Findings the author accepted, with the written reason (`allow: { wildcard: "..." }`).
    pub(crate) allow: IndexMap<Finding, String>,
    /// Finer scopes of some targets, by logical name (key prefixes, leading keys).
    pub(crate) scopes: IndexMap<String, super::input::Scope>,
    /// Whether its statements carry tag-based access conditions (asked, or a name pattern).
    pub(crate) tags: bool,
    /// For a hand-written statement (`statements:`), the statement as written, resolved.
    pub(crate) written: Option<Box<Written>>,
}

/// A hand-written statement, checked and resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Written {
    /// Its Sid.
    pub(crate) sid: String,
    /// Its actions.
    pub(crate) actions: Vec<String>,
    /// Its resources, with `${partition}`, `${region}`, `${account}` as deploy-time values.
    pub(crate) resources: Vec<crate::aws::Template>,
    /// Its conditions.
    pub(crate) conditions: Vec<crate::aws::Condition>,
    /// Why it is needed, as written.
    pub(crate) why: String,
}

/// A grant's target, resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reached {
    /// A declared resource.
    Resource(Resource),
    /// A service of the platform.
    Service(ServiceRef),
    /// A literal value: a metric namespace, a log group name.
    Text(String),
}

/// A service a grant reaches: what the grant's statements need to know of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceRef {
    /// Its logical name.
    pub(crate) name: String,
    /// Its kind.
    pub(crate) kind: ServiceKind,
    /// For an `ecs_task`, the physical name of the cluster it runs on.
    pub(crate) cluster: Option<String>,
}

impl GrantUse {
    /// The physical names of the resources the grant reaches.
    pub(crate) fn resources(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter_map(|t| match t {
                Reached::Resource(r) => Some(r.name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The resources the grant reaches, with their patterns.
    pub(crate) fn resource_targets(&self) -> impl Iterator<Item = &Resource> {
        self.targets.iter().filter_map(|t| match t {
            Reached::Resource(r) => Some(r),
            _ => None,
        })
    }

    /// The services the grant reaches.
    pub(crate) fn services(&self) -> impl Iterator<Item = &ServiceRef> {
        self.targets.iter().filter_map(|t| match t {
            Reached::Service(s) => Some(s),
            _ => None,
        })
    }

    /// The literal values of the grant (namespaces, log groups).
    pub(crate) fn texts(&self) -> Vec<&str> {
        self.targets
            .iter()
            .filter_map(|t| match t {
                Reached::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Spec {
    /// `project`: the first part of every name.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// `environment`: `dev`, `prod`, ...
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// The logical names of the services, in spec order.
    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// Drops `finding` from what the grants at `paths` accept (an acceptance of nothing).
    pub(crate) fn forget_allowed(&mut self, finding: Finding, paths: &[String]) {
        for service in self.services.values_mut() {
            for grant in &mut service.grants {
                if paths.contains(&grant.path) {
                    grant.allow.shift_remove(&finding);
                }
            }
        }
    }

    /// The service whose module holds the policy of queue `logical`: the first, in spec order,
    /// that consumes it (`sqs.consume` or `sqs.trigger`).
    pub(crate) fn queue_owner(&self, logical: &str) -> Option<&str> {
        queue_owner(self.services.values(), logical)
    }

    /// The names the spec's convention makes.
    pub(crate) fn names(&self) -> Names<'_> {
        Names {
            naming: &self.naming,
            project: &self.project,
            environment: &self.environment,
        }
    }
}

/// The first of `services` consuming queue `logical` (`sqs.consume` or `sqs.trigger`).
pub(crate) fn queue_owner<'a>(
    services: impl IntoIterator<Item = &'a Service>,
    logical: &str,
) -> Option<&'a str> {
    services
        .into_iter()
        .find(|s| {
            s.grants.iter().any(|g| {
                matches!(g.kind, GrantKind::SqsConsume | GrantKind::SqsTrigger)
                    && g.resource_targets().any(|r| r.logical == logical)
            })
        })
        .map(|s| s.name.as_str())
}
