/**
 * Apply-time size limits, measured over a synthesized stack (see resolve.ts for how references
 * are sized). Each measurement names the resource, its size and the service limit.
 */
import type { Json } from "../types";
import { byteSize, policySize, resolveLongest } from "./resolve";

export interface Measurement {
  kind: LimitKind;
  /** Terraform address (for role inline policies: the role). */
  address: string;
  size: number;
  limit: number;
}

/** Limits, with the quota each comes from. */
export const LIMITS = {
  /** IAM: aggregate size of all inline policies of a role (characters, whitespace not counted). */
  roleInlinePolicies: 10_240,
  /** IAM: a customer managed policy (characters, whitespace not counted). */
  managedPolicy: 6_144,
  /** IAM: role trust policy length (default quota, adjustable to 8,192). */
  trustPolicy: 2_048,
  /** S3: bucket policy size. */
  bucketPolicy: 20_480,
  /** KMS: key policy document size. */
  keyPolicy: 32_768,
  /** SQS: queue policy bytes. */
  queuePolicy: 8_192,
  /** SNS: topic policy size. */
  topicPolicy: 30_720,
  /** Lambda: total size of environment variables (keys and values). */
  lambdaEnvironment: 4_096,
  /** EventBridge target Input (Scheduler documents none lower; the events API caps it at 8,192). */
  scheduleInput: 8_192,
  /** Tags per resource (user tags, default_tags included). */
  tagsPerResource: 50,
} as const;
export type LimitKind = keyof typeof LIMITS;

const entries = (json: Json, type: string): Array<[string, Json]> =>
  Object.entries(json?.resource?.[type] ?? {});
const refName = (v: unknown): string | undefined =>
  typeof v === "string"
    ? (/^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(?:id|name)\}$/.exec(v)?.[1] ?? v)
    : undefined;

/** Every size-limited document of the stack, measured. */
export function measureLimits(json: Json): Measurement[] {
  const out: Measurement[] = [];
  const push = (kind: LimitKind, address: string, size: number | undefined) => {
    if (size !== undefined) out.push({ kind, address, size, limit: LIMITS[kind] });
  };

  // Role inline policies: aws_iam_role_policy grouped by role, plus inline_policy blocks.
  const perRole = new Map<string, number>();
  for (const [, body] of entries(json, "aws_iam_role_policy")) {
    const role = refName(body.role) ?? "?";
    perRole.set(role, (perRole.get(role) ?? 0) + (policySize(json, body.policy) ?? 0));
  }
  for (const [name, body] of entries(json, "aws_iam_role")) {
    for (const inline of [body.inline_policy ?? []].flat()) {
      perRole.set(name, (perRole.get(name) ?? 0) + (policySize(json, inline?.policy) ?? 0));
    }
    push("trustPolicy", `aws_iam_role.${name}`, policySize(json, body.assume_role_policy));
  }
  for (const [role, size] of perRole) push("roleInlinePolicies", `aws_iam_role.${role}`, size);
  for (const [name, body] of entries(json, "aws_iam_policy"))
    push("managedPolicy", `aws_iam_policy.${name}`, policySize(json, body.policy));
  for (const [name, body] of entries(json, "aws_s3_bucket_policy"))
    push("bucketPolicy", `aws_s3_bucket_policy.${name}`, byteSize(json, body.policy));
  for (const [name, body] of entries(json, "aws_kms_key"))
    push("keyPolicy", `aws_kms_key.${name}`, byteSize(json, body.policy));
  for (const [name, body] of entries(json, "aws_sqs_queue_policy"))
    push("queuePolicy", `aws_sqs_queue_policy.${name}`, byteSize(json, body.policy));
  for (const [name, body] of entries(json, "aws_sqs_queue"))
    push("queuePolicy", `aws_sqs_queue.${name}`, byteSize(json, body.policy));
  for (const [name, body] of entries(json, "aws_sns_topic_policy"))
    push("topicPolicy", `aws_sns_topic_policy.${name}`, byteSize(json, body.policy));
  for (const [name, body] of entries(json, "aws_lambda_function")) {
    const vars = [body.environment].flat()[0]?.variables;
    if (vars && typeof vars === "object") {
      let size = 0;
      for (const [k, v] of Object.entries(vars))
        size += Buffer.byteLength(k) + Buffer.byteLength(resolveLongest(json, String(v)));
      push("lambdaEnvironment", `aws_lambda_function.${name}`, size);
    }
  }
  for (const [name, body] of entries(json, "aws_scheduler_schedule")) {
    const input = [body.target].flat()[0]?.input;
    if (typeof input === "string")
      push("scheduleInput", `aws_scheduler_schedule.${name}`, resolveLongest(json, input).length);
  }
  const defaultTags = Object.keys([[json?.provider?.aws].flat()[0]?.default_tags].flat()[0]?.tags ?? {});
  for (const [type, byName] of Object.entries<Record<string, Json>>(json?.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      if (body?.tags && typeof body.tags === "object") {
        push("tagsPerResource", `${type}.${name}`, new Set([...defaultTags, ...Object.keys(body.tags)]).size);
      }
    }
  }
  return out;
}

/** The largest measurement of each kind (for the report: "largest role inline policy: 8,102 of 10,240"). */
export function largestByKind(measurements: Measurement[]): Measurement[] {
  const best = new Map<LimitKind, Measurement>();
  for (const m of measurements) {
    const b = best.get(m.kind);
    if (!b || m.size > b.size) best.set(m.kind, m);
  }
  return [...best.values()];
}
