//! Every declared request decided by the evaluator over the generated policies: each grant's,
//! each service kind's and each trust policy's ([`Intent`](crate::Intent)).
//!
//! A request a grant exists for must be allowed by the role's policies as generated (merged and
//! split into managed policies); a resource-based one, by the role's trust policy or the function's
//! policy. A neighbour must be denied by the grant's own statements, and by the role's policies
//! unless another grant of the same role allows it on its own (a service may read a bucket with
//! one grant and write it with another).

use std::fmt;

use crate::aws::Values;
use crate::eval::{evaluate, Decision, Policies, Policy, PolicyError, Principal};
use crate::intent::{Caller, Expect, Expected, Intent, Subject};
use crate::plan::{Plan, ServicePlan};
use crate::policy::Document;
use crate::resolved::Resolved;

/// The outcome of [`Plan::verify`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// Intents checked (grants, implied grants, trust policies).
    pub intents: usize,
    /// Requests expected allowed, and evaluated.
    pub allowed: usize,
    /// Neighbours expected denied, and evaluated.
    pub denied: usize,
    /// Every request decided otherwise than declared.
    pub failures: Vec<Failure>,
}

/// A request decided otherwise than its grant declares.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The service.
    pub service: String,
    /// The spec path of the grant (or the service, for implied grants and trust policies).
    pub path: String,
    /// The request, as declared.
    pub request: String,
    /// What the evaluator said.
    pub got: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): expected {}; got {}",
            self.path, self.service, self.request, self.got
        )
    }
}

impl Verification {
    /// True when every request was decided as declared.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl Plan {
    /// Decides every request every intent of the plan declares, with `values` (inputs without a
    /// value get example ids, as [`Plan::resolve`] does).
    ///
    /// ```
    /// use iamgen_core::{compile, Settings, Values};
    ///
    /// let plan = compile(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC, &Settings::default())?.plan;
    /// let v = plan.verify(&Values::new("aws", "eu-west-1", "111122223333")?)?;
    /// assert!(v.passed(), "{:?}", v.failures);
    /// assert!(v.allowed > 100 && v.denied > 100);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, values: &Values) -> Result<Verification, PolicyError> {
        let resolved = self.resolve(values)?;
        let mut out = Verification::default();
        for service in &self.services {
            let local = service.values(resolved.values());
            // Each intent's own statements, as a policy of its own.
            let own: Vec<Policy> = service
                .intents
                .iter()
                .enumerate()
                .map(|(i, intent)| {
                    let doc = Document {
                        statements: intent.statements.clone(),
                    };
                    Policy::from_value(
                        &format!("{} #{i}", intent.origin.path),
                        &doc.to_json(&local),
                    )
                })
                .collect::<Result<_, _>>()?;
            for (i, intent) in service.intents.iter().enumerate() {
                out.intents += 1;
                for request in &intent.requests {
                    match request.expect {
                        Expect::Allow => out.allowed += 1,
                        Expect::Deny => out.denied += 1,
                    }
                    let check = Check {
                        resolved: &resolved,
                        service,
                        intent,
                        own: &own,
                        index: i,
                        values: &local,
                    };
                    if let Some(got) = check.decide(request) {
                        out.failures.push(Failure {
                            service: service.name.clone(),
                            path: intent.origin.path.clone(),
                            request: request.to_string(),
                            got,
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

/// One intent's requests, with what deciding them needs.
struct Check<'a> {
    resolved: &'a Resolved,
    service: &'a ServicePlan,
    intent: &'a Intent,
    own: &'a [Policy],
    index: usize,
    values: &'a Values,
}

impl Check<'_> {
    /// `None` when `request` is decided as declared, else what happened.
    fn decide(&self, request: &Expected) -> Option<String> {
        let principal = match request.caller {
            Caller::Role(purpose) => match self.resolved.session(&self.service.name, purpose) {
                Some(p) => p,
                None => return Some(format!("the service has no {purpose:?} role")),
            },
            Caller::Service(s) => Principal::service(s),
        };
        let resources = request.resolved_resources(self.values);
        let context = request.resolved_context(self.values);
        // Each ARN of the request, decided by `policies` (`None`: what the resolved platform
        // picks); allowed when every ARN is.
        let decide = |policies: Option<&Policies<'_>>| -> Result<(bool, String), String> {
            let mut last = String::new();
            for resource in &resources {
                let mut r = self
                    .resolved
                    .request(principal.clone(), request.action, resource)
                    .map_err(|e| e.to_string())?;
                for (k, v) in &context {
                    r = r.with_context(k, v);
                }
                let e = match policies {
                    Some(p) => evaluate(&r, p),
                    None => self.resolved.evaluate(&r),
                }
                .map_err(|e| e.to_string())?;
                if e.decision != Decision::Allow {
                    return Ok((false, format!("{resource}: {e}")));
                }
                last = format!("{resource}: {e}");
            }
            Ok((true, last))
        };
        let by_role =
            matches!(request.caller, Caller::Role(_)) && self.intent.subject != Subject::Trust;
        match request.expect {
            Expect::Allow => match decide(None) {
                Ok((true, _)) => None,
                Ok((false, why)) => Some(why),
                Err(e) => Some(format!("error: {e}")),
            },
            Expect::Deny if !by_role => match decide(None) {
                Ok((false, _)) => None,
                Ok((true, why)) => Some(why),
                Err(e) => Some(format!("error: {e}")),
            },
            Expect::Deny => {
                let alone = Policies::new().identity(&self.own[self.index]);
                match decide(Some(&alone)) {
                    Ok((true, why)) => {
                        return Some(format!("allowed by the grant's own statements: {why}"))
                    }
                    Err(e) => return Some(format!("error: {e}")),
                    Ok((false, _)) => {}
                }
                match decide(None) {
                    Ok((false, _)) => None,
                    Err(e) => Some(format!("error: {e}")),
                    Ok((true, why)) => {
                        // Allowed by the role: fine when another grant of the role allows it alone.
                        let covered = self.service.intents.iter().enumerate().any(|(j, other)| {
                            j != self.index
                                && other.role == self.intent.role
                                && matches!(
                                    decide(Some(&Policies::new().identity(&self.own[j]))),
                                    Ok((true, _))
                                )
                        });
                        (!covered).then(|| {
                            format!("allowed by the role, and by no other grant alone: {why}")
                        })
                    }
                }
            }
        }
    }
}
