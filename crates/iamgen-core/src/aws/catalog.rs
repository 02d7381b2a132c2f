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

/// Every service of the catalog, sorted by prefix.
pub fn services() -> &'static [ServiceDef] {
    &SERVICES
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

/// Placeholders whose values may contain `/`; see [`arn_matches`].
const SLASHED: [&str; 6] = [
    "ObjectName",
    "LogGroupName",
    "LogStreamName",
    "RoleNameWithPath",
    "SecretId",
    "RepositoryName",
];

/// Whether `arn` (with deploy-time parts already replaced by sample values) fits `format`.
///
/// A `${Placeholder}` matches a non-empty run of characters without `:` or `/`, except that
/// placeholders whose values may contain `/` (object keys, log group names, role names with path,
/// secret ids) accept `/`, and the last placeholder of a format also accepts `:` (a Bedrock model id
/// such as `amazon.titan-embed-text-v2:0`, a function qualifier). So a bucket ARN is not an object
/// ARN, and a table ARN is not an index ARN.
///
/// The format is matched piece by piece, keeping the set of every ARN position the pieces so far
/// can end at (a literal keeps the positions it matches at, moved past it; a placeholder, every
/// position after a non-empty run of characters it accepts from one of them), so the cost is at
/// most the ARN's length times the format's, whatever the placeholders: no backtracking.
pub fn arn_matches(format: &str, arn: &str) -> bool {
    let Some(first) = find_open(format.as_bytes()) else {
        return format == arn;
    };
    // Positions 0..=arn.len(), as bits.
    let words = (arn.len() + 1).div_ceil(64);
    let mut inline = [0u64; 8];
    let mut heap;
    let (mut now, mut next): (&mut [u64], &mut [u64]) = if words <= 4 {
        let (a, b) = inline.split_at_mut(4);
        (&mut a[..words], &mut b[..words])
    } else {
        heap = vec![0u64; 2 * words];
        heap.split_at_mut(words)
    };
    if !arn.starts_with(&format[..first]) {
        return false;
    }
    set(now, first);
    let mut at = first;
    while at < format.len() {
        next.fill(0);
        let rest = &format[at..];
        let end;
        if rest.starts_with("${") {
            // Without a `}`, the name runs to the last character but one, and nothing follows.
            let close = rest.find('}').unwrap_or(rest.len() - 1);
            end = at + close + 1;
            let slash = rest
                .get(2..close)
                .is_some_and(|name| SLASHED.contains(&name));
            let colon = find_open(&format.as_bytes()[end..]).is_none();
            // Keep only the positions where what follows can match: the end of the ARN for a
            // placeholder that ends the format, the first byte of the text that follows.
            let follows = match &format.as_bytes()[end..] {
                [] => Follows::End,
                [b'$', b'{', ..] => Follows::Any,
                [b, ..] => Follows::Byte(*b),
            };
            run(arn, now, next, follows, |b| {
                (b == b'/' && !slash) || (b == b':' && !colon)
            });
        } else {
            end = find_open(rest.as_bytes()).map_or(format.len(), |i| at + i);
            let text = &format[at..end];
            for (w, &word) in now.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let p = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if arn.as_bytes()[p..].starts_with(text.as_bytes()) {
                        set(next, p + text.len());
                    }
                }
            }
        }
        std::mem::swap(&mut now, &mut next);
        if now.iter().all(|&w| w == 0) {
            return false;
        }
        at = end;
    }
    now[arn.len() / 64] & (1 << (arn.len() % 64)) != 0
}

/// Where the first `${` starts.
fn find_open(text: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].iter().position(|&b| b == b'$') {
        if text.get(from + i + 1) == Some(&b'{') {
            return Some(from + i);
        }
        from += i + 1;
    }
    None
}

fn set(bits: &mut [u64], position: usize) {
    bits[position / 64] |= 1 << (position % 64);
}

/// What follows a placeholder in a format.
#[derive(Clone, Copy)]
enum Follows {
    /// Nothing: the run must reach the end of the ARN.
    End,
    /// Another placeholder.
    Any,
    /// Text starting with this byte.
    Byte(u8),
}

