//! AWS partitions and the shape of their region names.
//!
//! Source: the AWS SDKs' endpoint data, `partitions.json` (aws/aws-sdk-js-v3,
//! `packages/util-endpoints/src/lib/aws/partitions.json`, version 1.1): each partition's `id` and
//! `regionRegex`, such as `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$` for `aws` and
//! `^us\-gov\-\w+\-\d+$` for `aws-us-gov`. A region name is the partition's fixed prefix, one word
//! (`\w+`) and a number.

/// A partition: its id and the fixed first parts of its region names (for `aws`, any one of them).
struct Partition {
    id: &'static str,
    /// The fixed parts before the word and the number: for `aws-us-gov`, `[["us"], ["gov"]]`.
    prefix: &'static [&'static [&'static str]],
    /// A region of the partition, for messages.
    example: &'static str,
    /// The domain of its service endpoints (`partitions.json`'s `dnsSuffix`): what
    /// `kms:ViaService` ends with (`s3.eu-west-1.amazonaws.com`).
    dns_suffix: &'static str,
}

const PARTITIONS: [Partition; 8] = [
    Partition {
        id: "aws",
        prefix: &[&["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"]],
        example: "us-east-1",
        dns_suffix: "amazonaws.com",
    },
    Partition {
        id: "aws-cn",
        prefix: &[&["cn"]],
        example: "cn-north-1",
        dns_suffix: "amazonaws.com.cn",
    },
    Partition {
        id: "aws-us-gov",
        prefix: &[&["us"], &["gov"]],
        example: "us-gov-west-1",
        dns_suffix: "amazonaws.com",
    },
    Partition {
        id: "aws-iso",
        prefix: &[&["us"], &["iso"]],
        example: "us-iso-east-1",
        dns_suffix: "c2s.ic.gov",
    },
    Partition {
        id: "aws-iso-b",
        prefix: &[&["us"], &["isob"]],
        example: "us-isob-east-1",
        dns_suffix: "sc2s.sgov.gov",
    },
    Partition {
        id: "aws-iso-e",
        prefix: &[&["eu"], &["isoe"]],
        example: "eu-isoe-west-1",
        dns_suffix: "cloud.adc-e.uk",
    },
    Partition {
        id: "aws-iso-f",
        prefix: &[&["us"], &["isof"]],
        example: "us-isof-south-1",
        dns_suffix: "csp.hci.ic.gov",
    },
    Partition {
        id: "aws-eusc",
        prefix: &[&["eusc"], &["de"]],
        example: "eusc-de-east-1",
        dns_suffix: "amazonaws.eu",
    },
];

/// Every partition's id: `aws, aws-cn, ...`.
pub(crate) fn ids() -> impl Iterator<Item = &'static str> {
    PARTITIONS.iter().map(|p| p.id)
}

/// A region of `partition` (`us-east-1`), or `None` when `partition` is no AWS partition.
pub(crate) fn example_region(partition: &str) -> Option<&'static str> {
    PARTITIONS
        .iter()
        .find(|p| p.id == partition)
        .map(|p| p.example)
}

/// The DNS suffix of `partition`'s service endpoints, or `None` when it is no AWS partition.
pub(crate) fn dns_suffix(partition: &str) -> Option<&'static str> {
    PARTITIONS
        .iter()
        .find(|p| p.id == partition)
        .map(|p| p.dns_suffix)
}

/// The longest DNS suffix of any partition, for sizing documents as an upper bound.
pub(crate) fn longest_dns_suffix() -> &'static str {
    PARTITIONS
        .iter()
        .map(|p| p.dns_suffix)
        .max_by_key(|s| s.len())
        .unwrap_or("amazonaws.com")
}

/// Whether `region` has the shape of `partition`'s region names (its `regionRegex`).
pub(crate) fn is_region_of(partition: &str, region: &str) -> bool {
    let Some(p) = PARTITIONS.iter().find(|p| p.id == partition) else {
        return false;
    };
    let parts: Vec<&str> = region.split('-').collect();
    let Some((number, rest)) = parts.split_last() else {
        return false;
    };
    let Some((word, fixed)) = rest.split_last() else {
        return false;
    };
    let is_word =
        |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    fixed.len() == p.prefix.len()
        && fixed
            .iter()
            .zip(p.prefix)
            .all(|(f, allowed)| allowed.contains(f))
        && is_word(word)
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_have_their_partitions_shape() {
        for p in &PARTITIONS {
            assert!(is_region_of(p.id, p.example), "{}", p.id);
        }
        assert!(is_region_of("aws", "ap-southeast-5"));
        assert!(!is_region_of("aws", "us-gov-west-1"));
        assert!(!is_region_of("aws-us-gov", "us-east-1"));
        assert!(!is_region_of("aws", "cn-north-1"));
        assert!(!is_region_of("aws", "eu-west"));
        assert!(!is_region_of("aws", "not a region"));
        assert!(!is_region_of("aws", "eu-west-1a"));
        assert!(!is_region_of("weird", "eu-west-1"));
    }
}
