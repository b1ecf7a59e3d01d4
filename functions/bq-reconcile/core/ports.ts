/** What the reconciliation core needs from the outside; adapters implement these. */
import type { Log } from "../../shared/logger";
import type { RunMetricsSink } from "../../shared/metrics";
import type { ReconcileResult, ResolvedCheck } from "./checks";

export interface AthenaCounter {
  /** Rows of `check.athena` whose date column equals `runDate`. */
  countRows(check: ResolvedCheck, runDate: string): Promise<number>;
}

export interface BigQueryReader {
  /** Rows of `check.bigquery` for `runDate` (a partition-filtered, parameterised, capped query). */
  countRows(check: ResolvedCheck, runDate: string): Promise<number>;
  /** When the table was last modified. */
  lastModified(check: ResolvedCheck): Promise<Date>;
}

export interface ResultStore {
  /** `pk = reconcile#<id>`, `sk = run#<runDate>` (a rerun for the same date replaces it). */
  record(result: ReconcileResult): Promise<void>;
}

export interface ReportStore {
  put(key: string, body: string): Promise<void>;
}

export interface ReconcileDeps {
  athena: AthenaCounter;
  bigquery: BigQueryReader;
  results: ResultStore;
  reports: ReportStore;
  metrics: RunMetricsSink;
  log: Log;
  now: () => number;
  runId: () => string;
}
