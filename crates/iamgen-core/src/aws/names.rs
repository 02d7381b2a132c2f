//! The rules AWS puts on names and strings: each kind of name's length and alphabet, S3's bucket
//! rules, and the characters IAM accepts in tags, descriptions, metric namespaces and log groups.

use super::limits::{ROLE_DESCRIPTION_MAX, TAG_KEY_MAX, TAG_VALUE_MAX};
use crate::diag::quote;
use crate::kinds::{ResourceKind, ServiceKind};

/// A kind of AWS name, with its length limit and alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// IAM role names: 1 to 64 of `[A-Za-z0-9+=,.@_-]`.
    IamRole,
    /// IAM managed policy names: 1 to 128 of `[A-Za-z0-9+=,.@_-]`.
    IamPolicy,
    /// The name (or id) of a declared resource.
    Resource(ResourceKind),
    /// A service's own name: function, state machine, task family.
    Service(ServiceKind),
    /// An S3 Vectors vector bucket: 3 to 63 lowercase letters, digits and `-`
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-buckets-naming.html>).
    VectorBucket,
    /// An S3 Vectors index: 3 to 63 lowercase letters, digits, `-` and `.`
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-index-create.html>).
    VectorIndex,
    /// An OpenSearch Serverless collection, or an access policy: 3 to 32 lowercase letters, digits
    /// and `-` (<https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-manage.html>).
    Collection,
    /// An Aurora DB cluster identifier: 1 to 63 letters, digits and `-`
    /// (<https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.CreateInstance.html>).
    DbCluster,
    /// An EventBridge Scheduler schedule group: 1 to 64 letters, digits, `-`, `_` and `.`
    /// (<https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html>).
    ScheduleGroup,
    /// An EventBridge rule: 1 to 64 letters, digits, '.', '_' and '-'
    /// (<https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html>).
    EventRule,
}

struct Limits {
    min: usize,
    max: usize,
    alphabet: &'static str,
    valid: fn(char) -> bool,
    noun: &'static str,
}

fn iam(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}
fn bucket(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
}
fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}
fn table(c: char) -> bool {
    word(c) || c == '.'
}
fn glue(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}
fn ecr(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || "._/-".contains(c)
}
fn secret(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
}
fn lower_dash(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}
fn lower_dash_dot(c: char) -> bool {
    lower_dash(c) || c == '.'
}
fn letter_digit_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}
fn model(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".:_-".contains(c)
}
fn key_id(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}
fn parameter(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-/".contains(c)
}

const fn limits(
    min: usize,
    max: usize,
    alphabet: &'static str,
    valid: fn(char) -> bool,
    noun: &'static str,
) -> Option<Limits> {
    Some(Limits {
        min,
        max,
        alphabet,
        valid,
        noun,
    })
}

const WORD: &str = "letters, digits, '_' and '-'";
const LOWER_DASH: &str = "lowercase letters, digits and '-'";

