//! Validates a [`SpecInput`] into a [`Spec`]: every reference resolved, every name checked against
//! iamgen's rules and AWS's, profiles expanded. Problems are collected, each at its key path.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::environments;
use super::input::{
    GrantInput, ProfileItem, ResourceDetail, ResourceInput, Scope, ServiceInput, SpecInput,
    VectorEngine, VpcInput,
};
use super::model::queue_owner;
use super::model::{
    Container, Detail, GrantUse, Key, Model, Queue, Reached, Resource, Sender, Service, ServiceRef,
    Spec, VectorStore, Vpc, Written,
};
use super::statements;
use crate::aws::bedrock;
use crate::aws::limits::{ROLE_DESCRIPTION_MAX, TAGS_PER_ROLE_MAX};
use crate::aws::names::{self as aws_names, NameRule, TagPart};
use crate::diag::{escape, hint_unknown, listing, quote, Diagnostic, Loc, SourceMap};
use crate::grants::{GrantKind, Target};
use crate::kinds::{join_keys, Finding, ResourceKind, RolePurpose, ServiceKind};
use crate::naming::{check_logical, check_name_part, Names, Naming};

/// Tags iamgen sets itself on everything.
pub(crate) const RESERVED_TAGS: &[&str] = &["Project", "Environment", "ManagedBy"];

/// A spec that validated, with the warnings found on the way.
pub(crate) type Validated = (Spec, Vec<Diagnostic>);

/// Validates `input`; `source` tells which paths the YAML decoder already reported, and how it
/// numbered list items (empty for input built in code). On failure, the problems include the
/// warnings.
pub(crate) fn validate(
    input: &SpecInput,
    source: &SourceMap,
    environment: Option<&str>,
) -> Result<Validated, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let Some(selected) = environments::select(input, environment, source, &mut diags) else {
        return Err(diags);
    };
    let mut v = Validator {
        source,
        diags,
        used: HashSet::new(),
        used_profiles: HashSet::new(),
        names_known: true,
        removed: selected.removed.clone(),
        tag_based_access: selected.input.tag_based_access,
        accounts: selected.input.accounts.clone(),
    };
    let spec = v.spec(&selected.input);
    for d in &mut v.diags {
        environments::relocate(d, &selected.moved);
    }
    match spec {
        Some(spec) if !v.diags.iter().any(Diagnostic::is_error) => Ok((spec, v.diags)),
        _ => Err(v.diags),
    }
}

