//! The offline counterpart of AWS's IAM policy simulator, over a compiled platform: a request
//! (who, action, resource, context) decided by the evaluator over the generated policies, with the
//! statement that decided and the spec line it comes from; and scenario files, lists of such
//! requests with the decision each must get.
//!
//! A resource is written in one of three forms, resolved against the action and the spec:
//!
//! - an **ARN** (`arn:aws:dynamodb:eu-west-1:111122223333:table/engagement-cache-dev`), or `*`;
//! - the **short form**: the ARN's resource part (`table/engagement-cache-dev`,
//!   `engagement-models-dev/reports/a.csv`, `function:engagement-predict-dev`), completed with the
//!   action's service and the platform's partition, region and account, where the action's
//!   resource type has them (an S3 bucket has neither). It must fit a resource type the action
//!   accepts (the catalog says which);
//! - the **logical form**: a name declared in the spec (`models`, `models/reports/a.csv`,
//!   `project_tables/cache` is not a thing: name a table instead), optionally qualified by its kind
//!   (`buckets.models`, `services.predict`), made into the ARN of what it declares. A name declared
//!   under several kinds is read as the one the action's service uses; if that is still several,
//!   or if the text also reads as a different short form, it is an error asking for the ARN or the
//!   qualified name.
//!
//! Anywhere in a resource or context value, `${partition}`, `${region}`, `${account}` and
//! `${INPUT}` (a module input by its global name, such as `${api_api_id}`) are replaced.

use std::fmt;
use std::sync::Arc;

use crate::aws::catalog::{self, ActionDef, ServiceDef};
use crate::aws::keys::{key_type, KeyType};
use crate::aws::{arns, Template, Values};
use crate::diag::{did_you_mean, hint_unknown, Diagnostic, SourceMap, Span, SpecError};
use crate::eval::{Context, Decision, Evaluation, PolicyError, Principal, Request};
use crate::kinds::{ResourceKind, RolePurpose, ServiceKind};
use crate::naming;
use crate::plan::Plan;
use crate::resolved::Resolved;
use crate::spec::yaml::{Node, Value as YamlValue};
use crate::spec::{Detail, Model, Resource, Spec, VectorStore};
use crate::Compiled;

/// A compiled platform, resolved for the evaluator, with the spec's names to read requests with.
#[derive(Debug, Clone)]
pub struct Simulator {
    spec: Spec,
    plan: Plan,
    resolved: Resolved,
}

/// Who makes a simulated request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Who {
    /// A session of a service's role.
    Role {
        /// The service's logical name.
        service: String,
        /// Which of its roles.
        purpose: RolePurpose,
    },
    /// A service principal (`apigateway.amazonaws.com`), for resource-based policies and trust.
    Service(String),
}

/// A request as a user writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// Who asks.
    pub who: Who,
    /// The action, such as `dynamodb:PutItem`.
    pub action: String,
    /// The resource, in any of the three forms.
    pub resource: String,
    /// Context keys and their values, as typed.
    pub context: Vec<(String, String)>,
}

impl Query {
    /// A request by `who` for `action` on `resource` (any of the three forms), with `context`.
    pub fn new(
        who: Who,
        action: impl Into<String>,
        resource: impl Into<String>,
        context: Vec<(String, String)>,
    ) -> Query {
        Query {
            who,
            action: action.into(),
            resource: resource.into(),
            context,
        }
    }
}

/// A problem with a query: what is wrong, which part of the query, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryError {
    /// Which part: `service`, `action`, `resource`, `context`...
    pub part: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to try.
    pub hint: Option<String>,
}

impl QueryError {
    pub(crate) fn new(
        part: &'static str,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        QueryError {
            part,
            message: message.into(),
            hint,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

/// A decided query: the request as evaluated, the evaluation, and where its statements come from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Decided {
    /// The request, every form resolved.
    pub request: Request,
    /// Who asked, as a phrase (`predict (role engagement-predict-dev)`).
    pub who: String,
    /// The evaluator's answer.
    pub evaluation: Evaluation,
    /// Each statement the evaluation names (and the closest one of an implicit deny), and where it
    /// comes from.
    pub sources: Vec<DecidedBy>,
}

/// A statement of a decision, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecidedBy {
    /// `Sid X`.
    pub statement: String,
    /// The grant, trust policy or permission it comes from:
    /// `services.predict.grants[0] (dynamodb.read_write)`.
    pub source: String,
    /// The spec file that is written in (for a spec read from YAML).
    pub file: Option<Arc<str>>,
    /// Where in that file.
    pub span: Option<Span>,
}