impl NameRule {
    /// The rule's limits; `None` for a service kind whose own name AWS does not constrain here.
    fn limits(self) -> Option<Limits> {
        use ResourceKind as R;
        use ServiceKind as S;
        match self {
            NameRule::IamRole => limits(1, 64, "letters, digits and +=,.@_-", iam, "IAM role name"),
            NameRule::IamPolicy => limits(
                1,
                128,
                "letters, digits and +=,.@_-",
                iam,
                "IAM policy name",
            ),
            NameRule::Resource(kind) => match kind {
                R::Bucket => limits(
                    3,
                    63,
                    "lowercase letters, digits, '.' and '-'",
                    bucket,
                    "S3 bucket name",
                ),
                R::DynamodbTable => limits(
                    3,
                    255,
                    "letters, digits, '_', '-' and '.'",
                    table,
                    "DynamoDB table name",
                ),
                R::AthenaWorkgroup => limits(
                    1,
                    128,
                    "letters, digits, '_', '-' and '.'",
                    table,
                    "Athena workgroup name",
                ),
                R::GlueDatabase => limits(
                    1,
                    255,
                    "lowercase letters, digits, '_' and '-'",
                    glue,
                    "Glue database name",
                ),
                R::EcrRepository => limits(
                    2,
                    256,
                    "lowercase letters, digits, '.', '_', '/' and '-'",
                    ecr,
                    "ECR repository name",
                ),
                R::Secret => limits(1, 512, "letters, digits and /_+=.@-", secret, "secret name"),
                R::BedrockModel => limits(
                    1,
                    256,
                    "letters, digits, '.', ':', '_' and '-'",
                    model,
                    "Bedrock model id",
                ),
                R::EcsCluster => limits(1, 255, WORD, word, "ECS cluster name"),
                R::VectorStore => None,
                // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
                R::Queue => limits(
                    1,
                    80,
                    "letters, digits, '_', '-' and a final '.fifo'",
                    table,
                    "SQS queue name",
                ),
                // https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
                R::Topic => limits(
                    1,
                    256,
                    "letters, digits, '_', '-' and a final '.fifo'",
                    table,
                    "SNS topic name",
                ),
                // https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html (KeyId)
                // Checked by its shape alone (`check_key_id`).
                R::KmsKey => limits(36, 36, "hexadecimal digits and '-'", key_id, "KMS key id"),
                // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
                R::EventBus => limits(
                    1,
                    256,
                    "letters, digits, '.', '_' and '-'",
                    table,
                    "event bus name",
                ),
                // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html
                R::Parameter => limits(
                    1,
                    1011,
                    "letters, digits, '_', '.', '-' and '/'",
                    parameter,
                    "parameter name",
                ),
                // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html
                R::KinesisStream => limits(
                    1,
                    128,
                    "letters, digits, '_', '-' and '.'",
                    table,
                    "Kinesis stream name",
                ),
                // https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html
                R::FirehoseStream => limits(
                    1,
                    64,
                    "letters, digits, '_', '-' and '.'",
                    table,
                    "Firehose stream name",
                ),
            },
            NameRule::VectorBucket => {
                limits(3, 63, LOWER_DASH, lower_dash, "S3 vector bucket name")
            }
            NameRule::VectorIndex => limits(
                3,
                63,
                "lowercase letters, digits, '-' and '.'",
                lower_dash_dot,
                "S3 vector index name",
            ),
            NameRule::Collection => {
                limits(3, 32, LOWER_DASH, lower_dash, "OpenSearch Serverless name")
            }
            NameRule::DbCluster => limits(
                1,
                63,
                "letters, digits and '-'",
                letter_digit_dash,
                "Aurora DB cluster identifier",
            ),
            NameRule::EventRule => limits(
                1,
                64,
                "letters, digits, '.', '_' and '-'",
                table,
                "EventBridge rule name",
            ),
            NameRule::Service(kind) => match kind {
                S::Lambda => limits(1, 64, WORD, word, "Lambda function name"),
                S::StepFunctions => limits(1, 80, WORD, word, "state machine name"),
                S::EcsTask => limits(1, 255, WORD, word, "ECS task family name"),
                // A schedule's name: 1 to 64 of `[0-9a-zA-Z-_.]`
                // (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
                S::Schedule => limits(
                    1,
                    64,
                    "letters, digits, '-', '_' and '.'",
                    table,
                    "schedule name",
                ),
                S::BedrockKnowledgeBase | S::BedrockAgent | S::ApiGateway => None,
            },
            NameRule::ScheduleGroup => limits(
                1,
                64,
                "letters, digits, '-', '_' and '.'",
                table,
                "schedule group name",
            ),
        }
    }

    /// Checks `name`. A `*` stands for any run of valid characters and is accepted when
    /// `pattern` is true (DynamoDB's `"*"` tables, for example).
    pub(crate) fn check(self, name: &str, pattern: bool) -> Result<(), String> {
        if self == NameRule::Resource(ResourceKind::KmsKey) {
            return check_key_id(name);
        }
        let Some(Limits {
            min,
            max,
            alphabet,
            valid,
            noun,
        }) = self.limits()
        else {
            return Ok(());
        };
        let len = name.chars().count();
        let quoted = quote(name);
        if len > max {
            return Err(format!(
                "{noun} {quoted} is {len} characters; AWS allows at most {max}"
            ));
        }
        if len < min {
            return Err(format!(
                "{noun} {quoted} is {len} characters; AWS needs at least {min}"
            ));
        }
        if let Some(bad) = name.chars().find(|&c| !(valid(c) || (pattern && c == '*'))) {
            return Err(format!(
                "{noun} {quoted} contains {bad:?}; AWS allows only {alphabet}"
            ));
        }
        match self {
            NameRule::Resource(ResourceKind::Bucket) => check_bucket_shape(name)?,
            NameRule::Resource(ResourceKind::Queue | ResourceKind::Topic) => {
                check_fifo_shape(noun, name)?
            }
            NameRule::Resource(ResourceKind::Parameter) => check_parameter_shape(name)?,
            _ => {}
        }
        Ok(())
    }
}

/// A queue or topic name has a `.` only in the `.fifo` suffix of a FIFO queue or topic.
fn check_fifo_shape(noun: &str, name: &str) -> Result<(), String> {
    match name.find('.') {
        Some(i) if &name[i..] != ".fifo" => Err(format!(
            "{noun} {} has a '.' other than a final '.fifo' (FIFO queues and topics)",
            quote(name)
        )),
        _ => Ok(()),
    }
}

