/** Glue Data Catalog action lists used by the catalog's grant methods. */
export const GLUE_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
] as const;
/** Create, change and drop tables (Iceberg commits update the table; staging tables come and go). */
export const GLUE_WRITE = ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"] as const;
