import { TerraformStack, Testing } from "cdktf";
import { synthesize } from "../../test/helpers/stack";
import { CI_VARIABLES, type DeploymentEnvironment, GithubRepository, type GithubRepositoryProps } from ".";

const vars = Object.fromEntries(
  CI_VARIABLES.map((v) => [v, `value-of-${v}`]),
) as DeploymentEnvironment["variables"];
const env = (name: string, protectedEnvironment: boolean, users: string[] = []): DeploymentEnvironment => ({
  name,
  protectedEnvironment,
  reviewers: { users, teams: [] },
  variables: vars,
});

function make(over: Partial<GithubRepositoryProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "github");
  new GithubRepository(stack, "repository", {
    repository: "example-org/data-platform",
    environments: [env("dev", false), env("prod", true, ["alice"])],
    ...over,
  });
  return synthesize(stack);
}

describe("GithubRepository", () => {
  it("protects main (reviews, required checks, no force push) with the default of one approval", () => {
    const bp = make().one("github_branch_protection");
    expect(bp).toMatchObject({ pattern: "main", enforce_admins: true, allows_force_pushes: false });
    expect(bp.required_pull_request_reviews[0].required_approving_review_count).toBe(1);
    expect(bp.required_status_checks[0].contexts).toEqual(["test", "plan result"]);
  });

  it("lets a protected environment deploy from main only, after a reviewer who is not the author", () => {
    const s = make();
    const prod = Object.values(s.of("github_repository_environment")).find((e) => e.environment === "prod");
    expect(prod.prevent_self_review).toBe(true);
    expect(prod.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true,
    });
    expect(s.one("github_repository_environment_deployment_policy").branch_pattern).toBe("main");
  });

  it("sets each CI variable per environment under `<NAME>_<ENV>`", () => {
    const names = Object.values(make().of("github_actions_variable")).map((v) => v.variable_name);
    expect(names).toHaveLength(CI_VARIABLES.length * 2);
    expect(names).toContain("AWS_PLAN_ROLE_ARN_PROD");
  });

  it("reports every invalid prop at once, naming field and value", () => {
    expect(() =>
      make({
        repository: "data-platform",
        requiredApprovals: 0,
        environments: [env("prod", true), env("prod", true, ["bob"])],
      }),
    ).toThrow(
      'GithubRepository repository: repository: "owner/name" (got "data-platform"); requiredApprovals: an integer from 1 to 6, GitHub\'s range (got 0); prod.github.reviewers: a protected environment needs at least one reviewer; prod: the environment is listed twice',
    );
  });
});
