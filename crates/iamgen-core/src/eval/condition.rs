//! The `Condition` element: operators, their values, and how AWS evaluates them against the
//! request context
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).

use serde_json::Value;

use super::error::{PolicyError, PolicyErrorKind};
use super::pattern::{self, Pattern, Unresolved};
use super::request::Context;
use super::value::{self, Cidr, Decimal, Instant, ValueError, ValueKind};

/// How a comparison operator orders two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

/// How string operators compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrMode {
    Exact,
    IgnoreCase,
    Like,
}

/// The family of a base operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Str(StrMode),
    Num(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// Every base operator AWS documents: name, family, negated.
const OPERATORS: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::Str(StrMode::Exact), false),
    ("StringNotEquals", Family::Str(StrMode::Exact), true),
    (
        "StringEqualsIgnoreCase",
        Family::Str(StrMode::IgnoreCase),
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Family::Str(StrMode::IgnoreCase),
        true,
    ),
    ("StringLike", Family::Str(StrMode::Like), false),
    ("StringNotLike", Family::Str(StrMode::Like), true),
    ("NumericEquals", Family::Num(Cmp::Eq), false),
    ("NumericNotEquals", Family::Num(Cmp::Eq), true),
    ("NumericLessThan", Family::Num(Cmp::Lt), false),
    ("NumericLessThanEquals", Family::Num(Cmp::Le), false),
    ("NumericGreaterThan", Family::Num(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Family::Num(Cmp::Ge), false),
    ("DateEquals", Family::Date(Cmp::Eq), false),
    ("DateNotEquals", Family::Date(Cmp::Eq), true),
    ("DateLessThan", Family::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Family::Date(Cmp::Le), false),
    ("DateGreaterThan", Family::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Family::Date(Cmp::Ge), false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("Null", Family::Null, false),
];

/// `ForAllValues:` and `ForAnyValue:`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// The values of one condition, read as the operator's family reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Values {
    /// String, ARN and Bool values: the operators that accept policy variables.
    Patterns(Vec<Pattern>),
    Numbers(Vec<Decimal>),
    Dates(Vec<Instant>),
    Cidrs(Vec<Cidr>),
    Bytes(Vec<Vec<u8>>),
    Null(Vec<bool>),
}

/// One operator on one key with its values: `"StringEquals": {"aws:SourceAccount": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Condition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub(crate) operator: String,
    /// The key as written.
    pub(crate) key: String,
    family: Family,
    negated: bool,
    set: Option<SetOp>,
    if_exists: bool,
    values: Values,
}

/// The outcome of one condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    True,
    False {
        key_present: bool,
    },
    /// A policy variable in a value has no value in the request context.
    Unresolved(String),
    /// The outcome depends on a reading AWS does not settle (policy variables in `Bool`).
    Undocumented,
}

/// Why a condition cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A request value (or a substituted variable) the operator cannot read.
    Value(ValueError),
    /// A plain operator on a key with several values: AWS requires a set operator.
    Multivalued,
    /// A policy variable naming a multivalued key.
    MultivaluedVariable(String),
}

/// Parses a statement's `Condition` block. `variables`: the policy is version `2012-10-17`.
pub(crate) fn parse_block(
    value: &Value,
    path: &str,
    variables: bool,
    policy: &str,
) -> Result<Vec<Condition>, PolicyError> {
    let err = |path: String, kind| PolicyError {
        policy: policy.to_string(),
        path,
        kind,
    };
    let block = value.as_object().ok_or_else(|| {
        err(
            path.into(),
            PolicyErrorKind::Type("an object of condition operators"),
        )
    })?;
    let mut out = Vec::new();
    for (operator, keys) in block {
        let op_path = format!("{path}.{operator}");
        let (family, negated, set, if_exists) =
            parse_operator(operator).map_err(|kind| err(op_path.clone(), kind))?;
        let keys = keys.as_object().ok_or_else(|| {
            err(
                op_path.clone(),
                PolicyErrorKind::Type("an object of condition keys and values"),
            )
        })?;
        if keys.is_empty() {
            return Err(err(op_path, PolicyErrorKind::Empty));
        }
        for (key, raw) in keys {
            let key_path = format!("{op_path}.{key}");
            if key.is_empty() {
                return Err(err(key_path, PolicyErrorKind::Missing("a condition key")));
            }
            let strings = scalar_list(raw).map_err(|kind| err(key_path.clone(), kind))?;
            let values = parse_values(family, &strings, variables)
                .map_err(|kind| err(key_path.clone(), kind))?;
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                family,
                negated,
                set,
                if_exists,
                values,
            });
        }
    }
    Ok(out)
}

