//! The core crate's modules depend on each other without cycles, at two levels:
//! - top-level modules (`aws`, `spec`, `expand`, ...): each uses only modules below it;
//! - files: no file uses, directly or not, a file that uses it (a parent `mod.rs` and its children
//!   included: shared types live in a child, not in the parent the children would import).
//!
//! The graph is read from the sources: `crate::a::b` and `super::x` paths in code (comments and doc
//! links excluded), and a `mod.rs` naming its child as `child::`. Tests count too.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every module of the crate (`spec::validate`, `spec`), with its code without comment lines.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] {
                continue;
            }
            let code: Vec<&str> = Vec::new();
            let text = fs::read_to_string(&path).unwrap();
            let code = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .fold(code, |mut c, l| {
                    c.push(l);
                    c
                })
                .join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    out
}

/// The identifiers a path starting at `i` names: `a::b` gives [`a::b`]; `{a, b::c}` gives both.
fn paths_at(text: &str, i: usize) -> Vec<String> {
    let rest = &text[i..];
    if let Some(inner) = rest.strip_prefix('{') {
        let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
        return inner.split(',').map(|p| p.trim().to_string()).collect();
    }
    let path: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    vec![path]
}

/// The deepest module named by `path` (segments after `base`), or `base` itself.
fn resolve(modules: &BTreeMap<String, String>, base: &[&str], path: &str) -> Option<String> {
    let mut segments: Vec<&str> = base.to_vec();
    let mut best = None;
    for s in path.split("::").filter(|s| !s.is_empty()) {
        segments.push(s);
        let name = segments.join("::");
        if modules.contains_key(&name) {
            best = Some(name);
        } else {
            break;
        }
    }
    best.or_else(|| Some(base.join("::")).filter(|b| modules.contains_key(b)))
}

fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (name, code) in &modules {
        let me: Vec<&str> = name.split("::").collect();
        let mut deps = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            for p in paths_at(code, i + "crate::".len()) {
                deps.extend(resolve(&modules, &[], &p));
            }
        }
        for (i, _) in code.match_indices("super::") {
            // `use super::*` is an inline test module reaching its own file.
            if code[i..].starts_with("super::*") {
                continue;
            }
            let parent = &me[..me.len() - 1];
            for p in paths_at(code, i + "super::".len()) {
                deps.extend(resolve(&modules, parent, &p));
            }
        }
        // A parent naming its children: `storage::s3_read`, `pub use model::Spec`.
        for child in modules.keys().filter(|k| {
            k.strip_prefix(&format!("{name}::"))
                .is_some_and(|rest| !rest.contains("::"))
        }) {
            let short = child.rsplit("::").next().unwrap();
            if code.contains(&format!("{short}::")) {
                deps.insert(child.clone());
            }
        }
        deps.remove(name);
        graph.insert(name.clone(), deps);
    }
    graph
}

/// The modules in dependency order, lowest first; panics naming the modules caught in a cycle.
fn order(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut left = graph.clone();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| order.contains(d)))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(
            !ready.is_empty(),
            "import cycle among: {:#?}",
            left.iter()
                .map(|(m, d)| format!("{m} -> {d:?}"))
                .collect::<Vec<_>>()
        );
        for m in ready {
            left.remove(&m);
            order.push(m);
        }
    }
    order
}

#[test]
fn files_have_no_import_cycles() {
    let graph = file_graph();
    assert!(graph.len() >= 25, "{graph:?}");
    println!("files, lowest first: {}", order(&graph).join(", "));
}

#[test]
fn top_level_modules_have_no_import_cycles() {
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, deps) in file_graph() {
        let module = file.split("::").next().unwrap().to_string();
        let entry = top.entry(module.clone()).or_default();
        entry.extend(
            deps.iter()
                .map(|d| d.split("::").next().unwrap().to_string())
                .filter(|d| *d != module),
        );
    }
    println!("modules, lowest first: {}", order(&top).join(", "));
}
