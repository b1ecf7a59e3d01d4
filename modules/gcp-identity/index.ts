/**
 * Keyless identities of one GCP environment:
 * - a Workload Identity Federation pool with two providers:
 *   - `github`: GitHub Actions OIDC, accepted only for this repository (`attribute_condition`);
 *     plan service account impersonable by any workflow of the repository, apply service account
 *     only by jobs running in the environment's protected GitHub environment;
 *   - `aws`: the environment's AWS account, accepted only for the role of the BigQuery
 *     reconciliation Lambda, which may impersonate the `bq-reconcile` service account (jobUser on
 *     the project; dataViewer is granted per dataset by the stack);
 * - service accounts for IICS, the AWS functions and CI. No service-account keys are created.
 */
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { InvalidPropsError } from "../../lib/props";
import { NAME_LIMITS } from "../../lib/rules/names";
import { suppress } from "../../lib/suppress";
import { CI_WORKFLOWS, jobWorkflowRef, MAIN_REF } from "../ci-identity/subjects";

/** Predefined (never primitive) roles of the CI service accounts, project-wide by necessity. */
export const CI_PLAN_ROLES = [
  "roles/iam.securityReviewer",
  "roles/bigquery.metadataViewer",
  "roles/cloudkms.viewer",
  "roles/serviceusage.serviceUsageViewer",
  "roles/iam.workloadIdentityPoolViewer",
] as const;
export const CI_APPLY_ROLES = [
  "roles/bigquery.admin",
  "roles/cloudkms.admin",
  "roles/iam.serviceAccountAdmin",
  "roles/iam.workloadIdentityPoolAdmin",
  "roles/resourcemanager.projectIamAdmin",
  "roles/serviceusage.serviceUsageAdmin",
] as const;

/** Pool id of an environment: `<name>-pool` (GCP allows 4 to 32 characters; checked, never cut). */
export const wifPoolId = (name: string) => `${name}-pool`;
export const GITHUB_WIF_PROVIDER_ID = "github";
/** The GitHub WIF provider's resource name, as google-github-actions/auth wants it (project number). */
export const githubWifProviderName = (projectNumber: string, name: string) =>
  `projects/${projectNumber}/locations/global/workloadIdentityPools/${wifPoolId(name)}/providers/${GITHUB_WIF_PROVIDER_ID}`;
/** Email of a CI service account (`ci-plan` / `ci-apply`). */
export const ciServiceAccountEmail = (projectId: string, kind: "plan" | "apply") =>
  `ci-${kind}@${projectId}.iam.gserviceaccount.com`;

/**
 * Why the apply service account holds roles that can reach owner: the stack manages project IAM
 * and its own federation. Only the apply job of apply-env.yml on main, in the environment's
 * GitHub environment (required reviewers for stg and prod), can impersonate it.
 */
const CI_APPLY_OWNER_EQUIVALENT_REASONS: Partial<Record<(typeof CI_APPLY_ROLES)[number], string>> = {
  "roles/resourcemanager.projectIamAdmin":
    "The stack grants project roles through google_project_iam_member; only the reviewed apply job on main can impersonate this account",
  "roles/iam.workloadIdentityPoolAdmin":
    "The stack manages its own federation pool and providers; only the reviewed apply job on main can impersonate this account",
};

