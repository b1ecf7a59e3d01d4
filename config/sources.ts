/**
 * Ingestion sources: each one is reviewed here, in a pull request, and written by Terraform as the
 * settings item the Lambda reads (`pk = "source#<id>"`, `sk = "config"`), plus a Glue raw table.
 * Add a source by adding an entry; no code changes.
 */
import { prefixesCollide } from "../lib/rules/names";
import { ingestFunctionName } from "../stacks/names";
import { scheduleNameProblem } from "./derived-names";
import { defineList, entryOf, loadListOnly } from "./registry";
import { sourceSchema } from "./schema";

/** Typed source entry: the editor and `tsc` flag a misspelt key (`schedul:`) before synth does. */
export const defineSource = entryOf(sourceSchema);

export const sources = defineList({
  name: "sources",
  schema: sourceSchema,
  description: "SaaS ingestion sources (settings item, Glue raw table, schedule)",
  check: (entries, ctx) => {
    // Two sources under one prefix (or one inside the other) would read and overwrite each other.
    entries.forEach((a, i) => {
      for (const b of entries.slice(0, i)) {
        if (prefixesCollide(a.settings.target.prefix, b.settings.target.prefix)) {
          ctx.problem(
            a.id,
            "settings.target.prefix",
            `"${a.settings.target.prefix}" overlaps sources[${b.id}].settings.target.prefix "${b.settings.target.prefix}" (each source needs its own prefix)`,
          );
        }
      }
      if (a.settings.target.prefix === "_staging" || a.settings.target.prefix.startsWith("_staging/")) {
        ctx.problem(a.id, "settings.target.prefix", `"_staging" is reserved for runs in progress`);
      }
      // The ingest module names each schedule `<function>-<source id>` (EventBridge Scheduler: 64).
      const tooLong = a.settings.schedule
        ? scheduleNameProblem(ingestFunctionName, a.id, ctx.environmentNames ?? ctx.environments)
        : undefined;
      if (tooLong) ctx.problem(a.id, "id", tooLong);
    });
  },
  entries: [
    defineSource({
      id: "demo_orders",
      startDate: "2024-01-01",
      columns: [
        { name: "id", type: "string" },
        { name: "customer_id", type: "string" },
        { name: "amount", type: "double" },
        { name: "currency", type: "string" },
        { name: "updated_at", type: "string" },
      ],
      settings: {
        enabled: true,
        request: { url: "https://api.example.com/v1/orders", query: { limit: "500" } },
        auth: { type: "bearer", secretId: "dp/saas/demo-api-token" },
        records: { path: "data" },
        pagination: { type: "cursor", cursorPath: "meta.next_cursor", param: "cursor" },
        incremental: {
          cursorField: "updated_at",
          cursorType: "timestamp",
          param: "updated_since",
          initial: "2024-01-01T00:00:00Z",
        },
        primaryKey: "id",
        target: { prefix: "saas/demo_orders" },
        schedule: "cron(0 3 * * ? *)",
      },
    }),
    defineSource({
      id: "demo_customers",
      startDate: "2024-01-01",
      columns: [
        { name: "id", type: "string" },
        { name: "name", type: "string" },
        { name: "country", type: "string" },
      ],
      settings: {
        enabled: true,
        request: { url: "https://api.example.com/v1/customers" },
        auth: { type: "header", headerName: "X-Api-Key", secretId: "dp/saas/demo-api-key" },
        records: { path: "" },
        pagination: { type: "link" },
        primaryKey: "id",
        target: { prefix: "saas/demo_customers" },
        schedule: "cron(30 3 * * ? *)",
      },
    }),
  ],
});

/** Validates source entries alone (tests, scripts): the typed sources, or one ConfigError. */
export function loadSources(entries: ReadonlyArray<unknown>) {
  return loadListOnly({ ...sources, entries: entries as (typeof sources)["entries"] });
}
