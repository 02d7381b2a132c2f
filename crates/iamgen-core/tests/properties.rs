//! Properties of random valid specs built from the grants table: every emitted statement passes
//! the checker (and the spec compiles, so nothing is refused as an iamgen bug), and every request
//! each grant, service kind and trust policy declares is decided as declared by the evaluator
//! (issue 7).

use iamgen_core::aws::limits::MANAGED_POLICY_MAX;
use iamgen_core::check::check_statement;
use iamgen_core::{compile, GrantKind, ResourceKind, ServiceKind, Settings, Target, Values};
use proptest::prelude::*;

/// One service: its kind, and for each grant it uses, which targets (by index) it names.
#[derive(Debug, Clone)]
struct ServiceSpec {
    kind: ServiceKind,
    grants: Vec<(usize, Vec<usize>)>,
}

fn service() -> impl Strategy<Value = ServiceSpec> {
    (
        0..ServiceKind::ALL.len(),
        prop::collection::vec(
            (
                0..GrantKind::all().count(),
                prop::collection::vec(0..3usize, 1..3),
            ),
            0..8,
        ),
    )
        .prop_map(|(k, grants)| ServiceSpec {
            kind: ServiceKind::ALL[k],
            grants,
        })
}

/// Renders a spec: three resources of every kind (one a pattern where it may be), the services, and
/// only the grants each service's kind may use, with targets of the right kind.
fn render(services: &[ServiceSpec], pattern: bool, tags: bool) -> String {
    let mut y = String::from("project: prop\nenvironment: test\n");
    // Tag-based access on every grant (issue 11), half the time.
    if tags {
        y.push_str("tag_based_access: true\n");
    }
    y.push_str("resources:\n");
    for kind in ResourceKind::ALL {
        let names: Vec<String> = (0..3)
            .map(|i| match (kind, i) {
                (ResourceKind::BedrockModel, 0) => "r0: \"anthropic.claude-v0:0\"".into(),
                (ResourceKind::BedrockModel, 1) => "r1: \"us.anthropic.claude-v1:0\"".into(),
                (ResourceKind::BedrockModel, _) => {
                    "r2: { application_profile: \"global.anthropic.claude-v2:0\" }".into()
                }
                (ResourceKind::DynamodbTable, 2) if pattern => "r2: \"*\"".into(),
                (ResourceKind::AthenaWorkgroup, 0) => "r0: { results: r1 }".into(),
                (ResourceKind::VectorStore, 0) => {
                    "r0: { engine: s3_vectors, bucket: vectors-0, index: index-0 }".into()
                }
                (ResourceKind::VectorStore, 1) => {
                    "r1: { engine: opensearch_serverless, collection: col-1 }".into()
                }
                (ResourceKind::VectorStore, _) => {
                    "r2: { engine: aurora_postgresql, cluster: db-2, secret: r0 }".into()
                }
                // Keys by id; a key on one resource of every kind that takes one (issue 11).
                (ResourceKind::KmsKey, _) => {
                    format!("r{i}: 0000000{i}-12ab-34cd-56ef-1234567890ab")
                }
                (ResourceKind::Parameter, 0) => "r0: { name: /app/config/* }".into(),
                (ResourceKind::Parameter, 1) => "r1: { name: /app/db-url, kms_key: r1 }".into(),
                (ResourceKind::EventBus, 0) => "r0: default".into(),
                (ResourceKind::Queue, 2) => {
                    "r2: { topics: [r0, r1], rules: [placed, r1/shipped] }".into()
                }
                (kind, 1) if kind.takes_kms_key() => {
                    format!("r1: {{ name: name-1, kms_key: r{} }}", kind as usize % 3)
                }
                _ => format!("r{i}: name-{i}"),
            })
            .collect();
        y.push_str(&format!("  {}: {{ {} }}\n", kind.key(), names.join(", ")));
    }
    y.push_str("services:\n");
    for (i, s) in services.iter().enumerate() {
        y.push_str(&format!("  s{i}:\n    kind: {}\n", s.kind.key()));
        if s.kind == ServiceKind::EcsTask {
            y.push_str(
                "    image: r0\n    cluster: r1\n    secrets: [r1, r2]\n    parameters: [r1]\n",
            );
        }
        if s.kind == ServiceKind::BedrockKnowledgeBase {
            y.push_str(&format!("    vector_store: r{}\n", i % 3));
        }
        // Lambda in a VPC (issue 11): any subnet, or one subnet and security group.
        if s.kind == ServiceKind::Lambda {
            match i % 3 {
                0 => y.push_str("    vpc: true\n"),
                1 => y.push_str("    vpc: { subnets: [subnet-0123456789abcdef0], security_groups: [sg-01234567] }\n"),
                _ => {}
            }
        }
        y.push_str("    grants:\n");
        for (g, targets) in &s.grants {
            let Some(grant) = GrantKind::all().nth(*g) else {
                continue;
            };
            if !grant.callers().contains(&s.kind) {
                continue;
            }
            let names: Vec<String> = match grant.target() {
                Target::Resource(_) => targets.iter().map(|t| format!("r{t}")).collect(),
                Target::Service(kinds) => {
                    let fit: Vec<usize> = services
                        .iter()
                        .enumerate()
                        .filter(|(j, o)| {
                            kinds.contains(&o.kind)
                                && !(grant == GrantKind::LambdaInvoke && *j == i)
                        })
                        .map(|(j, _)| j)
                        .collect();
                    if fit.is_empty() {
                        continue;
                    }
                    targets
                        .iter()
                        .map(|t| format!("s{}", fit[t % fit.len()]))
                        .collect()
                }
                Target::Namespace => targets.iter().map(|t| format!("App{t}")).collect(),
                Target::LogGroup => targets.iter().map(|t| format!("/app/group-{t}")).collect(),
                _ => {
                    y.push_str(&format!("      - {}\n", grant.key()));
                    continue;
                }
            };
            let mut unique = names.clone();
            unique.dedup();
            y.push_str(&format!(
                "      - {}: [{}]\n",
                grant.key(),
                unique.join(", ")
            ));
        }
    }
    // A consumer of the queue topics and rules deliver to, last: its policy is in the first
    // consumer's module, this one's or an earlier random service's (issue 11).
    y.push_str("  sink:\n    kind: lambda\n    grants: [ sqs.trigger: [r2] ]\n");
    y
}

