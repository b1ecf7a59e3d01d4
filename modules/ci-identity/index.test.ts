import { Testing } from "cdktf";
import { loadListOnly } from "../../config";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { sources } from "../../config/sources";
import { AwsStack } from "../../stacks/aws-stack";
import { awsTestStack, statements, synthesize } from "../../test/helpers/stack";
import { CiIdentity, type CiIdentityProps } from ".";
import { MANAGED_SERVICES, RUNTIME_SERVICES } from "./perms";
import { applySubject, planSubjects } from "./subjects";

const env = loadEnvironments(structuredClone(environments)).find((e) => e.name === "stg")!;
const s = synthesize(new AwsStack(Testing.app(), "dp-aws-stg", { env, sources: [...loadListOnly(sources)] }));
const role = (name: string) => Object.values(s.of("aws_iam_role")).find((r) => r.name === name);
const trust = (name: string) => JSON.parse(role(name).assume_role_policy).Statement[0];
const SUB = "token.actions.githubusercontent.com:sub";
const REPO = "example-org/data-platform";

describe("CiIdentity trusts name the job", () => {
  it("apply: only the apply-env workflow on main, in its own GitHub environment (exact match)", () => {
    expect(trust("dp-stg-ci-apply").Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        [SUB]: [
          `repo:${REPO}:environment:stg:job_workflow_ref:${REPO}/.github/workflows/apply-env.yml@refs/heads/main`,
        ],
      },
    });
    expect(applySubject(REPO, "stg")).not.toContain("*");
  });

  it("plan: PRs only in plan.yml; drift and the apply-env plan job only on main", () => {
    expect(trust("dp-stg-ci-plan").Condition.StringLike[SUB]).toEqual([
      `repo:${REPO}:pull_request:job_workflow_ref:${REPO}/.github/workflows/plan.yml@refs/pull/*/merge`,
      `repo:${REPO}:ref:refs/heads/main:job_workflow_ref:${REPO}/.github/workflows/drift.yml@refs/heads/main`,
      `repo:${REPO}:ref:refs/heads/main:job_workflow_ref:${REPO}/.github/workflows/apply-env.yml@refs/heads/main`,
    ]);
    // The only wildcard is the pull request number.
    for (const sub of planSubjects(REPO)) expect(sub.replace("refs/pull/*/merge", "")).not.toContain("*");
  });
});

describe("CiIdentity permissions", () => {
  it("plan: ReadOnlyAccess and nothing else attached; apply: no AWS managed admin policy at all", () => {
    const attached = Object.values(s.of("aws_iam_role_policy_attachment")).map((a) => a.policy_arn);
    expect(attached).toContain("arn:aws:iam::aws:policy/ReadOnlyAccess");
    expect(attached.filter((a) => /AdministratorAccess|PowerUserAccess|IAMFullAccess/.test(a))).toEqual([]);
  });

  it("every role of the stack carries the environment's permissions boundary", () => {
    const roles = Object.values(s.of("aws_iam_role"));
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const r of roles) {
      expect({ role: r.name, boundary: r.permissions_boundary }).toEqual({
        role: r.name,
        boundary: "arn:aws:iam::222222222222:policy/dp-stg-boundary",
      });
    }
  });

  it("the boundary's ceiling covers every action any role of the stack is granted (no run-time surprise)", () => {
    const ceiling = new Set([...MANAGED_SERVICES, ...RUNTIME_SERVICES, "iam", "s3"]);
    const boundary = statements(s.one("aws_iam_policy", "boundary").policy);
    const allowed = boundary.find((x: any) => x.Sid === "Ceiling").Action.map((a: string) => a.split(":")[0]);
    expect(new Set(allowed)).toEqual(ceiling);
    const granted = Object.values(s.of("aws_iam_role_policy"))
      .flatMap((p) => statements(p.policy))
      .filter((x: any) => x.Effect === "Allow")
      .flatMap((x: any) => [x.Action].flat())
      .map((a: string) => a.split(":")[0]);
    expect([...new Set(granted)].filter((svc) => !ceiling.has(svc))).toEqual([]);
  });

  it("the boundary denies roles without it, users and keys, editing it, admin policies and CI trust changes", () => {
    const b = statements(s.one("aws_iam_policy", "boundary").policy);
    const sid = (id: string) => b.find((x: any) => x.Sid === id);
    expect(sid("DenyRolesWithoutThisBoundary")).toMatchObject({
      Effect: "Deny",
      Condition: {
        StringNotEquals: { "iam:PermissionsBoundary": "arn:aws:iam::222222222222:policy/dp-stg-boundary" },
      },
    });
    expect(sid("DenyRolesWithoutThisBoundary").Action).toEqual(
      expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]),
    );
    expect(sid("DenyEscalation").Action).toEqual(
      expect.arrayContaining(["iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteRolePermissionsBoundary"]),
    );
    expect(sid("DenyEditingTheBoundary").Resource).toBe("arn:aws:iam::222222222222:policy/dp-stg-boundary");
    expect(sid("DenyAdminPolicies").Condition.ArnEquals["iam:PolicyARN"]).toContain(
      "arn:aws:iam::aws:policy/AdministratorAccess",
    );
    expect(sid("DenyCiTrustChanges").Resource).toBe("arn:aws:iam::222222222222:role/dp-stg-ci-*");
  });

  it("apply manages IAM only under the environment's names, S3 only on its buckets", () => {
    const scope = statements(s.one("aws_iam_role_policy", "apply-scope").policy);
    const iam = scope.find((x: any) => x.Sid === "IamEnvironmentRoles");
    expect(iam.Resource).toEqual([
      "arn:aws:iam::222222222222:role/dp-stg-*",
      "arn:aws:iam::222222222222:instance-profile/dp-stg-*",
      "arn:aws:iam::222222222222:policy/dp-stg-*",
    ]);
    expect(scope.find((x: any) => x.Sid === "EnvironmentBuckets").Resource).toEqual([
      "arn:aws:s3:::dp-stg-*",
      "arn:aws:s3:::dp-stg-*/*",
    ]);
    expect(scope.flatMap((x: any) => [x.Action].flat())).not.toContain("iam:*");
  });
});

