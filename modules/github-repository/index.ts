/**
 * The repository's deployment settings as code (GitHub provider):
 * - the OIDC subject template (`repo`, `context`, `job_workflow_ref`) the cloud trusts match;
 * - one GitHub environment per deployment environment: stg and prod deploy from `main` only and
 *   wait for a required reviewer (self-review prevented); dev deploys from protected branches;
 * - branch protection of `main`: pull requests with an approving review, the required checks
 *   (`test`, `plan result`), no force push, no deletion, admins included;
 * - the repository variables the workflows read (role ARNs, WIF providers, service accounts),
 *   derived from config names, so nobody copies stack outputs by hand.
 */
import { ActionsRepositoryOidcSubjectClaimCustomizationTemplate } from "@cdktf/provider-github/lib/actions-repository-oidc-subject-claim-customization-template";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { BranchProtection } from "@cdktf/provider-github/lib/branch-protection";
import { DataGithubTeam } from "@cdktf/provider-github/lib/data-github-team";
import { DataGithubUser } from "@cdktf/provider-github/lib/data-github-user";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { InvalidPropsError } from "../../lib/props";
import { MAIN_REF, OIDC_SUBJECT_CLAIMS } from "../ci-identity/subjects";

/** Check names main requires (job names in ci.yml and plan.yml). */
export const REQUIRED_CHECKS = ["test", "plan result"] as const;

/** Repository variables the workflows read for one environment (`<NAME>_<ENV>`). */
export const CI_VARIABLES = [
  "AWS_PLAN_ROLE_ARN",
  "AWS_APPLY_ROLE_ARN",
  "GCP_WIF_PROVIDER",
  "GCP_PLAN_SA",
  "GCP_APPLY_SA",
] as const;
export type CiVariable = (typeof CI_VARIABLES)[number];

export interface DeploymentEnvironment {
  readonly name: string;
  /** Deploy only from `main` and require a reviewer. */
  readonly protectedEnvironment: boolean;
  /** GitHub logins / team slugs who approve (required, at least one, when protectedEnvironment). */
  readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
  /** Values of the CI variables for this environment. */
  readonly variables: Record<CiVariable, string>;
}

export interface GithubRepositoryProps {
  /** `owner/name`. */
  readonly repository: string;
  /** One GitHub environment per deployment environment, with its CI variables. */
  readonly environments: readonly DeploymentEnvironment[];
  /** Approving reviews a pull request into main needs. @default 1 */
  readonly requiredApprovals?: number;
}

/** Every problem with the props, naming the field and the value. */
export function githubRepositoryProblems(props: GithubRepositoryProps): string[] {
  const out: string[] = [];
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository))
    out.push(`repository: "owner/name" (got "${props.repository}")`);
  const a = props.requiredApprovals;
  if (a !== undefined && !(Number.isInteger(a) && a >= 1 && a <= 6))
    out.push(`requiredApprovals: an integer from 1 to 6, GitHub's range (got ${a})`);
  const seen = new Set<string>();
  for (const e of props.environments) {
    if (seen.has(e.name)) out.push(`${e.name}: the environment is listed twice`);
    seen.add(e.name);
    if (e.protectedEnvironment && e.reviewers.users.length + e.reviewers.teams.length === 0)
      out.push(`${e.name}.github.reviewers: a protected environment needs at least one reviewer`);
    for (const v of CI_VARIABLES)
      if (!e.variables[v])
        out.push(`${e.name}.variables.${v}: required by the workflows (got "${e.variables[v] ?? ""}")`);
  }
  return out;
}

export class GithubRepository extends Construct {
  readonly environments: Record<string, RepositoryEnvironment> = {};

  constructor(scope: Construct, id: string, props: GithubRepositoryProps) {
    super(scope, id);
    const problems = githubRepositoryProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`GithubRepository ${id}`, problems);
    const repository = props.repository.split("/")[1];

    new ActionsRepositoryOidcSubjectClaimCustomizationTemplate(this, "oidc-subject", {
      repository,
      useDefault: false,
      includeClaimKeys: [...OIDC_SUBJECT_CLAIMS],
    });

    const users = new Map<string, DataGithubUser>();
    const teams = new Map<string, DataGithubTeam>();
    const user = (login: string) =>
      users.get(login) ??
      users.set(login, new DataGithubUser(this, `user-${login}`, { username: login })).get(login)!;
    const team = (slug: string) =>
      teams.get(slug) ??
      teams.set(slug, new DataGithubTeam(this, `team-${slug}`, { slug, summaryOnly: true })).get(slug)!;

    for (const env of props.environments) {
      const reviewers = env.reviewers.users.length + env.reviewers.teams.length > 0;
      const environment = new RepositoryEnvironment(this, `env-${env.name}`, {
        repository,
        environment: env.name,
        preventSelfReview: env.protectedEnvironment,
        canAdminsBypass: !env.protectedEnvironment,
        reviewers: reviewers
          ? [
              {
                users: env.reviewers.users.map((u) => Token.asNumber(user(u).id)),
                teams: env.reviewers.teams.map((t) => Token.asNumber(team(t).id)),
              },
            ]
          : undefined,
        deploymentBranchPolicy: env.protectedEnvironment
          ? { protectedBranches: false, customBranchPolicies: true }
          : { protectedBranches: true, customBranchPolicies: false },
      });
      this.environments[env.name] = environment;
      if (env.protectedEnvironment) {
        new RepositoryEnvironmentDeploymentPolicy(this, `env-${env.name}-main`, {
          repository,
          environment: environment.environment,
          branchPattern: MAIN_REF.replace("refs/heads/", ""),
        });
      }
      for (const name of CI_VARIABLES) {
        new ActionsVariable(this, `var-${name}-${env.name}`, {
          repository,
          variableName: `${name}_${env.name.toUpperCase()}`,
          value: env.variables[name],
        });
      }
    }

    new BranchProtection(this, "main", {
      repositoryId: repository,
      pattern: MAIN_REF.replace("refs/heads/", ""),
      enforceAdmins: true,
      allowsForcePushes: false,
      allowsDeletions: false,
      requireConversationResolution: true,
      requiredStatusChecks: [{ strict: true, contexts: [...REQUIRED_CHECKS] }],
      requiredPullRequestReviews: [
        {
          requiredApprovingReviewCount: props.requiredApprovals ?? 1,
          dismissStaleReviews: true,
          requireLastPushApproval: true,
        },
      ],
    });
  }
}
