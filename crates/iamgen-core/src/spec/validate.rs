//! Validates a [`SpecInput`] into a [`Spec`]: every reference resolved, every name checked against
//! iamgen's rules and AWS's, profiles expanded. Problems are collected, each at its key path.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::input::{
    GrantInput, ProfileItem, ResourceDetail, ResourceInput, ServiceInput, SpecInput, VectorEngine,
};
use super::model::{
    Container, Detail, GrantUse, Model, Reached, Resource, Service, ServiceRef, Spec, VectorStore,
};
use crate::aws::bedrock;
use crate::aws::limits::TAGS_PER_ROLE_MAX;
use crate::aws::names::{self as aws_names, NameRule, TagPart};
use crate::diag::{hint_unknown, Diagnostic, Loc, SourceMap};
use crate::grants::{GrantKind, Target};
use crate::kinds::{join_keys, Finding, ResourceKind, RolePurpose, ServiceKind};
use crate::naming::{check_logical, check_name_part, Names, Naming};

/// Tags iamgen sets itself on everything.
pub(crate) const RESERVED_TAGS: &[&str] = &["Project", "Environment", "ManagedBy"];

/// Validates `input`; `source` tells which paths the YAML decoder already reported, and how it
/// numbered list items (empty for input built in code).
pub(crate) fn validate(input: &SpecInput, source: &SourceMap) -> Result<Spec, Vec<Diagnostic>> {
    let mut v = Validator {
        source,
        diags: Vec::new(),
    };
    let spec = v.spec(input);
    match spec {
        Some(spec) if !v.diags.iter().any(Diagnostic::is_error) => Ok(spec),
        _ => Err(v.diags),
    }
}

struct Validator<'a> {
    source: &'a SourceMap,
    diags: Vec<Diagnostic>,
}

/// A grant before the services it names are known.
#[derive(Debug, Clone)]
struct Draft {
    kind: GrantKind,
    /// Resolved targets (resources, text); empty for service grants until services are known.
    targets: Vec<Reached>,
    /// The services it names, for service grants.
    services: Vec<String>,
    path: String,
    allow: IndexMap<Finding, String>,
}

/// A profile item, validated.
#[derive(Debug, Clone)]
enum Item {
    Grant(Draft),
    /// `use: profile`, at the key path of its value.
    Use(String, String),
}

/// A service before its grants' service targets are resolved.
struct Partial {
    service: Service,
    drafts: Vec<Draft>,
}

type Declared = IndexMap<ResourceKind, IndexMap<String, Resource>>;

