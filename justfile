# iamgen's tasks. `just` lists them.

tfcheck_schema := "../shared/reference/aws-provider-schema.json"

default:
    @just --list

# The main job on the built-in example: one Terraform file on stdout.
gen:
    cargo run -q -- gen

# Every test (the README's test command).
test:
    cargo test --workspace

# Formatting, lints, docs: what CI refuses.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets --workspace -- -D warnings
    RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --workspace

# Rewrite every golden after an intended change: modules-out/ and examples/order-processing/ (with their
# READMEs), the single-file golden, the bad-input expectations, docs/grants.md, examples/PERMISSIONS.md,
# schema/iamgen.schema.json. Review the diff.
regen:
    IAMGEN_BLESS=1 cargo test -q --test output --test bad_inputs --test docs --test examples
    IAMGEN_BLESS=1 cargo test -q -p iamgen-core --test schema
    cargo run -q -- gen examples/engagement-platform.yaml --out modules-out
    cargo run -q -- gen examples/order-processing.yaml --out examples/order-processing
    cargo test -q --workspace

# HashiCorp's HCL parser, `terraform fmt` form and provider-schema checks on the output (offline).
tfcheck:
    #!/usr/bin/env bash
    set -euo pipefail
    bin=$(bash ../shared/tools/tfcheck/build.sh)
    tmp=$(mktemp -d)
    mkdir "$tmp/engagement" "$tmp/orders" "$tmp/prod"
    cargo run -q -- gen examples/engagement-platform.yaml > "$tmp/engagement/iam.tf"
    cargo run -q -- gen examples/order-processing.yaml > "$tmp/orders/iam.tf"
    cargo run -q -- gen examples/engagement-platform.prod.yaml > "$tmp/prod/iam.tf"
    for dir in modules-out examples/order-processing "$tmp/engagement" "$tmp/orders" "$tmp/prod"; do
        "$bin/tfcheck" -schema {{tfcheck_schema}} -fmt "$dir"
    done

# Real `terraform validate` on modules-out/ and the single file (needs terraform and network for `init`).
validate:
    #!/usr/bin/env bash
    set -euo pipefail
    command -v terraform >/dev/null || { echo "terraform is not installed; run 'just tfcheck' for the offline checks"; exit 1; }
    tmp=$(mktemp -d)
    cp -r modules-out "$tmp/modules"
    cargo run -q -- gen examples/engagement-platform.yaml > "$tmp/single.tf"
    mkdir "$tmp/single" && mv "$tmp/single.tf" "$tmp/single/main.tf"
    for d in "$tmp/modules" "$tmp/single"; do (cd "$d" && terraform init -backend=false -input=false >/dev/null && terraform validate); done

# Decide the examples' scenario files with the generated policies (offline; the first is what the pre-stop hook runs).
scenarios:
    cargo run -q -- simulate examples/engagement-platform.yaml --scenarios examples/engagement-platform.scenarios.yaml --account 111122223333 --region eu-west-1
    cargo run -q -- simulate examples/order-processing.yaml --scenarios examples/order-processing.scenarios.yaml --account 111122223333 --region eu-west-1
    cargo run -q -- simulate examples/engagement-platform.prod.yaml --scenarios examples/engagement-platform.prod.scenarios.yaml --account 111122223333 --region eu-west-1

# checkov and parliament, pinned, as outside judges of the output.
judges:
    bash .ci/judges/run

# Benchmarks (criterion): each stage of `gen` on the example and on synthetic specs of 100, 1,000 and
# 10,000 services (docs/performance.md). `just bench example/` runs one group;
# `IAMGEN_BENCH_ALLOCS=1 just bench` prints allocations per stage instead.
bench filter="":
    cargo bench --bench gen -- --warm-up-time 1 --measurement-time 3 {{filter}}

# Fuzz the spec loader for SECONDS (needs `cargo install cargo-fuzz` and a nightly toolchain; see fuzz/README.md).
fuzz seconds="600":
    cd fuzz && cargo +nightly fuzz run spec_loader corpus/spec_loader -- -max_total_time={{seconds}} -timeout=10

# What CI runs.
ci:
    bash .ci/run
