//! What `iamgen gen` costs, stage by stage: on the example platform, and on synthetic specs of 100,
//! 1,000 and 10,000 services (`support/synthetic.rs`, generated here: nothing large is committed).
//!
//! Stages: `load` (YAML to a validated spec), `plan` (grants to statements, merged and split into
//! managed policies), `check` (every statement against the embedded AWS catalog), `render_hcl` (the
//! single Terraform file of `gen > file`, as a `String`), `stream_hcl` (the same file written service
//! by service to a writer that keeps nothing, as `gen` does to stdout), `render_modules` (every file
//! of `gen --out`, in memory, nothing written), `render_json` and `stream_json` (`gen --format json`,
//! as a `String` and streamed), and `gen` (load, plan, check and the single file: all of
//! `iamgen gen` but process start-up and the write to stdout). The synthetic groups
//! report throughput in services per second, so criterion's figures compare per-service cost across
//! sizes. See `docs/performance.md` for the method and the figures.
//!
//! Two modes that do not benchmark, selected by environment variables:
//! - `IAMGEN_BENCH_SPECS=DIR` writes the synthetic specs (`DIR/syn-100.yaml`, ...) and exits, to run
//!   the real binary on them;
//! - `IAMGEN_BENCH_ALLOCS=1` prints how many allocations each stage makes (a counting global
//!   allocator) and exits.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::alloc::{GlobalAlloc, Layout};
use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use criterion::{BenchmarkId, Criterion, Throughput};
use iamgen_core::aws::catalog;
use iamgen_core::{compile, stages, Compiled, Settings, Spec, Values};

/// The binary's allocator (mimalloc), counting allocations while [`COUNTING`] is set (only in
/// the `IAMGEN_BENCH_ALLOCS` mode, so timings pay one relaxed load per allocation).
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the binary's allocator.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the binary's allocator.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the binary's allocator.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The sizes of the synthetic specs.
const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// The values `gen --format json` resolves ARNs with in the README's example command.
/// Values for the JSON export: every module input given an example id.
fn json_values(c: &Compiled) -> Values {
    let mut values = Values::new("aws", "eu-west-1", "111122223333").unwrap();
    for name in c.plan.global_inputs().keys() {
        values.inputs.insert(name.to_string(), "a1b2c3d4e5".into());
    }
    values
}

fn compiled(file: &str, text: &str) -> Compiled {
    compile(file, text, &Settings::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The stages of `gen`, each a closure over its inputs, by name.
fn stage(name: &str, file: &str, text: &str, c: &Compiled) -> usize {
    match name {
        "load" => Spec::from_yaml(file, text).unwrap().services().count(),
        "plan" => stages::plan(&c.spec).unwrap().services.len(),
        "check" => stages::check(&c.spec, &c.plan).len(),
        "render_hcl" => iamgen_hcl::single_file(&c.plan).len(),
        "render_modules" => iamgen_hcl::Output::modules(&c.plan).into_iter().count(),
        "render_json" => iamgen_hcl::json(&c.plan, &json_values(c)).unwrap().len(),
        "stream_hcl" => {
            let mut out = Counted(0);
            iamgen_hcl::write_single_file(&c.plan, &mut out).unwrap();
            out.0
        }
        "stream_json" => {
            let mut out = Counted(0);
            iamgen_hcl::write_json(&c.plan, &json_values(c), &mut out).unwrap();
            out.0
        }
        "gen" => {
            // As the binary's `gen`: no intents, the file streamed.
            let settings = Settings::default().with_intents(false);
            let plan = compile(file, text, &settings).unwrap().plan;
            let mut out = Counted(0);
            iamgen_hcl::write_single_file(&plan, &mut out).unwrap();
            out.0
        }
        _ => unreachable!("unknown stage {name}"),
    }
}

const STAGES: [&str; 9] = [
    "load",
    "plan",
    "check",
    "render_hcl",
    "stream_hcl",
    "render_modules",
    "render_json",
    "stream_json",
    "gen",
];

/// A writer that keeps nothing and counts the bytes: the streaming stages' stdout.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn benches(c: &mut Criterion) {
    let example = compiled(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC);
    let mut group = c.benchmark_group("example");
    for name in STAGES {
        group.bench_function(name, |b| {
            b.iter(|| {
                stage(
                    name,
                    iamgen_core::EXAMPLE_FILE,
                    black_box(iamgen_core::EXAMPLE_SPEC),
                    &example,
                )
            })
        });
    }
    group.finish();

    let actions: Vec<String> = example
        .plan
        .services
        .iter()
        .flat_map(|s| &s.roles)
        .flat_map(|r| &r.policies)
        .flat_map(|p| &p.document.statements)
        .flat_map(|s| s.actions.clone())
        .collect();
    c.bench_function("catalog/lookup_emitted_actions", |b| {
        b.iter(|| {
            actions
                .iter()
                .filter(|a| catalog::action(black_box(a)).is_some())
                .count()
        })
    });

    // `cargo test` runs this file too (`test = true` in Cargo.toml), each benchmark once, in the
    // test profile: there the smoke form, the example and the smallest synthetic spec. `cargo
    // bench` passes `--bench`, and measures every size.
    let measuring = std::env::args().any(|a| a == "--bench");
    for n in SIZES.into_iter().filter(|&n| measuring || n == SIZES[0]) {
        let text = synthetic::spec(n);
        let file = format!("syn-{n}.yaml");
        // Compiled when a benchmark of the group first runs: a filter that leaves the group out
        // does not pay for compiling 10,000 services.
        let c_n = OnceCell::new();
        let mut group = c.benchmark_group(format!("services_{n}"));
        group.throughput(Throughput::Elements(n as u64));
        if n >= 1_000 {
            group.sample_size(10);
        }
        for name in STAGES {
            group.bench_with_input(BenchmarkId::new(name, n), &text, |b, text| {
                let c_n = c_n.get_or_init(|| compiled(&file, text));
                b.iter(|| stage(name, &file, black_box(text), c_n))
            });
        }
        group.finish();
    }
}

/// Allocations (and bytes requested) of one run of each stage, on the example and each size.
fn print_allocations() {
    let mut inputs = vec![(
        iamgen_core::EXAMPLE_FILE.to_string(),
        iamgen_core::EXAMPLE_SPEC.to_string(),
    )];
    inputs.extend(SIZES.map(|n| (format!("syn-{n}.yaml"), synthetic::spec(n))));
    println!("allocations (bytes requested) per run of each stage");
    for (file, text) in &inputs {
        let c = compiled(file, text);
        println!("{file}:");
        for name in STAGES {
            ALLOCATIONS.store(0, Ordering::Relaxed);
            ALLOCATED_BYTES.store(0, Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
            black_box(stage(name, file, text, &c));
            COUNTING.store(false, Ordering::Relaxed);
            println!(
                "  {name:<15} {:>12} ({} bytes)",
                ALLOCATIONS.load(Ordering::Relaxed),
                ALLOCATED_BYTES.load(Ordering::Relaxed)
            );
        }
    }
}

fn main() {
    if let Some(dir) = std::env::var_os("IAMGEN_BENCH_SPECS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for n in SIZES {
            std::fs::write(dir.join(format!("syn-{n}.yaml")), synthetic::spec(n)).unwrap();
        }
        return;
    }
    if std::env::var_os("IAMGEN_BENCH_ALLOCS").is_some() {
        print_allocations();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
