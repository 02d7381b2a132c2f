//! What a customer managed KMS key on a resource asks of the roles that use the resource.
//!
//! A bucket, table, queue, topic, secret, parameter or stream encrypted with a customer managed
//! key is readable (writable) only by a role that may also use the key: the service calls KMS with
//! the caller's permissions. Each kind's facts are here, with the page they come from: the KMS
//! actions a read and a write need, the service's name in `kms:ViaService`
//! (`SERVICE.REGION.amazonaws.com`, so the key is usable only through that service in this
//! region), and the encryption context the service sets, where AWS documents one (so the key is
//! usable only for this resource). `expand::keys` applies them, in one place, to every grant.

use super::arns;
use super::condition::Condition;
use super::template::{Segment, Template};
use crate::kinds::ResourceKind;

/// How a grant uses a resource's data, for the resource's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyUse {
    /// Reads data (get, receive, query): the service decrypts it.
    Read,
    /// Writes data (put, send, publish): the service encrypts it.
    Write,
    /// Both.
    ReadWrite,
}

impl KeyUse {
    /// Whether the grant reads data.
    pub fn reads(self) -> bool {
        matches!(self, KeyUse::Read | KeyUse::ReadWrite)
    }

    /// Whether the grant writes data.
    pub fn writes(self) -> bool {
        matches!(self, KeyUse::Write | KeyUse::ReadWrite)
    }
}

/// The encryption context a service sets on its KMS calls, as AWS documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// S3: `aws:s3:arn` is the object's ARN, or the bucket's with an S3 Bucket Key.
    S3,
    /// Secrets Manager: `SecretARN` is the secret's ARN (with its six random characters).
    Secret,
    /// Parameter Store: `PARAMETER_ARN` is the parameter's ARN.
    Parameter,
    /// Kinesis Data Streams: `aws:kinesis:arn` is the stream's ARN.
    Kinesis,
}

impl Context {
    /// The condition key: `kms:EncryptionContext:aws:s3:arn`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Context::S3 => "kms:EncryptionContext:aws:s3:arn",
            Context::Secret => "kms:EncryptionContext:SecretARN",
            Context::Parameter => "kms:EncryptionContext:PARAMETER_ARN",
            Context::Kinesis => "kms:EncryptionContext:aws:kinesis:arn",
        }
    }

    /// The values the context holds for resource `name` (physical; a pattern or a parameter path
    /// allowed), for a `StringLike` condition: the bucket and its objects; the secret, whatever its
    /// six characters; the parameter (or every parameter under the path); the stream.
    pub(crate) fn values(self, name: &str) -> Vec<Template> {
        match self {
            Context::S3 => vec![arns::bucket(name), arns::objects(name)],
            Context::Secret => vec![arns::secret(name)],
            Context::Parameter => vec![arns::parameter(name)],
            Context::Kinesis => vec![arns::kinesis_stream(name)],
        }
    }
}

/// What a key on a resource of one kind asks of the roles using the resource.
#[derive(Debug)]
pub(crate) struct Encryption {
    /// The kind of resource.
    pub(crate) kind: ResourceKind,
    /// The service as `kms:ViaService` names it: `s3` in `s3.eu-west-1.amazonaws.com`.
    pub(crate) service: &'static str,
    /// The KMS actions reading the resource's data needs.
    pub(crate) read: &'static [&'static str],
    /// The KMS actions writing the resource's data needs.
    pub(crate) write: &'static [&'static str],
    /// The encryption context the service sets, where AWS documents it.
    pub(crate) context: Option<Context>,
    /// The AWS page for all of the above.
    pub(crate) source: &'static str,
    /// Why, beside the statement in the output.
    pub(crate) why: &'static str,
}

const DECRYPT: &[&str] = &["kms:Decrypt"];
const GENERATE: &[&str] = &["kms:GenerateDataKey"];
const GENERATE_DECRYPT: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey"];

