/**
 * The ingestion handler end to end against real local servers: s3rver (S3), dynalite (DynamoDB),
 * a Secrets Manager protocol stub, and a scripted SaaS API with injected faults.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type LocalAws, startLocalAws } from "../../test/helpers/local-aws";
import { tempDir } from "../../test/helpers/temp";
import {
  createSettingsTable,
  ddbClient,
  getBytes,
  getSourceState,
  listKeys,
  putSourceConfig,
  readVisibleRecords,
  s3Client,
} from "../shared/dev/local";
import type { SecretsStub } from "../shared/dev/secrets-stub";
import { S3ObjectStore } from "../shared/s3-objects";
import { DynamoDbSettingsStore } from "./adapters/dynamodb-settings";
import type { ObjectStore } from "./core/ports";
import { type RunDeps, runIngestion } from "./core/run";
import { type DemoSaasServer, demoRecord } from "./dev/demo-saas-server";
import { type DemoStandIns, immediateHttpClient, startDemoStandIns } from "./dev/stand-ins";
import { handler } from "./handler";

jest.setTimeout(120_000);

const BUCKET = "raw-test";
const TABLE = "settings-test";
const RUN_DATE = "2026-11-27";
let aws: LocalAws;
let saas: DemoSaasServer;
let secrets: SecretsStub;
let demo: DemoStandIns;
const savedEnv = { ...process.env };
let n = 0;

beforeAll(async () => {
  aws = await startLocalAws([BUCKET]);
  await createSettingsTable(aws.dynamodbEndpoint, TABLE);
  demo = await startDemoStandIns({
    total: 1050,
    pageSize: 100,
    s3: aws.s3Endpoint,
    dynamodb: aws.dynamodbEndpoint,
    table: TABLE,
    bucket: BUCKET,
    extra: { HTTP_MAX_ATTEMPTS: "4", HTTP_RETRY_BASE_DELAY_MS: "10", POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  ({ saas, secrets } = demo);
  Object.assign(process.env, demo.env);
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([aws?.stop(), demo?.stop()]);
});
beforeEach(() => {
  saas.faults.length = 0;
  saas.requests.length = 0;
  saas.setTotal(1050);
  saas.options.token = undefined;
  process.env.OUTPUT_FILE_MAX_BYTES = "";
});

const context = (ms = 300_000) => ({ getRemainingTimeInMillis: () => ms, awsRequestId: "test" });

/** A fresh source id and prefix per test, so tests never see each other's files. */
async function source(settings: Record<string, unknown>) {
  const id = `src_${++n}`;
  const prefix = `saas/${id}`;
  await putSourceConfig(aws.dynamodbEndpoint, TABLE, id, {
    enabled: true,
    auth: { type: "none" },
    target: { prefix },
    ...settings,
    request: {
      ...(settings.request as object),
      url: `${saas.url}${(settings.request as { url: string }).url}`,
    },
  });
  return { id, prefix };
}

/** Core dependencies against the local servers with `objects` in place of S3 (for injected faults). */
function coreDeps(objects: ObjectStore, deadline: number, extra: Partial<RunDeps> = {}): RunDeps {
  const http = immediateHttpClient({ deadline: () => deadline });
  return {
    settings: new DynamoDbSettingsStore(TABLE, ddbClient(aws.dynamodbEndpoint)),
    objects,
    secrets: { get: async () => "" },
    http,
    log: { info() {}, warn() {}, error() {} },
    now: Date.now,
    deadline: () => deadline,
    allowHttpLoopback: true,
    ...extra,
  };
}

const STYLES: Record<string, Record<string, unknown>> = {
  cursor: {
    request: { url: "/cursor" },
    records: { path: "data" },
    pagination: { type: "cursor", cursorPath: "meta.next_cursor", param: "cursor" },
  },
  page: {
    request: { url: "/page" },
    records: { path: "items" },
    pagination: { type: "page", param: "page" },
  },
  offset: {
    request: { url: "/offset" },
    records: { path: "" },
    pagination: { type: "offset", param: "offset", limitParam: "limit", limit: 100 },
  },
  link: { request: { url: "/link" }, records: { path: "" }, pagination: { type: "link" } },
};

