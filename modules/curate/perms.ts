/** IAM action lists of the curate runner. */
/** Glue read/write lists are the catalog's (its grants use the same). */
export { GLUE_READ, GLUE_WRITE } from "../catalog/perms";
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