/// Every kind of resource that may declare its key, with what the key asks.
pub(crate) static ENCRYPTIONS: &[Encryption] = &[
    // Download: Decrypt; upload: GenerateDataKey, and Decrypt for the parts of a multipart upload,
    // which s3.write allows (https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key).
    Encryption {
        kind: ResourceKind::Bucket,
        service: "s3",
        read: DECRYPT,
        write: GENERATE_DECRYPT,
        context: Some(Context::S3),
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        why: "Buckets encrypted with a customer managed key: S3 uses it with the caller's permissions (download: Decrypt; upload: GenerateDataKey, and Decrypt for multipart parts), only through S3 (kms:ViaService) for these buckets' objects (encryption context aws:s3:arn): https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    },
    // DynamoDB decrypts the table key on the caller's behalf; AWS documents the context of its
    // own calls, not that the caller's permission is checked with it: ViaService only.
    Encryption {
        kind: ResourceKind::DynamodbTable,
        service: "dynamodb",
        read: DECRYPT,
        write: DECRYPT,
        context: None,
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html",
        why: "Tables encrypted with a customer managed key: DynamoDB decrypts each table's key with the caller's permissions, only through DynamoDB (kms:ViaService; AWS documents no encryption context for the caller's permission): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html",
    },
    Encryption {
        kind: ResourceKind::Secret,
        service: "secretsmanager",
        read: DECRYPT,
        // No grant of iamgen writes secrets.
        write: &[],
        context: Some(Context::Secret),
        source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
        why: "Secrets encrypted with a customer managed key: Secrets Manager decrypts them with the caller's permissions, only through Secrets Manager (kms:ViaService) for these secrets (encryption context SecretARN): https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    },
    // A producer needs GenerateDataKey and Decrypt (Decrypt checks the new data key), a consumer
    // Decrypt. AWS documents no encryption context for SQS.
    Encryption {
        kind: ResourceKind::Queue,
        service: "sqs",
        read: DECRYPT,
        write: GENERATE_DECRYPT,
        context: None,
        source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
        why: "Queues encrypted with a customer managed key: SQS uses it with the caller's permissions (send: GenerateDataKey and Decrypt; receive: Decrypt), only through SQS (kms:ViaService; AWS documents no encryption context for SQS): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
    },
    Encryption {
        kind: ResourceKind::Topic,
        service: "sns",
        read: DECRYPT,
        write: GENERATE_DECRYPT,
        context: None,
        source: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
        why: "Topics encrypted with a customer managed key: SNS uses it with the publisher's permissions (GenerateDataKey and Decrypt), only through SNS (kms:ViaService; AWS documents no encryption context for SNS): https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
    },
    // Reads with decryption: Decrypt. No grant of iamgen writes parameters.
    Encryption {
        kind: ResourceKind::Parameter,
        service: "ssm",
        read: DECRYPT,
        write: &[],
        context: Some(Context::Parameter),
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html",
        why: "SecureString parameters encrypted with a customer managed key: Parameter Store decrypts them with the caller's permissions, only through Systems Manager (kms:ViaService) for these parameters (encryption context PARAMETER_ARN): https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html",
    },
    Encryption {
        kind: ResourceKind::KinesisStream,
        service: "kinesis",
        read: DECRYPT,
        write: GENERATE,
        context: Some(Context::Kinesis),
        source: "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html",
        why: "Streams encrypted with a customer managed key: Kinesis uses it with the caller's permissions (put: GenerateDataKey; get: Decrypt), only through Kinesis (kms:ViaService) for these streams (encryption context aws:kinesis:arn): https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html",
    },
];

/// The page on `kms:ViaService`.
pub(crate) const VIA_SERVICE: &str =
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service";

/// The facts of `kind`, if a resource of that kind may declare a key.
pub(crate) fn encryption(kind: ResourceKind) -> Option<&'static Encryption> {
    ENCRYPTIONS.iter().find(|e| e.kind == kind)
}

impl Encryption {
    /// The KMS actions `using` needs, sorted.
    pub(crate) fn actions(&self, using: KeyUse) -> Vec<&'static str> {
        let mut actions: Vec<&'static str> = Vec::new();
        if using.reads() {
            actions.extend(self.read);
        }
        if using.writes() {
            actions.extend(self.write);
        }
        actions.sort_unstable();
        actions.dedup();
        actions
    }

    /// `SERVICE.REGION.DNS_SUFFIX`: the value of `kms:ViaService` for requests through this
    /// service in the module's region.
    pub(crate) fn via(&self) -> Template {
        via(self.service)
    }

    /// The conditions on the key's use for resources `names`: through the service, and with
    /// their encryption context where the service documents one.
    pub(crate) fn conditions(&self, names: &[&str]) -> Vec<Condition> {
        let mut out = vec![Condition::new("StringEquals", "kms:ViaService", self.via())];
        if let Some(context) = self.context {
            let values = names.iter().flat_map(|n| context.values(n)).collect();
            out.push(Condition::any_of("StringLike", context.key(), values));
        }
        out
    }
}

/// `SERVICE.REGION.DNS_SUFFIX` (`s3.eu-west-1.amazonaws.com`).
pub(crate) fn via(service: &str) -> Template {
    Template::from(vec![
        Segment::Text(format!("{service}.")),
        Segment::Region,
        Segment::Text(".".into()),
        Segment::DnsSuffix,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_that_takes_a_key_has_its_facts() {
        for kind in ResourceKind::ALL {
            assert_eq!(
                kind.takes_kms_key(),
                encryption(kind).is_some(),
                "{}",
                kind.key()
            );
        }
        for e in ENCRYPTIONS {
            for a in e.read.iter().chain(e.write) {
                assert!(crate::aws::catalog::action(a).is_some(), "{a}");
            }
            if let Some(c) = e.context {
                assert!(crate::aws::catalog::action("kms:Decrypt")
                    .unwrap()
                    .1
                    .supports_condition_key(c.key()));
            }
            assert!(e.why.contains(e.source));
        }
    }

    #[test]
    fn via_service_is_the_regional_endpoint_name() {
        let v = crate::aws::Values::new("aws-cn", "cn-north-1", "111122223333").unwrap();
        assert_eq!(via("s3").resolve(&v), "s3.cn-north-1.amazonaws.com.cn");
        let v = crate::aws::Values::new("aws", "eu-west-1", "111122223333").unwrap();
        assert_eq!(via("sqs").resolve(&v), "sqs.eu-west-1.amazonaws.com");
    }
}
