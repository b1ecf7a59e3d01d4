/**
 * Scripts refuse what they do not understand (exit 2, the error and a usage line) instead of
 * silently running with defaults, and answer --help. Every script in scripts/ is covered (the list
 * is read from the folder), each in a real process of its own with its real exit code.
 *
 * They run exactly as `npm run` runs them (package.json's node flags: the repository's TypeScript
 * hook, scripts/lib/ts-flags.ts), plus one preloaded probe. A test checks that every npm script
 * starts its .ts file with those flags.
 *
 * Each process also reports (on a pipe, test/helpers/loaded-packages.cjs) the packages it loaded:
 * a refused command line must not have loaded any package (esbuild at most, to compile a file the
 * hook's cache does not hold yet), so a typo costs about 0.1 s instead of the 1-2 s of loading
 * cdktf, the AWS SDK, DuckDB or zod first.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TS_FLAGS } from "../scripts/lib/ts-flags";
import { ROOT } from "./helpers/synth";

const PROBE = join(__dirname, "helpers", "loaded-packages.cjs");
/** What the TypeScript hook may load: esbuild, for a file its cache does not hold yet. */
const LOADER_PACKAGES = ["esbuild"];

/** Not run here, with the reason. */
const NOT_RUN: Record<string, string> = {
  "cdktf.js": "passes every argument to the cdktf CLI, which checks its own",
  "test.js": "npm test: passes every argument to Jest, which checks its own (and runs the whole suite)",
};

const SCRIPTS = readdirSync(join(ROOT, "scripts"))
  .filter((f) => /\.(ts|js)$/.test(f) && !/\.(d|test)\.ts$/.test(f) && !(f in NOT_RUN))
  .map((f) => `scripts/${f}`)
  .sort();

/** package.json's scripts that run a file of scripts/: file -> node flags before the file. */
const NPM_FLAGS = new Map<string, string[]>();
const npmScripts: Record<string, string> = JSON.parse(
  readFileSync(join(ROOT, "package.json"), "utf8"),
).scripts;
for (const line of Object.values(npmScripts)) {
  const m = /^node ((?:\S+ )*?)(scripts\/\S+\.[jt]s)\b/.exec(line);
  if (m) NPM_FLAGS.set(m[2], m[1].trim().split(/\s+/).filter(Boolean));
}

/** `node` arguments for `script`: npm's flags (the hook's for a .ts file npm does not run), the probe. */
function command(script: string, args: string[]): string[] {
  const flags = NPM_FLAGS.get(script) ?? (script.endsWith(".ts") ? [...TS_FLAGS] : []);
  return [...flags, "--require", PROBE, script, ...args];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Packages under node_modules the process loaded (undefined: it reported none). */
  packages?: string[];
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, STACK_ENV: "", ...env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const out: Buffer[][] = [[], [], []];
    for (const [i, s] of [child.stdout, child.stderr, child.stdio[3]].entries()) {
      (s as NodeJS.ReadableStream).on("data", (b: Buffer) => out[i].push(b));
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const [stdout, stderr, probe] = out.map((b) => Buffer.concat(b).toString("utf8"));
      resolve({ code, stdout, stderr, packages: probe ? JSON.parse(probe) : undefined });
    });
  });
}

jest.setTimeout(120_000);

// Every process is queued at once and run a few at a time; each test awaits its own.
const POOL = 4;
const queue: (() => void)[] = [];
let running = 0;
const runs = new Map<string, Promise<Run>>();
function runOnce(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const key = JSON.stringify([argv, env]);
  let p = runs.get(key);
  if (!p) {
    p = new Promise<void>((start) => {
      queue.push(start);
      pump();
    }).then(() =>
      run(argv, env).finally(() => {
        running--;
        pump();
      }),
    );
    runs.set(key, p);
  }
  return p;
}
function pump() {
  while (running < POOL && queue.length > 0) {
    running++;
    queue.shift()!();
  }
}

const UNKNOWN = "--definitely-not-a-flag";
/** --help in a process of its own for two scripts: ops (its own top-level help) and preview; the
 * others print scripts/lib/args.ts's help (scripts/lib/args.test.ts runs cliArgs in a process). */
