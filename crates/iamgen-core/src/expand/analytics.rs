//! Analytics: Athena queries and the Glue Data Catalog.

use super::builder::{example, Builder, Ctx};
use crate::aws::{arns, Template};
use crate::intent::Place;
use crate::kinds::ServiceKind;
use crate::spec::{Detail, Resource};

/// `athena.query`: run, watch, read and stop queries in the workgroups
/// (<https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html>). Athena
/// writes a query's results to its workgroup's results location and reads them back with the
/// caller's credentials, so a workgroup that declares its `results` bucket gets the S3 actions
/// AWS's Athena policy grants on it (`AmazonAthenaFullAccess`, statement
/// `BaseQueryResultsPermissions`, without the bucket creation:
/// <https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html>). A state machine's Athena
/// integration also reads the data catalog
/// (<https://docs.aws.amazon.com/step-functions/latest/dg/athena-iam.html>).
pub(super) fn athena_query(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let groups = g
        .grant
        .resources()
        .into_iter()
        .map(arns::workgroup)
        .collect();
    b.statement(
        "AthenaQuery",
        &[
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
            "athena:GetWorkGroup",
            "athena:StartQueryExecution",
            "athena:StopQueryExecution",
        ],
        groups,
        vec![],
    );
    let results: Vec<&str> = g
        .grant
        .resource_targets()
        .filter_map(|w| match &w.detail {
            Some(Detail::Results(bucket)) => Some(bucket.name.as_str()),
            _ => None,
        })
        .collect();
    if !results.is_empty() {
        b.statement(
            "AthenaResultsObjects",
            &[
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
            ],
            results.iter().map(|r| arns::objects(r)).collect(),
            vec![],
        );
        b.statement(
            "AthenaResultsBucket",
            &[
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
            ],
            results.iter().map(|r| arns::bucket(r)).collect(),
            vec![],
        );
    }
    if g.caller.kind == ServiceKind::StepFunctions {
        b.statement(
            "AthenaDataCatalog",
            &["athena:GetDataCatalog"],
            vec![arns::data_catalog("AwsDataCatalog")],
            vec![],
        );
    }
}

/// `glue.read`: read database, table and partition metadata.
pub(super) fn glue_read(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let databases = g.grant.resources();
    let resources = databases
        .iter()
        .flat_map(|d| arns::glue(d).into_iter().take(2))
        .collect();
    b.statement("GlueReadDatabase", &["glue:GetDatabase"], resources, vec![]);
    tables(
        b,
        &databases,
        "GlueReadTables",
        &[
            "glue:BatchGetPartition",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:GetTable",
            "glue:GetTables",
        ],
    );
}

/// `glue.write`: create and update tables, create partitions; never deletes.
pub(super) fn glue_write(b: &mut Builder<'_>, g: &Ctx<'_>) {
    tables(
        b,
        &g.grant.resources(),
        "GlueWriteTables",
        &[
            "glue:BatchCreatePartition",
            "glue:BatchUpdatePartition",
            "glue:CreatePartition",
            "glue:CreateTable",
            "glue:UpdatePartition",
            "glue:UpdateTable",
        ],
    );
}

/// `glue.delete`: delete tables and partitions.
pub(super) fn glue_delete(b: &mut Builder<'_>, g: &Ctx<'_>) {
    tables(
        b,
        &g.grant.resources(),
        "GlueDeleteTables",
        &[
            "glue:BatchDeletePartition",
            "glue:BatchDeleteTable",
            "glue:BatchDeleteTableVersion",
            "glue:DeletePartition",
            "glue:DeleteTable",
            "glue:DeleteTableVersion",
        ],
    );
}

/// Table-level actions need the catalog, the database and the table ARNs together.
fn tables(b: &mut Builder<'_>, databases: &[&str], sid: &str, actions: &[&str]) {
    b.statement(
        sid,
        actions,
        databases.iter().flat_map(|d| arns::glue(d)).collect(),
        vec![],
    );
}

// ----- The requests each analytics grant exists for, and its neighbours. -----

const ATHENA_WORKGROUPS: &str =
    "https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html";
