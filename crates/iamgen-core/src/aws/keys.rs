//! Condition keys and the type of their values: the global `aws:` keys from IAM's reference, and
//! every service's keys from the embedded catalog (`data/condition-key-types.tsv`, derived from
//! `data/aws-iam-catalog.json`; a test keeps it current).

use std::fmt;

/// The type of a condition key's values, in the Service Authorization Reference's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// Text.
    String,
    /// An ARN.
    Arn,
    /// `true` or `false`.
    Bool,
    /// A number.
    Numeric,
    /// A date (ISO 8601) or epoch seconds.
    Date,
    /// An IP address or CIDR block.
    IpAddress,
    /// A list of texts.
    ArrayOfString,
    /// A list of ARNs.
    ArrayOfArn,
    /// A list of booleans.
    ArrayOfBool,
}

impl KeyType {
    /// Parses the catalog's type name.
    pub fn from_name(name: &str) -> Option<KeyType> {
        Some(match name {
            "String" => KeyType::String,
            "ARN" => KeyType::Arn,
            "Bool" => KeyType::Bool,
            "Numeric" => KeyType::Numeric,
            "Date" => KeyType::Date,
            "IPAddress" => KeyType::IpAddress,
            "ArrayOfString" => KeyType::ArrayOfString,
            "ArrayOfARN" => KeyType::ArrayOfArn,
            "ArrayOfBool" => KeyType::ArrayOfBool,
            _ => return None,
        })
    }

    /// Whether a request may carry several values of a key of this type.
    pub fn is_multivalued(self) -> bool {
        matches!(
            self,
            KeyType::ArrayOfString | KeyType::ArrayOfArn | KeyType::ArrayOfBool
        )
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::IpAddress => "IPAddress",
            KeyType::ArrayOfString => "ArrayOfString",
            KeyType::ArrayOfArn => "ArrayOfARN",
            KeyType::ArrayOfBool => "ArrayOfBool",
        })
    }
}

/// The page every global key's type comes from.
pub const GLOBAL_KEYS_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";

/// The global condition keys and their types ([`GLOBAL_KEYS_SOURCE`]); a key ending in `/` takes
/// a tag key or other name after it (`aws:PrincipalTag/team`).
pub const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalTag/", "String"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalType", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    ("aws:AssumedRoot", "Bool"),
    ("aws:FederatedProvider", "String"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:ChatbotSourceArn", "ARN"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:SourceIdentity", "String"),
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:VpceAccount", "String"),
    ("aws:VpceOrgID", "String"),
    ("aws:VpceOrgPaths", "ArrayOfString"),
    ("aws:VpcSourceIp", "IPAddress"),
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceTag/", "String"),
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:CurrentTime", "Date"),
    ("aws:EpochTime", "Date"),
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:UserAgent", "String"),
];

/// Every service key of the catalog with its type, sorted by key.
const SERVICE_KEYS: &str = include_str!("../../data/condition-key-types.tsv");

/// The type of condition key `key` (compared without regard to case, as IAM compares keys), or
/// `None` when it is neither a global key nor a key of the catalog.
///
/// ```
/// use iamgen_core::aws::keys::{key_type, KeyType};
/// assert_eq!(key_type("aws:SourceArn"), Some(KeyType::Arn));
/// assert_eq!(key_type("ecs:cluster"), Some(KeyType::Arn));
/// assert_eq!(key_type("aws:PrincipalTag/team"), Some(KeyType::String));
/// assert_eq!(key_type("s3:prefix"), Some(KeyType::String));
/// assert_eq!(key_type("aws:Nope"), None);
/// ```
pub fn key_type(key: &str) -> Option<KeyType> {
    let lower = key.to_ascii_lowercase();
    let global = GLOBAL_KEYS.iter().find(|(k, _)| {
        let k = k.to_ascii_lowercase();
        match k.strip_suffix('/') {
            Some(prefix) => lower.len() > k.len() && lower.starts_with(&format!("{prefix}/")),
            None => k == lower,
        }
    });
    if let Some((_, t)) = global {
        return KeyType::from_name(t);
    }
    SERVICE_KEYS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(pattern, _)| matches_pattern(pattern, key))
        .and_then(|(_, t)| KeyType::from_name(t))
}

/// A catalog key matches `key`, up to a `${TagKey}`-style placeholder or `<key>` at its end.
fn matches_pattern(pattern: &str, key: &str) -> bool {
    match pattern.find(['$', '<']) {
        Some(i) => key.len() > i && key[..i].eq_ignore_ascii_case(&pattern[..i]),
        None => pattern.eq_ignore_ascii_case(key),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// `data/condition-key-types.tsv` is exactly what the catalog says (first service wins).
    #[test]
    fn service_key_types_are_the_catalogs() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/aws-iam-catalog.json");
        let text = std::fs::read_to_string(path).unwrap();
        let catalog: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
        let mut keys: BTreeMap<String, String> = BTreeMap::new();
        for service in catalog.values() {
            let Some(ck) = service["condition_keys"].as_object() else {
                continue;
            };
            let mut sorted: Vec<(&String, &serde_json::Value)> = ck.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (k, t) in sorted {
                if !k.starts_with("aws:") {
                    keys.entry(k.clone())
                        .or_insert_with(|| t.as_str().unwrap_or_default().to_string());
                }
            }
        }
        let committed: BTreeMap<String, String> = SERVICE_KEYS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect();
        assert!(committed == keys, "data/condition-key-types.tsv is stale");
        for t in keys.values() {
            assert!(KeyType::from_name(t).is_some(), "{t}");
        }
    }
}
