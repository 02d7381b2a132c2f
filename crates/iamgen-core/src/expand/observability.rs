//! Observability: CloudWatch metrics, CloudWatch Logs, X-Ray.

use super::builder::{Builder, Ctx};
use crate::aws::{arns, Condition, Template};

/// `cloudwatch.put_metrics`: publish custom metrics, only to the named namespaces.
pub(super) fn cloudwatch_put_metrics(b: &mut Builder<'_>, g: &Ctx<'_>) {
    // PutMetricData accepts no resource; the namespace condition is what scopes it.
    let namespaces = g.grant.texts().into_iter().map(Template::text).collect();
    b.statement(
        "CloudwatchPutMetrics",
        &["cloudwatch:PutMetricData"],
        vec![Template::star()],
        vec![Condition::any_of(
            "StringEquals",
            "cloudwatch:namespace",
            namespaces,
        )],
    );
}

/// `logs.write`: create the log groups, their streams, and put log events.
pub(super) fn logs_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let groups = g.grant.texts().into_iter().map(Template::text).collect();
    write_log_groups(b, groups);
}

/// Creates `groups`, their streams, and puts events (also what each service kind's own logs need).
pub(super) fn write_log_groups(b: &mut Builder<'_>, groups: Vec<Template>) {
    b.statement(
        "LogsCreateGroup",
        &["logs:CreateLogGroup"],
        groups
            .iter()
            .cloned()
            .map(arns::log_group_actions)
            .collect(),
        vec![],
    );
    b.statement(
        "LogsWriteStreams",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        groups.into_iter().map(arns::log_streams).collect(),
        vec![],
    );
}

/// Why an `api_gateway` role reaches every log group of its region and account.
const API_GATEWAY_REGION_WIDE: &str = "Region-wide on purpose: API Gateway's CloudWatch role is one setting per account and region (aws_api_gateway_account), used by every REST API there for execution and access logs; these are the actions of AmazonAPIGatewayPushToCloudWatchLogs, scoped to this region and account. https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html";

/// What an `api_gateway` service's role may do: be API Gateway's CloudWatch role for the region.
/// API Gateway uses that one role (an account setting) for every REST API of the account and
/// region, writing execution logs to `API-Gateway-Execution-Logs_{api}/{stage}` and access logs to
/// the groups each stage names; AWS says `AmazonAPIGatewayPushToCloudWatchLogs` has what it needs
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html>).
/// Its seven actions, each on the resource type it accepts, in this region and account only.
pub(super) fn api_gateway_cloudwatch_role(b: &mut Builder<'_>) {
    let any = Template::text("*");
    b.statement(
        "LogsGroups",
        &[
            "logs:CreateLogGroup",
            "logs:DescribeLogStreams",
            "logs:FilterLogEvents",
        ],
        vec![arns::log_group(any.clone())],
        vec![],
    );
    b.explain(API_GATEWAY_REGION_WIDE);
    b.statement(
        "LogsStreams",
        &[
            "logs:CreateLogStream",
            "logs:GetLogEvents",
            "logs:PutLogEvents",
        ],
        vec![arns::log_streams(any)],
        vec![],
    );
    // DescribeLogGroups accepts no resource: "*" is the only Resource AWS evaluates for it.
    b.statement(
        "LogsDescribeGroups",
        &["logs:DescribeLogGroups"],
        vec![Template::star()],
        vec![],
    );
}

/// `xray.write`: send trace segments and telemetry, read sampling rules.
pub(super) fn xray_write(b: &mut Builder<'_>, _: &Ctx<'_>) {
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

/// `logs.delivery`: deliver a state machine's execution logs to CloudWatch Logs.
pub(super) fn logs_delivery(b: &mut Builder<'_>, _: &Ctx<'_>) {
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
