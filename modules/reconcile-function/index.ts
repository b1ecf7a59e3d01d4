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
import { Construct } from "constructs";
import { externalAccountConfig } from "../../functions/bq-reconcile/core/credential-config";
import { COMMON_ENV, RECONCILE_ENV, RECONCILE_METRICS } from "../../functions/shared/contracts";
import { InvalidPropsError } from "../../lib/props";
import type { Athena } from "../athena";
import type { ServiceRole } from "../iam/service-role";
import {
  type AlarmProps,
  type AlarmTarget,
  metricAlarm,
  NONE_IN_26_HOURS,
  ONCE_IN_FIVE_MINUTES,
} from "../monitoring";
import { LIMITS, PipelineFunction, type PipelineModuleProps } from "../pipeline-function";
import type { SecureBucket } from "../secure-bucket";
import { RECONCILE_DEFAULTS } from "./defaults";
import { GLUE_READ } from "./perms";

export { RECONCILE_DEFAULTS };

/** Namespace and service of the function's metrics (EMF). */
export const RECONCILE_NAMESPACE = RECONCILE_METRICS.namespace;
export const RECONCILE_SERVICE = RECONCILE_METRICS.service;

/** The schedule is named `<functionName>` (at most 64 characters). */
export interface ReconcileFunctionProps extends PipelineModuleProps {
  /** Role name: the GCP WIF `aws` provider admits exactly this role. */
  readonly roleName: string;
  /** The environment's workgroup the counts run in. */
  readonly athena: Athena;
  /** Glue databases the checks count in (names). */
  readonly glueDatabases: ReadonlyArray<string>;
  /** Buckets holding the data Athena reads for the checks. */
  readonly dataBuckets: ReadonlyArray<SecureBucket>;
  /** Where reports go (`_reports/bq-reconcile/`). */
  readonly reportBucket: SecureBucket;
  /** The checks (at least one): each gets failed, stale and no-result alarms. */
  readonly checkIds: ReadonlyArray<string>;
  /** The GCP side, reached keylessly through the WIF `aws` provider. */
  readonly gcp: {
    /** Project of the BigQuery tables. */
    readonly projectId: string;
    /** Project number (names the WIF audience). */
    readonly projectNumber: string;
    /** BigQuery location of the datasets. */
    readonly location: string;
    /** WIF pool id (`wifPoolId`). */
    readonly poolId: string;
    /** WIF provider id of the AWS account. */
    readonly providerId: string;
    /** Service account the function impersonates. */
    readonly serviceAccountEmail: string;
  };
  /** Cap per BigQuery count query. */
  readonly maximumBytesBilled: number;
  /** When to run (after the IICS load window) and which day a scheduled run checks. */
  readonly schedule: { expression: string; timezone: string; runDateOffsetDays: number };
  /** @default 300 */
  readonly timeoutSeconds?: number;
}

export class ReconcileFunction extends Construct {
  readonly pipeline: PipelineFunction;
  readonly fn: PipelineFunction["fn"];
  readonly role: ServiceRole;
  readonly failures: PipelineFunction["failures"];
  /** The credential configuration given to the function (no key material). */
  readonly credentialConfig: string;

