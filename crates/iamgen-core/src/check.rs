//! The checker: every statement iamgen emits, judged against the AWS Service Authorization Reference.
//!
//! Two kinds of result:
//! - [`check_statement`] finds statements that are wrong: an unknown action, a wildcard action, an
//!   ARN of a resource type the action does not accept, `Resource = "*"` for an action that accepts
//!   resources or without the condition that narrows it, `iam:PassRole` without roles or without
//!   `iam:PassedToService`, a condition key the action does not support. The grants table never
//!   builds such a statement; if it ever does, that is a bug in iamgen, reported as an error.
//! - the whole-plan check that [`compile`](crate::compile) runs also finds grants in the spec that
//!   are valid but wide (a name pattern, or
//!   `Resource = "*"`), reported as warnings on the grant's line unless the author accepted them with
//!   `allow: { wildcard: "reason" }`; `--strict` makes them errors.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;

use indexmap::IndexMap;

use crate::aws::catalog;
use crate::aws::{Condition, Segment, Template, Values};
use crate::diag::{quote, Diagnostic, Loc};
use crate::expand::{self, Effects};
use crate::grants::{GrantKind, Target};
use crate::kinds::Finding;
use crate::plan::Plan;
use crate::policy::{Origin, Statement};
use crate::spec::{Resource, Spec};

/// Actions that accept no resource but have a condition key that scopes them; a statement granting
/// one must use it. (CloudWatch: `PutMetricData` is scoped by `cloudwatch:namespace`.)
pub const NARROWING_CONDITIONS: &[(&str, &str)] =
    &[("cloudwatch:PutMetricData", "cloudwatch:namespace")];

/// Resource types whose ARN AWS also writes without a region, beyond the catalog's format: the
/// foundation model in AWS's `global.` cross-region inference profile example
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html>).
pub const REGIONLESS: &[(&str, &str)] = &[("bedrock", "foundation-model")];

/// Resource types whose name may hold `/` where the catalog's format does not say so, with the
/// text before the name: a Parameter Store parameter's name is its path (`parameter/a/b/c` for
/// `/a/b/c`, <https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-hierarchies.html>).
pub const SLASHED_NAMES: &[(&str, &str, &str)] = &[("ssm", "parameter", ":parameter/")];

/// Whether `arn` fits resource type `name` of `service`, as the catalog writes its format or, for
/// the [`REGIONLESS`] types, without the region, or, for the [`SLASHED_NAMES`] types, with `/` in
/// the name.
pub(crate) fn fits(service: &catalog::ServiceDef, name: &str, arn: &str) -> bool {
    let Some(t) = service.resource_type(name) else {
        return false;
    };
    let slashed = SLASHED_NAMES
        .iter()
        .filter(|(prefix, n, _)| *prefix == service.prefix() && *n == name)
        .any(|(_, _, before)| {
            arn.find(before).is_some_and(|i| {
                let (head, tail) = arn.split_at(i + before.len());
                catalog::arn_matches(t.arn(), &format!("{head}{}", tail.replace('/', "_")))
            })
        });
    catalog::arn_matches(t.arn(), arn)
        || slashed
        || (REGIONLESS.contains(&(service.prefix(), name))
            && catalog::arn_matches(&t.arn().replace("${Region}", ""), arn))
}

/// The rule a statement breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The action is not in the catalog (exact case).
    UnknownAction,
    /// The action contains `*` or `?`.
    ActionWildcard,
    /// A resource ARN matches none of the resource types the action accepts.
    ResourceType,
    /// `Resource = "*"` for an action that accepts resources.
    StarResource,
    /// `Resource = "*"` without the condition key that narrows the action.
    MissingNarrowingCondition,
    /// `iam:PassRole` on something other than named roles.
    PassRoleResource,
    /// `iam:PassRole` without `iam:PassedToService`.
    PassRoleService,
    /// A condition key that is neither global nor supported by an action of the statement.
    ConditionKey,
    /// A statement without actions or resources.
    Empty,
}

