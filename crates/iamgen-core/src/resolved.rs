//! The plan, resolved for the IAM evaluator: every role's identity-based policies and trust
//! policy, and the resource-based policy each Lambda function gets from iamgen's
//! `aws_lambda_permission`s, as [`eval::Policy`](crate::eval::Policy) values with real ARNs,
//! each statement traced back to the spec line it comes from.
//!
//! [`Plan::resolve`] makes a [`Resolved`]; [`Resolved::evaluate`] decides a request with the
//! policies that apply to it, as AWS would pick them: the identity-based policies of the role
//! making it, the trust policy of the role it assumes, the policy of the function it invokes.
//!
//! ```
//! use iamgen_core::eval::Decision;
//! use iamgen_core::{compile, RolePurpose, Settings, Values};
//!
//! let compiled = compile(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC, &Settings::default())?;
//! let values = Values::new("aws", "eu-west-1", "111122223333")?;
//! let platform = compiled.plan.resolve(&values)?;
//!
//! // Service `predict`'s role writes its cache table (tagged for the project and environment:
//! // its tables are a name pattern)...
//! let predict = platform.session("predict", RolePurpose::Main).unwrap();
//! let put = platform
//!     .request(
//!         predict.clone(),
//!         "dynamodb:PutItem",
//!         "arn:aws:dynamodb:eu-west-1:111122223333:table/engagement-cache-dev",
//!     )?
//!     .with_context("aws:ResourceTag/Project", "engagement")
//!     .with_context("aws:ResourceTag/Environment", "dev");
//! let decision = platform.evaluate(&put)?;
//! assert_eq!(decision.decision, Decision::Allow);
//! let statement = decision.decided_by().unwrap();
//! let source = platform.source(statement).unwrap();
//! assert_eq!(source.path(), "services.predict.grants[0]");
//! assert!(source.span().is_some(), "the line of the grant in the spec");
//!
//! // ...and never the prod one.
//! let prod = platform.request(
//!     predict,
//!     "dynamodb:PutItem",
//!     "arn:aws:dynamodb:eu-west-1:111122223333:table/engagement-cache-prod",
//! )?;
//! assert_eq!(platform.evaluate(&prod)?.decision, Decision::ImplicitDeny);
//!
//! // API Gateway may invoke `predict`, for the platform's API only: the function's policy decides.
//! let api = iamgen_core::eval::Principal::service("apigateway.amazonaws.com");
//! let function = "arn:aws:lambda:eu-west-1:111122223333:function:engagement-predict-dev";
//! let api_id = &platform.values().inputs["api_api_id"];
//! let invoke = platform
//!     .request(api, "lambda:InvokeFunction", function)?
//!     .with_context("aws:SourceArn", &format!("arn:aws:execute-api:eu-west-1:111122223333:{api_id}/prod/POST/predict"))
//!     .with_context("aws:SourceAccount", "111122223333");
//! assert_eq!(platform.evaluate(&invoke)?.decision, Decision::Allow);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::aws::{arns, conditions_json, Template, Values};
use crate::diag::Span;
use crate::eval::{
    evaluate, EvalError, Evaluation, Policies, Policy, PolicyError, PolicyKind, Principal, Request,
    RequestError, StatementRef,
};
use crate::kinds::{RolePurpose, ServiceKind};
use crate::plan::{Plan, ServicePlan};
use crate::policy::{LambdaPermission, Origin};

/// A plan with every deploy-time value substituted, ready for the evaluator.
#[derive(Debug, Clone)]
pub struct Resolved {
    values: Values,
    assumed: Vec<(String, String)>,
    services: Vec<ResolvedService>,
    functions: Vec<FunctionPolicy>,
    resource_policies: Vec<ResolvedResourcePolicy>,
    sources: HashMap<(PolicyKind, String, usize), StatementSource>,
    conditions: HashMap<(PolicyKind, String, usize), Vec<String>>,
}

/// One service's roles, resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedService {
    /// The logical name.
    pub name: String,
    /// The kind.
    pub kind: ServiceKind,
    /// The service's own AWS name.
    pub physical_name: String,
    /// Its roles, the main role first.
    pub roles: Vec<ResolvedRole>,
}

/// One role: its ARN, its identity-based policies and its trust policy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedRole {
    /// What the role is for.
    pub purpose: RolePurpose,
    /// The role's name.
    pub name: String,
    /// The role's ARN (with the `path` input, `/` by default).
    pub arn: String,
    /// Its managed policies, each named as in IAM.
    pub policies: Vec<Policy>,
    /// Its trust policy, named after the role.
    pub trust: Policy,
}

