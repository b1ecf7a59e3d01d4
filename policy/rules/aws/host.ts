/** Rules over what EC2 hosts (and any workload role) may read and write through their agents. */
import { list, perResource, stackOf, statementsOf } from "../../helpers";
import type { Json, Rule, RuleContext } from "../../types";

const allows = (b: Json) => statementsOf(b.policy).filter((s) => s.Effect === "Allow");
const policy = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** AWS managed policies written for any host: each reaches far beyond what its agent needs. */
export const BROAD_HOST_POLICIES: Record<string, string> = {
  AmazonSSMManagedInstanceCore: "ssm:GetParameter(s) and GetDocument on every resource of the account",
  AmazonEC2RoleforSSM: "deprecated; s3:GetObject/PutObject on every bucket and ssm:GetParameters on *",
  AmazonSSMFullAccess: "full control of Systems Manager",
  CloudWatchAgentServerPolicy: "create and write any log group",
  CloudWatchAgentAdminPolicy: "create and write any log group, write ssm parameters",
};

/** Whether an IAM action pattern (`ssm:GetParameter*`, `ssm:*`, `*`) covers `action`. */
const covers = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);

/** Resources that stand for "everything of the kind" (not one named thing). */
const everything = (r: string, kind: RegExp) => r === "*" || kind.test(r);

const SECRET_READS = [
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ssm:GetParameterHistory",
  "secretsmanager:GetSecretValue",
];
const ALL_PARAMETERS_OR_SECRETS =
  /^arn:aws[a-z-]*:(ssm|secretsmanager):[^:]*:[^:]*:(parameter\/?\*|secret:\*)$/;
const LOG_WRITES = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
const ALL_LOG_GROUPS = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:(\*|log-group:\*(:\*)?)$/;

/** The `aws_iam_role` resource name a reference such as `${aws_iam_role.x.id}` points at. */
const roleRef = (v: unknown) => /\$\{aws_iam_role\.([^.}]+)\./.exec(String(v ?? ""))?.[1];

/**
 * Roles an AWS service assumes (EC2 instance profiles, Lambda, …): workloads, whose credentials sit
 * on a host or in a function. Deployment roles (assumed by CI through OIDC) are out of scope here:
 * creating log groups and parameters is their job.
 */
function workloadRoles(ctx: RuleContext): Set<string> {
  return new Set(
    ctx
      .resources("aws_iam_role")
      .filter(([, b]) => statementsOf(b.assume_role_policy).some((s) => s.Principal?.Service))
      .map(([name]) => name),
  );
}

/** Allow statements of every policy a workload role holds: inline, and customer managed attached. */
function workloadPolicies(ctx: RuleContext): Array<{ address: string; allows: Json[] }> {
  const roles = workloadRoles(ctx);
  const out: Array<{ address: string; allows: Json[] }> = [];
  for (const [name, b] of ctx.resources("aws_iam_role_policy"))
    if (roles.has(roleRef(b.role) ?? ""))
      out.push({ address: `aws_iam_role_policy.${name}`, allows: allows(b) });
  const attached = new Set(
    ctx
      .resources("aws_iam_role_policy_attachment")
      .filter(([, a]) => roles.has(roleRef(a.role) ?? ""))
      .map(([, a]) => /\$\{aws_iam_policy\.([^.}]+)\./.exec(String(a.policy_arn ?? ""))?.[1]),
  );
  for (const [name, b] of ctx.resources("aws_iam_policy"))
    if (attached.has(name)) out.push({ address: `aws_iam_policy.${name}`, allows: allows(b) });
  return out;
}

/** A rule over the Allow statements of workload roles; `bad` returns a detail when one is too wide. */
function workloadRule(meta: Omit<Rule, "check">, bad: (s: Json) => string | undefined): Rule {
  return {
    ...meta,
    check: (ctx) =>
      workloadPolicies(ctx).flatMap(({ address, allows: statements }) => {
        const detail = statements.map(bad).find(Boolean);
        return detail ? [{ address, detail }] : [];
      }),
  };
}

