/**
 * Issue #14: ingestion against hostile and messy APIs, each numbered case of the issue against
 * the real core, local S3 (s3rver) and DynamoDB (dynalite), and scripted servers. Every test here
 * failed on the code before the fix.
 */
import { execFile } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { type LocalAws, startLocalAws } from "../../test/helpers/local-aws";
import { tempDir } from "../../test/helpers/temp";
import {
  createSettingsTable,
  ddbClient,
  getBytes,
  getSourceState,
  listKeys,
  localHandlerEnv,
  putSourceConfig,
  readVisibleRecords,
  s3Client,
} from "../shared/dev/local";
import { recordingLog } from "../shared/logger";
import { S3ObjectStore } from "../shared/s3-objects";
import { DynamoDbSettingsStore } from "./adapters/dynamodb-settings";
import { nodeHttpFetch } from "./adapters/node-http-fetch";
import { HttpClient } from "./core/http";
import { type RunDeps, runIngestion } from "./core/run";
import { parseSourceSettings } from "./core/settings";
import { MINIMAL_SETTINGS } from "./dev/demo-settings";
import { HostileServer, sendJson } from "./dev/hostile-server";

jest.setTimeout(120_000);

const BUCKET = "raw-hostile";
const TABLE = "settings-hostile";
const RUN_DATE = "2026-11-27";
const SECRET = "s3cr3t-T0KEN-value";
let aws: LocalAws;
const a = new HostileServer();
const b = new HostileServer();
let n = 0;

beforeAll(async () => {
  aws = await startLocalAws([BUCKET]);
  await createSettingsTable(aws.dynamodbEndpoint, TABLE);
  await Promise.all([a.start(), b.start()]);
});
afterAll(async () => {
  await Promise.all([aws?.stop(), a.stop(), b.stop()]);
});

async function source(settings: Record<string, unknown>) {
  const id = `h_${++n}`;
  const prefix = `saas/${id}`;
  await putSourceConfig(aws.dynamodbEndpoint, TABLE, id, {
    enabled: true,
    auth: { type: "header", headerName: "X-Api-Key", secretId: "k" },
    records: { path: "data" },
    pagination: { type: "none" },
    target: { prefix },
    ...settings,
    request: { url: `${a.url}/items`, ...((settings.request as object) ?? {}) },
  });
  return { id, prefix };
}

function deps(extra: Partial<RunDeps> = {}) {
  const log = recordingLog();
  const http = new HttpClient({
    maxAttempts: 3,
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxRetryAfterMs: 50,
    timeoutMs: 10_000,
    // The handler's transport: every hostile case runs over it.
    fetch: nodeHttpFetch(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: Date.now,
    random: Math.random,
    deadline: () => Date.now() + 60_000,
  });
  const d: RunDeps = {
    settings: new DynamoDbSettingsStore(TABLE, ddbClient(aws.dynamodbEndpoint)),
    objects: new S3ObjectStore(BUCKET, s3Client(aws.s3Endpoint)),
    secrets: { get: async () => SECRET },
    http,
    log,
    now: Date.now,
    deadline: () => Date.now() + 60_000,
    allowHttpLoopback: true,
    publishReserveMs: 0,
    ...extra,
  };
  return { d, log };
}

const run = (id: string, extra: Partial<RunDeps> = {}, runDate = RUN_DATE) => {
  const { d, log } = deps(extra);
  return { result: runIngestion({ sourceId: id, runDate }, d), log };
};

const records = (from: number, count: number, extra: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: count }, (_, i) => ({
    id: `r${from + i}`,
    updated_at: new Date(Date.UTC(2025, 0, 1) + (from + i) * 1000).toISOString(),
    ...extra(from + i),
  }));

const INCREMENTAL = {
  cursorField: "updated_at",
  cursorType: "timestamp",
  param: "since",
  initial: "2025-01-01T00:00:00Z",
};

