/**
 * AWS side of CI identity for one environment account: the GitHub OIDC provider, a permissions
 * boundary every role of the stack carries, and two roles.
 * - `<name>-ci-plan`: ReadOnlyAccess minus every data read (`PLAN_DENIED_DATA_READS`), plus read
 *   of this environment's state; never writes a state or a lock (plans run `-lock=false`).
 *   Trusted only for the plan workflow on pull requests and the drift / apply-env plan jobs on main.
 * - `<name>-ci-apply`: the services the stacks manage (`MANAGED_SERVICES`), IAM only on
 *   `<name>-*` roles that carry the boundary, read/write of this environment's state. Trusted only
 *   for the apply-env workflow on main, in the `<env>` GitHub environment.
 * Trusts name the workflow file through the repository's OIDC subject template (see `subjects.ts`).
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { InvalidPropsError } from "../../lib/props";
import { suppress } from "../../lib/suppress";
import { FederatedRole } from "../iam/federated-role";
import { type PolicyStatement, policyDocument } from "../iam/policy";
import { ciStateStatements, type StateLocation } from "../state-store/grants";
import { STATE_BUCKET_ADMIN, STATE_KEY_ADMIN } from "../state-store/perms";
import {
  ADMIN_POLICY_ARNS,
  IAM_ESCALATION,
  IAM_ROLE_WRITES_NEEDING_BOUNDARY,
  MANAGED_SERVICES,
  MANAGED_SETTINGS_KEYS,
  PLAN_DENIED_DATA_READS,
  RUNTIME_SERVICES,
} from "./perms";
import { applySubject, planSubjects } from "./subjects";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface CiIdentityProps {
  /** e.g. `dp-dev`: the boundary is `<name>-boundary`; IAM writes are scoped to `<name>-*`. */
  readonly name: string;
  /** Names of the CI roles (`ciRoleName` in stacks/names.ts: the GitHub stack publishes their ARNs). */
  readonly roleNames: { readonly plan: string; readonly apply: string };
  /** GitHub environment the apply role's jobs run in (`<env>`). */
  readonly environment: string;
  /** The environment's AWS account (12 digits). */
  readonly accountId: string;
  /** Region of the settings table. */
  readonly region: string;
  /** `owner/name`. */
  readonly repository: string;
  /** This environment's state store (in this account). @default - no state grants */
  readonly state?: StateLocation;
  /** The settings table whose managed items the plan role may read. @default - none */
  readonly settingsTableName?: string;
}

/** GitHub `owner/name` (what the OIDC `repo:` claim carries). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** Every problem with the props, naming the prop and the value. */
export function ciIdentityProblems(p: CiIdentityProps): string[] {
  const out: string[] = [];
  if (!REPOSITORY.test(p.repository))
    out.push(`repository: "owner/name" of the GitHub repository (got "${p.repository}")`);
  if (!/^\d{12}$/.test(p.accountId)) out.push(`accountId: 12 digits (got "${p.accountId}")`);
  if (!/^[A-Za-z0-9_.-]+$/.test(p.environment))
    out.push(`environment: a GitHub environment name (got "${p.environment}")`);
  for (const kind of ["plan", "apply"] as const) {
    const role = p.roleNames[kind];
    if (!role.startsWith(`${p.name}-`))
      out.push(
        `roleNames.${kind}: must start with "${p.name}-" (the apply role manages only those; got "${role}")`,
      );
  }
  return out;
}

/** ARN of the permissions boundary every role of the environment's AWS stack carries. */
export const boundaryArn = (accountId: string, name: string) =>
  `arn:aws:iam::${accountId}:policy/${name}-boundary`;

export class CiIdentity extends Construct {
  readonly planRole: FederatedRole;
  readonly applyRole: FederatedRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    const problems = ciIdentityProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`CiIdentity ${this.node.path}`, problems);
    const { accountId, name } = props;
    const provider = new IamOpenidConnectProvider(this, "github", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ["sts.amazonaws.com"],
      thumbprintList: [
        "6938fd4d98bab03faadb97b34396831e3780aea1",
        "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
      ],
    });
    this.boundary = new IamPolicy(this, "boundary", {
      name: `${name}-boundary`,
      description: `Ceiling of every role in ${name}: managed services only, no way out of the boundary`,
      policy: policyDocument(boundaryStatements(props)),
    });
    suppress(
      this.boundary,
      "AWS-IAM-NO-SERVICE-WILDCARD",
      "A permissions boundary is a ceiling and grants nothing by itself; each role's own policy is narrow",
    );
    this.planRole = new FederatedRole(this, "plan", {
      name: props.roleNames.plan,
      accountId,
      issuer: GITHUB_OIDC_HOST,
      subjects: planSubjects(props.repository),
      managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    });
    this.planRole.addToPolicy(...planDenies(props));
    this.applyRole = new FederatedRole(this, "apply", {
      name: props.roleNames.apply,
      accountId,
      issuer: GITHUB_OIDC_HOST,
      subjects: [applySubject(props.repository, props.environment)],
    });
    const applyScope = new IamRolePolicy(this, "apply-scope", {
      role: this.applyRole.role.id,
      name: "managed-services",
      policy: policyDocument(applyStatements(props)),
    });
    suppress(
      applyScope,
      "AWS-IAM-NO-SERVICE-WILDCARD",
      "The apply role creates and deletes every resource of these services in its own account; IAM is scoped to the environment's names and the boundary",
    );
    for (const role of [this.planRole, this.applyRole]) role.role.node.addDependency(provider);
    if (props.state) {
      this.planRole.addToPolicy(...ciStateStatements(props.state, "plan"));
      this.applyRole.addToPolicy(...ciStateStatements(props.state, "apply"));
    }
  }
}

