/**
 * `npm run -s limits -- [sources]`: synthesizes the dev AWS stack with N ingestion sources
 * (default 50, each its own prefix, secret and schedule), checks every apply-time size limit with
 * references at their longest, and prints the largest document of each kind. Exits non-zero when a
 * limit is exceeded.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { sources as SourceList } from "../config/sources";
import { largestByKind, type Measurement, measureLimits } from "../policy/limits/measure";
import { cliArgs, refuse, wholeNumber } from "./lib/args";

// cdktf, the providers and the config load only when a synth runs (below): a mistyped argument is
// refused in the time Node takes to start.

/** `n` sources like demo_orders (the first entry of `sourceList`), each with its own id, prefix, secret and schedule. */
export function manySources(n: number, sourceList: typeof SourceList) {
  const template = structuredClone(sourceList.entries[0]);
  return Array.from({ length: n }, (_, i) => {
    const id = `source_${String(i).padStart(3, "0")}`;
    return {
      ...structuredClone(template),
      id,
      settings: {
        ...structuredClone(template.settings),
        auth: { type: "bearer" as const, secretId: `dp/saas/${id}-token` },
        target: { prefix: `saas/${id}` },
        schedule: `cron(${i % 60} ${i % 24} * * ? *)`,
      },
    };
  });
}

/** Synthesizes dev with `n` sources into `outdir`; returns the stack folder and its measurements. */
export async function synthWithSources(
  n: number,
  outdir: string,
): Promise<{ dir: string; measurements: Measurement[] }> {
  const { App } = require("cdktf") as typeof import("cdktf");
  const { loadAppConfig } = require("../config") as typeof import("../config");
  const { sources: sourceList } = require("../config/sources") as typeof import("../config/sources");
  const { AwsStack } = require("../stacks/aws-stack") as typeof import("../stacks/aws-stack");
  const config = loadAppConfig(
    { select: "dev", stateOverride: "local" },
    {
      lists: [{ ...sourceList, entries: manySources(n, sourceList) }],
    },
  );
  const app = new App({ outdir });
  const env = config.environments[0];
  new AwsStack(app, "dp-aws-dev", { env, sources: [...config.lists.sources] });
  app.synth();
  const dir = join(outdir, "stacks", "dp-aws-dev");
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  return { dir, measurements: measureLimits(json) };
}

export function formatLargest(measurements: Measurement[]): string[] {
  return largestByKind(measurements)
    .sort((a, b) => b.size / b.limit - a.size / a.limit)
    .map(
      (m) =>
        `${m.kind.padEnd(20)} ${m.size.toLocaleString("en").padStart(7)} of ${m.limit.toLocaleString("en").padStart(6)} (${((100 * m.size) / m.limit).toFixed(0)}%)  ${m.address}`,
    );
}

if (require.main === module) {
  const CLI = {
    command: "npm run -s limits --",
    summary: "Synthesizes dev with N generated sources and prints the largest document of each kind.",
    flags: {},
    positionals: { name: "sources", description: "number of sources (default 50)", max: 1 },
  };
  const { positionals } = cliArgs(CLI);
  const n = wholeNumber(positionals[0], 50, (why) => refuse(CLI, `<sources> ${why}`));
  const outdir = mkdtempSync(join(tmpdir(), "dp-limits-"));
  synthWithSources(n, outdir)
    .then(({ measurements }) => {
      console.log(
        `dp-aws-dev with ${n} sources: largest document of each kind (references at their longest)`,
      );
      for (const line of formatLargest(measurements)) console.log(`  ${line}`);
      const over = measurements.filter((m) => m.size > m.limit);
      for (const m of over) console.error(`OVER LIMIT: ${m.kind} ${m.address} ${m.size} > ${m.limit}`);
      process.exitCode = over.length > 0 ? 1 : 0;
    })
    .finally(() => rmSync(outdir, { recursive: true, force: true }));
}
