//! Turns the embedded AWS Service Authorization Reference (`data/aws-iam-catalog.json`) into static,
//! sorted Rust tables, so that `gen` pays nothing at run time to load it: a lookup is a binary search
//! over `&'static` data. See `data/PROVENANCE.md` for where the JSON comes from.
//!
//! The tables hold no pointers, so the dynamic loader has nothing to patch when iamgen starts (a
//! table of `&'static str` costs one relocation per string in a position-independent executable:
//! about 62,000 of them, and the pages they sit on, on every run). Every string is a range of one
//! text, `catalog-strings.txt` (identical strings stored once), and every list a range of a table
//! (identical lists stored once):
//!
//! - `SERVICES`: `ServiceDef(prefix, name, authorization_url, actions, resource_types, keys)`;
//! - `ACTIONS`: `ActionDef(name, access, resource_types, keys)`, each service's run sorted by name;
//! - `ACTION_RESOURCES`: `ActionResourceDef(name, required)`;
//! - `RESOURCE_TYPES`: `ResourceTypeDef(name, arn)`, each service's run sorted by name;
//! - `KEYS`: condition keys, each list sorted.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Deserialize)]
struct Service {
    service_name: String,
    authorization_url: String,
    actions: BTreeMap<String, Action>,
    resource_types: BTreeMap<String, ResourceType>,
    condition_keys: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Action {
    access_level: String,
    resource_types: Vec<ActionResource>,
}

#[derive(Deserialize)]
struct ActionResource {
    #[serde(rename = "type")]
    kind: String,
    required: bool,
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct ResourceType {
    arn: String,
}

/// A range: of the text (a string) or of a table (a list).
type Range = (u32, u32);

/// The strings, each stored once, and the tables of ranges, each list stored once.
#[derive(Default)]
struct Tables {
    text: String,
    strings: HashMap<String, Range>,
    keys: Vec<Range>,
    key_lists: HashMap<Vec<Range>, Range>,
    action_resources: Vec<(Range, bool)>,
    action_resource_lists: HashMap<Vec<(Range, bool)>, Range>,
}

impl Tables {
    /// The range of `s` in the text.
    fn string(&mut self, s: &str) -> Range {
        if let Some(&range) = self.strings.get(s) {
            return range;
        }
        let start = offset(self.text.len());
        self.text.push_str(s);
        let range = (start, offset(self.text.len()));
        self.strings.insert(s.to_string(), range);
        range
    }

    /// The range of `KEYS` holding `keys`.
    fn key_list(&mut self, keys: &[&str]) -> Range {
        let list: Vec<Range> = keys.iter().map(|k| self.string(k)).collect();
        if let Some(&range) = self.key_lists.get(&list) {
            return range;
        }
        let start = offset(self.keys.len());
        self.keys.extend(&list);
        let range = (start, offset(self.keys.len()));
        self.key_lists.insert(list, range);
        range
    }

    /// The range of `ACTION_RESOURCES` holding `resources`.
    fn action_resource_list(&mut self, resources: &[(&str, bool)]) -> Range {
        let list: Vec<(Range, bool)> = resources
            .iter()
            .map(|&(name, required)| (self.string(name), required))
            .collect();
        if let Some(&range) = self.action_resource_lists.get(&list) {
            return range;
        }
        let start = offset(self.action_resources.len());
        self.action_resources.extend(&list);
        let range = (start, offset(self.action_resources.len()));
        self.action_resource_lists.insert(list, range);
        range
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("the catalog fits u32 offsets")
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let source = manifest.join("data/aws-iam-catalog.json");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = std::fs::read_to_string(&source).expect("read data/aws-iam-catalog.json");
    let catalog: BTreeMap<String, Service> =
        serde_json::from_str(&text).expect("parse data/aws-iam-catalog.json");

    let mut t = Tables::default();
    let mut services = String::new();
    let mut actions = String::new();
    let mut resource_types = String::new();
    let (mut n_actions, mut n_resource_types) = (0u32, 0u32);
    for (prefix, service) in &catalog {
        let actions_start = n_actions;
        for (name, action) in &service.actions {
            let access = match action.access_level.as_str() {
                "Read" => "Read",
                "Write" => "Write",
                "List" => "List",
                "Tagging" => "Tagging",
                "Permissions management" => "PermissionsManagement",
                other => panic!("unknown access level {other:?} for {prefix}:{name}"),
            };
            let mut keys: Vec<&str> = Vec::new();
            let mut resources: Vec<(&str, bool)> = Vec::new();
            for resource in &action.resource_types {
                keys.extend(resource.condition_keys.iter().map(String::as_str));
                if !resource.kind.is_empty() {
                    resources.push((&resource.kind, resource.required));
                }
            }
            keys.sort_unstable();
            keys.dedup();
            let name = t.string(name);
            let resources = t.action_resource_list(&resources);
            let keys = t.key_list(&keys);
            writeln!(
                actions,
                "ActionDef(Str{name:?}, AccessLevel::{access}, Rows{resources:?}, Rows{keys:?}),"
            )
            .unwrap();
            n_actions += 1;
        }
        let resource_types_start = n_resource_types;
        for (name, resource) in &service.resource_types {
            let name = t.string(name);
            let arn = t.string(&resource.arn);
            writeln!(resource_types, "ResourceTypeDef(Str{name:?}, Str{arn:?}),").unwrap();
            n_resource_types += 1;
        }
        let keys: Vec<&str> = service.condition_keys.keys().map(String::as_str).collect();
        let keys = t.key_list(&keys);
        let prefix = t.string(prefix);
        let name = t.string(&service.service_name);
        let url = t.string(&service.authorization_url);
        writeln!(
            services,
            "ServiceDef(Str{prefix:?}, Str{name:?}, Str{url:?}, Rows{:?}, Rows{:?}, Rows{keys:?}),",
            (actions_start, n_actions),
            (resource_types_start, n_resource_types),
        )
        .unwrap();
    }

    let mut out = String::with_capacity(4 << 20);
    out.push_str("// @generated by build.rs from data/aws-iam-catalog.json. Do not edit.\n");
    out.push_str(
        "const STRINGS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/catalog-strings.txt\"));\n",
    );
    let mut table = |name: &str, ty: &str, len: usize, rows: &str| {
        writeln!(out, "static {name}: [{ty}; {len}] = [\n{rows}];").unwrap();
    };
    table("SERVICES", "ServiceDef", catalog.len(), &services);
    table("ACTIONS", "ActionDef", n_actions as usize, &actions);
    table(
        "RESOURCE_TYPES",
        "ResourceTypeDef",
        n_resource_types as usize,
        &resource_types,
    );
    let mut rows = String::new();
    for (name, required) in &t.action_resources {
        writeln!(rows, "ActionResourceDef(Str{name:?}, {required}),").unwrap();
    }
    table(
        "ACTION_RESOURCES",
        "ActionResourceDef",
        t.action_resources.len(),
        &rows,
    );
    let mut rows = String::new();
    for key in &t.keys {
        write!(rows, "Str{key:?},").unwrap();
    }
    table("KEYS", "Str", t.keys.len(), &rows);

    let dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("catalog-strings.txt"), &t.text).expect("write catalog-strings.txt");
    std::fs::write(dir.join("catalog.rs"), out).expect("write catalog.rs");
}
