//! IAM: passing roles to the services that assume them.

use indexmap::IndexMap;

use super::builder::{Builder, Ctx};
use crate::aws::{arns, principal, Condition, Template};

/// `iam.pass_role`: pass the services' roles, each only to the service that assumes it.
pub(super) fn iam_pass_role(b: &mut Builder<'_>, g: &Ctx<'_>) {
    // Group by the service each role is passed to, so every statement names one.
    let mut by_principal: IndexMap<&'static str, Vec<String>> = IndexMap::new();
    for t in g.grant.services() {
        by_principal
            .entry(principal(t.kind))
            .or_default()
            .extend(g.names.roles(&t.name, t.kind));
    }
    for (principal, roles) in by_principal {
        pass_role(b, &roles, principal);
    }
}

/// `iam:PassRole` of `roles`, only to `to_service`.
pub(super) fn pass_role(b: &mut Builder<'_>, roles: &[String], to_service: &str) {
    b.statement(
        "IamPassRole",
        &["iam:PassRole"],
        roles.iter().map(|r| arns::role(r)).collect(),
        vec![Condition::new(
            "StringEquals",
            "iam:PassedToService",
            Template::text(to_service),
        )],
    );
}
