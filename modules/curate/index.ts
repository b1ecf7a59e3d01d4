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
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { COMMON_ENV, CURATE_ENV, CURATE_METRICS, RUN_METRICS } from "../../functions/shared/contracts";
import { InvalidPropsError } from "../../lib/props";
import type { Protection } from "../../lib/protection";
import { scheduleName } from "../../lib/rules/names";
import type { Athena } from "../athena";
import type { Catalog } from "../catalog";
import { CuratedTable } from "../curated-table";
import { ServiceRole } from "../iam/service-role";
import { type AlarmTarget, metricAlarm, ONCE_IN_FIVE_MINUTES } from "../monitoring";
import {
  PIPELINE_DEFAULTS,
  PIPELINE_RUNTIME,
  PipelineFunction,
  type PipelineModuleProps,
  scheduleNameLengthProblem,
} from "../pipeline-function";
import type { SecureBucket } from "../secure-bucket";
import type { Timestream } from "../timestream";
import { CURATE_DEFAULTS } from "./defaults";
import { curateDefinition } from "./definition";
import { SFN_LOG_DELIVERY, XRAY_WRITE } from "./perms";

export { CURATE_DEFAULTS };

export interface CurateTransform {
  readonly id: string;
  readonly table: string;
  readonly dependsOn: readonly string[];
  readonly target: { readonly columns: ReadonlyArray<{ name: string; type: string }> };
  /** Scheduler expression for runs besides publish events. @default - runs only when a dependency publishes */
  readonly schedule?: string;
  /** IANA time zone of `schedule`. @default "Asia/Tokyo" */
  readonly scheduleTimezone?: string;
}

/**
 * `functionName` (`curateName`: `<prefix>-<env>-curate`) names the function and the state
 * machine, and prefixes its roles (`-sfn`, `-trigger`, `-scheduler`), schedules
 * (`-<transform id>`, at most 64 characters) and alarms.
 */
export interface CurateProps extends PipelineModuleProps {
  /** The curated bucket: the state machine writes only its tables' locations. */
  readonly curatedBucket: SecureBucket;
  /** The environment's workgroup the queries run in. */
  readonly athena: Athena;
  /** The workgroup's results bucket (the Lambda reads the check query's results). */
  readonly athenaResultsBucket: SecureBucket;
  /**
   * The environment's Glue catalog: the state machine is granted, through it, the raw tables (and
   * raw prefixes) its transforms read and the curated tables they write.
   */
  readonly catalog: Catalog;
  /** Ingestion sources: id and raw prefix. */
  readonly sources: ReadonlyArray<{ id: string; prefix: string }>;
  /** The transforms: one Iceberg table each; run in dependency order. */
  readonly transforms: ReadonlyArray<CurateTransform>;
  /** EventBridge `source` and `detail-type` of ingestion's publish event. */
  readonly event: { source: string; detailType: string };
  /** Run metrics also to Timestream. @default - EMF only */
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
  /** Protection level of the environment: `strict` keeps the curated tables from destroy. @default "standard" */
  readonly protection?: Protection;
}

export const CURATE_RUNTIME = PIPELINE_RUNTIME;

/** Problems of the props the module itself can see (the config loader reports them earlier). */
export function curateProblems(p: CurateProps): string[] {
  const out: string[] = [];
  const sources = new Set(p.sources.map((s) => s.id));
  const transforms = new Set(p.transforms.map((t) => t.id));
  for (const t of p.transforms) {
    for (const d of t.dependsOn)
      if (!sources.has(d) && !transforms.has(d))
        out.push(`transforms[${t.id}].dependsOn: "${d}" is neither a source nor a transform`);
    if (!t.schedule) continue;
    const tooLong = scheduleNameLengthProblem(
      `transforms[${t.id}]`,
      "transform",
      scheduleName(p.functionName, t.id),
    );
    if (tooLong) out.push(tooLong);
  }
  if (p.usdPerTbScanned !== undefined && !(p.usdPerTbScanned >= 0))
    out.push(`usdPerTbScanned: a number >= 0 (got ${p.usdPerTbScanned})`);
  return out;
}

export class Curate extends Construct {
  readonly pipeline: PipelineFunction;
  readonly fn: PipelineFunction["fn"];
  readonly stateMachine: SfnStateMachine;
  readonly functionRole: ServiceRole;
  readonly stateMachineRole: ServiceRole;
  readonly tables: Record<string, CuratedTable> = {};
  readonly rule?: CloudwatchEventRule;
  readonly failures: PipelineFunction["failures"];

  constructor(scope: Construct, id: string, props: CurateProps) {
    super(scope, id);
    const problems = curateProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`Curate ${this.node.path}`, problems);
    const { key } = props;
    const d = CURATE_DEFAULTS;
    const fnName = props.functionName;
    const smName = props.functionName;
    const stateMachineArn = `arn:aws:states:${props.region}:${props.accountId}:stateMachine:${smName}`;
    const retention = props.logRetentionDays ?? PIPELINE_DEFAULTS.logRetentionDays;
    const sourceById = new Map(props.sources.map((s) => [s.id, s]));
    // References (not names): the tables and the function depend on the databases existing.
    const rawDatabase = props.catalog.rawDatabase.name;
    const curatedDatabase = props.catalog.curatedDatabase.name;

    for (const t of props.transforms) {
      this.tables[t.id] = new CuratedTable(this, `table-${t.id}`, {
        databaseName: curatedDatabase,
        tableName: t.table,
        bucket: props.curatedBucket,
        columns: t.target.columns,
        description: `Curated by transform ${t.id} (transforms/${t.id}.sql)`,
        protection: props.protection,
      });
    }

