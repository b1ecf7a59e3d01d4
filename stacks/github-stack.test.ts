/**
 * The GitHub stack (the GitHub provider is not in the offline mirror: synth tests and the policy
 * pack cover it). Names here are the ones the workflows and cloud trusts use.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import { CI_VARIABLES, REQUIRED_CHECKS } from "../modules/github-repository";
import { synthesize } from "../test/helpers/stack";
import { GithubStack, githubHome } from "./github-stack";

const envs = loadEnvironments(structuredClone(environments));
const s = synthesize(new GithubStack(Testing.app(), "dp-github", { environments: envs }));
const byEnv = (type: string) =>
  Object.fromEntries(Object.values(s.of(type)).map((r: any) => [r.environment, r]));

describe("GithubStack", () => {
  it("keeps its own state in the prod account's store, out of every CI role's reach", () => {
    expect(s.json.terraform.backend.s3).toMatchObject({
      bucket: "dp-tfstate-333333333333-apne1",
      key: "github/dp-github.tfstate",
    });
    expect(s.json.provider.github[0]).toEqual({ owner: "example-org" });
    expect(s.text).not.toMatch(/"token"/);
  });

  it("customises the OIDC subject to repo, context and job_workflow_ref", () => {
    expect(s.one("github_actions_repository_oidc_subject_claim_customization_template")).toMatchObject({
      repository: "data-platform",
      use_default: false,
      include_claim_keys: ["repo", "context", "job_workflow_ref"],
    });
  });

  it("creates dev, stg and prod; stg and prod deploy from main only, with required reviewers and no self-review", () => {
    const env = byEnv("github_repository_environment");
    expect(Object.keys(env).sort()).toEqual(["dev", "prod", "stg"]);
    for (const name of ["stg", "prod"]) {
      expect(env[name]).toMatchObject({
        prevent_self_review: true,
        can_admins_bypass: false,
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      });
      expect(env[name].reviewers).toEqual([
        {
          users: [],
          teams: [expect.stringMatching(/^\$\{data\.github_team\.repository_team-platform-leads_\w+\.id\}$/)],
        },
      ]);
    }
    expect(env.dev.deployment_branch_policy).toEqual({
      protected_branches: true,
      custom_branch_policies: false,
    });
    const policies = Object.values(s.of("github_repository_environment_deployment_policy"));
    expect(policies.map((p: any) => p.branch_pattern)).toEqual(["main", "main"]);
    expect(Object.values(s.json.data.github_team).map((t: any) => t.slug)).toEqual(["platform-leads"]);
  });

  it("refuses a protected environment without reviewers, naming it", () => {
    const bad = structuredClone(envs);
    bad.find((e) => e.name === "prod")!.github.reviewers = { users: [], teams: [] };
    expect(() => new GithubStack(Testing.app(), "dp-github", { environments: bad })).toThrow(
      /prod\.github\.reviewers: a protected environment needs at least one reviewer/,
    );
  });

  it("protects main: PR review, the CI and plan checks, no force push or deletion, admins included", () => {
    expect(s.one("github_branch_protection")).toMatchObject({
      repository_id: "data-platform",
      pattern: "main",
      enforce_admins: true,
      allows_force_pushes: false,
      allows_deletions: false,
      required_status_checks: [{ strict: true, contexts: ["test", "plan result"] }],
      required_pull_request_reviews: [
        expect.objectContaining({ required_approving_review_count: 1, dismiss_stale_reviews: true }),
      ],
    });
    // The required checks are real job names of the workflows.
    const gh = (f: string) => readFileSync(join(__dirname, "..", ".github", "workflows", f), "utf8");
    expect(gh("ci.yml")).toContain(`name: ${REQUIRED_CHECKS[0]}`);
    expect(gh("plan.yml")).toContain(`name: ${REQUIRED_CHECKS[1]}`);
  });

  it("sets every variable the workflows read, from config-derived names", () => {
    const vars = Object.fromEntries(
      Object.values(s.of("github_actions_variable")).map((v: any) => [v.variable_name, v.value]),
    );
    expect(Object.keys(vars)).toHaveLength(CI_VARIABLES.length * 3);
    expect(vars).toMatchObject({
      AWS_PLAN_ROLE_ARN_PROD: "arn:aws:iam::333333333333:role/dp-prod-ci-plan",
      AWS_APPLY_ROLE_ARN_STG: "arn:aws:iam::222222222222:role/dp-stg-ci-apply",
      GCP_WIF_PROVIDER_DEV:
        "projects/100000000001/locations/global/workloadIdentityPools/dp-dev-pool/providers/github",
      GCP_PLAN_SA_PROD: "ci-plan@dp-prod-000001.iam.gserviceaccount.com",
      GCP_APPLY_SA_PROD: "ci-apply@dp-prod-000001.iam.gserviceaccount.com",
    });
    // Every variable name a workflow reads is set.
    const dir = join(__dirname, "..", ".github");
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    const used = new Set(
      ["workflows/plan.yml", "workflows/apply-env.yml", "workflows/drift.yml"].flatMap((f) =>
        [...read(f).matchAll(/format\('([A-Z_]+)_\{0\}'/g)].map((m) => m[1]),
      ),
    );
    expect([...used].sort()).toEqual([...CI_VARIABLES].sort());
  });

  it("keeps its state with the most protected environment, whatever the environments are called", () => {
    // Renamed and re-levelled: stg is the strict one; its store holds the GitHub stack's state.
    const [dev, stg, prod] = envs.map((e) => structuredClone(e));
    stg.protection = "strict";
    prod.protection = "standard";
    expect(githubHome([dev, stg, prod]).name).toBe("stg");
    const moved = synthesize(new GithubStack(Testing.app(), "dp-github", { environments: [dev, stg, prod] }));
    expect(moved.json.terraform.backend.s3).toMatchObject({ bucket: "dp-tfstate-222222222222-apne1" });
    // Among equals: remote state over local, then the last configured.
    prod.protection = "strict";
    expect(githubHome([dev, stg, prod]).name).toBe("prod");
    prod.state = { type: "local" };
    expect(githubHome([dev, stg, prod]).name).toBe("stg");
    expect(githubHome([dev]).name).toBe("dev");
  });

  it("protects (main only, reviewers) every environment whose protection is not none", () => {
    const [dev, stg, prod] = envs.map((e) => structuredClone(e));
    dev.protection = "standard";
    dev.github.reviewers = { users: ["octocat"], teams: [] };
    const all = synthesize(new GithubStack(Testing.app(), "dp-github", { environments: [dev, stg, prod] }));
    const policies = Object.values(all.of("github_repository_environment_deployment_policy"));
    expect(policies.map((p: any) => /env-(\w+)_/.exec(p.environment)?.[1]).sort()).toEqual([
      "dev",
      "prod",
      "stg",
    ]);
  });
});
