/**
 * The real runner code over the DuckDB stand-in: strategies are rerun-safe, failed checks leave
 * readers on the previous data, an ingestion event runs only its dependants, in order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCurateConfig } from "../../config/curate";
import { EVENT_SOURCE, RAW_PUBLISHED } from "../shared/events";
import { runEvent, runOne } from "./core/run";
import type { TransformSpec } from "./core/spec";
import { LOCAL_DATABASES, type LocalRunner, localRunner, writeRawPartition } from "./dev/fixtures";

const { sources, transforms: demoTransforms } = loadCurateConfig();
const D1 = "2025-01-01";
const D2 = "2025-01-02";
const order = (i: number, over: Record<string, unknown> = {}) => ({
  id: `o${i}`,
  customer_id: `c${i % 3}`,
  amount: i * 10,
  currency: i % 2 ? "usd" : "jpy",
  updated_at: `2025-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
  ...over,
});
const customers = [0, 1, 2].map((i) => ({ id: `c${i}`, name: `n${i}`, country: i ? "JP" : "US" }));

let dir: string;
let runner: LocalRunner;
const manual = (transform: string, runDate = D1) => ({
  transform,
  runDate,
  trigger: { type: "manual" as const },
});
const table = (t: string, orderBy: string) =>
  runner.engine.rows(`SELECT * FROM "${LOCAL_DATABASES.curated}"."${t}" ORDER BY ${orderBy}`);

async function setUp(specs: TransformSpec[] = demoTransforms) {
  dir = mkdtempSync(join(tmpdir(), "curate-test-"));
  runner = await localRunner(dir, specs, sources, { threads: 1 });
}

afterEach(() => {
  runner?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("strategies: a rerun for the same date gives the same table", () => {
  beforeEach(async () => {
    await setUp();
    writeRawPartition(
      dir,
      "demo_orders",
      D1,
      [1, 2, 3, 4].map((i) => order(i)),
    );
    writeRawPartition(dir, "demo_customers", D1, customers);
  });

  it("merge (orders_enriched) upserts by primary key", async () => {
    const first = await runOne(manual("orders_enriched"), runner.deps);
    expect(first).toMatchObject({ status: "succeeded", rowsWritten: 4 });
    const once = await table("orders_enriched", "order_id");
    const second = await runOne(manual("orders_enriched"), runner.deps);
    expect(second.status).toBe("succeeded");
    expect(await table("orders_enriched", "order_id")).toEqual(once);
    expect(once).toHaveLength(4);
    expect(once[0]).toMatchObject({ order_id: "o1", customer_country: "JP", currency: "USD", amount: 10 });
    // A later day changes o1: merged in place, not duplicated.
    writeRawPartition(dir, "demo_orders", D2, [
      order(1, { amount: 999, updated_at: "2025-01-02T00:00:00.000Z" }),
    ]);
    await runOne(manual("orders_enriched", D2), runner.deps);
    await runOne(manual("orders_enriched", D2), runner.deps);
    const after = await table("orders_enriched", "order_id");
    expect(after).toHaveLength(4);
    expect(after[0]).toMatchObject({ order_id: "o1", amount: 999, dt: D2 });
  });

  it("replace-partition (daily_revenue) replaces only the run date", async () => {
    await runOne(manual("orders_enriched"), runner.deps);
    await runOne(manual("daily_revenue"), runner.deps);
    const once = await table("daily_revenue", "dt, currency");
    await runOne(manual("daily_revenue"), runner.deps);
    expect(await table("daily_revenue", "dt, currency")).toEqual(once);
    expect(once).toEqual([
      { dt: D1, currency: "JPY", orders: 2n, revenue: 60, customers: 2n },
      { dt: D1, currency: "USD", orders: 2n, revenue: 40, customers: 2n },
    ]);
    writeRawPartition(dir, "demo_orders", D2, [order(7)]);
    await runOne(manual("orders_enriched", D2), runner.deps);
    await runOne(manual("daily_revenue", D2), runner.deps);
    await runOne(manual("daily_revenue", D2), runner.deps);
    const both = await table("daily_revenue", "dt, currency");
    expect(both.filter((r) => r.dt === D1)).toEqual(once);
    expect(both.filter((r) => r.dt === D2)).toEqual([
      { dt: D2, currency: "USD", orders: 1n, revenue: 70, customers: 1n },
    ]);
  });

  it("append (order_changes) inserts each key once", async () => {
    await runOne(manual("order_changes"), runner.deps);
    const once = await table("order_changes", "order_id, updated_at");
    await runOne(manual("order_changes"), runner.deps);
    expect(await table("order_changes", "order_id, updated_at")).toEqual(once);
    expect(once).toHaveLength(4);
    // A new version of o1 is appended; the old one stays.
    writeRawPartition(dir, "demo_orders", D2, [order(1, { updated_at: "2025-01-02T00:00:00.000Z" })]);
    await runOne(manual("order_changes", D2), runner.deps);
    await runOne(manual("order_changes", D2), runner.deps);
    expect(
      (await table("order_changes", "order_id, updated_at")).filter((r) => r.order_id === "o1"),
    ).toHaveLength(2);
  });
});

describe("checks", () => {
  beforeEach(async () => {
    await setUp();
    writeRawPartition(dir, "demo_customers", D1, customers);
  });

  it("a failed check leaves readers on the previous data, records failed and names check, column, bad rows", async () => {
    writeRawPartition(
      dir,
      "demo_orders",
      D1,
      [1, 2].map((i) => order(i)),
    );
    expect((await runOne(manual("orders_enriched"), runner.deps)).status).toBe("succeeded");
    const before = await table("orders_enriched", "order_id");
    // The same day again, now with two orders missing their currency.
    writeRawPartition(dir, "demo_orders", D1, [
      order(1, { amount: 5 }),
      order(2, { currency: null }),
      order(3, { currency: null }),
    ]);
    const r = await runOne(manual("orders_enriched"), runner.deps);
    expect(r.status).toBe("failed");
    expect(r.error).toContain("notNull(currency) column currency: 2 bad row(s)");
    expect(r.checks).toContainEqual({
      name: "notNull(currency)",
      column: "currency",
      passed: false,
      badRows: 2,
    });
    expect(await table("orders_enriched", "order_id")).toEqual(before);
    const rec = await runner.store.getRun("orders_enriched", D1);
    expect(rec).toMatchObject({ status: "failed", attempt: 2 });
    expect(rec?.error).toContain("notNull(currency)");
    // The staging table was dropped.
    const leftovers = await runner.engine.rows(
      `SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%__stg_%'`,
    );
    expect(leftovers).toEqual([]);
  });

  it("a duplicate primary key fails unique() before MERGE could see it", async () => {
    const dup = {
      ...demoTransforms[0],
      sqlText: `${demoTransforms[0].sqlText} UNION ALL SELECT 'o1', 'c1', NULL, 1.0, 'USD', CAST('2025-01-01 00:00:00' AS TIMESTAMP), dt FROM raw.demo_orders WHERE dt = :run_date`,
    };
    runner.store.transforms.set(dup.id, dup);
    writeRawPartition(dir, "demo_orders", D1, [order(1)]);
    const r = await runOne(manual("orders_enriched"), runner.deps);
    expect(r.status).toBe("failed");
    expect(r.checks.find((c) => c.name === "unique(order_id)")).toMatchObject({ passed: false, badRows: 2 });
    expect(await table("orders_enriched", "order_id")).toEqual([]);
  });

  it("minRows fails an empty day and reports how many rows were missing", async () => {
    writeRawPartition(dir, "demo_orders", D1, []);
    const r = await runOne(manual("orders_enriched"), runner.deps);
    expect(r.error).toContain("minRows(1)");
    expect(r.checks.find((c) => c.name === "minRows(1)")).toMatchObject({ passed: false, badRows: 1 });
  });

  it("a SQL error fails the run with the engine's message and the statement kind", async () => {
    runner.store.transforms.set("order_changes", {
      ...demoTransforms[2],
      sqlText: "SELECT no_such_column FROM raw.demo_orders WHERE dt = :run_date",
    });
    writeRawPartition(dir, "demo_orders", D1, [order(1)]);
    const r = await runOne(manual("order_changes"), runner.deps);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/stage query duckdb-\S+ FAILED: .*no_such_column/);
    expect((await runner.store.getRun("order_changes", D1))?.status).toBe("failed");
  });
});

describe("an ingestion event", () => {
  beforeEach(async () => setUp());
  const event = (sourceId: string, runDate = D1) => ({
    source: EVENT_SOURCE,
    "detail-type": RAW_PUBLISHED,
    detail: {
      sourceId,
      runDate,
      runId: "ing-1",
      records: 4,
      manifestKey: `saas/${sourceId}/dt=${runDate}/_manifest-ing-1.json`,
    },
  });

  it("runs only the source's dependants whose other dependencies are there, in dependency order", async () => {
    writeRawPartition(
      dir,
      "demo_orders",
      D1,
      [1, 2].map((i) => order(i)),
    );
    writeRawPartition(dir, "demo_customers", D1, customers);
    // demo_orders alone: orders_enriched still waits for demo_customers; order_changes runs.
    const first = await runEvent(event("demo_orders"), runner.graph, runner.deps);
    expect(first.map((r) => [r.transform, r.status])).toEqual([["order_changes", "succeeded"]]);
    // demo_customers arrives: orders_enriched, then daily_revenue (which reads it); not order_changes.
    const second = await runEvent(event("demo_customers"), runner.graph, runner.deps);
    expect(second.map((r) => [r.transform, r.status])).toEqual([
      ["orders_enriched", "succeeded"],
      ["daily_revenue", "succeeded"],
    ]);
    expect(runner.store.history.filter((h) => h.status === "running").map((h) => h.transform)).toEqual([
      "order_changes",
      "orders_enriched",
      "daily_revenue",
    ]);
  });

  it("does not run a dependant after its dependency failed", async () => {
    writeRawPartition(dir, "demo_orders", D1, [order(1, { currency: null })]);
    writeRawPartition(dir, "demo_customers", D1, customers);
    await runEvent(event("demo_customers"), runner.graph, runner.deps);
    const r = await runEvent(event("demo_orders"), runner.graph, runner.deps);
    const byId = Object.fromEntries(r.map((x) => [x.transform, x]));
    expect(byId.orders_enriched.status).toBe("failed");
    expect(byId.daily_revenue.status).toBe("skipped");
    expect(byId.daily_revenue.error).toContain("orders_enriched (failed)");
    expect(await runner.store.getRun("daily_revenue", D1)).toBeUndefined();
  });

  it("refuses a malformed event, naming the field", async () => {
    await expect(
      runEvent(
        { ...event("demo_orders"), detail: { ...event("demo_orders").detail, runDate: "2025-13-01" } },
        runner.graph,
        runner.deps,
      ),
    ).rejects.toThrow(/detail.runDate/);
    await expect(runEvent({ transform: "nope", runDate: D1 }, runner.graph, runner.deps)).rejects.toThrow(
      /unknown transform "nope"/,
    );
  });
});
