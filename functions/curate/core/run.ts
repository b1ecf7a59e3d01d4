/**
 * One transform run as steps over serialisable state, so the same code runs
 * - in AWS, as Lambda tasks between the Step Functions Athena integration's queries
 *   (prepare -> [query -> afterQuery]* -> finish, fail on any error), and
 * - locally or in tests, driven in process by `runEvent` with an injected QueryEngine.
 */
import { randomUUID } from "node:crypto";
import {
  CheckFailedError,
  ConcurrentRunError,
  CurateError,
  QueryFailedError,
  UnknownTransformError,
} from "./errors";
import type { GraphNode } from "./graph";
import { plan, type RunRequest, validRunDate } from "./plan";
import type {
  CurateMetricsSink,
  CurateStore,
  Log,
  QueryEngine,
  QueryOutcome,
  QueryResults,
  RunRecord,
} from "./ports";
import { checkSpecs } from "./spec";
import {
  buildStatements,
  type CheckResult,
  type Dialect,
  evaluateChecks,
  type Statement,
} from "./statements";

export interface CurateDeps {
  store: CurateStore;
  results: QueryResults;
  metrics?: CurateMetricsSink;
  log?: Log;
  dialect: Dialect;
  databases: { raw: string; curated: string };
  /** USD per TB scanned (Athena list price), for the cost estimate. */
  usdPerTb: number;
  /** How long a `running` record blocks another attempt. @default 6 h */
  leaseMs?: number;
  now: () => number;
  newRunId?: () => string;
}

/** The state carried between steps (the Step Functions state between tasks). */
export interface RunCursor {
  transform: string;
  runDate: string;
  runId: string;
  trigger: RunRequest["trigger"];
  startedAt: number;
  attempt: number;
  statements: Statement[];
  next: number;
  done: boolean;
  /** succeeded after finish; failed when a check failed (the state machine then stops). */
  status: "running" | "succeeded" | "failed" | "skipped";
  queryExecutionIds: string[];
  bytesScanned: number;
  rowsWritten?: number;
  checks?: CheckResult[];
  error?: string;
  /** Bytes scanned per query (the cost estimate bills each at least 10 MB). */
  perQueryBytes?: number[];
}

export interface RunResult {
  transform: string;
  runDate: string;
  runId: string;
  status: "succeeded" | "failed" | "skipped";
  rowsWritten: number;
  bytesScanned: number;
  costUsd: number;
  durationMs: number;
  queryExecutionIds: string[];
  checks: CheckResult[];
  error?: string;
}

/** Athena bills at least 10 MB per query. */
const MIN_BILLED_BYTES = 10 * 1024 * 1024;

export function costUsd(perQueryBytes: number[], usdPerTb: number): number {
  const billed = perQueryBytes.reduce((s, b) => s + Math.max(b, MIN_BILLED_BYTES), 0);
  return Math.round((billed / 1e12) * usdPerTb * 1e6) / 1e6;
}

