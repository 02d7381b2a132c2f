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

// ----- What the documents say, checked against the plan, the Terraform and the seed -----

use std::collections::{BTreeMap, BTreeSet};

use iamgen_core::aws::catalog;
use iamgen_core::{
    compile, compile_input, Compiled, GrantInput, GrantKind, Plan, Reach, ResourceKind,
    ServiceInput, ServiceKind, Settings, SpecInput,
};
use iamgen_hcl::docs::{self, Docs};
use iamgen_hcl::{single_file, Output};

fn example() -> Compiled {
    compile(
        "examples/engagement-platform.yaml",
        iamgen_core::EXAMPLE_SPEC,
        &Settings::default(),
    )
    .unwrap()
}

/// The text of a Mermaid label: entity codes (`#124;`) decoded.
fn mermaid_text(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').expect("an entity ends with ';'");
        let code: u32 = after[..end].parse().expect("a numeric entity");
        out.push(char::from_u32(code).unwrap());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The quoted text of a Mermaid node or edge: exactly one `"..."`, holding none of the characters
/// that would end it or start markup.
fn quoted(s: &str) -> &str {
    let start = s.find('"').unwrap_or_else(|| panic!("no label in {s}"));
    let end = s.rfind('"').unwrap();
    let inner = &s[start + 1..end];
    let inner_text = inner.replace("<br/>", "");
    for bad in ['"', '|', '[', ']', '`', '{', '}', '<', '>', '$'] {
        assert!(
            !inner_text.contains(bad),
            "{bad:?} unescaped in a Mermaid label: {s}"
        );
    }
    inner
}

/// A Mermaid flowchart's nodes (id -> (label, detail)) and edges (from label, verb, to label).
type Mermaid = (
    BTreeMap<String, (String, String)>,
    BTreeSet<(String, String, String)>,
);

fn parse_mermaid(md: &str) -> Mermaid {
    let start = md.find("```mermaid\n").expect("a mermaid block") + "```mermaid\n".len();
    let block = &md[start..start + md[start..].find("```").unwrap()];
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut nodes = BTreeMap::new();
    let mut edges = Vec::new();
    for line in lines {
        let line = line.trim();
        if let Some((from, rest)) = line.split_once(" -->|") {
            let (label, to) = rest.rsplit_once("| ").expect("an edge: A -->|\"verb\"| B");
            edges.push((
                from.to_string(),
                mermaid_text(quoted(label)),
                to.to_string(),
            ));
        } else {
            let id: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let shape = &line[id.len()..];
            assert!(
                ["([\"", "[(\"", ">\"", "[[\""]
                    .iter()
                    .any(|o| shape.starts_with(o)),
                "not a node: {line}"
            );
            let text = quoted(shape);
            let (label, detail) = text.split_once("<br/>").expect("label<br/>detail");
            assert!(nodes
                .insert(id, (mermaid_text(label), mermaid_text(detail)))
                .is_none());
        }
    }
    let label = |id: &String| {
        nodes
            .get(id)
            .unwrap_or_else(|| panic!("edge to unknown node {id}"))
            .0
            .clone()
    };
    let edges = edges
        .iter()
        .map(|(f, v, t)| (label(f), v.clone(), label(t)))
        .collect();
    (nodes, edges)
}

/// The edges the plan's written grants make: (service, verb, target's name).
fn plan_edges(plan: &Plan) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for s in &plan.services {
        for g in s.grants.iter().filter(|g| !g.implied) {
            let verb = g.kind.verb().to_string();
            if g.targets.is_empty() {
                for p in g.kind.phrases() {
                    let aws = catalog::service(p.service).unwrap().name().to_string();
                    out.insert((s.name.clone(), verb.clone(), aws));
                }
            }
            for t in &g.targets {
                let name = match t {
                    Reach::Service { name, .. } => name.clone(),
                    Reach::Resource { name, .. } => name.clone(),
                    Reach::Value(v) => v.clone(),
                    other => panic!("a written grant reaches {other:?}"),
                };
                out.insert((
                    s.name.clone(),
                    verb.clone(),
                    name.replace(['\n', '\r'], " "),
                ));
            }
        }
    }
    out
}

