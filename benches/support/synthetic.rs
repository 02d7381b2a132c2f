//! Deterministic synthetic specs of any number of services, for the benchmarks.
//!
//! The mix follows the example platform: per 20 services, 12 Lambda functions, 3 ECS tasks, 2 Step
//! Functions state machines, and one each of Bedrock knowledge base, Bedrock agent and API Gateway.
//! Functions and tasks use one of eight profiles, state machines one of two; every service adds
//! grants of its own on resources declared in proportion to the number of services (a bucket per 5
//! services, a table per 20, a secret per 50), and state machines, agents and APIs invoke the
//! functions and tasks of their group of 20. The YAML is
//! written compactly (flow style, short names) so that 10,000 services stay under the loader's 1 MiB
//! limit.

use std::fmt::Write as _;

/// A spec with `n` services (at least 20).
pub fn spec(n: usize) -> String {
    assert!(n >= 20, "the mix needs at least 20 services");
    let buckets = (n / 5).max(4);
    let tables = (n / 20).max(2);
    let secrets = (n / 50).max(1);
    let mut y = String::with_capacity(64 * n + 4096);
    y.push_str("project: syn\nenvironment: dev\ntags: {Owner: bench, CostCenter: \"cc:42\"}\n");
    y.push_str("resources:\n");
    let list = |y: &mut String, kind: &str, prefix: &str, count: usize| {
        write!(y, "  {kind}: {{").unwrap();
        for i in 0..count {
            let sep = if i == 0 { "" } else { "," };
            write!(y, "{sep}{prefix}{i}: {prefix}{i}").unwrap();
        }
        y.push_str("}\n");
    };
    list(&mut y, "buckets", "b", buckets);
    list(&mut y, "dynamodb_tables", "t", tables);
    list(&mut y, "athena_workgroups", "w", 2);
    y.push_str("  glue_databases: {g0: {name: syn_dev}, g1: {name: syn_archive_dev}}\n");
    list(&mut y, "ecr_repositories", "r", 4);
    list(&mut y, "ecs_clusters", "c", 2);
    list(&mut y, "secrets", "k", secrets);
    y.push_str(
        "  bedrock_models: {m0: amazon.titan-embed-text-v2:0, \
         m1: anthropic.claude-3-5-sonnet-20240620-v1:0}\n",
    );
    // Eight profiles over the first buckets, like `data_lambda` and `athena_task` of the example.
    y.push_str("profiles:\n");
    for p in 0..8 {
        let b = |k: usize| (p * 3 + k) % buckets;
        write!(
            y,
            "  p{p}: [{{s3.read_write: [b{}, b{}]}}, {{s3.read: [b{}]}}, {{athena.query: w{}}}, \
             {{glue.read: g{}}}, {{cloudwatch.put_metrics: Ns{p}}}",
            b(0),
            b(1),
            b(2),
            p % 2,
            p % 2
        )
        .unwrap();
        if p % 2 == 0 {
            y.push_str(", {glue.write: g0}, {glue.delete: g0}");
        }
        if p % 4 == 3 {
            y.push_str(", {xray.write: ~, allow: {wildcard: \"X-Ray accepts no resource\"}}");
        }
        y.push_str("]\n");
    }
    // What every state machine needs beside its targets, like the example's pipeline.
    for p in 0..2 {
        write!(
            y,
            "  sf{p}: [events.manage_ecs_sync_rule: ~,\
             {{logs.delivery: ~,allow: {{wildcard: no resource}}}},cloudwatch.put_metrics: Ns{p}"
        )
        .unwrap();
        if p == 1 {
            y.push_str(",{xray.write: ~,allow: {wildcard: no resource}}");
        }
        y.push_str("]\n");
    }
    y.push_str("services:\n");
    let name = |i: usize| format!("s{i}");
    // The last service of each kind before `i`, to target.
    let lambda_before = |i: usize| (i / 20) * 20 + (i % 20).min(11);
    for i in 0..n {
        let s = name(i);
        let p = i % 8;
        let bucket = |k: usize| (i * 7 + k * 13) % buckets;
        let table = (i * 3) % tables;
        match i % 20 {
            0..=11 => {
                write!(
                    y,
                    "  {s}: {{kind: lambda,use: [p{p}],grants: [s3.read: [b{},b{}]",
                    bucket(0),
                    bucket(1)
                )
                .unwrap();
                match i % 4 {
                    0 => write!(y, ",dynamodb.read_write: t{table}").unwrap(),
                    1 => write!(y, ",dynamodb.read: t{table}").unwrap(),
                    2 => write!(y, ",secrets.read: k{}", i % secrets).unwrap(),
                    _ => write!(y, ",s3.write: [b{}]", bucket(2)).unwrap(),
                }
                if i % 20 == 11 {
                    y.push_str(",bedrock.invoke_model: [m1]");
                }
                y.push_str("]}\n");
            }
            12..=14 => {
                writeln!(
                    y,
                    "  {s}: {{kind: ecs_task,image: r{},cluster: c{},secrets: [k{}],use: [p{p}],\
                     grants: [s3.write: [b{}],dynamodb.read: t{table}]}}",
                    i % 4,
                    i % 2,
                    i % secrets,
                    bucket(0)
                )
                .unwrap();
            }
            15 | 16 => {
                let base = (i / 20) * 20;
                writeln!(
                    y,
                    "  {s}: {{kind: step_functions,description: Pipeline {i},use: [sf{}],\
                     grants: [lambda.invoke: [{},{},{}],ecs.run_task: [{}]]}}",
                    i % 2,
                    name(base),
                    name(base + 1 + i % 5),
                    name(base + 6 + i % 5),
                    name(base + 12 + i % 3)
                )
                .unwrap();
            }
            17 => {
                writeln!(
                    y,
                    "  {s}: {{kind: bedrock_knowledge_base,grants: [s3.read: [b{}],\
                     s3.read_write: [b{}],bedrock.invoke_model: m0]}}",
                    bucket(0),
                    bucket(1)
                )
                .unwrap();
            }
            18 => {
                writeln!(
                    y,
                    "  {s}: {{kind: bedrock_agent,grants: [bedrock.invoke_model: m1,\
                     bedrock.retrieve: {},lambda.invoke: {}]}}",
                    name(i - 1),
                    name(lambda_before(i))
                )
                .unwrap();
            }
            _ => {
                writeln!(
                    y,
                    "  {s}: {{kind: api_gateway,grants: [lambda.invoke: {}]}}",
                    name(i - 19 + i % 7)
                )
                .unwrap();
            }
        }
    }
    y
}
