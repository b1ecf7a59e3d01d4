/**
 * Every batch the ops CLI knows, from the validated configuration: ingestion sources, curate
 * transforms and reconciliation checks (each list is read when the project has it).
 */
import { loadCurateConfig } from "../../config/curate";
import { OpsError } from "./errors";

export type BatchKind = "source" | "transform" | "check";

export interface BatchEntry {
  id: string;
  kind: BatchKind;
  /** Ids this batch reads (sources for a transform, ...). */
  dependsOn: string[];
  schedule?: string;
  timezone?: string;
  /** An incremental source: a backfill runs a bounded window per date, never the live watermark. */
  incremental: boolean;
}

export { OpsError };

// biome-ignore lint/suspicious/noExplicitAny: settings are validated by the config loader and the function
type SourceSettings = Record<string, any>;

/** The validated ingestion sources (config/sources.ts through the one config loader). */
export function configuredSources(): {
  id: string;
  settings: SourceSettings;
  columns?: { name: string; type: string }[];
}[] {
  return loadCurateConfig().sources as ReturnType<typeof configuredSources>;
}

export function loadCatalog(): BatchEntry[] {
  const { sources, transforms } = loadCurateConfig();
  const entries: BatchEntry[] = sources.map((s) => ({
    id: s.id,
    kind: "source",
    dependsOn: [],
    schedule: s.settings.schedule,
    timezone: s.settings.scheduleTimezone ?? "Asia/Tokyo",
    incremental: s.settings.incremental !== undefined,
  }));
  for (const t of transforms) {
    entries.push({
      id: t.id,
      kind: "transform",
      dependsOn: [...t.dependsOn],
      schedule: t.schedule,
      timezone: "Asia/Tokyo",
      incremental: false,
    });
  }
  for (const c of reconcileChecks()) entries.push({ ...c, kind: "check", dependsOn: [], incremental: false });
  return entries;
}

/** Reconciliation checks, when the project declares them (config/bigquery.ts). */
function reconcileChecks(): { id: string; schedule?: string; timezone?: string }[] {
  try {
    const { loadAppConfig } = require("../../config") as typeof import("../../config");
    const list: unknown = loadAppConfig({}).lists.bigquery.checks;
    return Array.isArray(list)
      ? list.map((c: { id: string; schedule?: string }) => ({ id: String(c.id), schedule: c.schedule }))
      : [];
  } catch {
    return [];
  }
}

export function findEntry(catalog: BatchEntry[], id: string, where: string): BatchEntry {
  const e = catalog.find((x) => x.id === id);
  if (e) return e;
  const byKind = (k: BatchKind) => catalog.filter((x) => x.kind === k).map((x) => x.id);
  throw new OpsError(
    `unknown id "${id}" in ${where}. Known: sources ${byKind("source").join(", ") || "-"}; transforms ${
      byKind("transform").join(", ") || "-"
    }; checks ${byKind("check").join(", ") || "-"}`,
  );
}

/**
 * `ids` and everything they (transitively) feed is not needed: a backfill runs what was named, in
 * dependency order — sources before the transforms that read them. Throws on a cycle.
 */
export function dependencyOrder(entries: BatchEntry[]): BatchEntry[] {
  const named = new Map(entries.map((e) => [e.id, e]));
  const out: BatchEntry[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (e: BatchEntry, path: string[]) => {
    if (state.get(e.id) === "done") return;
    if (state.get(e.id) === "visiting")
      throw new OpsError(`dependency cycle: ${[...path, e.id].join(" -> ")}`);
    state.set(e.id, "visiting");
    for (const d of e.dependsOn) {
      const dep = named.get(d);
      if (dep) visit(dep, [...path, e.id]);
    }
    state.set(e.id, "done");
    out.push(e);
  };
  for (const e of entries) visit(e, []);
  return out;
}
