/**
 * The ingestion function's tuning: one table of each setting's environment variable, default and
 * bounds. Config validates it per environment (`aws.ingest.tuning`, `ingestTuningSchema`), the
 * module sets the variables (`ingestTuningEnv`), the handler reads them (`readIngestTuning`); a
 * default lives here and nowhere else.
 */
import { z } from "zod";
import { intEnv } from "../shared/env";

interface Knob {
  readonly env: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

export const INGEST_TUNING = {
  httpMaxAttempts: {
    env: "HTTP_MAX_ATTEMPTS",
    default: 5,
    min: 1,
    max: 20,
    description: "attempts per request (first + retries) on network errors, 5xx, 429 and cut bodies",
  },
  httpRetryBaseDelayMs: {
    env: "HTTP_RETRY_BASE_DELAY_MS",
    default: 1000,
    min: 0,
    max: 60_000,
    description: "first backoff step; doubles each retry (full jitter)",
  },
  httpRetryMaxDelayMs: {
    env: "HTTP_RETRY_MAX_DELAY_MS",
    default: 16_000,
    min: 0,
    max: 300_000,
    description: "longest backoff step",
  },
  httpMaxRetryAfterMs: {
    env: "HTTP_MAX_RETRY_AFTER_MS",
    default: 60_000,
    min: 0,
    max: 900_000,
    description: "longest wait a Retry-After may ask for (longer asks wait this long)",
  },
  httpTimeoutMs: {
    env: "HTTP_TIMEOUT_MS",
    default: 30_000,
    min: 1000,
    max: 900_000,
    description: "per-attempt timeout, headers and body",
  },
  outputFileMaxBytes: {
    env: "OUTPUT_FILE_MAX_BYTES",
    default: 64 * 1024 * 1024,
    min: 1024,
    max: 5 * 1024 ** 3,
    description: "uncompressed bytes per output file before it rotates",
  },
  outputGzipLevel: {
    env: "OUTPUT_GZIP_LEVEL",
    default: 1,
    min: 1,
    max: 9,
    // bench:ingest prints the levels side by side: 1 compresses the demo pages 8.2x, 6 only 9.1x at
    // a third of the speed.
    description: "zlib level of the output files",
  },
} as const satisfies Record<string, Knob>;

export type IngestTuning = { -readonly [K in keyof typeof INGEST_TUNING]: number };

const knobs = Object.entries(INGEST_TUNING) as [keyof IngestTuning, Knob][];

/** `aws.ingest.tuning` in config: every knob optional, bounded, defaulted from INGEST_TUNING. */
export const ingestTuningSchema = z.object(
  Object.fromEntries(
    knobs.map(([k, d]) => [
      k,
      z.number().int().min(d.min).max(d.max).default(d.default).describe(`${d.description} (${d.env})`),
    ]),
  ) as { [K in keyof IngestTuning]: z.ZodDefault<z.ZodNumber> },
);

/** The environment variables for `tuning` (unset fields: their defaults), as the module sets them. */
export function ingestTuningEnv(tuning: Partial<IngestTuning> = {}): Record<string, string> {
  return Object.fromEntries(knobs.map(([k, d]) => [d.env, String(tuning[k] ?? d.default)]));
}

/** The tuning the handler runs with; throws EnvironmentError naming a variable out of bounds. */
export function readIngestTuning(env: NodeJS.ProcessEnv = process.env): IngestTuning {
  return Object.fromEntries(
    knobs.map(([k, d]) => [k, intEnv(d.env, d.default, d.min, d.max, env)]),
  ) as IngestTuning;
}