/// One broken rule in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Which rule.
    pub rule: Rule,
    /// What exactly is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn sample(t: &Template) -> String {
    let mut v = Values::sample();
    for input in t.inputs() {
        v.inputs
            .entry(input.to_string())
            .or_insert_with(|| "a1b2c3d4e5".to_string());
    }
    t.resolve(&v)
}

/// Checks one statement against the catalog; an empty result means it is well-formed.
///
/// ```
/// use iamgen_core::check::{check_statement, Rule};
/// use iamgen_core::compile;
///
/// let plan = compile("iamgen.yaml", iamgen_core::EXAMPLE_SPEC, &Default::default()).unwrap().plan;
/// let mut statement = plan.services[0].roles[0].policies[0].document.statements[0].clone();
/// assert!(check_statement(&statement).is_empty());
/// statement.actions = vec!["s3:Get*".to_string()];
/// assert_eq!(check_statement(&statement)[0].rule, Rule::ActionWildcard);
/// ```
pub fn check_statement(s: &Statement) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |rule, message: String| problems.push(Problem { rule, message });
    if s.actions.is_empty() || s.resources.is_empty() {
        problem(
            Rule::Empty,
            format!("statement {} has no actions or no resources", s.sid),
        );
    }
    let star = s.resources.iter().any(Template::is_star);
    if star && s.resources.len() > 1 {
        problem(
            Rule::StarResource,
            format!("statement {} mixes \"*\" with ARNs", s.sid),
        );
    }
    let samples: Vec<String> = s.resources.iter().map(sample).collect();
    for action in &s.actions {
        if action.contains(['*', '?']) {
            problem(
                Rule::ActionWildcard,
                format!("action '{action}' is a wildcard; iamgen names actions exactly"),
            );
            continue;
        }
        let Some((service, def)) = catalog::action(action) else {
            problem(
                Rule::UnknownAction,
                format!("action '{action}' is not in the AWS catalog"),
            );
            continue;
        };
        if star {
            if !def.accepts_no_resource() {
                let types: Vec<&str> = def.resource_types().iter().map(|r| r.name()).collect();
                problem(
                    Rule::StarResource,
                    format!(
                        "'{action}' accepts resources ({}), so it must not have Resource \"*\"",
                        types.join(", ")
                    ),
                );
            }
            for (narrowed, key) in NARROWING_CONDITIONS {
                if action == narrowed && !s.conditions.iter().any(|c| c.variable == *key) {
                    problem(
                        Rule::MissingNarrowingCondition,
                        format!(
                            "'{action}' with Resource \"*\" must be narrowed by condition '{key}'"
                        ),
                    );
                }
            }
        } else {
            for (resource, arn) in s.resources.iter().zip(&samples) {
                let fits = def
                    .resource_types()
                    .iter()
                    .any(|rt| fits(service, rt.name(), arn));
                if !fits {
                    let types: Vec<&str> = def.resource_types().iter().map(|r| r.name()).collect();
                    let what = if types.is_empty() {
                        "no resource (only \"*\")".to_string()
                    } else {
                        types.join(", ")
                    };
                    problem(
                        Rule::ResourceType,
                        format!("'{action}' does not accept '{resource}': it accepts {what}"),
                    );
                }
            }
        }
        for c in &s.conditions {
            if !c.variable.starts_with("aws:") && !def.supports_condition_key(&c.variable) {
                problem(
                    Rule::ConditionKey,
                    format!(
                        "condition key '{}' is not supported by '{action}'",
                        c.variable
                    ),
                );
            }
        }
        if action == "iam:PassRole" {
            let named_roles = !star
                && s.resources.iter().all(|r| {
                    sample(r).contains(":role/")
                        && !r
                            .segments()
                            .iter()
                            .any(|seg| matches!(seg, Segment::Text(t) if t.ends_with("role/*")))
                });
            if !named_roles {
                problem(
                    Rule::PassRoleResource,
                    "iam:PassRole must name roles, never \"*\" or role/*".into(),
                );
            }
            if !s
                .conditions
                .iter()
                .any(|c| c.variable == "iam:PassedToService" && c.test == "StringEquals")
            {
                problem(
                    Rule::PassRoleService,
                    "iam:PassRole must carry a StringEquals iam:PassedToService condition".into(),
                );
            }
        }
    }
    problems
}

