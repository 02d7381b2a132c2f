//! IAM's condition grammar: `{"TEST": {"VARIABLE": [values]}}`.

use serde_json::{Map, Value};

use super::template::{Template, Values};

/// A condition: `TEST` on `VARIABLE` against `VALUES`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Condition {
    /// The operator, such as `StringEquals` or `ArnLike`.
    pub test: String,
    /// The condition key.
    pub variable: String,
    /// The values, any of which may match.
    pub values: Vec<Template>,
}

impl Condition {
    /// A condition with one value.
    ///
    /// ```
    /// use iamgen_core::{Condition, Template};
    /// let c = Condition::new("StringEquals", "cloudwatch:namespace", Template::text("Shop"));
    /// assert_eq!(c.values[0].to_string(), "Shop");
    /// ```
    pub fn new(test: &str, variable: &str, value: Template) -> Self {
        Condition {
            test: test.into(),
            variable: variable.into(),
            values: vec![value],
        }
    }

    /// A condition with several values, any of which may match.
    pub fn any_of(test: &str, variable: &str, values: Vec<Template>) -> Self {
        Condition {
            test: test.into(),
            variable: variable.into(),
            values,
        }
    }
}

/// `{"TEST": {"VARIABLE": [values]}}`, tests and variables in first-seen order.
pub(crate) fn conditions_json(conditions: &[Condition], values: &Values) -> Value {
    let mut by_test = Map::new();
    for c in conditions {
        let entry = by_test
            .entry(c.test.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let vals: Vec<Value> = c
            .values
            .iter()
            .map(|v| Value::String(v.resolve(values)))
            .collect();
        // `Null` tests one existence: AWS's examples write its value as a string, and so does
        // Terraform's aws_iam_policy_document for one value (policy checkers such as parliament
        // read nothing else).
        let value = match (c.test.as_str(), vals.as_slice()) {
            ("Null", [one]) => one.clone(),
            _ => Value::Array(vals),
        };
        if let Value::Object(entry) = entry {
            entry.insert(c.variable.clone(), value);
        }
    }
    Value::Object(by_test)
}
