/** Synthesizes the real app into a temporary folder (as `npm run synth` does). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");

export function synthApp(env: NodeJS.ProcessEnv = {}): { outdir: string; stacks: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), "dp-synth-"));
  const r = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, STACK_ENV: "", STATE: "", ...env, CDKTF_OUTDIR: outdir },
  });
  if (r.status !== 0) throw new Error(`synth failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  return { outdir, stacks: Object.keys(manifest.stacks) };
}

export function stackJson(outdir: string, stack: string): Record<string, any> {
  return JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
}
