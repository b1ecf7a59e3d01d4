/**
 * One pipeline Lambda and what every one of ours needs, written once (ingest, curate, reconcile
 * compose it):
 * - bundled at synth (`bundleFunction`) as an asset, nodejs22.x on arm64, X-Ray tracing;
 * - JSON logs to a KMS-encrypted log group with retention; env vars encrypted with the key;
 * - reserved concurrency; failed async invocations to an encrypted SQS queue (`failures`);
 * - a least-privilege role (`role`): its logs, traces, the failure queue and the key — callers
 *   add their own grants with `grant*` methods of the data constructs;
 * - the run-metrics contract: `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE` and,
 *   with `timestream`, the Timestream sink's variables and write grant;
 * - EventBridge Scheduler schedules (`addSchedule`) through one scheduler role, created with the
 *   first schedule, each with retries and the failure queue as dead-letter queue;
 * - alarms in this construct's scope on function errors and, when asked, throttles and queued
 *   failures, notifying the topic passed in.
 *
 * Callers create it with the id `Default`: cdktf leaves `Default` out of logical ids, so the
 * resources keep the Terraform addresses they had when each module wrote this out itself.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { AssetType, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import type { Bundle } from "../../functions/build";
import { COMMON_ENV } from "../../functions/shared/contracts";
import { InvalidPropsError } from "../../lib/props";
import { NAME_LIMITS } from "../../lib/rules/names";
import { ServiceRole } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { type AlarmTarget, metricAlarm, ONCE_IN_FIVE_MINUTES } from "../monitoring";
import type { SettingsTable } from "../settings-table";
import type { Timestream } from "../timestream";
import { PIPELINE_DEFAULTS } from "./defaults";
import { LOGS_WRITE, QUEUE_SEND, XRAY_WRITE } from "./perms";

export { PIPELINE_DEFAULTS };

/** The newest Node.js runtime hashicorp/aws 5.100.0 accepts. */
export const PIPELINE_RUNTIME = "nodejs22.x";

/** Limits the constructor checks (AWS's own; names from lib/rules/names.ts). */
export const LIMITS = {
  functionName: NAME_LIMITS.lambdaFunction,
  scheduleName: NAME_LIMITS.schedule,
  memoryMb: [128, 10_240],
  timeoutSeconds: [1, 900],
  logRetentionDays: [1, 3653],
} as const;

/** One alarm the construct creates: its description, and its name if not the default. */
export interface PipelineAlarm {
  /** What the alarm means to the person paged. */
  readonly description: string;
  /** Alarm name. @default `<functionName>-<kind>` (`-errors`, `-throttles`, `-failures-queued`) */
  readonly name?: string;
}

/** What each pipeline module (ingest, curate, reconcile) is given besides its own inputs. */
export interface PipelineModuleProps {
  /** Lambda name (at most 64 characters); prefix of its queue, scheduler role, schedules and alarms. */
  readonly functionName: string;
  /** Account of the roles' trusts and of the ARNs the module builds. */
  readonly accountId: string;
  /** Region of the ARNs the module builds (secrets, Glue, event bus, state machine). */
  readonly region: string;
  /** The bundled handler (`bundleFunction(...)`): its deterministic zip is the package. */
  readonly bundle: Bundle;
  /** The platform key: logs, env vars, failure queue, schedules. */
  readonly key: KmsKey;
  /** The settings table: the function's settings items, run records and results. */
  readonly settings: SettingsTable;
  /** Where the alarms notify (the environment's `Monitoring`). */
  readonly monitoring: AlarmTarget;
  /** CloudWatch Logs retention. @default 365 */
  readonly logRetentionDays?: number;
}

