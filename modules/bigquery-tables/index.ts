/**
 * BigQuery tables IICS loads into, declared as code: schema (name, type, mode, description), time
 * partitioning (column, granularity, partition expiration), clustering, `require_partition_filter`,
 * labels, description, CMEK from the dataset key, `deletion_protection` in protected environments.
 * Staging tables set no expiration of their own: the staging dataset's default applies.
 *
 * Schema changes BigQuery cannot apply in place are made visible in the plan through guards
 * (`terraform_data`, built into Terraform, no provider):
 * - one guard per column keyed by the column, `triggers_replace` = its type and repeatedness:
 *   a type change replaces the guard and, through `replace_triggered_by`, the table;
 *   a removed column destroys its guard, so the plan's destroy warning names table and column;
 *   an added column only creates a guard (BigQuery adds columns in place);
 * - one guard per table with the partitioning (type and column): a change replaces the table.
 * In protected environments `deletion_protection` then stops the apply until someone lowers it on
 * purpose: nothing is dropped by a routine apply.
 */
import { BigqueryTable } from "@cdktf/provider-google/lib/bigquery-table";
import { DataResource } from "cdktf";
import { Construct } from "constructs";

export type TableLayer = "staging" | "dwh" | "mart";

export interface TableColumnSpec {
  readonly name: string;
  /** Standard SQL type (INT64, FLOAT64, BOOL, STRING, NUMERIC, DATE, TIMESTAMP, JSON, …). */
  readonly type: string;
  /** @default "NULLABLE" */
  readonly mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  readonly description?: string;
}

export interface TableSpec {
  readonly dataset: TableLayer;
  readonly table: string;
  readonly description: string;
  readonly columns: ReadonlyArray<TableColumnSpec>;
  readonly partitioning?: {
    readonly column?: string;
    readonly type: "HOUR" | "DAY" | "MONTH" | "YEAR";
    readonly expirationDays?: number;
  };
  /** @default [] */
  readonly clustering?: ReadonlyArray<string>;
  /** @default true when partitioned */
  readonly requirePartitionFilter?: boolean;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

export interface BigQueryTablesProps {
  readonly projectId: string;
  readonly environment: string;
  /** Dataset ids per layer (from the datasets construct). */
  readonly datasetIds: Record<TableLayer, string>;
  /** CMEK key (the datasets' default key). */
  readonly kmsKeyName: string;
  readonly tables: ReadonlyArray<TableSpec>;
  /** `deletion_protection` on non-staging tables (protected environments). @default true */
  readonly deletionProtection?: boolean;
  /** Datasets must exist first. @default [] */
  readonly dependsOn?: import("cdktf").ITerraformDependable[];
}

/** The names the tables API returns (the provider compares schemas in these). */
const API_TYPE: Record<string, string> = { INT64: "INTEGER", FLOAT64: "FLOAT", BOOL: "BOOLEAN" };

/** The schema JSON of a table (what `google_bigquery_table.schema` holds). */
export function schemaJson(columns: ReadonlyArray<TableColumnSpec>): string {
  return JSON.stringify(
    columns.map((c) => ({
      name: c.name,
      type: API_TYPE[c.type] ?? c.type,
      mode: c.mode ?? "NULLABLE",
      ...(c.description ? { description: c.description } : {}),
    })),
  );
}

/** What of a column BigQuery cannot change in place: its type and whether it is REPEATED. */
export const columnFingerprint = (c: TableColumnSpec) =>
  `${API_TYPE[c.type] ?? c.type}${c.mode === "REPEATED" ? "[]" : ""}`;

/** What of the partitioning BigQuery cannot change in place (expiration can be). */
export const partitioningFingerprint = (p: TableSpec["partitioning"]) =>
  p ? `${p.type}:${p.column ?? "_PARTITIONTIME"}` : "none";

/** `type.name` of a resource, as `replace_triggered_by` needs it in JSON. */
const address = (r: DataResource) => `${r.terraformResourceType}.${r.friendlyUniqueId}`;

/** Construct id of a column name (ids must be unique; column names are case-insensitive). */
const cid = (name: string) => name.toLowerCase();

export class BigQueryTables extends Construct {
  readonly tables: Record<string, BigqueryTable> = {};

  constructor(scope: Construct, id: string, props: BigQueryTablesProps) {
    super(scope, id);
    for (const spec of props.tables) {
      const key = `${spec.dataset}.${spec.table}`;
      const scopeOf = new Construct(this, `${spec.dataset}-${spec.table}`);
      const partitionGuard = new DataResource(scopeOf, "partitioning-guard", {
        triggersReplace: { table: key, partitioning: partitioningFingerprint(spec.partitioning) },
      });
      const columnGuards = spec.columns.map(
        (c) =>
          new DataResource(scopeOf, `column-${cid(c.name)}`, {
            triggersReplace: { table: key, column: c.name, type: columnFingerprint(c) },
          }),
      );
      const protect = (props.deletionProtection ?? true) && spec.dataset !== "staging";
      const p = spec.partitioning;
      this.tables[key] = new BigqueryTable(scopeOf, "table", {
        project: props.projectId,
        datasetId: props.datasetIds[spec.dataset],
        tableId: spec.table,
        description: spec.description,
        schema: schemaJson(spec.columns),
        timePartitioning: p
          ? {
              type: p.type,
              field: p.column,
              expirationMs: p.expirationDays ? p.expirationDays * 86_400_000 : undefined,
            }
          : undefined,
        requirePartitionFilter: p ? (spec.requirePartitionFilter ?? true) : undefined,
        clustering: spec.clustering?.length ? [...spec.clustering] : undefined,
        labels: { environment: props.environment, layer: spec.dataset, managed_by: "cdktf", ...spec.labels },
        encryptionConfiguration: { kmsKeyName: props.kmsKeyName },
        deletionProtection: protect,
        dependsOn: props.dependsOn,
        // Bare addresses: cdktf renders a construct here as "${…}", which Terraform refuses.
        lifecycle: { replaceTriggeredBy: [partitionGuard, ...columnGuards].map(address) },
      });
    }
  }
}
