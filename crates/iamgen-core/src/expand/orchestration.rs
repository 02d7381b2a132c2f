//! Orchestration: starting Step Functions state machines from other services (functions, tasks,
//! APIs, schedules and other state machines), and waiting for nested executions.

use super::builder::{Builder, Ctx};
use crate::aws::{arns, Template};
use crate::intent::Place;
use crate::kinds::ServiceKind;

const START_EXECUTION: &str = "states:StartExecution";
const START_SYNC_EXECUTION: &str = "states:StartSyncExecution";
const DESCRIBE_EXECUTION: &str = "states:DescribeExecution";
const STOP_EXECUTION: &str = "states:StopExecution";

/// The rule Step Functions manages in the default event bus to learn that a nested execution
/// started with `.sync` (or `.sync:2`) has finished.
const NESTED_SYNC_RULE: &str = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

/// What a caller of `states.start_execution` may do besides starting, by its kind: a schedule
/// only starts (EventBridge Scheduler's target call); an API starts and reads an execution's
/// status (the AWS tutorial's status endpoint); a function, task or state machine also stops it.
fn watches(kind: ServiceKind) -> &'static [&'static str] {
    match kind {
        ServiceKind::Schedule => &[],
        ServiceKind::ApiGateway => &[DESCRIBE_EXECUTION],
        _ => &[DESCRIBE_EXECUTION, STOP_EXECUTION],
    }
}

/// `states.start_execution`: start executions of the state machines (of their versions and
/// aliases too: Step Functions authorizes those on the state machine's own ARN), and describe and
/// stop them; from a state machine, also the rule Step Functions manages for nested `.sync`
/// executions.
pub(super) fn states_start_execution(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let machines: Vec<String> = g
        .grant
        .services()
        .map(|t| g.names.service(&t.name))
        .collect();
    b.statement(
        "StatesStartExecution",
        &[START_EXECUTION],
        machines.iter().map(|m| arns::state_machine(m)).collect(),
        vec![],
    );
    let watch = watches(g.caller.kind);
    if !watch.is_empty() {
        b.statement(
            "StatesWatchExecutions",
            watch,
            machines.iter().map(|m| arns::executions(m)).collect(),
            vec![],
        );
    }
    if g.caller.kind == ServiceKind::StepFunctions {
        b.statement(
            "EventsManageNestedSyncRule",
            &["events:DescribeRule", "events:PutRule", "events:PutTargets"],
            vec![arns::events_rule(NESTED_SYNC_RULE)],
            vec![],
        );
    }
}

/// `states.start_sync_execution`: run Express state machines synchronously.
pub(super) fn states_start_sync_execution(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let machines = g
        .grant
        .services()
        .map(|t| arns::state_machine(&g.names.service(&t.name)))
        .collect();
    b.statement(
        "StatesStartSyncExecution",
        &[START_SYNC_EXECUTION],
        machines,
        vec![],
    );
}

// ----- The requests each orchestration grant exists for, and its neighbours. -----

const SFN_IAM: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html";
const SFN_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html";
const SFN_VERSIONS: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/auth-version-alias.html";
const SFN_API_GATEWAY: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-api-gateway.html";
const SCHEDULER_TARGETS: &str =
    "https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html";
const START_SYNC: &str =
    "https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html";

/// An execution ARN of state machine `machine` (Step Functions checks Describe and Stop on it).
fn execution(machine: &str) -> Template {
    Template::arn(
        "states",
        true,
        true,
        format!("execution:{machine}:3f0c7a52-5a8e-4a9b-9d1e-0123456789ab").as_str(),
    )
}