const INCREMENTAL = {
  cursorField: "updated_at",
  cursorType: "timestamp",
  param: "updated_since",
  initial: "2025-01-01T00:00:00Z",
};

const ids = (records: Record<string, unknown>[]) => records.map((r) => r.id as string);
const expectExactlyOnce = (records: Record<string, unknown>[], total: number) => {
  expect(records).toHaveLength(total);
  expect(new Set(ids(records)).size).toBe(total);
};

describe.each(Object.keys(STYLES))("pagination %s", (style) => {
  it("lands every record once, as received, in gzip JSON Lines under <prefix>/dt=<runDate>/ with a manifest", async () => {
    const { id, prefix } = await source(STYLES[style]);
    const summary = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expect(summary).toMatchObject({ sourceId: id, records: 1050, status: "succeeded" });
    const records = await readVisibleRecords(aws.s3Endpoint, BUCKET, `${prefix}/dt=${RUN_DATE}/`);
    expectExactlyOnce(records, 1050);
    expect(records[7]).toEqual(demoRecord(7));
    const keys = await listKeys(aws.s3Endpoint, BUCKET, prefix);
    expect(keys.every((k) => k.startsWith(`${prefix}/dt=${RUN_DATE}/`))).toBe(true);
    expect(keys.filter((k) => k.endsWith(".jsonl.gz"))).toHaveLength(summary.files);
    const manifest = JSON.parse((await getBytes(aws.s3Endpoint, BUCKET, summary.manifestKey)).toString());
    expect(summary.manifestKey).toMatch(new RegExp(`^${prefix}/dt=${RUN_DATE}/_manifest-`));
    for (const f of manifest.files) {
      const body = await getBytes(aws.s3Endpoint, BUCKET, f.key);
      expect(createHash("sha256").update(body).digest("hex")).toBe(f.sha256);
    }
    expect(manifest.records).toBe(1050);
    expect(await listKeys(aws.s3Endpoint, BUCKET, `_staging/${prefix}/`)).toEqual([]);
  });
});

it("stops after the first page with pagination none", async () => {
  const { id } = await source({
    request: { url: "/none" },
    records: { path: "data" },
    pagination: { type: "none" },
  });
  expect((await handler({ sourceId: id, runDate: RUN_DATE }, context())).records).toBe(100);
});

it("rotates files by size", async () => {
  process.env.OUTPUT_FILE_MAX_BYTES = "20000";
  const { id, prefix } = await source(STYLES.cursor);
  const summary = await handler({ sourceId: id, runDate: RUN_DATE }, context());
  expect(summary.files).toBeGreaterThan(5);
  expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
});

describe("auth from Secrets Manager", () => {
  it("sends a bearer token and a named header read from the secret, never from the item", async () => {
    secrets.secrets.set("test/bearer", "t0ken-bearer");
    saas.options.token = "t0ken-bearer";
    const a = await source({ ...STYLES.cursor, auth: { type: "bearer", secretId: "test/bearer" } });
    expect((await handler({ sourceId: a.id, runDate: RUN_DATE }, context())).records).toBe(1050);
    secrets.secrets.set("test/header", "k3y");
    saas.options.token = "k3y";
    const b = await source({
      ...STYLES.link,
      auth: { type: "header", headerName: "X-Api-Key", secretId: "test/header" },
    });
    expect((await handler({ sourceId: b.id, runDate: RUN_DATE }, context())).records).toBe(1050);
    expect(saas.requests.at(-1)?.headers["x-api-key"]).toBe("k3y");
  });

  it("rejects when the secret is missing, writing nothing", async () => {
    const { id, prefix } = await source({
      ...STYLES.cursor,
      auth: { type: "bearer", secretId: "test/absent" },
    });
    const error = await handler({ sourceId: id, runDate: RUN_DATE }, context()).catch((e) => e);
    expect(error.message).toMatch(/secret "test\/absent".*ResourceNotFoundException/);
    // Retrying cannot create a secret (issue #14 case 7).
    expect(error.retryable).toBe(false);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });
});

