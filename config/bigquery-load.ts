/**
 * Validation of the BigQuery declaration (`config/bigquery.ts`), the one Athena → BigQuery type
 * mapping, and the hook that turns curated tables declared "loaded to BigQuery" into target tables.
 */
import type { ResolvedCheck } from "../functions/bq-reconcile/core/checks";
import {
  type BigQuerySettings,
  type BigQuerySettingsInput,
  BQ_LAYERS,
  type BqLayer,
  type BqTable,
  type BqTableInput,
  type BqType,
  bigquerySettingsSchema,
  CLUSTERABLE,
  type CuratedLoadInput,
  MAX_CLUSTERING_COLUMNS,
  PARTITIONABLE,
} from "./bigquery-schema";
import { ConfigError, strictIssues } from "./problems";
import { sectionPath } from "./registry";

export class TypeMappingError extends Error {
  override readonly name = "TypeMappingError";
}

/**
 * Maps an Athena (Hive DDL / Trino) column type to a BigQuery type and mode.
 * `timestamp` has no time zone in Athena, so it maps to DATETIME; `timestamp with time zone` to
 * TIMESTAMP. `array<T>` of a scalar becomes a REPEATED column; maps, structs and nested arrays
 * become JSON. Decimals keep their precision: NUMERIC when it fits (≤ 29 integer digits, scale ≤ 9),
 * else BIGNUMERIC. Anything else is refused (never silently STRING).
 */
export function athenaToBigQueryType(athenaType: string): { type: BqType; mode: "NULLABLE" | "REPEATED" } {
  const t = athenaType.trim().toLowerCase().replace(/\s+/g, " ");
  const array = /^array\s*<(.+)>$/.exec(t);
  if (array) {
    const inner = array[1].trim();
    if (/^(array|map|struct)\s*</.test(inner)) return { type: "JSON", mode: "NULLABLE" };
    return { type: athenaToBigQueryType(inner).type, mode: "REPEATED" };
  }
  if (/^(map|struct|row)\s*[<(]/.test(t) || t === "json") return { type: "JSON", mode: "NULLABLE" };
  const decimal = /^decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t);
  if (decimal || t === "decimal") {
    const precision = decimal ? Number(decimal[1]) : 10;
    const scale = decimal?.[2] ? Number(decimal[2]) : 0;
    if (precision < 1 || precision > 38 || scale > precision)
      throw new TypeMappingError(`Athena type "${athenaType}": invalid decimal precision/scale`);
    return { type: precision - scale <= 29 && scale <= 9 ? "NUMERIC" : "BIGNUMERIC", mode: "NULLABLE" };
  }
  const scalar: Record<string, BqType> = {
    boolean: "BOOL",
    tinyint: "INT64",
    smallint: "INT64",
    int: "INT64",
    integer: "INT64",
    bigint: "INT64",
    float: "FLOAT64",
    real: "FLOAT64",
    double: "FLOAT64",
    string: "STRING",
    varchar: "STRING",
    char: "STRING",
    binary: "BYTES",
    varbinary: "BYTES",
    date: "DATE",
    timestamp: "DATETIME",
    "timestamp with time zone": "TIMESTAMP",
    time: "TIME",
  };
  // varchar(n), char(n), timestamp(3), timestamp(6) with time zone, time(3): drop the length/precision.
  const base = t.replace(/\(\s*\d+\s*\)/, "").trim();
  const type = scalar[base];
  if (!type) throw new TypeMappingError(`Athena type "${athenaType}" has no BigQuery mapping`);
  return { type, mode: "NULLABLE" };
}

/** What the curate config declares about a curated table (only what this side needs). */
export interface CuratedTableLike {
  readonly id: string;
  readonly description?: string;
  readonly columns: ReadonlyArray<{ name: string; type: string; description?: string }>;
  /** Present when the table is loaded to BigQuery by IICS. */
  readonly bigquery?: CuratedLoadInput;
}

/** How one curated table is loaded to BigQuery (the `bigquery` block of `CuratedTableLike`). */
export type CuratedLoad = CuratedLoadInput;

/**
 * Curated tables as this side needs them, from the curate transforms (config/transforms.ts) named
 * in `loads`; an unknown transform id is an error naming it.
 */
export function curatedFromTransforms(
  transforms: TransformLike,
  loads: Record<string, CuratedLoad>,
): CuratedTableLike[] {
  return orThrow(collectCuratedFromTransforms(transforms, loads));
}

type TransformLike = ReadonlyArray<{
  id: string;
  target: { columns: ReadonlyArray<{ name: string; type: string }> };
}>;
type Collected<T> = { value: T; problems: string[] };
const orThrow = <T>(r: Collected<T>): T => {
  if (r.problems.length) throw new ConfigError(r.problems);
  return r.value;
};

