/**
 * The real reconcile handler against local S3/DynamoDB (s3rver, dynalite), the BigQuery REST
 * stand-in (reached through the client's apiEndpoint, with the keyless STS + impersonation flow)
 * and DuckDB over local raw files for the Athena side.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { TS_FLAGS } from "../../scripts/lib/ts-flags";
import { type LineChild, startLineChild } from "../../test/helpers/line-child";
import { type LocalAws, startLocalAws } from "../../test/helpers/local-aws";
import { bundleFunction } from "../build";
import { getItem, s3Client } from "../shared/dev/local";
import type { ResolvedCheck } from "./core/checks";
import type { ReconcileSummary } from "./core/reconcile";
import { type BigQueryStandIn, startBigQueryStandIn } from "./dev/bigquery-standin";
import {
  LOCAL_AUDIENCE,
  LOCAL_BUCKET,
  LOCAL_PROJECT,
  LOCAL_SA,
  LOCAL_TABLE,
  prepareLocal,
  type RecordingMetrics,
} from "./dev/local-run";
import type { ChildSetup } from "./dev/run-handler";

jest.setTimeout(120_000);

const ROOT = join(__dirname, "..", "..");
/**
 * Runs the real handler in a child (as in Lambda; see dev/run-handler.ts): one warm process for
 * the whole file, every run with its own handler, auth client and DuckDB counter. TypeScript is
 * loaded as CommonJS, as every npm script loads it (scripts/lib/ts-flags.ts) and as the Lambda runs its
 * esbuild CommonJS bundle; the Google libraries' own dynamic imports are Node's.
 */
let child: LineChild | undefined;
async function runChild(setup: ChildSetup, event: Record<string, string>): Promise<any> {
  child ??= startLineChild([...TS_FLAGS, "functions/bq-reconcile/dev/run-handler.ts", "--serve"], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  return JSON.parse(await child.request(JSON.stringify({ setup, event })));
}

const RUN_DATE = "2026-11-27";
const NOW = Date.parse("2026-11-28T09:00:00Z");
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000);
const check: ResolvedCheck = {
  id: "orders",
  athena: { database: "dp_local_raw", table: "demo_orders", dateColumn: "dt" },
  bigquery: {
    projectId: LOCAL_PROJECT,
    datasetId: "dwh",
    table: "orders",
    dateColumn: "load_date",
    dateColumnType: "DATE",
  },
  tolerance: { rows: 0 },
  freshnessHours: 30,
};
const REF = `${LOCAL_PROJECT}.dwh.orders`;

