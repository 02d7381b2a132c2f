use iamgen_core::{compile, Settings, Spec};

#[test]
fn example_compiles_without_warnings() {
    let c = compile(
        "example.yaml",
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(
        c.plan.services.len(),
        15,
        "the seed's services and the pipeline's schedule"
    );
    Spec::from_yaml(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC).unwrap();
}
