//! The generated Terraform: goldens, real HCL parsing, agreement with the JSON export, escaping,
//! determinism.

mod support;

use std::path::Path;

use iamgen_core::{compile, Settings, Values};
use iamgen_hcl::{single_file, Output, WriteOptions};
use serde_json::{json, Value};

const GOLDEN: &str = "tests/golden/engagement-platform.tf";

fn example() -> iamgen_core::Compiled {
    compile("example", iamgen_core::EXAMPLE_SPEC, &Settings::default()).unwrap()
}

fn bless() -> bool {
    std::env::var_os("IAMGEN_BLESS").is_some()
}

#[test]
fn single_file_matches_the_golden() {
    let text = single_file(&example().plan);
    if bless() {
        std::fs::write(GOLDEN, &text).unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    assert!(text == golden, "the single-file output changed; review it and run `just regen` (IAMGEN_BLESS=1 cargo test)");
}

#[test]
fn modules_out_is_current() {
    let output = Output::modules(&example().plan);
    let dir = Path::new("modules-out");
    if bless() {
        output.write_to(dir, WriteOptions::default()).unwrap();
    }
    let report = output
        .write_to(
            dir,
            WriteOptions {
                check: true,
                ..WriteOptions::default()
            },
        )
        .unwrap();
    assert!(
        report.is_clean(),
        "modules-out is stale: {:?} differ, {:?} removed; run `just regen`",
        report.written,
        report.removed
    );
}

#[test]
fn every_generated_file_parses_as_hcl() {
    let plan = example().plan;
    hcl::parse(&single_file(&plan)).unwrap();
    for (name, text) in Output::modules(&plan)
        .iter()
        .filter(|(name, _)| name.ends_with(".tf"))
    {
        hcl::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

fn sample_values() -> (Values, Value, Value) {
    let mut values = Values::sample();
    values.region = "eu-west-1".into();
    values.account = "111122223333".into();
    let inputs = [
        ("api_api_id", "a1b2c3d4e5"),
        ("assistant_agent_id", "AGENT12345"),
        ("knowledge_base_knowledge_base_id", "KB12345678"),
    ];
    let mut vars = json!({ "path": "/" });
    for (k, v) in inputs {
        values.inputs.insert(k.into(), v.into());
        vars[k] = json!(v);
    }
    let locals = json!({ "partition": "aws", "region": "eu-west-1", "account_id": "111122223333" });
    (values, locals, vars)
}

/// The JSON export and the Terraform come from the same IR: evaluating the Terraform's policy
/// documents with the same values gives exactly the exported documents.
#[test]
fn hcl_and_json_export_agree() {
    let plan = example().plan;
    let (values, locals, vars) = sample_values();
    let text = single_file(&plan);
    let docs = support::policy_documents(&text, &locals, &vars);
    let policy_docs = support::document_of(&text, "aws_iam_policy", "policy");
    let trust_docs = support::document_of(&text, "aws_iam_role", "assume_role_policy");
    let export: Value = serde_json::from_str(&iamgen_hcl::json(&plan, &values).unwrap()).unwrap();
    let mut compared = 0;
    for role in export["roles"].as_array().unwrap() {
        let name = role["role_name"].as_str().unwrap();
        let trust = &docs[&trust_docs[name]];
        assert_eq!(trust, &role["trust_policy"], "trust policy of {name}");
        for p in role["policies"].as_array().unwrap() {
            let pname = p["name"].as_str().unwrap();
            assert_eq!(&docs[&policy_docs[pname]], &p["document"], "policy {pname}");
            compared += 1;
        }
    }
    assert_eq!(compared, 17);
    // Resource-based permissions: function, principal and source ARN agree too.
    let body = hcl::parse(&text).unwrap();
    let ctx = support::context(&locals, &vars);
    let mut from_hcl = Vec::new();
    for b in body.blocks().filter(|b| {
        b.identifier() == "resource" && b.labels()[0].as_str() == "aws_lambda_permission"
    }) {
        let get = |k: &str| support::eval_attr(b.body(), k, &ctx);
        from_hcl.push((get("function_name"), get("principal"), get("source_arn")));
    }
    let from_json: Vec<_> = export["resource_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["function"].clone(),
                p["principal"].clone(),
                p["source_arn"].clone(),
            )
        })
        .collect();
    assert_eq!(from_hcl, from_json);
    assert_eq!(from_json.len(), 2);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = single_file(&example().plan);
    let b = single_file(&example().plan);
    assert_eq!(a, b);
    assert_eq!(
        Output::modules(&example().plan),
        Output::modules(&example().plan)
    );
}

/// Issue 4: every value that reaches HCL is escaped, and Terraform reads back the literal text.
/// Spec values carry what AWS accepts in each place (a role description may hold quotes, backslashes,
/// `${...}`, `%{...}`, newlines and Latin-1; a CloudWatch namespace any ASCII); the plan's tags are then
/// replaced with strings AWS would refuse, to prove the writer escapes whatever it is given.
#[test]
fn hostile_strings_reach_terraform_literally() {
    let description = "q\"uote \\back ${aws:username} %{ if x } naïve\nline two\ttab";
    let namespace = r#"Ns"${x}%{y}\z"#;
    let spec = format!(
        "project: p\nenvironment: e\ntags:\n  Owner: \"Ünïcödé team: a/b=c+d@e\"\nresources:\n  buckets: {{ b: data }}\n\
         services:\n  f:\n    kind: lambda\n    description: {}\n    grants:\n      - cloudwatch.put_metrics: {}\n      - s3.read: b\n",
        serde_json::to_string(description).unwrap(),
        serde_json::to_string(namespace).unwrap(),
    );
    let mut compiled =
        compile("nasty.yaml", &spec, &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
    let hostile = "quote\" backslash\\ newline\n tab\t ${aws:username} %{ if x }%{ endif } $${already} ✓ \u{7}";
    compiled
        .plan
        .tags
        .insert("Hostile\"Key${x}".into(), hostile.into());
    let text = single_file(&compiled.plan);
    let body = hcl::parse(&text).unwrap();
    let ctx = hcl::eval::Context::new();
    use hcl::eval::Evaluate;
    let locals = body.blocks().find(|b| b.identifier() == "locals").unwrap();
    let tags_call = locals
        .body()
        .attributes()
        .find(|a| a.key() == "tags")
        .unwrap()
        .expr()
        .clone();
    let hcl::Expression::FuncCall(call) = tags_call else {
        panic!("tags is merge(...)")
    };
    let tags = serde_json::to_value(call.args[0].evaluate(&ctx).unwrap()).unwrap();
    assert_eq!(tags["Owner"], "Ünïcödé team: a/b=c+d@e");
    assert_eq!(tags["Hostile\"Key${x}"], hostile);
    let role = body
        .blocks()
        .find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_iam_role")
        .unwrap();
    let got = support::eval_attr(role.body(), "description", &ctx);
    assert!(got.as_str().unwrap().starts_with(description));
    let (_, locals_v, vars) = sample_values();
    let docs = support::policy_documents(&text, &locals_v, &vars);
    let statements = docs["f"]["Statement"].as_array().unwrap();
    let metrics = statements
        .iter()
        .find(|s| s["Sid"] == "CloudwatchPutMetrics")
        .unwrap();
    assert_eq!(
        metrics["Condition"]["StringEquals"]["cloudwatch:namespace"][0],
        namespace
    );
}

/// Issue 4: a service that needs several managed policies gets them all in the Terraform, each
/// with its own document and attachment, and the whole file still parses.
#[test]
fn split_policies_are_all_written() {
    let mut y = String::from("project: bigdata\nenvironment: prod\nresources:\n  buckets:\n");
    for i in 0..150 {
        y.push_str(&format!(
            "    b{i}: {{ name: bigdata-landing-zone-for-customer-events-{i:04}-prod }}\n"
        ));
    }
    y.push_str("services:\n  ingest:\n    kind: lambda\n    grants:\n");
    for i in 0..150 {
        y.push_str(&format!("      - s3.read: b{i}\n"));
    }
    let plan = compile("big.yaml", &y, &Settings::default()).unwrap().plan;
    let parts = plan.services[0].roles[0].policies.len();
    assert!(parts >= 3);
    let text = single_file(&plan);
    let body = hcl::parse(&text).unwrap();
    let labels = |ty: &str| -> Vec<String> {
        body.blocks()
            .filter(|b| b.identifier() == "resource" && b.labels()[0].as_str() == ty)
            .map(|b| b.labels()[1].as_str().to_string())
            .collect()
    };
    let expected: Vec<String> = (1..=parts)
        .map(|i| {
            if i == 1 {
                "ingest".to_string()
            } else {
                format!("ingest_{i}")
            }
        })
        .collect();
    assert_eq!(labels("aws_iam_policy"), expected);
    assert_eq!(labels("aws_iam_role_policy_attachment"), expected);
    let files = Output::modules(&plan);
    let file = |path| files.get(path).unwrap();
    assert!(file("modules/ingest/main.tf").contains("resource \"aws_iam_policy\" \"this_3\""));
    assert!(file("modules/ingest/outputs.tf").contains("aws_iam_policy.this_3.arn"));
}

/// Issue 7: a knowledge base on an OpenSearch Serverless collection gets the collection's data
/// access policy naming its role (an `aws_opensearchserverless_access_policy`), in the single
/// file and in its module, as HCL a parser reads, with the policy AWS's page shows.
#[test]
fn opensearch_data_access_policy_is_written() {
    let spec = "project: shop\nenvironment: prod\nresources:\n  vector_stores:\n    search: { engine: opensearch_serverless, collection: docs }\nservices:\n  kb: { kind: bedrock_knowledge_base, vector_store: search }\n";
    let plan = compile("t.yaml", spec, &Settings::default()).unwrap().plan;
    let text = single_file(&plan);
    let body: hcl::Body = hcl::from_str(&text).unwrap();
    let policy = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels().first().map(|l| l.as_str())
                    == Some("aws_opensearchserverless_access_policy")
        })
        .expect("the data access policy");
    assert_eq!(policy.labels()[1].as_str(), "kb_search_data_access");
    assert!(
        text.contains("Resource     = [\"index/shop-docs-prod/*\"]"),
        "{text}"
    );
    assert!(text.contains("Principal = [aws_iam_role.kb.arn]"), "{text}");
    assert!(text.contains("type        = \"data\""), "{text}");
    let main = (&Output::modules(&plan))
        .into_iter()
        .find(|(path, _)| path.ends_with("modules/kb/main.tf"))
        .map(|(_, text)| text.to_string())
        .unwrap();
    hcl::parse(&main).unwrap();
    assert!(
        main.contains("Principal = [aws_iam_role.this.arn]"),
        "{main}"
    );
}

