//! Observability: CloudWatch metrics, CloudWatch Logs, X-Ray.

use super::builder::{example, Builder, Ctx};
use crate::aws::{arns, Condition, Template};
use crate::intent::Place;

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

// ----- The requests each observability grant exists for, and its neighbours. -----

const NAMESPACE: &str = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html";
const LOGS: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html";
const API_GATEWAY_LOGS: &str =
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html";
const XRAY: &str =
    "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html";
const SFN_LOGS: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html";

/// What `cloudwatch.put_metrics` is for: publishing metrics to its namespaces only. PutMetricData
/// takes no resource; CloudWatch sends the namespace as `cloudwatch:namespace`.
pub(super) fn cloudwatch_put_metrics_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let put = "cloudwatch:PutMetricData";
    for ns in g.grant.texts() {
        b.allow(put, Template::star(), "PutMetricData", NAMESPACE)
            .with("cloudwatch:namespace", Template::text(ns));
        b.deny(
            put,
            Template::star(),
            "a namespace below this one",
            NAMESPACE,
        )
        .with(
            "cloudwatch:namespace",
            Template::text(format!("{ns}/Debug")),
        );
    }
    b.deny(put, Template::star(), "another namespace", NAMESPACE)
        .with("cloudwatch:namespace", Template::text("AWS/Lambda"));
    b.deny(
        "cloudwatch:DeleteAlarms",
        Template::arn("cloudwatch", true, true, "alarm:any"),
        "deleting alarms",
        NAMESPACE,
    );
}

/// What `logs.write` is for: creating its log groups, their streams, and writing events.
pub(super) fn logs_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    write_log_groups_requests(b, &g.grant.texts());
}

/// CloudWatch Logs checks `CreateLogGroup` on `log-group:NAME:log-stream:` and the stream actions
/// on `log-group:NAME:log-stream:STREAM`.
pub(super) fn write_log_groups_requests(b: &mut Builder<'_>, groups: &[&str]) {
    let group = |name: &str| arns::log_group(Template::text(name));
    let stream = |name: &str| group(name).with_text(&format!(":log-stream:{}", example::STREAM));
    for name in groups {
        b.allow(
            "logs:CreateLogGroup",
            group(name).with_text(":log-stream:"),
            "CreateLogGroup",
            LOGS,
        );
        b.allow(
            "logs:CreateLogStream",
            stream(name),
            "CreateLogStream",
            LOGS,
        );
        b.allow("logs:PutLogEvents", stream(name), "PutLogEvents", LOGS);
        b.deny(
            "logs:PutLogEvents",
            stream(&format!("{name}-canary")),
            "a group whose name starts with this one's",
            LOGS,
        );
        b.deny(
            "logs:PutLogEvents",
            stream(name),
            "the group in another region",
            LOGS,
        )
        .at(Place::OtherRegion);
        b.deny(
            "logs:DeleteLogGroup",
            group(name).with_text(":*"),
            "deleting the group",
            LOGS,
        );
        b.deny(
            "logs:PutRetentionPolicy",
            group(name).with_text(":*"),
            "changing the group's retention",
            LOGS,
        );
        b.deny(
            "logs:GetLogEvents",
            stream(name),
            "reading the events back",
            LOGS,
        );
    }
}

/// What an `api_gateway` role is for: API Gateway's CloudWatch role writes any REST API's execution
/// logs and any stage's access logs, in its account and region.
pub(super) fn api_gateway_cloudwatch_role_requests(b: &mut Builder<'_>) {
    let group = |name: &str| arns::log_group(Template::text(name));
    let execution = "API-Gateway-Execution-Logs_a1b2c3d4e5/prod";
    let stream = |name: &str| group(name).with_text(&format!(":log-stream:{}", example::STREAM));
    b.allow(
        "logs:CreateLogGroup",
        group(execution).with_text(":log-stream:"),
        "execution logs of any API",
        API_GATEWAY_LOGS,
    );
    b.allow(
        "logs:CreateLogStream",
        stream(execution),
        "execution logs of any API",
        API_GATEWAY_LOGS,
    );
    b.allow(
        "logs:PutLogEvents",
        stream(execution),
        "execution logs of any API",
        API_GATEWAY_LOGS,
    );
    b.allow(
        "logs:PutLogEvents",
        stream("shop-api-access-logs"),
        "access logs to the group a stage names",
        API_GATEWAY_LOGS,
    );
    b.allow(
        "logs:DescribeLogGroups",
        Template::star(),
        "DescribeLogGroups",
        API_GATEWAY_LOGS,
    );
    b.allow(
        "logs:DescribeLogStreams",
        group(execution).with_text(":*"),
        "DescribeLogStreams",
        API_GATEWAY_LOGS,
    );
    b.deny(
        "logs:PutLogEvents",
        stream(execution),
        "another region",
        API_GATEWAY_LOGS,
    )
    .at(Place::OtherRegion);
    b.deny(
        "logs:PutLogEvents",
        stream(execution),
        "another account",
        API_GATEWAY_LOGS,
    )
    .at(Place::OtherAccount);
    b.deny(
        "logs:DeleteLogGroup",
        group(execution).with_text(":*"),
        "deleting a group",
        LOGS,
    );
    b.deny(
        "logs:PutRetentionPolicy",
        group(execution).with_text(":*"),
        "changing a group's retention",
        LOGS,
    );
}

/// What `xray.write` is for: sending traces and telemetry, and reading sampling rules; the X-Ray
/// write and sampling APIs take no resource.
pub(super) fn xray_write_requests(b: &mut Builder<'_>, _: &Ctx<'_>) {
    for action in [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ] {
        b.allow(
            action,
            Template::star(),
            action.trim_start_matches("xray:"),
            XRAY,
        );
    }
    b.deny(
        "xray:BatchGetTraces",
        Template::star(),
        "reading traces",
        XRAY,
    );
    b.deny(
        "xray:UpdateSamplingRule",
        Template::arn("xray", true, true, "sampling-rule/Default"),
        "changing sampling rules",
        XRAY,
    );
}

/// What `logs.delivery` is for: Step Functions' log deliveries (APIs without resources), not
/// writing events itself.
pub(super) fn logs_delivery_requests(b: &mut Builder<'_>, _: &Ctx<'_>) {
    for action in [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ] {
        b.allow(
            action,
            Template::star(),
            action.trim_start_matches("logs:"),
            SFN_LOGS,
        );
    }
    let group = arns::log_group(Template::text("/aws/vendedlogs/states/any"));
    b.deny(
        "logs:PutLogEvents",
        group.clone().with_text(":log-stream:x"),
        "writing events (the delivery does)",
        SFN_LOGS,
    );
    b.deny(
        "logs:DeleteLogGroup",
        group.with_text(":*"),
        "deleting a group",
        SFN_LOGS,
    );
}