impl Decided {
    /// Allowed or not.
    pub fn allowed(&self) -> bool {
        self.evaluation.decision == Decision::Allow
    }

    /// The answer on several lines: the decision and request, who asked, and the statement that
    /// decided (or why it was denied), each with its spec line; `file` names the spec (its root
    /// file, for a line that names no file of its own).
    pub fn explain(&self, file: &str) -> String {
        let r = &self.request;
        let word = if self.allowed() { "allow" } else { "deny" };
        let mut out = format!(
            "{word}: {} on {}\n  by: {}",
            r.action(),
            r.resource(),
            self.who
        );
        for (k, v) in r.context().iter() {
            out.push_str(&format!("\n  context: {k} = {}", v.join(", ")));
        }
        let e = self.evaluation.to_string();
        out.push_str(&format!("\n  {}", e.replace('\n', "\n  ")));
        for DecidedBy {
            statement,
            source,
            file: written,
            span,
        } in &self.sources
        {
            let file = written.as_deref().unwrap_or(file);
            let at = span
                .map(|s| format!(", {file}:{}:{}", s.line, s.column))
                .unwrap_or_default();
            out.push_str(&format!("\n  {statement}: from {source}{at}"));
        }
        out
    }
}

impl Simulator {
    /// Resolves `compiled` with `values` (inputs without a value get example ids).
    pub fn new(compiled: &Compiled, values: &Values) -> Result<Simulator, PolicyError> {
        Ok(Simulator {
            spec: compiled.spec.clone(),
            plan: compiled.plan.clone(),
            resolved: compiled.plan.resolve(values)?,
        })
    }