    // --- the Lambda (steps); `Default`: its resources keep the addresses they had before ---
    this.pipeline = new PipelineFunction(this, "Default", {
      functionName: fnName,
      description: "Curate runner steps: plan, prepare, check, record (queries run in Step Functions)",
      accountId: props.accountId,
      bundle: props.bundle,
      key,
      timestream: props.timestream,
      metrics: { service: CURATE_METRICS.service, namespace: CURATE_METRICS.namespace },
      memoryMb: props.memoryMb ?? d.memoryMb,
      timeoutSeconds: 60,
      reservedConcurrency: props.reservedConcurrency ?? d.reservedConcurrency,
      logRetentionDays: retention,
      // A failed step is recorded and retried by the state machine, not by Lambda.
      asyncRetries: 0,
      asyncMaxEventAgeSeconds: 3600,
      environment: {
        [COMMON_ENV.configTable]: props.settings.table.name,
        [CURATE_ENV.graph]: JSON.stringify(
          props.transforms.map((t) => ({ id: t.id, dependsOn: t.dependsOn })),
        ),
        [CURATE_ENV.rawDatabase]: rawDatabase,
        [CURATE_ENV.curatedDatabase]: curatedDatabase,
        [CURATE_ENV.curatedBucket]: props.curatedBucket.bucketName,
        [CURATE_ENV.stateMachineArn]: stateMachineArn,
        [CURATE_ENV.usdPerTbScanned]: String(props.usdPerTbScanned ?? d.usdPerTbScanned),
      },
      alarmTarget: props.monitoring,
      errorsAlarm: { name: `${smName}-function-errors`, description: "The curate Lambda failed" },
      failuresQueuedAlarm: {
        description: "Curate trigger events could not be delivered (dead-letter queue)",
      },
    });
    this.fn = this.pipeline.fn;
    this.failures = this.pipeline.failures;
    const fnRole = this.pipeline.role;
    this.functionRole = fnRole;
    fnRole.addToPolicy({ Effect: "Allow", Action: ["states:StartExecution"], Resource: stateMachineArn });
    props.athena.grantReadResults(fnRole);
    props.settings.grantReadWrite(fnRole);

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
    // Each curated table and its staging tables (`<table>__stg_<run>`, created and dropped per run).
    const curatedTables = props.transforms.flatMap((t) => [t.table, `${t.table}__stg_*`]);
    props.catalog.grantReadSources(smRole, rawSources);
    props.catalog.grantReadTables(smRole, "curated", curatedTables);
    props.catalog.grantWriteTables(smRole, "curated", curatedTables);
    for (const table of Object.values(this.tables)) table.grantReadWriteData(smRole);
    key.grantEncryptDecrypt(smRole);

    const definition = curateDefinition({
      functionArn: this.fn.arn,
      workgroup: props.athena.workgroup.name,
      curatedDatabase,
      queryTimeoutSeconds: props.queryTimeoutSeconds ?? d.queryTimeoutSeconds,
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: smName,
      type: "STANDARD",
      roleArn: smRole.arn,
      definition: JSON.stringify({
        ...definition,
        TimeoutSeconds: props.executionTimeoutSeconds ?? d.executionTimeoutSeconds,
      }),
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
    const startExecution = { arn: this.stateMachine.arn, actions: ["states:StartExecution"] };
    for (const t of props.transforms.filter((t) => t.schedule)) {
      this.pipeline.addSchedule(`schedule-${t.id}`, {
        name: scheduleName(fnName, t.id),
        description: `Runs transform ${t.id}`,
        expression: t.schedule!,
        timezone: t.scheduleTimezone ?? d.scheduleTimezone,
        input: JSON.stringify({ transform: t.id, scheduledTime: "<aws.scheduler.scheduled-time>" }),
        target: startExecution,
      });
    }

    this.addAlarms(props.monitoring, smName, props.transforms);
  }

  /** The state machine's and each transform's alarms (the Lambda's are the pipeline's). */
  private addAlarms(target: AlarmTarget, name: string, transforms: ReadonlyArray<CurateTransform>) {
    const base = ONCE_IN_FIVE_MINUTES;
    const sm = { StateMachineArn: this.stateMachine.arn };
    metricAlarm(this, "executions-failed", target, {
      ...base,
      alarmName: `${name}-executions-failed`,
      alarmDescription: "A curate execution failed (a transform run failed: see its run record)",
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: sm,
    });
    metricAlarm(this, "executions-timed-out", target, {
      ...base,
      alarmName: `${name}-executions-timed-out`,
      alarmDescription: "A curate execution timed out",
      namespace: "AWS/States",
      metricName: "ExecutionsTimedOut",
      dimensions: sm,
    });
    for (const t of transforms) {
      metricAlarm(this, `failed-${t.id}`, target, {
        ...base,
        alarmName: `${name}-${t.id}-failed`,
        alarmDescription: `A run of transform ${t.id} failed; a failed check names the check, column and bad rows in the run record (transform#${t.id} / run#<date>)`,
        namespace: CURATE_METRICS.namespace,
        metricName: RUN_METRICS.failed,
        dimensions: { service: CURATE_METRICS.service, [CURATE_METRICS.transformDimension]: t.id },
      });
    }
    target.addWidget("Curate executions", [
      ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", this.stateMachine.arn],
      ["AWS/States", "ExecutionsFailed", "StateMachineArn", this.stateMachine.arn],
    ]);
  }
}