/** The plan role's explicit denies: no data reads, no writes to anything. */
export function planDenies(props: CiIdentityProps): PolicyStatement[] {
  const out: PolicyStatement[] = [
    {
      Sid: "DenyDataReads",
      Effect: "Deny",
      Action: PLAN_DENIED_DATA_READS.filter((a) => !a.startsWith("s3:")),
      Resource: "*",
    },
    {
      Sid: "DenyObjectReadsButState",
      Effect: "Deny",
      Action: PLAN_DENIED_DATA_READS.filter((a) => a.startsWith("s3:")),
      NotResource: props.state
        ? `arn:aws:s3:::${props.state.bucket}/${props.state.environment}/*`
        : "arn:aws:s3:::no-state-bucket/none",
    },
  ];
  const tables = [
    props.settingsTableName &&
      `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.settingsTableName}`,
    props.state?.lockTable &&
      `arn:aws:dynamodb:${props.state.region}:${props.accountId}:table/${props.state.lockTable}`,
  ].filter((t): t is string => Boolean(t));
  out.push({
    Sid: "DenyItemReadsButManaged",
    Effect: "Deny",
    Action: "dynamodb:GetItem",
    NotResource: tables.length > 0 ? tables : "arn:aws:dynamodb:::table/none",
  });
  if (props.settingsTableName) {
    out.push({
      Sid: "DenySettingsItemsNotManaged",
      Effect: "Deny",
      Action: "dynamodb:GetItem",
      Resource: `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.settingsTableName}`,
      Condition: { "ForAnyValue:StringNotLike": { "dynamodb:LeadingKeys": [...MANAGED_SETTINGS_KEYS] } },
    });
  }
  return out;
}

/** What apply may do: the managed services, IAM only on this environment's names. */
export function applyStatements(props: CiIdentityProps): PolicyStatement[] {
  const iam = (kind: string) => `arn:aws:iam::${props.accountId}:${kind}/${props.name}-*`;
  return [
    {
      Sid: "ManagedServices",
      Effect: "Allow",
      Action: MANAGED_SERVICES.filter((s) => s !== "dynamodb").map((s) => `${s}:*`),
      Resource: "*",
    },
    // Buckets of this environment only (`<prefix>-<env>-…`); never the state bucket's settings.
    {
      Sid: "EnvironmentBuckets",
      Effect: "Allow",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${props.name}-*`, `arn:aws:s3:::${props.name}-*/*`],
    },
    {
      Sid: "BucketListing",
      Effect: "Allow",
      Action: ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
      Resource: "*",
    },
    {
      Sid: "EnvironmentTables",
      Effect: "Allow",
      Action: "dynamodb:*",
      Resource: [
        `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.name}-*`,
        `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.name}-*/*`,
      ],
    },
    {
      Sid: "DynamodbDescribe",
      Effect: "Allow",
      Action: ["dynamodb:List*", "dynamodb:Describe*"],
      Resource: "*",
    },
    { Sid: "IamRead", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
    {
      Sid: "IamEnvironmentRoles",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PassRole",
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:TagPolicy",
      ],
      Resource: [iam("role"), iam("instance-profile"), iam("policy")],
    },
    {
      Sid: "IamGithubProvider",
      Effect: "Allow",
      Action: ["iam:*OpenIDConnectProvider*"],
      Resource: `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
    },
    {
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:aws:iam::${props.accountId}:role/aws-service-role/*`,
    },
  ];
}

/**
 * The boundary: the ceiling of every role in the stack. It allows the managed and run-time
 * services, and denies what would leave it: roles created or changed without it, users and keys,
 * editing it, admin policies, the CI roles' trusts (an admin changes those), the state store.
 */
export function boundaryStatements(props: CiIdentityProps): PolicyStatement[] {
  const arn = boundaryArn(props.accountId, props.name);
  const ciRoles = `arn:aws:iam::${props.accountId}:role/${props.name}-ci-*`;
  const out: PolicyStatement[] = [
    {
      Sid: "Ceiling",
      Effect: "Allow",
      Action: [...MANAGED_SERVICES, ...RUNTIME_SERVICES, "iam", "s3"].map((s) => `${s}:*`),
      Resource: "*",
    },
    {
      Sid: "DenyRolesWithoutThisBoundary",
      Effect: "Deny",
      Action: [...IAM_ROLE_WRITES_NEEDING_BOUNDARY],
      Resource: "*",
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": arn } },
    },
    { Sid: "DenyEscalation", Effect: "Deny", Action: [...IAM_ESCALATION], Resource: "*" },
    {
      Sid: "DenyEditingTheBoundary",
      Effect: "Deny",
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ],
      Resource: arn,
    },
    {
      Sid: "DenyAdminPolicies",
      Effect: "Deny",
      Action: ["iam:AttachRolePolicy"],
      Resource: "*",
      Condition: { ArnEquals: { "iam:PolicyARN": [...ADMIN_POLICY_ARNS] } },
    },
    {
      Sid: "DenyCiTrustChanges",
      Effect: "Deny",
      Action: ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole"],
      Resource: ciRoles,
    },
  ];
  if (props.state) {
    out.push(
      {
        Sid: "DenyStateStoreChanges",
        Effect: "Deny",
        Action: [...STATE_BUCKET_ADMIN],
        Resource: [`arn:aws:s3:::${props.state.bucket}`, `arn:aws:s3:::${props.state.bucket}/*`],
      },
      {
        Sid: "DenyStateKeyChanges",
        Effect: "Deny",
        Action: [...STATE_KEY_ADMIN],
        Resource: "*",
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": props.state.kmsAlias } },
      },
    );
  }
  return out;
}