    /// The resolved platform.
    pub fn resolved(&self) -> &Resolved {
        &self.resolved
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The spec's declared resources, by kind.
    pub(crate) fn spec_resources(
        &self,
    ) -> impl Iterator<Item = (&ResourceKind, &indexmap::IndexMap<String, Resource>)> {
        self.spec.resources.iter()
    }

    /// `text` with `${partition}`, `${region}`, `${account}` and `${INPUT}` replaced.
    pub fn substitute(&self, text: &str) -> Result<String, QueryError> {
        let v = self.resolved.values();
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                return Err(QueryError::new(
                    "resource",
                    format!("'${{' without '}}' in '{text}'"),
                    None,
                ));
            };
            let name = &after[..end];
            let value = match name {
                "partition" => Some(v.partition.as_str()),
                "region" => Some(v.region.as_str()),
                "account" => Some(v.account.as_str()),
                other => v.inputs.get(other).map(String::as_str),
            };
            match value {
                Some(value) => out.push_str(value),
                None => {
                    let mut known: Vec<&str> = vec!["partition", "region", "account"];
                    known.extend(
                        v.inputs
                            .keys()
                            .map(String::as_str)
                            .filter(|k| *k != crate::aws::PATH_INPUT),
                    );
                    let hint = hint_unknown(name, &known, |k| format!("known: {}", k.join(", ")));
                    return Err(QueryError::new(
                        "resource",
                        format!("unknown placeholder '${{{name}}}'"),
                        Some(hint),
                    ));
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The action, as the catalog names it (matched without regard to case, as IAM does).
    pub fn action(
        &self,
        text: &str,
    ) -> Result<(&'static ServiceDef, &'static ActionDef), QueryError> {
        if let Some(found) = catalog::action(text) {
            return Ok(found);
        }
        let Some((prefix, name)) = text.split_once(':') else {
            return Err(QueryError::new(
                "action",
                format!("'{text}' is not an action such as s3:GetObject"),
                None,
            ));
        };
        let Some(service) = catalog::service(&prefix.to_ascii_lowercase()) else {
            return Err(QueryError::new(
                "action",
                format!("unknown service prefix '{prefix}' in action '{text}'"),
                None,
            ));
        };
        if let Some(a) = service
            .actions()
            .iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
        {
            return Ok((service, a));
        }
        let hint = did_you_mean(name, service.actions().iter().map(|a| a.name()))
            .map(|a| format!("did you mean '{}:{a}'?", service.prefix()));
        Err(QueryError::new(
            "action",
            format!("action '{text}' is not in the AWS catalog"),
            hint,
        ))
    }

    /// The principal of `who`.
    pub fn principal(&self, who: &Who) -> Result<(Principal, String), QueryError> {
        match who {
            Who::Service(s) => Ok((Principal::service(s), format!("service {s}"))),
            Who::Role { service, purpose } => {
                let Some(svc) = self.resolved.service(service) else {
                    let known: Vec<&str> = self
                        .resolved
                        .services()
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect();
                    let hint =
                        hint_unknown(service, &known, |k| format!("services: {}", k.join(", ")));
                    return Err(QueryError::new(
                        "service",
                        format!("unknown service '{service}'"),
                        Some(hint),
                    ));
                };
                let Some(role) = svc.roles.iter().find(|r| r.purpose == *purpose) else {
                    return Err(QueryError::new(
                        "role",
                        format!(
                            "service '{service}' ({}) has no {} role",
                            svc.kind.key(),
                            purpose_key(*purpose)
                        ),
                        Some("only an ecs_task has an execution role".into()),
                    ));
                };
                let p = Principal::role(&role.arn)
                    .map_err(|e| QueryError::new("service", e.to_string(), None))?;
                Ok((p, format!("{service} (role {})", role.name)))
            }
        }
    }

    /// A context, each key's values checked against the key's type.
    pub fn context(&self, pairs: &[(String, String)]) -> Result<Context, QueryError> {
        let mut ctx = Context::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in pairs {
            let Some(ty) = key_type(key) else {
                return Err(QueryError::new(
                    "context",
                    format!("unknown condition key '{key}': not a global aws: key nor a key of any service in the catalog"),
                    Some(format!("global keys: {}", crate::aws::keys::GLOBAL_KEYS_SOURCE)),
                ));
            };
            let lower = key.to_ascii_lowercase();
            if seen.contains(&lower) && !ty.is_multivalued() {
                return Err(QueryError::new(
                    "context",
                    format!("condition key '{key}' is {ty}: it takes one value"),
                    None,
                ));
            }
            seen.push(lower);
            let value = self.substitute(value).map_err(|mut e| {
                e.part = "context";
                e
            })?;
            check_value(ty, &value).map_err(|why| {
                QueryError::new(
                    "context",
                    format!("condition key '{key}' is {ty}: {why}"),
                    None,
                )
            })?;
            ctx.insert(key, &value);
        }
        Ok(ctx)
    }

    /// The resource `text` (ARN, short or logical form) as `action` requests it.
    pub fn resource(&self, action: &str, text: &str) -> Result<String, QueryError> {
        let (service, def) = self.action(action)?;
        let text = text.trim();
        if text == "*" {
            return Ok("*".into());
        }
        let full = |s: String| s;
        if text.starts_with("arn:") {
            let arn = self.substitute(text)?;
            if crate::eval::arn_is_valid(&arn) {
                return Ok(full(arn));
            }
            return Err(QueryError::new(
                "resource",
                format!("'{text}' is not an ARN (arn:partition:service:region:account:resource)"),
                None,
            ));
        }
        if def.accepts_no_resource() {
            return Err(QueryError::new(
                "resource",
                format!(
                    "{}:{} accepts no resource: its only resource is *",
                    service.prefix(),
                    def.name()
                ),
                None,
            ));
        }
        let logical = self.logical(service, def, text)?;
        let short = self.short(service, def, text);
        // A logical name is ambiguous only where it is also the physical name of something the
        // spec declares (naming `{name}` with an exact name elsewhere).
        let head = text.split('/').next().unwrap_or(text);
        let physical = self
            .spec
            .resources
            .values()
            .flat_map(|g| g.values())
            .any(|r| r.name == head)
            || self.plan.services.iter().any(|s| s.physical_name == head);
        match (logical, short) {
            (Some(l), Ok(s)) if l != s && physical => Err(QueryError::new(
                "resource",
                format!("'{text}' is ambiguous: a name of the spec ({l}) and the physical name of another ({s})"),
                Some("write the ARN, or the name with its kind (buckets.NAME)".into()),
            )),
            (Some(l), _) => Ok(l),
            (None, Ok(s)) => Ok(s),
            (None, Err(e)) => Err(e),
        }
    }

    /// The short form: the resource part of an ARN the action accepts.
    fn short(
        &self,
        service: &ServiceDef,
        def: &ActionDef,
        text: &str,
    ) -> Result<String, QueryError> {
        let text = self.substitute(text)?;
        let v = self.resolved.values();
        let mut found: Vec<String> = Vec::new();
        let mut formats = Vec::new();
        for rt in def.resource_types() {
            let Some(t) = service.resource_type(rt.name()) else {
                continue;
            };
            formats.push(format!("{} ({})", rt.name(), t.arn()));
            let parts: Vec<&str> = t.arn().splitn(6, ':').collect();
            if parts.len() < 6 {
                continue;
            }
            let region = if parts[3].is_empty() {
                ""
            } else {
                v.region.as_str()
            };
            let account = if parts[4].is_empty() {
                ""
            } else {
                v.account.as_str()
            };
            let arn = format!("arn:{}:{}:{region}:{account}:{text}", v.partition, parts[2]);
            if crate::check::fits(service, rt.name(), &arn) && !found.contains(&arn) {
                found.push(arn);
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(QueryError::new(
                "resource",
                format!("'{text}' is neither an ARN, a name of the spec, nor the resource part of an ARN {}:{} accepts", service.prefix(), def.name()),
                Some(format!("it accepts: {}", formats.join(", "))),
            )),
            _ => Err(QueryError::new("resource", format!("'{text}' reads as several ARNs: {}", found.join(", ")), Some("write the ARN".into()))),
        }
    }

    /// The logical form: `NAME[/rest]` or `KIND.NAME[/rest]`, `None` when the text names nothing
    /// declared.
    fn logical(
        &self,
        service: &ServiceDef,
        def: &ActionDef,
        text: &str,
    ) -> Result<Option<String>, QueryError> {
        let (head, rest) = match text.split_once('/') {
            Some((h, r)) => (h, Some(r)),
            None => (text, None),
        };
        let (kind_key, name) = match head.split_once('.') {
            Some((k, n)) if k == "services" || ResourceKind::from_key(k).is_some() => (Some(k), n),
            _ => (None, head),
        };
        let mut candidates: Vec<(String, String)> = Vec::new();
        for (kind, group) in &self.spec.resources {
            if kind_key.is_some_and(|k| k != kind.key()) {
                continue;
            }
            if let Some(r) = group.get(name) {
                let arn = self.resource_arn(*kind, r, rest)?;
                candidates.push((format!("{}.{name}", kind.key()), arn));
            }
        }
        if kind_key.is_none_or(|k| k == "services") {
            if let Some(s) = self.plan.services.iter().find(|s| s.name == name) {
                let arn = self.service_arn(s.kind, &s.name, &s.physical_name, rest)?;
                candidates.push((format!("services.{name}"), arn));
            }
        }
        if candidates.is_empty() {
            if let Some(k) = kind_key {
                return Err(QueryError::new(
                    "resource",
                    format!("no {k} named '{name}' in the spec"),
                    None,
                ));
            }
            return Ok(None);
        }
        // Keep what the action accepts.
        let fitting: Vec<&(String, String)> = candidates
            .iter()
            .filter(|(_, arn)| {
                def.resource_types()
                    .iter()
                    .any(|rt| crate::check::fits(service, rt.name(), arn))
            })
            .collect();
        match fitting.as_slice() {
            [(_, arn)] => Ok(Some(arn.clone())),
            [] => {
                let what: Vec<String> = candidates
                    .iter()
                    .map(|(n, a)| format!("{n} is {a}"))
                    .collect();
                Err(QueryError::new(
                    "resource",
                    format!(
                        "'{text}' is not a resource {}:{} accepts: {}",
                        service.prefix(),
                        def.name(),
                        what.join("; ")
                    ),
                    None,
                ))
            }
            many => {
                let names: Vec<&str> = many.iter().map(|(n, _)| n.as_str()).collect();
                Err(QueryError::new(
                    "resource",
                    format!("'{name}' names several resources: {}", names.join(", ")),
                    Some("qualify it with its kind".into()),
                ))
            }
        }
    }

    /// The ARN of declared resource `r` of `kind` (and what follows its name).
    fn resource_arn(
        &self,
        kind: ResourceKind,
        r: &Resource,
        rest: Option<&str>,
    ) -> Result<String, QueryError> {
        let v = self.resolved.values();
        let rest_of = |t: Template| match rest {
            Some(x) => t.with_text(&format!("/{x}")),
            None => t,
        };
        if r.is_pattern() {
            return Err(QueryError::new(
                "resource",
                format!(
                    "'{}' is a name pattern ({}): name one resource",
                    r.logical, r.name
                ),
                Some(format!("for example {}", r.name.replace('*', "cache"))),
            ));
        }
        let t = match kind {
            ResourceKind::Bucket => rest_of(arns::bucket(&r.name)),
            ResourceKind::DynamodbTable => rest_of(arns::table(&r.name)),
            ResourceKind::AthenaWorkgroup => arns::workgroup(&r.name),
            ResourceKind::GlueDatabase => match rest {
                Some(table) => Template::arn(
                    "glue",
                    true,
                    true,
                    format!("table/{}/{table}", r.name).as_str(),
                ),
                None => Template::arn("glue", true, true, format!("database/{}", r.name).as_str()),
            },
            ResourceKind::EcrRepository => arns::repository(&r.name),
            ResourceKind::Secret => Template::arn(
                "secretsmanager",
                true,
                true,
                format!("secret:{}-AbCdEf", r.name).as_str(),
            ),
            ResourceKind::EcsCluster => match rest {
                Some(task) => Template::arn(
                    "ecs",
                    true,
                    true,
                    format!("task/{}/{task}", r.name).as_str(),
                ),
                None => arns::cluster(&r.name),
            },
            ResourceKind::BedrockModel => match &r.detail {
                Some(Detail::Model(Model::SystemProfile { .. })) => {
                    arns::inference_profile(&r.name)
                }
                Some(Detail::Model(Model::ApplicationProfile { .. })) => {
                    arns::application_inference_profile(&naming::inference_profile_input(
                        &r.logical,
                    ))
                }
                _ => arns::foundation_model(&r.name),
            },
            ResourceKind::VectorStore => match &r.detail {
                Some(Detail::VectorStore(VectorStore::S3Vectors { bucket, index })) => {
                    arns::vector_index(bucket, index)
                }
                Some(Detail::VectorStore(VectorStore::OpenSearch { .. })) => {
                    arns::collection(&naming::collection_input(&r.logical))
                }
                Some(Detail::VectorStore(VectorStore::Aurora { cluster, .. })) => {
                    arns::db_cluster(cluster)
                }
                Some(Detail::VectorStore(VectorStore::Secret { secret, .. })) => Template::arn(
                    "secretsmanager",
                    true,
                    true,
                    format!("secret:{secret}-AbCdEf").as_str(),
                ),
                _ => {
                    return Err(QueryError::new(
                        "resource",
                        format!("'{}' is not a usable vector store", r.logical),
                        None,
                    ))
                }
            },
            ResourceKind::Queue => arns::queue(&r.name),
            ResourceKind::Topic => arns::topic(&r.name),
            ResourceKind::KmsKey => arns::kms_key(&r.name),
            ResourceKind::EventBus => arns::event_bus(&r.name),
            ResourceKind::Parameter => match rest {
                Some(x) => {
                    arns::parameter(r.name.trim_end_matches("/*")).with_text(&format!("/{x}"))
                }
                None => arns::parameter(&r.name),
            },
            ResourceKind::KinesisStream => arns::kinesis_stream(&r.name),
            ResourceKind::FirehoseStream => arns::firehose_stream(&r.name),
        };
        Ok(t.resolve(v))
    }

    /// The ARN of a service of the platform, by kind (and what follows its name).
    fn service_arn(
        &self,
        kind: ServiceKind,
        name: &str,
        physical: &str,
        rest: Option<&str>,
    ) -> Result<String, QueryError> {
        let v = self.resolved.values();
        let t = match kind {
            ServiceKind::Lambda => arns::function(physical),
            ServiceKind::StepFunctions => Template::arn(
                "states",
                true,
                true,
                format!("stateMachine:{physical}").as_str(),
            ),
            ServiceKind::EcsTask => Template::arn(
                "ecs",
                true,
                true,
                format!("task-definition/{physical}:{}", rest.unwrap_or("1")).as_str(),
            ),
            ServiceKind::BedrockKnowledgeBase => {
                arns::knowledge_base(&naming::knowledge_base_input(name))
            }
            ServiceKind::BedrockAgent => match rest {
                Some(alias) => Template::arn(
                    "bedrock",
                    true,
                    true,
                    Template::around(
                        "agent-alias/",
                        &naming::agent_input(name),
                        &format!("/{alias}"),
                    ),
                ),
                None => arns::agent(&naming::agent_input(name)),
            },
            ServiceKind::ApiGateway => Template::arn(
                "execute-api",
                true,
                true,
                Template::around(
                    "",
                    &naming::global_input(name, naming::API_ID),
                    &format!("/{}", rest.unwrap_or("*")),
                ),
            ),
            // A schedule of the service's schedule group (named NAME, or what follows it).
            ServiceKind::Schedule => {
                let group = self
                    .plan()
                    .services
                    .iter()
                    .find(|s| s.name == name)
                    .and_then(|s| s.schedule_group.clone())
                    .unwrap_or_else(|| physical.to_string());
                arns::schedule(&group, rest.unwrap_or(physical))
            }
        };
        // Inputs a service's ARN needs may be global names no service declared (a knowledge base
        // nobody retrieves from): give them an example id too.
        let mut values = v.clone();
        for input in t.inputs() {
            values.inputs.entry(input.to_string()).or_insert_with(|| {
                crate::aws::ids::example_id(input, crate::aws::ids::IdShape::Bedrock)
            });
        }
        Ok(t.resolve(&values))
    }

    /// Decides `query`.
    pub fn decide(&self, query: &Query) -> Result<Decided, QueryError> {
        let (principal, who) = self.principal(&query.who)?;
        let (service, def) = self.action(&query.action)?;
        let action = format!("{}:{}", service.prefix(), def.name());
        let resource = self.resource(&action, &query.resource)?;
        let context = self.context(&query.context)?;
        let request = self
            .resolved
            .request(principal, &action, &resource)
            .map_err(|e| QueryError::new("resource", e.to_string(), None))?
            .with_context_map(context);
        let evaluation = self
            .resolved
            .evaluate(&request)
            .map_err(|e| QueryError::new("request", e.to_string(), None))?;
        let mut refs: Vec<&crate::eval::StatementRef> = evaluation.statements.iter().collect();
        if let crate::eval::Reason::NotAllowed {
            closest: Some(m), ..
        } = &evaluation.reason
        {
            refs.push(&m.statement);
        }
        let sources = refs
            .into_iter()
            .filter_map(|s| {
                let src = self.resolved.source(s)?;
                let sid = s
                    .sid
                    .clone()
                    .unwrap_or_else(|| format!("Statement[{}]", s.index));
                Some(DecidedBy {
                    statement: format!("Sid {sid}"),
                    source: src.to_string(),
                    file: src.file().cloned(),
                    span: src.span(),
                })
            })
            .collect();
        Ok(Decided {
            request,
            who,
            evaluation,
            sources,
        })
    }
}

/// `main` or `execution`.
pub fn purpose_key(p: RolePurpose) -> &'static str {
    match p {
        RolePurpose::Execution => "execution",
        _ => "main",
    }
}

/// Parses a `--role` value.
pub fn purpose_from_key(key: &str) -> Option<RolePurpose> {
    match key {
        "main" | "task" => Some(RolePurpose::Main),
        "execution" => Some(RolePurpose::Execution),
        _ => None,
    }
}

/// Whether `value` is a value of type `ty`.
fn check_value(ty: KeyType, value: &str) -> Result<(), String> {
    let bad = |what: &str| Err(format!("'{value}' is not {what}"));
    match ty {
        KeyType::String | KeyType::ArrayOfString => Ok(()),
        KeyType::Arn | KeyType::ArrayOfArn => {
            if crate::eval::arn_is_valid(value) {
                Ok(())
            } else {
                bad("an ARN (arn:partition:service:region:account:resource)")
            }
        }
        KeyType::Bool | KeyType::ArrayOfBool => match value {
            "true" | "false" => Ok(()),
            _ => bad("true or false"),
        },
        KeyType::Numeric => match value.parse::<f64>() {
            Ok(_) => Ok(()),
            Err(_) => bad("a number"),
        },
        KeyType::Date => match crate::eval::date_is_valid(value) {
            true => Ok(()),
            false => bad("a date (2024-05-01T12:00:00Z) or epoch seconds"),
        },
        KeyType::IpAddress => match crate::eval::ip_is_valid(value) {
            true => Ok(()),
            false => bad("an IP address or CIDR block"),
        },
    }
}

/// The service kind noun of a role purpose, for messages.
impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::Role { service, purpose } => {
                write!(f, "{service} ({} role)", purpose_key(*purpose))
            }
            Who::Service(s) => f.write_str(s),
        }
    }
}

