//! Issue 11 (orchestration, schedules, finer scopes, Lambda in a VPC, hand-written statements,
//! tag-based access, one spec for every environment): each feature's statements, and every request
//! it declares decided by the evaluator (`Plan::verify`).

use iamgen_core::{compile, Compiled, Settings, Statement, Values};

fn values() -> Values {
    Values::new("aws", "eu-west-1", "111122223333").unwrap()
}

/// Compiles `yaml` for `environment`, and verifies every declared request.
fn verified(yaml: &str, environment: Option<&str>) -> Compiled {
    let mut settings = Settings::default();
    if let Some(e) = environment {
        settings = settings.with_environment(e);
    }
    let compiled = compile("t.yaml", yaml, &settings).unwrap_or_else(|e| panic!("{e}"));
    let v = compiled.plan.verify(&values()).unwrap();
    let failures: Vec<String> = v.failures.iter().map(|f| f.to_string()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(v.allowed > 0 && v.denied > 0);
    compiled
}

fn statements<'a>(c: &'a Compiled, service: &str) -> Vec<&'a Statement> {
    c.plan
        .services
        .iter()
        .find(|s| s.name == service)
        .unwrap()
        .roles
        .iter()
        .flat_map(|r| &r.policies)
        .flat_map(|p| &p.document.statements)
        .collect()
}

fn sid<'a>(c: &'a Compiled, service: &str, sid: &str) -> &'a Statement {
    statements(c, service)
        .into_iter()
        .find(|s| s.sid == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {service}"))
}

const PLATFORM: &str = r#"
project: shop
environment: dev
accounts: { shared: "444455556666" }
resources:
  buckets: { raw: raw }
  dynamodb_tables: { sessions: sessions, cache: "*" }
  bedrock_models: { claude: anthropic.claude-3-haiku-20240307-v1:0 }
  ecr_repositories: { app: app }
  ecs_clusters: { main: main }
environments:
  prod:
    tags: { CostCenter: shop-prod }
    resources:
      bedrock_models: { claude: anthropic.claude-3-5-sonnet-20240620-v1:0 }
    accounts: { shared: "777788889999" }
    without_services: [debug]
services:
  flow:
    kind: step_functions
    grants: [ lambda.invoke: [resize], states.start_execution: child ]
  child: { kind: step_functions }
  express: { kind: step_functions }
  task: { kind: ecs_task, image: app, cluster: main, grants: [ states.start_execution: flow ] }
  api: { kind: api_gateway, grants: [ states.start_execution: flow, states.start_sync_execution: express ] }
  resize:
    kind: lambda
    vpc: { subnets: [subnet-0123456789abcdef0], security_groups: [sg-0123456789abcdef0] }
    grants:
      - s3.read: [{ bucket: raw, prefix: incoming/ }]
      - dynamodb.read_write: [{ table: sessions, leading_keys: ["tenant-a"] }]
      - dynamodb.read: cache
        allow: { wildcard: "cache tables are made per run" }
      - bedrock.invoke_model: claude
      - states.start_execution: flow
    statements:
      - sid: ReadSharedConfig
        actions: [ssm:GetParameter]
        resources: ["arn:${partition}:ssm:${region}:${accounts.shared}:parameter/shared-config"]
        why: "the shared configuration lives in the shared account; no grant covers SSM yet"
  debug: { kind: lambda, vpc: true }
  nightly:
    kind: schedule
    grants: [ states.start_execution: flow, lambda.invoke: resize, ecs.run_task: task ]
  homes:
    kind: lambda
    statements:
      - actions: [s3:GetObject, s3:PutObject]
        resources: ["arn:${partition}:s3:::shop-home-dev/${aws:username}/*"]
        why: "per-user home prefixes, a policy variable AWS fills in"
      - actions: [xray:GetSamplingRules]
        resources: ["*"]
        why: "X-Ray sampling rules accept no resource; no grant of ours needs only this"