describe("the apply role covers every resource type the AWS stack manages", () => {
  /** Terraform type prefix -> the IAM service that manages it. */
  const SERVICE_OF: Array<[RegExp, string]> = [
    [
      /^aws_(vpc|subnet|route|internet_gateway|nat_gateway|eip|security_group|default_security_group|instance|ebs_volume|volume_attachment|flow_log|network_acl|key_pair)/,
      "ec2",
    ],
    [/^aws_s3_/, "s3"],
    [/^aws_iam_/, "iam"],
    [/^aws_kms_/, "kms"],
    [/^aws_cloudwatch_(log_|query_)/, "logs"],
    [/^aws_cloudwatch_event_/, "events"],
    [/^aws_cloudwatch_/, "cloudwatch"],
    [/^aws_dynamodb_/, "dynamodb"],
    [/^aws_glue_/, "glue"],
    [/^aws_athena_/, "athena"],
    [/^aws_timestreamwrite_/, "timestream"],
    [/^aws_lambda_/, "lambda"],
    [/^aws_sns_/, "sns"],
    [/^aws_sqs_/, "sqs"],
    [/^aws_ssm_/, "ssm"],
    [/^aws_scheduler_/, "scheduler"],
    [/^aws_sfn_/, "states"],
  ];
  it("maps each type to a managed service (a new type fails here until MANAGED_SERVICES lists it)", () => {
    const { transforms } = require("../../config/curate").loadCurateConfig() as ReturnType<
      typeof import("../../config/curate")["loadCurateConfig"]
    >;
    const full = synthesize(
      new AwsStack(Testing.app(), "dp-aws-prod", {
        env: loadEnvironments(structuredClone(environments)).find((e) => e.name === "prod")!,
        sources: [...loadListOnly(sources)],
        transforms,
      }),
    );
    const managed = new Set<string>([...MANAGED_SERVICES, "iam", "s3"]);
    const unmapped = Object.keys(full.json.resource)
      .map((type) => [type, SERVICE_OF.find(([re]) => re.test(type))?.[1]] as const)
      .filter(([, svc]) => !svc || !managed.has(svc))
      .map(([type, svc]) => `${type} (${svc ?? "no service mapped"})`);
    expect(unmapped).toEqual([]);
    expect(Object.keys(full.json.resource)).toContain("aws_sfn_state_machine");
  });
});

describe("CiIdentity on its own", () => {
  const make = (over: Partial<CiIdentityProps> = {}) => {
    const { stack } = awsTestStack();
    new CiIdentity(stack, "ci", {
      name: "dp-dev",
      environment: "dev",
      accountId: "111111111111",
      region: "ap-northeast-1",
      repository: REPO,
      roleNames: { plan: "dp-dev-ci-plan", apply: "dp-dev-ci-apply" },
      ...over,
    });
    return synthesize(stack);
  };

  it("creates both roles as OIDC-federated roles (no service principal), with the names it is given", () => {
    const out = make();
    const roles = Object.values(out.of("aws_iam_role"));
    expect(roles.map((r) => r.name).sort()).toEqual(["dp-dev-ci-apply", "dp-dev-ci-plan"]);
    for (const r of roles) {
      const t = JSON.parse(r.assume_role_policy).Statement[0];
      expect(t.Principal).toEqual({
        Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
      });
      expect(t.Action).toBe("sts:AssumeRoleWithWebIdentity");
    }
    expect(out.one("aws_iam_openid_connect_provider").client_id_list).toEqual(["sts.amazonaws.com"]);
  });

  it("reports every invalid prop at once, naming prop and value", () => {
    expect(() =>
      make({
        repository: "https://github.com/o/r",
        accountId: "1111",
        roleNames: { plan: "other-ci-plan", apply: "dp-dev-ci-apply" },
      }),
    ).toThrow(
      'CiIdentity test/ci: repository: "owner/name" of the GitHub repository (got "https://github.com/o/r"); accountId: 12 digits (got "1111"); roleNames.plan: must start with "dp-dev-" (the apply role manages only those; got "other-ci-plan")',
    );
  });
});
