//! Storage: S3 objects and buckets, DynamoDB tables, Secrets Manager secrets.

use super::builder::{example, Builder, Ctx};
use crate::aws::{arns, Condition, Segment, Template};
use crate::intent::Place;
use crate::kinds::ServiceKind;
use crate::spec::Resource;

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
    // A bucket scoped to key prefixes: its objects under each prefix, and listing only there.
    let prefixes = |r: &Resource| -> Vec<String> {
        g.grant
            .scopes
            .get(&r.logical)
            .map(|s| s.prefixes.clone())
            .unwrap_or_default()
    };
    let targets: Vec<&Resource> = g.grant.resource_targets().collect();
    let objects = targets
        .iter()
        .flat_map(|r| match prefixes(r).as_slice() {
            [] => vec![arns::objects(&r.name)],
            ps => ps
                .iter()
                .map(|p| arns::bucket(&r.name).with_text(&format!("/{p}*")))
                .collect(),
        })
        .collect();
    b.statement(
        &format!("{name}Objects"),
        &object_actions,
        objects,
        conditions.clone(),
    );
    let (scoped, whole): (Vec<&Resource>, Vec<&Resource>) =
        targets.iter().partition(|r| !prefixes(r).is_empty());
    if !bucket_actions.is_empty() && !whole.is_empty() {
        b.statement(
            &format!("{name}Buckets"),
            &bucket_actions,
            whole.iter().map(|r| arns::bucket(&r.name)).collect(),
            conditions.clone(),
        );
    }
    let unlisted: Vec<&str> = bucket_actions
        .iter()
        .copied()
        .filter(|a| *a != "s3:ListBucket")
        .collect();
    if !unlisted.is_empty() && !scoped.is_empty() {
        b.statement(
            &format!("{name}Buckets"),
            &unlisted,
            scoped.iter().map(|r| arns::bucket(&r.name)).collect(),
            conditions.clone(),
        );
    }
    // Listing under the prefixes only: AWS's documented form is StringLike on s3:prefix
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_s3_home-directory-console.html);
    // `incoming/*` also matches the prefix itself, since `*` matches nothing too.
    if read {
        for r in &scoped {
            let values = prefixes(r)
                .iter()
                .map(|p| Template::text(format!("{p}*")))
                .collect();
            let mut list = conditions.clone();
            list.push(Condition::any_of("StringLike", "s3:prefix", values));
            b.statement(
                &format!("{name}ListPrefixes"),
                &["s3:ListBucket"],
                vec![arns::bucket(&r.name)],
                list,
            );
        }
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
    dynamodb(b, g, "DynamodbReadTables", &DYNAMODB_READ);
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
    dynamodb(b, g, "DynamodbReadWriteTables", &actions);
}

/// The tables of the grant and, for those scoped to leading keys, the keys.
fn leading_keys<'a>(g: &'a Ctx<'_>) -> Vec<(&'a str, &'a [String])> {
    g.grant
        .resource_targets()
        .map(|r| {
            let keys = g
                .grant
                .scopes
                .get(&r.logical)
                .map_or(&[][..], |s| s.leading_keys.as_slice());
            (r.name.as_str(), keys)
        })
        .collect()
}

fn dynamodb(b: &mut Builder<'_>, g: &Ctx<'_>, sid: &str, actions: &[&str]) {
    let tables = leading_keys(g);
    let whole: Vec<&str> = tables
        .iter()
        .filter(|(_, k)| k.is_empty())
        .map(|(t, _)| *t)
        .collect();
    if !whole.is_empty() {
        b.statement(
            sid,
            actions,
            whole.iter().map(|t| arns::table(t)).collect(),
            vec![],
        );
        b.statement(
            "DynamodbQueryIndexes",
            &["dynamodb:Query", "dynamodb:Scan"],
            whole.iter().map(|t| arns::indexes(t)).collect(),
            vec![],
        );
    }
    // Items of the given partition keys only, as AWS's example writes it
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_rows.html),
    // with the Null guard it needs: ForAllValues is true when a request has no leading keys at
    // all, so without it a request that sends none would pass. Scan (which sends none) is never
    // granted, and DescribeTable (which supports no such key) is granted on its own.
    for (table, keys) in tables.iter().filter(|(_, k)| !k.is_empty()) {
        let conditions = vec![
            Condition::any_of(
                "ForAllValues:StringEquals",
                "dynamodb:LeadingKeys",
                keys.iter().map(|k| Template::text(k.clone())).collect(),
            ),
            Condition::new("Null", "dynamodb:LeadingKeys", Template::text("false")),
        ];
        let items: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| !matches!(*a, "dynamodb:Scan" | "dynamodb:DescribeTable"))
            .collect();
        b.statement(
            &format!("{sid}LeadingKeys"),
            &items,
            vec![arns::table(table)],
            conditions.clone(),
        );
        b.statement(
            "DynamodbQueryIndexesLeadingKeys",
            &["dynamodb:Query"],
            vec![arns::indexes(table)],
            conditions,
        );
        b.statement(
            "DynamodbDescribeTables",
            &["dynamodb:DescribeTable"],
            vec![arns::table(table)],
            vec![],
        );
    }
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

