/**
 * What every local run and integration test of the ingestion handler starts next to local S3 and
 * DynamoDB: the demo SaaS API and the Secrets Manager stub, with the handler's environment
 * pointing at all of them; and an HttpClient for the core that never waits. One place for
 * `ingest:local`, `curate:local`, `ops --local` and the tests.
 */
import { localHandlerEnv } from "../../shared/dev/local";
import { SecretsStub } from "../../shared/dev/secrets-stub";
import { HttpClient, type HttpOptions } from "../core/http";
import { DemoSaasServer } from "./demo-saas-server";

/** The bearer token the local runners give the demo API (and put in the secrets stub). */
export const DEMO_TOKEN = "local-demo-token";

export interface DemoStandIns {
  readonly saas: DemoSaasServer;
  readonly secrets: SecretsStub;
  /** The handler's environment: local S3/DynamoDB, the secrets stub, table and bucket, `extra`. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startDemoStandIns(o: {
  /** Records the demo API serves per source. */
  total: number;
  pageSize: number;
  /** Token the demo API requires. @default - none */
  token?: string;
  s3: string;
  dynamodb: string;
  table: string;
  bucket: string;
  /** More variables for the handler (tuning, log level). @default - none */
  extra?: Record<string, string>;
}): Promise<DemoStandIns> {
  const saas = new DemoSaasServer({ total: o.total, pageSize: o.pageSize, token: o.token });
  await saas.start();
  const secrets = new SecretsStub();
  try {
    await secrets.start();
  } catch (e) {
    await saas.stop();
    throw e;
  }
  const env = localHandlerEnv({
    s3: o.s3,
    dynamodb: o.dynamodb,
    secretsManager: secrets.url,
    table: o.table,
    bucket: o.bucket,
    extra: o.extra,
  });
  return {
    saas,
    secrets,
    env,
    stop: async () => {
      await Promise.all([saas.stop(), secrets.stop()]);
    },
  };
}

/** An HttpClient for tests of the core: one attempt, no waiting, a minute until the deadline. */
export function immediateHttpClient(overrides: Partial<HttpOptions> = {}): HttpClient {
  return new HttpClient({
    maxAttempts: 1,
    baseDelayMs: 1,
    maxDelayMs: 1,
    timeoutMs: 5000,
    fetch,
    sleep: async () => {},
    now: Date.now,
    random: Math.random,
    deadline: () => Date.now() + 60_000,
    ...overrides,
  });
}
