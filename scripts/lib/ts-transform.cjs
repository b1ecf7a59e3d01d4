/**
 * The one TypeScript -> CommonJS transform of this repository: esbuild strips the types of one file
 * at a time (the project compiles with `isolatedModules`, so a per-file transform is exact). Used
 * by the TypeScript hook every script and `npm run synth` run under (./ts-hook.cjs, through
 * compileCached, its on-disk cache) and by Jest's transform (test/helpers/esbuild-transform.js),
 * so tests run the JavaScript the app runs.
 * Type errors are the typecheck's job (`npm run typecheck`), not the loader's.
 *
 * Plain JavaScript: it is what makes TypeScript loadable. esbuild is loaded on the first file
 * that needs compiling, not before (a cache hit needs none of it).
 */
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { writeAtomic } = require("./write-atomic.cjs");

const ROOT = join(__dirname, "..", "..");

// What matters from tsconfig.json for emitted code: the target decides class field semantics.
const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
const compilerOptions = {
  target: tsconfig.compilerOptions.target,
  useDefineForClassFields: tsconfig.compilerOptions.useDefineForClassFields,
  esModuleInterop: tsconfig.compilerOptions.esModuleInterop,
};
const target = String(compilerOptions.target).toLowerCase();

/** esbuild's version without loading esbuild (its package.json has no "exports" map). */
const ESBUILD_VERSION = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
const SELF = readFileSync(__filename, "utf8");

/**
 * esbuild's options for `filename`. `sourcemap`: "inline" for the hook (Node maps stack traces
 * from the file itself), "external" for Jest (which takes the map beside the code).
 * @param {string} filename
 * @param {"inline" | "external"} sourcemap
 */
function options(filename, sourcemap) {
  return {
    loader: "ts",
    format: "cjs",
    target,
    platform: "node",
    sourcefile: filename,
    sourcemap,
    sourcesContent: false,
    tsconfigRaw: { compilerOptions },
    // `await import("x")` becomes a require, as TypeScript emits it for CommonJS: a .ts file can be
    // loaded lazily, and Jest's module registry has no dynamic import (no --experimental-vm-modules).
    supported: { "dynamic-import": false },
  };
}

/**
 * A key that changes whenever the output could: esbuild's version, this file (the options), the
 * file's path (named in its source map) and its source.
 * @param {string} source
 * @param {string} filename
 * @param {"inline" | "external"} sourcemap
 */
function cacheKey(source, filename, sourcemap) {
  return createHash("sha256")
    .update(`${ESBUILD_VERSION}\0${SELF}\0${JSON.stringify(compilerOptions)}\0${sourcemap}\0${filename}\0`)
    .update(source)
    .digest("hex");
}

/** @type {typeof import("esbuild") | undefined} */
let esbuild;

/**
 * @param {string} source
 * @param {string} filename
 * @param {"inline" | "external"} sourcemap
 * @returns {{ code: string; map: string }}
 */
function transform(source, filename, sourcemap) {
  esbuild ??= require("esbuild");
  const { code, map } = esbuild.transformSync(source, options(filename, sourcemap));
  return { code, map };
}

/** The format of compileCached's entries: a change here makes every older entry a miss. */
const FORMAT = "ts-hook/1";

/**
 * The compiled code of `filename` (its source given): from the cache when its entry has this
 * format, this key and all of its code, else compiled now and stored.
 * @param {string} source
 * @param {string} filename
 * @param {string} cacheDir
 * @returns {string}
 */
function compileCached(source, filename, cacheDir) {
  const key = cacheKey(source, filename, "inline");
  const entry = join(cacheDir, `${createHash("sha256").update(filename).digest("hex").slice(0, 40)}.js`);
  try {
    const cached = readFileSync(entry, "utf8");
    const newline = cached.indexOf("\n");
    const [format, entryKey, length] = cached.slice(2, newline).split(" ");
    const code = cached.slice(newline + 1);
    if (format === FORMAT && entryKey === key && Number(length) === code.length) return code;
  } catch {
    // Not cached yet.
  }
  const { code } = transform(source, filename, "inline");
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeAtomic(entry, `//${FORMAT} ${key} ${code.length}\n${code}`);
  } catch {
    // A cache that cannot be written only costs the next process this compile.
  }
  return code;
}

module.exports = { cacheKey, compileCached, transform, ESBUILD_VERSION };