struct Validator<'a> {
    source: &'a SourceMap,
    diags: Vec<Diagnostic>,
    /// Declared resources something names (a grant, an `ecs_task`'s image, cluster or secrets).
    used: HashSet<(ResourceKind, String)>,
    /// Profiles a service uses, directly or through other profiles.
    used_profiles: HashSet<String>,
    /// False when the project, the environment or the naming convention is wrong (and reported):
    /// names made by the convention are then not checked, but everything else is.
    names_known: bool,
    /// Services left out of the environment being generated (`without_services`).
    removed: Vec<String>,
    /// Tag-based access control on every grant (`tag_based_access: true`).
    tag_based_access: bool,
    /// The platform's named accounts in the environment being generated.
    accounts: IndexMap<String, String>,
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
    /// Finer scopes of some targets, by logical name.
    scopes: IndexMap<String, Scope>,
    /// Tag-based access control, as the grant asks (`None`: as the spec says).
    tags: Option<bool>,
    /// A hand-written statement, read.
    written: Option<Box<Written>>,
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
                self.names_known = false;
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
        self.accounts(&input.accounts);
        // Without a usable convention, the rest is still checked with a stand-in one.
        self.names_known &= naming.is_some();
        let naming = naming.unwrap_or_default();
        let names = Names {
            naming: &naming,
            project: &input.project,
            environment: &input.environment,
        };
        let declared = self.resources(names, &input.resources);
        let profiles = self.profiles(&declared, &input.profiles);
        let mut partials = Vec::new();
        // Services whose name or kind is wrong (and reported): grants naming them are not judged.
        let mut unjudged = HashSet::new();
        for (name, s) in &input.services {
            let path = join("services", name);
            if self.source.was_reported(&join(&path, "kind")) {
                unjudged.insert(name.as_str());
            }
            let names_known = self.names_known;
            if let Err(e) = check_logical(name) {
                // Still checked, except for the names made from its own.
                self.error(Loc::Key(path.clone()), &path, e);
                unjudged.insert(name.as_str());
                self.names_known = false;
            }
            partials.push(self.service(names, &declared, &profiles, name, s, path));
            self.names_known = names_known;
        }
        if input.services.is_empty() {
            self.error(
                Loc::Value("services".into()),
                "services",
                "a spec needs at least one service",
            );
        }
        let services = self.resolve_services(partials, &unjudged, &input.environment);
        self.queue_owners(&declared, &services);
        self.unused(&declared, &profiles);
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
        // IAM does not tell a role's tag keys apart by case (IAM User Guide, "Tagging IAM
        // resources", Case sensitivity): `Owner` and `owner` would be one tag.
        let mut folded: IndexMap<String, &str> = IndexMap::new();
        for (key, value) in input {
            let path = format!("tags.{key}");
            let same = |other: &str| other != key && other.to_lowercase() == key.to_lowercase();
            let clash = match RESERVED_TAGS.iter().find(|r| same(r)) {
                Some(reserved) => Some(format!("iamgen's own tag {}", quote(reserved))),
                None => folded.get(&key.to_lowercase()).map(|first| {
                    let at = self.source.place(&Loc::Key(format!("tags.{first}")));
                    format!("tag key {} ({at})", quote(first))
                }),
            };
            if let Some(other) = clash {
                self.error_hint(
                    Loc::Key(path.clone()),
                    &path,
                    format!("tag key {} differs only in case from {other}", quote(key)),
                    "IAM does not tell a role's tag keys apart by case, so one would replace the other".into(),
                );
                continue;
            }
            folded.insert(key.to_lowercase(), key);
            if RESERVED_TAGS.contains(&key.as_str()) {
                self.error(
                    Loc::Key(path.clone()),
                    &path,
                    format!(
                        "tag {} is set by iamgen itself (Project, Environment, ManagedBy)",
                        quote(key)
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
            // The first logical name of each physical name.
            let mut first: IndexMap<String, &str> = IndexMap::new();
            for (logical, r) in items {
                let path = format!("resources.{}.{logical}", kind.key());
                if let Err(e) = check_logical(logical) {
                    // Still declared, so grants naming it are not reported again; the name made
                    // from it is not checked.
                    self.error(Loc::Key(path.clone()), &path, e);
                    group.insert(logical.clone(), Resource::unnamed(logical));
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
                if self.source.was_reported(&path) {
                    // The decoder reported its value: declared, so grants naming it are not
                    // reported again, but there is no name to check.
                    group.insert(logical.clone(), Resource::unnamed(logical));
                    continue;
                }
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
                // The account's default event bus is named `default`, not by the convention.
                let exact = exact || (kind == ResourceKind::EventBus && name == "default");
                let convention = !exact && kind.uses_naming();
                let physical = match convention {
                    true => names.physical(&name),
                    false => name.clone(),
                };
                let pattern = (name == "*" && kind.uses_naming())
                    || (kind == ResourceKind::Parameter && aws_names::is_parameter_path(&name));
                let made = !exact && kind.uses_naming();
                let checked = if made && !self.names_known {
                    Ok(())
                } else {
                    NameRule::Resource(kind).check(&physical, pattern)
                };
                if let Err(e) = checked {
                    let mut d = Diagnostic::error_at(Loc::Value(path.clone()), &path, e);
                    if convention {
                        d = d.with_hint(format!("the naming convention {} made this name; give an exact one with `{{ name: ... }}`", quote(&names.naming.to_string())));
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
                if let Some(other) = first.get(&physical) {
                    let at = self
                        .source
                        .place(&Loc::Key(format!("resources.{}.{other}", kind.key())));
                    let message = format!(
                        "{} {} has the same name {} as {} {} ({at})",
                        kind.noun(),
                        quote(logical),
                        quote(&physical),
                        kind.noun(),
                        quote(other)
                    );
                    let d = Diagnostic::warning_at(Loc::Key(path.clone()), &path, message);
                    self.push(d.with_hint("declare it once and name it once"));
                } else {
                    first.insert(physical.clone(), logical);
                }
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
            ("kms_key", d.kms_key.is_some()),
            ("topics", !d.topics.is_empty()),
            ("rules", !d.rules.is_empty()),
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
                        self.used.insert((ResourceKind::Bucket, results.clone()));
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
            kind if kind.takes_kms_key() => self.encrypted(names, declared, kind, logical, d, path),
            _ => {}
        }
    }

    /// A resource's `kms_key:` (and a queue's `topics:` and `rules:`): each names something
    /// declared.
    fn encrypted(
        &mut self,
        names: Names<'_>,
        declared: &mut Declared,
        kind: ResourceKind,
        logical: &str,
        d: &ResourceDetail,
        path: &str,
    ) {
        let at = |key: &str| Loc::Value(join(path, key));
        let key = match &d.kms_key {
            None => None,
            Some(k) => match declared.get(&ResourceKind::KmsKey).and_then(|g| g.get(k)) {
                Some(r) => {
                    self.used.insert((ResourceKind::KmsKey, k.clone()));
                    Some(Key {
                        logical: k.clone(),
                        id: r.name.clone(),
                    })
                }
                None => {
                    let kpath = join(path, "kms_key");
                    self.unknown(declared, ResourceKind::KmsKey, k, at("kms_key"), &kpath);
                    None
                }
            },
        };
        let mut senders = Vec::new();
        let tpath = join(path, "topics");
        for (i, topic) in d.topics.iter().enumerate() {
            let loc = Loc::Value(format!("{tpath}[{i}]"));
            match declared
                .get(&ResourceKind::Topic)
                .and_then(|g| g.get(topic))
            {
                Some(t) => {
                    self.used.insert((ResourceKind::Topic, topic.clone()));
                    senders.push(Sender::Topic {
                        name: t.name.clone(),
                        logical: topic.clone(),
                    });
                }
                None => self.unknown(declared, ResourceKind::Topic, topic, loc, &tpath),
            }
        }
        let rpath = join(path, "rules");
        for (i, written) in d.rules.iter().enumerate() {
            let loc = || Loc::Value(format!("{rpath}[{i}]"));
            let (bus, rule) = match written.split_once('/') {
                Some((bus, rule)) => (Some(bus), rule),
                None => (None, written.as_str()),
            };
            let bus = match bus {
                None => "default".to_string(),
                Some(b) => match declared.get(&ResourceKind::EventBus).and_then(|g| g.get(b)) {
                    Some(r) => {
                        self.used.insert((ResourceKind::EventBus, b.to_string()));
                        r.name.clone()
                    }
                    None => {
                        self.unknown(declared, ResourceKind::EventBus, b, loc(), &rpath);
                        continue;
                    }
                },
            };
            if let Err(e) = check_logical(rule) {
                self.error_hint(
                    loc(),
                    &rpath,
                    format!("rule {}: {e}", quote(written)),
                    "write RULE (on the default event bus) or BUS/RULE, BUS a logical name under event_buses".into(),
                );
                continue;
            }
            let physical = names.physical(rule);
            if self.names_known {
                if let Err(e) = NameRule::EventRule.check(&physical, false) {
                    self.error(loc(), &rpath, e);
                    continue;
                }
            }
            senders.push(Sender::Rule {
                bus,
                rule: physical,
                written: written.clone(),
            });
        }
        let detail = match kind {
            ResourceKind::Queue => Some(Detail::Queue(Queue { key, senders })),
            _ => key.map(Detail::Encrypted),
        };
        if let Some(r) = declared.get_mut(&kind).and_then(|g| g.get_mut(logical)) {
            r.detail = detail;
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
            _ => format!("known under resources.{}: {}", kind.key(), listing(known)),
        });
        self.error_hint(
            loc,
            path,
            format!("unknown {} {}", kind.noun(), quote(name)),
            hint,
        );
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
                Some(r) => {
                    s.used.insert((ResourceKind::Secret, name.to_string()));
                    Some(r.name.clone())
                }
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
                // Still read, so its grants are checked and `use:` naming it is not reported again.
                self.error(Loc::Key(path.clone()), &path, e);
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
        self.check_profile_uses(&profiles);
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
            scopes: IndexMap::new(),
            tags: g.tag_based_access,
            written: None,
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
        let mut named = HashSet::new();
        for (j, name) in g.targets.iter().enumerate() {
            if !named.insert(name) {
                let noun = match target {
                    Target::Resource(kind) => kind.noun(),
                    Target::Service(_) => "service",
                    Target::Namespace => "namespace",
                    Target::LogGroup | Target::Flag => "log group",
                };
                let message = format!("{noun} {} is named twice in this grant", quote(name));
                self.push(Diagnostic::warning_at(at(j), &path, message));
                continue;
            }
            match target {
                Target::Resource(kind) => match declared.get(&kind).and_then(|d| d.get(name)) {
                    Some(r) => {
                        self.used.insert((kind, name.clone()));
                        // Two logical names of one physical name (warned where declared) give
                        // one ARN.
                        let same =
                            |t: &Reached| matches!(t, Reached::Resource(x) if x.name == r.name);
                        if !draft.targets.iter().any(same) {
                            draft.targets.push(Reached::Resource(r.clone()));
                        }
                    }
                    None => {
                        ok = false;
                        self.unknown(declared, kind, name, at(j), &path);
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
        draft.scopes = self.scopes(g, &path)?;
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
        // A missing or unknown kind is reported; what depends on it is not judged.
        let kind_known = !self.source.was_reported(&join(&path, "kind"));
        let mut description = None;
        if let Some(text) = &s.description {
            let dpath = join(&path, "description");
            match aws_names::check_description(text) {
                Ok(()) => {
                    if kind_known && self.names_known {
                        self.role_descriptions(names, name, kind, text, &dpath);
                    }
                    description = Some(text.clone());
                }
                Err((message, hint)) => self.push(
                    Diagnostic::error_at(Loc::Value(dpath.clone()), &dpath, message)
                        .with_hint_opt(hint),
                ),
            }
        }
        if kind_known && self.names_known {
            self.service_names(names, name, kind, &path);
        }
        let container = match kind_known {
            true => self.container(declared, s, &path),
            false => self.container_references(declared, s, &path),
        };
        // Profiles first, in `use` order, then the service's own grants.
        let mut drafts = Vec::new();
        let upath = join(&path, "use");
        for (i, profile) in s.uses.iter().enumerate() {
            let at = Loc::Value(format!("{upath}[{i}]"));
            self.expand_profile(profiles, profile, at, &upath, &mut drafts);
        }
        let gpath = join(&path, "grants");
        for (i, g) in s.grants.iter().enumerate() {
            let ipath = self.source.item(&gpath, i);
            drafts.extend(self.grant(declared, g, ipath));
        }
        drafts.extend(self.vector_store_field(declared, s, &path));
        drafts.extend(self.hand_written(s, &path));
        let schedule_group = self.schedule_group(names, name, s, &path, kind_known);
        let vpc = self.vpc(s, &path, kind_known);
        for d in drafts.iter().filter(|_| kind_known) {
            let prefixed = d.scopes.values().any(|sc| !sc.prefixes.is_empty());
            if prefixed && kind == ServiceKind::BedrockKnowledgeBase {
                self.grant_error(
                    d,
                    format!("a key prefix on grant '{}' of knowledge base {}", d.kind.key(), quote(name)),
                    Some("AWS does not say which s3:prefix a knowledge base lists its data source with; scope the data source's inclusion prefixes instead, and grant the bucket".into()),
                );
            }
        }
        for d in drafts.iter().filter(|_| kind_known) {
            let callers = d.kind.callers();
            if !callers.contains(&kind) {
                self.grant_error(
                    d,
                    format!(
                        "grant '{}' cannot be used by service {} of kind {}",
                        d.kind.key(),
                        quote(name),
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
                schedule_group,
                vpc,
            },
            drafts,
        }
    }

    /// The role descriptions iamgen writes from the service's `description` (followed by what each
    /// role is) must fit IAM's limit; the first that does not is reported.
    fn role_descriptions(
        &mut self,
        names: Names<'_>,
        name: &str,
        kind: ServiceKind,
        text: &str,
        dpath: &str,
    ) {
        for &purpose in kind.roles() {
            let full = names.role_description(name, kind, purpose, Some(text), "");
            let len = full.chars().count();
            if len <= ROLE_DESCRIPTION_MAX {
                continue;
            }
            let added = &full[text.len()..];
            self.error_hint(
                Loc::Value(dpath.to_string()),
                dpath,
                format!(
                    "the description of role {} would be {len} characters with what iamgen adds ({}); IAM allows {ROLE_DESCRIPTION_MAX}",
                    quote(&names.role(name, purpose)),
                    quote(added)
                ),
                format!("shorten it by {} characters", len - ROLE_DESCRIPTION_MAX),
            );
            return;
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
        self.used.insert((kind, name.clone()));
        Some(Draft {
            kind: GrantKind::VectorStore,
            targets: vec![Reached::Resource(store.clone())],
            services: Vec::new(),
            path: vpath,
            allow: IndexMap::new(),
            scopes: IndexMap::new(),
            tags: Some(false),
            written: None,
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
                format!("the naming convention {} made this name; shorten the service name or the convention", quote(&names.naming.to_string())),
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
            ("parameters", !s.parameters.is_empty()),
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
                Some(r) => {
                    self.used.insert((ResourceKind::Secret, secret.clone()));
                    secrets.push(r.clone());
                }
                None => self.error(
                    Loc::Value(format!("{spath}[{i}]")),
                    &spath,
                    format!("unknown secret {}", quote(secret)),
                ),
            }
        }
        let ppath = join(path, "parameters");
        let mut parameters = Vec::new();
        for (i, name) in s.parameters.iter().enumerate() {
            match declared
                .get(&ResourceKind::Parameter)
                .and_then(|d| d.get(name))
            {
                Some(r) if aws_names::is_parameter_path(&r.name) => {
                    self.used.insert((ResourceKind::Parameter, name.clone()));
                    self.error_hint(
                        Loc::Value(format!("{ppath}[{i}]")),
                        &ppath,
                        format!(
                            "parameter {} is a path ({}); a task definition injects parameters one by one",
                            quote(name),
                            quote(&r.name)
                        ),
                        "declare each parameter the task injects by its name".into(),
                    )
                }
                Some(r) => {
                    self.used.insert((ResourceKind::Parameter, name.clone()));
                    parameters.push(r.clone());
                }
                None => self.unknown(
                    declared,
                    ResourceKind::Parameter,
                    name,
                    Loc::Value(format!("{ppath}[{i}]")),
                    &ppath,
                ),
            }
        }
        Some(Container {
            image: image?,
            cluster: cluster?,
            secrets,
            parameters,
        })
    }

    /// For a service whose kind is unknown: the image, cluster and secrets it names must still be
    /// declared (nothing is missing, since nothing is known to be required).
    fn container_references(
        &mut self,
        declared: &Declared,
        s: &ServiceInput,
        path: &str,
    ) -> Option<Container> {
        let named = [
            ("image", ResourceKind::EcrRepository, s.image.as_slice()),
            ("cluster", ResourceKind::EcsCluster, s.cluster.as_slice()),
            ("secrets", ResourceKind::Secret, s.secrets.as_slice()),
            (
                "parameters",
                ResourceKind::Parameter,
                s.parameters.as_slice(),
            ),
        ];
        for (key, kind, names) in named {
            for name in names {
                self.task_resource(declared, Some(name), path, key, kind);
            }
        }
        None
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
            self.used.insert((kind, name.to_string()));
            return Some(r.clone());
        }
        self.unknown(declared, kind, name, Loc::Value(kpath.clone()), &kpath);
        None
    }

    /// A queue that topics or rules deliver to gets its policy in the module of the first service
    /// consuming it: a queue no service consumes has no module to hold its policy.
    fn queue_owners(&mut self, declared: &Declared, services: &IndexMap<String, Service>) {
        let Some(queues) = declared.get(&ResourceKind::Queue) else {
            return;
        };
        for (logical, queue) in queues {
            if queue.senders().is_empty() || queue_owner(services.values(), logical).is_some() {
                continue;
            }
            let path = format!("resources.{}.{logical}", ResourceKind::Queue.key());
            self.error_hint(
                Loc::Key(path.clone()),
                &path,
                format!("queue {} receives from topics or rules, but no service consumes it, so no module holds its queue policy", quote(logical)),
                "give the service that processes its messages `sqs.consume` or `sqs.trigger` on it: the policy is written in the first such service's module".into(),
            );
        }
    }

    /// Declarations nothing uses are warnings: they often hide a misspelled name in a grant. (A
    /// resource that only an unused profile names is covered by the profile's warning.)
    fn unused(&mut self, declared: &Declared, profiles: &IndexMap<String, Vec<Item>>) {
        for (kind, items) in declared {
            for logical in items.keys() {
                if self.used.contains(&(*kind, logical.clone())) {
                    continue;
                }
                let path = format!("resources.{}.{logical}", kind.key());
                let message = format!(
                    "{} {} is declared but nothing uses it",
                    kind.noun(),
                    quote(logical)
                );
                let d = Diagnostic::warning_at(Loc::Key(path.clone()), &path, message);
                self.push(d.with_hint("remove it, or check the grants for a misspelled name"));
            }
        }
        for name in profiles.keys() {
            if self.used_profiles.contains(name) {
                continue;
            }
            let path = join("profiles", name);
            let message = format!("profile {} is declared but no service uses it", quote(name));
            let d = Diagnostic::warning_at(Loc::Key(path.clone()), &path, message);
            self.push(
                d.with_hint("remove it, or check the services' `use:` for a misspelled name"),
            );
        }
    }

    /// The grants of `profile`, used by a service at `at`: an unknown profile is reported here;
    /// unknown or cyclic `use:` inside profiles were reported by [`Self::check_profile_uses`].
    fn expand_profile(
        &mut self,
        profiles: &IndexMap<String, Vec<Item>>,
        profile: &str,
        at: Loc,
        path: &str,
        out: &mut Vec<Draft>,
    ) {
        if !profiles.contains_key(profile) {
            self.unknown_profile(profiles, profile, at, path);
            return;
        }
        fn expand(
            profiles: &IndexMap<String, Vec<Item>>,
            profile: &str,
            stack: &mut Vec<String>,
            out: &mut Vec<Draft>,
            used: &mut HashSet<String>,
        ) {
            let Some(items) = profiles.get(profile) else {
                return;
            };
            if stack.iter().any(|p| p == profile) {
                return;
            }
            used.insert(profile.to_string());
            stack.push(profile.to_string());
            for item in items {
                match item {
                    Item::Grant(g) => out.push(g.clone()),
                    Item::Use(inner, _) => expand(profiles, inner, stack, out, used),
                }
            }
            stack.pop();
        }
        expand(
            profiles,
            profile,
            &mut Vec::new(),
            out,
            &mut self.used_profiles,
        );
    }

    fn unknown_profile(
        &mut self,
        profiles: &IndexMap<String, Vec<Item>>,
        profile: &str,
        at: Loc,
        path: &str,
    ) {
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        let hint = hint_unknown(profile, &known, |_| "declare it under profiles".into());
        let message = format!("unknown profile {}", quote(profile));
        self.error_hint(at, path, message, hint);
    }

    /// Every profile's `use:` items, whether or not a service uses the profile: each names a
    /// declared profile, and no chain of them comes back to where it started (each cycle is
    /// reported once, at the item that closes it).
    fn check_profile_uses(&mut self, profiles: &IndexMap<String, Vec<Item>>) {
        let mut done: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = Vec::new();
        for name in profiles.keys() {
            self.visit_profile(profiles, name, &mut stack, &mut done);
        }
    }

    fn visit_profile<'p>(
        &mut self,
        profiles: &'p IndexMap<String, Vec<Item>>,
        name: &'p str,
        stack: &mut Vec<&'p str>,
        done: &mut HashSet<&'p str>,
    ) {
        if done.contains(name) {
            return;
        }
        stack.push(name);
        for item in &profiles[name] {
            let Item::Use(inner, upath) = item else {
                continue;
            };
            let at = Loc::Value(upath.clone());
            match profiles.get_key_value(inner.as_str()) {
                None => self.unknown_profile(profiles, inner, at, upath),
                Some((inner, _)) => match stack.iter().position(|p| p == inner) {
                    Some(start) => {
                        let mut cycle = stack[start..].to_vec();
                        cycle.push(inner);
                        let cycle: Vec<String> = cycle.iter().map(|p| escape(p)).collect();
                        let message = format!("profile cycle: {}", cycle.join(" -> "));
                        self.error(at, upath, message);
                    }
                    None => self.visit_profile(profiles, inner, stack, done),
                },
            }
        }
        stack.pop();
        done.insert(name);
    }

    /// Resolves the services each grant names: each must exist and be of a kind the grant reaches.
    fn resolve_services(
        &mut self,
        partials: Vec<Partial>,
        unjudged: &HashSet<&str>,
        environment: &str,
    ) -> IndexMap<String, Service> {
        let environment = environment.to_string();
        let known: IndexMap<&str, (ServiceKind, Option<&str>)> = partials
            .iter()
            .filter(|p| !unjudged.contains(p.service.name.as_str()))
            .filter(|p| !self.removed.contains(&p.service.name))
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
                    if unjudged.contains(target.as_str()) {
                        // Its kind or name is reported already: it is declared, of no known kind.
                        continue;
                    }
                    match known.get(target.as_str()) {
                        // A function invoking itself needs lambda:InvokeFunction like any caller.
                        Some(&(kind, cluster)) if kinds.contains(&kind) => {
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
                                    "grant '{}' needs a service of kind {}, but {} is {}",
                                    d.kind.key(),
                                    join_keys(kinds, " or "),
                                    quote(target),
                                    kind.key()
                                ),
                                None,
                            );
                        }
                        None if self.removed.contains(target) => {
                            self.grant_error(
                                d,
                                format!(
                                    "service {} does not exist in environment {} (it is in its without_services)",
                                    quote(target),
                                    quote(&environment)
                                ),
                                Some("remove the grant from this environment's services, or keep the service".into()),
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
                                _ => format!("services it can reach: {}", listing(fitting)),
                            });
                            self.grant_error(
                                d,
                                format!("unknown service {}", quote(target)),
                                Some(hint),
                            );
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
            .filter(|(p, _)| !self.removed.contains(&p.service.name))
            .map(|(mut p, grants)| {
                p.service.grants = grants;
                (p.service.name.clone(), p.service)
            })
            .collect()
    }

    fn grant_use(&self, d: &Draft, targets: Vec<Reached>) -> GrantUse {
        // Tag-based access: as the grant asks, else as the spec asks, and always on a name
        // pattern (a pattern must never reach an untagged or foreign resource).
        let pattern = targets
            .iter()
            .any(|t| matches!(t, Reached::Resource(r) if r.is_pattern()));
        let tags = d.tags.unwrap_or(self.tag_based_access || pattern);
        GrantUse {
            kind: d.kind,
            targets,
            path: d.path.clone(),
            allow: d.allow.clone(),
            scopes: d.scopes.clone(),
            tags,
            written: d.written.clone(),
        }
    }
}

// ----- Issue 11: scoped targets, schedules, VPC, hand-written statements. -----
impl Validator<'_> {
    /// A grant's scoped targets: key prefixes on S3 grants, leading keys on DynamoDB grants,
    /// each well-formed; `None` (reported) when one is not.
    fn scopes(&mut self, g: &GrantInput, path: &str) -> Option<IndexMap<String, Scope>> {
        let key = g.grant.key();
        let target = g.grant.target();
        let mut ok = true;
        let at = || Loc::Key(path.to_string());
        for (name, scope) in &g.scopes {
            if !scope.prefixes.is_empty() && target != Target::Resource(ResourceKind::Bucket) {
                ok = false;
                self.error(at(), path, format!("grant '{key}' takes no key prefix (`prefix:` is for s3.read, s3.write and s3.read_write)"));
            }
            if !scope.leading_keys.is_empty()
                && target != Target::Resource(ResourceKind::DynamodbTable)
            {
                ok = false;
                self.error(at(), path, format!("grant '{key}' takes no leading keys (`leading_keys:` is for dynamodb.read and dynamodb.read_write)"));
            }
            for prefix in &scope.prefixes {
                let problem = if prefix.is_empty() || prefix.starts_with('/') {
                    Some("must not be empty or start with '/' (S3 keys have no leading slash)")
                } else if !prefix.ends_with('/') {
                    Some("must end with '/': without it, it also reaches keys that only start the same way (incoming-old/ for incoming)")
                } else if prefix.contains(['*', '?']) {
                    Some("must not contain '*' or '?', which IAM reads as wildcards")
                } else if prefix.len() > 1024 {
                    Some("is longer than an S3 key (1024 bytes)")
                } else {
                    None
                };
                if let Some(why) = problem {
                    ok = false;
                    self.error(
                        at(),
                        path,
                        format!("prefix {} of bucket {} {why}", quote(prefix), quote(name)),
                    );
                }
            }
            if scope.leading_keys.iter().any(String::is_empty) {
                ok = false;
                self.error(
                    at(),
                    path,
                    format!("an empty leading key for table {}", quote(name)),
                );
            }
        }
        ok.then(|| g.scopes.clone())
    }

    /// A service's hand-written statements, each as the grant it stands for.
    fn hand_written(&mut self, s: &ServiceInput, path: &str) -> Vec<Draft> {
        let mut out = Vec::new();
        let accounts = self.accounts.clone();
        for (i, st) in s.statements.iter().enumerate() {
            let spath = format!("{path}.statements[{i}]");
            match statements::read(st, i, &spath, &accounts) {
                Ok(w) => out.push(Draft {
                    kind: GrantKind::Statements,
                    targets: Vec::new(),
                    services: Vec::new(),
                    path: spath,
                    allow: IndexMap::new(),
                    scopes: IndexMap::new(),
                    tags: Some(false),
                    written: Some(Box::new(w)),
                }),
                Err(mut problems) => self.diags.append(&mut problems),
            }
        }
        out
    }

    /// A `schedule`'s schedule group: `group:` as given, else its own name by the convention.
    fn schedule_group(
        &mut self,
        names: Names<'_>,
        name: &str,
        s: &ServiceInput,
        path: &str,
        kind_known: bool,
    ) -> Option<String> {
        let gpath = join(path, "group");
        if !kind_known {
            return None;
        }
        if s.kind != ServiceKind::Schedule {
            if s.group.is_some() {
                self.error(
                    Loc::Key(gpath.clone()),
                    path,
                    format!(
                        "'group' is only for services of kind schedule, not {}",
                        s.kind.key()
                    ),
                );
            }
            return None;
        }
        let (group, given) = match &s.group {
            Some(g) => (g.clone(), true),
            None => (names.service(name), false),
        };
        if given || self.names_known {
            if let Err(e) = NameRule::ScheduleGroup.check(&group, false) {
                let d = Diagnostic::error_at(Loc::Value(gpath.clone()), &gpath, e);
                self.push(match given {
                    true => d,
                    false => d.with_hint(
                        "the schedule's own name is its group's by default; give one with `group:`",
                    ),
                });
            }
        }
        Some(group)
    }

    /// A `lambda`'s `vpc:`: its subnets and security groups, each id of AWS's shape.
    fn vpc(&mut self, s: &ServiceInput, path: &str, kind_known: bool) -> Option<Vpc> {
        let vpath = join(path, "vpc");
        let given = s.vpc.as_ref()?;
        if !kind_known {
            return None;
        }
        if s.kind != ServiceKind::Lambda {
            self.error(
                Loc::Key(vpath),
                path,
                format!(
                    "'vpc' is only for services of kind lambda, not {}",
                    s.kind.key()
                ),
            );
            return None;
        }
        let (subnets, groups) = match given {
            VpcInput::Any(true) => return Some(Vpc::default()),
            VpcInput::Any(false) => return None,
            VpcInput::Network {
                subnets,
                security_groups,
            } => (subnets, security_groups),
        };
        let mut ok = true;
        for (key, prefix, ids) in [
            ("subnets", "subnet-", subnets),
            ("security_groups", "sg-", groups),
        ] {
            let kpath = join(&vpath, key);
            if ids.is_empty() {
                ok = false;
                if self.source.was_reported(&kpath) {
                    continue;
                }
                self.error(
                    Loc::Value(kpath.clone()),
                    &kpath,
                    "empty list: name at least one id, or write `vpc: true` for any",
                );
            }
            for (i, id) in ids.iter().enumerate() {
                let hex = id.strip_prefix(prefix).unwrap_or_default();
                let shaped = matches!(hex.len(), 8 | 17)
                    && hex
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
                if !shaped {
                    ok = false;
                    let ipath = format!("{kpath}[{i}]");
                    self.error(
                        Loc::Value(ipath.clone()),
                        &ipath,
                        format!(
                            "{} is not a {} id ({prefix} and 8 or 17 lowercase hexadecimal digits)",
                            quote(id),
                            if prefix == "sg-" {
                                "security group"
                            } else {
                                "subnet"
                            }
                        ),
                    );
                }
            }
        }
        ok.then(|| Vpc {
            subnets: subnets.clone(),
            security_groups: groups.clone(),
        })
    }
}

impl Validator<'_> {
    /// `accounts:`: each an account id (12 digits).
    fn accounts(&mut self, accounts: &IndexMap<String, String>) {
        for (name, id) in accounts {
            let path = format!("accounts.{name}");
            if let Err(e) = check_logical(name) {
                self.error(Loc::Key(path.clone()), &path, e);
            }
            if id.len() != 12 || !id.chars().all(|c| c.is_ascii_digit()) {
                self.error(
                    Loc::Value(path.clone()),
                    &path,
                    format!(
                        "account {} of {} is not an AWS account id (12 digits)",
                        quote(id),
                        quote(name)
                    ),
                );
            }
        }
    }
}
