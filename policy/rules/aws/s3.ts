/** S3 rules: each bucket has its companion resources set securely. */
import { block, stackOf, statementsOf } from "../../helpers";
import type { Json, Rule, RuleContext } from "../../types";

const bucketRule = (
  meta: Omit<Rule, "check" | "examples">,
  examples: Rule["examples"],
  bad: (name: string, ctx: RuleContext) => string | undefined,
): Rule => ({
  ...meta,
  examples,
  check: (ctx) =>
    ctx
      .resources("aws_s3_bucket")
      .map(([name]) => ({ address: `aws_s3_bucket.${name}`, detail: bad(name, ctx) }))
      .filter((f) => f.detail !== undefined),
});

const companions = (ctx: RuleContext, type: string, name: string) =>
  ctx.referencing(type, "bucket", "aws_s3_bucket", name).map(([, b]) => b);

/** A bucket whose policy lets S3 server access logging write to it (must stay SSE-S3, logs nowhere). */
export function isLogBucket(ctx: RuleContext, name: string): boolean {
  return companions(ctx, "aws_s3_bucket_policy", name).some((p) =>
    statementsOf(p.policy).some(
      (s: Json) =>
        s.Effect === "Allow" && JSON.stringify(s.Principal ?? "").includes("logging.s3.amazonaws.com"),
    ),
  );
}

const B = { bucket: { bucket: "b" } };
const ref = { bucket: "${aws_s3_bucket.bucket.id}" };

export const s3Rules: Rule[] = [
  bucketRule(
    {
      id: "AWS-S3-PUBLIC-ACCESS-BLOCK",
      source: "AWS FSBP S3.8; Checkov CKV2_AWS_6",
      description: "Buckets block public access with all four public access block settings",
      fix: "Add aws_s3_bucket_public_access_block with all four settings true (SecureBucket does)",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_public_access_block: {
          p: {
            ...ref,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
      }),
      nonCompliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_public_access_block: {
          p: {
            ...ref,
            block_public_acls: true,
            block_public_policy: false,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
      }),
    },
    (name, ctx) => {
      const ok = companions(ctx, "aws_s3_bucket_public_access_block", name).some(
        (p) =>
          p.block_public_acls === true &&
          p.block_public_policy === true &&
          p.ignore_public_acls === true &&
          p.restrict_public_buckets === true,
      );
      return ok ? undefined : "no public access block with all four settings true";
    },
  ),
  bucketRule(
    {
      id: "AWS-S3-KMS-ENCRYPTION",
      source: "AWS FSBP S3.17; Checkov CKV_AWS_145",
      description:
        "Data buckets are encrypted by default with a KMS key (log-delivery buckets use SSE-S3, as S3 requires)",
      fix: "Pass kmsKey to SecureBucket (aws:kms default encryption)",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_server_side_encryption_configuration: {
          e: {
            ...ref,
            rule: [
              {
                apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "k" },
              },
            ],
          },
        },
      }),
      nonCompliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_server_side_encryption_configuration: {
          e: { ...ref, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
        },
      }),
    },
    (name, ctx) => {
      if (isLogBucket(ctx, name)) return undefined;
      const ok = companions(ctx, "aws_s3_bucket_server_side_encryption_configuration", name).some((c) =>
        [c.rule]
          .flat()
          .some((r: Json) =>
            block(r.apply_server_side_encryption_by_default)?.sse_algorithm?.startsWith("aws:kms"),
          ),
      );
      return ok ? undefined : "default encryption is not SSE-KMS";
    },
  ),
  bucketRule(
    {
      id: "AWS-S3-TLS-ONLY",
      source: "AWS FSBP S3.5",
      description: "Bucket policies deny requests not made over TLS",
      fix: "Add a Deny statement on aws:SecureTransport = false (SecureBucket does)",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_policy: {
          p: {
            ...ref,
            policy: JSON.stringify({
              Statement: [
                {
                  Effect: "Deny",
                  Principal: "*",
                  Action: "s3:*",
                  Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
              ],
            }),
          },
        },
      }),
      nonCompliant: stackOf({ aws_s3_bucket: B }),
    },
    (name, ctx) =>
      companions(ctx, "aws_s3_bucket_policy", name).some((p) =>
        statementsOf(p.policy).some(
          (s: Json) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
        ),
      )
        ? undefined
        : "no TLS-only bucket policy",
  ),
  bucketRule(
    {
      id: "AWS-S3-VERSIONING",
      source: "AWS FSBP S3.14; Checkov CKV_AWS_21",
      description: "Buckets keep object versions",
      fix: "Enable versioning (SecureBucket versioned defaults to true)",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_versioning: { v: { ...ref, versioning_configuration: { status: "Enabled" } } },
      }),
      nonCompliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_versioning: { v: { ...ref, versioning_configuration: { status: "Suspended" } } },
      }),
    },
    (name, ctx) =>
      companions(ctx, "aws_s3_bucket_versioning", name).some(
        (v) => block(v.versioning_configuration)?.status === "Enabled",
      )
        ? undefined
        : "versioning not enabled",
  ),
  bucketRule(
    {
      id: "AWS-S3-ACCESS-LOGGING",
      source: "AWS FSBP S3.9; Checkov CKV_AWS_18",
      description: "Buckets log server access to the log bucket (the log bucket itself excepted)",
      fix: "Pass accessLogsBucket to SecureBucket",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_logging: { l: { ...ref, target_bucket: "logs" } },
      }),
      nonCompliant: stackOf({ aws_s3_bucket: B }),
    },
    (name, ctx) =>
      isLogBucket(ctx, name) || companions(ctx, "aws_s3_bucket_logging", name).length > 0
        ? undefined
        : "no server access logging",
  ),
  bucketRule(
    {
      id: "AWS-S3-LIFECYCLE",
      source: "AWS FSBP S3.13; Checkov CKV2_AWS_61",
      description: "Buckets have lifecycle rules (incomplete uploads, old versions)",
      fix: "Add aws_s3_bucket_lifecycle_configuration (SecureBucket does)",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_lifecycle_configuration: { l: { ...ref, rule: [{ id: "x", status: "Enabled" }] } },
      }),
      nonCompliant: stackOf({ aws_s3_bucket: B }),
    },
    (name, ctx) =>
      companions(ctx, "aws_s3_bucket_lifecycle_configuration", name).length > 0
        ? undefined
        : "no lifecycle configuration",
  ),
  bucketRule(
    {
      id: "AWS-S3-ACLS-DISABLED",
      source: "AWS FSBP S3.12",
      description: "ACLs are disabled (BucketOwnerEnforced)",
      fix: "Add aws_s3_bucket_ownership_controls with BucketOwnerEnforced",
    },
    {
      compliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_ownership_controls: {
          o: { ...ref, rule: { object_ownership: "BucketOwnerEnforced" } },
        },
      }),
      nonCompliant: stackOf({
        aws_s3_bucket: B,
        aws_s3_bucket_ownership_controls: { o: { ...ref, rule: { object_ownership: "ObjectWriter" } } },
      }),
    },
    (name, ctx) =>
      companions(ctx, "aws_s3_bucket_ownership_controls", name).some(
        (o) => block(o.rule)?.object_ownership === "BucketOwnerEnforced",
      )
        ? undefined
        : "ACLs not disabled",
  ),
];
