/**
 * Apply-time size limits as rules: a policy, environment or tag set that AWS would refuse at
 * `apply` fails synth instead. Sizes are computed with every unresolved reference replaced by the
 * longest value it can take (policy/limits/resolve.ts).
 */

import { stackOf } from "../../helpers";
import { LIMITS, type LimitKind, measureLimits } from "../../limits/measure";
import type { Json, Rule } from "../../types";

const policy = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
/** A statement of about `n` characters. */
const bigStatement = (n: number) => ({
  Effect: "Allow",
  Action: "s3:GetObject",
  Resource: Array.from(
    { length: Math.ceil(n / 40) },
    (_, i) => `arn:aws:s3:::bucket/p${String(i).padStart(20, "0")}/*`,
  ),
});

function limitRule(
  kind: LimitKind,
  meta: Pick<Rule, "id" | "source" | "description" | "fix">,
  examples: Rule["examples"],
): Rule {
  return {
    ...meta,
    examples,
    check: (ctx) =>
      measureLimits(ctx.json)
        .filter((m) => m.kind === kind && m.size > m.limit)
        .map((m) => ({
          address: m.address,
          detail: `${m.size.toLocaleString("en")} of ${m.limit.toLocaleString("en")} allowed (references at their longest)`,
        })),
  };
}

const role = (trust: string) => ({ r: { name: "r", assume_role_policy: trust } });
const trust = (extra: number) =>
  policy([
    {
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": Array.from({ length: extra }, () => "123456789012") },
      },
    },
  ]);

