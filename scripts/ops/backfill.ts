/**
 * Backfill: one run per date and id, dates in order per id (never two runs of one id at once: a
 * source holds a lease per run), ids in dependency order (a transform starts after the sources it
 * reads have finished), up to `concurrency` ids at a time. Resumable: dates that
 * already succeeded are skipped unless `force`. Without `keepGoing` the first failure stops new
 * runs (those in flight finish); with it every date is tried and the report names each failure.
 */
import type { OpsBackend, RunRecord } from "./backend";
import { type BatchEntry, dependencyOrder } from "./catalog";

export interface BackfillOptions {
  dates: string[];
  concurrency: number;
  keepGoing: boolean;
  force: boolean;
  /** Progress: called after every finished (or skipped) date. */
  onProgress?: (p: Progress) => void;
  now?: () => number;
}

export interface Progress {
  done: number;
  total: number;
  failed: number;
  skipped: number;
  /** Estimated ms left, from the mean duration of the runs so far. */
  etaMs?: number;
  last: { id: string; runDate: string; outcome: "succeeded" | "failed" | "skipped" };
}

export interface BackfillReport {
  succeeded: { id: string; runDate: string; records?: number }[];
  skipped: { id: string; runDate: string }[];
  failed: { id: string; runDate: string; error: string }[];
  /** Dates never started: an earlier failure stopped the backfill, or an input failed that date. */
  notStarted: { id: string; runDate: string; reason: "stopped" | "input failed" }[];
}

export async function backfill(
  backend: OpsBackend,
  entries: BatchEntry[],
  o: BackfillOptions,
): Promise<BackfillReport> {
  const now = o.now ?? Date.now;
  const report: BackfillReport = { succeeded: [], skipped: [], failed: [], notStarted: [] };
  const ordered = dependencyOrder(entries);
  const total = ordered.length * o.dates.length;
  let done = 0;
  let ranMs = 0;
  let ran = 0;
  let stop = false;
  const progress = (last: Progress["last"]) => {
    done++;
    o.onProgress?.({
      done,
      total,
      failed: report.failed.length,
      skipped: report.skipped.length,
      etaMs: ran ? Math.round(((ranMs / ran) * (total - done)) / Math.max(1, o.concurrency)) : undefined,
      last,
    });
  };
  /** One id: its dates strictly in order (a source allows one run at a time: its lease). */
  const runEntry = async (entry: BatchEntry) => {
    const already = o.force ? new Set<string>() : await backend.history.succeededDates(entry, o.dates);
    for (const date of o.dates) {
      // A transform never runs on a date one of its inputs failed (or did not run).
      const inputFailed = entry.dependsOn.some((d) =>
        [...report.failed, ...report.notStarted].some((f) => f.id === d && f.runDate === date),
      );
      if (stop || inputFailed) {
        report.notStarted.push({ id: entry.id, runDate: date, reason: stop ? "stopped" : "input failed" });
        continue;
      }
      if (already.has(date)) {
        report.skipped.push({ id: entry.id, runDate: date });
        progress({ id: entry.id, runDate: date, outcome: "skipped" });
        continue;
      }
      const started = now();
      let r: RunRecord | undefined;
      let error: string | undefined;
      try {
        r = await backend.invoker.invoke(entry, date, { wait: true, backfill: true });
        if (r.status !== "succeeded") error = r.error ?? `status ${r.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
      ranMs += now() - started;
      ran++;
      if (error === undefined) report.succeeded.push({ id: entry.id, runDate: date, records: r?.records });
      else {
        report.failed.push({ id: entry.id, runDate: date, error });
        if (!o.keepGoing) stop = true;
      }
      progress({ id: entry.id, runDate: date, outcome: error === undefined ? "succeeded" : "failed" });
    }
  };
  // Up to `concurrency` ids at a time; an id starts once every id it depends on has finished.
  const finished = new Map<string, Promise<void>>();
  const slots: Promise<void>[] = [];
  const pending = [...ordered];
  const selected = new Set(ordered.map((e) => e.id));
  const start = (entry: BatchEntry): Promise<void> =>
    Promise.all(entry.dependsOn.filter((d) => selected.has(d)).map((d) => finished.get(d))).then(() =>
      runEntry(entry),
    );
  while (pending.length) {
    if (slots.length >= Math.max(1, o.concurrency)) await Promise.race(slots);
    const entry = pending.shift() as BatchEntry;
    const p: Promise<void> = start(entry).finally(() => slots.splice(slots.indexOf(p), 1));
    finished.set(entry.id, p);
    slots.push(p);
  }
  await Promise.all(slots);
  return report;
}

const fmtMs = (ms: number) =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${Math.round(ms / 1000)}s`;

/** `[#####.....] 5/10  1 failed  ETA 12s  demo_orders 2026-01-05 succeeded` */
export function progressLine(p: Progress, width = 20): string {
  const filled = Math.round((p.done / Math.max(1, p.total)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total}${p.failed ? `  ${p.failed} failed` : ""}${
    p.etaMs !== undefined && p.done < p.total ? `  ETA ${fmtMs(p.etaMs)}` : ""
  }  ${p.last.id} ${p.last.runDate} ${p.last.outcome}`;
}

export function reportText(r: BackfillReport): string {
  const lines = [
    `backfill: ${r.succeeded.length} succeeded, ${r.skipped.length} skipped (already succeeded), ${r.failed.length} failed${
      r.notStarted.length ? `, ${r.notStarted.length} not started` : ""
    }`,
  ];
  for (const f of r.failed) lines.push(`  FAILED ${f.id} ${f.runDate}: ${f.error}`);
  for (const n of r.notStarted.filter((x) => x.reason === "input failed"))
    lines.push(`  not run ${n.id} ${n.runDate}: an input failed that date`);
  if (r.notStarted.some((x) => x.reason === "stopped"))
    lines.push("  (stopped at the first failure; --keep-going tries every date)");
  if (r.failed.length) lines.push("  rerun the same command: dates that succeeded are skipped");
  return lines.join("\n");
}
