/**
 * How this repository runs TypeScript with Node: `node --require ./scripts/lib/ts-hook.cjs <file>.ts`
 * (every npm script, cdktf.json's app, every test child: ./ts-flags.ts). It teaches `require` the
 * `.ts` extension, compiled by ./ts-transform.cjs (the transform Jest uses too), and nothing else.
 *
 * Why not tsx (used before): tsx also reads every `.js` file a process loads and scans it for
 * ES-module syntax, so that it can compile an ES-module-only package for `require` (none of ours
 * is); with its resolver hooks that was 25-35 % of the CPU of `npm run synth` (2.5 -> 1.7 s
 * measured) and of every script. And tsx writes its cache after the fact, asynchronously: a
 * process that exits at once (a refused command line) never stored what it compiled and paid for
 * esbuild again on every run.
 *
 * - Compiled files are cached in `.cache/ts/` (git-ignored; ./ts-transform.cjs's compileCached): one
 *   entry per source file, holding the key of what it was compiled from and the length of the
 *   code, replaced when either does not match (a changed file, a truncated or foreign entry),
 *   written before the file runs (a temporary file of its own, renamed into place). The cache is
 *   optional: an unwritable folder only costs the compile. `DP_TS_CACHE_DIR` moves it; whoever can
 *   write to that folder decides what code runs, so never point it at a shared folder.
 * - Stack traces point at the TypeScript line (inline source maps, Node's source-map support), for
 *   our files only: a package under node_modules is compiled with source maps off, or Node would
 *   decode the inline map of every cdktf and provider file it loads (about 6 % of a synth).
 * - A dynamic `import()` compiles to a `require` (./ts-transform.cjs), as TypeScript emits it for
 *   CommonJS, so a script can load a .ts file lazily.
 *
 * Plain JavaScript, installs once per process.
 */
const Module = require("node:module");
const { readFileSync } = require("node:fs");
const { join, resolve, sep } = require("node:path");
const { compileCached } = require("./ts-transform.cjs");

const INSTALLED = Symbol.for("data-platform-kit.ts-hook");
const CACHE_DIR = resolve(process.env.DP_TS_CACHE_DIR || join(__dirname, "..", "..", ".cache", "ts"));
const NODE_MODULES = `${sep}node_modules${sep}`;

function install() {
  if (Module.prototype[INSTALLED]) return;
  Module.prototype[INSTALLED] = true;

  Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(compileCached(readFileSync(filename, "utf8"), filename, CACHE_DIR), filename);
  };

  // Source maps on, except while a package's file compiles (and runs its top level).
  if (typeof process.setSourceMapsEnabled !== "function") return;
  process.setSourceMapsEnabled(true);
  const compileModule = Module.prototype._compile;
  // Every argument Node passes goes on (Node 20.19+ adds the module's format).
  Module.prototype._compile = function compileWithOwnSourceMaps(content, filename, ...rest) {
    if (!filename.includes(NODE_MODULES) || !process.sourceMapsEnabled)
      return compileModule.call(this, content, filename, ...rest);
    process.setSourceMapsEnabled(false);
    try {
      return compileModule.call(this, content, filename, ...rest);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
}

install();

module.exports = { CACHE_DIR };
