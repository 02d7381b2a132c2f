//! What each service's grants reach: the grants of a service as planned (written ones and those its
//! kind implies), each with its targets resolved to names. The docs describe permissions and draw
//! the dependency graph from these; the statements themselves are in the roles' policies.

use crate::aws::Template;
use crate::grants::{GrantKind, Target};
use crate::kinds::{Finding, ResourceKind, RolePurpose, ServiceKind};
use crate::naming::Names;
use crate::policy::Statement;
use crate::spec::{Reached, Service};

/// One grant of a service, as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrantPlan {
    /// Which grant.
    pub kind: GrantKind,
    /// Its key path in the spec (the service's own path for an implied grant).
    pub path: String,
    /// True when the service kind implies it (a Lambda function writing its own log group).
    pub implied: bool,
    /// The role that holds its statements.
    pub role: RolePurpose,
    /// What it reaches, in the spec's order. Empty for a grant without targets (`xray.write`).
    pub targets: Vec<Reach>,
    /// Findings the author accepted on it, each with the written reason.
    pub accepted: Vec<Accepted>,
}

/// A finding accepted on a grant with `allow:`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Accepted {
    /// Which finding.
    pub finding: Finding,
    /// The author's reason, as written.
    pub reason: String,
}

/// A grant's target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reach {
    /// A declared resource.
    Resource {
        /// Its kind.
        kind: ResourceKind,
        /// Its physical name (a model id for a Bedrock model); contains `*` for a name pattern.
        name: String,
        /// True for a name pattern (`"*"` in the spec), which matches many resources.
        pattern: bool,
    },
    /// A service of the platform.
    Service {
        /// Its logical name.
        name: String,
        /// Its kind.
        kind: ServiceKind,
        /// Its physical name.
        physical_name: String,
    },
    /// A value written in the spec: a metric namespace, a log group name (see the grant's
    /// [`Target`]).
    Value(String),
    /// A resource the service kind implies, by ARN (the targets of implied grants).
    Arn(Template),
}

/// The grants of `service`: its written grants (on its main role), then, for each role, the grants
/// its kind implies, read from that role's statements.
pub(crate) fn grants(
    names: Names<'_>,
    service: &Service,
    roles: &[(RolePurpose, Vec<&Statement>)],
) -> Vec<GrantPlan> {
    let mut out: Vec<GrantPlan> = service
        .grants
        .iter()
        .map(|g| GrantPlan {
            kind: g.kind,
            path: g.path.clone(),
            implied: false,
            role: RolePurpose::Main,
            targets: g
                .targets
                .iter()
                .map(|t| match t {
                    Reached::Resource(r) => Reach::Resource {
                        kind: match g.kind.target() {
                            Target::Resource(kind) => kind,
                            _ => unreachable!("a resource target is of a resource grant"),
                        },
                        name: r.name.clone(),
                        pattern: r.is_pattern(),
                    },
                    Reached::Service(s) => Reach::Service {
                        name: s.name.clone(),
                        kind: s.kind,
                        physical_name: names.service(&s.name),
                    },
                    Reached::Text(t) => Reach::Value(t.clone()),
                })
                .collect(),
            accepted: g
                .allow
                .iter()
                .map(|(finding, reason)| Accepted {
                    finding: *finding,
                    reason: reason.clone(),
                })
                .collect(),
        })
        .collect();
    for (role, statements) in roles {
        let role = *role;
        for s in statements.iter().filter(|s| s.origin.implied) {
            if out
                .iter()
                .any(|g| g.implied && g.role == role && g.kind == s.origin.grant)
            {
                continue;
            }
            // The first statement of the grant that names resources says what it reaches.
            let targets = statements
                .iter()
                .filter(|o| o.origin.implied && o.origin.grant == s.origin.grant)
                .map(|o| &o.resources)
                .find(|r| !r.iter().any(Template::is_star))
                .map(|r| r.iter().cloned().map(Reach::Arn).collect())
                .unwrap_or_default();
            out.push(GrantPlan {
                kind: s.origin.grant,
                path: s.origin.path.clone(),
                implied: true,
                role,
                targets,
                accepted: vec![],
            });
        }
    }
    out
}
