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
mod keys;
mod messaging;
mod observability;
mod plain;
mod storage;
mod streams;
mod trust;
// Issue 11.
mod custom;
mod network;
mod orchestration;
mod tags;

use crate::aws::kms::KeyUse;
use crate::aws::Template;
use crate::grants::{GrantKind, Target};
use crate::intent::{Caller, Record, Subject};
use crate::kinds::RolePurpose;
use crate::kinds::{ResourceKind, ServiceKind};
use crate::naming::Names;
use crate::policy::Origin;
use crate::spec::{GrantUse, Resource, Service};

pub(crate) use builder::Effects;
use builder::{Builder, Ctx};
pub(crate) use trust::trust_intent;

/// Adds the statements and permissions of `grant`, written on `caller`, to `out`, with the
/// grant's intent: its own statements and the requests it exists for.
pub(crate) fn expand(names: Names<'_>, caller: &Service, grant: &GrantUse, out: &mut Effects) {
    let origin = Origin {
        grant: grant.kind,
        path: grant.path.clone(),
        implied: false,
        span: None,
        file: None,
    };
    let mut own = out.part();
    let mut b = Builder {
        origin: origin.clone(),
        notes: grant
            .allow
            .iter()
            .map(|(f, why)| format!("accepted {}: {why}", f.key()))
            .collect(),
        caller: Caller::Role(RolePurpose::Main),
        out: &mut own,
    };
    let g = Ctx {
        names,
        caller,
        grant,
    };
    type Build = fn(&mut Builder<'_>, &Ctx<'_>);
    let (build, requests): (Build, Build) = match grant.kind {
        GrantKind::S3Read => (storage::s3_read, storage::s3_read_requests),
        GrantKind::S3Write => (storage::s3_write, storage::s3_write_requests),
        GrantKind::S3ReadWrite => (storage::s3_read_write, storage::s3_read_write_requests),
        GrantKind::DynamodbRead => (storage::dynamodb_read, storage::dynamodb_read_requests),
        GrantKind::DynamodbReadWrite => (
            storage::dynamodb_read_write,
            storage::dynamodb_read_write_requests,
        ),
        GrantKind::SecretsRead => (storage::secrets_read, storage::secrets_read_requests),
        GrantKind::AthenaQuery => (analytics::athena_query, analytics::athena_query_requests),
        GrantKind::GlueRead => (analytics::glue_read, analytics::glue_read_requests),
        GrantKind::GlueWrite => (analytics::glue_write, analytics::glue_write_requests),
        GrantKind::GlueDelete => (analytics::glue_delete, analytics::glue_delete_requests),
        GrantKind::CloudwatchPutMetrics => (
            observability::cloudwatch_put_metrics,
            observability::cloudwatch_put_metrics_requests,
        ),
        GrantKind::LogsWrite => (
            observability::logs_write,
            observability::logs_write_requests,
        ),
        GrantKind::XrayWrite => (
            observability::xray_write,
            observability::xray_write_requests,
        ),
        GrantKind::LogsDelivery => (
            observability::logs_delivery,
            observability::logs_delivery_requests,
        ),
        GrantKind::BedrockInvokeModel => {
            (ai::bedrock_invoke_model, ai::bedrock_invoke_model_requests)
        }
        GrantKind::BedrockRetrieve => (ai::bedrock_retrieve, ai::bedrock_retrieve_requests),
        GrantKind::BedrockInvokeAgent => {
            (ai::bedrock_invoke_agent, ai::bedrock_invoke_agent_requests)
        }
        GrantKind::LambdaInvoke => (compute::lambda_invoke, compute::lambda_invoke_requests),
        GrantKind::EcsRunTask => (compute::ecs_run_task, compute::ecs_run_task_requests),
        GrantKind::EcrPull => (compute::ecr_pull, compute::ecr_pull_requests),
        GrantKind::EventsManageEcsSyncRule => (
            compute::events_manage_ecs_sync_rule,
            compute::events_manage_ecs_sync_rule_requests,
        ),
        GrantKind::IamPassRole => (iam::iam_pass_role, iam::iam_pass_role_requests),
        GrantKind::VectorStore => (ai::vector_store, ai::vector_store_requests),
        // Issue 11.
        GrantKind::StatesStartExecution => (
            orchestration::states_start_execution,
            orchestration::states_start_execution_requests,
        ),
        GrantKind::StatesStartSyncExecution => (
            orchestration::states_start_sync_execution,
            orchestration::states_start_sync_execution_requests,
        ),
        GrantKind::LambdaVpc => (network::lambda_vpc, network::lambda_vpc_requests),
        GrantKind::Statements => (custom::statements, custom::statements_requests),
        // ----- Messaging, keys, parameters and streams (issue 11). -----
        GrantKind::SqsSend => (messaging::sqs_send, messaging::sqs_send_requests),
        GrantKind::SqsConsume => (messaging::sqs_consume, messaging::sqs_consume_requests),
        GrantKind::SqsTrigger => (messaging::sqs_trigger, messaging::sqs_trigger_requests),
        GrantKind::SnsPublish => (messaging::sns_publish, messaging::sns_publish_requests),
        GrantKind::SnsTrigger => (messaging::sns_trigger, messaging::sns_trigger_requests),
        GrantKind::EventsPutEvents => (
            messaging::events_put_events,
            messaging::events_put_events_requests,
        ),
        GrantKind::SsmRead => (streams::ssm_read, streams::ssm_read_requests),
        GrantKind::KinesisRead => (streams::kinesis_read, streams::kinesis_read_requests),
        GrantKind::KinesisWrite => (streams::kinesis_write, streams::kinesis_write_requests),
        GrantKind::FirehosePut => (streams::firehose_put, streams::firehose_put_requests),
        GrantKind::DynamodbReadStream => (
            streams::dynamodb_read_stream,
            streams::dynamodb_read_stream_requests,
        ),
        GrantKind::KmsDecrypt => (keys::kms_decrypt, keys::kms_decrypt_requests),
        GrantKind::KmsEncrypt => (keys::kms_encrypt, keys::kms_encrypt_requests),
        // Never written in `grants:`: planned from the queue's declaration (`queue_policies`).
        GrantKind::QueuePolicy => return,
    };
    build(&mut b, &g);
    if b.records_requests() {
        requests(&mut b, &g);
    }
    // Tag-based access narrows what the grant's own statements reach, before any key is coupled:
    // a key is named exactly, never by a pattern.
    if grant.tags {
        tags::narrow(&mut *b.out, names);
    }
    // A grant on resources encrypted with a customer managed key also uses the key, the same way
    // for every grant: what the access needs, only through the resource's service.
    if let (Some(using), Target::Resource(kind)) = (grant.kind.key_use(), grant.kind.target()) {
        keys::couple(&mut b, kind, grant.resource_targets(), using);
    }
    out.absorb(own, origin, Subject::Grant, RolePurpose::Main);
}

