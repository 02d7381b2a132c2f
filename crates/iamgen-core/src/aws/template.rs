//! Strings that are partly known only to Terraform: ARNs and condition values.
//!
//! An ARN such as `arn:${partition}:s3:::engagement-raw-data-dev/*` mixes text from the spec with
//! values Terraform knows at plan time (partition, region, account) or after apply (an API id). A
//! [`Template`] keeps the two apart, so the HCL writer escapes the text and interpolates the rest,
//! and the JSON export substitutes real values: nothing is ever guessed from the string's look.

use std::fmt;

use super::partitions;
use crate::diag::quote;

/// One piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// The AWS partition (`aws`, `aws-cn`, `aws-us-gov`).
    Partition,
    /// The region the module is applied in.
    Region,
    /// The account the module is applied in.
    Account,
    /// A module input variable, by name: ids known only after apply.
    Input(String),
    /// The DNS suffix of the partition's service endpoints (`amazonaws.com`, `amazonaws.com.cn`).
    DnsSuffix,
}

/// A string assembled from text and deploy-time values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Template {
    segments: Vec<Segment>,
}

/// Builds a template from segments, joining adjacent text: `tpl![Text("a"), Partition]`.
impl From<Vec<Segment>> for Template {
    fn from(parts: Vec<Segment>) -> Self {
        let mut t = Template::default();
        for p in parts {
            t.push(p);
        }
        t
    }
}

impl From<&str> for Template {
    fn from(text: &str) -> Self {
        Template::text(text)
    }
}