describe("faults", () => {
  it("honours 429 Retry-After", async () => {
    const { id, prefix } = await source(STYLES.cursor);
    saas.faults.push({ path: "/cursor", page: 2, kind: "429", times: 1, retryAfterSeconds: 1 });
    const t0 = Date.now();
    const summary = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(summary.retries).toBe(1);
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
  });

  it("rides out a burst of 5xx, a connection reset and a truncated JSON body", async () => {
    const { id, prefix } = await source(STYLES.page);
    saas.faults.push(
      { page: 1, kind: "503", times: 2 },
      { page: 4, kind: "reset", times: 1 },
      { page: 6, kind: "truncated", times: 1 },
    );
    const summary = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expect(summary.retries).toBe(4);
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
  });

  it("does not retry a 4xx and says which URL failed", async () => {
    const { id } = await source(STYLES.cursor);
    saas.faults.push({ page: 0, kind: "400", times: 1 });
    await expect(handler({ sourceId: id, runDate: RUN_DATE }, context())).rejects.toThrow(
      /answered HTTP 400/,
    );
    expect(saas.requests).toHaveLength(1);
  });

  it("a permanent failure mid-run leaves nothing visible and the state unchanged; the rerun lands each record exactly once", async () => {
    const { id, prefix } = await source({
      ...STYLES.cursor,
      incremental: INCREMENTAL,
      primaryKey: "id",
    });
    saas.faults.push({ page: 6, kind: "500", times: Number.POSITIVE_INFINITY });
    await expect(handler({ sourceId: id, runDate: RUN_DATE }, context())).rejects.toThrow(
      /failed after 4 attempts: HTTP 500/,
    );
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
    expect(await listKeys(aws.s3Endpoint, BUCKET, `_staging/${prefix}`)).toEqual([]);
    const state = await getSourceState(aws.dynamodbEndpoint, TABLE, id);
    expect(state?.watermark).toBeUndefined();
    expect(state?.lease).toBeUndefined();
    saas.faults.length = 0;
    await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
  });

  it("stops cleanly, uncommitted, instead of waiting past the Lambda's remaining time", async () => {
    const { id, prefix } = await source(STYLES.cursor);
    saas.faults.push({ page: 3, kind: "429", times: 1, retryAfterSeconds: 60 });
    const t0 = Date.now();
    await expect(handler({ sourceId: id, runDate: RUN_DATE }, context(10_000))).rejects.toThrow(
      /Out of time/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.lastRunId).toBeUndefined();
  });
});

