//! Keys: what a grant on a resource encrypted with a customer managed key also needs of the key
//! ([`couple`], applied to every grant in one place, by `expand`), and the grants on keys
//! themselves, for code that calls KMS directly (`kms.decrypt`, `kms.encrypt`).
//!
//! A key is used only where a grant has a resource reason: the statements name the key, allow only
//! the actions the access needs (`aws::kms`), only through the resource's service
//! (`kms:ViaService`), and only for the resource (its encryption context, where the service
//! documents one).

use indexmap::IndexMap;

use super::builder::{example, Builder, Ctx};
use super::streams;
use crate::aws::kms::{self, Context, Encryption, KeyUse};
use crate::aws::{arns, Template};
use crate::intent::Place;
use crate::kinds::ResourceKind;
use crate::spec::Resource;

/// Adds what `using` the resources `targets` of `kind` needs of the keys they declare: one
/// statement per key, and its requests and neighbours. Resources without a key add nothing.
pub(super) fn couple<'r>(
    b: &mut Builder<'_>,
    kind: ResourceKind,
    targets: impl IntoIterator<Item = &'r Resource>,
    using: KeyUse,
) {
    let Some(enc) = kms::encryption(kind) else {
        return;
    };
    let mut by_key: IndexMap<&str, Vec<&Resource>> = IndexMap::new();
    for r in targets {
        if let Some(key) = r.key() {
            by_key.entry(key.id.as_str()).or_default().push(r);
        }
    }
    let actions = enc.actions(using);
    if actions.is_empty() {
        return;
    }
    for (id, resources) in &by_key {
        let names: Vec<&str> = resources.iter().map(|r| r.name.as_str()).collect();
        b.statement(
            &format!("KmsVia{}", camel(enc.service)),
            &actions,
            vec![arns::kms_key(id)],
            enc.conditions(&names),
        );
        b.explain(enc.why);
        if b.records_requests() {
            for r in resources {
                couple_requests(b, enc, id, r, &actions);
            }
        }
    }
}

