/**
 * Terraform itself checks what we synthesize through the offline provider mirror: `npm run
 * preview` (an offline plan of dev, as a newcomer runs it), an offline `plan` of stg and prod,
 * `validate` of every bootstrap stack, and the 50-source limits stack (size limits, policy pack,
 * validate).
 *
 * Cheap by construction: the app is synthesized once per run (shared with other test files); the
 * preview starts first, in its own process (it synthesizes dev itself); stg, prod, the bootstrap
 * stacks and the 50-source stack are copies of stack folders made modules of ONE Terraform root,
 * run by ONE `terraform plan` that targets stg and prod: a plan validates the whole configuration
 * first (every module, diagnostics attributed to their file), then plans only the targets, and
 * the AWS provider's large schema loads once for all six stacks instead of once per run. Stacks
 * with the same provider settings share one provider configuration in the root (see
 * prepareOfflineModuleRoot): a diagnostic about it belongs to no single stack and fails them all.
 * Each test awaits its part. Everything runs in one temporary folder, removed (after every Terraform process
 * is stopped) even when a test fails.
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "../policy/engine";
import type { Measurement } from "../policy/limits/measure";
import { countChanges, type PlanJson } from "../scripts/lib/plan-json";
import { renderSummary } from "../scripts/lib/plan-summary";
import {
  initAsync,
  OFFLINE_AWS_ENV,
  OFFLINE_OVERRIDE_FILES,
  prepareOfflineModuleRoot,
  terraformAsync,
  terraformBinary,
} from "../scripts/lib/terraform";
import { TS_FLAGS } from "../scripts/lib/ts-flags";
import { formatLargest, synthWithSources } from "../scripts/limits-report";
import { ROOT, type Synth, sharedSynth, stackJson } from "./helpers/synth";

jest.setTimeout(600_000);

const abort = new AbortController();
const { signal } = abort;
let work: string;
let synth: Synth;
let limits: { dir: string; measurements: Measurement[] };

/** Keeps a job's promise for its test, without an unhandled rejection before the test awaits it. */
const started: Promise<unknown>[] = [];
function track<T>(p: Promise<T>): Promise<T> {
  started.push(p.catch(() => undefined));
  return p;
}

const AWS_ENVS = ["dev", "stg", "prod"];
/** Planned (their counts checked) in the one Terraform root. */
const PLANNED = ["dp-aws-stg", "dp-aws-prod"];
/** Validated only (the plan validates every module first). */
const BOOTSTRAP = AWS_ENVS.map((e) => `dp-bootstrap-${e}`);
const LIMITS = "dp-aws-dev-50-sources";

let preview: Promise<{ code: number; stdout: string; stderr: string }>;
let previewOut: string;
let previewWork: string;
let combined: Promise<ReturnType<typeof readPlanStream> & { status: number; stderr: string }>;

beforeAll(async () => {
  // Fails with "Terraform was not found ... Install Terraform >= 1.10" when it is missing.
  terraformBinary();
  work = mkdtempSync(join(tmpdir(), "dp-terraform-"));

  // npm run preview, the main job, first (it synthesizes dev itself, while the shared synth runs),
  // in its own output folder seeded with a stale stack folder (a synth must remove it) and an old
  // one holding local state (a synth must keep it).
  previewOut = join(work, "preview-out");
  previewWork = join(work, "preview-plans");
  for (const stale of ["dp-aws-gone", "dp-aws-local"]) {
    mkdirSync(join(previewOut, "stacks", stale), { recursive: true });
    writeFileSync(join(previewOut, "stacks", stale, "cdk.tf.json"), "{}");
  }
  writeFileSync(join(previewOut, "stacks", "dp-aws-local", "terraform.tfstate"), "{}");
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: previewOut, STACK_ENV: "" };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_")) delete env[k];
  preview = track(
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [...TS_FLAGS, "scripts/preview.ts", "--work-dir", previewWork],
        { cwd: ROOT, env, signal, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    }),
  );

  synth = sharedSynth();
  limits = await synthWithSources(50, join(work, "limits"));

  // stg and prod planned, the bootstrap stacks and the 50-source stack validated: one root, one
  // init, one plan. Copies only: each copy's S3 backend is dropped (local state in the root) and
  // its AWS provider's credential checks are off; the synthesized folders are not touched.
  const stacks = Object.fromEntries([
    ...[...PLANNED, ...BOOTSTRAP].map((s) => [s, join(synth.outdir, "stacks", s)]),
    [LIMITS, limits.dir],
  ]);
  combined = track(
    (async () => {
      const root = prepareOfflineModuleRoot(join(work, "plan"), stacks);
      await initAsync(root, { env: OFFLINE_AWS_ENV, signal });
      // `plan -json` reports the changes and diagnostics itself: no `show -json`, which loads the
      // provider again. Exit 1 (errors) is read from the diagnostics, per stack.
      const out = await terraformAsync(
        ["plan", "-input=false", "-json", "-lock=false", ...PLANNED.map((s) => `-target=module.${s}`)],
        { cwd: root, env: OFFLINE_AWS_ENV, signal, okCodes: [0, 1] },
      );
      return { status: out.status, stderr: out.stderr, ...readPlanStream(out.stdout) };
    })(),
  );
});

