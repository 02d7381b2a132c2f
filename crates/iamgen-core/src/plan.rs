//! The plan: for every service, its roles, their trust and their permission policies, its module
//! inputs and the account settings it owns: everything a writer needs, so that writers only render.
//!
//! [`Plan`] is built from a validated [`Spec`] by [`compile`](crate::compile): it applies the grants
//! (`expand`), merges statements, splits them into managed policies within AWS's size limits, and
//! names everything by the naming convention.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::aws::limits::{MANAGED_POLICY_MAX, POLICIES_PER_ROLE_MAX, TRUST_POLICY_MAX};
use crate::aws::names::NameRule;
use crate::aws::wiring::QUEUE_POLICY_STATEMENTS_MAX;
use crate::aws::{Trust, Values, ValuesError};
use crate::diag::{Diagnostic, Loc, SourceMap, Span};
use crate::expand::{self, Effects};
use crate::intent::{Intent, Record};
use crate::kinds::{AccountSettingKind, ResourceKind, RolePurpose, ServiceKind};
use crate::naming;
pub use crate::naming::Input;
use crate::policy::{self, Document};
pub use crate::policy::{DataAccessPolicy, LambdaPermission};
use crate::resource_policy::ResourcePolicy;
use crate::spec::{Resource, Service, Spec};
use crate::uses::{self, GrantPlan};

/// Everything iamgen generates for a spec: hand it to a writer (`iamgen_hcl`).
///
/// ```
/// use iamgen_core::{compile, RolePurpose, Settings};
///
/// let plan = compile(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC, &Settings::default())
///     .unwrap()
///     .plan;
/// let training = plan.services.iter().find(|s| s.name == "training").unwrap();
/// let execution = training.role(RolePurpose::Execution).unwrap();
/// assert_eq!(execution.name, "engagement-training-execution-dev");
/// let api = plan.services.iter().find(|s| s.name == "api").unwrap();
/// assert_eq!(api.inputs[0].global, "api_api_id");
/// assert_eq!(api.account_settings[0].switch.global, "set_api_gateway_account");
/// assert!(!api.account_settings[0].switch.default, "one setting per region: never taken over by default");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct ServicePlan {
    /// The logical name; also the module's name.
    pub name: String,
    /// The service kind.
    pub kind: ServiceKind,
    /// The service's own AWS name (function, state machine, task family...).
    pub physical_name: String,
    /// The spec's description of the service, if any.
    pub description: Option<String>,
    /// Its key path in the spec, `services.NAME`.
    pub path: String,
    /// Where the service is written in the spec (for a spec read from YAML).
    pub span: Option<Span>,
    /// The file the service is written in (for a spec read from YAML).
    pub file: Option<Arc<str>>,
    /// Its roles: the main role first, then an `ecs_task`'s execution role.
    pub roles: Vec<RolePlan>,
    /// Resource-based permissions this service needs on Lambda functions.
    pub lambda_permissions: Vec<LambdaPermission>,
    /// OpenSearch Serverless data access policies naming its roles.
    pub data_access_policies: Vec<DataAccessPolicy>,
    /// Resource-based policies its module writes on the platform's resources (the policy of each
    /// queue it is the first consumer of).
    pub resource_policies: Vec<ResourcePolicy>,
    /// What each grant, each implied grant and each trust policy of the service exists for: its
    /// own statements and the requests it must allow, and must not.
    pub intents: Vec<Intent>,
    /// Input variables (ids known after apply), sorted by their name inside the module.
    pub inputs: Vec<Input>,
    /// Account settings the module may set to one of its roles.
    pub account_settings: Vec<AccountSetting>,
    /// What the service's grants reach: its written grants, then those its kind implies.
    pub grants: Vec<GrantPlan>,
    /// For a `schedule`, the name of its EventBridge Scheduler schedule group (the source its
    /// role's trust policy names).
    pub schedule_group: Option<String>,
}

/// One IAM role.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RolePlan {
    /// What the role is for.
    pub purpose: RolePurpose,
    /// Label of its resources in a module: `this` for the main role, `execution`.
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

impl RolePlan {
    /// The label of its trust document in its service's module: `this_trust`.
    pub fn trust_label(&self) -> String {
        naming::trust_label(self.label)
    }
}

impl LambdaPermission {
    /// The label of its `aws_lambda_permission` in the calling service's module: `invoke_predict`.
    pub fn resource_label(&self) -> String {
        naming::permission_label(&self.label)
    }
}

