//! AI: Bedrock foundation models, knowledge bases and agents.

use super::builder::{Builder, Ctx};
use super::storage;
use crate::aws::bedrock::Destinations;
use crate::aws::ids::IdShape;
use crate::aws::Condition;
use crate::aws::{arns, Template};
use crate::kinds::{RolePurpose, ServiceKind};
use crate::naming;
use crate::policy::DataAccessPolicy;
use crate::spec::{Detail, Model, VectorStore};

/// `bedrock.invoke_model`: invoke the models; streaming too, except for a knowledge base, which
/// calls its embedding model with `InvokeModel` only
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>).
///
/// A foundation model is invoked in the module's region. Through an inference profile, AWS checks
/// the profile's ARN and the foundation model in every region the profile routes to; the model
/// statement carries `bedrock:InferenceProfileArn`, so the model is reachable only through the
/// profile (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>).
/// An agent using a profile also reads it and the model
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html>).
pub(super) fn bedrock_invoke_model(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let actions = invoke_actions(g);
    let agent = g.caller.kind == ServiceKind::BedrockAgent;
    for model in g.grant.resource_targets() {
        let (profile, id, destinations) = match &model.detail {
            Some(Detail::Model(Model::SystemProfile { model: id, regions })) => {
                (arns::inference_profile(&model.name), id, regions)
            }
            Some(Detail::Model(Model::ApplicationProfile { model: id, regions })) => {
                let input = naming::inference_profile_input(&model.logical);
                b.input(
                    input.clone(),
                    format!(
                        "Id of the Bedrock application inference profile '{}' (known after it is created)",
                        model.logical
                    ),
                    IdShape::InferenceProfile,
                );
                (arns::application_inference_profile(&input), id, regions)
            }
            _ => {
                b.statement(
                    "BedrockInvokeModel",
                    actions,
                    vec![arns::foundation_model(&model.name)],
                    vec![],
                );
                continue;
            }
        };
        let models: Vec<Template> = match destinations {
            Destinations::Here => vec![arns::foundation_model(id)],
            Destinations::Regions(regions) => regions
                .iter()
                .map(|r| arns::foundation_model_in(r, id))
                .collect(),
            // AWS's global example lists the region-less ARN beside the regional ones.
            Destinations::Global => vec![
                arns::foundation_model_in("*", id),
                arns::foundation_model_in("", id),
            ],
        };
        b.statement(
            "BedrockInvokeProfile",
            actions,
            vec![profile.clone()],
            vec![],
        );
        b.statement(
            "BedrockInvokeProfileModel",
            actions,
            models.clone(),
            vec![Condition::new(
                "ArnEquals",
                "bedrock:InferenceProfileArn",
                profile.clone(),
            )],
        );
        if agent {
            b.statement(
                "BedrockGetProfile",
                &["bedrock:GetInferenceProfile"],
                vec![profile],
                vec![],
            );
            b.statement(
                "BedrockGetModel",
                &["bedrock:GetFoundationModel"],
                models,
                vec![],
            );
        }
    }
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

/// `vector_store:` of a knowledge base: what its role needs in each kind of store
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html>).
pub(super) fn vector_store(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for store in g.grant.resource_targets() {
        let Some(Detail::VectorStore(store)) = &store.detail else {
            continue;
        };
        match store {
            // "Permissions to access your vector store in Amazon S3 Vectors".
            VectorStore::S3Vectors { bucket, index } => b.statement(
                "S3VectorsIndex",
                &[
                    "s3vectors:DeleteVectors",
                    "s3vectors:GetIndex",
                    "s3vectors:GetVectors",
                    "s3vectors:PutVectors",
                    "s3vectors:QueryVectors",
                ],
                vec![arns::vector_index(bucket, index)],
                vec![],
            ),
            // "Permissions to access your vector database in Amazon OpenSearch Serverless", and
            // the collection's data access policy naming the role
            // (https://docs.aws.amazon.com/bedrock/latest/userguide/kb-create-security.html).
            VectorStore::OpenSearch { collection } => {
                let input = naming::collection_input(collection_logical(g));
                b.input(
                    input.clone(),
                    format!("Id of the OpenSearch Serverless collection '{collection}' (known after it is created)"),
                    IdShape::Collection,
                );
                b.statement(
                    "OpenSearchCollection",
                    &["aoss:APIAccessAll"],
                    vec![arns::collection(&input)],
                    vec![],
                );
                let origin = b.origin().clone();
                b.data_access_policy(DataAccessPolicy {
                    label: format!("{}_data_access", collection_logical(g)),
                    name: g.names.service(&g.caller.name),
                    collection: collection.clone(),
                    permissions: vec![
                        "aoss:DescribeIndex",
                        "aoss:ReadDocument",
                        "aoss:WriteDocument",
                    ],
                    role: RolePurpose::Main,
                    origin,
                    source: "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-create-security.html",
                });
            }
            // "Permissions to access your Amazon Aurora database cluster" (the Data API is
            // authorized on the cluster's `rds` ARN), and its credentials secret.
            VectorStore::Aurora { cluster, secret } => {
                b.statement(
                    "RdsDescribeCluster",
                    &["rds:DescribeDBClusters"],
                    vec![arns::db_cluster(cluster)],
                    vec![],
                );
                b.statement(
                    "RdsDataApi",
                    &[
                        "rds-data:BatchExecuteStatement",
                        "rds-data:ExecuteStatement",
                    ],
                    vec![arns::db_cluster(cluster)],
                    vec![],
                );
                storage::read_secrets(b, &[secret.as_str()]);
            }
            // "Permissions to access a vector database configured with an AWS Secrets Manager
            // secret": Pinecone, Redis Enterprise Cloud, MongoDB Atlas.
            VectorStore::Secret { secret, .. } => storage::read_secrets(b, &[secret.as_str()]),
        }
    }
}

/// The logical name of the vector store a `vector_store` grant reaches.
fn collection_logical<'a>(g: &'a Ctx<'_>) -> &'a str {
    g.grant
        .resource_targets()
        .next()
        .map(|r| r.logical.as_str())
        .unwrap_or_default()
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
