/**
 * The curate runner of one environment, all derived from config/transforms.ts:
 * - one Iceberg table per transform in the curated Glue database (modules/curated-table);
 * - the runner Lambda (the steps), nodejs22.x arm64, X-Ray, KMS logs and env, reserved
 *   concurrency, failed async invocations to an encrypted queue;
 * - a Step Functions Standard state machine (definition.ts) that runs each query with the Athena
 *   integration (`.sync`), logged and traced, encrypted with the platform key;
 * - an EventBridge rule routing ingestion's `RawPartitionPublished` events (for sources that
 *   have dependants) to the state machine; a Scheduler schedule per transform with `schedule`;
 * - least-privilege roles: the state machine (which runs the queries) reads only the raw
 *   prefixes and tables its transforms depend on and writes only its curated tables' locations,
 *   in its environment's workgroup; the Lambda reads query results and the settings table;
 * - alarms: failed or timed-out executions, Lambda errors, queued failures, and a failed run
 *   (e.g. a failed check) per transform.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { Bundle } from "../../functions/build";
import type { Athena } from "../athena";
import { CuratedTable } from "../curated-table";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import type { Monitoring } from "../monitoring";
import type { SecureBucket } from "../secure-bucket";
import type { SettingsTable } from "../settings-table";
import type { Timestream } from "../timestream";
import { curateDefinition } from "./definition";
import { ATHENA_READ_RESULTS, GLUE_READ, GLUE_WRITE, SFN_LOG_DELIVERY, XRAY_WRITE } from "./perms";

export interface CurateTransform {
  readonly id: string;
  readonly table: string;
  readonly dependsOn: readonly string[];
  readonly target: { readonly columns: ReadonlyArray<{ name: string; type: string }> };
  readonly schedule?: string;
  readonly scheduleTimezone?: string;
}

export interface CurateProps {
  /** `<prefix>-<env>`: names every resource. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** The bundled handler (`bundleFunction(...)`): its deterministic zip is the package. */
  readonly bundle: Bundle;
  readonly key: KmsKey;
  readonly settings: SettingsTable;
  readonly rawBucket: SecureBucket;
  readonly curatedBucket: SecureBucket;
  readonly athena: Athena;
  /** The workgroup's results bucket (the Lambda reads the check query's results). */
  readonly athenaResultsBucket: SecureBucket;
  readonly rawDatabase: string;
  readonly curatedDatabase: string;
  /** Ingestion sources: id and raw prefix. */
  readonly sources: ReadonlyArray<{ id: string; prefix: string }>;
  readonly transforms: ReadonlyArray<CurateTransform>;
  /** EventBridge `source` and `detail-type` of ingestion's publish event. */
  readonly event: { source: string; detailType: string };
  readonly monitoring: Monitoring;
  readonly timestream?: Timestream;
  /** @default 5 */
  readonly usdPerTbScanned?: number;
  /** @default 3600 */
  readonly queryTimeoutSeconds?: number;
  /** @default 21600 */
  readonly executionTimeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 5 */
  readonly reservedConcurrency?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
}

export const CURATE_RUNTIME = "nodejs22.x";

export class Curate extends Construct {
  readonly fn: LambdaFunction;
  readonly stateMachine: SfnStateMachine;
  readonly functionRole: ServiceRole;
  readonly stateMachineRole: ServiceRole;
  readonly tables: Record<string, CuratedTable> = {};
  readonly rule?: CloudwatchEventRule;
  readonly failures: SqsQueue;

