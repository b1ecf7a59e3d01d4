/**
 * Ingestion sources: each one is reviewed here, in a pull request, and written by Terraform as the
 * settings item the Lambda reads (`pk = "source#<id>"`, `sk = "config"`), plus a Glue raw table.
 * Add a source by adding an entry; no code changes.
 */
import { loadSources } from "./load";

export const sources = loadSources([
  {
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
  },
  {
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
  },
]);
