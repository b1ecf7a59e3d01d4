/**
 * The one TypeScript -> CommonJS transform of this repository: esbuild strips the types of one file
 * at a time (the project compiles with `isolatedModules`, so a per-file transform is exact). Used
 * by the TypeScript hook every script and `npm run synth` run under (./ts-hook.cjs) and by Jest's
 * transform (test/helpers/esbuild-transform.js), so tests run the JavaScript the app runs.
 * Type errors are the typecheck's job (`npm run typecheck`), not the loader's.
 *
 * Plain JavaScript: it is what makes TypeScript loadable. esbuild is loaded on the first file
 * that needs compiling, not before (a cache hit needs none of it).
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

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

module.exports = { cacheKey, transform, ESBUILD_VERSION };
