//! Generated Markdown kept current: `docs/grants.md` (the grants table, each grant's exact
//! statements) and `examples/PERMISSIONS.md` (the example platform's permissions document). Each
//! test fails when its file is stale; `just regen` rewrites them.

const GRANTS: &str = "docs/grants.md";

fn bless() -> bool {
    std::env::var_os("IAMGEN_BLESS").is_some()
}

fn check_current(path: &str, text: &str) {
    if bless() {
        std::fs::write(path, text).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == text, "{path} is stale; run `just regen`");
}

#[test]
fn grants_doc_is_current() {
    check_current(GRANTS, &iamgen_hcl::docs::grants());
}

const PERMISSIONS: &str = "examples/PERMISSIONS.md";

#[test]
fn example_permissions_doc_is_current() {
    let compiled = iamgen_core::compile(
        "examples/engagement-platform.yaml",
        iamgen_core::EXAMPLE_SPEC,
        &iamgen_core::Settings::default(),
    )
    .unwrap();
    check_current(PERMISSIONS, &iamgen_hcl::docs::permissions(&compiled));
}
