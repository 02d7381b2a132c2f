//! AI: Bedrock foundation models, knowledge bases and agents.

use super::builder::{Builder, Ctx};
use super::storage;
use crate::aws::bedrock::Destinations;
use crate::aws::ids::IdShape;
use crate::aws::Condition;
use crate::aws::{arns, Template};
use crate::intent::Place;
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

// ----- The requests each AI grant exists for, and its neighbours. -----

const INVOKE: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_id-based-policy-examples.html";
const PROFILES: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html";
const GLOBAL: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html";
const AGENTS: &str = "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html";
const KB_PERMISSIONS: &str =
    "https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html";

/// A region a profile routes to, and one it never does, for each destination (`None`: every
/// region is one).
fn example_regions(destinations: &Destinations) -> Vec<(Option<String>, Option<&'static str>)> {
    match destinations {
        Destinations::Here => vec![(None, None)],
        Destinations::Global => vec![
            (Some("ap-southeast-2".into()), None),
            (Some(String::new()), None),
        ],
        Destinations::Regions(regions) => regions
            .iter()
            .map(|r| {
                let (inside, outside) = match r.as_str() {
                    "us-*" => ("us-west-2", "eu-west-1"),
                    "eu-*" => ("eu-central-1", "us-east-1"),
                    "ap-*" => ("ap-northeast-1", "eu-west-1"),
                    "us-gov-*" => ("us-gov-west-1", "us-east-1"),
                    concrete => (
                        concrete,
                        if concrete == "us-east-1" {
                            "eu-west-1"
                        } else {
                            "us-east-1"
                        },
                    ),
                };
                (Some(inside.replace('*', "")), Some(outside))
            })
            .collect(),
    }
}

/// What `bedrock.invoke_model` is for: invoking the models (streaming too, except from a knowledge
/// base), directly or through their inference profile.
pub(super) fn bedrock_invoke_model_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    let streams = g.caller.kind != ServiceKind::BedrockKnowledgeBase;
    let agent = g.caller.kind == ServiceKind::BedrockAgent;
    let stream = "bedrock:InvokeModelWithResponseStream";
    for model in g.grant.resource_targets() {
        let (profile, id, destinations) = match &model.detail {
            Some(Detail::Model(Model::SystemProfile { model: id, regions })) => {
                (arns::inference_profile(&model.name), id, regions)
            }
            Some(Detail::Model(Model::ApplicationProfile { model: id, regions })) => (
                arns::application_inference_profile(&naming::inference_profile_input(
                    &model.logical,
                )),
                id,
                regions,
            ),
            _ => {
                let fm = arns::foundation_model(&model.name);
                b.allow(
                    "bedrock:InvokeModel",
                    fm.clone(),
                    "InvokeModel (and Converse)",
                    INVOKE,
                );
                match streams {
                    true => b.allow(
                        stream,
                        fm.clone(),
                        "InvokeModelWithResponseStream (and ConverseStream)",
                        INVOKE,
                    ),
                    false => b.deny(
                        stream,
                        fm.clone(),
                        "streaming (a knowledge base embeds with InvokeModel)",
                        KB_PERMISSIONS,
                    ),
                };
                b.deny(
                    "bedrock:InvokeModel",
                    arns::foundation_model("example.other-model-v1:0"),
                    "another model",
                    INVOKE,
                );
                b.deny(
                    "bedrock:InvokeModel",
                    fm,
                    "the model in another region",
                    INVOKE,
                )
                .at(Place::OtherRegion);
                continue;
            }
        };
        let through = |e: &mut crate::intent::Expected| {
            e.with("bedrock:InferenceProfileArn", profile.clone());
        };
        b.allow(
            "bedrock:InvokeModel",
            profile.clone(),
            "InvokeModel through the profile",
            PROFILES,
        );
        if streams {
            b.allow(
                stream,
                profile.clone(),
                "streaming through the profile",
                PROFILES,
            );
        }
        for (inside, outside) in example_regions(destinations) {
            let fm = match &inside {
                Some(region) => arns::foundation_model_in(region, id),
                None => arns::foundation_model(id),
            };
            let page = if inside.as_deref() == Some("") {
                GLOBAL
            } else {
                PROFILES
            };
            through(b.allow(
                "bedrock:InvokeModel",
                fm.clone(),
                "the model in a region the profile routes to",
                page,
            ));
            b.deny(
                "bedrock:InvokeModel",
                fm.clone(),
                "the model directly, not through the profile",
                PROFILES,
            );
            if let Some(outside) = outside {
                through(b.deny(
                    "bedrock:InvokeModel",
                    arns::foundation_model_in(outside, id),
                    "the model in a region the profile never routes to",
                    PROFILES,
                ));
            }
            if agent {
                b.allow(
                    "bedrock:GetFoundationModel",
                    fm,
                    "an agent reads the model",
                    AGENTS,
                );
            }
        }
        if agent {
            b.allow(
                "bedrock:GetInferenceProfile",
                profile.clone(),
                "an agent reads the profile",
                AGENTS,
            );
        }
        b.deny(
            "bedrock:InvokeModel",
            arns::inference_profile("us.example.other-model-v1:0"),
            "another profile",
            PROFILES,
        );
        b.deny(
            "bedrock:DeleteInferenceProfile",
            profile,
            "deleting the profile",
            PROFILES,
        );
    }
}