export async function prepare(req: RunRequest, deps: CurateDeps): Promise<RunCursor> {
  const runDate = validRunDate(req.runDate);
  const spec = await deps.store.getTransform(req.transform);
  if (!spec) throw new UnknownTransformError(req.transform);
  const now = deps.now();
  const runId =
    deps.newRunId?.() ?? `${new Date(now).toISOString().replace(/[-:.]/g, "")}-${randomUUID().slice(0, 8)}`;
  const previous = await deps.store.getRun(spec.id, runDate);
  const cursor: RunCursor = {
    transform: spec.id,
    runDate,
    runId,
    trigger: req.trigger,
    startedAt: now,
    attempt: (previous?.attempt ?? 0) + 1,
    statements: [],
    next: 0,
    done: false,
    status: "running",
    queryExecutionIds: [],
    bytesScanned: 0,
  };
  // A transform never runs over a dependency that failed (or never ran) for this date.
  const blocked: string[] = [];
  for (const dep of spec.dependsOn) {
    const depSpec = await deps.store.getTransform(dep);
    if (!depSpec) continue; // a source
    const r = await deps.store.getRun(dep, runDate);
    if (r?.status !== "succeeded") blocked.push(`${dep} (${r?.status ?? "never ran"})`);
  }
  if (blocked.length > 0) {
    cursor.status = "skipped";
    cursor.done = true;
    cursor.error = `not run: dependency not succeeded for ${runDate}: ${blocked.join(", ")}`;
    deps.log?.warn("transform skipped", { transform: spec.id, runDate, reason: cursor.error });
    return cursor;
  }
  cursor.statements = buildStatements(spec, {
    databases: deps.databases,
    dialect: deps.dialect,
    runId,
    runDate,
  });
  const claimed = await deps.store.claimRun(record(cursor, deps, "running"), now);
  if (!claimed) {
    // Two events planned the same run (e.g. both sources published at once): one runs it.
    const holder = await deps.store.getRun(spec.id, runDate);
    cursor.status = "skipped";
    cursor.done = true;
    cursor.statements = [];
    cursor.error = `not run: run ${holder?.runId ?? "?"} of ${spec.id} ${runDate} is in progress`;
    deps.log?.warn("transform skipped", { transform: spec.id, runDate, reason: cursor.error });
    return cursor;
  }
  deps.log?.info("transform run started", { transform: spec.id, runDate, runId, attempt: cursor.attempt });
  return cursor;
}

export function record(c: RunCursor, deps: CurateDeps, status: RunRecord["status"]): RunRecord {
  const now = deps.now();
  const finished = status !== "running";
  return {
    transform: c.transform,
    runDate: c.runDate,
    runId: c.runId,
    status,
    trigger: c.trigger,
    startedAt: new Date(c.startedAt).toISOString(),
    ...(finished ? { finishedAt: new Date(now).toISOString(), durationMs: now - c.startedAt } : {}),
    queryExecutionIds: c.queryExecutionIds,
    ...(c.rowsWritten !== undefined ? { rowsWritten: c.rowsWritten } : {}),
    bytesScanned: c.bytesScanned,
    costUsd: costUsd(c.perQueryBytes ?? [], deps.usdPerTb),
    ...(c.checks ? { checks: c.checks } : {}),
    ...(c.error ? { error: c.error } : {}),
    leaseExpiresAt: finished ? 0 : c.startedAt + (deps.leaseMs ?? 6 * 3600_000),
    attempt: c.attempt,
  };
}

/** Records one finished query; evaluates the checks after the check query. */
export async function afterQuery(c: RunCursor, outcome: QueryOutcome, deps: CurateDeps): Promise<RunCursor> {
  const stmt = c.statements[c.next];
  if (!stmt) throw new CurateError(`${c.transform}: no statement at index ${c.next}`);
  const next: RunCursor = {
    ...c,
    queryExecutionIds: [...c.queryExecutionIds, outcome.queryExecutionId],
    bytesScanned: c.bytesScanned + outcome.bytesScanned,
    perQueryBytes: [...(c.perQueryBytes ?? []), outcome.bytesScanned],
  };
  if (outcome.state !== "SUCCEEDED") {
    throw new QueryFailedError(
      `${c.transform} ${c.runDate}: ${stmt.kind} query ${outcome.queryExecutionId} ${outcome.state}: ${outcome.stateChangeReason ?? "no reason given"}`,
      outcome.queryExecutionId,
    );
  }
  if (stmt.kind === "check") {
    const rows = await deps.results.fetch(outcome.queryExecutionId);
    if (rows.length !== 1)
      throw new CurateError(`${c.transform}: check query returned ${rows.length} rows, expected 1`);
    const spec = await deps.store.getTransform(c.transform);
    if (!spec) throw new UnknownTransformError(c.transform);
    const { rows: staged, results } = evaluateChecks(checkSpecs(spec), rows[0]);
    next.checks = results;
    next.rowsWritten = staged;
    const failures = results.filter((r) => !r.passed);
    if (failures.length > 0) {
      const error = new CheckFailedError(c.transform, c.runDate, failures);
      return fail(next, error, deps);
    }
  }
  next.next = c.next + 1;
  next.done = next.next >= c.statements.length;
  return next;
}

