import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TransformConfig } from "../functions/curate/core/spec";
import { loadCurateConfig } from "./curate";
import { loadAppConfig } from "./index";
import { sources } from "./sources";
import { transforms } from "./transforms";
import { transformProblems } from "./transforms-load";

/** What synth does: every list validated together; returns the ConfigError message. */
function synthProblems(patch: (entries: any[]) => void): string {
  const entries = structuredClone(transforms.entries) as any[];
  patch(entries);
  try {
    loadAppConfig({}, { lists: [sources, { ...transforms, entries }] });
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("transforms list", () => {
  it("loads the shipped demo transforms with their SQL", () => {
    const { transforms: specs } = loadCurateConfig();
    expect(specs.map((t) => [t.id, t.strategy])).toEqual([
      ["orders_enriched", "merge"],
      ["daily_revenue", "replace-partition"],
      ["order_changes", "append"],
    ]);
    expect(specs[0].sqlText).toContain("raw.demo_orders");
    expect(specs[0].table).toBe("orders_enriched");
  });

  it("refuses an unknown dependency at synth, naming the transform, the field and the id", () => {
    expect(synthProblems((e) => e[0].dependsOn.push("demo_ordrs"))).toContain(
      'transforms[orders_enriched].dependsOn[2]: unknown id "demo_ordrs" (neither a source in config/sources.ts nor a transform)',
    );
  });

  it("refuses a cycle at synth, naming it in data-flow order", () => {
    expect(synthProblems((e) => e[0].dependsOn.push("daily_revenue"))).toContain(
      "transforms[daily_revenue].dependsOn: cycle daily_revenue -> orders_enriched -> daily_revenue (each feeds the next)",
    );
  });

  it("names every schema problem by transform id and field", () => {
    const message = synthProblems((e) => {
      e[0].strategy = "upsert";
      delete e[1].target.partitionBy;
      e[2].target.columns[0].type = "text";
      e[2].target.primaryKey = ["key"];
    });
    expect(message).toContain("transforms[orders_enriched].strategy");
    expect(message).toContain(
      'transforms[daily_revenue].target.partitionBy: required when strategy is "replace-partition"',
    );
    expect(message).toContain("transforms[order_changes].target.columns[0].type: must be one of");
    expect(message).toContain(
      'transforms[order_changes].target.primaryKey[0]: "key" is not a column of target.columns',
    );
  });
});

describe("transform SQL", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "transforms-"));
    writeFileSync(join(dir, "a.sql"), "SELECT id FROM raw.demo_orders WHERE dt = :run_date");
    writeFileSync(join(dir, "b.sql"), "SELECT id FROM curated.a WHERE dt = :run_date");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const t = (id: string, sql: string, dependsOn: string[]): TransformConfig => ({
    id,
    sql,
    dependsOn,
    target: { columns: [{ name: "id", type: "string" }], primaryKey: ["id"] },
    strategy: "merge",
    checks: { notNull: [], unique: [] },
    scheduleTimezone: "Asia/Tokyo",
  });
  const problems = (entries: TransformConfig[]) =>
    transformProblems(entries, ["demo_orders", "demo_customers"], dir).map(
      (p) => `${p.id}.${p.field}: ${p.message}`,
    );

  it("refuses SQL reading a table missing from dependsOn", () => {
    expect(problems([t("a", "a.sql", ["demo_customers"])])).toContain(
      'a.dependsOn: the SQL reads raw.demo_orders; add "demo_orders" to dependsOn',
    );
    expect(problems([t("b", "b.sql", ["demo_orders"]), t("a", "a.sql", ["demo_orders"])])).toContain(
      'b.dependsOn: the SQL reads curated.a; add "a" to dependsOn',
    );
  });

  it("refuses a missing file, several statements, unknown parameters and parameters outside WHERE", () => {
    writeFileSync(join(dir, "multi.sql"), "SELECT 1 FROM raw.demo_orders; DROP TABLE x");
    writeFileSync(join(dir, "param.sql"), "SELECT :run_date AS d FROM raw.demo_orders WHERE dt = :day");
    expect(
      problems([
        t("m", "nope.sql", ["demo_orders"]),
        t("x", "multi.sql", ["demo_orders"]),
        t("p", "param.sql", ["demo_orders"]),
      ]),
    ).toEqual([
      "m.sql: file transforms/nope.sql does not exist",
      "x.sql: transforms/multi.sql: must be one statement: found a ';' before the end",
      "p.sql: unknown parameter :day (the runner binds :run_date)",
      "p.sql: :run_date is used in a SELECT clause; Athena binds parameters only in WHERE",
    ]);
  });
});
