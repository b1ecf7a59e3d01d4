/**
 * The Athena stand-in: executes the runner's statements with DuckDB (@duckdb/node-api) over local
 * copies of the raw files. Raw tables are views over the `dt=YYYY-MM-DD` folders of gzip JSON Lines under a local dir (files whose
 * names start with `_` or `.` are skipped, as Athena does), typed from the source's columns;
 * curated tables are created up front from their declared columns, as Terraform does in AWS.
 * Each statement gets a query execution id; results of SELECTs are kept for `fetch`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { QueryEngine, QueryOutcome, QueryResults } from "../core/ports";
import { quoteIdent, quoteString } from "../core/sql";

export interface ColumnDef {
  name: string;
  type: string;
}

export interface DuckDbAthenaOptions {
  databases: { raw: string; curated: string };
  /** Raw tables: `dir` holds `dt=YYYY-MM-DD/` folders of `*.jsonl.gz` (a local copy of the prefix). */
  rawTables: ReadonlyArray<{ id: string; columns: readonly ColumnDef[]; dir: string }>;
  curatedTables: ReadonlyArray<{ table: string; columns: readonly ColumnDef[] }>;
  /** DuckDB database file (persists curated tables between runs). @default ":memory:" */
  path?: string;
  /** DuckDB threads. @default - DuckDB's default (all cores) */
  threads?: number;
  /** Called before every statement (e.g. to refresh the local raw copies). */
  beforeQuery?: () => Promise<void>;
}

/** Hive/Athena DDL type -> DuckDB type. */
export function duckType(type: string): string {
  const t = type.toLowerCase();
  const simple: Record<string, string> = {
    string: "VARCHAR",
    varchar: "VARCHAR",
    boolean: "BOOLEAN",
    int: "INTEGER",
    integer: "INTEGER",
    bigint: "BIGINT",
    double: "DOUBLE",
    float: "FLOAT",
    date: "DATE",
    timestamp: "TIMESTAMP",
  };
  if (simple[t]) return simple[t];
  if (/^decimal\(\d+,\d+\)$/.test(t)) return t.toUpperCase();
  throw new Error(`no DuckDB type for "${type}"`);
}

export class DuckDbAthena implements QueryEngine, QueryResults {
  private readonly results = new Map<string, Record<string, unknown>[]>();
  private seq = 0;
  private rawSignature = "";

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly options: DuckDbAthenaOptions,
  ) {}

  static async open(options: DuckDbAthenaOptions): Promise<DuckDbAthena> {
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", {
      ...(options.threads ? { threads: String(options.threads) } : {}),
    });
    const conn = await instance.connect();
    const engine = new DuckDbAthena(instance, conn, options);
    const { raw, curated } = options.databases;
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(raw)}`);
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(curated)}`);
    for (const t of options.curatedTables) {
      const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${duckType(c.type)}`).join(", ");
      await conn.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(curated)}.${quoteIdent(t.table)} (${cols})`);
    }
    await engine.refreshRawViews();
    return engine;
  }

  /** (Re)creates the raw views when the set of local raw files changed. */
  async refreshRawViews(): Promise<void> {
    const listing = this.options.rawTables.map((t) => ({ t, files: dataFiles(t.dir) }));
    const signature = JSON.stringify(listing.map((l) => [l.t.id, l.files]));
    if (signature === this.rawSignature) return;
    for (const { t, files } of listing) {
      const name = `${quoteIdent(this.options.databases.raw)}.${quoteIdent(t.id)}`;
      const cols = t.columns.map((c) => `${quoteIdent(c.name)}: ${quoteString(duckType(c.type))}`).join(", ");
      const body =
        files.length > 0
          ? `SELECT * FROM read_json(${quoteString(join(t.dir, "dt=*", "[!_.]*"))}, format = 'newline_delimited', ` +
            `columns = {${cols}}, hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`
          : `SELECT ${t.columns.map((c) => `CAST(NULL AS ${duckType(c.type)}) AS ${quoteIdent(c.name)}`).join(", ")}, ` +
            `CAST(NULL AS VARCHAR) AS dt WHERE false`;
      await this.conn.run(`CREATE OR REPLACE VIEW ${name} AS ${body}`);
    }
    this.rawSignature = signature;
  }

  async execute(statement: { sql: string; params: string[] }): Promise<QueryOutcome> {
    const id = `duckdb-${process.pid}-${++this.seq}`;
    try {
      await this.options.beforeQuery?.();
      await this.refreshRawViews();
      const prepared = await this.conn.prepare(statement.sql);
      statement.params.forEach((v, i) => {
        prepared.bindVarchar(i + 1, v);
      });
      if (/^\s*(select|with)\b/i.test(statement.sql)) {
        const reader = await prepared.runAndReadAll();
        this.results.set(id, reader.getRowObjectsJS() as Record<string, unknown>[]);
      } else await prepared.run();
      return { queryExecutionId: id, state: "SUCCEEDED", bytesScanned: 0 };
    } catch (e) {
      return {
        queryExecutionId: id,
        state: "FAILED",
        bytesScanned: 0,
        stateChangeReason: e instanceof Error ? e.message : String(e),
      };
    }
  }

  async fetch(queryExecutionId: string): Promise<Record<string, unknown>[]> {
    const rows = this.results.get(queryExecutionId);
    if (!rows) throw new Error(`no results for query ${queryExecutionId}`);
    return rows;
  }

  /** Reads a table (tests, the local CLI). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function dataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const part of readdirSync(dir)) {
    if (!part.startsWith("dt=")) continue;
    const p = join(dir, part);
    if (!statSync(p).isDirectory()) continue;
    for (const f of readdirSync(p)) {
      if (f.startsWith("_") || f.startsWith(".")) continue;
      out.push(`${part}/${f}:${statSync(join(p, f)).size}`);
    }
  }
  return out.sort();
}
