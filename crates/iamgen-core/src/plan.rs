//! The plan: for every service, its roles, their trust and their permission policies, ready to write.
//!
//! [`Plan::build`] applies the grants table ([`crate::grants`]) to a validated [`Spec`], merges
//! statements, splits them into managed policies within AWS's size limits, and names everything by
//! the naming convention. Writers ([`iamgen_hcl`](../../iamgen_hcl/index.html), the JSON export)
//! only render a plan.

use indexmap::IndexMap;
use serde_json::{json, Value};

use crate::aws::principals::Trust;
use crate::aws::Values;
use crate::diag::Diagnostic;
use crate::grants::{self, Effects, Input, LambdaPermission};
use crate::policy::{self, Document, POLICIES_PER_ROLE_MAX, TRUST_POLICY_MAX};
use crate::spec::{names::NameRule, Service, ServiceKind, Spec};

/// Everything iamgen generates for a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The project.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// Tags on every role and policy: Project, Environment, ManagedBy, then the spec's.
    pub tags: IndexMap<String, String>,
    /// One entry per service, in spec order.
    pub services: Vec<ServicePlan>,
}

/// One service's module.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePlan {
    /// The logical name; also the module's name.
    pub name: String,
    /// The service kind.
    pub kind: ServiceKind,
    /// The service's own AWS name (function, state machine, task family...).
    pub physical_name: String,
    /// Its roles: the main role first (label `this`), then an `ecs_task`'s execution role.
    pub roles: Vec<RolePlan>,
    /// Resource-based permissions this service needs on Lambda functions.
    pub lambda_permissions: Vec<LambdaPermission>,
    /// Input variables (ids known after apply), by their name inside the module.
    pub inputs: IndexMap<String, Input>,
}

/// One IAM role.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePlan {
    /// Terraform label: `this`, or `execution`.
    pub label: &'static str,
    /// The role's name.
    pub name: String,
    /// The role's description.
    pub description: String,
    /// Who may assume it.
    pub trust: Trust,
    /// Its managed policies, at least one, in order.
    pub policies: Vec<PolicyPlan>,
}

/// One managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPlan {
    /// Terraform label: the role's label, then `_2`, `_3`... for split parts.
    pub label: String,
    /// The policy's name.
    pub name: String,
    /// The policy's description.
    pub description: String,
    /// Its statements.
    pub document: Document,
}

impl Plan {
    /// Builds the plan. Errors are limits the spec's output would break (too many policies for a
    /// role), each pointing at the service.
    pub fn build(spec: &Spec) -> Result<Plan, Vec<Diagnostic>> {
        let mut tags = IndexMap::new();
        tags.insert("Project".to_string(), spec.project.clone());
        tags.insert("Environment".to_string(), spec.environment.clone());
        tags.insert("ManagedBy".to_string(), "iamgen".to_string());
        tags.extend(spec.tags.clone());
        let mut services = Vec::new();
        let mut errors = Vec::new();
        for service in spec.services.values() {
            match ServicePlan::build(spec, service) {
                Ok(s) => services.push(s),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            Ok(Plan {
                project: spec.project.clone(),
                environment: spec.environment.clone(),
                tags,
                services,
            })
        } else {
            Err(errors)
        }
    }

    /// The fully resolved documents, for IAM Access Analyzer, parliament and other tools.
    /// `values.inputs` are keyed by the root module's variable names (`api_api_id`); an input
    /// without a value is shown as `${NAME}`.
    pub fn to_json(&self, values: &Values) -> Value {
        let mut roles = Vec::new();
        let mut permissions = Vec::new();
        for s in &self.services {
            let values = &s.values(values);
            for r in &s.roles {
                roles.push(json!({
                    "service": s.name,
                    "role_name": r.name,
                    "trust_policy": r.trust.to_json(values),
                    "policies": r.policies.iter().map(|p| json!({
                        "name": p.name,
                        "document": p.document.to_json(values),
                    })).collect::<Vec<_>>(),
                }));
            }
            for p in &s.lambda_permissions {
                let mut entry = json!({
                    "service": s.name,
                    "function": p.function_name,
                    "principal": p.principal,
                    "action": "lambda:InvokeFunction",
                    "source_arn": p.source_arn.resolve(values),
                });
                if p.source_account {
                    entry["source_account"] = json!(values.account);
                }
                permissions.push(entry);
            }
        }
        json!({ "roles": roles, "resource_permissions": permissions })
    }
}

fn kind_noun(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Lambda => "Lambda function",
        ServiceKind::StepFunctions => "Step Functions state machine",
        ServiceKind::EcsTask => "ECS task",
        ServiceKind::BedrockKnowledgeBase => "Bedrock knowledge base",
        ServiceKind::BedrockAgent => "Bedrock agent",
        ServiceKind::ApiGateway => "API Gateway",
    }
}