/// Whether `text` is an operator [`parse_operator`] reads.
pub(super) fn is_operator(text: &str) -> bool {
    parse_operator(text).is_ok()
}

/// `[ForAllValues:|ForAnyValue:]Base[IfExists]`; `IfExists` and the set operators do not apply
/// to `Null`, which tests existence itself.
fn parse_operator(text: &str) -> Result<(Family, bool, Option<SetOp>, bool), PolicyErrorKind> {
    let (set, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
        (Some(SetOp::ForAllValues), r)
    } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
        (Some(SetOp::ForAnyValue), r)
    } else {
        (None, text)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let &(_, family, negated) = OPERATORS
        .iter()
        .find(|(name, _, _)| *name == base)
        .ok_or_else(|| PolicyErrorKind::Operator(text.to_string()))?;
    if family == Family::Null && (if_exists || set.is_some()) {
        return Err(PolicyErrorKind::Operator(text.to_string()));
    }
    Ok((family, negated, set, if_exists))
}

/// A string, number or Boolean, or a non-empty array of them, as strings. IAM accepts numbers and
/// Booleans unquoted (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).
fn scalar_list(v: &Value) -> Result<Vec<String>, PolicyErrorKind> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(PolicyErrorKind::Type(
            "a string, a number, a Boolean or an array of them",
        )),
    };
    match v {
        Value::Array(items) if items.is_empty() => Err(PolicyErrorKind::Empty),
        Value::Array(items) => items.iter().map(one).collect(),
        _ => Ok(vec![one(v)?]),
    }
}

