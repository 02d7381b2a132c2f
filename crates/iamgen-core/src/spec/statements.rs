//! Hand-written statements (`statements:` on a service), read: the reason required, the Sid,
//! every action named exactly and present in the AWS catalog, the placeholders of ARNs and
//! condition values resolved, every condition operator and key known. What the catalog says about
//! each action's resource types, `*`, condition keys and `iam:PassRole` is checked once the
//! statement is built, by the same checker as generated statements (`check::hand_written`).

use indexmap::IndexMap;

use super::input::StatementInput;
use super::model::Written;
use crate::aws::catalog;
use crate::aws::keys::key_type;
use crate::aws::{Condition, Segment, Template};
use crate::diag::{did_you_mean, quote, Diagnostic, Loc};

/// The shortest reason accepted, as for `allow: { wildcard }`.
const REASON_MIN: usize = 10;

/// Reads hand-written statement `i` of a service, at `path` (`services.NAME.statements[i]`);
/// `accounts` are the platform's named accounts in this environment.
pub(crate) fn read(
    st: &StatementInput,
    i: usize,
    path: &str,
    accounts: &IndexMap<String, String>,
) -> Result<Written, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let at = |key: &str| format!("{path}.{key}");
    let why = match st.why.as_deref().map(str::trim) {
        Some(why) if why.chars().count() >= REASON_MIN => why.to_string(),
        Some(_) => {
            problems.push(Diagnostic::error_at(
                Loc::Value(at("why")),
                &at("why"),
                "give a real reason (at least 10 characters): it is written into the output and the docs for reviewers",
            ));
            String::new()
        }
        None => {
            problems.push(
                Diagnostic::error_at(
                    Loc::Key(path.to_string()),
                    path,
                    "a hand-written statement needs `why:`, the reason no grant covers it",
                )
                .with_hint(
                    "it is written beside the statement and listed in the docs for reviewers",
                ),
            );
            String::new()
        }
    };
    let sid = match &st.sid {
        Some(sid) if !sid.is_empty() && sid.chars().all(|c| c.is_ascii_alphanumeric()) => {
            sid.clone()
        }
        Some(sid) => {
            problems.push(Diagnostic::error_at(
                Loc::Value(at("sid")),
                &at("sid"),
                format!(
                    "Sid {} may only hold letters and digits (IAM's rule for Sid)",
                    quote(sid)
                ),
            ));
            String::new()
        }
        None => format!("HandWritten{}", i + 1),
    };
    if st.actions.is_empty() {
        problems.push(Diagnostic::error_at(
            Loc::Key(path.to_string()),
            path,
            "a hand-written statement needs at least one action",
        ));
    }
    for (j, action) in st.actions.iter().enumerate() {
        let apath = format!("{}[{j}]", at("actions"));
        if let Some(d) = action_problem(action, &apath) {
            problems.push(d);
        }
    }
    if st.resources.is_empty() {
        problems.push(Diagnostic::error_at(
            Loc::Key(path.to_string()),
            path,
            "a hand-written statement needs at least one resource (`*` where AWS accepts none)",
        ));
    }
    let mut resources = Vec::new();
    for (j, r) in st.resources.iter().enumerate() {
        let rpath = format!("{}[{j}]", at("resources"));
        match template(r, accounts) {
            Ok(t) => resources.push(t),
            Err(e) => problems.push(Diagnostic::error_at(Loc::Value(rpath.clone()), &rpath, e)),
        }
    }
    let mut conditions = Vec::new();
    for (operator, keys) in &st.conditions {
        let opath = format!("{}.{operator}", at("conditions"));
        if !crate::eval::is_operator(operator) {
            problems.push(Diagnostic::error_at(
                Loc::Key(opath.clone()),
                &opath,
                format!("unknown condition operator {}", quote(operator)),
            ).with_hint("IAM's operators: StringEquals, StringLike, ArnLike, ArnEquals, Bool, NumericEquals, DateGreaterThan, IpAddress, Null..., with ForAllValues:/ForAnyValue: and IfExists"));
            continue;
        }
        for (key, values) in keys {
            let kpath = format!("{opath}.{key}");
            if key_type(key).is_none() {
                problems.push(Diagnostic::error_at(
                    Loc::Key(kpath.clone()),
                    &kpath,
                    format!("unknown condition key {}: neither a global key nor a key of the AWS catalog", quote(key)),
                ));
                continue;
            }
            let mut templates = Vec::new();
            for (n, v) in values.0.iter().enumerate() {
                match template(v, accounts) {
                    Ok(t) => templates.push(t),
                    Err(e) => {
                        let vpath = format!("{kpath}[{n}]");
                        problems.push(Diagnostic::error_at(Loc::Value(vpath.clone()), &vpath, e));
                    }
                }
            }
            conditions.push(Condition::any_of(operator, key, templates));
        }
    }
    match problems.is_empty() {
        true => Ok(Written {
            sid,
            actions: st.actions.clone(),
            resources,
            conditions,
            why,
        }),
        false => Err(problems),
    }
}

