/**
 * `npm run preview [-- --env dev]`: the main job, no cloud account needed.
 * Synthesizes one environment as configured (its real backend and account guard), copies its AWS
 * stack to `.preview/<stack>/` and plans that copy offline: local state and no credential checks,
 * both by override files in the copy only; init (through /opt/tf-plugins when present), plan
 * (which validates first), and the plan's summary. `cdktf.out/stacks/<stack>` is left exactly as synthesized, so a
 * real `terraform plan` there still refuses the wrong account.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { awsStackName } from "../stacks/names";
import { cliArgs } from "./lib/args";
import { countChanges, type PlanJson } from "./lib/plan-json";
import { init, OFFLINE_AWS_ENV, prepareOfflinePlanDir, TerraformError, terraform } from "./lib/terraform";
import { TS_FLAGS } from "./lib/ts-flags";

const ROOT = resolve(__dirname, "..");

const { values: opts } = cliArgs({
  command: "npm run preview --",
  summary:
    "Synthesizes one environment, then runs terraform init/validate/plan offline on a copy of its AWS stack.",
  flags: {
    env: {
      type: "string",
      description: "environment to preview (as in config)",
      default: process.env.STACK_ENV || "dev",
      placeholder: "name",
    },
    "work-dir": {
      type: "string",
      description: "where the plan copy goes (<work-dir>/<stack>: plan.txt, plan.json)",
      default: ".preview",
      placeholder: "dir",
    },
  },
});

function main(): number {
  const envName = opts.env;
  if (envName.includes(",")) {
    console.error(`preview: --env takes one environment, got "${envName}"`);
    return 2;
  }
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const t0 = Date.now();
  const synth = spawnSync(process.execPath, [...TS_FLAGS, join(ROOT, "main.ts")], {
    stdio: "inherit",
    env: { ...process.env, STACK_ENV: envName, CDKTF_OUTDIR: outdir },
  });
  if (synth.status !== 0) return synth.status ?? 1;
  const t1 = Date.now();
  const prefix = readPrefix(outdir, envName);
  const stack = awsStackName(prefix, envName);
  const dir = prepareOfflinePlanDir(join(outdir, "stacks", stack), join(opts["work-dir"], stack));
  console.log(`synth: ${((t1 - t0) / 1000).toFixed(1)} s; planning a copy in ${relative(".", dir) || "."}`);

  init(dir, { env: OFFLINE_AWS_ENV });
  const t2 = Date.now();
  console.log(`init: ${((t2 - t1) / 1000).toFixed(1)} s`);
  // No separate `validate`: plan validates first and stops with the same diagnostics.
  const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"], {
    cwd: dir,
    env: OFFLINE_AWS_ENV,
  });
  writeFileSync(join(dir, "plan.txt"), plan.stdout);
  const json = terraform(["show", "-json", "tfplan"], { cwd: dir, env: OFFLINE_AWS_ENV }).stdout;
  writeFileSync(join(dir, "plan.json"), json);
  const t3 = Date.now();
  printSummary(stack, JSON.parse(json) as PlanJson);
  console.log(
    `plan: ${((t3 - t2) / 1000).toFixed(1)} s; full plan in ${join(dir, "plan.txt")}, JSON in plan.json`,
  );
  return 0;
}

function readPrefix(outdir: string, envName: string): string {
  const manifest = JSON.parse(readFileSync(resolve(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  const name = Object.keys(manifest.stacks).find((s) => s.endsWith(`-aws-${envName}`));
  if (!name) throw new TerraformError(`no AWS stack for ${envName} in ${outdir}/manifest.json`);
  return name.slice(0, -`-aws-${envName}`.length);
}

function printSummary(stack: string, plan: PlanJson) {
  const c = countChanges(plan);
  const byType = new Map<string, number>();
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.actions.includes("create")) byType.set(rc.type, (byType.get(rc.type) ?? 0) + 1);
  }
  console.log(`\n${stack}: Plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy.`);
  const rows = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [type, n] of rows) console.log(`  ${String(n).padStart(4)}  ${type}`);
  console.log("");
}

try {
  process.exitCode = main();
} catch (e) {
  if (e instanceof TerraformError) {
    console.error(e.message);
    process.exitCode = 1;
  } else throw e;
}
