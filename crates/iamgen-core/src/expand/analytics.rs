//! Analytics: Athena queries and the Glue Data Catalog.

use super::builder::{Builder, Ctx};
use crate::aws::arns;

/// `athena.query`: run, watch, read and stop queries in the workgroups.
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
            "glue:DeletePartition",
            "glue:DeleteTable",
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