describe("1. credentials stay with their origin", () => {
  it("refuses a Link rel=next to another origin; that origin receives nothing", async () => {
    a.reset((_q, res) => sendJson(res, records(0, 2), 200, { link: `<${b.url}/steal?p=2>; rel="next"` }));
    b.reset((_q, res) => sendJson(res, []));
    const { id, prefix } = await source({ records: { path: "" }, pagination: { type: "link" } });
    await expect(run(id).result).rejects.toThrow(
      /refusing to follow http:\/\/127\.0\.0\.1:\d+, which is not the first page's origin/,
    );
    expect(b.requests).toHaveLength(0);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });

  it("follows a cross-origin redirect only to an allowed origin, and without the credential", async () => {
    a.reset((_q, res) => {
      res.writeHead(302, { location: `${b.url}/moved` }).end();
    });
    b.reset((_q, res) => sendJson(res, { data: records(0, 3) }));
    const refused = await source({});
    await expect(run(refused.id).result).rejects.toThrow(/redirect from .* refusing to follow/);
    expect(b.requests).toHaveLength(0);

    const { id, prefix } = await source({ request: { allowedOrigins: [b.url] } });
    await expect(run(id).result).resolves.toMatchObject({ records: 3 });
    expect(a.requests[a.requests.length - 1].headers["x-api-key"]).toBe(SECRET);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0].headers["x-api-key"]).toBeUndefined();
    expect(b.requests[0].headers.authorization).toBeUndefined();
    expect(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).toHaveLength(3);
  });

  it("refuses http:// (settings: any host but loopback; runtime: loopback too unless allowed for local stand-ins)", async () => {
    expect(() =>
      parseSourceSettings("s", {
        enabled: true,
        request: { url: "http://api.example.com/v1" },
        auth: { type: "none" },
        records: { path: "" },
        pagination: { type: "none" },
        target: { prefix: "p" },
      }),
    ).toThrow(/request.url: must use https/);
    a.reset((_q, res) => sendJson(res, { data: [] }));
    const { id } = await source({});
    await expect(run(id, { allowHttpLoopback: false }).result).rejects.toThrow(/only https is allowed/);
    expect(a.requests).toHaveLength(0);
  });

  it("redacts the secret by value from errors and log lines when the server echoes it", async () => {
    a.reset((q, res) =>
      sendJson(
        res,
        { error: `invalid key ${q.headers["x-api-key"]}`, base64: Buffer.from(SECRET).toString("base64") },
        400,
      ),
    );
    const { id } = await source({});
    const { result, log } = run(id);
    const error = (await result.catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain("invalid key ***");
    const everything = JSON.stringify({ message: error.message, stack: error.stack, log: log.lines });
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(log.lines.some((l) => l.level === "error")).toBe(true);
  });
});

describe("2. typed watermarks: one bad cursor never becomes the watermark", () => {
  const withBad = () =>
    a.reset((_q, res, u) =>
      sendJson(res, {
        data:
          u.searchParams.get("since") === "2025-01-01T00:00:00Z"
            ? records(0, 5, (i) => (i === 3 ? { updated_at: "N/A" } : {}))
            : [],
      }),
    );

  it("fails the run naming the record's key and value; nothing is published, the state is unchanged", async () => {
    withBad();
    const { id, prefix } = await source({ incremental: INCREMENTAL, primaryKey: "id" });
    await expect(run(id).result).rejects.toThrow(
      /record with id="r3" \(page 1 .*record 3\) is "N\/A", not a timestamp/,
    );
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.watermark).toBeUndefined();
  });

  it("with onBadCursor: skip, counts and reports it; the watermark is the greatest valid cursor", async () => {
    withBad();
    const { id, prefix } = await source({
      incremental: { ...INCREMENTAL, onBadCursor: "skip" },
      primaryKey: "id",
    });
    const { result, log } = run(id);
    const summary = await result;
    expect(summary).toMatchObject({ records: 4, badCursor: 1, watermark: records(4, 1)[0].updated_at });
    expect(log.lines.some((l) => l.level === "warn" && /badCursor|cursor/.test(l.message))).toBe(true);
    expect((await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).map((r) => r.id)).toEqual([
      "r0",
      "r1",
      "r2",
      "r4",
    ]);
    a.requests.length = 0;
    await run(id, {}, "2026-11-28").result;
    expect(a.requests[0].query.since).toBe(records(4, 1)[0].updated_at);
  });

  it("refuses incremental settings without primaryKey or cursorType", () => {
    const base = MINIMAL_SETTINGS;
    expect(() => parseSourceSettings("s", { ...base, incremental: INCREMENTAL })).toThrow(
      /primaryKey: required with incremental/,
    );
    const { cursorType: _c, ...untyped } = INCREMENTAL;
    expect(() => parseSourceSettings("s", { ...base, incremental: untyped, primaryKey: "id" })).toThrow(
      /incremental.cursorType/,
    );
  });
});

