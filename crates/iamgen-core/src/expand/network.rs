//! Networking: the network interfaces Lambda creates, with the function's execution role, for a
//! function that runs in a VPC.

use super::builder::{Builder, Ctx};
use crate::aws::{arns, Template};
use crate::intent::Place;
use crate::spec::Vpc;

/// Why the two EC2 Describe actions are on `Resource = "*"`.
const DESCRIBE_NEEDS_STAR: &str = "EC2's DescribeNetworkInterfaces and DescribeSubnets accept no resource (the Service Authorization Reference lists none; Lambda's page: DescribeNetworkInterfaces \"only works if it's allowed on all resources\"). https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html";

/// `vpc:` on a Lambda function (the `vpc` field grant): what Lambda does with the function's
/// execution role to connect it to its VPC.
pub(super) fn lambda_vpc(b: &mut Builder<'_>, g: &Ctx<'_>) {
    if let Some(vpc) = &g.caller.vpc {
        network_interfaces(b, vpc);
    }
}

/// Lambda creates a Hyperplane network interface in each of the function's subnets with its
/// security groups, and manages its addresses and deletes it later, all with the execution role
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>; the actions of
/// `AWSLambdaVPCAccessExecutionRole` v3 beside the log actions the function has anyway:
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html>).
/// The managed policy puts them all on `*`; here every action that accepts a resource is scoped to
/// this region and account, `CreateNetworkInterface` to the function's subnets and security groups
/// (every one of the account and region for `vpc: true`). AWS documents no condition key for these
/// calls that Lambda is known to send, so none is added: `ec2:Subnet` or `ec2:Vpc` would be a
/// guess that fails every cold start if wrong, and `lambda:SourceFunctionArn` is not sent on
/// Lambda's own ENI calls (<https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html>).
pub(super) fn network_interfaces(b: &mut Builder<'_>, vpc: &Vpc) {
    b.statement(
        "Ec2DescribeNetwork",
        &["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        vec![Template::star()],
        vec![],
    );
    b.explain(DESCRIBE_NEEDS_STAR);
    let mut create = vec![arns::network_interface("*")];
    create.extend(subnets(vpc));
    create.extend(security_groups(vpc));
    b.statement(
        "Ec2CreateNetworkInterface",
        &["ec2:CreateNetworkInterface"],
        create,
        vec![],
    );
    b.statement(
        "Ec2ManageNetworkInterfaces",
        &[
            "ec2:AssignPrivateIpAddresses",
            "ec2:DeleteNetworkInterface",
            "ec2:UnassignPrivateIpAddresses",
        ],
        vec![arns::network_interface("*")],
        vec![],
    );
}

fn subnets(vpc: &Vpc) -> Vec<Template> {
    match vpc.subnets.is_empty() {
        true => vec![arns::subnet("*")],
        false => vpc.subnets.iter().map(|s| arns::subnet(s)).collect(),
    }
}

fn security_groups(vpc: &Vpc) -> Vec<Template> {
    match vpc.security_groups.is_empty() {
        true => vec![arns::security_group("*")],
        false => vpc
            .security_groups
            .iter()
            .map(|s| arns::security_group(s))
            .collect(),
    }
}

// ----- The requests Lambda's VPC networking exists for, and its neighbours. -----

const LAMBDA_VPC: &str = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html";
const EC2_REFERENCE: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html";
const NEW_INTERFACE: &str = "eni-0123456789abcdef0";

/// What the `vpc` field grant is for.
pub(super) fn lambda_vpc_requests(b: &mut Builder<'_>, g: &Ctx<'_>) {
    if let Some(vpc) = &g.caller.vpc {
        network_interfaces_requests(b, vpc);
    }
}

/// CreateNetworkInterface is checked on the new interface, the subnet and each security group;
/// the others on the interface; the two Describe actions on `*`.
pub(super) fn network_interfaces_requests(b: &mut Builder<'_>, vpc: &Vpc) {
    let subnet = vpc
        .subnets
        .first()
        .map_or("subnet-0123456789abcdef0", String::as_str);
    let group = vpc
        .security_groups
        .first()
        .map_or("sg-0123456789abcdef0", String::as_str);
    let eni = arns::network_interface(NEW_INTERFACE);
    for action in ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"] {
        b.allow(
            action,
            Template::star(),
            action.trim_start_matches("ec2:"),
            LAMBDA_VPC,
        );
    }
    b.allow(
        "ec2:CreateNetworkInterface",
        eni.clone(),
        "CreateNetworkInterface in the function's subnet, with its security group",
        LAMBDA_VPC,
    )
    .and(arns::subnet(subnet))
    .and(arns::security_group(group));
    for action in [
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ] {
        b.allow(
            action,
            eni.clone(),
            action.trim_start_matches("ec2:"),
            LAMBDA_VPC,
        );
    }
    if !vpc.subnets.is_empty() {
        b.deny(
            "ec2:CreateNetworkInterface",
            eni.clone(),
            "an interface in another subnet",
            LAMBDA_VPC,
        )
        .and(arns::subnet("subnet-0fedcba9876543210"))
        .and(arns::security_group(group));
    }
    if !vpc.security_groups.is_empty() {
        b.deny(
            "ec2:CreateNetworkInterface",
            eni.clone(),
            "an interface with another security group",
            LAMBDA_VPC,
        )
        .and(arns::subnet(subnet))
        .and(arns::security_group("sg-0fedcba9876543210"));
    }
    b.deny(
        "ec2:DeleteNetworkInterface",
        eni.clone(),
        "an interface in another account",
        LAMBDA_VPC,
    )
    .at(Place::OtherAccount);
    b.deny(
        "ec2:DeleteNetworkInterface",
        eni.clone(),
        "an interface in another region",
        LAMBDA_VPC,
    )
    .at(Place::OtherRegion);
    b.deny(
        "ec2:AttachNetworkInterface",
        eni.clone(),
        "attaching an interface to an instance",
        EC2_REFERENCE,
    )
    .and(Template::arn(
        "ec2",
        true,
        true,
        "instance/i-0123456789abcdef0",
    ));
    b.deny(
        "ec2:ModifyNetworkInterfaceAttribute",
        eni.clone(),
        "changing an interface's attributes (its security groups)",
        EC2_REFERENCE,
    );
    b.deny(
        "ec2:CreateNetworkInterfacePermission",
        eni,
        "sharing an interface with another account",
        EC2_REFERENCE,
    );
    b.deny(
        "ec2:AuthorizeSecurityGroupIngress",
        arns::security_group(group),
        "opening the security group",
        EC2_REFERENCE,
    );
}
