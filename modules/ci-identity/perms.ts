/** Action lists of the CI identities (what plan may never read, what apply may manage). */

/**
 * Denied to the plan role on top of ReadOnlyAccess: everything that reads data rather than
 * configuration. Terraform plans read resource settings, never these.
 */
export const PLAN_DENIED_DATA_READS = [
  // S3 objects (data lake, Athena results, session transcripts); state objects are excepted by NotResource.
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:GetObjectAttributes",
  "s3:GetObjectTorrent",
  "s3:RestoreObject",
  "s3:SelectObjectContent",
  // CloudWatch Logs events (function logs, Session Manager transcripts, flow logs).
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "logs:GetLogRecord",
  "logs:Unmask",
  // Secrets and parameters.
  "secretsmanager:GetSecretValue",
  "secretsmanager:BatchGetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  // Queued messages (ingestion failures carry event payloads).
  "sqs:ReceiveMessage",
  // Query results.
  "athena:GetQueryResults",
  "athena:GetQueryResultsStream",
  "timestream:Select",
  "timestream:SelectValues",
  // Command output and console output of the agent host.
  "ssm:GetCommandInvocation",
  "ec2:GetConsoleOutput",
  "ec2:GetConsoleScreenshot",
  "ec2:GetPasswordData",
  // DynamoDB item reads other than GetItem (which is scoped below).
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:GetRecords",
  "dynamodb:PartiQLSelect",
  "dynamodb:ExportTableToPointInTime",
] as const;

/** Partition keys of the settings items the AWS stack manages (`source#<id>`): plan refreshes them. */
export const MANAGED_SETTINGS_KEYS = ["source#*"] as const;

/**
 * Services the AWS stacks manage: the apply role's allowed services and the permissions
 * boundary's ceiling for every role of the stack (workload roles included, so it also lists what
 * the functions and the host call at run time).
 */
export const MANAGED_SERVICES = [
  "athena",
  "cloudwatch",
  "dynamodb",
  "ec2",
  "events",
  "glue",
  "kms",
  "lambda",
  "logs",
  "scheduler",
  "sns",
  "sqs",
  "ssm",
  "states",
  "timestream",
] as const;
/** Used only at run time by workload roles (inside the boundary, never granted to apply). */
export const RUNTIME_SERVICES = ["ec2messages", "ssmmessages", "secretsmanager", "xray", "sts"] as const;

/** IAM actions that would let a role step outside the boundary. */
export const IAM_ESCALATION = [
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AddUserToGroup",
  "iam:CreateGroup",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
] as const;
/** Role changes that must carry the boundary (`iam:PermissionsBoundary`). */
export const IAM_ROLE_WRITES_NEEDING_BOUNDARY = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:DeleteRolePolicy",
] as const;
/** Managed policies no role of the stack may get. */
export const ADMIN_POLICY_ARNS = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
] as const;
