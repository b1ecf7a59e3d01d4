/**
 * Child-process entry that runs the real handler once against local stand-ins and prints
 * `{ summary, metrics }` or `{ error: { name, message } }` as one JSON line. Tests use it because
 * the Google client libraries load parts of themselves with dynamic `import()`, which Jest's VM
 * cannot run; here they run as in Lambda.
 *
 *   node --import tsx functions/bq-reconcile/dev/run-handler.ts '<json: { setup, event }>'
 */
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

async function main() {
  const { setup, event } = JSON.parse(process.argv[2]) as { setup: ChildSetup; event: ReconcileEvent };
  const metrics = new RecordingMetrics();
  // biome-ignore lint/suspicious/noExplicitAny: the bundle is plain JavaScript
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
    process.stdout.write(`${JSON.stringify({ summary, metrics: metrics.published })}\n`);
  } catch (e) {
    process.stdout.write(
      `${JSON.stringify({ error: { name: (e as Error).name, message: (e as Error).message } })}\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
