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

// ----- The requests `iam.pass_role` exists for, and its neighbours. -----

const PASS_ROLE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html";

/// What `iam.pass_role` is for: passing each service's roles to the service that assumes them.
pub(super) fn iam_pass_role_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let other = g.names.other_environment();
    for t in g.grant.services() {
        let roles: Vec<(String, String)> = g
            .names
            .roles(&t.name, t.kind)
            .into_iter()
            .zip(other.roles(&t.name, t.kind))
            .collect();
        pass_role_requests(b, &roles, principal(t.kind));
    }
}

/// `iam:PassRole` is checked on the role's ARN, with `iam:PassedToService` naming the service the
/// role is passed to. `roles`: each role with its name in another environment.
pub(super) fn pass_role_requests(
    b: &mut Builder<'_>,
    roles: &[(String, String)],
    to_service: &'static str,
) {
    let to = |service: &str| Template::text(service);
    for (role, elsewhere) in roles {
        b.allow("iam:PassRole", arns::role(role), "PassRole", PASS_ROLE)
            .with("iam:PassedToService", to(to_service));
        b.deny(
            "iam:PassRole",
            arns::role(role),
            "passing it to another service",
            PASS_ROLE,
        )
        .with("iam:PassedToService", to("ec2.amazonaws.com"));
        b.deny(
            "iam:PassRole",
            arns::role(&format!("{role}-admin")),
            "a role whose name starts with this one's",
            PASS_ROLE,
        )
        .with("iam:PassedToService", to(to_service));
        b.deny(
            "iam:PassRole",
            arns::role(elsewhere),
            "the role in another environment",
            PASS_ROLE,
        )
        .with("iam:PassedToService", to(to_service));
    }
}