/// `s3` is `S3`, `secretsmanager` is `Secretsmanager`.
fn camel(service: &str) -> String {
    let mut c = service.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The context value the service sends for one item of `name` (an object, a secret with its six
/// characters, a parameter under the path, the stream).
fn example_context(context: Context, raw: &str) -> Template {
    let name = example::named(raw);
    match context {
        Context::S3 => arns::bucket(&name).with_text(&format!("/{}", example::KEY)),
        Context::Secret => Template::arn(
            "secretsmanager",
            true,
            true,
            format!("secret:{name}{}", example::SECRET_SUFFIX).as_str(),
        ),
        Context::Parameter => arns::parameter(&streams::one_parameter(raw)),
        Context::Kinesis => arns::kinesis_stream(&name),
    }
}

/// The requests of one encrypted resource: each action the access needs, through the service and
/// for the resource; and the neighbours: the key called directly, through another service, for
/// another resource, another key, writing where only reading is granted, delegating the key.
fn couple_requests(
    b: &mut Builder<'_>,
    enc: &Encryption,
    id: &str,
    r: &Resource,
    actions: &[&'static str],
) {
    let key = arns::kms_key(id);
    let context = enc.context.map(|c| (c.key(), example_context(c, &r.name)));
    let via = enc.via();
    let with = |e: &mut crate::intent::Expected, via: Option<Template>, ctx: bool| {
        if let Some(v) = via {
            e.with("kms:ViaService", v);
        }
        if let (true, Some((k, v))) = (ctx, &context) {
            e.with(k, v.clone());
        }
    };
    let first = actions[0];
    for action in actions {
        let what = format!(
            "{} {}, as {} does for the caller",
            action.trim_start_matches("kms:"),
            r.name,
            enc.service
        );
        with(
            b.allow(action, key.clone(), &what, enc.source),
            Some(via.clone()),
            true,
        );
    }
    let what = "the key called directly, not through the resource's service";
    with(
        b.deny(first, key.clone(), what, kms::VIA_SERVICE),
        None,
        true,
    );
    with(
        b.deny(
            first,
            key.clone(),
            "the key used through another service",
            kms::VIA_SERVICE,
        ),
        Some(kms::via("ec2")),
        true,
    );
    if let Some(c) = enc.context {
        let other = example_context(c, &format!("{}-other", r.name.trim_end_matches("/*")));
        b.deny(
            first,
            key.clone(),
            "the key used for another resource",
            enc.source,
        )
        .with("kms:ViaService", via.clone())
        .with(c.key(), other);
    }
    with(
        b.deny(
            first,
            arns::kms_key("0000aaaa-00aa-00aa-00aa-000000aaaaaa"),
            "another key",
            enc.source,
        ),
        Some(via.clone()),
        true,
    );
    if !actions.contains(&"kms:GenerateDataKey") {
        with(
            b.deny(
                "kms:GenerateDataKey",
                key.clone(),
                "encrypting where the access does not",
                enc.source,
            ),
            Some(via.clone()),
            true,
        );
    }
    with(
        b.deny(
            "kms:CreateGrant",
            key.clone(),
            "delegating the key",
            KMS_REFERENCE,
        ),
        Some(via.clone()),
        true,
    );
    with(
        b.deny(
            "kms:ReEncryptFrom",
            key,
            "re-encrypting under another key",
            KMS_REFERENCE,
        ),
        Some(via),
        true,
    );
}

/// `kms.decrypt`: decrypt with the keys, called directly (envelope decryption in the service's
/// own code).
pub(super) fn kms_decrypt(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let keys = g
        .grant
        .resources()
        .iter()
        .map(|k| arns::kms_key(k))
        .collect();
    b.statement("KmsDecrypt", &["kms:Decrypt"], keys, vec![]);
}

/// `kms.encrypt`: encrypt and generate data keys with the keys, called directly.
pub(super) fn kms_encrypt(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let keys = g
        .grant
        .resources()
        .iter()
        .map(|k| arns::kms_key(k))
        .collect();
    b.statement(
        "KmsEncrypt",
        &["kms:Encrypt", "kms:GenerateDataKey"],
        keys,
        vec![],
    );
}

// ----- The requests of the grants on keys, and their neighbours. -----

const KMS_USERS: &str = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-users-crypto";
const KMS_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html";

/// What `kms.decrypt` is for: Decrypt with the keys; never encrypting, delegating or managing them.
pub(super) fn kms_decrypt_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    key_requests(
        b,
        g,
        &[("kms:Decrypt", "Decrypt")],
        &[
            ("kms:Encrypt", "encrypt where only decrypt is granted"),
            (
                "kms:GenerateDataKey",
                "generating data keys where only decrypt is granted",
            ),
        ],
    );
}

/// What `kms.encrypt` is for: Encrypt and GenerateDataKey; never decrypting.
pub(super) fn kms_encrypt_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    key_requests(
        b,
        g,
        &[
            ("kms:Encrypt", "Encrypt"),
            ("kms:GenerateDataKey", "GenerateDataKey"),
        ],
        &[
            ("kms:Decrypt", "decrypt where only encrypt is granted"),
            (
                "kms:GenerateDataKeyWithoutPlaintext",
                "a data key without its plaintext (not asked)",
            ),
        ],
    );
}

fn key_requests(
    b: &mut Builder<'_>,
    g: &Ctx<'_>,
    allowed: &[(&'static str, &str)],
    denied: &[(&'static str, &str)],
) {
    let first = allowed[0].0;
    for r in g.grant.resource_targets() {
        let key = arns::kms_key(&r.name);
        for (action, what) in allowed {
            b.allow(action, key.clone(), what, KMS_USERS);
        }
        for (action, what) in denied {
            b.deny(action, key.clone(), what, KMS_USERS);
        }
        b.deny(
            first,
            arns::kms_key("0000aaaa-00aa-00aa-00aa-000000aaaaaa"),
            "another key",
            KMS_USERS,
        );
        b.deny(
            first,
            key.clone(),
            "the key id in another region",
            KMS_USERS,
        )
        .at(Place::OtherRegion);
        b.deny(
            first,
            key.clone(),
            "the key id in another account",
            KMS_USERS,
        )
        .at(Place::OtherAccount);
        for (action, what) in [
            ("kms:CreateGrant", "delegating the key"),
            ("kms:ReEncryptFrom", "re-encrypting under another key"),
            ("kms:PutKeyPolicy", "changing the key policy"),
            ("kms:ScheduleKeyDeletion", "deleting the key"),
        ] {
            b.deny(action, key.clone(), what, KMS_REFERENCE);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Settings, Statement};

    const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    /// The statements service `f`'s role gets, from grants on resources of which some declare key
    /// `k`.
    fn statements(grants: &str) -> Vec<Statement> {
        let yaml = format!(
            "project: p\nenvironment: e\nresources:\n  kms_keys: {{ k: {KEY} }}\n  \
             buckets: {{ locked: {{ kms_key: k }}, open: open }}\n  queues: {{ q: {{ kms_key: k }} }}\n  \
             dynamodb_tables: {{ t: {{ kms_key: k }} }}\n\
             services:\n  f:\n    kind: lambda\n    grants: [ {grants} ]\n"
        );
        let plan = compile("t.yaml", &yaml, &Settings::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .plan;
        plan.services[0].roles[0]
            .policies
            .iter()
            .flat_map(|p| p.document.statements.clone())
            .collect()
    }

    fn kms(statements: &[Statement]) -> Vec<&Statement> {
        statements
            .iter()
            .filter(|s| s.actions.iter().any(|a| a.starts_with("kms:")))
            .collect()
    }

    #[test]
    fn a_read_of_an_encrypted_bucket_decrypts_only_through_s3_for_that_bucket() {
        let all = statements("s3.read: [locked, open]");
        let kms = kms(&all);
        assert_eq!(kms.len(), 1, "one statement for the one key");
        let s = kms[0];
        assert_eq!(s.actions, ["kms:Decrypt"]);
        assert_eq!(
            s.resources[0].to_string(),
            format!("arn:${{partition}}:kms:${{region}}:${{account}}:key/{KEY}")
        );
        let conditions: Vec<String> = s
            .conditions
            .iter()
            .map(|c| {
                let v: Vec<String> = c.values.iter().map(|t| t.to_string()).collect();
                format!("{} {} {}", c.test, c.variable, v.join(" "))
            })
            .collect();
        assert_eq!(
            conditions,
            [
                "StringEquals kms:ViaService s3.${region}.${dns_suffix}",
                "StringLike kms:EncryptionContext:aws:s3:arn arn:${partition}:s3:::p-locked-e arn:${partition}:s3:::p-locked-e/*",
            ],
            "only the encrypted bucket's context, never the open one's"
        );
        assert!(s.why.is_some_and(|w| w.contains("UsingKMSEncryption")));
    }

    #[test]
    fn unencrypted_resources_never_use_a_key() {
        assert!(kms(&statements("s3.read_write: open")).is_empty());
    }

    #[test]
    fn each_access_gets_the_key_actions_its_service_needs() {
        let actions = |grant: &str| kms(&statements(grant))[0].actions.clone();
        assert_eq!(
            actions("s3.write: locked"),
            ["kms:Decrypt", "kms:GenerateDataKey"]
        );
        assert_eq!(
            actions("sqs.send: q"),
            ["kms:Decrypt", "kms:GenerateDataKey"]
        );
        assert_eq!(actions("sqs.trigger: q"), ["kms:Decrypt"]);
        assert_eq!(actions("dynamodb.read_write: t"), ["kms:Decrypt"]);
        // SQS and DynamoDB document no encryption context: kms:ViaService alone.
        for grant in ["sqs.consume: q", "dynamodb.read: t"] {
            let all = statements(grant);
            let s = kms(&all)[0];
            assert_eq!(s.conditions.len(), 1, "{grant}");
            assert_eq!(s.conditions[0].variable, "kms:ViaService");
        }
    }
}
