/**
 * The typed configuration of every environment, validated once, at the edge (synth time).
 *
 * Every error names the environment and the field (`prod.aws.vpcCidr: ...`) and the value received.
 * Derived names (bucket names, stack names) are checked here too, so a bad prefix fails before
 * Terraform ever sees it.
 */
import { z } from "zod";
import { sourceSettingsSchema } from "../functions/saas-ingest/core/settings";
import { ingestTuningSchema } from "../functions/saas-ingest/tuning";
import { parseCidr } from "../lib/cidr";
import { PROTECTION_LEVELS } from "../lib/protection";
import { calendarDateProblem } from "../lib/rules/date";
import { glueTypeProblem } from "../lib/rules/glue-type";
import { LOG_RETENTION_DAYS, logRetentionProblem } from "../lib/rules/retention";
import { scheduleExpressionProblem } from "../lib/rules/schedule";
import { timeZoneProblem } from "../lib/rules/timezone";
import { AGENT_HOST_DEFAULTS } from "../modules/agent-host/defaults";
import { BIGQUERY_DEFAULTS } from "../modules/bigquery/defaults";
import { CURATE_DEFAULTS } from "../modules/curate/defaults";
import { DATA_LAKE_DEFAULTS } from "../modules/data-lake/defaults";
import { INGEST_DEFAULTS } from "../modules/ingest-function/defaults";
import { NETWORK_DEFAULTS } from "../modules/network/defaults";
import { PIPELINE_DEFAULTS } from "../modules/pipeline-function/defaults";
import { TIMESTREAM_DEFAULTS } from "../modules/timestream/defaults";

export const ENVIRONMENTS = ["dev", "stg", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as ap-northeast-1");
const gcpProjectId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    "must be a GCP project id (6-30 chars, lowercase, digits, hyphens)",
  );
const prefix = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,11}$/, "must be 1-12 lowercase letters, digits or hyphens");
const datasetId = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,1024}$/, "must be a BigQuery dataset id (letters, digits, underscores)");
/** A string checked by a rule from lib/rules (the rule's message names what is wrong). */
const ruled = (rule: (v: string) => string | undefined) =>
  z.string().check((ctx) => {
    const problem = rule(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });
/** CloudWatch Logs retention in days (only the values the service accepts). */
export const logRetentionDays = z
  .number()
  .int()
  .check((ctx) => {
    const problem = logRetentionProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  })
  .describe(`one of ${LOG_RETENTION_DAYS.join(", ")}`);
export const calendarDate = ruled(calendarDateProblem);
export const scheduleExpression = ruled(scheduleExpressionProblem);
export const timeZone = ruled(timeZoneProblem);
export const glueType = ruled(glueTypeProblem);

const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, "must be an IPv4 CIDR such as 10.10.0.0/16");

/** A gp3 EBS volume. IOPS 3000-16000 and throughput 125-1000 MiB/s are gp3's limits. */
const volume = z
  .object({
    sizeGiB: z.number().int().min(8).max(16384),
    iops: z.number().int().min(3000).max(16000).default(AGENT_HOST_DEFAULTS.iops),
    throughputMiBps: z.number().int().min(125).max(1000).default(AGENT_HOST_DEFAULTS.throughputMiBps),
  })
  .refine((v) => v.iops <= v.sizeGiB * 500, {
    message: "iops may be at most 500 per GiB of sizeGiB (gp3 limit)",
    path: ["iops"],
  })
  .refine((v) => v.throughputMiBps <= v.iops / 4, {
    message: "throughputMiBps may be at most iops / 4 (gp3 limit)",
    path: ["throughputMiBps"],
  });

export const DEFAULT_INTERFACE_ENDPOINTS = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "sts",
  "kms",
  "secretsmanager",
] as const;

