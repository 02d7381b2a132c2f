//! AWS facts: the action catalog, service principals and their trust conditions, and ARN templates.
//!
//! Everything iamgen knows about AWS that is not a choice of ours lives here, each fact with the AWS
//! page it comes from.

pub mod catalog;
pub mod principals;
pub mod template;

pub use template::{Segment, Template, Values};
