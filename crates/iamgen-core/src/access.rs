//! Who can do what to one resource, computed by the evaluator over the generated policies: every
//! action of the catalog that accepts the resource's type, requested by every role of the
//! platform, and the resource-based policies (a function's, a role's trust) that name it.

use std::fmt;

use crate::aws::catalog::{self, ActionDef};
use crate::aws::{arns, Template};
use crate::eval::{Decision, Mismatch, Principal, Reason};
use crate::kinds::{ResourceKind, ServiceKind};
use crate::simulate::{QueryError, Simulator};

/// The answer of [`Simulator::access`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AccessReport {
    /// What was asked about, as resolved (`buckets.models`).
    pub target: String,
    /// The ARN forms evaluated, each with a label (`bucket`, `objects`).
    pub forms: Vec<(String, String)>,
    /// What each role of the platform may do, in plan order; roles that may do nothing are left out.
    pub roles: Vec<RoleAccess>,
    /// Resource-based permissions naming the resource: `principal may action when conditions`.
    pub resource_policies: Vec<String>,
    /// How many requests were evaluated.
    pub evaluated: usize,
}

/// One role's access to the target.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RoleAccess {
    /// The service.
    pub service: String,
    /// The role's name.
    pub role: String,
    /// Allowed actions, by form label.
    pub allowed: Vec<(String, Vec<String>)>,
    /// Actions allowed only under conditions: (form, action, conditions).
    pub conditional: Vec<(String, String, Vec<String>)>,
}

