//! What each template is given: plain data, built from the plan (and, for the permissions
//! document, the warnings of the compile). A team that writes its own templates reads these types;
//! every field is available under the same name in the template.
//!
//! Nothing here knows a grant or a service kind: the words come from the grants table
//! ([`GrantKind::phrases`], [`GrantKind::verb`]), what a role is for from the service kind's data
//! ([`ServiceKind::role_about`](iamgen_core::ServiceKind::role_about)), AWS service names and the
//! reason of each `Resource = "*"` from the AWS catalog.

use serde::Serialize;

use iamgen_core::aws::{catalog, model_name};
use iamgen_core::check::NARROWING_CONDITIONS;
use iamgen_core::{
    Compiled, Condition, GrantKind, GrantPlan, LambdaPermission, Plan, Reach, ResourceKind,
    ResourcePolicy, RolePlan, RolePurpose, ServicePlan, Severity, Statement, Template,
};

use crate::body::Item;
use crate::render::{self, Interface};
use crate::{AWS_PROVIDER_VERSION, TERRAFORM_VERSION};

use super::graph;

/// `permissions.md`: the platform's permissions, for reviewers.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PermissionsContext {
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// Every service, in spec order.
    pub services: Vec<ServiceDoc>,
    /// Who invokes, runs, passes, reads or writes whom and what (written grants; implied ones are
    /// each service's own).
    pub graph: graph::Graph,
    /// The same dependencies as a plain tree, one line each.
    pub tree: Vec<graph::TreeLine>,
    /// Every statement with `Resource = "*"`, with AWS's reason for each action.
    pub star_resources: Vec<StarStatement>,
    /// Every wide grant the spec accepted, with the author's reason.
    pub accepted: Vec<AcceptedDoc>,
    /// Statements written by hand in the spec rather than built from a grant.
    pub hand_written: Vec<StatementRef>,
    /// How far the spec is from production.
    pub readiness: Readiness,
}

/// One service.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ServiceDoc {
    /// Its logical name (also its module's).
    pub name: String,
    /// Its kind's key (`lambda`).
    pub kind: String,
    /// What it is: `Lambda function`.
    pub kind_noun: String,
    /// Its AWS name.
    pub physical_name: String,
    /// The spec's description of it, if any.
    pub description: Option<String>,
    /// Its roles, the main role first.
    pub roles: Vec<RoleDoc>,
    /// Services whose grants reach it: `pipeline invokes`.
    pub reached_by: Vec<graph::Edge>,
    /// Resource-based policies its module writes on the platform's resources (queue policies).
    pub resource_policies: Vec<ResourcePolicyDoc>,
}

/// A resource-based policy a module writes on a resource of the platform.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ResourcePolicyDoc {
    /// What the resource is: `SQS queue shop-orders-prod`.
    pub about: String,
    /// The Terraform resource type holding it.
    pub resource_type: String,
    /// Its statements.
    pub statements: Vec<ResourceStatementDoc>,
    /// What else the wiring needs that iamgen does not write.
    pub notes: Vec<String>,
    /// Where the declaration it comes from is (the resource's key path).
    pub path: String,
}

/// One statement of a resource-based policy.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ResourceStatementDoc {
    /// The statement id.
    pub sid: String,
    /// The service principal allowed.
    pub principal: String,
    /// The actions allowed.
    pub actions: Vec<String>,
    /// The conditions (the sender's ARN).
    pub conditions: Vec<ConditionDoc>,
    /// What sends.
    pub sender: String,
    /// The AWS page with this statement.
    pub source: String,
}

pub(crate) fn resource_policy_doc(p: &ResourcePolicy) -> ResourcePolicyDoc {
    ResourcePolicyDoc {
        about: p.about.clone(),
        resource_type: p.resource_type.to_string(),
        statements: p
            .statements
            .iter()
            .map(|s| ResourceStatementDoc {
                sid: s.sid.clone(),
                principal: s.principal.to_string(),
                actions: s.actions.clone(),
                conditions: s.conditions.iter().map(condition_doc).collect(),
                sender: s.sender.clone(),
                source: s.source.to_string(),
            })
            .collect(),
        notes: p.notes.clone(),
        path: p.origin.path.clone(),
    }
}

