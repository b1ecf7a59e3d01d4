import { Testing } from "cdktf";
import { loadAppConfig } from "../../config";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { GcpStack } from "../../stacks/gcp-stack";
import { synthesize } from "../../test/helpers/stack";
import { columnFingerprint, partitioningFingerprint, schemaJson } from ".";

const { bigquery } = loadAppConfig({}).lists;
const envs = loadEnvironments(structuredClone(environments));
const gcp = (name: string) =>
  synthesize(
    new GcpStack(Testing.app(), `dp-gcp-${name}`, {
      env: envs.find((e) => e.name === name)!,
      tables: bigquery.tables,
    }),
  );
const prod = gcp("prod");
const dev = gcp("dev");

describe("BigQueryTables", () => {
  it("creates each declared table in its layer's dataset with schema, partitioning, clustering and labels", () => {
    const orders = prod.one("google_bigquery_table", "dwh-orders_table");
    expect(orders).toMatchObject({
      table_id: "orders",
      dataset_id: expect.stringMatching(/^\$\{google_bigquery_dataset\.bigquery_dwh_\w+\.dataset_id\}$/),
      time_partitioning: { type: "DAY", field: "load_date" },
      require_partition_filter: true,
      clustering: ["customer_id", "currency"],
      labels: { environment: "prod", layer: "dwh", managed_by: "cdktf", source: "raw", domain: "sales" },
      encryption_configuration: { kms_key_name: expect.stringMatching(/google_kms_crypto_key\./) },
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

  it("protects tables from deletion in stg/prod, not in dev; staging tables keep the dataset expiration", () => {
    expect(prod.one("google_bigquery_table", "dwh-orders_table").deletion_protection).toBe(true);
    expect(dev.one("google_bigquery_table", "dwh-orders_table").deletion_protection).toBe(false);
    const landing = prod.one("google_bigquery_table", "staging-orders_landing");
    expect(landing.deletion_protection).toBe(false);
    expect(landing.expiration_time).toBeUndefined();
    expect(prod.one("google_bigquery_dataset", "staging").default_table_expiration_ms).toBe(7 * 86_400_000);
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