const HELP = ["scripts/preview.ts", "scripts/ops.ts"];
const BAD_VALUES: [string, string[], NodeJS.ProcessEnv?][] = [
  ["scripts/curate-local.ts", ["daily_revenu", "--date", "2026-01-01"]],
  ["scripts/preview.ts", ["--env", "dev,prod"]],
  ["scripts/bench-synth.ts", ["--runs", "0"]],
  ["scripts/limits-report.ts", ["abc"]],
  ["scripts/bench-curate.ts", [], { BENCH_RECORDS: "1e3x" }],
];

beforeAll(() => {
  for (const [s, args, env] of BAD_VALUES) runOnce(command(s, args), env);
  for (const s of SCRIPTS) runOnce(command(s, [UNKNOWN]));
  for (const s of HELP) runOnce(command(s, ["--help"]));
});

// No process outlives the file, even when a test failed early.
afterAll(() => Promise.allSettled([...runs.values()]));

it("covers every script in scripts/ (a new script is refused-tested without editing this list)", () => {
  expect(SCRIPTS.length).toBeGreaterThanOrEqual(20);
  for (const name of Object.keys(NOT_RUN)) expect(readdirSync(join(ROOT, "scripts"))).toContain(name);
});

it("every npm script that runs a .ts file loads it with scripts/lib/ts-flags.ts's flags", () => {
  // package.json and cdktf.json name the hook relative to the repository (npm runs scripts there).
  const resolved = (flags: string[]) => flags.map((f) => (f.startsWith("./") ? resolve(ROOT, f) : f));
  const ts = [...NPM_FLAGS].filter(([file]) => file.endsWith(".ts"));
  expect(ts.length).toBeGreaterThanOrEqual(10);
  for (const [file, flags] of ts) {
    expect({ file, hook: resolved(flags.slice(-TS_FLAGS.length)) }).toEqual({ file, hook: TS_FLAGS });
  }
  // main.ts too (npm run synth, and cdktf.json's app for `npx cdktf synth`).
  const synth = /^node ((?:\S+ )*?)main\.ts$/.exec(npmScripts.synth)?.[1].trim().split(/\s+/);
  expect(resolved(synth ?? [])).toEqual(TS_FLAGS);
  const cdktfJson = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  const app = /^node ((?:\S+ )*?)main\.ts$/.exec(cdktfJson.app)?.[1].trim().split(/\s+/);
  expect(resolved(app ?? [])).toEqual(TS_FLAGS);
});

it.each(SCRIPTS)(
  "%s refuses an unknown flag with exit 2 and its usage line, before loading any package",
  async (script) => {
    const r = await runOnce(command(script, [UNKNOWN]));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/unknown option '--definitely-not-a-flag'/i);
    expect(r.stderr).toMatch(/^usage: /m);
    // Checked before anything heavy is loaded: no package (esbuild at most).
    expect(r.packages?.filter((p) => !LOADER_PACKAGES.includes(p))).toEqual([]);
  },
);

it.each(HELP)("%s answers --help with its options and exit 0", async (script) => {
  const r = await runOnce(command(script, ["--help"]));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^usage: /m);
  expect(r.stdout).toContain("-h, --help");
});

it("npm run preview refuses a bad value before synthesizing: --env takes one environment", async () => {
  const r = await runOnce(command("scripts/preview.ts", ["--env", "dev,prod"]));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--env takes one environment, got "dev,prod"');
});

it("bench:synth refuses a nonsense run count", async () => {
  const r = await runOnce(command("scripts/bench-synth.ts", ["--runs", "0"]));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--runs: 0 is below the minimum 1");
});

it("bench:curate refuses a BENCH_RECORDS that is not a number (it was never checked), before loading DuckDB", async () => {
  const r = await runOnce(command("scripts/bench-curate.ts", []), { BENCH_RECORDS: "1e3x" });
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
  expect(r.stderr).toContain('--records: "1e3x" is not a number');
  expect(r.packages?.filter((p) => !LOADER_PACKAGES.includes(p))).toEqual([]);
});

it("limits refuses a source count that is not a whole number (was NaN sources)", async () => {
  const r = await runOnce(command("scripts/limits-report.ts", ["abc"]));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('<sources> must be a whole number >= 1 (got "abc")');
  expect(r.stderr).toMatch(/^usage: npm run -s limits -- /m);
});

it("curate:local refuses an unknown transform, naming the known ones, before starting anything", async () => {
  const r = await runOnce(command("scripts/curate-local.ts", ["daily_revenu", "--date", "2026-01-01"]));
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown transform "daily_revenu" \(config\/transforms\.ts has: .*daily_revenue/);
  expect(r.stderr).toMatch(/^usage: npm run curate:local -- /m);
});