fn join(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

impl Validator<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn error(&mut self, loc: Loc, path: &str, message: impl Into<String>) {
        self.push(Diagnostic::error_at(loc, path, message));
    }

    fn error_hint(&mut self, loc: Loc, path: &str, message: impl Into<String>, hint: String) {
        self.push(Diagnostic::error_at(loc, path, message).with_hint(hint));
    }

    /// A problem with a grant, at its key.
    fn grant_error(&mut self, d: &Draft, message: String, hint: Option<String>) {
        let at = Loc::Key(d.path.clone());
        self.push(Diagnostic::error_at(at, &d.path, message).with_hint_opt(hint));
    }

    fn spec(&mut self, input: &SpecInput) -> Option<Spec> {
        for (key, value) in [
            ("project", &input.project),
            ("environment", &input.environment),
        ] {
            if let Err(e) = check_name_part(key, value) {
                self.error(Loc::Value(key.into()), key, e);
            }
        }
        let naming = match &input.naming {
            None => Some(Naming::default()),
            Some(t) => match Naming::parse(t) {
                Ok(naming) => Some(naming),
                Err(e) => {
                    self.push(
                        Diagnostic::error_at(Loc::Value("naming".into()), "naming", e.message)
                            .with_hint_opt(e.hint),
                    );
                    None
                }
            },
        };
        let tags = self.tags(&input.tags);
        let naming =
            naming.filter(|_| !input.project.is_empty() && !input.environment.is_empty())?;
        let names = Names {
            naming: &naming,
            project: &input.project,
            environment: &input.environment,
        };
        let declared = self.resources(names, &input.resources);
        let profiles = self.profiles(&declared, &input.profiles);
        let mut partials = Vec::new();
        for (name, s) in &input.services {
            let path = join("services", name);
            if let Err(e) = check_logical(name) {
                self.error(Loc::Key(path.clone()), &path, e);
                continue;
            }
            partials.push(self.service(names, &declared, &profiles, name, s, path));
        }
        if input.services.is_empty() {
            self.error(
                Loc::Value("services".into()),
                "services",
                "a spec needs at least one service",
            );
        }
        let services = self.resolve_services(partials);
        Some(Spec {
            project: input.project.clone(),
            environment: input.environment.clone(),
            naming,
            tags,
            services,
            resources: declared,
        })
    }

    fn tags(&mut self, input: &IndexMap<String, String>) -> IndexMap<String, String> {
        let mut tags = IndexMap::new();
        for (key, value) in input {
            let path = format!("tags.{key}");
            if RESERVED_TAGS.contains(&key.as_str()) {
                self.error(
                    Loc::Key(path.clone()),
                    &path,
                    format!(
                        "tag '{key}' is set by iamgen itself (Project, Environment, ManagedBy)"
                    ),
                );
                continue;
            }
            match aws_names::check_tag(key, value) {
                Ok(()) => {
                    tags.insert(key.clone(), value.clone());
                }
                Err(p) => {
                    let loc = match p.part {
                        TagPart::Key => Loc::Key(path.clone()),
                        TagPart::Value => Loc::Value(path.clone()),
                    };
                    self.push(Diagnostic::error_at(loc, &path, p.message).with_hint_opt(p.hint));
                }
            }
        }
        if tags.len() + RESERVED_TAGS.len() > TAGS_PER_ROLE_MAX {
            self.error(
                Loc::Value("tags".into()),
                "tags",
                format!(
                    "{} tags plus iamgen's 3 exceed AWS's {TAGS_PER_ROLE_MAX} tags per role",
                    tags.len()
                ),
            );
        }
        tags
    }

    fn resources(
        &mut self,
        names: Names<'_>,
        input: &IndexMap<ResourceKind, IndexMap<String, ResourceInput>>,
    ) -> Declared {
        let mut declared = Declared::new();
        let other = names.other_environment();
        let mut details = Vec::new();
        for (&kind, items) in input {
            let group = declared.entry(kind).or_default();
            for (logical, r) in items {
                let path = format!("resources.{}.{logical}", kind.key());
                if let Err(e) = check_logical(logical) {
                    self.error(Loc::Key(path.clone()), &path, e);
                    continue;
                }
                let (name, exact) = match r {
                    ResourceInput::Convention(n) => (n.clone(), false),
                    ResourceInput::Exact { name } => (name.clone(), true),
                    ResourceInput::Detailed(d) => {
                        details.push((kind, logical.clone(), d.clone(), path.clone()));
                        match &d.name {
                            Some(name) => (name.clone(), true),
                            // A workgroup named by its logical name, through the convention.
                            None => (logical.replace('_', "-"), false),
                        }
                    }
                };
                if kind == ResourceKind::VectorStore {
                    // Its parts are named in its mapping; resolved below.
                    if !matches!(r, ResourceInput::Detailed(_)) {
                        let engines: Vec<&str> =
                            VectorEngine::ALL.iter().map(|e| e.key()).collect();
                        self.error_hint(
                            Loc::Value(path.clone()),
                            &path,
                            "a vector store is a mapping with its engine and the parts that engine needs",
                            format!("for example {{ engine: s3_vectors, bucket: vectors, index: docs }}; engines: {}", engines.join(", ")),
                        );
                    }
                    continue;
                }
                let convention = !exact && kind.uses_naming();
                let physical = match convention {
                    true => names.physical(&name),
                    false => name.clone(),
                };
                let pattern = name == "*" && kind.uses_naming();
                if let Err(e) = NameRule::Resource(kind).check(&physical, pattern) {
                    let mut d = Diagnostic::error_at(Loc::Value(path.clone()), &path, e);
                    if convention {
                        d = d.with_hint(format!("the naming convention '{}' made this name; give an exact one with `{{ name: ... }}`", names.naming));
                    }
                    // Still declared, so grants naming it are not reported again.
                    self.push(d);
                }
                let detail = match kind {
                    ResourceKind::BedrockModel if !matches!(r, ResourceInput::Detailed(_)) => {
                        bedrock::system_profile(&physical).map(|(model, regions)| {
                            Detail::Model(Model::SystemProfile { model, regions })
                        })
                    }
                    _ => None,
                };
                group.insert(
                    logical.clone(),
                    Resource {
                        name: physical,
                        logical: logical.clone(),
                        other_environment: convention.then(|| other.physical(&name)),
                        detail,
                    },
                );
            }
        }
        // Details may name resources declared after them (a workgroup's bucket, a secret).
        for (kind, logical, detail, path) in details {
            self.resource_detail(names, &mut declared, kind, &logical, &detail, &path);
        }
        declared
    }

    /// A resource's mapping form: only the keys of its kind, each valid, references declared.
    fn resource_detail(
        &mut self,
        names: Names<'_>,
        declared: &mut Declared,
        kind: ResourceKind,
        logical: &str,
        d: &ResourceDetail,
        path: &str,
    ) {
        let given: Vec<(&str, bool)> = vec![
            ("name", d.name.is_some()),
            ("results", d.results.is_some()),
            ("engine", d.engine.is_some()),
            ("bucket", d.bucket.is_some()),
            ("index", d.index.is_some()),
            ("collection", d.collection.is_some()),
            ("cluster", d.cluster.is_some()),
            ("secret", d.secret.is_some()),
            ("application_profile", d.application_profile.is_some()),
            ("regions", !d.regions.is_empty()),
        ];
        let allowed = kind.detail_keys();
        let mut ok = true;
        for (key, present) in &given {
            if *present && !allowed.contains(key) {
                ok = false;
                let kpath = join(path, key);
                self.error_hint(
                    Loc::Value(kpath.clone()),
                    &kpath,
                    format!("'{key}' is not a key of {}s", kind.noun()),
                    format!("keys of {}: {}", kind.key(), allowed.join(", ")),
                );
            }
        }
        if !ok {
            return;
        }
        let at = |key: &str| Loc::Value(join(path, key));
        match kind {
            ResourceKind::AthenaWorkgroup => {
                let Some(results) = &d.results else {
                    return;
                };
                let bucket = declared
                    .get(&ResourceKind::Bucket)
                    .and_then(|b| b.get(results))
                    .cloned();
                match bucket {
                    Some(b) => {
                        if let Some(r) = declared
                            .get_mut(&ResourceKind::AthenaWorkgroup)
                            .and_then(|g| g.get_mut(logical))
                        {
                            r.detail = Some(Detail::Results(Box::new(b)));
                        }
                    }
                    None => {
                        self.unknown(declared, ResourceKind::Bucket, results, at("results"), path)
                    }
                }
            }
            ResourceKind::BedrockModel => self.model_detail(declared, logical, d, path),
            ResourceKind::VectorStore => self.vector_store(names, declared, logical, d, path),
            _ => {}
        }
    }

    /// An unknown reference `name` of `kind`, at `loc`.
    fn unknown(
        &mut self,
        declared: &Declared,
        kind: ResourceKind,
        name: &str,
        loc: Loc,
        path: &str,
    ) {
        let known: Vec<&str> = declared
            .get(&kind)
            .map(|d| d.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let hint = hint_unknown(name, &known, |known| match known {
            [] => format!("declare it under resources.{}", kind.key()),
            _ => format!("known {}s: {}", kind.noun(), known.join(", ")),
        });
        self.error_hint(loc, path, format!("unknown {} '{name}'", kind.noun()), hint);
    }

    /// A Bedrock model's mapping: a model or profile id (`name`) with narrower `regions`, or an
    /// application inference profile made from a model or profile id.
    fn model_detail(
        &mut self,
        declared: &mut Declared,
        logical: &str,
        d: &ResourceDetail,
        path: &str,
    ) {
        let at = |key: &str| Loc::Value(join(path, key));
        let regions = d.regions.clone();
        if let Some(bad) = regions.iter().find(|r| !bedrock::is_region(r)) {
            let rpath = join(path, "regions");
            self.error(
                at("regions"),
                &rpath,
                format!("'{bad}' is not a region name such as us-east-1"),
            );
            return;
        }
        let destinations = |given: bedrock::Destinations| match regions.is_empty() {
            true => given,
            false => bedrock::Destinations::Regions(regions.clone()),
        };
        let (id, model) = match (&d.name, &d.application_profile) {
            (Some(_), Some(_)) | (None, None) => {
                self.error(
                    Loc::Value(path.to_string()),
                    path,
                    "a Bedrock model names either its id (`name`) or the model or profile an application inference profile is made from (`application_profile`)",
                );
                return;
            }
            (Some(id), None) => match bedrock::system_profile(id) {
                Some((model, given)) => (
                    id.clone(),
                    Some(Model::SystemProfile {
                        model,
                        regions: destinations(given),
                    }),
                ),
                None if regions.is_empty() => (id.clone(), None),
                None => {
                    let rpath = join(path, "regions");
                    self.error(at("regions"), &rpath, format!("'{id}' is a foundation model, invoked in the module's region; `regions` is for cross-region inference profiles (us., eu., apac., global.)"));
                    return;
                }
            },
            (None, Some(source)) => {
                let (model, given) = bedrock::system_profile(source)
                    .unwrap_or((source.clone(), bedrock::Destinations::Here));
                (
                    source.clone(),
                    Some(Model::ApplicationProfile {
                        model,
                        regions: destinations(given),
                    }),
                )
            }
        };
        if let Err(e) = NameRule::Resource(ResourceKind::BedrockModel).check(&id, false) {
            self.error(Loc::Value(path.to_string()), path, e);
        }
        declared
            .entry(ResourceKind::BedrockModel)
            .or_default()
            .insert(
                logical.to_string(),
                Resource {
                    name: id,
                    logical: logical.to_string(),
                    other_environment: None,
                    detail: model.map(Detail::Model),
                },
            );
    }

    /// A vector store's mapping: its engine and exactly the parts that engine needs.
    fn vector_store(
        &mut self,
        names: Names<'_>,
        declared: &mut Declared,
        logical: &str,
        d: &ResourceDetail,
        path: &str,
    ) {
        let engines: Vec<&str> = VectorEngine::ALL.iter().map(|e| e.key()).collect();
        let Some(engine) = d.engine else {
            self.error_hint(
                Loc::Value(path.to_string()),
                path,
                "a vector store needs an `engine`",
                format!("engines: {}", engines.join(", ")),
            );
            return;
        };
        let needs: &[&str] = match engine {
            VectorEngine::S3Vectors => &["bucket", "index"],
            VectorEngine::OpensearchServerless => &["collection"],
            VectorEngine::AuroraPostgresql => &["cluster", "secret"],
            _ => &["secret"],
        };
        let parts = [
            ("bucket", &d.bucket),
            ("index", &d.index),
            ("collection", &d.collection),
            ("cluster", &d.cluster),
            ("secret", &d.secret),
        ];
        let mut ok = true;
        for (key, value) in parts {
            let kpath = join(path, key);
            match (needs.contains(&key), value) {
                (true, None) => {
                    ok = false;
                    self.error(
                        Loc::Value(path.to_string()),
                        path,
                        format!("a vector store of engine {} needs `{key}`", engine.key()),
                    );
                }
                (false, Some(_)) => {
                    ok = false;
                    self.error_hint(
                        Loc::Value(kpath.clone()),
                        &kpath,
                        format!("`{key}` is not used by engine {}", engine.key()),
                        format!("engine {} takes: {}", engine.key(), needs.join(", ")),
                    );
                }
                _ => {}
            }
        }
        if !ok {
            return;
        }
        let mut named = |key: &str, value: &str, rule: NameRule, convention: bool| -> String {
            let physical = if convention {
                names.physical(value)
            } else {
                value.to_string()
            };
            if let Err(e) = rule.check(&physical, false) {
                let kpath = join(path, key);
                self.error(Loc::Value(kpath.clone()), &kpath, e);
            }
            physical
        };
        let secret = |s: &mut Self, declared: &Declared| -> Option<String> {
            let name = d.secret.as_deref()?;
            match declared
                .get(&ResourceKind::Secret)
                .and_then(|g| g.get(name))
            {
                Some(r) => Some(r.name.clone()),
                None => {
                    s.unknown(
                        declared,
                        ResourceKind::Secret,
                        name,
                        Loc::Value(join(path, "secret")),
                        path,
                    );
                    None
                }
            }
        };
        let (name, store) = match engine {
            VectorEngine::S3Vectors => {
                let bucket = named(
                    "bucket",
                    d.bucket.as_deref().unwrap_or_default(),
                    NameRule::VectorBucket,
                    true,
                );
                let index = named(
                    "index",
                    d.index.as_deref().unwrap_or_default(),
                    NameRule::VectorIndex,
                    false,
                );
                (
                    format!("{bucket}/{index}"),
                    VectorStore::S3Vectors { bucket, index },
                )
            }
            VectorEngine::OpensearchServerless => {
                let collection = named(
                    "collection",
                    d.collection.as_deref().unwrap_or_default(),
                    NameRule::Collection,
                    true,
                );
                (collection.clone(), VectorStore::OpenSearch { collection })
            }
            VectorEngine::AuroraPostgresql => {
                let cluster = named(
                    "cluster",
                    d.cluster.as_deref().unwrap_or_default(),
                    NameRule::DbCluster,
                    true,
                );
                let Some(secret) = secret(self, declared) else {
                    return;
                };
                (cluster.clone(), VectorStore::Aurora { cluster, secret })
            }
            engine => {
                let Some(secret) = secret(self, declared) else {
                    return;
                };
                (secret.clone(), VectorStore::Secret { engine, secret })
            }
        };
        declared
            .entry(ResourceKind::VectorStore)
            .or_default()
            .insert(
                logical.to_string(),
                Resource {
                    name,
                    logical: logical.to_string(),
                    other_environment: None,
                    detail: Some(Detail::VectorStore(store)),
                },
            );
    }

    fn profiles(
        &mut self,
        declared: &Declared,
        input: &IndexMap<String, Vec<ProfileItem>>,
    ) -> IndexMap<String, Vec<Item>> {
        let mut profiles = IndexMap::new();
        for (name, items) in input {
            let path = join("profiles", name);
            if let Err(e) = check_logical(name) {
                self.error(Loc::Key(path.clone()), &path, e);
                continue;
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let ipath = self.source.item(&path, i);
                match item {
                    ProfileItem::Grant(g) => {
                        out.extend(self.grant(declared, g, ipath).map(Item::Grant))
                    }
                    ProfileItem::Use(p) => out.push(Item::Use(p.clone(), join(&ipath, "use"))),
                }
            }
            profiles.insert(name.clone(), out);
        }
        profiles
    }

    /// Validates one grant: its targets (resources resolved, text checked), then what it accepts.
    fn grant(&mut self, declared: &Declared, g: &GrantInput, path: String) -> Option<Draft> {
        let key = g.grant.key();
        let target = g.grant.target();
        let at = |j: usize| Loc::Value(format!("{path}[{j}]"));
        let mut draft = Draft {
            kind: g.grant,
            targets: Vec::new(),
            services: Vec::new(),
            path: path.clone(),
            allow: IndexMap::new(),
        };
        if target == Target::Flag {
            if !g.targets.is_empty() {
                self.error(
                    Loc::Key(path.clone()),
                    &path,
                    format!("grant '{key}' takes no targets"),
                );
                return None;
            }
        } else if g.targets.is_empty() {
            self.error(
                Loc::Key(path.clone()),
                &path,
                format!("grant '{key}' needs a value: what it applies to"),
            );
            return None;
        }
        let mut ok = true;
        for (j, name) in g.targets.iter().enumerate() {
            match target {
                Target::Resource(kind) => match declared.get(&kind).and_then(|d| d.get(name)) {
                    Some(r) => draft.targets.push(Reached::Resource(r.clone())),
                    None => {
                        ok = false;
                        let known: Vec<&str> = declared
                            .get(&kind)
                            .map(|d| d.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let hint = hint_unknown(name, &known, |known| match known {
                            [] => format!("declare it under resources.{}", kind.key()),
                            _ => format!("known {}s: {}", kind.noun(), known.join(", ")),
                        });
                        self.error_hint(
                            at(j),
                            &path,
                            format!("unknown {} '{name}'", kind.noun()),
                            hint,
                        );
                    }
                },
                // Service references are resolved once all services are known.
                Target::Service(_) => draft.services.push(name.clone()),
                Target::Namespace | Target::LogGroup => {
                    let checked = match target {
                        Target::Namespace => aws_names::check_namespace(name),
                        _ => aws_names::check_log_group(name),
                    };
                    match checked {
                        Ok(()) => draft.targets.push(Reached::Text(name.clone())),
                        Err(e) => {
                            ok = false;
                            self.error(at(j), &path, e);
                        }
                    }
                }
                Target::Flag => {}
            }
        }
        if !ok {
            return None;
        }
        if let Some(reason) = &g.allow.wildcard {
            let wpath = join(&join(&path, "allow"), Finding::Wildcard.key());
            if reason.trim().len() < 10 {
                self.error(Loc::Value(wpath.clone()), &wpath, "give a real reason (at least 10 characters): it is written into the output for reviewers");
                return None;
            }
            draft.allow.insert(Finding::Wildcard, reason.clone());
        }
        Some(draft)
    }

    fn service(
        &mut self,
        names: Names<'_>,
        declared: &Declared,
        profiles: &IndexMap<String, Vec<Item>>,
        name: &str,
        s: &ServiceInput,
        path: String,
    ) -> Partial {
        let kind = s.kind;
        let mut description = None;
        if let Some(text) = &s.description {
            let dpath = join(&path, "description");
            match aws_names::check_description(text) {
                Ok(()) => description = Some(text.clone()),
                Err((message, hint)) => self.push(
                    Diagnostic::error_at(Loc::Value(dpath.clone()), &dpath, message)
                        .with_hint_opt(hint),
                ),
            }
        }
        self.service_names(names, name, kind, &path);
        let container = self.container(declared, s, &path);
        // Profiles first, in `use` order, then the service's own grants.
        let mut drafts = Vec::new();
        let upath = join(&path, "use");
        for (i, profile) in s.uses.iter().enumerate() {
            let at = Loc::Value(format!("{upath}[{i}]"));
            self.expand_profile(profiles, profile, at, &upath, &mut Vec::new(), &mut drafts);
        }
        let gpath = join(&path, "grants");
        for (i, g) in s.grants.iter().enumerate() {
            let ipath = self.source.item(&gpath, i);
            drafts.extend(self.grant(declared, g, ipath));
        }
        drafts.extend(self.vector_store_field(declared, s, &path));
        for d in &drafts {
            let callers = d.kind.callers();
            if !callers.contains(&kind) {
                self.grant_error(
                    d,
                    format!(
                        "grant '{}' cannot be used by service '{name}' of kind {}",
                        d.kind.key(),
                        kind.key()
                    ),
                    Some(match d.kind.refusal(kind) {
                        Some(why) => why.to_string(),
                        None => format!("it is for kinds: {}", join_keys(callers, ", ")),
                    }),
                );
            }
        }
        Partial {
            service: Service {
                name: name.to_string(),
                kind,
                path,
                description,
                grants: Vec::new(),
                container,
            },
            drafts,
        }
    }

    /// A knowledge base's `vector_store:`: the store, as the grant it stands for.
    fn vector_store_field(
        &mut self,
        declared: &Declared,
        s: &ServiceInput,
        path: &str,
    ) -> Option<Draft> {
        let name = s.vector_store.as_ref()?;
        let vpath = join(path, "vector_store");
        if s.kind != ServiceKind::BedrockKnowledgeBase {
            self.error(
                Loc::Key(vpath.clone()),
                path,
                format!(
                    "'vector_store' is only for services of kind bedrock_knowledge_base, not {}",
                    s.kind.key()
                ),
            );
            return None;
        }
        let kind = ResourceKind::VectorStore;
        let Some(store) = declared.get(&kind).and_then(|d| d.get(name)) else {
            self.unknown(declared, kind, name, Loc::Value(vpath.clone()), &vpath);
            return None;
        };
        Some(Draft {
            kind: GrantKind::VectorStore,
            targets: vec![Reached::Resource(store.clone())],
            services: Vec::new(),
            path: vpath,
            allow: IndexMap::new(),
        })
    }

    /// The AWS names the convention gives the service and its roles must fit AWS's limits; the
    /// first that does not is reported.
    fn service_names(&mut self, names: Names<'_>, name: &str, kind: ServiceKind, path: &str) {
        let mut checks = vec![
            (NameRule::IamRole, names.role(name, RolePurpose::Main)),
            (NameRule::Service(kind), names.service(name)),
        ];
        for purpose in &kind.roles()[1..] {
            checks.push((NameRule::IamRole, names.role(name, *purpose)));
        }
        if let Some(e) = checks
            .into_iter()
            .find_map(|(rule, n)| rule.check(&n, false).err())
        {
            self.error_hint(
                Loc::Key(path.to_string()),
                path,
                e,
                format!("the naming convention '{}' made this name; shorten the service name or the convention", names.naming),
            );
        }
    }

    /// An `ecs_task`'s image, cluster and secrets; for other kinds, the keys are refused.
    fn container(
        &mut self,
        declared: &Declared,
        s: &ServiceInput,
        path: &str,
    ) -> Option<Container> {
        let present = [
            ("image", s.image.is_some()),
            ("cluster", s.cluster.is_some()),
            ("secrets", !s.secrets.is_empty()),
        ];
        if s.kind != ServiceKind::EcsTask {
            for (key, _) in present.iter().filter(|(_, p)| *p) {
                self.error(
                    Loc::Key(join(path, key)),
                    path,
                    format!(
                        "'{key}' is only for services of kind ecs_task, not {}",
                        s.kind.key()
                    ),
                );
            }
            return None;
        }
        let image = self.task_resource(
            declared,
            s.image.as_deref(),
            path,
            "image",
            ResourceKind::EcrRepository,
        );
        let cluster = self.task_resource(
            declared,
            s.cluster.as_deref(),
            path,
            "cluster",
            ResourceKind::EcsCluster,
        );
        let spath = join(path, "secrets");
        let mut secrets = Vec::new();
        for (i, secret) in s.secrets.iter().enumerate() {
            match declared
                .get(&ResourceKind::Secret)
                .and_then(|d| d.get(secret))
            {
                Some(r) => secrets.push(r.clone()),
                None => self.error(
                    Loc::Value(format!("{spath}[{i}]")),
                    &spath,
                    format!("unknown secret '{secret}'"),
                ),
            }
        }
        Some(Container {
            image: image?,
            cluster: cluster?,
            secrets,
        })
    }

    fn task_resource(
        &mut self,
        declared: &Declared,
        name: Option<&str>,
        path: &str,
        key: &str,
        kind: ResourceKind,
    ) -> Option<Resource> {
        let kpath = join(path, key);
        let Some(name) = name else {
            if !self.source.was_reported(&kpath) {
                self.error(
                    Loc::Value(path.to_string()),
                    path,
                    format!("missing key '{key}': the {} an ecs_task uses", kind.noun()),
                );
            }
            return None;
        };
        let group = declared.get(&kind);
        if let Some(r) = group.and_then(|d| d.get(name)) {
            return Some(r.clone());
        }
        let known: Vec<&str> = group
            .map(|d| d.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let hint = hint_unknown(name, &known, |_| {
            format!("declare it under resources.{}", kind.key())
        });
        self.error_hint(
            Loc::Value(kpath.clone()),
            &kpath,
            format!("unknown {} '{name}'", kind.noun()),
            hint,
        );
        None
    }

    fn expand_profile(
        &mut self,
        profiles: &IndexMap<String, Vec<Item>>,
        profile: &str,
        at: Loc,
        path: &str,
        stack: &mut Vec<String>,
        out: &mut Vec<Draft>,
    ) {
        let Some(items) = profiles.get(profile) else {
            let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
            let hint = hint_unknown(profile, &known, |_| "declare it under profiles".into());
            self.error_hint(at, path, format!("unknown profile '{profile}'"), hint);
            return;
        };
        if stack.iter().any(|p| p == profile) {
            stack.push(profile.to_string());
            self.error(at, path, format!("profile cycle: {}", stack.join(" -> ")));
            stack.pop();
            return;
        }
        stack.push(profile.to_string());
        for item in items {
            match item {
                Item::Grant(g) => out.push(g.clone()),
                Item::Use(inner, upath) => {
                    let at = Loc::Value(upath.clone());
                    self.expand_profile(profiles, inner, at, upath, stack, out)
                }
            }
        }
        stack.pop();
    }

    /// Resolves the services each grant names: each must exist and be of a kind the grant reaches.
    fn resolve_services(&mut self, partials: Vec<Partial>) -> IndexMap<String, Service> {
        let known: IndexMap<&str, (ServiceKind, Option<&str>)> = partials
            .iter()
            .map(|p| {
                let cluster = p
                    .service
                    .container
                    .as_ref()
                    .map(|c| c.cluster.name.as_str());
                (p.service.name.as_str(), (p.service.kind, cluster))
            })
            .collect();
        let mut seen = HashSet::new();
        let mut resolved = Vec::new();
        for p in &partials {
            let mut grants = Vec::new();
            for d in &p.drafts {
                let mut targets = d.targets.clone();
                let Target::Service(kinds) = d.kind.target() else {
                    grants.push(self.grant_use(d, targets));
                    continue;
                };
                let report = seen.insert((d.path.clone(), p.service.name.clone()));
                for target in &d.services {
                    match known.get(target.as_str()) {
                        Some(&(kind, cluster)) if kinds.contains(&kind) => {
                            if report
                                && target == &p.service.name
                                && d.kind == GrantKind::LambdaInvoke
                            {
                                self.grant_error(d, format!("service '{target}' grants itself lambda.invoke; a function needs no permission to be itself"), None);
                            }
                            targets.push(Reached::Service(ServiceRef {
                                name: target.clone(),
                                kind,
                                cluster: cluster.map(str::to_string),
                            }));
                        }
                        _ if !report => {}
                        Some(&(kind, _)) => {
                            self.grant_error(
                                d,
                                format!(
                                    "grant '{}' needs a service of kind {}, but '{target}' is {}",
                                    d.kind.key(),
                                    join_keys(kinds, " or "),
                                    kind.key()
                                ),
                                None,
                            );
                        }
                        None => {
                            let fitting: Vec<&str> = known
                                .iter()
                                .filter(|(_, (k, _))| kinds.contains(k))
                                .map(|(n, _)| *n)
                                .collect();
                            let hint = hint_unknown(target, &fitting, |fitting| match fitting {
                                [] => "no service of a kind it can reach is declared".to_string(),
                                _ => format!("services it can reach: {}", fitting.join(", ")),
                            });
                            self.grant_error(d, format!("unknown service '{target}'"), Some(hint));
                        }
                    }
                }
                grants.push(self.grant_use(d, targets));
            }
            resolved.push(grants);
        }
        partials
            .into_iter()
            .zip(resolved)
            .map(|(mut p, grants)| {
                p.service.grants = grants;
                (p.service.name.clone(), p.service)
            })
            .collect()
    }

    fn grant_use(&self, d: &Draft, targets: Vec<Reached>) -> GrantUse {
        GrantUse {
            kind: d.kind,
            targets,
            path: d.path.clone(),
            allow: d.allow.clone(),
        }
    }
}
