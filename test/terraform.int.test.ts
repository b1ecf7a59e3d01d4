/**
 * Terraform itself checks what we synthesize: `validate` on every AWS stack (and bootstrap)
 * through the offline provider mirror, and an offline `plan` of the dev AWS stack.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countChanges, type PlanJson } from "../scripts/lib/plan-json";
import { renderSummary } from "../scripts/lib/plan-summary";
import {
  init,
  OFFLINE_AWS_ENV,
  terraform,
  terraformBinary,
  writeOfflineOverride,
} from "../scripts/lib/terraform";
import { ROOT, synthApp } from "./helpers/synth";

jest.setTimeout(600_000);

describe("terraform on the synthesized AWS stacks", () => {
  beforeAll(() => {
    // Fails with "Terraform was not found ... Install Terraform >= 1.10" when it is missing.
    terraformBinary();
  });

  it("synthesizes dp-github, dp-bootstrap-*, dp-aws-* and dp-gcp-* for all three environments, with no machine path in any file", () => {
    const { stacks, outdir } = synthApp();
    // The policy pack ran and every environment is clean.
    const report = JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"));
    expect(report.rules.length).toBeGreaterThanOrEqual(30);
    expect(report.violations).toEqual([]);
    expect(stacks.sort()).toEqual(
      [
        "dp-github",
        "dp-bootstrap-dev",
        "dp-bootstrap-stg",
        "dp-bootstrap-prod",
        "dp-aws-dev",
        "dp-aws-prod",
        "dp-aws-stg",
        "dp-gcp-dev",
        "dp-gcp-prod",
        "dp-gcp-stg",
      ].sort(),
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

  it("validates every AWS stack", () => {
    const { outdir, stacks } = synthApp();
    const aws = stacks.filter((s) => s.includes("-bootstrap-") || s.includes("-aws-"));
    expect(aws).toHaveLength(6);
    for (const stack of aws) {
      const dir = join(outdir, "stacks", stack);
      init(dir, { backend: false });
      const out = terraform(["validate", "-json", "-no-color"], { cwd: dir, okCodes: [0, 1] });
      const result = JSON.parse(out.stdout) as {
        valid: boolean;
        diagnostics: { summary: string; detail?: string }[];
      };
      expect({
        stack,
        valid: result.valid,
        diagnostics: result.diagnostics.filter((d) => d.summary && result.valid === false),
      }).toEqual({
        stack,
        valid: true,
        diagnostics: [],
      });
    }
  });

  it("plans stg and prod offline too (their S3 backend swapped for local state by an override file, never in their code)", () => {
    const { outdir } = synthApp({ STACK_ENV: "stg,prod" });
    for (const stack of ["dp-aws-stg", "dp-aws-prod"]) {
      const dir = join(outdir, "stacks", stack);
      expect(
        Object.keys(JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")).terraform.backend),
      ).toEqual(["s3"]);
      writeFileSync(
        join(dir, "local_backend_override.tf.json"),
        JSON.stringify({ terraform: { backend: { local: {} } } }),
      );
      writeOfflineOverride(dir);
      init(dir, { env: OFFLINE_AWS_ENV });
      terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"], {
        cwd: dir,
        env: OFFLINE_AWS_ENV,
      });
      const plan = JSON.parse(
        terraform(["show", "-json", "tfplan"], { cwd: dir, env: OFFLINE_AWS_ENV }).stdout,
      ) as PlanJson;
      expect({ stack, ...countChanges(plan) }).toMatchObject({ stack, change: 0, destroy: 0 });
      expect(countChanges(plan).add).toBeGreaterThan(100);
    }
  });

  it("npm run preview (the main job) plans the dev AWS stack offline on local state, without credentials", () => {
    const outdir = mkdtempSync(join(tmpdir(), "dp-preview-"));
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, STACK_ENV: "" };
    for (const k of Object.keys(env)) if (k.startsWith("AWS_")) delete env[k];
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/preview.ts"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({
      status: 0,
      stderr: "",
    });
    expect(run.stdout).toMatch(/dp-aws-dev: Plan: \d+ to add, 0 to change, 0 to destroy\./);
    const dir = join(outdir, "stacks", "dp-aws-dev");
    expect(JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")).terraform.backend).toHaveProperty(
      "local",
    );
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as PlanJson;
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
});
