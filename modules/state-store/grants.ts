/**
 * Who may do what in one environment account's state store. Every statement is built here, from
 * the same names, for both sides: the CI roles' identity policies (`ciStateStatements`) and the
 * bucket and key policies' explicit denies (`stateBucketDenies`, `stateKeyDenies`).
 *
 * | principal        | state objects `<env>/*`     | lock (`.tflock` / DynamoDB item) | bucket/key settings |
 * |------------------|-----------------------------|----------------------------------|---------------------|
 * | `<env>-ci-plan`  | read (plans run `-lock=false`) | none (DynamoDB: read the digest) | denied              |
 * | `<env>-ci-apply` | read, write                 | write                            | denied              |
 * | other account    | denied                      | denied                           | denied              |
 */
import type { PolicyStatement } from "../iam/policy";
import {
  LOCK_TABLE_READ,
  LOCK_TABLE_WRITE,
  STATE_BUCKET_ADMIN,
  STATE_KEY_ADMIN,
  STATE_KEY_ENCRYPT,
  STATE_KEY_READ,
  STATE_KEY_USE,
  STATE_OBJECT_WRITE,
  STATE_OBJECT_WRITE_ANY,
} from "./perms";

/** Everything the CI side needs to know about its environment's state store. */
export interface StateLocation {
  /** Bucket name (in the environment's own account). */
  readonly bucket: string;
  readonly region: string;
  readonly accountId: string;
  /** Alias of the state key, with the `alias/` prefix. */
  readonly kmsAlias: string;
  /** Environment name: every stack's state lives under `<env>/`. */
  readonly environment: string;
  /** DynamoDB lock table (when `lock: "dynamodb"`). @default - S3 lockfile */
  readonly lockTable?: string;
}

/**
 * ARN pattern of every environment's CI roles of `kind` in this account (`<prefix>-<env>-ci-<kind>`,
 * the names modules/ci-identity creates), for the policies' `aws:PrincipalArn` conditions.
 */
const ciRolesLike = (accountId: string, prefix: string, kind: "plan" | "*") =>
  `arn:aws:iam::${accountId}:role/${prefix}-*-ci-${kind}`;

/** Identity policy statements giving one CI role its environment's state (and nothing else's). */
export function ciStateStatements(s: StateLocation, kind: "plan" | "apply"): PolicyStatement[] {
  const bucketArn = `arn:aws:s3:::${s.bucket}`;
  const objects = `${bucketArn}/${s.environment}/*`;
  const out: PolicyStatement[] = [
    {
      Sid: "StateList",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": [`${s.environment}/*`] } },
    },
    {
      Sid: kind === "apply" ? "StateReadWrite" : "StateRead",
      Effect: "Allow",
      Action: kind === "apply" ? ["s3:GetObject", ...STATE_OBJECT_WRITE] : ["s3:GetObject"],
      Resource: objects,
    },
    {
      Sid: "StateKey",
      Effect: "Allow",
      Action: kind === "apply" ? [...STATE_KEY_USE] : [...STATE_KEY_READ],
      Resource: `arn:aws:kms:${s.region}:${s.accountId}:key/*`,
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": s.kmsAlias } },
    },
  ];
  if (s.lockTable) {
    out.push({
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: kind === "apply" ? [...LOCK_TABLE_READ, ...LOCK_TABLE_WRITE] : [...LOCK_TABLE_READ],
      Resource: `arn:aws:dynamodb:${s.region}:${s.accountId}:table/${s.lockTable}`,
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${s.bucket}/${s.environment}/*`] },
      },
    });
  }
  return out;
}

/**
 * Explicit denies in the state bucket policy: whatever IAM policy a role is given later
 * (ReadOnlyAccess, a hand-made admin policy), no other account gets in, no CI role changes the
 * bucket, and no plan role writes a state or a lock.
 */
export function stateBucketDenies(bucketArn: string, accountId: string, prefix: string): PolicyStatement[] {
  const ci = ciRolesLike(accountId, prefix, "*");
  const plan = ciRolesLike(accountId, prefix, "plan");
  return [
    {
      Sid: "DenyOtherAccounts",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { StringNotEquals: { "aws:PrincipalAccount": accountId } },
    },
    {
      Sid: "DenyCiBucketChanges",
      Effect: "Deny",
      Principal: "*",
      Action: [...STATE_BUCKET_ADMIN],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { ArnLike: { "aws:PrincipalArn": ci } },
    },
    {
      Sid: "DenyPlanWrites",
      Effect: "Deny",
      Principal: "*",
      Action: [...STATE_OBJECT_WRITE, ...STATE_OBJECT_WRITE_ANY],
      Resource: `${bucketArn}/*`,
      Condition: { ArnLike: { "aws:PrincipalArn": plan } },
    },
  ];
}

/** Explicit denies in the state key policy (same principals as the bucket). */
export function stateKeyDenies(accountId: string, prefix: string): PolicyStatement[] {
  return [
    {
      Sid: "DenyCiKeyChanges",
      Effect: "Deny",
      Principal: "*",
      Action: [...STATE_KEY_ADMIN],
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": ciRolesLike(accountId, prefix, "*") } },
    },
    {
      Sid: "DenyPlanEncrypt",
      Effect: "Deny",
      Principal: "*",
      Action: [...STATE_KEY_ENCRYPT],
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": ciRolesLike(accountId, prefix, "plan") } },
    },
  ];
}
