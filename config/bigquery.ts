/**
 * BigQuery targets of IICS, as code, and the reconciliation checks between Athena and BigQuery.
 *
 * - Tables loaded from curated data are generated from the curate declaration
 *   (config/transforms.ts) for the transforms listed in `loadedToBigQuery`
 *   (`bigqueryTablesFromCurated`, types mapped Athena → BigQuery by `athenaToBigQueryType`).
 * - Other IICS targets are written by hand (`handTables`).
 * - A check compares the rows of one run date on both sides (see README, "BigQuery").
 */
import {
  bigqueryTablesFromCurated,
  type CuratedLoad,
  type CuratedTableLike,
  curatedFromTransforms,
  loadBigQuery,
} from "./bigquery-load";
import type { BqTableInput } from "./bigquery-schema";
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

// The reviewed entries (the transforms list itself is validated with every list by config/index.ts).
export const curatedLoadedToBigQuery: CuratedTableLike[] = curatedFromTransforms(
  transforms.entries,
  loadedToBigQuery,
);

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

export const bigquery = loadBigQuery({
  reconcile: { schedule: "cron(0 9 * * ? *)", timezone: "Asia/Tokyo", runDateOffsetDays: 1 },
  tables: [...bigqueryTablesFromCurated(curatedLoadedToBigQuery), ...handTables],
  checks: [
    {
      id: "orders",
      athena: { database: "raw", table: "demo_orders", dateColumn: "dt" },
      bigquery: { dataset: "dwh", table: "orders", dateColumn: "load_date" },
      tolerance: { rows: 0 },
      freshnessHours: 30,
    },
  ],
});
