//! Every name iamgen derives: the naming convention (`{project}-{name}-{environment}`), the rules on
//! logical names, and from them each service's physical name, its roles, their policies (and split
//! parts), its log groups and its module inputs. The loader checks these names and the plan uses
//! them; both call this module, so the two can never disagree.

use std::fmt;

use crate::diag::{did_you_mean, quote};
use crate::kinds::{RolePurpose, ServiceKind};

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
pub(crate) struct NamingError {
    /// What is wrong.
    pub(crate) message: String,
    /// What to try.
    pub(crate) hint: Option<String>,
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
const PLACEHOLDERS: [&str; 3] = ["project", "name", "environment"];

impl Naming {
    /// The default template.
    pub const DEFAULT: &'static str = "{project}-{name}-{environment}";

    /// Parses a template; the error names the problem.
    pub(crate) fn parse(template: &str) -> Result<Naming, NamingError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                NamingError::from(format!(
                    "unclosed '{{' in naming template {}",
                    quote(template)
                ))
            })?;
            parts.push(match &after[..close] {
                "project" => Part::Project,
                "name" => Part::Name,
                "environment" => Part::Environment,
                other => {
                    let known: Vec<String> =
                        PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                    let hint = match did_you_mean(other, PLACEHOLDERS) {
                        Some(p) => format!("did you mean '{{{p}}}'? "),
                        None => String::new(),
                    };
                    return Err(NamingError {
                        message: format!("unknown placeholder {}", quote(&format!("{{{other}}}"))),
                        hint: Some(format!("{hint}known placeholders: {}", known.join(", "))),
                    });
                }
            });
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("unmatched '}}' in naming template {}", quote(template)).into());
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
                "the naming template's fixed text {} may only hold lowercase letters, digits and '-', which every AWS name accepts",
                quote(t)
            )));
        }
        Ok(Naming {
            parts,
            source: template.to_string(),
        })
    }

    /// The physical name of `name`. Underscores in logical names become hyphens, since S3 and
    /// several other services refuse underscores: service `pre_cleanup` is `engagement-pre-cleanup-dev`.
    pub(crate) fn apply(&self, project: &str, name: &str, environment: &str) -> String {
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

/// 1 to `max` lowercase letters, digits and `joiner`, starting with a letter.
fn lowercase_word(text: &str, max: usize, joiner: char) -> bool {
    text.len() <= max
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == joiner)
}

/// Checks a logical name (service, resource, profile key): `snake_case`, 1 to 64 characters. These
/// become Terraform labels and variable names, so they must be valid identifiers.
pub(crate) fn check_logical(name: &str) -> Result<(), String> {
    if lowercase_word(name, 64, '_') {
        Ok(())
    } else {
        Err(format!(
            "{} is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter",
            quote(name)
        ))
    }
}

/// Checks `project` and `environment`: lowercase letters, digits and `-`, so every AWS name accepts them.
pub(crate) fn check_name_part(what: &str, value: &str) -> Result<(), String> {
    if lowercase_word(value, 32, '-') {
        Ok(())
    } else {
        Err(format!(
            "{what} {} must be 1 to 32 lowercase letters, digits and '-', starting with a letter (it goes into S3 bucket names)",
            quote(value)
        ))
    }
}

/// A module input: an id that exists only after apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Input {
    /// The variable's name inside the service's module (`api_id`).
    pub name: String,
    /// The variable's name in a root module or the single-file output, where every service's
    /// inputs meet: a service's own `api_id` is `api_api_id` there.
    pub global: String,
    /// The variable's description.
    pub description: String,
    /// A value of the form AWS gives such ids, used where an evaluation needs one and none is
    /// given (`iamgen simulate` without `--input`).
    pub example: String,
}

/// The names of one platform: its convention applied to its project and environment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Names<'a> {
    pub(crate) naming: &'a Naming,
    pub(crate) project: &'a str,
    pub(crate) environment: &'a str,
}

