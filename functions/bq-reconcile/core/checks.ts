/**
 * The pure part of a reconciliation: the resolved check, the evaluation of counts and freshness
 * against tolerance, and run dates.
 */
import { z } from "zod";
import type { ReconcileErrorKind } from "./errors";

/** A check as the function receives it (settings item `pk = reconcile#<id>`, `sk = config`). */
export const resolvedCheckSchema = z.object({
  id: z.string().min(1),
  athena: z.object({ database: z.string().min(1), table: z.string().min(1), dateColumn: z.string().min(1) }),
  bigquery: z.object({
    projectId: z.string().min(1),
    datasetId: z.string().min(1),
    table: z.string().min(1),
    dateColumn: z.string().min(1),
    /** Type of the date column: how the partition filter is written. */
    dateColumnType: z.enum(["DATE", "TIMESTAMP", "DATETIME"]),
  }),
  tolerance: z.object({ rows: z.number().min(0).optional(), percent: z.number().min(0).optional() }),
  freshnessHours: z.number().positive(),
});
export type ResolvedCheck = z.infer<typeof resolvedCheckSchema>;

export const bigqueryTableName = (c: ResolvedCheck) =>
  `bigquery:${c.bigquery.projectId}.${c.bigquery.datasetId}.${c.bigquery.table}`;
export const athenaTableName = (c: ResolvedCheck) => `athena:${c.athena.database}.${c.athena.table}`;

export type FailureReason = "short-load" | "excess-load" | "stale" | ReconcileErrorKind;

export interface ReconcileResult {
  id: string;
  runDate: string;
  runId: string;
  checkedAt: string;
  passed: boolean;
  /** Why it failed (empty when it passed). */
  reasons: FailureReason[];
  athenaRows?: number;
  bigqueryRows?: number;
  /** bigqueryRows - athenaRows (negative: BigQuery is short). */
  difference?: number;
  differencePercent?: number;
  lastModified?: string;
  /** Hours since the BigQuery table was last modified. */
  ageHours?: number;
  /** Hours past `freshnessHours` (0 when fresh). */
  latenessHours?: number;
  stale?: boolean;
  /** Set when the check could not be evaluated (never shown as 0 rows). */
  error?: { kind: ReconcileErrorKind; message: string; step?: string };
  athenaTable: string;
  bigqueryTable: string;
}

export interface Evaluation {
  difference: number;
  differencePercent: number;
  ageHours: number;
  latenessHours: number;
  stale: boolean;
  reasons: FailureReason[];
}

/**
 * Counts and freshness against the check's tolerance. A difference passes when it is within
 * `tolerance.rows` or within `tolerance.percent` of the Athena count; with neither, counts must
 * be equal. BigQuery is stale when it was last modified more than `freshnessHours` ago.
 */
export function evaluate(
  check: Pick<ResolvedCheck, "tolerance" | "freshnessHours">,
  athenaRows: number,
  bigqueryRows: number,
  lastModified: Date,
  now: number,
): Evaluation {
  const difference = bigqueryRows - athenaRows;
  const abs = Math.abs(difference);
  const differencePercent = athenaRows === 0 ? (abs === 0 ? 0 : 100) : (abs / athenaRows) * 100;
  const { rows, percent } = check.tolerance;
  const within =
    abs === 0 ||
    (rows !== undefined && abs <= rows) ||
    (percent !== undefined && athenaRows > 0 && differencePercent <= percent);
  const ageHours = Math.max(0, (now - lastModified.getTime()) / 3_600_000);
  const latenessHours = Math.max(0, ageHours - check.freshnessHours);
  const stale = ageHours > check.freshnessHours;
  const reasons: FailureReason[] = [];
  if (!within) reasons.push(difference < 0 ? "short-load" : "excess-load");
  if (stale) reasons.push("stale");
  return { difference, differencePercent, ageHours, latenessHours, stale, reasons };
}

export { defaultRunDate, isRunDate } from "./run-date";
