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
 * - Compiled files are cached in `.cache/ts/` (git-ignored): one entry per source file, holding the
 *   key of what it was compiled from (./ts-transform.cjs's cacheKey), replaced when that changes,
 *   written before the file runs (atomically: a temporary file renamed). The cache is optional: an
 *   unwritable folder only costs the compile. `DP_TS_CACHE_DIR` moves it.
 * - Stack traces point at the TypeScript line (inline source maps, Node's source-map support), for
 *   our files only: a package under node_modules is compiled with source maps off, or Node would
 *   decode the inline map of every cdktf and provider file it loads (about 6 % of a synth).
 * - A dynamic `import()` compiles to a `require` (./ts-transform.cjs), as TypeScript emits it for
 *   CommonJS, so a script can load a .ts file lazily.
 *
 * Plain JavaScript, installs once per process.
 */
const Module = require("node:module");
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join, sep } = require("node:path");
const { cacheKey, transform } = require("./ts-transform.cjs");

const INSTALLED = Symbol.for("data-platform-kit.ts-hook");
const CACHE_DIR = process.env.DP_TS_CACHE_DIR || join(__dirname, "..", "..", ".cache", "ts");
const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * The compiled code of `filename` (its source given), from the cache when it was compiled from
 * the same key, else compiled now and stored.
 * @param {string} source
 * @param {string} filename
 * @returns {string}
 */
function compile(source, filename) {
  const key = cacheKey(source, filename, "inline");
  const header = `//${key}\n`;
  const entry = join(CACHE_DIR, `${createHash("sha256").update(filename).digest("hex").slice(0, 40)}.js`);
  try {
    const cached = readFileSync(entry, "utf8");
    if (cached.startsWith(header)) return cached.slice(header.length);
  } catch {
    // Not cached yet.
  }
  const { code } = transform(source, filename, "inline");
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${entry}.${process.pid}.tmp`;
    writeFileSync(temporary, header + code);
    renameSync(temporary, entry);
  } catch {
    // A cache that cannot be written only costs the next process this compile.
  }
  return code;
}

function install() {
  if (Module.prototype[INSTALLED]) return;
  Module.prototype[INSTALLED] = true;

  Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(compile(readFileSync(filename, "utf8"), filename), filename);
  };

  // Source maps on, except while a package's file compiles (and runs its top level).
  if (typeof process.setSourceMapsEnabled !== "function") return;
  process.setSourceMapsEnabled(true);
  const compileModule = Module.prototype._compile;
  Module.prototype._compile = function compileWithOwnSourceMaps(content, filename) {
    if (!filename.includes(NODE_MODULES) || !process.sourceMapsEnabled)
      return compileModule.call(this, content, filename);
    process.setSourceMapsEnabled(false);
    try {
      return compileModule.call(this, content, filename);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
}

install();

module.exports = { compile, CACHE_DIR };
