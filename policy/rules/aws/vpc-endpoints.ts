/** Rules over VPC endpoint policies: the network boundary of the account's data. */
import { list, perResource, stackOf, statementsOf } from "../../helpers";
import type { Json, Rule } from "../../types";

const policy = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const endpoint = (service: string, statements?: Json[]) =>
  stackOf({
    aws_vpc_endpoint: {
      e: {
        service_name: `com.amazonaws.ap-northeast-1.${service}`,
        ...(statements ? { policy: policy(statements) } : {}),
      },
    },
  });

/** Condition keys that bound a statement to an account or organization. */
const PERIMETER_KEYS = [
  "aws:PrincipalAccount",
  "aws:ResourceAccount",
  "aws:PrincipalOrgID",
  "aws:ResourceOrgID",
];
const bounded = (s: Json) =>
  Object.values<Json>(s.Condition ?? {}).some((byKey) =>
    Object.keys(byKey ?? {}).some((k) => PERIMETER_KEYS.some((p) => p.toLowerCase() === k.toLowerCase())),
  );
const serviceOf = (b: Json) =>
  String(b.service_name ?? "")
    .split(".")
    .pop() ?? "";
// A resource that names no bucket: "*", "arn:aws:s3:::*" or "arn:aws:s3:::*" followed by a key pattern.
const anyBucket = (r: string) => r === "*" || /^arn:aws[a-z-]*:s3:::\*(\/.*)?$/.test(r);

export const vpcEndpointRules: Rule[] = [
  perResource(
    {
      id: "AWS-VPC-ENDPOINT-POLICY",
      source: "project; AWS data perimeter policy examples (vpc_endpoint_policies)",
      description:
        "Every VPC endpoint has a policy, and each Allow in it is bounded to the account (aws:PrincipalAccount / aws:ResourceAccount or Org ids) or names its resources",
      fix: "modules/network sets one per endpoint (endpoint-policies.ts); add a perimeter condition to hand-written ones",
      examples: {
        compliant: endpoint("kms", [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "*",
            Resource: "*",
            Condition: {
              StringEquals: { "aws:PrincipalAccount": "111111111111", "aws:ResourceAccount": "111111111111" },
            },
          },
        ]),
        nonCompliant: endpoint("kms"),
      },
    },
    ["aws_vpc_endpoint"],
    (b) => {
      if (typeof b.policy !== "string" || b.policy.trim() === "")
        return "no policy: AWS attaches full access (any principal, any resource)";
      const open = statementsOf(b.policy).find(
        (s) => s.Effect === "Allow" && !bounded(s) && list(s.Resource).some((r) => r === "*"),
      );
      return open
        ? `statement ${open.Sid ?? "(no Sid)"} allows * resources without an account condition`
        : undefined;
    },
  ),
  perResource(
    {
      id: "AWS-VPC-S3-ENDPOINT-BUCKETS",
      source: "project; AWS data perimeter policy examples (s3_endpoint_policy)",
      description:
        "The S3 endpoint names the buckets it lets through (no s3 Allow on every bucket unless bounded by aws:ResourceAccount / aws:ResourceOrgID), so data cannot leave for another account's bucket",
      fix: "List this environment's buckets (and needed AWS-owned agent buckets) in the S3 endpoint policy",
      examples: {
        compliant: endpoint("s3", [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::dp-dev-111111111111-*", "arn:aws:s3:::dp-dev-111111111111-*/*"],
            Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } },
          },
        ]),
        nonCompliant: endpoint("s3", [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "arn:aws:s3:::*/*",
            Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } },
          },
        ]),
      },
    },
    ["aws_vpc_endpoint"],
    (b) => {
      if (serviceOf(b) !== "s3") return undefined;
      if (typeof b.policy !== "string") return "no policy: every bucket of every account is reachable";
      const wide = statementsOf(b.policy).find((s) => {
        if (s.Effect !== "Allow" || !list(s.Resource).some(anyBucket)) return false;
        const keys = Object.values<Json>(s.Condition ?? {}).flatMap((c) => Object.keys(c ?? {}));
        return !keys.some((k) => /^aws:Resource(Account|OrgID)$/i.test(k));
      });
      return wide ? `statement ${wide.Sid ?? "(no Sid)"} allows every bucket` : undefined;
    },
  ),
];
