/**
 * The BigQuery reconciliation Lambda (functions/bq-reconcile) and what it needs:
 * - bundled at synth, nodejs22.x on arm64, X-Ray, JSON logs to a KMS log group with retention,
 *   env vars encrypted, reserved concurrency 1, failed async invocations to an encrypted queue;
 * - a role allowed to run Athena queries in the env's workgroup, read the Glue tables and the
 *   lake data they count, read its checks and write results in the settings table, and write
 *   reports under `_reports/bq-reconcile/` — no GCP key anywhere: the GCP side is reached with
 *   an external-account credential configuration (WIF audience + service account, no secret) in
 *   `GOOGLE_EXTERNAL_ACCOUNT`, exchanged at run time from the role's own AWS credentials;
 * - an EventBridge Scheduler schedule after the IICS load window;
 * - alarms per check: failed (short, excess, error), BigQuery stale, no result in 26 hours; and
 *   on function errors.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { externalAccountConfig } from "../../functions/bq-reconcile/core/credential-config";
import type { Bundle } from "../../functions/build";
import type { Athena } from "../athena";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import type { Monitoring } from "../monitoring";
import type { SecureBucket } from "../secure-bucket";
import type { SettingsTable } from "../settings-table";
import { GLUE_READ, LOGS_WRITE, XRAY_WRITE } from "./perms";

/** Namespace and service of the function's metrics (EMF). */
export const RECONCILE_NAMESPACE = "DataPlatform/Reconcile";
export const RECONCILE_SERVICE = "bq-reconcile";

export interface ReconcileFunctionProps {
  readonly functionName: string;
  /** Role name: the GCP WIF `aws` provider admits exactly this role. */
  readonly roleName: string;
  readonly accountId: string;
  readonly region: string;
  /** The bundled handler (`bundleFunction(...)`): its deterministic zip is the package. */
  readonly bundle: Bundle;
  readonly key: KmsKey;
  /** Holds the checks' settings items (`reconcile#<id>` / `config`) and the results. */
  readonly settings: SettingsTable;
  readonly athena: Athena;
  /** Glue databases the checks count in (names). */
  readonly glueDatabases: ReadonlyArray<string>;
  /** Buckets holding the data Athena reads for the checks. */
  readonly dataBuckets: ReadonlyArray<SecureBucket>;
  /** Where reports go (`_reports/bq-reconcile/`). */
  readonly reportBucket: SecureBucket;
  readonly checkIds: ReadonlyArray<string>;
  readonly gcp: {
    readonly projectId: string;
    readonly projectNumber: string;
    readonly location: string;
    readonly poolId: string;
    readonly providerId: string;
    readonly serviceAccountEmail: string;
  };
  /** Cap per BigQuery count query. */
  readonly maximumBytesBilled: number;
  readonly schedule: { expression: string; timezone: string; runDateOffsetDays: number };
  readonly monitoring: Monitoring;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default 300 */
  readonly timeoutSeconds?: number;
}

