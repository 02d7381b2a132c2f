//! How much of `gen` is spent on the AWS catalog.
//!
//! The catalog is compiled into static tables (build.rs), so there is no load step: its whole cost is
//! the lookups and ARN matching of the checker. Compare `catalog/check_example` (every lookup the
//! checker makes for the example platform) with `gen/example` (load, plan, check and render the
//! example as `iamgen gen` does). Issue 3 asks for the catalog to stay under 10% of `gen`.

use criterion::{criterion_group, criterion_main, Criterion};
use iamgen_core::aws::catalog;
use iamgen_core::check::check_statement;
use iamgen_core::{compile, Settings, EXAMPLE_FILE, EXAMPLE_SPEC};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let compiled = compile(EXAMPLE_FILE, EXAMPLE_SPEC, &Settings::default()).unwrap();
    let statements: Vec<_> = compiled
        .plan
        .services
        .iter()
        .flat_map(|s| &s.roles)
        .flat_map(|r| &r.policies)
        .flat_map(|p| &p.document.statements)
        .collect();
    let actions: Vec<String> = statements.iter().flat_map(|s| s.actions.clone()).collect();

    c.bench_function("gen/example", |b| {
        b.iter(|| {
            let compiled =
                compile(EXAMPLE_FILE, black_box(EXAMPLE_SPEC), &Settings::default()).unwrap();
            black_box(iamgen_hcl::single_file(&compiled.plan))
        })
    });
    c.bench_function("gen/compile_example", |b| {
        b.iter(|| compile(EXAMPLE_FILE, black_box(EXAMPLE_SPEC), &Settings::default()).unwrap())
    });
    c.bench_function("gen/render_example", |b| {
        b.iter(|| black_box(iamgen_hcl::single_file(black_box(&compiled.plan))))
    });
    c.bench_function("catalog/check_example", |b| {
        b.iter(|| {
            statements
                .iter()
                .map(|s| check_statement(black_box(s)).len())
                .sum::<usize>()
        })
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
