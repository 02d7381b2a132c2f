//! Who may assume each kind of role, and the confused-deputy conditions AWS documents for it.
//!
//! `aws:SourceAccount` and `aws:SourceArn` in a trust policy stop another account's resource from
//! making the service act with our role. AWS documents them per service, and they must be left out
//! where the service does not send them, or the role can never be assumed.

use serde_json::{json, Value};

use super::condition::{conditions_json, Condition};
use super::template::{Segment, Template, Values};
use crate::kinds::{RolePurpose, ServiceKind};

/// A role's trust policy: one service principal, and the conditions on assuming.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Trust {
    /// The service principal, such as `states.amazonaws.com`.
    pub principal: &'static str,
    /// Conditions on `sts:AssumeRole`.
    pub conditions: Vec<Condition>,
    /// The AWS page that documents this trust policy.
    pub source: &'static str,
}

/// The service principal that assumes the roles of a service of `kind` (and to which they are passed).
pub fn principal(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Lambda => "lambda.amazonaws.com",
        ServiceKind::StepFunctions => "states.amazonaws.com",
        ServiceKind::EcsTask => "ecs-tasks.amazonaws.com",
        ServiceKind::BedrockKnowledgeBase | ServiceKind::BedrockAgent => "bedrock.amazonaws.com",
        ServiceKind::ApiGateway => "apigateway.amazonaws.com",
        ServiceKind::Schedule => "scheduler.amazonaws.com",
    }
}

impl Trust {
    /// The trust policy for the main role of a service of `kind`; `physical_name` is the service's
    /// own name (the state machine's name, for example), used where the source ARN can be exact.
    pub fn for_kind(kind: ServiceKind, physical_name: &str) -> Trust {
        Trust::for_role(kind, RolePurpose::Main, physical_name)
    }

    /// The trust policy for the role `purpose` of a service of `kind`: each role gets only the
    /// conditions AWS documents for it, from its own page. For a `schedule`, `physical_name` is
    /// its schedule group's name.
    pub fn for_role(kind: ServiceKind, purpose: RolePurpose, physical_name: &str) -> Trust {
        let account = || {
            Condition::new(
                "StringEquals",
                "aws:SourceAccount",
                Template::from(vec![Segment::Account]),
            )
        };
        let source_arn = |service: &str, resources: &[&str]| {
            Condition::any_of(
                "ArnLike",
                "aws:SourceArn",
                resources
                    .iter()
                    .map(|r| Template::arn(service, true, true, *r))
                    .collect(),
            )
        };
        if purpose == RolePurpose::Execution {
            // The execution role's documented trust policy is the service principal alone: ECS
            // (its agent, before the task runs) assumes it to pull the image, write the logs and
            // read injected secrets, and AWS does not say it sends aws:SourceAccount or
            // aws:SourceArn then. A condition on a key that is not sent would fail every task start.
            return Trust {
                principal: principal(kind),
                conditions: vec![],
                source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
            };
        }
        match kind {
            // Lambda does not document aws:SourceArn / aws:SourceAccount for execution roles:
            // the function's role is assumed by the service at each invocation.
            ServiceKind::Lambda => Trust {
                principal: principal(kind),
                conditions: vec![],
                source: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
            },
            // The machine and its versions and aliases (`stateMachine:NAME:1`, `:prod`), which run
            // with its role: AWS does not say which of these ARNs Step Functions sends.
            ServiceKind::StepFunctions => Trust {
                principal: principal(kind),
                conditions: vec![account(), source_arn("states", &[&format!("stateMachine:{physical_name}"), &format!("stateMachine:{physical_name}:*")])],
                source: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
            },
            // The task role: the ECS docs recommend `arn:aws:ecs:region:account:*` (a source ARN of
            // one cluster is not supported).
            ServiceKind::EcsTask => Trust {
                principal: principal(kind),
                conditions: vec![account(), source_arn("ecs", &["*"])],
                source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
            },
            // The knowledge base id exists only after the role does, so the ARN is a pattern.
            ServiceKind::BedrockKnowledgeBase => Trust {
                principal: principal(kind),
                conditions: vec![account(), source_arn("bedrock", &["knowledge-base/*"])],
                source: "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html",
            },
            ServiceKind::BedrockAgent => Trust {
                principal: principal(kind),
                conditions: vec![account(), source_arn("bedrock", &["agent/*"])],
                source: "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html",
            },
            // AWS documents this role's trust with the service principal alone (set-up-logging
            // and the AWS::ApiGateway::Account example), and no source conditions: the role serves
            // every REST API of the account and region, so no single source ARN would fit anyway.
            ServiceKind::ApiGateway => Trust {
                principal: principal(kind),
                conditions: vec![],
                source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
            },
            // EventBridge Scheduler sends its schedule group's ARN as aws:SourceArn: AWS says to
            // scope it to the group, never to a schedule or a schedule name prefix (an older
            // version of the page said the schedule's ARN).
            ServiceKind::Schedule => Trust {
                principal: principal(kind),
                conditions: vec![account(), source_arn("scheduler", &[&format!("schedule-group/{physical_name}")])],
                source: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
            },
        }
    }

    /// The trust policy as IAM JSON.
    pub fn to_json(&self, values: &Values) -> Value {
        let mut statement = json!({
            "Sid": "AssumeRole",
            "Effect": "Allow",
            "Principal": { "Service": self.principal },
            "Action": "sts:AssumeRole",
        });
        if !self.conditions.is_empty() {
            statement["Condition"] = conditions_json(&self.conditions, values);
        }
        json!({ "Version": "2012-10-17", "Statement": [statement] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_gateway_lambda_and_ecs_execution_roles_have_no_source_conditions() {
        assert!(
            Trust::for_role(ServiceKind::EcsTask, RolePurpose::Execution, "x")
                .conditions
                .is_empty()
        );
        assert_eq!(
            Trust::for_kind(ServiceKind::EcsTask, "x").conditions.len(),
            2
        );
        assert!(Trust::for_kind(ServiceKind::ApiGateway, "x")
            .conditions
            .is_empty());
        assert!(Trust::for_kind(ServiceKind::Lambda, "x")
            .conditions
            .is_empty());
    }

    #[test]
    fn step_functions_names_its_state_machine() {
        let t = Trust::for_kind(ServiceKind::StepFunctions, "engagement-pipeline-dev");
        let json = t.to_json(&Values {
            partition: "aws".into(),
            region: "eu-west-1".into(),
            account: "111122223333".into(),
            inputs: Default::default(),
            dns_suffix: None,
        });
        let cond = &json["Statement"][0]["Condition"];
        assert_eq!(cond["StringEquals"]["aws:SourceAccount"][0], "111122223333");
        assert_eq!(
            cond["ArnLike"]["aws:SourceArn"],
            json!([
                "arn:aws:states:eu-west-1:111122223333:stateMachine:engagement-pipeline-dev",
                "arn:aws:states:eu-west-1:111122223333:stateMachine:engagement-pipeline-dev:*"
            ])
        );
    }
}
