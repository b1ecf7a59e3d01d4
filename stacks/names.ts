/** Names agreed between stacks, modules, workflows and tests: each written once, here. */
export const awsStackName = (prefix: string, env: string) => `${prefix}-aws-${env}`;
export const gcpStackName = (prefix: string, env: string) => `${prefix}-gcp-${env}`;
/** The state store of one environment account (bucket, key, lock table). */
export const bootstrapStackName = (prefix: string, env: string) => `${prefix}-bootstrap-${env}`;
/** Repository settings (environments, branch protection, OIDC claims, variables). */
export const githubStackName = (prefix: string) => `${prefix}-github`;
/** The SaaS ingestion Lambda (its schedules are `<function>-<source id>`). */
export const ingestFunctionName = (prefix: string, env: string) => `${prefix}-${env}-saas-ingest`;
/** The curate capability's base name (state machine, function; schedules `<name>-<transform id>`). */
export const curateName = (prefix: string, env: string) => `${prefix}-${env}-curate`;
/** IAM role of the SaaS ingestion Lambda (trusted by the GCP WIF AWS provider). */
export const ingestRoleName = (prefix: string, env: string) => `${prefix}-${env}-saas-ingest`;
/** Alias (without `alias/`) of an environment's state key. */
export const stateKeyAlias = (prefix: string, env: string) => `${prefix}-${env}-tfstate`;
/** IAM role of the BigQuery reconcile Lambda: the only AWS principal the GCP WIF `aws` provider admits. */
export const reconcileRoleName = (prefix: string, env: string) => `${prefix}-${env}-bq-reconcile`;
/** The BigQuery reconcile Lambda (and its schedule). */
export const reconcileFunctionName = (prefix: string, env: string) => `${prefix}-${env}-bq-reconcile`;
/** The settings table (sources, transforms, checks; run records). */
export const settingsTableName = (prefix: string, env: string) => `${prefix}-${env}-settings`;
/** A CI role of an environment account (modules/ci-identity creates it; the GitHub stack publishes its ARN). */
export const ciRoleName = (prefix: string, env: string, kind: "plan" | "apply") =>
  `${prefix}-${env}-ci-${kind}`;
export const ciRoleArn = (accountId: string, prefix: string, env: string, kind: "plan" | "apply") =>
  `arn:aws:iam::${accountId}:role/${ciRoleName(prefix, env, kind)}`;
