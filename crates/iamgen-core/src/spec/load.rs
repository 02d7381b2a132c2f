//! Decodes the YAML tree into a [`Spec`], collecting every problem instead of stopping at the first.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::names::{self, NameRule, Naming};
use super::yaml::{self, Node, Value};
use super::{Finding, GrantUse, Resource, ResourceKind, Service, ServiceKind, Spec};
use crate::diag::{did_you_mean, Diagnostic, Span};
use crate::grants::{self, GrantKind, Target};

/// The largest spec iamgen reads; a real platform's spec is a few kilobytes.
pub const MAX_SPEC_BYTES: usize = 1 << 20;

const TOP_KEYS: &[&str] = &[
    "project",
    "environment",
    "naming",
    "tags",
    "resources",
    "profiles",
    "services",
];
const SERVICE_KEYS: &[&str] = &[
    "kind",
    "description",
    "use",
    "grants",
    "image",
    "cluster",
    "secrets",
];
const ECS_ONLY_KEYS: &[&str] = &["image", "cluster", "secrets"];
/// Tags iamgen sets itself on everything.
pub const RESERVED_TAGS: &[&str] = &["Project", "Environment", "ManagedBy"];

pub(super) fn load(text: &str) -> Result<Spec, Vec<Diagnostic>> {
    if text.len() > MAX_SPEC_BYTES {
        return Err(vec![Diagnostic::error(
            Span::new(1, 1),
            format!(
                "the spec is {} bytes; iamgen reads specs of at most {MAX_SPEC_BYTES} bytes",
                text.len()
            ),
        )]);
    }
    if let Some(pos) = text.find('\0') {
        let line = text[..pos].matches('\n').count() + 1;
        return Err(vec![Diagnostic::error(
            Span::new(line, 1),
            "the spec contains a NUL byte; it is not a YAML text file",
        )]);
    }
    let root = yaml::parse(text)?;
    let mut l = Loader { diags: Vec::new() };
    let spec = l.spec(&root);
    if l.diags.iter().any(Diagnostic::is_error) {
        Err(l.diags)
    } else {
        Ok(spec.expect("no errors means a spec"))
    }
}

struct Loader {
    diags: Vec<Diagnostic>,
}

/// A grant item as written in a profile or a service, before it is given to a service.
#[derive(Debug, Clone)]
enum Item {
    Grant(GrantUse),
    Use {
        profile: String,
        span: Span,
        path: String,
    },
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Loader {
    fn error(&mut self, span: Span, path: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(span, message).at(path));
    }

