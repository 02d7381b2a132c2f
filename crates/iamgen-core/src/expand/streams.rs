//! Parameters and streams: Parameter Store parameters (read by a service, or injected into an ECS
//! task by its execution role), Kinesis data streams, Firehose streams, DynamoDB table streams.

use super::builder::{example, Builder, Ctx};
use super::plain::{self, Plain};
use crate::aws::names::is_parameter_path;
use crate::aws::{arns, Template};
use crate::intent::Place;
use crate::spec::Resource;

/// `ssm.read`: get the parameters; for a path (`/a/b/*`), every parameter under it, and the path
/// itself and those under it by path (`GetParametersByPath` is checked on the path it is asked
/// for, never on the parameters it returns).
pub(super) fn ssm_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let names = g.grant.resources();
    b.statement(
        "SsmReadParameters",
        &["ssm:GetParameter", "ssm:GetParameters"],
        names.iter().map(|n| arns::parameter(n)).collect(),
        vec![],
    );
    let paths: Vec<Template> = names
        .iter()
        .filter(|n| is_parameter_path(n))
        .flat_map(|n| [arns::parameter(path_of(n)), arns::parameter(n)])
        .collect();
    if !paths.is_empty() {
        b.statement(
            "SsmReadParametersByPath",
            &["ssm:GetParametersByPath"],
            paths,
            vec![],
        );
    }
}

/// `/a/b` of the path `/a/b/*`.
fn path_of(name: &str) -> &str {
    name.strip_suffix("/*").unwrap_or(name)
}

/// Gets `parameters` as ECS does to inject them into a task's containers: `ssm:GetParameters`
/// (the execution role's).
pub(super) fn inject_parameters(b: &mut Builder<'_>, parameters: &[&str]) {
    b.statement(
        "SsmInjectParameters",
        &["ssm:GetParameters"],
        parameters.iter().map(|n| arns::parameter(n)).collect(),
        vec![],
    );
}

/// `kinesis.read`: describe the streams, list their shards, get shard iterators and records.
pub(super) fn kinesis_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g
        .grant
        .resources()
        .iter()
        .map(|s| arns::kinesis_stream(s))
        .collect();
    b.statement("KinesisRead", KINESIS_READ, arns, vec![]);
}

const KINESIS_READ: &[&str] = &[
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// `kinesis.write`: put records (one or a batch).
pub(super) fn kinesis_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g
        .grant
        .resources()
        .iter()
        .map(|s| arns::kinesis_stream(s))
        .collect();
    b.statement(
        "KinesisWrite",
        &["kinesis:PutRecord", "kinesis:PutRecords"],
        arns,
        vec![],
    );
}

/// `firehose.put`: put records (one or a batch) on the Firehose streams.
pub(super) fn firehose_put(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g
        .grant
        .resources()
        .iter()
        .map(|s| arns::firehose_stream(s))
        .collect();
    b.statement(
        "FirehosePut",
        &["firehose:PutRecord", "firehose:PutRecordBatch"],
        arns,
        vec![],
    );
}

/// `dynamodb.read_stream`: read the tables' streams as Lambda's event source mapping does. A
/// stream's ARN ends in the time it was enabled, so every stream of the table is named;
/// `dynamodb:ListStreams` accepts no resource at all (the catalog), so it is on `*`.
pub(super) fn dynamodb_read_stream(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let arns = g
        .grant
        .resources()
        .iter()
        .map(|t| arns::table_streams(t))
        .collect();
    b.statement(
        "DynamodbReadStreams",
        &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
        ],
        arns,
        vec![],
    );
    b.statement(
        "DynamodbListStreams",
        &["dynamodb:ListStreams"],
        vec![Template::star()],
        vec![],
    );
    b.explain("dynamodb:ListStreams accepts no resource (Service Authorization Reference): it lists the stream ARNs of the account's tables, no records; Lambda's event source mapping on a table stream calls it (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html)");
}

// ----- The requests each grant on parameters and streams exists for, and its neighbours. -----

