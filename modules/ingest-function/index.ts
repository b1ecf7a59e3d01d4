/**
 * The SaaS ingestion Lambda and its schedules: bundled at synth (esbuild) as an asset, nodejs22.x
 * on arm64, X-Ray tracing, JSON logs to a KMS-encrypted log group with retention, env vars
 * encrypted with the platform key, reserved concurrency, failed async invocations to an encrypted
 * SQS queue, a least-privilege role, one EventBridge Scheduler schedule per enabled source, and
 * alarms on errors, throttles, queued failures and missed runs.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { Bundle } from "../../functions/build";
import type { SourceSettings } from "../../functions/saas-ingest/core/settings";
import { type IngestTuning, ingestTuningEnv } from "../../functions/saas-ingest/tuning";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import type { Monitoring } from "../monitoring";
import type { SecureBucket } from "../secure-bucket";
import type { SettingsTable } from "../settings-table";
import type { Timestream } from "../timestream";

export interface IngestSource {
  readonly id: string;
  readonly settings: SourceSettings;
}

export interface IngestFunctionProps {
  readonly functionName: string;
  /** Role name (the GCP WIF `aws` provider trusts exactly this role). */
  readonly roleName: string;
  readonly accountId: string;
  readonly region: string;
  /** The bundled handler (`bundleFunction("saas-ingest")`): its deterministic zip is the package. */
  readonly bundle: Bundle;
  readonly key: KmsKey;
  readonly settings: SettingsTable;
  readonly rawBucket: SecureBucket;
  readonly sources: ReadonlyArray<IngestSource>;
  readonly timestream?: Timestream;
  readonly monitoring: Monitoring;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 900 */
  readonly timeoutSeconds?: number;
  /** @default 5 */
  readonly reservedConcurrency?: number;
  /** V8 old-space cap in MB. @default 128 */
  readonly heapMb?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** EventBridge bus the function announces each publish on (functions/shared/events.ts). @default - none */
  readonly eventBusName?: string;
  /** Retries, timeouts, output files (set as environment variables). @default - INGEST_TUNING's defaults */
  readonly tuning?: Partial<IngestTuning>;
}

/** The newest Node.js runtime hashicorp/aws 5.100.0 accepts. */
export const INGEST_RUNTIME = "nodejs22.x";

