import { gcpTestStack, PROJECT, synthesize } from "../../test/helpers/stack";
import {
  BigQueryTables,
  type BigQueryTablesProps,
  columnFingerprint,
  partitioningFingerprint,
  schemaJson,
  type TableSpec,
} from ".";

const ORDERS: TableSpec = {
  dataset: "dwh",
  table: "orders",
  description: "Orders",
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
  labels: { source: "raw", domain: "sales" },
};
const LANDING: TableSpec = {
  dataset: "staging",
  table: "orders_landing",
  description: "Landing",
  columns: [
    { name: "payload", type: "JSON" },
    { name: "loaded_at", type: "TIMESTAMP" },
  ],
  partitioning: { column: "loaded_at", type: "DAY", expirationDays: 7 },
};

function tables(extra: Partial<BigQueryTablesProps> = {}) {
  const { stack } = gcpTestStack();
  new BigQueryTables(stack, "tables", {
    projectId: PROJECT,
    environment: "prod",
    datasetIds: { staging: "dp_staging", dwh: "dp_dwh", mart: "dp_mart" },
    kmsKeyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k",
    tables: [ORDERS, LANDING],
    ...extra,
  });
  return synthesize(stack);
}
const prod = tables();

describe("BigQueryTables", () => {
  it("creates each declared table in its layer's dataset with schema, partitioning, clustering and labels", () => {
    const orders = prod.one("google_bigquery_table", "dwh-orders_table");
    expect(orders).toMatchObject({
      table_id: "orders",
      dataset_id: "dp_dwh",
      time_partitioning: { type: "DAY", field: "load_date" },
      require_partition_filter: true,
      clustering: ["customer_id", "currency"],
      labels: { environment: "prod", layer: "dwh", managed_by: "cdktf", source: "raw", domain: "sales" },
      encryption_configuration: { kms_key_name: "projects/p/locations/l/keyRings/r/cryptoKeys/k" },
    });
    expect(JSON.parse(orders.schema)).toEqual([
      { name: "id", type: "STRING", mode: "REQUIRED", description: "Order id" },
      { name: "customer_id", type: "STRING", mode: "NULLABLE" },
      { name: "amount", type: "NUMERIC", mode: "NULLABLE" },
      { name: "currency", type: "STRING", mode: "NULLABLE" },
      { name: "updated_at", type: "TIMESTAMP", mode: "NULLABLE" },
      { name: "load_date", type: "DATE", mode: "REQUIRED", description: "Run date of the load (partition)" },
    ]);
    const landing = prod.one("google_bigquery_table", "staging-orders_landing");
    expect(landing.time_partitioning).toEqual({
      type: "DAY",
      field: "loaded_at",
      expiration_ms: 7 * 86_400_000,
    });
  });

  it("protects non-staging tables by protection level; staging tables keep the dataset expiration", () => {
    expect(prod.one("google_bigquery_table", "dwh-orders_table").deletion_protection).toBe(true);
    expect(prod.one("google_bigquery_table", "dwh-orders_table").lifecycle.prevent_destroy).toBeUndefined();
    const none = tables({ protection: "none" });
    expect(none.one("google_bigquery_table", "dwh-orders_table").deletion_protection).toBe(false);
    const strict = tables({ protection: "strict" });
    expect(strict.one("google_bigquery_table", "dwh-orders_table").lifecycle.prevent_destroy).toBe(true);
    expect(strict.one("google_bigquery_table", "dwh-orders_table").deletion_protection).toBe(true);
    const landing = strict.one("google_bigquery_table", "staging-orders_landing");
    expect(landing.deletion_protection).toBe(false);
    expect(landing.lifecycle.prevent_destroy).toBeUndefined();
    expect(landing.expiration_time).toBeUndefined();
  });

  it("refuses tables BigQuery would reject, naming table and field, all in one error", () => {
    const bad: TableSpec = {
      ...ORDERS,
      table: "orders-v2",
      columns: [...ORDERS.columns, { name: "ID", type: "STRING" }],
      partitioning: { column: "amount", type: "DAY" },
      clustering: ["a", "b", "c", "d", "e"],
    };
    expect(() =>
      tables({ tables: [bad, { ...LANDING, partitioning: undefined, requirePartitionFilter: true }] }),
    ).toThrow(
      [
        `BigQueryTables tables: tables[dwh.orders-v2].table must be a BigQuery table id (letters, digits, '_') (got "orders-v2")`,
        `tables[dwh.orders-v2].columns.ID is declared twice (names are case-insensitive) (got "ID")`,
        `tables[dwh.orders-v2].partitioning.column must be a DATE/TIMESTAMP/DATETIME column for DAY partitioning (amount is NUMERIC) (got "amount")`,
        `tables[dwh.orders-v2].clustering may name at most 4 columns (got ["a","b","c","d","e"])`,
        `tables[dwh.orders-v2].clustering names a column the table does not have (got "a")`,
      ].join("; "),
    );
    expect(() =>
      tables({ tables: [{ ...LANDING, partitioning: undefined, requirePartitionFilter: true }] }),
    ).toThrow("tables[staging.orders_landing].requirePartitionFilter needs partitioning");
  });

  it("guards every column and the partitioning: the table is replaced when a guard is", () => {
    const orders = prod.one("google_bigquery_table", "dwh-orders_table");
    const guards = Object.entries(prod.of("terraform_data")).filter(([k]) =>
      /^tables_dwh-orders_(column|partitioning)/.test(k),
    );
    expect(
      guards
        .map(([, g]) => g.triggers_replace)
        .sort((a, b) => (a.column ?? "").localeCompare(b.column ?? "")),
    ).toEqual([
      { table: "dwh.orders", partitioning: "DAY:load_date" },
      { table: "dwh.orders", column: "amount", type: "NUMERIC" },
      { table: "dwh.orders", column: "currency", type: "STRING" },
      { table: "dwh.orders", column: "customer_id", type: "STRING" },
      { table: "dwh.orders", column: "id", type: "STRING" },
      { table: "dwh.orders", column: "load_date", type: "DATE" },
      { table: "dwh.orders", column: "updated_at", type: "TIMESTAMP" },
    ]);
    expect([...orders.lifecycle.replace_triggered_by].sort()).toEqual(
      guards.map(([k]) => `terraform_data.${k}`).sort(),
    );
  });

  it("writes types as the tables API returns them (no perpetual diff) and fingerprints only what cannot change in place", () => {
    expect(
      JSON.parse(
        schemaJson([
          { name: "n", type: "INT64" },
          { name: "f", type: "FLOAT64" },
          { name: "b", type: "BOOL" },
        ]),
      ),
    ).toEqual([
      { name: "n", type: "INTEGER", mode: "NULLABLE" },
      { name: "f", type: "FLOAT", mode: "NULLABLE" },
      { name: "b", type: "BOOLEAN", mode: "NULLABLE" },
    ]);
    // Relaxing REQUIRED -> NULLABLE and descriptions are in-place changes.
    expect(columnFingerprint({ name: "a", type: "STRING", mode: "REQUIRED", description: "x" })).toBe(
      columnFingerprint({ name: "a", type: "STRING" }),
    );
    expect(columnFingerprint({ name: "a", type: "STRING", mode: "REPEATED" })).not.toBe(
      columnFingerprint({ name: "a", type: "STRING" }),
    );
    expect(columnFingerprint({ name: "a", type: "INT64" })).not.toBe(
      columnFingerprint({ name: "a", type: "NUMERIC" }),
    );
    // Partition expiration is an in-place change; granularity and column are not.
    expect(partitioningFingerprint({ type: "DAY", column: "d", expirationDays: 3 })).toBe(
      partitioningFingerprint({ type: "DAY", column: "d" }),
    );
    expect(partitioningFingerprint({ type: "MONTH", column: "d" })).not.toBe(
      partitioningFingerprint({ type: "DAY", column: "d" }),
    );
    expect(partitioningFingerprint(undefined)).not.toBe(partitioningFingerprint({ type: "DAY" }));
  });
});