  constructor(scope: Construct, id: string, props: ReconcileFunctionProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.checkIds.length === 0) problems.push("checkIds: at least one check (got none)");
    if (props.functionName.length > LIMITS.scheduleName)
      problems.push(
        `functionName: also the schedule's name, at most ${LIMITS.scheduleName} characters (got ${props.functionName.length}: "${props.functionName}")`,
      );
    if (!Number.isInteger(props.maximumBytesBilled) || props.maximumBytesBilled < 10 * 1024 * 1024)
      problems.push(
        `maximumBytesBilled: an integer of at least 10 MiB, BigQuery's minimum (got ${props.maximumBytesBilled})`,
      );
    if (problems.length > 0) throw new InvalidPropsError(`ReconcileFunction ${this.node.path}`, problems);
    const name = props.functionName;
    this.credentialConfig = JSON.stringify(
      externalAccountConfig({
        projectNumber: props.gcp.projectNumber,
        poolId: props.gcp.poolId,
        providerId: props.gcp.providerId,
        serviceAccountEmail: props.gcp.serviceAccountEmail,
      }),
    );
    // `Default`: the resources keep the addresses they had before PipelineFunction existed.
    this.pipeline = new PipelineFunction(this, "Default", {
      functionName: name,
      roleName: props.roleName,
      description: "Reconciles Athena row counts with the BigQuery tables IICS loads (keyless GCP access)",
      accountId: props.accountId,
      bundle: props.bundle,
      key: props.key,
      metrics: { service: RECONCILE_SERVICE, namespace: RECONCILE_NAMESPACE },
      memoryMb: RECONCILE_DEFAULTS.memoryMb,
      timeoutSeconds: props.timeoutSeconds ?? RECONCILE_DEFAULTS.timeoutSeconds,
      reservedConcurrency: RECONCILE_DEFAULTS.reservedConcurrency,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [COMMON_ENV.configTable]: props.settings.table.name,
        [RECONCILE_ENV.reportBucket]: props.reportBucket.bucketName,
        [RECONCILE_ENV.checkIds]: props.checkIds.join(","),
        [RECONCILE_ENV.athenaWorkgroup]: props.athena.workgroup.name,
        [RECONCILE_ENV.gcpProjectId]: props.gcp.projectId,
        [RECONCILE_ENV.bqLocation]: props.gcp.location,
        [RECONCILE_ENV.bqMaximumBytesBilled]: String(props.maximumBytesBilled),
        [RECONCILE_ENV.googleExternalAccount]: this.credentialConfig,
        [RECONCILE_ENV.runDateOffsetDays]: String(props.schedule.runDateOffsetDays),
        [RECONCILE_ENV.runDateTimezone]: props.schedule.timezone,
      },
      alarmTarget: props.monitoring,
      errorsAlarm: { description: "Reconcile invocations failed (bad request, environment or settings)" },
    });
    const { fn, role } = this.pipeline;
    this.fn = fn;
    this.role = role;
    this.failures = this.pipeline.failures;

    const glue = (path: string) => `arn:aws:glue:${props.region}:${props.accountId}:${path}`;
    role.addToPolicy({
      Effect: "Allow",
      Action: [...GLUE_READ],
      Resource: [
        glue("catalog"),
        ...props.glueDatabases.flatMap((d) => [glue(`database/${d}`), glue(`table/${d}/*`)]),
      ],
    });
    props.athena.grantRunQueries(role);
    for (const b of props.dataBuckets) b.grantRead(role);
    props.reportBucket.grantReadWrite(role, "_reports/bq-reconcile");
    props.settings.grantReadWrite(role);

    this.pipeline.addSchedule("schedule", {
      name,
      description: "Reconciles yesterday's IICS loads after the load window",
      expression: props.schedule.expression,
      timezone: props.schedule.timezone,
      input: "{}",
    });
    this.addAlarms(props.monitoring, name, props.checkIds);
  }

  /** Per check: failed, stale and no result in 26 hours (in this construct's scope). */
  private addAlarms(target: AlarmTarget, name: string, checkIds: ReadonlyArray<string>) {
    const M = RECONCILE_METRICS;
    const base = { ...ONCE_IN_FIVE_MINUTES, namespace: M.namespace };
    const alarm = (id: string, p: AlarmProps) => metricAlarm(this, id, target, p);
    for (const id of checkIds) {
      const dimensions = { service: M.service, [M.checkDimension]: id };
      alarm(`${id}-failed`, {
        ...base,
        alarmName: `${name}-${id}-failed`,
        alarmDescription: `Check ${id}: BigQuery rows differ from Athena beyond tolerance, or the check could not run (see the report)`,
        metricName: M.checkFailed,
        statistic: "Maximum",
        dimensions,
      });
      alarm(`${id}-stale`, {
        ...base,
        alarmName: `${name}-${id}-stale`,
        alarmDescription: `Check ${id}: the BigQuery table was not modified within its freshness window`,
        metricName: M.stale,
        statistic: "Maximum",
        dimensions,
      });
      alarm(`${id}-no-result`, {
        alarmName: `${name}-${id}-no-result`,
        alarmDescription: `Check ${id}: no reconciliation result in the last 26 hours`,
        namespace: M.namespace,
        metricName: M.checkFailed,
        dimensions,
        statistic: "SampleCount",
        ...NONE_IN_26_HOURS,
      });
    }
    target.addWidget(
      "Reconcile: row difference and lateness (hours)",
      checkIds.flatMap((id) => [
        [M.namespace, M.difference, "service", M.service, M.checkDimension, id],
        [M.namespace, M.latenessHours, "service", M.service, M.checkDimension, id],
      ]),
      "Maximum",
    );
  }
}
