/** Test and benchmark fixtures: raw files laid out as ingestion publishes them, a local runner. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { GraphNode } from "../core/graph";
import type { CurateDeps } from "../core/run";
import type { TransformSpec } from "../core/spec";
import { duckdbDialect } from "../core/statements";
import { DuckDbAthena } from "./duckdb-athena";
import { MemoryCurateStore } from "./memory-store";

export const LOCAL_DATABASES = { raw: "dp_local_raw", curated: "dp_local_curated" };

/** Writes `records` as a published raw partition: `<root>/<source>/dt=<date>/part-<runId>-00001.jsonl.gz` + manifest. */
export function writeRawPartition(
  root: string,
  sourceId: string,
  runDate: string,
  records: ReadonlyArray<Record<string, unknown>>,
  runId = "r1",
) {
  const dir = join(root, sourceId, `dt=${runDate}`);
  mkdirSync(dir, { recursive: true });
  const body = records.map((r) => JSON.stringify(r)).join("\n");
  writeFileSync(join(dir, `part-${runId}-00001.jsonl.gz`), gzipSync(body ? `${body}\n` : ""));
  writeFileSync(join(dir, `_manifest-${runId}.json`), JSON.stringify({ files: 1, records: records.length }));
}

export interface LocalRunner {
  engine: DuckDbAthena;
  store: MemoryCurateStore;
  deps: CurateDeps & { engine: DuckDbAthena };
  graph: GraphNode[];
  close(): void;
}

/** DuckDB stand-in + in-memory run store over `root` (raw dirs named by source id). */
export async function localRunner(
  root: string,
  transforms: TransformSpec[],
  sources: ReadonlyArray<{ id: string; columns: ReadonlyArray<{ name: string; type: string }> }>,
  options: { path?: string; now?: () => number; threads?: number } = {},
): Promise<LocalRunner> {
  const engine = await DuckDbAthena.open({
    databases: LOCAL_DATABASES,
    rawTables: sources.map((s) => ({ id: s.id, columns: s.columns, dir: join(root, s.id) })),
    curatedTables: transforms.map((t) => ({ table: t.table, columns: t.target.columns })),
    path: options.path,
    threads: options.threads,
  });
  const store = new MemoryCurateStore(new Map(transforms.map((t) => [t.id, t])));
  let n = 0;
  return {
    engine,
    store,
    graph: transforms.map((t) => ({ id: t.id, dependsOn: t.dependsOn })),
    deps: {
      store,
      results: engine,
      engine,
      dialect: duckdbDialect,
      databases: LOCAL_DATABASES,
      usdPerTb: 5,
      now: options.now ?? Date.now,
      newRunId: () => `run-${++n}`,
    },
    close: () => engine.close(),
  };
}
