//! The AWS Service Authorization Reference, embedded.
//!
//! `data/aws-iam-catalog.json` (see `data/PROVENANCE.md`) is turned into static, sorted tables by
//! `build.rs`, so a lookup costs a binary search and nothing is parsed at run time. The tables hold
//! ranges of one text rather than pointers, so the dynamic loader does not patch them at start-up;
//! the accessors (`ServiceDef::prefix`, `ActionDef::name`, ...) turn ranges into `&'static str`.

use std::fmt;

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

/// A string of the catalog: a range of its one text, so the tables hold no pointers and the
/// dynamic loader has nothing to patch at start-up (see `build.rs`).
#[derive(Clone, Copy)]
struct Str(u32, u32);

impl Str {
    fn get(self) -> &'static str {
        &strings()[self.0 as usize..self.1 as usize]
    }
}

/// Every string of the catalog, in one text (the only place that names it, so it is stored once).
fn strings() -> &'static str {
    STRINGS
}

/// A range of rows of one of the tables.
#[derive(Clone, Copy)]
struct Rows(u32, u32);

impl Rows {
    fn of<T>(self, table: &'static [T]) -> &'static [T] {
        &table[self.0 as usize..self.1 as usize]
    }
}

/// Condition keys, sorted: a list of the catalog.
fn keys(rows: Rows) -> impl ExactSizeIterator<Item = &'static str> + Clone {
    rows.of(&KEYS).iter().map(|k| k.get())
}

/// One AWS service (an action prefix such as `s3`).
pub struct ServiceDef(Str, Str, Str, Rows, Rows, Rows);

/// One action.
pub struct ActionDef(Str, AccessLevel, Rows, Rows);

/// A resource type an action accepts.
pub struct ActionResourceDef(Str, bool);

/// A resource type and its ARN format.
pub struct ResourceTypeDef(Str, Str);

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// A service by prefix, exact case.
pub fn service(prefix: &str) -> Option<&'static ServiceDef> {
    SERVICES
        .binary_search_by(|s| s.prefix().cmp(prefix))
        .ok()
        .map(|i| &SERVICES[i])
}

/// An action by its full name (`s3:GetObject`), exact case, with its service.
pub fn action(full_name: &str) -> Option<(&'static ServiceDef, &'static ActionDef)> {
    let (prefix, name) = full_name.split_once(':')?;
    let service = service(prefix)?;
    let actions = service.actions();
    let i = actions.binary_search_by(|a| a.name().cmp(name)).ok()?;
    Some((service, &actions[i]))
}

/// How many services and actions the catalog holds.
pub fn size() -> (usize, usize) {
    (SERVICES.len(), ACTIONS.len())
}

impl ServiceDef {
    /// The action prefix.
    pub fn prefix(&self) -> &'static str {
        self.0.get()
    }

    /// The service's name.
    pub fn name(&self) -> &'static str {
        self.1.get()
    }

    /// The Service Authorization Reference page.
    pub fn authorization_url(&self) -> &'static str {
        self.2.get()
    }

    /// Actions, sorted by name.
    pub fn actions(&self) -> &'static [ActionDef] {
        self.3.of(&ACTIONS)
    }

    /// Resource types, sorted by name.
    pub fn resource_types(&self) -> &'static [ResourceTypeDef] {
        self.4.of(&RESOURCE_TYPES)
    }

    /// Service-specific condition keys, sorted.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        keys(self.5)
    }

    /// A resource type by name.
    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceTypeDef> {
        let types = self.resource_types();
        types
            .binary_search_by(|r| r.name().cmp(name))
            .ok()
            .map(|i| &types[i])
    }
}

impl ActionDef {
    /// The action name without prefix, in AWS's case.
    pub fn name(&self) -> &'static str {
        self.0.get()
    }

    /// Its access level.
    pub fn access(&self) -> AccessLevel {
        self.1
    }

    /// The resource types it accepts; empty when it accepts no resource (`Resource = "*"`).
    pub fn resource_types(&self) -> &'static [ActionResourceDef] {
        self.2.of(&ACTION_RESOURCES)
    }

    /// The condition keys it supports, sorted.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        keys(self.3)
    }

    /// True when the action accepts no resource type: its only valid `Resource` is `*`.
    pub fn accepts_no_resource(&self) -> bool {
        self.resource_types().is_empty()
    }

    /// Whether `key` is a condition key of this action (global `aws:` keys are not listed here).
    pub fn supports_condition_key(&self, key: &str) -> bool {
        self.condition_keys().any(|k| key_matches(k, key))
    }
}

impl ActionResourceDef {
    /// The resource type's name in its service.
    pub fn name(&self) -> &'static str {
        self.0.get()
    }

    /// Whether AWS marks it required.
    pub fn required(&self) -> bool {
        self.1
    }
}

impl ResourceTypeDef {
    /// The name, such as `object`.
    pub fn name(&self) -> &'static str {
        self.0.get()
    }

    /// The ARN format, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub fn arn(&self) -> &'static str {
        self.1.get()
    }
}

