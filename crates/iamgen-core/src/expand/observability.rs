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
