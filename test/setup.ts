/**
 * Runs before every test file. cdktf is not loaded here: a file that never imports it (about half
 * of them: functions, scripts, config) does not pay for it. cdktf and the providers are shared by
 * the test files of a worker and patched there once (./helpers/shared-runtime.js).
 */
// First, before cdktf can load: no stack trace captured for any token, as in `npm run synth` (a
// fifth of a synth's time; under Jest every captured trace is also source-mapped).
import "./helpers/no-token-stack-traces";
import { Console } from "node:console";
import type {} from "cdktf/lib/testing/adapters/jest"; // types of cdktf's Jest matchers
import { removeTracked } from "./helpers/temp";

type Cdktf = typeof import("cdktf");

afterAll(removeTracked);

// cdktf's Jest matchers (toHaveResourceWithProperties, ...), registered by name now and loaded
// from cdktf on first use: Testing.setupJest() registers them through expect.extend, caught here.
const CDKTF_MATCHERS = [
  "toHaveResource",
  "toHaveResourceWithProperties",
  "toHaveDataSource",
  "toHaveDataSourceWithProperties",
  "toHaveProvider",
  "toHaveProviderWithProperties",
  "toBeValidTerraform",
  "toPlanSuccessfully",
] as const;
type Matcher = (this: jest.MatcherContext, ...args: unknown[]) => jest.CustomMatcherResult;
let cdktfMatchers: Record<string, Matcher> | undefined;
function loadCdktfMatchers(): Record<string, Matcher> {
  if (cdktfMatchers) return cdktfMatchers;
  const caught: Record<string, Matcher> = {};
  const extend = expect.extend;
  expect.extend = (matchers) => void Object.assign(caught, matchers);
  try {
    (require("cdktf") as Cdktf).Testing.setupJest();
  } finally {
    expect.extend = extend;
  }
  const missing = CDKTF_MATCHERS.filter((name) => typeof caught[name] !== "function");
  if (missing.length > 0) throw new Error(`cdktf no longer registers the matchers ${missing.join(", ")}`);
  cdktfMatchers = caught;
  return caught;
}
expect.extend(
  Object.fromEntries(
    CDKTF_MATCHERS.map((name) => [
      name,
      function (this: jest.MatcherContext, ...args: unknown[]) {
        return loadCdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);

// console.* of the code under test goes to the streams the quiet environment holds back (and
// prints for a failing test), instead of Jest's console that prints on every run.
if (process.env.TEST_LOGS !== "1") {
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
}
