/**
 * Proves with real Terraform that a schema change BigQuery cannot apply in place shows up as a
 * replacement of the table in the plan, and that the PR comment's warning names it.
 *
 * The Google provider is not available offline, so the synthesized GCP stack is reduced to what
 * Terraform evaluates itself: the `terraform_data` guards exactly as synthesized, and each
 * `google_bigquery_table` turned into a `terraform_data` stand-in with the same address and the
 * same `lifecycle` (replace_triggered_by, prevent_destroy). The base declaration is applied to
 * local state, then each crafted change is planned and rendered by `plan:summary`: in `stg`
 * (protection "standard": a replace is planned and flagged) and in `prod` (protection "strict":
 * `prevent_destroy` makes Terraform refuse the plan, naming the table).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { loadBigQuery } from "../config/bigquery-load";
import type { BqTableInput } from "../config/bigquery-schema";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import type { PlanJson } from "../scripts/lib/plan-json";
import { renderSummary } from "../scripts/lib/plan-summary";
import { terraform, terraformBinary } from "../scripts/lib/terraform";
import { GcpStack } from "../stacks/gcp-stack";

jest.setTimeout(300_000);

const base: BqTableInput = {
  dataset: "dwh",
  table: "orders",
  description: "Orders",
  columns: [
    { name: "id", type: "STRING", mode: "REQUIRED" },
    { name: "amount", type: "NUMERIC" },
    { name: "currency", type: "STRING" },
    { name: "load_date", type: "DATE" },
  ],
  partitioning: { column: "load_date", type: "DAY" },
  clustering: ["id"],
};

const envs = loadEnvironments(structuredClone(environments));
const envOf = (name: string) => envs.find((e) => e.name === name)!;

/** The GCP stack's Terraform, reduced to resources Terraform evaluates without a provider. */
function providerFree(table: BqTableInput, envName = "stg"): string {
  const { tables } = loadBigQuery({ tables: [table] });
  const env = envOf(envName);
  const json = JSON.parse(Testing.synth(new GcpStack(Testing.app(), `dp-gcp-${envName}`, { env, tables })));
  const data: Record<string, unknown> = { ...json.resource.terraform_data };
  for (const [name, t] of Object.entries<any>(json.resource.google_bigquery_table)) {
    data[name] = {
      input: { schema: t.schema, time_partitioning: t.time_partitioning, clustering: t.clustering ?? [] },
      lifecycle: t.lifecycle,
    };
  }
  return JSON.stringify({ resource: { terraform_data: data } }, null, 1);
}

describe("BigQuery schema changes in the plan", () => {
  let dir: string;
  const plan = (table: BqTableInput): { plan: PlanJson; summary: string } => {
    writeFileSync(join(dir, "main.tf.json"), providerFree(table));
    terraform(["plan", "-input=false", "-no-color", "-out=tfplan"], { cwd: dir });
    const json = JSON.parse(terraform(["show", "-json", "tfplan"], { cwd: dir }).stdout) as PlanJson;
    return { plan: json, summary: renderSummary([{ label: "dp-gcp-stg", plan: json }]) };
  };
  const tableChange = (p: PlanJson) =>
    p.resource_changes?.find((rc) => /^terraform_data\.tables_dwh-orders_table_/.test(rc.address));
  /** The comment's "[!WARNING] … destroyed or replaced" block ("" when there is none). */
  const warning = (summary: string) => summary.split("\n\n").find((b) => b.includes("> [!WARNING]")) ?? "";

  beforeAll(() => {
    terraformBinary();
    dir = mkdtempSync(join(tmpdir(), "dp-bq-replace-"));
    writeFileSync(join(dir, "main.tf.json"), providerFree(base));
    terraform(["init", "-input=false", "-no-color"], { cwd: dir });
    terraform(["apply", "-input=false", "-no-color", "-auto-approve"], { cwd: dir });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("no change: nothing to do", () => {
    expect(tableChange(plan(base).plan)?.change.actions).toEqual(["no-op"]);
  });

  it("adding a nullable column, relaxing REQUIRED, a description: the table is updated in place", () => {
    const { plan: p, summary } = plan({
      ...base,
      description: "Orders, one row per order",
      columns: [
        { ...base.columns[0], mode: "NULLABLE" },
        ...base.columns.slice(1),
        { name: "channel", type: "STRING" },
      ],
    });
    expect(tableChange(p)?.change.actions).toEqual(["update"]);
    expect(warning(summary)).toBe("");
    expect(summary).toMatch(/update in place[\s\S]*tables_dwh-orders_table/);
  });

  it("changing a column's type: the table is replaced and the warning names it", () => {
    const { plan: p, summary } = plan({
      ...base,
      columns: base.columns.map((c) => (c.name === "amount" ? { ...c, type: "FLOAT64" } : c)),
    });
    const rc = tableChange(p)!;
    expect(rc.change.actions).toEqual(["delete", "create"]);
    expect(rc.action_reason).toBe("replace_by_triggers");
    expect(warning(summary)).toMatch(/\*\*replace\*\* `terraform_data\.tables_dwh-orders_table_\w+`/);
    expect(warning(summary)).toMatch(/tables_dwh-orders_column-amount/);
  });

  it("changing the partitioning: the table is replaced and the warning names it", () => {
    const { plan: p, summary } = plan({ ...base, partitioning: { column: "load_date", type: "MONTH" } });
    expect(tableChange(p)?.change.actions).toEqual(["delete", "create"]);
    expect(warning(summary)).toMatch(/tables_dwh-orders_table_\w+.*by triggers/);
    expect(warning(summary)).toMatch(/tables_dwh-orders_partitioning-guard/);
  });

  it("in a strict environment, a change that would replace the table is refused at plan, naming it", () => {
    expect(envOf("prod").protection).toBe("strict");
    writeFileSync(
      join(dir, "main.tf.json"),
      providerFree(
        { ...base, columns: base.columns.map((c) => (c.name === "amount" ? { ...c, type: "FLOAT64" } : c)) },
        "prod",
      ),
    );
    expect(() => terraform(["plan", "-input=false", "-no-color"], { cwd: dir })).toThrow(
      /Instance cannot be destroyed[\s\S]*tables_dwh-orders_table_\w+ has\s+lifecycle\.prevent_destroy/,
    );
    // An in-place change stays allowed in strict.
    writeFileSync(join(dir, "main.tf.json"), providerFree({ ...base, description: "Orders (v2)" }, "prod"));
    expect(() => terraform(["plan", "-input=false", "-no-color"], { cwd: dir })).not.toThrow();
  });

  it("removing a column: the warning names the table and the column being dropped", () => {
    const { plan: p, summary } = plan({
      ...base,
      columns: base.columns.filter((c) => c.name !== "currency"),
    });
    const guard = p.resource_changes?.find((rc) => rc.address.includes("tables_dwh-orders_column-currency"));
    expect(guard?.change.actions).toEqual(["delete"]);
    expect(warning(summary)).toMatch(
      /\*\*destroy\*\* `terraform_data\.tables_dwh-orders_column-currency_\w+`/,
    );
  });
});
