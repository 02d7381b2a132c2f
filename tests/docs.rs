//! `docs/grants.md` is generated from the grants table itself: each grant compiled on a small spec,
//! its exact statements listed. This test fails when the file is stale (`just regen` rewrites it).

use iamgen_core::aws::catalog;
use iamgen_core::check::NARROWING_CONDITIONS;
use iamgen_core::{
    compile, Expected, GrantKind, Intent, ResourceKind, ServiceKind, Settings, Subject, Target,
};

const DOC: &str = "docs/grants.md";

/// A spec in which `caller` (of the grant's first allowed kind) uses the grant once.
fn spec_for(key: &str, target: Target, caller: ServiceKind) -> String {
    let mut resources = std::collections::BTreeMap::from([
        ("ecr_repositories", vec!["app: app".to_string()]),
        ("ecs_clusters", vec!["main: main".to_string()]),
    ]);
    let value = match target {
        Target::Resource(kind) => {
            let name = match kind {
                // From a Lambda, a model behind a cross-region inference profile.
                ResourceKind::BedrockModel if caller == ServiceKind::Lambda => {
                    "\"us.anthropic.claude-3-haiku-20240307-v1:0\""
                }
                ResourceKind::BedrockModel => "\"amazon.titan-embed-text-v2:0\"",
                ResourceKind::AthenaWorkgroup => {
                    resources
                        .entry("buckets")
                        .or_default()
                        .push("results: athena-results".into());
                    "{ name: shop-data-prod, results: results }"
                }
                ResourceKind::VectorStore => "{ engine: s3_vectors, bucket: vectors, index: docs }",
                _ => "\"data\"",
            };
            resources
                .entry(kind.key())
                .or_default()
                .push(format!("example: {name}"));
            ": example".to_string()
        }
        Target::Service(kinds) => {
            ": target".to_string() + &format!("\n# target kind {}", kinds[0].key())
        }
        Target::Namespace => ": MyApp".into(),
        Target::LogGroup => ": /shop/app".into(),
        _ => String::new(),
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
    if GrantKind::fields().any(|f| f.key() == key) {
        spec.push_str(&format!("    {key}{value_line}\n"));
    } else {
        spec.push_str(&format!("    grants:\n      - {key}{value_line}\n"));
    }
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
        "# Grants: exact statements, and the requests each exists for\n\n\
         Generated from the grants table (`crates/iamgen-core/src/grants.rs`) and its expansions\n\
         (`crates/iamgen-core/src/expand/`) by `tests/docs.rs`; `just regen` rewrites it. Each grant is shown\n\
         on a small spec: project `shop`, environment `prod`, the target declared as `example` (so a bucket is `shop-data-prod`) or a service `target`. In ARNs,\n\
         `${partition}`, `${region}` and `${account}` come from `data.aws_partition`, `data.aws_region` and\n\
         `data.aws_caller_identity`; `${var.NAME}` is a module input (an id known only after apply); `${var.path}`\n\
         is the IAM path the platform's roles share.\n\n\
         Below each grant's statements are the requests it exists for, in the form AWS authorizes them (the ARN\n\
         AWS checks, with example ids, and the context keys the caller sends), and the neighbours it must\n\
         refuse, each with the AWS page that says so. `cargo test` decides every one of them with iamgen's IAM\n\
         evaluator over the generated policies, for this file's specs, for the example platform and for random\n\
         specs (`Plan::verify`).\n\n",
    );
    let mut star_actions: Vec<(String, &'static str, &'static str)> = Vec::new();
    for grant in GrantKind::all().chain(GrantKind::fields()) {
        let callers: Vec<&str> = grant.callers().iter().map(|k| k.key()).collect();
        md.push_str(&format!(
            "## `{}`\n\n{}. Usable by: {}. AWS source: <{}>\n\n",
            grant.key(),
            grant.summary(),
            callers.join(", "),
            grant.source()
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
            .find(|k| grant.callers().contains(k))
            .unwrap_or(grant.callers()[0]);
        let mut shown = vec![first];
        if grant == GrantKind::LambdaInvoke {
            shown.push(ServiceKind::ApiGateway);
        }
        if grant == GrantKind::BedrockInvokeModel {
            shown.push(ServiceKind::Lambda);
        }
        for caller in shown {
            let spec = spec_for(grant.key(), grant.target(), caller);
            let compiled = compile("docs.yaml", &spec, &Settings::default())
                .unwrap_or_else(|e| panic!("{}: {e}\n{spec}", grant.key()));
            let verified = compiled
                .plan
                .verify(&iamgen_core::Values::new(
                    "aws",
                    "eu-west-1",
                    "111122223333",
                ))
                .unwrap();
            assert!(
                verified.passed(),
                "{}: {:#?}",
                grant.key(),
                verified.failures
            );
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
                                    grant.key(),
                                    catalog::action(a).unwrap().0.authorization_url,
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
            assert!(any, "{} produced nothing", grant.key());
            md.push('\n');
            let intents: Vec<&Intent> = service
                .intents
                .iter()
                .filter(|i| i.subject == Subject::Grant)
                .collect();
            requests_table(&mut md, intents.iter().flat_map(|i| &i.requests));
        }
    }
    md.push_str(
        "## Service kinds: implied permissions and trust policies\n\n\
         What each kind of service gets without a grant, and who may assume its roles, with the requests\n\
         they exist for and the neighbours they refuse, on a service named `target` of project `shop`,\n\
         environment `prod`.\n\n",
    );
    for kind in ServiceKind::ALL {
        let mut spec = String::from(
            "project: shop\nenvironment: prod\nresources:\n  ecr_repositories: { app: app }\n  ecs_clusters: { main: main }\n  secrets: { token: token }\nservices:\n",
        );
        spec.push_str(&format!("  target:\n    kind: {}\n", kind.key()));
        if kind == ServiceKind::EcsTask {
            spec.push_str("    image: app\n    cluster: main\n    secrets: [token]\n");
        }
        let compiled = compile("docs.yaml", &spec, &Settings::default())
            .unwrap_or_else(|e| panic!("{}: {e}\n{spec}", kind.key()));
        let verified = compiled
            .plan
            .verify(&iamgen_core::Values::new(
                "aws",
                "eu-west-1",
                "111122223333",
            ))
            .unwrap();
        assert!(
            verified.passed(),
            "{}: {:#?}",
            kind.key(),
            verified.failures
        );
        let service = &compiled.plan.services[0];
        md.push_str(&format!("### `{}`\n\n", kind.key()));
        for intent in &service.intents {
            let what = match intent.subject {
                Subject::Trust => format!(
                    "Trust policy of the {:?} role (`{}`)",
                    intent.role,
                    service
                        .roles
                        .iter()
                        .find(|r| r.purpose == intent.role)
                        .map(|r| r.trust.principal)
                        .unwrap_or_default()
                ),
                _ => format!(
                    "Implied for the {:?} role: `{}`",
                    intent.role,
                    intent.origin.grant.key()
                ),
            };
            md.push_str(&format!("{what}:\n\n"));
            requests_table(&mut md, intent.requests.iter());
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

/// The requests a grant (or kind) declares, one row each, with the AWS page that says how AWS
/// authorizes them.
fn requests_table<'a>(md: &mut String, requests: impl Iterator<Item = &'a Expected>) {
    md.push_str("Requests it exists for (allow) and neighbours it must refuse (deny), each decided by the evaluator in the tests:\n\n");
    md.push_str("| decision | caller | action | resource (every ARN AWS checks) | context | what | AWS page |\n|---|---|---|---|---|---|---|\n");
    for r in requests {
        let resources: Vec<String> = r.resources.iter().map(|t| format!("`{t}`")).collect();
        let context: Vec<String> = r
            .context
            .iter()
            .map(|(k, v)| format!("`{k}`=`{v}`"))
            .collect();
        let place = match r.place {
            iamgen_core::Place::OtherAccount => " (in another account)",
            iamgen_core::Place::OtherRegion => " (in another region)",
            _ => "",
        };
        let caller = match r.caller {
            iamgen_core::Caller::Role(p) => format!("{p:?} role"),
            iamgen_core::Caller::Service(s) => format!("`{s}`"),
            _ => String::new(),
        };
        md.push_str(&format!(
            "| {} | {caller} | `{}` | {}{place} | {} | {} | <{}> |\n",
            r.expect,
            r.action,
            resources.join("<br>"),
            context.join("<br>"),
            r.what.replace('|', "\\|"),
            r.source
        ));
    }
    md.push('\n');
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