// ----- The requests each storage grant exists for, and its neighbours. -----

const S3_ACTIONS: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html";
const S3_MULTIPART: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions";
const S3_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html";
const KB_PERMISSIONS: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html";

/// What `s3.read` is for: reading objects, listing the bucket; never writing or deleting.
pub(super) fn s3_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3_requests(b, g, true, false, false);
}

/// What `s3.write` is for: putting objects (multipart too); never reading or deleting.
pub(super) fn s3_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3_requests(b, g, false, true, false);
}

/// What `s3.read_write` is for: reading, putting and deleting objects.
pub(super) fn s3_read_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    s3_requests(b, g, true, true, true);
}

/// S3 checks object actions on `arn:aws:s3:::BUCKET/KEY` and bucket actions (ListObjectsV2 is
/// `s3:ListBucket`) on `arn:aws:s3:::BUCKET`; every request carries `aws:ResourceAccount`.
fn s3_requests(b: &mut Builder<'_>, g: &Ctx<'_>, read: bool, write: bool, delete: bool) {
    let first = b.out.requests.len();
    s3_requests_of(b, g, read, write, delete);
    // Every S3 request carries the bucket owner's account
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount).
    for e in &mut b.out.requests[first..] {
        if !e.context.iter().any(|(k, _)| *k == "aws:ResourceAccount") {
            e.with(
                "aws:ResourceAccount",
                Template::from(vec![Segment::Account]),
            );
        }
    }
}

fn s3_requests_of(b: &mut Builder<'_>, g: &Ctx<'_>, read: bool, write: bool, delete: bool) {
    let knowledge_base = g.caller.kind == ServiceKind::BedrockKnowledgeBase;
    let account = || Template::from(vec![Segment::Account]);
    let object = |bucket: &str| arns::bucket(bucket).with_text(&format!("/{}", example::KEY));
    for r in g.grant.resource_targets() {
        let name = example::named(&r.name);
        let prefix = g
            .grant
            .scopes
            .get(&r.logical)
            .and_then(|s| s.prefixes.first().cloned());
        let bucket = arns::bucket(&name);
        let (key, listed) = match &prefix {
            None => (object(&name), "incoming/".to_string()),
            Some(p) => (
                arns::bucket(&name).with_text(&format!("/{p}2024/05/01/orders.json")),
                format!("{p}2024/"),
            ),
        };
        if read {
            b.allow(
                "s3:GetObject",
                key.clone(),
                "GetObject (and HeadObject)",
                S3_ACTIONS,
            )
            .with("aws:ResourceAccount", account());
            b.allow("s3:ListBucket", bucket.clone(), "ListObjectsV2", S3_ACTIONS)
                .with("aws:ResourceAccount", account())
                .with("s3:prefix", Template::text(listed.clone()));
        }
        if let Some(p) = &prefix {
            scoped_requests(b, &name, p, read);
        }
        if !knowledge_base {
            b.allow(
                "s3:GetBucketLocation",
                bucket.clone(),
                "GetBucketLocation",
                S3_ACTIONS,
            );
        }
        if write {
            b.allow(
                "s3:PutObject",
                key.clone(),
                "PutObject, and every part of a multipart upload",
                S3_MULTIPART,
            )
            .with("aws:ResourceAccount", account());
            b.allow(
                "s3:AbortMultipartUpload",
                key.clone(),
                "AbortMultipartUpload",
                S3_MULTIPART,
            );
        } else {
            b.deny(
                "s3:PutObject",
                key.clone(),
                "write where only read is granted",
                S3_ACTIONS,
            );
        }
        if delete {
            b.allow("s3:DeleteObject", key.clone(), "DeleteObject", S3_ACTIONS);
        } else {
            b.deny(
                "s3:DeleteObject",
                key.clone(),
                "delete where it is not granted",
                S3_ACTIONS,
            );
        }
        if !read {
            b.deny(
                "s3:GetObject",
                key.clone(),
                "read where only write is granted",
                S3_ACTIONS,
            );
        }
        let granted = if read { "s3:GetObject" } else { "s3:PutObject" };
        b.deny(
            granted,
            object(&format!("{name}-backup")),
            "a bucket whose name starts with this one's",
            S3_ACTIONS,
        );
        if let Some(other) = &r.other_environment {
            b.deny(
                granted,
                object(&example::named(other)),
                "the same bucket in another environment",
                S3_ACTIONS,
            );
        }
        b.deny(
            "s3:DeleteObjectVersion",
            key.clone(),
            "a permanent delete of a version",
            S3_REFERENCE,
        );
        b.deny(
            "s3:PutObjectAcl",
            key.clone(),
            "changing an object's ACL",
            S3_REFERENCE,
        );
        b.deny(
            "s3:PutBucketPolicy",
            bucket.clone(),
            "changing the bucket policy",
            S3_REFERENCE,
        );
        b.deny(
            "s3:DeleteBucket",
            bucket,
            "deleting the bucket",
            S3_REFERENCE,
        );
        if knowledge_base {
            b.deny(
                granted,
                key,
                "a bucket of the same name in another account",
                KB_PERMISSIONS,
            )
            .with("aws:ResourceAccount", account())
            .at(Place::OtherAccount);
        }
    }
}

