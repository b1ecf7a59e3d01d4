/** The workflows keep the promises the README makes: keyless, pinned, minimal permissions, reviewed ordered applies. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CI_WORKFLOWS } from "../modules/ci-identity/subjects";

const dir = join(__dirname, "..", ".github");
const read = (p: string) => readFileSync(join(dir, p), "utf8");
const workflows = readdirSync(join(dir, "workflows")).map((f) => `workflows/${f}`);
const all = [...workflows, "actions/setup/action.yml", "actions/cloud-auth/action.yml"];

/** `{ jobId: text }` of a workflow's jobs (two-space keys under `jobs:`). */
function jobsOf(text: string): Record<string, string> {
  const body = text.slice(text.indexOf("\njobs:\n") + 7);
  const out: Record<string, string> = {};
  let current = "";
  for (const line of body.split("\n")) {
    const m = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (m) current = m[1];
    else if (current) out[current] = `${out[current] ?? ""}${line}\n`;
  }
  return out;
}

describe("GitHub workflows", () => {
  it("hold no long-lived credentials anywhere", () => {
    for (const f of all) {
      const text = read(f);
      expect({
        f,
        hit: /AWS_SECRET_ACCESS_KEY|aws-secret-access-key|credentials_json|GOOGLE_CREDENTIALS|secrets\./.exec(
          text,
        )?.[0],
      }).toEqual({ f, hit: undefined });
    }
  });

  it("pin every third-party action to a full commit SHA with its version in a comment", () => {
    const uses = all.flatMap((f) =>
      [...read(f).matchAll(/uses: ([^\s]+)(.*)$/gm)].map((m) => ({ f, ref: m[1], comment: m[2].trim() })),
    );
    const remote = uses.filter((u) => !u.ref.startsWith("./"));
    expect(remote.length).toBeGreaterThan(10);
    for (const u of remote) {
      expect({
        ...u,
        ok: /@[0-9a-f]{40}$/.test(u.ref) && /^# v\d+\.\d+\.\d+$/.test(u.comment),
      }).toMatchObject({
        ok: true,
      });
    }
    // One SHA per action across files (no two versions of the same action).
    const byAction = new Map<string, Set<string>>();
    for (const u of remote) {
      const [name, sha] = u.ref.split("@");
      byAction.set(name, (byAction.get(name) ?? new Set()).add(sha));
    }
    for (const [name, shas] of byAction) expect({ name, versions: shas.size }).toEqual({ name, versions: 1 });
  });

  it("check out without persisting credentials, and run Node 22 or newer", () => {
    for (const f of workflows) {
      const text = read(f);
      const checkouts = text.split("uses: actions/checkout@").slice(1);
      for (const c of checkouts)
        expect({ f, persist: /^.*\n\s+with:\n\s+persist-credentials: false/.test(c) }).toEqual({
          f,
          persist: true,
        });
    }
    const node = /node-version: (\d+)/.exec(read("actions/setup/action.yml"));
    expect(Number(node?.[1])).toBeGreaterThanOrEqual(22);
  });

  it("grant nothing at workflow level and permissions per job", () => {
    for (const f of workflows) {
      const text = read(f);
      expect({ f, top: /\npermissions: \{\}\n/.test(text) }).toEqual({ f, top: true });
      for (const [job, body] of Object.entries(jobsOf(text))) {
        expect({ f, job, perms: /\n? {4}permissions:/.test(body) }).toEqual({ f, job, perms: true });
      }
    }
  });

  it("never let Terraform or the cdktf CLI call home: CHECKPOINT_DISABLE=1 for every workflow that runs them", () => {
    // Terraform directly, or through npm test / synth / docs / preview (the synth runs `terraform version`).
    const runsTerraform = workflows.filter((f) =>
      /\bterraform |\bcdktf\b|npm test|npm run -?s? ?(synth|docs|preview)/.test(read(f)),
    );
    expect(runsTerraform.length).toBeGreaterThanOrEqual(4);
    for (const f of runsTerraform) {
      // Workflow-level env (jobs and the composite actions they call inherit it).
      const env = /^env:\n((?:[ \t]+.*\n)*)/m.exec(read(f))?.[1] ?? "";
      expect({ f, checkpoint: /^ {2}CHECKPOINT_DISABLE: "1"$/m.test(env) }).toEqual({ f, checkpoint: true });
    }
  });

  it("plan: PR-scoped, -lock=false, matrix from the synth manifest, sticky comment, one required result check", () => {
    const plan = read(`workflows/${CI_WORKFLOWS.plan}`);
    expect(plan).toContain("group: plan-${{ github.event.pull_request.number }}");
    expect(plan).toContain("node scripts/stack-matrix.js");
    expect(plan).toContain("terraform plan -input=false -no-color -lock=false -out=tfplan");
    expect(plan).toContain("npm run -s plan:summary --");
    expect(plan).toContain("updateComment");
    expect(plan).toContain("name: plan result");
    expect(plan).not.toMatch(/\n {4}paths:/);
    const jobs = jobsOf(plan);
    expect(jobs.plan).toContain("id-token: write");
    expect(jobs.comment).not.toContain("id-token");
    expect(jobs.synth).not.toContain("id-token");
  });

  it("apply: push to main only, dev -> stg -> prod, never cancelled", () => {
    const apply = read("workflows/apply.yml");
    expect(apply).not.toContain("workflow_dispatch");
    expect(apply).toMatch(/on:\n {2}push:\n {4}branches: \[main\]/);
    expect(apply).toMatch(/stg:\n {4}needs: dev\n/);
    expect(apply).toMatch(/prod:\n {4}needs: stg\n/);
    expect(apply).toContain("cancel-in-progress: false");
    expect(apply).not.toContain("cancel-in-progress: true");
  });

  it("apply-env: plan job saves the plan and writes its summary; apply job in the environment applies exactly that file", () => {
    const env = read(`workflows/${CI_WORKFLOWS.applyEnv}`);
    const jobs = jobsOf(env);
    expect(jobs.plan).not.toMatch(/\n {4}environment:/);
    expect(jobs.plan).toContain("AWS_PLAN_ROLE_ARN_");
    expect(jobs.plan).toContain("terraform plan -input=false -no-color -lock=false -out=tfplan");
    expect(jobs.plan).toMatch(/npm run -s plan:summary -- .*>> "\$GITHUB_STEP_SUMMARY"/);
    expect(jobs.plan).toContain("name: tfplan-${{ matrix.stack }}");
    expect(jobs.apply).toContain("environment: ${{ inputs.env }}");
    expect(jobs.apply).toContain("needs: [stacks, plan]");
    expect(jobs.apply).toContain("AWS_APPLY_ROLE_ARN_");
    expect(jobs.apply).toContain("name: tfplan-${{ matrix.stack }}");
    expect(jobs.apply).toContain("terraform apply -input=false -no-color -lock-timeout=10m tfplan");
    expect(jobs.apply).not.toContain("terraform plan");
    expect(jobs.apply).toContain("fail-fast: false");
    expect(jobs.apply).toContain("cancel-in-progress: false");
    expect(env).not.toContain("fail-fast: true");
  });

  it("drift: scheduled and manual, -detailed-exitcode without a lock, one issue per stack opened and closed", () => {
    const drift = read(`workflows/${CI_WORKFLOWS.drift}`);
    expect(drift).toContain("schedule:");
    expect(drift).toContain("workflow_dispatch:");
    expect(drift).toContain("-lock=false -detailed-exitcode");
    expect(drift).toContain("Drift detected: ${process.env.STACK}");
    expect(drift).toContain('state: "closed"');
  });

  it("assume cloud identities by OIDC / WIF only", () => {
    const auth = read("actions/cloud-auth/action.yml");
    expect(auth).toContain("role-to-assume: ${{ inputs.aws-role-arn }}");
    expect(auth).toContain("workload_identity_provider: ${{ inputs.gcp-workload-identity-provider }}");
  });

  it("publish the design documents and say in the PR comment which sections changed", () => {
    const ci = jobsOf(read("workflows/ci.yml")).test;
    expect(ci).toMatch(/npm run -s docs -- --env "\$env" --synth-dir cdktf\.out/);
    expect(ci).toMatch(/name: design-documents\n\s+path: cdktf\.out\/docs/);
    const plan = jobsOf(read("workflows/plan.yml"));
    expect(plan.synth).toContain("npm run -s docs:diff -- --env");
    expect(plan.synth).toContain('git worktree add --detach ../base "$BASE_SHA"');
    expect(plan.comment).toContain("npm run -s plan:summary -- --notes=design/changes.md");
  });
});