/// Compiles the random spec, checks every statement, and decides every declared request.
fn every_statement_passes_and_every_request_is_decided(
    services: &[ServiceSpec],
    pattern: bool,
    tags: bool,
) -> Result<(), TestCaseError> {
    let yaml = render(services, pattern, tags);
    let compiled = compile("prop.yaml", &yaml, &Settings::default());
    let compiled = match compiled {
        Ok(c) => c,
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n---\n{yaml}"))),
    };
    let mut statements = 0;
    for s in &compiled.plan.services {
        for r in &s.roles {
            prop_assert!(!r.policies.is_empty());
            for p in &r.policies {
                prop_assert!(p.document.size() <= MANAGED_POLICY_MAX);
                for st in &p.document.statements {
                    statements += 1;
                    let problems = check_statement(st);
                    prop_assert!(problems.is_empty(), "{:?} in {:?}", problems, st);
                    prop_assert!(st.actions.iter().all(|a| !a.contains('*')));
                }
            }
        }
    }
    prop_assert!(statements > 0 || services.iter().all(|s| s.kind != ServiceKind::Lambda));
    // Every declared request decided as declared (issue 7).
    let v = compiled
        .plan
        .verify(&Values::new("aws", "eu-west-1", "111122223333").unwrap())
        .unwrap();
    let failures: Vec<String> = v.failures.iter().map(|f| f.to_string()).collect();
    prop_assert!(
        failures.is_empty(),
        "{}\n---\n{}",
        failures.join("\n"),
        yaml
    );
    prop_assert!(v.allowed > 0 && v.denied > 0);
    Ok(())
}

// Two halves of 128 cases each (without and with tag-based access), so that the test harness runs
// them side by side.
proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_statement_of_a_random_valid_spec_passes_the_checker(services in prop::collection::vec(service(), 1..6), pattern in any::<bool>()) {
        every_statement_passes_and_every_request_is_decided(&services, pattern, false)?;
    }

    #[test]
    fn with_tag_based_access_too(services in prop::collection::vec(service(), 1..6), pattern in any::<bool>()) {
        every_statement_passes_and_every_request_is_decided(&services, pattern, true)?;
    }
}
