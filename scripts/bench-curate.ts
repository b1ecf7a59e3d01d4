/**
 * `npm run bench:curate`: the curate runner (real steps, DuckDB stand-in) on a generated raw day
 * of 1,000,000 order records (8 gzip JSON Lines files, as ingestion rotates them) plus 1,000
 * customers. Runs orders_enriched (merge: window dedupe, join, staged checks, MERGE) on an empty
 * table, then again (a rerun merging over 1,000,000 existing rows).
 * Prints rows/s, peak RSS and the runner's own overhead (wall time minus time inside queries).
 * Targets: >= 500,000 rows/s, peak RSS <= 1 GB, overhead <= 200 ms; exits 1 under target.
 * `--records N` (or BENCH_RECORDS) changes the size of the day. The command line is checked before
 * DuckDB and the runner load, so a typo is refused at once instead of running the bench.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { cliArgs } from "./lib/args";

const { values: opts } = cliArgs(
  {
    command: "npm run bench:curate --",
    summary:
      "Curate benchmark: orders_enriched over a generated raw day, twice (first run, then a merge rerun).",
    flags: {
      records: {
        type: "number",
        description: "raw order records in the generated day (or BENCH_RECORDS)",
        default: 1_000_000,
        min: 1000,
        max: 50_000_000,
        integer: true,
      },
    },
    // BENCH_RECORDS goes through the same checks as --records (which wins when both are given).
  },
  [...(process.env.BENCH_RECORDS ? ["--records", process.env.BENCH_RECORDS] : []), ...process.argv.slice(2)],
);
const RECORDS = opts.records;
const FILES = 8;
const DAY = "2025-01-01";
const TARGET_ROWS_PER_S = 500_000;
const TARGET_RSS_MB = 1024;
const TARGET_OVERHEAD_MS = 200;

function generate(
  root: string,
  writeRawPartition: typeof import("../functions/curate/dev/fixtures").writeRawPartition,
) {
  const dir = join(root, "demo_orders", `dt=${DAY}`);
  mkdirSync(dir, { recursive: true });
  const per = Math.ceil(RECORDS / FILES);
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = f * per; i < Math.min(RECORDS, (f + 1) * per); i++) {
      lines.push(
        `{"id":"o${i}","customer_id":"c${i % 1000}","amount":${(i * 37) % 1000},"currency":"${i % 3 ? "USD" : "JPY"}","updated_at":"2025-01-01T${String(Math.floor((i % 86400) / 3600)).padStart(2, "0")}:${String(Math.floor((i % 3600) / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000Z"}`,
      );
    }
    writeFileSync(
      join(dir, `part-bench-${String(f).padStart(5, "0")}.jsonl.gz`),
      gzipSync(`${lines.join("\n")}\n`, { level: 1 }),
    );
  }
  writeRawPartition(
    root,
    "demo_customers",
    DAY,
    Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, name: `n${i}`, country: i % 2 ? "JP" : "US" })),
  );
}

async function main() {
  const { loadCurateConfig } = require("../config/curate") as typeof import("../config/curate");
  const { runOne } = require("../functions/curate/core/run") as typeof import("../functions/curate/core/run");
  const { localRunner, writeRawPartition } =
    require("../functions/curate/dev/fixtures") as typeof import("../functions/curate/dev/fixtures");
  const root = mkdtempSync(join(tmpdir(), "bench-curate-"));
  try {
    const t0 = Date.now();
    generate(root, writeRawPartition);
    console.log(
      `generated ${RECORDS.toLocaleString()} raw records in ${FILES} files in ${Date.now() - t0} ms`,
    );
    const { sources, transforms } = loadCurateConfig();
    const runner = await localRunner(root, transforms, sources);
    let queryMs = 0;
    const perKind = new Map<string, number>();
    const execute = runner.engine.execute.bind(runner.engine);
    runner.deps.engine.execute = async (s) => {
      const q = performance.now();
      try {
        return await execute(s);
      } finally {
        const d = performance.now() - q;
        queryMs += d;
        const kind = s.sql.split(" ").slice(0, 2).join(" ");
        perKind.set(kind, (perKind.get(kind) ?? 0) + d);
      }
    };
    const runs: Array<{ label: string; ms: number; queryMs: number; rows: number }> = [];
    for (const label of ["first run (empty table)", "rerun (merge over existing rows)"]) {
      queryMs = 0;
      const start = performance.now();
      const r = await runOne(
        { transform: "orders_enriched", runDate: DAY, trigger: { type: "manual" } },
        runner.deps,
      );
      const ms = performance.now() - start;
      if (r.status !== "succeeded") throw new Error(`${label}: ${r.status}: ${r.error}`);
      runs.push({ label, ms, queryMs, rows: r.rowsWritten });
      console.log(`  ${label}: ${[...perKind].map(([k, v]) => `${k} ${Math.round(v)} ms`).join(", ")}`);
      perKind.clear();
    }
    const [{ n }] = await runner.engine.rows(
      `SELECT count(*) AS n FROM "dp_local_curated"."orders_enriched"`,
    );
    runner.close();
    const rssMb = process.resourceUsage().maxRSS / 1024;
    let ok = Number(n) === RECORDS;
    if (!ok) console.log(`FAIL: table holds ${n} rows, expected ${RECORDS}`);
    for (const r of runs) {
      const rate = (RECORDS / r.ms) * 1000;
      const overhead = r.ms - r.queryMs;
      const pass = rate >= TARGET_ROWS_PER_S && overhead <= TARGET_OVERHEAD_MS;
      ok &&= pass;
      console.log(
        `${r.label}: ${Math.round(r.ms)} ms, ${Math.round(rate).toLocaleString()} rows/s (target >= ${TARGET_ROWS_PER_S.toLocaleString()}), ` +
          `runner overhead ${Math.round(overhead)} ms outside ${Math.round(r.queryMs)} ms of queries (target <= ${TARGET_OVERHEAD_MS}) ${pass ? "ok" : "UNDER TARGET"}`,
      );
    }
    const rssOk = rssMb <= TARGET_RSS_MB;
    ok &&= rssOk;
    console.log(
      `peak RSS ${Math.round(rssMb)} MB (target <= ${TARGET_RSS_MB}) ${rssOk ? "ok" : "OVER TARGET"}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
