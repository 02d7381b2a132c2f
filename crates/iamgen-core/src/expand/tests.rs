//! Unit tests of the grants' statements.

use super::*;
use crate::spec::Spec;

/// The statements (and permissions) service `f` gets from its explicit grants.
fn effects(kind: &str, grant: &str, extra: &str) -> Effects {
    let yaml = format!(
        "project: p\nenvironment: e\nresources:\n  buckets: {{ b: data }}\n  ecr_repositories: {{ r: r }}\n  ecs_clusters: {{ c: c }}\n\
         services:\n  f:\n    kind: {kind}\n    grants: [ {grant} ]\n  t: {{ kind: ecs_task, image: r, cluster: c }}\n  l: {{ kind: lambda }}\n{extra}"
    );
    let spec = Spec::from_yaml("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
    let f = &spec.services["f"];
    let mut out = Effects::default();
    for g in &f.grants {
        expand(spec.names(), f, g, &mut out);
    }
    out
}

fn actions(e: &Effects) -> Vec<String> {
    e.statements
        .iter()
        .flat_map(|s| s.actions.clone())
        .collect()
}

#[test]
fn s3_write_never_deletes_and_read_write_does() {
    let write = actions(&effects("lambda", "s3.write: b", ""));
    assert!(write.contains(&"s3:PutObject".to_string()));
    assert!(!write.iter().any(|a| a.contains("Delete")), "{write:?}");
    assert!(!write.contains(&"s3:GetObject".to_string()));
    let rw = actions(&effects("lambda", "s3.read_write: b", ""));
    assert!(
        rw.contains(&"s3:DeleteObject".to_string()) && rw.contains(&"s3:GetObject".to_string())
    );
    assert!(rw.len() <= 8, "a handful of actions, not CDK's 55: {rw:?}");
}

#[test]
fn s3_objects_and_buckets_get_their_own_arns() {
    let e = effects("lambda", "s3.read: b", "");
    let objects = e
        .statements
        .iter()
        .find(|s| s.sid == "S3ReadObjects")
        .unwrap();
    assert_eq!(
        objects.resources[0].to_string(),
        "arn:${partition}:s3:::p-data-e/*"
    );
    let buckets = e
        .statements
        .iter()
        .find(|s| s.sid == "S3ReadBuckets")
        .unwrap();
    assert_eq!(
        buckets.resources[0].to_string(),
        "arn:${partition}:s3:::p-data-e"
    );
}

#[test]
fn run_task_is_pinned_to_the_cluster_and_passes_only_the_tasks_roles_to_ecs() {
    let e = effects("step_functions", "ecs.run_task: t", "");
    let run = e.statements.iter().find(|s| s.sid == "EcsRunTask").unwrap();
    assert_eq!(run.conditions[0].variable, "ecs:cluster");
    let pass = e
        .statements
        .iter()
        .find(|s| s.sid == "IamPassRole")
        .unwrap();
    let roles: Vec<String> = pass.resources.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        roles,
        [
            "arn:${partition}:iam::${account}:role${var.path}p-t-e",
            "arn:${partition}:iam::${account}:role${var.path}p-t-execution-e"
        ]
    );
    assert_eq!(
        pass.conditions[0].values[0].to_string(),
        "ecs-tasks.amazonaws.com"
    );
}

#[test]
fn invoke_from_api_gateway_is_a_permission_on_the_function_not_a_statement() {
    let e = effects("api_gateway", "lambda.invoke: l", "");
    assert!(e.statements.is_empty());
    assert_eq!(e.lambda_permissions.len(), 1);
    let p = &e.lambda_permissions[0];
    assert_eq!(
        (p.function_name.as_str(), p.principal),
        ("p-l-e", "apigateway.amazonaws.com")
    );
    assert_eq!(
        p.source_arn.to_string(),
        "arn:${partition}:execute-api:${region}:${account}:${var.api_id}/*"
    );
    assert_eq!(e.inputs["api_id"].global, "f_api_id");
    let from_sfn = effects("step_functions", "lambda.invoke: l", "");
    assert!(from_sfn.lambda_permissions.is_empty());
    assert_eq!(actions(&from_sfn), ["lambda:InvokeFunction"]);
}

#[test]
fn pass_role_names_the_service_that_assumes_each_role() {
    let e = effects("lambda", "iam.pass_role: [t, l]", "");
    let to: Vec<String> = e
        .statements
        .iter()
        .map(|s| s.conditions[0].values[0].to_string())
        .collect();
    assert_eq!(to, ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]);
}

#[test]
fn metrics_are_scoped_by_namespace() {
    let e = effects("lambda", "cloudwatch.put_metrics: [A, B]", "");
    let s = &e.statements[0];
    assert!(s.resources[0].is_star());
    assert_eq!(s.conditions[0].variable, "cloudwatch:namespace");
    assert_eq!(s.conditions[0].values.len(), 2);
}