export async function finish(c: RunCursor, deps: CurateDeps): Promise<RunResult> {
  if (c.status === "skipped") {
    return result(c, deps);
  }
  const done: RunCursor = { ...c, status: "succeeded", done: true };
  if (!(await deps.store.putRun(record(done, deps, "succeeded")))) {
    throw new ConcurrentRunError(
      `${c.transform} ${c.runDate}: run ${c.runId} lost its lease before finishing`,
    );
  }
  const r = result(done, deps);
  deps.log?.info("transform run succeeded", { ...r, checks: undefined });
  await publishMetrics(r, deps);
  return r;
}

/**
 * Records a failed run (the failing check, column and bad rows are in `error` and `checks`), emits
 * the failure metric the alarm watches, and returns the cursor with the clean-up statement left
 * to run (drop the staging table). Nothing was committed: checks run before the commit.
 */
export async function fail(c: RunCursor, error: unknown, deps: CurateDeps): Promise<RunCursor> {
  const message = error instanceof Error ? error.message : String(error);
  const failed: RunCursor = {
    ...c,
    status: "failed",
    done: true,
    error: message,
    // Only the staging drop is left to run.
    statements: c.statements.filter((s) => s.kind === "drop"),
    next: 0,
  };
  await deps.store.putRun(record(failed, deps, "failed"));
  const r = result(failed, deps);
  deps.log?.error("transform run failed", {
    transform: c.transform,
    runDate: c.runDate,
    runId: c.runId,
    error: message,
    failedChecks: (c.checks ?? []).filter((x) => !x.passed),
  });
  await publishMetrics(r, deps);
  return failed;
}

async function publishMetrics(r: RunResult, deps: CurateDeps) {
  if (r.status === "skipped") return;
  await deps.metrics
    ?.publish({
      transform: r.transform,
      runDate: r.runDate,
      status: r.status,
      rowsWritten: r.rowsWritten,
      bytesScanned: r.bytesScanned,
      costUsd: r.costUsd,
      durationMs: r.durationMs,
      checksFailed: r.checks.filter((x) => !x.passed).length,
    })
    .catch((e) => deps.log?.warn("metrics not published", { error: String(e) }));
}

export function result(c: RunCursor, deps: Pick<CurateDeps, "now" | "usdPerTb">): RunResult {
  return {
    transform: c.transform,
    runDate: c.runDate,
    runId: c.runId,
    status: c.status === "running" ? "failed" : c.status,
    rowsWritten: c.status === "succeeded" ? (c.rowsWritten ?? 0) : 0,
    bytesScanned: c.bytesScanned,
    costUsd: costUsd(c.perQueryBytes ?? [], deps.usdPerTb),
    durationMs: deps.now() - c.startedAt,
    queryExecutionIds: c.queryExecutionIds,
    checks: c.checks ?? [],
    ...(c.error ? { error: c.error } : {}),
  };
}

/**
 * Runs one request to the end in process: what the state machine does in AWS, step for step.
 * Never throws for a failed run (the result says `failed`); throws for a refused start.
 */
export async function runOne(
  req: RunRequest,
  deps: CurateDeps & { engine: QueryEngine },
): Promise<RunResult> {
  let c = await prepare(req, deps);
  try {
    while (!c.done) c = await afterQuery(c, await deps.engine.execute(c.statements[c.next]), deps);
  } catch (e) {
    c = await fail(c, e, deps);
  }
  if (c.status === "failed") {
    for (const s of c.statements) await deps.engine.execute(s).catch(() => undefined);
    return result(c, deps);
  }
  return finish(c, deps);
}

/** Plans an event and runs every planned transform in order (a failure skips its dependants). */
export async function runEvent(
  event: unknown,
  graph: readonly GraphNode[],
  deps: CurateDeps & { engine: QueryEngine },
): Promise<RunResult[]> {
  const p = await plan(event, graph, deps.store);
  for (const w of p.waiting) deps.log?.info("transform waits for dependencies", w);
  const out: RunResult[] = [];
  for (const req of p.runs) out.push(await runOne(req, deps));
  return out;
}
