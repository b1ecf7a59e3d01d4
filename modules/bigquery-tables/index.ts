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
 * purpose: nothing is dropped by a routine apply. Under `protection: "strict"` the non-staging
 * tables also carry `prevent_destroy`, so Terraform refuses such a plan itself, naming the table.
 *
 * | protection | deletion_protection (non-staging) | prevent_destroy (non-staging) |
 * |------------|-----------------------------------|-------------------------------|
 * | none       | false                             | no                            |
 * | standard   | true (stops the apply)            | no (the plan shows the replace) |
 * | strict     | true                              | yes (the plan fails)          |
 */
import { BigqueryTable } from "@cdktf/provider-google/lib/bigquery-table";
import { DataResource, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { type Protection, protectionOf } from "../../lib/protection";

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
  /** Layer (dataset) of the table. */
  readonly dataset: TableLayer;
  /** Table id (letters, digits, `_`). */
  readonly table: string;
  readonly description: string;
  readonly columns: ReadonlyArray<TableColumnSpec>;
  /** Time partitioning (column: a DATE/TIMESTAMP/DATETIME column). @default - not partitioned */
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
  /**
   * Protection level of the environment: `deletion_protection` on non-staging tables unless
   * `none`, `prevent_destroy` on them under `strict`. @default "standard"
   */
  readonly protection?: Protection;
  /** Datasets must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
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
  /** Tables by `<layer>.<table>`. */
  readonly tables: Record<string, BigqueryTable> = {};

  constructor(scope: Construct, id: string, props: BigQueryTablesProps) {
    super(scope, id);
    validate(id, props);
    const protection = protectionOf(props.protection);
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
      const protect = protection.deletionProtection && spec.dataset !== "staging";
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
        lifecycle: {
          replaceTriggeredBy: [partitionGuard, ...columnGuards].map(address),
          ...(protection.preventDestroy && spec.dataset !== "staging" ? { preventDestroy: true } : {}),
        },
      });
    }
  }
}

/** Column types a time-partitioning column may have, by granularity. */
const PARTITION_TYPES: Record<string, readonly string[]> = {
  HOUR: ["TIMESTAMP", "DATETIME"],
  DAY: ["DATE", "TIMESTAMP", "DATETIME"],
  MONTH: ["DATE", "TIMESTAMP", "DATETIME"],
  YEAR: ["DATE", "TIMESTAMP", "DATETIME"],
};

function validate(id: string, props: BigQueryTablesProps): void {
  const v = new PropsValidator("BigQueryTables", id);
  const keys = new Set<string>();
  for (const spec of props.tables) {
    const at = `tables[${spec.dataset}.${spec.table}]`;
    v.oneOf(`${at}.dataset`, spec.dataset, ["staging", "dwh", "mart"]);
    v.matches(
      `${at}.table`,
      spec.table,
      /^[A-Za-z0-9_]{1,1024}$/,
      "a BigQuery table id (letters, digits, '_')",
    );
    if (keys.has(`${spec.dataset}.${spec.table}`.toLowerCase())) v.conflict(`${at} is declared twice`);
    keys.add(`${spec.dataset}.${spec.table}`.toLowerCase());
    if (spec.columns.length === 0) v.conflict(`${at}.columns must name at least one column`);
    const byName = new Map<string, TableColumnSpec>();
    for (const c of spec.columns) {
      if (byName.has(c.name.toLowerCase()))
        v.fail(`${at}.columns.${c.name}`, "is declared twice (names are case-insensitive)", c.name);
      byName.set(c.name.toLowerCase(), c);
    }
    const p = spec.partitioning;
    if (p?.column !== undefined) {
      const col = byName.get(p.column.toLowerCase());
      const allowed = PARTITION_TYPES[p.type] ?? [];
      if (!col) v.fail(`${at}.partitioning.column`, "is not a column of the table", p.column);
      else if (!allowed.includes(API_TYPE[col.type] ?? col.type) || col.mode === "REPEATED")
        v.fail(
          `${at}.partitioning.column`,
          `must be a ${allowed.join("/")} column for ${p.type} partitioning (${col.name} is ${col.mode === "REPEATED" ? "REPEATED " : ""}${col.type})`,
          p.column,
        );
    }
    v.range(`${at}.partitioning.expirationDays`, p?.expirationDays, { min: 1 });
    if (!p && spec.requirePartitionFilter) v.conflict(`${at}.requirePartitionFilter needs partitioning`);
    const clustering = spec.clustering ?? [];
    if (clustering.length > 4) v.fail(`${at}.clustering`, "may name at most 4 columns", clustering);
    for (const c of clustering)
      if (!byName.has(c.toLowerCase()))
        v.fail(`${at}.clustering`, "names a column the table does not have", c);
    for (const k of Object.keys(spec.labels ?? {}))
      v.matches(
        `${at}.labels`,
        k,
        /^[a-z][a-z0-9_-]{0,62}$/,
        "keys of lowercase letters, digits, '_' or '-' (at most 63)",
      );
  }
  v.throwIfInvalid();
}
