/**
 * Runs the real app entry (`node --require ./scripts/lib/ts-hook.cjs main.ts`) with configuration mistakes injected
 * (test/fixtures/inject-config-mistakes.ts) and measures it: exit code, output, wall and CPU time.
 * Shared by config/edge.test.ts and `npm run bench:config`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TS_FLAGS } from "./ts-flags";

const ROOT = resolve(__dirname, "..", "..");

export interface MistakeRun {
  status: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** User + system CPU time of the child (its own, not the machine's load). */
  cpuMs: number;
}

/** `mistakes`: names from test/fixtures/config-mistakes.ts, or "all". */
export function runWithMistakes(mistakes: string): MistakeRun {
  const dir = mkdtempSync(join(tmpdir(), "dp-config-edge-"));
  try {
    const rusage = join(dir, "rusage.json");
    const started = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        "--require",
        join(ROOT, "scripts/lib/rusage.cjs"),
        ...TS_FLAGS,
        "--require",
        join(ROOT, "test/fixtures/inject-config-mistakes.ts"),
        join(ROOT, "main.ts"),
      ],
      {
        cwd: ROOT,
        // A mistake must fail before synth writes anything: the outdir is a fresh temp folder.
        env: { ...process.env, CONFIG_MISTAKES: mistakes, RUSAGE_FILE: rusage, CDKTF_OUTDIR: dir },
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    const wallMs = performance.now() - started;
    const { cpuMs } = JSON.parse(readFileSync(rusage, "utf8")) as { cpuMs: number };
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs, cpuMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
