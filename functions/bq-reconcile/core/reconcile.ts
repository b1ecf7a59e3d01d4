/**
 * One reconciliation run: for each selected check, count the run date's rows on both sides, read
 * the BigQuery table's last modification, evaluate, then record the result (DynamoDB), the report
 * (S3, one JSON per run) and metrics. A check that cannot be evaluated (auth, missing table,
 * permission, bytes cap) is recorded as an error of that kind and counts as failed; the others
 * still run.
 */

import { RECONCILE_METRICS as M } from "../../shared/contracts";
import {
  athenaTableName,
  bigqueryTableName,
  evaluate,
  isRunDate,
  type ReconcileResult,
  type ResolvedCheck,
} from "./checks";
import { GcpAuthError, ReconcileError, ReconcileInputError } from "./errors";
import type { ReconcileDeps } from "./ports";

export interface ReconcileRequest {
  runDate: string;
  checkId?: string;
}

export interface ReconcileSummary {
  runDate: string;
  runId: string;
  reportKey: string;
  passed: boolean;
  checks: ReconcileResult[];
}

export const REPORT_PREFIX = "_reports/bq-reconcile";
export const reportKey = (runDate: string, runId: string) =>
  `${REPORT_PREFIX}/run_date=${runDate}/${runId}.json`;

export async function reconcile(
  deps: ReconcileDeps,
  checks: ReadonlyArray<ResolvedCheck>,
  req: ReconcileRequest,
): Promise<ReconcileSummary> {
  if (!isRunDate(req.runDate))
    throw new ReconcileInputError(`runDate: must be a date YYYY-MM-DD (got ${JSON.stringify(req.runDate)})`);
  const selected = req.checkId ? checks.filter((c) => c.id === req.checkId) : [...checks];
  if (req.checkId && selected.length === 0)
    throw new ReconcileInputError(
      `checkId: unknown check "${req.checkId}" (known: ${checks.map((c) => c.id).join(", ") || "none"})`,
    );
  const runId = deps.runId();
  const results: ReconcileResult[] = [];
  for (const check of selected) results.push(await runCheck(deps, check, req.runDate, runId));

  const key = reportKey(req.runDate, runId);
  const summary: ReconcileSummary = {
    runDate: req.runDate,
    runId,
    reportKey: key,
    passed: results.every((r) => r.passed),
    checks: results,
  };
  await deps.reports.put(key, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

async function runCheck(
  deps: ReconcileDeps,
  check: ResolvedCheck,
  runDate: string,
  runId: string,
): Promise<ReconcileResult> {
  const base = {
    id: check.id,
    runDate,
    runId,
    athenaTable: athenaTableName(check),
    bigqueryTable: bigqueryTableName(check),
  };
  let result: ReconcileResult;
  try {
    // Both sides at once; the BigQuery side also reads the table's metadata.
    const [athenaRows, bigqueryRows, lastModified] = await Promise.all([
      deps.athena.countRows(check, runDate),
      deps.bigquery.countRows(check, runDate),
      deps.bigquery.lastModified(check),
    ]);
    const now = deps.now();
    const e = evaluate(check, athenaRows, bigqueryRows, lastModified, now);
    result = {
      ...base,
      checkedAt: new Date(now).toISOString(),
      passed: e.reasons.length === 0,
      reasons: e.reasons,
      athenaRows,
      bigqueryRows,
      difference: e.difference,
      differencePercent: round(e.differencePercent),
      lastModified: lastModified.toISOString(),
      ageHours: round(e.ageHours),
      latenessHours: round(e.latenessHours),
      stale: e.stale,
    };
    if (result.passed)
      deps.log.info("check passed", { checkId: check.id, runDate, athenaRows, bigqueryRows });
    else
      deps.log.warn("check failed", {
        checkId: check.id,
        runDate,
        reasons: e.reasons,
        athenaRows,
        bigqueryRows,
      });
  } catch (err) {
    const e =
      err instanceof ReconcileError
        ? err
        : new ReconcileError(check.id, base.bigqueryTable, (err as Error).message, { cause: err });
    result = {
      ...base,
      checkedAt: new Date(deps.now()).toISOString(),
      passed: false,
      reasons: [e.kind],
      error: { kind: e.kind, message: e.message, ...(e instanceof GcpAuthError ? { step: e.step } : {}) },
    };
    deps.log.error("check could not be evaluated", {
      checkId: check.id,
      runDate,
      kind: e.kind,
      error: e.message,
    });
  }
  await deps.results.record(result);
  await deps.metrics
    .publish({
      runId,
      status: result.passed ? "succeeded" : "failed",
      dimensions: { [M.checkDimension]: check.id },
      measures: {
        ...(result.difference !== undefined ? { [M.difference]: Math.abs(result.difference) } : {}),
        ...(result.latenessHours !== undefined ? { [M.latenessHours]: result.latenessHours } : {}),
        [M.checkFailed]: result.passed ? 0 : 1,
        [M.stale]: result.stale ? 1 : 0,
        [M.checkErrored]: result.error ? 1 : 0,
      },
    })
    .catch((e) => deps.log.warn("metrics not published", { checkId: check.id, error: (e as Error).message }));
  return result;
}

const round = (n: number) => Math.round(n * 100) / 100;