/// What `bedrock.retrieve` is for: querying the knowledge bases (`Retrieve`, checked on the
/// knowledge base's ARN).
pub(super) fn bedrock_retrieve_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for t in g.grant.services() {
        let kb = arns::knowledge_base(&naming::knowledge_base_input(&t.name));
        b.allow("bedrock:Retrieve", kb.clone(), "Retrieve", AGENTS);
        b.deny(
            "bedrock:Retrieve",
            Template::arn("bedrock", true, true, "knowledge-base/OTHERKB123"),
            "another knowledge base",
            AGENTS,
        );
        b.deny(
            "bedrock:Retrieve",
            kb.clone(),
            "the knowledge base in another account",
            AGENTS,
        )
        .at(Place::OtherAccount);
        b.deny(
            "bedrock:UpdateKnowledgeBase",
            kb.clone(),
            "changing the knowledge base",
            AGENTS,
        );
        b.deny(
            "bedrock:StartIngestionJob",
            kb,
            "starting an ingestion",
            AGENTS,
        );
    }
}

/// What `bedrock.invoke_agent` is for: invoking the agents through any of their aliases (the
/// draft's test alias included), checked on the alias's ARN.
pub(super) fn bedrock_invoke_agent_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for t in g.grant.services() {
        let agent = naming::agent_input(&t.name);
        let alias = |alias: &str| {
            Template::arn(
                "bedrock",
                true,
                true,
                Template::around("agent-alias/", &agent, &format!("/{alias}")),
            )
        };
        b.allow(
            "bedrock:InvokeAgent",
            alias("PRODALIAS1"),
            "InvokeAgent",
            INVOKE,
        );
        b.allow(
            "bedrock:InvokeAgent",
            alias("TSTALIASID"),
            "InvokeAgent on the draft's test alias",
            INVOKE,
        );
        b.deny(
            "bedrock:InvokeAgent",
            Template::arn("bedrock", true, true, "agent-alias/OTHERAGENT/PRODALIAS1"),
            "another agent",
            INVOKE,
        );
        b.deny(
            "bedrock:InvokeAgent",
            alias("PRODALIAS1"),
            "the agent in another account",
            INVOKE,
        )
        .at(Place::OtherAccount);
        b.deny(
            "bedrock:UpdateAgent",
            Template::arn(
                "bedrock",
                true,
                true,
                Template::around("agent/", &agent, ""),
            ),
            "changing the agent",
            INVOKE,
        );
    }
}

/// What `vector_store:` is for: the knowledge base storing and querying its vectors, in the store
/// and nowhere else.
pub(super) fn vector_store_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    for r in g.grant.resource_targets() {
        let Some(Detail::VectorStore(store)) = &r.detail else {
            continue;
        };
        match store {
            VectorStore::S3Vectors { bucket, index } => {
                let arn = arns::vector_index(bucket, index);
                for action in [
                    "s3vectors:PutVectors",
                    "s3vectors:GetVectors",
                    "s3vectors:DeleteVectors",
                    "s3vectors:QueryVectors",
                    "s3vectors:GetIndex",
                ] {
                    b.allow(
                        action,
                        arn.clone(),
                        action.trim_start_matches("s3vectors:"),
                        KB_PERMISSIONS,
                    );
                }
                b.deny(
                    "s3vectors:QueryVectors",
                    arns::vector_index(bucket, "other-index"),
                    "another index of the bucket",
                    KB_PERMISSIONS,
                );
                b.deny(
                    "s3vectors:QueryVectors",
                    arn.clone(),
                    "the index in another account",
                    KB_PERMISSIONS,
                )
                .at(Place::OtherAccount);
                b.deny(
                    "s3vectors:DeleteIndex",
                    arn,
                    "deleting the index",
                    KB_PERMISSIONS,
                );
                b.deny(
                    "s3vectors:DeleteVectorBucket",
                    Template::arn("s3vectors", true, true, format!("bucket/{bucket}").as_str()),
                    "deleting the vector bucket",
                    KB_PERMISSIONS,
                );
            }
            VectorStore::OpenSearch { .. } => {
                let arn = arns::collection(&naming::collection_input(&r.logical));
                b.allow(
                    "aoss:APIAccessAll",
                    arn.clone(),
                    "the collection's data plane",
                    KB_PERMISSIONS,
                );
                b.deny(
                    "aoss:APIAccessAll",
                    Template::arn("aoss", true, true, "collection/othercollectionid000000"),
                    "another collection",
                    KB_PERMISSIONS,
                );
                b.deny(
                    "aoss:DeleteCollection",
                    arn,
                    "deleting the collection",
                    KB_PERMISSIONS,
                );
            }
            VectorStore::Aurora { cluster, secret } => {
                let arn = arns::db_cluster(cluster);
                for action in [
                    "rds:DescribeDBClusters",
                    "rds-data:ExecuteStatement",
                    "rds-data:BatchExecuteStatement",
                ] {
                    b.allow(action, arn.clone(), action, KB_PERMISSIONS);
                }
                b.deny(
                    "rds-data:ExecuteStatement",
                    arns::db_cluster(&format!("{cluster}-replica")),
                    "another cluster",
                    KB_PERMISSIONS,
                );
                b.deny(
                    "rds:DeleteDBCluster",
                    arn,
                    "deleting the cluster",
                    KB_PERMISSIONS,
                );
                secret_requests(b, secret);
            }
            VectorStore::Secret { secret, .. } => secret_requests(b, secret),
        }
    }
}

/// The credentials secret of a vector store.
fn secret_requests(b: &mut Builder<'_>, secret: &str) {
    let arn = |name: &str| {
        Template::arn(
            "secretsmanager",
            true,
            true,
            format!("secret:{name}-AbCdEf").as_str(),
        )
    };
    b.allow(
        "secretsmanager:GetSecretValue",
        arn(secret),
        "the store's credentials",
        KB_PERMISSIONS,
    );
    b.deny(
        "secretsmanager:GetSecretValue",
        arn(&format!("{secret}-old")),
        "another secret",
        KB_PERMISSIONS,
    );
}
