//! `docs/grants.md`: every grant of the grants table compiled on a small spec, its exact statements
//! listed with the requests it exists for and the neighbours it must refuse (each decided by the
//! evaluator before it is written: [`Plan::verify`](iamgen_core::Plan::verify)), what each service
//! kind implies and who may assume its roles, and every action that needs `Resource = "*"`.

use serde::Serialize;

use iamgen_core::aws::catalog;
use iamgen_core::check::NARROWING_CONDITIONS;
use iamgen_core::{
    compile_input, Caller, Compiled, Expected, GrantInput, GrantKind, Place, ResourceDetail,
    ResourceKind, ServiceInput, ServiceKind, ServicePlan, Settings, SpecInput, StatementInput,
    Subject, Target, Template, Values, VectorEngine, VpcInput,
};

use super::context::{
    permission_doc, resource_policy_doc, statement_doc, PermissionDoc, ResourcePolicyDoc,
    StatementDoc,
};

/// `grants.md`: the grants table, with each grant's statements on an example.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct GrantsContext {
    /// Every grant, in the table's order.
    pub grants: Vec<GrantDoc>,
    /// What each service kind implies and who may assume its roles, with their requests.
    pub kinds: Vec<KindDoc>,
    /// Every action a grant grants on `Resource = "*"`, sorted.
    pub star_actions: Vec<GrantStarAction>,
    /// Each kind of resource that may declare its customer managed key, with what grants on it
    /// add for the key.
    pub keys: Vec<KeyDoc>,
}

/// What a customer managed key on resources of one kind adds to the grants on them.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct KeyDoc {
    /// The kind's key under `resources:` (`buckets`).
    pub resources: String,
    /// One grant reading and one writing (where there is one), each with its key statements and
    /// their requests.
    pub examples: Vec<KeyExample>,
}

/// A grant on an encrypted resource: the statement it adds for the key, and its requests.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct KeyExample {
    /// The grant's key.
    pub grant: String,
    /// The caller's kind.
    pub caller: String,
    /// The statements on the key.
    pub statements: Vec<StatementDoc>,
    /// The requests to KMS it exists for and the neighbours it refuses.
    pub requests: Vec<RequestDoc>,
}

/// One service kind on a small spec: its implied permissions and its trust policies.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct KindDoc {
    /// The kind's key (`lambda`).
    pub kind: String,
    /// Each implied grant and trust policy, with the requests it exists for.
    pub sections: Vec<RequestsDoc>,
}

/// What one implied grant or trust policy exists for.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RequestsDoc {
    /// What it is: `Trust policy of the Main role (lambda.amazonaws.com)`.
    pub title: String,
    /// Its requests and neighbours.
    pub requests: Vec<RequestDoc>,
}

/// One request a grant or kind declares: allowed, or a neighbour that must be denied.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RequestDoc {
    /// `allow` or `deny`.
    pub decision: String,
    /// Who makes it: `Main role`, or a service principal.
    pub caller: String,
    /// The action.
    pub action: String,
    /// Every ARN AWS checks for it.
    pub resources: Vec<String>,
    /// `in another account`, `in another region`, or empty.
    pub place: String,
    /// The context keys the caller sends: `key=value`.
    pub context: Vec<String>,
    /// The operation, or what makes it a neighbour.
    pub what: String,
    /// The AWS page that says how AWS authorizes it.
    pub source: String,
}

/// One grant.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct GrantDoc {
    /// Its key (`s3.read`).
    pub key: String,
    /// One line about it (iamgen's Markdown).
    pub summary: String,
    /// The service kinds that may use it.
    pub callers: Vec<String>,
    /// The AWS page its action set comes from.
    pub source: String,
    /// What a target of it is called (`bucket`), empty for a grant without targets.
    pub target: String,
    /// Its edge in a dependency graph (`reads`).
    pub verb: String,
    /// What it allows in plain words, per AWS service: `{before}TARGET{after}`.
    pub phrases: Vec<PhraseDoc>,
    /// Its statements on an example spec, from one or two kinds of caller.
    pub examples: Vec<Example>,
}

/// A grant's plain words for one AWS service.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PhraseDoc {
    /// The AWS service's action prefix.
    pub service: String,
    /// Words before the target.
    pub before: String,
    /// Words after the target.
    pub after: String,
}