interface Counts {
  add: number;
  change: number;
  destroy: number;
}

/**
 * Reads `terraform plan -json`: the totals (change_summary), the counts per module from each
 * planned_change (as Terraform counts them: a replace adds and destroys), and every diagnostic
 * with the module it belongs to (from its file, `<module>/cdk.tf.json`, or its address), "" when
 * it names neither.
 */
function readPlanStream(jsonLines: string) {
  const diagnostics: { module: string; text: string }[] = [];
  const modules = new Map<string, Counts>();
  let total: (Counts & { import: number }) | undefined;
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line) as {
      type: string;
      changes?: Counts & { remove: number; import: number };
      change?: { resource: { module?: string }; action: string };
      diagnostic?: {
        severity: string;
        summary: string;
        detail?: string;
        address?: string;
        range?: { filename: string };
      };
    };
    if (msg.type === "diagnostic" && msg.diagnostic) {
      const d = msg.diagnostic;
      const module = d.range?.filename.split("/")[0] ?? /^module\.([^.]+)\./.exec(d.address ?? "")?.[1] ?? "";
      diagnostics.push({ module, text: `${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}` });
    }
    if (msg.type === "planned_change" && msg.change) {
      const name = (msg.change.resource.module ?? "").replace(/^module\./, "");
      const c = modules.get(name) ?? { add: 0, change: 0, destroy: 0 };
      const action = msg.change.action;
      if (action === "create" || action === "replace") c.add++;
      if (action === "update") c.change++;
      if (action === "delete" || action === "replace") c.destroy++;
      modules.set(name, c);
    }
    if (msg.type === "change_summary" && msg.changes) {
      const { add, change, remove, import: imported } = msg.changes;
      total = { add, change, destroy: remove, import: imported };
    }
  }
  return { total, modules, diagnostics };
}

/** Diagnostics of these modules (stacks), and whether the run succeeded. */
async function findings(stacks: string[]) {
  const run = await combined;
  return {
    exit: run.status,
    findings: run.diagnostics.filter((d) => stacks.includes(d.module)).map((d) => `${d.module}: ${d.text}`),
    // A diagnostic Terraform attributed to no stack (or wrote to stderr) fails every stack's run.
    unattributed: [
      ...run.diagnostics
        // Not one of the root's stacks: the root's own main.tf.json, or no file at all.
        .filter(
          (d) =>
            ![...PLANNED, ...BOOTSTRAP, LIMITS].includes(d.module) &&
            !(d.module === "" && d.text.startsWith("warning: Resource targeting is in effect")),
        )
        .map((d) => d.text),
      ...(run.status !== 0 && run.stderr.trim() ? [run.stderr.trim()] : []),
    ],
  };
}

afterAll(async () => {
  abort.abort();
  await Promise.all(started);
  if (work) rmSync(work, { recursive: true, force: true });
});

it("synthesizes dp-github, dp-bootstrap-*, dp-aws-* and dp-gcp-* for all three environments, with no machine path in any file", () => {
  const { stacks, outdir } = synth;
  // The policy pack ran and every environment is clean.
  const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
  expect(report.rules.length).toBeGreaterThanOrEqual(30);
  expect(report.violations).toEqual([]);
  expect([...stacks].sort()).toEqual(
    ["dp-github", ...AWS_ENVS.flatMap((e) => [`dp-bootstrap-${e}`, `dp-aws-${e}`, `dp-gcp-${e}`])].sort(),
  );
  for (const stack of stacks) {
    const text = readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
    expect({ stack, root: text.includes(ROOT), outdir: text.includes(outdir) }).toEqual({
      stack,
      root: false,
      outdir: false,
    });
  }
});

it("validates every bootstrap stack (the AWS stacks are validated by their plans)", async () => {
  const run = await combined;
  // The plan validated them: they are modules of the planned root, not targets.
  expect([...run.modules.keys()].filter((m) => m.includes("-bootstrap-"))).toEqual([]);
  expect(await findings(BOOTSTRAP)).toEqual({ exit: 0, findings: [], unattributed: [] });
});

