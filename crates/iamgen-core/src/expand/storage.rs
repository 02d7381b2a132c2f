//! Storage: S3 objects and buckets, DynamoDB tables, Secrets Manager secrets.

use super::builder::{Builder, Ctx};
use crate::aws::{arns, Condition, Segment, Template};
use crate::kinds::ServiceKind;

/// `s3.read`: get objects; list the bucket and get its location.
pub(super) fn s3_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3(b, g, true, false, false);
}

/// `s3.write`: put objects (multipart included); never deletes.
pub(super) fn s3_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3(b, g, false, true, false);
}

/// `s3.read_write`: read, put and delete objects.
pub(super) fn s3_read_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3(b, g, true, true, true);
}

/// The S3 statements of a grant. A knowledge base's are AWS's own for its data source: the
/// bucket and object actions only, each with `aws:ResourceAccount` = its account, so a bucket of
/// the same name elsewhere is refused
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>, "Permissions to
/// access your Amazon S3 data source").
fn s3(b: &mut Builder<'_>, g: &Ctx<'_>, read: bool, write: bool, delete: bool) {
    let buckets = g.grant.resources();
    let knowledge_base = g.caller.kind == ServiceKind::BedrockKnowledgeBase;
    let conditions = if knowledge_base {
        vec![Condition::new(
            "StringEquals",
            "aws:ResourceAccount",
            Template::from(vec![Segment::Account]),
        )]
    } else {
        vec![]
    };
    let mut object_actions = Vec::new();
    let mut bucket_actions = Vec::new();
    if !knowledge_base {
        bucket_actions.push("s3:GetBucketLocation");
    }
    if read {
        object_actions.push("s3:GetObject");
        bucket_actions.push("s3:ListBucket");
    }
    if write {
        object_actions.extend(["s3:AbortMultipartUpload", "s3:PutObject"]);
    }
    if delete {
        object_actions.push("s3:DeleteObject");
    }
    let name = match (read, write) {
        (true, true) => "S3ReadWrite",
        (true, false) => "S3Read",
        _ => "S3Write",
    };
    b.statement(
        &format!("{name}Objects"),
        &object_actions,
        buckets.iter().map(|n| arns::objects(n)).collect(),
        conditions.clone(),
    );
    if !bucket_actions.is_empty() {
        b.statement(
            &format!("{name}Buckets"),
            &bucket_actions,
            buckets.iter().map(|n| arns::bucket(n)).collect(),
            conditions,
        );
    }
}

const DYNAMODB_READ: [&str; 6] = [
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
];

/// `dynamodb.read`: get, query and scan items of the tables and their indexes.
pub(super) fn dynamodb_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    dynamodb(
        b,
        &g.grant.resources(),
        "DynamodbReadTables",
        &DYNAMODB_READ,
    );
}

/// `dynamodb.read_write`: read, put, update and delete items.
pub(super) fn dynamodb_read_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let write = [
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ];
    let actions: Vec<&str> = DYNAMODB_READ.iter().chain(&write).copied().collect();
    dynamodb(b, &g.grant.resources(), "DynamodbReadWriteTables", &actions);
}

fn dynamodb(b: &mut Builder<'_>, tables: &[&str], sid: &str, actions: &[&str]) {
    b.statement(
        sid,
        actions,
        tables.iter().map(|t| arns::table(t)).collect(),
        vec![],
    );
    b.statement(
        "DynamodbQueryIndexes",
        &["dynamodb:Query", "dynamodb:Scan"],
        tables.iter().map(|t| arns::indexes(t)).collect(),
        vec![],
    );
}

/// `secrets.read`: read the secrets' values.
pub(super) fn secrets_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    read_secrets(b, &g.grant.resources());
}

/// Reads the values of `secrets` (also what an ECS execution role needs to inject them).
pub(super) fn read_secrets(b: &mut Builder<'_>, secrets: &[&str]) {
    b.statement(
        "SecretsRead",
        &["secretsmanager:GetSecretValue"],
        secrets.iter().map(|s| arns::secret(s)).collect(),
        vec![],
    );
}