export const limitRules: Rule[] = [
  limitRule(
    "roleInlinePolicies",
    {
      id: "AWS-LIMIT-ROLE-INLINE-POLICIES",
      source: "IAM quotas: role inline policies 10,240 characters in aggregate",
      description: `A role's inline policies together stay within ${LIMITS.roleInlinePolicies.toLocaleString("en")} characters`,
      fix: "Grant by prefix instead of per object path, merge statements (ServiceRole does), or move grants to a managed policy",
    },
    {
      compliant: stackOf({
        aws_iam_role: role(trust(1)),
        aws_iam_role_policy: { p: { role: "${aws_iam_role.r.name}", policy: policy([bigStatement(4000)]) } },
      }),
      nonCompliant: stackOf({
        aws_iam_role: role(trust(1)),
        aws_iam_role_policy: {
          p: { role: "${aws_iam_role.r.name}", policy: policy([bigStatement(6000)]) },
          q: { role: "${aws_iam_role.r.id}", policy: policy([bigStatement(6000)]) },
        },
      }),
    },
  ),
  limitRule(
    "managedPolicy",
    {
      id: "AWS-LIMIT-MANAGED-POLICY",
      source: "IAM quotas: managed policy 6,144 characters",
      description: `A managed policy stays within ${LIMITS.managedPolicy.toLocaleString("en")} characters`,
      fix: "Split the policy or scope resources by prefix",
    },
    {
      compliant: stackOf({ aws_iam_policy: { p: { policy: policy([bigStatement(5000)]) } } }),
      nonCompliant: stackOf({ aws_iam_policy: { p: { policy: policy([bigStatement(7000)]) } } }),
    },
  ),
  limitRule(
    "trustPolicy",
    {
      id: "AWS-LIMIT-TRUST-POLICY",
      source: "IAM quotas: role trust policy length 2,048 characters (default)",
      description: `A role trust policy stays within ${LIMITS.trustPolicy.toLocaleString("en")} characters`,
      fix: "Trust fewer principals per role, or raise the account quota (up to 8,192) and suppress with the quota's case id",
    },
    {
      compliant: stackOf({ aws_iam_role: role(trust(2)) }),
      nonCompliant: stackOf({ aws_iam_role: role(trust(200)) }),
    },
  ),
  limitRule(
    "bucketPolicy",
    {
      id: "AWS-LIMIT-BUCKET-POLICY",
      source: "S3: bucket policy size 20 KB",
      description: "A bucket policy stays within 20 KB",
      fix: "Use access points or prefixes instead of per-principal statements",
    },
    {
      compliant: stackOf({ aws_s3_bucket_policy: { p: { policy: policy([bigStatement(1000)]) } } }),
      nonCompliant: stackOf({ aws_s3_bucket_policy: { p: { policy: policy([bigStatement(21000)]) } } }),
    },
  ),
  limitRule(
    "keyPolicy",
    {
      id: "AWS-LIMIT-KEY-POLICY",
      source: "KMS quotas: key policy document size 32 KB",
      description: "A KMS key policy stays within 32 KB",
      fix: "Grant key use through IAM policies (the key trusts the account) instead of listing principals",
    },
    {
      compliant: stackOf({ aws_kms_key: { k: { policy: policy([bigStatement(1000)]) } } }),
      nonCompliant: stackOf({ aws_kms_key: { k: { policy: policy([bigStatement(33000)]) } } }),
    },
  ),
  limitRule(
    "queuePolicy",
    {
      id: "AWS-LIMIT-QUEUE-POLICY",
      source: "SQS policy quotas: 8,192 bytes",
      description: "An SQS queue policy stays within 8,192 bytes",
      fix: "Use one statement with a list of source ARNs",
    },
    {
      compliant: stackOf({ aws_sqs_queue_policy: { p: { policy: policy([bigStatement(1000)]) } } }),
      nonCompliant: stackOf({ aws_sqs_queue_policy: { p: { policy: policy([bigStatement(9000)]) } } }),
    },
  ),
  limitRule(
    "topicPolicy",
    {
      id: "AWS-LIMIT-TOPIC-POLICY",
      source: "SNS: topic policy 30 KB",
      description: "An SNS topic policy stays within 30 KB",
      fix: "Use one statement with a list of source ARNs",
    },
    {
      compliant: stackOf({ aws_sns_topic_policy: { p: { policy: policy([bigStatement(1000)]) } } }),
      nonCompliant: stackOf({ aws_sns_topic_policy: { p: { policy: policy([bigStatement(31000)]) } } }),
    },
  ),
  limitRule(
    "lambdaEnvironment",
    {
      id: "AWS-LIMIT-LAMBDA-ENVIRONMENT",
      source: "Lambda quotas: environment variables 4 KB in total",
      description: "A function's environment variables stay within 4 KB",
      fix: "Move settings to the settings table or SSM parameters; keep env vars to names and ids",
    },
    {
      compliant: stackOf({
        aws_lambda_function: { f: { environment: { variables: { A: "${aws_s3_bucket.b.bucket}" } } } },
      }),
      nonCompliant: stackOf({
        aws_lambda_function: { f: { environment: { variables: { A: "x".repeat(4100) } } } },
      }),
    },
  ),
  limitRule(
    "scheduleInput",
    {
      id: "AWS-LIMIT-SCHEDULE-INPUT",
      source: "EventBridge target Input 8,192 characters",
      description: "A schedule's target input stays within 8,192 characters",
      fix: "Pass an id and let the target read its settings",
    },
    {
      compliant: stackOf({ aws_scheduler_schedule: { s: { target: { input: '{"sourceId":"a"}' } } } }),
      nonCompliant: stackOf({ aws_scheduler_schedule: { s: { target: { input: "x".repeat(9000) } } } }),
    },
  ),
  limitRule(
    "tagsPerResource",
    {
      id: "AWS-LIMIT-TAGS",
      source: "AWS tagging: 50 user tags per resource",
      description: "A resource carries at most 50 tags (provider default_tags included)",
      fix: "Drop tags, or move detail into fewer tags",
    },
    {
      compliant: stackOf({ aws_sqs_queue: { q: { tags: { a: "1" } } } }),
      nonCompliant: stackOf({
        aws_sqs_queue: {
          q: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"])) },
        },
      }),
    },
  ),
];
