//! Names: the naming convention, and the rules AWS puts on each kind of name.
//!
//! Every name is checked once, when the spec loads, so the writers never see a bad one.

use std::fmt;

/// The naming convention, `{project}-{name}-{environment}` by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    parts: Vec<Part>,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Project,
    Name,
    Environment,
}

/// A naming template's problem, with a hint when one helps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingError {
    /// What is wrong.
    pub message: String,
    /// What to try.
    pub hint: Option<String>,
}

impl From<String> for NamingError {
    fn from(message: String) -> Self {
        NamingError {
            message,
            hint: None,
        }
    }
}

/// The placeholders a naming template may use.
pub const PLACEHOLDERS: [&str; 3] = ["project", "name", "environment"];

impl Naming {
    /// The default template.
    pub const DEFAULT: &'static str = "{project}-{name}-{environment}";

    /// Parses a template; the error names the problem.
    pub fn parse(template: &str) -> Result<Naming, NamingError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                NamingError::from(format!("unclosed '{{' in naming template '{template}'"))
            })?;
            parts.push(match &after[..close] {
                "project" => Part::Project,
                "name" => Part::Name,
                "environment" => Part::Environment,
                other => {
                    let known: Vec<String> =
                        PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                    let hint = match crate::diag::did_you_mean(other, PLACEHOLDERS) {
                        Some(p) => format!("did you mean '{{{p}}}'? "),
                        None => String::new(),
                    };
                    return Err(NamingError {
                        message: format!("unknown placeholder '{{{other}}}'"),
                        hint: Some(format!("{hint}known placeholders: {}", known.join(", "))),
                    });
                }
            });
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("unmatched '}}' in naming template '{template}'").into());
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if !parts.contains(&Part::Name) {
            return Err(String::from("the naming template must contain {name}, or every resource would get the same name").into());
        }
        if let Some(Part::Text(t)) = parts.iter().find(|p| matches!(p, Part::Text(t) if !t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')))
        {
            return Err(NamingError::from(format!(
                "the naming template's fixed text '{t}' may only hold lowercase letters, digits and '-', which every AWS name accepts"
            )));
        }
        Ok(Naming {
            parts,
            source: template.to_string(),
        })
    }

    /// The physical name of `name`. Underscores in logical names become hyphens, since S3 and
    /// several other services refuse underscores: service `pre_cleanup` is `engagement-pre-cleanup-dev`.
    pub fn apply(&self, project: &str, name: &str, environment: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Project => out.push_str(project),
                Part::Name => out.push_str(&name.replace('_', "-")),
                Part::Environment => out.push_str(environment),
            }
        }
        out
    }
}

impl Default for Naming {
    fn default() -> Self {
        Naming::parse(Naming::DEFAULT).expect("the default template is valid")
    }
}

impl fmt::Display for Naming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Checks a logical name (service, resource, profile key): `snake_case`, 1 to 64 characters. These
/// become Terraform labels and variable names, so they must be valid identifiers.
pub fn check_logical(name: &str) -> Result<(), String> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter"
        ))
    }
}

/// Checks `project` and `environment`: lowercase letters, digits and `-`, so every AWS name accepts them.
pub fn check_name_part(what: &str, value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && value.len() <= 32
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} '{value}' must be 1 to 32 lowercase letters, digits and '-', starting with a letter (it goes into S3 bucket names)"
        ))
    }
}

/// A kind of AWS name, with its length limit and alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// IAM role names: 1 to 64 of `[A-Za-z0-9+=,.@_-]`.
    IamRole,
    /// IAM managed policy names: 1 to 128 of `[A-Za-z0-9+=,.@_-]`.
    IamPolicy,
    /// S3 bucket names (general purpose buckets).
    Bucket,
    /// DynamoDB table names.
    DynamodbTable,
    /// Athena workgroup names.
    AthenaWorkgroup,
    /// Glue database names (lowercase, as Athena reads them).
    GlueDatabase,
    /// ECR repository names.
    EcrRepository,
    /// Secrets Manager secret names.
    Secret,
    /// Bedrock model ids.
    BedrockModel,
    /// ECS cluster names.
    EcsCluster,
    /// Lambda function names.
    LambdaFunction,
    /// Step Functions state machine names.
    StateMachine,
    /// ECS task definition families.
    TaskFamily,
}

impl NameRule {
    fn limits(self) -> (usize, usize, &'static str, fn(char) -> bool) {
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
        fn model(c: char) -> bool {
            c.is_ascii_alphanumeric() || ".:_-".contains(c)
        }
        match self {
            NameRule::IamRole => (1, 64, "letters, digits and +=,.@_-", iam),
            NameRule::IamPolicy => (1, 128, "letters, digits and +=,.@_-", iam),
            NameRule::Bucket => (3, 63, "lowercase letters, digits, '.' and '-'", bucket),
            NameRule::DynamodbTable => (3, 255, "letters, digits, '_', '-' and '.'", table),
            NameRule::AthenaWorkgroup => (1, 128, "letters, digits, '_', '-' and '.'", table),
            NameRule::GlueDatabase => (1, 255, "lowercase letters, digits, '_' and '-'", glue),
            NameRule::EcrRepository => (
                2,
                256,
                "lowercase letters, digits, '.', '_', '/' and '-'",
                ecr,
            ),
            NameRule::Secret => (1, 512, "letters, digits and /_+=.@-", secret),
            NameRule::BedrockModel => (1, 256, "letters, digits, '.', ':', '_' and '-'", model),
            NameRule::EcsCluster => (1, 255, "letters, digits, '_' and '-'", word),
            NameRule::LambdaFunction => (1, 64, "letters, digits, '_' and '-'", word),
            NameRule::StateMachine => (1, 80, "letters, digits, '_' and '-'", word),
            NameRule::TaskFamily => (1, 255, "letters, digits, '_' and '-'", word),
        }
    }