impl Simulator {
    /// Who can do what to `target`: a name of the spec (`models`, `buckets.models`,
    /// `services.predict`) or an ARN.
    pub fn access(&self, target: &str) -> Result<AccessReport, QueryError> {
        let (name, forms) = self.forms(target)?;
        let mut report = AccessReport {
            target: name,
            forms: forms.clone(),
            ..AccessReport::default()
        };
        let actions: Vec<(String, Vec<String>)> = forms
            .iter()
            .map(|(_, arn)| (arn.clone(), actions_on(arn)))
            .collect();
        for service in self.resolved().services() {
            for role in &service.roles {
                let Ok(principal) = Principal::role(&role.arn) else {
                    continue;
                };
                let mut access = RoleAccess {
                    service: service.name.clone(),
                    role: role.name.clone(),
                    ..RoleAccess::default()
                };
                for ((label, arn), (_, names)) in forms.iter().zip(&actions) {
                    let mut allowed = Vec::new();
                    for action in names {
                        report.evaluated += 1;
                        let Ok(request) = self.resolved().request(principal.clone(), action, arn)
                        else {
                            continue;
                        };
                        let Ok(e) = self.resolved().evaluate(&request) else {
                            continue;
                        };
                        if e.decision == Decision::Allow {
                            allowed.push(action.clone());
                            continue;
                        }
                        if let Reason::NotAllowed {
                            closest: Some(m), ..
                        } = &e.reason
                        {
                            if matches!(m.mismatch, Mismatch::Condition { .. }) {
                                let c = self.resolved().conditions(&m.statement).to_vec();
                                access.conditional.push((label.clone(), action.clone(), c));
                            }
                        }
                    }
                    if !allowed.is_empty() {
                        access.allowed.push((label.clone(), allowed));
                    }
                }
                if !access.allowed.is_empty() || !access.conditional.is_empty() {
                    report.roles.push(access);
                }
            }
        }
        for (_, arn) in &forms {
            for f in self.resolved().functions() {
                if *arn == f.arn || arn.starts_with(&format!("{}:", f.arn)) {
                    for (i, st) in f.policy.statements().iter().enumerate() {
                        let r =
                            statement_ref(crate::eval::PolicyKind::Resource, &f.function, i, st);
                        let from = self
                            .resolved()
                            .source(&r)
                            .map(|s| format!(" (from {s})"))
                            .unwrap_or_default();
                        report.resource_policies.push(format!(
                            "function policy of {}: {} may lambda:InvokeFunction when {}{from}",
                            f.function,
                            principal_of(st),
                            self.resolved().conditions(&r).join(" and "),
                        ));
                    }
                }
            }
            for p in self.resolved().resource_policies() {
                if *arn != p.arn {
                    continue;
                }
                for (i, st) in p.policy.statements().iter().enumerate() {
                    let r = statement_ref(crate::eval::PolicyKind::Resource, &p.arn, i, st);
                    let from = self
                        .resolved()
                        .source(&r)
                        .map(|s| format!(" (from {s})"))
                        .unwrap_or_default();
                    report.resource_policies.push(format!(
                        "resource policy of {}: {} allowed when {}{from}",
                        p.arn,
                        principal_of(st),
                        self.resolved().conditions(&r).join(" and "),
                    ));
                }
            }
            for role in self.resolved().services().iter().flat_map(|s| &s.roles) {
                if *arn == role.arn {
                    for (i, st) in role.trust.statements().iter().enumerate() {
                        let r = statement_ref(crate::eval::PolicyKind::Trust, &role.name, i, st);
                        let when = self.resolved().conditions(&r);
                        let when = if when.is_empty() {
                            "always (no conditions)".to_string()
                        } else {
                            format!("when {}", when.join(" and "))
                        };
                        report.resource_policies.push(format!(
                            "trust policy of {}: {} may sts:AssumeRole {when}",
                            role.name,
                            principal_of(st)
                        ));
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        report.resource_policies.retain(|p| seen.insert(p.clone()));
        Ok(report)
    }

    /// The ARN forms of `target`, with labels, and the target's name as resolved.
    fn forms(&self, target: &str) -> Result<(String, Vec<(String, String)>), QueryError> {
        let v = self.resolved().values().clone();
        let resolve = |t: Template| t.resolve(&v);
        if target.starts_with("arn:") {
            let arn = self.substitute(target)?;
            if !crate::eval::arn_is_valid(&arn) {
                return Err(QueryError::new(
                    "resource",
                    format!(
                        "'{target}' is not an ARN (arn:partition:service:region:account:resource)"
                    ),
                    None,
                ));
            }
            return Ok((arn.clone(), vec![("resource".into(), arn)]));
        }
        let (kind_key, name) = match target.split_once('.') {
            Some((k, n)) if k == "services" || ResourceKind::from_key(k).is_some() => (Some(k), n),
            _ => (None, target),
        };
        let mut found: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (kind, group) in self.spec_resources() {
            if kind_key.is_some_and(|k| k != kind.key()) {
                continue;
            }
            let Some(r) = group.get(name) else {
                continue;
            };
            let label = format!("{}.{name}", kind.key());
            let physical = r.name.clone();
            let forms: Vec<(&str, Template)> = match kind {
                ResourceKind::Bucket => vec![
                    ("bucket", arns::bucket(&physical)),
                    ("objects", arns::objects(&physical)),
                ],
                ResourceKind::DynamodbTable => vec![
                    ("table", arns::table(&physical)),
                    ("indexes", arns::indexes(&physical)),
                ],
                ResourceKind::GlueDatabase => vec![
                    (
                        "database",
                        Template::arn("glue", true, true, format!("database/{physical}").as_str()),
                    ),
                    (
                        "tables",
                        Template::arn("glue", true, true, format!("table/{physical}/*").as_str()),
                    ),
                ],
                ResourceKind::EcsCluster => vec![
                    ("cluster", arns::cluster(&physical)),
                    ("tasks", arns::tasks(&physical)),
                ],
                ResourceKind::Secret => vec![(
                    "secret",
                    Template::arn(
                        "secretsmanager",
                        true,
                        true,
                        format!("secret:{physical}-AbCdEf").as_str(),
                    ),
                )],
                _ => {
                    let arn = self
                        .resource(first_action_for(*kind), &label)
                        .map_err(|e| QueryError::new("target", e.message, e.hint))?;
                    found.push((label, vec![(kind.noun().to_string(), arn)]));
                    continue;
                }
            };
            found.push((
                label,
                forms
                    .into_iter()
                    .map(|(l, t)| (l.to_string(), resolve(t)))
                    .collect(),
            ));
        }
        if kind_key.is_none_or(|k| k == "services") {
            if let Some(s) = self.plan().services.iter().find(|s| s.name == name) {
                let p = &s.physical_name;
                let mut forms: Vec<(String, String)> = match s.kind {
                    ServiceKind::Lambda => vec![
                        ("function".into(), resolve(arns::function(p))),
                        (
                            "versions and aliases".into(),
                            resolve(arns::function(p).with_text(":*")),
                        ),
                    ],
                    ServiceKind::StepFunctions => vec![(
                        "state machine".into(),
                        resolve(Template::arn(
                            "states",
                            true,
                            true,
                            format!("stateMachine:{p}").as_str(),
                        )),
                    )],
                    ServiceKind::EcsTask => vec![(
                        "task definitions".into(),
                        resolve(arns::task_definitions(p)),
                    )],
                    _ => vec![],
                };
                if let Some(svc) = self.resolved().service(name) {
                    for role in &svc.roles {
                        forms.push((format!("role {}", role.name), role.arn.clone()));
                    }
                }
                found.push((format!("services.{name}"), forms));
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => {
                let mut known: Vec<String> = self
                    .spec_resources()
                    .flat_map(|(_, g)| g.keys().cloned())
                    .collect();
                known.extend(self.plan().services.iter().map(|s| s.name.clone()));
                known.sort();
                known.dedup();
                let refs: Vec<&str> = known.iter().map(String::as_str).collect();
                let hint =
                    crate::diag::hint_unknown(name, &refs, |k| format!("names: {}", k.join(", ")));
                Err(QueryError::new(
                    "target",
                    format!("'{target}' is neither an ARN nor a name of the spec"),
                    Some(hint),
                ))
            }
            _ => {
                let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
                Err(QueryError::new(
                    "target",
                    format!("'{name}' names several things: {}", names.join(", ")),
                    Some("write one of them".into()),
                ))
            }
        }
    }
}

/// An action whose resource types include a kind's ARN, to resolve its logical form with.
fn first_action_for(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::AthenaWorkgroup => "athena:GetWorkGroup",
        ResourceKind::EcrRepository => "ecr:BatchGetImage",
        ResourceKind::BedrockModel => "bedrock:InvokeModel",
        ResourceKind::VectorStore => "s3vectors:QueryVectors",
        ResourceKind::Queue => "sqs:SendMessage",
        ResourceKind::Topic => "sns:Publish",
        ResourceKind::KmsKey => "kms:Decrypt",
        ResourceKind::EventBus => "events:PutEvents",
        ResourceKind::Parameter => "ssm:GetParameter",
        ResourceKind::KinesisStream => "kinesis:GetRecords",
        ResourceKind::FirehoseStream => "firehose:PutRecord",
        _ => "s3:GetObject",
    }
}

/// Every action of the catalog that accepts `arn` as one of its resource types.
fn actions_on(arn: &str) -> Vec<String> {
    let service = arn.split(':').nth(2).unwrap_or_default();
    let mut out = Vec::new();
    for def in catalog::services().iter() {
        let types: Vec<&str> = def
            .resource_types()
            .iter()
            .filter(|t| t.arn().split(':').nth(2) == Some(service))
            .filter(|t| crate::check::fits(def, t.name(), arn))
            .map(|t| t.name())
            .collect();
        if types.is_empty() {
            continue;
        }
        for a in def.actions() {
            if accepts(a, &types) {
                out.push(format!("{}:{}", def.prefix(), a.name()));
            }
        }
    }
    out
}

fn accepts(a: &ActionDef, types: &[&str]) -> bool {
    a.resource_types()
        .iter()
        .any(|rt| types.contains(&rt.name()))
}

/// The service principal of a resource-based statement, as written.
fn principal_of(st: &crate::eval::Statement) -> String {
    st.principal_text()
}

/// How an evaluation names statement `index` of policy `policy`.
fn statement_ref(
    kind: crate::eval::PolicyKind,
    policy: &str,
    index: usize,
    st: &crate::eval::Statement,
) -> crate::eval::StatementRef {
    crate::eval::StatementRef {
        policy: policy.to_string(),
        kind,
        index,
        sid: st.sid().map(str::to_string),
    }
}

impl fmt::Display for AccessReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Who can do what to {}:", self.target)?;
        for (label, arn) in &self.forms {
            writeln!(f, "  {label}: {arn}")?;
        }
        if self.roles.is_empty() {
            writeln!(f, "\nNo role of the platform may act on it.")?;
        }
        for r in &self.roles {
            writeln!(f, "\n{} (role {}):", r.service, r.role)?;
            for (label, actions) in &r.allowed {
                writeln!(f, "  {label}: {}", actions.join(", "))?;
            }
            for (label, action, conditions) in &r.conditional {
                writeln!(
                    f,
                    "  {label}: {action} only when {}",
                    conditions.join(" and ")
                )?;
            }
        }
        if !self.resource_policies.is_empty() {
            writeln!(f, "\nResource-based policies naming it:")?;
            for p in &self.resource_policies {
                writeln!(f, "  {p}")?;
            }
        }
        writeln!(
            f,
            "\n({} requests evaluated: every action of the catalog that accepts these ARNs, by every role of the platform)",
            self.evaluated
        )
    }
}
