//! AI: Bedrock foundation models, knowledge bases and agents.

use super::builder::{Builder, Ctx};
use crate::aws::arns;
use crate::naming;

/// `bedrock.invoke_model`: invoke the foundation models (streaming included).
pub(super) fn bedrock_invoke_model(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let models = g
        .grant
        .resources()
        .into_iter()
        .map(arns::foundation_model)
        .collect();
    b.statement(
        "BedrockInvokeModel",
        &[
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ],
        models,
        vec![],
    );
}

/// `bedrock.retrieve`: query the knowledge bases, by ids known after apply.
pub(super) fn bedrock_retrieve(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let mut kbs = Vec::new();
    for t in g.grant.services() {
        let input = naming::knowledge_base_input(&t.name);
        b.input(
            input.clone(),
            format!(
                "Id of the Bedrock knowledge base of service '{}' (known after it is created)",
                t.name
            ),
        );
        kbs.push(arns::knowledge_base(&input));
    }
    b.statement("BedrockRetrieve", &["bedrock:Retrieve"], kbs, vec![]);
}

/// `bedrock.invoke_agent`: invoke the agents (any alias), by ids known after apply.
pub(super) fn bedrock_invoke_agent(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let mut agents = Vec::new();
    for t in g.grant.services() {
        let input = naming::agent_input(&t.name);
        b.input(
            input.clone(),
            format!(
                "Id of the Bedrock agent of service '{}' (known after it is created)",
                t.name
            ),
        );
        agents.push(arns::agent_aliases(&input));
    }
    b.statement(
        "BedrockInvokeAgent",
        &["bedrock:InvokeAgent"],
        agents,
        vec![],
    );
}
