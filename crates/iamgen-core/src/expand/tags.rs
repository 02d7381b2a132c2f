//! Tag-based access control on one grant: its statements' actions that AWS evaluates
//! `aws:ResourceTag` for (see [`crate::aws::tags`]) get `aws:ResourceTag/Project` and
//! `aws:ResourceTag/Environment` conditions (a statement is split where some of its actions can be
//! narrowed and some cannot), the requests the grant exists for are made on resources carrying
//! the platform's tags, and an untagged resource and one tagged for another environment or project
//! become neighbours it must refuse.

use super::builder::Effects;
use crate::aws::tags::{narrowable_on, NOT_NARROWED_WHY, TAG_KEYS};
use crate::aws::{Condition, Template};
use crate::intent::{Caller, Expect, Expected};
use crate::naming::Names;

const ABAC: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html";

/// The condition key of tag `key` of the requested resource.
fn key(tag: &str) -> String {
    format!("aws:ResourceTag/{tag}")
}

/// The platform's value of each tag key.
fn values<'a>(names: Names<'a>) -> [(&'static str, &'a str); 2] {
    [
        (TAG_KEYS[0], names.project),
        (TAG_KEYS[1], names.environment),
    ]
}

/// Narrows what one grant built (`own`) by the platform's tags.
pub(super) fn narrow(own: &mut Effects, names: Names<'_>) {
    let conditions: Vec<Condition> = values(names)
        .iter()
        .map(|(tag, value)| Condition::new("StringEquals", &key(tag), Template::text(*value)))
        .collect();
    let mut statements = Vec::new();
    // The actions of each narrowed statement.
    let mut groups: Vec<Vec<String>> = Vec::new();
    for s in std::mem::take(&mut own.statements) {
        let (tagged, rest): (Vec<String>, Vec<String>) = s
            .actions
            .iter()
            .cloned()
            .partition(|a| narrowable_on(a, &s.resources));
        if tagged.is_empty() {
            let mut s = s;
            s.why = s.why.or(Some(NOT_NARROWED_WHY));
            statements.push(s);
            continue;
        }
        groups.push(tagged.clone());
        let mut with_tags = s.clone();
        with_tags.actions = tagged;
        with_tags.conditions.extend(conditions.iter().cloned());
        statements.push(with_tags);
        if !rest.is_empty() {
            let mut without = s;
            without.sid = format!("{}NoTagCondition", without.sid);
            without.actions = rest;
            without.why = without.why.or(Some(NOT_NARROWED_WHY));
            statements.push(without);
        }
    }
    own.statements = statements;
    // The requests the grant exists for are made on resources carrying the platform's tags.
    let group_of = |e: &Expected| {
        groups.iter().position(|g| {
            matches!(e.caller, Caller::Role(_))
                && g.iter().any(|a| a == e.action)
                && narrowable_on(e.action, &e.resources)
        })
    };
    // An untagged and a foreign-tagged neighbour for the first request of each narrowed statement.
    let mut neighbours = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for e in &mut own.requests {
        let Some(group) = group_of(e) else {
            continue;
        };
        let untagged = e.clone();
        for (tag, value) in values(names) {
            e.context.push((tag_key(tag), Template::text(value)));
        }
        if e.expect != Expect::Allow || seen.contains(&group) {
            continue;
        }
        seen.push(group);
        let mut n = untagged.clone();
        n.expect = Expect::Deny;
        n.what = format!("{}, on a resource without the platform's tags", e.what);
        n.source = ABAC;
        neighbours.push(n);
        let other = names.other_environment();
        let foreign = [
            ("Environment", other.environment, "another environment"),
            ("Project", "other-project", "another project"),
        ];
        for (tag, value, what) in foreign {
            let mut n = e.clone();
            n.expect = Expect::Deny;
            n.what = format!("{}, on a resource tagged for {what}", e.what);
            n.source = ABAC;
            for (k, v) in &mut n.context {
                if *k == tag_key(tag) {
                    *v = Template::text(value);
                }
            }
            neighbours.push(n);
        }
    }
    own.requests.extend(neighbours);
}

/// The condition key of tag `tag`, as a request's context key.
fn tag_key(tag: &str) -> &'static str {
    match tag {
        "Project" => "aws:ResourceTag/Project",
        _ => "aws:ResourceTag/Environment",
    }
}
