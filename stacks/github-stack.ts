/**
 * `<prefix>-github`: the repository's deployment settings (modules/github-repository), on its
 * own state: `github/<stack>.tfstate` in the state store of the most protected environment
 * (`githubHome`; no CI role can reach it: apply roles write only `<env>/*`). Applied by an admin with a GitHub token
 * (`GITHUB_TOKEN` with repository administration), never by CI.
 */
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { PROTECTION_LEVELS } from "../lib/protection";
import { ciServiceAccountEmail, githubWifProviderName } from "../modules/gcp-identity";
import { GithubRepository } from "../modules/github-repository";
import { configureBackend } from "./backend";
import { ciRoleArn } from "./names";

/**
 * The environment whose state store keeps the GitHub stack's state and whose repository it
 * configures: the most protected one (`protection` strict > standard > none, never its name),
 * preferring remote state, the last configured among equals.
 */
export function githubHome<E extends Pick<EnvironmentConfig, "protection" | "state">>(envs: readonly E[]): E {
  if (envs.length === 0) throw new Error("githubHome: needs at least one environment");
  const rank = (e: E) => PROTECTION_LEVELS.indexOf(e.protection) * 2 + (e.state.type === "local" ? 0 : 1);
  return envs.reduce((best, e) => (rank(e) >= rank(best) ? e : best));
}

export interface GithubStackProps {
  /** Every configured environment (all share one repository, checked by config). */
  readonly environments: readonly EnvironmentConfig[];
}

export class GithubStack extends TerraformStack {
  readonly repository: GithubRepository;

  constructor(scope: Construct, id: string, props: GithubStackProps) {
    super(scope, id);
    const envs = props.environments;
    if (envs.length === 0) throw new Error(`${id}: needs at least one environment`);
    const home = githubHome(envs);
    configureBackend(this, id, "github", home.state);
    const [owner] = home.github.repository.split("/");
    new GithubProvider(this, "github", { owner });
    this.repository = new GithubRepository(this, "repository", {
      repository: home.github.repository,
      environments: envs.map((e) => {
        const name = `${e.prefix}-${e.name}`;
        return {
          name: e.name,
          // Deploys only from main, after a reviewer approves: every environment that protects data.
          protectedEnvironment: e.protection !== "none",
          reviewers: e.github.reviewers,
          variables: {
            AWS_PLAN_ROLE_ARN: ciRoleArn(e.aws.accountId, e.prefix, e.name, "plan"),
            AWS_APPLY_ROLE_ARN: ciRoleArn(e.aws.accountId, e.prefix, e.name, "apply"),
            GCP_WIF_PROVIDER: githubWifProviderName(e.gcp.projectNumber, name),
            GCP_PLAN_SA: ciServiceAccountEmail(e.gcp.projectId, "plan"),
            GCP_APPLY_SA: ciServiceAccountEmail(e.gcp.projectId, "apply"),
          },
        };
      }),
    });
  }
}