/** `curatedFromTransforms` without throwing: the tables it could build and every problem. */
export function collectCuratedFromTransforms(
  transforms: TransformLike,
  loads: Record<string, CuratedLoad>,
): Collected<CuratedTableLike[]> {
  const problems: string[] = [];
  const out: CuratedTableLike[] = [];
  for (const [id, bigquery] of Object.entries(loads)) {
    const t = transforms.find((x) => x.id === id);
    if (!t) {
      problems.push(
        `bigquery.loads[${id}]: no curated table "${id}" in config/transforms.ts (known: ${transforms.map((x) => x.id).join(", ") || "none"})`,
      );
      continue;
    }
    for (const c of Object.keys(bigquery.types ?? {}))
      if (!t.target.columns.some((x) => x.name === c))
        problems.push(`bigquery.loads[${id}].types: "${c}" is not a column of curated ${id}`);
    out.push({
      id,
      description: `Curated ${id} (transform ${id}), loaded by IICS`,
      columns: t.target.columns,
      bigquery,
    });
  }
  return { value: out, problems };
}

/**
 * BigQuery target tables generated from curated tables declared "loaded to BigQuery", with types
 * mapped by `athenaToBigQueryType`. A column whose type cannot be mapped is reported by table and
 * column (collected, never the first only).
 */
export function bigqueryTablesFromCurated(curated: ReadonlyArray<CuratedTableLike>): BqTableInput[] {
  return orThrow(collectBigqueryTablesFromCurated(curated));
}

/** `bigqueryTablesFromCurated` without throwing: every table (bad columns left out) and every problem. */
export function collectBigqueryTablesFromCurated(
  curated: ReadonlyArray<CuratedTableLike>,
): Collected<BqTableInput[]> {
  const problems: string[] = [];
  const tables: BqTableInput[] = [];
  for (const c of curated) {
    if (!c.bigquery) continue;
    const bq = c.bigquery;
    const required = new Set(bq.required ?? []);
    const columns = c.columns.flatMap((col, i) => {
      try {
        const m = athenaToBigQueryType(bq.types?.[col.name] ?? col.type);
        const mode: "NULLABLE" | "REQUIRED" | "REPEATED" =
          required.has(col.name) && m.mode === "NULLABLE" ? "REQUIRED" : m.mode;
        return [{ name: col.name, type: m.type, mode, description: col.description }];
      } catch (e) {
        problems.push(`curated[${c.id}].columns[${i}] (${col.name}): ${(e as Error).message}`);
        return [];
      }
    });
    for (const r of required)
      if (!c.columns.some((col) => col.name === r))
        problems.push(`curated[${c.id}].bigquery.required: "${r}" is not a column`);
    tables.push({
      dataset: bq.dataset ?? "dwh",
      table: bq.table ?? c.id,
      description: c.description ?? `Curated ${c.id}, loaded by IICS`,
      columns,
      partitioning: bq.partitioning,
      clustering: bq.clustering,
      requirePartitionFilter: bq.requirePartitionFilter,
      labels: { source: "curated", ...(bq.labels ?? {}) },
    });
  }
  return { value: tables, problems };
}

const tableKey = (t: { dataset: string; table: string }) => `${t.dataset}.${t.table}`;

/** How the `bigquery` section names its entries in messages. */
export const BIGQUERY_ENTRY_IDS = {
  tables: (t: { dataset?: unknown; table?: unknown }) => `${t?.dataset}.${t?.table}`,
  checks: (c: { id?: unknown }) => c?.id,
  loads: "key",
} as const;