impl ServicePlan {
    /// `values` with this service's inputs renamed from their global names to the module's own.
    pub fn values(&self, values: &Values) -> Values {
        let mut v = values.clone();
        for (local, input) in &self.inputs {
            match values.inputs.get(&input.global) {
                Some(value) => v.inputs.insert(local.clone(), value.clone()),
                None => v
                    .inputs
                    .insert(local.clone(), format!("${{{}}}", input.global)),
            };
        }
        v
    }

    fn build(spec: &Spec, service: &Service) -> Result<ServicePlan, Vec<Diagnostic>> {
        let physical = grants::names::service(spec, &service.name);
        let (mut main, execution) = grants::implied(spec, service);
        for grant in &service.grants {
            grants::expand(spec, service, grant, &mut main);
        }
        let noun = kind_noun(service.kind);
        let mut roles = Vec::new();
        let mut errors = Vec::new();
        let mut inputs = IndexMap::new();
        let mut lambda_permissions = Vec::new();
        let describe = |what: &str| match &service.description {
            Some(d) => format!("{d}: {} of {noun} {physical}", what.to_lowercase()),
            None => format!(
                "{what} of {noun} {physical}, generated by iamgen from services.{}",
                service.name
            ),
        };
        let mut role_effects = vec![("this", &service.name, describe("Role"), main)];
        if let Some(exec) = execution {
            role_effects.push(("execution", &service.name, describe("Execution role"), exec));
        }
        for (label, logical, description, effects) in role_effects {
            let Effects {
                statements,
                lambda_permissions: perms,
                inputs: more,
            } = effects;
            inputs.extend(more);
            lambda_permissions.extend(perms);
            let base = if label == "this" {
                logical.clone()
            } else {
                format!("{logical}_execution")
            };
            let name = spec.physical_name(&base);
            let trust = Trust::for_kind(service.kind, &physical);
            let trust_size = policy::size_of(&trust.to_json(&Values::longest()));
            if trust_size > TRUST_POLICY_MAX {
                errors.push(Diagnostic::error(service.span, format!("the trust policy of role '{name}' is {trust_size} characters; IAM allows {TRUST_POLICY_MAX}")).at(format!("services.{}", service.name)));
            }
            let merged = policy::merge(statements);
            let docs = match policy::split(merged) {
                Ok(docs) => docs,
                Err(big) => {
                    errors.push(
                        Diagnostic::error(service.span, format!("statement '{}' of role '{name}' is {} characters on its own; a managed policy holds {}", big.sid, big.size, policy::MANAGED_POLICY_MAX))
                            .at(format!("services.{}", service.name))
                            .with_hint("split the grant's targets across several grants"),
                    );
                    continue;
                }
            };
            if docs.len() > POLICIES_PER_ROLE_MAX {
                let total: usize = docs.iter().map(Document::size).sum();
                errors.push(
                    Diagnostic::error(
                        service.span,
                        format!(
                            "role '{name}' needs {} managed policies ({total} characters of permissions); IAM attaches at most {POLICIES_PER_ROLE_MAX} to a role by default, so it is {} policies (about {} characters) over",
                            docs.len(),
                            docs.len() - POLICIES_PER_ROLE_MAX,
                            total.saturating_sub(POLICIES_PER_ROLE_MAX * policy::MANAGED_POLICY_MAX)
                        ),
                    )
                    .at(format!("services.{}", service.name))
                    .with_hint("split the service, or narrow its grants"),
                );
                continue;
            }
            let policies: Vec<PolicyPlan> = docs
                .into_iter()
                .enumerate()
                .map(|(i, document)| {
                    let (plabel, pname) = if i == 0 {
                        (label.to_string(), name.clone())
                    } else {
                        (
                            format!("{label}_{}", i + 1),
                            spec.physical_name(&format!("{base}_{}", i + 1)),
                        )
                    };
                    PolicyPlan {
                        label: plabel,
                        description: format!(
                            "Permissions of role {name}, generated by iamgen from services.{}",
                            service.name
                        ),
                        name: pname,
                        document,
                    }
                })
                .collect();
            for p in &policies {
                if let Err(e) = NameRule::IamPolicy.check(&p.name, false) {
                    errors.push(
                        Diagnostic::error(service.span, e).at(format!("services.{}", service.name)),
                    );
                }
            }
            roles.push(RolePlan {
                label,
                name,
                description,
                trust,
                policies,
            });
        }
        inputs.sort_keys();
        if errors.is_empty() {
            Ok(ServicePlan {
                name: service.name.clone(),
                kind: service.kind,
                physical_name: physical,
                roles,
                lambda_permissions,
                inputs,
            })
        } else {
            Err(errors)
        }
    }
}