/// Issue 11: a hand-written statement reaches HCL through the same escaping as everything else: an
/// IAM policy variable and a Terraform template marker stay literal, and the evaluated document is
/// the JSON export's.
#[test]
fn issue_11_hand_written_statements_are_escaped_like_everything_else() {
    let yaml = "project: shop\nenvironment: dev\nservices:\n  homes:\n    kind: lambda\n    statements:\n      \
        - actions: [s3:GetObject]\n        resources: [\"arn:${partition}:s3:::shop-home-dev/${aws:username}/%{x}/*\"]\n        \
        why: \"per-user home prefixes, a policy variable AWS fills in\"\n";
    let compiled = compile("t.yaml", yaml, &Settings::default()).unwrap();
    let text = single_file(&compiled.plan);
    assert!(
        text.contains("\"arn:${local.partition}:s3:::shop-home-dev/$${aws:username}/%%{x}/*\""),
        "{text}"
    );
    hcl::parse(&text).unwrap();
    let (mut values, locals, vars) = sample_values();
    values.inputs.clear();
    let docs = support::policy_documents(&text, &locals, &vars);
    let policy_docs = support::document_of(&text, "aws_iam_policy", "policy");
    let export: Value =
        serde_json::from_str(&iamgen_hcl::json(&compiled.plan, &values).unwrap()).unwrap();
    let document = &export["roles"][0]["policies"][0]["document"];
    assert_eq!(&docs[&policy_docs["shop-homes-dev"]], document);
    assert!(document
        .to_string()
        .contains("shop-home-dev/${aws:username}/%{x}/*"));
}
