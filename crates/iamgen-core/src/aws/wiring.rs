//! The resource-based policies a platform's own wiring needs: an SNS topic or an EventBridge rule
//! delivering to a queue is allowed by the queue's policy, a topic invoking a function by the
//! function's policy. Each with the principal that sends, the condition naming the sender, the
//! Terraform resource that holds the policy, and the AWS page.

/// How one AWS service delivers to a resource of the platform, as the resource's policy allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivery {
    /// The service principal that sends.
    pub(crate) principal: &'static str,
    /// The action it is authorized for on the resource.
    pub(crate) action: &'static str,
    /// The condition operator on `aws:SourceArn` (the sender's ARN).
    pub(crate) test: &'static str,
    /// The AWS page with this policy.
    pub(crate) source: &'static str,
}

/// An SNS topic delivering to a subscribed queue: the queue policy lets `sns.amazonaws.com` send,
/// `ArnEquals aws:SourceArn` = the topic (SNS guide, "Subscribing an Amazon SQS queue to an
/// Amazon SNS topic", step 2).
pub(crate) const SNS_TO_QUEUE: Delivery = Delivery {
    principal: "sns.amazonaws.com",
    action: "sqs:SendMessage",
    test: "ArnEquals",
    source: "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html",
};

/// An EventBridge rule delivering to a queue target: `events.amazonaws.com` may send,
/// `ArnEquals aws:SourceArn` = the rule (EventBridge guide, "Using resource-based policies for
/// Amazon EventBridge", Amazon SQS permissions).
pub(crate) const RULE_TO_QUEUE: Delivery = Delivery {
    principal: "events.amazonaws.com",
    action: "sqs:SendMessage",
    test: "ArnEquals",
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
};

/// An SNS topic invoking a subscribed function: `sns.amazonaws.com` may invoke it with
/// `aws:SourceArn` = the topic, as `aws lambda add-permission --source-arn` writes it (`ArnLike`).
pub(crate) const SNS_TO_FUNCTION: Delivery = Delivery {
    principal: "sns.amazonaws.com",
    action: "lambda:InvokeFunction",
    test: "ArnLike",
    source: "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html",
};

/// The Terraform resource holding a queue's policy: one per queue (it replaces the queue's whole
/// policy), addressed by the queue's URL (`queue_url`), not its ARN (AWS provider schema,
/// `aws_sqs_queue_policy`).
pub(crate) const QUEUE_POLICY_RESOURCE: (&str, &str) = ("aws_sqs_queue_policy", "queue_url");

/// SQS's limit of statements in a queue policy
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html>).
pub(crate) const QUEUE_POLICY_STATEMENTS_MAX: usize = 20;
