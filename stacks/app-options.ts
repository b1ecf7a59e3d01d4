/**
 * How `main.ts` creates the cdktf App. Stack traces are off unless `SYNTH_STACK_TRACES=1`:
 * cdktf captures a full, source-mapped stack trace for every token it creates (about a fifth of a
 * synth) only to print it when a token fails to resolve. Turn them on to find where a bad token
 * was made.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import type { AppConfig } from "cdktf";

export interface SynthOptions {
  readonly outdir: string;
  readonly stackTraces: boolean;
}

export function synthOptions(env: NodeJS.ProcessEnv = process.env): SynthOptions & AppConfig {
  const stackTraces = env.SYNTH_STACK_TRACES === "1";
  if (!stackTraces) disableTokenStackTraces();
  memoizeBinaryVersionChecks();
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

/**
 * cdktf adds a "Terraform >= 1.4" validation to every `terraform_data` resource (and >= 1.5 to
 * imports and moves), and each one runs `terraform version` in a shell: one process per resource
 * (57 in a synth of every stack, about half of its wall time). The answer cannot change during a
 * synth, so each command + constraint is checked once. Guarded like `disableTokenStackTraces`:
 * a cdktf that moves the class only loses the speed-up.
 */
export function memoizeBinaryVersionChecks(): boolean {
  try {
    const req = createRequire(require.resolve("cdktf"));
    const mod = req("./validations/validate-binary-version") as {
      ValidateBinaryVersion?: { prototype: { validate(): string[]; __memoized?: boolean } };
    };
    const proto = mod.ValidateBinaryVersion?.prototype;
    if (!proto || typeof proto.validate !== "function") return false;
    if (proto.__memoized) return true;
    const original = proto.validate;
    const results = new Map<string, string[]>();
    proto.validate = function (this: { versionCommand: string; versionConstraint: string }) {
      const key = `${this.versionCommand}\0${this.versionConstraint}`;
      if (!results.has(key))
        results.set(
          key,
          passedBefore(this.versionCommand, this.versionConstraint, () => original.call(this)),
        );
      return [...(results.get(key) as string[])];
    };
    proto.__memoized = true;
    return true;
  } catch {
    return false;
  }
}

/** Where a passed `terraform version` check is remembered between synths (git-ignored). */
export const VERSION_CACHE_FILE = join(__dirname, "..", ".cache", "binary-versions.json");

/** The file `name` resolves to on PATH (what a shell running `name …` would start), if any. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `run()` (a version check) once per binary: a check that passed is remembered in `cacheFile`
 * under the binary's path, size and modification time, so the next synth skips the shell and the
 * binary's start (about 0.2 s) until that binary changes. A failing or unknown answer is never
 * remembered. Any problem with the cache falls back to running the check.
 */
export function passedBefore(
  command: string,
  constraint: string,
  run: () => string[],
  cacheFile = VERSION_CACHE_FILE,
  path = process.env.PATH,
): string[] {
  // Only `<binary> version` (cdktf's ValidateTerraformVersion): other commands are run as asked.
  const m = /^(\S+) version$/.exec(command);
  if (!m) return run();
  const bin = m[1].includes("/") ? m[1] : onPath(m[1], path);
  let key: string | undefined;
  let cache: Record<string, true> = {};
  try {
    if (bin) {
      const st = statSync(bin);
      key = `${bin}|${st.size}|${st.mtimeMs}|${command}|${constraint}`;
      if (existsSync(cacheFile)) cache = JSON.parse(readFileSync(cacheFile, "utf8"));
      if (cache[key] === true) return [];
    }
  } catch {
    key = undefined;
  }
  const result = run();
  if (key && result.length === 0) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, JSON.stringify({ ...cache, [key]: true }));
    } catch {
      // a read-only checkout only loses the speed-up
    }
  }
  return result;
}

/** What `pruneStaleStacks` did. */
export interface Pruned {
  readonly removed: string[];
  /** Folders of stacks not synthesized this time that hold local state: kept, never deleted. */
  readonly keptWithState: string[];
}

/**
 * Removes `<outdir>/stacks/<name>` folders of stacks this synth did not produce (an earlier synth
 * of other environments, a renamed stack), so nothing stale is planned or deployed from
 * `cdktf.out`. A folder holding local Terraform state (`terraform.tfstate*`) is kept: state is
 * never deleted by a synth.
 */
export function pruneStaleStacks(outdir: string, produced: ReadonlyArray<string>): Pruned {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return { removed: [], keptWithState: [] };
  const keep = new Set(produced);
  const removed: string[] = [];
  const keptWithState: string[] = [];
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || keep.has(entry.name)) continue;
    const dir = join(stacksDir, entry.name);
    if (readdirSync(dir).some((f) => f.startsWith("terraform.tfstate"))) {
      keptWithState.push(entry.name);
      continue;
    }
    rmSync(dir, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return { removed, keptWithState };
}