/// An action that is a wildcard or not in the catalog (exact case), at `path`.
fn action_problem(action: &str, path: &str) -> Option<Diagnostic> {
    let error = |message: String| Diagnostic::error_at(Loc::Value(path.to_string()), path, message);
    if action.contains(['*', '?']) {
        return Some(
            error(format!(
                "action {} is a wildcard; iamgen names actions exactly",
                quote(action)
            ))
            .with_hint("list each action the statement needs"),
        );
    }
    if catalog::action(action).is_some() {
        return None;
    }
    let (prefix, name) = action.split_once(':').unwrap_or(("", action));
    let Some(service) =
        catalog::service(prefix).or_else(|| catalog::service(&prefix.to_lowercase()))
    else {
        return Some(error(format!(
            "action {} is not in the AWS catalog: no service has the prefix {}",
            quote(action),
            quote(prefix)
        )));
    };
    let names: Vec<&str> = service.actions().iter().map(|a| a.name()).collect();
    let exact_but_case = names.iter().find(|n| n.eq_ignore_ascii_case(name));
    let suggestion = exact_but_case
        .copied()
        .or_else(|| did_you_mean(name, names.iter().copied()));
    let d = error(format!(
        "action {} is not in the AWS catalog",
        quote(action)
    ));
    Some(match suggestion {
        Some(s) => d.with_hint(format!("did you mean '{}:{s}'?", service.prefix())),
        None => d.with_hint(format!(
            "see {} for the actions of {}",
            service.authorization_url(),
            service.name()
        )),
    })
}

/// A resource or condition value as written: `${partition}`, `${region}`, `${account}` become the
/// module's values, `${accounts.NAME}` the named account's id; any other `${...}` (an IAM policy
/// variable such as `${aws:username}`) stays text, which the writers escape.
fn template(text: &str, accounts: &IndexMap<String, String>) -> Result<Template, String> {
    let mut out = Template::default();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_text(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_text(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        match name {
            "partition" => out.push(Segment::Partition),
            "region" => out.push(Segment::Region),
            "account" => out.push(Segment::Account),
            _ => match name.strip_prefix("accounts.") {
                Some(account) => match accounts.get(account) {
                    Some(id) => out.push_text(id),
                    None => {
                        let known: Vec<&str> = accounts.keys().map(String::as_str).collect();
                        return Err(format!(
                            "unknown account {} in {}; {}",
                            quote(account),
                            quote(text),
                            match known.as_slice() {
                                [] => "declare it under accounts".to_string(),
                                k => format!("accounts: {}", k.join(", ")),
                            }
                        ));
                    }
                },
                None => out.push_text(&rest[start..start + 2 + end + 1]),
            },
        }
        rest = &after[end + 1..];
    }
    out.push_text(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_deploy_time_values_and_policy_variables_stay_text() {
        let mut accounts = IndexMap::new();
        accounts.insert("shared".to_string(), "444455556666".to_string());
        let t = template(
            "arn:${partition}:s3:::b/${aws:username}/${accounts.shared}",
            &accounts,
        )
        .unwrap();
        assert_eq!(
            t.to_string(),
            "arn:${partition}:s3:::b/${aws:username}/444455556666"
        );
        assert!(matches!(t.segments()[1], Segment::Partition));
        assert!(template("${accounts.nope}", &accounts)
            .unwrap_err()
            .contains("unknown account 'nope'"));
    }

    #[test]
    fn actions_are_exact_and_known() {
        assert!(action_problem("s3:GetObject", "p").is_none());
        let d = action_problem("s3:getobject", "p").unwrap();
        assert_eq!(d.hint.as_deref(), Some("did you mean 's3:GetObject'?"));
        assert!(action_problem("s3:Get*", "p")
            .unwrap()
            .message
            .contains("wildcard"));
        assert!(action_problem("nope:Thing", "p")
            .unwrap()
            .message
            .contains("no service"));
    }
}
