/** EC2 and VPC rules. */
import { block, perResource, stackOf } from "../../helpers";
import type { Json, Rule } from "../../types";

const OPEN = ["0.0.0.0/0", "::/0"];
const opens = (r: Json) =>
  [...(r.cidr_blocks ?? []), ...(r.ipv6_cidr_blocks ?? []), r.cidr_ipv4, r.cidr_ipv6].some((c) =>
    OPEN.includes(c),
  );

export const ec2Rules: Rule[] = [
  perResource(
    {
      id: "AWS-EC2-IMDSV2",
      source: "AWS FSBP EC2.8; Checkov CKV_AWS_79",
      description: "Instances require IMDSv2 session tokens",
      fix: "metadataOptions.httpTokens = required",
      examples: {
        compliant: stackOf({
          aws_instance: {
            i: { metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 } },
          },
        }),
        nonCompliant: stackOf({ aws_instance: { i: {} } }),
      },
    },
    ["aws_instance", "aws_launch_template"],
    (b) => block(b.metadata_options)?.http_tokens !== "required",
  ),
  perResource(
    {
      id: "AWS-EC2-IMDS-HOP-LIMIT",
      source: "Checkov CKV_AWS_341",
      description: "Instance metadata hop limit is 1 (containers on the host cannot reach it)",
      fix: "metadataOptions.httpPutResponseHopLimit = 1",
      examples: {
        compliant: stackOf({ aws_instance: { i: { metadata_options: { http_put_response_hop_limit: 1 } } } }),
        nonCompliant: stackOf({
          aws_instance: { i: { metadata_options: { http_put_response_hop_limit: 2 } } },
        }),
      },
    },
    ["aws_instance"],
    (b) => block(b.metadata_options)?.http_put_response_hop_limit !== 1,
  ),
  perResource(
    {
      id: "AWS-EC2-NO-PUBLIC-IP",
      source: "AWS FSBP EC2.9",
      description: "Instances have no public IPv4 address (explicitly off)",
      fix: "associatePublicIpAddress = false and a private subnet",
      examples: {
        compliant: stackOf({ aws_instance: { i: { associate_public_ip_address: false } } }),
        nonCompliant: stackOf({ aws_instance: { i: {} } }),
      },
    },
    ["aws_instance"],
    (b) => b.associate_public_ip_address !== false,
  ),
  perResource(
    {
      id: "AWS-EC2-EBS-ENCRYPTED",
      source: "AWS FSBP EC2.3; Checkov CKV_AWS_8, CKV_AWS_3",
      description: "Root and data EBS volumes are encrypted",
      fix: "encrypted = true (with the platform KMS key)",
      examples: {
        compliant: stackOf({
          aws_instance: { i: { root_block_device: { encrypted: true } } },
          aws_ebs_volume: { v: { encrypted: true } },
        }),
        nonCompliant: stackOf({ aws_ebs_volume: { v: {} } }),
      },
    },
    ["aws_instance", "aws_ebs_volume"],
    (b, _c, _n, type) =>
      type === "aws_instance" ? block(b.root_block_device)?.encrypted !== true : b.encrypted !== true,
  ),
  perResource(
    {
      id: "AWS-EC2-NO-KEY-PAIR",
      source: "project (SSM Session Manager only)",
      description: "Instances have no SSH key pair: access is through Session Manager only",
      fix: "Remove key_name; use `aws ssm start-session`",
      examples: {
        compliant: stackOf({ aws_instance: { i: {} } }),
        nonCompliant: stackOf({ aws_instance: { i: { key_name: "admin" } } }),
      },
    },
    ["aws_instance"],
    (b) => b.key_name !== undefined,
  ),
  perResource(
    {
      id: "AWS-EC2-NO-OPEN-INGRESS",
      source: "AWS FSBP EC2.19; Checkov CKV_AWS_24, CKV_AWS_260",
      description: "No security group allows ingress from the whole internet",
      fix: "Restrict ingress to the VPC CIDR or a security group",
      examples: {
        compliant: stackOf({
          aws_security_group: {
            s: { ingress: [{ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["10.0.0.0/16"] }] },
          },
        }),
        nonCompliant: stackOf({
          aws_security_group: {
            s: { ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }] },
          },
        }),
      },
    },
    ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
    (b, _c, _n, type) => {
      if (type === "aws_security_group") return (b.ingress ?? []).some(opens);
      if (type === "aws_security_group_rule") return b.type === "ingress" && opens(b);
      return opens(b);
    },
  ),
  perResource(
    {
      id: "AWS-EC2-NO-ALL-PROTOCOL-EGRESS",
      source: "Checkov CKV_AWS_382",
      description: "No security group allows all protocols out to the internet",
      fix: "Allow only the ports needed (e.g. 443/tcp)",
      examples: {
        compliant: stackOf({
          aws_security_group: {
            s: { egress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] }] },
          },
        }),
        nonCompliant: stackOf({
          aws_security_group: {
            s: { egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }] },
          },
        }),
      },
    },
    ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule"],
    (b, _c, _n, type) => {
      const all = (r: Json) =>
        (r.protocol === "-1" || r.ip_protocol === "-1" || r.protocol === "all") && opens(r);
      if (type === "aws_security_group") return (b.egress ?? []).some(all);
      if (type === "aws_security_group_rule") return b.type === "egress" && all(b);
      return all(b);
    },
  ),
  {
    id: "AWS-EC2-DEFAULT-SG-CLOSED",
    source: "AWS FSBP EC2.2",
    description: "Every VPC's default security group allows no traffic",
    fix: "Add aws_default_security_group with empty ingress and egress (Network does)",
    examples: {
      compliant: stackOf({
        aws_vpc: { v: {} },
        aws_default_security_group: { d: { vpc_id: "${aws_vpc.v.id}", ingress: [], egress: [] } },
      }),
      nonCompliant: stackOf({ aws_vpc: { v: {} } }),
    },
    check: (ctx) =>
      ctx
        .resources("aws_vpc")
        .filter(
          ([name]) =>
            !ctx
              .referencing("aws_default_security_group", "vpc_id", "aws_vpc", name)
              .some(([, d]) => (d.ingress ?? []).length === 0 && (d.egress ?? []).length === 0),
        )
        .map(([name]) => ({ address: `aws_vpc.${name}`, detail: "default security group not closed" })),
  },
  perResource(
    {
      id: "AWS-EC2-SUBNET-NO-AUTO-PUBLIC-IP",
      source: "AWS FSBP EC2.15",
      description: "Subnets do not assign public IPs on launch",
      fix: "mapPublicIpOnLaunch = false",
      examples: {
        compliant: stackOf({ aws_subnet: { s: { map_public_ip_on_launch: false } } }),
        nonCompliant: stackOf({ aws_subnet: { s: { map_public_ip_on_launch: true } } }),
      },
    },
    ["aws_subnet"],
    (b) => b.map_public_ip_on_launch === true,
  ),
  {
    id: "AWS-VPC-FLOW-LOGS",
    source: "AWS FSBP EC2.6; Checkov CKV2_AWS_11",
    description: "Every VPC has flow logs",
    fix: "Add aws_flow_log for the VPC (Network does)",
    examples: {
      compliant: stackOf({ aws_vpc: { v: {} }, aws_flow_log: { f: { vpc_id: "${aws_vpc.v.id}" } } }),
      nonCompliant: stackOf({ aws_vpc: { v: {} } }),
    },
    check: (ctx) =>
      ctx
        .resources("aws_vpc")
        .filter(([name]) => ctx.referencing("aws_flow_log", "vpc_id", "aws_vpc", name).length === 0)
        .map(([name]) => ({ address: `aws_vpc.${name}` })),
  },
];