/// A grant used once by a service `caller` of one kind, on project `shop`, environment `prod`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Example {
    /// The caller's kind.
    pub caller: String,
    /// How the grant is written when it is not the plain form (a scoped target, a name pattern),
    /// in Markdown.
    pub variant: Option<String>,
    /// The statements the grant adds to the caller's roles.
    pub statements: Vec<StatementDoc>,
    /// The resource-based permissions it adds instead, for callers AWS checks on the target's side.
    pub permissions: Vec<PermissionDoc>,
    /// The resource-based policies it writes on the platform's resources (a queue's policy).
    pub resource_policies: Vec<ResourcePolicyDoc>,
    /// The requests it exists for and the neighbours it must refuse.
    pub requests: Vec<RequestDoc>,
}

/// An action granted on `Resource = "*"`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct GrantStarAction {
    /// The action.
    pub action: String,
    /// The first grant that grants it.
    pub grant: String,
    /// The condition key that narrows it, when AWS has one.
    pub narrowed_by: Option<String>,
    /// The Service Authorization Reference page of its service.
    pub reference: String,
}

/// A spec in which a service `caller` of kind `caller` uses `grant` once: its target declared as
/// `example` (physical `data`, or a model id) or a service `target`.
fn spec_for(grant: GrantKind, caller: ServiceKind) -> SpecInput {
    let mut spec = SpecInput::new("shop", "prod")
        .resource(ResourceKind::EcrRepository, "app", "app")
        .resource(ResourceKind::EcsCluster, "main", "main");
    let service = |kind: ServiceKind| match kind {
        ServiceKind::EcsTask => ServiceInput::new(kind).container("app", "main"),
        _ => ServiceInput::new(kind),
    };
    let targets: Vec<&str> = match grant.target() {
        Target::Resource(ResourceKind::AthenaWorkgroup) => {
            let workgroup = ResourceDetail::default()
                .with_name("shop-data-prod")
                .with_results("results");
            spec = spec
                .resource(ResourceKind::Bucket, "results", "athena-results")
                .resource_detail(ResourceKind::AthenaWorkgroup, "example", workgroup);
            vec!["example"]
        }
        // The queue's policy: a queue a topic and a rule deliver to, consumed by the caller.
        Target::Resource(ResourceKind::Queue) if grant == GrantKind::QueuePolicy => {
            let queue = ResourceDetail::default()
                .with_name("shop-orders-prod")
                .with_topic("events")
                .with_rule("placed");
            spec = spec
                .resource(ResourceKind::Topic, "events", "events")
                .resource_detail(ResourceKind::Queue, "example", queue);
            vec!["example"]
        }
        Target::Resource(ResourceKind::KmsKey) => {
            spec = spec.resource(ResourceKind::KmsKey, "example", EXAMPLE_KEY);
            vec!["example"]
        }
        // A path: every parameter under it, and the path itself.
        Target::Resource(ResourceKind::Parameter) => {
            spec = spec.resource_exact(ResourceKind::Parameter, "example", "/shop/prod/*");
            vec!["example"]
        }
        Target::Resource(ResourceKind::VectorStore) => {
            let store = ResourceDetail::engine(VectorEngine::S3Vectors)
                .with_bucket("vectors")
                .with_index("docs");
            spec = spec.resource_detail(ResourceKind::VectorStore, "example", store);
            vec!["example"]
        }
        Target::Resource(kind) => {
            let name = match kind {
                // From a Lambda, a model behind a cross-region inference profile.
                ResourceKind::BedrockModel if caller == ServiceKind::Lambda => {
                    "us.anthropic.claude-3-haiku-20240307-v1:0"
                }
                ResourceKind::BedrockModel => "amazon.titan-embed-text-v2:0",
                _ => "data",
            };
            spec = spec.resource(kind, "example", name);
            vec!["example"]
        }
        Target::Service(kinds) => {
            spec = spec.service("target", service(kinds[0]));
            vec!["target"]
        }
        Target::Namespace => vec!["MyApp"],
        Target::LogGroup => vec!["/shop/app"],
        _ => vec![],
    };
    // The caller first, as the docs always listed it.
    let mut out = SpecInput::new("shop", "prod");
    out.resources = spec.resources;
    let used = match grant {
        // Grants a service key stands for: `vector_store:`, `vpc:`, `statements:`; and the queue
        // policy, implied by the queue's declaration for its first consumer.
        GrantKind::VectorStore => service(caller).vector_store(targets[0]),
        GrantKind::LambdaVpc => service(caller).vpc(VpcInput::Network {
            subnets: vec!["subnet-0123456789abcdef0".into()],
            security_groups: vec!["sg-0123456789abcdef0".into()],
        }),
        GrantKind::Statements => service(caller).statement(
            StatementInput::new(
                ["ssm:GetParameter"],
                ["arn:${partition}:ssm:${region}:${account}:parameter/shop-prod-config"],
                "the shop's configuration parameter; no grant covers Parameter Store yet",
            )
            .sid("ReadShopConfig"),
        ),
        GrantKind::QueuePolicy => {
            service(caller).grant(GrantInput::new(GrantKind::SqsConsume, targets))
        }
        _ => service(caller).grant(GrantInput::new(grant, targets)),
    };
    out.services.insert("caller".into(), used);
    out.services.extend(spec.services);
    out
}