impl Template {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Template {
            segments: match text.is_empty() {
                true => Vec::new(),
                false => vec![Segment::Text(text)],
            },
        }
    }

    /// `prefix`, then the value of module input `input`, then `suffix`: `knowledge-base/${var.kb_id}`.
    pub fn around(prefix: &str, input: &str, suffix: &str) -> Self {
        Template::from(vec![
            Segment::Text(prefix.into()),
            Segment::Input(input.into()),
            Segment::Text(suffix.into()),
        ])
    }

    /// `*`: every resource.
    pub fn star() -> Self {
        Template::text("*")
    }

    /// True for exactly `*`.
    pub fn is_star(&self) -> bool {
        matches!(self.segments.as_slice(), [Segment::Text(t)] if t == "*")
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:` followed by `resource`, with the region and account
    /// left empty where the service's ARNs have none (S3 buckets, IAM roles).
    pub fn arn(
        service: &str,
        regional: bool,
        in_account: bool,
        resource: impl Into<Template>,
    ) -> Self {
        let mut t = Template {
            segments: Vec::with_capacity(4),
        };
        t.push_text("arn:");
        t.push(Segment::Partition);
        t.push_text(":");
        t.push_text(service);
        t.push_text(":");
        if regional {
            t.push(Segment::Region);
        }
        t.push_text(":");
        if in_account {
            t.push(Segment::Account);
        }
        t.push_text(":");
        t.append(resource.into());
        t
    }

    /// Appends a segment.
    pub fn push(&mut self, segment: Segment) {
        match (self.segments.last_mut(), segment) {
            (_, Segment::Text(t)) if t.is_empty() => {}
            (Some(Segment::Text(last)), Segment::Text(t)) => last.push_str(&t),
            (_, s) => self.segments.push(s),
        }
    }

    /// Appends text (copied onto the last segment when that is text).
    pub fn push_text(&mut self, text: &str) {
        match self.segments.last_mut() {
            _ if text.is_empty() => {}
            Some(Segment::Text(last)) => last.push_str(text),
            _ => self.segments.push(Segment::Text(text.to_string())),
        }
    }

    /// Appends another template.
    pub fn append(&mut self, other: Template) {
        for s in other.segments {
            self.push(s);
        }
    }

    /// This template followed by `text`.
    pub fn with_text(mut self, text: &str) -> Self {
        self.push_text(text);
        self
    }

    /// The segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The input variables this template needs.
    pub fn inputs(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Input(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// The string with every deploy-time value substituted by `values`.
    pub fn resolve(&self, values: &Values) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Partition => out.push_str(&values.partition),
                Segment::Region => out.push_str(&values.region),
                Segment::Account => out.push_str(&values.account),
                Segment::Input(name) => match values.inputs.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                },
                Segment::DnsSuffix => out.push_str(values.dns_suffix()),
            }
        }
        out
    }
}

/// Shows deploy-time values as `${partition}`, `${region}`, `${account}`, `${var.NAME}`.
impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            match s {
                Segment::Text(t) => f.write_str(t)?,
                Segment::Partition => f.write_str("${partition}")?,
                Segment::Region => f.write_str("${region}")?,
                Segment::Account => f.write_str("${account}")?,
                Segment::Input(n) => write!(f, "${{var.{n}}}")?,
                Segment::DnsSuffix => f.write_str("${dns_suffix}")?,
            }
        }
        Ok(())
    }
}

/// The module input holding the IAM path of every role and policy (a variable of every module,
/// `/` by default); role ARNs are built with it.
pub(crate) const PATH_INPUT: &str = "path";

/// Values for the deploy-time parts of templates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Values {
    /// The partition, such as `aws`.
    pub partition: String,
    /// The region, such as `eu-west-1`.
    pub region: String,
    /// The 12-digit account id.
    pub account: String,
    /// Module inputs by name; a missing one is shown as `${NAME}`.
    pub inputs: std::collections::BTreeMap<String, String>,
    /// The service endpoints' DNS suffix when it is not the partition's own (only for sizing with
    /// [`Values::longest`]); `None`: the partition's.
    pub dns_suffix: Option<String>,
}

/// Why values cannot resolve a plan's documents completely and correctly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValuesError {
    /// Not one of AWS's partitions.
    Partition(String),
    /// Not shaped like a region name of the partition.
    Region {
        /// The region given.
        region: String,
        /// The partition it was checked against.
        partition: String,
    },
    /// Not a 12-digit account id.
    Account(String),
    /// An input the plan does not have, with the ones it has.
    UnknownInput {
        /// The input given.
        name: String,
        /// The plan's inputs.
        known: Vec<String>,
    },
    /// Inputs without a value (name, description): the documents would hold `${NAME}`.
    MissingInputs(Vec<(String, String)>),
}

impl fmt::Display for ValuesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValuesError::Partition(p) => {
                let known: Vec<&str> = partitions::ids().collect();
                write!(
                    f,
                    "partition {} is not an AWS partition: {}",
                    quote(p),
                    known.join(", ")
                )
            }
            ValuesError::Region { region, partition } => write!(
                f,
                "region {} is not a region name of partition {partition} (such as {})",
                quote(region),
                partitions::example_region(partition).unwrap_or("us-east-1")
            ),
            ValuesError::Account(a) => {
                write!(f, "account {} is not a 12-digit AWS account id", quote(a))
            }
            ValuesError::UnknownInput { name, known } => write!(
                f,
                "unknown input {}; the inputs are {}",
                quote(name),
                known.join(", ")
            ),
            ValuesError::MissingInputs(missing) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|(name, description)| format!("{name} ({description})"))
                    .collect();
                let s = if missing.len() == 1 { "" } else { "s" };
                write!(
                    f,
                    "no value for input{s} {}: the documents would hold placeholders",
                    list.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ValuesError {}

impl Values {
    /// Values for resolving documents, checked: `partition` is one of AWS's partitions, `region`
    /// has the shape of that partition's region names (`eu-west-1`; `cn-north-1` only in
    /// `aws-cn`), `account` has 12 digits. The role path input is `/` until set.
    ///
    /// ```
    /// use iamgen_core::{Values, ValuesError};
    /// assert!(Values::new("aws", "eu-west-1", "111122223333").is_ok());
    /// assert!(matches!(Values::new("aws", "cn-north-1", "111122223333"), Err(ValuesError::Region { .. })));
    /// ```
    pub fn new(
        partition: impl Into<String>,
        region: impl Into<String>,
        account: impl Into<String>,
    ) -> Result<Values, ValuesError> {
        let mut values = Values::sample();
        values.partition = partition.into();
        values.region = region.into();
        values.account = account.into();
        values.check()?;
        Ok(values)
    }

    /// Checks the partition, the region and the account as [`Values::new`] does.
    pub fn check(&self) -> Result<(), ValuesError> {
        if partitions::example_region(&self.partition).is_none() {
            return Err(ValuesError::Partition(self.partition.clone()));
        }
        if !partitions::is_region_of(&self.partition, &self.region) {
            return Err(ValuesError::Region {
                region: self.region.clone(),
                partition: self.partition.clone(),
            });
        }
        if self.account.len() != 12 || !self.account.chars().all(|c| c.is_ascii_digit()) {
            return Err(ValuesError::Account(self.account.clone()));
        }
        Ok(())
    }

    /// Values as long as the longest real ones, so sizes computed with them are upper bounds:
    /// the longest partition (`aws-us-gov`), a 14-character region, a 12-digit account and
    /// 32-character ids (API Gateway, Bedrock and other ids are 10).
    pub fn longest() -> Values {
        Values {
            partition: "aws-us-gov".into(),
            region: "ap-southeast-5".into(),
            account: "123456789012".into(),
            inputs: Default::default(),
            dns_suffix: Some(partitions::longest_dns_suffix().into()),
        }
    }

    /// The value used for an input missing from `inputs` when sizing.
    pub const INPUT_STAND_IN_LEN: usize = 32;

    /// Sample values for matching ARNs against the catalog's formats: `aws`, `us-east-1`, a 12-digit
    /// account, `/` for the role path, and a 10-character id for other inputs.
    pub fn sample() -> Values {
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert(PATH_INPUT.to_string(), "/".to_string());
        Values {
            partition: "aws".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            inputs,
            dns_suffix: None,
        }
    }

    /// The DNS suffix of the service endpoints: the partition's (`amazonaws.com` for `aws`).
    pub fn dns_suffix(&self) -> &str {
        match &self.dns_suffix {
            Some(s) => s,
            None => partitions::dns_suffix(&self.partition).unwrap_or("amazonaws.com"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_have_empty_region_and_account_where_the_service_has_none() {
        let b = Template::arn("s3", false, false, "bucket/*");
        assert_eq!(b.to_string(), "arn:${partition}:s3:::bucket/*");
        let f = Template::arn("lambda", true, true, "function:f");
        assert_eq!(
            f.to_string(),
            "arn:${partition}:lambda:${region}:${account}:function:f"
        );
        let mut v = Values::longest();
        v.partition = "aws-cn".into();
        assert_eq!(b.resolve(&v), "arn:aws-cn:s3:::bucket/*");
    }

    #[test]
    fn adjacent_text_is_joined() {
        let t = Template::from(vec![
            Segment::Text("a".into()),
            Segment::Text("b".into()),
            Segment::Input("x".into()),
        ]);
        assert_eq!(t.segments().len(), 2);
        assert_eq!(t.inputs().collect::<Vec<_>>(), ["x"]);
        assert!(Template::star().is_star());
    }
}
