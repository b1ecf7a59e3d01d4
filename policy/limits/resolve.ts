/**
 * Sizes of synthesized documents as AWS will see them at apply: every unresolved reference
 * (`${aws_s3_bucket.raw.arn}`) is replaced by the LONGEST value it can take — the real value when
 * the referenced resource's name is a literal in the same stack, else the longest name the service
 * allows — so a size check that passes here cannot fail at apply because of a reference.
 */
import type { Json } from "../types";

const ACCOUNT = "123456789012";
/** Longest AWS region name in use ("ap-southeast-5", "eusc-de-east-1": 14 characters). */
const LONGEST_REGION = "xx-xxxxxxxxx-1".padEnd(14, "x");
/** Longest partition ("aws-iso-b"). */
const PARTITION = "aws-iso-b";

/** Attribute holding the resource's name, and the service's limit for it. */
const NAMES: Record<string, { attr: string; max: number }> = {
  aws_s3_bucket: { attr: "bucket", max: 63 },
  aws_dynamodb_table: { attr: "name", max: 255 },
  aws_sqs_queue: { attr: "name", max: 80 },
  aws_sns_topic: { attr: "name", max: 256 },
  aws_lambda_function: { attr: "function_name", max: 64 },
  aws_cloudwatch_log_group: { attr: "name", max: 512 },
  aws_iam_role: { attr: "name", max: 64 },
  aws_iam_policy: { attr: "name", max: 128 },
  aws_sfn_state_machine: { attr: "name", max: 80 },
  aws_cloudwatch_event_rule: { attr: "name", max: 64 },
  aws_athena_workgroup: { attr: "name", max: 128 },
  aws_glue_catalog_database: { attr: "name", max: 255 },
  aws_glue_catalog_table: { attr: "name", max: 255 },
  aws_timestreamwrite_database: { attr: "database_name", max: 256 },
  aws_timestreamwrite_table: { attr: "table_name", max: 256 },
  aws_secretsmanager_secret: { attr: "name", max: 512 },
  aws_kms_alias: { attr: "name", max: 256 },
  aws_scheduler_schedule: { attr: "name", max: 64 },
  aws_iam_instance_profile: { attr: "name", max: 128 },
};

/** ARN of a resource from its (longest) name. */
const ARNS: Record<string, (name: string, r: string) => string> = {
  aws_s3_bucket: (n) => `arn:${PARTITION}:s3:::${n}`,
  aws_dynamodb_table: (n, r) => `arn:${PARTITION}:dynamodb:${r}:${ACCOUNT}:table/${n}`,
  aws_sqs_queue: (n, r) => `arn:${PARTITION}:sqs:${r}:${ACCOUNT}:${n}`,
  aws_sns_topic: (n, r) => `arn:${PARTITION}:sns:${r}:${ACCOUNT}:${n}`,
  aws_lambda_function: (n, r) => `arn:${PARTITION}:lambda:${r}:${ACCOUNT}:function:${n}`,
  aws_cloudwatch_log_group: (n, r) => `arn:${PARTITION}:logs:${r}:${ACCOUNT}:log-group:${n}`,
  aws_iam_role: (n) => `arn:${PARTITION}:iam::${ACCOUNT}:role/${n}`,
  aws_iam_policy: (n) => `arn:${PARTITION}:iam::${ACCOUNT}:policy/${n}`,
  aws_sfn_state_machine: (n, r) => `arn:${PARTITION}:states:${r}:${ACCOUNT}:stateMachine:${n}`,
  aws_cloudwatch_event_rule: (n, r) => `arn:${PARTITION}:events:${r}:${ACCOUNT}:rule/${"x".repeat(256)}/${n}`,
  aws_athena_workgroup: (n, r) => `arn:${PARTITION}:athena:${r}:${ACCOUNT}:workgroup/${n}`,
  aws_glue_catalog_database: (n, r) => `arn:${PARTITION}:glue:${r}:${ACCOUNT}:database/${n}`,
  aws_timestreamwrite_database: (n, r) => `arn:${PARTITION}:timestream:${r}:${ACCOUNT}:database/${n}`,
  aws_timestreamwrite_table: (n, r) =>
    `arn:${PARTITION}:timestream:${r}:${ACCOUNT}:database/${"x".repeat(256)}/table/${n}`,
  aws_secretsmanager_secret: (n, r) => `arn:${PARTITION}:secretsmanager:${r}:${ACCOUNT}:secret:${n}-xxxxxx`,
  aws_scheduler_schedule: (n, r) =>
    `arn:${PARTITION}:scheduler:${r}:${ACCOUNT}:schedule/${"x".repeat(64)}/${n}`,
  aws_iam_instance_profile: (n) => `arn:${PARTITION}:iam::${ACCOUNT}:instance-profile/${n}`,
  aws_kms_key: () => `arn:${PARTITION}:kms:${LONGEST_REGION}:${ACCOUNT}:key/${"x".repeat(36)}`,
};

/** Fallback for anything not modelled: long enough for any ARN or id in use here. */
const UNKNOWN = "x".repeat(256);

function regionOf(json: Json): string {
  const providers = [json?.provider?.aws].flat().filter(Boolean);
  const region = providers[0]?.region;
  return typeof region === "string" && !region.includes("${") ? region : LONGEST_REGION;
}

/** The longest value `${type.name.attr}` can take in the stack `json`. */
export function longestValue(json: Json, type: string, name: string, attr: string, depth = 0): string {
  const body = json?.resource?.[type]?.[name];
  const spec = NAMES[type];
  const region = regionOf(json);
  const literalName = (): string => {
    const raw = spec ? body?.[spec.attr] : undefined;
    if (typeof raw === "string") {
      return depth < 3 ? resolveLongest(json, raw, depth + 1) : raw;
    }
    return "x".repeat(spec?.max ?? 256);
  };
  if (type === "aws_kms_key") return attr === "arn" ? ARNS.aws_kms_key("", region) : "x".repeat(36);
  if (attr === "arn") return ARNS[type]?.(literalName(), region) ?? UNKNOWN;
  if (spec && (attr === spec.attr || attr === "id" || attr === "name")) return literalName();
  if (type === "aws_sqs_queue" && attr === "url") {
    return `https://sqs.${region}.amazonaws.com/${ACCOUNT}/${literalName()}`;
  }
  if (attr === "id") return "x".repeat(64);
  return UNKNOWN;
}

/** `text` with every `${type.name.attr}` reference replaced by its longest value. */
export function resolveLongest(json: Json, text: string, depth = 0): string {
  return text.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g, (_, type, name, attr) =>
    longestValue(json, type, name, attr, depth),
  );
}

/** Size IAM counts: the JSON without insignificant whitespace (IAM ignores it). */
export function policySize(json: Json, policy: unknown): number | undefined {
  if (typeof policy !== "string") return undefined;
  const resolved = resolveLongest(json, policy);
  try {
    return JSON.stringify(JSON.parse(resolved)).length;
  } catch {
    return resolved.replace(/\s+/g, "").length;
  }
}

/** UTF-8 byte length (S3, KMS and SQS count bytes). */
export function byteSize(json: Json, text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const resolved = resolveLongest(json, text);
  let compact = resolved;
  try {
    compact = JSON.stringify(JSON.parse(resolved));
  } catch {
    // not JSON: count as is
  }
  return Buffer.byteLength(compact, "utf8");
}