/// The kinds of caller a grant is shown from: the first allowed kind that implies no grants of its
/// own (so the statements are the grant's alone), and for `lambda.invoke` also `api_gateway` (a
/// resource-based permission instead), for `bedrock.invoke_model` also `lambda` (a model behind an
/// inference profile).
fn callers(grant: GrantKind) -> Vec<ServiceKind> {
    let plain = [
        ServiceKind::StepFunctions,
        ServiceKind::BedrockKnowledgeBase,
        ServiceKind::BedrockAgent,
        ServiceKind::EcsTask,
    ];
    let first = plain
        .into_iter()
        .find(|k| grant.callers().contains(k))
        .unwrap_or(grant.callers()[0]);
    let mut shown = vec![first];
    if grant == GrantKind::BedrockInvokeModel && first != ServiceKind::Lambda {
        shown.push(ServiceKind::Lambda);
    }
    for k in grant.callers() {
        let checked_on_target_side = spec_for(grant, *k);
        let plan = compile_input(&checked_on_target_side, &Settings::default());
        if !shown.contains(k)
            && plan.is_ok_and(|c| {
                c.plan
                    .services
                    .iter()
                    .any(|s| s.name == "caller" && !s.lambda_permissions.is_empty())
            })
            && shown.len() < 2
        {
            shown.push(*k);
        }
    }
    shown
}

/// More ways to write a grant worth showing: a key prefix, leading keys, a name pattern (with the
/// tag-based access it gets), another kind of caller (a schedule).
fn variants(grant: GrantKind) -> Vec<(ServiceKind, SpecInput, Option<String>)> {
    let lambda = ServiceKind::Lambda;
    let with = |g: GrantInput| {
        let mut spec = spec_for(grant, lambda);
        if let Some(s) = spec.services.get_mut("caller") {
            s.grants = vec![g];
        }
        spec
    };
    match grant {
        GrantKind::S3Read => vec![(
            lambda,
            with(GrantInput::new(grant, Vec::<String>::new()).with_prefix("example", "incoming/")),
            Some("with a key prefix, `s3.read: [{ bucket: example, prefix: incoming/ }]`".into()),
        )],
        GrantKind::DynamodbReadWrite => {
            let mut pattern = spec_for(grant, lambda);
            if let Some(group) = pattern.resources.get_mut(&ResourceKind::DynamodbTable) {
                group.insert(
                    "example".into(),
                    iamgen_core::ResourceInput::Convention("*".into()),
                );
            }
            if let Some(s) = pattern.services.get_mut("caller") {
                s.grants = vec![GrantInput::new(grant, ["example"])
                    .allow_wildcard("tables are made per run, all of the project")];
            }
            vec![
                (
                    lambda,
                    with(
                        GrantInput::new(grant, Vec::<String>::new())
                            .with_leading_keys("example", ["tenant-a"]),
                    ),
                    Some("with leading keys, `dynamodb.read_write: [{ table: example, leading_keys: [tenant-a] }]`".into()),
                ),
                (
                    lambda,
                    pattern,
                    Some("on a name pattern (`example: \"*\"`), which always gets tag-based access: the tables must carry the platform's `Project` and `Environment` tags".into()),
                ),
            ]
        }
        GrantKind::StatesStartExecution => vec![
            (
                ServiceKind::Schedule,
                spec_for(grant, ServiceKind::Schedule),
                None,
            ),
            (
                ServiceKind::Lambda,
                spec_for(grant, ServiceKind::Lambda),
                None,
            ),
        ],
        GrantKind::EcsRunTask => vec![(
            ServiceKind::Schedule,
            spec_for(grant, ServiceKind::Schedule),
            None,
        )],
        _ => vec![],
    }
}