export interface GcpIdentityProps {
  /** The environment's GCP project. */
  readonly projectId: string;
  /** e.g. `dp-dev`; pool id is `<name>-pool`. */
  readonly name: string;
  /** Deployment environment name (`dev`, `stg`, `prod`). */
  readonly environment: string;
  /** `owner/name` of the repository CI runs in. */
  readonly githubRepository: string;
  /** Numeric id of that repository (`assertion.repository_id`: survives a rename or a re-created namesake). */
  readonly githubRepositoryId: string;
  /** GitHub environment whose jobs may apply. @default environment */
  readonly githubApplyEnvironment?: string;
  /** AWS account of the reconcile Lambda (12 digits). */
  readonly awsAccountId: string;
  /** IAM role name of the reconcile Lambda: the only AWS principal the `aws` provider admits. */
  readonly reconcileRoleName: string;
  /** Resources to create first (the project's APIs). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/** Account id of the reconcile service account (`bq-reconcile@<project>.iam.gserviceaccount.com`). */
export const RECONCILE_SERVICE_ACCOUNT_ID = "bq-reconcile";
/** Id of the WIF provider for AWS. */
export const AWS_WIF_PROVIDER_ID = "aws";

/** Every problem with the props, naming the prop and the value. */
export function gcpIdentityProblems(p: GcpIdentityProps): string[] {
  const out: string[] = [];
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(p.projectId))
    out.push(
      `projectId: a GCP project id, 6 to 30 lowercase letters, digits and hyphens (got "${p.projectId}")`,
    );
  const pool = wifPoolId(p.name);
  if (!/^[a-z0-9-]{4,32}$/.test(pool) || pool.startsWith("gcp-"))
    out.push(
      `name: the pool id "${pool}" must be 4 to 32 lowercase letters, digits and hyphens, not starting with "gcp-" (got name "${p.name}")`,
    );
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(p.githubRepository))
    out.push(`githubRepository: "owner/name" (got "${p.githubRepository}")`);
  if (!/^\d+$/.test(p.githubRepositoryId))
    out.push(`githubRepositoryId: the repository's numeric id (got "${p.githubRepositoryId}")`);
  if (!/^\d{12}$/.test(p.awsAccountId)) out.push(`awsAccountId: 12 digits (got "${p.awsAccountId}")`);
  if (p.reconcileRoleName.length === 0 || p.reconcileRoleName.length > NAME_LIMITS.iamRole)
    out.push(
      `reconcileRoleName: an IAM role name of 1 to ${NAME_LIMITS.iamRole} characters (got "${p.reconcileRoleName}")`,
    );
  return out;
}

export class GcpIdentity extends Construct {
  readonly pool: IamWorkloadIdentityPool;
  readonly githubProvider: IamWorkloadIdentityPoolProvider;
  readonly awsProvider: IamWorkloadIdentityPoolProvider;
  readonly iics: ServiceAccount;
  /** What the reconcile Lambda acts as in GCP (keyless, through the `aws` provider). */
  readonly reconcile: ServiceAccount;
  readonly ciPlan: ServiceAccount;
  readonly ciApply: ServiceAccount;

  constructor(scope: Construct, id: string, props: GcpIdentityProps) {
    super(scope, id);
    const problems = gcpIdentityProblems(props);
    if (problems.length > 0) throw new InvalidPropsError(`GcpIdentity ${this.node.path}`, problems);
    const project = props.projectId;
    const sa = (sid: string, accountId: string, displayName: string) =>
      new ServiceAccount(this, sid, { project, accountId, displayName, dependsOn: props.dependsOn });
    this.iics = sa("iics", "iics-loader", "IICS loads into BigQuery");
    this.reconcile = sa(
      "bq-reconcile",
      RECONCILE_SERVICE_ACCOUNT_ID,
      "BigQuery reconciliation Lambda (AWS, via WIF, keyless)",
    );
    this.ciPlan = sa("ci-plan", "ci-plan", "GitHub Actions: terraform plan (read-only)");
    this.ciApply = sa("ci-apply", "ci-apply", "GitHub Actions: terraform apply");

    this.pool = new IamWorkloadIdentityPool(this, "pool", {
      project,
      workloadIdentityPoolId: wifPoolId(props.name),
      displayName: `${props.name} federation`.slice(0, 32),
      description: "Keyless access for GitHub Actions and AWS functions",
      dependsOn: props.dependsOn,
    });
    const poolId = this.pool.workloadIdentityPoolId;

    this.githubProvider = new IamWorkloadIdentityPoolProvider(this, "github", {
      project,
      workloadIdentityPoolId: poolId,
      workloadIdentityPoolProviderId: GITHUB_WIF_PROVIDER_ID,
      displayName: "GitHub Actions",
      attributeMapping: githubAttributeMapping(
        props.githubRepository,
        props.githubApplyEnvironment ?? props.environment,
      ),
      // Only this repository (by id and name), and only the jobs that have a CI role at all.
      attributeCondition: githubAttributeCondition(props.githubRepository, props.githubRepositoryId),
      oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
    });
    const awsRoleArn = `arn:aws:sts::${props.awsAccountId}:assumed-role/${props.reconcileRoleName}`;
    this.awsProvider = new IamWorkloadIdentityPoolProvider(this, "aws", {
      project,
      workloadIdentityPoolId: poolId,
      workloadIdentityPoolProviderId: AWS_WIF_PROVIDER_ID,
      displayName: "AWS reconcile function",
      attributeMapping: {
        "google.subject": "assertion.arn",
        "attribute.aws_account": "assertion.account",
        "attribute.aws_role":
          "assertion.arn.contains('assumed-role') ? assertion.arn.extract('{account_arn}assumed-role/') + 'assumed-role/' + assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn",
      },
      attributeCondition: `attribute.aws_role == '${awsRoleArn}'`,
      aws: { accountId: props.awsAccountId },
    });

    const principalSet = (attr: string, value: string) =>
      `principalSet://iam.googleapis.com/${this.pool.name}/attribute.${attr}/${value}`;
    const impersonate = (sid: string, account: ServiceAccount, member: string) =>
      new ServiceAccountIamMember(this, sid, {
        serviceAccountId: account.name,
        role: "roles/iam.workloadIdentityUser",
        member,
      });
    impersonate("ci-plan-wif", this.ciPlan, principalSet("ci_role", "plan"));
    impersonate("ci-apply-wif", this.ciApply, principalSet("ci_role", "apply"));
    impersonate("bq-reconcile-wif", this.reconcile, principalSet("aws_role", awsRoleArn));

    const projectRole = (sid: string, role: string, account: ServiceAccount) =>
      new ProjectIamMember(this, sid, { project, role, member: account.member });
    projectRole("iics-job-user", "roles/bigquery.jobUser", this.iics);
    projectRole("bq-reconcile-job-user", "roles/bigquery.jobUser", this.reconcile);
    for (const role of CI_PLAN_ROLES) projectRole(`ci-plan-${role.split("/")[1]}`, role, this.ciPlan);
    for (const role of CI_APPLY_ROLES) {
      const grant = projectRole(`ci-apply-${role.split("/")[1]}`, role, this.ciApply);
      const reason = CI_APPLY_OWNER_EQUIVALENT_REASONS[role];
      if (reason) suppress(grant, "CI-GCP-NO-OWNER-EQUIVALENT", reason);
    }
  }
}

