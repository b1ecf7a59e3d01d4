/**
 * How this repository runs a TypeScript file with Node: `node --require ./scripts/lib/ts-hook.cjs
 * <file>.ts`, as every npm script of package.json and cdktf.json's app do (test/scripts-args.test.ts
 * checks that they all do). Everything that starts one of our .ts files in a child process takes
 * its flags from here: the same hook, by its absolute path, so the child's working folder does not
 * matter. Why a hook of our own and not tsx: ./ts-hook.cjs.
 */
import { join } from "node:path";

/** The hook's absolute path. */
export const TS_HOOK = join(__dirname, "ts-hook.cjs");

/** Node flags that load a .ts file (before the file). */
export const TS_FLAGS: readonly string[] = ["--require", TS_HOOK];
