import { allowed, type IamRequest } from "../../test/helpers/policy-eval";
import { ACCOUNT, awsTestStack, REGION, synthesize } from "../../test/helpers/stack";
import { Network } from ".";

const FOREIGN = "999999999999";
const ours = { "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT };

function synthNetwork() {
  const { stack, key } = awsTestStack();
  new Network(stack, "network", {
    name: "dp-dev",
    accountId: ACCOUNT,
    region: REGION,
    cidr: "10.10.0.0/16",
    availabilityZones: ["ap-northeast-1a", "ap-northeast-1c"],
    interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages", "logs", "kms", "sts", "secretsmanager"],
    logKey: key,
    s3EndpointBuckets: [`dp-dev-${ACCOUNT}-*`],
  });
  const s = synthesize(stack);
  const policyOf = (svc: string) =>
    Object.values(s.of("aws_vpc_endpoint")).find((e) => e.service_name === `com.amazonaws.${REGION}.${svc}`)
      ?.policy as string;
  return { s, policyOf };
}

describe("VPC endpoint policies", () => {
  const { s, policyOf } = synthNetwork();

  it("every endpoint carries a policy (none is left at AWS's full-access default)", () => {
    const endpoints = Object.values(s.of("aws_vpc_endpoint"));
    expect(endpoints).toHaveLength(9);
    expect(endpoints.filter((e) => typeof e.policy !== "string").map((e) => e.service_name)).toEqual([]);
  });

  describe("S3 gateway endpoint", () => {
    const s3 = (req: IamRequest) => allowed(policyOf("s3"), req);

    it("lets this account's principals use this environment's buckets", () => {
      for (const action of [
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:GetEncryptionConfiguration",
      ]) {
        expect(
          s3({ action, resource: `arn:aws:s3:::dp-dev-${ACCOUNT}-raw/x/y.gz`, context: ours }) ||
            s3({ action, resource: `arn:aws:s3:::dp-dev-${ACCOUNT}-raw`, context: ours }),
        ).toBe(true);
      }
    });

    it("refuses other accounts' buckets (exfiltration) and foreign credentials on ours", () => {
      expect(
        s3({
          action: "s3:PutObject",
          resource: "arn:aws:s3:::attacker-drop/loot.gz",
          context: { "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": FOREIGN },
        }),
      ).toBe(false);
      expect(
        s3({
          action: "s3:GetObject",
          resource: `arn:aws:s3:::dp-dev-${ACCOUNT}-raw/x`,
          context: { "aws:PrincipalAccount": FOREIGN, "aws:ResourceAccount": ACCOUNT },
        }),
      ).toBe(false);
      // Another environment of the same account is not this environment.
      expect(
        s3({ action: "s3:GetObject", resource: `arn:aws:s3:::dp-prod-${ACCOUNT}-raw/x`, context: ours }),
      ).toBe(false);
    });

    it("lets the agents download from the regional AWS-owned buckets (unauthenticated), read-only", () => {
      for (const object of [
        `amazon-ssm-${REGION}/latest/linux_amd64/amazon-ssm-agent.rpm`,
        `amazoncloudwatch-agent-${REGION}/redhat/amd64/latest/amazon-cloudwatch-agent.rpm`,
        `patch-baseline-snapshot-${REGION}/snapshot.json`,
        `aws-ssm-${REGION}/manifest.json`,
      ]) {
        expect(s3({ action: "s3:GetObject", resource: `arn:aws:s3:::${object}` })).toBe(true);
        expect(s3({ action: "s3:PutObject", resource: `arn:aws:s3:::${object}`, context: ours })).toBe(false);
      }
      // The bucket of another region is not on the list.
      expect(s3({ action: "s3:GetObject", resource: "arn:aws:s3:::amazon-ssm-us-east-1/x" })).toBe(false);
    });
  });

  describe("interface and DynamoDB endpoints", () => {
    it.each(["kms", "logs", "secretsmanager", "sts", "dynamodb"])(
      "%s: this account's principals on this account's resources only",
      (svc) => {
        const p = policyOf(svc);
        const req = { action: `${svc}:Anything`, resource: `arn:aws:${svc}:${REGION}:${ACCOUNT}:x` };
        expect(allowed(p, { ...req, context: ours })).toBe(true);
        expect(
          allowed(p, {
            ...req,
            context: { "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": FOREIGN },
          }),
        ).toBe(false);
        expect(
          allowed(p, {
            ...req,
            context: { "aws:PrincipalAccount": FOREIGN, "aws:ResourceAccount": ACCOUNT },
          }),
        ).toBe(false);
      },
    );

    it.each(["ssmmessages", "ec2messages"])(
      "%s: this account's principals (the agent's channel actions name no resource)",
      (svc) => {
        const p = policyOf(svc);
        expect(
          allowed(p, {
            action: `${svc}:OpenControlChannel`,
            resource: "*",
            context: { "aws:PrincipalAccount": ACCOUNT },
          }),
        ).toBe(true);
        expect(
          allowed(p, {
            action: `${svc}:OpenControlChannel`,
            resource: "*",
            context: { "aws:PrincipalAccount": FOREIGN },
          }),
        ).toBe(false);
      },
    );

    it("ssm: also AWS-owned documents and public parameters, read-only", () => {
      const p = policyOf("ssm");
      const aws = { "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": "aws" };
      expect(
        allowed(p, {
          action: "ssm:GetDocument",
          resource: `arn:aws:ssm:${REGION}::document/AWS-RunPatchBaseline`,
          context: aws,
        }),
      ).toBe(true);
      expect(
        allowed(p, {
          action: "ssm:GetParameter",
          resource: `arn:aws:ssm:${REGION}::parameter/aws/service/ami-amazon-linux-latest/x`,
          context: aws,
        }),
      ).toBe(true);
      expect(
        allowed(p, {
          action: "ssm:UpdateDocument",
          resource: `arn:aws:ssm:${REGION}::document/AWS-RunShellScript`,
          context: aws,
        }),
      ).toBe(false);
      expect(
        allowed(p, {
          action: "ssm:GetParameter",
          resource: `arn:aws:ssm:${REGION}:${FOREIGN}:parameter/stolen`,
          context: { "aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": FOREIGN },
        }),
      ).toBe(false);
    });
  });
});
