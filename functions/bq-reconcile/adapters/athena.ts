/**
 * The Athena side of a check: a parameterised COUNT(*) in the environment's workgroup (its
 * enforced settings hold the result location, encryption and scan cutoff), polled to completion.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { athenaTableName, type ResolvedCheck } from "../core/checks";
import { PermissionDeniedError, ReconcileError, TableNotFoundError } from "../core/errors";
import type { AthenaCounter } from "../core/ports";

export interface AthenaCounterOptions {
  workGroup: string;
  client?: AthenaClient;
  /** @default 1000 */
  pollMs?: number;
  /** @default 600000 */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

export function athenaCountQuery(c: ResolvedCheck): string {
  return `SELECT COUNT(*) FROM ${quote(c.athena.database)}.${quote(c.athena.table)} WHERE CAST(${quote(c.athena.dateColumn)} AS varchar) = ?`;
}

export class AthenaQueryCounter implements AthenaCounter {
  private readonly client: AthenaClient;
  constructor(private readonly o: AthenaCounterOptions) {
    this.client = o.client ?? new AthenaClient({});
  }

  async countRows(c: ResolvedCheck, runDate: string): Promise<number> {
    const table = athenaTableName(c);
    const sleep = this.o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    let id: string | undefined;
    try {
      const started = await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: athenaCountQuery(c),
          ExecutionParameters: [`'${runDate}'`],
          WorkGroup: this.o.workGroup,
          QueryExecutionContext: { Database: c.athena.database },
        }),
      );
      id = started.QueryExecutionId;
    } catch (e) {
      const name = (e as Error).name;
      if (name === "AccessDeniedException")
        throw new PermissionDeniedError(c.id, table, (e as Error).message, { cause: e });
      throw new ReconcileError(c.id, table, `StartQueryExecution: ${(e as Error).message}`, {
        cause: e,
        retryable: true,
      });
    }
    const deadline = Date.now() + (this.o.timeoutMs ?? 600_000);
    for (;;) {
      const q = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = q.QueryExecution?.Status?.State;
      if (state === "SUCCEEDED") break;
      if (state === "FAILED" || state === "CANCELLED") {
        const reason = q.QueryExecution?.Status?.StateChangeReason ?? state;
        if (/TABLE_NOT_FOUND|does not exist|SCHEMA_NOT_FOUND/i.test(reason))
          throw new TableNotFoundError(c.id, table, reason);
        if (/AccessDenied|not authorized/i.test(reason)) throw new PermissionDeniedError(c.id, table, reason);
        throw new ReconcileError(c.id, table, `query ${id} ${state}: ${reason}`);
      }
      if (Date.now() > deadline)
        throw new ReconcileError(c.id, table, `query ${id} still ${state} after the timeout`, {
          retryable: true,
        });
      await sleep(this.o.pollMs ?? 1000);
    }
    const r = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 2 }));
    // Row 0 is the header.
    const n = Number(r.ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ReconcileError(c.id, table, `query ${id}: no COUNT(*) in the result`);
    return n;
  }
}
