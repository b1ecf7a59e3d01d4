/**
 * BigQuery targets of IICS, as code, and the reconciliation checks between Athena and BigQuery.
 *
 * - Tables loaded from curated data are generated from the curated declaration
 *   (`bigqueryTablesFromCurated`, types mapped Athena → BigQuery by `athenaToBigQueryType`).
 *   Until the curate config (`config/transforms.ts`) lands, the curated side is declared here.
 * - Other IICS targets are written by hand (`handTables`).
 * - A check compares the rows of one run date on both sides (see README, "BigQuery").
 */
import { bigqueryTablesFromCurated, type CuratedTableLike, loadBigQuery } from "./bigquery-load";
import type { BqTableInput } from "./bigquery-schema";

/** Curated tables loaded to BigQuery (to be replaced by the curate declaration when it lands). */
export const curatedLoadedToBigQuery: CuratedTableLike[] = [
  {
    id: "orders",
    description: "Orders from the demo SaaS API, one row per order and load date",
    columns: [
      { name: "id", type: "string", description: "Order id" },
      { name: "customer_id", type: "string" },
      { name: "amount", type: "decimal(18,2)" },
      { name: "currency", type: "varchar(3)" },
      { name: "updated_at", type: "timestamp with time zone" },
      { name: "load_date", type: "date", description: "Run date of the load (partition)" },
    ],
    bigquery: {
      dataset: "dwh",
      partitioning: { column: "load_date", type: "DAY" },
      clustering: ["customer_id", "currency"],
      requirePartitionFilter: true,
      required: ["id", "load_date"],
      labels: { domain: "sales" },
    },
  },
];

/** IICS targets that are not curated tables. */
export const handTables: BqTableInput[] = [
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