/// One role and its permissions.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RoleDoc {
    /// `main` or `execution`.
    pub purpose: String,
    /// The role's name.
    pub name: String,
    /// What the role is for.
    pub about: String,
    /// Its trust: the service principal that assumes it.
    pub principal: String,
    /// Its managed policies' names.
    pub policies: Vec<String>,
    /// Its permissions, grouped by AWS service, in order of first appearance.
    pub groups: Vec<Group>,
}

/// A role's permissions on one AWS service.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Group {
    /// The AWS service's name (`Amazon S3`).
    pub service: String,
    /// Its action prefix (`s3`).
    pub prefix: String,
    /// What the role may do, in plain words: one bullet per grant and target.
    pub bullets: Vec<Bullet>,
    /// The exact statements (and resource-based permissions) behind the bullets.
    pub statements: Vec<StatementDoc>,
    /// Resource-based permissions on Lambda functions this service is given (the role holds
    /// nothing for them: AWS checks the call on the function's side).
    pub permissions: Vec<PermissionDoc>,
}

/// One thing a role may do, in plain words: `{{ before }}{{ target }}{{ after }}`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Bullet {
    /// The words before the target (the whole phrase for a grant without targets).
    pub before: String,
    /// The target.
    pub target: Option<TargetDoc>,
    /// The words after the target.
    pub after: String,
    /// The grant's key (`s3.read`).
    pub grant: String,
    /// The grant's key path in the spec.
    pub path: String,
    /// True when the service kind implies the grant.
    pub implied: bool,
    /// True when the grant is a resource-based permission on the target, not a statement of the role.
    pub resource_based: bool,
}

/// A grant's target.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TargetDoc {
    /// What it is: `bucket`, `Lambda function`, `CloudWatch namespace`.
    pub noun: String,
    /// A name for humans, when there is one (`Titan Text Embeddings V2` for a model id).
    pub title: Option<String>,
    /// Its AWS name (a pattern has `*`).
    pub name: String,
    /// For a service, its logical name.
    pub service: Option<String>,
    /// True for a name pattern, which reaches every resource of the kind named so.
    pub pattern: bool,
}

/// One statement.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct StatementDoc {
    /// Its Sid.
    pub sid: String,
    /// Its actions.
    pub actions: Vec<String>,
    /// Its resources (`${partition}`, `${region}`, `${account}`, `${var.NAME}` for values known
    /// to Terraform).
    pub resources: Vec<String>,
    /// Its conditions.
    pub conditions: Vec<ConditionDoc>,
    /// The grants it comes from: `services.predict.grants[0] (dynamodb.read_write)`.
    pub sources: Vec<String>,
    /// Reasons written in the spec for accepting it.
    pub notes: Vec<String>,
}

/// One condition of a statement.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ConditionDoc {
    /// The operator (`StringEquals`).
    pub test: String,
    /// The key (`iam:PassedToService`).
    pub variable: String,
    /// The values, any of which matches.
    pub values: Vec<String>,
}

/// A resource-based permission on a Lambda function.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PermissionDoc {
    /// The action allowed.
    pub action: String,
    /// The function's name.
    pub function: String,
    /// The calling service principal.
    pub principal: String,
    /// The calling resource's ARN.
    pub source_arn: String,
    /// Whether the caller's account is pinned too.
    pub source_account: bool,
}

/// A statement with `Resource = "*"`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct StarStatement {
    /// The service.
    pub service: String,
    /// The role.
    pub role: String,
    /// The statement.
    pub statement: StatementDoc,
    /// Each action, with AWS's reason.
    pub actions: Vec<StarAction>,
    /// True when a grant the service kind implies needs it (the spec cannot accept or refuse it).
    pub implied: bool,
}

/// An action granted on `Resource = "*"`, and why.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct StarAction {
    /// The action.
    pub action: String,
    /// AWS's reason, in words.
    pub reason: String,
    /// The condition key that narrows it, when AWS has one.
    pub narrowed_by: Option<String>,
    /// The Service Authorization Reference page that lists the action.
    pub reference: String,
}

