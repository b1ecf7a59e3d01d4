import { EVENT_SOURCE, RAW_PUBLISHED, rawPublishedEntry, rawPublishedProblems } from "../../shared/events";
import { MemoryCurateStore } from "../dev/memory-store";
import { downstreamOf, findCycles, graphProblems, topoOrder } from "./graph";
import { plan } from "./plan";
import { costUsd } from "./run";
import { checkSpecs, type TransformSpec } from "./spec";
import { assertSingleSelect, parameterPlacementProblems, tableReferences, translate } from "./sql";
import { athenaDialect, buildStatements, evaluateChecks } from "./statements";

const DBS = { raw: "dp_dev_raw", curated: "dp_dev_curated" };

describe("graph", () => {
  const g = [
    { id: "c", dependsOn: ["b", "src"] },
    { id: "b", dependsOn: ["a"] },
    { id: "a", dependsOn: ["src"] },
    { id: "other", dependsOn: ["src2"] },
  ];
  it("orders by dependency, ties by id", () => {
    expect(topoOrder(g).map((t) => t.id)).toEqual(["a", "b", "c", "other"]);
  });
  it("finds everything downstream of a source", () => {
    expect([...downstreamOf(g, "src")].sort()).toEqual(["a", "b", "c"]);
    expect([...downstreamOf(g, "a")].sort()).toEqual(["b", "c"]);
  });
  it("names a cycle in data-flow order, once", () => {
    const cyc = [
      { id: "x", dependsOn: ["z"] },
      { id: "y", dependsOn: ["x"] },
      { id: "z", dependsOn: ["y", "src"] },
    ];
    expect(findCycles(cyc)).toEqual([["x", "y", "z"]]);
    expect(graphProblems(cyc, ["src"])).toEqual([
      { id: "x", field: "dependsOn", message: "cycle x -> y -> z -> x (each feeds the next)" },
    ]);
  });
  it("refuses unknown ids, self-dependencies and ids shared with sources", () => {
    expect(graphProblems([{ id: "a", dependsOn: ["srcc"] }], ["src"])).toEqual([
      {
        id: "a",
        field: "dependsOn[0]",
        message: 'unknown id "srcc" (neither a source in config/sources.ts nor a transform)',
      },
    ]);
    expect(graphProblems([{ id: "a", dependsOn: ["a"] }], [])).toContainEqual({
      id: "a",
      field: "dependsOn[0]",
      message: "a depends on itself",
    });
    expect(graphProblems([{ id: "src", dependsOn: ["src"] }], ["src"])[0].message).toMatch(
      /also a source id/,
    );
  });
});

describe("sql translation", () => {
  it("binds :run_date as ? and qualifies raw./curated., leaving strings, comments and quoted names alone", () => {
    const sql = `SELECT 'raw.x :run_date', "raw" FROM raw.orders AS o -- raw.y :run_date
      JOIN curated."Daily" d ON d.k = o.k WHERE o.dt = :run_date AND x.raw.z = 1 /* :nope */`;
    const out = translate(sql, { run_date: "2025-01-01" }, DBS);
    expect(out.params).toEqual(["2025-01-01"]);
    expect(out.sql).toContain(`FROM "dp_dev_raw".orders`);
    expect(out.sql).toContain(`JOIN "dp_dev_curated"."Daily"`);
    expect(out.sql).toContain(`'raw.x :run_date'`);
    expect(out.sql).toContain(`-- raw.y :run_date`);
    expect(out.sql).toContain("x.raw.z");
    expect(out.sql).toContain("o.dt = ?");
  });
  it("refuses unknown parameters, positional ?, :: casts and unterminated strings", () => {
    expect(() => translate("SELECT 1 WHERE a = :day", { run_date: "d" }, DBS)).toThrow(
      "unknown parameter :day",
    );
    expect(() => translate("SELECT 1 WHERE a = ?", { run_date: "d" }, DBS)).toThrow("positional '?'");
    expect(() => translate("SELECT a::int FROM t", {}, DBS)).toThrow("CAST(x AS type)");
    expect(() => translate("SELECT 'x", {}, DBS)).toThrow("unterminated string");
  });
  it("accepts one SELECT or WITH, drops a trailing ;, refuses several statements and DDL", () => {
    expect(assertSingleSelect("  with a as (select 1) select * from a;  -- end\n")).toBe(
      "with a as (select 1) select * from a",
    );
    expect(() => assertSingleSelect("SELECT 1; DROP TABLE x")).toThrow("one statement");
    expect(() => assertSingleSelect("DELETE FROM x")).toThrow('starts with "DELETE"');
    expect(() => assertSingleSelect("-- only a comment")).toThrow("no SQL");
    expect(assertSingleSelect("SELECT ';' AS s")).toBe("SELECT ';' AS s");
  });
  it("lists table references and refuses parameters outside WHERE (Athena's rule)", () => {
    expect(tableReferences('SELECT * FROM RAW.a JOIN curated."b" ON 1=1 JOIN raw.a x ON 1=1')).toEqual([
      { schema: "raw", table: "a" },
      { schema: "curated", table: "b" },
    ]);
    expect(parameterPlacementProblems("SELECT :run_date AS d FROM t")).toEqual([
      ":run_date is used in a SELECT clause; Athena binds parameters only in WHERE",
    ]);
    expect(
      parameterPlacementProblems("SELECT a FROM t WHERE b IN (SELECT c FROM u WHERE d = :run_date)"),
    ).toEqual([]);
  });
});

