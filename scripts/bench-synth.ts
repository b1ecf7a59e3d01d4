/**
 * `npm run bench:synth [-- --runs 5]`: how close a synth of every stack comes to the cost of
 * loading cdktf. Runs `node -e "require('cdktf')"` (the floor) and `node --require ./scripts/lib/ts-hook.cjs main.ts`
 * (all stacks, into a temporary folder) alternately, after one unmeasured warm-up synth, and
 * reports the median wall-time ratio, the CPU-time ratio (steadier on a busy machine) and the
 * synth's peak RSS. Exits 1 when the wall ratio is over --target-ratio or the RSS over --max-rss-mb.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cliArgs } from "./lib/args";
import { TS_FLAGS } from "./lib/ts-flags";

const ROOT = resolve(__dirname, "..");
const RUSAGE = join(__dirname, "lib", "rusage.cjs");

const { values: opts } = cliArgs({
  command: "npm run bench:synth --",
  summary: "Synth of all stacks as a multiple of loading cdktf (wall and CPU), and its peak RSS.",
  flags: {
    runs: {
      type: "number",
      description: "measured runs of each",
      default: 5,
      min: 1,
      max: 50,
      integer: true,
    },
    "target-ratio": { type: "number", description: "fail above this wall-time ratio", default: 8, min: 1 },
    "max-rss-mb": {
      type: "number",
      description: "fail above this peak RSS of the synth",
      default: 400,
      min: 1,
    },
  },
});

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
}

const work = mkdtempSync(join(tmpdir(), "dp-bench-synth-"));
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.once("SIGINT", () => {
  cleanup();
  process.exit(130);
});
process.once("SIGTERM", () => {
  cleanup();
  process.exit(143);
});

function measure(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const rusage = join(work, "rusage.json");
  rmSync(rusage, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--require", RUSAGE, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env, RUSAGE_FILE: rusage },
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`${label} failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  }
  const u = JSON.parse(readFileSync(rusage, "utf8")) as { cpuMs: number; maxRssKb: number };
  return { wallMs, ...u };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function main(): number {
  const synthEnv = { CDKTF_OUTDIR: join(work, "out"), STACK_ENV: "", STATE: "" };
  const synthArgs = [...TS_FLAGS, "main.ts"];
  const floorArgs = ["-e", "require('cdktf')"];
  const load0 = loadavg()[0];
  const warm = measure("warm-up synth", synthArgs, synthEnv);
  const floor: Sample[] = [];
  const synth: Sample[] = [];
  for (let i = 0; i < opts.runs; i++) {
    floor.push(measure("require('cdktf')", floorArgs));
    synth.push(measure("synth", synthArgs, synthEnv));
  }
  const f = { wall: median(floor.map((s) => s.wallMs)), cpu: median(floor.map((s) => s.cpuMs)) };
  const s = { wall: median(synth.map((x) => x.wallMs)), cpu: median(synth.map((x) => x.cpuMs)) };
  const ratio = s.wall / f.wall;
  const cpuRatio = s.cpu / f.cpu;
  const rssMb = Math.max(...synth.map((x) => x.maxRssKb)) / 1024;
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(`synth of all stacks vs require('cdktf'), median of ${opts.runs} (warm-up ${ms(warm.wallMs)})`);
  console.log(`  require('cdktf'):  wall ${ms(f.wall)}, cpu ${ms(f.cpu)}`);
  console.log(`  synth:             wall ${ms(s.wall)}, cpu ${ms(s.cpu)}, peak RSS ${rssMb.toFixed(0)} MB`);
  console.log(
    `  ratio:             wall ${ratio.toFixed(1)} (target <= ${opts["target-ratio"]}), cpu ${cpuRatio.toFixed(1)}`,
  );
  console.log(`  load average:      ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on this machine`);
  const failures = [
    ratio > opts["target-ratio"] ? `wall ratio ${ratio.toFixed(1)} > ${opts["target-ratio"]}` : "",
    rssMb > opts["max-rss-mb"] ? `peak RSS ${rssMb.toFixed(0)} MB > ${opts["max-rss-mb"]} MB` : "",
  ].filter(Boolean);
  if (failures.length > 0) {
    console.error(`bench:synth: over target: ${failures.join("; ")}`);
    return 1;
  }
  console.log("bench:synth: within target");
  return 0;
}

try {
  process.exitCode = main();
} finally {
  cleanup();
}