const SSM_ACCESS: &str =
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html";
const SSM_BY_PATH: &str =
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html";
const SSM_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html";
const ECS_SECRETS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html";
const LAMBDA_KINESIS: &str = "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html";
const KINESIS_ACCESS: &str =
    "https://docs.aws.amazon.com/streams/latest/dev/controlling-access.html";
const KINESIS_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html";
const FIREHOSE_ACCESS: &str =
    "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html";
const LAMBDA_DDB: &str = "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html";
const DDB_STREAMS: &str = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html";

/// A parameter of `name` (a path: one under it) for requests, and its ARN.
pub(super) fn one_parameter(name: &str) -> String {
    match is_parameter_path(name) {
        true => format!("{}/db-url", path_of(name)),
        false => example::named(name),
    }
}

/// What `ssm.read` is for: getting the parameters one by one or several at a time, and by path
/// for a path; never writing them, their history, or what lies beside the path.
pub(super) fn ssm_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for r in g.grant.resource_targets() {
        let one = one_parameter(&r.name);
        let arn = arns::parameter(&one);
        b.allow("ssm:GetParameter", arn.clone(), "GetParameter", SSM_ACCESS);
        b.allow(
            "ssm:GetParameters",
            arn.clone(),
            "GetParameters",
            SSM_ACCESS,
        );
        if is_parameter_path(&r.name) {
            let path = path_of(&r.name);
            b.allow(
                "ssm:GetParametersByPath",
                arns::parameter(path),
                "GetParametersByPath on the path",
                SSM_BY_PATH,
            )
            .with("ssm:Recursive", Template::text("true"));
            b.allow(
                "ssm:GetParametersByPath",
                arns::parameter(&format!("{path}/nested")),
                "GetParametersByPath on a path under it",
                SSM_BY_PATH,
            );
            b.deny(
                "ssm:GetParametersByPath",
                arns::parameter(parent(path)),
                "the path's parent (by path, its siblings' values)",
                SSM_BY_PATH,
            );
            b.deny(
                "ssm:GetParameter",
                arns::parameter(&format!("{path}-old/db-url")),
                "a path whose name starts with this one's",
                SSM_ACCESS,
            );
        } else {
            b.deny(
                "ssm:GetParameter",
                arns::parameter(&format!("{one}-old")),
                "a parameter whose name starts with this one's",
                SSM_ACCESS,
            );
            b.deny(
                "ssm:GetParametersByPath",
                arns::parameter(&one),
                "reading by path where a parameter is granted",
                SSM_BY_PATH,
            );
        }
        if let Some(other) = &r.other_environment {
            b.deny(
                "ssm:GetParameter",
                arns::parameter(&one_parameter(other)),
                "the same parameter in another environment",
                SSM_ACCESS,
            );
        }
        b.deny(
            "ssm:GetParameter",
            arn.clone(),
            "the parameter in another account",
            SSM_ACCESS,
        )
        .at(Place::OtherAccount);
        b.deny(
            "ssm:PutParameter",
            arn.clone(),
            "writing the parameter",
            SSM_REFERENCE,
        );
        b.deny(
            "ssm:DeleteParameter",
            arn.clone(),
            "deleting the parameter",
            SSM_REFERENCE,
        );
        b.deny(
            "ssm:GetParameterHistory",
            arn,
            "its history (earlier values, after a rotation too)",
            SSM_REFERENCE,
        );
    }
}

/// `/a` of `/a/b`; `/` of `/a`.
fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// What injecting `parameters` into an ECS task needs: `ssm:GetParameters` on each, by the
/// execution role.
pub(super) fn inject_parameters_requests(b: &mut Builder<'_>, parameters: &[Resource]) {
    for r in parameters {
        let arn = arns::parameter(&one_parameter(&r.name));
        b.allow(
            "ssm:GetParameters",
            arn.clone(),
            "ECS injecting the parameter",
            ECS_SECRETS,
        );
        b.deny(
            "ssm:GetParameters",
            arns::parameter(&format!("{}-old", one_parameter(&r.name))),
            "a parameter whose name starts with this one's",
            ECS_SECRETS,
        );
        b.deny(
            "ssm:PutParameter",
            arn,
            "writing the parameter",
            SSM_REFERENCE,
        );
    }
}

