/**
 * Every `npm test` run gets its own temporary root: global setup points TMPDIR at a fresh folder,
 * so everything tests and the code under test create with `os.tmpdir()` (and every child process
 * they start) lands there, and global teardown fails the run if anything is left in it.
 *
 * One entry belongs to the harness and is removed by teardown, not reported: `shared/` (the synth
 * shared by test files, see ./synth.ts). Compiled TypeScript is cached in the repository
 * (scripts/lib/ts-hook.cjs), not under TMPDIR, so every child process of a run reuses it.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const RUN_ROOT_ENV = "DP_TEST_TEMP_ROOT";
export const ORIGINAL_TMPDIR_ENV = "DP_TEST_ORIGINAL_TMPDIR";
export const SHARED_DIR = "shared";
/** Name prefix of a run's temporary root, and the variable scripts/test.js tags it with (that
 * script, plain JavaScript, spells both out when it removes a root Jest left). */
const RUN_ROOT_PREFIX = "dp-test-run-";
const RUN_TAG_ENV = "DP_TEST_RUN_TAG";

/** Creates the run's root under the real temporary folder and points TMPDIR at it. */
export function createRunRoot(env: NodeJS.ProcessEnv = process.env): string {
  const original = env[ORIGINAL_TMPDIR_ENV] ?? tmpdir();
  // `npm test` (scripts/test.js) tags the folder with its process id, to remove it if Jest is
  // stopped by a signal before its global teardown runs.
  const tag = /^\d+$/.test(env[RUN_TAG_ENV] ?? "") ? `${env[RUN_TAG_ENV]}-` : "";
  const root = mkdtempSync(join(original, `${RUN_ROOT_PREFIX}${tag}`));
  env[ORIGINAL_TMPDIR_ENV] = original;
  env[RUN_ROOT_ENV] = root;
  env.TMPDIR = root;
  return root;
}

/** What the run left behind (harness entries excluded). */
export function leftovers(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => name !== SHARED_DIR)
    .map((name) => (lstatSync(join(root, name)).isDirectory() ? `${name}/` : name))
    .sort();
}

/** Removes the run's root. */
export function removeRunRoot(root: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(root, { recursive: true, force: true });
  if (env[ORIGINAL_TMPDIR_ENV]) env.TMPDIR = env[ORIGINAL_TMPDIR_ENV];
  delete env[RUN_ROOT_ENV];
}
