/** `npm run reconcile:local` end to end, as a data engineer runs it from a fresh clone. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { TS_FLAGS } from "../scripts/lib/ts-flags";
import { ROOT } from "./helpers/synth";

jest.setTimeout(120_000);

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [...TS_FLAGS, "scripts/reconcile-local.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", NODE_NO_WARNINGS: "1" },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

// The three processes run at the same time (each has its own servers on free ports and its own
// folders); each test awaits its own, and every process has ended before the file does.
let equal: ReturnType<typeof run>;
let doubled: ReturnType<typeof run>;
let badDate: ReturnType<typeof run>;
beforeAll(() => {
  equal = run("--date", "2026-11-27", "--json");
  doubled = run("--date", "2026-11-27", "--json", "--scenario", "double");
  badDate = run("--date", "2026-13-01");
});
afterAll(() => Promise.all([equal, doubled, badDate]));

describe("npm run reconcile:local", () => {
  it("--json prints each declared check's counts for the date; equal counts pass (exit 0)", async () => {
    const r = await equal;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      runDate: "2026-11-27",
      checks: [
        { id: "orders", athenaRows: 100, bigqueryRows: 100, difference: 0, stale: false, passed: true },
      ],
    });
  });

  it("a doubled load fails with exit 2 and the reason", async () => {
    const r = await doubled;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0]).toMatchObject({
      bigqueryRows: 200,
      difference: 100,
      passed: false,
      reasons: ["excess-load"],
    });
  });

  it("refuses a malformed date with a clear message and its usage line (exit 2)", async () => {
    const r = await badDate;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run reconcile:local -- /m);
    expect(r.stderr).toContain('--date: must be YYYY-MM-DD (got "2026-13-01")');
  });
});
