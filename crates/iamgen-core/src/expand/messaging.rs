//! Messaging: SQS queues, SNS topics, EventBridge event buses, and the queue policies the
//! platform's own wiring needs (a topic or a rule delivering to a queue).

use super::builder::{example, Builder, Ctx};
use super::plain::{self, Plain};
use crate::aws::wiring::{self, Delivery};
use crate::aws::{arns, Condition, Segment, Template};
use crate::intent::{Caller, Place};
use crate::naming::{self, Names};
use crate::policy::LambdaPermission;
use crate::resource_policy::{ResourcePolicy, ResourceStatement};
use crate::spec::{Resource, Sender};

const SQS_SEND: &[&str] = &["sqs:SendMessage"];
const SQS_CONSUME: &[&str] = &[
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
];
/// What Lambda's event source mapping calls with the function's role (Lambda's and SQS's pages
/// list these three; it never changes a message's visibility).
const SQS_TRIGGER: &[&str] = &[
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
];

/// `sqs.send`: send messages to the queues. `SendMessageBatch` is authorized as `SendMessage`; it
/// is no IAM action of its own.
pub(super) fn sqs_send(b: &mut Builder<'_>, g: &Ctx<'_>) {
    queues(b, g, "SqsSend", SQS_SEND);
}

/// `sqs.consume`: receive, delete and change the visibility of messages (their batches too), and
/// read the queues' attributes.
pub(super) fn sqs_consume(b: &mut Builder<'_>, g: &Ctx<'_>) {
    queues(b, g, "SqsConsume", SQS_CONSUME);
}

/// `sqs.trigger`: exactly what a Lambda event source mapping on the queues needs.
pub(super) fn sqs_trigger(b: &mut Builder<'_>, g: &Ctx<'_>) {
    queues(b, g, "SqsEventSourceMapping", SQS_TRIGGER);
}

fn queues(b: &mut Builder<'_>, g: &Ctx<'_>, sid: &str, actions: &[&str]) {
    let arns = g.grant.resources().iter().map(|q| arns::queue(q)).collect();
    b.statement(sid, actions, arns, vec![]);
}

/// `sns.publish`: publish to the topics (`PublishBatch` is authorized as `Publish`).
pub(super) fn sns_publish(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g.grant.resources().iter().map(|t| arns::topic(t)).collect();
    b.statement("SnsPublish", &["sns:Publish"], arns, vec![]);
}

/// `sns.trigger`: each topic may invoke the function, for its subscription: a resource-based
/// permission on the function (SNS invokes it with its own principal, not with a role).
pub(super) fn sns_trigger(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let function = g.names.service(&g.caller.name);
    for topic in g.grant.resource_targets() {
        let permission = LambdaPermission {
            label: format!("sns_{}", topic.logical),
            statement_id: naming::permission_statement_id(&topic.name),
            action: wiring::SNS_TO_FUNCTION.action.to_string(),
            function_name: function.clone(),
            principal: wiring::SNS_TO_FUNCTION.principal,
            source_arn: arns::topic(&topic.name),
            source_account: false,
            origin: b.origin().clone(),
        };
        b.lambda_permission(permission);
    }
}

/// `events.put_events`: put events on the event buses.
pub(super) fn events_put_events(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g
        .grant
        .resources()
        .iter()
        .map(|bus| arns::event_bus(bus))
        .collect();
    b.statement("EventsPutEvents", &["events:PutEvents"], arns, vec![]);
}