const spec = (over: Partial<TransformSpec> = {}): TransformSpec => ({
  id: "t",
  table: "t",
  sql: "t.sql",
  sqlText: "SELECT id, v, dt FROM raw.s WHERE dt = :run_date",
  dependsOn: ["s"],
  target: {
    columns: [
      { name: "id", type: "string" },
      { name: "v", type: "double" },
      { name: "dt", type: "date" },
    ],
    primaryKey: ["id"],
    partitionBy: "dt",
  },
  strategy: "merge",
  checks: { notNull: ["v"], unique: [], minRows: 1 },
  scheduleTimezone: "Asia/Tokyo",
  ...over,
});

describe("statements", () => {
  const ctx = {
    databases: DBS,
    dialect: athenaDialect("dp-dev-1-curated"),
    runId: "R1",
    runDate: "2025-01-01",
  };
  it("stages into an Iceberg table (Parquet, ZSTD) under the curated bucket's _staging/, run date as a parameter", () => {
    const s = buildStatements(spec(), ctx);
    expect(s.map((x) => x.kind)).toEqual(["clean", "stage", "check", "commit", "drop"]);
    expect(s[1].sql).toContain(
      `CREATE TABLE "dp_dev_curated"."t__stg_20250101" WITH (table_type = 'ICEBERG'`,
    );
    expect(s[1].sql).toContain(`location = 's3://dp-dev-1-curated/_staging/t/R1/'`);
    expect(s[1].sql).toContain("write_compression = 'ZSTD'");
    expect(s[1].sql).not.toContain("2025-01-01");
    expect(s[1].params).toEqual(["2025-01-01"]);
    expect(s[3].sql).toMatch(
      /^MERGE INTO "dp_dev_curated"."t" AS t USING .* ON t."id" = s."id" WHEN MATCHED THEN UPDATE SET "v" = s."v", "dt" = s."dt" WHEN NOT MATCHED THEN INSERT/,
    );
  });
  it("append only inserts absent keys; replace-partition deletes the typed run date first", () => {
    const a = buildStatements(spec({ strategy: "append" }), ctx);
    expect(a[3].sql).not.toContain("WHEN MATCHED");
    const r = buildStatements(spec({ strategy: "replace-partition" }), ctx);
    expect(r.filter((x) => x.kind === "commit").map((x) => x.sql.split(" ").slice(0, 2).join(" "))).toEqual([
      "DELETE FROM",
      "INSERT INTO",
    ]);
    expect(r[3].sql).toContain(`WHERE "dt" = DATE '2025-01-01'`);
  });
  it("always checks the primary key (not null, unique) and, for replace-partition, the partition column", () => {
    expect(checkSpecs(spec({ strategy: "replace-partition" })).map((c) => c.name)).toEqual([
      "notNull(id)",
      "notNull(v)",
      "unique(id)",
      "partition(dt = run_date)",
      "minRows(1)",
    ]);
  });
  it("evaluates check rows from either engine (strings from Athena, bigints from DuckDB)", () => {
    const checks = checkSpecs(spec());
    const r = evaluateChecks(checks, { rows_total: "0", c0: "0", c1: 0n, c2: "3", c3: "0" });
    expect(r.rows).toBe(0);
    expect(r.results.filter((x) => !x.passed)).toEqual([
      { name: "unique(id)", column: "id", passed: false, badRows: 3 },
      { name: "minRows(1)", passed: false, badRows: 1, detail: "0 row(s), at least 1 required" },
    ]);
    expect(() => evaluateChecks(checks, { rows_total: null })).toThrow("no numeric rows_total");
  });
  it("estimates cost with Athena's 10 MB minimum per query", () => {
    expect(costUsd([0, 0], 5)).toBeCloseTo((2 * 10 * 1024 * 1024 * 5) / 1e12, 6);
    expect(costUsd([1e12], 5)).toBe(5);
  });
});

