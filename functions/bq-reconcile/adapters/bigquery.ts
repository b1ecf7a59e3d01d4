/**
 * The BigQuery side of a check, with `@google-cloud/bigquery`: a parameterised COUNT(*) with a
 * partition filter on the date column and `maximumBytesBilled`, and the table's last modified
 * time from its metadata. API errors become typed errors naming the check and the table.
 */
import { BigQuery } from "@google-cloud/bigquery";
import type { BaseExternalAccountClient } from "google-auth-library";
import { bigqueryTableName, type ResolvedCheck } from "../core/checks";
import {
  BytesBilledLimitError,
  GcpAuthError,
  PermissionDeniedError,
  ReconcileError,
  TableNotFoundError,
} from "../core/errors";
import type { BigQueryReader } from "../core/ports";
import { authenticate, GcpAuthStepError } from "./gcp-auth";

export interface BigQueryReaderOptions {
  /** Project the query jobs run in (jobUser there). */
  projectId: string;
  location: string;
  maximumBytesBilled: number;
  /** Keyless credentials (external account). */
  authClient: BaseExternalAccountClient;
  /** Local stand-in, e.g. http://127.0.0.1:9050. @default Google's endpoint */
  apiEndpoint?: string;
}

/** The filter on one run date, written so BigQuery prunes to that partition. */
export function dateFilter(column: string, type: ResolvedCheck["bigquery"]["dateColumnType"]): string {
  const col = `\`${column}\``;
  if (type === "DATE") return `${col} = @runDate`;
  const fn = type === "TIMESTAMP" ? "TIMESTAMP" : "DATETIME";
  return `${col} >= ${fn}(@runDate) AND ${col} < ${fn}(DATE_ADD(@runDate, INTERVAL 1 DAY))`;
}

export function countQuery(c: ResolvedCheck): string {
  const b = c.bigquery;
  return `SELECT COUNT(*) AS row_count FROM \`${b.projectId}.${b.datasetId}.${b.table}\` WHERE ${dateFilter(b.dateColumn, b.dateColumnType)}`;
}

export class BigQueryApiReader implements BigQueryReader {
  private readonly bq: BigQuery;
  private authed?: Promise<void>;

  constructor(private readonly o: BigQueryReaderOptions) {
    this.bq = new BigQuery({
      projectId: o.projectId,
      location: o.location,
      authClient: o.authClient,
      apiEndpoint: o.apiEndpoint,
      autoRetry: true,
      maxRetries: 3,
    });
  }

  /** Authenticates once per invocation; every check sees the same (typed) failure. */
  private auth(c: ResolvedCheck): Promise<void> {
    this.authed ??= authenticate(this.o.authClient);
    return this.authed.catch((e) => {
      if (e instanceof GcpAuthStepError)
        throw new GcpAuthError(c.id, bigqueryTableName(c), e.step, e.message, { cause: e });
      throw e;
    });
  }

  async countRows(c: ResolvedCheck, runDate: string): Promise<number> {
    await this.auth(c);
    try {
      const [job] = await this.bq.createQueryJob({
        query: countQuery(c),
        params: { runDate: BigQuery.date(runDate) },
        useLegacySql: false,
        location: this.o.location,
        maximumBytesBilled: String(this.o.maximumBytesBilled),
        labels: { app: "bq-reconcile", check: c.id.replace(/[^a-z0-9_-]/g, "_") },
      });
      const [rows] = await job.getQueryResults();
      const n = Number((rows[0] as { row_count?: unknown } | undefined)?.row_count);
      if (!Number.isSafeInteger(n) || n < 0)
        throw new ReconcileError(
          c.id,
          bigqueryTableName(c),
          `unexpected COUNT(*) result ${JSON.stringify(rows)}`,
        );
      return n;
    } catch (e) {
      throw this.typed(c, e);
    }
  }

  async lastModified(c: ResolvedCheck): Promise<Date> {
    await this.auth(c);
    try {
      const [meta] = await this.bq
        .dataset(c.bigquery.datasetId, { projectId: c.bigquery.projectId })
        .table(c.bigquery.table)
        .getMetadata();
      const ms = Number(meta.lastModifiedTime);
      if (!Number.isFinite(ms) || ms <= 0)
        throw new ReconcileError(c.id, bigqueryTableName(c), `table metadata has no lastModifiedTime`);
      return new Date(ms);
    } catch (e) {
      throw this.typed(c, e);
    }
  }

  private typed(c: ResolvedCheck, e: unknown): Error {
    if (e instanceof ReconcileError) return e;
    const table = bigqueryTableName(c);
    const err = e as {
      code?: number;
      errors?: Array<{ reason?: string; message?: string }>;
      message?: string;
    };
    const reasons = (err.errors ?? []).map((x) => x.reason);
    const msg = err.message ?? String(e);
    if (reasons.includes("bytesBilledLimitExceeded"))
      return new BytesBilledLimitError(
        c.id,
        table,
        `the count query would bill more than maximumBytesBilled ${this.o.maximumBytesBilled} bytes (is the date column the partition column?): ${msg}`,
        { cause: e },
      );
    if (err.code === 404 || reasons.includes("notFound"))
      return new TableNotFoundError(c.id, table, `table not found: ${msg}`, { cause: e });
    if (err.code === 403 || reasons.includes("accessDenied"))
      return new PermissionDeniedError(
        c.id,
        table,
        `permission denied (the reconcile service account needs bigquery.jobUser on ${this.o.projectId} and dataViewer on ${c.bigquery.datasetId}): ${msg}`,
        { cause: e },
      );
    if (err.code === 401) return new GcpAuthError(c.id, table, "impersonation", msg, { cause: e });
    const retryable = err.code === undefined || err.code >= 500 || err.code === 429;
    return new ReconcileError(c.id, table, msg, { cause: e, retryable });
  }
}
