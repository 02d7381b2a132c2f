//! What makes a policy invalid. Its own module, because both the policy parser and the condition
//! parser report it.

use super::value::ValueError;

/// A policy that is not valid IAM JSON: which policy, where (`Statement[2].Condition.StringEquals`),
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy '{policy}': {}{kind}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct PolicyError {
    /// The caller's name for the policy.
    pub policy: String,
    /// The JSON path of the element at fault, empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub kind: PolicyErrorKind,
}

/// What is wrong in a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// An object names the same key twice; IAM would keep only one of them.
    #[error("duplicate key '{0}'")]
    DuplicateKey(String),
    /// An element has the wrong JSON type.
    #[error("expected {0}")]
    Type(&'static str),
    /// An element IAM does not know.
    #[error("unknown element '{0}'")]
    UnknownElement(String),
    /// A required element is missing.
    #[error("missing {0}")]
    Missing(&'static str),
    /// Two elements that exclude each other.
    #[error("both {0} and {1}; a statement has one or the other")]
    Both(&'static str, &'static str),
    /// An empty list or object where values are required.
    #[error("empty; give at least one value")]
    Empty,
    /// A `Version` other than the two IAM knows.
    #[error("unknown Version '{0}'; IAM knows \"2012-10-17\" (current) and \"2008-10-17\"")]
    Version(String),
    /// An `Effect` other than `Allow` or `Deny`.
    #[error("Effect must be \"Allow\" or \"Deny\", not '{0}'")]
    Effect(String),
    /// An action that is not `*` or `service:action`.
    #[error("action '{0}' is neither \"*\" nor service:Action")]
    Action(String),
    /// A resource that is not `*` or an ARN, or with a wildcard in the service segment.
    #[error(
        "resource '{0}' is neither \"*\" nor an ARN (and the service segment takes no wildcard)"
    )]
    Resource(String),
    /// A policy variable before the resource part of an ARN.
    #[error("'{0}': a policy variable may appear only in the resource part of an ARN, after the fifth colon")]
    VariablePlacement(String),
    /// A malformed policy variable.
    #[error("{0}")]
    Pattern(String),
    /// A `Principal` map key other than `AWS`, `Service`, `Federated` and `CanonicalUser`.
    #[error("unknown principal type '{0}'; use AWS, Service, Federated or CanonicalUser")]
    PrincipalType(String),
    /// A wildcard inside a principal name or ARN.
    #[error("'{0}': a principal takes no wildcard except \"*\" alone")]
    PrincipalWildcard(String),
    /// An unknown condition operator, or a qualifier it does not take.
    #[error("unknown condition operator '{0}'")]
    Operator(String),
    /// A condition value the operator cannot read.
    #[error("{0}")]
    Value(ValueError),
}