export class ReconcileFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: ServiceRole;
  readonly failures: SqsQueue;
  /** The credential configuration given to the function (no key material). */
  readonly credentialConfig: string;

  constructor(scope: Construct, id: string, props: ReconcileFunctionProps) {
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
    const glue = (path: string) => `arn:aws:glue:${props.region}:${props.accountId}:${path}`;
    role.addToPolicy(
      { Effect: "Allow", Action: [...LOGS_WRITE], Resource: `${logGroup.arn}:*` },
      { Effect: "Allow", Action: [...XRAY_WRITE], Resource: "*" },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.failures.arn },
      {
        Effect: "Allow",
        Action: [...GLUE_READ],
        Resource: [
          glue("catalog"),
          ...props.glueDatabases.flatMap((d) => [glue(`database/${d}`), glue(`table/${d}/*`)]),
        ],
      },
    );
    props.athena.grantRunQueries(role);
    for (const b of props.dataBuckets) b.grantRead(role);
    props.reportBucket.grantReadWrite(role, "_reports/bq-reconcile");
    props.settings.grantReadWrite(role);
    key.grantEncryptDecrypt(role);

    this.credentialConfig = JSON.stringify(
      externalAccountConfig({
        projectNumber: props.gcp.projectNumber,
        poolId: props.gcp.poolId,
        providerId: props.gcp.providerId,
        serviceAccountEmail: props.gcp.serviceAccountEmail,
      }),
    );
    this.fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "Reconciles Athena row counts with the BigQuery tables IICS loads (keyless GCP access)",
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: props.bundle.sourceCodeHash,
      memorySize: 512,
      timeout: props.timeoutSeconds ?? 300,
      reservedConcurrentExecutions: 1,
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
          REPORT_BUCKET_NAME: props.reportBucket.bucketName,
          RECONCILE_CHECK_IDS: props.checkIds.join(","),
          ATHENA_WORKGROUP: props.athena.workgroup.name,
          GCP_PROJECT_ID: props.gcp.projectId,
          BQ_LOCATION: props.gcp.location,
          BQ_MAXIMUM_BYTES_BILLED: String(props.maximumBytesBilled),
          GOOGLE_EXTERNAL_ACCOUNT: this.credentialConfig,
          RUN_DATE_OFFSET_DAYS: String(props.schedule.runDateOffsetDays),
          RUN_DATE_TIMEZONE: props.schedule.timezone,
          NODE_OPTIONS: "--enable-source-maps",
          POWERTOOLS_SERVICE_NAME: RECONCILE_SERVICE,
          POWERTOOLS_METRICS_NAMESPACE: RECONCILE_NAMESPACE,
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
    new SchedulerSchedule(this, "schedule", {
      name: props.functionName.slice(0, 64),
      description: "Reconciles yesterday's IICS loads after the load window",
      scheduleExpression: props.schedule.expression,
      scheduleExpressionTimezone: props.schedule.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn: key.arn,
      target: {
        arn: this.fn.arn,
        roleArn: schedulerRole.arn,
        input: "{}",
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.failures.arn },
      },
    });
    this.addAlarms(props.monitoring, props.functionName, props.checkIds);
  }

  private addAlarms(m: Monitoring, name: string, checkIds: ReadonlyArray<string>) {
    const base = {
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      namespace: RECONCILE_NAMESPACE,
    };
    m.addAlarm("reconcile-errors", {
      ...base,
      alarmName: `${name}-errors`,
      alarmDescription: "Reconcile invocations failed (bad request, environment or settings)",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      statistic: "Sum",
      dimensions: { FunctionName: this.fn.functionName },
    });
    for (const id of checkIds) {
      const dimensions = { service: RECONCILE_SERVICE, checkId: id };
      m.addAlarm(`reconcile-${id}-failed`, {
        ...base,
        alarmName: `${name}-${id}-failed`,
        alarmDescription: `Check ${id}: BigQuery rows differ from Athena beyond tolerance, or the check could not run (see the report)`,
        metricName: "checkFailed",
        statistic: "Maximum",
        dimensions,
      });
      m.addAlarm(`reconcile-${id}-stale`, {
        ...base,
        alarmName: `${name}-${id}-stale`,
        alarmDescription: `Check ${id}: the BigQuery table was not modified within its freshness window`,
        metricName: "stale",
        statistic: "Maximum",
        dimensions,
      });
      m.addAlarm(`reconcile-${id}-missing`, {
        alarmName: `${name}-${id}-no-result`,
        alarmDescription: `Check ${id}: no reconciliation result in the last 26 hours`,
        namespace: RECONCILE_NAMESPACE,
        metricName: "checkFailed",
        dimensions,
        statistic: "SampleCount",
        period: 3600,
        evaluationPeriods: 26,
        datapointsToAlarm: 26,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
      });
    }
    m.addWidget(
      "Reconcile: row difference and lateness (hours)",
      checkIds.flatMap((id) => [
        [RECONCILE_NAMESPACE, "difference", "service", RECONCILE_SERVICE, "checkId", id],
        [RECONCILE_NAMESPACE, "latenessHours", "service", RECONCILE_SERVICE, "checkId", id],
      ]),
      "Maximum",
    );
  }
}