    fn error_hint(
        &mut self,
        span: Span,
        path: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::error(span, message).at(path);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    /// The entries of a mapping, or an error. Null counts as an empty mapping.
    fn map<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [(Node, Node)]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            _ if node.is_null() => Some(&[]),
            _ => {
                self.error(
                    node.span,
                    path,
                    format!("expected a mapping, found {}", node.shape()),
                );
                None
            }
        }
    }

    /// Checks that every key is one of `allowed`.
    fn known_keys(&mut self, entries: &[(Node, Node)], path: &str, allowed: &[&str]) {
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if !allowed.contains(&key) {
                let hint = match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean '{s}'?"),
                    None => format!("known keys: {}", allowed.join(", ")),
                };
                self.error_hint(k.span, path, format!("unknown key '{key}'"), Some(hint));
            }
        }
    }

    fn get<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
        entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A non-empty scalar string, or an error.
    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() && !text.is_empty() => Some(text.clone()),
            _ => {
                self.error(
                    node.span,
                    path,
                    format!("expected a text value, found {}", node.shape()),
                );
                None
            }
        }
    }

    /// One name or a non-empty list of names.
    fn names(&mut self, node: &Node, path: &str, what: &str) -> Vec<(String, Span)> {
        match &node.value {
            Value::Seq(items) if items.is_empty() => {
                self.error(
                    node.span,
                    path,
                    format!("empty list: name at least one {what}"),
                );
                vec![]
            }
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| self.string(n, &format!("{path}[{i}]")).map(|s| (s, n.span)))
                .collect(),
            _ => self
                .string(node, path)
                .map(|s| vec![(s, node.span)])
                .unwrap_or_default(),
        }
    }

    fn spec(&mut self, root: &Node) -> Option<Spec> {
        let entries = match &root.value {
            Value::Map(entries) => entries,
            _ => {
                self.error_hint(
                    root.span,
                    "",
                    format!("the spec must be a mapping with project, environment and services; found {}", root.shape()),
                    Some("see the README's spec format".into()),
                );
                return None;
            }
        };
        self.known_keys(entries, "", TOP_KEYS);
        // A missing key that an unknown key misspells is reported once, as the misspelling.
        let misspelled = |key: &str| {
            entries
                .iter()
                .filter_map(|(k, _)| k.as_str())
                .any(|k| !TOP_KEYS.contains(&k) && did_you_mean(k, [key]).is_some())
        };
        let required = |l: &mut Loader, key: &str| -> Option<String> {
            match Loader::get(entries, key) {
                Some(n) => l.string(n, key),
                None => {
                    if !misspelled(key) {
                        l.error(root.span, "", format!("missing key '{key}'"));
                    }
                    None
                }
            }
        };
        let project = required(self, "project");
        let environment = required(self, "environment");
        for (key, value) in [("project", &project), ("environment", &environment)] {
            if let Some(v) = value {
                if let Err(e) = names::check_name_part(key, v) {
                    let span = Loader::get(entries, key)
                        .map(|n| n.span)
                        .unwrap_or(root.span);
                    self.error(span, key, e);
                }
            }
        }
        let naming = match Loader::get(entries, "naming") {
            None => Some(Naming::default()),
            Some(n) => self
                .string(n, "naming")
                .and_then(|t| match Naming::parse(&t) {
                    Ok(naming) => Some(naming),
                    Err(e) => {
                        self.error_hint(n.span, "naming", e.message, e.hint);
                        None
                    }
                }),
        };
        let tags = self.tags(Loader::get(entries, "tags"));
        let (Some(project), Some(environment), Some(naming)) = (project, environment, naming)
        else {
            return None;
        };
        let mut spec = Spec {
            project,
            environment,
            naming,
            tags,
            resources: IndexMap::new(),
            services: IndexMap::new(),
        };
        if let Some(node) = Loader::get(entries, "resources") {
            self.resources(&mut spec, node);
        }
        let profiles = match Loader::get(entries, "profiles") {
            Some(node) => self.profiles(&spec, node),
            None => IndexMap::new(),
        };
        match Loader::get(entries, "services") {
            Some(node) => self.services(&mut spec, &profiles, node),
            None if misspelled("services") => {}
            None => self.error(root.span, "", "missing key 'services'"),
        }
        Some(spec)
    }

    fn tags(&mut self, node: Option<&Node>) -> IndexMap<String, String> {
        let mut tags = IndexMap::new();
        let Some(node) = node else { return tags };
        let Some(entries) = self.map(node, "tags") else {
            return tags;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default().to_string();
            let path = format!("tags.{key}");
            let Some(value) = self.string(v, &path) else {
                continue;
            };
            let bad_char = [(k.span, &key), (v.span, &value)]
                .into_iter()
                .find_map(|(span, t)| {
                    t.chars()
                        .find(|&c| !names::is_tag_char(c))
                        .map(|c| (span, c))
                });
            if RESERVED_TAGS.contains(&key.as_str()) {
                self.error(
                    k.span,
                    &path,
                    format!(
                        "tag '{key}' is set by iamgen itself (Project, Environment, ManagedBy)"
                    ),
                );
            } else if key.chars().count() > 128 || key.starts_with("aws:") {
                self.error(k.span, &path, format!("tag key '{key}' must be at most 128 characters and must not start with 'aws:'"));
            } else if value.chars().count() > 256 {
                self.error(
                    v.span,
                    &path,
                    "tag value is longer than AWS's 256 characters",
                );
            } else if let Some((span, bad)) = bad_char {
                self.error_hint(
                    span,
                    &path,
                    format!("tags cannot contain {bad:?}"),
                    Some("AWS allows letters, digits, spaces and _ . : / = + - @ in tag keys and values".into()),
                );
            } else {
                tags.insert(key, value);
            }
        }
        if tags.len() + RESERVED_TAGS.len() > 50 {
            self.error(
                node.span,
                "tags",
                format!(
                    "{} tags plus iamgen's 3 exceed AWS's 50 tags per role",
                    tags.len()
                ),
            );
        }
        tags
    }

    fn resources(&mut self, spec: &mut Spec, node: &Node) {
        let Some(entries) = self.map(node, "resources") else {
            return;
        };
        let keys: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.key()).collect();
        self.known_keys(entries, "resources", &keys);
        for kind in ResourceKind::ALL {
            let Some(group) = Loader::get(entries, kind.key()) else {
                continue;
            };
            let gpath = format!("resources.{}", kind.key());
            let Some(items) = self.map(group, &gpath) else {
                continue;
            };
            let mut declared = IndexMap::new();
            for (k, v) in items {
                let logical = k.as_str().unwrap_or_default().to_string();
                let path = join(&gpath, &logical);
                if let Err(e) = names::check_logical(&logical) {
                    self.error(k.span, &path, e);
                    continue;
                }
                if let Some(resource) = self.resource(spec, kind, v, &path) {
                    declared.insert(logical, resource);
                }
            }
            spec.resources.insert(kind, declared);
        }
    }

    fn resource(
        &mut self,
        spec: &Spec,
        kind: ResourceKind,
        node: &Node,
        path: &str,
    ) -> Option<Resource> {
        let (name, exact, span) = match &node.value {
            Value::Map(entries) => {
                self.known_keys(entries, path, &["name"]);
                let Some(n) = Loader::get(entries, "name") else {
                    self.error(node.span, path, "missing key 'name'");
                    return None;
                };
                (self.string(n, &join(path, "name"))?, true, n.span)
            }
            _ => (self.string(node, path)?, false, node.span),
        };
        let pattern = name == "*";
        let physical = if exact || !kind.uses_naming() {
            name
        } else {
            spec.physical_name(&name)
        };
        let rule = match kind {
            ResourceKind::Bucket => NameRule::Bucket,
            ResourceKind::DynamodbTable => NameRule::DynamodbTable,
            ResourceKind::AthenaWorkgroup => NameRule::AthenaWorkgroup,
            ResourceKind::GlueDatabase => NameRule::GlueDatabase,
            ResourceKind::EcrRepository => NameRule::EcrRepository,
            ResourceKind::Secret => NameRule::Secret,
            ResourceKind::BedrockModel => NameRule::BedrockModel,
            ResourceKind::EcsCluster => NameRule::EcsCluster,
        };
        if let Err(e) = rule.check(&physical, pattern && kind.uses_naming()) {
            let hint = (!exact && kind.uses_naming())
                .then(|| format!("the naming convention '{}' made this name; give an exact one with `{{ name: ... }}`", spec.naming));
            // Still declared, so grants naming it are not reported again.
            self.error_hint(span, path, e, hint);
        }
        Some(Resource {
            name: physical,
            span,
        })
    }

    fn profiles(&mut self, spec: &Spec, node: &Node) -> IndexMap<String, (Span, Vec<Item>)> {
        let mut profiles = IndexMap::new();
        let Some(entries) = self.map(node, "profiles") else {
            return profiles;
        };
        for (k, v) in entries {
            let name = k.as_str().unwrap_or_default().to_string();
            let path = join("profiles", &name);
            if let Err(e) = names::check_logical(&name) {
                self.error(k.span, &path, e);
                continue;
            }
            let items = self.items(spec, v, &path, true);
            profiles.insert(name, (k.span, items));
        }
        profiles
    }

    /// Parses a list of grant items (and, in profiles, `use:` items).
    fn items(&mut self, spec: &Spec, node: &Node, path: &str, in_profile: bool) -> Vec<Item> {
        let list: &[Node] = match &node.value {
            Value::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.error_hint(
                    node.span,
                    path,
                    format!("expected a list of grants, found {}", node.shape()),
                    Some("write each grant as a list item: `- s3.read: [raw]`".into()),
                );
                return vec![];
            }
        };
        let mut out = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let ipath = format!("{path}[{i}]");
            if let Some(parsed) = self.item(spec, item, &ipath, in_profile) {
                out.push(parsed);
            }
        }
        out
    }

    fn item(&mut self, spec: &Spec, node: &Node, path: &str, in_profile: bool) -> Option<Item> {
        let (key_node, value, allow) = match &node.value {
            Value::Scalar { .. } if !node.is_null() => (node, None, None),
            Value::Map(entries) => {
                let mut grant = None;
                let mut allow = None;
                for (k, v) in entries {
                    match k.as_str() {
                        Some("allow") => allow = Some(v),
                        _ if grant.is_some() => {
                            self.error_hint(
                                k.span,
                                path,
                                "a grant item holds one grant",
                                Some("start another list item with '-'".into()),
                            );
                        }
                        _ => grant = Some((k, v)),
                    }
                }
                let Some((k, v)) = grant else {
                    self.error(node.span, path, "this item names no grant");
                    return None;
                };
                (k, Some(v), allow)
            }
            _ => {
                self.error(
                    node.span,
                    path,
                    format!(
                        "expected a grant such as `s3.read: [raw]`, found {}",
                        node.shape()
                    ),
                );
                return None;
            }
        };
        let key = key_node.as_str().unwrap_or_default();
        if key == "use" {
            if !in_profile {
                self.error_hint(
                    key_node.span,
                    path,
                    "'use' inside grants",
                    Some("list profiles in the service's own `use:` key".into()),
                );
                return None;
            }
            let value = value?;
            let profile = self.string(value, &join(path, "use"))?;
            return Some(Item::Use {
                profile,
                span: value.span,
                path: path.to_string(),
            });
        }
        let Some(kind) = GrantKind::from_key(key) else {
            let known = grants::GRANTS.iter().map(|d| d.key);
            let hint = match did_you_mean(key, known.clone()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!("known grants: {}", known.collect::<Vec<_>>().join(", ")),
            };
            self.error_hint(
                key_node.span,
                path,
                format!("unknown grant '{key}'"),
                Some(hint),
            );
            return None;
        };
        let def = kind.def();
        let targets = self.targets(spec, def.target, key, key_node, value, path)?;
        let allow = match allow {
            Some(a) => self.allow(a, &join(path, "allow"))?,
            None => IndexMap::new(),
        };
        Some(Item::Grant(GrantUse {
            kind,
            targets,
            span: key_node.span,
            path: path.to_string(),
            allow,
        }))
    }

    fn targets(
        &mut self,
        spec: &Spec,
        target: Target,
        key: &str,
        key_node: &Node,
        value: Option<&Node>,
        path: &str,
    ) -> Option<Vec<String>> {
        let Some(value) = value else {
            if target == Target::Flag {
                return Some(vec![]);
            }
            self.error(
                key_node.span,
                path,
                format!("grant '{key}' needs a value: what it applies to"),
            );
            return None;
        };
        match target {
            Target::Flag => match &value.value {
                _ if value.is_null() => Some(vec![]),
                Value::Scalar {
                    text,
                    quoted: false,
                } if text == "true" => Some(vec![]),
                Value::Scalar {
                    text,
                    quoted: false,
                } if text == "false" => {
                    self.error_hint(
                        value.span,
                        path,
                        format!("grant '{key}: false' grants nothing"),
                        Some("remove the item instead".into()),
                    );
                    None
                }
                _ => {
                    self.error(
                        value.span,
                        path,
                        format!("grant '{key}' takes `true`, found {}", value.shape()),
                    );
                    None
                }
            },
            Target::Resource(kind) => {
                let names = self.names(value, path, kind.noun());
                let declared = spec.resources.get(&kind);
                let mut ok = !names.is_empty();
                for (name, span) in &names {
                    if declared.is_none_or(|d| !d.contains_key(name)) {
                        ok = false;
                        let known: Vec<&str> = declared
                            .map(|d| d.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let hint = match did_you_mean(name, known.iter().copied()) {
                            Some(s) => Some(format!("did you mean '{s}'?")),
                            None if known.is_empty() => {
                                Some(format!("declare it under resources.{}", kind.key()))
                            }
                            None => Some(format!("known {}s: {}", kind.noun(), known.join(", "))),
                        };
                        self.error_hint(
                            *span,
                            path,
                            format!("unknown {} '{name}'", kind.noun()),
                            hint,
                        );
                    }
                }
                ok.then(|| names.into_iter().map(|(n, _)| n).collect())
            }
            // Service references are checked once all services are known.
            Target::Service(_) => {
                let names = self.names(value, path, "service");
                (!names.is_empty()).then(|| names.into_iter().map(|(n, _)| n).collect())
            }
            Target::Namespace => {
                let names = self.names(value, path, "namespace");
                let mut ok = !names.is_empty();
                for (ns, span) in &names {
                    if ns.len() > 255
                        || ns.starts_with("AWS/")
                        || ns.starts_with(':')
                        || !ns.is_ascii()
                    {
                        ok = false;
                        self.error(*span, path, format!("CloudWatch namespace '{ns}' must be ASCII, at most 255 characters, and not start with 'AWS/' or ':'"));
                    }
                }
                ok.then(|| names.into_iter().map(|(n, _)| n).collect())
            }
            Target::LogGroup => {
                let names = self.names(value, path, "log group");
                let mut ok = !names.is_empty();
                for (g, span) in &names {
                    let valid = g.len() <= 512
                        && g.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "._-/#".contains(c));
                    if !valid {
                        ok = false;
                        self.error(*span, path, format!("log group name '{g}' must be 1 to 512 of letters, digits and '._-/#'"));
                    }
                }
                ok.then(|| names.into_iter().map(|(n, _)| n).collect())
            }
        }
    }

    fn allow(&mut self, node: &Node, path: &str) -> Option<IndexMap<Finding, String>> {
        let entries = self.map(node, path)?;
        self.known_keys(entries, path, &[Finding::Wildcard.key()]);
        let mut allow = IndexMap::new();
        if let Some(v) = Loader::get(entries, Finding::Wildcard.key()) {
            let reason = self.string(v, &join(path, "wildcard"))?;
            if reason.trim().len() < 10 {
                self.error(v.span, &join(path, "wildcard"), "give a real reason (at least 10 characters): it is written into the output for reviewers");
                return None;
            }
            allow.insert(Finding::Wildcard, reason);
        }
        Some(allow)
    }

    fn services(
        &mut self,
        spec: &mut Spec,
        profiles: &IndexMap<String, (Span, Vec<Item>)>,
        node: &Node,
    ) {
        let Some(entries) = self.map(node, "services") else {
            return;
        };
        if entries.is_empty() {
            self.error(node.span, "services", "a spec needs at least one service");
            return;
        }
        for (k, v) in entries {
            let name = k.as_str().unwrap_or_default().to_string();
            let path = join("services", &name);
            if let Err(e) = names::check_logical(&name) {
                self.error(k.span, &path, e);
                continue;
            }
            if let Some(service) = self.service(spec, profiles, &name, k.span, v, &path) {
                spec.services.insert(name, service);
            }
        }
        self.check_service_references(spec);
    }

    fn service(
        &mut self,
        spec: &Spec,
        profiles: &IndexMap<String, (Span, Vec<Item>)>,
        name: &str,
        key_span: Span,
        node: &Node,
        path: &str,
    ) -> Option<Service> {
        let entries = self.map(node, path)?;
        self.known_keys(entries, path, SERVICE_KEYS);
        let Some(kind_node) = Loader::get(entries, "kind") else {
            let kinds: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.key()).collect();
            self.error_hint(
                node.span,
                path,
                "missing key 'kind'",
                Some(format!("kinds: {}", kinds.join(", "))),
            );
            return None;
        };
        let kind_text = self.string(kind_node, &join(path, "kind"))?;
        let Some(kind) = ServiceKind::from_key(&kind_text) else {
            let kinds: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.key()).collect();
            let hint = match did_you_mean(&kind_text, kinds.iter().copied()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!("known kinds: {}", kinds.join(", ")),
            };
            self.error_hint(
                kind_node.span,
                &join(path, "kind"),
                format!("unknown service kind '{kind_text}'"),
                Some(hint),
            );
            return None;
        };
        let mut service = Service {
            name: name.to_string(),
            kind,
            span: key_span,
            description: None,
            grants: Vec::new(),
            image: None,
            cluster: None,
            secrets: Vec::new(),
        };
        if let Some(d) = Loader::get(entries, "description") {
            if let Some(text) = self.string(d, &join(path, "description")) {
                if let Some(bad) = text.chars().find(|&c| !names::is_description_char(c)) {
                    self.error_hint(
                        d.span,
                        &join(path, "description"),
                        format!("a role description cannot contain {bad:?}"),
                        Some(
                            "IAM accepts tab, newline and the Latin-1 printable characters".into(),
                        ),
                    );
                } else if text.chars().count() > 1000 {
                    self.error(
                        d.span,
                        &join(path, "description"),
                        "a role description must be at most 1000 characters",
                    );
                } else {
                    service.description = Some(text);
                }
            }
        }
        self.service_names(spec, &service, path);
        for key in ECS_ONLY_KEYS {
            if kind != ServiceKind::EcsTask {
                if let Some((k, _)) = entries.iter().find(|(k, _)| k.as_str() == Some(key)) {
                    self.error(
                        k.span,
                        path,
                        format!(
                            "'{key}' is only for services of kind ecs_task, not {}",
                            kind.key()
                        ),
                    );
                }
            }
        }
        if kind == ServiceKind::EcsTask {
            service.image = self.service_resource(
                spec,
                entries,
                node,
                path,
                "image",
                ResourceKind::EcrRepository,
            );
            service.cluster = self.service_resource(
                spec,
                entries,
                node,
                path,
                "cluster",
                ResourceKind::EcsCluster,
            );
            if let Some(s) = Loader::get(entries, "secrets") {
                let spath = join(path, "secrets");
                for (secret, span) in self.names(s, &spath, "secret") {
                    if spec.resource(ResourceKind::Secret, &secret).is_some() {
                        service.secrets.push(secret);
                    } else {
                        self.error(span, &spath, format!("unknown secret '{secret}'"));
                    }
                }
            }
        }
        // Profiles first, in `use` order, then the service's own grants.
        if let Some(u) = Loader::get(entries, "use") {
            let upath = join(path, "use");
            for (profile, span) in self.names(u, &upath, "profile") {
                let mut stack = Vec::new();
                self.expand_profile(
                    profiles,
                    &profile,
                    span,
                    &upath,
                    &mut stack,
                    &mut service.grants,
                );
            }
        }
        if let Some(g) = Loader::get(entries, "grants") {
            for item in self.items(spec, g, &join(path, "grants"), false) {
                if let Item::Grant(grant) = item {
                    service.grants.push(grant);
                }
            }
        }
        for grant in &service.grants {
            let def = grant.kind.def();
            if !def.callers.contains(&kind) {
                let callers: Vec<&str> = def.callers.iter().map(|k| k.key()).collect();
                self.diags.push(
                    Diagnostic::error(
                        grant.span,
                        format!(
                            "grant '{}' cannot be used by service '{name}' of kind {}",
                            def.key,
                            kind.key()
                        ),
                    )
                    .at(&grant.path)
                    .with_hint(format!("it is for kinds: {}", callers.join(", "))),
                );
            }
        }
        Some(service)
    }

    fn service_resource(
        &mut self,
        spec: &Spec,
        entries: &[(Node, Node)],
        node: &Node,
        path: &str,
        key: &str,
        kind: ResourceKind,
    ) -> Option<String> {
        let Some(v) = Loader::get(entries, key) else {
            self.error(
                node.span,
                path,
                format!("missing key '{key}': the {} an ecs_task uses", kind.noun()),
            );
            return None;
        };
        let name = self.string(v, &join(path, key))?;
        if spec.resource(kind, &name).is_none() {
            let known: Vec<&str> = spec
                .resources
                .get(&kind)
                .map(|d| d.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let hint =
                did_you_mean(&name, known.iter().copied()).map(|s| format!("did you mean '{s}'?"));
            self.error_hint(
                v.span,
                &join(path, key),
                format!("unknown {} '{name}'", kind.noun()),
                hint.or(Some(format!("declare it under resources.{}", kind.key()))),
            );
            return None;
        }
        Some(name)
    }

    /// The AWS names the convention gives this service's roles, policies and itself must fit AWS's limits.
    fn service_names(&mut self, spec: &Spec, service: &Service, path: &str) {
        let mut checks = vec![
            (NameRule::IamRole, grants::names::role(spec, &service.name)),
            (
                NameRule::IamPolicy,
                grants::names::role(spec, &service.name),
            ),
        ];
        match service.kind {
            ServiceKind::Lambda => checks.push((
                NameRule::LambdaFunction,
                grants::names::service(spec, &service.name),
            )),
            ServiceKind::StepFunctions => checks.push((
                NameRule::StateMachine,
                grants::names::service(spec, &service.name),
            )),
            ServiceKind::EcsTask => {
                checks.push((
                    NameRule::TaskFamily,
                    grants::names::service(spec, &service.name),
                ));
                checks.push((
                    NameRule::IamRole,
                    grants::names::execution_role(spec, &service.name),
                ));
            }
            _ => {}
        }
        for (rule, name) in checks {
            if let Err(e) = rule.check(&name, false) {
                self.error_hint(
                    service.span,
                    path,
                    e,
                    Some(format!("the naming convention '{}' made this name; shorten the service name or the convention", spec.naming)),
                );
                return;
            }
        }
    }

    fn expand_profile(
        &mut self,
        profiles: &IndexMap<String, (Span, Vec<Item>)>,
        profile: &str,
        span: Span,
        path: &str,
        stack: &mut Vec<String>,
        out: &mut Vec<GrantUse>,
    ) {
        let Some((_, items)) = profiles.get(profile) else {
            let hint = did_you_mean(profile, profiles.keys().map(String::as_str))
                .map(|s| format!("did you mean '{s}'?"));
            self.error_hint(
                span,
                path,
                format!("unknown profile '{profile}'"),
                hint.or(Some("declare it under profiles".into())),
            );
            return;
        };
        if stack.iter().any(|p| p == profile) {
            stack.push(profile.to_string());
            self.error(span, path, format!("profile cycle: {}", stack.join(" -> ")));
            stack.pop();
            return;
        }
        stack.push(profile.to_string());
        for item in items {
            match item {
                Item::Grant(g) => out.push(g.clone()),
                Item::Use {
                    profile: inner,
                    span,
                    path,
                } => self.expand_profile(profiles, inner, *span, &join(path, "use"), stack, out),
            }
        }
        stack.pop();
    }

    /// Grants that name services: each must exist and be of a kind the grant can reach.
    fn check_service_references(&mut self, spec: &Spec) {
        let mut seen = HashSet::new();
        for service in spec.services.values() {
            for grant in &service.grants {
                let Target::Service(kinds) = grant.kind.def().target else {
                    continue;
                };
                if !seen.insert((grant.path.clone(), service.name.clone())) {
                    continue;
                }
                for target in &grant.targets {
                    match spec.services.get(target) {
                        None => {
                            let fitting: Vec<&str> = spec
                                .services
                                .values()
                                .filter(|s| kinds.contains(&s.kind))
                                .map(|s| s.name.as_str())
                                .collect();
                            let hint = match did_you_mean(target, fitting.iter().copied()) {
                                Some(s) => format!("did you mean '{s}'?"),
                                None if fitting.is_empty() => {
                                    "no service of a kind it can reach is declared".to_string()
                                }
                                None => format!("services it can reach: {}", fitting.join(", ")),
                            };
                            self.error_hint(
                                grant.span,
                                &grant.path,
                                format!("unknown service '{target}'"),
                                Some(hint),
                            );
                        }
                        Some(t) if !kinds.contains(&t.kind) => {
                            let wanted: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
                            self.error(
                                grant.span,
                                &grant.path,
                                format!(
                                    "grant '{}' needs a service of kind {}, but '{target}' is {}",
                                    grant.kind.key(),
                                    wanted.join(" or "),
                                    t.kind.key()
                                ),
                            );
                        }
                        Some(_)
                            if target == &service.name && grant.kind == GrantKind::LambdaInvoke =>
                        {
                            self.error(grant.span, &grant.path, format!("service '{target}' grants itself lambda.invoke; a function needs no permission to be itself"));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}
