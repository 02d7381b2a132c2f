//! The spec loader on arbitrary bytes: it must never panic, and whatever it accepts must plan,
//! check and render (every accepted spec produces Terraform).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match iamgen_core::compile("fuzz.yaml", text, &iamgen_core::Settings::default()) {
        Ok(compiled) => {
            let _ = iamgen_hcl::single_file(&compiled.plan);
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without a diagnostic");
            let _ = e.to_string();
        }
    }
});