const s3State = z.object({
  type: z.literal("s3"),
  /** State bucket (created by the bootstrap stack). */
  bucket: z.string(),
  region: awsRegion.default("ap-northeast-1"),
  /** `lockfile`: S3 native lock (Terraform >= 1.10). `dynamodb`: a DynamoDB lock table. */
  lock: z.enum(["lockfile", "dynamodb"]).default("lockfile"),
  dynamodbTable: z.string().optional(),
  /** Customer KMS key (alias or ARN) the state objects are encrypted with. */
  kmsKeyId: z.string().optional(),
  /**
   * Where the environment's own `<prefix>-bootstrap-<env>` stack (this bucket, its key, its lock
   * table) keeps its state: `local` on the first apply, `remote` (this bucket, key
   * `bootstrap/<stack>.tfstate`) once the bucket exists. @default "local"
   */
  bootstrapState: z.enum(["local", "remote"]).optional(),
});
const gcsState = z.object({ type: z.literal("gcs"), bucket: z.string(), prefix: z.string().default("") });
const cloudState = z.object({
  type: z.literal("cloud"),
  organization: z.string().min(1),
  hostname: z.string().default("app.terraform.io"),
  /** Workspace name = `<workspacePrefix><stack name>`. */
  workspacePrefix: z.string().default(""),
});
const localState = z.object({ type: z.literal("local") });
export const stateSchema = z.discriminatedUnion("type", [s3State, gcsState, cloudState, localState]);
export type StateConfig = z.infer<typeof stateSchema>;

/** One ingestion source: where it lands in the raw bucket and how Athena reads it. */
export const sourceSchema = z.object({
  id: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{1,62}$/,
      "must be 2-63 lowercase letters, digits, underscores, starting with a letter",
    ),
  /** First date data exists for (partition projection range start), YYYY-MM-DD. */
  startDate: calendarDate,
  /** Columns Athena exposes (Hive types: string, bigint, decimal(10,2), array<string>, struct<a:int>, …). */
  columns: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z_][a-z0-9_]{0,254}$/, "must be lowercase letters, digits, underscores"),
        type: glueType,
      }),
    )
    .min(1)
    .check((ctx) => {
      const seen = new Set<string>();
      ctx.value.forEach((c, i) => {
        if (seen.has(c.name)) {
          ctx.issues.push({
            code: "custom",
            message: `column "${c.name}" is listed twice`,
            input: c.name,
            path: [i, "name"],
          });
        }
        seen.add(c.name);
      });
    }),
  /** The settings item the ingestion Lambda reads (written to the settings table by Terraform). */
  settings: sourceSettingsSchema.safeExtend({
    /** EventBridge Scheduler expression, e.g. `cron(0 3 * * ? *)` or `rate(1 hour)`. @default - not scheduled */
    schedule: scheduleExpression.optional(),
    /** IANA time zone of the schedule. @default "Asia/Tokyo" */
    scheduleTimezone: timeZone.default("Asia/Tokyo"),
  }),
});

