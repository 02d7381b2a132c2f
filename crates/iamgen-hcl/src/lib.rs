#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod body;
pub mod escape;
pub mod render;
pub mod write;

pub use render::{root_module, service_module, single_file};
pub use write::{write_modules, OutputError, WriteOptions, WriteReport};

use iamgen_core::Plan;
use indexmap::IndexMap;

/// Every file of the `--out DIR` layout, by path relative to DIR: the root module's files, then
/// `modules/<service>/<file>` for each service, in spec order.
pub fn module_tree(plan: &Plan) -> IndexMap<String, String> {
    let mut files = root_module(plan);
    for service in &plan.services {
        for (name, text) in service_module(plan, service) {
            files.insert(format!("modules/{}/{name}", service.name), text);
        }
    }
    files
}
