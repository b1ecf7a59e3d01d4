/** Stack names: `<prefix>-<cloud>-<env>`, plus `bootstrap`. */
export const awsStackName = (prefix: string, env: string) => `${prefix}-aws-${env}`;
export const gcpStackName = (prefix: string, env: string) => `${prefix}-gcp-${env}`;
export const BOOTSTRAP_STACK = "bootstrap";
/** IAM role of the SaaS ingestion Lambda (trusted by the GCP WIF AWS provider). */
export const ingestRoleName = (prefix: string, env: string) => `${prefix}-${env}-saas-ingest`;