const ATHENA_RESULTS: &str = "https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html";
const ATHENA_CALLED_VIA: &str =
    "https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena-calledvia.html";
const SFN_ATHENA: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/athena-iam.html";
const GLUE: &str = "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html";

/// What `athena.query` is for: running queries in the workgroups (Athena checks every query action
/// on the workgroup's ARN), and, through Athena with the caller's credentials, writing and reading
/// the results in the workgroup's results bucket.
pub(super) fn athena_query_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for w in g.grant.resource_targets() {
        let group = arns::workgroup(&w.name);
        for action in [
            "athena:StartQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
            "athena:StopQueryExecution",
            "athena:GetWorkGroup",
        ] {
            b.allow(
                action,
                group.clone(),
                action.trim_start_matches("athena:"),
                ATHENA_WORKGROUPS,
            );
        }
        b.deny(
            "athena:StartQueryExecution",
            arns::workgroup("primary"),
            "another workgroup",
            ATHENA_WORKGROUPS,
        );
        if let Some(other) = &w.other_environment {
            b.deny(
                "athena:StartQueryExecution",
                arns::workgroup(other),
                "the same workgroup in another environment",
                ATHENA_WORKGROUPS,
            );
        }
        b.deny(
            "athena:UpdateWorkGroup",
            group.clone(),
            "changing the workgroup (its results location)",
            ATHENA_WORKGROUPS,
        );
        b.deny(
            "athena:DeleteWorkGroup",
            group,
            "deleting the workgroup",
            ATHENA_WORKGROUPS,
        );
        let Some(Detail::Results(results)) = &w.detail else {
            continue;
        };
        let via = |e: &mut crate::intent::Expected| {
            e.with("aws:CalledVia", Template::text("athena.amazonaws.com"))
                .with("aws:CalledViaFirst", Template::text("athena.amazonaws.com"))
                .with("aws:ViaAWSService", Template::text("true"));
        };
        let bucket = arns::bucket(&results.name);
        let object = bucket
            .clone()
            .with_text("/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111.csv");
        for action in [
            "s3:GetBucketLocation",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
        ] {
            via(b.allow(
                action,
                bucket.clone(),
                "the results location, through Athena",
                ATHENA_RESULTS,
            ));
        }
        for action in [
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
        ] {
            via(b.allow(
                action,
                object.clone(),
                "the query results, through Athena",
                ATHENA_RESULTS,
            ));
        }
        via(b.deny(
            "s3:DeleteObject",
            object,
            "deleting results (never needed by a query)",
            ATHENA_CALLED_VIA,
        ));
        via(b.deny(
            "s3:PutObject",
            arns::bucket(&format!("{}-backup", results.name)).with_text("/x.csv"),
            "a bucket whose name starts with the results bucket's",
            ATHENA_RESULTS,
        ));
    }
    if g.caller.kind == ServiceKind::StepFunctions {
        b.allow(
            "athena:GetDataCatalog",
            arns::data_catalog("AwsDataCatalog"),
            "the Athena integration reads the catalog",
            SFN_ATHENA,
        );
        b.deny(
            "athena:GetDataCatalog",
            arns::data_catalog("other"),
            "another data catalog",
            SFN_ATHENA,
        );
    }
}

/// The ARNs Glue checks for a table action: the catalog, the database and the table.
fn table_arns(database: &str, table: &str) -> [Template; 3] {
    [
        Template::arn("glue", true, true, "catalog"),
        Template::arn("glue", true, true, format!("database/{database}").as_str()),
        Template::arn(
            "glue",
            true,
            true,
            format!("table/{database}/{table}").as_str(),
        ),
    ]
}

/// Declares `action` on a table of `database`, with the three ARNs Glue checks.
fn table_request(
    b: &mut Builder<'_>,
    allow: bool,
    action: &'static str,
    database: &str,
    table: &str,
    what: &str,
) {
    let [catalog, db, t] = table_arns(database, table);
    let e = match allow {
        true => b.allow(action, catalog, what, GLUE),
        false => b.deny(action, catalog, what, GLUE),
    };
    e.and(db).and(t);
}