describe("incremental", () => {
  it("sends the watermark, advances it after the commit, and skips records already committed at the boundary", async () => {
    const { id, prefix } = await source({
      ...STYLES.cursor,
      incremental: INCREMENTAL,
      primaryKey: "id",
    });
    saas.setTotal(500);
    const first = await handler({ sourceId: id, runDate: "2026-11-26" }, context());
    expect(first.records).toBe(500);
    expect(first.watermark).toBe(demoRecord(499).updated_at);
    expect(saas.requests[0].query.updated_since).toBe("2025-01-01T00:00:00Z");
    saas.setTotal(800);
    saas.requests.length = 0;
    const second = await handler({ sourceId: id, runDate: "2026-11-27" }, context());
    expect(saas.requests[0].query.updated_since).toBe(demoRecord(499).updated_at);
    expect(second).toMatchObject({ records: 300, skipped: 1, watermark: demoRecord(799).updated_at });
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 800);
    const state = await getSourceState(aws.dynamodbEndpoint, TABLE, id);
    expect(state).toMatchObject({
      watermark: demoRecord(799).updated_at,
      boundary: { count: 1, keys: ["r799"] },
      lastStatus: "succeeded",
      lastRunId: second.runId,
    });
  });

  it("a crash in the middle of publishing is finished by the next run (exactly once)", async () => {
    const { id, prefix } = await source({
      ...STYLES.cursor,
      incremental: INCREMENTAL,
      primaryKey: "id",
    });
    process.env.OUTPUT_FILE_MAX_BYTES = "20000";
    const real = new S3ObjectStore(BUCKET, s3Client(aws.s3Endpoint));
    let copies = 0;
    // The "process" dies at the third copy: the promise never settles, as after a kill.
    const crashing = Object.assign(Object.create(real), {
      copy: (a: string, b: string) => (++copies === 3 ? new Promise<void>(() => undefined) : real.copy(a, b)),
    });
    const deadline = Date.now() + 60_000;
    const deps = coreDeps(crashing, deadline, { maxFileBytes: 20_000, publishReserveMs: 0, leaseMs: 1500 });
    // After the crash the dead process writes nothing more (its lease is no longer renewed).
    const settings = deps.settings;
    deps.settings = Object.assign(Object.create(settings), {
      putState: (...a: Parameters<typeof settings.putState>) =>
        copies >= 3 ? new Promise<boolean>(() => undefined) : settings.putState(...a),
    });
    void runIngestion({ sourceId: id, runDate: RUN_DATE }, deps);
    while (copies < 3) await new Promise((r) => setTimeout(r, 20));
    const crashedAt = Date.now();
    // Two files are visible now: the crash window. The short lease blocks the next run for seconds only.
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.pending).toBeDefined();
    await expect(handler({ sourceId: id, runDate: RUN_DATE }, context())).rejects.toThrow(/is being run by/);
    await new Promise((r) => setTimeout(r, 1600 - (Date.now() - crashedAt)));
    const summary = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expect(summary.recoveredRunId).toBeDefined();
    expect(summary.records).toBe(0);
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.pending).toBeUndefined();
  });

  it("staged copies that cannot be removed after the copy do not fail the run (the lifecycle expires them)", async () => {
    const { id, prefix } = await source({ ...STYLES.cursor, incremental: INCREMENTAL, primaryKey: "id" });
    const real = new S3ObjectStore(BUCKET, s3Client(aws.s3Endpoint));
    const failing = Object.assign(Object.create(real), {
      delete: (keys: string[]) =>
        keys.some((k) => k.startsWith("_staging/"))
          ? Promise.reject(new Error("S3 is down"))
          : real.delete(keys),
    });
    const warnings: string[] = [];
    const deps = coreDeps(failing, Date.now() + 60_000, {
      log: { info() {}, error() {}, warn: (m: string) => warnings.push(m) },
    });
    const summary = await runIngestion({ sourceId: id, runDate: RUN_DATE }, deps);
    expect(summary.records).toBe(1050);
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
    expect(await getSourceState(aws.dynamodbEndpoint, TABLE, id)).toMatchObject({ lastRunId: summary.runId });
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.pending).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/staged copies not removed/)]);
    expect(await listKeys(aws.s3Endpoint, BUCKET, `_staging/${prefix}/${summary.runId}/`)).not.toEqual([]);
  });
});

describe("snapshot sources", () => {
  it("replace the same day's files; a failure after the copy is finished by the next run, never rolled back", async () => {
    const { id, prefix } = await source(STYLES.cursor);
    const first = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
    const real = new S3ObjectStore(BUCKET, s3Client(aws.s3Endpoint));
    const failingDelete = Object.assign(Object.create(real), {
      delete: async (keys: string[]) => {
        if (keys.some((k) => k.includes(first.runId))) throw new Error("S3 DeleteObjects failed");
        return real.delete(keys);
      },
    });
    await expect(
      runIngestion({ sourceId: id, runDate: RUN_DATE }, coreDeps(failingDelete, Date.now() + 60_000)),
    ).rejects.toThrow("S3 DeleteObjects failed");
    // The new snapshot is visible and recorded as pending; nothing of the previous one was lost.
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.pending).toBeDefined();
    expect(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).toHaveLength(2100);
    const third = await handler({ sourceId: id, runDate: RUN_DATE }, context());
    expect(third.recoveredRunId).toBeDefined();
    expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
  });
});

