//! AWS's quotas and size limits that iamgen's output must stay within.

/// IAM's limit on a managed policy document, in characters without whitespace.
pub const MANAGED_POLICY_MAX: usize = 6_144;
/// IAM's default limit on a role's trust policy, in characters without whitespace.
pub const TRUST_POLICY_MAX: usize = 2_048;
/// IAM's default quota of managed policies attached to one role.
pub const POLICIES_PER_ROLE_MAX: usize = 10;
/// Tags on one IAM role or policy.
pub(crate) const TAGS_PER_ROLE_MAX: usize = 50;
/// Characters of a tag key.
pub(crate) const TAG_KEY_MAX: usize = 128;
/// Characters of a tag value.
pub(crate) const TAG_VALUE_MAX: usize = 256;
/// Characters of a role description (IAM API Reference, CreateRole: `Description`, "Maximum length
/// of 1000"), counted on the text iamgen writes, which follows the spec's description with what
/// the role is.
pub(crate) const ROLE_DESCRIPTION_MAX: usize = 1000;
