//! Regenerates this crate's Terraform from `platform.yaml` at build time: a spec problem fails the
//! build with every problem on its line; the modules are written to `$OUT_DIR/terraform` (only the
//! files that changed), and the single file is compiled into the crate (`IAM_TF`).

use std::path::PathBuf;

use iamgen_core::{compile, Settings};
use iamgen_hcl::{single_file, Output, WriteOptions};

fn main() {
    println!("cargo::rerun-if-changed=platform.yaml");
    let text = std::fs::read_to_string("platform.yaml").expect("platform.yaml is readable");
    // A production build refuses wildcards nobody accepted in writing.
    let settings = Settings::default().with_strict(true);
    let compiled = match compile("platform.yaml", &text, &settings) {
        Ok(compiled) => compiled,
        Err(problems) => {
            for line in problems.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("iam.tf"), single_file(&compiled.plan)).expect("OUT_DIR is writable");
    Output::modules(&compiled.plan)
        .write_to(&out.join("terraform"), WriteOptions::default())
        .unwrap_or_else(|e| panic!("writing the Terraform modules: {e}"));
}