/**
 * `attribute.ci_role` of a GitHub token: `apply` only for the apply-env workflow on main running in
 * the environment's GitHub environment; `plan` for the plan workflow on pull requests and the
 * drift / apply-env plan jobs on main; `none` otherwise (refused by the attribute condition).
 * The same table as the AWS trusts (`modules/ci-identity/subjects.ts`), read from the claims
 * (`assertion.ref`, `assertion.job_workflow_ref`, `assertion.environment`) rather than `sub`.
 */
export function ciRoleExpression(repository: string, environment: string): string {
  const ref = (file: string) => `'${jobWorkflowRef(repository, file, MAIN_REF)}'`;
  const onMain = `assertion.ref == '${MAIN_REF}'`;
  const apply = [
    onMain,
    `assertion.job_workflow_ref == ${ref(CI_WORKFLOWS.applyEnv)}`,
    `'environment' in assertion`,
    `assertion.environment == '${environment}'`,
  ].join(" && ");
  const prPlan = [
    `assertion.event_name == 'pull_request'`,
    `assertion.job_workflow_ref.startsWith('${repository}/.github/workflows/${CI_WORKFLOWS.plan}@refs/pull/')`,
  ].join(" && ");
  const mainPlan = `${onMain} && assertion.job_workflow_ref in [${ref(CI_WORKFLOWS.drift)}, ${ref(CI_WORKFLOWS.applyEnv)}]`;
  return `(${apply}) ? 'apply' : ((${prPlan}) || (${mainPlan})) ? 'plan' : 'none'`;
}

export function githubAttributeMapping(repository: string, environment: string): Record<string, string> {
  return {
    // google.subject is limited to 127 bytes; the customised `sub` can be longer.
    "google.subject":
      "'gh:' + assertion.repository_id + ':' + assertion.run_id + ':' + assertion.run_attempt",
    "attribute.repository_id": "assertion.repository_id",
    "attribute.ref": "assertion.ref",
    "attribute.job_workflow_ref": "assertion.job_workflow_ref",
    "attribute.ci_role": ciRoleExpression(repository, environment),
  };
}

export function githubAttributeCondition(repository: string, repositoryId: string): string {
  return `assertion.repository_id == '${repositoryId}' && assertion.repository == '${repository}' && attribute.ci_role != 'none'`;
}