impl fmt::Debug for ServiceDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceDef")
            .field("prefix", &self.prefix())
            .field("name", &self.name())
            .field("authorization_url", &self.authorization_url())
            .field("actions", &self.actions().len())
            .field("resource_types", &self.resource_types())
            .field("condition_keys", &self.condition_keys().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Debug for ActionDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionDef")
            .field("name", &self.name())
            .field("access", &self.access())
            .field("resource_types", &self.resource_types())
            .field("condition_keys", &self.condition_keys().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Debug for ActionResourceDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionResourceDef")
            .field("name", &self.name())
            .field("required", &self.required())
            .finish()
    }
}

impl fmt::Debug for ResourceTypeDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTypeDef")
            .field("name", &self.name())
            .field("arn", &self.arn())
            .finish()
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

    /// The tables of ranges say exactly what `data/aws-iam-catalog.json` says, for every service,
    /// action, resource type and condition key.
    #[test]
    fn tables_hold_the_whole_json_catalog() {
        use serde_json::Value;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/aws-iam-catalog.json");
        let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let json = json.as_object().unwrap();
        let mut prefixes: Vec<&String> = json.keys().collect();
        prefixes.sort();
        assert_eq!(SERVICES.len(), prefixes.len());
        for (def, prefix) in SERVICES.iter().zip(prefixes) {
            let s = &json[prefix.as_str()];
            assert_eq!(def.prefix(), prefix);
            assert_eq!(service(prefix).unwrap().prefix(), prefix);
            assert_eq!(def.name(), s["service_name"]);
            assert_eq!(def.authorization_url(), s["authorization_url"]);
            let mut keys: Vec<&String> = s["condition_keys"].as_object().unwrap().keys().collect();
            keys.sort();
            assert!(def.condition_keys().eq(keys.iter().map(|k| k.as_str())));
            let types = s["resource_types"].as_object().unwrap();
            let mut names: Vec<&String> = types.keys().collect();
            names.sort();
            assert_eq!(def.resource_types().len(), names.len(), "{prefix}");
            for (rt, name) in def.resource_types().iter().zip(names) {
                assert_eq!(rt.name(), name);
                assert_eq!(rt.arn(), types[name.as_str()]["arn"]);
                assert_eq!(def.resource_type(name).unwrap().name(), name);
            }
            let actions = s["actions"].as_object().unwrap();
            let mut names: Vec<&String> = actions.keys().collect();
            names.sort();
            assert_eq!(def.actions().len(), names.len(), "{prefix}");
            for (a, name) in def.actions().iter().zip(names) {
                let j = &actions[name.as_str()];
                assert_eq!(a.name(), name);
                let (found_service, found) = action(&format!("{prefix}:{name}")).unwrap();
                assert!(std::ptr::eq(found_service, def) && std::ptr::eq(found, a));
                let level = match a.access() {
                    AccessLevel::Read => "Read",
                    AccessLevel::Write => "Write",
                    AccessLevel::List => "List",
                    AccessLevel::Tagging => "Tagging",
                    AccessLevel::PermissionsManagement => "Permissions management",
                };
                assert_eq!(j["access_level"], level);
                let resources: Vec<&Value> = j["resource_types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["type"] != "")
                    .collect();
                assert_eq!(a.resource_types().len(), resources.len(), "{prefix}:{name}");
                for (r, jr) in a.resource_types().iter().zip(resources) {
                    assert_eq!(r.name(), jr["type"]);
                    assert_eq!(r.required(), jr["required"]);
                }
                let mut keys: Vec<&str> = j["resource_types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|r| r["condition_keys"].as_array().unwrap())
                    .map(|k| k.as_str().unwrap())
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                assert!(a.condition_keys().eq(keys), "{prefix}:{name}");
            }
        }
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
        let bucket = s3.resource_type("bucket").unwrap().arn();
        let object = s3.resource_type("object").unwrap().arn();
        assert!(arn_matches(bucket, "arn:aws:s3:::raw"));
        assert!(!arn_matches(bucket, "arn:aws:s3:::raw/*"));
        assert!(arn_matches(object, "arn:aws:s3:::raw/*"));
        assert!(arn_matches(object, "arn:aws:s3:::raw/a/b.csv"));
        assert!(!arn_matches(object, "arn:aws:s3:::raw"));
        let ddb = service("dynamodb").unwrap();
        assert!(!arn_matches(
            ddb.resource_type("table").unwrap().arn(),
            "arn:aws:dynamodb:r:1:table/t/index/*"
        ));
        assert!(arn_matches(
            ddb.resource_type("index").unwrap().arn(),
            "arn:aws:dynamodb:r:1:table/t/index/*"
        ));
        let model = service("bedrock")
            .unwrap()
            .resource_type("foundation-model")
            .unwrap()
            .arn();
        assert!(arn_matches(
            model,
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
        ));
    }
}
