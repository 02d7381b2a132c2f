//! Issue 8: a spec built in code passes the same validation as its YAML form: the same problems
//! (by message, key path and hint), never a panic; and YAML, JSON and code agree on the plan.

use iamgen_core::{
    compile, compile_input, Diagnostic, GrantInput, GrantKind, ProfileItem, ResourceKind,
    ServiceInput, ServiceKind, Settings, SpecInput,
};

const YAML: &str = "\
project: shop
environment: prod
resources:
  buckets: { raw: raw, huge: a-bucket-name-that-is-far-longer-than-the-sixty-three-characters-s3-allows }
profiles:
  a: [ { use: b } ]
  b: [ { use: a } ]
services:
  f:
    kind: lambda
    use: [a]
    grants:
      - s3.read: [rwa]
";

fn in_code() -> SpecInput {
    SpecInput::new("shop", "prod")
        .resource(ResourceKind::Bucket, "raw", "raw")
        .resource(
            ResourceKind::Bucket,
            "huge",
            "a-bucket-name-that-is-far-longer-than-the-sixty-three-characters-s3-allows",
        )
        .profile("a", [ProfileItem::Use("b".into())])
        .profile("b", [ProfileItem::Use("a".into())])
        .service(
            "f",
            ServiceInput::new(ServiceKind::Lambda)
                .uses("a")
                .grant(GrantInput::new(GrantKind::S3Read, ["rwa"])),
        )
}

/// Message, key path and hint of each problem, sorted.
fn problems(diagnostics: &[Diagnostic]) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.message.clone(), d.path.clone(), d.hint.clone()))
        .collect();
    out.sort();
    out
}

#[test]
fn code_and_yaml_get_the_same_problems() {
    let from_yaml = compile("shop.yaml", YAML, &Settings::default()).unwrap_err();
    let from_code = compile_input(&in_code(), &Settings::default()).unwrap_err();
    assert_eq!(
        problems(&from_yaml.diagnostics),
        problems(&from_code.diagnostics)
    );
    let messages: Vec<String> = problems(&from_code.diagnostics)
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        messages,
        [
            "S3 bucket name 'shop-a-bucket-name-that-is-far-longer-than-the-sixty-three-characters-s3-allows-prod' is 84 characters; AWS allows at most 63",
            "profile cycle: a -> b -> a",
            "unknown bucket 'rwa'",
        ]
    );
    assert!(from_yaml.diagnostics.iter().all(|d| d.span.is_some()));
    assert!(from_code.diagnostics.iter().all(|d| d.span.is_none()));
    assert_eq!(
        from_code.to_string().lines().last().unwrap(),
        "error: unknown bucket 'rwa' in services.f.grants[0]; did you mean 'raw'?"
    );
}

#[test]
fn yaml_json_and_code_compile_to_the_same_plan() {
    let yaml = compile(
        iamgen_core::EXAMPLE_FILE,
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap();
    let input = SpecInput::from_yaml(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC).unwrap();
    let json = serde_json::to_string_pretty(&input).unwrap();
    let back: SpecInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, input);
    let from_json = compile_input(&back, &Settings::default()).unwrap();
    assert_eq!(from_json.plan, without_positions(yaml.plan));
}

/// The plan without the spec positions (file, line and column) a YAML spec gives its services and
/// statements.
fn without_positions(mut plan: iamgen_core::Plan) -> iamgen_core::Plan {
    for s in &mut plan.services {
        assert!(s.span.is_some(), "a YAML spec locates {}", s.name);
        assert!(s.file.is_some(), "a YAML spec names the file of {}", s.name);
        (s.span, s.file) = (None, None);
        for st in s
            .roles
            .iter_mut()
            .flat_map(|r| &mut r.policies)
            .flat_map(|p| &mut p.document.statements)
        {
            (st.origin.span, st.origin.file) = (None, None);
        }
        for p in &mut s.lambda_permissions {
            (p.origin.span, p.origin.file) = (None, None);
        }
        for i in &mut s.intents {
            (i.origin.span, i.origin.file) = (None, None);
            for st in &mut i.statements {
                (st.origin.span, st.origin.file) = (None, None);
            }
        }
    }
    plan
}

#[test]
fn input_built_in_code_never_panics_on_bad_references() {
    let cases = [
        SpecInput::new("", "prod").lambda("f"),
        SpecInput::new("shop", "prod"),
        SpecInput::new("shop", "prod").naming("{project}"),
        SpecInput::new("shop", "prod").service(
            "t",
            ServiceInput::new(ServiceKind::EcsTask).container("nope", "nada"),
        ),
        SpecInput::new("shop", "prod").service(
            "f",
            ServiceInput::new(ServiceKind::StepFunctions)
                .grant(GrantInput::new(GrantKind::EcsRunTask, ["f", "ghost"]))
                .grant(GrantInput::flag(GrantKind::S3Read))
                .grant(GrantInput::new(GrantKind::XrayWrite, ["x"])),
        ),
        SpecInput::new("shop", "prod").service(
            "Bad-Name",
            ServiceInput::new(ServiceKind::Lambda).secret("s"),
        ),
    ];
    for input in cases {
        let err = compile_input(&input, &Settings::default()).unwrap_err();
        assert!(!err.diagnostics.is_empty(), "{input:?}");
        assert!(err.diagnostics.iter().all(|d| d.is_error()), "{err}");
    }
}
