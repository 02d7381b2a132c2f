//! Issue 7: every grant of the example, every service kind's implied permissions and every trust
//! policy declares the requests it exists for and the neighbours it must refuse; the evaluator
//! decides each over the generated policies (`Plan::verify`).

use iamgen_core::{compile, ServiceKind, Settings, Values};

fn values() -> Values {
    Values::new("aws", "eu-west-1", "111122223333").unwrap()
}

#[test]
fn every_request_of_the_example_is_decided_as_declared() {
    let plan = compile(
        iamgen_core::EXAMPLE_FILE,
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap()
    .plan;
    let v = plan.verify(&values()).unwrap();
    let failures: Vec<String> = v.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} intents, {} requests allowed, {} neighbours denied",
        v.intents, v.allowed, v.denied
    );
    // Every grant of the example, every kind's implied grants and every trust policy declare some.
    for s in &plan.services {
        for i in &s.intents {
            assert!(
                !i.requests.is_empty(),
                "{} declares no request",
                i.origin.path
            );
        }
    }
    let kinds: std::collections::BTreeSet<ServiceKind> =
        plan.services.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds.len(),
        ServiceKind::ALL.len(),
        "the example has every service kind"
    );
}

/// The check has teeth: a role policy wider than its grant lets a neighbour through, and a
/// missing statement refuses a request the grant exists for; both are reported.
#[test]
fn a_wrong_statement_fails_the_check() {
    let compiled = compile(
        iamgen_core::EXAMPLE_FILE,
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap();
    let mut wide = compiled.plan.clone();
    let predict = wide
        .services
        .iter_mut()
        .find(|s| s.name == "predict")
        .unwrap();
    for st in predict.roles[0]
        .policies
        .iter_mut()
        .flat_map(|p| &mut p.document.statements)
    {
        if st.actions.iter().any(|a| a == "dynamodb:PutItem") {
            st.resources = vec![iamgen_core::Template::text(
                "arn:aws:dynamodb:eu-west-1:111122223333:table/*",
            )];
        }
    }
    let v = wide.verify(&values()).unwrap();
    assert!(
        v.failures
            .iter()
            .any(|f| f.request.contains("another environment")),
        "{:#?}",
        v.failures
    );
    let mut narrow = compiled.plan.clone();
    let predict = narrow
        .services
        .iter_mut()
        .find(|s| s.name == "predict")
        .unwrap();
    for p in &mut predict.roles[0].policies {
        p.document
            .statements
            .retain(|s| !s.actions.iter().any(|a| a == "logs:CreateLogGroup"));
    }
    let v = narrow.verify(&values()).unwrap();
    assert_eq!(v.failures.len(), 1, "{:#?}", v.failures);
    assert!(
        v.failures[0]
            .request
            .starts_with("allow logs:CreateLogGroup"),
        "{}",
        v.failures[0]
    );
}
