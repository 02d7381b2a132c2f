//! Compute: invoking Lambda functions, running ECS tasks, pulling their images.

use super::builder::{example, Builder, Ctx, API_ID_DESCRIPTION};
use super::iam;
use crate::aws::ids::IdShape;
use crate::aws::{arns, principal, Condition, Segment, Template};
use crate::intent::{Caller, Place};
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
            statement_id: naming::permission_statement_id(&g.names.service(&caller.name)),
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
        // A schedule only starts tasks (EventBridge Scheduler's RunTask target call).
        if g.caller.kind != ServiceKind::Schedule {
            b.statement(
                "EcsManageTasks",
                &["ecs:DescribeTasks", "ecs:StopTask"],
                vec![arns::tasks(cluster)],
                vec![],
            );
        }
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

// ----- The requests each compute grant exists for, and its neighbours. -----

const SFN_LAMBDA: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html";
const LAMBDA_VERSIONS: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html";
const LAMBDA_RESOURCE_POLICY: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html";
const AGENT_ACTION_GROUP: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html";
const SFN_ECS: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html";
const ECS_TAGGING: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html";
const ECR: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html";
const SCHEDULER_LAMBDA: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html";
const SCHEDULER_ECS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html";

/// What `lambda.invoke` is for. From a role: invoking the functions, their versions and aliases
/// (each its own ARN). From an API or an agent: the service invoking the function for this API or
/// agent only, which the function's policy decides with `aws:SourceArn` and `aws:SourceAccount`.
pub(super) fn lambda_invoke_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let other = g.names.other_environment();
    let invoke = INVOKE_FUNCTION;
    let from = match g.caller.kind {
        ServiceKind::ApiGateway => Some((
            arns::execute_api(naming::API_ID),
            Template::arn("execute-api", true, true, "zz99yy88xx/prod/POST/predict"),
            "/prod/POST/predict",
        )),
        ServiceKind::BedrockAgent => Some((
            arns::agent(naming::AGENT_ID),
            Template::arn("bedrock", true, true, "agent/OTHERAGENT"),
            "",
        )),
        _ => None,
    };
    let account = || Template::from(vec![Segment::Account]);
    for t in g.grant.services() {
        let name = g.names.service(&t.name);
        let function = arns::function(&name);
        let Some((source, other_source, path)) = &from else {
            let page = match g.caller.kind {
                ServiceKind::Schedule => SCHEDULER_LAMBDA,
                _ => SFN_LAMBDA,
            };
            b.allow(invoke, function.clone(), "Invoke", page);
            b.allow(
                invoke,
                function.clone().with_text(":live"),
                "Invoke an alias",
                LAMBDA_VERSIONS,
            );
            b.allow(
                invoke,
                function.clone().with_text(":7"),
                "Invoke a version",
                LAMBDA_VERSIONS,
            );
            b.deny(
                invoke,
                arns::function(&format!("{name}-canary")),
                "a function whose name starts with this one's",
                LAMBDA_VERSIONS,
            );
            b.deny(
                invoke,
                arns::function(&other.service(&t.name)),
                "the same function in another environment",
                LAMBDA_VERSIONS,
            );
            b.deny(
                invoke,
                function.clone(),
                "the function in another region",
                LAMBDA_VERSIONS,
            )
            .at(Place::OtherRegion);
            b.deny(
                invoke,
                function.clone(),
                "the function in another account",
                LAMBDA_VERSIONS,
            )
            .at(Place::OtherAccount);
            b.deny(
                "lambda:UpdateFunctionCode",
                function.clone(),
                "changing the function's code",
                LAMBDA_VERSIONS,
            );
            continue;
        };
        let principal = Caller::Service(principal(g.caller.kind));
        let page = match g.caller.kind {
            ServiceKind::BedrockAgent => AGENT_ACTION_GROUP,
            _ => LAMBDA_RESOURCE_POLICY,
        };
        let ours = source.clone();
        let ours = match path.is_empty() {
            true => ours,
            false => strip_star(ours).with_text(path),
        };
        b.allow(invoke, function.clone(), "Invoke, for this caller", page)
            .by(principal)
            .with("aws:SourceArn", ours.clone())
            .with("aws:SourceAccount", account());
        b.deny(invoke, function.clone(), "for another API or agent", page)
            .by(principal)
            .with("aws:SourceArn", other_source.clone())
            .with("aws:SourceAccount", account());
        b.deny(
            invoke,
            function.clone(),
            "for the same caller in another account",
            LAMBDA_RESOURCE_POLICY,
        )
        .by(principal)
        .with("aws:SourceArn", ours.clone())
        .with("aws:SourceAccount", account())
        .at(Place::OtherAccount);
        b.deny(
            invoke,
            function.clone().with_text(":live"),
            "an alias (the permission names the unqualified function)",
            LAMBDA_RESOURCE_POLICY,
        )
        .by(principal)
        .with("aws:SourceArn", ours.clone())
        .with("aws:SourceAccount", account());
        let stranger = match g.caller.kind {
            ServiceKind::ApiGateway => "bedrock.amazonaws.com",
            _ => "apigateway.amazonaws.com",
        };
        b.deny(
            invoke,
            function,
            "another service principal",
            LAMBDA_RESOURCE_POLICY,
        )
        .by(Caller::Service(stranger))
        .with("aws:SourceArn", ours)
        .with("aws:SourceAccount", account());
    }
}

