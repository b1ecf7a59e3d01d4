/**
 * AWS side of CI identity for one environment account: the GitHub OIDC provider and two roles.
 * - `<name>-ci-plan`: read-only, plus read of this environment's state and its lockfile; assumable
 *   only by this repository's pull requests and its main branch (drift detection).
 * - `<name>-ci-apply`: deploys; assumable only by jobs in the repository's `<env>` GitHub
 *   environment (which can require reviewers).
 * Both require `aud = sts.amazonaws.com` and a `sub` naming this repository.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { suppress } from "../../policy/suppress";
import { type PolicyStatement, policyDocument } from "../iam/policy";
import { ServiceRole } from "../iam/service-role";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface CiIdentityProps {
  /** e.g. `dp-dev`. */
  readonly name: string;
  readonly environment: string;
  readonly accountId: string;
  /** `owner/name`. */
  readonly repository: string;
  /** Remote state location (bucket in the state account, its region and key alias). */
  readonly state?: { bucket: string; accountId: string; region: string; kmsAlias: string };
}

export function githubTrust(accountId: string, repository: string, subjects: string[]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" },
        StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: subjects.map((s) => `repo:${repository}:${s}`) },
      },
    },
  ]);
}

export class CiIdentity extends Construct {
  readonly planRole: ServiceRole;
  readonly applyRole: ServiceRole;

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    const provider = new IamOpenidConnectProvider(this, "github", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ["sts.amazonaws.com"],
      thumbprintList: [
        "6938fd4d98bab03faadb97b34396831e3780aea1",
        "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
      ],
    });
    this.planRole = new ServiceRole(this, "plan", {
      name: `${props.name}-ci-plan`,
      service: GITHUB_OIDC_HOST,
      accountId: props.accountId,
      assumeRolePolicy: githubTrust(props.accountId, props.repository, [
        "pull_request",
        "ref:refs/heads/main",
      ]),
      managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    });
    this.applyRole = new ServiceRole(this, "apply", {
      name: `${props.name}-ci-apply`,
      service: GITHUB_OIDC_HOST,
      accountId: props.accountId,
      assumeRolePolicy: githubTrust(props.accountId, props.repository, [`environment:${props.environment}`]),
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    });
    this.planRole.role.node.addDependency(provider);
    this.applyRole.role.node.addDependency(provider);
    suppress(
      this.applyRole.managedAttachments[0],
      "AWS-IAM-NO-ADMIN-POLICY",
      "The apply role creates every resource of this stack, IAM roles included; only jobs in the protected GitHub environment can assume it",
    );
    if (props.state) {
      const s = props.state;
      const bucketArn = `arn:aws:s3:::${s.bucket}`;
      const keyArn = `arn:aws:kms:${s.region}:${s.accountId}:key/*`;
      const aliasCondition = { "ForAnyValue:StringEquals": { "kms:ResourceAliases": s.kmsAlias } };
      const stateStatements = (write: boolean): PolicyStatement[] => [
        {
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: bucketArn,
          Condition: { StringLike: { "s3:prefix": [`${props.environment}/*`] } },
        },
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn}/${props.environment}/*` },
        {
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:DeleteObject"],
          Resource: write
            ? `${bucketArn}/${props.environment}/*`
            : `${bucketArn}/${props.environment}/*.tflock`,
        },
        {
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          Resource: keyArn,
          Condition: aliasCondition,
        },
      ];
      this.planRole.addToPolicy(...stateStatements(false));
      this.applyRole.addToPolicy(...stateStatements(true));
    }
    new TerraformOutput(this, "plan_role_arn", {
      value: this.planRole.arn,
      description: "Set as repository variable AWS_PLAN_ROLE_ARN_<ENV>",
    });
    new TerraformOutput(this, "apply_role_arn", {
      value: this.applyRole.arn,
      description: "Set as repository variable AWS_APPLY_ROLE_ARN_<ENV>",
    });
  }
}

/**
 * Statements for the state bucket policy granting one environment's CI roles their state. The
 * principal is the account, narrowed by `aws:PrincipalArn`, so the policy is valid before the
 * roles exist (bootstrap is applied first).
 */
export function stateAccessForCi(
  prefix: string,
  env: string,
  accountId: string,
  bucketArn: string,
): PolicyStatement[] {
  const role = (kind: string) => `arn:aws:iam::${accountId}:role/${prefix}-${env}-ci-${kind}`;
  const who = (...kinds: string[]) => ({ ArnEquals: { "aws:PrincipalArn": kinds.map(role) } });
  const account = { AWS: `arn:aws:iam::${accountId}:root` };
  return [
    {
      Sid: `CiList${env}`,
      Effect: "Allow",
      Principal: account,
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { ...who("plan", "apply"), StringLike: { "s3:prefix": [`${env}/*`] } },
    },
    {
      Sid: `CiRead${env}`,
      Effect: "Allow",
      Principal: account,
      Action: "s3:GetObject",
      Resource: `${bucketArn}/${env}/*`,
      Condition: who("plan", "apply"),
    },
    {
      Sid: `CiLock${env}`,
      Effect: "Allow",
      Principal: account,
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: `${bucketArn}/${env}/*.tflock`,
      Condition: who("plan"),
    },
    {
      Sid: `CiWrite${env}`,
      Effect: "Allow",
      Principal: account,
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: `${bucketArn}/${env}/*`,
      Condition: who("apply"),
    },
  ];
}

/** Key policy statement letting one environment's CI roles use the state key. */
export function stateKeyAccessForCi(prefix: string, env: string, accountId: string): PolicyStatement {
  return {
    Sid: `CiState${env}`,
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
    Resource: "*",
    Condition: {
      ArnEquals: {
        "aws:PrincipalArn": ["plan", "apply"].map(
          (k) => `arn:aws:iam::${accountId}:role/${prefix}-${env}-ci-${k}`,
        ),
      },
    },
  };
}
