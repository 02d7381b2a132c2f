//! Decodes a YAML spec into a [`SpecInput`], reporting every shape problem (a list where a name
//! belongs, an unknown key, a missing `kind`) with its line and column, and recording where every
//! key path is written so that validation's problems get positions too.

use indexmap::IndexMap;

use super::input::{
    Allow, ConditionValues, EnvironmentInput, GrantInput, ProfileItem, ResourceDetail,
    ResourceInput, Scope, ServiceInput, SpecInput, StatementInput, VectorEngine, VpcInput,
};
use super::yaml::{self, Node, Value};
use crate::diag::{did_you_mean, hint_unknown, quote, Diagnostic, Loc, SourceMap, Span};
use crate::grants::{GrantKind, Target};
use crate::kinds::{join_keys, Finding, ResourceKind, ServiceKind};

/// Which file of a spec is decoded: what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The root file: the whole spec, or its `project`, `environment`... and `include:`.
    Root,
    /// An included file: only [`INCLUDED_KEYS`].
    Included,
    /// A file of a directory: the root when it has `project:`, else an included file.
    OfDirectory,
}

/// The largest spec iamgen reads, in bytes: 4 MiB, all of its files together. Reading stops one
/// byte past it, so `/dev/zero` or an endless pipe costs no more.
///
/// The limit protects memory. Memory grows with the services and their statements, not with the
/// bytes; measured with `/usr/bin/time -v iamgen check` (release build) on the benchmarks'
/// synthetic specs: 10,000 services written in block YAML are 1.5 MiB and peak at 1.3 GiB; a spec
/// at the limit peaks at 3.4 GiB in block YAML (26,500 services) and at 5.3 GiB in the denser flow
/// style (41,400 services). A real platform's spec is a few kilobytes.
pub const MAX_SPEC_BYTES: u64 = 4 << 20;

/// The top-level keys an included file (or a directory's file other than the root) may hold; the
/// others (`project`, `environment`, `naming`, `tags`, `accounts`, `environments`,
/// `tag_based_access`, `include`) belong in the root file only.
pub(crate) const INCLUDED_KEYS: &[&str] = &["resources", "profiles", "services"];

const TOP_KEYS: &[&str] = &[
    "project",
    "environment",
    "naming",
    "tags",
    "resources",
    "profiles",
    "services",
    // Issue 11.
    "accounts",
    "environments",
    "tag_based_access",
    // Issue 10.
    "include",
];
const SERVICE_KEYS: &[&str] = &[
    "kind",
    "description",
    "use",
    "grants",
    "image",
    "cluster",
    "secrets",
    "vector_store",
    // Issue 11.
    "group",
    "vpc",
    "statements",
    "parameters",
];
/// The keys of an environment under `environments:`.
const ENVIRONMENT_KEYS: &[&str] = &["tags", "resources", "accounts", "without_services"];
/// The keys of a hand-written statement.
const STATEMENT_KEYS: &[&str] = &["sid", "actions", "resources", "conditions", "why"];

/// A decoded spec: the input (whatever could be read), where each path is, and the shape problems.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decoded {
    pub(crate) input: SpecInput,
    pub(crate) source: SourceMap,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// False when the text is no spec at all (not YAML, empty, not a mapping): nothing to validate.
    pub(crate) readable: bool,
    /// Whether it was decoded as the root file (for [`Part::OfDirectory`]: it has `project:`).
    pub(crate) root: bool,
    /// The files its `include:` names, each where it is written.
    pub(crate) includes: Vec<(String, Span)>,
    /// Where `include:` is written, when it is.
    pub(crate) include_key: Option<Span>,
    /// Whether it has a `services:` key (the spec needs one, in some file).
    pub(crate) has_services: bool,
    /// Where a missing `services:` is reported (the root mapping), unless a misspelled key
    /// already says so.
    pub(crate) missing_services: Option<Span>,
}

/// The UTF-8 byte-order mark, which YAML allows before a document.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// Decodes `text`, the file `part` of a spec. Problems are in `diagnostics`; the input holds what
/// could be read.
pub(crate) fn decode(text: &str, part: Part) -> Decoded {
    // YAML 1.2 (5.2) allows a byte-order mark at the start; it is not part of the first key, and
    // positions are those of the text after it, as an editor shows them.
    let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
    let mut d = Decoder {
        part,
        out: Decoded::default(),
    };
    if text.len() as u64 > MAX_SPEC_BYTES {
        d.error(
            Span::new(1, 1),
            "",
            format!(
                "the spec is {} bytes; iamgen reads specs of at most {MAX_SPEC_BYTES} bytes",
                text.len()
            ),
        );
    } else if let Some(pos) = text.find('\0') {
        let line = text[..pos].matches('\n').count() + 1;
        d.error(
            Span::new(line, 1),
            "",
            "the spec contains a NUL byte; it is not a YAML text file",
        );
    } else {
        match yaml::parse(text) {
            Ok(root) => d.spec(&root),
            Err(mut diags) => {
                for diag in &mut diags {
                    hint_allow_under_bare_grant(text, diag);
                }
                d.out.diagnostics.append(&mut diags)
            }
        }
    }
    d.out
}

