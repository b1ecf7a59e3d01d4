/** The ops commands, over an `OpsBackend` (a real environment or the local stand-ins). */

import type { OpsBackend, RunRecord } from "./backend";
import { backfill, progressLine, reportText } from "./backfill";
import { type BatchEntry, findEntry, OpsError } from "./catalog";
import { dateRange, formatJst, nextRun } from "./dates";

export interface Output {
  out(line: string): void;
  /** Progress (overwritten in place on a terminal). */
  progress(line: string): void;
}

const pad = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
};
const dur = (ms?: number) =>
  ms === undefined ? "-" : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;

export interface StatusRow {
  id: string;
  kind: string;
  lastRunDate?: string;
  status: string;
  records?: number;
  durationMs?: number;
  nextRun?: string;
  alarms: Record<string, string>;
}

export async function status(
  backend: OpsBackend,
  catalog: BatchEntry[],
  now = new Date(),
): Promise<StatusRow[]> {
  return Promise.all(
    catalog.map(async (e) => {
      const [last] = await backend.history.runs(e, 1);
      return {
        id: e.id,
        kind: e.kind,
        lastRunDate: last?.runDate,
        status: last?.status ?? "never run",
        records: last?.records,
        durationMs: last?.durationMs,
        nextRun: e.schedule ? formatJst(nextRun(e.schedule, e.timezone ?? "UTC", now)) : "on event",
        alarms: (await backend.alarms?.forEntry(e)) ?? {},
      };
    }),
  );
}

export function statusText(rows: StatusRow[], where: string): string[] {
  const alarmText = (a: Record<string, string>) => {
    const firing = Object.entries(a).filter(([, s]) => s === "ALARM");
    return Object.keys(a).length === 0
      ? "-"
      : firing.length
        ? `ALARM: ${firing.map(([n]) => n).join(", ")}`
        : "OK";
  };
  return [
    `status of ${where}`,
    ...pad([
      ["ID", "KIND", "LAST RUN", "STATUS", "RECORDS", "DURATION", "NEXT (JST)", "ALARMS"],
      ...rows.map((r) => [
        r.id,
        r.kind,
        r.lastRunDate ?? "-",
        r.status,
        r.records === undefined ? "-" : String(r.records),
        dur(r.durationMs),
        r.nextRun ?? "-",
        alarmText(r.alarms),
      ]),
    ]),
  ];
}

export async function run(
  backend: OpsBackend,
  entry: BatchEntry,
  runDate: string | undefined,
  wait: boolean,
): Promise<RunRecord> {
  return backend.invoker.invoke(entry, runDate, { wait, backfill: false });
}

export function runText(r: RunRecord): string {
  if (r.status === "running")
    return `${r.kind} ${r.id}: started (${r.runDate ?? "default run date"}); see \`npm run ops -- runs ${r.id}\``;
  return `${r.kind} ${r.id} ${r.runDate}: ${r.status}${r.records === undefined ? "" : `, ${r.records} records`}${
    r.durationMs === undefined ? "" : `, ${dur(r.durationMs)}`
  }${r.runId ? ` (run ${r.runId})` : ""}${r.error ? `\n  ${r.error}` : ""}`;
}

export async function runs(backend: OpsBackend, entry: BatchEntry, limit: number): Promise<string[]> {
  const list = await backend.history.runs(entry, limit);
  if (!list.length) return [`${entry.kind} ${entry.id}: no runs in ${backend.where}`];
  return pad([
    ["RUN DATE", "STATUS", "RECORDS", "DURATION", "FINISHED", "RUN ID"],
    ...list.map((r) => [
      r.runDate ?? "-",
      r.status,
      r.records === undefined ? "-" : String(r.records),
      dur(r.durationMs),
      r.finishedAt ?? "-",
      r.runId ?? "-",
    ]),
  ]);
}

export interface BackfillArgs {
  ids: string[];
  from: string;
  to: string;
  concurrency: number;
  keepGoing: boolean;
  force: boolean;
  withDependants: boolean;
}

/** The entries a backfill runs: those named, plus (optionally) every transform that reads them. */
export function backfillEntries(
  catalog: BatchEntry[],
  a: Pick<BackfillArgs, "ids" | "withDependants">,
  where: string,
): BatchEntry[] {
  const chosen = new Map(a.ids.map((id) => [id, findEntry(catalog, id, where)]));
  if (a.withDependants) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of catalog) {
        if (!chosen.has(e.id) && e.dependsOn.some((d) => chosen.has(d))) {
          chosen.set(e.id, e);
          grew = true;
        }
      }
    }
  }
  // An incremental source's run reads from its live watermark: one run per past date would move
  // that watermark (and find nothing for the later dates). Refused until the function has a
  // bounded-window mode; its transforms can be backfilled from what is already in raw.
  const incremental = [...chosen.values()].filter((e) => e.kind === "source" && e.incremental);
  if (incremental.length)
    throw new OpsError(
      `backfill: ${incremental.map((e) => `source "${e.id}"`).join(", ")} ${incremental.length > 1 ? "are" : "is"} incremental: ` +
        "a run per past date would move the live watermark. Run it once (`npm run ops -- run <id>`: it catches up " +
        "from its watermark) and backfill the transforms that read it.",
    );
  return [...chosen.values()];
}

export async function runBackfill(backend: OpsBackend, catalog: BatchEntry[], a: BackfillArgs, io: Output) {
  const entries = backfillEntries(catalog, a, backend.where);
  const dates = dateRange(a.from, a.to);
  io.out(
    `backfill ${entries.map((e) => e.id).join(", ")} ${a.from}..${a.to} (${dates.length} dates) on ${backend.where}`,
  );
  const report = await backfill(backend, entries, {
    dates,
    concurrency: a.concurrency,
    keepGoing: a.keepGoing,
    force: a.force,
    onProgress: (p) => io.progress(progressLine(p)),
  });
  io.out(reportText(report));
  return report;
}
