//! What a grant's expansion writes with: a [`Builder`] of statements, permissions and inputs for one
//! grant, and the [`Ctx`] it reads.

use indexmap::IndexMap;

use crate::aws::ids::{example_id, IdShape};
use crate::aws::{Condition, Template};
use crate::intent::{Caller, Expect, Expected, Intent, Place, Record, Subject};
use crate::kinds::RolePurpose;
use crate::naming::{self, Input, Names};
use crate::policy::{DataAccessPolicy, LambdaPermission, Origin, Statement};
use crate::resource_policy::ResourcePolicy;
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
    /// Resource-based policies on the platform's resources (a queue's policy).
    pub(crate) resource_policies: Vec<ResourcePolicy>,
    /// Module input variables the statements need, by their name inside the module.
    pub(crate) inputs: IndexMap<String, Input>,
    /// The requests the grant being built exists for (moved into its intent when it is done).
    pub(crate) requests: Vec<Expected>,
    /// Each grant's own statements and requests, in order.
    pub(crate) intents: Vec<Intent>,
    /// What the plan records of each grant's intent ([`Record`]): with `Nothing`,
    /// [`Effects::absorb`] records none; unless `All`, written grants build no requests.
    pub(crate) record: Record,
}

impl Effects {
    /// Empty effects for one grant that these effects will absorb: recording what these record.
    pub(crate) fn part(&self) -> Effects {
        Effects {
            record: self.record,
            ..Effects::default()
        }
    }

    /// Adds what one grant built (`own`) as its intent, and its effects to the role's.
    pub(crate) fn absorb(
        &mut self,
        own: Effects,
        origin: Origin,
        subject: Subject,
        role: RolePurpose,
    ) {
        if self.record != Record::Nothing {
            self.intents.push(Intent {
                origin,
                subject,
                role,
                statements: own.statements.clone(),
                requests: own.requests,
            });
        }
        self.statements.extend(own.statements);
        self.lambda_permissions.extend(own.lambda_permissions);
        self.data_access_policies.extend(own.data_access_policies);
        self.resource_policies.extend(own.resource_policies);
        for (name, input) in own.inputs {
            self.inputs.entry(name).or_insert(input);
        }
        self.intents.extend(own.intents);
    }
}

/// One grant of one service, with what its statements need to know.
pub(crate) struct Ctx<'a> {
    pub(crate) names: Names<'a>,
    pub(crate) caller: &'a Service,
    pub(crate) grant: &'a GrantUse,
}

/// Builds statements for one grant of `origin`, and declares its requests.
pub(crate) struct Builder<'a> {
    pub(super) origin: Origin,
    pub(super) notes: Vec<String>,
    /// Who makes the grant's requests: a session of the role its statements go to.
    pub(super) caller: Caller,
    pub(super) out: &'a mut Effects,
}

impl Builder<'_> {
    /// Whether the plan records the requests a grant exists for: when not, no grant builds them.
    pub(crate) fn records_requests(&self) -> bool {
        self.out.record == Record::All
    }

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
                match (self.origin.implied, self.origin.grant) {
                    (true, crate::grants::GrantKind::LambdaVpc) => ", implied by the service's vpc",
                    (true, _) => ", implied by the service kind",
                    (false, _) => "",
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

    /// A resource-based policy on a resource of the platform.
    pub(crate) fn resource_policy(&mut self, policy: ResourcePolicy) {
        self.out.resource_policies.push(policy);
    }

    /// An input whose example value is given (not an id of a known shape): a queue's URL.
    pub(crate) fn input_with_example(
        &mut self,
        name: String,
        description: String,
        example: String,
    ) {
        self.out.inputs.entry(name.clone()).or_insert(Input {
            example,
            name: name.clone(),
            global: name,
            description,
        });
    }

    /// A data access policy of an OpenSearch Serverless collection.
    pub(crate) fn data_access_policy(&mut self, policy: DataAccessPolicy) {
        self.out.data_access_policies.push(policy);
    }

    /// Declares a request the grant exists for: `action` on `resource`, allowed.
    pub(crate) fn allow(
        &mut self,
        action: &'static str,
        resource: Template,
        what: &str,
        source: &'static str,
    ) -> &mut Expected {
        self.expect(action, resource, Expect::Allow, what, source)
    }

    /// Declares a neighbour the grant must never allow: `action` on `resource`, denied.
    pub(crate) fn deny(
        &mut self,
        action: &'static str,
        resource: Template,
        what: &str,
        source: &'static str,
    ) -> &mut Expected {
        self.expect(action, resource, Expect::Deny, what, source)
    }

    fn expect(
        &mut self,
        action: &'static str,
        resource: Template,
        expect: Expect,
        what: &str,
        source: &'static str,
    ) -> &mut Expected {
        let e = Expected::new(self.caller, action, resource, expect, what, source);
        self.out.requests.push(e);
        self.out.requests.last_mut().expect("just pushed")
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// The description of a service's own API id input.
pub(crate) const API_ID_DESCRIPTION: &str =
    "Id of this service's API Gateway REST API (known after it is created)";

/// Ways to complete a declared request.
impl Expected {
    /// Adds a context key the caller sends.
    pub(crate) fn with(&mut self, key: &'static str, value: Template) -> &mut Self {
        self.context.push((key, value));
        self
    }

    /// Adds an ARN AWS also checks for the same request.
    pub(crate) fn and(&mut self, resource: Template) -> &mut Self {
        self.resources.push(resource);
        self
    }

    /// Moves the resource (and the context) to another account or region.
    pub(crate) fn at(&mut self, place: Place) -> &mut Self {
        self.place = place;
        self
    }

    /// The request is made by `caller` instead of the grant's role.
    pub(crate) fn by(&mut self, caller: Caller) -> &mut Self {
        self.caller = caller;
        self
    }
}

/// Example values for the parts of a request a spec does not name.
pub(crate) mod example {
    /// An object key.
    pub(crate) const KEY: &str = "incoming/2024/05/01/orders.json";
    /// A table of a Glue database, or a DynamoDB index.
    pub(crate) const TABLE: &str = "orders";
    /// The six characters Secrets Manager appends to a secret's name.
    pub(crate) const SECRET_SUFFIX: &str = "-AbCdEf";
    /// An ECS task id (32 hexadecimal digits).
    pub(crate) const TASK: &str = "0123456789abcdef0123456789abcdef";
    /// A log stream.
    pub(crate) const STREAM: &str = "2024/05/01/[$LATEST]0123abcd";
    /// What stands for `*` in a name pattern (`engagement-*-dev` is `engagement-cache-dev`).
    pub(crate) const IN_PATTERN: &str = "cache";

    /// A name with its pattern filled in.
    pub(crate) fn named(name: &str) -> String {
        name.replace('*', IN_PATTERN)
    }
}
