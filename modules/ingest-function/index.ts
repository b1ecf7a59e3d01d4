/**
 * The SaaS ingestion Lambda and its schedules, on `PipelineFunction` (bundle, runtime, logs,
 * encrypted env, reserved concurrency, failure queue, role, alarms on errors, throttles and
 * queued failures): a least-privilege role (settings, each source's raw prefix and secret,
 * Timestream, the event bus), one EventBridge Scheduler schedule per enabled source with a
 * schedule, and a missed-run alarm per scheduled source.
 */
import { Construct } from "constructs";
import type { SourceSettings } from "../../functions/saas-ingest/core/settings";
import { type IngestTuning, ingestTuningEnv } from "../../functions/saas-ingest/tuning";
import { COMMON_ENV, INGEST_ENV, INGEST_METRICS, RUN_METRICS } from "../../functions/shared/contracts";
import { InvalidPropsError } from "../../lib/props";
import { scheduleName } from "../../lib/rules/names";
import type { ServiceRole } from "../iam/service-role";
import { metricAlarm, NONE_IN_26_HOURS } from "../monitoring";
import {
  PIPELINE_RUNTIME,
  PipelineFunction,
  type PipelineModuleProps,
  scheduleNameLengthProblem,
} from "../pipeline-function";
import type { SecureBucket } from "../secure-bucket";
import type { Timestream } from "../timestream";
import { INGEST_DEFAULTS } from "./defaults";

export { INGEST_DEFAULTS };

export interface IngestSource {
  readonly id: string;
  readonly settings: SourceSettings;
}

/** Schedules are `<functionName>-<source id>` (at most 64 characters). */
export interface IngestFunctionProps extends PipelineModuleProps {
  /** Role name (the GCP WIF `aws` provider trusts exactly this role). */
  readonly roleName: string;
  /** Each source writes under its `target.prefix`, staging under `_staging`. */
  readonly rawBucket: SecureBucket;
  /** The sources: each gets its prefix and secret granted and, when enabled with a schedule, a schedule and a missed-run alarm. */
  readonly sources: ReadonlyArray<IngestSource>;
  /** Run metrics also to Timestream. @default - EMF only */
  readonly timestream?: Timestream;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 900 */
  readonly timeoutSeconds?: number;
  /** @default 5 */
  readonly reservedConcurrency?: number;
  /** V8 old-space cap in MB. @default 128 */
  readonly heapMb?: number;
  /** EventBridge bus the function announces each publish on (functions/shared/events.ts). @default - none */
  readonly eventBusName?: string;
  /** Retries, timeouts, output files (set as environment variables). @default - INGEST_TUNING's defaults */
  readonly tuning?: Partial<IngestTuning>;
}

/** The newest Node.js runtime hashicorp/aws 5.100.0 accepts. */
export const INGEST_RUNTIME = PIPELINE_RUNTIME;

/** Problems of the props the module itself can see (the config loader reports them earlier). */
export function ingestFunctionProblems(p: IngestFunctionProps): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const s of p.sources) {
    if (ids.has(s.id)) out.push(`sources[${s.id}]: the id is used twice`);
    ids.add(s.id);
    if (!s.settings.enabled || !s.settings.schedule) continue;
    const tooLong = scheduleNameLengthProblem(
      `sources[${s.id}]`,
      "source",
      scheduleName(p.functionName, s.id),
    );
    if (tooLong) out.push(tooLong);
  }
  return out;
}

export class IngestFunction extends Construct {
  readonly pipeline: PipelineFunction;
  readonly fn: PipelineFunction["fn"];
  readonly role: ServiceRole;
  readonly failures: PipelineFunction["failures"];

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const problems = ingestFunctionProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`IngestFunction ${this.node.path}`, problems);
    const d = INGEST_DEFAULTS;
    const name = props.functionName;
    // `Default`: the resources keep the addresses they had before PipelineFunction existed.
    this.pipeline = new PipelineFunction(this, "Default", {
      functionName: name,
      roleName: props.roleName,
      description: "Pulls SaaS API data into the raw bucket (settings in DynamoDB)",
      accountId: props.accountId,
      bundle: props.bundle,
      key: props.key,
      timestream: props.timestream,
      metrics: { service: INGEST_METRICS.service, namespace: INGEST_METRICS.namespace },
      memoryMb: props.memoryMb ?? d.memoryMb,
      timeoutSeconds: props.timeoutSeconds ?? d.timeoutSeconds,
      reservedConcurrency: props.reservedConcurrency ?? d.reservedConcurrency,
      heapMb: props.heapMb ?? d.heapMb,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [COMMON_ENV.configTable]: props.settings.table.name,
        [INGEST_ENV.rawBucket]: props.rawBucket.bucketName,
        ...(props.eventBusName ? { [INGEST_ENV.eventBus]: props.eventBusName } : {}),
        ...ingestTuningEnv(props.tuning),
      },
      alarmTarget: props.monitoring,
      errorsAlarm: { description: "Ingestion runs failed" },
      throttlesAlarm: { description: "Ingestion invocations throttled" },
      failuresQueuedAlarm: { description: "Failed ingestion events are waiting in the failure queue" },
    });
    const { fn, role, failures } = this.pipeline;
    this.fn = fn;
    this.role = role;
    this.failures = failures;

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
    if (props.eventBusName) {
      role.addToPolicy({
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: `arn:aws:events:${props.region}:${props.accountId}:event-bus/${props.eventBusName}`,
      });
    }

    const scheduled = props.sources.filter((s) => s.settings.enabled && s.settings.schedule);
    for (const s of scheduled) {
      this.pipeline.addSchedule(`schedule-${s.id}`, {
        name: scheduleName(name, s.id),
        description: `Runs ${s.id}`,
        expression: s.settings.schedule!,
        timezone: s.settings.scheduleTimezone,
        input: JSON.stringify({ sourceId: s.id }),
      });
      metricAlarm(this, `missed-${s.id}`, props.monitoring, {
        alarmName: `${name}-${s.id}-missed-run`,
        alarmDescription: `No successful run of ${s.id} in the last 26 hours`,
        namespace: INGEST_METRICS.namespace,
        metricName: RUN_METRICS.succeeded,
        dimensions: { service: INGEST_METRICS.service, [INGEST_METRICS.sourceDimension]: s.id },
        statistic: "Sum",
        ...NONE_IN_26_HOURS,
      });
    }
    props.monitoring.addWidget("Ingestion invocations / errors / throttles", [
      ["AWS/Lambda", "Invocations", "FunctionName", fn.functionName],
      ["AWS/Lambda", "Errors", "FunctionName", fn.functionName],
      ["AWS/Lambda", "Throttles", "FunctionName", fn.functionName],
    ]);
  }
}