pub(crate) fn context() -> GrantsContext {
    let mut grants = Vec::new();
    let mut star: Vec<GrantStarAction> = Vec::new();
    for grant in GrantKind::all().chain(GrantKind::fields()) {
        let mut examples = Vec::new();
        let shown = callers(grant)
            .into_iter()
            .map(|caller| (caller, spec_for(grant, caller), None))
            .chain(variants(grant));
        for (caller, spec, variant) in shown {
            let compiled = verified(grant.key(), &spec);
            let service = compiled
                .plan
                .services
                .iter()
                .find(|s| s.name == "caller")
                .expect("the example has its caller");
            let mut statements = Vec::new();
            for s in service
                .roles
                .iter()
                .flat_map(|r| &r.policies)
                .flat_map(|p| &p.document.statements)
                // Its own statements: a field's (`vpc:`) are implied by the field.
                .filter(|s| {
                    s.origin.grant == grant
                        && (!s.origin.implied || GrantKind::fields().any(|f| f == grant))
                })
            {
                statements.push(statement_doc(s));
                if s.resources.iter().any(Template::is_star) {
                    for a in &s.actions {
                        if !star.iter().any(|x| &x.action == a) {
                            star.push(GrantStarAction {
                                action: a.clone(),
                                grant: grant.key().to_string(),
                                narrowed_by: NARROWING_CONDITIONS
                                    .iter()
                                    .find(|(x, _)| x == a)
                                    .map(|(_, k)| k.to_string()),
                                reference: catalog::action(a)
                                    .map(|(svc, _)| svc.authorization_url().to_string())
                                    .unwrap_or_default(),
                            });
                        }
                    }
                }
            }
            examples.push(Example {
                caller: caller.key().to_string(),
                variant,
                statements,
                permissions: service
                    .lambda_permissions
                    .iter()
                    .map(permission_doc)
                    .collect(),
                resource_policies: service
                    .resource_policies
                    .iter()
                    .map(resource_policy_doc)
                    .collect(),
                requests: service
                    .intents
                    .iter()
                    .filter(|i| {
                        i.origin.grant == grant
                            && (i.subject == Subject::Grant
                                || GrantKind::fields().any(|f| f == grant))
                    })
                    .flat_map(|i| &i.requests)
                    .map(request_doc)
                    .collect(),
            });
        }
        grants.push(GrantDoc {
            key: grant.key().to_string(),
            summary: grant.summary().to_string(),
            callers: grant
                .callers()
                .iter()
                .map(|k| k.key().to_string())
                .collect(),
            source: grant.source().to_string(),
            target: grant.target().noun().to_string(),
            verb: grant.verb().to_string(),
            phrases: grant
                .phrases()
                .into_iter()
                .map(|p| PhraseDoc {
                    service: p.service.to_string(),
                    before: p.before.to_string(),
                    after: p.after.to_string(),
                })
                .collect(),
            examples,
        });
    }
    star.sort_by(|a, b| a.action.cmp(&b.action));
    GrantsContext {
        grants,
        kinds: ServiceKind::ALL.into_iter().map(kind_doc).collect(),
        star_actions: star,
        keys: ResourceKind::ALL
            .into_iter()
            .filter(|k| k.takes_kms_key())
            .map(key_doc)
            .collect(),
    }
}

/// The key id of the examples.
const EXAMPLE_KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

/// What a key on a resource of `kind` adds: the first grant reading it and the first writing it,
/// each on a resource `example` encrypted with key `data`.
fn key_doc(kind: ResourceKind) -> KeyDoc {
    let on_kind = |g: &GrantKind| g.target() == Target::Resource(kind);
    let reads = GrantKind::all().find(|g| on_kind(g) && g.key_use().is_some_and(|u| u.reads()));
    let writes = GrantKind::all()
        .find(|g| on_kind(g) && g.key_use().is_some_and(|u| u.writes() && !u.reads()));
    let examples = reads
        .into_iter()
        .chain(writes)
        .filter_map(|grant| key_example(kind, grant))
        .collect();
    KeyDoc {
        resources: kind.key().to_string(),
        examples,
    }
}