describe("3. bounded memory and short leases", () => {
  it("refuses a page that inflates past limits.maxPageBytes (a small gzip body), naming the limit", async () => {
    const inflated = gzipSync(
      Buffer.from(`{"data":[${`{"id":"x","pad":"${"a".repeat(1000)}"},`.repeat(20_000)}{"id":"y"}]}`),
    );
    a.reset((_q, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(inflated);
    });
    const { id, prefix } = await source({ limits: { maxPageBytes: 4 * 1024 * 1024 } });
    await expect(run(id).result).rejects.toThrow(
      /limits.maxPageBytes: page 1 .* larger than 4194304 bytes \(after decompression\)/,
    );
    expect(inflated.length).toBeLessThan(1024 * 1024);
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });

  it("lands a 24 MB page with the bundled handler at a 32 MB heap (a quarter of the deployed 128 MB), peak RSS under 200 MB", async () => {
    // ~160 bytes each: a 24 MB page, run at a 32 MB heap. A handler that buffered the page would
    // not fit (JSON.parse of this page needs more than 48 MB of heap); a streaming one does.
    const total = 150_000;
    // The records' JSON written as text (what JSON.stringify of records(k, 1, pad) gives, checked
    // below): building 150,000 objects to stringify them cost this test ~0.5 s of CPU.
    const pads = Array.from({ length: 7 }, (_, j) => "p".repeat(100 + j));
    const base = Date.UTC(2025, 0, 1);
    const line = (k: number) =>
      `{"id":"r${k}","updated_at":"${new Date(base + k * 1000).toISOString()}","pad":"${pads[k % 7]}"}`;
    for (const k of [0, 6, 149_999])
      expect(line(k)).toBe(JSON.stringify(records(k, 1, () => ({ pad: "p".repeat(100 + (k % 7)) }))[0]));
    a.reset(async (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"meta":{"note":"one huge page"},"data":[');
      for (let i = 0; i < total; i += 5000) {
        const parts: string[] = [];
        for (let k = i; k < Math.min(i + 5000, total); k++) parts.push(line(k));
        const chunk = parts.join(",");
        if (!res.write(i === 0 ? chunk : `,${chunk}`)) await new Promise((r) => res.once("drain", r));
      }
      res.end("]}");
    });
    const { id, prefix } = await source({ auth: { type: "none" } });
    const { bundleFunction } = await import("../build");
    const entry = join(tempDir("bundle-"), "index.js");
    copyFileSync(join(bundleFunction("saas-ingest").dir, "index.js"), entry);
    const script = `require(${JSON.stringify(entry)}).handler({ sourceId: ${JSON.stringify(id)}, runDate: "${RUN_DATE}" }, { getRemainingTimeInMillis: () => 600000 })
      .then((r) => process.stdout.write(JSON.stringify({ ...r, maxRssKb: process.resourceUsage().maxRSS })), (e) => { console.error(e); process.exit(1); })`;
    const env = {
      ...process.env,
      ...localHandlerEnv({
        s3: aws.s3Endpoint,
        dynamodb: aws.dynamodbEndpoint,
        table: TABLE,
        bucket: BUCKET,
      }),
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--max-old-space-size=32", "-e", script],
      {
        env,
        maxBuffer: 1024 * 1024,
      },
    );
    const out = JSON.parse(stdout);
    expect(out.records).toBe(total);
    expect(out.maxRssKb / 1024).toBeLessThan(200);
    let lines = 0;
    for (const key of await listKeys(aws.s3Endpoint, BUCKET, `${prefix}/dt=`))
      if (key.endsWith(".jsonl.gz")) {
        // indexOf, not a loop over 24 MB of bytes in JavaScript (~0.5 s of CPU).
        const body = gunzipSync(await getBytes(aws.s3Endpoint, BUCKET, key));
        for (let i = body.indexOf(0x0a); i !== -1; i = body.indexOf(0x0a, i + 1)) lines++;
      }
    expect(lines).toBe(total);
  }, 400_000);

  it("holds a short lease while alive, renews it, and releases it at the end", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    a.reset(async (_q, res) => {
      await gate;
      sendJson(res, { data: records(0, 1) });
    });
    const { id } = await source({});
    const { result } = run(id, { leaseMs: 600 });
    // The run is held at its first request: wait until it asked (it holds the lease by then).
    while (a.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const first = (await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.lease;
    expect(first.expiresAt - Date.now()).toBeLessThanOrEqual(600);
    await new Promise((r) => setTimeout(r, 700));
    const renewed = (await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.lease;
    expect(renewed.runId).toBe(first.runId);
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
    release();
    await result;
    expect((await getSourceState(aws.dynamodbEndpoint, TABLE, id))?.lease).toBeUndefined();
  });
});

describe("4. boundary state stays bounded", () => {
  it("100,000 rows at one cursor value: the state item stays under 100 KB and the next run skips every one", async () => {
    const at = "2025-06-01T00:00:00Z";
    // Both runs read the same pages: each body is built once.
    const bodies = new Map<number, string>();
    a.reset((_q, res, u) => {
      const page = Number(u.searchParams.get("page") ?? 1);
      if (!bodies.has(page)) {
        const data =
          page > 10
            ? []
            : Array.from({ length: 10_000 }, (_, i) => ({
                id: `k${(page - 1) * 10_000 + i}`,
                updated_at: at,
              }));
        bodies.set(page, JSON.stringify({ data }));
      }
      sendJson(res, bodies.get(page));
    });
    const { id, prefix } = await source({
      incremental: INCREMENTAL,
      primaryKey: "id",
      pagination: { type: "page", param: "page" },
    });
    await expect(run(id).result).resolves.toMatchObject({ records: 100_000, watermark: at });
    const state = await getSourceState(aws.dynamodbEndpoint, TABLE, id);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThan(100 * 1024);
    expect(state?.boundary).toMatchObject({
      count: 100_000,
      objectKey: expect.stringMatching(/^saas\/h_\d+\/_state\/_boundary-/),
    });
    const second = await run(id, {}, "2026-11-28").result;
    expect(second).toMatchObject({ records: 0, skipped: 100_000, watermark: at });
    expect(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).toHaveLength(100_000);
  });
});

describe("5. exactly once in every mode", () => {
  it("a snapshot rerun of an earlier day replaces that day's files, not another day's", async () => {
    let version = 1;
    a.reset((_q, res) => sendJson(res, { data: records(0, 3, () => ({ v: version })) }));
    const { id, prefix } = await source({});
    await run(id, {}, "2026-11-26").result;
    await run(id, {}, "2026-11-27").result;
    version = 2;
    await run(id, {}, "2026-11-26").result;
    const day1 = await readVisibleRecords(aws.s3Endpoint, BUCKET, `${prefix}/dt=2026-11-26/`);
    expect(day1.map((r) => r.v)).toEqual([2, 2, 2]);
    const day2 = await readVisibleRecords(aws.s3Endpoint, BUCKET, `${prefix}/dt=2026-11-27/`);
    expect(day2.map((r) => r.v)).toEqual([1, 1, 1]);
    expect(
      (await listKeys(aws.s3Endpoint, BUCKET, `${prefix}/dt=2026-11-26/`)).filter((k) =>
        k.includes("_manifest"),
      ),
    ).toHaveLength(1);
  });
});

describe("6. no silent truncation", () => {
  it("an offset API that caps limit (500 asked, 100 served) delivers all 1,000 records, ending on an empty page", async () => {
    a.reset((_q, res, u) => {
      const offset = Number(u.searchParams.get("offset"));
      const count = Math.min(Number(u.searchParams.get("limit")), 100);
      sendJson(res, records(offset, Math.max(0, Math.min(count, 1000 - offset))));
    });
    const { id, prefix } = await source({
      records: { path: "" },
      pagination: { type: "offset", param: "offset", limitParam: "limit", limit: 500 },
    });
    await expect(run(id).result).resolves.toMatchObject({ records: 1000, pages: 11 });
    expect(new Set((await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).map((r) => r.id)).size).toBe(
      1000,
    );
  });
});

describe("7. messy APIs", () => {
  it.each([
    ["1", "a number"],
    ['"x"', "a string"],
    ["null", "null"],
    ["[1,2]", "an array"],
  ])("a record %s fails the run naming page and index", async (bad, kind) => {
    a.reset((_q, res, u) =>
      sendJson(res, `{"data":[{"id":"ok"},${u.searchParams.get("page") === "2" ? bad : '{"id":"ok2"}'}]}`),
    );
    const { id, prefix } = await source({
      pagination: { type: "page", param: "page" },
      limits: { maxPages: 3 },
    });
    await expect(run(id).result).rejects.toThrow(
      new RegExp(`page 2 .*record 1 is ${kind.replace(/[[\]]/g, "\\$&")}.*not a JSON object`),
    );
    expect(await listKeys(aws.s3Endpoint, BUCKET, prefix)).toEqual([]);
  });

  it("stops a server that hands out fresh cursors with empty pages (limits.maxConsecutiveEmptyPages)", async () => {
    let i = 0;
    a.reset((_q, res) => sendJson(res, { data: [], next: `c${++i}` }));
    const { id } = await source({
      pagination: { type: "cursor", cursorPath: "next", param: "cursor" },
      limits: { maxConsecutiveEmptyPages: 5 },
    });
    await expect(run(id).result).rejects.toThrow(/limits.maxConsecutiveEmptyPages: 5 pages in a row/);
    expect(a.requests).toHaveLength(5);
  });

  it("caps limits.maxPages", async () => {
    let i = 0;
    a.reset((_q, res) => sendJson(res, { data: [{ id: i }], next: `c${++i}` }));
    const { id } = await source({
      pagination: { type: "cursor", cursorPath: "next", param: "cursor" },
      limits: { maxPages: 7 },
    });
    await expect(run(id).result).rejects.toThrow(/limits.maxPages: more than 7 pages/);
  });

  it("caps Retry-After by config instead of sleeping for an hour", async () => {
    let calls = 0;
    a.reset((_q, res) => {
      if (++calls === 1) res.writeHead(429, { "retry-after": "3600" }).end();
      else sendJson(res, { data: records(0, 1) });
    });
    const { id } = await source({});
    const t = Date.now();
    await expect(run(id).result).resolves.toMatchObject({ records: 1, retries: 1 });
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it("refuses run dates outside a sane range", async () => {
    a.reset((_q, res) => sendJson(res, { data: [] }));
    const { id } = await source({});
    await expect(run(id, {}, "0000-01-01").result).rejects.toThrow(
      /event.runDate: must be from 2000-01-01 to/,
    );
    await expect(run(id, {}, "9999-12-31").result).rejects.toThrow(
      /event.runDate: must be from 2000-01-01 to/,
    );
  });

  it("retries a page whose body is cut mid-record and counts its records once", async () => {
    let calls = 0;
    a.reset((req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(`{"data":[${JSON.stringify(records(0, 50)).slice(1, -1)},{"id":"r50","upd`);
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      sendJson(res, { data: records(0, 60) });
    });
    const { id, prefix } = await source({});
    await expect(run(id).result).resolves.toMatchObject({ records: 60, retries: 1 });
    expect(await readVisibleRecords(aws.s3Endpoint, BUCKET, prefix)).toHaveLength(60);
  });
});

describe("business date (issue #17)", () => {
  it.each([
    ["local-yesterday", "2026-11-28"],
    ["local-today", "2026-11-29"],
    ["utc-today", "2026-11-28"],
  ])("a run at 00:30 JST without runDate and policy %s writes dt=%s", async (policy, dt) => {
    a.reset((_q, res) => sendJson(res, { data: records(0, 1) }));
    const { id, prefix } = await source({ runDate: policy, scheduleTimezone: "Asia/Tokyo" });
    const now = () => Date.parse("2026-11-28T15:30:00Z");
    const { d } = deps({ now });
    const summary = await runIngestion({ sourceId: id }, d);
    expect(summary.runDate).toBe(dt);
    expect(await listKeys(aws.s3Endpoint, BUCKET, `${prefix}/dt=${dt}/`)).toHaveLength(2);
  });
});
