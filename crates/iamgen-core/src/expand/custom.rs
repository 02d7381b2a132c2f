//! Hand-written statements (`statements:` on a service): the escape hatch for what no grant covers
//! yet. The loader checks each against the AWS catalog exactly like the statements grants build
//! (the action exists, no wildcard action, every ARN of a resource type the action accepts, `*`
//! only where AWS accepts no resource, the `iam:PassRole` rules); here it becomes a statement of
//! the service's main role, with its reason beside it.

use super::builder::{Builder, Ctx};
use crate::aws::{Segment, Template};
use crate::intent::Place;

/// The reason of a hand-written statement, as written beside it for reviewers.
pub(crate) fn note(why: &str) -> String {
    format!("hand-written: {why}")
}

/// `statements:`: one hand-written statement, as written.
pub(super) fn statements(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let Some(w) = &g.grant.written else {
        return;
    };
    let actions: Vec<&str> = w.actions.iter().map(String::as_str).collect();
    b.notes = vec![note(&w.why)];
    b.statement(&w.sid, &actions, w.resources.clone(), w.conditions.clone());
}

const POLICY_ELEMENTS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html";

/// A hand-written statement's ARN with each `*` and `?` filled in, for a request (`*` alone
/// stays: the actions that accept no resource are requested on it).
fn example(t: &Template) -> Template {
    if t.is_star() {
        return t.clone();
    }
    let segments = t
        .segments()
        .iter()
        .map(|s| match s {
            Segment::Text(text) => Segment::Text(text.replace('*', "example").replace('?', "x")),
            other => other.clone(),
        })
        .collect::<Vec<_>>();
    Template::from(segments)
}

/// Whether `t` is an ARN whose account is written out (`${accounts.NAME}`), not the platform's.
fn names_another_account(t: &Template) -> bool {
    if t.segments().contains(&Segment::Account) {
        return false;
    }
    let text = t.to_string();
    let account = text.split(':').nth(4).unwrap_or_default();
    !account.is_empty()
}

/// What a hand-written statement is for, as far as iamgen can tell without knowing its purpose:
/// each action on each of its ARNs in the platform's account (patterns filled in) is allowed, and
/// the same ARN in another account is not. A statement with conditions declares
/// nothing: the context its callers send is not known.
pub(super) fn statements_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let Some(w) = &g.grant.written else {
        return;
    };
    if !w.conditions.is_empty() {
        return;
    }
    for action in w.actions.iter().filter_map(|a| interned(a)) {
        for r in &w.resources {
            // Another account's resource is decided by its own resource-based policy too; an IAM
            // policy variable (`${aws:username}`) is the caller's, which no example stands for.
            if names_another_account(r) || r.to_string().contains("${aws:") {
                continue;
            }
            let resource = example(r);
            b.allow(action, resource.clone(), "as written", POLICY_ELEMENTS);
            if r.segments().contains(&Segment::Account) {
                b.deny(
                    action,
                    resource,
                    "the same resource in another account",
                    POLICY_ELEMENTS,
                )
                .at(Place::OtherAccount);
            }
        }
    }
}

/// The catalog's action named `action`, as a `&'static str` a declared request can hold. The
/// names are kept once each in a process-wide table; only actions of the catalog are kept, so it
/// holds at most the catalog's twenty thousand names however often specs are compiled.
fn interned(action: &str) -> Option<&'static str> {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    crate::aws::catalog::action(action)?;
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(name) = names.get(action) {
        return Some(name);
    }
    let name: &'static str = Box::leak(action.to_string().into_boxed_str());
    names.insert(name);
    Some(name)
}
