#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod access;
pub mod aws;
pub mod check;
mod collisions;
mod diag;
pub mod eval;
mod expand;
mod grants;
mod intent;
mod kinds;
mod naming;
mod plan;
mod policy;
mod resolved;
mod resource_policy;
mod simulate;
mod spec;
mod uses;
mod verify;
mod words;

pub use access::{AccessReport, RoleAccess};
pub use aws::{Condition, Segment, Template, Trust, Values, ValuesError};
pub use diag::{Diagnostic, Severity, Span, SpecError};
pub use grants::{GrantKind, Target};
pub use intent::{Caller, Expect, Expected, Intent, Place, Subject};
pub use kinds::{AccountSettingKind, Finding, ResourceKind, RolePurpose, ServiceKind};
pub use plan::{
    AccountSetting, DataAccessPolicy, Input, LambdaPermission, Plan, PolicyPlan, RolePlan,
    ServicePlan, Switch,
};
pub use policy::{Document, Origin, Statement};
pub use resolved::{
    FunctionPolicy, Resolved, ResolvedResourcePolicy, ResolvedRole, ResolvedService,
    StatementSource,
};
pub use resource_policy::{ResourcePolicy, ResourceStatement};
pub use simulate::{
    purpose_from_key, purpose_key, Decided, DecidedBy, Query, QueryError, Scenario, ScenarioReport,
    Simulator, Who,
};
pub use spec::{
    json_schema, Allow, ConditionValues, EnvironmentInput, GrantInput, ProfileItem, ResourceDetail,
    ResourceInput, Scope, ServiceInput, Spec, SpecFiles, SpecInput, StatementInput, VectorEngine,
    VpcInput, EXAMPLE_FILE, EXAMPLE_SPEC, MAX_SPEC_BYTES,
};
pub use uses::{Accepted, GrantPlan, Reach};
pub use verify::{Failure, Verification};
pub use words::Phrase;

use diag::SourceMap;

/// The stages of [`compile`], one at a time, for the benchmarks (`benches/gen.rs`) and profiling.
/// Not a stable API: embedders call [`compile`] or [`compile_input`], which also locate every
/// statement and refuse colliding names.
#[doc(hidden)]
pub mod stages {
    use crate::{Diagnostic, Plan, Spec};

    /// Plans a validated spec.
    pub fn plan(spec: &Spec) -> Result<Plan, Vec<Diagnostic>> {
        Plan::build(spec, crate::intent::Record::All)
    }

    /// Checks a plan's statements against the catalog, and the spec's wide grants.
    pub fn check(spec: &Spec, plan: &Plan) -> Vec<Diagnostic> {
        crate::check::check(spec, plan)
    }
}

/// How strictly to judge a spec, and which of its environments to generate.
///
/// ```
/// let settings = iamgen_core::Settings::default().with_strict(true).with_environment("prod");
/// assert!(settings.strict);
/// assert_eq!(settings.environment.as_deref(), Some("prod"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Turn warnings (wildcards nobody accepted in writing) into errors: for production.
    pub strict: bool,
    /// The environment to generate: the spec's `environment` or a key of its `environments:`
    /// (`None`: the spec's `environment`).
    pub environment: Option<String>,
    /// Leave every [`ServicePlan::intents`] empty: each grant's own statements and the requests
    /// it exists for, which only [`Plan::verify`] and the docs (`iamgen docs`, the module READMEs
    /// of `gen --out`) read. The written policies do not change. Most of a plan's memory: at
    /// 10,000 services, about 1 GB of 1.3.
    pub skip_intents: bool,
    /// Keep each intent's statements but build none of the requests it exists for, which only
    /// [`Plan::verify`] reads (the docs read the statements): what `gen --out` compiles with, for
    /// its module READMEs. Most of the intents' memory is their requests. A plan compiled so
    /// verifies nothing.
    pub skip_requests: bool,
}

impl Settings {
    /// Settings with `strict` set.
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Settings keeping each grant's intent in the plan (the default), or not (see
    /// [`Settings::skip_intents`]).
    ///
    /// ```
    /// use iamgen_core::{compile, Settings};
    ///
    /// let yaml = "project: shop\nenvironment: prod\nservices:\n  resize: { kind: lambda }\n";
    /// let kept = compile("iamgen.yaml", yaml, &Settings::default()).unwrap().plan;
    /// let lean = compile("iamgen.yaml", yaml, &Settings::default().with_intents(false)).unwrap().plan;
    /// assert!(!kept.services[0].intents.is_empty());
    /// assert!(lean.services[0].intents.is_empty());
    /// assert_eq!(lean.services[0].roles, kept.services[0].roles);
    /// ```
    pub fn with_intents(mut self, keep: bool) -> Self {
        self.skip_intents = !keep;
        self
    }

    /// Settings building each intent's requests (the default), or not (see
    /// [`Settings::skip_requests`]).
    ///
    /// ```
    /// use iamgen_core::{compile, Settings};
    ///
    /// let yaml = "project: shop\nenvironment: prod\nservices:\n  resize: { kind: lambda }\n";
    /// let docs = compile("iamgen.yaml", yaml, &Settings::default().with_requests(false)).unwrap().plan;
    /// assert!(!docs.services[0].intents.is_empty());
    /// assert!(docs.services[0].intents.iter().all(|i| i.requests.is_empty()));
    /// ```
    pub fn with_requests(mut self, build: bool) -> Self {
        self.skip_requests = !build;
        self
    }

