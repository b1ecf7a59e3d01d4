/** Actions the reconcile Lambda needs besides the data constructs' grants. */
/** Athena resolves the tables it counts through Glue (read only). */
export const GLUE_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
] as const;
