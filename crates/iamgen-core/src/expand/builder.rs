//! What a grant's expansion writes with: a [`Builder`] of statements, permissions and inputs for one
//! grant, and the [`Ctx`] it reads.

use indexmap::IndexMap;

use crate::aws::ids::{example_id, IdShape};
use crate::aws::{Condition, Template};
use crate::naming::{self, Input, Names};
use crate::policy::{DataAccessPolicy, LambdaPermission, Origin, Statement};
use crate::spec::{GrantUse, Service};

/// What grants add to one role of a service's module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Effects {
    /// Statements for the role's permissions policy.
    pub(crate) statements: Vec<Statement>,
    /// Resource-based permissions on Lambda functions.
    pub(crate) lambda_permissions: Vec<LambdaPermission>,
    /// OpenSearch Serverless data access policies naming the role.
    pub(crate) data_access_policies: Vec<DataAccessPolicy>,
    /// Module input variables the statements need, by their name inside the module.
    pub(crate) inputs: IndexMap<String, Input>,
}

/// One grant of one service, with what its statements need to know.
pub(crate) struct Ctx<'a> {
    pub(crate) names: Names<'a>,
    pub(crate) caller: &'a Service,
    pub(crate) grant: &'a GrantUse,
}

/// Builds statements for one grant of `origin`.
pub(crate) struct Builder<'a> {
    pub(super) origin: Origin,
    pub(super) notes: Vec<String>,
    pub(super) out: &'a mut Effects,
}

impl Builder<'_> {
    pub(crate) fn statement(
        &mut self,
        sid: &str,
        actions: &[&str],
        resources: Vec<Template>,
        conditions: Vec<Condition>,
    ) {
        let mut actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
        actions.sort();
        actions.dedup();
        self.out.statements.push(Statement {
            sid: sid.to_string(),
            actions,
            resources,
            conditions,
            notes: self.notes.clone(),
            why: None,
            sources: vec![format!(
                "{} ({}{})",
                self.origin.path,
                self.origin.grant.key(),
                if self.origin.implied {
                    ", implied by the service kind"
                } else {
                    ""
                }
            )],
            origin: self.origin.clone(),
        });
    }

    /// Explains the last statement, beside it in the output.
    pub(crate) fn explain(&mut self, why: &'static str) {
        if let Some(s) = self.out.statements.last_mut() {
            s.why = Some(why);
        }
    }

    /// An input owned by another service: the same name inside the module and outside.
    pub(crate) fn input(&mut self, name: String, description: String, shape: IdShape) {
        self.out.inputs.entry(name.clone()).or_insert(Input {
            example: example_id(&name, shape),
            name: name.clone(),
            global: name,
            description,
        });
    }

    /// An input about the calling service itself (its own API or agent id).
    pub(crate) fn own_input(
        &mut self,
        service: &str,
        name: &str,
        description: &str,
        shape: IdShape,
    ) {
        let global = naming::global_input(service, name);
        self.out.inputs.entry(name.to_string()).or_insert(Input {
            name: name.to_string(),
            example: example_id(&global, shape),
            global,
            description: description.to_string(),
        });
    }

    /// A resource-based permission on a Lambda function.
    pub(crate) fn lambda_permission(&mut self, permission: LambdaPermission) {
        self.out.lambda_permissions.push(permission);
    }

    /// A data access policy of an OpenSearch Serverless collection.
    pub(crate) fn data_access_policy(&mut self, policy: DataAccessPolicy) {
        self.out.data_access_policies.push(policy);
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// The description of a service's own API id input.
pub(crate) const API_ID_DESCRIPTION: &str =
    "Id of this service's API Gateway REST API (known after it is created)";