/// A wide grant the spec accepted, with the author's reason.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AcceptedDoc {
    /// The service.
    pub service: String,
    /// The grant's key.
    pub grant: String,
    /// Its key path.
    pub path: String,
    /// The finding accepted (`wildcard`).
    pub finding: String,
    /// What is wide: the name patterns it reaches, and the actions it grants on `*`.
    pub wide: Vec<String>,
    /// The author's reason.
    pub reason: String,
}

/// A statement, with where it is.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct StatementRef {
    /// The service.
    pub service: String,
    /// The role.
    pub role: String,
    /// The statement.
    pub statement: StatementDoc,
}

/// How far the spec is from production, measured on it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Readiness {
    /// Wide grants nobody accepted in writing (the warnings of `iamgen check`).
    pub warnings: Vec<WarningDoc>,
    /// True when `iamgen check --strict` passes (no warnings).
    pub strict_passes: bool,
    /// Grants on name patterns, accepted or not.
    pub patterns: Vec<PatternDoc>,
    /// Statements with `Resource = "*"`, and how many of them a condition narrows.
    pub star_statements: usize,
    /// Of those, the ones narrowed by a condition key.
    pub star_narrowed: usize,
    /// Services, roles, statements in all.
    pub services: usize,
    /// Roles in all.
    pub roles: usize,
    /// Statements in all.
    pub statements: usize,
    /// True when every module takes a permissions boundary (input `permissions_boundary`).
    pub boundary_input: bool,
    /// The input's name.
    pub boundary_variable: String,
    /// Tags on every role and policy: iamgen's, then the spec's.
    pub tags: Vec<TagDoc>,
    /// How many of them the spec adds.
    pub spec_tags: usize,
    /// Statements with a tag condition (`aws:ResourceTag/...`, `aws:PrincipalTag/...`).
    pub tag_conditions: usize,
    /// Actions of grants under tag-based access control that tags could not narrow (AWS does not
    /// evaluate `aws:ResourceTag` for them there, or the resources cannot carry the tags), sorted.
    pub tag_not_narrowed: Vec<String>,
    /// KMS actions granted (none: the spec declares no encryption keys yet).
    pub kms_actions: Vec<String>,
}

/// A warning of the compile.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct WarningDoc {
    /// The key path.
    pub path: String,
    /// The file it is in, for a spec read from YAML (the root file or one it includes).
    pub file: Option<String>,
    /// Line in that file, when read from YAML.
    pub line: Option<usize>,
    /// The message.
    pub message: String,
}

/// A grant on a name pattern.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PatternDoc {
    /// The service.
    pub service: String,
    /// The grant's key.
    pub grant: String,
    /// Its key path.
    pub path: String,
    /// The pattern's target.
    pub target: TargetDoc,
    /// The author's reason, when accepted.
    pub accepted: Option<String>,
}

/// A tag.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TagDoc {
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// `module.md`: a service module's README.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ModuleContext {
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// The service.
    pub service: ServiceDoc,
    /// Terraform and provider version constraints.
    pub requirements: Vec<Requirement>,
    /// Input variables, as `variables.tf` declares them.
    pub inputs: Vec<InputDoc>,
    /// Outputs, as `outputs.tf` declares them.
    pub outputs: Vec<OutputDoc>,
    /// Resources and data sources of `main.tf`.
    pub resources: Vec<ResourceDoc>,
}

/// `root.md`: the README of the root module of `--out`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RootContext {
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// Every service (each a module call).
    pub services: Vec<ServiceDoc>,
    /// Terraform and provider version constraints.
    pub requirements: Vec<Requirement>,
    /// Input variables.
    pub inputs: Vec<InputDoc>,
    /// Outputs.
    pub outputs: Vec<OutputDoc>,
}

/// A version constraint.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Requirement {
    /// `terraform` or a provider.
    pub name: String,
    /// The constraint.
    pub version: String,
}

