//! The JSON export: every role's trust and permission documents, fully resolved, for IAM Access
//! Analyzer, parliament and other tools.

use iamgen_core::{Plan, Values, ValuesError};
use serde_json::{json, Value};

/// The fully resolved documents of `plan` as pretty JSON (with a final newline):
/// `{"roles": [{"service", "role_name", "trust_policy", "policies": [{"name", "document"}]}],
/// "resource_permissions": [...], "resource_policies": [...]}` (the Lambda permissions, and the
/// queue policies of the platform's wiring). `values.inputs` are keyed by the root module's variable names
/// (`api_api_id`). Refused (see [`Plan::check_values`]) unless every value is an AWS one and every
/// input has one: the export never holds a placeholder.
///
/// ```
/// use iamgen_core::{compile_input, Settings, SpecInput, Values};
///
/// let plan = compile_input(&SpecInput::new("shop", "prod").lambda("resize"), &Settings::default())
///     .unwrap()
///     .plan;
/// let values = Values::new("aws", "us-east-1", "111122223333").unwrap();
/// let json = iamgen_hcl::json(&plan, &values).unwrap();
/// assert!(json.contains("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/shop-resize-prod"));
/// ```
pub fn json(plan: &Plan, values: &Values) -> Result<String, ValuesError> {
    plan.check_values(values)?;
    let text = serde_json::to_string_pretty(&to_value(plan, values))
        .unwrap_or_else(|e| unreachable!("JSON values always serialize: {e}"));
    Ok(text + "\n")
}

fn to_value(plan: &Plan, values: &Values) -> Value {
    let mut roles = Vec::new();
    let mut permissions = Vec::new();
    let mut policies = Vec::new();
    for s in &plan.services {
        let values = &s.values(values);
        for r in &s.roles {
            roles.push(json!({
                "service": s.name,
                "role_name": r.name,
                "trust_policy": r.trust.to_json(values),
                "policies": r.policies.iter().map(|p| json!({
                    "name": p.name,
                    "document": p.document.to_json(values),
                })).collect::<Vec<_>>(),
            }));
        }
        for p in &s.lambda_permissions {
            let mut entry = json!({
                "service": s.name,
                "function": p.function_name,
                "principal": p.principal,
                "action": p.action,
                "source_arn": p.source_arn.resolve(values),
            });
            if p.source_account {
                entry["source_account"] = json!(values.account);
            }
            permissions.push(entry);
        }
        for p in &s.resource_policies {
            policies.push(json!({
                "service": s.name,
                "resource_type": p.resource_type,
                p.target_argument: p.target.resolve(values),
                "arn": p.arn.resolve(values),
                "policy": p.to_json(values),
            }));
        }
    }
    json!({ "roles": roles, "resource_permissions": permissions, "resource_policies": policies })
}