export interface PipelineFunctionProps {
  /** Lambda function name (at most 64 characters); also names the log group and the failure queue. */
  readonly functionName: string;
  /** What the function does (the Lambda description). */
  readonly description: string;
  /** Role name (at most 64 characters). @default functionName */
  readonly roleName?: string;
  /** Account of the role trusts (`aws:SourceAccount`). */
  readonly accountId: string;
  /** The bundled handler (`bundleFunction(...)`): its deterministic zip is the package. */
  readonly bundle: Bundle;
  /** Encrypts the logs, env vars, queue and schedules; the role may use it. */
  readonly key: KmsKey;
  /** The function's own variables (names from `functions/shared/contracts.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  /** The run-metrics contract: Powertools service and EMF namespace. */
  readonly metrics: { readonly service: string; readonly namespace: string };
  /** Timestream sink for run metrics: sets its variables and grants write. @default - EMF only */
  readonly timestream?: Timestream;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 300 */
  readonly timeoutSeconds?: number;
  /** @default 1 */
  readonly reservedConcurrency?: number;
  /** V8 old-space cap in MB (`--max-old-space-size`); at most 75% of memoryMb. @default - Node's own */
  readonly heapMb?: number;
  /** CloudWatch Logs retention. @default 365 */
  readonly logRetentionDays?: number;
  /** Retries of a failed async invocation before it goes to the failure queue. @default 2 */
  readonly asyncRetries?: number;
  /** Age after which an async event is given up to the failure queue. @default 21600 (6 hours) */
  readonly asyncMaxEventAgeSeconds?: number;
  /** Where the alarms notify (the environment's `Monitoring`). */
  readonly alarmTarget: AlarmTarget;
  /** Function errors (every pipeline function has it). */
  readonly errorsAlarm: PipelineAlarm;
  /** Throttled invocations. @default - no alarm */
  readonly throttlesAlarm?: PipelineAlarm;
  /** Messages waiting in the failure queue. @default - no alarm */
  readonly failuresQueuedAlarm?: PipelineAlarm;
}

/** What a schedule starts: the function itself unless another target is given. */
export interface ScheduleTarget {
  /** ARN of the target (a Lambda function or a state machine). */
  readonly arn: string;
  /** What the scheduler role may do on it, e.g. `states:StartExecution`. */
  readonly actions: readonly string[];
}

export interface ScheduleProps {
  /** Schedule name (at most 64 characters: checked by the caller, which knows the source). */
  readonly name: string;
  /** What the schedule runs (its description in EventBridge Scheduler). */
  readonly description: string;
  /** `cron(...)`, `rate(...)` or `at(...)`. */
  readonly expression: string;
  /** IANA time zone of the expression. @default - UTC (EventBridge Scheduler's) */
  readonly timezone?: string;
  /** JSON input the target receives. */
  readonly input: string;
  /** @default - this function (`lambda:InvokeFunction`) */
  readonly target?: ScheduleTarget;
}

/**
 * Why the schedule `name` of `entry` (e.g. `sources[orders]`, whose id is a `what` id) is too long
 * for EventBridge Scheduler, or `undefined` (also for a name unknown until apply).
 */
export function scheduleNameLengthProblem(entry: string, what: string, name: string): string | undefined {
  if (Token.isUnresolved(name) || name.length <= LIMITS.scheduleName) return undefined;
  return `${entry}: schedule name "${name}" has ${name.length} characters; EventBridge Scheduler allows ${LIMITS.scheduleName} (shorten the ${what} id or the environment prefix)`;
}

const within = (v: number | undefined, [lo, hi]: readonly [number, number]) =>
  v === undefined || Token.isUnresolved(v) || (Number.isInteger(v) && v >= lo && v <= hi);

