//! AI: Bedrock foundation models, knowledge bases and agents.

use super::builder::{Builder, Ctx};
use crate::aws::ids::IdShape;
use crate::aws::{arns, Template};
use crate::kinds::ServiceKind;
use crate::naming;

/// `bedrock.invoke_model`: invoke the foundation models; streaming too, except for a knowledge
/// base, which calls its embedding model with `InvokeModel` only
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>).
pub(super) fn bedrock_invoke_model(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let models = g
        .grant
        .resources()
        .into_iter()
        .map(arns::foundation_model)
        .collect();
    b.statement("BedrockInvokeModel", invoke_actions(g), models, vec![]);
}

/// The invoke actions of a caller: a knowledge base never streams.
fn invoke_actions(g: &Ctx<'_>) -> &'static [&'static str] {
    match g.caller.kind {
        ServiceKind::BedrockKnowledgeBase => &["bedrock:InvokeModel"],
        _ => &[
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ],
    }
}

/// `bedrock.retrieve`: query the knowledge bases, by ids known after apply.
pub(super) fn bedrock_retrieve(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let kbs = by_id(
        b,
        g,
        naming::knowledge_base_input,
        "knowledge base",
        arns::knowledge_base,
    );
    b.statement("BedrockRetrieve", &["bedrock:Retrieve"], kbs, vec![]);
}

/// `bedrock.invoke_agent`: invoke the agents (any alias), by ids known after apply.
pub(super) fn bedrock_invoke_agent(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let agents = by_id(b, g, naming::agent_input, "agent", arns::agent_aliases);
    b.statement(
        "BedrockInvokeAgent",
        &["bedrock:InvokeAgent"],
        agents,
        vec![],
    );
}

/// The ARN of each service the grant reaches, by the module input holding its `what`'s id.
fn by_id(
    b: &mut Builder<'_>,
    g: &Ctx<'_>,
    input: fn(&str) -> String,
    what: &str,
    arn: fn(&str) -> Template,
) -> Vec<Template> {
    g.grant
        .services()
        .map(|t| {
            let input = input(&t.name);
            b.input(
                input.clone(),
                format!(
                    "Id of the Bedrock {what} of service '{}' (known after it is created)",
                    t.name
                ),
                IdShape::Bedrock,
            );
            arn(&input)
        })
        .collect()
}
