/**
 * The statements of one run, in order, for a given engine dialect:
 *
 * | step    | statement                                                    | readers see      |
 * |---------|--------------------------------------------------------------|------------------|
 * | clean   | DROP TABLE IF EXISTS <staging>  (a crashed run's leftovers)  | previous data    |
 * | stage   | CREATE TABLE <staging> AS <the transform's SELECT>           | previous data    |
 * | check   | one SELECT computing every check over the staging table      | previous data    |
 * | commit  | merge: MERGE INTO (update + insert by primary key)            | new data, atomic |
 * |         | append: MERGE INTO (insert rows whose key is absent)          | new data, atomic |
 * |         | replace-partition: DELETE the run date, INSERT the staging   | new data         |
 * | drop    | DROP TABLE <staging>                                         |                  |
 *
 * Every strategy is rerun-safe: merge and append by primary key, replace-partition by deleting
 * the run date's rows first (the `partition` check guarantees staged rows carry that date).
 * Runner-built statements embed only identifiers from validated config and the validated run
 * date; the transform's own SQL gets the run date as an execution parameter.
 */
import { type CheckSpec, checkSpecs, type TransformSpec } from "./spec";
import { type BoundSql, quoteIdent, quoteString, translate } from "./sql";

export interface Dialect {
  readonly name: "athena" | "duckdb";
  /** CTAS of the staging table `qualified` from `select`. */
  createStaging(qualified: string, select: string, where: { table: string; runId: string }): string;
}

export function athenaDialect(curatedBucket: string): Dialect {
  return {
    name: "athena",
    createStaging: (qualified, select, where) =>
      `CREATE TABLE ${qualified} WITH (table_type = 'ICEBERG', is_external = false, ` +
      `location = ${quoteString(`s3://${curatedBucket}/_staging/${where.table}/${where.runId}/`)}, ` +
      `format = 'PARQUET', write_compression = 'ZSTD') AS ${select}`,
  };
}

export const duckdbDialect: Dialect = {
  name: "duckdb",
  createStaging: (qualified, select) => `CREATE TABLE ${qualified} AS ${select}`,
};

export type StatementKind = "clean" | "stage" | "check" | "commit" | "drop";

export interface Statement extends BoundSql {
  kind: StatementKind;
}

export interface RunContext {
  databases: { raw: string; curated: string };
  dialect: Dialect;
  runId: string;
  runDate: string;
}

export function stagingTable(t: Pick<TransformSpec, "table">, runDate: string): string {
  return `${t.table}__stg_${runDate.replace(/-/g, "")}`;
}

