//! `docs/grants.md`: every grant of the grants table compiled on a small spec, its exact statements
//! listed, and every action that needs `Resource = "*"`.

use serde::Serialize;

use iamgen_core::aws::catalog;
use iamgen_core::check::NARROWING_CONDITIONS;
use iamgen_core::{
    compile_input, GrantInput, GrantKind, ResourceKind, ServiceInput, ServiceKind, Settings,
    SpecInput, Target, Template,
};

use super::context::{permission_doc, statement_doc, PermissionDoc, StatementDoc};

/// `grants.md`: the grants table, with each grant's statements on an example.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct GrantsContext {
    /// Every grant, in the table's order.
    pub grants: Vec<GrantDoc>,
    /// Every action a grant grants on `Resource = "*"`, sorted.
    pub star_actions: Vec<GrantStarAction>,
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
    /// The statements the grant adds to the caller's roles.
    pub statements: Vec<StatementDoc>,
    /// The resource-based permissions it adds instead, for callers AWS checks on the target's side.
    pub permissions: Vec<PermissionDoc>,
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
        Target::Resource(kind) => {
            let name = match kind.uses_naming() {
                true => "data",
                false => "amazon.titan-embed-text-v2:0",
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
    out.services.insert(
        "caller".into(),
        service(caller).grant(GrantInput::new(grant, targets)),
    );
    out.services.extend(spec.services);
    out
}

/// The kinds of caller a grant is shown from: the first allowed kind that implies no grants of its
/// own (so the statements are the grant's alone), and for `lambda.invoke` also `api_gateway` (a
/// resource-based permission instead).
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

pub(crate) fn context() -> GrantsContext {
    let mut grants = Vec::new();
    let mut star: Vec<GrantStarAction> = Vec::new();
    for grant in GrantKind::all() {
        let mut examples = Vec::new();
        for caller in callers(grant) {
            let spec = spec_for(grant, caller);
            let compiled = compile_input(&spec, &Settings::default())
                .unwrap_or_else(|e| panic!("iamgen bug: the example of {}: {e}", grant.key()));
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
                .filter(|s| !s.origin.implied)
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
                                    .map(|(svc, _)| svc.authorization_url.to_string())
                                    .unwrap_or_default(),
                            });
                        }
                    }
                }
            }
            examples.push(Example {
                caller: caller.key().to_string(),
                statements,
                permissions: service
                    .lambda_permissions
                    .iter()
                    .map(permission_doc)
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
        star_actions: star,
    }
}