/// Each of `actions` on `database`'s example table, allowed, each request named by its API.
fn table_actions_allowed(b: &mut Builder<'_>, database: &str, actions: &[&'static str]) {
    for &action in actions {
        let what = action.trim_start_matches("glue:");
        table_request(b, true, action, database, example::TABLE, what);
    }
}

/// The neighbours every Glue grant keeps: another database, the same one in another environment
/// or account, and the database itself.
fn glue_neighbours(b: &mut Builder<'_>, database: &Resource, action: &'static str) {
    let name = &database.name;
    table_request(
        b,
        false,
        action,
        &format!("{name}_other"),
        example::TABLE,
        "a table of another database",
    );
    if let Some(other) = &database.other_environment {
        table_request(
            b,
            false,
            action,
            other,
            example::TABLE,
            "the same database in another environment",
        );
    }
    let [catalog, db, t] = table_arns(name, example::TABLE);
    b.deny(action, catalog, "the database in another account", GLUE)
        .and(db)
        .and(t)
        .at(Place::OtherAccount);
    let [catalog, db, _] = table_arns(name, example::TABLE);
    b.deny(
        "glue:CreateDatabase",
        catalog.clone(),
        "creating a database",
        GLUE,
    )
    .and(Template::arn(
        "glue",
        true,
        true,
        format!("database/{name}_new").as_str(),
    ));
    b.deny(
        "glue:DeleteDatabase",
        catalog,
        "deleting the database",
        GLUE,
    )
    .and(db.clone())
    .and(Template::arn(
        "glue",
        true,
        true,
        format!("table/{name}/*").as_str(),
    ))
    .and(Template::arn(
        "glue",
        true,
        true,
        format!("userDefinedFunction/{name}/*").as_str(),
    ));
}

/// What `glue.read` is for: reading the database, its tables and partitions.
pub(super) fn glue_read_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for d in g.grant.resource_targets() {
        let [catalog, db, _] = table_arns(&d.name, example::TABLE);
        b.allow("glue:GetDatabase", catalog, "GetDatabase", GLUE)
            .and(db);
        table_actions_allowed(
            b,
            &d.name,
            &[
                "glue:GetTable",
                "glue:GetTables",
                "glue:GetPartition",
                "glue:GetPartitions",
                "glue:BatchGetPartition",
            ],
        );
        table_request(
            b,
            false,
            "glue:UpdateTable",
            &d.name,
            example::TABLE,
            "write where only read is granted",
        );
        glue_neighbours(b, d, "glue:GetTable");
    }
}

/// What `glue.write` is for: creating and updating tables and partitions, never deleting.
pub(super) fn glue_write_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for d in g.grant.resource_targets() {
        table_request(
            b,
            true,
            "glue:CreateTable",
            &d.name,
            "orders_v2",
            "CreateTable",
        );
        table_actions_allowed(
            b,
            &d.name,
            &[
                "glue:UpdateTable",
                "glue:CreatePartition",
                "glue:BatchCreatePartition",
                "glue:UpdatePartition",
                "glue:BatchUpdatePartition",
            ],
        );
        for action in ["glue:DeleteTable", "glue:DeletePartition"] {
            table_request(
                b,
                false,
                action,
                &d.name,
                example::TABLE,
                "delete where only write is granted",
            );
        }
        let [catalog, db, _] = table_arns(&d.name, example::TABLE);
        b.deny(
            "glue:UpdateDatabase",
            catalog,
            "changing the database",
            GLUE,
        )
        .and(db);
        glue_neighbours(b, d, "glue:CreateTable");
    }
}

/// What `glue.delete` is for: deleting tables, their partitions and versions.
pub(super) fn glue_delete_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for d in g.grant.resource_targets() {
        table_actions_allowed(
            b,
            &d.name,
            &[
                "glue:DeleteTable",
                "glue:BatchDeleteTable",
                "glue:DeletePartition",
                "glue:BatchDeletePartition",
                "glue:DeleteTableVersion",
                "glue:BatchDeleteTableVersion",
            ],
        );
        table_request(
            b,
            false,
            "glue:CreateTable",
            &d.name,
            "orders_v2",
            "create where only delete is granted",
        );
        glue_neighbours(b, d, "glue:DeleteTable");
    }
}
