/**
 * The Lambda's steps, as the state machine (modules/curate/definition.ts) calls them:
 *
 * | action    | input                          | output                                  |
 * |-----------|--------------------------------|-----------------------------------------|
 * | plan      | { input: <execution input> }   | { runs, waiting }                       |
 * | prepare   | { run: RunRequest }            | cursor (+ `current`: next statement)    |
 * | after     | { cursor, query: .sync output } | cursor (+ `current`)                   |
 * | finish    | { cursor }                     | RunResult                               |
 * | fail      | { cursor?, run, error }        | cursor (status failed, `current`: drop) |
 * | summarize | { results: RunResult[] }       | results; throws when any run failed     |
 *
 * Invoked directly with `{ transform, runDate }` (manual, backfill), it starts an execution.
 */
import { outcomeFromSync, reasonFromCause } from "./adapters/athena";
import { CurateError, InvalidEventError } from "./core/errors";
import type { GraphNode } from "./core/graph";
import { plan, type RunRequest } from "./core/plan";
import {
  afterQuery,
  type CurateDeps,
  fail,
  finish,
  prepare,
  type RunCursor,
  type RunResult,
  record as runRecord,
} from "./core/run";
import { quoteString } from "./core/sql";

export type StepEvent =
  | { action: "plan"; input: unknown }
  | { action: "prepare"; run: RunRequest }
  | { action: "after"; cursor: RunCursor; query: unknown }
  | { action: "finish"; cursor: RunCursor }
  | { action: "fail"; cursor?: RunCursor; run: RunRequest; error?: { Error?: string; Cause?: string } }
  | { action: "summarize"; results: RunResult[] };

/** The cursor plus the statement the state machine runs next (Athena parameters quoted). */
export type StepCursor = RunCursor & { current?: { sql: string; params?: string[] } };

export class RunsFailedError extends CurateError {}

export interface StepDeps extends CurateDeps {
  graph: readonly GraphNode[];
  /** Starts a state machine execution (manual runs). */
  startExecution(input: { transform: string; runDate: string }): Promise<string>;
}

export function withCurrent(c: RunCursor): StepCursor {
  const s = c.done && c.status !== "failed" ? undefined : c.statements[c.next];
  const { current: _drop, ...rest } = c as StepCursor;
  if (!s) return rest;
  return {
    ...rest,
    current: { sql: s.sql, ...(s.params.length > 0 ? { params: s.params.map(quoteString) } : {}) },
  };
}

export async function step(event: unknown, deps: StepDeps): Promise<unknown> {
  const e = event as StepEvent & { transform?: unknown };
  if (!e || typeof e !== "object") throw new InvalidEventError("event: must be an object");
  if (!("action" in e)) {
    const p = await plan(e, deps.graph, deps.store);
    const r = p.runs[0];
    if (!r || p.runs.length !== 1 || !("transform" in e)) {
      throw new InvalidEventError(
        "direct invocation takes { transform, runDate }; ingestion events go to the state machine",
      );
    }
    const executionArn = await deps.startExecution({ transform: r.transform, runDate: r.runDate });
    return { started: executionArn, transform: r.transform, runDate: r.runDate };
  }
  switch (e.action) {
    case "plan":
      return plan(e.input, deps.graph, deps.store);
    case "prepare":
      return withCurrent(await prepare(e.run, deps));
    case "after":
      return withCurrent(await afterQuery(e.cursor, outcomeFromSync(e.query), deps));
    case "finish":
      return finish(e.cursor, deps);
    case "fail": {
      const reason = reasonFromCause(e.error);
      // A placeholder cursor (no runId) means prepare itself failed: nothing was claimed.
      const started = e.cursor?.runId !== undefined;
      const cursor: RunCursor = started
        ? e.cursor!
        : {
            transform: e.run.transform,
            runDate: e.run.runDate,
            runId: "not-started",
            trigger: e.run.trigger,
            startedAt: deps.now(),
            attempt: 0,
            statements: [],
            next: 0,
            done: true,
            status: "running",
            queryExecutionIds: [],
            bytesScanned: 0,
          };
      const failed = await fail(cursor, new CurateError(reason), deps);
      if (!started) await deps.store.claimRun(runRecord(failed, deps, "failed"), deps.now());
      return withCurrent(failed);
    }
    case "summarize": {
      const failed = e.results.filter((r) => r.status === "failed");
      if (failed.length > 0) {
        throw new RunsFailedError(
          `${failed.length} of ${e.results.length} transform run(s) failed: ${failed
            .map((r) => `${r.transform} ${r.runDate}: ${r.error ?? "failed"}`)
            .join("; ")}`,
        );
      }
      return e.results;
    }
    default:
      throw new InvalidEventError(
        `action: unknown action ${JSON.stringify((e as { action: unknown }).action)}`,
      );
  }
}
