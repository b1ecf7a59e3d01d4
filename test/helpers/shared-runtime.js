// Jest's module runtime, except that cdktf, constructs, the prebuilt providers and zod are loaded
// once per worker by Node itself and shared by the test files that worker runs, instead of once per
// test file inside each file's module registry.
//
// Why: those packages are about 12.8 MB of JavaScript (cdktf 373 files, @cdktf/provider-* 75,
// some of them over 1 MB), and about 40 test files synthesize stacks: evaluating them again for
// every file was the largest single cost of `npm test` after Terraform. Measured, the unit tests
// in one process (`jest -i --selectProjects unit`): 51.6-53.6 -> 43.4-43.9 s of CPU.
//
// Why it is safe:
// - Nothing a test changes lives in them: our code (stacks/, modules/, config/) is still loaded
//   per file, so a file's constructs, config and mocks stay its own; cdktf keeps no state between
//   apps that a test could see (every test makes its own App through Testing.app()) but its
//   token map, emptied after each file (forgetTokens below).
// - Patched here, once: Testing.app() and Testing.fullSynth() write to a temporary folder that is
//   removed after the test file (as cdktf's own default would leave them in TMPDIR), and cdktf's
//   Jest matchers find the running file's `expect` (they read `global.expect`, and Node's global
//   is not the test file's).
// - What does outlive a file, by design: the patches stacks/app-options.ts applies to cdktf (token
//   stack traces off, `terraform version` checks memoized by command and constraint), applied
//   once per worker. Known limits, not reached by our code today: cdktf checks `constructor ===
//   Object` when it resolves dynamic blocks (false for an object made in a test file), and its
//   module-level iterator tokens (FOR_EXPRESSION_KEY/VALUE) cache a string that forgetTokens()
//   drops from the map.
// - zod (about 40 files build our config schemas; loading it cost ~58 ms per file): our schemas
//   are still built per file, by our code. Its realm-sensitive checks (`instanceof` Date, Map, Set,
//   Promise, File) belong to schema kinds we do not use (config/, functions/: none); its global
//   registry holds `.describe()` texts weakly, per schema. Not to be used while it is shared:
//   `z.config()` (global, would outlive the file) and `.meta({ id })` (a second file registering
//   the same id throws). Two realm effects a test must not rely on: what zod parses comes out as
//   Node's objects and arrays (`instanceof Array` in a test file is false for them; `toEqual`
//   compares them fine, `toStrictEqual` and `expect.any(Array)` do not), and an object made in a
//   test file where zod expects something else is named "Object" in the message ("received
//   object" in production). Measured, unit tests in one process: 1.5 s less CPU on average.
// - Whatever else a test file would have loaded per file (the AWS SDK, our own code) still is: a
//   package is shared only when it has no realm-sensitive checks on values a test passes in
//   (cdktf checks `instanceof Date` once, on values it resolves; our stacks pass none). The AWS
//   SDK reads Node's process.env, of which a test file has only a copy.
// Plain JavaScript: Jest loads it before any transform.
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const Runtime = require("jest-runtime").default;

/** Packages loaded by Node and shared by a worker's test files. */
const SHARED = /[\\/]node_modules[\\/](?:cdktf|constructs|zod|@cdktf[\\/]provider-[^\\/]+)[\\/]/;
/** A name that can resolve into them: theirs, or a relative one (from one of their files, e.g. a
 * createRequire() of cdktf's own path); any other name is left to Jest without resolving it twice. */
const MAY_BE_SHARED = /^(?:cdktf|constructs|zod|@cdktf\/provider-[^/]+)(?:\/|$)|^\./;
/**
 * Libraries Jest itself loads into every test file's internal registry (jest-snapshot brings
 * @babel/core, @babel/types and @babel/generator for inline snapshots, with semver; Jest's
 * transform brings picomatch and braces): pure functions over their own values, loaded once per
 * worker instead of once per file (about 10 ms of CPU per test file). Same two patterns.
 */
const SHARED_INTERNAL = /[\\/]node_modules[\\/](?:@babel[\\/][^\\/]+|semver|picomatch|braces)[\\/]/;
const MAY_BE_SHARED_INTERNAL = /^(?:@babel\/[^/]+|semver|picomatch|braces)(?:\/|$)|^\./;

const CDKTF_INDEX = require.resolve("cdktf");
const TESTING = /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]testing[\\/]/;

/** The runtime of the test file running in this worker (files run one at a time per worker). */
let current;
/** Folders Testing.app()/fullSynth() created for the running test file. */
const created = [];
let patched = false;

function track(dir) {
  created.push(dir);
  return dir;
}

function patchCdktf() {
  patched = true;
  const { Testing } = require("cdktf");
  const app = Testing.app.bind(Testing);
  Testing.app = (options = {}) =>
    app({ ...options, outdir: options.outdir ?? track(mkdtempSync(join(tmpdir(), "cdktf.outdir."))) });
  const fullSynth = Testing.fullSynth.bind(Testing);
  Testing.fullSynth = (stack) => track(fullSynth(stack));
  // cdktf's Jest matchers use `global.expect` (asymmetric matchers, and setupJest's expect.extend).
  Object.defineProperty(globalThis, "expect", {
    configurable: true,
    get: () => current?._environment.global.expect,
  });
}

/**
 * cdktf keeps every token it ever made in one map on Node's global (before, each test file had its
 * own global): emptied after each file, or a worker would keep every app of every file it ran
 * alive (hundreds of MB, and slower garbage collection for the files after). The counter is kept,
 * so a new token never takes an old one's key.
 */
function forgetTokens() {
  const map = globalThis.__cdktfTokenMap;
  if (!map) return;
  map.stringTokenMap.clear();
  map.numberTokenMap.clear();
}

class SharedModulesRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    current = this;
  }

  requireModule(from, moduleName, options, isRequireActual) {
    const internal = options?.isInternalModule === true;
    const [names, paths] = internal ? [MAY_BE_SHARED_INTERNAL, SHARED_INTERNAL] : [MAY_BE_SHARED, SHARED];
    if (moduleName && names.test(moduleName) && (moduleName[0] !== "." || paths.test(from))) {
      const path = this._resolveCjsModule(from, moduleName);
      if (paths.test(path)) {
        // Patched when Testing can first be reached (cdktf's index or its testing folder), not
        // when test/setup.ts reaches into cdktf for its stack-trace module only.
        if (!internal && !patched && (path === CDKTF_INDEX || TESTING.test(path))) patchCdktf();
        return require(path);
      }
    }
    return super.requireModule(from, moduleName, options, isRequireActual);
  }

  teardown() {
    try {
      super.teardown();
    } finally {
      // Each step whatever happened before it: a folder that cannot be removed stays (the run's
      // leftover check names it), the next file still starts with an empty token map.
      for (const dir of created.splice(0)) {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // Reported by the run's leftover check.
        }
      }
      forgetTokens();
      if (current === this) current = undefined;
    }
  }
}

module.exports = SharedModulesRuntime;