export function buildStatements(t: TransformSpec, ctx: RunContext): Statement[] {
  const db = quoteIdent(ctx.databases.curated);
  const target = `${db}.${quoteIdent(t.table)}`;
  const stg = `${db}.${quoteIdent(stagingTable(t, ctx.runDate))}`;
  const select = translate(t.sqlText, { run_date: ctx.runDate }, ctx.databases);
  const cols = t.target.columns.map((c) => quoteIdent(c.name));
  const none: string[] = [];
  const out: Statement[] = [
    { kind: "clean", sql: `DROP TABLE IF EXISTS ${stg}`, params: none },
    {
      kind: "stage",
      sql: ctx.dialect.createStaging(stg, select.sql, { table: t.table, runId: ctx.runId }),
      params: select.params,
    },
    { kind: "check", sql: checkQuery(checkSpecs(t), stg, t, ctx.runDate), params: none },
  ];
  const key = t.target.primaryKey.map((c) => `t.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(" AND ");
  const insert = `INSERT (${cols.join(", ")}) VALUES (${cols.map((c) => `s.${c}`).join(", ")})`;
  if (t.strategy === "merge") {
    const nonKey = t.target.columns.filter((c) => !t.target.primaryKey.includes(c.name));
    const update =
      nonKey.length > 0
        ? `WHEN MATCHED THEN UPDATE SET ${nonKey.map((c) => `${quoteIdent(c.name)} = s.${quoteIdent(c.name)}`).join(", ")} `
        : "";
    out.push({
      kind: "commit",
      sql: `MERGE INTO ${target} AS t USING ${stg} AS s ON ${key} ${update}WHEN NOT MATCHED THEN ${insert}`,
      params: none,
    });
  } else if (t.strategy === "append") {
    out.push({
      kind: "commit",
      sql: `MERGE INTO ${target} AS t USING ${stg} AS s ON ${key} WHEN NOT MATCHED THEN ${insert}`,
      params: none,
    });
  } else {
    out.push(
      { kind: "commit", sql: `DELETE FROM ${target} WHERE ${partitionMatch(t, ctx.runDate)}`, params: none },
      {
        kind: "commit",
        sql: `INSERT INTO ${target} (${cols.join(", ")}) SELECT ${cols.join(", ")} FROM ${stg}`,
        params: none,
      },
    );
  }
  out.push({ kind: "drop", sql: `DROP TABLE IF EXISTS ${stg}`, params: none });
  return out;
}

/** `<partition column> = <run date>` typed as the column is (validated date, never user text). */
function partitionMatch(t: TransformSpec, runDate: string): string {
  const col = t.target.partitionBy!;
  const type = t.target.columns.find((c) => c.name === col)?.type;
  const value = type === "date" ? `DATE ${quoteString(runDate)}` : quoteString(runDate);
  return `${quoteIdent(col)} = ${value}`;
}

/**
 * (count_if over no rows is 0 in Trino but NULL in DuckDB: every count is coalesced.)
 * One query computing the row count and every check's bad rows over the staging table:
 * columns `rows_total`, `c0`, `c1`, ... in the order of `checks`.
 */
export function checkQuery(checks: CheckSpec[], stg: string, t: TransformSpec, runDate: string): string {
  const exprs = ["count(*) AS rows_total"];
  checks.forEach((c, i) => {
    const alias = `c${i}`;
    if (c.kind === "notNull")
      exprs.push(`coalesce(count_if(${quoteIdent(c.columns[0])} IS NULL), 0) AS ${alias}`);
    else if (c.kind === "partition") {
      exprs.push(`coalesce(count_if(NOT coalesce(${partitionMatch(t, runDate)}, false)), 0) AS ${alias}`);
    } else if (c.kind === "unique") {
      const cols = c.columns.map(quoteIdent).join(", ");
      exprs.push(
        `(SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ${stg} GROUP BY ${cols} HAVING count(*) > 1) AS d) AS ${alias}`,
      );
    } else exprs.push(`count(*) AS ${alias}`);
  });
  return `SELECT ${exprs.join(", ")} FROM ${stg}`;
}

export interface CheckResult {
  name: string;
  column?: string;
  passed: boolean;
  badRows: number;
  detail?: string;
}

/** Reads the check query's single row (values as strings or numbers, as engines return them). */
export function evaluateChecks(
  checks: CheckSpec[],
  row: Record<string, unknown>,
): { rows: number; results: CheckResult[] } {
  const num = (k: string) => {
    const v = Number(row[k] ?? Number.NaN);
    if (!Number.isFinite(v))
      throw new Error(`check query returned no numeric ${k} (got ${JSON.stringify(row[k])})`);
    return v;
  };
  const rows = num("rows_total");
  const results = checks.map((c, i): CheckResult => {
    const v = num(`c${i}`);
    const column = c.columns.length > 0 ? c.columns.join(",") : undefined;
    if (c.kind === "minRows") {
      const min = c.min ?? 0;
      return {
        name: c.name,
        passed: v >= min,
        badRows: Math.max(0, min - v),
        detail: v >= min ? undefined : `${v} row(s), at least ${min} required`,
      };
    }
    return { name: c.name, column, passed: v === 0, badRows: v };
  });
  return { rows, results };
}