#[test]
fn the_mermaid_graph_is_the_plans_dependencies() {
    let compiled = example();
    let (nodes, edges) = parse_mermaid(&docs::permissions(&compiled));
    assert_eq!(edges, plan_edges(&compiled.plan));
    for s in &compiled.plan.services {
        let node = &nodes[&format!("svc_{}", s.name)];
        assert_eq!(node, &(s.name.clone(), s.kind.noun().to_string()));
    }
    // Every node is a service or the target of an edge.
    let targets: BTreeSet<&String> = edges.iter().map(|(_, _, t)| t).collect();
    for (label, _) in nodes.values() {
        assert!(
            targets.contains(label) || compiled.plan.services.iter().any(|s| &s.name == label),
            "{label} is reached by nothing"
        );
    }
}

/// A platform whose free text is hostile to Markdown and Mermaid.
fn hostile() -> Compiled {
    let evil =
        "a|b `c` ]d[ <script>alert(1)</script> ${var.x} #e; \"q\"\nsecond line | ``` </details>";
    let spec = SpecInput::new("shop", "prod")
        .tag("Owner", "data-platform")
        .resource(ResourceKind::Bucket, "uploads", "uploads")
        .resource(ResourceKind::DynamodbTable, "cache", "*")
        .service(
            "resize",
            ServiceInput::new(ServiceKind::Lambda)
                .describe(evil)
                .grant(GrantInput::new(GrantKind::S3Read, ["uploads"]))
                .grant(GrantInput::new(GrantKind::CloudwatchPutMetrics, [evil]))
                .grant(GrantInput::new(GrantKind::DynamodbRead, ["cache"]).allow_wildcard(evil)),
        )
        .service(
            "api",
            ServiceInput::new(ServiceKind::ApiGateway)
                .describe(evil)
                .grant(GrantInput::new(GrantKind::LambdaInvoke, ["resize"])),
        );
    compile_input(&spec, &Settings::default()).unwrap()
}

/// Every table keeps its shape (each row has the header's cells), every `<details>` closes, every
/// code fence closes, no HTML from the spec survives.
fn assert_well_formed(md: &str) {
    let cells = |line: &str| {
        let b = line.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('|') && lines.get(i + 1).is_some_and(|l| l.starts_with("|--")) {
            let header = cells(lines[i]);
            let mut j = i + 1;
            while j < lines.len() && lines[j].starts_with('|') {
                assert_eq!(
                    cells(lines[j]),
                    header,
                    "a row breaks its table:\n{}",
                    lines[j]
                );
                j += 1;
            }
            assert!(
                lines
                    .get(j)
                    .is_none_or(|l| l.is_empty() || l.starts_with("</details>")),
                "a table row broken across lines: {:?}",
                lines[j]
            );
            i = j;
        } else {
            i += 1;
        }
    }
    // HTML counts only outside code spans (inside one it is literal text).
    let mut opened = 0;
    let mut in_fence = false;
    for line in &lines {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let text = outside_code(line);
        assert!(
            !text.contains('<')
                || text.starts_with("<details><summary>")
                || *line == "</details>"
                || text.contains("<br>"),
            "raw HTML outside a code span: {line}"
        );
        assert!(
            !text.contains("<script") && !text.contains("</details>") || *line == "</details>",
            "{line}"
        );
        opened += usize::from(text.starts_with("<details>"));
        opened -= usize::from(*line == "</details>");
    }
    assert_eq!(opened, 0, "every <details> closes");
    assert!(!in_fence, "every code fence closes");
}