    /// What the name is, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            NameRule::IamRole => "IAM role name",
            NameRule::IamPolicy => "IAM policy name",
            NameRule::Bucket => "S3 bucket name",
            NameRule::DynamodbTable => "DynamoDB table name",
            NameRule::AthenaWorkgroup => "Athena workgroup name",
            NameRule::GlueDatabase => "Glue database name",
            NameRule::EcrRepository => "ECR repository name",
            NameRule::Secret => "secret name",
            NameRule::BedrockModel => "Bedrock model id",
            NameRule::EcsCluster => "ECS cluster name",
            NameRule::LambdaFunction => "Lambda function name",
            NameRule::StateMachine => "state machine name",
            NameRule::TaskFamily => "ECS task family name",
        }
    }

    /// Checks `name`. A `*` stands for any run of valid characters and is accepted when
    /// `pattern` is true (DynamoDB's `"*"` tables, for example).
    pub fn check(self, name: &str, pattern: bool) -> Result<(), String> {
        let (min, max, alphabet, valid) = self.limits();
        let len = name.chars().count();
        let noun = self.noun();
        if len > max {
            return Err(format!(
                "{noun} '{name}' is {len} characters; AWS allows at most {max}"
            ));
        }
        if len < min {
            return Err(format!(
                "{noun} '{name}' is {len} characters; AWS needs at least {min}"
            ));
        }
        if let Some(bad) = name.chars().find(|&c| !(valid(c) || (pattern && c == '*'))) {
            return Err(format!(
                "{noun} '{name}' contains {bad:?}; AWS allows only {alphabet}"
            ));
        }
        if self == NameRule::Bucket {
            check_bucket_shape(name)?;
        }
        Ok(())
    }
}

/// Whether IAM accepts `c` in a tag key or value: letters, digits, spaces and `_ . : / = + - @`
/// (the IAM API's `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`).
pub fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

/// Whether IAM accepts `c` in a role description: tab, newline, carriage return, printable ASCII and
/// Latin-1 (the IAM API's `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`). Curly quotes, which
/// the provider refuses too, are outside it.
pub fn is_description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}')
}

/// The S3 rules beyond the alphabet (general purpose bucket naming rules).
fn check_bucket_shape(name: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("S3 bucket name '{name}' {why}"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_convention_matches_the_seed() {
        let n = Naming::default();
        assert_eq!(
            n.apply("engagement", "raw-data", "dev"),
            "engagement-raw-data-dev"
        );
        assert_eq!(
            n.apply("engagement", "pre_cleanup", "dev"),
            "engagement-pre-cleanup-dev"
        );
    }

    #[test]
    fn templates_are_checked() {
        let typo = Naming::parse("{project}-{nmae}").unwrap_err();
        assert_eq!(typo.message, "unknown placeholder '{nmae}'");
        assert!(typo.hint.unwrap().starts_with("did you mean '{name}'?"));
        assert!(Naming::parse("{project}-{environment}")
            .unwrap_err()
            .message
            .contains("must contain {name}"));
        assert!(Naming::parse("{project}_{name}")
            .unwrap_err()
            .message
            .contains("fixed text '_'"));
        assert!(Naming::parse("{project-{name}").is_err());
        assert_eq!(
            Naming::parse("{environment}-{name}")
                .unwrap()
                .apply("p", "x", "e"),
            "e-x"
        );
    }

    #[test]
    fn aws_name_rules() {
        assert!(NameRule::IamRole.check(&"a".repeat(64), false).is_ok());
        assert!(NameRule::IamRole
            .check(&"a".repeat(65), false)
            .unwrap_err()
            .contains("at most 64"));
        assert!(NameRule::IamPolicy
            .check("has space", false)
            .unwrap_err()
            .contains("' '"));
        assert!(NameRule::Bucket.check("Upper", false).is_err());
        assert!(NameRule::Bucket
            .check("ab", false)
            .unwrap_err()
            .contains("at least 3"));
        assert!(NameRule::Bucket.check("a..b", false).is_err());
        assert!(NameRule::Bucket
            .check("192.168.1.1", false)
            .unwrap_err()
            .contains("IP address"));
        assert!(NameRule::Bucket.check("xn--abc", false).is_err());
        assert!(NameRule::Bucket
            .check("engagement-raw-data-dev", false)
            .is_ok());
        assert!(NameRule::DynamodbTable
            .check("engagement-*-dev", true)
            .is_ok());
        assert!(NameRule::DynamodbTable
            .check("engagement-*-dev", false)
            .is_err());
        assert!(NameRule::BedrockModel
            .check("anthropic.claude-3-5-sonnet-20240620-v1:0", false)
            .is_ok());
    }

    #[test]
    fn logical_names_are_identifiers() {
        assert!(check_logical("pre_cleanup").is_ok());
        assert!(check_logical("Pre").is_err());
        assert!(check_logical("9x").is_err());
        assert!(check_logical("a-b").is_err());
    }
}