/// The policies of the queues a service owns (it is their first consumer): each lets the
/// platform's topics and rules that deliver to the queue send to it. One implied intent per queue,
/// located at the queue's declaration.
pub(crate) fn queue_policies(names: Names<'_>, owned: &[&Resource], out: &mut Effects) {
    for queue in owned {
        // Written where the queue is declared (its `topics:` and `rules:`), not by the service kind.
        let origin = Origin {
            grant: GrantKind::QueuePolicy,
            path: format!("resources.{}.{}", ResourceKind::Queue.key(), queue.logical),
            implied: false,
            span: None,
            file: None,
        };
        let mut own = out.part();
        let mut b = Builder {
            origin: origin.clone(),
            notes: vec![],
            caller: Caller::Role(RolePurpose::Main),
            out: &mut own,
        };
        messaging::queue_policy(&mut b, queue);
        if b.records_requests() {
            messaging::queue_policy_requests(&mut b, names, queue);
        }
        out.absorb(own, origin, Subject::Implied, RolePurpose::Main);
    }
}

/// Builds one grant a service kind implies for role `purpose` into `out`, with its intent: its
/// statements (`build`), and the requests it exists for (`requests`) when the plan records them.
fn implied_by(
    service: &Service,
    grant: GrantKind,
    purpose: RolePurpose,
    out: &mut Effects,
    build: impl FnOnce(&mut Builder<'_>),
    requests: impl FnOnce(&mut Builder<'_>),
) {
    let origin = Origin {
        grant,
        path: service.path.clone(),
        implied: true,
        span: None,
        file: None,
    };
    let mut own = out.part();
    let mut b = Builder {
        origin: origin.clone(),
        notes: vec![],
        caller: Caller::Role(purpose),
        out: &mut own,
    };
    build(&mut b);
    if b.records_requests() {
        requests(&mut b);
    }
    out.absorb(own, origin, Subject::Implied, purpose);
}

/// The grants a service kind implies for each of its roles, built with the same rules as written
/// ones, each with the requests it exists for (as `record` says: see [`Effects::record`]).
/// Returns effects for the main role and, for `ecs_task`, the execution role.
pub(crate) fn implied(
    names: Names<'_>,
    service: &Service,
    record: Record,
) -> (Effects, Option<Effects>) {
    let effects = || Effects {
        record,
        ..Effects::default()
    };
    let mut main = effects();
    let log_group = names.log_group(&service.name, service.kind);
    let (main_role, exec_role) = (RolePurpose::Main, RolePurpose::Execution);
    match (service.kind, &service.container) {
        (ServiceKind::EcsTask, Some(container)) => {
            let mut exec = effects();
            let image = [container.image.name.as_str()];
            implied_by(
                service,
                GrantKind::EcrPull,
                exec_role,
                &mut exec,
                |b| {
                    compute::pull_images(b, &image);
                },
                |b| {
                    compute::pull_images_requests(b, &image);
                },
            );
            if let Some(group) = &log_group {
                implied_by(
                    service,
                    GrantKind::LogsWrite,
                    exec_role,
                    &mut exec,
                    |b| {
                        observability::write_log_groups(b, vec![Template::text(group.clone())]);
                    },
                    |b| {
                        observability::write_log_groups_requests(b, &[group.as_str()]);
                    },
                );
            }
            if !container.secrets.is_empty() {
                let secrets: Vec<&str> =
                    container.secrets.iter().map(|s| s.name.as_str()).collect();
                implied_by(
                    service,
                    GrantKind::SecretsRead,
                    exec_role,
                    &mut exec,
                    |b| {
                        storage::read_secrets(b, &secrets);
                        keys::couple(b, ResourceKind::Secret, &container.secrets, KeyUse::Read);
                    },
                    |b| {
                        storage::read_secrets_requests(b, &container.secrets);
                    },
                );
            }
            if !container.parameters.is_empty() {
                let parameters: Vec<&str> = container
                    .parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                implied_by(
                    service,
                    GrantKind::SsmRead,
                    exec_role,
                    &mut exec,
                    |b| {
                        streams::inject_parameters(b, &parameters);
                        keys::couple(
                            b,
                            ResourceKind::Parameter,
                            &container.parameters,
                            KeyUse::Read,
                        );
                    },
                    |b| {
                        streams::inject_parameters_requests(b, &container.parameters);
                    },
                );
            }
            (main, Some(exec))
        }
        (ServiceKind::EcsTask, None) => (main, None),
        (ServiceKind::ApiGateway, _) => {
            implied_by(
                service,
                GrantKind::LogsWrite,
                main_role,
                &mut main,
                |b| {
                    observability::api_gateway_cloudwatch_role(b);
                },
                |b| {
                    observability::api_gateway_cloudwatch_role_requests(b);
                },
            );
            (main, None)
        }
        _ => {
            if let Some(group) = &log_group {
                implied_by(
                    service,
                    GrantKind::LogsWrite,
                    main_role,
                    &mut main,
                    |b| {
                        observability::write_log_groups(b, vec![Template::text(group.clone())]);
                    },
                    |b| {
                        observability::write_log_groups_requests(b, &[group.as_str()]);
                    },
                );
            }
            // `vpc:` on a function: the network interfaces Lambda manages with its role.
            if let Some(vpc) = &service.vpc {
                implied_by(
                    service,
                    GrantKind::LambdaVpc,
                    main_role,
                    &mut main,
                    |b| {
                        network::network_interfaces(b, vpc);
                    },
                    |b| {
                        network::network_interfaces_requests(b, vpc);
                    },
                );
            }
            (main, None)
        }
    }
}

#[cfg(test)]
mod tests;