"#;

#[test]
fn every_feature_is_verified_in_every_environment() {
    let dev = verified(PLATFORM, None);
    let prod = verified(PLATFORM, Some("prod"));
    assert_eq!(dev.plan.environment, "dev");
    assert_eq!(prod.plan.environment, "prod");
    assert!(dev.plan.services.iter().any(|s| s.name == "debug"));
    assert!(!prod.plan.services.iter().any(|s| s.name == "debug"));
    assert_eq!(prod.plan.tags["CostCenter"], "shop-prod");
    let model = |c: &Compiled| sid(c, "resize", "BedrockInvokeModel").resources[0].to_string();
    assert!(model(&dev).ends_with("anthropic.claude-3-haiku-20240307-v1:0"));
    assert!(model(&prod).ends_with("anthropic.claude-3-5-sonnet-20240620-v1:0"));
    let shared = |c: &Compiled| sid(c, "resize", "ReadSharedConfig").resources[0].to_string();
    assert!(shared(&dev).contains(":444455556666:"));
    assert!(shared(&prod).contains(":777788889999:"));
}

#[test]
fn state_machines_are_started_from_functions_tasks_apis_schedules_and_state_machines() {
    let c = verified(PLATFORM, None);
    // A nested `.sync` parent manages the rule Step Functions uses to wait.
    let rule = sid(&c, "flow", "EventsManageNestedSyncRule");
    assert!(rule.resources[0]
        .to_string()
        .ends_with("rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"));
    // A schedule only starts; a function also describes and stops.
    assert!(!statements(&c, "nightly")
        .iter()
        .any(|s| s.actions.iter().any(|a| a == "states:StopExecution")));
    assert!(sid(&c, "resize", "StatesWatchExecutions")
        .actions
        .contains(&"states:StopExecution".to_string()));
    assert_eq!(
        sid(&c, "api", "StatesStartSyncExecution").actions,
        ["states:StartSyncExecution"]
    );
    // A schedule runs a task, never stops it.
    assert!(!statements(&c, "nightly")
        .iter()
        .any(|s| s.actions.iter().any(|a| a == "ecs:StopTask")));
    let trust = &c
        .plan
        .services
        .iter()
        .find(|s| s.name == "nightly")
        .unwrap()
        .roles[0]
        .trust;
    assert_eq!(trust.principal, "scheduler.amazonaws.com");
    assert!(trust.conditions[1].values[0]
        .to_string()
        .ends_with(":schedule-group/shop-nightly-dev"));
}

#[test]
fn scopes_and_tags_narrow_the_statements() {
    let c = verified(PLATFORM, None);
    let list = sid(&c, "resize", "S3ReadListPrefixes");
    assert_eq!(list.conditions[0].variable, "s3:prefix");
    assert_eq!(list.conditions[0].values[0].to_string(), "incoming/*");
    let rows = sid(&c, "resize", "DynamodbReadWriteTablesLeadingKeys");
    assert!(!rows.actions.iter().any(|a| a == "dynamodb:Scan"));
    assert_eq!(rows.conditions[1].test, "Null");
    // The pattern table: every action narrowed by the platform's tags.
    let cache = sid(&c, "resize", "DynamodbReadTables");
    let keys: Vec<&str> = cache
        .conditions
        .iter()
        .map(|c| c.variable.as_str())
        .collect();
    assert_eq!(
        keys,
        ["aws:ResourceTag/Project", "aws:ResourceTag/Environment"]
    );
}

#[test]
fn a_hand_written_statement_is_marked_and_carries_its_reason() {
    let c = verified(PLATFORM, None);
    let s = sid(&c, "resize", "ReadSharedConfig");
    assert!(s.origin.is_hand_written());
    assert!(
        s.notes[0].contains("no grant covers SSM yet"),
        "{:?}",
        s.notes
    );
}