describe("event contract", () => {
  const detail = { sourceId: "demo_orders", runDate: "2025-01-01", runId: "r", records: 3, manifestKey: "k" };
  it("what ingestion sends is what curate accepts", () => {
    const entry = rawPublishedEntry(detail);
    const delivered = {
      source: entry.Source,
      "detail-type": entry.DetailType,
      detail: JSON.parse(entry.Detail),
    };
    expect(rawPublishedProblems(delivered)).toEqual([]);
    expect(delivered.source).toBe(EVENT_SOURCE);
    expect(delivered["detail-type"]).toBe(RAW_PUBLISHED);
  });
  it("names every bad field", () => {
    expect(
      rawPublishedProblems({
        source: "x",
        "detail-type": RAW_PUBLISHED,
        detail: { ...detail, records: -1, runId: "" },
      }),
    ).toEqual([
      `source: must be "${EVENT_SOURCE}" (got "x")`,
      "detail.runId: must be a non-empty string",
      "detail.records: must be an integer >= 0",
    ]);
  });
});

describe("plan", () => {
  const graph = [
    { id: "a", dependsOn: ["s1", "s2"] },
    { id: "b", dependsOn: ["a"] },
    { id: "c", dependsOn: ["s1"] },
  ];
  const ev = (sourceId: string) => ({
    source: EVENT_SOURCE,
    "detail-type": RAW_PUBLISHED,
    detail: { sourceId, runDate: "2025-01-01", runId: "r", records: 1, manifestKey: "k" },
  });
  it("waits for the other source, then runs the chain in order", async () => {
    const store = new MemoryCurateStore(new Map());
    const p1 = await plan(ev("s1"), graph, store);
    expect(p1.runs.map((r) => r.transform)).toEqual(["c"]);
    expect(p1.waiting).toEqual([
      { transform: "a", waitsFor: ["s2"] },
      { transform: "b", waitsFor: ["a"] },
    ]);
    const p2 = await plan(ev("s2"), graph, store);
    expect(p2.runs.map((r) => r.transform)).toEqual(["a", "b"]);
    expect(p2.runs[0].trigger).toEqual({ type: "event", sourceId: "s2", sourceRunId: "r" });
  });
  it("runs a manual or scheduled request for that transform only", async () => {
    const store = new MemoryCurateStore(new Map());
    expect((await plan({ transform: "a", runDate: "2025-02-03" }, graph, store)).runs).toEqual([
      { transform: "a", runDate: "2025-02-03", trigger: { type: "manual" } },
    ]);
    expect(
      (await plan({ transform: "c", scheduledTime: "2025-02-03T20:00:00Z" }, graph, store)).runs[0],
    ).toMatchObject({
      runDate: "2025-02-03",
      trigger: { type: "schedule" },
    });
    await expect(plan({ transform: "a", runDate: "2025-02-30" }, graph, store)).rejects.toThrow(
      "runDate: must be a calendar date",
    );
    await expect(plan({ hello: 1 }, graph, store)).rejects.toThrow("expected an ingestion event");
  });
});
