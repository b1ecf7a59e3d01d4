/**
 * `npm run bench:config [runs]`: how fast the real app entry (`node --require ./scripts/lib/ts-hook.cjs main.ts`) refuses
 * each configuration mistake of issue #13 (test/fixtures/config-mistakes.ts), alone and all at
 * once. Prints wall and CPU time (median of `runs`, default 3) per mistake; exits 1 when a median
 * wall time is 2 s or more (issue #13: "fails synth in under 2 s"), or a run does not print
 * exactly its one line.
 */
import { cliArgs, refuse, wholeNumber } from "./lib/args";

const CLI = {
  command: "npm run bench:config --",
  summary: "Times how fast main.ts refuses each configuration mistake of issue #13 (target < 2 s).",
  flags: {},
  positionals: { name: "runs", description: "runs per mistake, median reported (default 3)", max: 1 },
};
const { positionals } = cliArgs(CLI);
const runs = wholeNumber(positionals[0], 3, (why) => refuse(CLI, `<runs> ${why}`));

const TARGET_MS = 2_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  // Loaded after the command line is checked (the fixtures load zod and the config schemas).
  const { MISTAKES } =
    require("../test/fixtures/config-mistakes") as typeof import("../test/fixtures/config-mistakes");
  const { runWithMistakes } =
    require("./lib/config-mistakes-run") as typeof import("./lib/config-mistakes-run");
  let failed = false;
  const rows: string[] = [];
  for (const name of [...MISTAKES.map((m) => m.name), "all"]) {
    const results = Array.from({ length: runs }, () => runWithMistakes(name));
    const expected = name === "all" ? MISTAKES.length : 1;
    const ok = results.every(
      (r) =>
        r.status === 1 &&
        r.stdout === "" &&
        r.stderr.trimEnd().split("\n").length === expected + 1 &&
        !/^\s+at /m.test(r.stderr),
    );
    const wall = median(results.map((r) => r.wallMs));
    const cpu = median(results.map((r) => r.cpuMs));
    const slow = wall >= TARGET_MS;
    if (!ok || slow) failed = true;
    rows.push(
      `${name.padEnd(24)} ${wall.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms cpu  ${!ok ? "WRONG OUTPUT" : slow ? "SLOW" : "ok"}`,
    );
  }
  console.log(`config mistakes through main.ts (median of ${runs}; target < ${TARGET_MS} ms wall)`);
  for (const row of rows) console.log(`  ${row}`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
