/**
 * Which GitHub job may use which CI identity, written once for AWS trusts, GCP attribute
 * conditions, the repository's OIDC subject template and the workflow tests.
 *
 * The repository's OIDC subject template (GitHub stack) is `repo`, `context`, `job_workflow_ref`,
 * so a token's `sub` reads
 * `repo:<o>/<r>:<context>:job_workflow_ref:<o>/<r>/.github/workflows/<file>@<ref>` where context is
 * `pull_request`, `ref:refs/heads/<branch>` or `environment:<name>`.
 *
 * | identity      | workflow file (job_workflow_ref)              | context               |
 * |---------------|-----------------------------------------------|-----------------------|
 * | ci-plan       | plan.yml@refs/pull/<n>/merge                  | pull_request          |
 * | ci-plan       | drift.yml@refs/heads/main                     | ref:refs/heads/main   |
 * | ci-plan       | apply-env.yml@refs/heads/main (its plan job)  | ref:refs/heads/main   |
 * | ci-apply      | apply-env.yml@refs/heads/main (its apply job) | environment:<env>     |
 */
export const OIDC_SUBJECT_CLAIMS = ["repo", "context", "job_workflow_ref"] as const;
export const MAIN_REF = "refs/heads/main";

/** Workflow files (under `.github/workflows/`) CI identities trust. */
export const CI_WORKFLOWS = {
  /** PR plans and the sticky comment. */
  plan: "plan.yml",
  /** Daily drift detection on main. */
  drift: "drift.yml",
  /** Per environment, on main: plan job (plan identity) then apply job (apply identity). */
  applyEnv: "apply-env.yml",
} as const;

/** `<o>/<r>/.github/workflows/<file>@<ref>` (the `job_workflow_ref` claim). */
export const jobWorkflowRef = (repository: string, file: string, ref: string) =>
  `${repository}/.github/workflows/${file}@${ref}`;

const sub = (repository: string, context: string, file: string, ref: string) =>
  `repo:${repository}:${context}:job_workflow_ref:${jobWorkflowRef(repository, file, ref)}`;

/** `sub` values the plan role trusts (the only wildcard: the pull request number). */
export function planSubjects(repository: string): string[] {
  return [
    sub(repository, "pull_request", CI_WORKFLOWS.plan, "refs/pull/*/merge"),
    sub(repository, `ref:${MAIN_REF}`, CI_WORKFLOWS.drift, MAIN_REF),
    sub(repository, `ref:${MAIN_REF}`, CI_WORKFLOWS.applyEnv, MAIN_REF),
  ];
}

/** The one `sub` the apply role of `environment` trusts. */
export function applySubject(repository: string, environment: string): string {
  return sub(repository, `environment:${environment}`, CI_WORKFLOWS.applyEnv, MAIN_REF);
}
