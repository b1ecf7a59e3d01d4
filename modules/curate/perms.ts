/** IAM action lists of the curate runner. */
export const GLUE_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
] as const;
/** Iceberg commits update the table in Glue; staging tables are created and dropped. */
export const GLUE_WRITE = ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"] as const;
export const ATHENA_READ_RESULTS = ["athena:GetQueryExecution", "athena:GetQueryResults"] as const;
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