/// A KMS key id: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or a multi-Region key id
/// (`mrk-` and 32 hexadecimal digits); policies name keys by id, never by alias
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-id>).
fn check_key_id(id: &str) -> Result<(), String> {
    let hex = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    };
    let uuid = id.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && hex(&id.replace('-', ""));
    let multi_region = id
        .strip_prefix("mrk-")
        .is_some_and(|rest| rest.len() == 32 && hex(rest));
    match uuid || multi_region {
        true => Ok(()),
        false => Err(format!(
            "KMS key id {} is neither a key id such as 1234abcd-12ab-34cd-56ef-1234567890ab nor a multi-Region key id (mrk- and 32 hexadecimal digits): write the part after `key/` in the key's ARN (an alias cannot stand for a key in a policy)",
            quote(id)
        )),
    }
}

/// A parameter name: a name with `/` is a path and starts with `/`; `*` only as a final `/*` (every
/// parameter under the path); no part starts with `aws` or `ssm`, which AWS reserves
/// (<https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html>).
fn check_parameter_shape(name: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("parameter name {} {why}", quote(name)));
    let body = name.strip_suffix("/*").unwrap_or(name);
    if name.contains('/') && body.contains('*') {
        return fail("has a '*' other than a final '/*' (every parameter under a path)");
    }
    if name.contains('/') && !name.starts_with('/') {
        return fail("has a path, so it starts with '/'");
    }
    if body.contains("//") || (body.len() > 1 && body.ends_with('/')) {
        return fail("has an empty path part");
    }
    let first = body.trim_start_matches('/').to_ascii_lowercase();
    if first.starts_with("aws") || first.starts_with("ssm") {
        return fail("starts with 'aws' or 'ssm', which AWS reserves");
    }
    Ok(())
}

/// Whether `name` is a parameter path with every parameter under it (`/orders/prod/*`).
pub(crate) fn is_parameter_path(name: &str) -> bool {
    name.starts_with('/') && name.ends_with("/*")
}

/// The S3 rules beyond the alphabet (general purpose bucket naming rules).
fn check_bucket_shape(name: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("S3 bucket name {} {why}", quote(name)));
    let edge = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '*')
    };
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return fail("must begin and end with a lowercase letter or digit");
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return fail("must not contain '..', '.-' or '-.'");
    }
    if name.split('.').count() == 4
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return fail("must not look like an IP address");
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return fail(&format!("must not start with '{prefix}' (reserved by S3)"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return fail(&format!("must not end with '{suffix}' (reserved by S3)"));
        }
    }
    Ok(())
}

/// Whether IAM accepts `c` in a tag key or value: letters, digits, spaces and `_ . : / = + - @`
/// (the IAM API's `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`).
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

/// Which part of a tag breaks AWS's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagPart {
    Key,
    Value,
}

/// A tag AWS would refuse: which part, what is wrong, and what AWS allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagProblem {
    pub(crate) part: TagPart,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

/// Checks a tag against IAM's limits and alphabet.
pub(crate) fn check_tag(key: &str, value: &str) -> Result<(), TagProblem> {
    let problem = |part, message: String, hint: Option<&str>| TagProblem {
        part,
        message,
        hint: hint.map(str::to_string),
    };
    if key.chars().count() > TAG_KEY_MAX || key.starts_with("aws:") {
        return Err(problem(
            TagPart::Key,
            format!("tag key {} must be at most {TAG_KEY_MAX} characters and must not start with 'aws:'", quote(key)),
            None,
        ));
    }
    if value.chars().count() > TAG_VALUE_MAX {
        return Err(problem(
            TagPart::Value,
            format!("tag value is longer than AWS's {TAG_VALUE_MAX} characters"),
            None,
        ));
    }
    let bad = [(TagPart::Key, key), (TagPart::Value, value)]
        .into_iter()
        .find_map(|(part, t)| t.chars().find(|&c| !is_tag_char(c)).map(|c| (part, c)));
    match bad {
        Some((part, c)) => Err(problem(
            part,
            format!("tags cannot contain {c:?}"),
            Some("AWS allows letters, digits, spaces and _ . : / = + - @ in tag keys and values"),
        )),
        None => Ok(()),
    }
}

