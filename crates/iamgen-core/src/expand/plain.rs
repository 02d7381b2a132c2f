//! The requests of grants whose actions are all checked on their target's own ARN (a queue, a
//! topic, a stream): the operations, then the neighbours every such grant must refuse (the
//! operations it does not grant, a resource whose name starts with the target's, the same resource
//! in another environment, account or region).

use super::builder::{example, Builder};
use crate::aws::Template;
use crate::intent::Place;
use crate::spec::Resource;

/// How one grant's requests are made on each of its targets.
pub(super) struct Plain {
    /// The ARN of a resource of the target's kind, by physical name.
    pub(super) arn: fn(&str) -> Template,
    /// What the grant exists for: each action, with the operation it authorizes.
    pub(super) allowed: &'static [(&'static str, &'static str)],
    /// Actions on the same resource it must refuse, with why each is a neighbour.
    pub(super) denied: &'static [(&'static str, &'static str)],
    /// What a target is called: `queue`.
    pub(super) noun: &'static str,
    /// The AWS page saying how the allowed actions are authorized.
    pub(super) source: &'static str,
    /// The Service Authorization Reference page of the service, for the refused actions.
    pub(super) reference: &'static str,
}

/// Declares `p`'s requests and neighbours on every target.
pub(super) fn requests<'r>(
    b: &mut Builder<'_>,
    targets: impl IntoIterator<Item = &'r Resource>,
    p: &Plain,
) {
    let Some(&(first, _)) = p.allowed.first() else {
        return;
    };
    for r in targets {
        let name = example::named(&r.name);
        let arn = (p.arn)(&name);
        for &(action, what) in p.allowed {
            b.allow(action, arn.clone(), what, p.source);
        }
        for &(action, what) in p.denied {
            b.deny(action, arn.clone(), what, p.reference);
        }
        b.deny(
            first,
            (p.arn)(&format!("{name}-old")),
            &format!("a {} whose name starts with this one's", p.noun),
            p.source,
        );
        if let Some(other) = &r.other_environment {
            b.deny(
                first,
                (p.arn)(&example::named(other)),
                &format!("the same {} in another environment", p.noun),
                p.source,
            );
        }
        b.deny(
            first,
            arn.clone(),
            &format!("the {} in another account", p.noun),
            p.source,
        )
        .at(Place::OtherAccount);
        b.deny(
            first,
            arn,
            &format!("the {} in another region", p.noun),
            p.source,
        )
        .at(Place::OtherRegion);
    }
}
