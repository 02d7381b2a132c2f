#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod body;
pub mod docs;
mod escape;
mod json;
mod render;
pub mod write;

pub use escape::quoted;
pub use json::{json, write_json, JsonError};
pub use render::{single_file, write_single_file, AWS_PROVIDER_VERSION, TERRAFORM_VERSION};
pub use write::{write_modules, OutputError, WriteOptions, WriteReport};

use std::path::Path;

use docs::{Docs, DocsError};
use iamgen_core::Plan;
use indexmap::IndexMap;

/// The files of the `--out DIR` layout, by path relative to DIR: the root module's files, then
/// `modules/<service>/<file>` for each service, in spec order. Iterate them, or write them to a
/// directory atomically.
///
/// ```
/// use iamgen_core::{compile_input, Settings, SpecInput};
/// use iamgen_hcl::{Output, WriteOptions};
///
/// let plan = compile_input(&SpecInput::new("shop", "prod").lambda("resize"), &Settings::default())
///     .unwrap()
///     .plan;
/// let output = Output::modules(&plan);
/// assert!(output.get("modules/resize/main.tf").unwrap().contains("shop-resize-prod"));
/// assert!(output.get("modules/resize/README.md").unwrap().contains("| `role_arn` |"));
/// assert_eq!(output.iter().count(), 10);
///
/// let dir = tempfile::tempdir().unwrap();
/// let report = output.write_to(dir.path(), WriteOptions::default()).unwrap();
/// assert_eq!(report.written.len(), 10);
/// assert!(output.write_to(dir.path(), WriteOptions::default()).unwrap().is_clean());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    files: IndexMap<String, String>,
}

impl Output {
    /// One module per service plus a root module calling them, each with its `README.md` from
    /// the built-in templates.
    pub fn modules(plan: &Plan) -> Output {
        Output::modules_with(plan, &Docs::new())
            .unwrap_or_else(|e| panic!("iamgen bug: built-in template: {e}"))
    }

    /// [`Output::modules`], with the READMEs from `docs`' templates (a team's own).
    pub fn modules_with(plan: &Plan, docs: &Docs) -> Result<Output, DocsError> {
        let mut files = render::root_module(plan);
        files.insert("README.md".to_string(), docs.root_readme(plan)?);
        for (service, readme) in plan.services.iter().zip(docs.module_readmes(plan)) {
            let dir = format!("modules/{}", service.name);
            for (name, text) in render::service_module(plan, service) {
                files.insert(format!("{dir}/{name}"), text);
            }
            files.insert(format!("{dir}/README.md"), readme?);
        }
        Ok(Output { files })
    }

    /// The content of the file at `path` (relative, `/`-separated).
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The files in order: path, content.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// Writes the files under `dir` as `iamgen gen --out` does: atomically, only what changed,
    /// removing files it generated before and no longer does, never overwriting a stranger's file
    /// unless `options.force` (see [`write_modules`]).
    pub fn write_to(&self, dir: &Path, options: WriteOptions) -> Result<WriteReport, OutputError> {
        write_modules(dir, &self.files, options)
    }

    /// The files, by path.
    pub fn into_files(self) -> IndexMap<String, String> {
        self.files
    }
}

impl<'a> IntoIterator for &'a Output {
    type Item = (&'a String, &'a String);
    type IntoIter = indexmap::map::Iter<'a, String, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.files.iter()
    }
}
