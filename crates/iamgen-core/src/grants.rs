//! The grants: each permission a spec can ask for, and the exact statements it becomes.
//!
//! This is the one place that decides which actions a grant needs. Each set is the smallest that
//! does the job as the cited AWS page documents it; action names are explicit (never globs), no
//! dependent action is added implicitly, and every ARN is of a resource type the action accepts.
//! `cargo test` checks every statement built here against the embedded AWS catalog
//! ([`crate::check`]).

use indexmap::IndexMap;

use crate::aws::{Segment, Template};
use crate::policy::{Condition, Origin, Statement};
use crate::spec::{GrantUse, ResourceKind, Service, ServiceKind, Spec};

/// Every grant a spec may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum GrantKind {
    S3Read,
    S3Write,
    S3ReadWrite,
    AthenaQuery,
    GlueRead,
    GlueWrite,
    GlueDelete,
    DynamodbRead,
    DynamodbReadWrite,
    CloudwatchPutMetrics,
    LogsWrite,
    XrayWrite,
    BedrockInvokeModel,
    BedrockRetrieve,
    BedrockInvokeAgent,
    LambdaInvoke,
    EcsRunTask,
    IamPassRole,
    EventsManageEcsSyncRule,
    LogsDelivery,
    EcrPull,
    SecretsRead,
}

/// What a grant's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Logical names of declared resources of this kind.
    Resource(ResourceKind),
    /// Logical names of services of these kinds.
    Service(&'static [ServiceKind]),
    /// CloudWatch metric namespaces (text).
    Namespace,
    /// CloudWatch Logs log group names (text).
    LogGroup,
    /// Nothing: the grant is written `grant: true` or as a bare name.
    Flag,
}

/// A grant's definition: its spec key, what it names, who may use it, and its AWS source.
#[derive(Debug)]
pub struct GrantDef {
    /// The grant.
    pub kind: GrantKind,
    /// The key in the spec, such as `s3.read`.
    pub key: &'static str,
    /// What its value names.
    pub target: Target,
    /// The service kinds that may use it.
    pub callers: &'static [ServiceKind],
    /// One line for the docs.
    pub summary: &'static str,
    /// The AWS page its action set comes from.
    pub source: &'static str,
}

use ServiceKind::{
    ApiGateway as Api, BedrockAgent as Agent, BedrockKnowledgeBase as Kb, EcsTask as Ecs, Lambda,
    StepFunctions as Sfn,
};

const COMPUTE: &[ServiceKind] = &[Lambda, Ecs, Sfn];
const DATA: &[ServiceKind] = &[Lambda, Ecs, Sfn, Kb, Agent];
const ALL: &[ServiceKind] = &[Lambda, Sfn, Ecs, Kb, Agent, Api];

