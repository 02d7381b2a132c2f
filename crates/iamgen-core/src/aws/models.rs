//! Names of Bedrock foundation models, as AWS's model catalog names them, by model id: so the docs
//! say "Titan Text Embeddings V2" where the policy says `amazon.titan-embed-text-v2:0`.
//!
//! Source: <https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html>. A model
//! not listed here is shown by its id.

static MODELS: &[(&str, &str)] = &[
    ("amazon.titan-embed-text-v2:0", "Titan Text Embeddings V2"),
    ("amazon.titan-embed-text-v1", "Titan Embeddings G1 - Text"),
    (
        "amazon.titan-embed-image-v1",
        "Titan Multimodal Embeddings G1",
    ),
    ("amazon.titan-text-express-v1", "Titan Text G1 - Express"),
    ("amazon.nova-pro-v1:0", "Nova Pro"),
    ("amazon.nova-lite-v1:0", "Nova Lite"),
    ("amazon.nova-micro-v1:0", "Nova Micro"),
    (
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "Claude 3.5 Sonnet",
    ),
    (
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "Claude 3.5 Sonnet v2",
    ),
    (
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "Claude 3.5 Haiku",
    ),
    ("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku"),
    ("anthropic.claude-3-sonnet-20240229-v1:0", "Claude 3 Sonnet"),
    ("anthropic.claude-3-opus-20240229-v1:0", "Claude 3 Opus"),
    ("cohere.embed-english-v3", "Embed English"),
    ("cohere.embed-multilingual-v3", "Embed Multilingual"),
];

/// The model's name, for a model id AWS's catalog names.
///
/// ```
/// use iamgen_core::aws::model_name;
/// assert_eq!(model_name("amazon.titan-embed-text-v2:0"), Some("Titan Text Embeddings V2"));
/// assert_eq!(model_name("example.unknown-v1"), None);
/// ```
pub fn model_name(id: &str) -> Option<&'static str> {
    MODELS.iter().find(|(m, _)| *m == id).map(|(_, name)| *name)
}
