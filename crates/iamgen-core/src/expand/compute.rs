//! Compute: invoking Lambda functions, running ECS tasks, pulling their images.

use super::builder::{Builder, Ctx, API_ID_DESCRIPTION};
use super::iam;
use crate::aws::ids::IdShape;
use crate::aws::{arns, principal, Condition, Template};
use crate::kinds::ServiceKind;
use crate::naming;
use crate::policy::LambdaPermission;

const INVOKE_FUNCTION: &str = "lambda:InvokeFunction";

/// `lambda.invoke`: invoke the functions. From `api_gateway` and `bedrock_agent`, whose calls AWS
/// checks on the function's side, a resource-based permission on each function instead.
pub(super) fn lambda_invoke(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let caller = g.caller;
    let (source_arn, source_account) = match caller.kind {
        ServiceKind::ApiGateway => {
            b.own_input(
                &caller.name,
                naming::API_ID,
                API_ID_DESCRIPTION,
                IdShape::RestApi,
            );
            (arns::execute_api(naming::API_ID), false)
        }
        ServiceKind::BedrockAgent => {
            b.own_input(
                &caller.name,
                naming::AGENT_ID,
                "Id of this service's Bedrock agent (known after it is created)",
                IdShape::Bedrock,
            );
            (arns::agent(naming::AGENT_ID), true)
        }
        _ => {
            // Unqualified and qualified (`:*`: versions and aliases) ARNs of the function.
            let resources = g
                .grant
                .services()
                .map(|t| g.names.service(&t.name))
                .flat_map(|f| [arns::function(&f), arns::function(&f).with_text(":*")])
                .collect();
            b.statement("LambdaInvoke", &[INVOKE_FUNCTION], resources, vec![]);
            return;
        }
    };
    for t in g.grant.services() {
        let permission = LambdaPermission {
            label: t.name.clone(),
            action: INVOKE_FUNCTION.to_string(),
            function_name: g.names.service(&t.name),
            principal: principal(caller.kind),
            source_arn: source_arn.clone(),
            source_account,
            origin: b.origin().clone(),
        };
        b.lambda_permission(permission);
    }
}

/// `ecs.run_task`: run, stop and describe the tasks on their cluster, and pass their two roles to ECS.
pub(super) fn ecs_run_task(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for task in g.grant.services() {
        let Some(cluster) = &task.cluster else {
            continue;
        };
        let family = g.names.service(&task.name);
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
        // RunTask with tags (its own, propagated or ECS-managed) is also authorized as
        // TagResource on the new task, with ecs:CreateAction = RunTask
        // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
        // AWS's examples use "*"; the task ARN is what ECS checks (the cluster's tasks, as
        // DescribeTasks and StopTask above), and the catalog and the evaluator agree on it.
        b.statement(
            "EcsTagNewTasks",
            &["ecs:TagResource"],
            vec![arns::tasks(cluster)],
            vec![Condition::new(
                "StringEquals",
                "ecs:CreateAction",
                Template::text("RunTask"),
            )],
        );
    }
    let roles: Vec<String> = g
        .grant
        .services()
        .flat_map(|t| g.names.roles(&t.name, t.kind))
        .collect();
    iam::pass_role(b, &roles, principal(ServiceKind::EcsTask));
}

/// `events.manage_ecs_sync_rule`: the one rule Step Functions' `.sync` integration manages in the
/// default event bus.
pub(super) fn events_manage_ecs_sync_rule(b: &mut Builder<'_>, _: &Ctx<'_>) {
    b.statement(
        "EventsManageEcsSyncRule",
        &["events:DescribeRule", "events:PutRule", "events:PutTargets"],
        vec![arns::events_rule("StepFunctionsGetEventsForECSTaskRule")],
        vec![],
    );
}

/// `ecr.pull`: pull images from the repositories.
pub(super) fn ecr_pull(b: &mut Builder<'_>, g: &Ctx<'_>) {
    pull_images(b, &g.grant.resources());
}

/// Pulls images from `repositories` (also what an ECS execution role needs to start its task).
pub(super) fn pull_images(b: &mut Builder<'_>, repositories: &[&str]) {
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
