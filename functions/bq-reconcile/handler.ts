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

export const RECONCILE_SERVICE_NAME = "bq-reconcile";
export const RECONCILE_METRICS_NAMESPACE = "DataPlatform/Reconcile";

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
  const raw = requiredEnv("GOOGLE_EXTERNAL_ACCOUNT", env);
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
    const items = new DynamoDbItems(requiredEnv("CONFIG_TABLE_NAME", env), clients.ddb);
    const ids = requiredEnv("RECONCILE_CHECK_IDS", env)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const runDate =
      event.runDate ??
      defaultRunDate(
        now(),
        intEnv("RUN_DATE_OFFSET_DAYS", 1, 0, 31, env),
        env.RUN_DATE_TIMEZONE || "Asia/Tokyo",
      );
    const checks = await loadChecks(
      items,
      event.checkId && ids.includes(event.checkId) ? [event.checkId] : ids,
    );
    const bigquery =
      o.bigquery ??
      new BigQueryApiReader({
        projectId: requiredEnv("GCP_PROJECT_ID", env),
        location: requiredEnv("BQ_LOCATION", env),
        maximumBytesBilled: intEnv(
          "BQ_MAXIMUM_BYTES_BILLED",
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
        athena: o.athena ?? new AthenaQueryCounter({ workGroup: requiredEnv("ATHENA_WORKGROUP", env) }),
        bigquery,
        results: new DynamoResultStore(items),
        reports: new S3ReportStore(new S3ObjectStore(requiredEnv("REPORT_BUCKET_NAME", env), clients.s3)),
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
