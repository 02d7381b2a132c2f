//! Tag-based access control: where AWS evaluates `aws:ResourceTag/${TagKey}`, and where iamgen
//! cannot rely on it.
//!
//! The Service Authorization Reference lists the key on a resource type (every action on that
//! type may be conditioned by the resource's tags), or on one action's row of a resource type.
//! The embedded catalog keeps only each action's keys, so `data/resource-tag-keys.tsv` (derived
//! from the same JSON, kept current by a test) says which. A condition on a key AWS does not
//! evaluate for a request would deny it, so only those actions are narrowed.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::catalog;
use super::template::{Template, Values};

/// The resource types and action rows whose condition keys include `aws:ResourceTag/${TagKey}`.
const RESOURCE_TAG_KEYS: &str = include_str!("../../data/resource-tag-keys.tsv");

/// Where the catalog says AWS evaluates the key, but the platform's resources cannot be relied on
/// to carry the platform's tags: a service prefix or `prefix:resource-type`, the reason, and its
/// source. Never narrowed by tags.
pub const NOT_NARROWED: &[(&str, &str, &str)] = &[
    (
        "s3",
        "S3 general purpose buckets evaluate tag conditions only once ABAC is enabled on the bucket (it is disabled by default)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html",
    ),
    (
        "states:execution",
        "an execution carries no tags of its own: Step Functions tags state machines and activities only",
        "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-tagging.html",
    ),
    (
        "ecs:task",
        "a task carries tags only when the one starting it gives them or propagates them; a task started without tags has none",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html",
    ),
    (
        "logs",
        "the log groups and streams a service writes are created by the request itself (or by the service), without the platform's tags",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html",
    ),
    (
        "ec2",
        "Lambda creates the function's network interfaces itself, without the platform's tags",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
    ),
    (
        "events:rule-on-default-event-bus",
        "the rules Step Functions manages for `.sync` integrations are created by Step Functions, without the platform's tags",
        "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html",
    ),
];

/// The tag keys tag-based access control checks: iamgen's own tags on every role and policy, which
/// the platform's resources must carry too.
pub const TAG_KEYS: [&str; 2] = ["Project", "Environment"];

/// Whether AWS evaluates `aws:ResourceTag/...` when `action` is requested on `arn` (an ARN with
/// sample values), and iamgen may rely on the resource carrying the platform's tags.
pub(crate) fn narrowable(action: &str, arn: &str) -> bool {
    let Some((service, def)) = catalog::action(action) else {
        return false;
    };
    let Some(rt) = def.resource_types().iter().find(|rt| {
        service
            .resource_type(rt.name())
            .is_some_and(|t| catalog::arn_matches(t.arn(), arn))
    }) else {
        return false;
    };
    let typed = format!("{}:{}", service.prefix(), rt.name());
    if NOT_NARROWED
        .iter()
        .any(|(what, _, _)| *what == service.prefix() || *what == typed)
    {
        return false;
    }
    let tagged = resource_tag_keys();
    tagged.contains(&("type", service.prefix(), rt.name()))
        || tagged.contains(&("action", action, rt.name()))
}

/// The rows of [`RESOURCE_TAG_KEYS`], `(kind, prefix or action, resource type)`, read once per
/// process: `narrowable` is asked for every action of every statement a name pattern narrows.
fn resource_tag_keys() -> &'static HashSet<(&'static str, &'static str, &'static str)> {
    static ROWS: OnceLock<HashSet<(&str, &str, &str)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        RESOURCE_TAG_KEYS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.split('\t');
                Some((parts.next()?, parts.next()?, parts.next()?))
            })
            .collect()
    })
}

/// Written beside the part of a statement tag-based access control could not narrow.
pub const NOT_NARROWED_WHY: &str = "Not narrowed by tags: for these actions on these resources AWS does not evaluate aws:ResourceTag, or the resources cannot be relied on to carry the platform's tags (the README's decision on tag-based access lists each case and its AWS page).";

/// Whether every ARN of `resources` lets `action` be narrowed by tags (`*` never does).
pub(crate) fn narrowable_on(action: &str, resources: &[Template]) -> bool {
    let mut values = Values::sample();
    for input in resources.iter().flat_map(|r| r.inputs()) {
        values
            .inputs
            .entry(input.to_string())
            .or_insert_with(|| "a1b2c3d4e5".to_string());
    }
    !resources.is_empty()
        && resources
            .iter()
            .all(|r| !r.is_star() && narrowable(action, &r.resolve(&values)))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// `data/resource-tag-keys.tsv` is exactly what the catalog says.
    #[test]
    fn resource_tag_keys_are_the_catalogs() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/aws-iam-catalog.json");
        let text = std::fs::read_to_string(path).unwrap();
        let catalog: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
        let tagged = |keys: &serde_json::Value| {
            keys.as_array().is_some_and(|k| {
                k.iter().any(|k| {
                    k.as_str()
                        .is_some_and(|k| k.starts_with("aws:ResourceTag/"))
                })
            })
        };
        let mut lines = Vec::new();
        for (prefix, service) in &catalog {
            let mut types = Vec::new();
            let defs: BTreeMap<String, serde_json::Value> =
                serde_json::from_value(service["resource_types"].clone()).unwrap();
            for (name, def) in &defs {
                if tagged(&def["condition_keys"]) {
                    lines.push(format!("type\t{prefix}\t{name}"));
                    types.push(name.clone());
                }
            }
            let actions: BTreeMap<String, serde_json::Value> =
                serde_json::from_value(service["actions"].clone()).unwrap();
            for (name, action) in &actions {
                for row in action["resource_types"].as_array().unwrap() {
                    let t = row["type"].as_str().unwrap_or_default();
                    if !t.is_empty()
                        && !types.iter().any(|x| x == t)
                        && tagged(&row["condition_keys"])
                    {
                        lines.push(format!("action\t{prefix}:{name}\t{t}"));
                    }
                }
            }
        }
        let committed: Vec<&str> = RESOURCE_TAG_KEYS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert!(committed == lines, "data/resource-tag-keys.tsv is stale");
    }

    #[test]
    fn tables_and_roles_are_narrowed_buckets_and_executions_are_not() {
        let table = "arn:aws:dynamodb:eu-west-1:111122223333:table/t";
        assert!(narrowable("dynamodb:GetItem", table));
        assert!(narrowable("dynamodb:Query", &format!("{table}/index/i")));
        assert!(narrowable(
            "iam:PassRole",
            "arn:aws:iam::111122223333:role/r"
        ));
        assert!(!narrowable("s3:GetObject", "arn:aws:s3:::b/k"));
        assert!(!narrowable(
            "states:DescribeExecution",
            "arn:aws:states:eu-west-1:111122223333:execution:m:1"
        ));
        assert!(narrowable(
            "states:StartExecution",
            "arn:aws:states:eu-west-1:111122223333:stateMachine:m"
        ));
        assert!(!narrowable("cloudwatch:PutMetricData", "*"));
    }
}
