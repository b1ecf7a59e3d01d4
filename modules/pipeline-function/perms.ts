/** IAM action lists every pipeline function's roles need. */
/** The function's own log group (`<arn>:*`). */
export const LOGS_WRITE = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
/** Active tracing. */
export const XRAY_WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;
/** The failure queue (async destination, schedules' dead letters). */
export const QUEUE_SEND = ["sqs:SendMessage"] as const;
