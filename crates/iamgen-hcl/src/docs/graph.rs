//! The permission dependency graph: who invokes, runs, passes, reads or writes whom and what, from
//! the written grants of the plan (each edge is `service VERB target`, the verb from the grants
//! table), and the same dependencies as a plain tree.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use iamgen_core::{GrantPlan, Plan, Reach, RolePurpose, ServicePlan};

use super::context::{aws_service_name, target_doc};

/// A directed graph of services and what they reach.
#[derive(Debug, Clone, Serialize, Default)]
#[non_exhaustive]
pub struct Graph {
    /// The nodes: every service, then every target, in order of first appearance.
    pub nodes: Vec<Node>,
    /// The edges, in spec order, without repeats.
    pub edges: Vec<Edge>,
}

/// A node.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node {
    /// An identifier of letters, digits and `_` (`svc_predict`, `res_3`).
    pub id: String,
    /// Its name: a service's logical name, a resource's AWS name, an AWS service's name.
    pub label: String,
    /// What it is: `Lambda function`, `bucket`, `AWS service`.
    pub detail: String,
    /// `service`, `resource`, `value` (a namespace, a log group) or `aws` (an AWS service as a
    /// whole, for grants without targets).
    pub shape: String,
}

/// An edge: `from VERB to`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edge {
    /// The calling service's node.
    pub from: String,
    /// The target's node.
    pub to: String,
    /// The verb (`invokes`, `reads/writes`).
    pub label: String,
    /// The calling service's logical name.
    pub service: String,
    /// The grant's key.
    pub grant: String,
}

/// One line of the plain tree: `prefix` (box-drawing characters) then `text`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TreeLine {
    /// `├── `, `│   └── `...; empty for a root.
    pub prefix: String,
    /// The line's text.
    pub text: String,
}

/// The node id of a service.
pub(crate) fn service_id(name: &str) -> String {
    format!("svc_{name}")
}

fn id_part(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

struct Builder {
    graph: Graph,
    /// The id of each non-service node, by its key: (shape, detail, label).
    ids: HashMap<(String, String, String), String>,
}

impl Builder {
    fn node(&mut self, shape: &str, detail: String, label: String) -> String {
        let key = (shape.to_string(), detail, label);
        if let Some(id) = self.ids.get(&key) {
            return id.clone();
        }
        let (shape, detail, label) = key;
        let id = match shape.as_str() {
            "aws" => format!("aws_{}", id_part(&label)),
            _ => format!("{}_{}", &shape[..3], self.ids.len() + 1),
        };
        self.ids
            .insert((shape.clone(), detail.clone(), label.clone()), id.clone());
        self.graph.nodes.push(Node {
            id: id.clone(),
            label,
            detail,
            shape,
        });
        id
    }
}

/// The target nodes of a written grant: `(node id, its service's logical name if a service)`.
fn targets(b: &mut Builder, g: &GrantPlan) -> Vec<String> {
    if g.targets.is_empty() {
        return g
            .kind
            .phrases()
            .iter()
            .map(|p| b.node("aws", "AWS service".into(), aws_service_name(p.service)))
            .collect();
    }
    g.targets
        .iter()
        .map(|t| match t {
            Reach::Service { name, .. } => service_id(name),
            Reach::Resource { .. } => {
                let d = target_doc(g.kind, t);
                b.node("resource", d.noun, d.name)
            }
            _ => {
                let d = target_doc(g.kind, t);
                b.node("value", d.noun, d.name)
            }
        })
        .collect()
}

/// The edge of `service`'s written grant `g` to node `to`.
fn edge(service: &ServicePlan, g: &GrantPlan, to: String) -> Edge {
    Edge {
        from: service_id(&service.name),
        to,
        label: g.kind.verb().to_string(),
        service: service.name.clone(),
        grant: g.kind.key().to_string(),
    }
}

/// Edges without repeats (the same `from`, `to` and label), in the order first given.
#[derive(Default)]
struct Edges {
    edges: Vec<Edge>,
    seen: HashSet<(String, String, String)>,
}

impl Edges {
    fn push(&mut self, e: Edge) {
        if self
            .seen
            .insert((e.from.clone(), e.to.clone(), e.label.clone()))
        {
            self.edges.push(e);
        }
    }
}

/// The written grants of the plan, each with its service, in spec order.
fn written(plan: &Plan) -> impl Iterator<Item = (&ServicePlan, &GrantPlan)> {
    plan.services
        .iter()
        .flat_map(|s| s.grants.iter().filter(|g| !g.implied).map(move |g| (s, g)))
}

/// The dependency graph of the plan's written grants.
pub(crate) fn graph(plan: &Plan) -> Graph {
    let mut b = Builder {
        graph: Graph::default(),
        ids: HashMap::new(),
    };
    for s in &plan.services {
        b.graph.nodes.push(Node {
            id: service_id(&s.name),
            label: s.name.clone(),
            detail: s.kind.noun().to_string(),
            shape: "service".into(),
        });
    }
    let mut edges = Edges::default();
    for (s, g) in written(plan) {
        for to in targets(&mut b, g) {
            edges.push(edge(s, g, to));
        }
    }
    b.graph.edges = edges.edges;
    b.graph
}

/// The edges of the plan's graph into each service, by the service's logical name: those of
/// [`graph`]'s edges whose `to` is the service, in the same order. Made once for every module's
/// README (one graph per README made `--out` cubic in the number of services).
pub(crate) struct ReachedBy<'a>(HashMap<&'a str, Edges>);