/// `arn:...:API_ID/*` without its final `*`.
fn strip_star(t: Template) -> Template {
    let mut out = Template::default();
    for s in t.segments() {
        match s {
            crate::aws::Segment::Text(text) => out.push_text(text.trim_end_matches("/*")),
            other => out.push(other.clone()),
        }
    }
    out
}

/// What `ecs.run_task` is for: running the tasks' definitions on their cluster (checked on the
/// revisioned task definition, with `ecs:cluster`), watching, stopping and tagging the tasks it
/// starts, and passing the tasks' two roles to ECS.
pub(super) fn ecs_run_task_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let other = g.names.other_environment();
    for task in g.grant.services() {
        let Some(cluster) = &task.cluster else {
            continue;
        };
        let family = g.names.service(&task.name);
        let definition = |family: &str| {
            Template::arn(
                "ecs",
                true,
                true,
                format!("task-definition/{family}:3").as_str(),
            )
        };
        let on = |cluster: &str| arns::cluster(cluster);
        let started = |cluster: &str| {
            Template::arn(
                "ecs",
                true,
                true,
                format!("task/{cluster}/{}", example::TASK).as_str(),
            )
        };
        let page = match g.caller.kind {
            ServiceKind::Schedule => SCHEDULER_ECS,
            _ => SFN_ECS,
        };
        b.allow("ecs:RunTask", definition(&family), "RunTask", page)
            .with("ecs:cluster", on(cluster));
        if g.caller.kind == ServiceKind::Schedule {
            b.deny(
                "ecs:StopTask",
                started(cluster),
                "stopping a task (a schedule only runs them)",
                SCHEDULER_ECS,
            );
        } else {
            b.allow(
                "ecs:DescribeTasks",
                started(cluster),
                "DescribeTasks",
                SFN_ECS,
            );
            b.allow("ecs:StopTask", started(cluster), "StopTask", SFN_ECS);
        }
        b.allow(
            "ecs:TagResource",
            started(cluster),
            "tags on RunTask",
            ECS_TAGGING,
        )
        .with("ecs:CreateAction", Template::text("RunTask"));
        b.deny(
            "ecs:RunTask",
            definition(&family),
            "another cluster",
            SFN_ECS,
        )
        .with("ecs:cluster", on("other-cluster"));
        b.deny(
            "ecs:RunTask",
            definition(&format!("{family}-debug")),
            "another task definition",
            SFN_ECS,
        )
        .with("ecs:cluster", on(cluster));
        b.deny(
            "ecs:RunTask",
            definition(&other.service(&task.name)),
            "the task in another environment",
            SFN_ECS,
        )
        .with("ecs:cluster", on(cluster));
        b.deny(
            "ecs:StopTask",
            started("other-cluster"),
            "a task of another cluster",
            SFN_ECS,
        );
        b.deny(
            "ecs:TagResource",
            started(cluster),
            "tagging outside RunTask",
            ECS_TAGGING,
        );
        b.deny(
            "ecs:RegisterTaskDefinition",
            Template::star(),
            "registering task definitions",
            SFN_ECS,
        );
    }
    let roles: Vec<(String, String)> = g
        .grant
        .services()
        .flat_map(|t| {
            g.names
                .roles(&t.name, t.kind)
                .into_iter()
                .zip(other.roles(&t.name, t.kind))
        })
        .collect();
    iam::pass_role_requests(b, &roles, principal(ServiceKind::EcsTask));
}

/// What `events.manage_ecs_sync_rule` is for: the one rule the `.sync` integration manages.
pub(super) fn events_manage_ecs_sync_rule_requests(b: &mut Builder<'_>, _: &Ctx<'_>) {
    let rule = arns::events_rule("StepFunctionsGetEventsForECSTaskRule");
    for action in ["events:PutRule", "events:PutTargets", "events:DescribeRule"] {
        b.allow(
            action,
            rule.clone(),
            action.trim_start_matches("events:"),
            SFN_ECS,
        );
    }
    b.deny(
        "events:PutTargets",
        arns::events_rule("other-rule"),
        "another rule",
        SFN_ECS,
    );
    b.deny("events:DeleteRule", rule, "deleting the rule", SFN_ECS);
}

/// What `ecr.pull` is for: pulling the repositories' images.
pub(super) fn ecr_pull_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    pull_images_requests(b, &g.grant.resources());
}

/// ECR checks the image reads on the repository; the token takes no resource.
pub(super) fn pull_images_requests(b: &mut Builder<'_>, repositories: &[&str]) {
    b.allow(
        "ecr:GetAuthorizationToken",
        Template::star(),
        "GetAuthorizationToken",
        ECR,
    );
    for r in repositories {
        let repo = arns::repository(r);
        for action in [
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability",
        ] {
            b.allow(action, repo.clone(), action.trim_start_matches("ecr:"), ECR);
        }
        b.deny(
            "ecr:BatchGetImage",
            arns::repository(&format!("{r}-base")),
            "a repository whose name starts with this one's",
            ECR,
        );
        b.deny(
            "ecr:BatchGetImage",
            repo.clone(),
            "the repository in another account",
            ECR,
        )
        .at(Place::OtherAccount);
        b.deny("ecr:PutImage", repo, "pushing an image", ECR);
    }
}
