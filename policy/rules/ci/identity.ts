/**
 * Rules over CI identities (GitHub Actions OIDC on AWS, Workload Identity Federation on GCP):
 * trusts must name the repository context and the workflow file; CI service accounts get no
 * owner-equivalent role; GitHub WIF providers check the repository id and the workflow.
 */
import { list, perResource, stackOf, statementsOf } from "../../helpers";
import type { Json, Rule } from "../../types";

const HOST = "token.actions.githubusercontent.com";
const policy = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const githubRole = (subs: string[]) =>
  stackOf({
    aws_iam_role: {
      r: {
        assume_role_policy: policy([
          {
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::1:oidc-provider/${HOST}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { [`${HOST}:aud`]: "sts.amazonaws.com" },
              StringLike: { [`${HOST}:sub`]: subs },
            },
          },
        ]),
      },
    },
  });
const GOOD_SUB =
  "repo:o/r:environment:prod:job_workflow_ref:o/r/.github/workflows/apply-env.yml@refs/heads/main";

/** `sub` values of every GitHub-OIDC trust statement of a role. */
function githubSubjects(role: Json): string[] | undefined {
  const stmts = statementsOf(role.assume_role_policy).filter((s) =>
    JSON.stringify(s.Principal ?? "").includes(HOST),
  );
  if (stmts.length === 0) return undefined;
  return stmts.flatMap((s) => {
    const c = s.Condition ?? {};
    return [...list(c.StringEquals?.[`${HOST}:sub`]), ...list(c.StringLike?.[`${HOST}:sub`])];
  });
}

/** Context of a `sub` (`pull_request`, `ref:…`, `environment:…`) must hold no wildcard. */
const CONTEXT =
  /^repo:[^*:/]+\/[^*:/]+:(pull_request|ref:refs\/(heads|tags)\/[^*:]+|environment:[^*:]+)(:|$)/;
/** The workflow file must be named exactly (a wildcard only after `@`, e.g. the PR number). */
const WORKFLOW = /:job_workflow_ref:[^*:@]+\/\.github\/workflows\/[^*:@/]+\.ya?ml@[^:]+$/;

/** GCP roles that let their holder become owner of the project (or act as anyone in it). */
export const OWNER_EQUIVALENT_ROLES = [
  "roles/owner",
  "roles/editor",
  "roles/resourcemanager.projectIamAdmin",
  "roles/iam.securityAdmin",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountKeyAdmin",
  "roles/iam.serviceAccountUser",
  "roles/iam.workloadIdentityPoolAdmin",
] as const;