describe("bq-reconcile handler (local stand-ins)", () => {
  let aws: LocalAws;
  let standIn: BigQueryStandIn;
  let rawRoot: string;
  let metrics: RecordingMetrics;
  const run = async (
    over: { maximumBytesBilled?: number; event?: Record<string, string>; bundle?: string } = {},
  ) => {
    const setup: ChildSetup = {
      s3: aws.s3Endpoint,
      dynamodb: aws.dynamodbEndpoint,
      standInUrl: standIn.url,
      rawRoot,
      prefixes: { demo_orders: "saas/demo_orders" },
      checks: [check],
      maximumBytesBilled: over.maximumBytesBilled,
      now: NOW,
      bundle: over.bundle,
    };
    const r = await runChild(setup, over.event ?? { runDate: RUN_DATE });
    if (r.error) throw new Error(r.error.message);
    metrics = { published: r.metrics } as RecordingMetrics;
    return r.summary as ReconcileSummary;
  };
  const bq = (rows: number, lastModifiedHoursAgo = 2, extra: Record<string, unknown> = {}) => {
    standIn.options.tables = {
      [REF]: {
        rowsByDate: { [RUN_DATE]: rows, "2026-11-26": 7 },
        partitionColumn: "load_date",
        lastModified: hoursAgo(lastModifiedHoursAgo),
        ...extra,
      },
    };
    standIn.options.faults = {};
  };

  beforeAll(async () => {
    aws = await startLocalAws([LOCAL_BUCKET]);
    standIn = await startBigQueryStandIn({
      tables: {},
      audience: LOCAL_AUDIENCE,
      serviceAccountEmail: LOCAL_SA,
    });
    rawRoot = mkdtempSync(join(tmpdir(), "reconcile-raw-"));
    // 120 rows for the run date in two files, plus a staged file Athena would not read.
    const dir = join(rawRoot, "saas/demo_orders", `dt=${RUN_DATE}`);
    mkdirSync(dir, { recursive: true });
    const lines = (from: number, n: number) =>
      gzipSync(
        Array.from({ length: n }, (_, i) => JSON.stringify({ id: `o${from + i}`, amount: i })).join("\n") +
          "\n",
      );
    writeFileSync(join(dir, "part-a-00000.jsonl.gz"), lines(0, 70));
    writeFileSync(join(dir, "part-a-00001.jsonl.gz"), lines(70, 50));
    writeFileSync(join(dir, "_manifest-a.json"), "{}");
    await prepareLocal({
      s3: aws.s3Endpoint,
      dynamodb: aws.dynamodbEndpoint,
      standIn,
      rawRoot,
      prefixes: {},
      checks: [check],
    });
  });
  afterAll(async () => {
    await child?.stop();
    await standIn?.close();
    await aws?.stop();
    if (rawRoot) rmSync(rawRoot, { recursive: true, force: true });
  });

  it("equal counts pass; the result is recorded, reported and measured", async () => {
    bq(120);
    const s = await run();
    expect(s.checks[0].error).toBeUndefined();
    expect(s.passed).toBe(true);
    expect(s.checks[0]).toMatchObject({
      id: "orders",
      athenaRows: 120,
      bigqueryRows: 120,
      difference: 0,
      stale: false,
      passed: true,
      reasons: [],
    });
    const item = await getItem(aws.dynamodbEndpoint, LOCAL_TABLE, {
      pk: "reconcile#orders",
      sk: `run#${RUN_DATE}`,
    });
    expect(item).toMatchObject({ passed: true, athenaRows: 120, bigqueryRows: 120, runId: s.runId });
    const report = await s3Client(aws.s3Endpoint).send(
      new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: s.reportKey }),
    );
    expect(JSON.parse(await report.Body!.transformToString())).toMatchObject({
      runDate: RUN_DATE,
      passed: true,
      checks: [{ id: "orders" }],
    });
    expect(metrics.published[0]).toMatchObject({
      status: "succeeded",
      dimensions: { checkId: "orders" },
      measures: { difference: 0, latenessHours: 0, checkFailed: 0, stale: 0 },
    });
  });

  it("the bundled Lambda (esbuild, as deployed) reconciles through the same keyless flow", async () => {
    bq(120);
    const bundle = bundleFunction("bq-reconcile");
    const c = (await run({ bundle: join(bundle.dir, "index.js") })).checks[0];
    expect(c).toMatchObject({ passed: true, athenaRows: 120, bigqueryRows: 120 });
  });

  it("queries BigQuery with a parameter, the partition filter and maximumBytesBilled", async () => {
    bq(120);
    standIn.requests.length = 0;
    await run({ maximumBytesBilled: 50 * 1024 ** 2 });
    const job = standIn.requests.find((r) => r.path.endsWith("/jobs"))!;
    const q = job.body.configuration.query;
    expect(q.query).toBe(`SELECT COUNT(*) AS row_count FROM \`${REF}\` WHERE \`load_date\` = @runDate`);
    expect(q.queryParameters).toEqual([
      { name: "runDate", parameterType: { type: "DATE" }, parameterValue: { value: RUN_DATE } },
    ]);
    expect(q.maximumBytesBilled).toBe(String(50 * 1024 ** 2));
    expect(q.useLegacySql).toBe(false);
  });

  it("a short load fails as short-load", async () => {
    bq(100);
    const c = (await run()).checks[0];
    expect(c).toMatchObject({
      passed: false,
      reasons: ["short-load"],
      difference: -20,
      athenaRows: 120,
      bigqueryRows: 100,
    });
    expect(metrics.published[0]).toMatchObject({
      status: "failed",
      measures: { difference: 20, checkFailed: 1 },
    });
  });

  it("a doubled load fails as excess-load", async () => {
    bq(240);
    const s = await run();
    expect(s.passed).toBe(false);
    expect(s.checks[0]).toMatchObject({ passed: false, reasons: ["excess-load"], difference: 120 });
  });

  it("a stale table fails as stale with its lateness, even when counts match", async () => {
    bq(120, 40);
    const c = (await run()).checks[0];
    expect(c).toMatchObject({
      passed: false,
      reasons: ["stale"],
      stale: true,
      latenessHours: 10,
      difference: 0,
    });
    expect(metrics.published[0].measures).toMatchObject({ latenessHours: 10, stale: 1 });
  });

  it("an STS refusal is a GCP auth failure at the STS step, not 0 rows", async () => {
    bq(120);
    standIn.options.faults = { sts: true };
    const c = (await run()).checks[0];
    expect(c.passed).toBe(false);
    expect(c.reasons).toEqual(["gcp-auth"]);
    expect(c.error).toMatchObject({ kind: "gcp-auth", step: "sts-exchange" });
    expect(c.error!.message).toMatch(
      /^check orders \(bigquery:dp-local-000001\.dwh\.orders\): GCP authentication failed at the Google STS token exchange/,
    );
    expect(c.bigqueryRows).toBeUndefined();
    expect(c.difference).toBeUndefined();
    const item = await getItem(aws.dynamodbEndpoint, LOCAL_TABLE, {
      pk: "reconcile#orders",
      sk: `run#${RUN_DATE}`,
    });
    expect(item).toMatchObject({ passed: false, error: { kind: "gcp-auth", step: "sts-exchange" } });
    expect(item!.bigqueryRows).toBeUndefined();
    expect(metrics.published[0].measures).toMatchObject({ checkErrored: 1, checkFailed: 1 });
    expect(metrics.published[0].measures.difference).toBeUndefined();
  });

  it("a refused impersonation is reported at the impersonation step", async () => {
    bq(120);
    standIn.options.faults = { impersonation: true };
    const c = (await run()).checks[0];
    expect(c.error).toMatchObject({ kind: "gcp-auth", step: "impersonation" });
    expect(c.error!.message).toMatch(/service account impersonation.*HTTP 403/);
  });

  it("a missing table, a denied table and the bytes-billed cap each fail with their own error naming check and table", async () => {
    bq(120);
    standIn.options.tables = {};
    let c = (await run()).checks[0];
    expect(c.error).toMatchObject({
      kind: "table-not-found",
      message: expect.stringMatching(
        /^check orders \(bigquery:dp-local-000001\.dwh\.orders\): table not found/,
      ),
    });

    bq(120, 2, { forbidden: true });
    c = (await run()).checks[0];
    expect(c.error).toMatchObject({
      kind: "permission-denied",
      message: expect.stringMatching(/^check orders \(bigquery:.*\): permission denied/),
    });

    bq(120, 2, { bytesPerPartition: 200 * 1024 ** 2 });
    c = (await run({ maximumBytesBilled: 100 * 1024 ** 2 })).checks[0];
    expect(c.error).toMatchObject({
      kind: "bytes-billed-limit",
      message: expect.stringMatching(
        /^check orders \(bigquery:.*\): the count query would bill more than maximumBytesBilled 104857600/,
      ),
    });
  });

  it("refuses an unknown check id or a malformed date before recording anything", async () => {
    bq(120);
    await expect(run({ event: { runDate: RUN_DATE, checkId: "nope" } })).rejects.toThrow(
      'checkId: unknown check "nope" (known: orders)',
    );
    await expect(run({ event: { runDate: "2026-02-30" } })).rejects.toThrow(
      'runDate: must be a date YYYY-MM-DD (got "2026-02-30")',
    );
  });

  it("a scheduled run (no runDate) checks yesterday in Asia/Tokyo; a rerun replaces the day's record", async () => {
    bq(120);
    const s = await run({ event: {} });
    expect(s.runDate).toBe(RUN_DATE);
    const again = await run({ event: { runDate: RUN_DATE, checkId: "orders" } });
    const item = await getItem(aws.dynamodbEndpoint, LOCAL_TABLE, {
      pk: "reconcile#orders",
      sk: `run#${RUN_DATE}`,
    });
    expect(item!.runId).toBe(again.runId);
  });
});
