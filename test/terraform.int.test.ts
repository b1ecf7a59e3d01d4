/**
 * Terraform itself checks what we synthesize through the offline provider mirror: an offline
 * `plan` of stg and prod, `npm run preview` (dev), and `validate` on every bootstrap stack.
 *
 * Cheap by construction: the app is synthesized once per run (shared with other test files), and
 * every Terraform run starts in beforeAll on copies of the stack folders, several at a time; each
 * test awaits its own. Everything runs in one temporary folder, removed (after every Terraform
 * process is stopped) even when a test fails.
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
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { countChanges, type PlanJson } from "../scripts/lib/plan-json";
import { renderSummary } from "../scripts/lib/plan-summary";
import {
  initAsync,
  OFFLINE_AWS_ENV,
  OFFLINE_OVERRIDE_FILES,
  prepareOfflinePlanDir,
  terraformAsync,
  terraformBinary,
} from "../scripts/lib/terraform";
import { copyStack, ROOT, type Synth, sharedSynth } from "./helpers/synth";

jest.setTimeout(600_000);

const abort = new AbortController();
const { signal } = abort;
let work: string;
let synth: Synth;

/** At most `limit` jobs at once (each is a chain of Terraform processes). */
function pool(limit: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  return <T>(job: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        running++;
        job()
          .then(resolve, reject)
          .finally(() => {
            running--;
            queue.shift()?.();
          });
      };
      if (running < limit) start();
      else queue.push(start);
    });
}

/** Keeps a job's promise for its test, without an unhandled rejection before the test awaits it. */
const started: Promise<unknown>[] = [];
function track<T>(p: Promise<T>): Promise<T> {
  started.push(p.catch(() => undefined));
  return p;
}

interface Validation {
  valid: boolean;
  diagnostics: { severity: string; summary: string; detail?: string; range?: { filename: string } }[];
}
let validation: Promise<Validation & { stacks: string[] }>;
let plans: Map<string, Promise<ReturnType<typeof changeSummary>>>;
let preview: Promise<{ code: number; stdout: string; stderr: string }>;
let previewOut: string;
let previewWork: string;

const AWS_ENVS = ["dev", "stg", "prod"];

beforeAll(() => {
  // Fails with "Terraform was not found ... Install Terraform >= 1.10" when it is missing.
  terraformBinary();
  work = mkdtempSync(join(tmpdir(), "dp-terraform-"));
  synth = sharedSynth();
  const run = pool(Math.max(2, cpus().length));

  // npm run preview, the main job, in its own output folder seeded with a stale stack folder (a
  // synth must remove it) and an old one holding local state (a synth must keep it).
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
    run(
      () =>
        new Promise((resolve) => {
          execFile(
            process.execPath,
            ["--import", "tsx", "scripts/preview.ts", "--work-dir", previewWork],
            { cwd: ROOT, env, signal, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) =>
              resolve({
                code: error ? Number(error.code ?? 1) : 0,
                stdout: String(stdout),
                stderr: String(stderr),
              }),
          );
        }),
    ),
  );

  // stg and prod: planned offline on copies (local backend + offline provider by override files).
  // `plan -json` reports the counts itself: no `show -json`, which loads the provider again.
  plans = new Map(
    ["dp-aws-stg", "dp-aws-prod"].map((stack) => [
      stack,
      track(
        run(async () => {
          const dir = prepareOfflinePlanDir(join(synth.outdir, "stacks", stack), join(work, "plan", stack));
          await initAsync(dir, { env: OFFLINE_AWS_ENV, signal });
          const out = await terraformAsync(["plan", "-input=false", "-json", "-lock=false"], {
            cwd: dir,
            env: OFFLINE_AWS_ENV,
            signal,
          });
          return changeSummary(out.stdout);
        }),
      ),
    ]),
  );

  // The bootstrap stacks validated in one Terraform run: copies of the stacks become modules of
  // one root, so the (large) AWS provider schema is loaded once. The AWS stacks are not in it:
  // each is planned below (dev by the preview), and a plan validates first and fails on any
  // finding, so validating them again would only load the provider three more times.
  const toValidate = synth.stacks.filter((s) => s.includes("-bootstrap-"));
  validation = track(
    run(async () => {
      const root = join(work, "validate");
      for (const stack of toValidate) copyStack(synth, stack, join(root, stack));
      writeFileSync(
        join(root, "main.tf.json"),
        JSON.stringify({ module: Object.fromEntries(toValidate.map((s) => [s, { source: `./${s}` }])) }),
      );
      await initAsync(root, { backend: false, signal });
      const out = await terraformAsync(["validate", "-json", "-no-color"], {
        cwd: root,
        okCodes: [0, 1],
        signal,
      });
      return { stacks: toValidate, ...(JSON.parse(out.stdout) as Validation) };
    }),
  );
});

/** Counts from `terraform plan -json`'s change_summary message, and its diagnostics (warnings). */
function changeSummary(jsonLines: string): {
  add: number;
  change: number;
  destroy: number;
  diagnostics: string[];
} {
  const diagnostics: string[] = [];
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line) as {
      type: string;
      changes?: { add: number; change: number; remove: number };
      diagnostic?: { severity: string; summary: string; detail?: string };
    };
    if (msg.type === "diagnostic" && msg.diagnostic) {
      const d = msg.diagnostic;
      diagnostics.push(`${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`);
    }
    if (msg.type === "change_summary" && msg.changes) {
      return { add: msg.changes.add, change: msg.changes.change, destroy: msg.changes.remove, diagnostics };
    }
  }
  throw new Error(`no change_summary in terraform plan -json output:\n${jsonLines.slice(-2000)}`);
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

it("validates every bootstrap stack (the AWS stacks are validated by their plans below)", async () => {
  const result = await validation;
  expect(result.stacks.sort()).toEqual(AWS_ENVS.map((e) => `dp-bootstrap-${e}`).sort());
  // As modules, their backends are ignored (a warning); anything else is a finding.
  const findings = result.diagnostics
    .filter((d) => d.summary !== "Backend configuration ignored")
    .map(
      (d) => `${d.severity} in ${d.range?.filename ?? "?"}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`,
    );
  expect({ valid: result.valid, findings }).toEqual({ valid: true, findings: [] });
});

it("plans stg and prod offline too (their S3 backend swapped for local state by an override file in a copy, never in their code)", async () => {
  for (const [stack, pending] of plans) {
    expect(
      Object.keys(
        JSON.parse(readFileSync(join(synth.outdir, "stacks", stack, "cdk.tf.json"), "utf8")).terraform
          .backend,
      ),
    ).toEqual(["s3"]);
    const counts = await pending;
    // The plan validated the stack first: no warning either.
    expect({ stack, ...counts }).toMatchObject({ stack, change: 0, destroy: 0, diagnostics: [] });
    expect(counts.add).toBeGreaterThan(100);
  }
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
