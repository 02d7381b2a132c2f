//! `docs/grants.md` is generated from the grants table itself: each grant compiled on a small spec,
//! its exact statements listed. This test fails when the file is stale (`just regen` rewrites it).

use iamgen_core::aws::catalog;
use iamgen_core::check::NARROWING_CONDITIONS;
use iamgen_core::grants::{Target, GRANTS};
use iamgen_core::spec::ServiceKind;
use iamgen_core::{compile, Settings};

const DOC: &str = "docs/grants.md";

/// A spec in which `caller` (of the grant's first allowed kind) uses the grant once.
fn spec_for(key: &str, target: Target, caller: ServiceKind) -> String {
    let mut resources = std::collections::BTreeMap::from([
        ("ecr_repositories", vec!["app: app".to_string()]),
        ("ecs_clusters", vec!["main: main".to_string()]),
    ]);
    let value = match target {
        Target::Resource(kind) => {
            let name = if kind.uses_naming() {
                "data"
            } else {
                "amazon.titan-embed-text-v2:0"
            };
            resources
                .entry(kind.key())
                .or_default()
                .push(format!("example: \"{name}\""));
            ": example".to_string()
        }
        Target::Service(kinds) => {
            ": target".to_string() + &format!("\n# target kind {}", kinds[0].key())
        }
        Target::Namespace => ": MyApp".into(),
        Target::LogGroup => ": /shop/app".into(),
        Target::Flag => String::new(),
    };
    let mut spec = String::from("project: shop\nenvironment: prod\nresources:\n");
    for (kind, entries) in resources {
        spec.push_str(&format!("  {kind}: {{ {} }}\n", entries.join(", ")));
    }
    let value_line = value.lines().next().unwrap_or_default().to_string();
    spec.push_str("services:\n");
    spec.push_str(&format!("  caller:\n    kind: {}\n", caller.key()));
    if caller == ServiceKind::EcsTask {
        spec.push_str("    image: app\n    cluster: main\n");
    }
    spec.push_str(&format!("    grants:\n      - {key}{value_line}\n"));
    if let Target::Service(kinds) = target {
        spec.push_str(&format!("  target:\n    kind: {}\n", kinds[0].key()));
        if kinds[0] == ServiceKind::EcsTask {
            spec.push_str("    image: app\n    cluster: main\n");
        }
    }
    spec
}

fn render() -> String {
    let mut md = String::from(
        "# Grants: exact statements\n\n\
         Generated from the grants table (`crates/iamgen-core/src/grants.rs`) by `tests/docs.rs`; `just regen`\n\
         rewrites it. Each grant is shown on a small spec: project `shop`, environment `prod`, the target\n\
         declared as `example` (so a bucket is `shop-data-prod`) or a service `target`. In ARNs,\n\
         `${partition}`, `${region}` and `${account}` come from `data.aws_partition`, `data.aws_region` and\n\
         `data.aws_caller_identity`; `${var.NAME}` is a module input (an id known only after apply); `${var.path}`\n\
         is the IAM path the platform's roles share.\n\n",
    );
    let mut star_actions: Vec<(String, &'static str, &'static str)> = Vec::new();
    for def in GRANTS {
        let callers: Vec<&str> = def.callers.iter().map(|k| k.key()).collect();
        md.push_str(&format!(
            "## `{}`\n\n{}. Usable by: {}. AWS source: <{}>\n\n",
            def.key,
            def.summary,
            callers.join(", "),
            def.source
        ));
        // A kind with no implied grants shows the grant's own statements unmerged.
        let plain = [
            ServiceKind::StepFunctions,
            ServiceKind::BedrockKnowledgeBase,
            ServiceKind::BedrockAgent,
            ServiceKind::EcsTask,
        ];
        let first = plain
            .into_iter()
            .find(|k| def.callers.contains(k))
            .unwrap_or(def.callers[0]);
        let mut shown = vec![first];
        if def.key == "lambda.invoke" {
            shown.push(ServiceKind::ApiGateway);
        }
        for caller in shown {
            let spec = spec_for(def.key, def.target, caller);
            let compiled = compile("docs.yaml", &spec, &Settings::default())
                .unwrap_or_else(|e| panic!("{}: {e}\n{spec}", def.key));
            let service = compiled
                .plan
                .services
                .iter()
                .find(|s| s.name == "caller")
                .unwrap();
            md.push_str(&format!("From a `{}` service:\n\n", caller.key()));
            md.push_str("| Sid | actions | resources | conditions |\n|---|---|---|---|\n");
            let mut any = false;
            for role in &service.roles {
                for s in role
                    .policies
                    .iter()
                    .flat_map(|p| &p.document.statements)
                    .filter(|s| !s.origin.implied)
                {
                    any = true;
                    let conditions: Vec<String> = s
                        .conditions
                        .iter()
                        .map(|c| {
                            format!(
                                "{} `{}` = {}",
                                c.test,
                                c.variable,
                                c.values
                                    .iter()
                                    .map(|v| format!("`{v}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                        .collect();
                    md.push_str(&format!(
                        "| {} | {} | {} | {} |\n",
                        s.sid,
                        s.actions
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join("<br>"),
                        s.resources
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join("<br>"),
                        if conditions.is_empty() {
                            "".to_string()
                        } else {
                            conditions.join("<br>")
                        }
                    ));
                    if s.resources.iter().any(|r| r.is_star()) {
                        for a in &s.actions {
                            if !star_actions.iter().any(|(x, _, _)| x == a) {
                                star_actions.push((
                                    a.clone(),
                                    def.key,
                                    catalog::action(a).unwrap().0.authorization_url(),
                                ));
                            }
                        }
                    }
                }
            }
            for p in &service.lambda_permissions {
                any = true;
                md.push_str(&format!(
                    "| (`aws_lambda_permission`) | `lambda:InvokeFunction` on function `{}` | principal `{}` | source ARN `{}` |\n",
                    p.function_name, p.principal, p.source_arn
                ));
            }
            assert!(any, "{} produced nothing", def.key);
            md.push('\n');
        }
    }
    md.push_str(
        "## Actions that need `Resource = \"*\"`\n\n\
         These actions accept no resource type in the AWS Service Authorization Reference: `*` is the only\n\
         `Resource` AWS evaluates for them. iamgen's checker refuses `*` for every other action. A grant\n\
         that needs one is a warning (an error with `--strict`) until the spec accepts it with\n\
         `allow: { wildcard: \"why\" }`, except where a condition narrows it or the service kind requires it\n\
         (`ecr:GetAuthorizationToken` for an ECS execution role).\n\n\
         | action | grant | narrowed by | AWS reference |\n|---|---|---|---|\n",
    );
    star_actions.sort();
    for (a, grant, url) in &star_actions {
        let narrowed = NARROWING_CONDITIONS
            .iter()
            .find(|(x, _)| x == a)
            .map(|(_, k)| format!("`{k}`"))
            .unwrap_or_default();
        md.push_str(&format!("| `{a}` | `{grant}` | {narrowed} | <{url}> |\n"));
    }
    md
}

#[test]
fn grants_doc_is_current() {
    let md = render();
    if std::env::var_os("IAMGEN_BLESS").is_some() {
        std::fs::create_dir_all("docs").unwrap();
        std::fs::write(DOC, &md).unwrap();
    }
    let committed = std::fs::read_to_string(DOC).unwrap_or_default();
    assert!(committed == md, "{DOC} is stale; run `just regen`");
}
