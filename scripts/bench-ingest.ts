/**
 * `npm run bench:ingest [-- --records 200000 --page-size 5000]`: lands records through the bundled
 * handler against s3rver + dynalite + the demo SaaS API (each in its own process, so the figures
 * are the handler's) and prints records/s, peak RSS, bundle size and module init time.
 * Targets (2-core machine): >= 100,000 records/s, peak RSS <= 200 MB.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { bundleFunction } from "../functions/build";
import {
  createSettingsTable,
  listKeys,
  localHandlerEnv,
  putSourceConfig,
} from "../functions/shared/dev/local";
import { startChildServer } from "./lib/child-server";
import type { LocalEndpoints } from "./local-aws";

const ROOT = resolve(__dirname, "..");
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main() {
  const total = arg("records", 200_000);
  const pageSize = arg("page-size", 5000);
  const bundle = bundleFunction("saas-ingest");
  const initMs = Number(
    execFileSync(process.execPath, [
      "-e",
      `const t=performance.now();require(${JSON.stringify(`${bundle.dir}/index.js`)});process.stdout.write(String(performance.now()-t))`,
    ]).toString(),
  );
  const aws = await startChildServer<LocalEndpoints>("scripts/local-aws.ts", ["--bucket", "bench-raw"], ROOT);
  const saas = await startChildServer<{ url: string }>(
    "functions/saas-ingest/dev/serve-demo.ts",
    ["--total", String(total), "--page-size", String(pageSize)],
    ROOT,
  );
  try {
    Object.assign(
      process.env,
      localHandlerEnv({
        s3: aws.info.s3,
        dynamodb: aws.info.dynamodb,
        table: "bench-settings",
        bucket: "bench-raw",
      }),
      {
        POWERTOOLS_LOG_LEVEL: "WARN",
      },
    );
    await createSettingsTable(aws.info.dynamodb, "bench-settings");
    await putSourceConfig(aws.info.dynamodb, "bench-settings", "bench", {
      enabled: true,
      request: { url: `${saas.info.url}/cursor` },
      auth: { type: "none" },
      records: { path: "data" },
      pagination: { type: "cursor", cursorPath: "meta.next_cursor", param: "cursor" },
      incremental: {
        cursorField: "updated_at",
        cursorType: "timestamp",
        param: "updated_since",
        initial: "2025-01-01T00:00:00Z",
      },
      primaryKey: "id",
      target: { prefix: "bench/orders" },
    });
    const { handler } = require(
      `${bundle.dir}/index.js`,
    ) as typeof import("../functions/saas-ingest/handler");
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const t0 = performance.now();
    const summary = await handler(
      { sourceId: "bench", runDate: "2026-11-28" },
      { getRemainingTimeInMillis: () => 900_000 },
    );
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const keys = await listKeys(aws.info.s3, "bench-raw", "bench/orders/");
    const rate = summary.records / seconds;
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      [
        `records            ${summary.records} (${summary.pages} pages of ${pageSize}) -> ${summary.files} file(s), ${mb(summary.bytes)} gzip, ${keys.length} objects`,
        `duration           ${seconds.toFixed(2)} s`,
        `throughput         ${Math.round(rate).toLocaleString("en-US")} records/s (target >= 100,000)`,
        `peak RSS           ${mb(peakRss)} (process start ${mb(rssBefore)}; target <= 200 MB)`,
        `bundle             ${(bundle.bytes / 1024).toFixed(0)} KiB (minified, with source map beside it)`,
        `module init        ${initMs.toFixed(0)} ms (require of the bundle in a fresh node)`,
      ].join("\n"),
    );
    if (summary.records !== total) throw new Error(`expected ${total} records, landed ${summary.records}`);
  } finally {
    await Promise.all([aws.stop(), saas.stop()]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
