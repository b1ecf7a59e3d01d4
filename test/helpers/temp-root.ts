/**
 * Every `npm test` run gets its own temporary root: global setup points TMPDIR at a fresh folder,
 * so everything tests and the code under test create with `os.tmpdir()` (and every child process
 * they start) lands there, and global teardown fails the run if anything is left in it.
 *
 * Two entries belong to the harness and are removed by teardown, not reported: tsx's transform
 * cache (a link to the machine's, so child processes do not recompile every file) and `shared/`
 * (the synth shared by test files, see ./synth.ts).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export const RUN_ROOT_ENV = "DP_TEST_TEMP_ROOT";
export const ORIGINAL_TMPDIR_ENV = "DP_TEST_ORIGINAL_TMPDIR";
export const SHARED_DIR = "shared";
/** Name prefix of a run's temporary root, and the variable scripts/test.js tags it with (that
 * script, plain JavaScript, spells both out when it removes a root Jest left). */
const RUN_ROOT_PREFIX = "dp-test-run-";
const RUN_TAG_ENV = "DP_TEST_RUN_TAG";

const tsxCacheName = () => `tsx-${process.geteuid ? process.geteuid() : userInfo().username}`;

/** Creates the run's root under the real temporary folder and points TMPDIR at it. */
export function createRunRoot(env: NodeJS.ProcessEnv = process.env): string {
  const original = env[ORIGINAL_TMPDIR_ENV] ?? tmpdir();
  // `npm test` (scripts/test.js) tags the folder with its process id, to remove it if Jest is
  // stopped by a signal before its global teardown runs.
  const tag = /^\d+$/.test(env[RUN_TAG_ENV] ?? "") ? `${env[RUN_TAG_ENV]}-` : "";
  const root = mkdtempSync(join(original, `${RUN_ROOT_PREFIX}${tag}`));
  linkTsxCache(root, original);
  env[ORIGINAL_TMPDIR_ENV] = original;
  env[RUN_ROOT_ENV] = root;
  env.TMPDIR = root;
  return root;
}

/**
 * Links tsx's transform cache of the machine's temporary folder into `dir`, for a child process
 * whose TMPDIR is `dir`: without it, that process compiles every TypeScript file it loads again
 * (about 0.4 s of CPU for a synth). The link is removed with `dir`; the cache is never followed.
 */
export function linkTsxCache(
  dir: string,
  original: string = process.env[ORIGINAL_TMPDIR_ENV] ?? tmpdir(),
): void {
  const tsxCache = join(original, tsxCacheName());
  mkdirSync(tsxCache, { recursive: true });
  symlinkSync(tsxCache, join(dir, tsxCacheName()));
}

/** What the run left behind (harness entries excluded). */
export function leftovers(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => name !== tsxCacheName() && name !== SHARED_DIR)
    .map((name) => (lstatSync(join(root, name)).isDirectory() ? `${name}/` : name))
    .sort();
}

/** Removes the run's root (the tsx link is unlinked, not followed). */
export function removeRunRoot(root: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(root, { recursive: true, force: true });
  if (env[ORIGINAL_TMPDIR_ENV]) env.TMPDIR = env[ORIGINAL_TMPDIR_ENV];
  delete env[RUN_ROOT_ENV];
}
