/**
 * How `main.ts` creates the cdktf App. Stack traces are off unless `SYNTH_STACK_TRACES=1`:
 * cdktf captures a full, source-mapped stack trace for every token it creates (about a fifth of a
 * synth) only to print it when a token fails to resolve. Turn them on to find where a bad token
 * was made.
 */
import { createRequire } from "node:module";
import type { AppConfig } from "cdktf";

export interface SynthOptions {
  readonly outdir: string;
  readonly stackTraces: boolean;
}

export function synthOptions(env: NodeJS.ProcessEnv = process.env): SynthOptions & AppConfig {
  const stackTraces = env.SYNTH_STACK_TRACES === "1";
  if (!stackTraces) disableTokenStackTraces();
  return { outdir: env.CDKTF_OUTDIR || "cdktf.out", stackTraces };
}

/**
 * cdktf's tokens call `captureStackTrace()` from a private module through its exports object, so
 * replacing that export turns the capture off for every token created afterwards. A later cdktf
 * that moves the module only loses the speed-up (the lookup is guarded), never correctness.
 */
export function disableTokenStackTraces(): boolean {
  try {
    const req = createRequire(require.resolve("cdktf"));
    const mod = req("./tokens/private/stack-trace") as { captureStackTrace?: unknown };
    if (typeof mod.captureStackTrace !== "function") return false;
    mod.captureStackTrace = () => [];
    return true;
  } catch {
    return false;
  }
}
