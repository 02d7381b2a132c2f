//! The examples beside the built-in one (issue 11): the order-processing platform, whose generated
//! modules are committed in `examples/order-processing/` and kept current here like `modules-out/`,
//! and the engagement platform's production variant, which passes `--strict`. Each one's every
//! declared request is decided as declared, and its scenario file passes `iamgen simulate`.

mod support;

use std::path::Path;

use assert_cmd::Command;
use iamgen_core::{compile, Compiled, Settings, Values};
use iamgen_hcl::{single_file, Output, WriteOptions};
use predicates::prelude::*;

const ORDERS: &str = "examples/order-processing.yaml";
const ORDERS_OUT: &str = "examples/order-processing";
const ORDERS_SCENARIOS: &str = "examples/order-processing.scenarios.yaml";
const PROD: &str = "examples/engagement-platform.prod.yaml";
const PROD_SCENARIOS: &str = "examples/engagement-platform.prod.scenarios.yaml";
const WHERE: [&str; 4] = ["--account", "111122223333", "--region", "eu-west-1"];

fn compiled(path: &str) -> Compiled {
    let yaml = std::fs::read_to_string(path).unwrap();
    compile(path, &yaml, &Settings::default().with_strict(true))
        .unwrap_or_else(|e| panic!("{path} does not pass --strict: {e}"))
}

#[test]
fn order_processing_modules_are_current() {
    let output = Output::modules(&compiled(ORDERS).plan);
    let dir = Path::new(ORDERS_OUT);
    if std::env::var_os("IAMGEN_BLESS").is_some() {
        output.write_to(dir, WriteOptions::default()).unwrap();
    }
    let check = WriteOptions {
        check: true,
        ..WriteOptions::default()
    };
    let report = output.write_to(dir, check).unwrap();
    assert!(
        report.is_clean(),
        "{ORDERS_OUT} is stale: {:?} differ, {:?} removed; run `just regen`",
        report.written,
        report.removed
    );
    // And every file is HCL.
    for (name, text) in output.iter().filter(|(name, _)| name.ends_with(".tf")) {
        hcl::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    hcl::parse(&single_file(&compiled(ORDERS).plan)).unwrap();
}

/// Every request each grant, implied grant, trust policy and queue policy declares, decided as
/// declared over the generated policies.
#[test]
fn every_declared_request_of_the_examples_is_decided_as_declared() {
    let values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    for path in [ORDERS, PROD] {
        let v = compiled(path).plan.verify(&values).unwrap();
        let failures: Vec<String> = v.failures.iter().map(|f| f.to_string()).collect();
        assert!(failures.is_empty(), "{path}:\n{}", failures.join("\n"));
        assert!(v.allowed > 100 && v.denied > 100, "{path}: {v:?}");
    }
}

#[test]
fn the_examples_scenarios_are_decided_as_expected() {
    for (spec, scenarios) in [(ORDERS, ORDERS_SCENARIOS), (PROD, PROD_SCENARIOS)] {
        Command::cargo_bin("iamgen")
            .unwrap()
            .args(["simulate", spec, "--scenarios", scenarios])
            .args(WHERE)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(
                "scenarios, every one decided as expected",
            ));
    }
}

/// The production variant is the development example with keys: the same services, and `check
/// --strict` passes on the real binary.
#[test]
fn the_production_variant_passes_strict() {
    Command::cargo_bin("iamgen")
        .unwrap()
        .args(["check", "--strict", PROD])
        .assert()
        .success()
        .stderr(predicate::str::contains(": 0 warnings"));
    let dev = iamgen_core::compile(
        "examples/engagement-platform.yaml",
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap();
    let services =
        |c: &Compiled| -> Vec<String> { c.plan.services.iter().map(|s| s.name.clone()).collect() };
    assert_eq!(services(&dev), services(&compiled(PROD)));
}

/// The README's second spec shape (queues, topics, events, keys, parameters and streams) passes
/// `--strict` too.
#[test]
fn the_readme_messaging_shape_passes_strict() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let at = readme
        .find("**Queues, topics, events, keys, parameters and streams.**")
        .expect("the README shows the second shape");
    let start = at + readme[at..].find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let compiled = compile(
        "README.md",
        &readme[start..end],
        &Settings::default().with_strict(true),
    )
    .unwrap_or_else(|e| panic!("the README's second shape fails --strict:\n{e}"));
    assert!(compiled.warnings.is_empty());
    assert!(compiled
        .plan
        .services
        .iter()
        .any(|s| !s.resource_policies.is_empty()));
}

/// The JSON export and the Terraform come from the same plan for the order-processing platform
/// too: every permission policy (KMS conditions with `${dns_suffix}` included), every queue policy
/// and its queue URL, evaluated from the HCL, are exactly the exported documents.
#[test]
fn order_processing_hcl_and_json_export_agree() {
    use serde_json::{json, Value};
    let plan = compiled(ORDERS).plan;
    let text = single_file(&plan);
    let mut values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    let mut vars = json!({ "path": "/" });
    for name in plan.global_inputs().keys() {
        let value = match name.ends_with("_queue_url") {
            true => format!("https://sqs.eu-west-1.amazonaws.com/111122223333/{name}"),
            false => "a1b2c3d4e5".to_string(),
        };
        vars[*name] = json!(value);
        values.inputs.insert(name.to_string(), value);
    }
    let locals = json!({ "partition": "aws", "region": "eu-west-1", "account_id": "111122223333" });
    let docs = support::policy_documents(&text, &locals, &vars);
    let policy_docs = support::document_of(&text, "aws_iam_policy", "policy");
    let export: Value = serde_json::from_str(&iamgen_hcl::json(&plan, &values).unwrap()).unwrap();
    let mut compared = 0;
    for role in export["roles"].as_array().unwrap() {
        for p in role["policies"].as_array().unwrap() {
            let name = p["name"].as_str().unwrap();
            assert_eq!(&docs[&policy_docs[name]], &p["document"], "policy {name}");
            compared += 1;
        }
    }
    assert_eq!(compared, 11);
    let body = hcl::parse(&text).unwrap();
    let ctx = support::context(&locals, &vars);
    let queue_policies: Vec<&hcl::Block> = body
        .blocks()
        .filter(|b| {
            b.identifier() == "resource" && b.labels()[0].as_str() == "aws_sqs_queue_policy"
        })
        .collect();
    let exported = export["resource_policies"].as_array().unwrap();
    assert_eq!(queue_policies.len(), exported.len());
    assert_eq!(exported.len(), 2);
    for (block, json) in queue_policies.iter().zip(exported) {
        let url = support::eval_attr(block.body(), "queue_url", &ctx);
        assert_eq!(url, json["queue_url"]);
        let policy = block
            .body()
            .attributes()
            .find(|a| a.key() == "policy")
            .unwrap()
            .expr()
            .to_string();
        let label = policy
            .trim_start_matches("data.aws_iam_policy_document.")
            .trim_end_matches(".json");
        assert_eq!(docs[label], json["policy"], "{label}");
    }
}
