/**
 * Curate end to end on local stand-ins: ingestion (real core) announces a publish; the event
 * drives the state machine's ASL with the real steps, the DynamoDB run store on dynalite and
 * DuckDB over the raw objects in s3rver. Plus the EventBridge producer against a PutEvents stub
 * and the CLI's --json contract.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { loadCurateConfig } from "../../config/curate";
import { main } from "../../scripts/curate-local";
import { startServers } from "../../scripts/lib/local-servers";
import { TS_FLAGS } from "../../scripts/lib/ts-flags";
import { ROOT } from "../../test/helpers/synth";
import { DynamoDbSettingsStore } from "../saas-ingest/adapters/dynamodb-settings";
import { runIngestion } from "../saas-ingest/core/run";
import { DemoSaasServer } from "../saas-ingest/dev/demo-saas-server";
import { immediateHttpClient } from "../saas-ingest/dev/stand-ins";
import {
  createSettingsTable,
  ddbClient,
  LOCAL_CREDENTIALS,
  putSourceConfig,
  s3Client,
} from "../shared/dev/local";
import {
  EVENT_SOURCE,
  EventBridgeAnnouncer,
  RAW_PUBLISHED,
  type RawPublishedDetail,
  rawPublishedProblems,
} from "../shared/events";
import { S3ObjectStore } from "../shared/s3-objects";
import { LOCAL_DATABASES } from "./dev/fixtures";
import { type LocalCurate, openLocalCurate } from "./dev/local";
import { ExecutionFailedError } from "./dev/state-machine";

const { sources, transforms } = loadCurateConfig();
const BUCKET = "raw";
const TABLE = "settings";
const DAY = "2025-03-01";
// s3rver and dynalite in this process (nothing here blocks the event loop: no synchronous
// Terraform), started once for the file.
let aws: { s3Endpoint: string; dynamodbEndpoint: string; stop(): Promise<void> };
let saas: DemoSaasServer;
let dir: string;
let local: LocalCurate;

beforeAll(async () => {
  const servers = await startServers([BUCKET]);
  aws = {
    s3Endpoint: servers.endpoints.s3,
    dynamodbEndpoint: servers.endpoints.dynamodb,
    stop: async () => {
      await servers.close();
      rmSync(servers.endpoints.dir, { recursive: true, force: true });
    },
  };
  await createSettingsTable(aws.dynamodbEndpoint, TABLE);
  saas = new DemoSaasServer({ total: 300, pageSize: 100 });
  await saas.start();
  dir = mkdtempSync(join(tmpdir(), "curate-int-"));
  local = await openLocalCurate({
    s3: aws.s3Endpoint,
    dynamodb: aws.dynamodbEndpoint,
    table: TABLE,
    rawBucket: BUCKET,
    workDir: dir,
    sources: sources.map((s) => ({ id: s.id, prefix: s.settings.target.prefix, columns: s.columns })),
    transforms,
    threads: 1,
  });
}, 60_000);

afterAll(async () => {
  local?.close();
  await saas?.stop();
  await aws?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ingest(sourceId: string, announced: RawPublishedDetail[], total = 300) {
  saas.setTotal(total);
  const s = sources.find((x) => x.id === sourceId)!.settings;
  await putSourceConfig(aws.dynamodbEndpoint, TABLE, sourceId, {
    ...s,
    auth: { type: "none" },
    request: { url: `${saas.url}/offset` },
    records: { path: "" },
    pagination: { type: "offset", param: "offset", limitParam: "limit", limit: 100 },
    incremental: undefined,
  });
  return runIngestion(
    { sourceId, runDate: DAY },
    {
      settings: new DynamoDbSettingsStore(TABLE, ddbClient(aws.dynamodbEndpoint)),
      objects: new S3ObjectStore(BUCKET, s3Client(aws.s3Endpoint)),
      secrets: { get: async () => "" },
      http: immediateHttpClient(),
      announcer: { published: async (d) => void announced.push(d) },
      allowHttpLoopback: true,
      log: { info() {}, warn() {}, error() {} },
      now: Date.now,
      deadline: () => Date.now() + 60_000,
    },
  );
}
const asEvent = (detail: RawPublishedDetail) => ({
  source: EVENT_SOURCE,
  "detail-type": RAW_PUBLISHED,
  detail,
});
const count = async (table: string) =>
  Number((await local.engine.rows(`SELECT count(*) AS n FROM "${LOCAL_DATABASES.curated}"."${table}"`))[0].n);

describe("ingestion -> event -> curate", () => {
  it("announces each publish with the contract's detail, and the event runs only the source's dependants", async () => {
    const announced: RawPublishedDetail[] = [];
    const summary = await ingest("demo_orders", announced);
    expect(summary.announced).toBe(true);
    expect(announced).toEqual([
      {
        sourceId: "demo_orders",
        runDate: DAY,
        runId: summary.runId,
        records: 300,
        manifestKey: summary.manifestKey,
      },
    ]);
    expect(rawPublishedProblems(asEvent(announced[0]))).toEqual([]);
    // Only order_changes: orders_enriched also waits for demo_customers.
    const results = (await local.run(asEvent(announced[0]))) as Array<{ transform: string; status: string }>;
    expect(results.map((r) => [r.transform, r.status])).toEqual([["order_changes", "succeeded"]]);
    expect(await count("order_changes")).toBe(300);
    expect(await local.store.getRun("orders_enriched", DAY)).toBeUndefined();

    await ingest("demo_customers", announced, 50);
    const second = (await local.run(asEvent(announced[1]))) as Array<{ transform: string; status: string }>;
    expect(second.map((r) => [r.transform, r.status])).toEqual([
      ["orders_enriched", "succeeded"],
      ["daily_revenue", "succeeded"],
    ]);
    const rec = await local.store.getRun("orders_enriched", DAY);
    expect(rec).toMatchObject({
      status: "succeeded",
      rowsWritten: 300,
      trigger: { type: "event", sourceId: "demo_customers" },
    });
    expect(rec!.queryExecutionIds).toHaveLength(5);
    expect(rec!.costUsd).toBeGreaterThan(0);
    // The same event again (EventBridge delivers at least once): same tables.
    await local.run(asEvent(announced[1]));
    expect(await count("orders_enriched")).toBe(300);
    expect(await count("daily_revenue")).toBe(2);
  }, 120_000);

  it("a failed check fails the execution, records failed, keeps the table and runs nothing downstream", async () => {
    const before = await local.engine.rows(
      `SELECT * FROM "${LOCAL_DATABASES.curated}"."orders_enriched" ORDER BY order_id`,
    );
    const revenueBefore = await local.store.getRun("daily_revenue", DAY);
    const spec = transforms.find((t) => t.id === "orders_enriched")!;
    // A reviewed change that breaks a check: the currency is lost.
    const broken = {
      ...spec,
      sqlText: spec.sqlText.replace("upper(o.currency) AS currency", "CAST(NULL AS VARCHAR) AS currency"),
    };
    (local.store as unknown as { specs: Map<string, unknown> }).specs.set("orders_enriched", broken);
    const announced: RawPublishedDetail[] = [];
    await ingest("demo_customers", announced, 50);
    await expect(local.run(asEvent(announced[0]))).rejects.toThrow(ExecutionFailedError);
    const rec = await local.store.getRun("orders_enriched", DAY);
    expect(rec?.status).toBe("failed");
    expect(rec?.error).toContain("notNull(currency) column currency: 300 bad row(s)");
    expect(
      await local.engine.rows(
        `SELECT * FROM "${LOCAL_DATABASES.curated}"."orders_enriched" ORDER BY order_id`,
      ),
    ).toEqual(before);
    expect(await local.store.getRun("daily_revenue", DAY)).toEqual(revenueBefore);
    expect(local.metrics.published.at(-1)).toMatchObject({
      transform: "orders_enriched",
      status: "failed",
      checksFailed: 1,
    });
    (local.store as unknown as { specs: Map<string, unknown> }).specs.delete("orders_enriched");
  }, 120_000);
});

describe("EventBridge producer", () => {
  let server: Server;
  const bodies: Array<{ target: string; body: any }> = [];
  let reply = { FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] } as object;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => {
        data += c;
      });
      req.on("end", () => {
        bodies.push({ target: String(req.headers["x-amz-target"]), body: JSON.parse(data) });
        res.setHeader("content-type", "application/x-amz-json-1.1");
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const client = () =>
    new EventBridgeClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "ap-northeast-1",
      credentials: LOCAL_CREDENTIALS,
    });
  const detail = {
    sourceId: "demo_orders",
    runDate: DAY,
    runId: "r1",
    records: 3,
    manifestKey: "saas/demo_orders/dt=2025-03-01/_manifest-r1.json",
  };

  it("sends source, detail-type and detail the curate rule matches", async () => {
    await new EventBridgeAnnouncer("default", client()).published(detail);
    const sent = bodies.at(-1)!;
    expect(sent.target).toBe("AWSEvents.PutEvents");
    expect(sent.body.Entries).toEqual([
      {
        Source: EVENT_SOURCE,
        DetailType: RAW_PUBLISHED,
        Detail: JSON.stringify(detail),
        EventBusName: "default",
      },
    ]);
  });

  it("fails when EventBridge rejects the entry", async () => {
    reply = { FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "boom" }] };
    await expect(new EventBridgeAnnouncer("default", client()).published(detail)).rejects.toThrow(
      "EventBridge rejected the event on default: InternalFailure boom",
    );
  });
});

describe("npm run curate:local", () => {
  // The command a data engineer types, in its own process: started with the file, so it runs
  // while this file's other tests run here, and awaited by its test.
  let work: string;
  let first: Promise<{ stdout: string }>;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "curate-cli-"));
    first = promisify(execFile)(
      process.execPath,
      [
        ...TS_FLAGS,
        "scripts/curate-local.ts",
        "daily_revenue",
        "--date",
        "2025-02-01",
        "--json",
        "--records",
        "200",
      ],
      { cwd: ROOT, env: { ...process.env, CURATE_LOCAL_DIR: work } },
    );
    first.catch(() => undefined); // awaited (and reported) by its test
  });
  afterAll(async () => {
    await first.catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it("prints the run as JSON and gives the same table when rerun", async () => {
    // The first run ingests the demo data in its own process.
    const run = JSON.parse((await first).stdout);
    expect(run).toMatchObject({
      transform: "daily_revenue",
      runDate: "2025-02-01",
      status: "succeeded",
      rowsWritten: 2,
      rowsInTable: 2,
      upstream: [{ transform: "orders_enriched", status: "succeeded" }],
    });
    expect(run.checks).toContainEqual({
      name: "partition(dt = run_date)",
      passed: true,
      badRows: 0,
      column: "dt",
    });
    // The rerun is the same main() in this process (the modules are already loaded here): it
    // reads only what the first process left in the folder (raw objects, curated.duckdb).
    const printed: string[] = [];
    const code = await main(["daily_revenue", "--date", "2025-02-01", "--json", "--records", "200"], {
      out: (l) => printed.push(l),
      workDir: work,
    });
    expect(code).toBe(0);
    expect(printed).toHaveLength(1);
    const second = JSON.parse(printed[0]);
    expect(second).toMatchObject({ status: "succeeded", rowsInTable: 2 });
  }, 120_000);
});