export class IngestFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: ServiceRole;
  readonly failures: SqsQueue;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const { key } = props;
    // The zip is built (and cached) by bundleFunction: cdktf only copies it, no re-zip per stack.
    const asset = new TerraformAsset(this, "bundle", {
      path: props.bundle.zip,
      type: AssetType.FILE,
      assetHash: props.bundle.sha256,
    });
    const logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: key.arn,
    });
    this.failures = new SqsQueue(this, "failures", {
      name: `${props.functionName}-failures`,
      kmsMasterKeyId: key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 86400,
    });

    this.role = new ServiceRole(this, "role", {
      name: props.roleName,
      service: "lambda.amazonaws.com",
      accountId: props.accountId,
    });
    const role = this.role;
    role.addToPolicy(
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroup.arn}:*`,
      },
      { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.failures.arn },
    );
    props.settings.grantReadWrite(role);
    for (const s of props.sources) props.rawBucket.grantReadWrite(role, s.settings.target.prefix);
    props.rawBucket.grantReadWrite(role, "_staging");
    const secretIds = [
      ...new Set(
        props.sources.flatMap((s) => (s.settings.auth.type === "none" ? [] : [s.settings.auth.secretId])),
      ),
    ];
    if (secretIds.length > 0) {
      role.addToPolicy({
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: secretIds.map((sid) =>
          sid.startsWith("arn:")
            ? sid
            : `arn:aws:secretsmanager:${props.region}:${props.accountId}:secret:${sid}-*`,
        ),
      });
    }
    props.timestream?.grantWrite(role);
    if (props.eventBusName) {
      role.addToPolicy({
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: `arn:aws:events:${props.region}:${props.accountId}:event-bus/${props.eventBusName}`,
      });
    }
    key.grantEncryptDecrypt(role);

    this.fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "Pulls SaaS API data into the raw bucket (settings in DynamoDB)",
      role: role.arn,
      runtime: INGEST_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: props.bundle.sourceCodeHash,
      memorySize: props.memoryMb ?? 512,
      timeout: props.timeoutSeconds ?? 900,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      tracingConfig: { mode: "Active" },
      kmsKeyArn: key.arn,
      loggingConfig: {
        logFormat: "JSON",
        logGroup: logGroup.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      environment: {
        variables: {
          CONFIG_TABLE_NAME: props.settings.table.name,
          RAW_BUCKET_NAME: props.rawBucket.bucketName,
          ...(props.timestream
            ? {
                TIMESTREAM_DATABASE_NAME: props.timestream.database.databaseName,
                TIMESTREAM_TABLE_NAME: props.timestream.table.tableName,
              }
            : {}),
          ...(props.eventBusName ? { EVENT_BUS_NAME: props.eventBusName } : {}),
          ...ingestTuningEnv(props.tuning),
          NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${props.heapMb ?? 128}`,
          POWERTOOLS_SERVICE_NAME: "saas-ingest",
          POWERTOOLS_METRICS_NAMESPACE: "DataPlatform/Ingest",
        },
      },
      dependsOn: [logGroup],
    });
    new LambdaFunctionEventInvokeConfig(this, "async", {
      functionName: this.fn.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.failures.arn } },
    });

    const schedulerRole = new ServiceRole(this, "scheduler-role", {
      name: `${props.functionName}-scheduler`,
      service: "scheduler.amazonaws.com",
      accountId: props.accountId,
    });
    schedulerRole.addToPolicy(
      { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: this.fn.arn },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.failures.arn },
    );
    key.grantEncryptDecrypt(schedulerRole);
    const scheduled = props.sources.filter((s) => s.settings.enabled && s.settings.schedule);
    for (const s of scheduled) {
      new SchedulerSchedule(this, `schedule-${s.id}`, {
        name: `${props.functionName}-${s.id}`.slice(0, 64),
        description: `Runs ${s.id}`,
        scheduleExpression: s.settings.schedule!,
        scheduleExpressionTimezone: s.settings.scheduleTimezone,
        flexibleTimeWindow: { mode: "OFF" },
        kmsKeyArn: key.arn,
        target: {
          arn: this.fn.arn,
          roleArn: schedulerRole.arn,
          input: JSON.stringify({ sourceId: s.id }),
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: this.failures.arn },
        },
      });
    }
    this.addAlarms(props.monitoring, props.functionName, scheduled);
  }

  private addAlarms(m: Monitoring, name: string, scheduled: ReadonlyArray<IngestSource>) {
    const fnDims = { FunctionName: this.fn.functionName };
    const base = {
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      statistic: "Sum",
    };
    m.addAlarm("ingest-errors", {
      ...base,
      alarmName: `${name}-errors`,
      alarmDescription: "Ingestion runs failed",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: fnDims,
    });
    m.addAlarm("ingest-throttles", {
      ...base,
      alarmName: `${name}-throttles`,
      alarmDescription: "Ingestion invocations throttled",
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: fnDims,
    });
    m.addAlarm("ingest-failures-queue", {
      ...base,
      alarmName: `${name}-failures-queued`,
      alarmDescription: "Failed ingestion events are waiting in the failure queue",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: this.failures.name },
    });
    for (const s of scheduled) {
      m.addAlarm(`ingest-missed-${s.id}`, {
        alarmName: `${name}-${s.id}-missed-run`,
        alarmDescription: `No successful run of ${s.id} in the last 26 hours`,
        namespace: "DataPlatform/Ingest",
        metricName: "runSucceeded",
        dimensions: { service: "saas-ingest", sourceId: s.id },
        statistic: "Sum",
        period: 3600,
        evaluationPeriods: 26,
        datapointsToAlarm: 26,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
      });
    }
    m.addWidget("Ingestion invocations / errors / throttles", [
      ["AWS/Lambda", "Invocations", "FunctionName", this.fn.functionName],
      ["AWS/Lambda", "Errors", "FunctionName", this.fn.functionName],
      ["AWS/Lambda", "Throttles", "FunctionName", this.fn.functionName],
    ]);
  }
}