/// A module input.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct InputDoc {
    /// The variable's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its type, as written (`map(string)`).
    pub r#type: String,
    /// Its default, as HCL, when it has one.
    pub default: Option<String>,
    /// True when it has no default.
    pub required: bool,
}

/// A module output.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct OutputDoc {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
}

/// A resource or data source a module declares.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ResourceDoc {
    /// `resource` or `data`.
    pub mode: String,
    /// The resource type (`aws_iam_role`).
    pub r#type: String,
    /// The address (`aws_iam_role.this`, `data.aws_partition.current`).
    pub address: String,
}

fn purpose_key(p: RolePurpose) -> &'static str {
    match p {
        RolePurpose::Execution => "execution",
        _ => "main",
    }
}

/// The AWS service of an action (`s3` of `s3:GetObject`).
pub(crate) fn prefix(action: &str) -> &str {
    action.split_once(':').map_or(action, |(p, _)| p)
}

/// The AWS service's name for a prefix, from the catalog.
pub(crate) fn aws_service_name(prefix: &str) -> String {
    catalog::service(prefix).map_or_else(|| prefix.to_string(), |s| s.name().to_string())
}

pub(crate) fn statement_doc(s: &Statement) -> StatementDoc {
    StatementDoc {
        sid: s.sid.clone(),
        actions: s.actions.clone(),
        resources: s.resources.iter().map(Template::to_string).collect(),
        conditions: s.conditions.iter().map(condition_doc).collect(),
        sources: s.sources.clone(),
        notes: s.notes.clone(),
    }
}

fn condition_doc(c: &Condition) -> ConditionDoc {
    ConditionDoc {
        test: c.test.to_string(),
        variable: c.variable.to_string(),
        values: c.values.iter().map(Template::to_string).collect(),
    }
}

pub(crate) fn permission_doc(p: &LambdaPermission) -> PermissionDoc {
    PermissionDoc {
        action: p.action.clone(),
        function: p.function_name.clone(),
        principal: p.principal.to_string(),
        source_arn: p.source_arn.to_string(),
        source_account: p.source_account,
    }
}

/// A target for the docs.
pub(crate) fn target_doc(grant: GrantKind, reach: &Reach) -> TargetDoc {
    let mut doc = TargetDoc {
        noun: grant.target().noun().to_string(),
        title: None,
        name: String::new(),
        service: None,
        pattern: false,
    };
    match reach {
        Reach::Resource {
            kind,
            name,
            pattern,
        } => {
            doc.noun = kind.noun().to_string();
            doc.name = name.clone();
            doc.pattern = *pattern;
            if *kind == ResourceKind::BedrockModel {
                doc.title = model_name(name).map(str::to_string);
            }
        }
        Reach::Service {
            name,
            kind,
            physical_name,
        } => {
            doc.noun = kind.noun().to_string();
            doc.name = physical_name.clone();
            doc.service = Some(name.clone());
        }
        Reach::Value(v) => doc.name = v.clone(),
        Reach::Arn(t) => {
            // arn:partition:service:region:account:TYPE/ID or TYPE:ID: the resource's own name.
            let arn = t.to_string();
            let resource = arn.splitn(6, ':').nth(5).unwrap_or(&arn);
            let name = resource
                .split_once([':', '/'])
                .map_or(resource, |(_, id)| id);
            doc.name = name.to_string();
        }
        _ => doc.name = format!("{reach:?}"),
    }
    doc
}

fn is_resource_based(service: &ServicePlan, g: &GrantPlan) -> bool {
    service
        .lambda_permissions
        .iter()
        .any(|p| p.origin.path == g.path && p.origin.grant == g.kind)
}

fn group<'a>(groups: &'a mut Vec<Group>, prefix: &str) -> &'a mut Group {
    let i = match groups.iter().position(|g| g.prefix == prefix) {
        Some(i) => i,
        None => {
            groups.push(Group {
                service: aws_service_name(prefix),
                prefix: prefix.to_string(),
                bullets: vec![],
                statements: vec![],
                permissions: vec![],
            });
            groups.len() - 1
        }
    };
    &mut groups[i]
}