  constructor(scope: Construct, id: string, props: CurateProps) {
    super(scope, id);
    const { key, name } = props;
    const fnName = `${name}-curate`;
    const smName = `${name}-curate`;
    const stateMachineArn = `arn:aws:states:${props.region}:${props.accountId}:stateMachine:${smName}`;
    const retention = props.logRetentionDays ?? 365;
    const glueArn = (kind: string, path: string) =>
      `arn:aws:glue:${props.region}:${props.accountId}:${kind}/${path}`;
    const catalogArn = `arn:aws:glue:${props.region}:${props.accountId}:catalog`;
    const sourceById = new Map(props.sources.map((s) => [s.id, s]));

    for (const t of props.transforms) {
      this.tables[t.id] = new CuratedTable(this, `table-${t.id}`, {
        databaseName: props.curatedDatabase,
        tableName: t.table,
        bucket: props.curatedBucket,
        columns: t.target.columns,
        description: `Curated by transform ${t.id} (transforms/${t.id}.sql)`,
      });
    }

    this.failures = new SqsQueue(this, "failures", {
      name: `${fnName}-failures`,
      kmsMasterKeyId: key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 86400,
    });

    // --- the Lambda (steps) ---
    // The zip is built (and cached) by bundleFunction: cdktf only copies it, no re-zip per stack.
    const asset = new TerraformAsset(this, "bundle", {
      path: props.bundle.zip,
      type: AssetType.FILE,
      assetHash: props.bundle.sha256,
    });
    const fnLogs = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${fnName}`,
      retentionInDays: retention,
      kmsKeyId: key.arn,
    });
    const fnRole = new ServiceRole(this, "role", {
      name: fnName,
      service: "lambda.amazonaws.com",
      accountId: props.accountId,
    });
    this.functionRole = fnRole;
    fnRole.addToPolicy(
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${fnLogs.arn}:*` },
      { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.failures.arn },
      { Effect: "Allow", Action: [...ATHENA_READ_RESULTS], Resource: props.athena.workgroup.arn },
      { Effect: "Allow", Action: ["states:StartExecution"], Resource: stateMachineArn },
    );
    props.athenaResultsBucket.grantRead(fnRole, "results");
    props.settings.grantReadWrite(fnRole);
    props.timestream?.grantWrite(fnRole);
    key.grantEncryptDecrypt(fnRole);

    this.fn = new LambdaFunction(this, "function", {
      functionName: fnName,
      description: "Curate runner steps: plan, prepare, check, record (queries run in Step Functions)",
      role: fnRole.arn,
      runtime: CURATE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: props.bundle.sourceCodeHash,
      memorySize: props.memoryMb ?? 256,
      timeout: 60,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      tracingConfig: { mode: "Active" },
      kmsKeyArn: key.arn,
      loggingConfig: {
        logFormat: "JSON",
        logGroup: fnLogs.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      environment: {
        variables: {
          CONFIG_TABLE_NAME: props.settings.table.name,
          CURATE_GRAPH: JSON.stringify(props.transforms.map((t) => ({ id: t.id, dependsOn: t.dependsOn }))),
          RAW_DATABASE: props.rawDatabase,
          CURATED_DATABASE: props.curatedDatabase,
          CURATED_BUCKET: props.curatedBucket.bucketName,
          STATE_MACHINE_ARN: stateMachineArn,
          USD_PER_TB_SCANNED: String(props.usdPerTbScanned ?? 5),
          ...(props.timestream
            ? {
                TIMESTREAM_DATABASE_NAME: props.timestream.database.databaseName,
                TIMESTREAM_TABLE_NAME: props.timestream.table.tableName,
              }
            : {}),
          NODE_OPTIONS: "--enable-source-maps",
          POWERTOOLS_SERVICE_NAME: "curate",
          POWERTOOLS_METRICS_NAMESPACE: "DataPlatform/Curate",
        },
      },
      dependsOn: [fnLogs],
    });
    new LambdaFunctionEventInvokeConfig(this, "async", {
      functionName: this.fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: this.failures.arn } },
    });

    // --- the state machine (runs the queries, so it holds the data permissions) ---
    const smLogs = new CloudwatchLogGroup(this, "sfn-logs", {
      name: `/aws/vendedlogs/states/${smName}`,
      retentionInDays: retention,
      kmsKeyId: key.arn,
    });
    const smRole = new ServiceRole(this, "sfn-role", {
      name: `${smName}-sfn`,
      service: "states.amazonaws.com",
      accountId: props.accountId,
    });
    this.stateMachineRole = smRole;
    smRole.addToPolicy(
      { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [this.fn.arn, `${this.fn.arn}:*`] },
      { Effect: "Allow", Action: [...SFN_LOG_DELIVERY], Resource: "*" },
      { Effect: "Allow", Action: [...XRAY_WRITE], Resource: "*" },
    );
    props.athena.grantRunQueries(smRole);
    const rawSources = [
      ...new Set(props.transforms.flatMap((t) => t.dependsOn.filter((d) => sourceById.has(d)))),
    ];
    const curatedTables = props.transforms.map((t) => t.table);
    const readTables = [
      ...rawSources.map((s) => glueArn("table", `${props.rawDatabase}/${s}`)),
      ...curatedTables.flatMap((t) => [
        glueArn("table", `${props.curatedDatabase}/${t}`),
        glueArn("table", `${props.curatedDatabase}/${t}__stg_*`),
      ]),
    ];
    smRole.addToPolicy(
      {
        Effect: "Allow",
        Action: [...GLUE_READ],
        Resource: [
          catalogArn,
          glueArn("database", props.rawDatabase),
          glueArn("database", props.curatedDatabase),
          ...readTables,
        ],
      },
      {
        Effect: "Allow",
        Action: [...GLUE_WRITE],
        Resource: [
          catalogArn,
          glueArn("database", props.curatedDatabase),
          ...curatedTables.flatMap((t) => [
            glueArn("table", `${props.curatedDatabase}/${t}`),
            glueArn("table", `${props.curatedDatabase}/${t}__stg_*`),
          ]),
        ],
      },
    );
    for (const s of rawSources) props.rawBucket.grantRead(smRole, sourceById.get(s)!.prefix);
    for (const t of curatedTables) {
      props.curatedBucket.grantReadWrite(smRole, t);
      props.curatedBucket.grantReadWrite(smRole, `_staging/${t}`);
    }
    key.grantEncryptDecrypt(smRole);

    const definition = curateDefinition({
      functionArn: this.fn.arn,
      workgroup: props.athena.workgroup.name,
      curatedDatabase: props.curatedDatabase,
      queryTimeoutSeconds: props.queryTimeoutSeconds ?? 3600,
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: smName,
      type: "STANDARD",
      roleArn: smRole.arn,
      definition: JSON.stringify({ ...definition, TimeoutSeconds: props.executionTimeoutSeconds ?? 21600 }),
      loggingConfiguration: {
        level: "ERROR",
        includeExecutionData: false,
        logDestination: `${smLogs.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      encryptionConfiguration: {
        type: "CUSTOMER_MANAGED_KMS_KEY",
        kmsKeyId: key.arn,
        kmsDataKeyReusePeriodSeconds: 300,
      },
    });

    // --- triggers ---
    const triggerRole = new ServiceRole(this, "trigger-role", {
      name: `${smName}-trigger`,
      service: "events.amazonaws.com",
      accountId: props.accountId,
    });
    triggerRole.addToPolicy({
      Effect: "Allow",
      Action: ["states:StartExecution"],
      Resource: this.stateMachine.arn,
    });
    key.grantEncryptDecrypt(triggerRole);
    const triggeringSources = rawSources.sort();
    if (triggeringSources.length > 0) {
      this.rule = new CloudwatchEventRule(this, "on-publish", {
        name: `${smName}-on-publish`,
        description: "Ingestion published a raw partition of a source that curated tables depend on",
        eventPattern: JSON.stringify({
          source: [props.event.source],
          "detail-type": [props.event.detailType],
          detail: { sourceId: triggeringSources },
        }),
      });
      new CloudwatchEventTarget(this, "on-publish-target", {
        rule: this.rule.name,
        arn: this.stateMachine.arn,
        roleArn: triggerRole.arn,
        retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: this.failures.arn },
      });
      new SqsQueuePolicy(this, "failures-policy", {
        queueUrl: this.failures.url,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgeDeadLetters",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: this.failures.arn,
              Condition: { ArnEquals: { "aws:SourceArn": this.rule.arn } },
            },
          ],
        }),
      });
    }
    const scheduled = props.transforms.filter((t) => t.schedule);
    if (scheduled.length > 0) {
      const schedulerRole = new ServiceRole(this, "scheduler-role", {
        name: `${smName}-scheduler`,
        service: "scheduler.amazonaws.com",
        accountId: props.accountId,
      });
      schedulerRole.addToPolicy(
        { Effect: "Allow", Action: ["states:StartExecution"], Resource: this.stateMachine.arn },
        { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.failures.arn },
      );
      key.grantEncryptDecrypt(schedulerRole);
      for (const t of scheduled) {
        new SchedulerSchedule(this, `schedule-${t.id}`, {
          name: `${smName}-${t.id}`.slice(0, 64),
          description: `Runs transform ${t.id}`,
          scheduleExpression: t.schedule!,
          scheduleExpressionTimezone: t.scheduleTimezone ?? "Asia/Tokyo",
          flexibleTimeWindow: { mode: "OFF" },
          kmsKeyArn: key.arn,
          target: {
            arn: this.stateMachine.arn,
            roleArn: schedulerRole.arn,
            input: JSON.stringify({ transform: t.id, scheduledTime: "<aws.scheduler.scheduled-time>" }),
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: this.failures.arn },
          },
        });
      }
    }

    this.addAlarms(props.monitoring, smName, props.transforms);
  }

  private addAlarms(m: Monitoring, name: string, transforms: ReadonlyArray<CurateTransform>) {
    const base = {
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      statistic: "Sum",
    };
    const sm = { StateMachineArn: this.stateMachine.arn };
    m.addAlarm("curate-executions-failed", {
      ...base,
      alarmName: `${name}-executions-failed`,
      alarmDescription: "A curate execution failed (a transform run failed: see its run record)",
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: sm,
    });
    m.addAlarm("curate-executions-timed-out", {
      ...base,
      alarmName: `${name}-executions-timed-out`,
      alarmDescription: "A curate execution timed out",
      namespace: "AWS/States",
      metricName: "ExecutionsTimedOut",
      dimensions: sm,
    });
    m.addAlarm("curate-errors", {
      ...base,
      alarmName: `${name}-function-errors`,
      alarmDescription: "The curate Lambda failed",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.fn.functionName },
    });
    m.addAlarm("curate-failures-queued", {
      ...base,
      alarmName: `${name}-failures-queued`,
      alarmDescription: "Curate trigger events could not be delivered (dead-letter queue)",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: this.failures.name },
    });
    for (const t of transforms) {
      m.addAlarm(`curate-failed-${t.id}`, {
        ...base,
        alarmName: `${name}-${t.id}-failed`,
        alarmDescription: `A run of transform ${t.id} failed; a failed check names the check, column and bad rows in the run record (transform#${t.id} / run#<date>)`,
        namespace: "DataPlatform/Curate",
        metricName: "runFailed",
        dimensions: { service: "curate", transform: t.id },
      });
    }
    m.addWidget("Curate executions", [
      ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", this.stateMachine.arn],
      ["AWS/States", "ExecutionsFailed", "StateMachineArn", this.stateMachine.arn],
    ]);
  }
}