/// What a grant scoped to key prefix `p` of bucket `name` must refuse: keys outside the prefix,
/// keys that only start like it, and listing elsewhere or the whole bucket.
fn scoped_requests(b: &mut Builder<'_>, name: &str, p: &str, read: bool) {
    let account = || Template::from(vec![Segment::Account]);
    let key = |k: &str| arns::bucket(name).with_text(&format!("/{k}"));
    let action = if read { "s3:GetObject" } else { "s3:PutObject" };
    let outside = "other/2024/05/01/orders.json";
    b.deny(action, key(outside), "a key outside the prefix", S3_PREFIX)
        .with("aws:ResourceAccount", account());
    let alike = format!("{}-old/orders.json", p.trim_end_matches('/'));
    b.deny(
        action,
        key(&alike),
        "a key that only starts like the prefix",
        S3_PREFIX,
    )
    .with("aws:ResourceAccount", account());
    if read {
        let bucket = arns::bucket(name);
        b.deny(
            "s3:ListBucket",
            bucket.clone(),
            "listing under another prefix",
            S3_PREFIX,
        )
        .with("aws:ResourceAccount", account())
        .with("s3:prefix", Template::text("other/"));
        b.deny(
            "s3:ListBucket",
            bucket,
            "listing the whole bucket (no prefix)",
            S3_PREFIX,
        )
        .with("aws:ResourceAccount", account());
    }
}

const S3_PREFIX: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_s3_home-directory-console.html";

const DYNAMODB: &str = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html";
const DYNAMODB_INDEXES: &str =
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html";

/// What `dynamodb.read` is for: reading items of the tables and querying their indexes.
pub(super) fn dynamodb_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    dynamodb_requests(b, g, false);
}

/// What `dynamodb.read_write` is for: reading and writing items.
pub(super) fn dynamodb_read_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    dynamodb_requests(b, g, true);
}

/// DynamoDB checks item actions on `table/NAME` and index queries on `table/NAME/index/INDEX`.
fn dynamodb_requests(b: &mut Builder<'_>, g: &Ctx<'_>, write: bool) {
    for r in g.grant.resource_targets() {
        let name = example::named(&r.name);
        let table = arns::table(&name);
        if let Some(keys) = g
            .grant
            .scopes
            .get(&r.logical)
            .map(|s| &s.leading_keys)
            .filter(|k| !k.is_empty())
        {
            leading_keys_requests(b, &table, keys, write);
            continue;
        }
        for action in [
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ] {
            b.allow(
                action,
                table.clone(),
                action.trim_start_matches("dynamodb:"),
                DYNAMODB,
            );
        }
        let index = table.clone().with_text("/index/by-date");
        b.allow(
            "dynamodb:Query",
            index.clone(),
            "Query on an index",
            DYNAMODB_INDEXES,
        );
        b.allow("dynamodb:Scan", index, "Scan of an index", DYNAMODB_INDEXES);
        let writes = [
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ];
        for action in writes {
            match write {
                true => b.allow(
                    action,
                    table.clone(),
                    action.trim_start_matches("dynamodb:"),
                    DYNAMODB,
                ),
                false => b.deny(
                    action,
                    table.clone(),
                    "write where only read is granted",
                    DYNAMODB,
                ),
            };
        }
        let item = if write {
            "dynamodb:PutItem"
        } else {
            "dynamodb:GetItem"
        };
        b.deny(
            item,
            arns::table(&format!("{name}-archive")),
            "a table whose name starts with this one's",
            DYNAMODB,
        );
        if let Some(other) = &r.other_environment {
            b.deny(
                item,
                arns::table(&example::named(other)),
                "the same table in another environment",
                DYNAMODB,
            );
        }
        b.deny(item, table.clone(), "the table in another region", DYNAMODB)
            .at(Place::OtherRegion);
        b.deny(
            item,
            table.clone(),
            "the table in another account",
            DYNAMODB,
        )
        .at(Place::OtherAccount);
        b.deny(
            "dynamodb:DeleteTable",
            table.clone(),
            "deleting the table",
            DYNAMODB,
        );
        b.deny(
            "dynamodb:UpdateTable",
            table.clone(),
            "changing the table",
            DYNAMODB,
        );
        b.deny(
            "dynamodb:GetRecords",
            table.with_text("/stream/2024-05-01T00:00:00.000"),
            "reading its stream",
            DYNAMODB,
        );
    }
}