/** Every problem with the props, each naming the prop and the value (tokens are not judged). */
export function pipelineFunctionProblems(p: PipelineFunctionProps): string[] {
  const out: string[] = [];
  const len = (prop: string, v: string | undefined, max: number) => {
    if (v !== undefined && !Token.isUnresolved(v) && (v.length === 0 || v.length > max))
      out.push(`${prop}: 1 to ${max} characters (got ${v.length}: "${v}")`);
  };
  len("functionName", p.functionName, LIMITS.functionName);
  len("roleName", p.roleName, NAME_LIMITS.iamRole);
  if (!within(p.memoryMb, LIMITS.memoryMb))
    out.push(`memoryMb: an integer from ${LIMITS.memoryMb.join(" to ")} (got ${p.memoryMb})`);
  if (!within(p.timeoutSeconds, LIMITS.timeoutSeconds))
    out.push(
      `timeoutSeconds: an integer from ${LIMITS.timeoutSeconds.join(" to ")} (got ${p.timeoutSeconds})`,
    );
  if (!within(p.reservedConcurrency, [0, 1000]))
    out.push(`reservedConcurrency: an integer from 0 to 1000 (got ${p.reservedConcurrency})`);
  if (!within(p.logRetentionDays, LIMITS.logRetentionDays))
    out.push(`logRetentionDays: an integer from 1 to 3653 (got ${p.logRetentionDays})`);
  if (!within(p.asyncRetries, [0, 2])) out.push(`asyncRetries: 0, 1 or 2 (got ${p.asyncRetries})`);
  if (!within(p.asyncMaxEventAgeSeconds, [60, 21_600]))
    out.push(`asyncMaxEventAgeSeconds: an integer from 60 to 21600 (got ${p.asyncMaxEventAgeSeconds})`);
  const memory = p.memoryMb ?? PIPELINE_DEFAULTS.memoryMb;
  if (p.heapMb !== undefined && !Token.isUnresolved(p.heapMb) && !Token.isUnresolved(memory)) {
    if (!Number.isInteger(p.heapMb) || p.heapMb < 64 || p.heapMb > memory * 0.75)
      out.push(
        `heapMb: an integer from 64 to 75% of memoryMb (${Math.floor(memory * 0.75)}) (got ${p.heapMb})`,
      );
  }
  for (const [k, v] of Object.entries(p.environment)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(k)) out.push(`environment: "${k}" is not a valid variable name`);
    if (k.startsWith("AWS_") || reservedKeys.has(k))
      out.push(`environment: "${k}" is set by this construct or reserved by Lambda (got "${v}")`);
  }
  return out;
}

const reservedKeys = new Set<string>([
  COMMON_ENV.serviceName,
  COMMON_ENV.metricsNamespace,
  COMMON_ENV.nodeOptions,
  COMMON_ENV.timestreamDatabase,
  COMMON_ENV.timestreamTable,
]);

