//! Embedding iamgen in a build tool: compile a spec, fail the build on any problem, write the
//! modules only when they changed, and report what did.
//!
//! ```sh
//! cargo run --example embed -- examples/engagement-platform.yaml target/iam
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use iamgen_core::{compile, Settings};
use iamgen_hcl::{module_tree, write_modules, WriteOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let spec = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "examples/engagement-platform.yaml".into()),
    );
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/iam".into()));

    let text = match std::fs::read_to_string(&spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", spec.display());
            return ExitCode::FAILURE;
        }
    };
    // Production builds refuse unaccepted wildcards.
    let settings = Settings::default().with_strict(true);
    let compiled = match compile(&spec.display().to_string(), &text, &settings) {
        Ok(c) => c,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    match write_modules(&out, &module_tree(&compiled.plan), WriteOptions::default()) {
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