/// What `kinesis.read` is for: what a consumer (a Lambda event source mapping) calls on the
/// stream; never writing to it or changing it.
pub(super) fn kinesis_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::kinesis_stream,
        allowed: &[
            ("kinesis:GetRecords", "GetRecords"),
            ("kinesis:GetShardIterator", "GetShardIterator"),
            ("kinesis:DescribeStream", "DescribeStream"),
            ("kinesis:DescribeStreamSummary", "DescribeStreamSummary"),
            ("kinesis:ListShards", "ListShards"),
        ],
        denied: &[
            ("kinesis:PutRecord", "write where only read is granted"),
            ("kinesis:DeleteStream", "deleting the stream"),
            ("kinesis:RegisterStreamConsumer", "registering a consumer"),
        ],
        noun: "stream",
        source: LAMBDA_KINESIS,
        reference: KINESIS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `kinesis.write` is for: putting records; never reading them.
pub(super) fn kinesis_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::kinesis_stream,
        allowed: &[
            ("kinesis:PutRecord", "PutRecord"),
            ("kinesis:PutRecords", "PutRecords"),
        ],
        denied: &[
            ("kinesis:GetRecords", "read where only write is granted"),
            ("kinesis:DeleteStream", "deleting the stream"),
        ],
        noun: "stream",
        source: KINESIS_ACCESS,
        reference: KINESIS_REFERENCE,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `firehose.put` is for: putting records; never changing or deleting the stream (which
/// AWS's own example policy also allows, "adjust as needed").
pub(super) fn firehose_put_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let p = Plain {
        arn: arns::firehose_stream,
        allowed: &[
            ("firehose:PutRecord", "PutRecord"),
            ("firehose:PutRecordBatch", "PutRecordBatch"),
        ],
        denied: &[
            (
                "firehose:UpdateDestination",
                "changing the stream's destination",
            ),
            ("firehose:DeleteDeliveryStream", "deleting the stream"),
        ],
        noun: "Firehose stream",
        source: FIREHOSE_ACCESS,
        reference: FIREHOSE_ACCESS,
    };
    plain::requests(b, g.grant.resource_targets(), &p);
}

/// What `dynamodb.read_stream` is for: the event source mapping reading the table's stream
/// (checked on `table/NAME/stream/LABEL`) and listing streams (on `*`); never the table's items.
pub(super) fn dynamodb_read_stream_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let stream = |table: &str| arns::table(table).with_text("/stream/2024-05-01T00:00:00.000");
    for r in g.grant.resource_targets() {
        let name = example::named(&r.name);
        for action in [
            "dynamodb:DescribeStream",
            "dynamodb:GetShardIterator",
            "dynamodb:GetRecords",
        ] {
            b.allow(
                action,
                stream(&name),
                action.trim_start_matches("dynamodb:"),
                LAMBDA_DDB,
            );
        }
        b.deny(
            "dynamodb:GetRecords",
            stream(&format!("{name}-archive")),
            "the stream of a table whose name starts with this one's",
            DDB_STREAMS,
        );
        if let Some(other) = &r.other_environment {
            b.deny(
                "dynamodb:GetRecords",
                stream(&example::named(other)),
                "the same table's stream in another environment",
                DDB_STREAMS,
            );
        }
        b.deny(
            "dynamodb:GetRecords",
            stream(&name),
            "the stream in another account",
            DDB_STREAMS,
        )
        .at(Place::OtherAccount);
        b.deny(
            "dynamodb:GetItem",
            arns::table(&name),
            "the table's items (only its stream is granted)",
            DDB_STREAMS,
        );
    }
    b.allow(
        "dynamodb:ListStreams",
        Template::star(),
        "ListStreams",
        LAMBDA_DDB,
    );
}