/// A statement on `Resource = "*"` that no condition narrows: a wide grant, to be accepted in
/// writing.
fn is_unnarrowed_star(s: &Statement) -> bool {
    s.resources.iter().any(Template::is_star) && s.conditions.is_empty()
}

/// Grants whose `allow: { wildcard }` accepts nothing: they reach no name pattern, and none of
/// their statements needs `Resource = "*"`. Each is a warning at its reason, with the grant's path;
/// the plan is then built without them, so their reason is written beside no statement. A grant of
/// a profile accepts something if it does for any service using it.
pub(crate) fn allows_accepting_nothing(spec: &Spec) -> Vec<(String, Diagnostic)> {
    let names = spec.names();
    let mut wide: IndexMap<&str, (GrantKind, bool)> = IndexMap::new();
    for service in spec.services.values() {
        for grant in &service.grants {
            if !grant.allow.contains_key(&Finding::Wildcard) {
                continue;
            }
            let is_wide = grant.resource_targets().any(Resource::is_pattern) || {
                let mut effects = Effects::default();
                expand::expand(names, service, grant, &mut effects);
                effects.statements.iter().any(is_unnarrowed_star)
            };
            wide.entry(&grant.path).or_insert((grant.kind, false)).1 |= is_wide;
        }
    }
    wide.into_iter()
        .filter(|(_, (_, wide))| !wide)
        .map(|(path, (kind, _))| {
            let reason = format!("{path}.allow.{}", Finding::Wildcard.key());
            let message = format!("`allow: {{ wildcard }}` accepts nothing here: grant '{}' reaches no name pattern and needs no Resource \"*\"", kind.key());
            let d = Diagnostic::warning_at(Loc::Value(reason), path, message).with_hint("remove it");
            (path.to_string(), d)
        })
        .collect()
}

/// What makes two statements the same for the checker: actions, resources, conditions.
type StatementKey<'a> = (&'a [String], &'a [Template], &'a [Condition]);

/// A fast, non-cryptographic hasher (the multiply-rotate of rustc's FxHasher) for the statement
/// keys: every statement of a plan is hashed, and std's SipHash was nearly all of `check`'s
/// instructions. The keys come from the spec being compiled: nothing to defend against.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ rest.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// Checks a whole plan: every statement of every policy (errors, since they are iamgen bugs), and
/// the spec's wide grants (warnings, unless accepted).
pub(crate) fn check(spec: &Spec, plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Services that share a profile share statements: judge each distinct statement once.
    let mut judged: HashMap<StatementKey<'_>, Vec<Problem>, BuildHasherDefault<FxHasher>> =
        HashMap::default();
    for service in &plan.services {
        for role in &service.roles {
            for policy in &role.policies {
                for s in &policy.document.statements {
                    let problems = judged
                        .entry((&s.actions, &s.resources, &s.conditions))
                        .or_insert_with(|| check_statement(s));
                    let at = || Loc::Key(s.origin.path.clone());
                    // A hand-written statement's problems were reported before planning.
                    let problems = match s.origin.is_hand_written() {
                        true => &[][..],
                        false => &problems[..],
                    };
                    for p in problems.iter() {
                        out.push(
                            Diagnostic::error_at(
                                at(),
                                &s.origin.path,
                                format!(
                                    "iamgen bug: {p} (statement {} of policy {})",
                                    s.sid, policy.name
                                ),
                            )
                            .with_hint("please report it; the output would be wrong"),
                        );
                    }
                    if is_unnarrowed_star(s) && !s.origin.implied && s.notes.is_empty() {
                        out.push(
                            Diagnostic::warning_at(at(), &s.origin.path, format!("grant '{}' needs Resource \"*\" for {} (AWS accepts no resource for them)", s.origin.grant.key(), s.actions.join(", ")))
                                .with_hint("accept it with `allow: { wildcard: \"why\" }` on the grant"),
                        );
                    }
                }
            }
        }
    }
    let names = spec.names();
    let convention_pattern = names.physical("*");
    for service in spec.services.values() {
        for grant in &service.grants {
            let Target::Resource(kind) = grant.kind.target() else {
                continue;
            };
            if grant.allow.contains_key(&Finding::Wildcard) {
                continue;
            }
            for r in grant.resource_targets().filter(|r| r.is_pattern()) {
                // The convention's own pattern also matches other projects' and environments'
                // names: say so, with an example of each.
                let beyond = match r.name == convention_pattern {
                    true => names.pattern_reaches_beyond(),
                    false => vec![],
                };
                let (whats, examples): (Vec<&str>, Vec<String>) = beyond.into_iter().unzip();
                let also = match whats.as_slice() {
                    [] => String::new(),
                    whats => format!(
                        ", also those of other {}s ('*' matches '-' too: {})",
                        whats.join("s and "),
                        examples.join(", ")
                    ),
                };
                // Tag-based access narrows what the pattern reaches, where AWS evaluates tags.
                let tagged = match grant.tags {
                    true => format!(
                        "; tag-based access limits it to those tagged Project = {}, Environment = {} where AWS evaluates resource tags",
                        quote(names.project),
                        quote(names.environment)
                    ),
                    false => String::new(),
                };
                out.push(
                    Diagnostic::warning_at(
                        Loc::Key(grant.path.clone()),
                        &grant.path,
                        format!(
                            "grant '{}' reaches every {} named {}{also}{tagged}",
                            grant.kind.key(),
                            kind.noun(),
                            quote(&r.name)
                        ),
                    )
                    .with_hint(
                        "name the resources, or accept it with `allow: { wildcard: \"why\" }`",
                    ),
                );
            }
        }
    }
    out
}

