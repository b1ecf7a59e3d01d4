/** IAM action lists of the curate runner. */
/** Glue tables are granted through the Catalog construct (modules/catalog/perms.ts). */
/** Step Functions writes its logs through CloudWatch Logs deliveries (resource-level not supported). */
export const SFN_LOG_DELIVERY = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;
export const XRAY_WRITE = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
] as const;