export const environmentSchema = z.object({
  /** Naming prefix of every resource (`<prefix>-<env>-...`). @default "dp" */
  prefix: prefix.default("dp"),
  /**
   * Protection of data against deletion (see lib/protection.ts): `none` (throwaway dev),
   * `standard` (deletion protection, no force-destroy), `strict` (also keeps Athena workgroups and
   * needs log retention of a year). @default "standard"
   */
  protection: z.enum(PROTECTION_LEVELS).default("standard"),
  owner: z.string().min(1),
  costCenter: z.string().min(1),
  aws: z.object({
    accountId,
    region: awsRegion.default("ap-northeast-1"),
    vpcCidr: cidr,
    /** AZ names (not looked up: no data source runs at plan time). */
    availabilityZones: z.array(z.string()).min(2).max(6),
    /** `single`: one NAT (cheap, dev). `per-az`: one per AZ (prod). `none`: no egress. */
    natGateways: z.enum(["none", "single", "per-az"]).default(NETWORK_DEFAULTS.natGateways),
    interfaceEndpoints: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([...DEFAULT_INTERFACE_ENDPOINTS]),
    /**
     * Buckets outside this environment that principals in the VPC may reach through the S3 endpoint
     * (names or `*` patterns, e.g. a partner's bucket IICS reads). This environment's buckets and
     * the AWS-owned agent buckets are always allowed. @default []
     */
    s3EndpointExtraBuckets: z
      .array(z.string().regex(/^[a-z0-9*][a-z0-9.*-]{1,62}$/, "must be an S3 bucket name or a * pattern"))
      .default([]),
    /** VPC flow log retention (CloudWatch Logs values only). @default 90 */
    flowLogRetentionDays: logRetentionDays.default(NETWORK_DEFAULTS.flowLogRetentionDays),
    /** Log retention of the Lambda and host log groups (CloudWatch Logs values only). @default 365 */
    logRetentionDays: logRetentionDays.default(PIPELINE_DEFAULTS.logRetentionDays),
    agentHost: z.object({
      enabled: z.boolean().default(true),
      instanceType: z
        .string()
        .regex(/^[a-z0-9]+\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.xlarge"),
      /** RHEL 9 AMI id for the region (from config, never looked up). */
      amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id such as ami-0123456789abcdef0"),
      rootVolume: volume,
      dataVolume: volume,
      /** Percent of a volume's provisioned IOPS / throughput at which its EBS alarms fire. @default 90 */
      ebsAlarmUtilizationPercent: z
        .number()
        .int()
        .min(50)
        .max(100)
        .default(AGENT_HOST_DEFAULTS.ebsAlarmUtilizationPercent),
      idleSessionTimeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(AGENT_HOST_DEFAULTS.idleSessionTimeoutMinutes),
      runAsUser: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
        .default(AGENT_HOST_DEFAULTS.runAsUser),
    }),
    dataLake: z
      .object({
        rawTransitionDays: z.number().int().min(30).default(DATA_LAKE_DEFAULTS.rawTransitionDays),
        rawArchiveDays: z.number().int().min(90).default(DATA_LAKE_DEFAULTS.rawArchiveDays),
        noncurrentVersionExpiryDays: z
          .number()
          .int()
          .min(1)
          .default(DATA_LAKE_DEFAULTS.noncurrentVersionExpiryDays),
        athenaResultsExpiryDays: z.number().int().min(1).default(DATA_LAKE_DEFAULTS.athenaResultsExpiryDays),
        iicsStaging: z.boolean().default(DATA_LAKE_DEFAULTS.iicsStaging),
        forceDestroy: z.boolean().default(DATA_LAKE_DEFAULTS.forceDestroy),
      })
      .prefault({}),
    athena: z.object({
      /** Per-query scan cutoff in bytes (min 10 MB, Athena's lower bound). */
      bytesScannedCutoffPerQuery: z.number().int().min(10_485_760),
    }),
    timestream: z
      .object({
        /** Timestream for LiveAnalytics is closed to new AWS customers since 2025-06-20. */
        enabled: z.boolean().default(true),
        memoryRetentionHours: z
          .number()
          .int()
          .min(1)
          .max(8766)
          .default(TIMESTREAM_DEFAULTS.memoryRetentionHours),
        magneticRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(73000)
          .default(TIMESTREAM_DEFAULTS.magneticRetentionDays),
      })
      .prefault({}),
    /** The SaaS ingestion Lambda (functions/saas-ingest). */
    ingest: z
      .object({
        enabled: z.boolean().default(true),
        memoryMb: z.number().int().min(128).max(10240).default(INGEST_DEFAULTS.memoryMb),
        timeoutSeconds: z.number().int().min(30).max(900).default(INGEST_DEFAULTS.timeoutSeconds),
        /** Concurrent executions reserved (and capped) for the function. */
        reservedConcurrency: z.number().int().min(1).max(1000).default(INGEST_DEFAULTS.reservedConcurrency),
        /** V8 old-space cap: keeps RSS flat with volume (the bench measures with the default). */
        heapMb: z.number().int().min(64).max(8192).default(INGEST_DEFAULTS.heapMb),
        /** Retries, timeouts and output files (functions/saas-ingest/tuning.ts). @default - its defaults */
        tuning: ingestTuningSchema.prefault({}),
      })
      .refine((v) => v.heapMb <= v.memoryMb * 0.75, {
        message: "heapMb may be at most 75% of memoryMb",
        path: ["heapMb"],
      })
      .prefault({}),
    /** The curate runner (functions/curate): Step Functions + Lambda steps + Athena. */
    curate: z
      .object({
        enabled: z.boolean().default(true),
        /** Athena's price per TB scanned, for each run's cost estimate. @default 5 */
        usdPerTbScanned: z.number().min(0).default(CURATE_DEFAULTS.usdPerTbScanned),
        /** Timeout of one Athena query run by the state machine. @default 3600 */
        queryTimeoutSeconds: z.number().int().min(60).max(86400).default(CURATE_DEFAULTS.queryTimeoutSeconds),
        /** Timeout of a whole execution (every transform of one event). @default 21600 */
        executionTimeoutSeconds: z
          .number()
          .int()
          .min(300)
          .max(31_536_000)
          .default(CURATE_DEFAULTS.executionTimeoutSeconds),
        memoryMb: z.number().int().min(128).max(10240).default(CURATE_DEFAULTS.memoryMb),
        reservedConcurrency: z.number().int().min(1).max(1000).default(CURATE_DEFAULTS.reservedConcurrency),
      })
      .prefault({}),
    alarmEmails: z.array(z.email()).default([]),
  }),
  gcp: z.object({
    projectId: gcpProjectId,
    /** Project number (`gcloud projects describe <id> --format='value(projectNumber)'`): WIF provider names use it. */
    projectNumber: z.string().regex(/^\d{6,20}$/, "must be the numeric GCP project number"),
    /** BigQuery / KMS location. @default "asia-northeast1" */
    location: z
      .string()
      .regex(/^(US|EU|[a-z]+-[a-z]+\d)$/, "must be a BigQuery location such as asia-northeast1, US or EU")
      .default("asia-northeast1"),
    /** Google group with read access to the mart dataset. */
    readerGroup: z.email().optional(),
    /** Default expiration of tables in the staging dataset, in days. */
    stagingTableExpirationDays: z.number().int().min(1).default(BIGQUERY_DEFAULTS.stagingTableExpirationDays),
    /** BigQuery dataset ids per layer (letters, digits, underscores; at most 1024). */
    datasets: z
      .object({
        staging: datasetId.default("iics_staging"),
        dwh: datasetId.default("dwh"),
        mart: datasetId.default("mart"),
      })
      .prefault({}),
    /** Rotation period of the CMEK key, in days. @default 90 */
    kmsRotationDays: z.number().int().min(1).max(36500).default(BIGQUERY_DEFAULTS.rotationDays),
  }),
  github: z.object({
    /** `owner/name` of this repository: CI identities trust only it. */
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name"),
    /** Numeric id of the repository (`gh api repos/<owner>/<name> --jq .id`): GCP trusts match it. */
    repositoryId: z.string().regex(/^\d{1,20}$/, "must be the numeric GitHub repository id"),
    /**
     * Who must approve a deployment to this environment's GitHub environment (user logins, team
     * slugs of the repository's organisation). Required (at least one) unless protection is "none". @default none
     */
    reviewers: z
      .object({
        users: z.array(z.string().min(1)).default([]),
        teams: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
  }),
  state: stateSchema,
});

export type SourceInput = z.input<typeof sourceSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentSettings = z.output<typeof environmentSchema>;
export type EnvironmentConfig = EnvironmentSettings & { name: EnvironmentName };
export type SourceConfig = z.output<typeof sourceSchema>;
