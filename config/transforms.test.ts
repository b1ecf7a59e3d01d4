import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sources } from "./sources";
import { transforms } from "./transforms";
import { loadTransforms } from "./transforms-load";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "transforms-"));
  writeFileSync(join(dir, "a.sql"), "SELECT id FROM raw.demo_orders WHERE dt = :run_date");
  writeFileSync(join(dir, "b.sql"), "SELECT id FROM curated.a WHERE dt = :run_date");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (id: string, sql: string, dependsOn: string[], over: Record<string, unknown> = {}) => ({
  id,
  sql,
  dependsOn,
  target: { columns: [{ name: "id", type: "string" }], primaryKey: ["id"] },
  strategy: "merge",
  ...over,
});
const load = (raw: unknown[]) => () => loadTransforms(raw, sources.entries, dir);

describe("loadTransforms", () => {
  it("loads the shipped demo transforms with their SQL", () => {
    expect(transforms.map((t) => [t.id, t.strategy])).toEqual([
      ["orders_enriched", "merge"],
      ["daily_revenue", "replace-partition"],
      ["order_changes", "append"],
    ]);
    expect(transforms[0].sqlText).toContain("raw.demo_orders");
  });
  it("refuses an unknown dependency, naming the transform and the id", () => {
    expect(load([entry("a", "a.sql", ["demo_orders", "demo_ordrs"])])).toThrow(
      'transforms.a.dependsOn.1: unknown id "demo_ordrs"',
    );
  });
  it("refuses a cycle, naming it", () => {
    writeFileSync(join(dir, "c.sql"), "SELECT id FROM curated.b WHERE 1 = 1");
    writeFileSync(join(dir, "b.sql"), "SELECT id FROM curated.c WHERE 1 = 1");
    expect(load([entry("b", "b.sql", ["c"]), entry("c", "c.sql", ["b"])])).toThrow(
      "transforms.b.dependsOn: cycle b -> c -> b",
    );
  });
  it("refuses SQL reading a table missing from dependsOn", () => {
    expect(load([entry("a", "a.sql", ["demo_customers"])])).toThrow(
      'transforms.a.dependsOn: the SQL reads raw.demo_orders; add "demo_orders" to dependsOn',
    );
    expect(load([entry("b", "b.sql", ["demo_orders"]), entry("a", "a.sql", ["demo_orders"])])).toThrow(
      'transforms.b.dependsOn: the SQL reads curated.a; add "a" to dependsOn',
    );
  });
  it("names the field of every schema problem, by transform id", () => {
    let message = "";
    try {
      load([
        entry("a", "a.sql", ["demo_orders"], { strategy: "upsert" }),
        entry("r", "missing.sql", ["demo_orders"], { strategy: "replace-partition" }),
        entry("k", "a.sql", ["demo_orders"], {
          target: { columns: [{ name: "id", type: "text" }], primaryKey: ["key"] },
        }),
      ])();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      'transforms.a.strategy: Invalid option: expected one of "merge"|"replace-partition"|"append" (got "upsert")',
    );
    expect(message).toContain(
      'transforms.r.target.partitionBy: required when strategy is "replace-partition"',
    );
    expect(message).toContain("transforms.k.target.columns.0.type: must be one of");
    expect(message).toContain('transforms.k.target.primaryKey.0: "key" is not a column of target.columns');
  });
  it("refuses a missing file, several statements, unknown parameters and parameters outside WHERE", () => {
    writeFileSync(join(dir, "multi.sql"), "SELECT 1 FROM raw.demo_orders; DROP TABLE x");
    writeFileSync(join(dir, "param.sql"), "SELECT :run_date AS d FROM raw.demo_orders WHERE dt = :day");
    let message = "";
    try {
      load([
        entry("m", "nope.sql", ["demo_orders"]),
        entry("x", "multi.sql", ["demo_orders"]),
        entry("p", "param.sql", ["demo_orders"]),
      ])();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("transforms.m.sql: file transforms/nope.sql does not exist");
    expect(message).toContain("transforms.x.sql: transforms/multi.sql: must be one statement");
    expect(message).toContain("transforms.p.sql: unknown parameter :day");
    expect(message).toContain("transforms.p.sql: :run_date is used in a SELECT clause");
  });
});
