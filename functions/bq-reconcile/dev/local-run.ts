/**
 * Runs the real reconcile handler locally: checks written as settings items to local DynamoDB,
 * reports to local S3, BigQuery (and keyless auth) through the REST stand-in, the Athena side
 * counted by DuckDB over local raw files. Used by tests and `npm run reconcile:local`.
 */
import { createSettingsTable, localHandlerEnv, putItem } from "../../shared/dev/local";
import { silentLog } from "../../shared/logger";
import type { RunMetric, RunMetricsSink } from "../../shared/metrics";
import { externalAccountConfig } from "../adapters/gcp-auth";
import { checkKey } from "../adapters/stores";
import type { ResolvedCheck } from "../core/checks";
import type { AthenaCounter, BigQueryReader } from "../core/ports";
import { makeHandler } from "../handler";
import type { BigQueryStandIn } from "./bigquery-standin";
import { DuckDbRawCounter } from "./duckdb-athena";

export const LOCAL_TABLE = "local-settings";
export const LOCAL_BUCKET = "local-curated";
export const LOCAL_PROJECT = "dp-local-000001";
export const LOCAL_SA = `bq-reconcile@${LOCAL_PROJECT}.iam.gserviceaccount.com`;
export const LOCAL_AUDIENCE = externalAccountConfig({
  projectNumber: "123456789012",
  poolId: "dp-local-pool",
  providerId: "aws",
  serviceAccountEmail: LOCAL_SA,
}).audience;

export class RecordingMetrics implements RunMetricsSink {
  readonly published: RunMetric[] = [];
  async publish(m: RunMetric) {
    this.published.push(m);
  }
}

export interface LocalReconcileSetup {
  s3: string;
  dynamodb: string;
  standIn: BigQueryStandIn;
  rawRoot: string;
  /** Athena table -> raw prefix. */
  prefixes: Record<string, string>;
  checks: ResolvedCheck[];
  maximumBytesBilled?: number;
  now?: () => number;
  metrics?: RunMetricsSink;
  /** Replace the BigQuery reader (e.g. to count calls). */
  bigquery?: BigQueryReader;
  /** The Athena side. @default DuckDB over the raw files under `rawRoot` (`prefixes`) */
  athena?: AthenaCounter;
  /** Build the handler with this instead (e.g. the bundled Lambda's `makeHandler`). @default the source's */
  makeHandler?: typeof makeHandler;
}

/** Creates the settings table (once) and writes the checks' items. */
export async function prepareLocal(o: LocalReconcileSetup, createTable = true) {
  if (createTable) await createSettingsTable(o.dynamodb, LOCAL_TABLE);
  for (const c of o.checks) await putItem(o.dynamodb, LOCAL_TABLE, { ...checkKey(c.id), ...c });
}

export function localReconcileEnv(o: LocalReconcileSetup): Record<string, string> {
  return localHandlerEnv({
    s3: o.s3,
    dynamodb: o.dynamodb,
    table: LOCAL_TABLE,
    extra: {
      REPORT_BUCKET_NAME: LOCAL_BUCKET,
      RECONCILE_CHECK_IDS: o.checks.map((c) => c.id).join(","),
      ATHENA_WORKGROUP: "local",
      GCP_PROJECT_ID: LOCAL_PROJECT,
      BQ_LOCATION: "asia-northeast1",
      BQ_MAXIMUM_BYTES_BILLED: String(o.maximumBytesBilled ?? 1024 ** 3),
      BQ_API_ENDPOINT: o.standIn.url,
      GOOGLE_EXTERNAL_ACCOUNT: JSON.stringify(
        externalAccountConfig({
          projectNumber: "123456789012",
          poolId: "dp-local-pool",
          providerId: "aws",
          serviceAccountEmail: LOCAL_SA,
          stsUrl: `${o.standIn.url}/v1/token`,
          iamCredentialsUrl: o.standIn.url,
        }),
      ),
    },
  });
}

/** The real handler wired to the local stand-ins (process.env is pointed at them). */
export function localHandler(o: LocalReconcileSetup) {
  const env = localReconcileEnv(o);
  Object.assign(process.env, env);
  return (o.makeHandler ?? makeHandler)({
    env,
    athena: o.athena ?? new DuckDbRawCounter(o.rawRoot, o.prefixes),
    bigquery: o.bigquery,
    metrics: o.metrics ?? new RecordingMetrics(),
    log: silentLog,
    now: o.now,
  });
}
