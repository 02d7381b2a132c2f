//! The AWS Service Authorization Reference, embedded.
//!
//! `data/aws-iam-catalog.json` (see `data/PROVENANCE.md`) is turned into static, sorted tables by
//! `build.rs`, so a lookup costs a binary search and nothing is parsed at run time.

/// How much access an action gives, as AWS classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    /// Read.
    Read,
    /// Write.
    Write,
    /// List.
    List,
    /// Tagging.
    Tagging,
    /// Permissions management.
    PermissionsManagement,
}

/// One AWS service (an action prefix such as `s3`).
#[derive(Debug)]
pub struct ServiceDef {
    /// The action prefix.
    pub prefix: &'static str,
    /// The service's name.
    pub name: &'static str,
    /// The Service Authorization Reference page.
    pub authorization_url: &'static str,
    /// Actions, sorted by name.
    pub actions: &'static [ActionDef],
    /// Resource types, sorted by name.
    pub resource_types: &'static [ResourceTypeDef],
    /// Service-specific condition keys, sorted.
    pub condition_keys: &'static [&'static str],
}

/// One action.
#[derive(Debug)]
pub struct ActionDef {
    /// The action name without prefix, in AWS's case.
    pub name: &'static str,
    /// Its access level.
    pub access: AccessLevel,
    /// The resource types it accepts; empty when it accepts no resource (`Resource = "*"`).
    pub resource_types: &'static [ActionResourceDef],
    /// The condition keys it supports, sorted.
    pub condition_keys: &'static [&'static str],
}

/// A resource type an action accepts.
#[derive(Debug)]
pub struct ActionResourceDef {
    /// The resource type's name in its service.
    pub name: &'static str,
    /// Whether AWS marks it required.
    pub required: bool,
}

/// A resource type and its ARN format.
#[derive(Debug)]
pub struct ResourceTypeDef {
    /// The name, such as `object`.
    pub name: &'static str,
    /// The ARN format, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// A service by prefix, exact case.
pub fn service(prefix: &str) -> Option<&'static ServiceDef> {
    SERVICES
        .binary_search_by(|s| s.prefix.cmp(prefix))
        .ok()
        .map(|i| &SERVICES[i])
}

/// An action by its full name (`s3:GetObject`), exact case, with its service.
pub fn action(full_name: &str) -> Option<(&'static ServiceDef, &'static ActionDef)> {
    let (prefix, name) = full_name.split_once(':')?;
    let service = service(prefix)?;
    let i = service
        .actions
        .binary_search_by(|a| a.name.cmp(name))
        .ok()?;
    Some((service, &service.actions[i]))
}

/// How many services and actions the catalog holds.
pub fn size() -> (usize, usize) {
    (
        SERVICES.len(),
        SERVICES.iter().map(|s| s.actions.len()).sum(),
    )
}

impl ServiceDef {
    /// A resource type by name.
    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceTypeDef> {
        self.resource_types
            .binary_search_by(|r| r.name.cmp(name))
            .ok()
            .map(|i| &self.resource_types[i])
    }
}

impl ActionDef {
    /// True when the action accepts no resource type: its only valid `Resource` is `*`.
    pub fn accepts_no_resource(&self) -> bool {
        self.resource_types.is_empty()
    }

    /// Whether `key` is a condition key of this action (global `aws:` keys are not listed here).
    pub fn supports_condition_key(&self, key: &str) -> bool {
        self.condition_keys.iter().any(|k| key_matches(k, key))
    }
}

/// Matches a catalog condition key, which may end in a `${TagKey}`-style placeholder or `<key>`.
fn key_matches(pattern: &str, key: &str) -> bool {
    match pattern.find(['$', '<']) {
        Some(i) => key.len() > i && key[..i].eq_ignore_ascii_case(&pattern[..i]),
        None => pattern.eq_ignore_ascii_case(key),
    }
}

/// Whether `arn` (with deploy-time parts already replaced by sample values) fits `format`.
///
/// A `${Placeholder}` matches a non-empty run of characters without `:` or `/`, except that
/// placeholders whose values may contain `/` (object keys, log group names, role names with path,
/// secret ids) accept `/`, and the last placeholder of a format also accepts `:` (a Bedrock model id
/// such as `amazon.titan-embed-text-v2:0`, a function qualifier). So a bucket ARN is not an object
/// ARN, and a table ARN is not an index ARN.
pub fn arn_matches(format: &str, arn: &str) -> bool {
    const SLASHED: [&str; 6] = [
        "ObjectName",
        "LogGroupName",
        "LogStreamName",
        "RoleNameWithPath",
        "SecretId",
        "RepositoryName",
    ];
    let Some(start) = format.find("${") else {
        return format == arn;
    };
    let (text, rest) = format.split_at(start);
    let Some(arn) = arn.strip_prefix(text) else {
        return false;
    };
    let end = rest.find('}').unwrap_or(rest.len() - 1);
    let after = &rest[end + 1..];
    let slash = SLASHED.contains(&&rest[2..end]);
    let colon = !after.contains("${");
    for (i, c) in arn.char_indices() {
        if (c == '/' && !slash) || (c == ':' && !colon) {
            return false;
        }
        if arn_matches(after, &arn[i + c.len_utf8()..]) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_exact_case() {
        assert!(action("s3:GetObject").is_some());
        assert!(action("s3:getobject").is_none());
        assert!(action("s3:GetObjects").is_none());
        assert!(action("nope:GetObject").is_none());
        let (services, actions) = size();
        assert_eq!(services, 445);
        assert!(actions > 20_000, "{actions}");
    }

    #[test]
    fn resourceless_actions_are_known() {
        assert!(action("cloudwatch:PutMetricData")
            .unwrap()
            .1
            .accepts_no_resource());
        assert!(!action("s3:GetObject").unwrap().1.accepts_no_resource());
        let (_, pass) = action("iam:PassRole").unwrap();
        assert!(pass.supports_condition_key("iam:PassedToService"));
        assert!(!pass.supports_condition_key("s3:prefix"));
    }

    #[test]
    fn arn_formats_tell_buckets_from_objects() {
        let s3 = service("s3").unwrap();
        let bucket = s3.resource_type("bucket").unwrap().arn;
        let object = s3.resource_type("object").unwrap().arn;
        assert!(arn_matches(bucket, "arn:aws:s3:::raw"));
        assert!(!arn_matches(bucket, "arn:aws:s3:::raw/*"));
        assert!(arn_matches(object, "arn:aws:s3:::raw/*"));
        assert!(arn_matches(object, "arn:aws:s3:::raw/a/b.csv"));
        assert!(!arn_matches(object, "arn:aws:s3:::raw"));
        let ddb = service("dynamodb").unwrap();
        assert!(!arn_matches(
            ddb.resource_type("table").unwrap().arn,
            "arn:aws:dynamodb:r:1:table/t/index/*"
        ));
        assert!(arn_matches(
            ddb.resource_type("index").unwrap().arn,
            "arn:aws:dynamodb:r:1:table/t/index/*"
        ));
        let model = service("bedrock")
            .unwrap()
            .resource_type("foundation-model")
            .unwrap()
            .arn;
        assert!(arn_matches(
            model,
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
        ));
    }
}
