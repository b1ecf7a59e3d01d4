/**
 * The Athena side of a check on a local query engine: the curate function's DuckDB Athena stand-in
 * (functions/curate/dev/duckdb-athena.ts: raw tables as views over local `dt=` folders of gzip
 * JSON Lines, curated tables as DuckDB tables). The same COUNT(*) as in AWS, same parameter.
 */
import type { QueryEngine, QueryResults } from "../../curate/core/ports";
import { DuckDbAthena } from "../../curate/dev/duckdb-athena";
import { athenaCountQuery } from "../adapters/athena";
import { athenaTableName, type ResolvedCheck } from "../core/checks";
import { ReconcileError, TableNotFoundError } from "../core/errors";
import type { AthenaCounter } from "../core/ports";

export class EngineAthenaCounter implements AthenaCounter {
  constructor(private readonly engine: QueryEngine & QueryResults) {}

  async countRows(c: ResolvedCheck, runDate: string): Promise<number> {
    const table = athenaTableName(c);
    const out = await this.engine.execute({ sql: athenaCountQuery(c), params: [runDate] });
    if (out.state !== "SUCCEEDED") {
      const reason = out.stateChangeReason ?? out.state;
      if (/does not exist|not found/i.test(reason)) throw new TableNotFoundError(c.id, table, reason);
      throw new ReconcileError(c.id, table, `query ${out.queryExecutionId} ${out.state}: ${reason}`);
    }
    const rows = await this.engine.fetch(out.queryExecutionId);
    const n = Number(Object.values(rows[0] ?? {})[0]);
    if (!Number.isSafeInteger(n) || n < 0) throw new ReconcileError(c.id, table, "no COUNT(*) in the result");
    return n;
  }
}

export interface LocalRawTable {
  id: string;
  columns: ReadonlyArray<{ name: string; type: string }>;
  /** Folder holding the table's `dt=YYYY-MM-DD/` folders. */
  dir: string;
}

/** The curate DuckDB stand-in over local raw tables, as a reconcile Athena counter. */
export async function localAthenaCounter(
  databases: { raw: string; curated: string },
  rawTables: ReadonlyArray<LocalRawTable>,
): Promise<{ counter: EngineAthenaCounter; close(): void }> {
  const engine = await DuckDbAthena.open({ databases, rawTables, curatedTables: [], threads: 1 });
  return { counter: new EngineAthenaCounter(engine), close: () => engine.close() };
}
