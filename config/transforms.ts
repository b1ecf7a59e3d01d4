/**
 * Curate transforms: each is one SQL file under transforms/ plus one reviewed entry here.
 * Terraform creates the curated Iceberg table from `target`, writes the entry (with its SQL) as
 * the settings item `pk = "transform#<id>"`, `sk = "config"`, and the runner runs it when its
 * dependencies publish. Validated with the environments and sources by config/index.ts
 * (problems read `transforms[<id>].<field>: ...`). See README "Curate: add a transform".
 */
import { transformSchema } from "../functions/curate/core/spec";
import { scheduleExpressionProblem } from "../lib/rules/schedule";
import { timeZoneProblem } from "../lib/rules/timezone";
import { curateName } from "../stacks/names";
import { scheduleNameProblem } from "./derived-names";
import { defineList, entryOf } from "./registry";
import { transformProblems } from "./transforms-load";

/** Typed transform entry: the editor and `tsc` flag a misspelt key before synth does. */
export const defineTransform = entryOf(transformSchema);

export const transforms = defineList({
  name: "transforms",
  schema: transformSchema,
  description: "Curate transforms (SQL file, dependencies, Iceberg target, strategy, checks)",
  entries: [
    defineTransform({
      id: "orders_enriched",
      sql: "orders_enriched.sql",
      dependsOn: ["demo_orders", "demo_customers"],
      target: {
        columns: [
          { name: "order_id", type: "string" },
          { name: "customer_id", type: "string" },
          { name: "customer_country", type: "string" },
          { name: "amount", type: "double" },
          { name: "currency", type: "string" },
          { name: "updated_at", type: "timestamp" },
          { name: "dt", type: "string" },
        ],
        primaryKey: ["order_id"],
      },
      strategy: "merge",
      checks: { notNull: ["customer_id", "amount", "currency", "updated_at"], minRows: 1 },
    }),
    defineTransform({
      id: "daily_revenue",
      sql: "daily_revenue.sql",
      dependsOn: ["orders_enriched"],
      target: {
        columns: [
          { name: "dt", type: "string" },
          { name: "currency", type: "string" },
          { name: "orders", type: "bigint" },
          { name: "revenue", type: "double" },
          { name: "customers", type: "bigint" },
        ],
        primaryKey: ["dt", "currency"],
        partitionBy: "dt",
      },
      strategy: "replace-partition",
      checks: { notNull: ["orders", "revenue"], minRows: 1 },
    }),
    defineTransform({
      id: "order_changes",
      sql: "order_changes.sql",
      dependsOn: ["demo_orders"],
      target: {
        columns: [
          { name: "order_id", type: "string" },
          { name: "updated_at", type: "string" },
          { name: "amount", type: "double" },
          { name: "currency", type: "string" },
          { name: "received_dt", type: "string" },
        ],
        primaryKey: ["order_id", "updated_at"],
      },
      strategy: "append",
      checks: { notNull: ["amount", "currency"] },
    }),
  ],
  check: (entries, ctx) => {
    // Ids of invalid sources and transforms count as known: their own problems are reported.
    const validIds = new Set(entries.map((t) => t.id));
    const sourceIds = [
      ...(ctx.declaredIds?.sources ?? ((ctx.lists.sources ?? []) as Array<{ id: string }>).map((s) => s.id)),
      ...(ctx.declaredIds?.transforms ?? []).filter((id) => !validIds.has(id)),
    ];
    for (const p of transformProblems(entries, sourceIds)) ctx.problem(p.id, p.field, p.message);
    for (const t of entries) {
      // The same Scheduler rules as sources (the entry schema only checks the `cron(...)` shape).
      const expression = t.schedule && scheduleExpressionProblem(t.schedule);
      if (expression) ctx.problem(t.id, "schedule", `${expression} (got ${JSON.stringify(t.schedule)})`);
      const zone = timeZoneProblem(t.scheduleTimezone);
      if (zone) ctx.problem(t.id, "scheduleTimezone", zone);
      // The curate module names each schedule `<prefix>-<env>-curate-<transform id>` (at most 64).
      const tooLong = t.schedule
        ? scheduleNameProblem(curateName, t.id, ctx.environmentNames ?? ctx.environments)
        : undefined;
      if (tooLong) ctx.problem(t.id, "id", tooLong);
    }
  },
});
