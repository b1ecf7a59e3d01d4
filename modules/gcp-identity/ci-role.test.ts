/**
 * The GitHub WIF provider's `attribute.ci_role` and attribute condition, evaluated against tokens
 * an honest job and an attacker would present. The CEL is run by translating its few constructs
 * to JavaScript (`x in [..]` on lists; `'k' in assertion`, `&&`, `||`, `?:`, `startsWith` mean
 * the same in both), so the very strings Terraform receives are what is tested.
 */
import { ciRoleExpression, githubAttributeCondition } from ".";

const REPO = "example-org/data-platform";
const ID = "123456789";
const wf = (file: string, ref: string) => `${REPO}/.github/workflows/${file}@${ref}`;

function cel(
  expr: string,
  assertion: Record<string, string>,
  attribute: Record<string, string> = {},
): unknown {
  const js = expr.replace(/(assertion\.\w+) in \[([^\]]*)\]/g, "[$2].includes($1)");
  return new Function("assertion", "attribute", `return (${js});`)(assertion, attribute);
}

function roleOf(claims: Record<string, string>, env = "prod"): string {
  const assertion = { repository: REPO, repository_id: ID, ...claims };
  const role = String(cel(ciRoleExpression(REPO, env), assertion));
  const accepted = cel(githubAttributeCondition(REPO, ID), assertion, { ci_role: role });
  return accepted ? role : "refused";
}

describe("GitHub WIF ci_role", () => {
  it("apply: only apply-env.yml on main in the environment's GitHub environment", () => {
    expect(
      roleOf({
        ref: "refs/heads/main",
        event_name: "push",
        environment: "prod",
        job_workflow_ref: wf("apply-env.yml", "refs/heads/main"),
      }),
    ).toBe("apply");
  });

  it("plan: PRs in plan.yml, drift and the apply-env plan job on main", () => {
    expect(
      roleOf({
        ref: "refs/pull/7/merge",
        event_name: "pull_request",
        job_workflow_ref: wf("plan.yml", "refs/pull/7/merge"),
      }),
    ).toBe("plan");
    expect(
      roleOf({
        ref: "refs/heads/main",
        event_name: "schedule",
        job_workflow_ref: wf("drift.yml", "refs/heads/main"),
      }),
    ).toBe("plan");
    expect(
      roleOf({
        ref: "refs/heads/main",
        event_name: "push",
        job_workflow_ref: wf("apply-env.yml", "refs/heads/main"),
      }),
    ).toBe("plan");
  });

  it("refuses what an attacker would try", () => {
    const attacks: Array<[string, Record<string, string>, string?]> = [
      // A PR branch that edits apply-env.yml and names the prod environment.
      [
        "pr runs apply-env in prod",
        {
          ref: "refs/pull/7/merge",
          event_name: "pull_request",
          environment: "prod",
          job_workflow_ref: wf("apply-env.yml", "refs/pull/7/merge"),
        },
      ],
      // A branch push / dispatch of the apply workflow.
      [
        "branch dispatch of apply-env",
        {
          ref: "refs/heads/evil",
          event_name: "workflow_dispatch",
          environment: "prod",
          job_workflow_ref: wf("apply-env.yml", "refs/heads/evil"),
        },
      ],
      // Another workflow on main naming the environment.
      [
        "other workflow on main in prod",
        {
          ref: "refs/heads/main",
          event_name: "push",
          environment: "prod",
          job_workflow_ref: wf("ci.yml", "refs/heads/main"),
        },
      ],
      // The stg apply job presenting itself to prod's provider.
      [
        "stg apply against prod",
        {
          ref: "refs/heads/main",
          event_name: "push",
          environment: "stg",
          job_workflow_ref: wf("apply-env.yml", "refs/heads/main"),
        },
      ],
      // A PR job outside plan.yml.
      [
        "pr in ci.yml",
        {
          ref: "refs/pull/7/merge",
          event_name: "pull_request",
          job_workflow_ref: wf("ci.yml", "refs/pull/7/merge"),
        },
      ],
      // Drift workflow dispatched from a branch.
      [
        "drift from a branch",
        {
          ref: "refs/heads/evil",
          event_name: "workflow_dispatch",
          job_workflow_ref: wf("drift.yml", "refs/heads/evil"),
        },
      ],
      // Another repository with the same workflow files (fork or re-created namesake).
      [
        "other repository id",
        {
          repository_id: "999",
          ref: "refs/heads/main",
          event_name: "push",
          environment: "prod",
          job_workflow_ref: wf("apply-env.yml", "refs/heads/main"),
        },
      ],
    ];
    const results = attacks.map(([name, claims]) => [name, roleOf(claims)]);
    // The stg apply job is on main in apply-env.yml: against prod it is only a plan (read-only) job.
    expect(Object.fromEntries(results)["stg apply against prod"]).toBe("plan");
    // None of them gets apply; and those not on main nor in plan.yml are refused outright.
    expect(results.filter(([, r]) => r === "apply")).toEqual([]);
    expect(Object.fromEntries(results)).toMatchObject({
      "pr runs apply-env in prod": "refused",
      "branch dispatch of apply-env": "refused",
      "other workflow on main in prod": "refused",
      "pr in ci.yml": "refused",
      "drift from a branch": "refused",
      "other repository id": "refused",
    });
  });
});