/// One request of a scenario file, with the decision it must get.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Scenario {
    /// The request.
    pub query: Query,
    /// Whether it must be allowed.
    pub allow: bool,
    /// Why, as the file says.
    pub why: Option<String>,
    /// Where the item starts in the file.
    pub span: Span,
}

/// What running a scenario file found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ScenarioReport {
    /// Scenarios decided as expected.
    pub passed: usize,
    /// One located line per scenario decided otherwise: `FILE:LINE:COL: error: ...`.
    pub mismatches: Vec<String>,
}

const SCENARIO_KEYS: &[&str] = &[
    "service", "role", "caller", "action", "resource", "context", "expect", "why",
];

impl Simulator {
    /// Reads a scenario file: a YAML list of requests, each
    /// `{service: NAME, [role: main|execution], action, resource, [context: {key: value}], expect: allow|deny, [why]}`
    /// or `{caller: SERVICE_PRINCIPAL, ...}` for a service's own request (a resource-based policy
    /// or a trust policy decides). Every problem is reported, located: `FILE:LINE:COL: error: ...`.
    pub fn scenarios(&self, file: &str, text: &str) -> Result<Vec<Scenario>, SpecError> {
        let fail = |d: Vec<Diagnostic>| SpecError::located(Some(file), d, &SourceMap::default());
        let root = crate::spec::yaml::parse(text).map_err(fail)?;
        let items = match &root.value {
            YamlValue::Seq(items) => items,
            _ => {
                return Err(fail(vec![Diagnostic::error(
                    root.span,
                    format!("a scenario file is a list of requests; found {}", root.shape()),
                )
                .with_hint("- {service: predict, action: dynamodb:PutItem, resource: table/engagement-cache-dev, expect: allow}")]))
            }
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match self.scenario(item, i) {
                Ok(s) => out.push(s),
                Err(mut d) => errors.append(&mut d),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(fail(errors))
        }
    }

    fn scenario(&self, item: &Node, i: usize) -> Result<Scenario, Vec<Diagnostic>> {
        let path = format!("[{i}]");
        let err = |span: Span, at: &str, message: String, hint: Option<String>| {
            vec![Diagnostic::error(span, message)
                .at(format!("{path}{at}"))
                .with_hint_opt(hint)]
        };
        let YamlValue::Map(entries) = &item.value else {
            return Err(err(
                item.span,
                "",
                format!("a scenario is a mapping; found {}", item.shape()),
                None,
            ));
        };
        let mut diags = Vec::new();
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if !SCENARIO_KEYS.contains(&key) {
                let hint = hint_unknown(key, SCENARIO_KEYS, |k| format!("keys: {}", k.join(", ")));
                diags.extend(err(k.span, "", format!("unknown key '{key}'"), Some(hint)));
            }
        }
        let get = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v)
        };
        let text = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<(String, Span)> {
            let node = get(key)?;
            match &node.value {
                YamlValue::Scalar { text, .. } if !node.is_null() => {
                    Some((text.clone(), node.span))
                }
                _ => {
                    diags.extend(err(
                        node.span,
                        &format!(".{key}"),
                        format!("expected a text value, found {}", node.shape()),
                        None,
                    ));
                    None
                }
            }
        };
        let required = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<(String, Span)> {
            if get(key).is_none() {
                diags.extend(err(item.span, "", format!("missing key '{key}'"), None));
                return None;
            }
            text(key, diags)
        };
        let action = required("action", &mut diags);
        let resource = required("resource", &mut diags);
        let expect = required("expect", &mut diags);
        let why = text("why", &mut diags).map(|(w, _)| w);
        let service = text("service", &mut diags);
        let caller = text("caller", &mut diags);
        let role = text("role", &mut diags);
        let at =
            |e: QueryError, span: Span, key: &str| err(span, &format!(".{key}"), e.message, e.hint);
        let who = match (service, caller) {
            (Some((s, span)), None) => {
                let purpose = match role {
                    Some((r, rspan)) => match purpose_from_key(&r) {
                        Some(p) => p,
                        None => {
                            diags.extend(err(
                                rspan,
                                ".role",
                                format!("unknown role '{r}'"),
                                Some("roles: main, execution".into()),
                            ));
                            RolePurpose::Main
                        }
                    },
                    None => RolePurpose::Main,
                };
                let who = Who::Role {
                    service: s,
                    purpose,
                };
                if let Err(e) = self.principal(&who) {
                    let key = if e.part == "role" { "role" } else { "service" };
                    diags.extend(at(e, span, key));
                }
                Some(who)
            }
            (None, Some((c, _))) => Some(Who::Service(c)),
            _ => {
                diags.extend(err(item.span, "", "a scenario names who asks: `service` (with `role`) or `caller` (a service principal)".into(), None));
                None
            }
        };
        let mut context = Vec::new();
        if let Some(node) = get("context") {
            match &node.value {
                YamlValue::Map(pairs) => {
                    for (k, v) in pairs {
                        let key = k.as_str().unwrap_or_default().to_string();
                        let values: Vec<&Node> = match &v.value {
                            YamlValue::Seq(items) => items.iter().collect(),
                            _ => vec![v],
                        };
                        for value in values {
                            match value.as_str() {
                                Some(t) => context.push((key.clone(), t.to_string())),
                                None => diags.extend(err(
                                    value.span,
                                    &format!(".context.{key}"),
                                    format!("expected a text value, found {}", value.shape()),
                                    None,
                                )),
                            }
                        }
                    }
                    if let Err(e) = self.context(&context) {
                        diags.extend(at(e, node.span, "context"));
                    }
                }
                _ => diags.extend(err(
                    node.span,
                    ".context",
                    format!(
                        "expected a mapping of condition keys, found {}",
                        node.shape()
                    ),
                    None,
                )),
            }
        }
        if let Some((a, span)) = &action {
            match self.action(a) {
                Err(e) => diags.extend(at(e, *span, "action")),
                Ok(_) => {
                    if let Some((r, rspan)) = &resource {
                        if let Err(e) = self.resource(a, r) {
                            diags.extend(at(e, *rspan, "resource"));
                        }
                    }
                }
            }
        }
        let allow = match &expect {
            Some((e, _)) if e == "allow" => Some(true),
            Some((e, _)) if e == "deny" => Some(false),
            Some((e, span)) => {
                diags.extend(err(
                    *span,
                    ".expect",
                    format!("expect is allow or deny, not '{e}'"),
                    None,
                ));
                None
            }
            None => None,
        };
        match (diags.is_empty(), who, action, resource, allow) {
            (true, Some(who), Some((action, _)), Some((resource, _)), Some(allow)) => {
                Ok(Scenario {
                    query: Query {
                        who,
                        action,
                        resource,
                        context,
                    },
                    allow,
                    why,
                    span: item.span,
                })
            }
            _ => Err(diags),
        }
    }

    /// Decides every scenario; each decided otherwise than expected is a located line.
    pub fn run(&self, file: &str, scenarios: &[Scenario]) -> ScenarioReport {
        let mut report = ScenarioReport::default();
        for s in scenarios {
            let at = format!("{file}:{}:{}", s.span.line, s.span.column);
            match self.decide(&s.query) {
                Ok(d) if d.allowed() == s.allow => report.passed += 1,
                Ok(d) => {
                    let (want, got) = if s.allow {
                        ("allow", "deny")
                    } else {
                        ("deny", "allow")
                    };
                    let why = s
                        .why
                        .as_deref()
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default();
                    let detail = d.evaluation.to_string().replace('\n', "; ");
                    let sources: Vec<String> = d
                        .sources
                        .iter()
                        .map(|d| format!("{} from {}", d.statement, d.source))
                        .collect();
                    let from = if sources.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", sources.join("; "))
                    };
                    report.mismatches.push(format!(
                        "{at}: error: expected {want}, got {got}: {} {} on {}{why}: {detail}{from}",
                        s.query.who,
                        d.request.action(),
                        d.request.resource()
                    ));
                }
                Err(e) => report.mismatches.push(format!("{at}: error: {e}")),
            }
        }
        report
    }
}