/// A line without its code spans (`` `x` ``, ``` ``x`y`` ```); backslash-escaped backticks are text.
fn outside_code(line: &str) -> String {
    let b: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        if b[i] == '`' {
            let n = b[i..].iter().take_while(|&&c| c == '`').count();
            let fence: String = "`".repeat(n);
            let rest: String = b[i + n..].iter().collect();
            // The closing run: exactly n backticks.
            let mut from = 0;
            let close = loop {
                match rest[from..].find(&fence) {
                    Some(j) => {
                        let at = from + j;
                        let more = rest[at + n..].starts_with('`');
                        let before = at > 0 && rest[..at].ends_with('`');
                        if !more && !before {
                            break Some(at);
                        }
                        from = at + rest[at..].chars().take_while(|&c| c == '`').count();
                    }
                    None => break None,
                }
            };
            let close = close.unwrap_or_else(|| panic!("an unclosed code span: {line}"));
            i += n + rest[..close].chars().count() + n;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[test]
fn hostile_names_and_descriptions_break_no_table_details_fence_or_graph() {
    let compiled = hostile();
    let md = docs::permissions(&compiled);
    assert_well_formed(&md);
    assert!(
        md.contains(r"a\|b \`c\` \]d\[ &lt;script&gt;alert(1)&lt;/script&gt; ${var.x} #e; "),
        "{md}"
    );
    let (nodes, edges) = parse_mermaid(&md);
    assert_eq!(edges, plan_edges(&compiled.plan));
    let namespace =
        "a|b `c` ]d[ <script>alert(1)</script> ${var.x} #e; \"q\" second line | ``` </details>";
    assert!(
        nodes.values().any(|(label, _)| label == namespace),
        "{nodes:?}"
    );
    for (path, text) in &Output::modules(&compiled.plan) {
        if path.ends_with("README.md") {
            assert_well_formed(text);
        }
    }
}

#[test]
fn the_permissions_document_shows_hand_written_statements_when_the_plan_has_them() {
    let compiled = example();
    let md = docs::permissions(&compiled);
    assert!(!md.contains("## Hand-written statements"));
    let mut context = serde_json::to_value(docs::context::permissions(&compiled)).unwrap();
    let statement = context["services"][0]["roles"][0]["groups"][0]["statements"][0].clone();
    context["hand_written"] = serde_json::json!([
        { "service": "pre_cleanup", "role": "engagement-pre-cleanup-dev", "statement": statement }
    ]);
    let md = Docs::new().render("permissions.md", &context).unwrap();
    let section = &md[md.find("## Hand-written statements").expect("the section")..];
    assert!(section.contains("| `pre_cleanup` | `engagement-pre-cleanup-dev` | "));
    assert!(md.contains("| hand-written statements | 1 (listed above) |"));
}

/// The actions of every statement, by service, as the Terraform has them (parsed with hcl-rs).
fn hcl_actions(plan: &Plan) -> BTreeSet<String> {
    let body = hcl::parse(&single_file(plan)).unwrap();
    let mut out = BTreeSet::new();
    for b in body.blocks().filter(|b| b.identifier() == "data") {
        if b.labels()[0].as_str() != "aws_iam_policy_document"
            || b.labels()[1].as_str().ends_with("_trust")
        {
            continue;
        }
        for s in b.body().blocks().filter(|s| s.identifier() == "statement") {
            let actions = s
                .body()
                .attributes()
                .find(|a| a.key() == "actions")
                .unwrap();
            let hcl::Expression::Array(items) = actions.expr() else {
                panic!()
            };
            out.extend(items.iter().map(|i| match i {
                hcl::Expression::String(s) => s.clone(),
                other => panic!("{other:?}"),
            }));
        }
    }
    out
}

/// The actions the permissions document lists in its statement tables.
fn doc_actions(md: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| (`aws_lambda_permission`)"))
    {
        let cells: Vec<&str> = line.split(" | ").collect();
        if cells.len() == 4 {
            for a in cells[1].split("<br>") {
                if let Some(a) = a.strip_prefix('`').and_then(|a| a.strip_suffix('`')) {
                    out.insert(a.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn one_grant_changed_changes_the_terraform_and_the_docs_alike() {
    let spec = |grant: GrantKind| {
        let input = SpecInput::new("shop", "prod")
            .resource(ResourceKind::Bucket, "uploads", "uploads")
            .service(
                "resize",
                ServiceInput::new(ServiceKind::Lambda).grant(GrantInput::new(grant, ["uploads"])),
            );
        compile_input(&input, &Settings::default()).unwrap()
    };
    let (before, after) = (spec(GrantKind::S3Read), spec(GrantKind::S3ReadWrite));
    let docs_before = docs::permissions(&before);
    let docs_after = docs::permissions(&after);
    assert_eq!(doc_actions(&docs_before), hcl_actions(&before.plan));
    assert_eq!(doc_actions(&docs_after), hcl_actions(&after.plan));
    let added: Vec<String> = hcl_actions(&after.plan)
        .difference(&hcl_actions(&before.plan))
        .cloned()
        .collect();
    assert_eq!(
        added,
        ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"]
    );
    assert!(docs_before.contains("- Read objects from bucket `shop-uploads-prod` and list it"));
    assert!(docs_after.contains(
        "- Read/write objects in bucket `shop-uploads-prod`: get, put and delete objects"
    ));
    let readme = |c: &Compiled| {
        Output::modules(&c.plan)
            .get("modules/resize/README.md")
            .unwrap()
            .to_string()
    };
    assert_ne!(readme(&before), readme(&after));
    // On the example too: the whole document's actions are the Terraform's.
    let example = example();
    assert_eq!(
        doc_actions(&docs::permissions(&example)),
        hcl_actions(&example.plan)
    );
}

/// A Markdown table cell's text: code span and Markdown escapes undone.
fn cell_text(cell: &str) -> String {
    let cell = cell.trim();
    let cell = cell
        .strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or(cell);
    let mut out = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The rows of the table under heading `## {heading}`: the cells of each row.
fn table(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} section"));
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split(" | ").map(cell_text).collect())
        .collect()
}

/// (name, description, required) of each `variable`, and (name, description) of each `output`, as
/// the module's `.tf` files declare them (parsed with hcl-rs).
type Interface = (Vec<(String, String, bool)>, Vec<(String, String)>);

fn tf_interface(output: &Output, dir: &str) -> Interface {
    let body = |file: &str| hcl::parse(output.get(&format!("{dir}{file}")).unwrap()).unwrap();
    let description = |b: &hcl::Block| match b
        .body()
        .attributes()
        .find(|a| a.key() == "description")
        .map(|a| a.expr())
    {
        Some(hcl::Expression::String(s)) => s.clone(),
        other => panic!("{other:?}"),
    };
    let variables = body("variables.tf")
        .blocks()
        .filter(|b| b.identifier() == "variable")
        .map(|b| {
            let required = !b.body().attributes().any(|a| a.key() == "default");
            (b.labels()[0].as_str().to_string(), description(b), required)
        })
        .collect();
    let outputs = body("outputs.tf")
        .blocks()
        .filter(|b| b.identifier() == "output")
        .map(|b| (b.labels()[0].as_str().to_string(), description(b)))
        .collect();
    (variables, outputs)
}

fn readme_interface(readme: &str) -> Interface {
    let inputs = table(readme, "Inputs")
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone(), row[4] == "yes"))
        .collect();
    let outputs = table(readme, "Outputs")
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect();
    (inputs, outputs)
}

#[test]
fn module_readmes_list_exactly_the_modules_variables_and_outputs() {
    for compiled in [example(), hostile()] {
        let output = Output::modules(&compiled.plan);
        let mut dirs = vec![String::new()];
        dirs.extend(
            compiled
                .plan
                .services
                .iter()
                .map(|s| format!("modules/{}/", s.name)),
        );
        for dir in dirs {
            let readme = output.get(&format!("{dir}README.md")).unwrap();
            assert_eq!(
                readme_interface(readme),
                tf_interface(&output, &dir),
                "{dir}README.md"
            );
            for req in [
                iamgen_hcl::TERRAFORM_VERSION,
                iamgen_hcl::AWS_PROVIDER_VERSION,
            ] {
                assert!(
                    readme.contains(&format!("`{req}`")),
                    "{dir}README.md lacks {req}"
                );
            }
        }
        // Every resource of a module's main.tf is listed.
        for s in &compiled.plan.services {
            let readme = output
                .get(&format!("modules/{}/README.md", s.name))
                .unwrap();
            let listed: Vec<String> = table(readme, "Resources")
                .into_iter()
                .map(|r| r[0].clone())
                .collect();
            let main =
                hcl::parse(output.get(&format!("modules/{}/main.tf", s.name)).unwrap()).unwrap();
            let declared: Vec<String> = main
                .blocks()
                .filter(|b| matches!(b.identifier(), "resource" | "data"))
                .map(|b| {
                    let (t, n) = (b.labels()[0].as_str(), b.labels()[1].as_str());
                    match b.identifier() {
                        "data" => format!("data.{t}.{n}"),
                        _ => format!("{t}.{n}"),
                    }
                })
                .collect();
            let listed: Vec<String> = listed
                .iter()
                .map(|l| {
                    l.trim_start_matches('[')
                        .split(']')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert_eq!(listed, declared, "modules/{}/README.md", s.name);
        }
    }
}

/// The seed document's "Permission Summary by Service" (`../shared/seed/000_c196b07a5a2f374e.txt`),
/// written out: for each of its sections, the services it covers, and each permission it lists
/// with what `examples/PERMISSIONS.md` must name for it in the service's section: the actions, and
/// the resource or the words where the seed names one.
/// A seed permission: its words, and what the document must name for it.
type SeedPermission = (&'static str, &'static [&'static str]);

const SEED: &[(&[&str], &[SeedPermission])] = {
    const LAMBDAS: &[&str] = &[
        "pre_cleanup",
        "data_prep",
        "data_validation",
        "create_qa_table",
        "create_results_table",
        "ensemble",
        "predict",
        "bedrock_action_handler",
    ];
    const ATHENA: &[SeedPermission] = &[
        (
            "Start query execution",
            &["athena:StartQueryExecution", "engagement-analytics-dev"],
        ),
        ("Get query execution status", &["athena:GetQueryExecution"]),
        ("Get query results", &["athena:GetQueryResults"]),
        ("Access workgroup", &["athena:GetWorkGroup"]),
    ];
    const XRAY: &[SeedPermission] = &[
        ("Put trace segments", &["xray:PutTraceSegments"]),
        ("Put telemetry records", &["xray:PutTelemetryRecords"]),
    ];
    const ECR: &[SeedPermission] = &[
        (
            "Get authorization token (via execution role)",
            &["ecr:GetAuthorizationToken", "Execution role"],
        ),
        (
            "Pull container images",
            &[
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "engagement-ml-dev",
            ],
        ),
    ];
    const TASK_CLOUDWATCH: &[SeedPermission] = &[
        ("Put custom metrics", &["cloudwatch:PutMetricData"]),
        ("Create log streams", &["logs:CreateLogStream"]),
        ("Put log events", &["logs:PutLogEvents"]),
    ];
    &[
        (LAMBDAS, &[
            ("Read/write to raw data bucket", &["s3:GetObject", "s3:PutObject", "engagement-raw-data-dev"]),
            ("Read/write to processed data bucket", &["s3:GetObject", "s3:PutObject", "engagement-processed-data-dev"]),
            ("Read/write to features bucket", &["s3:GetObject", "s3:PutObject", "engagement-features-dev"]),
            ("Read/write to models bucket", &["s3:GetObject", "s3:PutObject", "engagement-models-dev"]),
            ("Read/write to results bucket", &["s3:GetObject", "s3:PutObject", "engagement-results-dev"]),
            ("Read/write to Athena results bucket", &["s3:GetObject", "s3:PutObject", "engagement-athena-results-dev"]),
            ("Read from knowledge base bucket", &["s3:GetObject", "engagement-knowledge-base-dev"]),
            ("Start query execution", &["athena:StartQueryExecution", "engagement-analytics-dev"]),
            ("Get query execution status", &["athena:GetQueryExecution"]),
            ("Get query results", &["athena:GetQueryResults"]),
            ("Stop query execution", &["athena:StopQueryExecution"]),
            ("Access workgroup", &["athena:GetWorkGroup"]),
            ("Get database metadata", &["glue:GetDatabase"]),
            ("Get table metadata", &["glue:GetTable", "glue:GetTables"]),
            ("Get partition metadata", &["glue:GetPartition", "glue:GetPartitions"]),
            ("Create/update/delete tables", &["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"]),
            ("Create partitions", &["glue:CreatePartition", "glue:BatchCreatePartition"]),
            ("Put custom metrics", &["cloudwatch:PutMetricData"]),
            ("Create log groups/streams", &["logs:CreateLogGroup", "logs:CreateLogStream"]),
            ("Put log events", &["logs:PutLogEvents"]),
        ]),
        (&["predict"], &[
            ("GetItem, PutItem, UpdateItem, DeleteItem", &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]),
            ("Query, Scan", &["dynamodb:Query", "dynamodb:Scan"]),
            ("Scoped to project-specific tables", &["engagement-*-dev"]),
        ]),
        (&["bedrock_action_handler"], &[
            ("Invoke model", &["bedrock:InvokeModel"]),
            ("Invoke agent", &["bedrock:InvokeAgent"]),
            ("Retrieve from knowledge base", &["bedrock:Retrieve"]),
        ]),
        (&["pipeline"], &[
            ("Invoke pre_cleanup, data_prep, data_validation, create_qa_table, create_results_table", &[
                "lambda:InvokeFunction", "engagement-pre-cleanup-dev", "engagement-data-prep-dev",
                "engagement-data-validation-dev", "engagement-create-qa-table-dev", "engagement-create-results-table-dev",
            ]),
            ("Run ECS tasks (training and inference)", &["ecs:RunTask", "engagement-training-dev", "engagement-inference-dev"]),
            ("Stop ECS tasks", &["ecs:StopTask"]),
            ("Describe task status", &["ecs:DescribeTasks"]),
            ("Pass ECS task execution role to ECS tasks", &["iam:PassRole", "engagement-training-execution-dev", "engagement-inference-execution-dev"]),
            ("Scoped to ECS service only", &["iam:PassedToService", "ecs-tasks.amazonaws.com"]),
            ("EventBridge: put targets, put rules, describe rules", &["events:PutTargets", "events:PutRule", "events:DescribeRule"]),
            ("Create log deliveries", &["logs:CreateLogDelivery"]),
            ("Put metrics", &["cloudwatch:PutMetricData"]),
            ("Manage log groups", &["logs:DescribeLogGroups", "logs:PutResourcePolicy"]),
            ("Put trace segments", &["xray:PutTraceSegments"]),
            ("Put telemetry records", &["xray:PutTelemetryRecords"]),
        ]),
        (&["training"], &[
            ("Read from raw data bucket", &["s3:GetObject", "engagement-raw-data-dev"]),
            ("Read from processed data bucket", &["engagement-processed-data-dev"]),
            ("Write to models bucket", &["s3:PutObject", "engagement-models-dev"]),
            ("Write to features bucket", &["engagement-features-dev"]),
            ("Get database/table/partition metadata", &["glue:GetDatabase", "glue:GetTable", "glue:GetPartition"]),
            ("Create/update tables", &["glue:CreateTable", "glue:UpdateTable"]),
            ("Get secret values", &["secretsmanager:GetSecretValue"]),
            ("Scoped to project-specific secrets", &["engagement-ml-dev-??????"]),
        ]),
        (&["training", "inference"], ATHENA),
        (&["training", "inference"], XRAY),
        (&["training", "inference"], ECR),
        (&["training", "inference"], TASK_CLOUDWATCH),
        (&["inference"], &[
            ("Read from models bucket", &["s3:GetObject", "engagement-models-dev"]),
            ("Read from raw/processed data (via Athena)", &["engagement-raw-data-dev", "engagement-processed-data-dev"]),
            ("Write to results bucket", &["s3:PutObject", "engagement-results-dev"]),
            ("Get database/table/partition metadata", &["glue:GetDatabase", "glue:GetTable", "glue:GetPartition"]),
        ]),
        (&["knowledge_base"], &[
            ("Read from knowledge base bucket", &["s3:GetObject", "engagement-knowledge-base-dev"]),
            // The seed's "vector store bucket" is an S3 Vectors vector bucket: no knowledge base stores
            // vectors in a general-purpose bucket (issue 7).
            ("Read/write to vector store bucket", &["s3vectors:GetVectors", "s3vectors:PutVectors", "engagement-vector-store-dev"]),
            ("Invoke Titan Embeddings v2 model", &["bedrock:InvokeModel", "Titan Text Embeddings V2"]),
            ("Scoped to specific model ARN", &["foundation-model/amazon.titan-embed-text-v2:0"]),
        ]),
        (&["assistant"], &[
            ("Invoke Claude 3.5 Sonnet model", &["bedrock:InvokeModel", "Claude 3.5 Sonnet"]),
            ("Retrieve from knowledge base", &["bedrock:Retrieve"]),
            ("Scoped to specific model/knowledge base ARNs", &["foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", "knowledge-base/${var.knowledge_base_knowledge_base_id}"]),
            ("Invoke bedrock_action_handler Lambda, scoped to its ARN", &["lambda:InvokeFunction", "engagement-bedrock-action-handler-dev", "resource-based permission"]),
        ]),
        (&["api"], &[
            ("Invoke predict Lambda, scoped to its ARN", &["lambda:InvokeFunction", "engagement-predict-dev", "resource-based permission"]),
            // The seed is wrong here: API Gateway publishes these metrics itself, with no permission.
            ("Put metrics (API request count, latency)", &["publishes the API's request metrics (count, latency) to CloudWatch itself"]),
            ("Create log streams", &["logs:CreateLogStream"]),
            ("Put log events", &["logs:PutLogEvents"]),
        ]),
    ]
};

/// The section of `service` in the permissions document.
fn section<'a>(md: &'a str, service: &str) -> &'a str {
    let start = md
        .find(&format!("\n### `{service}`: "))
        .unwrap_or_else(|| panic!("no section for {service}"));
    let rest = &md[start + 1..];
    let end = rest[4..]
        .find("\n### `")
        .or_else(|| rest[4..].find("\n## "))
        .map_or(rest.len(), |e| e + 4);
    &rest[..end]
}

#[test]
fn the_example_document_names_every_permission_the_seed_lists() {
    // Letters and digits only, lowercase: the seed's `pre_cleanup` is this list's pre_cleanup.
    let plain = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // The list above is the seed's: each permission's words are in it (where the seed is at hand).
    let seed = std::fs::read_to_string("../shared/seed/000_c196b07a5a2f374e.txt")
        .ok()
        .map(|s| plain(&s));
    let md = std::fs::read_to_string(PERMISSIONS).unwrap();
    let mut checked = 0;
    for (services, permissions) in SEED {
        for service in *services {
            let text = section(&md, service);
            for (said, needles) in *permissions {
                if let Some(seed) = &seed {
                    let first = said.split([',', '(', ':']).next().unwrap();
                    assert!(
                        seed.contains(&plain(first)),
                        "the seed does not say {said:?}"
                    );
                }
                for needle in *needles {
                    assert!(
                        text.contains(needle),
                        "{service}: the seed's {said:?} needs {needle:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "{checked}");
}

fn iamgen() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("iamgen").unwrap()
}

#[test]
fn iamgen_docs_prints_the_permissions_document() {
    let committed = std::fs::read_to_string(PERMISSIONS).unwrap();
    iamgen()
        .args(["docs", "examples/engagement-platform.yaml"])
        .assert()
        .success()
        .stdout(committed)
        .stderr("");
}

#[test]
fn templates_dir_replaces_a_template_and_its_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permissions.md");
    std::fs::write(&file, "# {{ project }}: {{ services|length }} services\n").unwrap();
    iamgen()
        .args(["docs", "examples/engagement-platform.yaml", "--templates"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("# engagement: 15 services\n");

    // A name that does not exist (strict undefined), and a syntax error: FILE:LINE, exit 1.
    std::fs::write(&file, "# {{ project }}\n\n{{ service.name }}\n").unwrap();
    iamgen()
        .args(["docs", "examples/engagement-platform.yaml", "--templates"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "{}:3: error: undefined value: service.name\n",
            file.display()
        ));
    std::fs::write(&file, "ok\n{% for s in services %}\n").unwrap();
    iamgen()
        .args(["docs", "examples/engagement-platform.yaml", "--templates"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::starts_with(format!(
            "{}:2: error: syntax error",
            file.display()
        )));

    // `gen --out` writes the module READMEs from the team's module.md.
    std::fs::write(&file, "# mine\n").unwrap();
    std::fs::write(
        dir.path().join("module.md"),
        "# {{ service.name }} ({{ inputs|length }} inputs)\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    iamgen()
        .args(["gen", "examples/engagement-platform.yaml", "--out"])
        .arg(out.path())
        .arg("--templates")
        .arg(dir.path())
        .assert()
        .success();
    let readme = std::fs::read_to_string(out.path().join("modules/api/README.md")).unwrap();
    assert_eq!(readme, "# api (5 inputs)\n");
}