/// The policy of `queue`, written in the module of its first consumer: each topic and rule that
/// delivers to it may send to it, only as itself (`aws:SourceArn`). The queue's URL, which
/// `aws_sqs_queue_policy` names it by, is a module input.
pub(super) fn queue_policy(b: &mut Builder<'_>, queue: &Resource) {
    let url = naming::queue_url_input(&queue.logical);
    b.input_with_example(
        url.clone(),
        format!(
            "URL of SQS queue {} (aws_sqs_queue.*.url, or its id), for its queue policy",
            queue.name
        ),
        format!(
            "https://sqs.eu-west-1.amazonaws.com/111122223333/{}",
            queue.name
        ),
    );
    let statements = queue
        .senders()
        .iter()
        .map(|sender| {
            let (delivery, arn, what) = sent_by(sender);
            ResourceStatement {
                sid: sid(sender),
                principal: delivery.principal,
                actions: vec![delivery.action.to_string()],
                conditions: vec![Condition::new(delivery.test, "aws:SourceArn", arn)],
                sender: what,
                source: delivery.source,
            }
        })
        .collect();
    let notes = match queue.key() {
        Some(key) => vec![format!(
            "the queue is encrypted with KMS key {} ({}): its key policy must also let {} use the key (kms:GenerateDataKey, kms:Decrypt); iamgen does not write key policies: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
            key.logical,
            key.id,
            principals(queue).join(" and ")
        )],
        None => vec![],
    };
    let policy = ResourcePolicy {
        label: naming::resource_policy_label("queue", &queue.logical),
        resource_type: wiring::QUEUE_POLICY_RESOURCE.0,
        target_argument: wiring::QUEUE_POLICY_RESOURCE.1,
        target: Template::from(vec![Segment::Input(url)]),
        arn: arns::queue(&queue.name),
        about: format!("SQS queue {}", queue.name),
        statements,
        notes,
        origin: b.origin().clone(),
    };
    b.resource_policy(policy);
}

/// The delivery a sender makes, its ARN, and what it is.
fn sent_by(sender: &Sender) -> (Delivery, Template, String) {
    match sender {
        Sender::Topic { name, .. } => (
            wiring::SNS_TO_QUEUE,
            arns::topic(name),
            format!("SNS topic {name}"),
        ),
        Sender::Rule { bus, rule, .. } => (
            wiring::RULE_TO_QUEUE,
            arns::rule_on(bus, rule),
            format!("EventBridge rule {rule} (event bus {bus})"),
        ),
    }
}