/// What `states.start_execution` is for: starting the state machines (checked on the state
/// machine's unqualified ARN, with `states:StateMachineQualifier` for a version or an alias),
/// watching and stopping their executions
/// (checked on the execution's ARN); from a state machine, managing the nested `.sync` rule.
pub(super) fn states_start_execution_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let other = g.names.other_environment();
    let page = match g.caller.kind {
        ServiceKind::ApiGateway => SFN_API_GATEWAY,
        ServiceKind::Schedule => SCHEDULER_TARGETS,
        _ => SFN_IAM,
    };
    let watch = watches(g.caller.kind);
    for t in g.grant.services() {
        let name = g.names.service(&t.name);
        let machine = arns::state_machine(&name);
        b.allow(START_EXECUTION, machine.clone(), "StartExecution", page);
        b.allow(
            START_EXECUTION,
            machine.clone(),
            "StartExecution of an alias (authorized on the state machine's ARN)",
            SFN_VERSIONS,
        )
        .with("states:StateMachineQualifier", Template::text("prod"));
        for action in watch {
            b.allow(
                action,
                execution(&name),
                action.trim_start_matches("states:"),
                SFN_IAM,
            );
        }
        if !watch.contains(&STOP_EXECUTION) {
            b.deny(
                STOP_EXECUTION,
                execution(&name),
                "stopping an execution (this caller only starts)",
                SFN_REFERENCE,
            );
        }
        b.deny(
            START_EXECUTION,
            arns::state_machine(&format!("{name}-canary")),
            "a state machine whose name starts with this one's",
            SFN_REFERENCE,
        );
        b.deny(
            START_EXECUTION,
            arns::state_machine(&other.service(&t.name)),
            "the same state machine in another environment",
            SFN_REFERENCE,
        );
        b.deny(
            START_EXECUTION,
            machine.clone(),
            "the state machine in another account",
            SFN_REFERENCE,
        )
        .at(Place::OtherAccount);
        b.deny(
            START_EXECUTION,
            machine.clone(),
            "the state machine in another region",
            SFN_REFERENCE,
        )
        .at(Place::OtherRegion);
        b.deny(
            DESCRIBE_EXECUTION,
            execution(&format!("{name}-canary")),
            "an execution of another state machine",
            SFN_REFERENCE,
        );
        b.deny(
            START_SYNC_EXECUTION,
            machine.clone(),
            "a synchronous Express execution (states.start_sync_execution)",
            START_SYNC,
        );
        b.deny(
            "states:UpdateStateMachine",
            machine.clone(),
            "changing the state machine",
            SFN_REFERENCE,
        );
        b.deny(
            "states:DeleteStateMachine",
            machine,
            "deleting the state machine",
            SFN_REFERENCE,
        );
        b.deny(
            "states:SendTaskSuccess",
            Template::star(),
            "completing another workflow's task token",
            SFN_REFERENCE,
        );
    }
    if g.caller.kind == ServiceKind::StepFunctions {
        let rule = arns::events_rule(NESTED_SYNC_RULE);
        for action in ["events:PutRule", "events:PutTargets", "events:DescribeRule"] {
            b.allow(
                action,
                rule.clone(),
                action.trim_start_matches("events:"),
                SFN_IAM,
            );
        }
        b.deny(
            "events:PutTargets",
            arns::events_rule("other-rule"),
            "another rule",
            SFN_IAM,
        );
        b.deny("events:DeleteRule", rule, "deleting the rule", SFN_IAM);
    }
}

/// What `states.start_sync_execution` is for: running Express state machines synchronously,
/// checked on the state machine's ARN.
pub(super) fn states_start_sync_execution_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let other = g.names.other_environment();
    for t in g.grant.services() {
        let name = g.names.service(&t.name);
        let machine = arns::state_machine(&name);
        b.allow(
            START_SYNC_EXECUTION,
            machine.clone(),
            "StartSyncExecution",
            START_SYNC,
        );
        b.deny(
            START_SYNC_EXECUTION,
            arns::state_machine(&format!("{name}-canary")),
            "a state machine whose name starts with this one's",
            SFN_REFERENCE,
        );
        b.deny(
            START_SYNC_EXECUTION,
            arns::state_machine(&other.service(&t.name)),
            "the same state machine in another environment",
            SFN_REFERENCE,
        );
        b.deny(
            START_SYNC_EXECUTION,
            machine.clone(),
            "the state machine in another account",
            SFN_REFERENCE,
        )
        .at(Place::OtherAccount);
        b.deny(
            START_EXECUTION,
            machine,
            "an asynchronous execution (states.start_execution)",
            SFN_REFERENCE,
        );
    }
}