fn role_doc(service: &ServicePlan, role: &RolePlan) -> RoleDoc {
    let mut groups: Vec<Group> = Vec::new();
    for g in service.grants.iter().filter(|g| g.role == role.purpose) {
        let resource_based = is_resource_based(service, g);
        // The AWS services whose actions this grant's own statements hold (a vector store's
        // engine, an Athena workgroup with or without a results bucket): only their phrases apply.
        let granted: Vec<&str> = service
            .intents
            .iter()
            .filter(|i| {
                i.role == role.purpose && i.origin.path == g.path && i.origin.grant == g.kind
            })
            .flat_map(|i| &i.statements)
            .flat_map(|s| &s.actions)
            .map(|a| prefix(a))
            .collect();
        let phrases = g
            .kind
            .phrases()
            .into_iter()
            .filter(|p| resource_based || granted.is_empty() || granted.contains(&p.service));
        for phrase in phrases {
            let targets: Vec<Option<TargetDoc>> = if g.targets.is_empty() {
                vec![None]
            } else {
                g.targets
                    .iter()
                    .map(|t| Some(target_doc(g.kind, t)))
                    .collect()
            };
            let group = group(&mut groups, phrase.service);
            for target in targets {
                group.bullets.push(Bullet {
                    before: phrase.before.to_string(),
                    target,
                    after: phrase.after.to_string(),
                    grant: g.kind.key().to_string(),
                    path: g.path.clone(),
                    implied: g.implied,
                    resource_based,
                });
            }
        }
    }
    for s in role.policies.iter().flat_map(|p| &p.document.statements) {
        let first = s.actions.first().map_or("", |a| prefix(a));
        group(&mut groups, first).statements.push(statement_doc(s));
    }
    if role.purpose == RolePurpose::Main {
        for p in &service.lambda_permissions {
            group(&mut groups, prefix(&p.action))
                .permissions
                .push(permission_doc(p));
        }
    }
    RoleDoc {
        purpose: purpose_key(role.purpose).to_string(),
        name: role.name.clone(),
        about: service.kind.role_about(role.purpose).to_string(),
        principal: role.trust.principal.to_string(),
        policies: role.policies.iter().map(|p| p.name.clone()).collect(),
        groups,
    }
}

pub(crate) fn service_doc(service: &ServicePlan, reached_by: &graph::ReachedBy) -> ServiceDoc {
    ServiceDoc {
        name: service.name.clone(),
        kind: service.kind.key().to_string(),
        kind_noun: service.kind.noun().to_string(),
        physical_name: service.physical_name.clone(),
        description: service.description.clone(),
        roles: service.roles.iter().map(|r| role_doc(service, r)).collect(),
        reached_by: reached_by.service(&service.name),
        resource_policies: service
            .resource_policies
            .iter()
            .map(resource_policy_doc)
            .collect(),
    }
}

fn requirements() -> Vec<Requirement> {
    vec![
        Requirement {
            name: "terraform".into(),
            version: TERRAFORM_VERSION.into(),
        },
        Requirement {
            name: "aws".into(),
            version: AWS_PROVIDER_VERSION.into(),
        },
    ]
}

fn interface_docs(interface: &Interface) -> (Vec<InputDoc>, Vec<OutputDoc>) {
    let inputs = interface
        .variables
        .iter()
        .map(|v| InputDoc {
            name: v.name.clone(),
            description: v.description.clone(),
            r#type: v.ty.to_string(),
            default: v.default.as_ref().map(|d| d.to_hcl()),
            required: v.default.is_none(),
        })
        .collect();
    let outputs = interface
        .outputs
        .iter()
        .map(|o| OutputDoc {
            name: o.name.clone(),
            description: o.description.clone(),
        })
        .collect();
    (inputs, outputs)
}

/// The context of `module.md` for `service`.
pub fn module(plan: &Plan, service: &ServicePlan) -> ModuleContext {
    module_with(plan, service, &graph::ReachedBy::new(plan))
}

