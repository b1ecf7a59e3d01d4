/**
 * Lambda entry: `handler({ checkId?, runDate? })` -> `{ runDate, runId, reportKey, passed, checks }`.
 * Scheduled runs send `{}` and check the day `RUN_DATE_OFFSET_DAYS` before today in
 * `RUN_DATE_TIMEZONE`; on demand, `{ checkId?, runDate }`. Failed checks are results (recorded,
 * alarmed), not a failed invocation; an invalid request or environment rejects.
 *
 * Environment: CONFIG_TABLE_NAME (checks' settings items and results), REPORT_BUCKET_NAME,
 * RECONCILE_CHECK_IDS (comma-separated), ATHENA_WORKGROUP, GCP_PROJECT_ID, BQ_LOCATION,
 * GOOGLE_EXTERNAL_ACCOUNT (credential configuration, no key), BQ_MAXIMUM_BYTES_BILLED,
 * RUN_DATE_OFFSET_DAYS (1), RUN_DATE_TIMEZONE (Asia/Tokyo); optional BQ_API_ENDPOINT (local
 * stand-in) and TIMESTREAM_DATABASE_NAME + TIMESTREAM_TABLE_NAME.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { COMMON_ENV, RECONCILE_ENV, RECONCILE_METRICS } from "../shared/contracts";
import { DynamoDbItems } from "../shared/dynamodb";
import { intEnv, requiredEnv } from "../shared/env";
import { EnvironmentError } from "../shared/errors";
import { createLogger, type Log } from "../shared/logger";
import { metricsSinksFromEnv, type RunMetricsSink } from "../shared/metrics";
import { newRunId } from "../shared/run-id";
import { S3ObjectStore } from "../shared/s3-objects";
import { AthenaQueryCounter } from "./adapters/athena";
import { BigQueryApiReader } from "./adapters/bigquery";
import { type ExternalAccountConfig, externalAccountClient } from "./adapters/gcp-auth";
import { DynamoResultStore, loadChecks, S3ReportStore } from "./adapters/stores";
import { defaultRunDate } from "./core/checks";
import type { AthenaCounter, BigQueryReader } from "./core/ports";
import { type ReconcileSummary, reconcile } from "./core/reconcile";

export const RECONCILE_SERVICE_NAME = RECONCILE_METRICS.service;
export const RECONCILE_METRICS_NAMESPACE = RECONCILE_METRICS.namespace;

export interface ReconcileEvent {
  checkId?: string;
  runDate?: string;
}

/** What a test or the local runner may replace (defaults: the real adapters from the environment). */
export interface HandlerOverrides {
  athena?: AthenaCounter;
  bigquery?: BigQueryReader;
  metrics?: RunMetricsSink;
  log?: Log;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

let clients: { s3: S3Client; ddb: DynamoDBClient } | undefined;

function credentialConfig(env: NodeJS.ProcessEnv): ExternalAccountConfig {
  const raw = requiredEnv(RECONCILE_ENV.googleExternalAccount, env);
  try {
    return JSON.parse(raw) as ExternalAccountConfig;
  } catch {
    throw new EnvironmentError(
      "environment GOOGLE_EXTERNAL_ACCOUNT: must be the JSON credential configuration",
    );
  }
}

export function makeHandler(o: HandlerOverrides = {}) {
  return async (event: ReconcileEvent = {}): Promise<ReconcileSummary> => {
    const env = o.env ?? process.env;
    const now = o.now ?? Date.now;
    clients ??= {
      s3: new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === "true" }),
      ddb: new DynamoDBClient({}),
    };
    const log = o.log ?? createLogger({ serviceName: RECONCILE_SERVICE_NAME }).log;
    const items = new DynamoDbItems(requiredEnv(COMMON_ENV.configTable, env), clients.ddb);
    const ids = requiredEnv(RECONCILE_ENV.checkIds, env)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const runDate =
      event.runDate ??
      defaultRunDate(
        now(),
        intEnv(RECONCILE_ENV.runDateOffsetDays, 1, 0, 31, env),
        env[RECONCILE_ENV.runDateTimezone] || "Asia/Tokyo",
      );
    const checks = await loadChecks(
      items,
      event.checkId && ids.includes(event.checkId) ? [event.checkId] : ids,
    );
    const bigquery =
      o.bigquery ??
      new BigQueryApiReader({
        projectId: requiredEnv(RECONCILE_ENV.gcpProjectId, env),
        location: requiredEnv(RECONCILE_ENV.bqLocation, env),
        maximumBytesBilled: intEnv(
          RECONCILE_ENV.bqMaximumBytesBilled,
          1024 ** 3,
          10 * 1024 ** 2,
          Number.MAX_SAFE_INTEGER,
          env,
        ),
        authClient: externalAccountClient(credentialConfig(env)),
        apiEndpoint: env.BQ_API_ENDPOINT || undefined,
      });
    return reconcile(
      {
        athena:
          o.athena ?? new AthenaQueryCounter({ workGroup: requiredEnv(RECONCILE_ENV.athenaWorkgroup, env) }),
        bigquery,
        results: new DynamoResultStore(items),
        reports: new S3ReportStore(
          new S3ObjectStore(requiredEnv(RECONCILE_ENV.reportBucket, env), clients.s3),
        ),
        metrics:
          o.metrics ??
          metricsSinksFromEnv(
            { namespace: RECONCILE_METRICS_NAMESPACE, serviceName: RECONCILE_SERVICE_NAME },
            env,
          ),
        log,
        now,
        runId: () => newRunId(now()),
      },
      checks,
      { runDate, checkId: event.checkId },
    );
  };
}

export const handler = makeHandler();
