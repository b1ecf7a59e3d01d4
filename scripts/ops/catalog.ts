/**
 * Every batch the ops CLI knows, from the validated configuration: ingestion sources, curate
 * transforms and reconciliation checks (each list is read when the project has it).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

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

export class OpsError extends Error {
  override name = "OpsError";
}

const root = join(__dirname, "..", "..");
// biome-ignore lint/suspicious/noExplicitAny: each list's type belongs to its capability
function optionalList(file: string, exportName: string): any[] {
  const path = join(root, "config", file);
  if (!existsSync(path)) return [];
  const list = require(path)[exportName];
  return Array.isArray(list) ? list : [];
}

// biome-ignore lint/suspicious/noExplicitAny: settings are validated by the config loader and the function
type SourceSettings = Record<string, any>;

/** The validated ingestion sources (config/sources.ts through the one config loader). */
export function configuredSources(): {
  id: string;
  settings: SourceSettings;
  columns?: { name: string; type: string }[];
}[] {
  const { loadListOnly } = require("../../config") as typeof import("../../config");
  const { sources } = require("../../config/sources") as typeof import("../../config/sources");
  return [...loadListOnly(sources)] as { id: string; settings: SourceSettings }[];
}

export function loadCatalog(): BatchEntry[] {
  const sources = configuredSources();
  const entries: BatchEntry[] = sources.map((s) => ({
    id: s.id,
    kind: "source",
    dependsOn: [],
    schedule: s.settings.schedule,
    timezone: s.settings.scheduleTimezone ?? "Asia/Tokyo",
    incremental: s.settings.incremental !== undefined,
  }));
  for (const t of optionalList("transforms.ts", "transforms")) {
    entries.push({
      id: String(t.id),
      kind: "transform",
      dependsOn: [t.dependsOn ?? []].flat().map(String),
      schedule: t.schedule,
      timezone: t.scheduleTimezone ?? t.timezone ?? "Asia/Tokyo",
      incremental: false,
    });
  }
  for (const c of optionalList("bigquery.ts", "reconcileChecks")) {
    entries.push({
      id: String(c.id),
      kind: "check",
      dependsOn: [],
      schedule: c.schedule,
      timezone: c.timezone,
      incremental: false,
    });
  }
  return entries;
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