/// The service principals that deliver to `queue`.
fn principals(queue: &Resource) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in queue.senders() {
        let p = sent_by(s).0.principal;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// `FromTopicOrderEvents`, `FromRuleOrdersOrderPlaced`: letters and digits only.
fn sid(sender: &Sender) -> String {
    let (what, name) = match sender {
        Sender::Topic { logical, .. } => ("Topic", logical.as_str()),
        Sender::Rule { written, .. } => ("Rule", written.as_str()),
    };
    let camel: String = name
        .split(['_', '/', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("From{what}{camel}")
}

// ----- The requests each messaging grant exists for, and its neighbours. -----

const SQS_PERMISSIONS: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html";
const SQS_BATCH: &str =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html";
const SQS_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html";
const SQS_LAMBDA: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html";
const SNS_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html";
const SNS_PUBLISH: &str =
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html";
const EVENTS_PUT: &str =
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html";
const EVENTS_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html";
const LAMBDA_RESOURCE_POLICY: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html";

/// What `sqs.send` is for: sending messages, one at a time or in batches (each checked as
/// `sqs:SendMessage` on the queue's ARN); never receiving or deleting them.
pub(super) fn sqs_send_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::queue,
        allowed: &[(
            "sqs:SendMessage",
            "SendMessage, and SendMessageBatch (authorized as SendMessage)",
        )],
        denied: &[
            ("sqs:ReceiveMessage", "receive where only send is granted"),
            (
                "sqs:DeleteMessage",
                "delete messages where only send is granted",
            ),
            ("sqs:PurgeQueue", "purging the queue"),
            (
                "sqs:SetQueueAttributes",
                "changing the queue's attributes and policy",
            ),
        ],
        noun: "queue",
        source: SQS_BATCH,
        reference: SQS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `sqs.consume` is for: receiving, deleting and hiding messages (batches included) and
/// reading the queue's attributes; never sending.
pub(super) fn sqs_consume_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::queue,
        allowed: &[
            ("sqs:ReceiveMessage", "ReceiveMessage"),
            ("sqs:DeleteMessage", "DeleteMessage and DeleteMessageBatch"),
            (
                "sqs:ChangeMessageVisibility",
                "ChangeMessageVisibility and ChangeMessageVisibilityBatch",
            ),
            ("sqs:GetQueueAttributes", "GetQueueAttributes"),
        ],
        denied: &[
            ("sqs:SendMessage", "send where only consume is granted"),
            ("sqs:PurgeQueue", "purging the queue"),
            (
                "sqs:SetQueueAttributes",
                "changing the queue's attributes and policy",
            ),
            ("sqs:DeleteQueue", "deleting the queue"),
        ],
        noun: "queue",
        source: SQS_PERMISSIONS,
        reference: SQS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `sqs.trigger` is for: the event source mapping's own calls with the function's role.
pub(super) fn sqs_trigger_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::queue,
        allowed: &[
            ("sqs:ReceiveMessage", "the mapping polling the queue"),
            (
                "sqs:DeleteMessage",
                "the mapping deleting a processed batch",
            ),
            (
                "sqs:GetQueueAttributes",
                "the mapping reading the queue's attributes",
            ),
        ],
        denied: &[
            ("sqs:SendMessage", "send where only the mapping is granted"),
            (
                "sqs:ChangeMessageVisibility",
                "changing visibility (the mapping does not)",
            ),
            ("sqs:PurgeQueue", "purging the queue"),
        ],
        noun: "queue",
        source: SQS_LAMBDA,
        reference: SQS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `sns.publish` is for: publishing (batches are authorized as `sns:Publish`); never
/// subscribing an endpoint or changing the topic.
pub(super) fn sns_publish_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::topic,
        allowed: &[(
            "sns:Publish",
            "Publish, and PublishBatch (authorized as Publish)",
        )],
        denied: &[
            ("sns:Subscribe", "subscribing an endpoint to the topic"),
            (
                "sns:SetTopicAttributes",
                "changing the topic's attributes and policy",
            ),
            ("sns:DeleteTopic", "deleting the topic"),
        ],
        noun: "topic",
        source: SNS_PUBLISH,
        reference: SNS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `sns.trigger` is for: SNS invoking the function for each of its topics, which the
/// function's policy decides with `aws:SourceArn`; never for another topic or another principal.
pub(super) fn sns_trigger_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let function = arns::function(&g.names.service(&g.caller.name));
    let sns = Caller::Service(wiring::SNS_TO_FUNCTION.principal);
    let invoke = wiring::SNS_TO_FUNCTION.action;
    let page = wiring::SNS_TO_FUNCTION.source;
    let account = || Template::from(vec![Segment::Account]);
    for topic in g.grant.resource_targets() {
        let source = arns::topic(&topic.name);
        b.allow(
            invoke,
            function.clone(),
            "SNS delivering a message of the topic",
            page,
        )
        .by(sns)
        .with("aws:SourceArn", source.clone())
        .with("aws:SourceAccount", account());
        b.deny(invoke, function.clone(), "for another topic", page)
            .by(sns)
            .with(
                "aws:SourceArn",
                arns::topic(&format!("{}-other", topic.name)),
            )
            .with("aws:SourceAccount", account());
        b.deny(
            invoke,
            function.clone(),
            "another service principal",
            LAMBDA_RESOURCE_POLICY,
        )
        .by(Caller::Service(wiring::RULE_TO_QUEUE.principal))
        .with("aws:SourceArn", source.clone())
        .with("aws:SourceAccount", account());
        b.deny(
            invoke,
            function.clone().with_text(":live"),
            "an alias (the permission names the unqualified function)",
            LAMBDA_RESOURCE_POLICY,
        )
        .by(sns)
        .with("aws:SourceArn", source)
        .with("aws:SourceAccount", account());
    }
}

/// What `events.put_events` is for: putting events on the buses; never managing their rules.
pub(super) fn events_put_events_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::event_bus,
        allowed: &[("events:PutEvents", "PutEvents")],
        denied: &[("events:DeleteEventBus", "deleting the event bus")],
        noun: "event bus",
        source: EVENTS_PUT,
        reference: EVENTS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
    for bus in g.grant.resource_targets() {
        b.deny(
            "events:PutRule",
            arns::rule_on(&example::named(&bus.name), "any-rule"),
            "creating or changing a rule on the bus",
            EVENTS_REFERENCE,
        );
    }
    b.deny(
        "events:PutPermission",
        Template::star(),
        "changing an event bus's policy",
        EVENTS_REFERENCE,
    );
}

/// What a queue's policy is for: each of its senders delivering to it, only as itself.
pub(super) fn queue_policy_requests(b: &mut Builder<'_>, names: Names<'_>, queue: &Resource) {
    let arn = arns::queue(&queue.name);
    let account = || Template::from(vec![Segment::Account]);
    for sender in queue.senders() {
        let (delivery, source, what) = sent_by(sender);
        let by = Caller::Service(delivery.principal);
        let other_sender = match sender {
            Sender::Topic { name, .. } => arns::topic(&format!("{name}-other")),
            Sender::Rule { bus, .. } => arns::rule_on(bus, &names.physical("other_rule")),
        };
        let stranger = match sender {
            Sender::Topic { .. } => wiring::RULE_TO_QUEUE.principal,
            Sender::Rule { .. } => wiring::SNS_TO_QUEUE.principal,
        };
        b.allow(
            delivery.action,
            arn.clone(),
            &format!("{what} delivering"),
            delivery.source,
        )
        .by(by)
        .with("aws:SourceArn", source.clone())
        .with("aws:SourceAccount", account());
        b.deny(
            delivery.action,
            arn.clone(),
            "another sender of the same service",
            delivery.source,
        )
        .by(by)
        .with("aws:SourceArn", other_sender)
        .with("aws:SourceAccount", account());
        b.deny(
            delivery.action,
            arn.clone(),
            "a sender that does not name itself",
            delivery.source,
        )
        .by(by)
        .with("aws:SourceAccount", account());
        b.deny(
            delivery.action,
            arn.clone(),
            "another service principal",
            delivery.source,
        )
        .by(Caller::Service(stranger))
        .with("aws:SourceArn", source.clone())
        .with("aws:SourceAccount", account());
        b.deny(
            "sqs:ReceiveMessage",
            arn.clone(),
            "the sender reading the queue",
            SQS_REFERENCE,
        )
        .by(by)
        .with("aws:SourceArn", source.clone())
        .with("aws:SourceAccount", account());
        b.deny(
            delivery.action,
            arn.clone(),
            "the queue in another account",
            delivery.source,
        )
        .by(by)
        .with("aws:SourceArn", source)
        .with("aws:SourceAccount", account())
        .at(Place::OtherAccount);
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Settings};

    fn spec(services: &str) -> String {
        format!(
            "project: p\nenvironment: e\nresources:\n  topics: {{ t: t }}\n  event_buses: {{ b: b }}\n\
             queues: {{ q: {{ topics: [t], rules: [placed, b/shipped] }} }}\nservices:\n{services}"
        )
        .replace("\nqueues", "\n  queues")
    }

    #[test]
    fn a_queues_policy_is_in_its_first_consumers_module_one_statement_per_sender() {
        let yaml = spec(
            "  producer: { kind: lambda, grants: [ sqs.send: q ] }\n\
             \x20 first: { kind: ecs_task, image: r, cluster: c, grants: [ sqs.consume: q ] }\n\
             \x20 second: { kind: lambda, grants: [ sqs.trigger: q ] }\n",
        )
        .replace(
            "resources:\n",
            "resources:\n  ecr_repositories: { r: r }\n  ecs_clusters: { c: c }\n",
        );
        let plan = compile("t.yaml", &yaml, &Settings::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .plan;
        let owners: Vec<&str> = plan
            .services
            .iter()
            .filter(|s| !s.resource_policies.is_empty())
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(owners, ["first"]);
        let policy = &plan.services[1].resource_policies[0];
        assert_eq!(
            (policy.resource_type, policy.target_argument),
            ("aws_sqs_queue_policy", "queue_url")
        );
        let sids: Vec<&str> = policy.statements.iter().map(|s| s.sid.as_str()).collect();
        assert_eq!(sids, ["FromTopicT", "FromRulePlaced", "FromRuleBShipped"]);
        let sources: Vec<String> = policy
            .statements
            .iter()
            .map(|s| s.conditions[0].values[0].to_string())
            .collect();
        assert_eq!(
            sources,
            [
                "arn:${partition}:sns:${region}:${account}:p-t-e",
                "arn:${partition}:events:${region}:${account}:rule/p-placed-e",
                "arn:${partition}:events:${region}:${account}:rule/p-b-e/p-shipped-e",
            ]
        );
        assert_eq!(plan.services[1].inputs.last().unwrap().name, "q_queue_url");
    }
}