/// Reads the policy's values. Policy variables are substituted in string, ARN and Bool values
/// only; in the others `${...}` is not a variable and fails to parse
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement>).
fn parse_values(
    family: Family,
    strings: &[String],
    variables: bool,
) -> Result<Values, PolicyErrorKind> {
    fn all<T>(
        strings: &[String],
        f: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Result<Vec<T>, PolicyErrorKind> {
        strings
            .iter()
            .map(|s| f(s).map_err(PolicyErrorKind::Value))
            .collect()
    }
    let pattern = |s: &str, wildcards: bool| {
        Pattern::parse(s, wildcards, variables).map_err(|e| PolicyErrorKind::Pattern(e.to_string()))
    };
    Ok(match family {
        Family::Str(mode) => Values::Patterns(
            strings
                .iter()
                .map(|s| pattern(s, mode == StrMode::Like))
                .collect::<Result<_, _>>()?,
        ),
        Family::Arn => {
            let mut out = Vec::new();
            for s in strings {
                let p = pattern(s, true)?;
                if !p.has_variables() && (p.literal_colons() < 5 || !s.starts_with("arn")) {
                    return Err(PolicyErrorKind::Value(ValueError::new(s, ValueKind::Arn)));
                }
                out.push(p);
            }
            Values::Patterns(out)
        }
        Family::Bool => {
            let mut out = Vec::new();
            for s in strings {
                let p = pattern(s, false)?;
                if !p.has_variables() {
                    value::parse_bool(s).map_err(PolicyErrorKind::Value)?;
                }
                out.push(p);
            }
            Values::Patterns(out)
        }
        Family::Num(_) => Values::Numbers(all(strings, Decimal::parse)?),
        Family::Date(_) => Values::Dates(all(strings, Instant::parse)?),
        Family::Ip => Values::Cidrs(all(strings, Cidr::parse)?),
        Family::Binary => Values::Bytes(all(strings, value::decode_base64)?),
        Family::Null => Values::Null(all(strings, value::parse_bool)?),
    })
}

impl Condition {
    /// Evaluates the condition against the request context
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>):
    ///
    /// - the policy's values are an OR; for a negated operator, a NOR;
    /// - a key absent from the context: false, except for negated operators (true), `...IfExists`
    ///   (true), `ForAllValues` (true), `Null` (its own test);
    /// - `ForAllValues`: every request value satisfies the operator (true for an empty set);
    ///   `ForAnyValue`: at least one does (false for an empty set). An empty string counts as an
    ///   empty set
    ///   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>);
    /// - a plain operator on a key with several values is refused: AWS requires a set operator
    ///   for multivalued keys and does not say what happens without one.
    ///
    /// `skip_unresolved`: a value whose policy variable cannot be resolved is left out instead of
    /// making the condition [`Outcome::Unresolved`] (used for `Deny` statements, see the
    /// evaluator).
    pub(crate) fn evaluate(
        &self,
        ctx: &Context,
        skip_unresolved: bool,
    ) -> Result<Outcome, Failure> {
        let request = ctx.get(&self.key).unwrap_or(&[]);
        if let Values::Null(wants) = &self.values {
            let present = !request.is_empty();
            return Ok(bool_outcome(
                wants.iter().any(|&null| null != present),
                present,
            ));
        }
        let present = !request.is_empty();
        if !present && self.if_exists {
            return Ok(Outcome::True);
        }
        let policy = match self.resolve(ctx, skip_unresolved)? {
            Ok(p) => p,
            Err(var) => return Ok(Outcome::Unresolved(var)),
        };
        let holds = self.holds(&policy, request)?;
        // AWS's pages disagree on policy variables in `Bool`: the condition-operators page says
        // they may be used, the variables page that they may not. When the two readings differ,
        // the outcome is undocumented.
        if let Values::Patterns(patterns) = &self.values {
            if self.family == Family::Bool && patterns.iter().any(Pattern::has_variables) {
                let literal: Vec<_> = patterns
                    .iter()
                    .filter(|p| !p.has_variables())
                    .filter_map(|p| p.resolve(|_| None).ok())
                    .collect();
                if self.holds(&Resolved::Tokens(literal), request)? != holds {
                    return Ok(Outcome::Undocumented);
                }
            }
        }
        Ok(bool_outcome(holds, present))
    }

    fn holds(&self, policy: &Resolved, request: &[String]) -> Result<bool, Failure> {
        Ok(match self.set {
            Some(set) => {
                let values: Vec<&String> = request.iter().filter(|v| !v.is_empty()).collect();
                let mut results = Vec::with_capacity(values.len());
                for v in values {
                    results.push(self.satisfied_by(policy, v)?);
                }
                match set {
                    SetOp::ForAllValues => results.iter().all(|&r| r),
                    SetOp::ForAnyValue => results.iter().any(|&r| r),
                }
            }
            None => match request {
                [] => self.negated,
                [one] => self.satisfied_by(policy, one)?,
                _ => return Err(Failure::Multivalued),
            },
        })
    }

    /// The first policy variable of the values that has no value in the request context.
    pub(crate) fn missing_variable(&self, ctx: &Context) -> Option<String> {
        let Values::Patterns(patterns) = &self.values else {
            return None;
        };
        patterns
            .iter()
            .find_map(|p| match p.resolve(|k| ctx.get(k)) {
                Err(Unresolved::Missing(name)) => Some(name),
                _ => None,
            })
    }

    /// The policy values with variables substituted; `Err(variable)` when one cannot be.
    fn resolve(
        &self,
        ctx: &Context,
        skip_unresolved: bool,
    ) -> Result<Result<Resolved, String>, Failure> {
        let Values::Patterns(patterns) = &self.values else {
            return Ok(Ok(Resolved::Typed));
        };
        let mut out = Vec::with_capacity(patterns.len());
        for p in patterns {
            match p.resolve(|k| ctx.get(k)) {
                Ok(t) => out.push(t),
                Err(Unresolved::Missing(var)) if !skip_unresolved => return Ok(Err(var)),
                Err(Unresolved::Missing(_)) => {}
                Err(Unresolved::Multivalued(var)) => return Err(Failure::MultivaluedVariable(var)),
            }
        }
        Ok(Ok(Resolved::Tokens(out)))
    }

    /// Whether one request value satisfies the operator: any policy value matches it, or, for a
    /// negated operator, none does.
    fn satisfied_by(&self, policy: &Resolved, v: &str) -> Result<bool, Failure> {
        let any = self.any_matches(policy, v).map_err(Failure::Value)?;
        Ok(any != self.negated)
    }

    fn any_matches(&self, policy: &Resolved, v: &str) -> Result<bool, ValueError> {
        let toks = match policy {
            Resolved::Tokens(t) => t.as_slice(),
            Resolved::Typed => &[],
        };
        Ok(match (&self.values, self.family) {
            (Values::Patterns(_), Family::Str(StrMode::Exact)) => {
                toks.iter().any(|t| pattern::literal(t) == v)
            }
            (Values::Patterns(_), Family::Str(StrMode::IgnoreCase)) => {
                let v = v.to_lowercase();
                toks.iter().any(|t| pattern::literal(t).to_lowercase() == v)
            }
            (Values::Patterns(_), Family::Str(StrMode::Like)) => {
                toks.iter().any(|t| pattern::like(t, v, false))
            }
            (Values::Patterns(_), Family::Arn) => {
                if !pattern::is_arn(v) {
                    return Err(ValueError::new(v, ValueKind::Arn));
                }
                toks.iter().any(|t| pattern::arn_like(t, v) == Some(true))
            }
            (Values::Patterns(_), _) => {
                let v = value::parse_bool(v)?;
                let mut any = false;
                for t in toks {
                    any |= value::parse_bool(&pattern::literal(t))? == v;
                }
                any
            }
            (Values::Numbers(ns), Family::Num(cmp)) => {
                let v = Decimal::parse(v)?;
                ns.iter().any(|n| cmp.holds(v.cmp(n)))
            }
            (Values::Dates(ds), Family::Date(cmp)) => {
                let v = Instant::parse(v)?;
                ds.iter().any(|d| cmp.holds(v.cmp(d)))
            }
            (Values::Cidrs(cs), _) => {
                let ip = value::parse_ip(v)?;
                cs.iter().any(|c| c.contains(ip))
            }
            (Values::Bytes(bs), _) => {
                let v = value::decode_base64(v)?;
                bs.contains(&v)
            }
            _ => false,
        })
    }
}