/// The new keys read from YAML, written as JSON and read back give the same plan, in every
/// environment: `SpecInput` carries them all.
#[test]
fn the_new_keys_round_trip_through_json() {
    use iamgen_core::{compile_input, SpecInput};
    let input = SpecInput::from_yaml("t.yaml", PLATFORM).unwrap();
    let json = serde_json::to_string(&input).unwrap();
    let back: SpecInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, input, "{json}");
    for env in [None, Some("prod")] {
        let mut settings = Settings::default();
        if let Some(e) = env {
            settings = settings.with_environment(e);
        }
        let from_yaml = compile("t.yaml", PLATFORM, &settings).unwrap().plan;
        let from_json = compile_input(&back, &settings).unwrap().plan;
        // The same documents (positions in the YAML aside).
        let documents = |plan: &iamgen_core::Plan| -> Vec<serde_json::Value> {
            let v = values();
            plan.services
                .iter()
                .flat_map(|s| &s.roles)
                .flat_map(|r| {
                    std::iter::once(r.trust.to_json(&v))
                        .chain(r.policies.iter().map(|p| p.document.to_json(&v)))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(documents(&from_yaml), documents(&from_json));
    }
}

/// A spec built in code: the builders of the new keys.
#[test]
fn the_new_keys_have_builders() {
    use iamgen_core::{
        compile_input, EnvironmentInput, GrantInput, GrantKind, ResourceKind, ServiceInput,
        ServiceKind, SpecInput, StatementInput, VpcInput,
    };
    let spec = SpecInput::new("shop", "dev")
        .resource(ResourceKind::Bucket, "raw", "raw")
        .account("shared", "444455556666")
        .environment(
            "prod",
            EnvironmentInput::default()
                .tag("CostCenter", "prod")
                .account("shared", "777788889999"),
        )
        .service("flow", ServiceInput::new(ServiceKind::StepFunctions))
        .service(
            "resize",
            ServiceInput::new(ServiceKind::Lambda)
                .vpc(VpcInput::Any(true))
                .grant(
                    GrantInput::new(GrantKind::S3Read, Vec::<String>::new())
                        .with_prefix("raw", "in/"),
                )
                .statement(StatementInput::new(
                    ["ssm:GetParameter"],
                    ["arn:${partition}:ssm:${region}:${accounts.shared}:parameter/cfg"],
                    "shared configuration, no grant for it yet",
                )),
        )
        .service(
            "nightly",
            ServiceInput::new(ServiceKind::Schedule)
                .group("default")
                .grant(GrantInput::new(GrantKind::StatesStartExecution, ["flow"])),
        );
    let prod = compile_input(&spec, &Settings::default().with_environment("prod")).unwrap();
    assert_eq!(prod.plan.environment, "prod");
    let nightly = prod
        .plan
        .services
        .iter()
        .find(|s| s.name == "nightly")
        .unwrap();
    assert_eq!(nightly.schedule_group.as_deref(), Some("default"));
    let v = prod.plan.verify(&values()).unwrap();
    assert!(v.passed(), "{:?}", v.failures);
}

/// The README's spec of the new keys is valid with --strict, in every environment it declares.
#[test]
fn the_readme_spec_of_the_new_keys_passes_strict_in_every_environment() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let marker = "The new keys:\n\n```yaml\n";
    let start = readme.find(marker).expect("the README shows the new keys") + marker.len();
    let end = start + readme[start..].find("```").unwrap();
    let snippet = &readme[start..end];
    for env in ["dev", "staging", "prod"] {
        let settings = Settings::default().with_strict(true).with_environment(env);
        let compiled =
            compile("README.md", snippet, &settings).unwrap_or_else(|e| panic!("{env}: {e}"));
        assert!(
            compiled.warnings.is_empty(),
            "{env}: {:?}",
            compiled.warnings
        );
        let v = compiled.plan.verify(&values()).unwrap();
        assert!(v.passed(), "{env}: {:?}", v.failures);
    }
}
