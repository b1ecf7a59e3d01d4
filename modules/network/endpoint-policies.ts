/**
 * VPC endpoint policies: what may pass through each endpoint of the VPC. An endpoint policy grants
 * nothing by itself (identity and resource policies still decide); it is a boundary, so stolen or
 * foreign credentials used inside the VPC, or our own credentials aimed at someone else's bucket,
 * are refused at the endpoint. Without one, AWS attaches "full access".
 *
 * | endpoint                      | allowed through it                                                     |
 * |-------------------------------|------------------------------------------------------------------------|
 * | s3 (gateway)                  | this environment's buckets, by principals of this account; `GetObject` |
 * |                               | on the regional AWS-owned buckets the SSM / CloudWatch agents and      |
 * |                               | Patch Manager download from (those requests are unauthenticated, so    |
 * |                               | no principal condition can apply)                                      |
 * | ssmmessages, ec2messages,     | principals of this account (these actions name no resource, so there  |
 * | monitoring, ec2               | is no resource account to compare)                                     |
 * | ssm                           | principals and resources of this account, plus reads of AWS-owned      |
 * |                               | documents and public parameters (`/aws/service/...`)                   |
 * | every other (dynamodb, logs,  | principals and resources of this account                               |
 * | kms, sts, secretsmanager, …)  | (`aws:PrincipalAccount` and `aws:ResourceAccount`)                      |
 *
 * Sources: AWS data perimeter policy examples (aws-samples/data-perimeter-policy-examples,
 * `vpc_endpoint_policies/`), SSM Agent minimum S3 permissions, CloudWatch agent download locations.
 */
import type { PolicyStatement } from "../iam/policy";
import { policyDocument } from "../iam/policy";

/** Services whose agent-side actions name no resource: only the principal's account is checked. */
export const PRINCIPAL_ONLY_ENDPOINTS: readonly string[] = [
  "ssmmessages",
  "ec2messages",
  "monitoring",
  "ec2",
];

/**
 * Regional AWS-owned buckets the host's agents read from (S3 `GetObject`, unauthenticated):
 * SSM Agent install and updates, SSM documents and Distributor packages, Patch Manager baseline
 * snapshots, and the CloudWatch agent package.
 */
export function awsAgentBuckets(region: string): string[] {
  return [
    `amazon-ssm-${region}`,
    `aws-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `aws-ssm-distributor-file-${region}`,
    `aws-ssm-document-attachments-${region}`,
    `patch-baseline-snapshot-${region}`,
    `amazoncloudwatch-agent-${region}`,
    "amazoncloudwatch-agent",
  ];
}

export interface EndpointPolicyContext {
  readonly accountId: string;
  readonly region: string;
}

const inAccount = (accountId: string) => ({ "aws:PrincipalAccount": accountId });

/**
 * The S3 gateway endpoint's policy.
 * @param bucketNames names (or `*` patterns) of this environment's buckets
 */
export function s3EndpointPolicy(ctx: EndpointPolicyContext, bucketNames: string[]): string {
  const statements: PolicyStatement[] = [];
  if (bucketNames.length > 0) {
    statements.push({
      Sid: "ThisEnvironmentBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: bucketNames.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
      Condition: { StringEquals: inAccount(ctx.accountId) },
    });
  }
  statements.push({
    Sid: "AwsOwnedAgentBuckets",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: awsAgentBuckets(ctx.region).map((b) => `arn:aws:s3:::${b}/*`),
  });
  return policyDocument(statements);
}

/** The policy of any other endpoint (gateway or interface) of `service` (e.g. `ssm`, `dynamodb`). */
export function accountEndpointPolicy(ctx: EndpointPolicyContext, service: string): string {
  if (PRINCIPAL_ONLY_ENDPOINTS.includes(service)) {
    return policyDocument([
      {
        Sid: "PrincipalsOfThisAccount",
        Effect: "Allow",
        Principal: "*",
        Action: "*",
        Resource: "*",
        Condition: { StringEquals: inAccount(ctx.accountId) },
      },
    ]);
  }
  const statements: PolicyStatement[] = [
    {
      Sid: "ThisAccountOnly",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: {
        StringEquals: { ...inAccount(ctx.accountId), "aws:ResourceAccount": ctx.accountId },
      },
    },
  ];
  if (service === "ssm") {
    statements.push({
      Sid: "AwsOwnedDocumentsAndPublicParameters",
      Effect: "Allow",
      Principal: "*",
      Action: ["ssm:Describe*", "ssm:List*", "ssm:Get*"],
      Resource: [`arn:aws:ssm:${ctx.region}::document/*`, `arn:aws:ssm:${ctx.region}::parameter/aws/*`],
      Condition: { StringEquals: inAccount(ctx.accountId) },
    });
  }
  return policyDocument(statements);
}
