/**
 * Child-process entry that runs the real handler against local stand-ins and prints
 * `{ summary, metrics }` or `{ error: { name, message } }` as one JSON line per run. Tests use it
 * because the Google client libraries load parts of themselves with dynamic `import()`, which
 * Jest's VM cannot run; here they run as in Lambda.
 *
 *   node --require ./scripts/lib/ts-hook.cjs functions/bq-reconcile/dev/run-handler.ts '<json: { setup, event }>'   one run
 *   node --require ./scripts/lib/ts-hook.cjs functions/bq-reconcile/dev/run-handler.ts --serve                     one run per stdin line
 *
 * `--serve` keeps one process (a warm Lambda) for many runs: a test pays for loading the Google
 * and DuckDB libraries once, not once per run. Every run still builds its handler, auth client
 * and DuckDB counter anew.
 */
import { createInterface } from "node:readline";
import type { ReconcileEvent } from "../handler";
import { type LocalReconcileSetup, localHandler, RecordingMetrics } from "./local-run";

export type ChildSetup = Omit<
  LocalReconcileSetup,
  "standIn" | "now" | "metrics" | "bigquery" | "makeHandler"
> & {
  standInUrl: string;
  now?: number;
  /** Run the bundled Lambda (`.build/bq-reconcile/index.js`) instead of the source. */
  bundle?: string;
};

async function runOnce(request: string): Promise<string> {
  const { setup, event } = JSON.parse(request) as { setup: ChildSetup; event: ReconcileEvent };
  const metrics = new RecordingMetrics();
  const fromBundle = setup.bundle ? (require(setup.bundle) as any).makeHandler : undefined;
  if (setup.bundle && typeof fromBundle !== "function")
    throw new Error(`${setup.bundle} exports no makeHandler`);
  const { standInUrl, now, bundle: _bundle, ...rest } = setup;
  const handler = localHandler({
    ...rest,
    standIn: { url: standInUrl } as LocalReconcileSetup["standIn"],
    now: now === undefined ? undefined : () => now,
    metrics,
    makeHandler: fromBundle,
  });
  try {
    const summary = await handler(event);
    return JSON.stringify({ summary, metrics: metrics.published });
  } catch (e) {
    return JSON.stringify({ error: { name: (e as Error).name, message: (e as Error).message } });
  }
}

async function main() {
  if (process.argv[2] !== "--serve") {
    process.stdout.write(`${await runOnce(process.argv[2])}\n`);
    return;
  }
  // One request at a time, in order: a run sets process.env for the handler it builds.
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const answer = await runOnce(line).catch((e: Error) =>
      JSON.stringify({ error: { name: e.name, message: e.message } }),
    );
    process.stdout.write(`${answer}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