/** A workload role (trusted by EC2) holding `statements` inline, for rule examples. */
const workload = (statements: Json[]) =>
  stackOf({
    aws_iam_role: {
      host: {
        assume_role_policy: policy([
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]),
      },
    },
    aws_iam_role_policy: { p: { role: "${aws_iam_role.host.id}", policy: policy(statements) } },
  });

export const hostRules: Rule[] = [
  perResource(
    {
      id: "AWS-IAM-NO-BROAD-HOST-POLICY",
      source: "project; AWS Systems Manager user guide (custom instance profile); CIS AWS 1.16",
      description:
        "Roles attach no AWS managed host policy (AmazonSSMManagedInstanceCore, CloudWatchAgentServerPolicy, …) that reaches beyond the host's own agents",
      fix: "Grant the scoped agent statements of modules/agent-host/perms.ts instead",
      examples: {
        compliant: stackOf({
          aws_iam_role_policy_attachment: { a: { policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
        }),
        nonCompliant: stackOf({
          aws_iam_role_policy_attachment: {
            a: { policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
          },
        }),
      },
    },
    ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role"],
    (b, _c, _n, type) => {
      const arns = type === "aws_iam_role" ? list(b.managed_policy_arns) : list(b.policy_arn);
      for (const arn of arns) {
        const name = /:policy\/(?:service-role\/)?([^/]+)$/.exec(arn)?.[1];
        if (name && /^arn:aws[a-z-]*:iam::aws:/.test(arn) && BROAD_HOST_POLICIES[name])
          return `${name}: ${BROAD_HOST_POLICIES[name]}`;
      }
      return undefined;
    },
  ),
  workloadRule(
    {
      id: "AWS-IAM-NO-WILDCARD-SECRET-READ",
      source: "project; AWS FSBP IAM.21 (spirit); Checkov CKV_AWS_356",
      description:
        "No workload role (EC2, Lambda, …) reads every SSM parameter or every secret (ssm:GetParameter*, secretsmanager:GetSecretValue on * or parameter/*)",
      fix: "Name the parameters / secrets (e.g. arn:aws:ssm:<region>:<account>:parameter/<prefix>/*)",
      examples: {
        compliant: workload([
          {
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: "arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:dp/saas/demo-*",
          },
        ]),
        nonCompliant: workload([{ Effect: "Allow", Action: "ssm:GetParameter*", Resource: "*" }]),
      },
    },
    (s) => {
      const actions = list(s.Action).filter((a) => SECRET_READS.some((r) => covers(a, r)));
      const wide = list(s.Resource).filter((r) => everything(r, ALL_PARAMETERS_OR_SECRETS));
      return actions.length > 0 && wide.length > 0
        ? `allows ${actions.join(", ")} on ${wide.join(", ")}`
        : undefined;
    },
  ),
  workloadRule(
    {
      id: "AWS-IAM-LOG-WRITES-SCOPED",
      source: "project; Checkov CKV_AWS_290 (write access without constraints)",
      description:
        "No workload role (EC2, Lambda, …) creates or writes every log group (logs:CreateLogGroup / CreateLogStream / PutLogEvents on * or log-group:*)",
      fix: "Create log groups in Terraform (retention, KMS) and grant writes on those groups' ARNs only",
      examples: {
        compliant: workload([
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: "arn:aws:logs:ap-northeast-1:111111111111:log-group:/dp-dev/iics-agent:*",
          },
        ]),
        nonCompliant: workload([
          { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:PutLogEvents"], Resource: "*" },
        ]),
      },
    },
    (s) => {
      const actions = list(s.Action).filter((a) => LOG_WRITES.some((w) => covers(a, w)));
      const wide = list(s.Resource).filter((r) => everything(r, ALL_LOG_GROUPS));
      return actions.length > 0 && wide.length > 0
        ? `allows ${actions.join(", ")} on ${wide.join(", ")}`
        : undefined;
    },
  ),
];