impl Names<'_> {
    /// The physical name the convention gives `logical` (a service or resource name).
    pub(crate) fn physical(&self, logical: &str) -> String {
        self.naming.apply(self.project, logical, self.environment)
    }

    /// The same convention in another environment (`prod` for every other one, `dev` for
    /// `prod`): the names a grant must never reach.
    pub(crate) fn other_environment(&self) -> Names<'_> {
        Names {
            environment: if self.environment == "prod" {
                "dev"
            } else {
                "prod"
            },
            ..*self
        }
    }

    /// The service's own physical name: function, state machine, task family, API, agent...
    pub(crate) fn service(&self, service: &str) -> String {
        self.physical(service)
    }

    /// The logical base of a role's name: the service, or `{service}_execution`.
    fn role_base(service: &str, purpose: RolePurpose) -> String {
        match purpose {
            RolePurpose::Main => service.to_string(),
            RolePurpose::Execution => format!("{service}_execution"),
        }
    }

    /// The name of one of the service's roles.
    pub(crate) fn role(&self, service: &str, purpose: RolePurpose) -> String {
        self.physical(&Self::role_base(service, purpose))
    }

    /// Every role a service of `kind` has, the main role first.
    pub(crate) fn roles(&self, service: &str, kind: ServiceKind) -> Vec<String> {
        kind.roles()
            .iter()
            .map(|p| self.role(service, *p))
            .collect()
    }

    /// The name of part `part` (0-based) of a role's permissions: the role's own name, then
    /// `{service}_2`, `{service}_3`... by the convention (`engagement-ingest-2-dev`).
    pub(crate) fn policy(&self, service: &str, purpose: RolePurpose, part: usize) -> String {
        let base = Self::role_base(service, purpose);
        match part {
            0 => self.physical(&base),
            n => self.physical(&format!("{base}_{}", n + 1)),
        }
    }

    /// The description of one of a service's roles: the spec's `description` followed by what the
    /// role is, or (without one) what the role is and where in the spec it comes from. The loader
    /// checks its length and the plan writes it, both through this.
    pub(crate) fn role_description(
        &self,
        service: &str,
        kind: ServiceKind,
        purpose: RolePurpose,
        description: Option<&str>,
        path: &str,
    ) -> String {
        let what = match purpose {
            RolePurpose::Main => "Role",
            RolePurpose::Execution => "Execution role",
        };
        let (noun, physical) = (kind.noun(), self.service(service));
        match description {
            Some(d) => format!("{d}: {} of {noun} {physical}", what.to_lowercase()),
            None => format!("{what} of {noun} {physical}, generated by iamgen from {path}"),
        }
    }

    /// What the convention's pattern (`"*"` as the name: `shop-*-dev`) also matches beyond this
    /// project and environment: `*` matches any characters, `-` included, and IAM has no narrower
    /// wildcard, so `shop-*-dev` also matches `shop-legacy-orders-dev` of a project `shop-legacy`
    /// and `shop-orders-legacy-dev` of an environment `legacy-dev`. One example of each that
    /// applies, for messages.
    pub(crate) fn pattern_reaches_beyond(&self) -> Vec<(&'static str, String)> {
        let pattern = self.physical("*");
        let project = format!("{}-legacy", self.project);
        let environment = format!("legacy-{}", self.environment);
        let in_project = Names {
            project: &project,
            ..*self
        };
        let in_environment = Names {
            environment: &environment,
            ..*self
        };
        let others = [
            ("project", "a", &project, in_project),
            ("environment", "an", &environment, in_environment),
        ];
        others
            .into_iter()
            .filter_map(|(what, article, value, names)| {
                let name = names.physical("orders");
                let example = format!("{} of {article} {what} {}", quote(&name), quote(value));
                glob_matches(&pattern, &name).then_some((what, example))
            })
            .collect()
    }

    /// The log group a service of `kind` writes by default, by the name AWS gives it.
    pub(crate) fn log_group(&self, service: &str, kind: ServiceKind) -> Option<String> {
        let name = self.service(service);
        match kind {
            ServiceKind::Lambda => Some(format!("/aws/lambda/{name}")),
            ServiceKind::EcsTask => Some(format!("/ecs/{name}")),
            _ => None,
        }
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (as in IAM).
fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The label of a role's trust document in its service's module: `this_trust`, `execution_trust`.
pub(crate) fn trust_label(role: &str) -> String {
    format!("{role}_trust")
}

/// The label of the Lambda permission on the function of service `function` in the calling
/// service's module: `invoke_predict`.
pub(crate) fn permission_label(function: &str) -> String {
    format!("invoke_{function}")
}

/// The label of the policy iamgen writes on declared resource `logical` of kind `kind` (its key
/// under `resources:`, singular) in the owning service's module: `queue_fulfilment`.
pub(crate) fn resource_policy_label(kind: &str, logical: &str) -> String {
    format!("{kind}_{logical}")
}

/// The input holding the URL of queue `queue` (what `aws_sqs_queue_policy` names a queue by).
pub(crate) fn queue_url_input(queue: &str) -> String {
    format!("{queue}_queue_url")
}

/// The statement id of the Lambda permission letting `sender` (a physical name) invoke a function.
pub(crate) fn permission_statement_id(sender: &str) -> String {
    format!("iamgen-{sender}")
}

/// A label of service `service`'s module where every service's resources meet (the single file):
/// `this` is `predict`, `this_2` is `predict_2`, `invoke_f` is `api_invoke_f`. Different services'
/// labels can coincide (`a` with `a_trust`); the plan refuses such specs.
pub(crate) fn file_label(service: &str, local: &str) -> String {
    match local.strip_prefix("this") {
        Some(rest) => format!("{service}{rest}"),
        None => format!("{service}_{local}"),
    }
}

/// The input holding the IAM path of every role and policy (see [`crate::aws::PATH_INPUT`]).
pub(crate) const PATH: &str = crate::aws::PATH_INPUT;

/// The module input holding a service's own API id.
pub(crate) const API_ID: &str = "api_id";
/// The module input holding a service's own Bedrock agent id.
pub(crate) const AGENT_ID: &str = "agent_id";
/// The module input that switches the API Gateway account setting on.
pub(crate) const SET_API_GATEWAY_ACCOUNT: &str = "set_api_gateway_account";

/// The name a service's own input `local` has where every service's inputs meet (a root module, the
/// single file): `api_api_id`.
pub(crate) fn global_input(service: &str, local: &str) -> String {
    format!("{service}_{local}")
}

/// The input variable holding a knowledge base's id.
pub(crate) fn knowledge_base_input(service: &str) -> String {
    format!("{service}_knowledge_base_id")
}

/// The input variable holding the id of Bedrock model `model`'s application inference profile.
pub(crate) fn inference_profile_input(model: &str) -> String {
    format!("{model}_inference_profile_id")
}

/// The input variable holding the id of vector store `store`'s OpenSearch Serverless collection.
pub(crate) fn collection_input(store: &str) -> String {
    format!("{store}_collection_id")
}

/// The input variable holding an agent's id.
pub(crate) fn agent_input(service: &str) -> String {
    format!("{service}_agent_id")
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
    fn patterns_match_like_iam() {
        assert!(glob_matches("shop-*-dev", "shop-legacy-orders-dev"));
        assert!(glob_matches("shop-*-dev", "shop--dev"));
        assert!(!glob_matches("shop-*-dev", "shop-dev"));
        assert!(!glob_matches("shop-*-dev", "other-x-dev"));
        assert!(glob_matches("a*b*c", "abbc"));
        assert!(!glob_matches("exact", "exactly"));
        let naming = Naming::parse("{environment}-{project}-{name}").unwrap();
        let names = Names {
            naming: &naming,
            project: "shop",
            environment: "dev",
        };
        assert_eq!(
            names.pattern_reaches_beyond(),
            [(
                "project",
                "'dev-shop-legacy-orders' of a project 'shop-legacy'".to_string()
            )]
        );
    }

    #[test]
    fn logical_names_are_identifiers() {
        assert!(check_logical("pre_cleanup").is_ok());
        assert!(check_logical("Pre").is_err());
        assert!(check_logical("9x").is_err());
        assert!(check_logical("a-b").is_err());
    }
}