/** Cross-field problems of validated settings (each names the table or check and the field). */
export function bigqueryProblems(s: BigQuerySettings): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of s.tables) {
    const at = `bigquery.tables[${tableKey(t)}]`;
    if (seen.has(tableKey(t))) problems.push(`${at}: declared twice`);
    seen.add(tableKey(t));
    const cols = new Map<string, BqTable["columns"][number]>();
    t.columns.forEach((c, i) => {
      // BigQuery column names are case-insensitive.
      if (cols.has(c.name.toLowerCase()))
        problems.push(`${at}.columns[${i}].name: "${c.name}" is declared twice (names are case-insensitive)`);
      cols.set(c.name.toLowerCase(), c);
    });
    const col = (name: string) => cols.get(name.toLowerCase());
    const p = t.partitioning;
    if (p?.column) {
      const c = col(p.column);
      if (!c) problems.push(`${at}.partitioning.column: "${p.column}" is not a column of the table`);
      else if (!PARTITIONABLE.has(c.type) || c.mode === "REPEATED")
        problems.push(
          `${at}.partitioning.column: "${p.column}" is ${c.mode === "REPEATED" ? "REPEATED " : ""}${c.type}; time partitioning needs a DATE, TIMESTAMP or DATETIME column`,
        );
      else if (c.type === "DATE" && p.type === "HOUR")
        problems.push(`${at}.partitioning.type: HOUR partitioning needs a TIMESTAMP or DATETIME column`);
    }
    if (t.requirePartitionFilter && !p)
      problems.push(`${at}.requirePartitionFilter: the table is not partitioned`);
    if (t.clustering.length > MAX_CLUSTERING_COLUMNS)
      problems.push(
        `${at}.clustering: ${t.clustering.length} columns; BigQuery clusters on at most ${MAX_CLUSTERING_COLUMNS}`,
      );
    t.clustering.forEach((name, i) => {
      const c = col(name);
      if (!c) problems.push(`${at}.clustering[${i}]: "${name}" is not a column of the table`);
      else if (!CLUSTERABLE.has(c.type) || c.mode === "REPEATED")
        problems.push(
          `${at}.clustering[${i}]: "${name}" is ${c.mode === "REPEATED" ? "REPEATED " : ""}${c.type}, which BigQuery cannot cluster on`,
        );
      if (t.clustering.indexOf(name) !== i) problems.push(`${at}.clustering[${i}]: "${name}" is repeated`);
    });
  }
  const ids = new Set<string>();
  for (const c of s.checks) {
    const at = `bigquery.checks[${c.id}]`;
    if (ids.has(c.id)) problems.push(`${at}: id declared twice`);
    ids.add(c.id);
    const t = s.tables.find((x) => x.dataset === c.bigquery.dataset && x.table === c.bigquery.table);
    if (!t) {
      problems.push(
        `${at}.bigquery: table ${c.bigquery.dataset}.${c.bigquery.table} is not declared in bigquery.tables`,
      );
      continue;
    }
    const dc = t.columns.find((x) => x.name.toLowerCase() === c.bigquery.dateColumn.toLowerCase());
    if (!dc)
      problems.push(
        `${at}.bigquery.dateColumn: "${c.bigquery.dateColumn}" is not a column of ${tableKey(t)}`,
      );
    else if (!PARTITIONABLE.has(dc.type))
      problems.push(
        `${at}.bigquery.dateColumn: "${dc.name}" is ${dc.type}; a DATE, TIMESTAMP or DATETIME column is needed`,
      );
    else if (t.partitioning?.column && t.partitioning.column.toLowerCase() !== dc.name.toLowerCase())
      problems.push(
        `${at}.bigquery.dateColumn: "${dc.name}" is not the partition column "${t.partitioning.column}" of ${tableKey(t)} (the count would scan the whole table)`,
      );
  }
  return problems;
}

/** Parses and validates settings strictly (unknown keys too); throws one ConfigError listing every problem. */
export function loadBigQuery(input: BigQuerySettingsInput): BigQuerySettings {
  const section = { name: "bigquery", entryIds: BIGQUERY_ENTRY_IDS };
  const r = strictIssues(bigquerySettingsSchema, input);
  if (!r.ok)
    throw new ConfigError(r.problems.map((p) => `${sectionPath(section, input, p.path)}: ${p.message}`));
  const problems = bigqueryProblems(r.data);
  if (problems.length) throw new ConfigError(problems);
  return r.data;
}

/** Tables of one layer. */
export const tablesOf = (s: BigQuerySettings, layer: BqLayer) => s.tables.filter((t) => t.dataset === layer);
export { BQ_LAYERS };

/** Where a check's names resolve to in one environment. */
export interface CheckEnvironment {
  /** Glue database prefix, e.g. `dp_dev` (`raw` -> `dp_dev_raw`). */
  glueDatabasePrefix: string;
  projectId: string;
  datasetIds: Record<BqLayer, string>;
}

/**
 * The checks as the reconcile function reads them (settings items): Athena database names and
 * BigQuery dataset ids of the environment, and the type of the BigQuery date column.
 */
export function resolveChecks(s: BigQuerySettings, env: CheckEnvironment): ResolvedCheck[] {
  return s.checks.map((c) => {
    const table = s.tables.find((t) => t.dataset === c.bigquery.dataset && t.table === c.bigquery.table);
    const col = table?.columns.find((x) => x.name.toLowerCase() === c.bigquery.dateColumn.toLowerCase());
    if (!col) throw new ConfigError([`bigquery.checks[${c.id}].bigquery: not validated (use loadBigQuery)`]);
    const database =
      c.athena.database === "raw" || c.athena.database === "curated"
        ? `${env.glueDatabasePrefix}_${c.athena.database}`
        : c.athena.database;
    return {
      id: c.id,
      athena: { ...c.athena, database },
      bigquery: {
        projectId: env.projectId,
        datasetId: env.datasetIds[c.bigquery.dataset],
        table: c.bigquery.table,
        dateColumn: col.name,
        dateColumnType: col.type as ResolvedCheck["bigquery"]["dateColumnType"],
      },
      tolerance: c.tolerance,
      freshnessHours: c.freshnessHours,
    };
  });
}
