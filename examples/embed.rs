//! Embedding iamgen in a build tool without YAML: build the spec in code, compile it (strict, as a
//! production build would), render the Terraform, write the modules only when they changed.
//!
//! ```sh
//! cargo run --example embed -- target/iam
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use iamgen_core::{
    compile_input, GrantInput, GrantKind, ResourceKind, ServiceInput, ServiceKind, Settings,
    SpecInput,
};
use iamgen_hcl::{single_file, Output, WriteOptions};

/// The platform: an upload bucket, a Lambda that resizes images into a second bucket, and a state
/// machine that invokes it.
fn platform() -> SpecInput {
    SpecInput::new("shop", "prod")
        .tag("Owner", "media-team")
        .resource(ResourceKind::Bucket, "uploads", "uploads")
        .resource(ResourceKind::Bucket, "thumbnails", "thumbnails")
        .service(
            "resize",
            ServiceInput::new(ServiceKind::Lambda)
                .describe("Resizes uploaded images")
                .grant(GrantInput::new(GrantKind::S3Read, ["uploads"]))
                .grant(GrantInput::new(GrantKind::S3Write, ["thumbnails"])),
        )
        .service(
            "pipeline",
            ServiceInput::new(ServiceKind::StepFunctions)
                .grant(GrantInput::new(GrantKind::LambdaInvoke, ["resize"])),
        )
}

fn main() -> ExitCode {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/iam".into()),
    );
    // Production builds refuse unaccepted wildcards.
    let settings = Settings::default().with_strict(true);
    let compiled = match compile_input(&platform(), &settings) {
        Ok(c) => c,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    let terraform = single_file(&compiled.plan);
    println!(
        "{} services, {} lines of Terraform",
        compiled.plan.services.len(),
        terraform.lines().count()
    );
    match Output::modules(&compiled.plan).write_to(&out, WriteOptions::default()) {
        Ok(report) if report.is_clean() => println!("{}: up to date", out.display()),
        Ok(report) => println!(
            "{}: {} files written, {} removed",
            out.display(),
            report.written.len(),
            report.removed.len()
        ),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
