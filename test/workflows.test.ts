/** The workflows keep the promises the README makes: keyless, minimal permissions, ordered applies. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(__dirname, "..", ".github");
const read = (p: string) => readFileSync(join(dir, p), "utf8");
const all = [
  ...readdirSync(join(dir, "workflows")).map((f) => `workflows/${f}`),
  "actions/setup/action.yml",
  "actions/cloud-auth/action.yml",
];

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

  it("plan: PR-scoped concurrency, minimal permissions, matrix from the synth manifest, sticky comment", () => {
    const plan = read("workflows/plan.yml");
    expect(plan).toMatch(/permissions:\n {2}contents: read\n {2}pull-requests: write\n {2}id-token: write\n/);
    expect(plan).toContain("group: plan-${{ github.event.pull_request.number }}");
    expect(plan).toContain("node scripts/stack-matrix.js");
    expect(plan).toContain("matrix: ${{ fromJson(needs.synth.outputs.matrix) }}");
    expect(plan).toContain("npm run -s plan:summary --");
    expect(plan).toContain("updateComment");
  });

  it("apply: dev -> stg -> prod, each in its GitHub environment, never cancelled, applying the saved plan", () => {
    const apply = read("workflows/apply.yml");
    expect(apply).toMatch(
      /stg:\n {4}needs: dev\n(.*\n){1,4} {6}group: apply-stg\n {6}cancel-in-progress: false/,
    );
    expect(apply).toMatch(/prod:\n {4}needs: stg/);
    const env = read("workflows/apply-env.yml");
    expect(env).toContain("environment: ${{ inputs.env }}");
    expect(env).toContain("cancel-in-progress: false");
    expect(env).toMatch(/terraform plan .*-out=tfplan\n\s+terraform apply .*tfplan/);
  });

  it("drift: scheduled and manual, -detailed-exitcode, one issue per stack opened and closed", () => {
    const drift = read("workflows/drift.yml");
    expect(drift).toContain("schedule:");
    expect(drift).toContain("workflow_dispatch:");
    expect(drift).toContain("-detailed-exitcode");
    expect(drift).toContain("Drift detected: ${process.env.STACK}");
    expect(drift).toContain('state: "closed"');
  });

  it("assume cloud identities by OIDC / WIF only", () => {
    const auth = read("actions/cloud-auth/action.yml");
    expect(auth).toContain("role-to-assume: ${{ inputs.aws-role-arn }}");
    expect(auth).toContain("workload_identity_provider: ${{ inputs.gcp-workload-identity-provider }}");
  });
});