/// [`module`], with the plan's edges into each service made once for every module.
pub(crate) fn module_with(
    plan: &Plan,
    service: &ServicePlan,
    reached_by: &graph::ReachedBy,
) -> ModuleContext {
    let (inputs, outputs) = interface_docs(&render::service_interface(service));
    let main = render::service_main(plan, service);
    let resources = main
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Block(b) => Some(b),
            _ => None,
        })
        .filter(|b| (b.kind == "resource" || b.kind == "data") && b.labels.len() == 2)
        .map(|b| ResourceDoc {
            mode: b.kind.clone(),
            r#type: b.labels[0].clone(),
            address: match b.kind.as_str() {
                "data" => format!("data.{}.{}", b.labels[0], b.labels[1]),
                _ => format!("{}.{}", b.labels[0], b.labels[1]),
            },
        })
        .collect();
    ModuleContext {
        project: plan.project.clone(),
        environment: plan.environment.clone(),
        service: service_doc(service, reached_by),
        requirements: requirements(),
        inputs,
        outputs,
        resources,
    }
}

/// Every service's [`ServiceDoc`].
fn service_docs(plan: &Plan) -> Vec<ServiceDoc> {
    let reached_by = graph::ReachedBy::new(plan);
    plan.services
        .iter()
        .map(|s| service_doc(s, &reached_by))
        .collect()
}

/// The context of `root.md`.
pub fn root(plan: &Plan) -> RootContext {
    let (inputs, outputs) = interface_docs(&render::root_interface(plan));
    RootContext {
        project: plan.project.clone(),
        environment: plan.environment.clone(),
        services: service_docs(plan),
        requirements: requirements(),
        inputs,
        outputs,
    }
}

fn star_actions(s: &Statement) -> Vec<StarAction> {
    s.actions
        .iter()
        .map(|a| {
            let found = catalog::action(a);
            let reason = match found {
                Some((_, def)) if def.accepts_no_resource() => "AWS accepts no resource for it: the Service Authorization Reference lists no resource type, so \"*\" is the only resource it is evaluated against",
                Some(_) => "the action accepts resources; iamgen's checker refuses this",
                None => "the action is not in the AWS catalog",
            };
            StarAction {
                action: a.clone(),
                reason: reason.to_string(),
                narrowed_by: NARROWING_CONDITIONS
                    .iter()
                    .find(|(x, _)| x == a)
                    .map(|(_, k)| k.to_string())
                    .filter(|k| s.conditions.iter().any(|c| c.variable == *k)),
                reference: found.map_or_else(String::new, |(svc, _)| {
                    svc.authorization_url().to_string()
                }),
            }
        })
        .collect()
}

fn all_statements(plan: &Plan) -> impl Iterator<Item = (&ServicePlan, &RolePlan, &Statement)> {
    plan.services.iter().flat_map(|s| {
        s.roles.iter().flat_map(move |r| {
            r.policies
                .iter()
                .flat_map(|p| &p.document.statements)
                .map(move |st| (s, r, st))
        })
    })
}