it("plans stg and prod offline too (their S3 backend dropped, local state, in copies, never in their code)", async () => {
  for (const stack of PLANNED) {
    expect(Object.keys(stackJson(synth.outdir, stack).terraform.backend)).toEqual(["s3"]);
  }
  const run = await combined;
  // The plan validated each stack first: no warning either.
  expect(await findings(PLANNED)).toEqual({ exit: 0, findings: [], unattributed: [] });
  // Only the targets were planned, each on its own: nothing to change or destroy.
  expect([...run.modules.keys()].sort()).toEqual([...PLANNED].sort());
  for (const stack of PLANNED) {
    const counts = run.modules.get(stack)!;
    expect({ stack, ...counts }).toMatchObject({ stack, change: 0, destroy: 0 });
    expect(counts.add).toBeGreaterThan(100);
  }
  const add = PLANNED.reduce((n, s) => n + run.modules.get(s)!.add, 0);
  expect(run.total).toEqual({ add, change: 0, destroy: 0, import: 0 });
});

describe("50 sources", () => {
  it("synthesizes within every size limit, passes the policy pack and terraform validate", async () => {
    const { dir, measurements } = limits;
    const over = measurements.filter((m) => m.size > m.limit);
    expect(over).toEqual([]);
    // The largest documents, as the report prints them (the ingest role is the one that grows).
    const largest = formatLargest(measurements);
    expect(largest.join("\n")).toMatch(/roleInlinePolicies .* aws_iam_role\.saas-ingest_role/);
    const inline = measurements.find(
      (m) => m.kind === "roleInlinePolicies" && m.address.includes("saas-ingest_role"),
    );
    expect(inline!.size).toBeLessThanOrEqual(10_240);
    expect(inline!.size).toBeGreaterThan(3_000);

    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    const report = evaluate([{ name: "dp-aws-dev", json }]);
    expect(report.violations).toEqual([]);
    expect(Object.keys(json.resource.aws_scheduler_schedule)).toHaveLength(50);
    expect(Object.keys(json.resource.aws_iam_policy).some((k) => k.includes("overflow"))).toBe(true);

    // Validated by the plan of the shared root (a module there, not a target).
    expect(await findings([LIMITS])).toEqual({ exit: 0, findings: [], unattributed: [] });
  });
});

describe("npm run preview (the main job)", () => {
  it("plans the dev AWS stack offline, without credentials", async () => {
    const run = await preview;
    expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/dp-aws-dev: Plan: \d+ to add, 0 to change, 0 to destroy\./);
    // The plan validated the stack first: no warning either.
    expect(readFileSync(join(previewWork, "dp-aws-dev", "plan.txt"), "utf8")).not.toMatch(/Warning:/);
    const plan = JSON.parse(readFileSync(join(previewWork, "dp-aws-dev", "plan.json"), "utf8")) as PlanJson;
    const counts = countChanges(plan);
    expect(counts.add).toBeGreaterThan(100);
    expect(run.stdout).toContain(`Plan: ${counts.add} to add`);
    expect(counts).toMatchObject({ change: 0, destroy: 0 });
    // The PR comment renderer reads real plan JSON.
    const md = renderSummary([{ label: "dp-aws-dev", plan }]);
    expect(md).toContain(`| \`dp-aws-dev\` | ${counts.add} | 0 | 0 | 0 | 0 | 📝 changes |`);
    expect(md).toContain("aws_instance.iics-agent_instance_");
    // Nothing in the offline plan reads from AWS.
    expect((plan.resource_changes ?? []).filter((rc) => rc.mode === "data")).toEqual([]);
  });

  it("leaves the synthesized stack as synthesized: real backend, account guard, no override file", async () => {
    expect((await preview).code).toBe(0);
    const dir = join(previewOut, "stacks", "dp-aws-dev");
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith("override.tf.json"))).toEqual([]);
    const tf = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    expect(Object.keys(tf.terraform.backend)).toEqual(["s3"]);
    const providers: { allowed_account_ids?: string[] }[] = tf.provider.aws;
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) expect(p.allowed_account_ids).toEqual([expect.stringMatching(/^\d{12}$/)]);
    // The offline flags live only in the plan copy.
    for (const f of OFFLINE_OVERRIDE_FILES) expect(existsSync(join(previewWork, "dp-aws-dev", f))).toBe(true);
  });

  it("its synth removes stack folders it did not produce, but never one holding local state", async () => {
    expect((await preview).code).toBe(0);
    const left = readdirSync(join(previewOut, "stacks")).sort();
    expect(left).toEqual(["dp-aws-dev", "dp-aws-local", "dp-bootstrap-dev", "dp-gcp-dev", "dp-github"]);
    expect((await preview).stdout).toContain("removed stale stack folders: dp-aws-gone");
  });
});