/// The resource-based policy a function gets from the platform's `aws_lambda_permission`s.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FunctionPolicy {
    /// The function's name.
    pub function: String,
    /// The function's (unqualified) ARN.
    pub arn: String,
    /// One statement per permission, as AWS writes it (`AddPermission`), named after the function.
    pub policy: Policy,
}

/// A resource-based policy iamgen writes on a resource of the platform (a queue's), resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedResourcePolicy {
    /// The resource's ARN.
    pub arn: String,
    /// The policy, named after the resource.
    pub policy: Policy,
}

/// Where a statement of a resolved policy comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementSource {
    /// A statement of a role's permissions: written by a grant, or implied by the service kind.
    Grant {
        /// The (first) grant it comes from.
        origin: Origin,
        /// Every grant merged into it, as `path (grant)`.
        sources: Vec<String>,
    },
    /// A role's trust policy, which iamgen writes for the service kind.
    Trust {
        /// The service's key path.
        path: String,
        /// Where the service is written.
        span: Option<Span>,
        /// The file the service is written in.
        file: Option<Arc<str>>,
        /// The AWS page documenting the trust policy.
        page: &'static str,
    },
    /// A function policy statement, from a `lambda.invoke` grant of an API or agent.
    Permission {
        /// The grant.
        origin: Origin,
    },
}

impl StatementSource {
    /// The spec key path: the grant's, or the service's for a trust policy.
    pub fn path(&self) -> &str {
        match self {
            StatementSource::Grant { origin, .. } | StatementSource::Permission { origin } => {
                &origin.path
            }
            StatementSource::Trust { path, .. } => path,
        }
    }

    /// Where that path is written in the spec, for a spec read from YAML.
    pub fn span(&self) -> Option<Span> {
        match self {
            StatementSource::Grant { origin, .. } | StatementSource::Permission { origin } => {
                origin.span
            }
            StatementSource::Trust { span, .. } => *span,
        }
    }

    /// The file that path is written in, for a spec read from YAML.
    pub fn file(&self) -> Option<&Arc<str>> {
        match self {
            StatementSource::Grant { origin, .. } | StatementSource::Permission { origin } => {
                origin.file.as_ref()
            }
            StatementSource::Trust { file, .. } => file.as_ref(),
        }
    }
}

/// `services.predict.grants[0] (dynamodb.read_write)`, `services.predict (implied by the service
/// kind: logs.write)`, `services.pipeline (trust policy, https://...)`.
impl fmt::Display for StatementSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementSource::Grant { origin, .. } | StatementSource::Permission { origin } => {
                if origin.implied {
                    write!(
                        f,
                        "{} (implied by the service kind: {})",
                        origin.path,
                        origin.grant.key()
                    )
                } else {
                    write!(f, "{} ({})", origin.path, origin.grant.key())
                }
            }
            StatementSource::Trust { path, page, .. } => {
                write!(f, "{path} (trust policy of the service kind, {page})")
            }
        }
    }
}

/// The module input holding the IAM path of every role, and its default.
const PATH_INPUT: (&str, &str) = (crate::aws::PATH_INPUT, "/");

