/**
 * Jest's TypeScript transform: esbuild strips the types of one file at a time, as tsx does for
 * `npm run synth` and the scripts, so tests run the same JavaScript the app runs. Type errors are
 * the typecheck's job (`npm run typecheck`, run first by `npm test`), not the test runner's.
 *
 * Why not ts-jest: it loads the TypeScript compiler in every Jest worker and transpiles a file in
 * tens of milliseconds where esbuild takes about one; on a fresh clone (a cold transform cache)
 * that was most of the difference between Jest's first and second run.
 * Plain JavaScript (no transform of its own). The project compiles with `isolatedModules`, so a
 * per-file transform is exact. esbuild does not hoist `jest.mock` above a file's imports as
 * babel-jest does, so a test file that calls it is refused here, naming the file (no test mocks a
 * module; cdktf is patched once per worker by test/helpers/shared-runtime.js).
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { transformSync, version } = require("esbuild");

// What matters from tsconfig.json for emitted code: the target decides class field semantics.
const tsconfig = JSON.parse(readFileSync(join(__dirname, "..", "..", "tsconfig.json"), "utf8"));
const compilerOptions = {
  target: tsconfig.compilerOptions.target,
  useDefineForClassFields: tsconfig.compilerOptions.useDefineForClassFields,
  esModuleInterop: tsconfig.compilerOptions.esModuleInterop,
};
const target = String(compilerOptions.target).toLowerCase();
const self = readFileSync(__filename, "utf8");

module.exports = {
  getCacheKey(source, path) {
    return createHash("sha256")
      .update(version)
      .update("\0")
      .update(self)
      .update("\0")
      .update(JSON.stringify(compilerOptions))
      .update("\0")
      .update(path)
      .update("\0")
      .update(source)
      .digest("hex");
  },
  process(source, path) {
    if (/\.test\.ts$/.test(path) && /\bjest\.(mock|doMock|unmock)\(/.test(source))
      throw new Error(
        `${path}: jest.mock would not be hoisted above the imports by this transform (test/helpers/esbuild-transform.js): inject the dependency instead`,
      );
    const out = transformSync(source, {
      loader: path.endsWith(".tsx") ? "tsx" : "ts",
      format: "cjs",
      target,
      platform: "node",
      sourcefile: path,
      sourcemap: "external",
      sourcesContent: false,
      tsconfigRaw: { compilerOptions },
      // `await import("x")` becomes a require, as TypeScript emits it for CommonJS (Jest's module
      // registry has no dynamic import without --experimental-vm-modules).
      supported: { "dynamic-import": false },
    });
    return { code: out.code, map: out.map };
  },
};
