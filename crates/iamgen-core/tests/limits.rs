//! AWS's size limits: a service whose permissions exceed one managed policy is split across several
//! (stable names, stable order); past the per-role quota it is an error that says how much is over.

use iamgen_core::aws::limits::{MANAGED_POLICY_MAX, POLICIES_PER_ROLE_MAX};
use iamgen_core::{compile, Document, Settings};

/// A Lambda reading `n` buckets with long names (each bucket is one object ARN and one bucket ARN).
pub fn spec_with_buckets(n: usize) -> String {
    let mut y = String::from("project: bigdata\nenvironment: prod\nresources:\n  buckets:\n");
    for i in 0..n {
        y.push_str(&format!(
            "    b{i}: {{ name: bigdata-landing-zone-for-customer-events-{i:04}-prod }}\n"
        ));
    }
    y.push_str("services:\n  ingest:\n    kind: lambda\n    grants:\n");
    for i in 0..n {
        y.push_str(&format!("      - s3.read: b{i}\n"));
    }
    y
}

#[test]
fn a_large_service_is_split_into_several_managed_policies() {
    let compiled = compile("big.yaml", &spec_with_buckets(150), &Settings::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let role = &compiled.plan.services[0].roles[0];
    assert!(role.policies.len() >= 3, "{} policies", role.policies.len());
    let names: Vec<&str> = role.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names[..3],
        [
            "bigdata-ingest-prod",
            "bigdata-ingest-2-prod",
            "bigdata-ingest-3-prod"
        ]
    );
    let labels: Vec<&str> = role.policies.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels[..3], ["this", "this_2", "this_3"]);
    for p in &role.policies {
        assert!(
            p.document.size() <= MANAGED_POLICY_MAX,
            "{} is {}",
            p.name,
            p.document.size()
        );
    }
    // Nothing lost: every bucket appears exactly once as objects and once as a bucket.
    let resources: Vec<String> = role
        .policies
        .iter()
        .flat_map(|p| &p.document.statements)
        .flat_map(|s| s.resources.iter().map(|r| r.to_string()))
        .collect();
    assert_eq!(
        resources.len(),
        2 * 150 + 2,
        "150 buckets and objects, plus the log group and streams"
    );
    // Stable: the same spec gives the same split.
    let again = compile("big.yaml", &spec_with_buckets(150), &Settings::default()).unwrap();
    assert_eq!(again.plan, compiled.plan);
}

#[test]
fn past_the_quota_of_policies_per_role_is_an_error_saying_how_much() {
    let err = compile("huge.yaml", &spec_with_buckets(700), &Settings::default()).unwrap_err();
    let text = err.to_string();
    assert_eq!(err.diagnostics.len(), 1, "{text}");
    assert!(text.starts_with("huge.yaml:"), "{text}");
    assert!(text.contains("role 'bigdata-ingest-prod' needs "), "{text}");
    assert!(
        text.contains(&format!("at most {POLICIES_PER_ROLE_MAX} to a role")),
        "{text}"
    );
    assert!(text.contains("policies (about "), "{text}");
    assert!(Document::default().size() < 100);
}
