//! Analytics: Athena queries and the Glue Data Catalog.

use super::builder::{Builder, Ctx};
use crate::aws::arns;
use crate::kinds::ServiceKind;
use crate::spec::Detail;

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
