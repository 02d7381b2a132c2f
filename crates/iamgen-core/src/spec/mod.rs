//! The spec: what a platform team writes, decoded into a plain [`SpecInput`], then validated into
//! a [`Spec`] whose every name and reference is known good.
//!
//! - [`SpecInput`] is the spec's shape as data: serde reads it from JSON (or YAML through the
//!   decoder), a build tool may build it in code.
//! - Decoding YAML (`decode`) reports shape problems with their line and column, and records where
//!   every key path is written.
//! - Validation (`validate`) turns any `SpecInput` into a `Spec`, collecting every reference, naming
//!   and AWS-rule problem by key path; for YAML input, each path is looked up for its position.
//! - A spec in several files ([`SpecFiles`]: `include:`, or a directory) is decoded file by file
//!   and joined before validation; each position knows its file.

mod decode;
mod environments;
mod files;
mod input;
mod model;
mod statements;
mod validate;
pub(crate) mod yaml;

use crate::diag::{Diagnostic, Severity, SourceMap, SpecError};

pub(crate) use decode::Decoded;
pub use decode::MAX_SPEC_BYTES;
pub use files::SpecFiles;
pub use input::{
    json_schema, Allow, ConditionValues, EnvironmentInput, GrantInput, ProfileItem, ResourceDetail,
    ResourceInput, Scope, ServiceInput, SpecInput, StatementInput, VectorEngine, VpcInput,
};
pub use model::Spec;
pub(crate) use model::{
    Detail, GrantUse, Model, Reached, Resource, Sender, Service, VectorStore, Vpc,
};
pub(crate) use validate::{validate, Validated};

/// The example platform of the seed document, built into iamgen as its default spec.
pub const EXAMPLE_SPEC: &str = include_str!("../../../../examples/engagement-platform.yaml");

/// The file name the built-in example is reported under.
pub const EXAMPLE_FILE: &str = "examples/engagement-platform.yaml";

impl Spec {
    /// Decodes and validates a YAML spec. `file` is only used to name the file in error messages.
    ///
    /// ```
    /// let err = iamgen_core::Spec::from_yaml("iamgen.yaml", "project: p\n").unwrap_err();
    /// assert_eq!(err.to_string(), "iamgen.yaml:1:1: error: missing key 'environment'\niamgen.yaml:1:1: error: missing key 'services'");
    /// ```
    pub fn from_yaml(file: &str, text: &str) -> Result<Spec, SpecError> {
        let files = SpecFiles::from_text(file, text);
        let decoded = files.decoded();
        validate_decoded(decoded, None)
            .map(|(spec, _)| spec)
            .map_err(|d| SpecError::located(Some(file), errors_only(d, false), &decoded.source))
    }

    /// Validates a spec built in code (or read from JSON); problems name their key path.
    pub fn from_input(input: &SpecInput) -> Result<Spec, SpecError> {
        let none = SourceMap::default();
        validate(input, &none, None)
            .map(|(spec, _)| spec)
            .map_err(|d| SpecError::located(None, errors_only(d, false), &none))
    }
}

impl SpecInput {
    /// Decodes a YAML spec without validating it: only shape problems (a list where a name
    /// belongs, an unknown key) are reported, with their line and column. `file` names the file in
    /// messages.
    ///
    /// ```
    /// let input = iamgen_core::SpecInput::from_yaml("iamgen.yaml", "project: p\nenvironment: e\nservices:\n  f: { kind: lambda }\n").unwrap();
    /// assert_eq!(input.services["f"].kind, iamgen_core::ServiceKind::Lambda);
    /// ```
    pub fn from_yaml(file: &str, text: &str) -> Result<SpecInput, SpecError> {
        let decoded = SpecFiles::from_text(file, text).into_decoded();
        if !decoded.diagnostics.iter().any(Diagnostic::is_error) {
            Ok(decoded.input)
        } else {
            Err(SpecError::located(
                Some(file),
                errors_only(decoded.diagnostics, false),
                &decoded.source,
            ))
        }
    }
}

/// Validates what the decoder read, for `environment` (default: the spec's own); its shape
/// problems come first, and nothing is validated when the text is no spec at all. The decoder's
/// warnings join validation's.
pub(crate) fn validate_decoded(
    decoded: &Decoded,
    environment: Option<&str>,
) -> Result<Validated, Vec<Diagnostic>> {
    let mut diagnostics = decoded.diagnostics.clone();
    if decoded.readable {
        match validate(&decoded.input, &decoded.source, environment) {
            Ok((spec, mut warnings)) if !diagnostics.iter().any(Diagnostic::is_error) => {
                diagnostics.append(&mut warnings);
                return Ok((spec, diagnostics));
            }
            Ok((_, mut warnings)) => diagnostics.append(&mut warnings),
            Err(mut more) => diagnostics.append(&mut more),
        }
    }
    Err(diagnostics)
}

/// The problems of a spec that failed: its errors, and its warnings too when `strict` makes them
/// errors (without it, warnings wait until the errors are fixed).
pub(crate) fn errors_only(diagnostics: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut d| {
            if strict {
                d.severity = Severity::Error;
            }
            d.is_error().then_some(d)
        })
        .collect()
}
