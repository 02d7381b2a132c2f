//! The shapes of the ids AWS assigns after a resource is created, and example values of those
//! shapes for evaluating requests before the real ids are known.

/// How AWS writes an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdShape {
    /// An API Gateway REST API id: 10 lowercase letters and digits (`a1b2c3d4e5`),
    /// <https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html>.
    RestApi,
    /// A Bedrock agent or knowledge base id: 10 uppercase letters and digits (`KB12345678`),
    /// <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_Agent.html>.
    Bedrock,
    /// A Bedrock application inference profile id: 12 lowercase letters and digits,
    /// <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html>.
    InferenceProfile,
    /// An OpenSearch Serverless collection id: 20 lowercase letters and digits,
    /// <https://docs.aws.amazon.com/opensearch-service/latest/ServerlessAPIReference/API_CollectionDetail.html>.
    Collection,
}

/// A stable example id of `shape` for the input `name`: different inputs get different ids.
///
/// ```ignore
/// assert_eq!(example_id("api_api_id", IdShape::RestApi).len(), 10);
/// ```
pub(crate) fn example_id(name: &str, shape: IdShape) -> String {
    let (len, upper) = match shape {
        IdShape::RestApi => (10, false),
        IdShape::Bedrock => (10, true),
        IdShape::InferenceProfile => (12, false),
        IdShape::Collection => (20, false),
    };
    // FNV-1a, then base 36: deterministic, no dependency, spread enough for a handful of ids.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in name.bytes().chain(out.clone().into_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let c = char::from_digit((h % 36) as u32, 36).unwrap_or('0');
        out.push(if upper { c.to_ascii_uppercase() } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_ids_have_the_shape_and_differ() {
        let a = example_id("api_api_id", IdShape::RestApi);
        assert_eq!(a.len(), 10);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let k = example_id("knowledge_base_knowledge_base_id", IdShape::Bedrock);
        assert!(k
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_ne!(k, example_id("other_knowledge_base_id", IdShape::Bedrock));
    }
}
