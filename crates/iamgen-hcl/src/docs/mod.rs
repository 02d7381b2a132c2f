//! Markdown from the plan: the permissions document reviewers read (`iamgen docs`), a README for
//! every generated module and for the root module, and `docs/grants.md`.
//!
//! Each document is a [minijinja](https://docs.rs/minijinja/2) template given plain data (the
//! [`context`] types); the built-in templates are embedded, and any of them can be replaced (a
//! team's house style) with [`Docs::from_dir`] or [`Docs::with_template`]. Templates are strict:
//! a name that does not exist is an error, never an empty string. Every value a template prints
//! is escaped for Markdown by default (see [`escape`]), so no description or name from the spec
//! can break a table, a `<details>` block, a code fence or the Mermaid graph. HCL stays on the
//! typed writer; templates only write Markdown.
//!
//! | template | renders | context |
//! |---|---|---|
//! | `permissions.md` | [`Docs::permissions`] (`iamgen docs`) | [`context::PermissionsContext`] |
//! | `module.md` | [`Docs::module_readme`] (`modules/<service>/README.md`) | [`context::ModuleContext`] |
//! | `root.md` | [`Docs::root_readme`] (the root module's `README.md`) | [`context::RootContext`] |
//! | `grants.md` | [`Docs::grants`] (`docs/grants.md`) | [`grants::GrantsContext`] |
//! | `macros.md` | imported by the others: a role's permissions, tables of statements | |
//!
//! ```
//! use iamgen_core::{compile, Settings};
//! use iamgen_hcl::docs::Docs;
//!
//! let spec = "project: shop\nenvironment: prod\nresources:\n  buckets: { uploads: uploads }\n\
//!             services:\n  resize:\n    kind: lambda\n    description: Makes thumbnails | small ones\n    grants: [ s3.read: uploads ]\n";
//! let compiled = compile("iamgen.yaml", spec, &Settings::default()).unwrap();
//! let docs = Docs::new();
//! let md = docs.permissions(&compiled).unwrap();
//! assert!(md.contains("Read objects from bucket `shop-uploads-prod` and list it"));
//! assert!(md.contains(r"Makes thumbnails \| small ones"), "escaped for a table cell");
//!
//! let readme = docs.module_readme(&compiled.plan, &compiled.plan.services[0]).unwrap();
//! assert!(readme.contains("| `permissions_boundary` |"));
//!
//! // A team's own template; a mistake in it is an error with its file and line.
//! let custom = Docs::new().with_template("permissions.md", "# {{ project }}\n{{ projcet }}\n").unwrap();
//! let err = custom.permissions(&compiled).unwrap_err();
//! assert_eq!(err.to_string(), "permissions.md:2: error: undefined value: projcet");
//! ```

pub mod context;
pub mod escape;
mod grants;
mod graph;

use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use iamgen_core::{Compiled, Plan, ServicePlan};

pub use grants::{Example, GrantDoc, GrantStarAction, GrantsContext, PhraseDoc};
pub use graph::{Edge, Graph, Node, TreeLine};

/// The built-in templates, by name: the files of `crates/iamgen-hcl/templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "permissions.md",
        include_str!("../../templates/permissions.md"),
    ),
    ("module.md", include_str!("../../templates/module.md")),
    ("root.md", include_str!("../../templates/root.md")),
    ("grants.md", include_str!("../../templates/grants.md")),
    ("macros.md", include_str!("../../templates/macros.md")),
];

