//! Tag-based access control on one grant: its statements' actions that AWS evaluates
//! `aws:ResourceTag` for (see [`crate::aws::tags`]) get `aws:ResourceTag/Project` and
//! `aws:ResourceTag/Environment` conditions (a statement is split where some of its actions can be
//! narrowed and some cannot), the requests the grant exists for are made on resources carrying
//! the platform's tags, and an untagged resource and one tagged for another environment or project
//! become neighbours it must refuse.

use super::builder::Effects;
use crate::aws::tags::{narrowable_on, TAG_KEYS};
use crate::aws::{Condition, Template};
use crate::intent::{Caller, Expect, Expected};
use crate::naming::Names;

/// Written beside the part of a statement tags could not narrow.
pub(crate) const NOT_NARROWED_WHY: &str = "Not narrowed by tags: for these actions on these resources AWS does not evaluate aws:ResourceTag, or the resources cannot be relied on to carry the platform's tags (the README's decision on tag-based access lists each case and its AWS page).";

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
    let mut narrowed: Vec<String> = Vec::new();
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
        narrowed.extend(tagged.iter().cloned());
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
    let is_narrowed = |e: &Expected| {
        matches!(e.caller, Caller::Role(_))
            && narrowed.iter().any(|a| a == e.action)
            && narrowable_on(e.action, &e.resources)
    };
    let mut neighbours = Vec::new();
    let mut seen: Vec<&'static str> = Vec::new();
    for e in &mut own.requests {
        if !is_narrowed(e) {
            continue;
        }
        let untagged = e.clone();
        for (tag, value) in values(names) {
            e.context.push((tag_key(tag), Template::text(value)));
        }
        if e.expect != Expect::Allow || seen.contains(&e.action) {
            continue;
        }
        seen.push(e.action);
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