/// The hand-written statements of `spec` (`statements:`), judged by the same rules as generated
/// ones: each problem is an error at the statement (the spec's, not iamgen's). Actions that are
/// wildcards or not in the catalog were reported when the statement was read.
pub(crate) fn hand_written(spec: &Spec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for service in spec.services.values() {
        for grant in &service.grants {
            let Some(w) = &grant.written else {
                continue;
            };
            let statement = Statement {
                sid: w.sid.clone(),
                actions: w.actions.clone(),
                resources: w.resources.clone(),
                conditions: w.conditions.clone(),
                notes: vec![],
                why: None,
                sources: vec![],
                origin: Origin {
                    grant: grant.kind,
                    path: grant.path.clone(),
                    implied: false,
                    span: None,
                    file: None,
                },
            };
            for p in check_statement(&statement) {
                if matches!(p.rule, Rule::UnknownAction | Rule::ActionWildcard) {
                    continue;
                }
                let hint = match p.rule {
                    Rule::StarResource => Some("name the resources the actions accept, or split the statement: \"*\" only for actions that accept no resource"),
                    Rule::ResourceType => Some("write an ARN of a resource type the action accepts (see the Service Authorization Reference)"),
                    Rule::PassRoleResource | Rule::PassRoleService => Some("iam:PassRole names roles and carries StringEquals iam:PassedToService"),
                    _ => None,
                };
                let d = Diagnostic::error_at(
                    Loc::Key(grant.path.clone()),
                    &grant.path,
                    format!("hand-written statement: {}", p.message),
                );
                out.push(match hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::arns;

    fn stmt(actions: &[&str], resources: Vec<Template>, conditions: Vec<Condition>) -> Statement {
        Statement::for_test("T", actions, resources, conditions)
    }

    fn rules(s: &Statement) -> Vec<Rule> {
        check_statement(s).into_iter().map(|p| p.rule).collect()
    }

    #[test]
    fn good_statements_pass() {
        assert!(rules(&stmt(&["s3:GetObject"], vec![arns::objects("b")], vec![])).is_empty());
        assert!(rules(&stmt(&["s3:ListBucket"], vec![arns::bucket("b")], vec![])).is_empty());
        let ns = Condition::new("StringEquals", "cloudwatch:namespace", "X".into());
        assert!(rules(&stmt(
            &["cloudwatch:PutMetricData"],
            vec![Template::star()],
            vec![ns]
        ))
        .is_empty());
        let to = Condition::new(
            "StringEquals",
            "iam:PassedToService",
            "ecs-tasks.amazonaws.com".into(),
        );
        assert!(rules(&stmt(&["iam:PassRole"], vec![arns::role("r")], vec![to])).is_empty());
    }

    #[test]
    fn parameters_with_paths_and_key_conditions_pass() {
        let get = stmt(
            &["ssm:GetParameter"],
            vec![arns::parameter("/shop/prod/checkout/*")],
            vec![],
        );
        assert!(rules(&get).is_empty());
        let context = Condition::new(
            "StringLike",
            "kms:EncryptionContext:aws:s3:arn",
            arns::objects("b"),
        );
        let via = Condition::new("StringEquals", "kms:ViaService", crate::aws::kms::via("s3"));
        assert!(rules(&stmt(
            &["kms:Decrypt"],
            vec![arns::kms_key("1234abcd-12ab-34cd-56ef-1234567890ab")],
            vec![via, context]
        ))
        .is_empty());
        assert_eq!(
            rules(&stmt(&["ssm:GetParameter"], vec![arns::queue("q")], vec![])),
            [Rule::ResourceType]
        );
    }

    #[test]
    fn each_rule_catches_a_broken_statement() {
        assert_eq!(
            rules(&stmt(&["s3:GetObjects"], vec![arns::objects("b")], vec![])),
            [Rule::UnknownAction]
        );
        assert_eq!(
            rules(&stmt(&["s3:getobject"], vec![arns::objects("b")], vec![])),
            [Rule::UnknownAction]
        );
        assert_eq!(
            rules(&stmt(&["s3:Get*"], vec![arns::objects("b")], vec![])),
            [Rule::ActionWildcard]
        );
        assert_eq!(
            rules(&stmt(&["s3:GetObject"], vec![arns::bucket("b")], vec![])),
            [Rule::ResourceType]
        );
        assert_eq!(
            rules(&stmt(&["s3:ListBucket"], vec![arns::objects("b")], vec![])),
            [Rule::ResourceType]
        );
        assert_eq!(
            rules(&stmt(
                &["dynamodb:GetItem"],
                vec![arns::indexes("t")],
                vec![]
            )),
            [Rule::ResourceType]
        );
        assert_eq!(
            rules(&stmt(&["s3:GetObject"], vec![Template::star()], vec![])),
            [Rule::StarResource]
        );
        assert_eq!(
            rules(&stmt(
                &["cloudwatch:PutMetricData"],
                vec![Template::star()],
                vec![]
            )),
            [Rule::MissingNarrowingCondition]
        );
        let to = Condition::new(
            "StringEquals",
            "iam:PassedToService",
            "ecs-tasks.amazonaws.com".into(),
        );
        assert!(rules(&stmt(
            &["iam:PassRole"],
            vec![Template::star()],
            vec![to.clone()]
        ))
        .contains(&Rule::PassRoleResource));
        assert!(rules(&stmt(
            &["iam:PassRole"],
            vec![Template::arn("iam", false, true, "role/*")],
            vec![to]
        ))
        .contains(&Rule::PassRoleResource));
        assert_eq!(
            rules(&stmt(&["iam:PassRole"], vec![arns::role("r")], vec![])),
            [Rule::PassRoleService]
        );
        let bad_key = Condition::new("StringEquals", "s3:prefix", "x".into());
        assert_eq!(
            rules(&stmt(
                &["dynamodb:GetItem"],
                vec![arns::table("t")],
                vec![bad_key]
            )),
            [Rule::ConditionKey]
        );
        let global = Condition::new("StringEquals", "aws:PrincipalTag/team", "x".into());
        assert!(rules(&stmt(
            &["dynamodb:GetItem"],
            vec![arns::table("t")],
            vec![global]
        ))
        .is_empty());
        assert_eq!(
            rules(&stmt(&[], vec![arns::table("t")], vec![])),
            [Rule::Empty]
        );
    }
}