fn key_example(kind: ResourceKind, grant: GrantKind) -> Option<KeyExample> {
    let caller = *callers(grant).first()?;
    let name = match kind {
        ResourceKind::Parameter => "/shop/prod/*",
        _ => "shop-data-prod",
    };
    let resource = ResourceDetail::default()
        .with_name(name)
        .with_kms_key("data");
    let mut service = ServiceInput::new(caller).grant(GrantInput::new(grant, ["example"]));
    if caller == ServiceKind::EcsTask {
        service = service.container("app", "main");
    }
    let spec = SpecInput::new("shop", "prod")
        .resource(ResourceKind::EcrRepository, "app", "app")
        .resource(ResourceKind::EcsCluster, "main", "main")
        .resource(ResourceKind::KmsKey, "data", EXAMPLE_KEY)
        .resource_detail(kind, "example", resource)
        .service("caller", service);
    let compiled = verified(&format!("{} on an encrypted resource", grant.key()), &spec);
    let service = compiled.plan.services.first()?;
    let is_kms = |action: &str| action.starts_with("kms:");
    Some(KeyExample {
        grant: grant.key().to_string(),
        caller: caller.key().to_string(),
        statements: service
            .roles
            .iter()
            .flat_map(|r| &r.policies)
            .flat_map(|p| &p.document.statements)
            .filter(|s| s.actions.iter().any(|a| is_kms(a)))
            .map(statement_doc)
            .collect(),
        requests: service
            .intents
            .iter()
            .filter(|i| i.subject == Subject::Grant)
            .flat_map(|i| &i.requests)
            .filter(|r| is_kms(r.action))
            .map(request_doc)
            .collect(),
    })
}

/// The example spec compiled, and every request it declares decided by the evaluator: a request
/// refused or a neighbour allowed is an iamgen bug, never written into the docs.
fn verified(what: &str, spec: &SpecInput) -> Compiled {
    let compiled = compile_input(spec, &Settings::default())
        .unwrap_or_else(|e| panic!("iamgen bug: the example of {what}: {e}"));
    let values = Values::new("aws", "eu-west-1", "111122223333").expect("valid values");
    let verification = compiled
        .plan
        .verify(&values)
        .unwrap_or_else(|e| panic!("iamgen bug: the example of {what}: {e}"));
    assert!(
        verification.passed(),
        "iamgen bug: the example of {what} fails its requests: {:#?}",
        verification.failures
    );
    compiled
}

/// A service `target` of `kind` alone (an ECS task with its image, cluster and one secret).
fn kind_doc(kind: ServiceKind) -> KindDoc {
    let mut target = ServiceInput::new(kind);
    if kind == ServiceKind::EcsTask {
        target = target.container("app", "main").secret("token");
    }
    let spec = SpecInput::new("shop", "prod")
        .resource(ResourceKind::EcrRepository, "app", "app")
        .resource(ResourceKind::EcsCluster, "main", "main")
        .resource(ResourceKind::Secret, "token", "token")
        .service("target", target);
    let compiled = verified(kind.key(), &spec);
    let service: &ServicePlan = &compiled.plan.services[0];
    let sections = service
        .intents
        .iter()
        .map(|intent| RequestsDoc {
            title: match intent.subject {
                Subject::Trust => format!(
                    "Trust policy of the {:?} role (`{}`)",
                    intent.role,
                    service
                        .roles
                        .iter()
                        .find(|r| r.purpose == intent.role)
                        .map(|r| r.trust.principal)
                        .unwrap_or_default()
                ),
                _ => format!(
                    "Implied for the {:?} role: `{}`",
                    intent.role,
                    intent.origin.grant.key()
                ),
            },
            requests: intent.requests.iter().map(request_doc).collect(),
        })
        .collect();
    KindDoc {
        kind: kind.key().to_string(),
        sections,
    }
}

fn request_doc(r: &Expected) -> RequestDoc {
    RequestDoc {
        decision: r.expect.to_string(),
        caller: match r.caller {
            Caller::Role(p) => format!("{p:?} role"),
            Caller::Service(s) => s.to_string(),
            _ => String::new(),
        },
        action: r.action.to_string(),
        resources: r.resources.iter().map(Template::to_string).collect(),
        place: match r.place {
            Place::OtherAccount => "in another account".into(),
            Place::OtherRegion => "in another region".into(),
            _ => String::new(),
        },
        context: r.context.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        what: r.what.clone(),
        source: r.source.to_string(),
    }
}
