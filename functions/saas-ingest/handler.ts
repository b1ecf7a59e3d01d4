/**
 * Lambda entry: `handler({ sourceId, runDate? }, context)` -> run summary; rejects when the run
 * did not complete. Environment: CONFIG_TABLE_NAME, RAW_BUCKET_NAME; optional
 * TIMESTREAM_DATABASE_NAME + TIMESTREAM_TABLE_NAME, the tuning variables of tuning.ts
 * (HTTP_MAX_ATTEMPTS, OUTPUT_GZIP_LEVEL, …: names, defaults and bounds there),
 * S3_FORCE_PATH_STYLE, ALLOW_HTTP_LOOPBACK (local stand-ins only).
 * Without event.runDate the source's `runDate` policy picks the business date (core/run-date.ts).
 * AWS endpoints come from the SDK's standard AWS_ENDPOINT_URL_* variables.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { COMMON_ENV, INGEST_ENV } from "../shared/contracts";
import { boolEnv, requiredEnv } from "../shared/env";
import { StorageError } from "../shared/errors";
import { EventBridgeAnnouncer } from "../shared/events";
import { createLogger } from "../shared/logger";
import { S3ObjectStore } from "../shared/s3-objects";
import { SecretsManagerResolver } from "../shared/secrets";
import { DynamoDbSettingsStore } from "./adapters/dynamodb-settings";
import { INGEST_SERVICE_NAME, IngestMetricsSink } from "./adapters/metrics";
import { nodeHttpFetch } from "./adapters/node-http-fetch";
import { defaultSleep, HttpClient } from "./core/http";
import { type IngestEvent, type RunSummary, runIngestion } from "./core/run";
import { readIngestTuning } from "./tuning";

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

// Created on first use, so the environment (POWERTOOLS_LOG_LEVEL, tests' SILENT) is read then.
let logging: ReturnType<typeof createLogger> | undefined;

// Page GETs over node:http (keep-alive); token requests through the global fetch.
const pageFetch = nodeHttpFetch();

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
  const table = requiredEnv(COMMON_ENV.configTable);
  const bucket = requiredEnv(INGEST_ENV.rawBucket);
  const tuning = readIngestTuning();
  const { s3, ddb, secrets } = sdkClients();
  // Leave 5 s to clean up after the last request.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 5_000;
  logging ??= createLogger({ serviceName: INGEST_SERVICE_NAME });
  const { logger, log } = logging;
  logger.appendKeys({ sourceId: event?.sourceId, requestId: context.awsRequestId });
  const summary = await runIngestion(event, {
    settings: new DynamoDbSettingsStore(table, ddb),
    objects: new S3ObjectStore(bucket, s3),
    secrets,
    http: new HttpClient({
      maxAttempts: tuning.httpMaxAttempts,
      baseDelayMs: tuning.httpRetryBaseDelayMs,
      maxDelayMs: tuning.httpRetryMaxDelayMs,
      maxRetryAfterMs: tuning.httpMaxRetryAfterMs,
      timeoutMs: tuning.httpTimeoutMs,
      fetch: pageFetch,
      sleep: defaultSleep,
      now: Date.now,
      random: Math.random,
      deadline: () => deadline,
      onRetry: (i) => log.warn("retrying request", i),
    }),
    metrics: new IngestMetricsSink(),
    log,
    now: Date.now,
    deadline: () => deadline,
    maxFileBytes: tuning.outputFileMaxBytes,
    gzipLevel: tuning.outputGzipLevel,
    allowHttpLoopback: boolEnv("ALLOW_HTTP_LOOPBACK", false),
    // Set by Terraform; unset locally (no EventBridge stand-in), where nothing is announced.
    announcer: process.env[INGEST_ENV.eventBus]
      ? new EventBridgeAnnouncer(process.env[INGEST_ENV.eventBus] as string)
      : undefined,
  });
  // The data is committed; failing the invocation raises the errors alarm and the async retry
  // runs (and announces) again, so curate is never silently left out.
  if (summary.announced === false) {
    throw new StorageError(
      `${summary.sourceId} ${summary.runDate}: run ${summary.runId} published, but the publish event was not sent`,
    );
  }
  return summary;
}