impl Plan {
    /// Resolves every role's policies and every function policy with `values` (module inputs by
    /// their global names, as `gen --format json --input` takes them). An input without a value
    /// gets an example id of the right shape, listed by [`Resolved::assumed_inputs`].
    ///
    /// An error means iamgen wrote a policy the evaluator cannot read: a bug in iamgen.
    pub fn resolve(&self, values: &Values) -> Result<Resolved, PolicyError> {
        let mut values = values.clone();
        let mut assumed = Vec::new();
        values
            .inputs
            .entry(PATH_INPUT.0.to_string())
            .or_insert_with(|| PATH_INPUT.1.to_string());
        for input in self.services.iter().flat_map(|s| &s.inputs) {
            if !values.inputs.contains_key(&input.global) {
                values
                    .inputs
                    .insert(input.global.clone(), input.example.clone());
                assumed.push((input.global.clone(), input.example.clone()));
            }
        }
        assumed.sort();
        assumed.dedup();
        let mut sources = HashMap::new();
        let mut conditions = HashMap::new();
        let mut services = Vec::new();
        let mut permissions: Vec<(&ServicePlan, &LambdaPermission)> = Vec::new();
        for service in &self.services {
            let local = service.values(&values);
            let mut roles = Vec::new();
            for role in &service.roles {
                let arn = arns::role(&role.name).resolve(&local);
                let mut policies = Vec::new();
                for p in &role.policies {
                    let policy = Policy::from_value(&p.name, &p.document.to_json(&local))?;
                    for (i, s) in p.document.statements.iter().enumerate() {
                        conditions.insert(
                            (PolicyKind::Identity, p.name.clone(), i),
                            describe(&s.conditions, &local),
                        );
                        sources.insert(
                            (PolicyKind::Identity, p.name.clone(), i),
                            StatementSource::Grant {
                                origin: s.origin.clone(),
                                sources: s.sources.clone(),
                            },
                        );
                    }
                    policies.push(policy);
                }
                let trust = Policy::from_value(&role.name, &role.trust.to_json(&local))?;
                for i in 0..trust.statements().len() {
                    conditions.insert(
                        (PolicyKind::Trust, role.name.clone(), i),
                        describe(&role.trust.conditions, &local),
                    );
                    sources.insert(
                        (PolicyKind::Trust, role.name.clone(), i),
                        StatementSource::Trust {
                            path: service.path.clone(),
                            span: service.span,
                            file: service.file.clone(),
                            page: role.trust.source,
                        },
                    );
                }
                roles.push(ResolvedRole {
                    purpose: role.purpose,
                    name: role.name.clone(),
                    arn,
                    policies,
                    trust,
                });
            }
            permissions.extend(service.lambda_permissions.iter().map(|p| (service, p)));
            services.push(ResolvedService {
                name: service.name.clone(),
                kind: service.kind,
                physical_name: service.physical_name.clone(),
                roles,
            });
        }
        let functions = function_policies(&permissions, &values, &mut sources, &mut conditions)?;
        let mut resource_policies = Vec::new();
        for service in &self.services {
            let local = service.values(&values);
            for p in &service.resource_policies {
                let arn = p.arn.resolve(&local);
                for (i, s) in p.statements.iter().enumerate() {
                    let key = (PolicyKind::Resource, arn.clone(), i);
                    sources.insert(
                        key.clone(),
                        StatementSource::Permission {
                            origin: p.origin.clone(),
                        },
                    );
                    conditions.insert(key, describe(&s.conditions, &local));
                }
                resource_policies.push(ResolvedResourcePolicy {
                    policy: Policy::from_value(&arn, &p.to_json(&local))?,
                    arn,
                });
            }
        }
        Ok(Resolved {
            values,
            assumed,
            services,
            functions,
            resource_policies,
            sources,
            conditions,
        })
    }
}

/// Each function's policy: one statement per permission naming it, in plan order.
fn function_policies(
    permissions: &[(&ServicePlan, &LambdaPermission)],
    values: &Values,
    sources: &mut HashMap<(PolicyKind, String, usize), StatementSource>,
    conditions: &mut HashMap<(PolicyKind, String, usize), Vec<String>>,
) -> Result<Vec<FunctionPolicy>, PolicyError> {
    let mut by_function: Vec<(String, Vec<Value>)> = Vec::new();
    for (service, p) in permissions {
        let local = service.values(values);
        let statements = match by_function.iter_mut().find(|(f, _)| *f == p.function_name) {
            Some((_, statements)) => statements,
            None => {
                by_function.push((p.function_name.clone(), Vec::new()));
                &mut by_function.last_mut().expect("just pushed").1
            }
        };
        sources.insert(
            (
                PolicyKind::Resource,
                p.function_name.clone(),
                statements.len(),
            ),
            StatementSource::Permission {
                origin: p.origin.clone(),
            },
        );
        conditions.insert(
            (
                PolicyKind::Resource,
                p.function_name.clone(),
                statements.len(),
            ),
            describe(&permission_conditions(p), &local),
        );
        statements.push(permission_statement(p, &local));
    }
    by_function
        .into_iter()
        .map(|(function, statements)| {
            let arn = arns::function(&function).resolve(values);
            let doc = json!({ "Version": "2012-10-17", "Statement": statements });
            Ok(FunctionPolicy {
                policy: Policy::from_value(&function, &doc)?,
                function,
                arn,
            })
        })
        .collect()
}

/// The statement `AddPermission` (`aws_lambda_permission`) adds to a function's policy:
/// the service principal, `AWS:SourceArn` with `ArnLike`, `AWS:SourceAccount` with
/// `StringEquals` (<https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>).
fn permission_statement(p: &LambdaPermission, values: &Values) -> Value {
    let conditions = permission_conditions(p);
    let mut s = Map::new();
    s.insert("Sid".into(), json!(p.statement_id));
    s.insert("Effect".into(), json!("Allow"));
    s.insert("Principal".into(), json!({ "Service": p.principal }));
    s.insert("Action".into(), json!(p.action));
    s.insert(
        "Resource".into(),
        json!(arns::function(&p.function_name).resolve(values)),
    );
    s.insert("Condition".into(), conditions_json(&conditions, values));
    Value::Object(s)
}

