//! How much of `gen` is spent on the AWS catalog.
//!
//! The catalog is compiled into static tables (build.rs), so there is no load step: its whole cost is
//! the lookups and ARN matching of the checker. Compare `catalog/check_example` (every lookup the
//! checker makes for the example platform) with `gen/example` (load, plan, check and render the
//! example as `iamgen gen` does). Issue 3 asks for the catalog to stay under 10% of `gen`.

use criterion::{criterion_group, criterion_main, Criterion};
use iamgen_core::aws::catalog;
use iamgen_core::{check, compile, spec, Settings};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let compiled = compile(spec::EXAMPLE_FILE, spec::EXAMPLE_SPEC, &Settings::default()).unwrap();
    let actions: Vec<String> = compiled
        .plan
        .services
        .iter()
        .flat_map(|s| &s.roles)
        .flat_map(|r| &r.policies)
        .flat_map(|p| &p.document.statements)
        .flat_map(|s| s.actions.clone())
        .collect();

    c.bench_function("gen/example", |b| {
        b.iter(|| {
            let compiled = compile(
                spec::EXAMPLE_FILE,
                black_box(spec::EXAMPLE_SPEC),
                &Settings::default(),
            )
            .unwrap();
            black_box(iamgen_hcl::single_file(&compiled.plan))
        })
    });
    c.bench_function("gen/compile_example", |b| {
        b.iter(|| {
            compile(
                spec::EXAMPLE_FILE,
                black_box(spec::EXAMPLE_SPEC),
                &Settings::default(),
            )
            .unwrap()
        })
    });
    c.bench_function("gen/render_example", |b| {
        b.iter(|| black_box(iamgen_hcl::single_file(black_box(&compiled.plan))))
    });
    c.bench_function("catalog/check_example", |b| {
        b.iter(|| black_box(check::check(&compiled.spec, &compiled.plan)))
    });
    c.bench_function("catalog/lookup_emitted_actions", |b| {
        b.iter(|| {
            actions
                .iter()
                .filter(|a| catalog::action(black_box(a)).is_some())
                .count()
        })
    });
}

criterion_group!(gen, benches);
criterion_main!(gen);