/// One managed policy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PolicyPlan {
    /// Label in a module: the role's label, then `_2`, `_3`... for split parts.
    pub label: String,
    /// The policy's name.
    pub name: String,
    /// The policy's description.
    pub description: String,
    /// Its statements.
    pub document: Document,
}

/// An account setting a service's module may set to one of its roles, behind a boolean switch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountSetting {
    /// Which setting.
    pub kind: AccountSettingKind,
    /// The role it is set to.
    pub role: RolePurpose,
    /// The input that turns it on.
    pub switch: Switch,
}

/// A boolean module input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Switch {
    /// Its name inside the service's module.
    pub name: String,
    /// Its name where every service's inputs meet.
    pub global: String,
    /// Its description inside the module.
    pub description: String,
    /// Its description where every service's inputs meet.
    pub global_description: String,
    /// Its default.
    pub default: bool,
}

impl Plan {
    /// Builds the plan. Errors are limits the spec's output would break (too many policies for a
    /// role), each pointing at the service. `record`: what each service keeps of its
    /// [`ServicePlan::intents`] (see [`crate::Settings::skip_intents`]).
    pub(crate) fn build(spec: &Spec, record: Record) -> Result<Plan, Vec<Diagnostic>> {
        let mut tags = IndexMap::new();
        tags.insert("Project".to_string(), spec.project.clone());
        tags.insert("Environment".to_string(), spec.environment.clone());
        tags.insert("ManagedBy".to_string(), "iamgen".to_string());
        tags.extend(spec.tags.clone());
        let mut services: Vec<ServicePlan> = Vec::new();
        let mut errors = Vec::new();
        for service in spec.services.values() {
            match ServicePlan::build(spec, service, record) {
                Ok(mut s) => {
                    // An account setting is one per account and region: the first service that
                    // can own it does.
                    s.account_settings.retain(|a| {
                        !services
                            .iter()
                            .flat_map(|o| &o.account_settings)
                            .any(|o| o.kind == a.kind)
                    });
                    services.push(s)
                }
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

    /// Checks that `values` resolve every document of the plan: the partition, region and account
    /// as [`Values::check`] does, a value for every input (ids known only after apply), and no
    /// input the plan does not have (`path`, the roles' IAM path, is optional: `/`).
    ///
    /// ```
    /// use iamgen_core::{compile, Settings, Values, ValuesError};
    ///
    /// let plan = compile("x", iamgen_core::EXAMPLE_SPEC, &Settings::default()).unwrap().plan;
    /// let mut values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    /// assert!(matches!(plan.check_values(&values), Err(ValuesError::MissingInputs(_))));
    /// for name in plan.global_inputs().keys() {
    ///     values.inputs.insert(name.to_string(), "a1b2c3d4e5".into());
    /// }
    /// assert_eq!(plan.check_values(&values), Ok(()));
    /// ```
    pub fn check_values(&self, values: &Values) -> Result<(), ValuesError> {
        values.check()?;
        let inputs = self.global_inputs();
        for name in values.inputs.keys() {
            if name != naming::PATH && !inputs.contains_key(name.as_str()) {
                let mut known: Vec<String> = inputs.keys().map(|k| k.to_string()).collect();
                known.push(naming::PATH.to_string());
                known.sort();
                return Err(ValuesError::UnknownInput {
                    name: name.clone(),
                    known,
                });
            }
        }
        let missing: Vec<(String, String)> = inputs
            .iter()
            .filter(|(name, _)| !values.inputs.contains_key(**name))
            .map(|(name, description)| (name.to_string(), description.to_string()))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ValuesError::MissingInputs(missing))
        }
    }

    /// Gives every service, statement and permission the file, line and column of the spec path
    /// it comes from.
    pub(crate) fn locate(&mut self, source: &SourceMap) {
        for service in &mut self.services {
            (service.file, service.span) = source.key_at(&service.path);
            let statements = service
                .roles
                .iter_mut()
                .flat_map(|r| &mut r.policies)
                .flat_map(|p| &mut p.document.statements);
            for s in statements {
                s.origin.locate(source);
            }
            for p in &mut service.lambda_permissions {
                p.origin.locate(source);
            }
            for p in &mut service.data_access_policies {
                p.origin.locate(source);
            }
            for p in &mut service.resource_policies {
                p.origin.locate(source);
            }
            for i in &mut service.intents {
                i.origin.locate(source);
                for s in &mut i.statements {
                    s.origin.span = i.origin.span;
                    s.origin.file.clone_from(&i.origin.file);
                }
            }
        }
    }

    /// Every input of every service, by global name (sorted), with its description.
    pub fn global_inputs(&self) -> IndexMap<&str, &str> {
        let mut inputs = IndexMap::new();
        for s in &self.services {
            for input in &s.inputs {
                inputs
                    .entry(input.global.as_str())
                    .or_insert(input.description.as_str());
            }
        }
        inputs.sort_keys();
        inputs
    }
}

impl ServicePlan {
    /// The label a resource labelled `local` in this service's module has where every service's
    /// resources meet (the single file): `this` is `predict`, `this_2` is `predict_2`,
    /// `invoke_f` is `api_invoke_f`. Unique across services: a spec where two would coincide is
    /// refused.
    pub fn label(&self, local: &str) -> String {
        naming::file_label(&self.name, local)
    }