impl<'a> ReachedBy<'a> {
    pub(crate) fn new(plan: &'a Plan) -> ReachedBy<'a> {
        let mut into: HashMap<&str, Edges> = HashMap::new();
        for (s, g) in written(plan) {
            for t in &g.targets {
                if let Reach::Service { name, .. } = t {
                    into.entry(name.as_str())
                        .or_default()
                        .push(edge(s, g, service_id(name)));
                }
            }
        }
        ReachedBy(into)
    }

    /// The edges into `service`.
    pub(crate) fn service(&self, service: &str) -> Vec<Edge> {
        self.0
            .get(service)
            .map_or_else(Vec::new, |e| e.edges.clone())
    }
}

struct TreeNode {
    text: String,
    children: Vec<TreeNode>,
}

/// The non-service grants of `role`, by AWS service: `Amazon S3: reads/writes, reads`.
fn role_groups(service: &ServicePlan, role: RolePurpose) -> Vec<TreeNode> {
    let mut groups: Vec<(String, Vec<&'static str>)> = Vec::new();
    for g in service.grants.iter().filter(|g| g.role == role) {
        if g.targets.iter().any(|t| matches!(t, Reach::Service { .. })) {
            continue;
        }
        // Only the AWS services whose actions the grant's own statements hold (a grant on an
        // encrypted resource also uses KMS; on another, not), as the permissions list them.
        let granted: Vec<&str> = service
            .intents
            .iter()
            .filter(|i| i.role == role && i.origin.path == g.path && i.origin.grant == g.kind)
            .flat_map(|i| &i.statements)
            .flat_map(|s| &s.actions)
            .filter_map(|a| a.split_once(':').map(|(prefix, _)| prefix))
            .collect();
        let phrases = g.kind.phrases().into_iter();
        for p in phrases.filter(|p| granted.is_empty() || granted.contains(&p.service)) {
            let name = aws_service_name(p.service);
            // `reads the catalog of` is `reads the catalog` beside the AWS service's name.
            let verb = g.kind.verb();
            let verb = [" of", " to", " from", " through"]
                .iter()
                .find_map(|p| verb.strip_suffix(p))
                .unwrap_or(verb);
            match groups.iter_mut().find(|(n, _)| *n == name) {
                Some((_, verbs)) if !verbs.contains(&verb) => verbs.push(verb),
                Some(_) => {}
                None => groups.push((name, vec![verb])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(name, verbs)| TreeNode {
            text: format!("{name} ({})", verbs.join(", ")),
            children: vec![],
        })
        .collect()
}

fn service_tree(plan: &Plan, service: &ServicePlan, seen: &mut Vec<String>) -> Vec<TreeNode> {
    seen.push(service.name.clone());
    let mut children = Vec::new();
    let mut done: Vec<(&str, &str)> = Vec::new();
    for g in service.grants.iter().filter(|g| !g.implied) {
        for t in &g.targets {
            let Reach::Service { name, kind, .. } = t else {
                continue;
            };
            if done.contains(&(g.kind.verb(), name.as_str())) {
                continue;
            }
            done.push((g.kind.verb(), name));
            let text = format!("{} {name} ({})", g.kind.verb(), kind.noun());
            let child = plan.services.iter().find(|s| &s.name == name);
            match child {
                Some(c) if !seen.contains(name) => children.push(TreeNode {
                    text,
                    children: service_tree(plan, c, seen),
                }),
                _ => children.push(TreeNode {
                    text: format!("{text}, see above"),
                    children: vec![],
                }),
            }
        }
    }
    if service.roles.len() == 1 {
        children.extend(role_groups(service, service.roles[0].purpose));
    } else {
        for r in &service.roles {
            let purpose = match r.purpose {
                RolePurpose::Execution => "execution role",
                _ => "role",
            };
            children.push(TreeNode {
                text: format!("{purpose} {}", r.name),
                children: role_groups(service, r.purpose),
            });
        }
    }
    children
}

fn flatten(nodes: &[TreeNode], indent: &str, out: &mut Vec<TreeLine>) {
    for (i, n) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        out.push(TreeLine {
            prefix: format!("{indent}{}", if last { "└── " } else { "├── " }),
            text: n.text.clone(),
        });
        let deeper = format!("{indent}{}", if last { "    " } else { "│   " });
        flatten(&n.children, &deeper, out);
    }
}

/// The plain tree: each service no other service reaches, with what it reaches (services
/// expanded once), then its permissions by AWS service.
pub(crate) fn tree(plan: &Plan) -> Vec<TreeLine> {
    let reached: Vec<&str> = plan
        .services
        .iter()
        .flat_map(|s| s.grants.iter().filter(|g| !g.implied))
        .flat_map(|g| &g.targets)
        .filter_map(|t| match t {
            Reach::Service { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let roots = plan
        .services
        .iter()
        .filter(|s| !reached.contains(&s.name.as_str()));
    let rest = plan.services.iter();
    for s in roots.chain(rest) {
        if seen.contains(&s.name) {
            continue;
        }
        if !out.is_empty() {
            out.push(TreeLine {
                prefix: String::new(),
                text: String::new(),
            });
        }
        out.push(TreeLine {
            prefix: String::new(),
            text: format!("{} ({})", s.name, s.kind.noun()),
        });
        let children = service_tree(plan, s, &mut seen);
        flatten(&children, "", &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamgen_core::{compile, Settings, EXAMPLE_FILE, EXAMPLE_SPEC};

    /// The edges into each service, made once, are the graph's edges with that `to`, in order.
    #[test]
    fn reached_by_is_the_graphs_edges_into_each_service() {
        let plan = compile(EXAMPLE_FILE, EXAMPLE_SPEC, &Settings::default())
            .unwrap()
            .plan;
        let edges = graph(&plan).edges;
        let reached_by = ReachedBy::new(&plan);
        let mut reached = 0;
        for s in &plan.services {
            let into: Vec<Edge> = edges
                .iter()
                .filter(|e| e.to == service_id(&s.name))
                .cloned()
                .collect();
            reached += into.len();
            assert_eq!(reached_by.service(&s.name), into, "{}", s.name);
        }
        assert!(reached > 5, "the example's services invoke each other");
    }
}
