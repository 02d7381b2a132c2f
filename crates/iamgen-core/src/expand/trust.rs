//! What each role's trust policy exists for: the service assuming the role, with the
//! `aws:SourceAccount` and `aws:SourceArn` it sends on behalf of its resource; and the neighbours
//! it must refuse (another account's resource, another resource, another service).

use crate::aws::{arns, Segment, Template, Trust};
use crate::intent::{Caller, Expected, Intent, Place, Subject};
use crate::kinds::{RolePurpose, ServiceKind};
use crate::naming::Names;
use crate::policy::Origin;
use crate::spec::Service;

/// The trust intent of `service`'s role `purpose`, named `role`.
pub(crate) fn trust_intent(
    names: Names<'_>,
    service: &Service,
    purpose: RolePurpose,
    role: &str,
    trust: &Trust,
) -> Intent {
    let mut requests = Vec::new();
    let arn = arns::role(role);
    let principal = trust.principal;
    let source = trust.source;
    let assume = |what: &str| {
        Expected::new(
            Caller::Service(principal),
            "sts:AssumeRole",
            arn.clone(),
            crate::intent::Expect::Allow,
            what,
            source,
        )
    };
    let refuse = |what: &str| {
        let mut e = assume(what);
        e.expect = crate::intent::Expect::Deny;
        e
    };
    let account = || Template::from(vec![Segment::Account]);
    let physical = names.service(&service.name);
    // The ARN of the resource on whose behalf the service assumes the role, and another one.
    let sources: Option<(Template, Template)> = match (service.kind, purpose) {
        (ServiceKind::StepFunctions, _) => Some((
            Template::arn(
                "states",
                true,
                true,
                format!("stateMachine:{physical}").as_str(),
            ),
            Template::arn(
                "states",
                true,
                true,
                format!("stateMachine:{physical}-copy").as_str(),
            ),
        )),
        (ServiceKind::EcsTask, RolePurpose::Main) => {
            let cluster = service
                .container
                .as_ref()
                .map(|c| c.cluster.name.clone())
                .unwrap_or_default();
            let task = format!("task/{cluster}/0123456789abcdef0123456789abcdef");
            Some((
                Template::arn("ecs", true, true, task.as_str()),
                Template::arn("ecs", true, true, task.as_str()),
            ))
        }
        (ServiceKind::BedrockKnowledgeBase, _) => Some((
            Template::arn("bedrock", true, true, "knowledge-base/KB12345678"),
            Template::arn("bedrock", true, true, "agent/AGENT12345"),
        )),
        (ServiceKind::BedrockAgent, _) => Some((
            Template::arn("bedrock", true, true, "agent/AGENT12345"),
            Template::arn("bedrock", true, true, "knowledge-base/KB12345678"),
        )),
        // EventBridge Scheduler sends the schedule group's ARN, for every schedule in it.
        (ServiceKind::Schedule, _) => {
            let group = service.schedule_group.clone().unwrap_or(physical.clone());
            Some((
                arns::schedule_group(&group),
                arns::schedule_group(&format!("{group}-other")),
            ))
        }
        _ => None,
    };
    match sources {
        Some((ours, other)) => {
            let mut e = assume("the service, for its own resource");
            e.context = vec![
                ("aws:SourceAccount", account()),
                ("aws:SourceArn", ours.clone()),
            ];
            requests.push(e);
            if service.kind == ServiceKind::StepFunctions {
                let mut e = assume("the service, for a version or alias of the state machine");
                e.context = vec![
                    ("aws:SourceAccount", account()),
                    ("aws:SourceArn", ours.clone().with_text(":prod")),
                ];
                requests.push(e);
            }
            let mut e = refuse("for the same resource in another account");
            e.context = vec![("aws:SourceAccount", account()), ("aws:SourceArn", ours)];
            e.place = Place::OtherAccount;
            requests.push(e);
            // A task role's source is any ECS resource of the account: no other resource to refuse.
            if service.kind != ServiceKind::EcsTask {
                let mut e = refuse("for another resource");
                e.context = vec![("aws:SourceAccount", account()), ("aws:SourceArn", other)];
                requests.push(e);
            }
            requests.push(refuse("without the source keys the service sends"));
        }
        None => requests.push(assume(
            "the service (AWS documents no source keys for this role)",
        )),
    }
    let stranger = match principal {
        "ec2.amazonaws.com" => "lambda.amazonaws.com",
        _ => "ec2.amazonaws.com",
    };
    let mut e = refuse("another service");
    e.caller = Caller::Service(stranger);
    requests.push(e);
    Intent {
        // A trust policy is the service kind's, not a grant's: the origin names the service (its
        // `grant` means nothing here; `subject` says what the intent is).
        origin: Origin {
            grant: crate::grants::GrantKind::IamPassRole,
            path: service.path.clone(),
            implied: true,
            span: None,
            file: None,
        },
        subject: Subject::Trust,
        role: purpose,
        statements: Vec::new(),
        requests,
    }
}