/// A table scoped to leading keys: items of those partition keys (DynamoDB sends the request's
/// partition key values as `dynamodb:LeadingKeys`), never another partition, never a scan.
fn leading_keys_requests(b: &mut Builder<'_>, table: &Template, keys: &[String], write: bool) {
    let rows = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_rows.html";
    let key = "dynamodb:LeadingKeys";
    let mut actions = vec![
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
    ];
    if write {
        actions.extend([
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
        ]);
    }
    // A key written with a policy variable (`${aws:PrincipalTag/tenant}`) is the caller's own: no
    // literal request can stand for it.
    if let Some(literal) = keys.iter().find(|k| !k.contains("${")) {
        for action in &actions {
            b.allow(
                action,
                table.clone(),
                &format!(
                    "{} on its own partition",
                    action.trim_start_matches("dynamodb:")
                ),
                rows,
            )
            .with(key, Template::text(literal.clone()));
        }
        b.allow(
            "dynamodb:Query",
            table.clone().with_text("/index/by-date"),
            "Query on an index, on its own partition",
            DYNAMODB_INDEXES,
        )
        .with(key, Template::text(literal.clone()));
    }
    b.allow(
        "dynamodb:DescribeTable",
        table.clone(),
        "DescribeTable",
        DYNAMODB,
    );
    b.deny("dynamodb:GetItem", table.clone(), "another partition", rows)
        .with(key, Template::text("someone-else"));
    b.deny(
        "dynamodb:GetItem",
        table.clone(),
        "a request without leading keys (the Null guard)",
        rows,
    );
    b.deny(
        "dynamodb:Scan",
        table.clone(),
        "a scan, which reads every partition",
        rows,
    );
    b.deny(
        "dynamodb:Scan",
        table.clone().with_text("/index/by-date"),
        "a scan of an index",
        rows,
    );
    if !write {
        b.deny(
            "dynamodb:PutItem",
            table.clone(),
            "write where only read is granted",
            DYNAMODB,
        )
        .with(key, Template::text(keys[0].clone()));
    }
}

const SECRETS: &str =
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html";

/// What `secrets.read` is for: reading the secrets' values.
pub(super) fn secrets_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let secrets: Vec<Resource> = g.grant.resource_targets().cloned().collect();
    read_secrets_requests(b, &secrets);
}

/// Secrets Manager checks a secret's full ARN: its name, `-`, and six random characters.
pub(super) fn read_secrets_requests(b: &mut Builder<'_>, secrets: &[Resource]) {
    let arn = |name: &str| {
        Template::arn(
            "secretsmanager",
            true,
            true,
            format!("secret:{name}{}", example::SECRET_SUFFIX).as_str(),
        )
    };
    for s in secrets {
        let secret = arn(&s.name);
        b.allow(
            "secretsmanager:GetSecretValue",
            secret.clone(),
            "GetSecretValue",
            SECRETS,
        );
        b.deny(
            "secretsmanager:GetSecretValue",
            arn(&format!("{}-old", s.name)),
            "a secret whose name starts with this one's",
            SECRETS,
        );
        if let Some(other) = &s.other_environment {
            b.deny(
                "secretsmanager:GetSecretValue",
                arn(other),
                "the same secret in another environment",
                SECRETS,
            );
        }
        b.deny(
            "secretsmanager:GetSecretValue",
            secret.clone(),
            "the secret in another account",
            SECRETS,
        )
        .at(Place::OtherAccount);
        b.deny(
            "secretsmanager:PutSecretValue",
            secret.clone(),
            "changing the secret",
            SECRETS,
        );
        b.deny(
            "secretsmanager:DeleteSecret",
            secret,
            "deleting the secret",
            SECRETS,
        );
    }
}
