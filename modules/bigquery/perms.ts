/** BigQuery dataset roles the grant methods hand out (never project-wide, never basic roles). */
export const DATASET_READ_ROLE = "roles/bigquery.dataViewer";
export const DATASET_WRITE_ROLE = "roles/bigquery.dataEditor";
export type DatasetRole = typeof DATASET_READ_ROLE | typeof DATASET_WRITE_ROLE;
/** What the BigQuery service agent needs on the CMEK key to encrypt the datasets' tables. */
export const CMEK_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
/** Members no grant may name: the public. */
export const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"] as const;
