/**
 * Quotas and name rules the services enforce only at `apply`, checked on the synthesized JSON:
 * - a role has at most 10 managed policies attached (IAM's default quota; 20 with an increase):
 *   ServiceRole overflows grants that do not fit inline into managed policies, so many sources
 *   could pass it;
 * - every name stays within its service's length limit (`lib/rules/names.ts`). Config checks the
 *   names it derives from ids (config/derived-names.ts); this is the backstop for every other
 *   name. Names holding unresolved references are skipped (known only at apply).
 */
import { NAME_LIMITS, type NamedKind } from "../../../lib/rules/names";
import { stackOf } from "../../helpers";
import type { Finding, Rule, RuleContext } from "../../types";

/** IAM: managed policies attached to one role (default quota; adjustable to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;

const ROLE_REF = /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(?:id|name)\}$/;

/** Managed policy ARNs attached to each role, by the role's Terraform address. */
export function managedPoliciesPerRole(ctx: Pick<RuleContext, "resources">): Map<string, string[]> {
  const roles = ctx.resources("aws_iam_role");
  const byLiteral = new Map(roles.map(([name, body]) => [String(body.name ?? name), name]));
  const key = (role: unknown) => {
    const s = String(role);
    const ref = ROLE_REF.exec(s)?.[1];
    return `aws_iam_role.${ref ?? byLiteral.get(s) ?? s}`;
  };
  const out = new Map<string, string[]>();
  const add = (role: unknown, arns: unknown) => {
    const k = key(role);
    out.set(k, [...(out.get(k) ?? []), ...[arns].flat().map(String)]);
  };
  for (const [name, body] of roles) if (body.managed_policy_arns) add(name, body.managed_policy_arns);
  for (const [, body] of ctx.resources("aws_iam_role_policy_attachment")) add(body.role, body.policy_arn);
  for (const [, body] of ctx.resources("aws_iam_role_policy_attachments_exclusive"))
    add(body.role_name, body.policy_arns ?? []);
  for (const [, body] of ctx.resources("aws_iam_policy_attachment"))
    for (const role of [body.roles ?? []].flat()) add(role, body.policy_arn);
  return out;
}

/** Name attributes with a length limit, per resource type. */
export const NAMED_ATTRIBUTES: Record<string, [attribute: string, kind: NamedKind]> = {
  aws_iam_role: ["name", "iamRole"],
  aws_iam_policy: ["name", "iamPolicy"],
  aws_iam_instance_profile: ["name", "instanceProfile"],
  aws_scheduler_schedule: ["name", "schedule"],
  aws_scheduler_schedule_group: ["name", "scheduleGroup"],
  aws_s3_bucket: ["bucket", "bucket"],
  aws_lambda_function: ["function_name", "lambdaFunction"],
  aws_sqs_queue: ["name", "sqsQueue"],
  aws_glue_catalog_database: ["name", "glueDatabase"],
  aws_glue_catalog_table: ["name", "glueTable"],
  aws_cloudwatch_log_group: ["name", "logGroup"],
  aws_dynamodb_table: ["name", "dynamodbTable"],
  aws_kms_alias: ["name", "kmsAlias"],
  aws_sfn_state_machine: ["name", "stateMachine"],
  aws_cloudwatch_event_rule: ["name", "eventRule"],
  aws_cloudwatch_metric_alarm: ["alarm_name", "alarm"],
  aws_sns_topic: ["name", "snsTopic"],
  aws_athena_workgroup: ["name", "athenaWorkgroup"],
  aws_timestreamwrite_database: ["database_name", "timestream"],
  aws_timestreamwrite_table: ["table_name", "timestream"],
  aws_security_group: ["name", "securityGroup"],
  google_bigquery_dataset: ["dataset_id", "bigqueryDataset"],
  google_bigquery_table: ["table_id", "bigqueryTable"],
  google_service_account: ["account_id", "gcpServiceAccountId"],
  google_iam_workload_identity_pool: ["workload_identity_pool_id", "wifPool"],
  google_iam_workload_identity_pool_provider: ["workload_identity_pool_provider_id", "wifProvider"],
  google_kms_key_ring: ["name", "gcpKms"],
  google_kms_crypto_key: ["name", "gcpKms"],
};

