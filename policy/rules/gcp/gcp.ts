/** GCP rules: BigQuery and IAM. */
import { perResource, stackOf } from "../../helpers";
import type { Rule } from "../../types";

const PUBLIC = /^(allUsers|allAuthenticatedUsers)$|special_group:(allUsers|allAuthenticatedUsers)/;
const IAM_TYPES = [
  "google_project_iam_member",
  "google_project_iam_binding",
  "google_bigquery_dataset_iam_member",
  "google_bigquery_dataset_iam_binding",
  "google_service_account_iam_member",
  "google_service_account_iam_binding",
  "google_kms_crypto_key_iam_member",
  "google_storage_bucket_iam_member",
];
const members = (b: { member?: string; members?: string[] }) =>
  [b.member, ...(b.members ?? [])].filter(Boolean) as string[];
const DS = {
  dataset_id: "d",
  location: "asia-northeast1",
  default_encryption_configuration: { kms_key_name: "k" },
  labels: { environment: "dev", layer: "mart" },
};

export const gcpRules: Rule[] = [
  perResource(
    {
      id: "GCP-BQ-NO-PUBLIC-ACCESS",
      source: "Checkov CKV_GCP_15",
      description: "BigQuery datasets are not readable by allUsers or allAuthenticatedUsers",
      fix: "Grant groups or service accounts, dataset by dataset",
      examples: {
        compliant: stackOf({
          google_bigquery_dataset_iam_member: {
            m: { role: "roles/bigquery.dataViewer", member: "group:g@example.com" },
          },
        }),
        nonCompliant: stackOf({
          google_bigquery_dataset_iam_member: {
            m: { role: "roles/bigquery.dataViewer", member: "allUsers" },
          },
        }),
      },
    },
    [
      "google_bigquery_dataset_iam_member",
      "google_bigquery_dataset_iam_binding",
      "google_bigquery_dataset_access",
      "google_bigquery_dataset",
    ],
    (b, _c, _n, type) => {
      if (type === "google_bigquery_dataset")
        return (b.access ?? []).some(
          (a: { special_group?: string; iam_member?: string }) =>
            PUBLIC.test(`special_group:${a.special_group ?? ""}`) || PUBLIC.test(a.iam_member ?? ""),
        );
      if (type === "google_bigquery_dataset_access")
        return PUBLIC.test(`special_group:${b.special_group ?? ""}`) || PUBLIC.test(b.iam_member ?? "");
      return members(b).some((m) => PUBLIC.test(m));
    },
  ),
  perResource(
    {
      id: "GCP-BQ-CMEK",
      source: "Checkov CKV_GCP_81",
      description: "BigQuery datasets encrypt by default with a customer-managed key",
      fix: "defaultEncryptionConfiguration.kmsKeyName (BigQuery module)",
      examples: {
        compliant: stackOf({ google_bigquery_dataset: { d: DS } }),
        nonCompliant: stackOf({
          google_bigquery_dataset: { d: { ...DS, default_encryption_configuration: undefined } },
        }),
      },
    },
    ["google_bigquery_dataset"],
    (b) => ![b.default_encryption_configuration].flat()[0]?.kms_key_name,
  ),
  perResource(
    {
      id: "GCP-BQ-LABELS",
      source: "project (cost and ownership)",
      description: "BigQuery datasets carry environment and layer labels",
      fix: "labels { environment, layer }",
      examples: {
        compliant: stackOf({ google_bigquery_dataset: { d: DS } }),
        nonCompliant: stackOf({ google_bigquery_dataset: { d: { ...DS, labels: {} } } }),
      },
    },
    ["google_bigquery_dataset"],
    (b) => !(b.labels?.environment && b.labels?.layer),
  ),
  perResource(
    {
      id: "GCP-IAM-NO-PRIMITIVE-ROLES",
      source: "Checkov CKV_GCP_117; CIS GCP 1.5",
      description: "No owner/editor/viewer (primitive) roles",
      fix: "Use predefined roles, as narrow as the task",
      examples: {
        compliant: stackOf({
          google_project_iam_member: {
            m: { role: "roles/bigquery.jobUser", member: "serviceAccount:a@p.iam.gserviceaccount.com" },
          },
        }),
        nonCompliant: stackOf({
          google_project_iam_member: {
            m: { role: "roles/editor", member: "serviceAccount:a@p.iam.gserviceaccount.com" },
          },
        }),
      },
    },
    IAM_TYPES,
    (b) => ["roles/owner", "roles/editor", "roles/viewer"].includes(b.role),
  ),
  perResource(
    {
      id: "GCP-IAM-NO-PUBLIC-PRINCIPALS",
      source: "CIS GCP 1.x; Checkov CKV_GCP_28-style",
      description: "No IAM grant to allUsers or allAuthenticatedUsers",
      fix: "Grant named principals only",
      examples: {
        compliant: stackOf({
          google_project_iam_member: { m: { role: "roles/bigquery.jobUser", member: "group:g@example.com" } },
        }),
        nonCompliant: stackOf({
          google_project_iam_member: {
            m: { role: "roles/bigquery.jobUser", member: "allAuthenticatedUsers" },
          },
        }),
      },
    },
    IAM_TYPES,
    (b) => members(b).some((m) => PUBLIC.test(m)),
  ),
  perResource(
    {
      id: "GCP-IAM-NO-SA-KEYS",
      source: "CIS GCP 1.4",
      description: "Terraform creates no service-account keys (they would land in state)",
      fix: "Use Workload Identity Federation; create an unavoidable key by hand (README)",
      examples: {
        compliant: stackOf({ google_service_account: { s: { account_id: "a" } } }),
        nonCompliant: stackOf({ google_service_account_key: { k: { service_account_id: "a" } } }),
      },
    },
    ["google_service_account_key"],
    () => true,
  ),
  perResource(
    {
      id: "GCP-BQ-DATA-ROLES-PER-DATASET",
      source: "project (least privilege; CKV_GCP_ dataset IAM)",
      description: "BigQuery data roles are granted per dataset, never project-wide",
      fix: "google_bigquery_dataset_iam_member (BigQuery.grantDataset)",
      examples: {
        compliant: stackOf({
          google_bigquery_dataset_iam_member: {
            m: { role: "roles/bigquery.dataEditor", member: "serviceAccount:a@p.iam.gserviceaccount.com" },
          },
        }),
        nonCompliant: stackOf({
          google_project_iam_member: {
            m: { role: "roles/bigquery.dataEditor", member: "serviceAccount:a@p.iam.gserviceaccount.com" },
          },
        }),
      },
    },
    ["google_project_iam_member", "google_project_iam_binding"],
    (b) => /^roles\/bigquery\.data(Editor|Owner|Viewer)$/.test(b.role),
  ),
  perResource(
    {
      id: "GCP-IAM-NO-PROJECT-WIDE-IMPERSONATION",
      source: "CIS GCP 1.6",
      description: "No project-wide Service Account User / Token Creator grants",
      fix: "Bind impersonation on the one service account (google_service_account_iam_member)",
      examples: {
        compliant: stackOf({
          google_service_account_iam_member: {
            m: { role: "roles/iam.serviceAccountTokenCreator", member: "group:g@example.com" },
          },
        }),
        nonCompliant: stackOf({
          google_project_iam_member: {
            m: { role: "roles/iam.serviceAccountTokenCreator", member: "group:g@example.com" },
          },
        }),
      },
    },
    ["google_project_iam_member", "google_project_iam_binding"],
    (b) => ["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"].includes(b.role),
  ),
  perResource(
    {
      id: "GCP-WIF-ATTRIBUTE-CONDITION",
      source: "Checkov CKV_GCP_118, CKV_GCP_125",
      description: "Workload Identity providers accept only tokens matching an attribute condition",
      fix: "attributeCondition naming the repository / AWS role",
      examples: {
        compliant: stackOf({
          google_iam_workload_identity_pool_provider: {
            p: { attribute_condition: "assertion.repository == 'o/r'" },
          },
        }),
        nonCompliant: stackOf({ google_iam_workload_identity_pool_provider: { p: {} } }),
      },
    },
    ["google_iam_workload_identity_pool_provider"],
    (b) => !(typeof b.attribute_condition === "string" && b.attribute_condition.trim().length > 0),
  ),
];
