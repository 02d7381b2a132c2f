//! Every name iamgen writes is unique: IAM role and policy names in the account, and Terraform
//! addresses where every service's resources meet (the single file; a service's own module has fixed
//! labels and the root module one `module` per service).
//!
//! The naming convention keeps the services' own names apart (a logical name has no `-`, so turning
//! `_` into `-` is one to one), but names iamgen derives from them can meet another service's: an
//! `ecs_task` `training`'s execution role and a service `training_execution`, the second policy of
//! `ingest` and a service `ingest_2`, `a`'s trust document and `a_trust`'s policy document. Renaming
//! them would change every existing output, so a spec where two services would meet is refused at
//! the later service, naming the earlier one and where it is.

use std::collections::{HashMap, HashSet};

use crate::diag::{quote, Diagnostic, Loc, SourceMap};
use crate::plan::{Plan, ServicePlan};

/// One name a service makes: what kind of name (for messages), how it is compared, how it is shown.
struct Made {
    what: &'static str,
    key: String,
    shown: String,
}

/// Everything `service` makes that must be unique: its roles' and policies' names (IAM does not
/// tell them apart by case) and its resources' addresses in the single file.
fn made(service: &ServicePlan) -> Vec<Made> {
    let mut out = Vec::new();
    let mut aws = |what: &'static str, name: &str| {
        out.push(Made {
            what,
            key: format!("{what} {}", name.to_lowercase()),
            shown: quote(name),
        })
    };
    for role in &service.roles {
        aws("IAM role", &role.name);
        for policy in &role.policies {
            aws("IAM policy", &policy.name);
        }
    }
    let mut address = |kind: &str, local: &str| {
        let address = format!("{kind}.{}", service.label(local));
        out.push(Made {
            what: "Terraform address",
            key: format!("address {address}"),
            shown: address,
        })
    };
    for role in &service.roles {
        address("aws_iam_role", role.label);
        address("data.aws_iam_policy_document", &role.trust_label());
        for policy in &role.policies {
            address("data.aws_iam_policy_document", &policy.label);
            address("aws_iam_policy", &policy.label);
            address("aws_iam_role_policy_attachment", &policy.label);
        }
    }
    for p in &service.lambda_permissions {
        address("aws_lambda_permission", &p.resource_label());
    }
    for p in &service.resource_policies {
        address(p.resource_type, &p.resource_label());
        address("data.aws_iam_policy_document", &p.document_label());
    }
    // An account setting's resource is labelled like the role it sets, whose label is checked.
    out
}

/// One error per pair of services that would make the same name, at the later service, naming
/// the first name they share and where the earlier service is.
pub(crate) fn find(plan: &Plan, source: &SourceMap) -> Vec<Diagnostic> {
    let mut owner: HashMap<String, &str> = HashMap::new();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    let mut out = Vec::new();
    for service in &plan.services {
        let me = service.name.as_str();
        for made in made(service) {
            let Some(&first) = owner.get(&made.key) else {
                owner.insert(made.key, me);
                continue;
            };
            if !reported.insert((first, me)) {
                continue;
            }
            let path = format!("services.{me}");
            let other = match first == me {
                true => "twice".to_string(),
                false => format!(
                    "and so does service {} ({})",
                    quote(first),
                    source.place(&Loc::Key(format!("services.{first}")))
                ),
            };
            let message = format!(
                "service {} makes {} {}, {other}",
                quote(me),
                made.what,
                made.shown
            );
            out.push(
                Diagnostic::error_at(Loc::Key(path.clone()), &path, message)
                    .with_hint("rename one of the two services"),
            );
        }
    }
    out
}
