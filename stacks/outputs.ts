/**
 * Stack outputs: the names scripts and people use (`terraform output -raw ci_plan_role_arn`).
 *
 * One table per stack kind is the contract. Every output is created at its stack's root with a
 * static id, so its name is exactly the key below: no construct path, no hash, and it does not
 * change when the construct behind it moves, is renamed, or is wrapped in another construct.
 * Modules expose typed properties; only stacks declare outputs, and only from these tables.
 *
 * The tables are printed into README.md ("Stack outputs") by `npm run docs:config`; a test keeps
 * the two identical.
 * (Plain-Terraform note: these are root-module `output` blocks with the same names.)
 */
import { TerraformOutput, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

export interface OutputSpec {
  /** What the value is and its format, shown by `terraform output` and in the README. */
  readonly description: string;
  /** When the output exists, if not always. @default - always */
  readonly when?: string;
}

/** `<prefix>-aws-<env>` */
export const AWS_OUTPUTS = {
  vpc_id: { description: "VPC id (`vpc-…`)" },
  private_subnet_ids: { description: "Private subnet ids, one per availability zone (list of `subnet-…`)" },
  raw_bucket: { description: "S3 bucket name of the raw layer (ingestion writes `<prefix>/dt=YYYY-MM-DD/`)" },
  curated_bucket: { description: "S3 bucket name of the curated layer (Iceberg tables)" },
  athena_results_bucket: { description: "S3 bucket name of Athena query results" },
  access_logs_bucket: { description: "S3 bucket name of the server access logs" },
  iics_staging_bucket: {
    description: "S3 bucket name IICS stages files in",
    when: "`aws.dataLake.iicsStaging`",
  },
  raw_database: { description: "Glue database of the raw tables (one per source)" },
  curated_database: { description: "Glue database of the curated Iceberg tables" },
  athena_workgroup: { description: "Athena workgroup name (encrypted results, scan cutoff)" },
  settings_table: {
    description: "DynamoDB settings table name (source, transform, check items; run records)",
  },
  alarm_topic_arn: { description: "SNS topic ARN every alarm notifies" },
  timestream_database: { description: "Timestream database name", when: "`aws.timestream.enabled`" },
  timestream_table: { description: "Timestream table of run metrics", when: "`aws.timestream.enabled`" },
  ingest_function_name: { description: "Ingestion Lambda name", when: "`aws.ingest.enabled`" },
  ingest_role_arn: {
    description: "Ingestion Lambda role ARN (trusted by the GCP WIF aws provider)",
    when: "`aws.ingest.enabled`",
  },
  curate_state_machine_arn: {
    description: 'Curate state machine ARN: start it with `{"transform": "<id>", "runDate": "YYYY-MM-DD"}`',
    when: "`aws.curate.enabled` and at least one transform",
  },
  curate_function_name: {
    description: 'Curate Lambda name: invoke with `{"transform", "runDate"}` to start a manual run',
    when: "`aws.curate.enabled` and at least one transform",
  },
  reconcile_function_name: {
    description: "Reconcile Lambda name",
    when: "BigQuery reconcile checks declared",
  },
  reconcile_role_arn: {
    description: "Reconcile Lambda role ARN (the only AWS principal the GCP WIF aws provider admits)",
    when: "BigQuery reconcile checks declared",
  },
  ci_plan_role_arn: { description: "CI plan role ARN (repository variable `AWS_PLAN_ROLE_ARN_<ENV>`)" },
  ci_apply_role_arn: { description: "CI apply role ARN (repository variable `AWS_APPLY_ROLE_ARN_<ENV>`)" },
  agent_instance_id: {
    description: "Secure Agent host instance id (`i-…`)",
    when: "`aws.agentHost.enabled`",
  },
  agent_start_session: {
    description: "Command that opens a shell on the Secure Agent host through Session Manager",
    when: "`aws.agentHost.enabled`",
  },
} as const satisfies Record<string, OutputSpec>;

/** `<prefix>-bootstrap-<env>` */
export const BOOTSTRAP_OUTPUTS = {
  state_bucket: { description: "S3 bucket name of the environment's remote state" },
  state_kms_key_arn: { description: "ARN of the state KMS key" },
  lock_table: { description: "DynamoDB lock table name", when: '`state.lock: "dynamodb"`' },
} as const satisfies Record<string, OutputSpec>;

/** `<prefix>-gcp-<env>` */
export const GCP_OUTPUTS = {
  staging_dataset_id: { description: "BigQuery dataset of the staging layer (`projects/<p>/datasets/<d>`)" },
  dwh_dataset_id: { description: "BigQuery dataset of the dwh layer (`projects/<p>/datasets/<d>`)" },
  mart_dataset_id: { description: "BigQuery dataset of the mart layer (`projects/<p>/datasets/<d>`)" },
  table_ids: { description: "BigQuery table ids per `<layer>.<table>` (map)", when: "tables declared" },
  iics_service_account: {
    description: "IICS service account email (create its key outside Terraform, see README)",
  },
  reconcile_service_account: { description: "Service account the reconcile Lambda impersonates" },
  ci_plan_service_account: { description: "Service account CI plans as" },
  ci_apply_service_account: { description: "Service account CI applies as" },
  github_wif_provider: { description: "WIF provider resource name for google-github-actions/auth" },
  aws_wif_provider: { description: "WIF provider resource name for the reconcile Lambda" },
} as const satisfies Record<string, OutputSpec>;

/** Each stack kind's output table, in README order. */
export const OUTPUT_CONTRACTS = {
  "<prefix>-aws-<env>": AWS_OUTPUTS,
  "<prefix>-bootstrap-<env>": BOOTSTRAP_OUTPUTS,
  "<prefix>-gcp-<env>": GCP_OUTPUTS,
} as const;

/**
 * Declare a stack's outputs from its contract. `undefined` values (a disabled capability) are
 * skipped; a name outside the contract does not typecheck. Created at the stack root whatever
 * `scope` is given, with a static id: the name is the contract key.
 */
export function declareOutputs<C extends Record<string, OutputSpec>>(
  scope: IConstruct,
  contract: C,
  values: { readonly [K in keyof C]?: unknown },
): TerraformOutput[] {
  const stack = TerraformStack.of(scope);
  const out: TerraformOutput[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const spec = contract[name];
    if (!spec) throw new Error(`outputs.${name}: not in the stack's output contract`);
    out.push(new TerraformOutput(stack, name, { value, description: spec.description, staticId: true }));
  }
  return out;
}

/** The README table of one contract. */
export function outputsTable(contract: Record<string, OutputSpec>): string {
  const rows = Object.entries(contract).map(
    ([name, s]) => `| \`${name}\` | ${s.description} | ${s.when ?? "always"} |`,
  );
  return ["| output | value | exists when |", "|---|---|---|", ...rows].join("\n");
}

/** Marker lines of the README's "Stack outputs" block. */
export const OUTPUTS_MARKERS = ["<!-- outputs:start -->", "<!-- outputs:end -->"] as const;

/** The README "Stack outputs" block: one table per stack kind. */
export function outputsReadme(): string {
  return Object.entries(OUTPUT_CONTRACTS)
    .map(([stack, contract]) => `**\`${stack}\`**\n\n${outputsTable(contract)}`)
    .join("\n\n");
}