struct Decoder {
    part: Part,
    out: Decoded,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn get<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn key_of(k: &Node) -> String {
    k.as_str().unwrap_or_default().to_string()
}

impl Decoder {
    fn error(&mut self, span: Span, path: &str, message: impl Into<String>) {
        self.out
            .diagnostics
            .push(Diagnostic::error(span, message).at(path));
    }

    fn error_hint(&mut self, span: Span, path: &str, message: impl Into<String>, hint: String) {
        self.out
            .diagnostics
            .push(Diagnostic::error(span, message).at(path).with_hint(hint));
    }

    fn key(&mut self, path: &str, span: Span) {
        self.out.source.insert(Loc::Key(path.to_string()), span);
    }

    fn value(&mut self, path: &str, span: Span) {
        self.out.source.insert(Loc::Value(path.to_string()), span);
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
                let hint = hint_unknown(key, allowed, |known| {
                    format!("known keys: {}", known.join(", "))
                });
                self.error_hint(k.span, path, format!("unknown key {}", quote(key)), hint);
            }
        }
    }

    /// A non-empty scalar string, or an error.
    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() && !text.is_empty() => Some(text.clone()),
            Value::Scalar { .. } if !node.is_null() => {
                self.error(
                    node.span,
                    path,
                    "expected a text value, found an empty string",
                );
                None
            }
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

    /// One name or a non-empty list of names, each recorded at `at[i]`.
    fn names(&mut self, node: &Node, path: &str, what: &str, at: &str) -> Vec<String> {
        let found = self.names_at(node, path, what, at);
        found.into_iter().map(|(n, _)| n).collect()
    }

    /// [`names`](Self::names), each with where it is written.
    fn names_at(&mut self, node: &Node, path: &str, what: &str, at: &str) -> Vec<(String, Span)> {
        let found: Vec<(String, Span)> = match &node.value {
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
        };
        for (i, (_, span)) in found.iter().enumerate() {
            self.value(&format!("{at}[{i}]"), *span);
        }
        found
    }

    /// A required top-level text value; a missing or unreadable one is reported here, once.
    fn required(&mut self, root: &Node, entries: &[(Node, Node)], key: &str) -> String {
        let value = match get(entries, key) {
            Some(n) => {
                self.value(key, n.span);
                self.string(n, key)
            }
            None => {
                // A missing key that an unknown key misspells is reported once, as the misspelling.
                if !misspelled(entries, key) {
                    self.error(root.span, "", format!("missing key '{key}'"));
                }
                None
            }
        };
        value.unwrap_or_else(|| {
            self.out.source.reported(key);
            String::new()
        })
    }

    fn spec(&mut self, root: &Node) {
        let entries = match &root.value {
            Value::Map(entries) => entries,
            _ => {
                let expected = match self.part {
                    Part::Included => {
                        "an included file must be a mapping of resources, profiles and services"
                    }
                    _ => "the spec must be a mapping with project, environment and services",
                };
                self.error_hint(
                    root.span,
                    "",
                    format!("{expected}; found {}", root.shape()),
                    "see the README's spec format".into(),
                );
                return;
            }
        };
        self.out.readable = true;
        self.out.root = match self.part {
            Part::Root => true,
            Part::Included => false,
            Part::OfDirectory => get(entries, "project").is_some(),
        };
        if !self.out.root {
            self.included(entries);
            return;
        }
        self.known_keys(entries, "", TOP_KEYS);
        if let Some((k, node)) = entries.iter().find(|(k, _)| k.as_str() == Some("include")) {
            self.out.include_key = Some(k.span);
            self.out.includes = self.names_at(node, "include", "file", "include");
        }
        self.out.input.project = self.required(root, entries, "project");
        self.out.input.environment = self.required(root, entries, "environment");
        if let Some(n) = get(entries, "naming") {
            self.value("naming", n.span);
            self.out.input.naming = Some(self.string(n, "naming").unwrap_or_else(|| {
                self.out.source.reported("naming");
                String::new()
            }));
        }
        if let Some(node) = get(entries, "tags") {
            self.tags(node);
        }
        if let Some(node) = get(entries, "resources") {
            self.resources(node);
        }
        if let Some(node) = get(entries, "profiles") {
            self.profiles(node);
        }
        if let Some(node) = get(entries, "accounts") {
            self.out.input.accounts = self.text_map(node, "accounts");
        }
        if let Some(node) = get(entries, "environments") {
            self.environments(node);
        }
        if let Some(node) = get(entries, "tag_based_access") {
            self.value("tag_based_access", node.span);
            self.out.input.tag_based_access =
                self.boolean(node, "tag_based_access").unwrap_or_default();
        }
        match get(entries, "services") {
            Some(node) => {
                self.out.has_services = true;
                self.services(node)
            }
            // Reported once every file is read: an included file may hold the services.
            None => {
                self.out.missing_services = (!misspelled(entries, "services")).then_some(root.span);
            }
        }
    }

    /// An included file: resources, profiles and services, which join the root file's.
    fn included(&mut self, entries: &[(Node, Node)]) {
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if INCLUDED_KEYS.contains(&key) {
                continue;
            }
            let only = "an included file holds only resources, profiles and services";
            match key {
                "include" => self.error_hint(
                    k.span,
                    "",
                    "an included file cannot include others",
                    format!("{only}; list every file in the root file's `include:`"),
                ),
                _ if TOP_KEYS.contains(&key) => self.error_hint(
                    k.span,
                    "",
                    format!("{} belongs in the root file only", quote(key)),
                    format!("{only}; move it to the root file"),
                ),
                _ => {
                    let hint = hint_unknown(key, INCLUDED_KEYS, |known| {
                        format!("known keys of an included file: {}", known.join(", "))
                    });
                    self.error_hint(k.span, "", format!("unknown key {}", quote(key)), hint);
                }
            }
        }
        if let Some(node) = get(entries, "resources") {
            self.resources(node);
        }
        if let Some(node) = get(entries, "profiles") {
            self.profiles(node);
        }
        if let Some(node) = get(entries, "services") {
            self.out.has_services = true;
            self.services(node);
        }
    }

    fn tags(&mut self, node: &Node) {
        self.out.input.tags = self.text_map(node, "tags");
    }

    /// A mapping of names to text values (`tags`, `accounts`), each value recorded at `PATH.KEY`.
    fn text_map(&mut self, node: &Node, at: &str) -> IndexMap<String, String> {
        self.value(at, node.span);
        let mut out = IndexMap::new();
        let Some(entries) = self.map(node, at) else {
            return out;
        };
        for (k, v) in entries {
            let key = key_of(k);
            let path = format!("{at}.{key}");
            self.key(&path, k.span);
            self.value(&path, v.span);
            if let Some(value) = self.string(v, &path) {
                out.insert(key, value);
            }
        }
        out
    }

    fn resources(&mut self, node: &Node) {
        self.out.input.resources = self.resources_at(node, "resources");
    }

    /// Declared resources under `at` (`resources`, or an environment's).
    fn resources_at(
        &mut self,
        node: &Node,
        at: &str,
    ) -> IndexMap<ResourceKind, IndexMap<String, ResourceInput>> {
        let mut out = IndexMap::new();
        let Some(entries) = self.map(node, at) else {
            return out;
        };
        let keys: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.key()).collect();
        self.known_keys(entries, at, &keys);
        for kind in ResourceKind::ALL {
            let Some(group) = get(entries, kind.key()) else {
                continue;
            };
            let gpath = format!("{at}.{}", kind.key());
            let Some(items) = self.map(group, &gpath) else {
                continue;
            };
            let mut declared = IndexMap::new();
            for (k, v) in items {
                let logical = key_of(k);
                let path = join(&gpath, &logical);
                self.key(&path, k.span);
                match self.resource(kind, v, &path) {
                    Some(resource) => {
                        declared.insert(logical, resource);
                    }
                    // Declared, if unreadable: grants naming it are not reported again.
                    None => {
                        self.out.source.reported(&path);
                        declared.insert(logical, ResourceInput::Convention(String::new()));
                    }
                }
            }
            out.insert(kind, declared);
        }
        out
    }

    fn resource(&mut self, kind: ResourceKind, node: &Node, path: &str) -> Option<ResourceInput> {
        match &node.value {
            Value::Map(entries)
                if kind.detail_keys() != ["name"]
                    && !(entries.len() == 1 && get(entries, "name").is_some()) =>
            {
                self.resource_detail(kind, node, entries, path)
            }
            Value::Map(entries) => {
                self.known_keys(entries, path, &["name"]);
                let Some(n) = get(entries, "name") else {
                    self.error(node.span, path, "missing key 'name'");
                    return None;
                };
                self.value(path, n.span);
                let name = self.string(n, &join(path, "name"))?;
                Some(ResourceInput::Exact { name })
            }
            _ => {
                self.value(path, node.span);
                self.string(node, path).map(ResourceInput::Convention)
            }
        }
    }

    /// The mapping form of a resource with more than a name (a workgroup's `results`, a vector
    /// store, a Bedrock model's profile): only its kind's keys, text values (`regions`: a list).
    fn resource_detail(
        &mut self,
        kind: ResourceKind,
        node: &Node,
        entries: &[(Node, Node)],
        path: &str,
    ) -> Option<ResourceInput> {
        self.value(path, node.span);
        self.known_keys(entries, path, kind.detail_keys());
        let mut detail = ResourceDetail::default();
        let mut ok = true;
        for (k, v) in entries {
            let key = key_of(k);
            let kpath = join(path, &key);
            self.key(&kpath, k.span);
            self.value(&kpath, v.span);
            if !kind.detail_keys().contains(&key.as_str()) {
                ok = false;
                continue;
            }
            if key == "regions" {
                detail.regions = self.names(v, &kpath, "region", &kpath);
                continue;
            }
            if key == "topics" {
                detail.topics = self.names(v, &kpath, "topic", &kpath);
                continue;
            }
            if key == "rules" {
                detail.rules = self.names(v, &kpath, "rule", &kpath);
                continue;
            }
            let Some(text) = self.string(v, &kpath) else {
                ok = false;
                continue;
            };
            match key.as_str() {
                "name" => detail.name = Some(text),
                "results" => detail.results = Some(text),
                "engine" => match VectorEngine::from_key(&text) {
                    Some(e) => detail.engine = Some(e),
                    None => {
                        ok = false;
                        let known: Vec<&str> = VectorEngine::ALL.iter().map(|e| e.key()).collect();
                        let hint = hint_unknown(&text, &known, |known| {
                            format!("engines: {}", known.join(", "))
                        });
                        self.error_hint(
                            v.span,
                            &kpath,
                            format!("unknown vector store engine '{text}'"),
                            hint,
                        );
                    }
                },
                "bucket" => detail.bucket = Some(text),
                "index" => detail.index = Some(text),
                "collection" => detail.collection = Some(text),
                "cluster" => detail.cluster = Some(text),
                "secret" => detail.secret = Some(text),
                "kms_key" => detail.kms_key = Some(text),
                _ => detail.application_profile = Some(text),
            }
        }
        ok.then_some(ResourceInput::Detailed(detail))
    }

    fn profiles(&mut self, node: &Node) {
        let Some(entries) = self.map(node, "profiles") else {
            return;
        };
        for (k, v) in entries {
            let name = key_of(k);
            let path = join("profiles", &name);
            self.key(&path, k.span);
            let items = self.items(v, &path, true);
            self.out.input.profiles.insert(name, items);
        }
    }

    /// Decodes a list of grant items (and, in profiles, `use:` items).
    fn items(&mut self, node: &Node, path: &str, in_profile: bool) -> Vec<ProfileItem> {
        let list: &[Node] = match &node.value {
            Value::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.error_hint(
                    node.span,
                    path,
                    format!("expected a list of grants, found {}", node.shape()),
                    "write each grant as a list item: `- s3.read: [raw]`".into(),
                );
                return vec![];
            }
        };
        let mut kept = Vec::new();
        let mut items = Vec::new();
        for (i, node) in list.iter().enumerate() {
            if let Some(item) = self.item(node, &format!("{path}[{i}]"), in_profile) {
                // A service's `use` items are refused above, so kept items are all grants there.
                if in_profile || matches!(item, ProfileItem::Grant(_)) {
                    kept.push(i);
                    items.push(item);
                }
            }
        }
        self.out.source.indexes(path, kept);
        items
    }

    fn item(&mut self, node: &Node, path: &str, in_profile: bool) -> Option<ProfileItem> {
        let mut tags: Option<(&Node, &Node)> = None;
        let (key_node, value, allow) = match &node.value {
            Value::Scalar { .. } if !node.is_null() => (node, None, None),
            Value::Map(entries) => {
                let mut grant = None;
                let mut allow = None;
                for (k, v) in entries {
                    match k.as_str() {
                        Some("allow") => allow = Some(v),
                        Some("tag_based_access") => tags = Some((k, v)),
                        _ if grant.is_some() => {
                            self.error_hint(
                                k.span,
                                path,
                                "a grant item holds one grant",
                                "start another list item with '-'".into(),
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
        if let (Some(allow), "use", Some(value)) = (allow, key, value) {
            let profile = value.as_str().unwrap_or_default();
            self.out.diagnostics.push(
                Diagnostic::warning(allow.span, "`allow:` on a `use:` item accepts nothing")
                    .at(path)
                    .with_hint(format!(
                        "put it on the grants of profile {} that need it",
                        quote(profile)
                    )),
            );
        }
        if key == "use" {
            if !in_profile {
                self.error_hint(
                    key_node.span,
                    path,
                    "'use' inside grants",
                    "list profiles in the service's own `use:` key".into(),
                );
                return None;
            }
            let value = value?;
            let upath = join(path, "use");
            self.value(&upath, value.span);
            return self.string(value, &upath).map(ProfileItem::Use);
        }
        let Some(kind) = GrantKind::from_key(key) else {
            let known: Vec<&str> = GrantKind::all().map(GrantKind::key).collect();
            let hint = hint_unknown(key, &known, |known| {
                format!("known grants: {}", known.join(", "))
            });
            self.error_hint(
                key_node.span,
                path,
                format!("unknown grant {}", quote(key)),
                hint,
            );
            return None;
        };
        self.key(path, key_node.span);
        // A grant without targets may hold its `allow:` (`- xray.write:` then an indented
        // `allow:`): its value can only be `true` otherwise, so this is unambiguous.
        let (value, allow) = match value.map(|v| &v.value) {
            Some(Value::Map(entries))
                if kind.target() == Target::Flag
                    && !entries.is_empty()
                    && entries.iter().all(|(k, _)| k.as_str() == Some("allow")) =>
            {
                if let Some(sibling) = allow {
                    self.error(sibling.span, path, "`allow:` is given twice for this grant");
                    return None;
                }
                (None, get(entries, "allow"))
            }
            _ => (value, allow),
        };
        let scoped = matches!(
            kind.target(),
            Target::Resource(ResourceKind::Bucket | ResourceKind::DynamodbTable)
        ) && value.is_some_and(|v| match &v.value {
            Value::Seq(items) => items.iter().any(|i| matches!(i.value, Value::Map(_))),
            Value::Map(_) => true,
            _ => false,
        });
        let (targets, scopes) = match (scoped, value) {
            (true, Some(v)) => self.scoped_targets(kind, v, path)?,
            _ => (
                self.targets(kind, key, key_node, value, path)?,
                IndexMap::new(),
            ),
        };
        let allow = match allow {
            Some(a) => self.allow(a, path)?,
            None => Allow::default(),
        };
        let mut grant = GrantInput::new(kind, targets);
        grant.allow = allow;
        grant.scopes = scopes;
        if let Some((k, v)) = tags {
            let tpath = join(path, "tag_based_access");
            self.key(&tpath, k.span);
            grant.tag_based_access = Some(self.boolean(v, &tpath)?);
        }
        Some(ProfileItem::Grant(grant))
    }

    fn targets(
        &mut self,
        kind: GrantKind,
        key: &str,
        key_node: &Node,
        value: Option<&Node>,
        path: &str,
    ) -> Option<Vec<String>> {
        let target = kind.target();
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
        let what = match target {
            Target::Flag => {
                return match &value.value {
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
                            "remove the item instead".into(),
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
                }
            }
            Target::Resource(kind) => kind.noun(),
            Target::Service(_) => "service",
            Target::Namespace => "namespace",
            Target::LogGroup => "log group",
        };
        let names = self.names(value, path, what, path);
        (!names.is_empty()).then_some(names)
    }

    /// `true` or `false`, unquoted.
    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar {
                text,
                quoted: false,
            } if text == "true" || text == "false" => Some(text == "true"),
            _ => {
                self.error(
                    node.span,
                    path,
                    format!("expected true or false, found {}", node.shape()),
                );
                None
            }
        }
    }

    /// The targets of an S3 or DynamoDB grant where some are scoped: a name, or a mapping naming
    /// the bucket (`bucket:`, with `prefix:`) or the table (`table:`, with `leading_keys:`).
    fn scoped_targets(
        &mut self,
        kind: GrantKind,
        node: &Node,
        path: &str,
    ) -> Option<(Vec<String>, IndexMap<String, Scope>)> {
        let (name_key, scope_key) = match kind.target() {
            Target::Resource(ResourceKind::DynamodbTable) => ("table", "leading_keys"),
            _ => ("bucket", "prefix"),
        };
        let items: Vec<&Node> = match &node.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut targets: Vec<String> = Vec::new();
        let mut scopes: IndexMap<String, Scope> = IndexMap::new();
        let mut ok = true;
        for (j, item) in items.iter().enumerate() {
            let ipath = format!("{path}[{j}]");
            self.value(&ipath, item.span);
            let Value::Map(entries) = &item.value else {
                match self.string(item, &ipath) {
                    Some(name) if !targets.contains(&name) => targets.push(name),
                    Some(_) => {}
                    None => ok = false,
                }
                continue;
            };
            self.known_keys(entries, &ipath, &[name_key, scope_key]);
            let Some(name_node) = get(entries, name_key) else {
                ok = false;
                self.error_hint(
                    item.span,
                    &ipath,
                    format!("a scoped target names its {name_key}"),
                    format!("for example {{ {name_key}: raw, {scope_key}: ... }}"),
                );
                continue;
            };
            let Some(name) = self.string(name_node, &join(&ipath, name_key)) else {
                ok = false;
                continue;
            };
            let Some(scope_node) = get(entries, scope_key) else {
                ok = false;
                self.error(
                    item.span,
                    &ipath,
                    format!("a scoped target needs `{scope_key}`; write the plain name for the whole {}", if name_key == "table" { "table" } else { "bucket" }),
                );
                continue;
            };
            let spath = join(&ipath, scope_key);
            self.value(&spath, scope_node.span);
            let scope = scopes.entry(name.clone()).or_default();
            if scope_key == "prefix" {
                match self.string(scope_node, &spath) {
                    Some(prefix) => scope.prefixes.push(prefix),
                    None => ok = false,
                }
            } else {
                let keys = self.names(scope_node, &spath, "leading key", &spath);
                ok &= !keys.is_empty();
                scope.leading_keys.extend(keys);
            }
            if !targets.contains(&name) {
                targets.push(name);
            }
        }
        ok.then_some((targets, scopes))
    }

    /// The `allow:` of the grant at `grant`.
    fn allow(&mut self, node: &Node, grant: &str) -> Option<Allow> {
        let path = &join(grant, "allow");
        let entries = self.map(node, path)?;
        if entries.is_empty() {
            self.out.diagnostics.push(
                Diagnostic::warning(
                    node.span,
                    "`allow:` names no finding, so it accepts nothing",
                )
                .at(grant)
                .with_hint("remove it, or write `allow: { wildcard: \"why\" }`"),
            );
        }
        self.known_keys(entries, path, &[Finding::Wildcard.key()]);
        let mut allow = Allow::default();
        if let Some(v) = get(entries, Finding::Wildcard.key()) {
            let wpath = join(path, Finding::Wildcard.key());
            self.value(&wpath, v.span);
            allow.wildcard = Some(self.string(v, &wpath)?);
        }
        Some(allow)
    }

    fn services(&mut self, node: &Node) {
        self.value("services", node.span);
        let Some(entries) = self.map(node, "services") else {
            self.out.source.reported("services");
            return;
        };
        for (k, v) in entries {
            let name = key_of(k);
            let path = join("services", &name);
            self.key(&path, k.span);
            let service = self.service(v, &path).unwrap_or_else(|| {
                // Declared, if unreadable: the spec does not lack services, and grants naming
                // it are not reported again.
                self.out.source.reported(&join(&path, "kind"));
                ServiceInput::new(ServiceKind::Lambda)
            });
            self.out.input.services.insert(name, service);
        }
    }

    /// The service's kind; `None` (reported) when it is missing or unknown, and then the
    /// service's other keys are still read, under a stand-in kind, for what validation can check.
    fn kind(&mut self, node: &Node, entries: &[(Node, Node)], path: &str) -> Option<ServiceKind> {
        let Some(kind_node) = get(entries, "kind") else {
            self.error_hint(
                node.span,
                path,
                "missing key 'kind'",
                format!("kinds: {}", join_keys(&ServiceKind::ALL, ", ")),
            );
            return None;
        };
        let kind_text = self.string(kind_node, &join(path, "kind"))?;
        let kind = ServiceKind::from_key(&kind_text);
        if kind.is_none() {
            let kinds: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.key()).collect();
            let hint = hint_unknown(&kind_text, &kinds, |known| {
                format!("known kinds: {}", known.join(", "))
            });
            self.error_hint(
                kind_node.span,
                &join(path, "kind"),
                format!("unknown service kind {}", quote(&kind_text)),
                hint,
            );
        }
        kind
    }

    fn service(&mut self, node: &Node, path: &str) -> Option<ServiceInput> {
        self.value(path, node.span);
        let entries = self.map(node, path)?;
        self.known_keys(entries, path, SERVICE_KEYS);
        let kind = self.kind(node, entries, path);
        let kind_known = kind.is_some();
        if !kind_known {
            // Validation skips what depends on the kind: the stand-in is never judged.
            self.out.source.reported(&join(path, "kind"));
        }
        let kind = kind.unwrap_or(ServiceKind::Lambda);
        let mut service = ServiceInput::new(kind);
        if let Some(d) = get(entries, "description") {
            let dpath = join(path, "description");
            self.value(&dpath, d.span);
            service.description = self.string(d, &dpath);
        }
        for (k, v) in entries {
            let key = key_of(k);
            let kpath = join(path, &key);
            self.key(&kpath, k.span);
            if !["image", "cluster", "secrets", "parameters"].contains(&key.as_str()) {
                continue;
            }
            if kind != ServiceKind::EcsTask && kind_known {
                // Only their presence matters: validation refuses the key for this kind.
                let text = v.as_str().unwrap_or_default().to_string();
                match key.as_str() {
                    "image" => service.image = Some(text),
                    "cluster" => service.cluster = Some(text),
                    "parameters" => service.parameters = vec![text],
                    _ => service.secrets = vec![text],
                }
                continue;
            }
            if key == "secrets" {
                service.secrets = self.names(v, &kpath, "secret", &kpath);
                continue;
            }
            if key == "parameters" {
                service.parameters = self.names(v, &kpath, "parameter", &kpath);
                continue;
            }
            self.value(&kpath, v.span);
            let name = self.string(v, &kpath);
            if name.is_none() {
                self.out.source.reported(&kpath);
            }
            if key == "image" {
                service.image = name;
            } else {
                service.cluster = name;
            }
        }
        if let Some(v) = get(entries, "vector_store") {
            let vpath = join(path, "vector_store");
            self.value(&vpath, v.span);
            service.vector_store = self.string(v, &vpath);
        }
        if let Some(v) = get(entries, "group") {
            let gpath = join(path, "group");
            self.value(&gpath, v.span);
            service.group = self.string(v, &gpath);
        }
        if let Some(v) = get(entries, "vpc") {
            service.vpc = self.vpc(v, &join(path, "vpc"));
        }
        if let Some(v) = get(entries, "statements") {
            service.statements = self.statements(v, &join(path, "statements"));
        }
        if let Some(u) = get(entries, "use") {
            let upath = join(path, "use");
            service.uses = self.names(u, &upath, "profile", &upath);
        }
        if let Some(g) = get(entries, "grants") {
            for item in self.items(g, &join(path, "grants"), false) {
                if let ProfileItem::Grant(grant) = item {
                    service.grants.push(grant);
                }
            }
        }
        Some(service)
    }
}

// ----- Issue 11: environments, VPC, hand-written statements. -----
impl Decoder {
    /// `environments:`: each environment's overrides.
    fn environments(&mut self, node: &Node) {
        self.value("environments", node.span);
        let Some(entries) = self.map(node, "environments") else {
            return;
        };
        for (k, v) in entries {
            let name = key_of(k);
            let path = join("environments", &name);
            self.key(&path, k.span);
            self.value(&path, v.span);
            let mut env = EnvironmentInput::default();
            if let Some(items) = self.map(v, &path) {
                self.known_keys(items, &path, ENVIRONMENT_KEYS);
                if let Some(n) = get(items, "tags") {
                    env.tags = self.text_map(n, &join(&path, "tags"));
                }
                if let Some(n) = get(items, "resources") {
                    env.resources = self.resources_at(n, &join(&path, "resources"));
                }
                if let Some(n) = get(items, "accounts") {
                    env.accounts = self.text_map(n, &join(&path, "accounts"));
                }
                if let Some(n) = get(items, "without_services") {
                    let wpath = join(&path, "without_services");
                    env.without_services = self.names(n, &wpath, "service", &wpath);
                }
            }
            self.out.input.environments.insert(name, env);
        }
    }

    /// `vpc:` on a service: `true`, `false`, or `{ subnets: [...], security_groups: [...] }`.
    fn vpc(&mut self, node: &Node, path: &str) -> Option<VpcInput> {
        self.value(path, node.span);
        match &node.value {
            Value::Map(entries) => {
                self.known_keys(entries, path, &["subnets", "security_groups"]);
                let mut list = |key: &str, what: &str| match get(entries, key) {
                    Some(n) => {
                        let kpath = join(path, key);
                        let ids = self.names(n, &kpath, what, &kpath);
                        if ids.is_empty() {
                            self.out.source.reported(&kpath);
                        }
                        ids
                    }
                    None => {
                        self.error(
                            node.span,
                            path,
                            format!("missing key '{key}': the function's {what}s"),
                        );
                        vec![]
                    }
                };
                let subnets = list("subnets", "subnet");
                let security_groups = list("security_groups", "security group");
                Some(VpcInput::Network {
                    subnets,
                    security_groups,
                })
            }
            _ => self.boolean(node, path).map(VpcInput::Any),
        }
    }

    /// `statements:` on a service: hand-written statements.
    fn statements(&mut self, node: &Node, path: &str) -> Vec<StatementInput> {
        self.value(path, node.span);
        let Value::Seq(items) = &node.value else {
            self.error(
                node.span,
                path,
                format!("expected a list of statements, found {}", node.shape()),
            );
            return vec![];
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ipath = format!("{path}[{i}]");
            self.key(&ipath, item.span);
            self.value(&ipath, item.span);
            let Some(entries) = self.map(item, &ipath) else {
                continue;
            };
            self.known_keys(entries, &ipath, STATEMENT_KEYS);
            let mut st = StatementInput::default();
            if let Some(n) = get(entries, "sid") {
                let spath = join(&ipath, "sid");
                self.value(&spath, n.span);
                st.sid = self.string(n, &spath);
            }
            for key in ["actions", "resources"] {
                let kpath = join(&ipath, key);
                let what = &key[..key.len() - 1];
                let found = match get(entries, key) {
                    Some(n) => self.names(n, &kpath, what, &kpath),
                    None => {
                        self.error(item.span, &ipath, format!("missing key '{key}'"));
                        vec![]
                    }
                };
                match key {
                    "actions" => st.actions = found,
                    _ => st.resources = found,
                }
            }
            if let Some(n) = get(entries, "conditions") {
                st.conditions = self.conditions(n, &join(&ipath, "conditions"));
            }
            if let Some(n) = get(entries, "why") {
                let wpath = join(&ipath, "why");
                self.value(&wpath, n.span);
                st.why = self.string(n, &wpath);
                if st.why.is_none() {
                    self.out.source.reported(&wpath);
                }
            }
            out.push(st);
        }
        out
    }

    /// A statement's `conditions:`: operator -> key -> value or values.
    fn conditions(
        &mut self,
        node: &Node,
        path: &str,
    ) -> IndexMap<String, IndexMap<String, ConditionValues>> {
        self.value(path, node.span);
        let mut out = IndexMap::new();
        let Some(operators) = self.map(node, path) else {
            return out;
        };
        for (op, keys) in operators {
            let operator = key_of(op);
            let opath = join(path, &operator);
            self.key(&opath, op.span);
            let Some(keys) = self.map(keys, &opath) else {
                continue;
            };
            let mut by_key = IndexMap::new();
            for (k, v) in keys {
                let key = key_of(k);
                let kpath = format!("{opath}.{key}");
                self.key(&kpath, k.span);
                let values = self.names(v, &kpath, "value", &kpath);
                by_key.insert(key, ConditionValues(values));
            }
            out.insert(operator, by_key);
        }
        out
    }
}

/// `- xray.write` followed by an `allow:` line is not YAML (a plain scalar cannot hold a mapping):
/// the YAML error at the `allow:` line then says how to write it, `- xray.write:`.
fn hint_allow_under_bare_grant(text: &str, diag: &mut Diagnostic) {
    let Some(span) = diag.span else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let at = span.line.saturating_sub(1);
    if !lines
        .get(at)
        .is_some_and(|l| l.trim_start().starts_with("allow:"))
    {
        return;
    }
    let previous = lines[..at]
        .iter()
        .rev()
        .map(|l| l.split(" #").next().unwrap_or_default().trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let grant = previous
        .and_then(|l| l.strip_prefix("- "))
        .and_then(|g| GrantKind::from_key(g.trim()))
        .filter(|g| g.target() == Target::Flag);
    if let Some(grant) = grant {
        diag.hint = Some(format!(
            "to put `allow:` under a grant without targets, end the grant with a colon: `- {}:`",
            grant.key()
        ));
    }
}

/// Whether an unknown top-level key misspells `key` (then only the misspelling is reported).
fn misspelled(entries: &[(Node, Node)], key: &str) -> bool {
    entries
        .iter()
        .filter_map(|(k, _)| k.as_str())
        .any(|k| !TOP_KEYS.contains(&k) && did_you_mean(k, [key]).is_some())
}