function nameFindings(ctx: RuleContext, cloud: "aws_" | "google_"): Finding[] {
  const out: Finding[] = [];
  for (const [type, [attr, kind]] of Object.entries(NAMED_ATTRIBUTES)) {
    if (!type.startsWith(cloud)) continue;
    for (const [name, body] of ctx.resources(type)) {
      const value = body?.[attr];
      if (typeof value !== "string" || value.includes("${")) continue;
      const max = NAME_LIMITS[kind];
      if (value.length > max)
        out.push({
          address: `${type}.${name}`,
          detail: `${attr} "${value}" is ${value.length} characters (at most ${max})`,
        });
    }
  }
  return out;
}

const attach = (n: number) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `a${i}`,
      { role: "${aws_iam_role.r.name}", policy_arn: `arn:aws:iam::111111111111:policy/p${i}` },
    ]),
  );

export const quotaRules: Rule[] = [
  {
    id: "AWS-LIMIT-ROLE-MANAGED-POLICIES",
    source: "IAM quotas: managed policies per role, 10 by default (20 with an increase)",
    description: `A role has at most ${MANAGED_POLICIES_PER_ROLE} managed policies attached`,
    fix: "Merge grants (ServiceRole merges statements and collapses prefixes), grant by prefix instead of per source, or split the capability over two roles",
    check: (ctx) =>
      [...managedPoliciesPerRole(ctx)]
        .filter(([, arns]) => arns.length > MANAGED_POLICIES_PER_ROLE)
        .map(([address, arns]) => ({
          address,
          detail: `${arns.length} managed policies attached (at most ${MANAGED_POLICIES_PER_ROLE})`,
        })),
    examples: {
      compliant: stackOf({
        aws_iam_role: {
          r: { name: "dp-dev-x", managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        },
        aws_iam_role_policy_attachment: attach(9),
      }),
      nonCompliant: stackOf({
        aws_iam_role: {
          r: { name: "dp-dev-x", managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        },
        aws_iam_role_policy_attachment: {
          ...attach(9),
          byName: { role: "dp-dev-x", policy_arn: "arn:aws:iam::111111111111:policy/p10" },
        },
      }),
    },
  },
  {
    id: "AWS-LIMIT-NAME-LENGTH",
    source: "Each service's API reference (IAM role 64, Scheduler 64, S3 63, Step Functions 80, …)",
    description: "Every AWS resource name stays within its service's length limit",
    fix: "Shorten the environment prefix or the id the name is derived from",
    check: (ctx) => nameFindings(ctx, "aws_"),
    examples: {
      compliant: stackOf({
        aws_scheduler_schedule: { s: { name: `dp-prod-saas-ingest-${"x".repeat(44)}` } },
        aws_sfn_state_machine: { m: { name: "${aws_iam_role.r.name}-sfn" } },
      }),
      nonCompliant: stackOf({
        aws_scheduler_schedule: { s: { name: `dp-prod-saas-ingest-${"x".repeat(45)}` } },
      }),
    },
  },
  {
    id: "GCP-LIMIT-NAME-LENGTH",
    source: "GCP API references (service account id 30, WIF pool id 32, BigQuery ids 1024)",
    description: "Every GCP resource id stays within its service's length limit",
    fix: "Shorten the environment prefix or the id the name is derived from",
    check: (ctx) => nameFindings(ctx, "google_"),
    examples: {
      stack: "dp-gcp-dev",
      compliant: stackOf({ google_service_account: { s: { account_id: "bq-reconcile" } } }),
      nonCompliant: stackOf({
        google_iam_workload_identity_pool: { p: { workload_identity_pool_id: "x".repeat(33) } },
      }),
    },
  },
];
