/**
 * `npm run preview [-- --env dev]`: the main job, no cloud account needed.
 * Synthesizes one environment on local state, then runs Terraform on its AWS stack offline:
 * init (through /opt/tf-plugins when present), validate, plan; prints the plan's summary.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { awsStackName } from "../stacks/names";
import { countChanges, type PlanJson } from "./lib/plan-json";
import { init, OFFLINE_AWS_ENV, TerraformError, terraform, writeOfflineOverride } from "./lib/terraform";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const envName = arg("env") || process.env.STACK_ENV || "dev";
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const t0 = Date.now();
  const synth = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    stdio: "inherit",
    env: { ...process.env, STACK_ENV: envName, STATE: "local", CDKTF_OUTDIR: outdir },
  });
  if (synth.status !== 0) return synth.status ?? 1;
  const t1 = Date.now();
  const prefix = readPrefix(outdir, envName);
  const stack = awsStackName(prefix, envName);
  const dir = join(outdir, "stacks", stack);
  writeOfflineOverride(dir);
  console.log(`synth: ${((t1 - t0) / 1000).toFixed(1)} s -> ${dir}`);

  init(dir, { env: OFFLINE_AWS_ENV });
  terraform(["validate", "-no-color"], { cwd: dir, env: OFFLINE_AWS_ENV });
  const t2 = Date.now();
  console.log(`init + validate: ${((t2 - t1) / 1000).toFixed(1)} s`);
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
  if (!name) throw new Error(`no AWS stack for ${envName} in ${outdir}/manifest.json`);
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