enum Resolved {
    Tokens(Vec<Vec<pattern::Tok>>),
    Typed,
}

fn bool_outcome(holds: bool, key_present: bool) -> Outcome {
    if holds {
        Outcome::True
    } else {
        Outcome::False { key_present }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cond(block: Value) -> Vec<Condition> {
        parse_block(&block, "Condition", true, "p").unwrap()
    }

    #[test]
    fn unknown_and_misqualified_operators_are_errors_naming_the_path() {
        for (block, path) in [
            (json!({"StringEqual": {"k": "v"}}), "Condition.StringEqual"),
            (
                json!({"NullIfExists": {"k": "true"}}),
                "Condition.NullIfExists",
            ),
            (
                json!({"ForAnyValue:Null": {"k": "true"}}),
                "Condition.ForAnyValue:Null",
            ),
            (
                json!({"BinaryNotEquals": {"k": "YQ=="}}),
                "Condition.BinaryNotEquals",
            ),
            (
                json!({"stringequals": {"k": "v"}}),
                "Condition.stringequals",
            ),
        ] {
            let e = parse_block(&block, "Condition", true, "p").unwrap_err();
            assert_eq!(e.path, path);
            assert!(matches!(e.kind, PolicyErrorKind::Operator(_)), "{e}");
        }
    }

    #[test]
    fn values_are_typed_at_parse_time() {
        for (block, path, kind) in [
            (
                json!({"NumericLessThan": {"s3:max-keys": "ten"}}),
                "Condition.NumericLessThan.s3:max-keys",
                ValueKind::Number,
            ),
            (
                json!({"DateGreaterThan": {"aws:CurrentTime": "2020"}}),
                "Condition.DateGreaterThan.aws:CurrentTime",
                ValueKind::Date,
            ),
            (
                json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}),
                "Condition.IpAddress.aws:SourceIp",
                ValueKind::IpAddress,
            ),
            (
                json!({"Bool": {"aws:SecureTransport": "yes"}}),
                "Condition.Bool.aws:SecureTransport",
                ValueKind::Bool,
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3"}}),
                "Condition.ArnLike.aws:SourceArn",
                ValueKind::Arn,
            ),
            (
                json!({"BinaryEquals": {"k": "%%"}}),
                "Condition.BinaryEquals.k",
                ValueKind::Base64,
            ),
            // Variables are not substituted in numeric values: `${...}` is not a number.
            (
                json!({"NumericEquals": {"k": "${aws:username}"}}),
                "Condition.NumericEquals.k",
                ValueKind::Number,
            ),
        ] {
            let e = parse_block(&block, "Condition", true, "p").unwrap_err();
            assert_eq!(e.path, path);
            match &e.kind {
                PolicyErrorKind::Value(v) => assert_eq!(v.kind, kind, "{e}"),
                other => panic!("{other:?}"),
            }
        }
        // Unquoted numbers and Booleans are accepted.
        let c = cond(
            json!({"NumericLessThanEquals": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": false}}),
        );
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn context_values_an_operator_cannot_read_are_typed_errors() {
        let c = &cond(json!({"NumericLessThan": {"s3:max-keys": "10"}}))[0];
        let mut ctx = Context::new();
        ctx.insert("s3:max-keys", "lots");
        assert_eq!(
            c.evaluate(&ctx, false),
            Err(Failure::Value(ValueError::new("lots", ValueKind::Number)))
        );
        let c = &cond(json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}))[0];
        let mut ctx = Context::new();
        ctx.insert("aws:SourceArn", "my-topic");
        assert_eq!(
            c.evaluate(&ctx, false),
            Err(Failure::Value(ValueError::new("my-topic", ValueKind::Arn)))
        );
    }
}
