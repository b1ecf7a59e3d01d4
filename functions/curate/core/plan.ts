/**
 * What to run for an event, in dependency order:
 * - a `RawPartitionPublished` event for source S and date D runs every transform downstream of
 *   S whose dependencies are all satisfied for D (sources: published for D, recorded as events
 *   arrive; transforms: earlier in this plan, or already succeeded for D);
 * - `{ transform, runDate }` (manual, backfill) runs that transform only;
 * - `{ transform, scheduledTime }` (EventBridge Scheduler) runs it for the schedule's date.
 */
import { RAW_PUBLISHED, type RawPublishedDetail, rawPublishedProblems } from "../../shared/events";
import { InvalidEventError } from "./errors";
import { downstreamOf, type GraphNode, topoOrder } from "./graph";
import type { CurateStore, Trigger } from "./ports";

export interface RunRequest {
  transform: string;
  runDate: string;
  trigger: Trigger;
}

export interface Plan {
  runs: RunRequest[];
  /** Downstream transforms left out, with the dependency they wait for. */
  waiting: Array<{ transform: string; waitsFor: string[] }>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validRunDate(value: unknown, field = "runDate"): string {
  if (typeof value !== "string" || !DATE.test(value) || safeDate(value) !== value) {
    throw new InvalidEventError(
      `${field}: must be a calendar date YYYY-MM-DD (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

function safeDate(value: string): string | undefined {
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

export async function plan(
  event: unknown,
  graph: readonly GraphNode[],
  store: Pick<CurateStore, "recordPublish" | "hasPublish" | "getRun">,
): Promise<Plan> {
  if (!event || typeof event !== "object") throw new InvalidEventError("event: must be an object");
  const e = event as Record<string, unknown>;
  const ids = new Set(graph.map((g) => g.id));
  if ("transform" in e) {
    if (typeof e.transform !== "string" || !ids.has(e.transform)) {
      throw new InvalidEventError(
        `transform: unknown transform ${JSON.stringify(e.transform)} (known: ${[...ids].join(", ")})`,
      );
    }
    let runDate: string;
    let type: Trigger["type"] = "manual";
    if (e.scheduledTime !== undefined) {
      // Scheduler's <aws.scheduler.scheduled-time> is UTC; the run date is that day.
      const t = typeof e.scheduledTime === "string" ? Date.parse(e.scheduledTime) : Number.NaN;
      if (Number.isNaN(t))
        throw new InvalidEventError(
          `scheduledTime: must be an ISO timestamp (got ${JSON.stringify(e.scheduledTime)})`,
        );
      runDate = new Date(t).toISOString().slice(0, 10);
      type = "schedule";
    } else runDate = validRunDate(e.runDate);
    return { runs: [{ transform: e.transform, runDate, trigger: { type } }], waiting: [] };
  }
  if (e["detail-type"] === RAW_PUBLISHED || "detail" in e) {
    const problems = rawPublishedProblems(event);
    if (problems.length > 0) throw new InvalidEventError(`invalid ingestion event: ${problems.join("; ")}`);
    const d = e.detail as RawPublishedDetail;
    validRunDate(d.runDate, "detail.runDate");
    await store.recordPublish(d);
    return planForPublish(d, graph, store);
  }
  throw new InvalidEventError(
    "event: expected an ingestion event (detail-type RawPartitionPublished) or { transform, runDate }",
  );
}

async function planForPublish(
  d: RawPublishedDetail,
  graph: readonly GraphNode[],
  store: Pick<CurateStore, "hasPublish" | "getRun">,
): Promise<Plan> {
  const downstream = downstreamOf(graph, d.sourceId);
  const ordered = topoOrder(graph.filter((g) => downstream.has(g.id)));
  const planned = new Set<string>();
  const runs: RunRequest[] = [];
  const waiting: Plan["waiting"] = [];
  const trigger: Trigger = { type: "event", sourceId: d.sourceId, sourceRunId: d.runId };
  const transformIds = new Set(graph.map((g) => g.id));
  for (const t of ordered) {
    const missing: string[] = [];
    for (const dep of t.dependsOn) {
      if (dep === d.sourceId || planned.has(dep)) continue;
      if (transformIds.has(dep)) {
        const r = await store.getRun(dep, d.runDate);
        if (r?.status !== "succeeded") missing.push(dep);
      } else if (!(await store.hasPublish(dep, d.runDate))) missing.push(dep);
    }
    if (missing.length > 0) waiting.push({ transform: t.id, waitsFor: missing });
    else {
      planned.add(t.id);
      runs.push({ transform: t.id, runDate: d.runDate, trigger });
    }
  }
  return { runs, waiting };
}
