/** The newcomer's command: `npm run ingest:local -- <sourceId>` lands files without AWS. */
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers/synth";
import { tempDir } from "./helpers/temp";

jest.setTimeout(120_000);

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/ingest-local.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // The script keeps its local servers' files in a temporary folder it does not remove yet:
    // contain it in one this test removes.
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "WARN", TMPDIR: tempDir("ingest-local-run-") },
  });

it("runs a configured source end to end and shows what landed", () => {
  const r = run("demo_orders", "--records", "1200");
  expect({ status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ status: 0, stderr: "" });
  expect(r.stdout).toContain('"records": 1200');
  expect(r.stdout).toMatch(/saas\/demo_orders\/dt=\d{4}-\d{2}-\d{2}\/part-.*\.jsonl\.gz/);
  expect(r.stdout).toMatch(/saas\/demo_orders\/dt=\d{4}-\d{2}-\d{2}\/_manifest-.*\.json/);
});

it("runs a README recipe (OAuth2 client credentials, relative next URL) against the demo API's copy of that API", () => {
  const r = run("salesforce_accounts", "--records", "1200");
  expect({ status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ status: 0, stderr: "" });
  expect(r.stdout).toContain('"records": 1200');
  expect(r.stdout).toMatch(/saas\/salesforce_accounts\/dt=\d{4}-\d{2}-\d{2}\/part-.*\.jsonl\.gz/);
  expect(r.stdout).toMatch(/"Id":"r0"/);
});

it("names the configured sources when the id is unknown", () => {
  const r = run("nope");
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('unknown sourceId "nope" (config/sources.ts has: demo_orders, demo_customers)');
  expect(r.stderr).toContain("README recipes: stripe_customers, salesforce_accounts,");
});

it("refuses bad flags before starting anything (no NaN record count)", () => {
  const r = run("demo_orders", "--records", "abc");
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--records/);
  expect(r.stderr).toMatch(/abc/);
  const typo = run("demo_orders", "--recods", "10");
  expect(typo.status).toBe(2);
  expect(typo.stderr).toMatch(/recods/);
});
