/**
 * Scripts refuse what they do not understand (exit 2, the error and a usage line) instead of
 * silently running with defaults, and answer --help. Each runs in its own process, in parallel.
 */
import { execFile } from "node:child_process";
import { ROOT } from "./helpers/synth";

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, STACK_ENV: "" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

const TS = [
  "scripts/preview.ts",
  "scripts/bench-synth.ts",
  "scripts/plan-summary.ts",
  "scripts/local-aws.ts",
  "scripts/docs.ts",
  "scripts/docs-diff.ts",
  "scripts/ops.ts",
  "scripts/curate-local.ts",
  "scripts/reconcile-local.ts",
  "scripts/docs-config.ts",
  "scripts/bench-config.ts",
  "scripts/limits-report.ts",
  "scripts/plan-moves.ts",
];
/**
 * --help in a process of its own for two scripts: ops (its own top-level help) and preview. The
 * others print the same scripts/lib/args.ts help (scripts/lib/args.test.ts runs cliArgs in a
 * process; docs.test.ts checks docs' flags in-process): a process each would only cost time.
 */
const HELP = ["scripts/preview.ts", "scripts/ops.ts"];
const JS = [
  "scripts/stack-matrix.js",
  "scripts/validate-workflows.js",
  "scripts/scan-secrets.js",
  "scripts/prelude.js",
];
const command = (script: string, ...args: string[]) =>
  script.endsWith(".ts") ? ["--import", "tsx", script, ...args] : [script, ...args];

jest.setTimeout(120_000);

// Every run starts at once; each test awaits its own.
const runs = new Map<string, ReturnType<typeof run>>();
const runOnce = (args: string[]) => {
  const key = JSON.stringify(args);
  if (!runs.has(key)) runs.set(key, run(args));
  return runs.get(key)!;
};
const ALL = [
  ...[...TS, ...JS].map((s) => command(s, "--definitely-not-a-flag")),
  ...HELP.map((s) => command(s, "--help")),
  command("scripts/curate-local.ts", "daily_revenu", "--date", "2026-01-01"),
  command("scripts/preview.ts", "--env", "dev,prod"),
  command("scripts/bench-synth.ts", "--runs", "0"),
  command("scripts/limits-report.ts", "abc"),
];
beforeAll(() => {
  for (const args of ALL) runOnce(args);
});

it.each([...TS, ...JS])("%s refuses an unknown flag with exit 2 and its usage line", async (script) => {
  const r = await runOnce(command(script, "--definitely-not-a-flag"));
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
  expect(r.stderr).toMatch(/unknown option '--definitely-not-a-flag'/i);
  expect(r.stderr).toMatch(/^usage: /m);
});

it.each(HELP)("%s answers --help with its options and exit 0", async (script) => {
  const r = await runOnce(command(script, "--help"));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^usage: /m);
  expect(r.stdout).toContain("-h, --help");
});

it("npm run preview refuses a bad value before synthesizing: --env takes one environment", async () => {
  const r = await runOnce(command("scripts/preview.ts", "--env", "dev,prod"));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--env takes one environment, got "dev,prod"');
});

it("bench:synth refuses a nonsense run count", async () => {
  const r = await runOnce(command("scripts/bench-synth.ts", "--runs", "0"));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--runs: 0 is below the minimum 1");
});

it("limits refuses a source count that is not a whole number (was NaN sources)", async () => {
  const r = await runOnce(command("scripts/limits-report.ts", "abc"));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('<sources> must be a whole number >= 1 (got "abc")');
  expect(r.stderr).toMatch(/^usage: npm run -s limits -- /m);
});

it("curate:local refuses an unknown transform, naming the known ones, before starting anything", async () => {
  const r = await runOnce(command("scripts/curate-local.ts", "daily_revenu", "--date", "2026-01-01"));
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown transform "daily_revenu" \(config\/transforms\.ts has: .*daily_revenue/);
  expect(r.stderr).toMatch(/^usage: npm run curate:local -- /m);
});