    /// An input by its name inside the module.
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// The role with `purpose`, if the service has one.
    pub fn role(&self, purpose: RolePurpose) -> Option<&RolePlan> {
        self.roles.iter().find(|r| r.purpose == purpose)
    }

    /// `values` with this service's inputs renamed from their global names to the module's own;
    /// an input without a value is shown as `${GLOBAL}`.
    pub fn values(&self, values: &Values) -> Values {
        let mut v = values.clone();
        for input in &self.inputs {
            match values.inputs.get(&input.global) {
                Some(value) => v.inputs.insert(input.name.clone(), value.clone()),
                None => v
                    .inputs
                    .insert(input.name.clone(), format!("${{{}}}", input.global)),
            };
        }
        v
    }

    /// `record`: what to record of the grants' intents (and whether to build their requests).
    fn build(
        spec: &Spec,
        service: &Service,
        record: Record,
    ) -> Result<ServicePlan, Vec<Diagnostic>> {
        let names = spec.names();
        let physical = names.service(&service.name);
        let (mut main, execution) = expand::implied(names, service, record);
        for grant in &service.grants {
            expand::expand(names, service, grant, &mut main);
        }
        let owned: Vec<&Resource> = spec
            .resources
            .get(&ResourceKind::Queue)
            .into_iter()
            .flat_map(|queues| queues.values())
            .filter(|q| {
                !q.senders().is_empty() && spec.queue_owner(&q.logical) == Some(&service.name)
            })
            .collect();
        expand::queue_policies(names, &owned, &mut main);
        let at = || Loc::Key(service.path.clone());
        let error = |message: String| Diagnostic::error_at(at(), &service.path, message);
        let mut roles = Vec::new();
        let mut errors = Vec::new();
        let mut inputs = IndexMap::new();
        let mut lambda_permissions = Vec::new();
        let mut data_access_policies = Vec::new();
        let mut resource_policies = Vec::new();
        let mut intents = Vec::new();
        let describe = |purpose| {
            let d = service.description.as_deref();
            names.role_description(&service.name, service.kind, purpose, d, &service.path)
        };
        let mut role_effects = vec![(RolePurpose::Main, main)];
        role_effects.extend(execution.map(|e| (RolePurpose::Execution, e)));
        for (purpose, effects) in role_effects {
            let Effects {
                statements,
                lambda_permissions: perms,
                data_access_policies: access,
                resource_policies: wiring,
                inputs: more,
                intents: done,
                requests: _,
                record: _,
            } = effects;
            intents.extend(done);
            inputs.extend(more);
            // The same function granted twice (two grants) is one permission.
            for p in perms {
                if !lambda_permissions
                    .iter()
                    .any(|q: &LambdaPermission| q.label == p.label)
                {
                    lambda_permissions.push(p);
                }
            }
            for policy in &access {
                if let Err(e) = NameRule::Collection.check(&policy.name, false) {
                    errors.push(
                        error(format!(
                            "the data access policy of '{}' would be named as its service: {e}",
                            policy.collection
                        ))
                        .with_hint("shorten the service name or the naming convention"),
                    );
                }
            }
            data_access_policies.extend(access);
            for policy in &wiring {
                if policy.statements.len() > QUEUE_POLICY_STATEMENTS_MAX {
                    errors.push(error(format!(
                        "the policy of {} would have {} statements, one per topic and rule delivering to it; SQS allows {QUEUE_POLICY_STATEMENTS_MAX}",
                        policy.about,
                        policy.statements.len()
                    )));
                }
            }
            resource_policies.extend(wiring);
            let label = match purpose {
                RolePurpose::Main => "this",
                RolePurpose::Execution => "execution",
            };
            let name = names.role(&service.name, purpose);
            // A schedule's source is its schedule group.
            let source = service.schedule_group.as_deref().unwrap_or(&physical);
            let trust = Trust::for_role(service.kind, purpose, source);
            // A trust policy's intent is its requests alone (it has no statements of its own).
            if record == Record::All {
                intents.push(expand::trust_intent(names, service, purpose, &name, &trust));
            }
            let trust_size = policy::size_of(&trust.to_json(&Values::longest()));
            if trust_size > TRUST_POLICY_MAX {
                errors.push(error(format!("the trust policy of role '{name}' is {trust_size} characters; IAM allows {TRUST_POLICY_MAX}")));
            }
            let merged = policy::merge(statements);
            let docs = match policy::split(merged) {
                Ok(docs) => docs,
                Err(big) => {
                    errors.push(
                        error(format!("statement '{}' of role '{name}' is {} characters on its own; a managed policy holds {MANAGED_POLICY_MAX}", big.sid, big.size))
                            .with_hint("split the grant's targets across several grants"),
                    );
                    continue;
                }
            };
            if docs.len() > POLICIES_PER_ROLE_MAX {
                let total: usize = docs.iter().map(Document::size).sum();
                errors.push(
                    error(format!(
                        "role '{name}' needs {} managed policies ({total} characters of permissions); IAM attaches at most {POLICIES_PER_ROLE_MAX} to a role by default, so it is {} policies (about {} characters) over",
                        docs.len(),
                        docs.len() - POLICIES_PER_ROLE_MAX,
                        total.saturating_sub(POLICIES_PER_ROLE_MAX * MANAGED_POLICY_MAX)
                    ))
                    .with_hint("split the service, or narrow its grants"),
                );
                continue;
            }
            let mut policies = Vec::new();
            for (i, document) in docs.into_iter().enumerate() {
                let pname = names.policy(&service.name, purpose, i);
                if let Err(e) = NameRule::IamPolicy.check(&pname, false) {
                    errors.push(error(e));
                }
                policies.push(PolicyPlan {
                    label: match i {
                        0 => label.to_string(),
                        n => format!("{label}_{}", n + 1),
                    },
                    description: format!(
                        "Permissions of role {name}, generated by iamgen from {}",
                        service.path
                    ),
                    name: pname,
                    document,
                });
            }
            roles.push(RolePlan {
                purpose,
                label,
                name,
                description: describe(purpose),
                trust,
                policies,
            });
        }
        inputs.sort_keys();
        let account_settings = service
            .kind
            .account_setting()
            .map(|kind| account_setting(kind, &service.name))
            .into_iter()
            .collect();
        let statements: Vec<_> = roles
            .iter()
            .map(|r: &RolePlan| {
                let all = r.policies.iter().flat_map(|p| &p.document.statements);
                (r.purpose, all.collect())
            })
            .collect();
        let grants = uses::grants(names, service, &statements);
        if errors.is_empty() {
            Ok(ServicePlan {
                grants,
                description: service.description.clone(),
                name: service.name.clone(),
                kind: service.kind,
                physical_name: physical,
                path: service.path.clone(),
                span: None,
                file: None,
                roles,
                lambda_permissions,
                data_access_policies,
                resource_policies,
                intents,
                inputs: inputs.into_values().collect(),
                account_settings,
                schedule_group: service.schedule_group.clone(),
            })
        } else {
            Err(errors)
        }
    }
}

/// The account setting `kind`, owned by service `service`'s module, switched off by default: it is
/// one setting per account and region, and turning it on takes it over from whatever set it before.
fn account_setting(kind: AccountSettingKind, service: &str) -> AccountSetting {
    let (local, description, global_description) = match kind {
        AccountSettingKind::ApiGatewayCloudWatchRole => (
            naming::SET_API_GATEWAY_ACCOUNT,
            "Make this role API Gateway's CloudWatch role for the account and region (aws_api_gateway_account). It is one setting per region, used by every REST API there: turning it on replaces the role another stack set".to_string(),
            format!("Make the role of service '{service}' API Gateway's CloudWatch role for the account and region (aws_api_gateway_account). It is one setting per region, used by every REST API there: turning it on replaces the role another stack set"),
        ),
    };
    AccountSetting {
        kind,
        role: RolePurpose::Main,
        switch: Switch {
            name: local.to_string(),
            // One per platform, so the platform-wide name is the setting's own.
            global: local.to_string(),
            description,
            global_description,
            default: false,
        },
    }
}