it("the esbuild bundle the Lambda runs behaves like the source (secrets, S3, DynamoDB), in a plain node process", async () => {
  const { bundleFunction } = await import("../build");
  // Outside the repository, as in the Lambda: no node_modules to fall back on.
  const entry = join(tempDir("bundle-"), "index.js");
  copyFileSync(join(bundleFunction("saas-ingest").dir, "index.js"), entry);
  secrets.secrets.set("test/bundle", "bundle-token");
  saas.options.token = "bundle-token";
  const { id, prefix } = await source({
    ...STYLES.offset,
    auth: { type: "bearer", secretId: "test/bundle" },
  });
  const script = `require(${JSON.stringify(entry)}).handler({ sourceId: ${JSON.stringify(id)}, runDate: "${RUN_DATE}" }, { getRemainingTimeInMillis: () => 300000 })
    .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
  // Async: the demo API and the secrets stub live in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { env: process.env });
  expect(JSON.parse(stdout).records).toBe(1050);
  expectExactlyOnce(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix), 1050);
});

describe("bad input", () => {
  const expectNothingWritten = async (id: string) => {
    expect(await listKeys(aws.s3Endpoint, BUCKET, `saas/${id}`)).toEqual([]);
    expect(await getSourceState(aws.dynamodbEndpoint, TABLE, id)).toBeUndefined();
  };

  it("rejects an unknown sourceId", async () => {
    await expect(handler({ sourceId: "nope" }, context())).rejects.toThrow('Unknown sourceId "nope"');
  });

  it("rejects a malformed event naming the field", async () => {
    await expect(handler({ sourceId: "" }, context())).rejects.toThrow(/event\.sourceId/);
    await expect(handler({ sourceId: "x", runDate: "2026-02-30" }, context())).rejects.toThrow(
      /event\.runDate: must be a calendar date/,
    );
  });

  it("rejects a disabled source", async () => {
    const { id } = await source({ ...STYLES.cursor, enabled: false });
    await expect(handler({ sourceId: id }, context())).rejects.toThrow(/is disabled/);
    await expectNothingWritten(id);
  });

  it.each([
    ["missing url", { request: {} }, /request\.url/],
    ["unknown pagination type", { pagination: { type: "scroll" } }, /pagination\.type/],
    ["cursor without cursorPath", { pagination: { type: "cursor", param: "c" } }, /pagination\.cursorPath/],
    ["auth without secretId", { auth: { type: "bearer" } }, /auth\.secretId/],
    ["records without path", { records: {} }, /records\.path/],
  ])("rejects an item with %s, naming the field", async (_name, patch, field) => {
    const id = `bad_${++n}`;
    await putSourceConfig(aws.dynamodbEndpoint, TABLE, id, {
      enabled: true,
      auth: { type: "none" },
      target: { prefix: `saas/${id}` },
      ...STYLES.cursor,
      request: { url: `${saas.url}/cursor` },
      ...patch,
    });
    await expect(handler({ sourceId: id }, context())).rejects.toThrow(field);
    await expectNothingWritten(id);
  });

  it("rejects a body whose records path is not an array, naming records.path", async () => {
    const { id, prefix } = await source({ ...STYLES.cursor, records: { path: "meta" } });
    await expect(handler({ sourceId: id, runDate: RUN_DATE }, context())).rejects.toThrow(
      /records\.path: "meta" is not an array/,
    );
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });
});
