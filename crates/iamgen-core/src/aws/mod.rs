//! AWS facts: the action catalog, service principals and their trust conditions, ARN formats, the
//! rules on names and strings, and IAM's quotas.
//!
//! Everything iamgen knows about AWS that is not a choice of ours lives here, each fact with the AWS
//! page it comes from.

pub(crate) mod arns;
pub(crate) mod bedrock;
pub mod catalog;
mod condition;
pub(crate) mod ids;
pub mod keys;
pub mod kms;
pub mod limits;
mod models;
pub(crate) mod names;
mod partitions;
mod principals;
pub mod tags;
mod template;
pub(crate) mod wiring;

pub(crate) use condition::conditions_json;
pub use condition::Condition;
pub use models::model_name;
pub use principals::{principal, Trust};
pub(crate) use template::PATH_INPUT;
pub use template::{Segment, Template, Values, ValuesError};
