//! Regression tests for issue 9 ("never emit Terraform that fails"): the spec-level items 7-12 and
//! 15-23, and the README's promises to a newcomer. Each test is named after its item.

use iamgen_core::{compile, Compiled, Settings, SpecError};

const BASE: &str = "project: shop\nenvironment: dev\n";

fn build(yaml: &str) -> Result<Compiled, SpecError> {
    compile("spec.yaml", yaml, &Settings::default())
}

fn strict(yaml: &str) -> Result<Compiled, SpecError> {
    compile("spec.yaml", yaml, &Settings::default().with_strict(true))
}

/// The error text of a spec that must be refused.
fn refused(yaml: &str) -> String {
    match build(yaml) {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

/// The warnings of a spec that must compile, one line each as the CLI prints them.
fn warnings(yaml: &str) -> Vec<String> {
    let compiled = build(yaml).unwrap_or_else(|e| panic!("{e}"));
    compiled
        .warnings
        .iter()
        .map(|w| format!("spec.yaml:{w}"))
        .collect()
}

/// Item 17: a UTF-8 byte-order mark is allowed by YAML, and positions stay those of the text.
#[test]
fn issue_9_17_a_byte_order_mark_is_accepted() {
    let yaml = format!("\u{feff}{BASE}services:\n  f: {{ kind: lambda }}\n");
    build(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let bad = "\u{feff}project: Shop\nenvironment: dev\nservices:\n  f: { kind: lambda }\n";
    assert!(
        refused(bad).starts_with("spec.yaml:1:10: error: project 'Shop'"),
        "{}",
        refused(bad)
    );
}

/// Item 23: wording. No `'api''s`, no "1 warnings", and an empty string is called one.
#[test]
fn issue_9_23_wording() {
    let example = build(iamgen_core::EXAMPLE_SPEC).unwrap();
    for s in &example.plan.services {
        for setting in &s.account_settings {
            let d = &setting.switch.global_description;
            assert!(!d.contains("''"), "{d}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        format!("{BASE}services:\n  f: {{ kind: lambda, grants: [ xray.write ] }}\n"),
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("iamgen")
        .unwrap()
        .arg("check")
        .arg(&spec)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with(": 1 warning\n"), "{stderr}");
    let empty = format!("{BASE}services:\n  f: {{ kind: \"\" }}\n");
    assert_eq!(
        refused(&empty),
        "spec.yaml:4:14: error: expected a text value, found an empty string in services.f.kind"
    );
}

/// Item 15: text from the spec is quoted and escaped in messages: a key or a name holding a newline
/// or an ANSI escape cannot forge a line or drive the terminal.
#[test]
fn issue_9_15_spec_text_in_messages_is_escaped() {
    let yaml = format!(
        "{BASE}\"naming\\nspec.yaml:1:1: error: forged\": x\nservices:\n  \"f\\nspec.yaml:1:1: error: forged\\e[31m\": {{ kind: lambda }}\n  \
         g: {{ kind: lambda, grants: [ s3.read: \"x\\ny\\e[2J\" ] }}\n"
    );
    let text = refused(&yaml);
    assert!(!text.contains('\u{1b}'), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("spec.yaml:") && !l.starts_with("spec.yaml:1:1")),
        "{text}"
    );
    assert_eq!(
        lines[0],
        r"spec.yaml:3:1: error: unknown key 'naming\nspec.yaml:1:1: error: forged'; known keys: project, environment, naming, tags, resources, profiles, services, accounts, environments, tag_based_access, include"
    );
    assert_eq!(
        lines[1],
        r"spec.yaml:5:3: error: 'f\nspec.yaml:1:1: error: forged\u{1b}[31m' is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter in services.f\nspec.yaml:1:1: error: forged\u{1b}[31m"
    );
    assert_eq!(
        lines[2],
        r"spec.yaml:6:41: error: unknown bucket 'x\ny\u{1b}[2J' in services.g.grants[0]; declare it under resources.buckets"
    );
}

/// Item 16: thousands of problems stay cheap to print: lists of known names are bounded and the same
/// problem repeated is summarized.
#[test]
fn issue_9_16_many_errors_print_little() {
    let mut yaml = format!("{BASE}resources:\n  buckets:\n");
    for i in 0..4000 {
        yaml.push_str(&format!("    b{i:04}: b{i:04}\n"));
    }
    yaml.push_str("services:\n  f:\n    kind: lambda\n    grants:\n");
    for i in 0..6000 {
        yaml.push_str(&format!("      - s3.read: nope{i:05}\n"));
    }
    for _ in 0..6000 {
        yaml.push_str("      - s3.read: missing\n");
    }
    let start = std::time::Instant::now();
    let text = refused(&yaml);
    let took = start.elapsed();
    assert!(text.len() < 2_000_000, "{} bytes of messages", text.len());
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "spec.yaml:4009:18: error: unknown bucket 'nope00000' in services.f.grants[0]; known under resources.buckets: b0000, b0001, b0002, b0003, b0004, b0005, b0006, b0007, b0008, b0009, and 3990 more"
    );
    let missing: Vec<&str> = text.lines().filter(|l| l.contains("'missing'")).collect();
    assert_eq!(missing.len(), 4, "{missing:#?}");
    assert_eq!(
        missing[3],
        "spec.yaml:10012:18: error: unknown bucket 'missing' in services.f.grants[6003]; the same problem 5997 more times, up to line 16008"
    );
    assert!(took.as_secs() < 60, "took {took:?}");
}

/// Item 21: a Lambda function that invokes itself (recursion, fan-out to itself) needs
/// `lambda:InvokeFunction` on its own ARN: allowed.
#[test]
fn issue_9_21_a_function_may_invoke_itself() {
    let yaml = format!("{BASE}services:\n  f: {{ kind: lambda, grants: [ lambda.invoke: f ] }}\n");
    let compiled = build(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let statements = &compiled.plan.services[0].roles[0].policies[0]
        .document
        .statements;
    let invoke = statements.iter().find(|s| s.sid == "LambdaInvoke").unwrap();
    let arns: Vec<String> = invoke.resources.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        arns,
        [
            "arn:${partition}:lambda:${region}:${account}:function:shop-f-dev",
            "arn:${partition}:lambda:${region}:${account}:function:shop-f-dev:*"
        ]
    );
}

/// Item 9: IAM does not tell a role's tag keys apart by case ("you cannot have separate Department
/// and department tag keys"), so keys that differ only in case are refused where they are written.
#[test]
fn issue_9_9_tag_keys_differing_only_in_case_are_refused() {
    let reserved =
        format!("{BASE}tags: {{ environment: staging }}\nservices:\n  f: {{ kind: lambda }}\n");
    assert_eq!(
        refused(&reserved),
        "spec.yaml:3:9: error: tag key 'environment' differs only in case from iamgen's own tag 'Environment' in tags.environment; IAM does not tell a role's tag keys apart by case, so one would replace the other"
    );
    let twice =
        format!("{BASE}tags:\n  Owner: a\n  owner: b\nservices:\n  f: {{ kind: lambda }}\n");
    assert_eq!(
        refused(&twice),
        "spec.yaml:5:3: error: tag key 'owner' differs only in case from tag key 'Owner' (tags.Owner, line 4) in tags.owner; IAM does not tell a role's tag keys apart by case, so one would replace the other"
    );
}

/// Item 10: the role description iamgen writes (the spec's text, then what the role is) fits IAM's
/// 1,000 characters (CreateRole, Description: "Maximum length of 1000").
#[test]
fn issue_9_10_the_final_role_description_fits_iam() {
    let spec = |n: usize| {
        format!("{BASE}services:\n  f:\n    kind: ecs_task\n    description: {}\n    image: r\n    cluster: c\nresources:\n  ecr_repositories: {{ r: r }}\n  ecs_clusters: {{ c: c }}\n", "a".repeat(n))
    };
    assert_eq!(
        refused(&spec(1000)),
        "spec.yaml:6:18: error: the description of role 'shop-f-dev' would be 1029 characters with what iamgen adds (': role of ECS task shop-f-dev'); IAM allows 1000 in services.f.description; shorten it by 29 characters"
    );
    let longest_accepted = 1000 - ": execution role of ECS task shop-f-dev".len();
    let err = refused(&spec(longest_accepted + 1));
    assert!(
        err.contains("role 'shop-f-execution-dev' would be 1001 characters"),
        "{err}"
    );
    let compiled = build(&spec(longest_accepted)).unwrap_or_else(|e| panic!("{e}"));
    let longest = compiled.plan.services[0]
        .roles
        .iter()
        .map(|r| r.description.chars().count())
        .max();
    assert_eq!(longest, Some(1000));
}

/// Item 20: everything that can be checked is checked, even after an error: the grants of a
/// service without a (valid) kind, references to such a service, profiles no service uses, and the
/// services of a spec without a project.
#[test]
fn issue_9_20_everything_checkable_is_checked_after_an_error() {
    let no_kind = format!("{BASE}services:\n  f:\n    grants: [ s3.read: nope, s3.raed: x ]\n  g: {{ kind: sqs }}\n  h: {{ kind: lambda, grants: [ lambda.invoke: [g, f] ] }}\n");
    assert_eq!(
        refused(&no_kind),
        "spec.yaml:5:5: error: missing key 'kind' in services.f; kinds: lambda, step_functions, ecs_task, bedrock_knowledge_base, bedrock_agent, api_gateway, schedule\n\
         spec.yaml:5:24: error: unknown bucket 'nope' in services.f.grants[0]; declare it under resources.buckets\n\
         spec.yaml:5:30: error: unknown grant 's3.raed' in services.f.grants[1]; did you mean 's3.read'?\n\
         spec.yaml:6:14: error: unknown service kind 'sqs' in services.g.kind; known kinds: lambda, step_functions, ecs_task, bedrock_knowledge_base, bedrock_agent, api_gateway, schedule"
    );
    let unused_cycle = format!("{BASE}profiles:\n  a: [ use: b ]\n  b: [ use: a, use: missing ]\nservices:\n  f: {{ kind: lambda }}\n");
    assert_eq!(
        refused(&unused_cycle),
        "spec.yaml:5:13: error: profile cycle: a -> b -> a in profiles.b[0].use\n\
         spec.yaml:5:21: error: unknown profile 'missing' in profiles.b[1].use; declare it under profiles"
    );
    let no_project =
        "environment: dev\nservices:\n  f: { kind: lambda, grants: [ s3.read: nope ] }\n";
    assert_eq!(
        refused(no_project),
        "spec.yaml:1:1: error: missing key 'project'\n\
         spec.yaml:3:41: error: unknown bucket 'nope' in services.f.grants[0]; declare it under resources.buckets"
    );
}

/// Item 18: an `allow:` that accepts nothing (on a grant that is not wide, on a `use:` item, or
/// empty) is a warning, an error with --strict, and stamps nothing on the output.
#[test]
fn issue_9_18_an_allow_that_accepts_nothing_is_a_warning() {
    let yaml = format!(
        "{BASE}resources:\n  buckets: {{ raw: raw }}\nprofiles:\n  p:\n    - use: q\n      allow: {{ wildcard: \"a reason for nothing\" }}\n  q:\n    - xray.write:\n      allow: {{ wildcard: \"X-Ray accepts no resource\" }}\n\
         services:\n  f:\n    kind: lambda\n    use: [p]\n    grants:\n      - s3.read: raw\n        allow: {{ wildcard: \"not a wide grant at all\" }}\n      - logs.write: /x\n        allow: {{}}\n"
    );
    assert_eq!(
        warnings(&yaml),
        [
            "spec.yaml:8:14: warning: `allow:` on a `use:` item accepts nothing in profiles.p[0]; put it on the grants of profile 'q' that need it",
            "spec.yaml:18:28: warning: `allow: { wildcard }` accepts nothing here: grant 's3.read' reaches no name pattern and needs no Resource \"*\" in services.f.grants[0]; remove it",
            "spec.yaml:20:16: warning: `allow:` names no finding, so it accepts nothing in services.f.grants[1]; remove it, or write `allow: { wildcard: \"why\" }`",
        ]
    );
    let compiled = build(&yaml).unwrap();
    let text = iamgen_hcl::single_file(&compiled.plan);
    assert_eq!(
        text.matches("Reviewed: accepted wildcard").count(),
        1,
        "{text}"
    );
    assert!(text.contains("Reviewed: accepted wildcard: X-Ray accepts no resource"));
    let err = strict(&yaml).unwrap_err().to_string();
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(err.lines().all(|l| l.contains(": error: ")), "{err}");
}

/// Item 19: a resource named twice in a grant, or two logical names for one physical name, give
/// one ARN, and the double declaration is a warning.
#[test]
fn issue_9_19_the_same_arn_is_listed_once() {
    let yaml = format!(
        "{BASE}resources:\n  buckets: {{ raw: data, raw_again: data, exact: {{ name: shop-data-dev }} }}\n\
         services:\n  f: {{ kind: lambda, grants: [ s3.read: [raw, raw, raw_again, exact] ] }}\n  g: {{ kind: step_functions, grants: [ lambda.invoke: [f, f] ] }}\n"
    );
    assert_eq!(
        warnings(&yaml),
        [
            "spec.yaml:4:25: warning: bucket 'raw_again' has the same name 'shop-data-dev' as bucket 'raw' (resources.buckets.raw, line 4) in resources.buckets.raw_again; declare it once and name it once",
            "spec.yaml:4:42: warning: bucket 'exact' has the same name 'shop-data-dev' as bucket 'raw' (resources.buckets.raw, line 4) in resources.buckets.exact; declare it once and name it once",
            "spec.yaml:6:47: warning: bucket 'raw' is named twice in this grant in services.f.grants[0]",
            "spec.yaml:7:59: warning: service 'f' is named twice in this grant in services.g.grants[0]",
        ]
    );
    let compiled = build(&yaml).unwrap();
    let f = &compiled.plan.services[0].roles[0].policies[0]
        .document
        .statements;
    let objects = f.iter().find(|s| s.sid == "S3ReadObjects").unwrap();
    assert_eq!(objects.resources.len(), 1, "{:?}", objects.resources);
    let g = &compiled.plan.services[1].roles[0].policies[0]
        .document
        .statements;
    let invoke = g.iter().find(|s| s.sid == "LambdaInvoke").unwrap();
    assert_eq!(invoke.resources.len(), 2, "{:?}", invoke.resources);
}

/// Item 22: a declared resource (or profile) that nothing uses is a warning: it often hides a typo.
#[test]
fn issue_9_22_unused_declarations_are_warnings() {
    let yaml = format!(
        "{BASE}resources:\n  buckets: {{ raw: raw, models: models }}\n  secrets: {{ api_key: api-key }}\nprofiles:\n  unused: [ s3.read: models ]\n\
         services:\n  f: {{ kind: lambda, grants: [ s3.read: raw ] }}\n"
    );
    assert_eq!(
        warnings(&yaml),
        [
            "spec.yaml:5:14: warning: secret 'api_key' is declared but nothing uses it in resources.secrets.api_key; remove it, or check the grants for a misspelled name",
            "spec.yaml:7:3: warning: profile 'unused' is declared but no service uses it in profiles.unused; remove it, or check the services' `use:` for a misspelled name",
        ]
    );
    assert!(warnings(iamgen_core::EXAMPLE_SPEC).is_empty());
}

/// Item 12: a `"*"` pattern (`shop-*-dev`) also matches the names of a project `shop-legacy` and of
/// an environment `legacy-dev`, since `*` matches `-` too; IAM has no narrower wildcard, so the
/// warning says so, with an example of each (and, since issue 11, that tag-based access narrows it).
#[test]
fn issue_9_12_a_pattern_warning_says_it_crosses_projects() {
    let yaml = format!(
        "{BASE}resources:\n  dynamodb_tables: {{ all: \"*\" }}\nservices:\n  f: {{ kind: lambda, grants: [ dynamodb.read: all ] }}\n"
    );
    assert_eq!(
        warnings(&yaml),
        ["spec.yaml:6:32: warning: grant 'dynamodb.read' reaches every DynamoDB table named 'shop-*-dev', \
          also those of other projects and environments ('*' matches '-' too: 'shop-legacy-orders-dev' of a project 'shop-legacy', \
          'shop-orders-legacy-dev' of an environment 'legacy-dev'); tag-based access limits it to those tagged \
          Project = 'shop', Environment = 'dev' where AWS evaluates resource tags in services.f.grants[0]; \
          name the resources, or accept it with `allow: { wildcard: \"why\" }`"]
    );
}

/// Item 8: an object key that is an HCL keyword (`for` makes `{ for = ... }` a for expression) is
/// quoted: services and tags named after every keyword give Terraform that a real HCL parser reads
/// back with exactly those keys.
#[test]
fn issue_9_8_hcl_keywords_as_object_keys_are_quoted() {
    const KEYWORDS: [&str; 9] = [
        "for", "in", "if", "else", "endif", "endfor", "true", "false", "null",
    ];
    let mut yaml = format!("{BASE}tags:\n");
    for k in KEYWORDS {
        yaml.push_str(&format!("  {k}: x\n"));
    }
    yaml.push_str("services:\n");
    for k in KEYWORDS {
        yaml.push_str(&format!("  {k}: {{ kind: lambda }}\n"));
    }
    let plan = build(&yaml).unwrap_or_else(|e| panic!("{e}")).plan;
    let object_keys = |text: &str, block: &str, attr: &str| -> Vec<String> {
        let body = hcl::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let value = body
            .blocks()
            .filter(|b| b.identifier() == block)
            .flat_map(|b| b.body().attributes())
            .find(|a| a.key() == attr)
            .unwrap_or_else(|| panic!("no {block} {attr}"))
            .expr()
            .clone();
        let object = match value {
            hcl::Expression::Object(o) => o,
            hcl::Expression::FuncCall(call) => match &call.args[0] {
                hcl::Expression::Object(o) => o.clone(),
                other => panic!("{attr} is {other:?}"),
            },
            other => panic!("{attr} is {other:?}"),
        };
        object
            .keys()
            .map(|k| match k {
                hcl::ObjectKey::Identifier(i) => i.to_string(),
                hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
                other => panic!("key {other:?}"),
            })
            .collect()
    };
    let text = iamgen_hcl::single_file(&plan);
    assert_eq!(object_keys(&text, "output", "value"), KEYWORDS);
    let tags = object_keys(&text, "locals", "tags");
    assert_eq!(tags[3..], KEYWORDS);
    let output = iamgen_hcl::Output::modules(&plan);
    for (path, text) in output.into_iter().filter(|(path, _)| path.ends_with(".tf")) {
        hcl::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    assert_eq!(
        object_keys(output.get("outputs.tf").unwrap(), "output", "value"),
        KEYWORDS
    );
}

/// Item 7: every AWS name (roles, policies) and every Terraform address iamgen writes is unique, or
/// the spec is refused at load naming both services.
#[test]
fn issue_9_7_names_and_addresses_never_collide() {
    let execution = format!(
        "{BASE}resources:\n  ecr_repositories: {{ r: r }}\n  ecs_clusters: {{ c: c }}\n\
         services:\n  training: {{ kind: ecs_task, image: r, cluster: c }}\n  training_execution: {{ kind: lambda }}\n"
    );
    assert_eq!(
        refused(&execution),
        "spec.yaml:8:3: error: service 'training_execution' makes IAM role 'shop-training-execution-dev', \
         and so does service 'training' (services.training, line 7) in services.training_execution; rename one of the two services"
    );
    let trust =
        format!("{BASE}services:\n  a: {{ kind: lambda }}\n  a_trust: {{ kind: lambda }}\n");
    assert_eq!(
        refused(&trust),
        "spec.yaml:5:3: error: service 'a_trust' makes Terraform address data.aws_iam_policy_document.a_trust, \
         and so does service 'a' (services.a, line 4) in services.a_trust; rename one of the two services"
    );
    let permissions = format!(
        "{BASE}services:\n  a: {{ kind: api_gateway, grants: [ lambda.invoke: b_invoke_c ] }}\n  a_invoke_b: {{ kind: api_gateway, grants: [ lambda.invoke: c ] }}\n  \
         b_invoke_c: {{ kind: lambda }}\n  c: {{ kind: lambda }}\n"
    );
    assert_eq!(
        refused(&permissions),
        "spec.yaml:5:3: error: service 'a_invoke_b' makes Terraform address aws_lambda_permission.a_invoke_b_invoke_c, \
         and so does service 'a' (services.a, line 4) in services.a_invoke_b; rename one of the two services"
    );
    // A service whose permissions need two managed policies (`ingest`, `ingest-2`) beside a service
    // `ingest_2`.
    let mut split = String::from("project: bigdata\nenvironment: prod\nresources:\n  buckets:\n");
    for i in 0..150 {
        split.push_str(&format!(
            "    b{i}: {{ name: bigdata-landing-zone-for-customer-events-{i:04}-prod }}\n"
        ));
    }
    split.push_str("services:\n  ingest:\n    kind: lambda\n    grants:\n");
    for i in 0..150 {
        split.push_str(&format!("      - s3.read: b{i}\n"));
    }
    split.push_str("  ingest_2: { kind: lambda }\n");
    assert_eq!(
        refused(&split),
        "spec.yaml:309:3: error: service 'ingest_2' makes IAM policy 'bigdata-ingest-2-prod', \
         and so does service 'ingest' (services.ingest, line 156) in services.ingest_2; rename one of the two services"
    );
    // Two grants of one API on one function give one permission, not the same address twice.
    let twice = format!(
        "{BASE}services:\n  api: {{ kind: api_gateway, grants: [ lambda.invoke: f, lambda.invoke: f ] }}\n  f: {{ kind: lambda }}\n"
    );
    let plan = build(&twice).unwrap_or_else(|e| panic!("{e}")).plan;
    assert_eq!(plan.services[0].lambda_permissions.len(), 1);
}

/// Item 7, by evaluation: the example's single file has no two blocks with one address.
#[test]
fn issue_9_7_the_example_has_unique_addresses() {
    let plan = build(iamgen_core::EXAMPLE_SPEC).unwrap().plan;
    let body = hcl::parse(&iamgen_hcl::single_file(&plan)).unwrap();
    let mut seen = std::collections::HashSet::new();
    for b in body.blocks() {
        let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
        assert!(
            seen.insert((b.identifier().to_string(), labels.join("."))),
            "{labels:?}"
        );
    }
    assert!(seen.len() > 50, "{}", seen.len());
}

/// Item 11: `--format json` is fully resolved or refused: every input is required and known, and the
/// account, region and partition are checked, in the library (so embedders get it too) and the CLI.
#[test]
fn issue_9_11_json_export_is_fully_resolved_or_refused() {
    use iamgen_core::{Values, ValuesError};
    let plan = build(iamgen_core::EXAMPLE_SPEC).unwrap().plan;
    let values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    match iamgen_hcl::json(&plan, &values) {
        Err(ValuesError::MissingInputs(missing)) => {
            let names: Vec<&str> = missing.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(
                names,
                [
                    "api_api_id",
                    "assistant_agent_id",
                    "knowledge_base_knowledge_base_id"
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Values::new("weird", "eu-west-1", "111122223333"),
        Err(ValuesError::Partition(_))
    ));
    assert!(matches!(
        Values::new("aws", "not a region", "111122223333"),
        Err(ValuesError::Region { .. })
    ));
    assert!(matches!(
        Values::new("aws", "cn-north-1", "111122223333"),
        Err(ValuesError::Region { .. })
    ));
    assert!(matches!(
        Values::new("aws", "eu-west-1", "1234"),
        Err(ValuesError::Account(_))
    ));
    for (partition, region) in [
        ("aws", "il-central-1"),
        ("aws-cn", "cn-northwest-1"),
        ("aws-us-gov", "us-gov-west-1"),
        ("aws-iso", "us-iso-east-1"),
        ("aws-iso-b", "us-isob-east-1"),
        ("aws-iso-e", "eu-isoe-west-1"),
        ("aws-iso-f", "us-isof-south-1"),
        ("aws-eusc", "eusc-de-east-1"),
    ] {
        Values::new(partition, region, "111122223333").unwrap_or_else(|e| panic!("{e}"));
    }

    let run = |extra: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("iamgen")
            .unwrap()
            .args([
                "gen",
                "examples/engagement-platform.yaml",
                "--format",
                "json",
                "--account",
                "111122223333",
            ])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let all = [
        "--input",
        "api_api_id=a1b2c3d4e5",
        "--input",
        "assistant_agent_id=AGENT12345",
        "--input",
        "knowledge_base_knowledge_base_id=KB12345678",
    ];
    let (code, stdout, stderr) = run(&[&["--region", "eu-west-1"][..], &all[..]].concat());
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert!(!stdout.contains("${"), "{stdout}");
    let (code, stdout, stderr) = run(&["--region", "eu-west-1"]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert_eq!(
        stderr,
        "error: no value for inputs api_api_id (Id of this service's API Gateway REST API (known after it is created)), \
         assistant_agent_id (Id of the Bedrock agent of service 'assistant' (known after it is created)), \
         knowledge_base_knowledge_base_id (Id of the Bedrock knowledge base of service 'knowledge_base' (known after it is created)): \
         the documents would hold placeholders; give each with --input NAME=VALUE\n"
    );
    let (code, _, stderr) = run(&[
        &["--region", "eu-west-1", "--input", "api_id=x"][..],
        &all[..],
    ]
    .concat());
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: unknown input 'api_id'; the inputs are api_api_id, assistant_agent_id, knowledge_base_knowledge_base_id, path\n");
    let (code, _, stderr) = run(&[&["--region", "not a region"][..], &all[..]].concat());
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: region 'not a region' is not a region name of partition aws (such as us-east-1)\n"
    );
    let (code, _, stderr) = run(&[
        &["--region", "eu-west-1", "--partition", "weird"][..],
        &all[..],
    ]
    .concat());
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: partition 'weird' is not an AWS partition: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc\n");
}

/// The newcomer's first hour: `allow:` under a bare grant, written the obvious way, is accepted
/// (the grant's value is then only what it accepts); without the grant's colon, the YAML error says
/// how to write it.
#[test]
fn issue_9_newcomer_allow_under_a_bare_grant() {
    let spec = |item: &str| format!("{BASE}services:\n  f:\n    kind: lambda\n    grants:\n{item}");
    let nested =
        spec("      - xray.write:\n          allow: { wildcard: \"X-Ray accepts no resource\" }\n");
    let compiled = strict(&nested).unwrap_or_else(|e| panic!("{e}"));
    let text = iamgen_hcl::single_file(&compiled.plan);
    assert!(text.contains("Reviewed: accepted wildcard: X-Ray accepts no resource"));
    let sibling =
        spec("      - xray.write:\n        allow: { wildcard: \"X-Ray accepts no resource\" }\n");
    strict(&sibling).unwrap_or_else(|e| panic!("{e}"));
    // The same in JSON.
    let json = r#"{"project": "shop", "environment": "dev", "services": {"f": {"kind": "lambda", "grants": [
        {"xray.write": {"allow": {"wildcard": "X-Ray accepts no resource"}}}]}}}"#;
    let input: iamgen_core::SpecInput = serde_json::from_str(json).unwrap();
    iamgen_core::compile_input(&input, &Settings::default().with_strict(true))
        .unwrap_or_else(|e| panic!("{e}"));
    // Only `allow` may be under a grant without targets.
    let other = spec("      - xray.write:\n          colour: blue\n");
    assert!(
        refused(&other).contains("grant 'xray.write' takes `true`, found a mapping"),
        "{}",
        refused(&other)
    );
    // Without the colon it is a YAML error; the message says what to write.
    let hint = "; to put `allow:` under a grant without targets, end the grant with a colon: `- xray.write:`";
    for item in [
        "      - xray.write\n        allow: { wildcard: \"X-Ray accepts no resource\" }\n",
        "      - xray.write\n      allow: { wildcard: \"X-Ray accepts no resource\" }\n",
    ] {
        let err = refused(&spec(item));
        assert!(
            err.starts_with("spec.yaml:8:") && err.ends_with(hint),
            "{err}"
        );
    }
}

/// The README's spec snippet is a valid spec, even with --strict.
#[test]
fn issue_9_newcomer_the_readme_spec_passes_strict() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("The shape:\n\n```yaml\n")
        .expect("the README shows the spec's shape")
        + "The shape:\n\n```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let snippet = &readme[start..end];
    assert!(snippet.contains("xray.write"));
    match strict(snippet) {
        Ok(compiled) => assert!(compiled.warnings.is_empty()),
        Err(e) => panic!("the README's spec fails --strict:\n{e}"),
    }
}

/// Item 20, names: a service, profile or resource whose name is not valid is still checked, and
/// what names it is not reported again.
#[test]
fn issue_9_20_items_with_invalid_names_are_still_checked() {
    let yaml = format!(
        "{BASE}resources:\n  buckets: {{ Raw: raw }}\nprofiles:\n  Base: [ s3.read: nope ]\n\
         services:\n  Fn: {{ kind: lambda, use: Base, grants: [ s3.read: Raw, s3.read: gone ] }}\n"
    );
    let text = refused(&yaml);
    let messages: Vec<&str> = text
        .lines()
        .map(|l| l.split(": error: ").nth(1).unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "'Raw' is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter in resources.buckets.Raw",
            "'Base' is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter in profiles.Base",
            "unknown bucket 'nope' in profiles.Base[0]; known under resources.buckets: Raw",
            "'Fn' is not a valid logical name: use 1 to 64 lowercase letters, digits and '_', starting with a letter in services.Fn",
            "unknown bucket 'gone' in services.Fn.grants[1]; known under resources.buckets: Raw",
        ],
        "{text}"
    );
}
