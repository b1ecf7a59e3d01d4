/**
 * The IICS Secure Agent host: EC2 in a private subnet reached only through SSM Session Manager.
 * No public IP, no key pair, no inbound rule; egress HTTPS only (Informatica Cloud, VPC endpoints);
 * IMDSv2 required with hop limit 1; detailed monitoring; EBS-optimized; encrypted gp3 root and
 * data volumes sized from config. Sessions are logged (KMS-encrypted CloudWatch log group and S3),
 * idle sessions time out, and sessions run as a non-root user.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { Construct } from "constructs";
import { isUnresolved, PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import { logRetentionProblem } from "../../lib/rules/retention";
import { serviceTrust } from "../iam/policy";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { type AlarmTarget, metricAlarm } from "../monitoring";
import type { SecureBucket } from "../secure-bucket";
import { secureAgentProcessPatterns } from "./cloudwatch-agent";
import { AGENT_HOST_DEFAULTS } from "./defaults";
import { addHostPerformanceMonitoring } from "./performance";
import { agentStatements, SESSION_LOG_GROUP_CHECK } from "./perms";
import { SessionTranscripts, TRANSCRIPT_PREFIX } from "./transcripts";
import { agentHostUserData } from "./user-data";

export interface Gp3Volume {
  /** Size, GiB (1-16384). */
  readonly sizeGiB: number;
  /** Provisioned IOPS (3000-16000, at most 500 per GiB). @default 3000 */
  readonly iops?: number;
  /** Provisioned throughput, MiB/s (125-1000, at most IOPS / 4). @default 125 */
  readonly throughputMiBps?: number;
}

export interface AgentHostProps {
  /** Name prefix, e.g. `dp-dev` (role, security group, log groups). */
  readonly name: string;
  /** Account of the host (12 digits). */
  readonly accountId: string;
  /** Region of the host. */
  readonly region: string;
  /** VPC of the host. */
  readonly vpcId: string;
  /** Private subnet of the host (no public IP is ever assigned). */
  readonly subnetId: string;
  /** AZ of `subnetId` (the data volume is created there). */
  readonly availabilityZone: string;
  /** EC2 instance type, e.g. `m7i.xlarge`. */
  readonly instanceType: string;
  /** RHEL 9 AMI id (from config; never looked up). */
  readonly amiId: string;
  /** Root volume (gp3, encrypted with `key`). */
  readonly rootVolume: Gp3Volume;
  /** Data volume mounted at /opt/infaagent (gp3, encrypted with `key`). */
  readonly dataVolume: Gp3Volume;
  /** Key of the volumes and the host log group; granted to the host role. */
  readonly key: KmsKey;
  /** Name of the dedicated session transcripts bucket (created here, under `ssm-sessions/`). */
  readonly transcriptsBucketName: string;
  /** Bucket receiving the transcripts bucket's server access logs. @default - none */
  readonly accessLogsBucket?: SecureBucket;
  /** Minutes before an idle session is closed (1-60). @default 20 */
  readonly idleSessionTimeoutMinutes?: number;
  /** Linux user sessions run as (never root). @default "ssm-user" */
  readonly runAsUser?: string;
  /** Days session and host logs (and transcripts) are kept (a CloudWatch Logs retention value). @default 365 */
  readonly logRetentionDays?: number;
  /** Where the host's alarms and dashboard widgets go. @default - no alarms */
  readonly monitoring?: AlarmTarget;
  /**
   * Percent of a volume's provisioned IOPS / throughput at which its EBS alarms fire (needs
   * `monitoring`). @default 90
   */
  readonly ebsAlarmUtilizationPercent?: number;
  /**
   * Protection level of the environment: `strict` adds `prevent_destroy` to the data volume and
   * the transcripts bucket and key. @default "standard"
   */
  readonly protection?: Protection;
}

export const AGENT_DATA_MOUNT = "/opt/infaagent";

