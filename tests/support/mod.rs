//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use serde_json::{json, Value};

/// An evaluation context with `local` and `var` bound to the given values, and the partition's DNS
/// suffix (`data.aws_partition.current.dns_suffix`) that of `aws`.
pub fn context(locals: &Value, vars: &Value) -> Context<'static> {
    let mut ctx = Context::new();
    ctx.declare_var("local", hcl::to_value(locals).unwrap());
    ctx.declare_var("var", hcl::to_value(vars).unwrap());
    let data = json!({ "aws_partition": { "current": { "dns_suffix": "amazonaws.com" } } });
    ctx.declare_var("data", hcl::to_value(data).unwrap());
    ctx
}

/// The value of attribute `key` of `body`, evaluated in `ctx`, as JSON.
pub fn eval_attr(body: &hcl::Body, key: &str, ctx: &Context) -> Value {
    let attr = body
        .attributes()
        .find(|a| a.key() == key)
        .unwrap_or_else(|| panic!("no attribute {key}"));
    serde_json::to_value(
        attr.expr()
            .evaluate(ctx)
            .unwrap_or_else(|e| panic!("{key}: {e}")),
    )
    .unwrap()
}

/// Evaluates every `data "aws_iam_policy_document"` block of `text` into IAM JSON, with `local` and
/// `var` bound to the given values, keyed by the block's label. This reads the HCL with a real
/// parser (hcl-rs), independently of iamgen's writer.
pub fn policy_documents(text: &str, locals: &Value, vars: &Value) -> BTreeMap<String, Value> {
    let body = hcl::parse(text).unwrap_or_else(|e| panic!("generated HCL does not parse: {e}"));
    let ctx = context(locals, vars);
    let mut docs = BTreeMap::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        if block.identifier() != "data" || labels.first() != Some(&"aws_iam_policy_document") {
            continue;
        }
        let mut statements = Vec::new();
        for st in block
            .body()
            .blocks()
            .filter(|b| b.identifier() == "statement")
        {
            let attr = |key: &str| -> Option<Value> {
                st.body().attributes().find(|a| a.key() == key).map(|a| {
                    let v = a
                        .expr()
                        .evaluate(&ctx)
                        .unwrap_or_else(|e| panic!("{key}: {e}"));
                    serde_json::to_value(v).unwrap()
                })
            };
            let mut s = serde_json::Map::new();
            s.insert("Sid".into(), attr("sid").unwrap());
            s.insert("Effect".into(), attr("effect").unwrap());
            if let Some(p) = st.body().blocks().find(|b| b.identifier() == "principals") {
                let ids = eval_attr(p.body(), "identifiers", &ctx);
                s.insert("Principal".into(), json!({ "Service": ids[0] }));
                match attr("resources") {
                    // A resource policy (a queue's): its actions and the resource.
                    Some(resources) => {
                        s.insert("Action".into(), attr("actions").unwrap());
                        s.insert("Resource".into(), resources);
                    }
                    // A trust policy: `sts:AssumeRole`, no resource.
                    None => {
                        s.insert("Action".into(), attr("actions").unwrap()[0].clone());
                    }
                }
            } else {
                s.insert("Action".into(), attr("actions").unwrap());
                s.insert("Resource".into(), attr("resources").unwrap());
            }
            let mut conditions = serde_json::Map::new();
            for c in st.body().blocks().filter(|b| b.identifier() == "condition") {
                let get = |k: &str| eval_attr(c.body(), k, &ctx);
                let test = get("test").as_str().unwrap().to_string();
                let entry = conditions.entry(test).or_insert_with(|| json!({}));
                entry[get("variable").as_str().unwrap()] = get("values");
            }
            if !conditions.is_empty() {
                s.insert("Condition".into(), Value::Object(conditions));
            }
            statements.push(Value::Object(s));
        }
        docs.insert(
            labels[1].to_string(),
            json!({ "Version": "2012-10-17", "Statement": statements }),
        );
    }
    docs
}

/// `name` → the label of the policy document its `attr` points at, for `resource TYPE` blocks.
pub fn document_of(text: &str, resource_type: &str, attr: &str) -> BTreeMap<String, String> {
    let body = hcl::parse(text).unwrap();
    let mut out = BTreeMap::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        if block.identifier() != "resource" || labels.first() != Some(&resource_type) {
            continue;
        }
        let get = |k: &str| {
            block
                .body()
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| a.expr().to_string())
        };
        let name = get("name").unwrap().trim_matches('"').to_string();
        let doc = get(attr).unwrap();
        let label = doc
            .trim_start_matches("data.aws_iam_policy_document.")
            .trim_end_matches(".json")
            .to_string();
        out.insert(name, label);
    }
    out
}