/// Checks a role description: at most 1000 characters of tab, newline, carriage return, printable
/// ASCII and Latin-1 (the IAM API's `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`). Curly
/// quotes, which the provider refuses too, are outside it. The error holds a message and a hint.
pub(crate) fn check_description(text: &str) -> Result<(), (String, Option<String>)> {
    let valid =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}');
    if let Some(bad) = text.chars().find(|&c| !valid(c)) {
        return Err((
            format!("a role description cannot contain {bad:?}"),
            Some("IAM accepts tab, newline and the Latin-1 printable characters".into()),
        ));
    }
    if text.chars().count() > ROLE_DESCRIPTION_MAX {
        return Err((
            format!("a role description must be at most {ROLE_DESCRIPTION_MAX} characters"),
            None,
        ));
    }
    Ok(())
}

/// Checks a CloudWatch metric namespace.
pub(crate) fn check_namespace(ns: &str) -> Result<(), String> {
    if ns.len() > 255 || ns.starts_with("AWS/") || ns.starts_with(':') || !ns.is_ascii() {
        return Err(format!("CloudWatch namespace {} must be ASCII, at most 255 characters, and not start with 'AWS/' or ':'", quote(ns)));
    }
    Ok(())
}

/// Checks a CloudWatch Logs log group name.
pub(crate) fn check_log_group(group: &str) -> Result<(), String> {
    let valid = group.len() <= 512
        && group
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/#".contains(c));
    if !valid {
        return Err(format!(
            "log group name {} must be 1 to 512 of letters, digits and '._-/#'",
            quote(group)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_name_rules() {
        let bucket = NameRule::Resource(ResourceKind::Bucket);
        let table = NameRule::Resource(ResourceKind::DynamodbTable);
        assert!(NameRule::IamRole.check(&"a".repeat(64), false).is_ok());
        assert!(NameRule::IamRole
            .check(&"a".repeat(65), false)
            .unwrap_err()
            .contains("at most 64"));
        assert!(NameRule::IamPolicy
            .check("has space", false)
            .unwrap_err()
            .contains("' '"));
        assert!(bucket.check("Upper", false).is_err());
        assert!(bucket
            .check("ab", false)
            .unwrap_err()
            .contains("at least 3"));
        assert!(bucket.check("a..b", false).is_err());
        assert!(bucket
            .check("192.168.1.1", false)
            .unwrap_err()
            .contains("IP address"));
        assert!(bucket.check("xn--abc", false).is_err());
        assert!(bucket.check("engagement-raw-data-dev", false).is_ok());
        assert!(table.check("engagement-*-dev", true).is_ok());
        assert!(table.check("engagement-*-dev", false).is_err());
        assert!(NameRule::Resource(ResourceKind::BedrockModel)
            .check("anthropic.claude-3-5-sonnet-20240620-v1:0", false)
            .is_ok());
        assert!(NameRule::Service(ServiceKind::ApiGateway)
            .check("anything at all", false)
            .is_ok());
    }

    #[test]
    fn keys_by_id_and_parameters_by_name_or_path() {
        let key = NameRule::Resource(ResourceKind::KmsKey);
        assert!(key
            .check("1234abcd-12ab-34cd-56ef-1234567890ab", false)
            .is_ok());
        assert!(key
            .check("mrk-0123456789abcdef0123456789abcdef", false)
            .is_ok());
        for bad in [
            "alias/orders",
            "1234ABCD-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ] {
            assert!(
                key.check(bad, false).unwrap_err().contains("alias cannot"),
                "{bad}"
            );
        }
        let parameter = NameRule::Resource(ResourceKind::Parameter);
        assert!(parameter.check("/shop/prod/db-url", false).is_ok());
        assert!(parameter.check("shop-db-url-prod", false).is_ok());
        assert!(parameter.check("/shop/prod/*", true).is_ok());
        assert!(is_parameter_path("/shop/prod/*") && !is_parameter_path("/shop/prod"));
        assert!(parameter
            .check("shop/prod", false)
            .unwrap_err()
            .contains("starts with '/'"));
        assert!(parameter
            .check("/ssm/x", false)
            .unwrap_err()
            .contains("reserves"));
        assert!(parameter.check("/a/*/b", true).unwrap_err().contains("'*'"));
        let queue = NameRule::Resource(ResourceKind::Queue);
        assert!(queue.check("orders.fifo", false).is_ok());
        assert!(queue
            .check("orders.v2", false)
            .unwrap_err()
            .contains(".fifo"));
    }

    #[test]
    fn tags_and_descriptions() {
        assert_eq!(check_tag("Owner", "a\"b").unwrap_err().part, TagPart::Value);
        assert_eq!(check_tag("aws:x", "v").unwrap_err().part, TagPart::Key);
        assert!(check_tag("Owner", "Ünïcödé team: a/b=c+d@e").is_ok());
        assert!(check_description("naïve \"quotes\"").is_ok());
        assert!(check_description("✓").is_err());
    }
}