/** IOPS and throughput of a gp3 volume with gp3's baseline where config leaves them out. */
const gp3 = (v: Gp3Volume) => ({
  iops: v.iops ?? AGENT_HOST_DEFAULTS.iops,
  throughputMiBps: v.throughputMiBps ?? AGENT_HOST_DEFAULTS.throughputMiBps,
});

export class AgentHost extends Construct {
  /** The EC2 instance (`instance.id`: `i-…`). */
  readonly instance: Instance;
  /** The host's role: grant it what the Secure Agent reads and writes (`bucket.grantRead(host.role)`). */
  readonly role: ServiceRole;
  /** No inbound rule; HTTPS out only. */
  readonly securityGroup: SecurityGroup;
  /** Session Manager transcripts (bucket and key). */
  readonly transcripts: SessionTranscripts;

  constructor(scope: Construct, id: string, props: AgentHostProps) {
    super(scope, id);
    validate(id, props);
    const runAsUser = props.runAsUser ?? AGENT_HOST_DEFAULTS.runAsUser;
    const logRetentionDays = props.logRetentionDays ?? AGENT_HOST_DEFAULTS.logRetentionDays;
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.name}-iics-agent`,
      description: "IICS Secure Agent: no inbound, HTTPS out only",
      vpcId: props.vpcId,
      ingress: [],
      egress: [
        {
          description: "HTTPS to Informatica Cloud and AWS endpoints",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ],
      tags: { Name: `${props.name}-iics-agent` },
    });

    this.role = new ServiceRole(this, "role", {
      name: `${props.name}-iics-agent`,
      service: "ec2.amazonaws.com",
      accountId: props.accountId,
      // EC2 does not send aws:SourceAccount on AssumeRole for instance profiles.
      assumeRolePolicy: serviceTrust("ec2.amazonaws.com"),
      // No AWS managed policy: the SSM and CloudWatch agents get the scoped statements of perms.ts.
    });
    const profile = new IamInstanceProfile(this, "profile", {
      name: `${props.name}-iics-agent`,
      role: this.role.name,
    });

    this.transcripts = new SessionTranscripts(this, "transcripts", {
      bucketName: props.transcriptsBucketName,
      accountId: props.accountId,
      region: props.region,
      keyAlias: `${props.name}-session-transcripts`,
      hostRoleArn: `arn:aws:iam::${props.accountId}:role/${props.name}-iics-agent`,
      retentionDays: logRetentionDays,
      accessLogsBucket: props.accessLogsBucket,
      protection: props.protection,
    });
    const sessionLogs = new CloudwatchLogGroup(this, "session-logs", {
      name: `/${props.name}/ssm/sessions`,
      retentionInDays: logRetentionDays,
      kmsKeyId: this.transcripts.key.arn,
    });
    const hostLogs = new CloudwatchLogGroup(this, "host-logs", {
      name: `/${props.name}/iics-agent`,
      retentionInDays: logRetentionDays,
      kmsKeyId: props.key.arn,
    });
    this.role.addToPolicy(
      ...agentStatements({
        region: props.region,
        accountId: props.accountId,
        logGroupArns: [sessionLogs.arn, hostLogs.arn],
      }),
    );
    this.role.addToPolicy({
      // Session Manager checks the session log group exists before streaming to it.
      Effect: "Allow",
      Action: [...SESSION_LOG_GROUP_CHECK],
      Resource: `arn:aws:logs:${props.region}:${props.accountId}:log-group:*`,
    });
    this.transcripts.grantAdd(this.role);
    props.key.grantEncryptDecrypt(this.role);

    new SsmDocument(this, "session-preferences", {
      // The name Session Manager reads its account/region preferences from.
      name: "SSM-SessionManagerRunShell",
      documentType: "Session",
      documentFormat: "JSON",
      content: JSON.stringify({
        schemaVersion: "1.0",
        description: "Session Manager preferences (managed by Terraform)",
        sessionType: "Standard_Stream",
        inputs: {
          s3BucketName: this.transcripts.bucket.bucketName,
          s3KeyPrefix: `${TRANSCRIPT_PREFIX}/`,
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: sessionLogs.name,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          kmsKeyId: this.transcripts.key.arn,
          runAsEnabled: true,
          runAsDefaultUser: runAsUser,
          idleSessionTimeout: String(
            props.idleSessionTimeoutMinutes ?? AGENT_HOST_DEFAULTS.idleSessionTimeoutMinutes,
          ),
          maxSessionDuration: "480",
          shellProfile: { linux: "cd ~ && exec bash -l" },
        },
      }),
    });

    this.instance = new Instance(this, "instance", {
      ami: props.amiId,
      instanceType: props.instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      monitoring: true,
      ebsOptimized: true,
      disableApiTermination: false,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      rootBlockDevice: {
        volumeType: "gp3",
        volumeSize: props.rootVolume.sizeGiB,
        iops: gp3(props.rootVolume).iops,
        throughput: gp3(props.rootVolume).throughputMiBps,
        encrypted: true,
        kmsKeyId: props.key.arn,
        deleteOnTermination: true,
      },
      userData: agentHostUserData({
        region: props.region,
        dataDevice: "/dev/sdf",
        dataMountPoint: AGENT_DATA_MOUNT,
        runAsUser,
        logGroupName: `/${props.name}/iics-agent`,
      }),
      tags: { Name: `${props.name}-iics-agent` },
    });
    const data = new EbsVolume(this, "data", {
      availabilityZone: props.availabilityZone,
      type: "gp3",
      size: props.dataVolume.sizeGiB,
      iops: gp3(props.dataVolume).iops,
      throughput: gp3(props.dataVolume).throughputMiBps,
      encrypted: true,
      kmsKeyId: props.key.arn,
      tags: { Name: `${props.name}-iics-agent-data` },
      lifecycle: dataLifecycle(props.protection),
    });
    new VolumeAttachment(this, "data-attachment", {
      deviceName: "/dev/sdf",
      volumeId: data.id,
      instanceId: this.instance.id,
    });

    if (props.monitoring) {
      this.addAlarms(props.monitoring, props.name);
      addHostPerformanceMonitoring(this, props.monitoring, {
        name: props.name,
        instanceId: this.instance.id,
        instanceType: props.instanceType,
        volumes: [
          { label: "root", volumeId: this.instance.rootBlockDevice.volumeId, ...gp3(props.rootVolume) },
          { label: "data", volumeId: data.id, ...gp3(props.dataVolume) },
        ],
        agentCorePattern: secureAgentProcessPatterns(AGENT_DATA_MOUNT)[0],
        processPatterns: secureAgentProcessPatterns(AGENT_DATA_MOUNT),
        utilizationPercent:
          props.ebsAlarmUtilizationPercent ?? AGENT_HOST_DEFAULTS.ebsAlarmUtilizationPercent,
      });
    }
  }

  /** Host health alarms, in this construct's scope, notifying `m`'s topic. */
  private addAlarms(m: AlarmTarget, name: string) {
    const dims = { InstanceId: this.instance.id };
    const common = {
      period: 300,
      evaluationPeriods: 2,
      dimensions: dims,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    };
    metricAlarm(this, "host-status-check", m, {
      ...common,
      alarmName: `${name}-iics-agent-status-check`,
      alarmDescription: "Secure Agent host failed an EC2 status check",
      namespace: "AWS/EC2",
      metricName: "StatusCheckFailed",
      statistic: "Maximum",
      period: 60,
      threshold: 1,
      treatMissingData: "breaching",
    });
    metricAlarm(this, "host-cpu", m, {
      ...common,
      alarmName: `${name}-iics-agent-cpu`,
      alarmDescription: "Secure Agent host CPU above 85% for 10 minutes",
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      statistic: "Average",
      threshold: 85,
    });
    metricAlarm(this, "host-memory", m, {
      ...common,
      alarmName: `${name}-iics-agent-memory`,
      alarmDescription: "Secure Agent host memory above 90% (CloudWatch agent)",
      namespace: "CWAgent",
      metricName: "mem_used_percent",
      statistic: "Average",
      threshold: 90,
    });
    for (const path of ["/", AGENT_DATA_MOUNT]) {
      metricAlarm(this, `host-disk-${path === "/" ? "root" : "data"}`, m, {
        ...common,
        alarmName: `${name}-iics-agent-disk-${path === "/" ? "root" : "data"}`,
        alarmDescription: `Secure Agent host disk ${path} above 85% (CloudWatch agent)`,
        namespace: "CWAgent",
        metricName: "disk_used_percent",
        statistic: "Maximum",
        dimensions: { ...dims, path },
        threshold: 85,
      });
    }
    m.addWidget(
      "Secure Agent host CPU %",
      [["AWS/EC2", "CPUUtilization", "InstanceId", this.instance.id]],
      "Average",
    );
    m.addWidget(
      "Secure Agent host memory / disk %",
      [
        ["CWAgent", "mem_used_percent", "InstanceId", this.instance.id],
        ["CWAgent", "disk_used_percent", "InstanceId", this.instance.id, "path", "/"],
        ["CWAgent", "disk_used_percent", "InstanceId", this.instance.id, "path", AGENT_DATA_MOUNT],
      ],
      "Maximum",
    );
  }
}

function validateVolume(v: PropsValidator, prop: string, vol: Gp3Volume): void {
  v.range(`${prop}.sizeGiB`, vol.sizeGiB, { min: 1, max: 16384 });
  v.range(`${prop}.iops`, vol.iops, { min: 3000, max: 16000 });
  v.range(`${prop}.throughputMiBps`, vol.throughputMiBps, { min: 125, max: 1000 });
  const { iops, throughputMiBps } = gp3(vol);
  if (isUnresolved([vol.sizeGiB, iops, throughputMiBps])) return;
  if (iops > 500 * vol.sizeGiB && vol.iops !== undefined)
    v.fail(`${prop}.iops`, `must be at most 500 per GiB (${500 * vol.sizeGiB} for ${vol.sizeGiB} GiB)`, iops);
  if (throughputMiBps > iops / 4 && vol.throughputMiBps !== undefined)
    v.fail(`${prop}.throughputMiBps`, `must be at most iops / 4 (${iops / 4})`, throughputMiBps);
}

function validate(id: string, props: AgentHostProps): void {
  const v = new PropsValidator("AgentHost", id);
  v.matches("accountId", props.accountId, /^\d{12}$/, "a 12-digit AWS account id");
  v.matches(
    "amiId",
    props.amiId,
    /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/,
    "an AMI id (ami- and 8 or 17 hex digits)",
  );
  v.matches(
    "instanceType",
    props.instanceType,
    /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
    "an EC2 instance type such as m7i.xlarge",
  );
  v.check("availabilityZone", props.availabilityZone, (az) =>
    az.startsWith(props.region) ? undefined : `"${az}" is not a zone of ${props.region}`,
  );
  validateVolume(v, "rootVolume", props.rootVolume);
  validateVolume(v, "dataVolume", props.dataVolume);
  v.range("idleSessionTimeoutMinutes", props.idleSessionTimeoutMinutes, { min: 1, max: 60 });
  v.matches(
    "runAsUser",
    props.runAsUser,
    /^(?!root$)[a-z_][a-z0-9_-]{0,31}$/,
    "a Linux user name other than root",
  );
  v.check("logRetentionDays", props.logRetentionDays, logRetentionProblem);
  v.range("ebsAlarmUtilizationPercent", props.ebsAlarmUtilizationPercent, { min: 1, max: 100 });
  v.throwIfInvalid();
}
