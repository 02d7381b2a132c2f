//! A crate that deploys its own IAM: `build.rs` regenerates the Terraform from `platform.yaml` with
//! iamgen at build time, so the IAM can never drift from the spec the crate ships with.

/// The whole platform's IAM as one Terraform file, generated at build time.
pub const IAM_TF: &str = include_str!(concat!(env!("OUT_DIR"), "/iam.tf"));

/// Where build.rs wrote the module tree (`main.tf`, `modules/<service>/...`).
pub const TERRAFORM_DIR: &str = concat!(env!("OUT_DIR"), "/terraform");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terraform_is_generated_from_the_spec() {
        assert!(IAM_TF.contains("resource \"aws_iam_role\" \"resize\""));
        assert!(IAM_TF.contains("shop-uploads-prod"));
        let main = std::path::Path::new(TERRAFORM_DIR).join("modules/resize/main.tf");
        assert!(std::fs::read_to_string(main)
            .unwrap()
            .contains("shop-resize-prod"));
    }
}
