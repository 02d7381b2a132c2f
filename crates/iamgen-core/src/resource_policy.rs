//! Resource-based policies the platform's own wiring needs, as plan items: a queue's policy letting
//! the platform's SNS topics and EventBridge rules deliver to it. Each is one Terraform resource in
//! the module of the service that owns it, planned here in full (the resource type, the argument
//! naming the resource, the statements), so writers render it without knowing what it is for.

use serde_json::{json, Map, Value};

use crate::aws::{conditions_json, Condition, Template, Values};
use crate::policy::Origin;

/// A resource-based policy on a resource of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourcePolicy {
    /// A label unique within the service: `queue_fulfilment`.
    pub label: String,
    /// The Terraform resource type that holds the policy (`aws_sqs_queue_policy`).
    pub resource_type: &'static str,
    /// The argument of that resource naming the resource the policy is on (`queue_url`).
    pub target_argument: &'static str,
    /// Its value (for a queue, the module input holding its URL).
    pub target: Template,
    /// The ARN of the resource the policy is on: its statements' `Resource`.
    pub arn: Template,
    /// What the resource is, for comments and docs: `queue engagement-fulfilment-dev`.
    pub about: String,
    /// Its statements, one per sender.
    pub statements: Vec<ResourceStatement>,
    /// What else the wiring needs that iamgen does not write (a key policy), for reviewers.
    pub notes: Vec<String>,
    /// Where the declaration it comes from is written.
    pub origin: Origin,
}

/// One statement of a resource-based policy: a service principal allowed `actions` on the resource
/// under `conditions`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourceStatement {
    /// The statement id.
    pub sid: String,
    /// The service principal allowed.
    pub principal: &'static str,
    /// The actions allowed.
    pub actions: Vec<String>,
    /// The conditions (the sender's `aws:SourceArn`).
    pub conditions: Vec<Condition>,
    /// What sends, for comments and docs: `topic engagement-orders-dev`.
    pub sender: String,
    /// The AWS page with this statement.
    pub source: &'static str,
}

impl ResourcePolicy {
    /// The label of its Terraform resource in its service's module: `queue_fulfilment`.
    pub fn resource_label(&self) -> String {
        self.label.clone()
    }

    /// The label of its policy document in its service's module: `queue_fulfilment_policy`.
    pub fn document_label(&self) -> String {
        format!("{}_policy", self.label)
    }

    /// The policy as IAM JSON, with deploy-time values substituted.
    pub fn to_json(&self, values: &Values) -> Value {
        let statements: Vec<Value> = self
            .statements
            .iter()
            .map(|s| {
                let mut st = Map::new();
                st.insert("Sid".into(), json!(s.sid));
                st.insert("Effect".into(), json!("Allow"));
                st.insert("Principal".into(), json!({ "Service": s.principal }));
                st.insert("Action".into(), json!(s.actions));
                st.insert("Resource".into(), json!([self.arn.resolve(values)]));
                if !s.conditions.is_empty() {
                    st.insert("Condition".into(), conditions_json(&s.conditions, values));
                }
                Value::Object(st)
            })
            .collect();
        json!({ "Version": "2012-10-17", "Statement": statements })
    }
}
