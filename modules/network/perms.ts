/** IAM action lists of the network's own roles. */
/** VPC Flow Logs delivering to a CloudWatch Logs group (on the group's streams). */
export const FLOW_LOGS_WRITE = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;
