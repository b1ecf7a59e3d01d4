/**
 * BigQuery targets of IICS, as code, and the reconciliation checks between Athena and BigQuery.
 *
 * - Tables loaded from curated data are generated from the curate declaration
 *   (config/transforms.ts) for the transforms listed in `loadedToBigQuery` (the section's `loads`)
 *   (`bigqueryTablesFromCurated`, types mapped Athena → BigQuery by `athenaToBigQueryType`).
 * - Other IICS targets are written by hand (`handTables`).
 * - A check compares the rows of one run date on both sides (see README, "BigQuery").
 */
import {
  BIGQUERY_ENTRY_IDS,
  bigqueryProblems,
  type CuratedLoad,
  collectBigqueryTablesFromCurated,
  collectCuratedFromTransforms,
} from "./bigquery-load";
import {
  type BigQuerySettings,
  type BqTableInput,
  bigqueryDeclarationSchema,
  bqTableSchema,
} from "./bigquery-schema";
import { defineSection } from "./registry";
import { transforms } from "./transforms";

/**
 * Curated tables (transform ids of config/transforms.ts) that IICS loads to BigQuery, and how.
 * Their columns and Athena types come from the transform's `target`; `types` overrides an Athena
 * type where the IICS mapping converts (e.g. the `dt` string becomes a DATE partition).
 */
export const loadedToBigQuery: Record<string, CuratedLoad> = {
  orders_enriched: {
    dataset: "dwh",
    partitioning: { column: "dt", type: "DAY" },
    clustering: ["customer_country", "currency"],
    required: ["order_id", "dt"],
    types: { dt: "date" },
    labels: { domain: "sales" },
  },
};

/** IICS targets that are not curated tables. */
export const handTables: BqTableInput[] = [
  {
    dataset: "dwh",
    table: "orders",
    description:
      "Orders from the demo SaaS API as IICS loads them from the raw zone, one row per order and load date",
    columns: [
      { name: "id", type: "STRING", mode: "REQUIRED", description: "Order id" },
      { name: "customer_id", type: "STRING" },
      { name: "amount", type: "NUMERIC" },
      { name: "currency", type: "STRING" },
      { name: "updated_at", type: "TIMESTAMP" },
      { name: "load_date", type: "DATE", mode: "REQUIRED", description: "Run date of the load (partition)" },
    ],
    partitioning: { column: "load_date", type: "DAY" },
    clustering: ["customer_id", "currency"],
    labels: { domain: "sales", source: "raw" },
  },
  {
    dataset: "staging",
    table: "orders_landing",
    description:
      "Landing table of the IICS orders task (truncated per load; expires with the dataset default)",
    columns: [
      { name: "id", type: "STRING", mode: "REQUIRED" },
      { name: "payload", type: "JSON" },
      { name: "loaded_at", type: "TIMESTAMP", mode: "REQUIRED" },
    ],
    partitioning: { column: "loaded_at", type: "DAY", expirationDays: 7 },
    labels: { domain: "sales" },
  },
];

/**
 * The BigQuery section, validated with every other list by config/index.ts (nothing runs at import):
 * problems read `bigquery.tables[dwh.orders].clustering[0]: …`, `bigquery.checks[orders].…`,
 * `bigquery.loads[orders_enriched].…`. The loaded value (`loadAppConfig().lists.bigquery`) holds the
 * generated curated tables followed by the hand-written ones.
 */
export const bigquery = defineSection({
  name: "bigquery",
  schema: bigqueryDeclarationSchema,
  description: "BigQuery targets of IICS (curated loads, hand-written tables) and reconciliation checks",
  entryIds: BIGQUERY_ENTRY_IDS,
  value: {
    reconcile: { schedule: "cron(0 9 * * ? *)", timezone: "Asia/Tokyo", runDateOffsetDays: 1 },
    loads: loadedToBigQuery,
    tables: handTables,
    checks: [
      {
        id: "orders",
        athena: { database: "raw", table: "demo_orders", dateColumn: "dt" },
        bigquery: { dataset: "dwh", table: "orders", dateColumn: "load_date" },
        tolerance: { rows: 0 },
        freshnessHours: 30,
      },
    ],
  },
  resolve: ({ loads, ...declared }, ctx): { value: BigQuerySettings; problems: string[] } => {
    const valid = (ctx.lists.transforms ?? []) as Parameters<typeof collectCuratedFromTransforms>[0];
    // A load of a transform that is itself invalid: the transform's own problem says why.
    const declaredIds = new Set(ctx.declaredIds?.transforms ?? transforms.entries.map((t) => t.id));
    const knownLoads = Object.fromEntries(
      Object.entries(loads).filter(([id]) => valid.some((t) => t.id === id) || !declaredIds.has(id)),
    );
    const curated = collectCuratedFromTransforms(valid, knownLoads);
    const generated = collectBigqueryTablesFromCurated(curated.value);
    const problems = [...curated.problems, ...generated.problems];
    // Generated tables are built from validated parts; parsing fills their defaults.
    const tables = [...generated.value.map((t) => bqTableSchema.parse(t)), ...declared.tables];
    const value: BigQuerySettings = { ...declared, tables };
    problems.push(...bigqueryProblems(value));
    return { value, problems };
  },
});