/// A template that could not be read, compiled or rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocsError {
    /// The template's file: the path in a `--templates` directory, the name given to
    /// [`Docs::with_template`], or `<built-in>/NAME`.
    pub file: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DocsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: error: {}", self.file, self.message),
            None => write!(f, "{}: error: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DocsError {}

/// The documents' templates: the built-in ones, any of them replaced.
#[derive(Debug)]
pub struct Docs {
    env: Environment<'static>,
    /// Where each template comes from, by name, for error messages.
    files: IndexMap<String, String>,
}

impl Default for Docs {
    fn default() -> Self {
        Docs::new()
    }
}

impl Docs {
    /// The built-in templates.
    pub fn new() -> Docs {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(escape::auto_escape);
        env.set_formatter(escape::formatter);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        // Errors keep the template's source, to quote what they are about.
        env.set_debug(true);
        escape::add_filters(&mut env);
        let mut docs = Docs {
            env,
            files: IndexMap::new(),
        };
        for (name, source) in TEMPLATES {
            docs.add(name, format!("<built-in>/{name}"), source.to_string())
                .unwrap_or_else(|e| panic!("iamgen bug: built-in template: {e}"));
        }
        docs
    }

    fn add(&mut self, name: &str, file: String, source: String) -> Result<(), DocsError> {
        self.files.insert(name.to_string(), file);
        self.env
            .add_template_owned(name.to_string(), source)
            .map_err(|e| self.error(e))
    }

    /// Replaces (or adds) template `name` with `source`; errors in it name it as its file.
    pub fn with_template(mut self, name: &str, source: &str) -> Result<Docs, DocsError> {
        self.add(name, name.to_string(), source.to_string())?;
        Ok(self)
    }

    /// The built-in templates, with every file of `dir` (not its subdirectories) replacing the
    /// built-in template of its name or adding one (for a team's own macros). Errors name the file
    /// and line.
    pub fn from_dir(dir: &Path) -> Result<Docs, DocsError> {
        let io = |path: &Path, e: std::io::Error| DocsError {
            file: path.display().to_string(),
            line: None,
            message: format!("cannot read the templates: {e}"),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(|e| io(dir, e))?;
        files.retain(|p| p.is_file());
        files.sort();
        let mut docs = Docs::new();
        for path in files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let source = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            docs.add(name, path.display().to_string(), source)?;
        }
        Ok(docs)
    }

    fn error(&self, e: minijinja::Error) -> DocsError {
        let name = e.name().unwrap_or_default();
        let file = self
            .files
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string());
        let mut message = e.kind().to_string();
        if let Some(detail) = e.detail() {
            message = format!("{message}: {detail}");
        }
        // Quote what the error is about: `{{ projcet }}` gives `undefined value: projcet`.
        let snippet = e
            .range()
            .zip(e.template_source())
            .and_then(|(range, source)| source.get(range));
        if let Some(snippet) = snippet.filter(|s| !s.contains('\n') && s.len() <= 80) {
            message = format!("{message}: {snippet}");
        }
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        DocsError {
            file,
            line: e.line(),
            message,
        }
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, DocsError> {
        let template = self.env.get_template(name).map_err(|e| DocsError {
            file: name.to_string(),
            line: None,
            message: e.to_string(),
        })?;
        template.render(context).map_err(|e| self.error(e))
    }

    /// The permissions document of a compiled spec (what `iamgen docs` prints): per service, its
    /// permissions in plain words by AWS service with the exact statements, the dependency graph,
    /// every `Resource = "*"` and accepted wildcard, and how ready the spec is for production.
    pub fn permissions(&self, compiled: &Compiled) -> Result<String, DocsError> {
        self.render("permissions.md", context::permissions(compiled))
    }

    /// The README of `service`'s module: what its role is for, its permissions, requirements,
    /// inputs, outputs and resources.
    pub fn module_readme(&self, plan: &Plan, service: &ServicePlan) -> Result<String, DocsError> {
        self.render("module.md", context::module(plan, service))
    }

    /// [`Docs::module_readme`] of every service, in spec order, with what they share made once.
    pub(crate) fn module_readmes<'a>(
        &'a self,
        plan: &'a Plan,
    ) -> impl Iterator<Item = Result<String, DocsError>> + 'a {
        let reached_by = graph::ReachedBy::new(plan);
        plan.services.iter().map(move |service| {
            self.render(
                "module.md",
                context::module_with(plan, service, &reached_by),
            )
        })
    }

    /// The README of the root module of `--out`.
    pub fn root_readme(&self, plan: &Plan) -> Result<String, DocsError> {
        self.render("root.md", context::root(plan))
    }

    /// `docs/grants.md`: every grant's exact statements on an example spec.
    pub fn grants(&self) -> Result<String, DocsError> {
        self.render("grants.md", grants::context())
    }
}

/// The context of `grants.md`: every grant with its statements on an example spec.
pub fn grants_context() -> GrantsContext {
    grants::context()
}

/// The permissions document with the built-in templates (see [`Docs::permissions`]).
pub fn permissions(compiled: &Compiled) -> String {
    Docs::new()
        .permissions(compiled)
        .unwrap_or_else(|e| panic!("iamgen bug: built-in template: {e}"))
}

/// A module's README with the built-in templates (see [`Docs::module_readme`]).
pub fn module_readme(plan: &Plan, service: &ServicePlan) -> String {
    Docs::new()
        .module_readme(plan, service)
        .unwrap_or_else(|e| panic!("iamgen bug: built-in template: {e}"))
}

/// `docs/grants.md` with the built-in templates (see [`Docs::grants`]).
pub fn grants() -> String {
    Docs::new()
        .grants()
        .unwrap_or_else(|e| panic!("iamgen bug: built-in template: {e}"))
}
