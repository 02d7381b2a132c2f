//! The expansion: the exact statements (and resource-based permissions) each grant becomes.
//!
//! This is the one place that decides which actions a grant needs. Each set is the smallest that
//! does the job as the grant's AWS page documents it; action names are explicit (never globs), no
//! dependent action is added implicitly, and every ARN is of a resource type the action accepts.
//! `cargo test` checks every statement built here against the embedded AWS catalog (the checker).
//!
//! One module per family of grants; in each, one function per grant, named after it and documented
//! with what it allows. The requests each grant exists to allow (to be decided by an IAM evaluator in
//! the tests) belong beside that function, in the same family module.

mod ai;
mod analytics;
mod builder;
mod compute;
mod iam;
mod observability;
mod storage;

use crate::aws::Template;
use crate::grants::GrantKind;
use crate::kinds::ServiceKind;
use crate::naming::Names;
use crate::policy::Origin;
use crate::spec::{GrantUse, Service};

pub(crate) use builder::Effects;
use builder::{Builder, Ctx};

/// Adds the statements and permissions of `grant`, written on `caller`, to `out`.
pub(crate) fn expand(names: Names<'_>, caller: &Service, grant: &GrantUse, out: &mut Effects) {
    let mut b = Builder {
        origin: Origin {
            grant: grant.kind,
            path: grant.path.clone(),
            implied: false,
            span: None,
        },
        notes: grant
            .allow
            .iter()
            .map(|(f, why)| format!("accepted {}: {why}", f.key()))
            .collect(),
        out,
    };
    let g = Ctx {
        names,
        caller,
        grant,
    };
    let build: fn(&mut Builder<'_>, &Ctx<'_>) = match grant.kind {
        GrantKind::S3Read => storage::s3_read,
        GrantKind::S3Write => storage::s3_write,
        GrantKind::S3ReadWrite => storage::s3_read_write,
        GrantKind::DynamodbRead => storage::dynamodb_read,
        GrantKind::DynamodbReadWrite => storage::dynamodb_read_write,
        GrantKind::SecretsRead => storage::secrets_read,
        GrantKind::AthenaQuery => analytics::athena_query,
        GrantKind::GlueRead => analytics::glue_read,
        GrantKind::GlueWrite => analytics::glue_write,
        GrantKind::GlueDelete => analytics::glue_delete,
        GrantKind::CloudwatchPutMetrics => observability::cloudwatch_put_metrics,
        GrantKind::LogsWrite => observability::logs_write,
        GrantKind::XrayWrite => observability::xray_write,
        GrantKind::LogsDelivery => observability::logs_delivery,
        GrantKind::BedrockInvokeModel => ai::bedrock_invoke_model,
        GrantKind::BedrockRetrieve => ai::bedrock_retrieve,
        GrantKind::BedrockInvokeAgent => ai::bedrock_invoke_agent,
        GrantKind::LambdaInvoke => compute::lambda_invoke,
        GrantKind::EcsRunTask => compute::ecs_run_task,
        GrantKind::EcrPull => compute::ecr_pull,
        GrantKind::EventsManageEcsSyncRule => compute::events_manage_ecs_sync_rule,
        GrantKind::IamPassRole => iam::iam_pass_role,
        GrantKind::VectorStore => ai::vector_store,
    };
    build(&mut b, &g);
}

/// The grants a service kind implies for each of its roles, built with the same rules as written
/// ones. Returns effects for the main role and, for `ecs_task`, the execution role.
pub(crate) fn implied(names: Names<'_>, service: &Service) -> (Effects, Option<Effects>) {
    let mut main = Effects::default();
    fn implied_by<'a>(service: &Service, grant: GrantKind, out: &'a mut Effects) -> Builder<'a> {
        Builder {
            origin: Origin {
                grant,
                path: service.path.clone(),
                implied: true,
                span: None,
            },
            notes: vec![],
            out,
        }
    }
    let log_group = names.log_group(&service.name, service.kind);
    match (service.kind, &service.container) {
        (ServiceKind::EcsTask, Some(container)) => {
            let mut exec = Effects::default();
            compute::pull_images(
                &mut implied_by(service, GrantKind::EcrPull, &mut exec),
                &[container.image.name.as_str()],
            );
            if let Some(group) = log_group {
                observability::write_log_groups(
                    &mut implied_by(service, GrantKind::LogsWrite, &mut exec),
                    vec![Template::text(group)],
                );
            }
            if !container.secrets.is_empty() {
                let secrets: Vec<&str> =
                    container.secrets.iter().map(|s| s.name.as_str()).collect();
                storage::read_secrets(
                    &mut implied_by(service, GrantKind::SecretsRead, &mut exec),
                    &secrets,
                );
            }
            (main, Some(exec))
        }
        (ServiceKind::EcsTask, None) => (main, None),
        (ServiceKind::ApiGateway, _) => {
            observability::api_gateway_cloudwatch_role(&mut implied_by(
                service,
                GrantKind::LogsWrite,
                &mut main,
            ));
            (main, None)
        }
        _ => {
            if let Some(group) = log_group {
                observability::write_log_groups(
                    &mut implied_by(service, GrantKind::LogsWrite, &mut main),
                    vec![Template::text(group)],
                );
            }
            (main, None)
        }
    }
}

#[cfg(test)]
mod tests;
