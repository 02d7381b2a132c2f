use iamgen_core::{compile, Settings, Spec};

#[test]
fn example_compiles_without_warnings() {
    let c = compile(
        "example.yaml",
        iamgen_core::spec::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(c.plan.services.len(), 14);
    let _ = Spec::example();
}