export class PipelineFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: ServiceRole;
  /** Failed async invocations and undeliverable schedule/trigger events. */
  readonly failures: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  /** Alarms by kind: `errors`, and `throttles` / `failuresQueued` when asked for. */
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  private schedulerRole?: ServiceRole;
  /** One token for the function's ARN, so the scheduler role's statements merge. */
  private invokeSelf?: ScheduleTarget;
  private readonly scheduleTargets = new Set<string>();
  private readonly props: PipelineFunctionProps;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const problems = pipelineFunctionProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`PipelineFunction ${scope.node.path}`, problems);
    this.props = props;
    const { key, functionName } = props;
    const d = PIPELINE_DEFAULTS;
    // The zip is built (and cached) by bundleFunction: cdktf only copies it, no re-zip per stack.
    const asset = new TerraformAsset(this, "bundle", {
      path: props.bundle.zip,
      type: AssetType.FILE,
      assetHash: props.bundle.sha256,
    });
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? d.logRetentionDays,
      kmsKeyId: key.arn,
    });
    this.failures = new SqsQueue(this, "failures", {
      name: `${functionName}-failures`,
      kmsMasterKeyId: key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 86400,
    });
    this.role = new ServiceRole(this, "role", {
      name: props.roleName ?? functionName,
      service: "lambda.amazonaws.com",
      accountId: props.accountId,
    });
    this.role.addToPolicy(
      { Effect: "Allow", Action: [...LOGS_WRITE], Resource: `${this.logGroup.arn}:*` },
      { Effect: "Allow", Action: [...XRAY_WRITE], Resource: "*" },
      { Effect: "Allow", Action: [...QUEUE_SEND], Resource: this.failures.arn },
    );
    props.timestream?.grantWrite(this.role);
    key.grantEncryptDecrypt(this.role);

    const ts = props.timestream;
    const nodeOptions = [
      "--enable-source-maps",
      ...(props.heapMb ? [`--max-old-space-size=${props.heapMb}`] : []),
    ];
    this.fn = new LambdaFunction(this, "function", {
      functionName,
      description: props.description,
      role: this.role.arn,
      runtime: PIPELINE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: props.bundle.sourceCodeHash,
      memorySize: props.memoryMb ?? d.memoryMb,
      timeout: props.timeoutSeconds ?? d.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency ?? d.reservedConcurrency,
      tracingConfig: { mode: "Active" },
      kmsKeyArn: key.arn,
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      environment: {
        variables: {
          ...props.environment,
          ...(ts
            ? {
                [COMMON_ENV.timestreamDatabase]: ts.database.databaseName,
                [COMMON_ENV.timestreamTable]: ts.table.tableName,
              }
            : {}),
          [COMMON_ENV.nodeOptions]: nodeOptions.join(" "),
          [COMMON_ENV.serviceName]: props.metrics.service,
          [COMMON_ENV.metricsNamespace]: props.metrics.namespace,
        },
      },
      dependsOn: [this.logGroup],
    });
    new LambdaFunctionEventInvokeConfig(this, "async", {
      functionName: this.fn.functionName,
      maximumRetryAttempts: props.asyncRetries ?? d.asyncRetries,
      maximumEventAgeInSeconds: props.asyncMaxEventAgeSeconds ?? d.asyncMaxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.failures.arn } },
    });
    this.addAlarms();
  }

  /** A schedule that starts this function (or `target`), retried, dead-lettered to `failures`. */
  addSchedule(id: string, s: ScheduleProps): SchedulerSchedule {
    this.invokeSelf ??= { arn: this.fn.arn, actions: ["lambda:InvokeFunction"] };
    const target = s.target ?? this.invokeSelf;
    const role = this.schedulerRoleFor(target);
    return new SchedulerSchedule(this, id, {
      name: s.name,
      description: s.description,
      scheduleExpression: s.expression,
      scheduleExpressionTimezone: s.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn: this.props.key.arn,
      target: {
        arn: target.arn,
        roleArn: role.arn,
        input: s.input,
        retryPolicy: {
          maximumRetryAttempts: PIPELINE_DEFAULTS.scheduleRetries,
          maximumEventAgeInSeconds: PIPELINE_DEFAULTS.scheduleMaxEventAgeSeconds,
        },
        deadLetterConfig: { arn: this.failures.arn },
      },
    });
  }

  /** The role EventBridge Scheduler assumes (`<functionName>-scheduler`), created with the first schedule. */
  private schedulerRoleFor(target: ScheduleTarget): ServiceRole {
    const statement = { Effect: "Allow" as const, Action: [...target.actions], Resource: target.arn };
    const seen = this.scheduleTargets.has(JSON.stringify(statement));
    this.scheduleTargets.add(JSON.stringify(statement));
    if (this.schedulerRole) {
      if (!seen) this.schedulerRole.addToPolicy(statement);
      return this.schedulerRole;
    }
    this.schedulerRole = new ServiceRole(this, "scheduler-role", {
      name: `${this.props.functionName}-scheduler`,
      service: "scheduler.amazonaws.com",
      accountId: this.props.accountId,
    });
    this.schedulerRole.addToPolicy(statement, {
      Effect: "Allow",
      Action: [...QUEUE_SEND],
      Resource: this.failures.arn,
    });
    this.props.key.grantEncryptDecrypt(this.schedulerRole);
    return this.schedulerRole;
  }

  private addAlarms() {
    const { functionName, alarmTarget: target } = this.props;
    const base = ONCE_IN_FIVE_MINUTES;
    const lambda = (kind: string, metricName: string, a: PipelineAlarm) => {
      this.alarms[kind] = metricAlarm(this, `alarm-${kind}`, target, {
        ...base,
        alarmName: a.name ?? `${functionName}-${kind}`,
        alarmDescription: a.description,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: this.fn.functionName },
      });
    };
    lambda("errors", "Errors", this.props.errorsAlarm);
    if (this.props.throttlesAlarm) lambda("throttles", "Throttles", this.props.throttlesAlarm);
    const queued = this.props.failuresQueuedAlarm;
    if (queued) {
      this.alarms.failuresQueued = metricAlarm(this, "alarm-failures-queued", target, {
        ...base,
        alarmName: queued.name ?? `${functionName}-failures-queued`,
        alarmDescription: queued.description,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        dimensions: { QueueName: this.failures.name },
      });
    }
  }
}
