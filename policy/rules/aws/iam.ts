/** IAM rules over identity policies and role trust policies. */
import { list, perResource, stackOf, statementsOf } from "../../helpers";
import type { Json, Rule } from "../../types";

const POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
const allows = (b: Json) => statementsOf(b.policy).filter((s) => s.Effect === "Allow");
const policy = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
/** A role trusting GitHub's OIDC provider under `condition` (rule examples). */
const githubRole = (condition: Json) =>
  stackOf({
    aws_iam_role: {
      r: {
        assume_role_policy: policy([
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: condition,
          },
        ]),
      },
    },
  });

export const iamRules: Rule[] = [
  perResource(
    {
      id: "AWS-IAM-NO-STAR-STAR",
      source: "AWS FSBP IAM.1; Checkov CKV_AWS_1, CKV_AWS_62",
      description: 'No policy allows "*" actions on "*" resources',
      fix: "Grant through the data constructs' grant* methods",
      examples: {
        compliant: stackOf({
          aws_iam_role_policy: {
            p: {
              policy: policy([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }]),
            },
          },
        }),
        nonCompliant: stackOf({
          aws_iam_role_policy: { p: { policy: policy([{ Effect: "Allow", Action: "*", Resource: "*" }]) } },
        }),
      },
    },
    POLICY_TYPES,
    (b) => allows(b).some((s) => list(s.Action).includes("*") && list(s.Resource).includes("*")),
  ),
  perResource(
    {
      id: "AWS-IAM-NO-SERVICE-WILDCARD",
      source: "AWS FSBP IAM.21; Checkov CKV_AWS_290",
      description: 'No policy allows a whole service ("svc:*") on "*" resources',
      fix: "Name the actions and scope the resources",
      examples: {
        compliant: stackOf({
          aws_iam_role_policy: {
            p: { policy: policy([{ Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" }]) },
          },
        }),
        nonCompliant: stackOf({
          aws_iam_role_policy: {
            p: { policy: policy([{ Effect: "Allow", Action: "s3:*", Resource: "*" }]) },
          },
        }),
      },
    },
    POLICY_TYPES,
    (b) => {
      const hit = allows(b).find(
        (s) => list(s.Resource).includes("*") && list(s.Action).some((a) => /^[a-z0-9-]+:\*$/.test(a)),
      );
      return hit ? `allows ${list(hit.Action).join(", ")} on *` : undefined;
    },
  ),
  perResource(
    {
      id: "AWS-IAM-NO-ADMIN-POLICY",
      source: "Checkov CKV_AWS_274; CIS AWS 1.16",
      description: "Workload roles get no administrator-level managed policy",
      fix: "Attach narrow policies; grant through grant* methods",
      examples: {
        compliant: stackOf({
          aws_iam_role_policy_attachment: {
            a: { policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
          },
        }),
        nonCompliant: stackOf({
          aws_iam_role_policy_attachment: {
            a: { policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
          },
        }),
      },
    },
    ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role"],
    (b, _c, _n, type) => {
      const arns = type === "aws_iam_role" ? list(b.managed_policy_arns) : list(b.policy_arn);
      return arns.find((a) => /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/.test(a));
    },
  ),
  perResource(
    {
      id: "AWS-IAM-GITHUB-OIDC-SUB",
      source: "Checkov CKV_AWS_358, CKV_AWS_393",
      description:
        "Roles trusting GitHub's OIDC provider restrict `sub` to this repository (and `aud` to STS)",
      fix: 'Condition StringLike token.actions.githubusercontent.com:sub = "repo:<owner>/<name>:..." and StringEquals aud = sts.amazonaws.com',
      examples: {
        compliant: githubRole({
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:o/r:pull_request" },
        }),
        nonCompliant: githubRole({ StringLike: { "token.actions.githubusercontent.com:sub": "*" } }),
      },
    },
    ["aws_iam_role"],
    (b) => {
      for (const s of statementsOf(b.assume_role_policy)) {
        if (!JSON.stringify(s.Principal ?? "").includes("token.actions.githubusercontent.com")) continue;
        const cond = s.Condition ?? {};
        const subs = [
          ...list(cond.StringEquals?.["token.actions.githubusercontent.com:sub"]),
          ...list(cond.StringLike?.["token.actions.githubusercontent.com:sub"]),
        ];
        const aud = list(cond.StringEquals?.["token.actions.githubusercontent.com:aud"]);
        if (subs.length === 0 || subs.some((v) => !/^repo:[^*/]+\/[^*/:]+:.+/.test(v)))
          return `sub not restricted to one repository (${subs.join(", ") || "none"})`;
        if (!aud.includes("sts.amazonaws.com")) return "aud not restricted to sts.amazonaws.com";
      }
      return undefined;
    },
  ),
];
