/**
 * Athena adapters: the check query's rows (GetQueryResults) and the outcome of a query the Step
 * Functions Athena integration ran (`startQueryExecution.sync` output, or its failure Cause).
 */
import { AthenaClient, GetQueryResultsCommand } from "@aws-sdk/client-athena";
import { StorageError } from "../../shared/errors";
import type { QueryOutcome, QueryResults } from "../core/ports";
import { quoteString } from "../core/sql";

export class AthenaQueryResults implements QueryResults {
  constructor(private readonly client: AthenaClient = new AthenaClient({})) {}

  async fetch(queryExecutionId: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let header: string[] | undefined;
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, NextToken: token }),
        );
        header ??= (r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? "");
        const data = r.ResultSet?.Rows ?? [];
        // The first row of the first page repeats the column names.
        for (const [i, row] of data.entries()) {
          if (token === undefined && i === 0) continue;
          rows.push(Object.fromEntries(header.map((h, j) => [h, row.Data?.[j]?.VarCharValue ?? null])));
        }
        token = r.NextToken;
      } while (token);
    } catch (e) {
      throw new StorageError(`Athena GetQueryResults ${queryExecutionId} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return rows;
  }
}

/** Athena execution parameters are SQL literal text: strings are passed quoted. */
export const athenaParameters = (params: string[]) => params.map(quoteString);

/** The Step Functions task output (`startQueryExecution.sync`) as a QueryOutcome. */
export function outcomeFromSync(output: unknown): QueryOutcome {
  const q = (
    output as {
      QueryExecution?: {
        QueryExecutionId?: string;
        Status?: { State?: QueryOutcome["state"]; StateChangeReason?: string };
        Statistics?: { DataScannedInBytes?: number };
      };
    }
  )?.QueryExecution;
  if (!q?.QueryExecutionId)
    throw new StorageError("Athena task output has no QueryExecution.QueryExecutionId");
  return {
    queryExecutionId: q.QueryExecutionId,
    state: q.Status?.State ?? "FAILED",
    bytesScanned: Number(q.Statistics?.DataScannedInBytes ?? 0),
    stateChangeReason: q.Status?.StateChangeReason,
  };
}

/** The reason inside a failed `.sync` task's Cause (a JSON QueryExecution), else the Cause itself. */
export function reasonFromCause(error: { Error?: string; Cause?: string } | undefined): string {
  if (!error) return "unknown error";
  try {
    const c = JSON.parse(error.Cause ?? "");
    const q = c.QueryExecution ?? c;
    if (q?.Status?.StateChangeReason)
      return `query ${q.QueryExecutionId} ${q.Status.State}: ${q.Status.StateChangeReason}`;
    if (c.errorMessage) return `${c.errorType ?? error.Error}: ${c.errorMessage}`;
  } catch {
    // not JSON
  }
  return `${error.Error ?? "Error"}: ${error.Cause ?? ""}`.trim();
}