/// The conditions `AddPermission` writes for a permission.
fn permission_conditions(p: &LambdaPermission) -> Vec<crate::aws::Condition> {
    let mut conditions = vec![crate::aws::Condition::new(
        "ArnLike",
        "AWS:SourceArn",
        p.source_arn.clone(),
    )];
    if p.source_account {
        conditions.push(crate::aws::Condition::new(
            "StringEquals",
            "AWS:SourceAccount",
            Template::from(vec![crate::aws::Segment::Account]),
        ));
    }
    conditions
}

/// `TEST KEY = VALUE, VALUE` for each condition, resolved.
fn describe(conditions: &[crate::aws::Condition], values: &Values) -> Vec<String> {
    conditions
        .iter()
        .map(|c| {
            let v: Vec<String> = c.values.iter().map(|t| t.resolve(values)).collect();
            format!("{} {} = {}", c.test, c.variable, v.join(", "))
        })
        .collect()
}

impl Resolved {
    /// The conditions of a statement the evaluation names, resolved (`ArnEquals ecs:cluster = arn:...`).
    pub fn conditions(&self, statement: &StatementRef) -> &[String] {
        self.conditions
            .get(&(statement.kind, statement.policy.clone(), statement.index))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The values used: the given ones, `path` (default `/`) and the assumed inputs.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// The module inputs that had no value and were given an example id: `(global name, id)`.
    pub fn assumed_inputs(&self) -> &[(String, String)] {
        &self.assumed
    }

    /// Every service, in spec order.
    pub fn services(&self) -> &[ResolvedService] {
        &self.services
    }

    /// A service by logical name.
    pub fn service(&self, name: &str) -> Option<&ResolvedService> {
        self.services.iter().find(|s| s.name == name)
    }

    /// One role of a service.
    pub fn role(&self, service: &str, purpose: RolePurpose) -> Option<&ResolvedRole> {
        self.service(service)?
            .roles
            .iter()
            .find(|r| r.purpose == purpose)
    }

    /// Every function policy iamgen's permissions make.
    pub fn functions(&self) -> &[FunctionPolicy] {
        &self.functions
    }

    /// Every resource-based policy iamgen writes on the platform's resources (queue policies).
    pub fn resource_policies(&self) -> &[ResolvedResourcePolicy] {
        &self.resource_policies
    }

    /// A session of a service's role: who makes the service's requests.
    pub fn session(&self, service: &str, purpose: RolePurpose) -> Option<Principal> {
        Principal::role(&self.role(service, purpose)?.arn).ok()
    }

    /// A request, with the resource's account set to the platform's for ARNs that carry none (S3
    /// buckets and objects belong to the account iamgen generates for).
    pub fn request(
        &self,
        principal: Principal,
        action: &str,
        resource: &str,
    ) -> Result<Request, RequestError> {
        let request = Request::new(principal, action, resource)?;
        let has_account = crate::eval::resource_has_account(resource);
        if has_account || resource == "*" {
            Ok(request)
        } else {
            request.with_resource_account(&self.values.account)
        }
    }

    /// The policies AWS would evaluate for `request`: the identity-based policies of the
    /// platform's role making it, the trust policy of the platform's role it assumes, the policy
    /// of the platform's function it invokes.
    pub fn policies(&self, request: &Request) -> Policies<'_> {
        let mut policies = Policies::new();
        let caller = request.principal().principal_arn();
        let is_session = request.principal().is_role_session();
        for role in self.services.iter().flat_map(|s| &s.roles) {
            if is_session && caller.as_deref() == Some(role.arn.as_str()) {
                for p in &role.policies {
                    policies = policies.identity(p);
                }
            }
            if request.action().eq_ignore_ascii_case("sts:AssumeRole")
                && request.resource() == role.arn
            {
                policies = policies.trust(&role.trust);
            }
        }
        for p in &self.resource_policies {
            if request.resource() == p.arn {
                policies = policies.resource(&p.policy);
            }
        }
        for f in &self.functions {
            let resource = request.resource();
            if resource == f.arn
                || resource
                    .strip_prefix(f.arn.as_str())
                    .is_some_and(|q| q.starts_with(':'))
            {
                policies = policies.resource(&f.policy);
            }
        }
        policies
    }

    /// Decides `request` with [`Resolved::policies`].
    pub fn evaluate(&self, request: &Request) -> Result<Evaluation, EvalError> {
        evaluate(request, &self.policies(request))
    }

    /// Where a statement named by an evaluation comes from.
    pub fn source(&self, statement: &StatementRef) -> Option<&StatementSource> {
        self.sources
            .get(&(statement.kind, statement.policy.clone(), statement.index))
    }
}