/// Sets in `to` every position reached from one in `from` by a non-empty run of characters without
/// a byte that `stops` it (an ASCII separator, so never inside a character), and where what `follows`
/// may start. A run from a position covers every later start before its stop, so each byte is looked
/// at once.
fn run(arn: &str, from: &[u64], to: &mut [u64], follows: Follows, stops: impl Fn(u8) -> bool) {
    let bytes = arn.as_bytes();
    let mut start = next_set(from, 0);
    while let Some(s) = start {
        let stop = bytes[s..]
            .iter()
            .position(|&b| stops(b))
            .map_or(bytes.len(), |i| s + i);
        if stop > s {
            match follows {
                Follows::End => {
                    if stop == bytes.len() {
                        set(to, stop);
                    }
                }
                Follows::Byte(b) => {
                    let last = stop.min(bytes.len() - 1);
                    for (i, _) in bytes[s + 1..=last]
                        .iter()
                        .enumerate()
                        .filter(|(_, &x)| x == b)
                    {
                        set(to, s + 1 + i);
                    }
                }
                Follows::Any => {
                    for (i, c) in arn[s..stop].char_indices() {
                        set(to, s + i + c.len_utf8());
                    }
                }
            }
        }
        start = next_set(from, stop + 1);
    }
}

/// The first position in `bits` at or after `at`.
fn next_set(bits: &[u64], at: usize) -> Option<usize> {
    let mut w = at / 64;
    let mut word = *bits.get(w)? & (!0u64 << (at % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *bits.get(w)?;
    }
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

    /// Fixed cases of the matching rules, with the answers of the backtracking matcher this one
    /// replaced (checked against it on 176,632 generated pairs before it was deleted).
    #[test]
    fn arn_matching_cases() {
        let cases: &[(&str, &str, bool)] = &[
            // No placeholder: the same text.
            ("arn:aws:s3:::b", "arn:aws:s3:::b", true),
            ("arn:aws:s3:::b", "arn:aws:s3:::bb", false),
            ("", "", true),
            // A placeholder takes a non-empty run without `/` or `:`.
            (
                "arn:${Partition}:s3:::${BucketName}",
                "arn:aws:s3:::raw",
                true,
            ),
            (
                "arn:${Partition}:s3:::${BucketName}",
                "arn::s3:::raw",
                false,
            ),
            (
                "arn:${Partition}:s3:::${BucketName}",
                "arn:aws:s3:::",
                false,
            ),
            (
                "arn:${Partition}:s3:::${BucketName}",
                "arn:aws:s3:::raw/*",
                false,
            ),
            ("x${A}y", "xy", false),
            ("x${A}y", "xa/by", false),
            // ... but the last one takes `:` (a model id, a qualifier); the others do not.
            ("f:${Name}", "f:model-v2:0", true),
            ("f:${Name}:x${Id}", "f:a:b:x1", false),
            ("f:${Name}:x${Id}", "f:a:x1:2", true),
            // Placeholders whose values hold paths take `/`; others do not.
            ("o/${ObjectName}", "o/a/b.csv", true),
            ("l:${LogGroupName}:s", "l:/aws/lambda/f:s", true),
            ("l:${LogStreamName}", "l:a/b", true),
            ("r/${RoleNameWithPath}", "r/team/app", true),
            ("s:${SecretId}-x", "s:a/b-x", true),
            ("e/${RepositoryName}", "e/ns/repo", true),
            ("t/${TableName}", "t/a/b", false),
            ("t/${TableName}/index/${IndexName}", "t/a/index/*", true),
            ("t/${TableName}", "t/a/index/*", false),
            // A run ends where the text after it can match, wherever that is.
            ("${A}-${B}-x", "a-b-c-x", true),
            ("${A}-${B}-x", "a-b-c", false),
            ("${ObjectName}/${B}/c", "a/b/c/d/c", true),
            // Adjacent placeholders each take at least one character.
            ("${A}${B}", "ab", true),
            ("${A}${B}", "a", false),
            ("${A}${B}", "é", false),
            ("${A}${B}", "éé", true),
            // A `${` without `}` takes the rest as its name; `${}` is a placeholder with no name.
            ("a${xy", "ab", true),
            ("a${}b", "aXb", true),
            ("a${}b", "ab", false),
        ];
        for &(format, arn, expected) in cases {
            assert_eq!(arn_matches(format, arn), expected, "{format:?} {arn:?}");
        }
    }

    /// Twenty-five adjacent placeholders against sixty characters that never end in `b`: the
    /// backtracking matcher would try every way to cut them (about 10^16); this answers at once.
    #[test]
    fn arn_matching_does_not_backtrack() {
        let format = format!("a{}b", "${X}".repeat(25));
        assert!(!arn_matches(&format, &format!("a{}", "x".repeat(60))));
        assert!(arn_matches(&format, &format!("a{}b", "x".repeat(60))));
        assert!(!arn_matches(&format, &format!("a{}b", "x".repeat(24))));
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