/** Service accounts (logical names) that federated principals may impersonate: CI identities. */
function federatedAccounts(json: Json): Set<string> {
  const out = new Set<string>();
  for (const b of Object.values<Json>(json.resource?.google_service_account_iam_member ?? {})) {
    if (b.role !== "roles/iam.workloadIdentityUser") continue;
    if (!/^principal(Set)?:\/\//.test(String(b.member))) continue;
    const m = /\$\{google_service_account\.([^.}]+)\./.exec(String(b.service_account_id));
    if (m) out.add(m[1]);
  }
  return out;
}

const WIF_BINDING = {
  google_service_account: { ci: { account_id: "ci-apply" } },
  google_service_account_iam_member: {
    wif: {
      service_account_id: "${google_service_account.ci.name}",
      role: "roles/iam.workloadIdentityUser",
      member: "principalSet://iam.googleapis.com/pool/attribute.ci_role/apply",
    },
  },
};

export const ciIdentityRules: Rule[] = [
  perResource(
    {
      id: "CI-AWS-GITHUB-NO-WILDCARD-CONTEXT",
      source: "Checkov CKV_AWS_358; GitHub OIDC hardening guide",
      description:
        "Roles trusting GitHub OIDC name the context of every subject (`repo:o/r:*` admits any branch, PR or environment)",
      fix: "Trust exact subjects from modules/ci-identity/subjects.ts (pull_request, ref:refs/heads/main, environment:<env>)",
      examples: { compliant: githubRole([GOOD_SUB]), nonCompliant: githubRole(["repo:o/r:*"]) },
    },
    ["aws_iam_role"],
    (b) => {
      const subs = githubSubjects(b);
      if (subs === undefined) return undefined;
      const bad = subs.filter((s) => !CONTEXT.test(s));
      return subs.length === 0 || bad.length
        ? `subjects without an exact context: ${bad.join(", ") || "none"}`
        : undefined;
    },
  ),
  perResource(
    {
      id: "CI-AWS-GITHUB-NAMES-WORKFLOW",
      source: "project (GitHub OIDC subject template with job_workflow_ref)",
      description:
        "Roles trusting GitHub OIDC name the workflow file that may assume them (job_workflow_ref)",
      fix: "Customise the repository's subject template (GitHub stack) and trust `…:job_workflow_ref:<o>/<r>/.github/workflows/<file>@<ref>`",
      examples: {
        compliant: githubRole([GOOD_SUB]),
        nonCompliant: githubRole(["repo:o/r:environment:prod"]),
      },
    },
    ["aws_iam_role"],
    (b) => {
      const subs = githubSubjects(b);
      if (subs === undefined) return undefined;
      const bad = subs.filter((s) => !WORKFLOW.test(s));
      return bad.length ? `subjects without an exact workflow file: ${bad.join(", ")}` : undefined;
    },
  ),
  perResource(
    {
      id: "CI-GCP-NO-OWNER-EQUIVALENT",
      source: "CIS GCP 1.5, 1.6; Checkov CKV_GCP_117",
      description:
        "Service accounts that federated (CI) principals impersonate get no owner-equivalent project role",
      fix: "Grant predefined roles narrower than owner; where one is unavoidable, suppress it with the reason",
      examples: {
        compliant: stackOf({
          ...WIF_BINDING,
          google_project_iam_member: {
            m: {
              role: "roles/bigquery.metadataViewer",
              member: "serviceAccount:${google_service_account.ci.email}",
            },
          },
        }),
        nonCompliant: stackOf({
          ...WIF_BINDING,
          google_project_iam_member: {
            m: { role: "roles/owner", member: "serviceAccount:${google_service_account.ci.email}" },
          },
        }),
      },
    },
    ["google_project_iam_member", "google_project_iam_binding"],
    (b, ctx) => {
      if (!(OWNER_EQUIVALENT_ROLES as readonly string[]).includes(b.role)) return undefined;
      const ci = federatedAccounts(ctx.json);
      const members = [b.member, ...(b.members ?? [])].filter(Boolean).map(String);
      const hit = members.find((m) => [...ci].some((sa) => m.includes(`google_service_account.${sa}.`)));
      return hit ? `${b.role} to a CI service account` : undefined;
    },
  ),
  perResource(
    {
      id: "CI-GCP-GITHUB-WIF-NAMES-JOB",
      source: "Checkov CKV_GCP_118, CKV_GCP_125; Google WIF best practices",
      description:
        "GitHub WIF providers check the repository id and map the workflow (job_workflow_ref) into what bindings match",
      fix: "attribute_condition on assertion.repository_id; bind service accounts to attribute.ci_role (modules/gcp-identity)",
      examples: {
        compliant: stackOf({
          google_iam_workload_identity_pool_provider: {
            p: {
              oidc: { issuer_uri: "https://token.actions.githubusercontent.com" },
              attribute_condition: "assertion.repository_id == '1' && attribute.ci_role != 'none'",
              attribute_mapping: {
                "attribute.ci_role":
                  "assertion.job_workflow_ref == 'o/r/.github/workflows/a.yml@refs/heads/main' ? 'apply' : 'none'",
              },
            },
          },
        }),
        nonCompliant: stackOf({
          google_iam_workload_identity_pool_provider: {
            p: {
              oidc: { issuer_uri: "https://token.actions.githubusercontent.com" },
              attribute_condition: "assertion.repository == 'o/r'",
              attribute_mapping: { "attribute.repository": "assertion.repository" },
            },
          },
        }),
      },
    },
    ["google_iam_workload_identity_pool_provider"],
    (b) => {
      const oidc = [b.oidc].flat()[0];
      if (!String(oidc?.issuer_uri ?? "").includes(HOST)) return undefined;
      if (!String(b.attribute_condition ?? "").includes("assertion.repository_id"))
        return "attribute_condition does not check assertion.repository_id";
      const mapping = JSON.stringify(b.attribute_mapping ?? {});
      if (!mapping.includes("job_workflow_ref")) return "no attribute reads assertion.job_workflow_ref";
      return undefined;
    },
  ),
];
