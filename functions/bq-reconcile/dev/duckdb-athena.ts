/**
 * Local Athena stand-in for reconciliation: counts a raw table's rows for one date over the local
 * raw files (gzip JSON Lines under `<root>/<prefix>/<dateColumn>=<date>/`) with DuckDB, the way
 * Athena reads that partition (files starting with `_` or `.` are ignored, as Athena does).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ResolvedCheck } from "../core/checks";
import type { AthenaCounter } from "../core/ports";

export class DuckDbRawCounter implements AthenaCounter {
  /** `prefixes`: Athena table name -> its prefix under `root` (e.g. demo_orders -> saas/demo_orders). */
  constructor(
    private readonly root: string,
    private readonly prefixes: Record<string, string>,
  ) {}

  async countRows(c: ResolvedCheck, runDate: string): Promise<number> {
    const prefix = this.prefixes[c.athena.table];
    if (!prefix) throw new Error(`local Athena: no raw prefix for table ${c.athena.table}`);
    const dir = join(this.root, prefix, `${c.athena.dateColumn}=${runDate}`);
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => !f.startsWith("_") && !f.startsWith("."))
          .map((f) => join(dir, f))
      : [];
    if (files.length === 0) return 0;
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      const reader = await conn.runAndReadAll(
        `SELECT count(*) FROM read_json_auto([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(", ")}], format = 'newline_delimited')`,
      );
      return Number(reader.getRows()[0][0]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }
}
