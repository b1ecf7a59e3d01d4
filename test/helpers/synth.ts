/**
 * Synthesizes the real app (as `npm run synth` does) for tests. `sharedSynth()` synthesizes every
 * stack once per `npm test` run, whichever test file asks first (the others wait for it), into
 * the run's temporary root: treat it as read-only (copy a stack folder before running Terraform
 * in it, as test/terraform.int.test.ts does through prepareOfflineModuleRoot).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TS_FLAGS } from "../../scripts/lib/ts-flags";
import { RUN_ROOT_ENV, SHARED_DIR } from "./temp-root";

export const ROOT = resolve(__dirname, "..", "..");

export interface Synth {
  outdir: string;
  stacks: string[];
}

function runSynth(outdir: string): Synth {
  const r = spawnSync(process.execPath, [...TS_FLAGS, "main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, STACK_ENV: "", STATE: "", CDKTF_OUTDIR: outdir },
  });
  if (r.status !== 0) throw new Error(`synth failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  return { outdir, stacks: Object.keys(manifest.stacks) };
}

const WAIT_MS = 180_000;
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let mine: Synth | undefined;

/** Every stack, synthesized once per test run and shared by the test files (read-only). */
export function sharedSynth(): Synth {
  if (mine) return mine;
  const runRoot = process.env[RUN_ROOT_ENV];
  if (!runRoot) throw new Error(`sharedSynth: ${RUN_ROOT_ENV} is not set (run through jest.config.js)`);
  const dir = join(runRoot, SHARED_DIR, "synth");
  const outdir = join(dir, "out");
  const done = join(dir, "done.json");
  const failed = join(dir, "failed.txt");
  mkdirSync(join(runRoot, SHARED_DIR), { recursive: true });
  let owner = false;
  try {
    mkdirSync(dir); // atomic: exactly one test file synthesizes
    owner = true;
  } catch {
    // Another test file is synthesizing: wait for it below.
  }
  if (owner) {
    try {
      mine = runSynth(outdir);
      writeFileSync(done, JSON.stringify(mine));
      return mine;
    } catch (e) {
      writeFileSync(failed, (e as Error).message);
      throw e;
    }
  }
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(done)) {
    if (existsSync(failed))
      throw new Error(`shared synth failed in another test file:\n${readFileSync(failed, "utf8")}`);
    if (Date.now() > deadline)
      throw new Error(`shared synth did not finish within ${WAIT_MS / 1000} s (${dir})`);
    sleep(100);
  }
  mine = JSON.parse(readFileSync(done, "utf8")) as Synth;
  return mine;
}

export function stackJson(outdir: string, stack: string): Record<string, any> {
  return JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
}
