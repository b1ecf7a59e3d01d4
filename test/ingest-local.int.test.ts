/**
 * The newcomer's command: `npm run ingest:local -- <sourceId...>` lands files without AWS. Three
 * processes, started at once: one end-to-end run of two sources (a config/sources.ts entry and a
 * README recipe: one set of servers, one handler load) that leaves nothing behind, an unknown id
 * and a bad value (refused before the configuration, the AWS SDK or a server is loaded: with
 * `--keep`, a started run would leave its folder). An unknown flag is refused the same way by every
 * script (test/scripts-args.test.ts).
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { TS_FLAGS } from "../scripts/lib/ts-flags";
import { ROOT } from "./helpers/synth";
import { tempDir } from "./helpers/temp";

jest.setTimeout(120_000);

const run = (...args: string[]) => {
  // The script's temporary folder goes here, where the test can look for it.
  const tmp = tempDir("ingest-local-run-");
  return new Promise<{ status: number; stdout: string; stderr: string; left: string[] }>((resolve) => {
    execFile(
      process.execPath,
      [...TS_FLAGS, "scripts/ingest-local.ts", ...args],
      {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: "WARN", TMPDIR: tmp },
      },
      (error, stdout, stderr) =>
        resolve({
          status: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          // What it left in its temporary folder.
          left: readdirSync(tmp),
        }),
    );
  });
};

let both: ReturnType<typeof run>;
let unknown: ReturnType<typeof run>;
let notANumber: ReturnType<typeof run>;
beforeAll(() => {
  both = run("demo_orders", "salesforce_accounts", "--records", "600");
  unknown = run("nope", "--keep");
  notANumber = run("demo_orders", "--records", "abc", "--keep");
});
// Every process has ended before the file does (tempDir removal, no stray children).
afterAll(() => Promise.all([both, unknown, notANumber]));

describe("one run of a configured source and a README recipe", () => {
  it("runs a configured source end to end and shows what landed", async () => {
    const r = await both;
    expect({ status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ status: 0, stderr: "" });
    const demo = r.stdout.slice(
      r.stdout.indexOf("demo_orders summary:"),
      r.stdout.indexOf("salesforce_accounts summary:"),
    );
    expect(demo).toContain('"records": 600');
    // Its servers' files are gone (no --keep).
    expect(r.left).toEqual([]);
    expect(r.stdout).toMatch(/saas\/demo_orders\/dt=\d{4}-\d{2}-\d{2}\/part-.*\.jsonl\.gz/);
    expect(r.stdout).toMatch(/saas\/demo_orders\/dt=\d{4}-\d{2}-\d{2}\/_manifest-.*\.json/);
  });

  it("runs a README recipe (OAuth2 client credentials, relative next URL) against the demo API's copy of that API", async () => {
    const r = await both;
    expect(r.status).toBe(0);
    const salesforce = r.stdout.slice(r.stdout.indexOf("salesforce_accounts summary:"));
    expect(salesforce).toMatch(/^salesforce_accounts summary: \{[^}]*"records": 600,/);
    expect(r.stdout).toMatch(/saas\/salesforce_accounts\/dt=\d{4}-\d{2}-\d{2}\/part-.*\.jsonl\.gz/);
    expect(r.stdout).toMatch(/first records of saas\/salesforce_accounts\/.*\n {2}\{[^\n]*"Id":"r0"/);
  });
});

it("names the configured sources when the id is unknown", async () => {
  const r = await unknown;
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('unknown sourceId "nope" (config/sources.ts has: demo_orders, demo_customers)');
  expect(r.stderr).toContain("README recipes: stripe_customers, salesforce_accounts,");
  expect(r.left).toEqual([]);
});

it("refuses a bad value before starting anything (no NaN record count)", async () => {
  const r = await notANumber;
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--records/);
  expect(r.stderr).toMatch(/abc/);
  expect(r.left).toEqual([]);
});
