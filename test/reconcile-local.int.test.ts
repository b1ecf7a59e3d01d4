/** `npm run reconcile:local` end to end, as a data engineer runs it from a fresh clone. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { TSX_FLAGS } from "../scripts/lib/tsx";
import { ROOT } from "./helpers/synth";

jest.setTimeout(120_000);

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [...TSX_FLAGS, "scripts/reconcile-local.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", NODE_NO_WARNINGS: "1" },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

describe("npm run reconcile:local", () => {
  it("--json prints each declared check's counts for the date; equal counts pass (exit 0)", async () => {
    const r = await run("--date", "2026-11-27", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      runDate: "2026-11-27",
      checks: [
        { id: "orders", athenaRows: 100, bigqueryRows: 100, difference: 0, stale: false, passed: true },
      ],
    });
  });

  it("a doubled load fails with exit 2 and the reason", async () => {
    const r = await run("--date", "2026-11-27", "--json", "--scenario", "double");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0]).toMatchObject({
      bigqueryRows: 200,
      difference: 100,
      passed: false,
      reasons: ["excess-load"],
    });
  });

  it("refuses a malformed date with a clear message and its usage line (exit 2)", async () => {
    const r = await run("--date", "2026-13-01");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run reconcile:local -- /m);
    expect(r.stderr).toContain('--date: must be YYYY-MM-DD (got "2026-13-01")');
  });
});
