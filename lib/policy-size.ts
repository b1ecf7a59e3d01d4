/**
 * Upper bounds for the size of a policy document before Terraform resolves its references: each
 * `${type.name.attr}` counts as the longest value that attribute can take (a bucket ARN at most
 * 13 + 63 characters, an unknown attribute 256). The synth-time limit rules measure again with
 * the real names (policy/limits); this bound lets a role split its grants before that.
 */
const ARN_MAX: Record<string, number> = {
  aws_s3_bucket: 13 + 63 + 4,
  aws_kms_key: 90,
  aws_dynamodb_table: 60 + 255,
  aws_sqs_queue: 60 + 80,
  aws_sns_topic: 60 + 256,
  aws_lambda_function: 70 + 64,
  aws_cloudwatch_log_group: 70 + 512,
  aws_iam_role: 40 + 64,
  aws_sfn_state_machine: 70 + 80,
  aws_athena_workgroup: 70 + 128,
  aws_timestreamwrite_table: 80 + 256 + 256,
  aws_glue_catalog_database: 70 + 255,
};

/** The longest a reference can resolve to. */
export function referenceMaxLength(type: string, attr: string): number {
  if (attr === "arn") return ARN_MAX[type] ?? 256;
  if (type === "aws_s3_bucket" && (attr === "bucket" || attr === "id")) return 63;
  if (type === "aws_kms_key") return 36;
  return 256;
}

/** Upper bound of the characters IAM counts for `text` (a compact JSON document or statement). */
export function maxPolicyLength(text: string): number {
  let extra = 0;
  const bare = text.replace(/\$\{([a-z0-9_]+)\.[A-Za-z0-9_-]+\.([a-z0-9_]+)\}/g, (_, type, attr) => {
    extra += referenceMaxLength(type, attr);
    return "";
  });
  return bare.length + extra;
}
