/**
 * Cleanup for scripts that start servers and write temporary files: `withCleanup(body)` runs the
 * steps the body added, last added first, when the body ends, fails, or the process gets SIGINT or
 * SIGTERM (then it exits 130 or 143). Every step runs even when an earlier one failed; the body's
 * error is the one rethrown, else the first step's.
 */
import { rmSync } from "node:fs";

export type CleanupStep = () => unknown;

export async function withCleanup<T>(body: (add: (step: CleanupStep) => void) => Promise<T>): Promise<T> {
  const steps: CleanupStep[] = [];
  const runSteps = async (): Promise<unknown[]> => {
    const errors: unknown[] = [];
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void runSteps().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result: T;
  try {
    result = await body((step) => steps.push(step));
  } catch (e) {
    await runSteps();
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const errors = await runSteps();
  if (errors.length > 0) throw errors[0];
  return result;
}

/** A step that removes `dir`, or with `keep` leaves it and says where it is. */
export function removeFolderStep(
  dir: string,
  keep: boolean,
  what: string,
  log: (line: string) => void = console.log,
): CleanupStep {
  return () => {
    if (keep) log(`\nkept ${what} (--keep) under ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
