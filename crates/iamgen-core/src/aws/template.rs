//! Strings that are partly known only to Terraform: ARNs and condition values.
//!
//! An ARN such as `arn:${partition}:s3:::engagement-raw-data-dev/*` mixes text from the spec with
//! values Terraform knows at plan time (partition, region, account) or after apply (an API id). A
//! [`Template`] keeps the two apart, so the HCL writer escapes the text and interpolates the rest,
//! and the JSON export substitutes real values: nothing is ever guessed from the string's look.

use std::fmt;

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
        Template::from(vec![Segment::Text(text.into())])
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
        let mut t = Template::text("arn:");
        t.push(Segment::Partition);
        t.push_text(&format!(":{service}:"));
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

    /// Appends text.
    pub fn push_text(&mut self, text: &str) {
        self.push(Segment::Text(text.to_string()));
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
            }
        }
        Ok(())
    }
}

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
}

impl Values {
    /// Values for `partition`, `region` and `account`, without module inputs.
    ///
    /// ```
    /// let v = iamgen_core::Values::new("aws", "eu-west-1", "111122223333");
    /// assert!(v.inputs.is_empty());
    /// ```
    pub fn new(partition: &str, region: &str, account: &str) -> Values {
        Values {
            partition: partition.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            inputs: Default::default(),
        }
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
        }
    }

    /// The value used for an input missing from `inputs` when sizing.
    pub const INPUT_STAND_IN_LEN: usize = 32;

    /// Sample values for matching ARNs against the catalog's formats: `aws`, `us-east-1`, a 12-digit
    /// account, `/` for the role path, and a 10-character id for other inputs.
    pub fn sample() -> Values {
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("path".to_string(), "/".to_string());
        Values {
            partition: "aws".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            inputs,
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
