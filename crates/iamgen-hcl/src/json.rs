//! The JSON export: every role's trust and permission documents, fully resolved, for IAM Access
//! Analyzer, parliament and other tools.

use std::io;

use iamgen_core::{Plan, ServicePlan, Values, ValuesError};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

/// The fully resolved documents of `plan` as pretty JSON (with a final newline):
/// `{"roles": [{"service", "role_name", "trust_policy", "policies": [{"name", "document"}]}],
/// "resource_permissions": [...], "resource_policies": [...]}` (the Lambda permissions, and the
/// queue policies of the platform's wiring). `values.inputs` are keyed by the root module's variable names
/// (`api_api_id`). Refused (see [`Plan::check_values`]) unless every value is an AWS one and every
/// input has one: the export never holds a placeholder. [`write_json`] writes the same text to a
/// writer as it goes.
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
    let mut out = Vec::new();
    export(plan, values, &mut out).unwrap_or_else(|e| unreachable!("a Vec takes any write: {e}"));
    Ok(String::from_utf8(out).unwrap_or_else(|e| unreachable!("JSON is UTF-8: {e}")))
}

/// What the export could not do: the values are refused (nothing was written), or the writer
/// failed (what came before the failure was written).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The values cannot resolve the plan's documents (see [`Plan::check_values`]).
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// [`json()`], written to `out` one role, permission and resource policy at a time, so that the
/// whole export is never held in memory. The values are checked before anything is written: a
/// [`JsonError::Values`] leaves `out` untouched. Wrap an unbuffered writer (a file, stdout) in a
/// [`std::io::BufWriter`].
///
/// ```
/// use iamgen_core::{compile_input, Settings, SpecInput, Values};
///
/// let plan = compile_input(&SpecInput::new("shop", "prod").lambda("resize"), &Settings::default())
///     .unwrap()
///     .plan;
/// let values = Values::new("aws", "us-east-1", "111122223333").unwrap();
/// let mut out = Vec::new();
/// iamgen_hcl::write_json(&plan, &values, &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), iamgen_hcl::json(&plan, &values).unwrap());
///
/// let mut wrong = values.clone();
/// wrong.account = "1111".into();
/// let mut out = Vec::new();
/// assert!(iamgen_hcl::write_json(&plan, &wrong, &mut out).is_err());
/// assert!(out.is_empty());
/// ```
pub fn write_json(plan: &Plan, values: &Values, out: &mut impl io::Write) -> Result<(), JsonError> {
    plan.check_values(values)?;
    Ok(export(plan, values, out)?)
}

/// Writes the export of checked values.
fn export(plan: &Plan, values: &Values, mut out: impl io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &Export { plan, values }).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The export's top-level object, each of its lists made service by service as it is written.
struct Export<'a> {
    plan: &'a Plan,
    values: &'a Values,
}

/// A service's entries in one of the export's lists, given the export's values.
type Entries = fn(&ServicePlan, &Values) -> Vec<Value>;

/// One of the export's lists, made service by service as it is written.
struct List<'a> {
    export: &'a Export<'a>,
    entries: Entries,
}

impl Serialize for List<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Export { plan, values } = self.export;
        serializer.collect_seq(plan.services.iter().flat_map(|s| (self.entries)(s, values)))
    }
}

impl Serialize for Export<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let lists: [(&str, Entries); 3] = [
            ("roles", roles),
            ("resource_permissions", permissions),
            ("resource_policies", policies),
        ];
        let mut map = serializer.serialize_map(Some(lists.len()))?;
        for (key, entries) in lists {
            map.serialize_entry(
                key,
                &List {
                    export: self,
                    entries,
                },
            )?;
        }
        map.end()
    }
}

/// `entry` of each of `items`, with service `s`'s values (made only when there is an item).
fn each<T>(
    s: &ServicePlan,
    items: &[T],
    values: &Values,
    entry: impl Fn(&T, &Values) -> Value,
) -> Vec<Value> {
    if items.is_empty() {
        return Vec::new();
    }
    let values = &s.values(values);
    items.iter().map(|item| entry(item, values)).collect()
}

fn roles(s: &ServicePlan, values: &Values) -> Vec<Value> {
    each(s, &s.roles, values, |r, values| {
        json!({
            "service": s.name,
            "role_name": r.name,
            "trust_policy": r.trust.to_json(values),
            "policies": r.policies.iter().map(|p| json!({
                "name": p.name,
                "document": p.document.to_json(values),
            })).collect::<Vec<_>>(),
        })
    })
}

fn permissions(s: &ServicePlan, values: &Values) -> Vec<Value> {
    each(s, &s.lambda_permissions, values, |p, values| {
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
        entry
    })
}

fn policies(s: &ServicePlan, values: &Values) -> Vec<Value> {
    each(s, &s.resource_policies, values, |p, values| {
        json!({
            "service": s.name,
            "resource_type": p.resource_type,
            p.target_argument: p.target.resolve(values),
            "arn": p.arn.resolve(values),
            "policy": p.to_json(values),
        })
    })
}
