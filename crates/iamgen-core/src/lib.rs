#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod aws;
pub mod check;
pub mod diag;
pub mod eval;
pub mod grants;
pub mod plan;
pub mod policy;
pub mod spec;

pub use diag::{Diagnostic, Severity, Span, SpecError};
pub use plan::Plan;
pub use spec::Spec;

/// How strictly to judge a spec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    /// Turn warnings (wildcards nobody accepted in writing) into errors: for production.
    pub strict: bool,
}

impl Settings {
    /// Settings with `strict` set.
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// A spec compiled into a plan, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The validated spec.
    pub spec: Spec,
    /// What to generate.
    pub plan: Plan,
    /// Warnings (never errors) about the spec, with positions.
    pub warnings: Vec<Diagnostic>,
}

/// Loads, plans and checks a spec: everything `iamgen gen` and `iamgen check` do before writing.
/// `file` only names the file in messages. On failure, every problem is in the [`SpecError`].
pub fn compile(file: &str, text: &str, settings: &Settings) -> Result<Compiled, SpecError> {
    let spec = Spec::from_yaml(file, text)?;
    let plan = Plan::build(&spec).map_err(|d| SpecError::new(file, d))?;
    let mut diagnostics = check::check(&spec, &plan);
    if settings.strict {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(SpecError::new(file, diagnostics));
    }
    let warnings = SpecError::new(file, diagnostics).diagnostics;
    Ok(Compiled {
        spec,
        plan,
        warnings,
    })
}
