/**
 * Lambda entry: `handler({ sourceId, runDate? }, context)` -> run summary; rejects when the run
 * did not complete. Environment: CONFIG_TABLE_NAME, RAW_BUCKET_NAME; optional
 * TIMESTREAM_DATABASE_NAME + TIMESTREAM_TABLE_NAME, HTTP_MAX_ATTEMPTS (5),
 * HTTP_RETRY_BASE_DELAY_MS (1000), OUTPUT_FILE_MAX_BYTES (64 MiB), S3_FORCE_PATH_STYLE.
 * AWS endpoints come from the SDK's standard AWS_ENDPOINT_URL_* variables.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDbSettingsStore } from "./adapters/dynamodb-settings";
import { EmfMetricsSink, FanOutMetricsSink, TimestreamMetricsSink } from "./adapters/metrics";
import { S3ObjectStore } from "./adapters/s3-objects";
import { SecretsManagerResolver } from "./adapters/secrets";
import { InvalidEventError } from "./core/errors";
import { defaultSleep, HttpClient } from "./core/http";
import type { MetricsSink } from "./core/ports";
import { type IngestEvent, type RunSummary, runIngestion } from "./core/run";

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

const logger = new Logger({ serviceName: "saas-ingest" });

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidEventError(`environment ${name}: must be an integer >= ${min} (got "${raw}")`);
  return n;
}

function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new InvalidEventError(`environment ${name}: required`);
  return v;
}

// Clients live across invocations (connection reuse).
let clients: { s3: S3Client; ddb: DynamoDBClient; secrets: SecretsManagerResolver } | undefined;
function sdkClients() {
  clients ??= {
    s3: new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === "true" }),
    ddb: new DynamoDBClient({}),
    secrets: new SecretsManagerResolver(),
  };
  return clients;
}

export async function handler(event: IngestEvent, context: LambdaContextLike): Promise<RunSummary> {
  const table = requiredEnv("CONFIG_TABLE_NAME");
  const bucket = requiredEnv("RAW_BUCKET_NAME");
  const { s3, ddb, secrets } = sdkClients();
  // Leave 5 s to clean up after the last request.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 5_000;
  const sinks: MetricsSink[] = [new EmfMetricsSink()];
  if (process.env.TIMESTREAM_DATABASE_NAME && process.env.TIMESTREAM_TABLE_NAME) {
    sinks.push(
      new TimestreamMetricsSink(process.env.TIMESTREAM_DATABASE_NAME, process.env.TIMESTREAM_TABLE_NAME),
    );
  }
  logger.appendKeys({ sourceId: event?.sourceId, requestId: context.awsRequestId });
  return runIngestion(event, {
    settings: new DynamoDbSettingsStore(table, ddb),
    objects: new S3ObjectStore(bucket, s3),
    secrets,
    http: new HttpClient({
      maxAttempts: intEnv("HTTP_MAX_ATTEMPTS", 5, 1),
      baseDelayMs: intEnv("HTTP_RETRY_BASE_DELAY_MS", 1000, 0),
      maxDelayMs: 16_000,
      timeoutMs: 30_000,
      fetch: globalThis.fetch,
      sleep: defaultSleep,
      now: Date.now,
      random: Math.random,
      deadline: () => deadline,
      onRetry: (i) => logger.warn("retrying request", i),
    }),
    metrics: new FanOutMetricsSink(sinks),
    log: {
      info: (m, extra = {}) => logger.info(m, extra),
      warn: (m, extra = {}) => logger.warn(m, extra),
      error: (m, extra = {}) => logger.error(m, extra),
    },
    now: Date.now,
    deadline: () => deadline,
    maxFileBytes: intEnv("OUTPUT_FILE_MAX_BYTES", 64 * 1024 * 1024, 1024),
  });
}