    /// What the plan records of each grant's intent.
    fn record(&self) -> intent::Record {
        match (self.skip_intents, self.skip_requests) {
            (true, _) => intent::Record::Nothing,
            (false, true) => intent::Record::Statements,
            (false, false) => intent::Record::All,
        }
    }

    /// Settings generating environment `name` (`--environment NAME`).
    pub fn with_environment(mut self, name: impl Into<String>) -> Self {
        self.environment = Some(name.into());
        self
    }
}

/// A spec compiled into a plan, with the warnings found on the way.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Compiled {
    /// The validated spec.
    pub spec: Spec,
    /// What to generate: hand it to a writer (`iamgen_hcl`).
    pub plan: Plan,
    /// Warnings (never errors) about the spec, with positions for a YAML spec.
    pub warnings: Vec<Diagnostic>,
}

/// Decodes, validates, plans and checks a YAML spec: everything `iamgen gen` and `iamgen check` do
/// before writing. `file` only names the file in messages. On failure, every problem is in the
/// [`SpecError`], each with its line and column.
///
/// ```
/// use iamgen_core::{compile, Settings};
///
/// let yaml = "project: shop\nenvironment: prod\nservices:\n  resize: { kind: lambda }\n";
/// let compiled = compile("iamgen.yaml", yaml, &Settings::default()).unwrap();
/// assert_eq!(compiled.plan.services[0].roles[0].name, "shop-resize-prod");
///
/// let err = compile("iamgen.yaml", &yaml.replace("lambda", "lamda"), &Settings::default()).unwrap_err();
/// assert_eq!(err.to_string(), "iamgen.yaml:4:19: error: unknown service kind 'lamda' in services.resize.kind; did you mean 'lambda'?");
/// ```
///
/// `text` is the whole spec: an `include:` in it is an error. A spec in several files is read with
/// [`SpecFiles`].
pub fn compile(file: &str, text: &str, settings: &Settings) -> Result<Compiled, SpecError> {
    SpecFiles::from_text(file, text).compile(settings)
}

/// [`compile`] for a spec decoded from its files; `file` is its root file.
fn compile_decoded(
    decoded: &spec::Decoded,
    file: &str,
    settings: &Settings,
) -> Result<Compiled, SpecError> {
    let fail = |d| {
        SpecError::located(
            Some(file),
            spec::errors_only(d, settings.strict),
            &decoded.source,
        )
    };
    let (spec, warnings) =
        spec::validate_decoded(decoded, settings.environment.as_deref()).map_err(fail)?;
    finish(spec, warnings, settings, Some(file), &decoded.source)
}

/// Validates, plans and checks a spec built in code (or read from JSON with serde): the same checks
/// as [`compile`], each problem naming its key path.
///
/// ```
/// use iamgen_core::{compile_input, GrantInput, GrantKind, ServiceInput, ServiceKind, Settings, SpecInput};
///
/// let input = SpecInput::new("shop", "prod").service(
///     "resize",
///     ServiceInput::new(ServiceKind::Lambda).grant(GrantInput::new(GrantKind::S3Read, ["uploads"])),
/// );
/// let err = compile_input(&input, &Settings::default()).unwrap_err();
/// assert_eq!(err.to_string(), "error: unknown bucket 'uploads' in services.resize.grants[0]; declare it under resources.buckets");
/// ```
pub fn compile_input(input: &SpecInput, settings: &Settings) -> Result<Compiled, SpecError> {
    let none = SourceMap::default();
    let fail = |d| SpecError::located(None, spec::errors_only(d, settings.strict), &none);
    let (spec, warnings) =
        spec::validate(input, &none, settings.environment.as_deref()).map_err(fail)?;
    finish(spec, warnings, settings, None, &none)
}

/// Plans and checks a validated spec; `warnings` are validation's.
fn finish(
    mut spec: Spec,
    warnings: Vec<Diagnostic>,
    settings: &Settings,
    file: Option<&str>,
    source: &SourceMap,
) -> Result<Compiled, SpecError> {
    let fail = |d| SpecError::located(file, d, source);
    let written = check::hand_written(&spec);
    if !written.is_empty() {
        return Err(fail(written));
    }
    let mut diagnostics = warnings;
    let (paths, unneeded): (Vec<String>, Vec<Diagnostic>) =
        check::allows_accepting_nothing(&spec).into_iter().unzip();
    spec.forget_allowed(Finding::Wildcard, &paths);
    diagnostics.extend(unneeded);
    let mut plan = Plan::build(&spec, settings.record()).map_err(fail)?;
    plan.locate(source);
    let collisions = collisions::find(&plan, source);
    if !collisions.is_empty() {
        return Err(fail(collisions));
    }
    diagnostics.extend(check::check(&spec, &plan));
    if settings.strict {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(fail(diagnostics));
    }
    Ok(Compiled {
        spec,
        plan,
        warnings: diag::locate(diagnostics, source),
    })
}