/// The grants table.
pub static GRANTS: &[GrantDef] = &[
    GrantDef { kind: GrantKind::S3Read, key: "s3.read", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "read objects and list the bucket",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::S3Write, key: "s3.write", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "put objects (multipart included); never deletes",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::S3ReadWrite, key: "s3.read_write", target: Target::Resource(ResourceKind::Bucket), callers: DATA,
        summary: "read, put and delete objects, and list the bucket",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html" },
    GrantDef { kind: GrantKind::AthenaQuery, key: "athena.query", target: Target::Resource(ResourceKind::AthenaWorkgroup), callers: COMPUTE,
        summary: "run, watch, read and stop queries in the workgroup",
        source: "https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html" },
    GrantDef { kind: GrantKind::GlueRead, key: "glue.read", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "read database, table and partition metadata",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::GlueWrite, key: "glue.write", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "create and update tables, create partitions",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::GlueDelete, key: "glue.delete", target: Target::Resource(ResourceKind::GlueDatabase), callers: COMPUTE,
        summary: "delete tables and partitions",
        source: "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html" },
    GrantDef { kind: GrantKind::DynamodbRead, key: "dynamodb.read", target: Target::Resource(ResourceKind::DynamodbTable), callers: COMPUTE,
        summary: "get, query and scan items (tables and their indexes)",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html" },
    GrantDef { kind: GrantKind::DynamodbReadWrite, key: "dynamodb.read_write", target: Target::Resource(ResourceKind::DynamodbTable), callers: COMPUTE,
        summary: "read, put, update and delete items",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html" },
    GrantDef { kind: GrantKind::CloudwatchPutMetrics, key: "cloudwatch.put_metrics", target: Target::Namespace, callers: COMPUTE,
        summary: "publish custom metrics, only to the named namespaces",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html" },
    GrantDef { kind: GrantKind::LogsWrite, key: "logs.write", target: Target::LogGroup, callers: ALL,
        summary: "create the log group, its streams, and put log events",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html" },
    GrantDef { kind: GrantKind::XrayWrite, key: "xray.write", target: Target::Flag, callers: COMPUTE,
        summary: "send trace segments and telemetry, read sampling rules",
        source: "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::BedrockInvokeModel, key: "bedrock.invoke_model", target: Target::Resource(ResourceKind::BedrockModel), callers: &[Lambda, Ecs, Kb, Agent],
        summary: "invoke the foundation models (streaming included)",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::BedrockRetrieve, key: "bedrock.retrieve", target: Target::Service(&[Kb]), callers: &[Lambda, Ecs, Agent],
        summary: "query the knowledge bases",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html" },
    GrantDef { kind: GrantKind::BedrockInvokeAgent, key: "bedrock.invoke_agent", target: Target::Service(&[Agent]), callers: &[Lambda, Ecs],
        summary: "invoke the agents (any alias)",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html" },
    GrantDef { kind: GrantKind::LambdaInvoke, key: "lambda.invoke", target: Target::Service(&[Lambda]), callers: &[Lambda, Sfn, Ecs, Api, Agent],
        summary: "invoke the functions; from api_gateway and bedrock_agent, a resource-based permission on the function",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html" },
    GrantDef { kind: GrantKind::EcsRunTask, key: "ecs.run_task", target: Target::Service(&[Ecs]), callers: &[Sfn, Lambda],
        summary: "run, stop and describe the tasks on their cluster, and pass their two roles to ECS",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html" },
    GrantDef { kind: GrantKind::IamPassRole, key: "iam.pass_role", target: Target::Service(ALL), callers: &[Sfn, Lambda],
        summary: "pass the services' roles, only to the service that uses them",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html" },
    GrantDef { kind: GrantKind::EventsManageEcsSyncRule, key: "events.manage_ecs_sync_rule", target: Target::Flag, callers: &[Sfn],
        summary: "the EventBridge rule Step Functions manages for `.sync` ECS tasks",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html" },
    GrantDef { kind: GrantKind::LogsDelivery, key: "logs.delivery", target: Target::Flag, callers: &[Sfn],
        summary: "deliver the state machine's execution logs to CloudWatch Logs",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html" },
    GrantDef { kind: GrantKind::EcrPull, key: "ecr.pull", target: Target::Resource(ResourceKind::EcrRepository), callers: &[Lambda, Ecs],
        summary: "pull images from the repositories",
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html" },
    GrantDef { kind: GrantKind::SecretsRead, key: "secrets.read", target: Target::Resource(ResourceKind::Secret), callers: COMPUTE,
        summary: "read the secrets' values",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html" },
];

impl GrantKind {
    /// The grant's definition.
    pub fn def(self) -> &'static GrantDef {
        GRANTS
            .iter()
            .find(|d| d.kind == self)
            .expect("every grant is in GRANTS")
    }

    /// The spec key, such as `s3.read`.
    pub fn key(self) -> &'static str {
        self.def().key
    }

    /// Parses a spec key.
    pub fn from_key(key: &str) -> Option<Self> {
        GRANTS.iter().find(|d| d.key == key).map(|d| d.kind)
    }
}

/// A resource-based permission on a Lambda function (`aws_lambda_permission`), for callers whose
/// access AWS checks on the function's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaPermission {
    /// The Terraform label and statement id suffix, such as `predict`.
    pub label: String,
    /// The function's name.
    pub function_name: String,
    /// The calling service principal.
    pub principal: &'static str,
    /// The ARN of the calling resource.
    pub source_arn: Template,
    /// Whether to pin the caller's account too.
    pub source_account: bool,
    /// Where the grant is written.
    pub origin: Origin,
}

/// What grants add to a service's module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Statements for the role's permissions policy.
    pub statements: Vec<Statement>,
    /// Resource-based permissions on Lambda functions.
    pub lambda_permissions: Vec<LambdaPermission>,
    /// Module input variables the statements need, by their name inside the module.
    pub inputs: IndexMap<String, Input>,
}

/// A module input: an id that exists only after apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The variable's name in a root module or the single-file output, where every service's
    /// inputs meet: a service's own `api_id` is `api_api_id` there.
    pub global: String,
    /// The variable's description.
    pub description: String,
}

/// The names a service has in AWS, by the spec's naming convention.
pub mod names {
    use super::*;

    /// The service's own physical name: function, state machine, task family, API, agent...
    pub fn service(spec: &Spec, service: &str) -> String {
        spec.physical_name(service)
    }

    /// The name of the service's main role (for `ecs_task`, the task role).
    pub fn role(spec: &Spec, service: &str) -> String {
        spec.physical_name(service)
    }

    /// The name of an `ecs_task`'s execution role.
    pub fn execution_role(spec: &Spec, service: &str) -> String {
        spec.physical_name(&format!("{service}_execution"))
    }

    /// Every role the service has.
    pub fn roles(spec: &Spec, service: &Service) -> Vec<String> {
        let mut roles = vec![role(spec, &service.name)];
        if service.kind == ServiceKind::EcsTask {
            roles.push(execution_role(spec, &service.name));
        }
        roles
    }

    /// The log group a service writes by default.
    pub fn log_group(spec: &Spec, service: &Service) -> Option<String> {
        let name = self::service(spec, &service.name);
        match service.kind {
            ServiceKind::Lambda => Some(format!("/aws/lambda/{name}")),
            ServiceKind::EcsTask => Some(format!("/ecs/{name}")),
            _ => None,
        }
    }
}

/// ARNs, each of the resource type the catalog names for it.
pub mod arns {
    use super::*;

    /// S3 `bucket`.
    pub fn bucket(name: &str) -> Template {
        Template::arn("s3", false, false, name)
    }
    /// S3 `object`: every object in the bucket.
    pub fn objects(name: &str) -> Template {
        bucket(name).with_text("/*")
    }
    /// DynamoDB `table`.
    pub fn table(name: &str) -> Template {
        Template::arn("dynamodb", true, true, format!("table/{name}").as_str())
    }
    /// DynamoDB `index`: every index of the table.
    pub fn indexes(name: &str) -> Template {
        table(name).with_text("/index/*")
    }
    /// Athena `workgroup`.
    pub fn workgroup(name: &str) -> Template {
        Template::arn("athena", true, true, format!("workgroup/{name}").as_str())
    }
    /// Glue `catalog`, `database` and every `table` of the database.
    pub fn glue(database: &str) -> Vec<Template> {
        vec![
            Template::arn("glue", true, true, "catalog"),
            Template::arn("glue", true, true, format!("database/{database}").as_str()),
            Template::arn("glue", true, true, format!("table/{database}/*").as_str()),
        ]
    }
    /// Bedrock `foundation-model` (AWS-owned: no account).
    pub fn foundation_model(id: &str) -> Template {
        Template::arn(
            "bedrock",
            true,
            false,
            format!("foundation-model/{id}").as_str(),
        )
    }
    /// Secrets Manager `Secret`: AWS appends `-` and six random characters to the name.
    pub fn secret(name: &str) -> Template {
        Template::arn(
            "secretsmanager",
            true,
            true,
            format!("secret:{name}-??????").as_str(),
        )
    }
    /// ECR `repository`.
    pub fn repository(name: &str) -> Template {
        Template::arn("ecr", true, true, format!("repository/{name}").as_str())
    }
    /// CloudWatch Logs `log-group`.
    pub fn log_group(name: Template) -> Template {
        {
            let mut arn = Template::arn("logs", true, true, "log-group:");
            arn.append(name);
            arn
        }
    }
    /// CloudWatch Logs `log-stream`: every stream of the group.
    pub fn log_streams(name: Template) -> Template {
        log_group(name).with_text(":log-stream:*")
    }
    /// Lambda `function`, unqualified.
    pub fn function(name: &str) -> Template {
        Template::arn("lambda", true, true, format!("function:{name}").as_str())
    }
    /// ECS `task-definition`: every revision of the family.
    pub fn task_definitions(family: &str) -> Template {
        Template::arn(
            "ecs",
            true,
            true,
            format!("task-definition/{family}:*").as_str(),
        )
    }
    /// ECS `task`: every task on the cluster.
    pub fn tasks(cluster: &str) -> Template {
        Template::arn("ecs", true, true, format!("task/{cluster}/*").as_str())
    }
    /// ECS `cluster`.
    pub fn cluster(name: &str) -> Template {
        Template::arn("ecs", true, true, format!("cluster/{name}").as_str())
    }
    /// IAM `role`, under the path the platform's roles share (input `path`, default `/`).
    pub fn role(name: &str) -> Template {
        Template::arn(
            "iam",
            false,
            true,
            Template::from(vec![
                Segment::Text("role".into()),
                Segment::Input("path".into()),
                Segment::Text(name.into()),
            ]),
        )
    }
    /// Bedrock `knowledge-base`, by an id known after apply.
    pub fn knowledge_base(id_input: &str) -> Template {
        Template::arn(
            "bedrock",
            true,
            true,
            Template::from(vec![
                Segment::Text("knowledge-base/".into()),
                Segment::Input(id_input.into()),
            ]),
        )
    }
    /// Bedrock `agent-alias`: every alias of an agent known after apply.
    pub fn agent_aliases(id_input: &str) -> Template {
        Template::arn(
            "bedrock",
            true,
            true,
            Template::from(vec![
                Segment::Text("agent-alias/".into()),
                Segment::Input(id_input.into()),
                Segment::Text("/*".into()),
            ]),
        )
    }
    /// Bedrock `agent`.
    pub fn agent(id_input: &str) -> Template {
        Template::arn(
            "bedrock",
            true,
            true,
            Template::from(vec![
                Segment::Text("agent/".into()),
                Segment::Input(id_input.into()),
            ]),
        )
    }
    /// API Gateway `execute-api`: every stage, method and path of an API known after apply.
    pub fn execute_api(id_input: &str) -> Template {
        Template::arn(
            "execute-api",
            true,
            true,
            Template::from(vec![
                Segment::Input(id_input.into()),
                Segment::Text("/*".into()),
            ]),
        )
    }
}

const API_ID: &str = "Id of this service's API Gateway REST API (known after it is created)";

/// The input variable holding a knowledge base's id.
pub fn knowledge_base_input(service: &str) -> String {
    format!("{service}_knowledge_base_id")
}

/// The input variable holding an agent's id.
pub fn agent_input(service: &str) -> String {
    format!("{service}_agent_id")
}

/// Builds statements for one grant of `origin`.
struct Builder<'a> {
    origin: Origin,
    notes: Vec<String>,
    out: &'a mut Effects,
}

impl Builder<'_> {
    fn statement(
        &mut self,
        sid: &str,
        actions: &[&str],
        resources: Vec<Template>,
        conditions: Vec<Condition>,
    ) {
        let mut actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
        actions.sort();
        actions.dedup();
        self.out.statements.push(Statement {
            sid: sid.to_string(),
            actions,
            resources,
            conditions,
            notes: self.notes.clone(),
            sources: vec![format!(
                "{} ({}{})",
                self.origin.path,
                self.origin.grant.key(),
                if self.origin.implied {
                    ", implied by the service kind"
                } else {
                    ""
                }
            )],
            origin: self.origin.clone(),
        });
    }

    /// An input owned by another service: the same name inside the module and outside.
    fn input(&mut self, name: String, description: String) {
        self.out.inputs.entry(name.clone()).or_insert(Input {
            global: name,
            description,
        });
    }

    /// An input about the calling service itself (its own API or agent id).
    fn own_input(&mut self, service: &str, name: &str, description: String) {
        self.out.inputs.entry(name.to_string()).or_insert(Input {
            global: format!("{service}_{name}"),
            description,
        });
    }
}

/// Adds the statements and permissions of `grant`, written on `caller`, to `out`.
pub fn expand(spec: &Spec, caller: &Service, grant: &GrantUse, out: &mut Effects) {
    let origin = Origin {
        grant: grant.kind,
        path: grant.path.clone(),
        span: grant.span,
        implied: false,
    };
    let notes = grant
        .allow
        .iter()
        .map(|(f, why)| format!("accepted {}: {why}", f.key()))
        .collect();
    let mut b = Builder { origin, notes, out };
    let res = |kind: ResourceKind| -> Vec<&str> {
        grant
            .targets
            .iter()
            .map(|t| {
                spec.resource(kind, t)
                    .expect("validated at load")
                    .name
                    .as_str()
            })
            .collect()
    };
    let svc = |name: &String| spec.services.get(name).expect("validated at load");
    match grant.kind {
        GrantKind::S3Read => s3(&mut b, &res(ResourceKind::Bucket), true, false, false),
        GrantKind::S3Write => s3(&mut b, &res(ResourceKind::Bucket), false, true, false),
        GrantKind::S3ReadWrite => s3(&mut b, &res(ResourceKind::Bucket), true, true, true),
        GrantKind::AthenaQuery => {
            let groups = res(ResourceKind::AthenaWorkgroup)
                .into_iter()
                .map(arns::workgroup)
                .collect();
            b.statement(
                "AthenaQuery",
                &[
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:GetWorkGroup",
                    "athena:StartQueryExecution",
                    "athena:StopQueryExecution",
                ],
                groups,
                vec![],
            );
        }
        GrantKind::GlueRead | GrantKind::GlueWrite | GrantKind::GlueDelete => {
            // Table-level actions need the catalog, the database and the table ARNs together.
            let databases = res(ResourceKind::GlueDatabase);
            if grant.kind == GrantKind::GlueRead {
                let resources = databases
                    .iter()
                    .flat_map(|d| arns::glue(d).into_iter().take(2))
                    .collect();
                b.statement("GlueReadDatabase", &["glue:GetDatabase"], resources, vec![]);
            }
            let (sid, actions): (&str, &[&str]) = match grant.kind {
                GrantKind::GlueRead => (
                    "GlueReadTables",
                    &[
                        "glue:BatchGetPartition",
                        "glue:GetPartition",
                        "glue:GetPartitions",
                        "glue:GetTable",
                        "glue:GetTables",
                    ],
                ),
                GrantKind::GlueWrite => (
                    "GlueWriteTables",
                    &[
                        "glue:BatchCreatePartition",
                        "glue:CreatePartition",
                        "glue:CreateTable",
                        "glue:UpdatePartition",
                        "glue:UpdateTable",
                    ],
                ),
                _ => (
                    "GlueDeleteTables",
                    &[
                        "glue:BatchDeletePartition",
                        "glue:DeletePartition",
                        "glue:DeleteTable",
                    ],
                ),
            };
            b.statement(
                sid,
                actions,
                databases.iter().flat_map(|d| arns::glue(d)).collect(),
                vec![],
            );
        }
        GrantKind::DynamodbRead | GrantKind::DynamodbReadWrite => {
            let tables = res(ResourceKind::DynamodbTable);
            let read = [
                "dynamodb:BatchGetItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:DescribeTable",
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
            ];
            let write = [
                "dynamodb:BatchWriteItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ];
            let (sid, actions): (&str, Vec<&str>) = if grant.kind == GrantKind::DynamodbRead {
                ("DynamodbReadTables", read.to_vec())
            } else {
                (
                    "DynamodbReadWriteTables",
                    read.iter().chain(&write).copied().collect(),
                )
            };
            b.statement(
                sid,
                &actions,
                tables.iter().map(|t| arns::table(t)).collect(),
                vec![],
            );
            b.statement(
                "DynamodbQueryIndexes",
                &["dynamodb:Query", "dynamodb:Scan"],
                tables.iter().map(|t| arns::indexes(t)).collect(),
                vec![],
            );
        }
        GrantKind::CloudwatchPutMetrics => put_metrics(&mut b, &grant.targets),
        GrantKind::LogsWrite => logs_write(
            &mut b,
            grant
                .targets
                .iter()
                .map(|g| Template::text(g.as_str()))
                .collect(),
        ),
        GrantKind::XrayWrite => xray(&mut b),
        GrantKind::BedrockInvokeModel => {
            let models = res(ResourceKind::BedrockModel)
                .into_iter()
                .map(arns::foundation_model)
                .collect();
            b.statement(
                "BedrockInvokeModel",
                &[
                    "bedrock:InvokeModel",
                    "bedrock:InvokeModelWithResponseStream",
                ],
                models,
                vec![],
            );
        }
        GrantKind::BedrockRetrieve => {
            let mut kbs = Vec::new();
            for t in &grant.targets {
                let input = knowledge_base_input(t);
                b.input(input.clone(), format!("Id of the Bedrock knowledge base of service '{t}' (known after it is created)"));
                kbs.push(arns::knowledge_base(&input));
            }
            b.statement("BedrockRetrieve", &["bedrock:Retrieve"], kbs, vec![]);
        }
        GrantKind::BedrockInvokeAgent => {
            let mut agents = Vec::new();
            for t in &grant.targets {
                let input = agent_input(t);
                b.input(
                    input.clone(),
                    format!("Id of the Bedrock agent of service '{t}' (known after it is created)"),
                );
                agents.push(arns::agent_aliases(&input));
            }
            b.statement(
                "BedrockInvokeAgent",
                &["bedrock:InvokeAgent"],
                agents,
                vec![],
            );
        }
        GrantKind::LambdaInvoke => match caller.kind {
            ServiceKind::ApiGateway | ServiceKind::BedrockAgent => {
                let (principal, source_arn, source_account) =
                    if caller.kind == ServiceKind::ApiGateway {
                        b.own_input(&caller.name, "api_id", API_ID.into());
                        (
                            "apigateway.amazonaws.com",
                            arns::execute_api("api_id"),
                            false,
                        )
                    } else {
                        b.own_input(
                            &caller.name,
                            "agent_id",
                            "Id of this service's Bedrock agent (known after it is created)".into(),
                        );
                        ("bedrock.amazonaws.com", arns::agent("agent_id"), true)
                    };
                for t in &grant.targets {
                    b.out.lambda_permissions.push(LambdaPermission {
                        label: t.clone(),
                        function_name: names::service(spec, t),
                        principal,
                        source_arn: source_arn.clone(),
                        source_account,
                        origin: b.origin.clone(),
                    });
                }
            }
            _ => {
                let functions = grant.targets.iter().map(|t| names::service(spec, t));
                // Unqualified and qualified (`:*`: versions and aliases) ARNs of the function.
                let resources = functions
                    .flat_map(|f| [arns::function(&f), arns::function(&f).with_text(":*")])
                    .collect();
                b.statement(
                    "LambdaInvoke",
                    &["lambda:InvokeFunction"],
                    resources,
                    vec![],
                );
            }
        },
        GrantKind::EcsRunTask => {
            let tasks: Vec<&Service> = grant.targets.iter().map(svc).collect();
            for task in &tasks {
                let cluster = &spec
                    .resource(
                        ResourceKind::EcsCluster,
                        task.cluster.as_deref().expect("validated"),
                    )
                    .expect("validated")
                    .name;
                let family = names::service(spec, &task.name);
                b.statement(
                    "EcsRunTask",
                    &["ecs:RunTask"],
                    vec![arns::task_definitions(&family)],
                    vec![Condition::new(
                        "ArnEquals",
                        "ecs:cluster",
                        arns::cluster(cluster),
                    )],
                );
                b.statement(
                    "EcsManageTasks",
                    &["ecs:DescribeTasks", "ecs:StopTask"],
                    vec![arns::tasks(cluster)],
                    vec![],
                );
            }
            let roles = tasks
                .iter()
                .flat_map(|t| names::roles(spec, t))
                .collect::<Vec<_>>();
            pass_role(&mut b, &roles, "ecs-tasks.amazonaws.com");
        }
        GrantKind::IamPassRole => {
            // Group by the service each role is passed to, so every statement names one.
            let mut by_principal: IndexMap<&'static str, Vec<String>> = IndexMap::new();
            for t in &grant.targets {
                let target = svc(t);
                let principal = crate::aws::principals::principal(target.kind);
                by_principal
                    .entry(principal)
                    .or_default()
                    .extend(names::roles(spec, target));
            }
            for (principal, roles) in by_principal {
                pass_role(&mut b, &roles, principal);
            }
        }
        GrantKind::EventsManageEcsSyncRule => {
            // Step Functions' `.sync` integration manages this one rule in the default event bus.
            let rule = Template::arn(
                "events",
                true,
                true,
                "rule/StepFunctionsGetEventsForECSTaskRule",
            );
            b.statement(
                "EventsManageEcsSyncRule",
                &["events:DescribeRule", "events:PutRule", "events:PutTargets"],
                vec![rule],
                vec![],
            );
        }
        GrantKind::LogsDelivery => {
            // CloudWatch Logs delivery APIs accept no resource: Resource must be "*".
            b.statement(
                "LogsDelivery",
                &[
                    "logs:CreateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:DescribeLogGroups",
                    "logs:DescribeResourcePolicies",
                    "logs:GetLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:UpdateLogDelivery",
                ],
                vec![Template::star()],
                vec![],
            );
        }
        GrantKind::EcrPull => ecr_pull(&mut b, &res(ResourceKind::EcrRepository)),
        GrantKind::SecretsRead => secrets_read(&mut b, &res(ResourceKind::Secret)),
    }
}

/// The grants a service kind implies for each of its roles, built with the same rules as written ones.
/// Returns effects for the main role and, for `ecs_task`, the execution role.
pub fn implied(spec: &Spec, service: &Service) -> (Effects, Option<Effects>) {
    let origin = |grant| Origin {
        grant,
        path: format!("services.{}", service.name),
        span: service.span,
        implied: true,
    };
    let mut main = Effects::default();
    match service.kind {
        ServiceKind::Lambda => {
            let group = names::log_group(spec, service).expect("lambda has a log group");
            logs_write(
                &mut Builder {
                    origin: origin(GrantKind::LogsWrite),
                    notes: vec![],
                    out: &mut main,
                },
                vec![Template::text(group)],
            );
            (main, None)
        }
        ServiceKind::EcsTask => {
            let mut exec = Effects::default();
            let repo = spec
                .resource(
                    ResourceKind::EcrRepository,
                    service.image.as_deref().expect("validated"),
                )
                .expect("validated");
            ecr_pull(
                &mut Builder {
                    origin: origin(GrantKind::EcrPull),
                    notes: vec![],
                    out: &mut exec,
                },
                &[repo.name.as_str()],
            );
            let group = names::log_group(spec, service).expect("ecs_task has a log group");
            logs_write(
                &mut Builder {
                    origin: origin(GrantKind::LogsWrite),
                    notes: vec![],
                    out: &mut exec,
                },
                vec![Template::text(group)],
            );
            if !service.secrets.is_empty() {
                let secrets: Vec<&str> = service
                    .secrets
                    .iter()
                    .map(|s| {
                        spec.resource(ResourceKind::Secret, s)
                            .expect("validated")
                            .name
                            .as_str()
                    })
                    .collect();
                secrets_read(
                    &mut Builder {
                        origin: origin(GrantKind::SecretsRead),
                        notes: vec![],
                        out: &mut exec,
                    },
                    &secrets,
                );
            }
            (main, Some(exec))
        }
        ServiceKind::ApiGateway => {
            // API Gateway's execution logs go to `API-Gateway-Execution-Logs_{api id}/{stage}`.
            let mut b = Builder {
                origin: origin(GrantKind::LogsWrite),
                notes: vec![],
                out: &mut main,
            };
            b.own_input(&service.name, "api_id", API_ID.into());
            let group = Template::from(vec![
                Segment::Text("API-Gateway-Execution-Logs_".into()),
                Segment::Input("api_id".into()),
                Segment::Text("/*".into()),
            ]);
            logs_write(&mut b, vec![group.clone()]);
            b.statement(
                "LogsDescribeStreams",
                &["logs:DescribeLogStreams"],
                vec![arns::log_group(group)],
                vec![],
            );
            (main, None)
        }
        ServiceKind::StepFunctions
        | ServiceKind::BedrockKnowledgeBase
        | ServiceKind::BedrockAgent => (main, None),
    }
}

fn s3(b: &mut Builder<'_>, buckets: &[&str], read: bool, write: bool, delete: bool) {
    let mut object_actions = Vec::new();
    let mut bucket_actions = vec!["s3:GetBucketLocation"];
    if read {
        object_actions.push("s3:GetObject");
        bucket_actions.push("s3:ListBucket");
    }
    if write {
        object_actions.extend(["s3:AbortMultipartUpload", "s3:PutObject"]);
    }
    if delete {
        object_actions.push("s3:DeleteObject");
    }
    let name = match (read, write) {
        (true, true) => "S3ReadWrite",
        (true, false) => "S3Read",
        _ => "S3Write",
    };
    b.statement(
        &format!("{name}Objects"),
        &object_actions,
        buckets.iter().map(|n| arns::objects(n)).collect(),
        vec![],
    );
    b.statement(
        &format!("{name}Buckets"),
        &bucket_actions,
        buckets.iter().map(|n| arns::bucket(n)).collect(),
        vec![],
    );
}

fn put_metrics(b: &mut Builder<'_>, namespaces: &[String]) {
    // PutMetricData accepts no resource; the namespace condition is what scopes it.
    let condition = Condition {
        test: "StringEquals".into(),
        variable: "cloudwatch:namespace".into(),
        values: namespaces
            .iter()
            .map(|n| Template::text(n.as_str()))
            .collect(),
    };
    b.statement(
        "CloudwatchPutMetrics",
        &["cloudwatch:PutMetricData"],
        vec![Template::star()],
        vec![condition],
    );
}

fn logs_write(b: &mut Builder<'_>, groups: Vec<Template>) {
    b.statement(
        "LogsCreateGroup",
        &["logs:CreateLogGroup"],
        groups.iter().cloned().map(arns::log_group).collect(),
        vec![],
    );
    b.statement(
        "LogsWriteStreams",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        groups.into_iter().map(arns::log_streams).collect(),
        vec![],
    );
}

fn xray(b: &mut Builder<'_>) {
    // X-Ray's write and sampling APIs accept no resource: Resource must be "*".
    b.statement(
        "XrayWrite",
        &[
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ],
        vec![Template::star()],
        vec![],
    );
}

fn ecr_pull(b: &mut Builder<'_>, repositories: &[&str]) {
    // GetAuthorizationToken accepts no resource; the image reads are scoped to the repositories.
    b.statement(
        "EcrAuthorizationToken",
        &["ecr:GetAuthorizationToken"],
        vec![Template::star()],
        vec![],
    );
    b.statement(
        "EcrPullImages",
        &[
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
        ],
        repositories.iter().map(|r| arns::repository(r)).collect(),
        vec![],
    );
}

fn secrets_read(b: &mut Builder<'_>, secrets: &[&str]) {
    b.statement(
        "SecretsRead",
        &["secretsmanager:GetSecretValue"],
        secrets.iter().map(|s| arns::secret(s)).collect(),
        vec![],
    );
}

fn pass_role(b: &mut Builder<'_>, roles: &[String], to_service: &str) {
    b.statement(
        "IamPassRole",
        &["iam:PassRole"],
        roles.iter().map(|r| arns::role(r)).collect(),
        vec![Condition::new(
            "StringEquals",
            "iam:PassedToService",
            Template::text(to_service),
        )],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;

    /// The statements (and permissions) service `f` gets from its explicit grants.
    fn effects(kind: &str, grant: &str, extra: &str) -> Effects {
        let yaml = format!(
            "project: p\nenvironment: e\nresources:\n  buckets: {{ b: data }}\n  ecr_repositories: {{ r: r }}\n  ecs_clusters: {{ c: c }}\n\
             services:\n  f:\n    kind: {kind}\n    grants: [ {grant} ]\n  t: {{ kind: ecs_task, image: r, cluster: c }}\n  l: {{ kind: lambda }}\n{extra}"
        );
        let spec = Spec::from_yaml("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
        let f = &spec.services["f"];
        let mut out = Effects::default();
        for g in &f.grants {
            expand(&spec, f, g, &mut out);
        }
        out
    }

    fn actions(e: &Effects) -> Vec<String> {
        e.statements
            .iter()
            .flat_map(|s| s.actions.clone())
            .collect()
    }

    #[test]
    fn s3_write_never_deletes_and_read_write_does() {
        let write = actions(&effects("lambda", "s3.write: b", ""));
        assert!(write.contains(&"s3:PutObject".to_string()));
        assert!(!write.iter().any(|a| a.contains("Delete")), "{write:?}");
        assert!(!write.contains(&"s3:GetObject".to_string()));
        let rw = actions(&effects("lambda", "s3.read_write: b", ""));
        assert!(
            rw.contains(&"s3:DeleteObject".to_string()) && rw.contains(&"s3:GetObject".to_string())
        );
        assert!(rw.len() <= 8, "a handful of actions, not CDK's 55: {rw:?}");
    }

    #[test]
    fn s3_objects_and_buckets_get_their_own_arns() {
        let e = effects("lambda", "s3.read: b", "");
        let objects = e
            .statements
            .iter()
            .find(|s| s.sid == "S3ReadObjects")
            .unwrap();
        assert_eq!(
            objects.resources[0].to_string(),
            "arn:${partition}:s3:::p-data-e/*"
        );
        let buckets = e
            .statements
            .iter()
            .find(|s| s.sid == "S3ReadBuckets")
            .unwrap();
        assert_eq!(
            buckets.resources[0].to_string(),
            "arn:${partition}:s3:::p-data-e"
        );
    }

    #[test]
    fn run_task_is_pinned_to_the_cluster_and_passes_only_the_tasks_roles_to_ecs() {
        let e = effects("step_functions", "ecs.run_task: t", "");
        let run = e.statements.iter().find(|s| s.sid == "EcsRunTask").unwrap();
        assert_eq!(run.conditions[0].variable, "ecs:cluster");
        let pass = e
            .statements
            .iter()
            .find(|s| s.sid == "IamPassRole")
            .unwrap();
        let roles: Vec<String> = pass.resources.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            roles,
            [
                "arn:${partition}:iam::${account}:role${var.path}p-t-e",
                "arn:${partition}:iam::${account}:role${var.path}p-t-execution-e"
            ]
        );
        assert_eq!(
            pass.conditions[0].values[0].to_string(),
            "ecs-tasks.amazonaws.com"
        );
    }

    #[test]
    fn invoke_from_api_gateway_is_a_permission_on_the_function_not_a_statement() {
        let e = effects("api_gateway", "lambda.invoke: l", "");
        assert!(e.statements.is_empty());
        assert_eq!(e.lambda_permissions.len(), 1);
        let p = &e.lambda_permissions[0];
        assert_eq!(
            (p.function_name.as_str(), p.principal),
            ("p-l-e", "apigateway.amazonaws.com")
        );
        assert_eq!(
            p.source_arn.to_string(),
            "arn:${partition}:execute-api:${region}:${account}:${var.api_id}/*"
        );
        assert_eq!(e.inputs["api_id"].global, "f_api_id");
        let from_sfn = effects("step_functions", "lambda.invoke: l", "");
        assert!(from_sfn.lambda_permissions.is_empty());
        assert_eq!(actions(&from_sfn), ["lambda:InvokeFunction"]);
    }

    #[test]
    fn pass_role_names_the_service_that_assumes_each_role() {
        let e = effects("lambda", "iam.pass_role: [t, l]", "");
        let to: Vec<String> = e
            .statements
            .iter()
            .map(|s| s.conditions[0].values[0].to_string())
            .collect();
        assert_eq!(to, ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]);
    }

    #[test]
    fn metrics_are_scoped_by_namespace() {
        let e = effects("lambda", "cloudwatch.put_metrics: [A, B]", "");
        let s = &e.statements[0];
        assert!(s.resources[0].is_star());
        assert_eq!(s.conditions[0].variable, "cloudwatch:namespace");
        assert_eq!(s.conditions[0].values.len(), 2);
    }

    #[test]
    fn every_grant_key_round_trips_and_cites_aws() {
        for def in GRANTS {
            assert_eq!(GrantKind::from_key(def.key), Some(def.kind));
            assert!(
                def.source.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                def.key
            );
        }
    }
}
