//! Amazon Bedrock inference profiles: which model ids are cross-region (system-defined) profiles,
//! and the regions they route to.
//!
//! Invoking a model through an inference profile is authorized on the profile's ARN **and** on
//! the foundation model in every region the profile routes to
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>,
//! <https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html>).
//! A geographic profile (`us.`, `eu.`, `apac.`) keeps requests in its geography's regions; a
//! `global.` profile routes to every commercial region, and AWS's example for it also lists the
//! region-less foundation-model ARN
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html>).

/// Where a profile sends requests: the region segments of the foundation-model ARNs to allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destinations {
    /// The region the module is applied in (a profile made from a plain foundation model).
    Here,
    /// Region segments: concrete regions, or a geography's pattern (`us-*`).
    Regions(Vec<String>),
    /// Every commercial region (`*`), and the region-less ARN of AWS's `global.` example.
    Global,
}

/// The geographies of system-defined cross-region inference profiles: the id prefix and the
/// region pattern of its destinations.
const GEOGRAPHIES: &[(&str, &str)] = &[
    ("us", "us-*"),
    ("eu", "eu-*"),
    ("apac", "ap-*"),
    ("us-gov", "us-gov-*"),
];

/// A system-defined inference profile id, split: `us.anthropic.claude-3-haiku-20240307-v1:0` is
/// the US profile of model `anthropic.claude-3-haiku-20240307-v1:0`. `None` for a model id.
pub(crate) fn system_profile(id: &str) -> Option<(String, Destinations)> {
    let (prefix, model) = id.split_once('.')?;
    // A profile id is a geography, then a whole model id (provider.model).
    if !model.contains('.') {
        return None;
    }
    if prefix == "global" {
        return Some((model.to_string(), Destinations::Global));
    }
    GEOGRAPHIES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, regions)| {
            (
                model.to_string(),
                Destinations::Regions(vec![regions.to_string()]),
            )
        })
}

/// Whether `region` is a region name (`eu-west-1`, `us-gov-west-1`).
pub(crate) fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_told_from_models() {
        assert_eq!(
            system_profile("us.anthropic.claude-3-haiku-20240307-v1:0"),
            Some((
                "anthropic.claude-3-haiku-20240307-v1:0".into(),
                Destinations::Regions(vec!["us-*".into()])
            ))
        );
        assert_eq!(
            system_profile("global.anthropic.claude-sonnet-4-20250514-v1:0").map(|p| p.1),
            Some(Destinations::Global)
        );
        assert_eq!(
            system_profile("anthropic.claude-3-haiku-20240307-v1:0"),
            None
        );
        assert_eq!(system_profile("amazon.titan-embed-text-v2:0"), None);
        assert!(is_region("eu-west-1") && is_region("us-gov-west-1"));
        assert!(!is_region("eu-west") && !is_region("EU-west-1") && !is_region("us-*"));
    }
}