/// The context of `permissions.md` for a compiled spec.
pub fn permissions(compiled: &Compiled) -> PermissionsContext {
    let plan = &compiled.plan;
    let mut star_resources = Vec::new();
    let mut hand_written = Vec::new();
    let mut statements = 0;
    let mut tag_conditions = 0;
    let mut tag_not_narrowed: Vec<String> = Vec::new();
    let mut kms_actions: Vec<String> = Vec::new();
    for (s, r, st) in all_statements(plan) {
        statements += 1;
        if st.resources.iter().any(Template::is_star) {
            star_resources.push(StarStatement {
                service: s.name.clone(),
                role: r.name.clone(),
                statement: statement_doc(st),
                actions: star_actions(st),
                implied: st.origin.implied,
            });
        }
        // Hand-written, or merged with one (same actions and conditions): its source says so.
        let written = st.origin.is_hand_written()
            || st
                .sources
                .iter()
                .any(|s| s.ends_with(&format!("({})", GrantKind::Statements.key())));
        if written {
            hand_written.push(StatementRef {
                service: s.name.clone(),
                role: r.name.clone(),
                statement: statement_doc(st),
            });
        }
        if st.conditions.iter().any(|c| {
            c.variable.starts_with("aws:ResourceTag/")
                || c.variable.starts_with("aws:PrincipalTag/")
                || c.variable.starts_with("aws:RequestTag/")
        }) {
            tag_conditions += 1;
        }
        if st.why == Some(iamgen_core::aws::tags::NOT_NARROWED_WHY) {
            for a in &st.actions {
                if !tag_not_narrowed.contains(a) {
                    tag_not_narrowed.push(a.clone());
                }
            }
        }
        for a in st.actions.iter().filter(|a| prefix(a) == "kms") {
            if !kms_actions.contains(a) {
                kms_actions.push(a.clone());
            }
        }
    }
    let mut accepted = Vec::new();
    let mut patterns = Vec::new();
    for s in &plan.services {
        for g in &s.grants {
            let reason = g.accepted.first().map(|a| a.reason.clone());
            for t in &g.targets {
                if matches!(t, Reach::Resource { pattern: true, .. }) {
                    patterns.push(PatternDoc {
                        service: s.name.clone(),
                        grant: g.kind.key().to_string(),
                        path: g.path.clone(),
                        target: target_doc(g.kind, t),
                        accepted: reason.clone(),
                    });
                }
            }
            for a in &g.accepted {
                let mut wide: Vec<String> = g
                    .targets
                    .iter()
                    .filter_map(|t| match t {
                        Reach::Resource {
                            kind,
                            name,
                            pattern: true,
                        } => Some(format!("every {} named {name}", kind.noun())),
                        _ => None,
                    })
                    .collect();
                let star: Vec<String> = all_statements(plan)
                    .filter(|(svc, _, st)| {
                        svc.name == s.name
                            && st.resources.iter().any(Template::is_star)
                            && st
                                .sources
                                .iter()
                                .any(|src| src.starts_with(&format!("{} (", g.path)))
                    })
                    .flat_map(|(_, _, st)| st.actions.clone())
                    .collect();
                if !star.is_empty() {
                    wide.push(format!("Resource \"*\" for {}", star.join(", ")));
                }
                accepted.push(AcceptedDoc {
                    service: s.name.clone(),
                    grant: g.kind.key().to_string(),
                    path: g.path.clone(),
                    finding: a.finding.key().to_string(),
                    wide,
                    reason: a.reason.clone(),
                });
            }
        }
    }
    let warnings: Vec<WarningDoc> = compiled
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .map(|w| WarningDoc {
            path: w.path.clone().unwrap_or_default(),
            file: w.file.clone(),
            line: w.span.map(|s| s.line),
            message: w.message.clone(),
        })
        .collect();
    let boundary_variable = "permissions_boundary";
    let readiness = Readiness {
        strict_passes: warnings.is_empty(),
        warnings,
        patterns,
        star_statements: star_resources.len(),
        star_narrowed: star_resources
            .iter()
            .filter(|s| s.actions.iter().any(|a| a.narrowed_by.is_some()))
            .count(),
        services: plan.services.len(),
        roles: plan.services.iter().map(|s| s.roles.len()).sum(),
        statements,
        boundary_input: plan.services.iter().all(|s| {
            render::service_interface(s)
                .variables
                .iter()
                .any(|v| v.name == boundary_variable)
        }),
        boundary_variable: boundary_variable.to_string(),
        tags: plan
            .tags
            .iter()
            .map(|(k, v)| TagDoc {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        // The plan's tags are iamgen's three (Project, Environment, ManagedBy), then the spec's.
        spec_tags: plan.tags.len().saturating_sub(3),
        tag_conditions,
        tag_not_narrowed: {
            tag_not_narrowed.sort();
            tag_not_narrowed
        },
        kms_actions,
    };
    PermissionsContext {
        project: plan.project.clone(),
        environment: plan.environment.clone(),
        services: service_docs(plan),
        graph: graph::graph(plan),
        tree: graph::tree(plan),
        star_resources,
        accepted,
        hand_written,
        readiness,
    }
}
