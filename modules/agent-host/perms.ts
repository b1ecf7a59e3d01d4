/**
 * What the Secure Agent host's role may do for its two AWS agents, instead of the AWS managed
 * policies `AmazonSSMManagedInstanceCore` (which also lets the host read every SSM parameter and
 * document of the account: `ssm:GetParameter*` on `*`) and `CloudWatchAgentServerPolicy` (which lets
 * it create and write any log group, and read `AmazonCloudWatch-*` parameters).
 *
 * Each action below is one an agent calls; where the action supports resource-level permissions the
 * resource is scoped, otherwise AWS requires `*` (the Service Authorization Reference lists no
 * resource type for it) and the statement says so.
 *
 * | capability                 | actions                                              | resource                        |
 * |----------------------------|------------------------------------------------------|---------------------------------|
 * | SSM registration/heartbeat | ssm:UpdateInstanceInformation                        | * (called for the calling node) |
 * | Session Manager channels   | ssmmessages:Create/Open Control/Data Channel         | * (no resource type)            |
 * | Run Command delivery       | ec2messages:Get/Acknowledge/Delete/Fail Message, ... | * (no resource type)            |
 * | State Manager, patching    | ssm:ListInstanceAssociations, PutComplianceItems, …  | instances/associations of acct  |
 * | Patch baseline snapshot    | ssm:GetDeployablePatchSnapshotForInstance            | * (no resource type)            |
 * | Documents the agent runs   | ssm:GetDocument, ssm:DescribeDocument                | AWS-owned + this account's docs |
 * | CloudWatch agent metrics   | cloudwatch:PutMetricData                             | * with namespace = CWAgent      |
 * | CloudWatch agent metadata  | ec2:DescribeTags, ec2:DescribeVolumes                | * (Describe* take no resource)  |
 * | CloudWatch agent logs      | logs:CreateLogStream/PutLogEvents/DescribeLogStreams | the host's own log groups only  |
 *
 * Not granted: `ssm:GetParameter*` (the agents' configuration is written by user data, not read from
 * Parameter Store), `logs:CreateLogGroup` (log groups are created by Terraform with retention and
 * KMS; an agent creating one would bypass both), Distributor (`ssm:GetManifest`,
 * `ssm:PutConfigurePackageResult`: packages are installed by user data). Session encryption and
 * transcript upload (`kms:Decrypt`/`kms:GenerateDataKey` on the platform key,
 * `s3:GetEncryptionConfiguration` + `s3:PutObject` on the transcript prefix) are granted by the key
 * and bucket grants in the construct.
 */
import type { PolicyStatement } from "../iam/policy";

/** Session Manager checks the session log group exists before streaming to it (no resource-level filter on names). */
export const SESSION_LOG_GROUP_CHECK = ["logs:DescribeLogGroups"] as const;

/** The SSM agent checks the transcripts bucket's encryption before uploading. */
export const BUCKET_ENCRYPTION_CHECK = ["s3:GetEncryptionConfiguration"] as const;

/** SSM agent: registration and heartbeat (Fleet Manager, "Managed node" status). */
export const SSM_AGENT_CORE = ["ssm:UpdateInstanceInformation"] as const;

/** Session Manager: the agent opens a control channel and one data channel per session. */
export const SSM_SESSION_CHANNELS = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

/** Run Command (also how Patch Manager and State Manager deliver documents): message polling. */
export const SSM_RUN_COMMAND_MESSAGES = [
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
] as const;

/** State Manager associations, inventory and patch compliance the agent reports for its own node. */
export const SSM_NODE_REPORTING = [
  "ssm:ListInstanceAssociations",
  "ssm:UpdateInstanceAssociationStatus",
  "ssm:PutInventory",
  "ssm:PutComplianceItems",
] as const;

/** Patch Manager (`AWS-RunPatchBaseline`): the baseline snapshot to apply. */
export const SSM_PATCH_SNAPSHOT = ["ssm:GetDeployablePatchSnapshotForInstance"] as const;

/** Documents the agent fetches for associations. */
export const SSM_DOCUMENT_READ = ["ssm:GetDocument", "ssm:DescribeDocument"] as const;

/** CloudWatch agent: metrics (namespace-restricted). */
export const CW_AGENT_METRICS = ["cloudwatch:PutMetricData"] as const;

/** CloudWatch agent: instance and volume metadata for dimensions. */
export const CW_AGENT_EC2_METADATA = ["ec2:DescribeTags", "ec2:DescribeVolumes"] as const;

/** CloudWatch agent / session logs: write streams of existing log groups only. */
export const LOG_STREAM_WRITE = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;

/** The namespace the CloudWatch agent publishes to (also what alarms read). */
export const CW_AGENT_NAMESPACE = "CWAgent";

export interface AgentStatementsProps {
  readonly region: string;
  readonly accountId: string;
  /** ARNs of the log groups the agents write to (`arn:aws:logs:…:log-group:<name>`). */
  readonly logGroupArns: string[];
  /** @default CW_AGENT_NAMESPACE */
  readonly metricNamespace?: string;
}

/** The scoped statements that let the SSM agent and the CloudWatch agent work on the host. */
export function agentStatements(p: AgentStatementsProps): PolicyStatement[] {
  const instances = `arn:aws:ec2:${p.region}:${p.accountId}:instance/*`;
  return [
    { Sid: "SsmAgentHeartbeat", Effect: "Allow", Action: [...SSM_AGENT_CORE], Resource: "*" },
    { Sid: "SessionManagerChannels", Effect: "Allow", Action: [...SSM_SESSION_CHANNELS], Resource: "*" },
    { Sid: "RunCommandMessages", Effect: "Allow", Action: [...SSM_RUN_COMMAND_MESSAGES], Resource: "*" },
    {
      Sid: "SsmNodeReporting",
      Effect: "Allow",
      Action: [...SSM_NODE_REPORTING],
      Resource: [instances, `arn:aws:ssm:${p.region}:${p.accountId}:association/*`],
    },
    { Sid: "PatchBaselineSnapshot", Effect: "Allow", Action: [...SSM_PATCH_SNAPSHOT], Resource: "*" },
    {
      Sid: "SsmDocuments",
      Effect: "Allow",
      Action: [...SSM_DOCUMENT_READ],
      // AWS-owned documents have no account in their ARN.
      Resource: [`arn:aws:ssm:${p.region}::document/*`, `arn:aws:ssm:${p.region}:${p.accountId}:document/*`],
    },
    {
      Sid: "CloudWatchAgentMetrics",
      Effect: "Allow",
      Action: [...CW_AGENT_METRICS],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": p.metricNamespace ?? CW_AGENT_NAMESPACE } },
    },
    {
      Sid: "CloudWatchAgentMetadata",
      Effect: "Allow",
      Action: [...CW_AGENT_EC2_METADATA],
      Resource: "*",
    },
    {
      Sid: "AgentLogStreams",
      Effect: "Allow",
      Action: [...LOG_STREAM_WRITE],
      Resource: p.logGroupArns.map((arn) => `${arn}:*`),
    },
  ];
}
