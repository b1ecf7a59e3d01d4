/**
 * Jest's TypeScript transform: the repository's one transform (scripts/lib/ts-transform.cjs, the
 * one the TypeScript hook of `npm run synth` and every script uses), so tests run the JavaScript
 * the app runs. Type errors are the typecheck's job (`npm run typecheck`, run by `npm test`).
 *
 * Why not ts-jest: it loads the TypeScript compiler in every Jest worker and transpiles a file in
 * tens of milliseconds where esbuild takes about one; on a fresh clone (a cold transform cache)
 * that was most of the difference between Jest's first and second run.
 * Plain JavaScript (no transform of its own). esbuild does not hoist `jest.mock` above a file's
 * imports as babel-jest does, so a test file that calls it is refused here, naming the file (no
 * test mocks a module; cdktf is patched once per worker by test/helpers/shared-runtime.js).
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { cacheKey, transform } = require("../../scripts/lib/ts-transform.cjs");

const self = readFileSync(__filename, "utf8");

module.exports = {
  getCacheKey(source, path) {
    return createHash("sha256").update(self).update("\0").update(cacheKey(source, path, "external")).digest("hex");
  },
  process(source, path) {
    if (/\.test\.ts$/.test(path) && /\bjest\.(mock|doMock|unmock)\(/.test(source))
      throw new Error(
        `${path}: jest.mock would not be hoisted above the imports by this transform (test/helpers/esbuild-transform.js): inject the dependency instead`,
      );
    return transform(source, path, "external");
  },
};
